"""Property tests: offsets in both conventions with astral characters, through records, BIO and back.

Every assertion compares the OUTPUT of the conversion with what the generator put in.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotate.dataset import DatasetRowBuilder, row_bio_spans
from annotate.records import annotation_to_record
from annotate.schema import load_schema
from annotate.spans import Span, Utf16Index, offset_readings, resolve_offsets
from export_builders import utf16

NEWS = load_schema("news")
CHARS = ["a", "b", "B", "é", "中", "😀", "🎉", "𝔘", "🇺", " ", " ", "\n", ".", "-", "'"]

texts = st.lists(st.sampled_from(CHARS), min_size=1, max_size=40).map("".join)


@st.composite
def text_and_spans(draw: Any, *, overlapping: bool = False) -> tuple[str, list[tuple[int, int, str]]]:
    """A text and labelled spans whose first and last characters are not white space."""
    text = draw(texts)
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    assume(solid)
    spans: list[tuple[int, int, str]] = []
    if overlapping:
        for _ in range(draw(st.integers(0, 5))):
            a, b = sorted(draw(st.lists(st.sampled_from(solid), min_size=2, max_size=2)))
            spans.append((a, b + 1, draw(st.sampled_from(NEWS.entity_labels))))
    else:
        cuts = sorted(set(draw(st.lists(st.sampled_from(solid), max_size=8))))
        for first, last in zip(cuts[::2], cuts[1::2]):
            spans.append((first, last + 1, draw(st.sampled_from(NEWS.entity_labels))))
        if len(cuts) % 2:
            spans.append((cuts[-1], cuts[-1] + 1, draw(st.sampled_from(NEWS.entity_labels))))
    return text, sorted(set(spans))


def _item(i: int, text: str, start: int, end: int, label: str, convention: str) -> dict[str, Any]:
    s, e = (utf16(text, start), utf16(text, end)) if convention == "utf16" else (start, end)
    return {"id": f"r{i}", "from_name": "entity", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text[start:end], "labels": [label]}}


def _decidable(text: str, regions: list[tuple[int, int]], convention: str) -> bool:
    """False when an export in UTF-16 has only regions whose code-point reading also fits elsewhere."""
    if convention == "codepoint":
        return True
    readings = [(utf16(text, s), utf16(text, e), text[s:e], (s, e)) for s, e in regions]
    ambiguous = any(text[us:ue] == t and (us, ue) != true for us, ue, t, true in readings)
    decisive = any(text[us:ue] != t for us, ue, t, _ in readings)
    return not ambiguous or decisive


def _pad(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    return start, end


def _convert(text: str, items: list[dict[str, Any]]) -> Any:
    conv = annotation_to_record({"id": 1, "result": items}, origin="annotation", text=text, doc_id="d", task_id=1, schema=NEWS)
    conv.check()
    return conv


@settings(max_examples=300, deadline=None)
@given(text_and_spans(), st.sampled_from(["codepoint", "utf16"]), st.booleans())
def test_spans_round_trip_through_records_and_bio(case: Any, convention: str, pad: bool) -> None:
    text, spans = case
    regions = [_pad(text, s, e) if pad else (s, e) for s, e, _ in spans]
    assume(_decidable(text, regions, convention))
    items = [_item(i, text, s, e, label, convention) for i, ((s, e), (_, _, label)) in enumerate(zip(regions, spans))]
    conv = _convert(text, items)
    record = conv.record
    got = [(e["start"], e["end"], e["label"]) for e in record["entities"]]
    assert got == sorted(spans)  # the output, trimmed and in code points, is what was generated
    for entity in record["entities"]:
        assert text[entity["start"]:entity["end"]] == entity["text"]
    assert conv.rejects == []
    row = DatasetRowBuilder(NEWS).row(record)
    assert row["bio_conflicts"] == []
    assert row_bio_spans(row) == [Span(s, e, label) for s, e, label in sorted(spans)]
    for token, offsets in zip(row["tokens"], row["token_offsets"]):
        assert text[offsets["start"]:offsets["end"]] == token and token.strip() == token


@settings(max_examples=200, deadline=None)
@given(text_and_spans(overlapping=True))
def test_overlapping_spans_stay_in_entities_and_are_flagged(case: Any) -> None:
    text, spans = case
    conv = _convert(text, [_item(i, text, s, e, label, "codepoint") for i, (s, e, label) in enumerate(spans)])
    entities = [(e["start"], e["end"], e["label"]) for e in conv.record["entities"]]
    assert entities == sorted(spans)  # nothing dropped
    row = DatasetRowBuilder(NEWS).row(conv.record)
    in_bio = [(s.start, s.end, s.label) for s in row_bio_spans(row)]
    flagged = [(c["start"], c["end"], c["label"]) for c in row["bio_conflicts"]]
    assert sorted(in_bio + flagged) == sorted(spans)  # every entity is either in ner_tags or flagged
    for (s1, e1, _), (s2, e2, _) in zip(in_bio, in_bio[1:]):
        assert e1 <= s2
    for conflict in row["bio_conflicts"]:
        o = conflict["overlaps"]
        assert o["start"] < conflict["end"] and conflict["start"] < o["end"]


@given(texts, st.data())
def test_utf16_index_agrees_with_the_encoder(text: str, data: Any) -> None:
    index = Utf16Index.of(text)
    i = data.draw(st.integers(0, len(text)))
    assert index.to_utf16(i) == utf16(text, i)
    assert index.to_codepoint(utf16(text, i)) == i


@given(texts, st.data())
def test_offset_readings_contain_the_true_reading(text: str, data: Any) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    expected = text[start:end]
    assert offset_readings(text, start, end, expected)["codepoint"] == (start, end)
    u16 = offset_readings(text, utf16(text, start), utf16(text, end), expected)
    assert u16.get("utf16", u16.get("codepoint")) == (start, end)  # no astral character: both readings are one
    resolved = resolve_offsets(text, utf16(text, start), utf16(text, end), expected)
    assert resolved is not None and text[resolved[0]:resolved[1]] == expected
