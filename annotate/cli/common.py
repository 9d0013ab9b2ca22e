"""Helpers shared by the command modules: stderr messages, JSON output, writing JSONL and rejects, `--task` choices."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Iterable

from annotate.errors import InputError


def say(message: str, *, quiet: bool = False) -> None:
    """A human message on stderr (data goes to stdout)."""
    if not quiet:
        print(message, file=sys.stderr)


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def dumps_line(row: Any) -> str:
    """One JSONL line, deterministic (no key sorting surprises, UTF-8 kept as is)."""
    return json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def open_output(path: Path | None):  # type: ignore[no-untyped-def]
    """A text stream for `path`, or stdout when `path` is None or '-'."""
    if path is None or str(path) == "-":
        return _NoClose(sys.stdout)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror}); choose another --out.") from None


class _NoClose:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __enter__(self) -> Any:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()


def write_jsonl(path: Path, rows: Iterable[Any]) -> int:
    """Write rows as JSONL to `path`; return how many."""
    count = 0
    with open_output(path) as out:
        for row in rows:
            out.write(dumps_line(row))
            count += 1
    return count


def default_rejects_path(out: Path | None) -> Path:
    """Where rejects go unless told: beside `--out` as `NAME.rejects.jsonl`, else ./rejects.jsonl."""
    if out is None or str(out) == "-":
        return Path("rejects.jsonl")
    return out.with_name(out.name.split(".")[0] + ".rejects.jsonl")


class TaskChoice(str, Enum):
    """`--task` of the commands that read records: which layer of the record contract."""

    entities = "entities"
    quotes = "quotes"
    events = "events"
