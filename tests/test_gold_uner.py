"""The quotes gold on UNER English-PUD news (corpora/gold/uner-news-quotes.jsonl): its texts are
read_iob2_text's texts for those ids, and every span reads its text."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from annotate.metrics.conll import read_iob2_text
from annotate.recordio import read_records

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpora" / "gold" / "uner-news-quotes.jsonl"
UNER = ROOT / ".." / "shared" / "data" / "uner-en-pud" / "en_pud-ud-test.iob2"


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    return list(read_records(GOLD))


def spans(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for q in record["quotes"]:
        yield "quote", q
        for part in ("speaker", "cue"):
            if q[part] is not None:
                yield part, q[part]


@pytest.mark.skipif(not UNER.is_file(), reason=f"UNER English-PUD not found at {UNER} (../shared/data is absent)")
def test_texts_are_read_iob2_texts(gold: list[dict[str, Any]]) -> None:
    source = {r["id"]: r["text"] for r in read_iob2_text(UNER, sent_prefix="n", by="document")}
    assert len(gold) == 25
    for record in gold:
        assert record["text"] == source[record["id"]], record["id"]


@pytest.mark.skipif(not UNER.is_file(), reason=f"UNER English-PUD not found at {UNER} (../shared/data is absent)")
def test_speakers_are_uner_mentions(gold: list[dict[str, Any]]) -> None:
    source = {r["id"]: r for r in read_iob2_text(UNER, sent_prefix="n", by="document")}
    for record in gold:
        names = {(e["start"], e["end"]) for e in source[record["id"]]["entities"]}
        for q in record["quotes"]:
            if q["speaker"] is not None:
                assert (q["speaker"]["start"], q["speaker"]["end"]) in names, (record["id"], q["speaker"])


def test_every_span_reads_its_text(gold: list[dict[str, Any]]) -> None:
    count = 0
    for record in gold:
        text = record["text"]
        assert record["entities"] == [] and record["events"] == []  # only quotes are annotated
        for kind, span in spans(record):
            assert 0 <= span["start"] < span["end"] <= len(text), (record["id"], kind, span)
            assert text[span["start"]:span["end"]] == span["text"], (record["id"], kind, span)
            assert span["text"] == span["text"].strip(), f"{kind} span has white space at an edge: {span}"
            count += 1
    assert count == 40 + 18 + 34  # 40 quotes, 18 speakers, 34 cues


def test_kinds_and_quotes_do_not_overlap(gold: list[dict[str, Any]]) -> None:
    kinds = [q["kind"] for r in gold for q in r["quotes"]]
    assert (kinds.count("direct"), kinds.count("indirect"), kinds.count("mixed")) == (18, 18, 4)
    for record in gold:
        quotes = sorted(record["quotes"], key=lambda q: q["start"])
        for a, b in zip(quotes, quotes[1:]):
            assert a["end"] <= b["start"], (record["id"], a["text"][:30], b["text"][:30])
        for q in quotes:
            if q["kind"] == "direct":
                assert q["text"][0] in "\"“‘'" and q["text"][-1] in "\"”’'", q["text"]
