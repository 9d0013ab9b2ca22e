"""annotate.exporters: the spaCy DocBin keeps the record text and every span on the same characters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.dataset import DatasetRowBuilder, SplitWriter, install_dataset_dict
from annotate.exporters import export_dataset, spacy_words
from annotate.schema import load_schema
from annotate.tokens import tokenize

NEWS = load_schema("news")
PROVENANCE = {"task_id": 1, "annotation_id": 1, "annotator": "a@x", "origin": "annotation",
              "created_at": None, "updated_at": None, "lead_time": None}


def span(text: str, needle: str, **extra: Any) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle, **extra}


def record(doc_id: str, text: str, entities: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    ents = [span(text, needle, label=label) for needle, label in entities]
    return {"id": doc_id, "text": text, "entities": ents, "quotes": [], "events": [], **PROVENANCE, **extra}


def write_dataset(records: list[dict[str, Any]], out: Path) -> Path:
    """A dataset folder as `annotate convert` writes it, straight from records."""
    builder = DatasetRowBuilder(NEWS)
    writer = SplitWriter(out.parent / "train.jsonl", out.parent / "build" / "train", NEWS)
    for rec in records:
        writer.add(builder.row(rec))
    writer.close()
    install_dataset_dict(out, {"train": out.parent / "build" / "train"})
    return out


def load_docs(path: Path) -> list[Any]:
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


WHITESPACE_TEXTS = [
    "Ann Smith met Bob.\n\nBob Jones left Paris.",
    "Ann  met  Bob in  Kyiv.",
    "Ann\tmet\tBob\t\tin Kyiv.",
    "  \n Ann met Bob in Kyiv. \n\t ",
    "😀 Ann met 🇺🇦 Bob\u00a0Jones in 𝔘kyiv \r\n today.",
    " \n\n ",
    "",
]


def test_spacy_doc_text_and_entities_equal_the_records(tmp_path: Path) -> None:
    records = []
    for i, text in enumerate(WHITESPACE_TEXTS):
        ents = [(n, lbl) for n, lbl in (("Ann", "PERSON"), ("Bob", "PERSON"), ("Kyiv", "GPE"), ("Paris", "GPE")) if n in text]
        records.append(record(f"d{i}", text, ents))
    # nested: PERSON "Bob Jones" and ORG "Jones" cannot both be doc.ents
    nested = "Ann met Bob Jones\n\nin Paris."
    records.append(record("nested", nested, [("Bob Jones", "PERSON"), ("Jones", "ORG"), ("Paris", "GPE")]))
    folder = write_dataset(records, tmp_path / "ds")
    assert export_dataset(folder, tmp_path / "x.spacy", fmt="spacy") == len(records)
    docs = load_docs(tmp_path / "x.spacy")
    assert [d.text for d in docs] == [r["text"] for r in records]
    for doc, rec in zip(docs, records):
        expected = sorted((e["start"], e["end"], e["label"]) for e in rec["entities"])
        if rec["id"] == "nested":
            assert doc.user_data["entities_not_in_ents"] == 1
            assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(8, 17, "PERSON"), (22, 27, "GPE")]
        else:
            assert doc.user_data["entities_not_in_ents"] == 0
            assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == expected
        assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["entities"]) == expected
        assert all(doc.text[s.start_char:s.end_char] == s.text for s in doc.spans["entities"])
        assert json.loads(doc.user_data["record"]) == rec


def test_quotes_and_triggers_inside_a_token_keep_their_characters(tmp_path: Path) -> None:
    text = "Ann said:\n\n\"we  will\"talks-ahead 😀meet."
    quote = span(text, "\"we  will\"", kind="direct", speaker=span(text, "Ann"), cue=span(text, "said"))
    trigger = span(text, "meet")  # after an emoji, no space: inside the tokenizer's token or not, it must land exactly
    event = {"type": "Contact.Meet", "trigger": trigger, "arguments": [span(text, "Ann", role="Participant")]}
    rec = record("q", text, [("Ann", "PERSON")], quotes=[quote], events=[event])
    rec["quotes"].append(span(text, "talks", kind=None, speaker=None, cue=None))  # part of "talks-ahead"
    export_dataset(write_dataset([rec], tmp_path / "ds"), tmp_path / "x.spacy", fmt="spacy")
    (doc,) = load_docs(tmp_path / "x.spacy")
    assert doc.text == text
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["quotes"]] == [
        (quote["start"], quote["end"], "direct"), (text.index("talks"), text.index("talks") + 5, "QUOTE")]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["triggers"]] == [(trigger["start"], trigger["end"], "Contact.Meet")]


def test_spacy_words_follows_spacys_tokenizer_on_white_space() -> None:
    import spacy

    nlp = spacy.blank("en")
    for text in ("a  b", "a \n b", "a\n\nb", "  a", "a\t", "a b"):
        words, spaces = spacy_words(text, [{"start": t.start, "end": t.end} for t in tokenize(text)])
        assert (words, spaces) == ([t.text for t in nlp(text)], [bool(t.whitespace_) for t in nlp(text)]), text


def test_a_span_at_a_gaps_first_space_keeps_it_in_the_gap() -> None:
    tokens = [{"start": 0, "end": 1}, {"start": 3, "end": 4}]
    assert spacy_words("a  b", tokens, spans=[(1, 2)]) == (["a", " ", " ", "b"], [False, False, False, False])
    assert spacy_words("a  b", tokens, spans=[(0, 2)]) == (["a", " ", " ", "b"], [False, False, False, False])
    assert spacy_words("a  b", tokens, spans=[(0, 1), (3, 4)]) == (["a", " ", "b"], [True, False, False])


SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n ", "\u00a0", "\r\n", ""])
WORDS = st.sampled_from(["Ann", "Bob", "Kyiv", "😀", "🇺🇦x", "𝔘n", "said", ",", "\"", "talks-ahead", "e.g."])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(SEPARATORS, WORDS), max_size=12), SEPARATORS, st.data())
def test_doc_text_and_span_offsets_round_trip(parts: list[tuple[str, str]], tail: str, data: st.DataObject) -> None:
    import spacy
    from spacy.tokens import Doc

    text = "".join(sep + word for sep, word in parts) + tail
    points = data.draw(st.lists(st.integers(0, len(text)), max_size=6, unique=True).map(sorted))
    spans = data.draw(st.lists(st.tuples(st.sampled_from(points), st.sampled_from(points)), max_size=6) if points else st.just([]))
    spans = [(s, e) for s, e in spans if s < e]  # any spans, overlapping or not, white space at their edges or not
    tokens = tokenize(text, boundaries=[b for pair in spans for b in pair])
    words, spaces = spacy_words(text, [{"start": t.start, "end": t.end} for t in tokens], spans=spans)
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=spaces)
    assert doc.text == text
    for start, end in spans:
        got = doc.char_span(start, end)
        assert got is not None and (got.start_char, got.end_char, got.text) == (start, end, text[start:end])


@pytest.mark.parametrize("fmt", ["conll", "jsonl"])
def test_other_formats_still_read_the_same_rows(tmp_path: Path, fmt: str) -> None:
    rec = record("d", WHITESPACE_TEXTS[0], [("Ann Smith", "PERSON"), ("Paris", "GPE")])
    assert export_dataset(write_dataset([rec], tmp_path / "ds"), tmp_path / f"x.{fmt}", fmt=fmt) == 1


def test_spacy_export_into_a_folder_writes_shards_of_every_document(tmp_path: Path, monkeypatch: Any) -> None:
    import annotate.exporters as exporters

    monkeypatch.setattr(exporters, "SPACY_SHARD_DOCS", 2)
    records = [record(f"d{i}", f"Ann met Bob in Kyiv {i}.", [("Ann", "PERSON"), ("Kyiv", "GPE")]) for i in range(5)]
    folder = write_dataset(records, tmp_path / "ds")
    assert export_dataset(folder, tmp_path / "corpus", fmt="spacy") == 5
    shards = sorted((tmp_path / "corpus").glob("*.spacy"))
    # 5 documents, 2 a file: 2 + 2 + 1
    assert [p.name for p in shards] == ["part-00000.spacy", "part-00001.spacy", "part-00002.spacy"]
    docs = [doc for shard in shards for doc in load_docs(shard)]
    assert [d.text for d in docs] == [r["text"] for r in records]
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs] == [
        sorted((e["start"], e["end"], e["label"]) for e in r["entities"]) for r in records
    ]
