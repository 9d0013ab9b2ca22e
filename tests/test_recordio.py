"""Reading records: the column reader gives what `read_records` gives, and fails where and as it fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotate.recordio as recordio
from annotate.errors import InputError
from annotate.metrics.pairing import entity_arrays, pair_entities, pair_records
from annotate.recordio import EntityColumns, read_entity_columns, read_jsonl_entity_columns, read_jsonl_records, read_records

TEXT = "Obama met Merkel in Berlin."
OBAMA = {"start": 0, "end": 5, "label": "PER", "text": "Obama"}
MERKEL = {"start": 10, "end": 16, "label": "PER", "text": "Merkel"}
BERLIN = {"start": 20, "end": 26, "label": "LOC", "text": "Berlin"}
GOOD = {"id": "d1", "text": TEXT, "entities": [OBAMA, MERKEL, BERLIN]}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _message(call: Any) -> str:
    with pytest.raises(InputError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    return message


BAD_LINES = [
    "[1, 2]",
    '{"text": "x"}',
    '{"id": "", "text": "x"}',
    '{"id": "d", "entities": []}',
    '{"id": "d", "text": 5}',
    '{"id": "d", "text": "x", "entities": {}}',
    '{"id": "d", "text": "x", "entities": [], "quotes": 3}',
    json.dumps({**GOOD, "entities": [OBAMA, "Merkel"]}),
    json.dumps({**GOOD, "entities": [OBAMA, {"start": 10, "end": 16, "label": "PER"}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": 10.0}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "end": "16"}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": -1}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": 16}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": 11}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "text": "merkel"}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "text": None}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "label": ""}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "label": 7}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "cluster": ""}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "cluster": 3}]}).replace('"cluster"', '"\\u0063luster"'),  # escaped key
    json.dumps({**GOOD, "quotes": [{"start": 0, "end": 5, "text": "Obama", "kind": "loud"}]}),
    json.dumps({**GOOD, "events": [{"type": "Meet"}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": 16}], "quotes": "x"}),  # two problems: the first is named
    json.dumps({**GOOD, "entities": [{**MERKEL, "start": 16}], "quotes": [{"start": 0}]}),
    '{"id": "d", "text": "x"',
    "not json",
    # where orjson and the json module part: the json module's reading decides
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": 10**20}]}),  # orjson: a float
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "end": 2**63}]}),  # beyond int64
    json.dumps({**GOOD, "quotes": [{"start": -(10**20), "end": 5, "text": "Obama"}]}),
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "start": float("nan")}]}),  # NaN: json only
    json.dumps({**GOOD, "entities": [OBAMA, {**MERKEL, "end": float("inf")}]}),
    '{"id": "d", "text": "x", "entities": [1e400]}',
    "\ufeff" + json.dumps(GOOD),  # a byte order mark
    '{"id": "d", "text": "x",}',
]


@pytest.mark.parametrize("bad", BAD_LINES)
def test_bad_record_same_message_as_read_records(tmp_path: Path, bad: str) -> None:
    path = _write(tmp_path / "gold.jsonl", [json.dumps(GOOD), "", bad, json.dumps(GOOD)])
    expected = _message(lambda: list(read_records(path)))
    assert "gold.jsonl:3: " in expected
    assert _message(lambda: read_entity_columns(path)) == expected


@pytest.mark.parametrize("bad", BAD_LINES)
def test_bad_prediction_same_message_or_same_columns(tmp_path: Path, bad: str) -> None:
    """Without text (predictions) some lines become valid: then both readers accept them alike."""
    path = _write(tmp_path / "pred.jsonl", [json.dumps(GOOD), bad])
    try:
        records = list(read_jsonl_records(path, require_text=False))
    except InputError as error:
        assert _message(lambda: read_jsonl_entity_columns(path, require_text=False)) == str(error)
        return
    _assert_same(read_jsonl_entity_columns(path, require_text=False), records)


def _assert_same(columns: EntityColumns, records: list[dict[str, Any]]) -> None:
    expected = entity_arrays(records)
    got = entity_arrays([{**r, "entities": []} for r in columns.records])  # no entities left in the records
    assert len(got) == 0
    assert columns.doc.tolist() == expected.doc.tolist()
    assert columns.start.tolist() == expected.start.tolist()
    assert columns.end.tolist() == expected.end.tolist()
    assert columns.label == [expected.labels[i] for i in expected.label.tolist()]
    assert columns.records == [{k: v for k, v in r.items() if k != "entities"} for r in records]


def test_unusual_but_valid_records_read_alike(tmp_path: Path) -> None:
    emoji = "😀 Bob said hi"
    lines = [
        json.dumps(GOOD),
        json.dumps({"id": "ascii", "text": emoji, "entities": [{"start": 2, "end": 5, "label": "PER", "text": "Bob"}]}),  # \\u escapes
        json.dumps({"id": "raw", "text": emoji, "entities": [{"start": 2, "end": 5, "label": "PER", "text": "Bob"}]}, ensure_ascii=False),
        json.dumps({**GOOD, "id": "cluster", "entities": [{**OBAMA, "cluster": "e1"}, MERKEL]}),
        json.dumps({**GOOD, "id": "bool", "entities": [{"start": True, "end": 5, "label": "PER", "text": "bama"}]}),
        json.dumps({"id": "none", "text": TEXT}),
        json.dumps({**GOOD, "id": "quotes", "quotes": [{"start": 0, "end": 5, "text": "Obama"}], "events": []}),
        json.dumps({**GOOD, "id": "escaped", "entities": [{**OBAMA, "cluster": "e1"}]}).replace('"cluster"', '"\\u0063luster"'),
        '{"id":"tight","text":"Obama met","entities":[{"text":"Obama","label":"PER","end":5,"start":0}]}',
        # JSON the json module takes and orjson does not (or reads otherwise): read as read_records reads it
        json.dumps({**GOOD, "id": "infinity", "weight": float("inf")}),
        json.dumps({"id": "surrogate", "text": "\ud800 Bob", "entities": [{"start": 2, "end": 5, "label": "PER", "text": "Bob"}]}),
    ]
    path = tmp_path / "gold.jsonl"
    path.write_bytes(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
    _assert_same(read_entity_columns(path), list(read_records(path)))
    assert read_entity_columns(path).records[6]["quotes"][0]["kind"] is None  # check_record's defaults


def test_big_integer_outside_the_contract_reads_as_float(tmp_path: Path) -> None:
    """The one documented difference (orjson reads integers beyond 64 bits as floats): only in a
    field the contract does not check, which the scorer never reads; spans and ids are the same."""
    path = _write(tmp_path / "gold.jsonl", [json.dumps({**GOOD, "n": 10**30})])
    columns, records = read_entity_columns(path), list(read_records(path))
    assert columns.records[0]["n"] == 1e30 and records[0]["n"] == 10**30
    columns.records[0]["n"] = records[0]["n"]
    _assert_same(columns, records)


def test_dataset_folder_and_export_go_through_read_records(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _write(folder / "records.jsonl", [json.dumps(GOOD)])
    _assert_same(read_entity_columns(folder), list(read_records(folder)))
    assert _message(lambda: read_entity_columns(tmp_path / "nothing.jsonl")) == _message(lambda: list(read_records(tmp_path / "nothing.jsonl")))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no records.jsonl" in _message(lambda: read_entity_columns(empty))


def test_not_utf8_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_bytes((json.dumps(GOOD) + "\n\n").encode() + b'{"id": "\xff"}\n' + (json.dumps(GOOD) + "\n").encode())
    for block in (1, 7, 1 << 20):
        monkeypatch.setattr(recordio, "_BLOCK", block)
        assert _message(lambda: read_entity_columns(path)) == f"[A001] {path}:3: not UTF-8; re-save the file as UTF-8."


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.sampled_from(["{}", "x", " ", "\n", "\r", "\r\n", "é", "😀", "\n\n"]), max_size=14),
    block=st.sampled_from([1, 2, 3, 5, 64]),
)
def test_lines_are_text_mode_lines(tmp_path_factory: pytest.TempPathFactory, parts: list[str], block: int) -> None:
    path = tmp_path_factory.mktemp("lines") / "f.jsonl"
    path.write_bytes("".join(parts).encode("utf-8"))
    with path.open("r", encoding="utf-8") as stream:
        expected = [(f"{path}:{n}", line.rstrip("\n")) for n, line in enumerate(stream, start=1) if line.strip()]
    old = recordio._BLOCK
    recordio._BLOCK = block
    try:
        assert list(recordio._jsonl_lines(path)) == expected
    finally:
        recordio._BLOCK = old


_span = st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(["PER", "LOC", "ORG", "MISC"]))


@settings(max_examples=100, deadline=None)
@given(
    gold_docs=st.lists(st.lists(_span, max_size=6), min_size=1, max_size=6),
    pred_docs=st.lists(st.tuples(st.integers(0, 8), st.lists(_span, max_size=6)), max_size=8),
)
def test_pair_entities_equals_pair_records(tmp_path_factory: pytest.TempPathFactory, gold_docs: list[Any], pred_docs: list[Any]) -> None:
    text = "abcdefghij" * 4

    def record(doc_id: str, spans: list[Any], with_text: bool) -> dict[str, Any]:
        ents = [{"start": s, "end": s + n, "label": label, "text": text[s : s + n]} for s, n, label in spans]
        return {"id": doc_id, **({"text": text} if with_text else {}), "entities": ents}

    gold = [record(f"d{i}", spans, True) for i, spans in enumerate(gold_docs)]
    seen: set[int] = set()
    pred = []
    for i, spans in pred_docs:  # some ids gold lacks, some gold ids missing, in any order
        if i not in seen:
            seen.add(i)
            pred.append(record(f"d{i}", spans, False))
    folder = tmp_path_factory.mktemp("pair")
    gold_path = _write(folder / "gold.jsonl", [json.dumps(r) for r in gold])
    pred_path = _write(folder / "pred.jsonl", [json.dumps(r) for r in pred])

    expected = pair_records(list(read_records(gold_path)), list(read_jsonl_records(pred_path, require_text=False)))
    pairing, g, p = pair_entities(read_entity_columns(gold_path), read_jsonl_entity_columns(pred_path, require_text=False))
    assert (pairing.missing_pred, pairing.extra_pred) == (expected.missing_pred, expected.extra_pred)
    for got, want in ((g, entity_arrays(expected.gold)), (p, entity_arrays(expected.pred))):
        assert got.labels == want.labels
        for column in ("doc", "start", "end", "label"):
            assert np.array_equal(getattr(got, column), getattr(want, column)), column


def test_reading_jsonl_records_imports_no_converter(tmp_path: Path) -> None:
    path = _write(tmp_path / "gold.jsonl", [json.dumps(GOOD)])
    code = (
        "import sys; from annotate.recordio import read_records, read_entity_columns;"
        f"list(read_records({str(path)!r})); read_entity_columns({str(path)!r});"
        "print(sorted(m for m in sys.modules if m in ('annotate.convert', 'annotate.records', 'annotate.schema')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
