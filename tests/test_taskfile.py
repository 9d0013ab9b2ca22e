"""The one reader of task files (`annotate.taskfile`): formats, `where`, and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.errors import InputError
from annotate.taskfile import file_format, iter_items

TASKS = [{"id": 1, "data": {"text": "😀 Bob"}}, {"id": 2, "data": {"text": "x"}}]


@pytest.mark.parametrize("content, form, wheres", [
    (json.dumps(TASKS, ensure_ascii=False), "array", ["task #1", "task #2"]),
    ("\ufeff  \n" + json.dumps(TASKS), "array", ["task #1", "task #2"]),
    ("".join(json.dumps(t) + "\n\n" for t in TASKS), "jsonl", [":1", ":3"]),
    ("\ufeff" + "".join(json.dumps(t) + "\n" for t in TASKS), "jsonl", [":1", ":2"]),
])
def test_both_formats_stream_the_same_items(tmp_path: Path, content: str, form: str, wheres: list[str]) -> None:
    path = tmp_path / "tasks.data"  # the suffix does not matter, the first byte does
    path.write_text(content, encoding="utf-8")
    assert file_format(path) == form
    pairs = list(iter_items(path))
    assert [item for _, item in pairs] == TASKS
    assert [where for where, _ in pairs] == [f"{path}{': ' if w.startswith('task') else ''}{w}" for w in wheres]


def test_array_label_names_the_elements(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(TASKS))
    assert [w for w, _ in iter_items(path, array_label="item ")] == [f"{path}: item 1", f"{path}: item 2"]


def test_progress_reports_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in TASKS * 300))
    seen: list[int] = []
    assert len(list(iter_items(path, progress=seen.append))) == 600
    assert seen and seen[-1] == path.stat().st_size and seen == sorted(seen)


@pytest.mark.parametrize("content, message", [
    ("", "t.json: the file is empty"),
    ("  \n", "t.json: the file is empty"),
    ("hello", "t.json: not a Label Studio export: expected a JSON array of tasks or JSONL (one task a line); the file starts with 'hello'"),
    ('[{"id": 1}, {"id": ', "t.json: task #2: not valid JSON"),
    ('{"id": 1,\n "data": {}}', "t.json:1: not a complete JSON object"),
    ('{"id": 1}\n{"id": \n', "t.json:2: not JSON"),
    (b'{"id": 1}\n{"id": "\xff"}\n', "t.json:2: not UTF-8"),
])
def test_errors_are_one_line_and_name_file_and_item(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as info:
        list(iter_items(path))
    assert message in info.value.message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.json: no such file"):
        list(iter_items(tmp_path / "nope.json"))
    with pytest.raises(InputError, match="is a folder"):
        list(iter_items(tmp_path))
    assert file_format(tmp_path / "nope.json") is None
