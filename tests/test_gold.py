"""The gold record of the seed article: its text is the cleaned seed, and every span reads its text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from annotate.documents import DocumentStats, iter_documents
from annotate.recordio import read_records
from annotate.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpora" / "gold" / "news.jsonl"
SEED_FOLDER = ROOT / "corpora" / "news"


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    (record,) = list(read_records(GOLD))
    return record


def spans(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for e in record["entities"]:
        yield "entity", e
    for q in record["quotes"]:
        yield "quote", q
        for part in ("speaker", "cue"):
            if q[part] is not None:
                yield part, q[part]
    for e in record["events"]:
        yield "trigger", e["trigger"]
        for a in e["arguments"]:
            yield "argument", a


def test_gold_text_is_the_cleaned_seed(gold: dict[str, Any]) -> None:
    (document,) = list(iter_documents([SEED_FOLDER], DocumentStats()))
    assert gold["id"] == document.id == "abu-dhabi-talks"
    assert gold["text"] == document.text


def test_every_gold_span_reads_its_text(gold: dict[str, Any]) -> None:
    text = gold["text"]
    count = 0
    for kind, span in spans(gold):
        assert 0 <= span["start"] < span["end"] <= len(text), (kind, span)
        assert text[span["start"]:span["end"]] == span["text"], (kind, span)
        assert span["text"] == span["text"].strip(), f"{kind} span has white space at an edge: {span}"
        count += 1
    assert count == 172  # 59 entities, 15 quotes + 14 speakers + 14 cues, 34 triggers + 36 arguments


def test_gold_follows_the_schema_and_the_guidelines(gold: dict[str, Any]) -> None:
    schema = load_schema("news")
    entities = gold["entities"]
    assert {e["label"] for e in entities} <= set(schema.entity_labels)
    assert all(a["end"] <= b["start"] for a, b in zip(entities, entities[1:])), "entities overlap or are unsorted"
    mentions = {(e["start"], e["end"]) for e in entities}
    for quote in gold["quotes"]:
        assert quote["kind"] in schema.kinds
        if quote["speaker"] is not None:
            assert (quote["speaker"]["start"], quote["speaker"]["end"]) in mentions, "a speaker is an entity mention"
        if quote["kind"] == "direct":
            assert quote["text"][0] in "\"'\u201c\u2018" and quote["text"][-1] in "\"'\u201d\u2019"
    for event in gold["events"]:
        roles = schema.roles_of(event["type"])
        for argument in event["arguments"]:
            assert argument["role"] in roles
            assert (argument["start"], argument["end"]) in mentions, "an argument is an entity mention"


def test_gold_has_the_quotes_the_article_attributes(gold: dict[str, Any]) -> None:
    speakers = {(q["text"][:20], q["speaker"]["text"] if q["speaker"] else None, q["kind"]) for q in gold["quotes"]}
    assert ('the delegations "had', "Steve Witkoff", "mixed") in speakers
    assert ('"All they are doing ', "Sergei Lavrov", "direct") in speakers
    assert ('"Over the past year,', "Lavrov", "direct") in speakers
    assert ('"Today I received a ', "Zelenskyy", "direct") in speakers
    assert ("the Ukrainian delega", "Rustem Umerov", "mixed") in speakers
    assert sum(1 for q in gold["quotes"] if q["kind"] == "indirect") >= 5


def test_gold_file_is_what_the_builder_writes(gold: dict[str, Any]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_news", ROOT / "corpora" / "gold" / "build_news.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == json.loads(GOLD.read_text(encoding="utf-8"))
