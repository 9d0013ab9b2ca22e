"""The extractor interface, the runner, and the rule-based baselines (on the seed and on small texts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotate.documents import DocumentStats, iter_documents
from annotate.errors import ExtractorError, SchemaError
from annotate.extractors import EXTRACTORS, Source, load_extractor
from annotate.extractors.entities import entities_of
from annotate.extractors.events import events_of, load_event_lexicon
from annotate.extractors.quotes import quotes_of
from annotate.extractors.run import Failure, run_extractor
from annotate.extractors.text import find_quotes, sentence_bounds
from annotate.recordio import check_record

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpora" / "news" / "abu-dhabi-talks.raw.txt"
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def seed_text() -> str:
    (document,) = list(iter_documents([SEED], DocumentStats()))
    return document.text


def marked(text: str) -> list[str]:
    return [text[q.start:q.end] for q in find_quotes(text)]


def quotes(text: str) -> list[dict[str, Any]]:
    return quotes_of(text, entities_of(text))


# --------------------------------------------------------------------------- quotation marks


@pytest.mark.parametrize("text, expected", [
    ('He said "no way" twice.', ['"no way"']),
    ("He said \u201cno way\u201d twice.", ["\u201cno way\u201d"]),
    ("He said \u2018no way\u2019 twice.", ["\u2018no way\u2019"]),
    ("He said 'no way' twice.", ["'no way'"]),
    ('"Stop. Now. Please," she said.', ['"Stop. Now. Please,"']),  # several sentences
    ('"It is over,\' he said.', ['"It is over,\'']),  # opened with " and closed with '
    ("The ministers' talks wouldn't end and UAE's role grew.", []),  # apostrophes, a possessive
    ('\u201cOuter \u2018inner\u2019 still outer,\u201d he said.', ['\u201cOuter \u2018inner\u2019 still outer,\u201d']),
    ('"Never closed\n\nNext paragraph.', ['"Never closed']),  # an open quote ends with its paragraph
])
def test_quotation_marks(text: str, expected: list[str]) -> None:
    assert marked(text) == expected


def test_seed_quotation_marks(seed_text: str) -> None:
    found = marked(seed_text)
    assert found[0].startswith('"had extensive') and found[0].endswith('activities"')
    over = next(q for q in found if q.startswith('"Over the past year'))
    assert over.endswith("did not react at all,'")  # the seed's " ... ' quote, over three sentences
    assert "'neutral and benevolent Ukraine.\"" in found
    assert "'continue trilateral talks in the coming weeks'" in found
    assert len(found) == 9


def test_sentences_skip_abbreviations_and_quoted_stops() -> None:
    text = 'Talks in the U.S. ended. "We left. It was late," he said. Mr. Smith agreed.'
    assert [text[s:e] for s, e in sentence_bounds(text)] == [
        "Talks in the U.S. ended.", '"We left. It was late," he said.', "Mr. Smith agreed."]


# --------------------------------------------------------------------------- entities


def labelled(text: str) -> set[tuple[str, str]]:
    return {(text[m.start:m.end], m.label) for m in entities_of(text)}


def test_entity_rules_on_small_texts() -> None:
    text = ("Ukrainian President Volodymyr Zelenskyy met Foreign Minister Anna Berg in Geneva on Monday evening. "
            "Zelenskyy said 12 percent of the $5 million was spent in the past year, the first time in two days.")
    found = labelled(text)
    assert {("Ukrainian", "NORP"), ("Volodymyr Zelenskyy", "PERSON"), ("Anna Berg", "PERSON"), ("Geneva", "GPE"),
            ("Monday evening", "TIME"), ("Zelenskyy", "PERSON"), ("12 percent", "PERCENT"), ("$5 million", "MONEY"),
            ("the past year", "DATE"), ("first", "ORDINAL"), ("two days", "DATE")} <= found


def test_official_names_are_one_org_and_possessives_split() -> None:
    text = "The United Arab Emirates (UAE) Ministry of Foreign Affairs and Ukraine's National Security Council met."
    found = labelled(text)
    assert ("United Arab Emirates (UAE) Ministry of Foreign Affairs", "ORG") in found
    assert ("National Security Council", "ORG") in found and ("Ukraine", "GPE") in found


def test_entity_baseline_on_the_seed_uses_schema_labels(seed_text: str) -> None:
    from annotate.schema import load_schema

    labels = set(load_schema("entities").entity_labels)
    mentions = entities_of(seed_text)
    assert {m.label for m in mentions} <= labels
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))  # never overlapping
    found = {(seed_text[m.start:m.end], m.label) for m in mentions}
    for expected in [("Steve Witkoff", "PERSON"), ("Sergei Lavrov", "PERSON"), ("Rustem Umerov", "PERSON"),
                     ("Abu Dhabi", "GPE"), ("RT", "ORG"), ("Thursday evening", "TIME"), ("157", "CARDINAL")]:
        assert expected in found


# --------------------------------------------------------------------------- quotes


def test_quote_baseline_finds_the_seed_quotes_with_their_speakers(seed_text: str) -> None:
    found = quotes(seed_text)

    def quote(prefix: str) -> dict[str, Any]:
        (match,) = [q for q in found if q["text"].startswith(prefix)]
        return match

    def speaker_of(prefix: str) -> str | None:
        return quote(prefix)["speaker"]["text"] if quote(prefix)["speaker"] else None

    # Witkoff's (mixed: reported, with a quoted fragment) and his ", adding that ..." (indirect)
    assert speaker_of('the delegations "had extensive') == "Steve Witkoff"
    assert quote('the delegations "had exten')["kind"] == "mixed"
    assert speaker_of("greater efforts would be required") == "Steve Witkoff"
    # Zelenskyy's several quotes, direct and indirect
    assert speaker_of('the talks in Abu Dhabi "have not') == "Volodymyr Zelenskyy"
    assert speaker_of('"Today I received a report') == "Zelenskyy"
    assert quote('"Today I received a repor')["kind"] == "direct"
    assert speaker_of("the released detainees included") == "Zelenskyy"
    assert speaker_of("the next peace talks may take") == "Zelenskyy"
    # Lavrov's: "he said" resolved to the previous speaker, and the " ... ' quote
    assert speaker_of('"All they are doing now') == "Sergei Lavrov"
    assert quote('"All they are doing now i')["cue"]["text"] == "said"
    assert speaker_of('"Over the past year') == "Lavrov"
    assert quote('"Over the past year, the ')["cue"]["text"] == "explained"
    assert speaker_of("Russia demands a 'neutral") == "Lavrov"
    # Umerov, and according to
    assert speaker_of('the Ukrainian delegation sought') == "Rustem Umerov"
    assert speaker_of("the talks were conducted") == "Ukraine"
    # a quotation with no cue gets no speaker
    assert speaker_of("'continue trilateral talks") is None
    record = check_record({"id": "seed", "text": seed_text, "quotes": found}, "test")
    assert len(record["quotes"]) == len(found)


def test_indirect_quotes_and_kinds() -> None:
    text = "Police chief Anna Berg said that the road will reopen on Monday. \"It is safe,\" she said."
    found = quotes(text)
    assert [(q["text"], q["kind"], q["speaker"]["text"], q["cue"]["text"]) for q in found] == [
        ("the road will reopen on Monday", "indirect", "Anna Berg", "said"),
        ('"It is safe,"', "direct", "Anna Berg", "said"),
    ]


def test_cue_after_a_name_and_curly_quotes() -> None:
    text = "\u201cWe will not sign it,\u201d said Foreign Minister Sergei Lavrov."
    (quote,) = quotes(text)
    assert quote["text"] == "\u201cWe will not sign it,\u201d" and quote["speaker"]["text"] == "Sergei Lavrov"


# --------------------------------------------------------------------------- events


def test_event_baseline_on_the_seed(seed_text: str) -> None:
    events = events_of(seed_text, entities_of(seed_text), load_event_lexicon())
    first = events[0]
    assert (first["type"], first["trigger"]["text"]) == ("Contact.Meet", "talks")
    roles = {(a["role"], a["text"]) for a in first["arguments"]}
    assert {("Place", "Abu Dhabi"), ("Time", "Thursday"), ("Participant", "Russia")} <= roles
    types = {e["type"] for e in events}
    assert {"Contact.Meet", "Agreement.Reach", "Justice.PrisonerExchange", "Conflict.Ceasefire", "Contact.Statement"} <= types
    exchange = next(e for e in events if e["trigger"]["text"] == "exchange")
    assert seed_text[exchange["trigger"]["start"] - 9:exchange["trigger"]["start"]] == "prisoner "


def test_event_lexicon_is_checked_against_the_inventory(tmp_path: Path) -> None:
    bad_type = tmp_path / "bad-type.json"
    bad_type.write_text(json.dumps({"types": {"Contact.Phone": {"triggers": ["call"]}}}))
    with pytest.raises(SchemaError, match="Contact.Phone"):
        load_event_lexicon(bad_type)
    bad_role = tmp_path / "bad-role.json"
    bad_role.write_text(json.dumps({"types": {"Contact.Meet": {"triggers": ["talks"], "arguments": {"Victim": ["PERSON"]}}}}))
    with pytest.raises(SchemaError, match="Victim"):
        load_event_lexicon(bad_role)


# --------------------------------------------------------------------------- registry and runner


def test_registry_is_a_plain_dict_of_baselines(seed_text: str) -> None:
    assert set(EXTRACTORS) == {"baseline", "baseline-entities", "baseline-quotes", "baseline-events"}
    source = Source("abu-dhabi-talks", seed_text)
    for name in EXTRACTORS:
        (record,) = load_extractor(name)([source])
        assert record["id"] == "abu-dhabi-talks"
        check_record(record, name)
    (full,) = EXTRACTORS["baseline"]([source])
    assert full["entities"] and full["quotes"] and full["events"]


def test_unknown_extractor_names_the_choices() -> None:
    with pytest.raises(ExtractorError, match="baseline-quotes"):
        load_extractor("nope")


def test_module_function_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    extract = load_extractor("user_extractors:capitalised")
    (record,) = extract([Source("d", "Hello Kyiv")])
    assert [e["text"] for e in record["entities"]] == ["Hello", "Kyiv"]
    by_path = load_extractor(f"{TESTS / 'user_extractors.py'}:capitalised")
    assert by_path([Source("d", "Hello Kyiv")])[0]["entities"][1]["text"] == "Kyiv"


@pytest.mark.parametrize("spec, message", [
    ("user_extractors:missing", "no callable 'missing'"),
    ("user_extractors:NOT_CALLABLE", "no callable"),
    ("no_such_module_xyz:f", "importing no_such_module_xyz failed"),
])
def test_module_function_errors_are_one_line(monkeypatch: pytest.MonkeyPatch, spec: str, message: str) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    with pytest.raises(ExtractorError, match=message) as info:
        load_extractor(spec)
    assert "\n" not in str(info.value)


def sources(*texts: str) -> list[Source]:
    return [Source(f"d{i}", text, f"origin{i}") for i, text in enumerate(texts, start=1)]


def test_runner_isolates_a_raising_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    extract = load_extractor("user_extractors:explodes_on_boom")
    results = list(run_extractor(extract, sources("Alpha", "a boom here", "Gamma", "Delta"), name="x", batch_size=3))
    assert [type(r).__name__ for r in results] == ["dict", "Failure", "dict", "dict"]
    failure = results[1]
    assert isinstance(failure, Failure)
    assert failure.id == "d2" and "RuntimeError: cannot handle d2" in failure.reason
    assert "'d2'" in failure.message() and "\n" not in failure.message()
    assert [r["id"] for r in results if isinstance(r, dict)] == ["d1", "d3", "d4"]


def test_runner_rejects_malformed_records_and_keeps_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    extract = load_extractor("user_extractors:malformed_on_bad")
    results = list(run_extractor(extract, sources("Alpha", "a bad one", "Gamma"), name="m"))
    assert isinstance(results[1], Failure) and "malformed record" in results[1].reason
    assert "'nope'" in results[1].reason and "document 'd2'" in results[1].reason
    assert [r["text"] for r in results if isinstance(r, dict)] == ["Alpha", "Gamma"]  # text filled in


def test_runner_rejects_records_that_lose_their_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TESTS))
    results = list(run_extractor(load_extractor("user_extractors:wrong_ids"), sources("A", "B"), name="w"))
    assert all(isinstance(r, Failure) and "keep the document id" in r.reason for r in results)


def test_runner_handles_a_wrong_number_of_records() -> None:
    def one_short(documents: Any) -> list[dict[str, Any]]:
        return [{"id": d.id} for d in documents][:1]

    results = list(run_extractor(one_short, sources("A", "B", "C"), name="short", batch_size=3))
    assert all(isinstance(r, dict) for r in results)  # rerun one by one, each gets its record


# --------------------------------------------------------------------------- spacy:PIPELINE


def test_spacy_pipeline_from_disk(tmp_path: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Sergei Lavrov"}, {"label": "GPE", "pattern": "Abu Dhabi"}])
    nlp.to_disk(tmp_path / "ruler")
    extract = load_extractor(f"spacy:{tmp_path / 'ruler'}")
    (record,) = extract([Source("d", "Sergei Lavrov spoke in Abu Dhabi.")])
    assert [(e["text"], e["label"], e["start"]) for e in record["entities"]] == [
        ("Sergei Lavrov", "PERSON", 0), ("Abu Dhabi", "GPE", 23)]
    assert record["quotes"] == [] and record["events"] == []


def test_spacy_pipeline_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ExtractorError, match="cannot be loaded") as info:
        load_extractor(f"spacy:{tmp_path / 'nothing'}")
    assert "\n" not in str(info.value)
