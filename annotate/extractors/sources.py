"""Where documents for an extractor come from: a corpus, Label Studio tasks, or records.

`detect_input(path)` tells the three apart; `iter_sources(path, kind, stats)` streams
`Source`s (id + text). A corpus is cleaned exactly as `annotate tasks` cleans it, so predictions
on a corpus line up with tasks and gold made from the same corpus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Literal

from annotate.documents import DocumentStats, iter_documents
from annotate.errors import InputError, shorten
from annotate.extractors.base import Source
from annotate.recordio import read_records
from annotate.taskfile import iter_items

InputKind = Literal["corpus", "tasks", "records"]
RECORD_KEYS = ("entities", "quotes", "events")


def _first_row(path: Path) -> Any:
    try:
        with path.open("r", encoding="utf-8") as stream:
            if path.suffix == ".json":
                head = stream.read(1 << 16).lstrip()
                return {"data": {}} if head.startswith("[") else None
            for line in stream:
                if line.strip():
                    try:
                        return json.loads(line)
                    except json.JSONDecodeError:
                        return None
    except (OSError, UnicodeDecodeError):
        return None
    return None


def detect_input(path: Path) -> InputKind:
    """`records` for a dataset folder or records JSONL, `tasks` for Label Studio tasks, else `corpus`.

    Raises:
        InputError: the path does not exist.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; give a corpus folder, a tasks file or records.")
    if path.is_dir():
        if (path / "records.jsonl").is_file() or (path / "dataset_dict.json").is_file():
            return "records"
        return "corpus"
    if path.suffix not in (".jsonl", ".json"):
        return "corpus"
    row = _first_row(path)
    if isinstance(row, dict) and isinstance(row.get("data"), dict):
        return "tasks"
    if isinstance(row, dict) and any(key in row for key in RECORD_KEYS):
        return "records"
    return "corpus"


def iter_task_sources(path: Path) -> Iterator[Source]:
    """Sources from Label Studio tasks (JSONL, or a JSON array), streaming: `data.text`, id `data.doc_id`.

    Raises:
        InputError: a line that is not a task with `data.text`, named by file and line (or task).
    """
    for where, task in iter_items(path, what="a tasks file"):
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{where}: a task needs data.text (a string); got {shorten(task)}.")
        doc_id = data.get("doc_id", task.get("id"))
        if doc_id is None or doc_id == "":
            raise InputError(f"{where}: the task has no data.doc_id (nor id); predictions are matched to gold by id.")
        yield Source(str(doc_id), data["text"], where)


def iter_sources(path: Path, kind: InputKind, stats: DocumentStats) -> Iterator[Source]:
    """Stream the documents of `path` read as `kind`; a corpus's skipped articles go to `stats`."""
    if kind == "corpus":
        for document in iter_documents([path], stats):
            yield Source(document.id, document.text, document.origin)
    elif kind == "tasks":
        yield from iter_task_sources(path)
    else:
        for number, record in enumerate(read_records(path), start=1):
            yield Source(record["id"], record["text"], f"{path} record {number}")
