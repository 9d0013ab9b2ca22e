"""Reading and checking canonical records (the contract in design.md, `schemas/record.schema.json`).

`read_records(path)` streams records from a JSONL file (one record a line), a dataset folder
written by `annotate convert` (its `records.jsonl` / split JSONL files), or a Label Studio export
(through the converter). Every record is checked: the shape, and `text[start:end] == span.text`
for every span when the record carries its text. A bad line raises `InputError` naming the file
and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from annotate.errors import InputError, shorten

Record = dict[str, Any]
SPAN_KEYS = ("start", "end", "text")


def _check_offsets(span: Any, text: str | None, where: str, what: str) -> None:
    if not isinstance(span, dict) or any(key not in span for key in SPAN_KEYS):
        raise InputError(f"{where}: {what} must be an object with start, end and text; got {shorten(span)}.")
    start, end, span_text = span["start"], span["end"], span["text"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
        raise InputError(f"{where}: {what} has offsets [{start!r}, {end!r}); need integers with 0 <= start < end (half-open).")
    if text is not None and text[start:end] != span_text:
        raise InputError(
            f"{where}: {what} [{start}, {end}) reads {shorten(text[start:end], 40)} in the text but says "
            f"{shorten(span_text, 40)}; offsets must be code points, half-open."
        )


def _check_cluster(span: Any, where: str, what: str) -> None:
    """The optional mention link of an entity or a quote speaker: a non-empty string, or null."""
    cluster = span.get("cluster")
    if cluster is not None and (not isinstance(cluster, str) or not cluster):
        raise InputError(
            f"{where}: {what} has cluster {shorten(cluster)}; a cluster is a non-empty string naming the entity "
            "its mentions share (or leave it out)."
        )


def check_record(record: Any, where: str, *, require_text: bool = True) -> Record:
    """Return `record` if it follows the contract, else raise `InputError` naming `where`.

    Missing span lists are filled in as empty lists (a record may carry only entities, say).
    """
    if not isinstance(record, dict):
        raise InputError(f"{where}: a record must be a JSON object; got {type(record).__name__}.")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise InputError(f"{where}: the record has no string 'id'; every record needs the document id.")
    text = record.get("text")
    if text is None and require_text:
        raise InputError(f"{where}: record {record['id']!r} has no 'text'; gold records need the text their offsets refer to.")
    if text is not None and not isinstance(text, str):
        raise InputError(f"{where}: record {record['id']!r} has a non-string 'text'.")
    for key in ("entities", "quotes", "events"):
        value = record.setdefault(key, [])
        if not isinstance(value, list):
            raise InputError(f"{where}: '{key}' of record {record['id']!r} must be a list; got {type(value).__name__}.")
    for i, entity in enumerate(record["entities"]):
        _check_offsets(entity, text, where, f"entities[{i}]")
        if not isinstance(entity.get("label"), str) or not entity["label"]:
            raise InputError(f"{where}: entities[{i}] has no 'label'.")
        if "cluster" in entity:
            _check_cluster(entity, where, f"entities[{i}]")
    for i, quote in enumerate(record["quotes"]):
        _check_offsets(quote, text, where, f"quotes[{i}]")
        if quote.setdefault("kind", None) not in ("direct", "indirect", "mixed", None):
            raise InputError(f"{where}: quotes[{i}] has kind {quote['kind']!r}; use direct, indirect, mixed or null.")
        for part in ("speaker", "cue"):
            if quote.setdefault(part, None) is not None:
                _check_offsets(quote[part], text, where, f"quotes[{i}].{part}")
        if quote["speaker"] is not None and "cluster" in quote["speaker"]:
            _check_cluster(quote["speaker"], where, f"quotes[{i}].speaker")
    for i, event in enumerate(record["events"]):
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise InputError(f"{where}: events[{i}] must be an object with a string 'type'.")
        _check_offsets(event.get("trigger"), text, where, f"events[{i}].trigger")
        for j, argument in enumerate(event.setdefault("arguments", [])):
            _check_offsets(argument, text, where, f"events[{i}].arguments[{j}]")
            if not isinstance(argument.get("role"), str) or not argument["role"]:
                raise InputError(f"{where}: events[{i}].arguments[{j}] has no 'role'.")
    return record


def read_jsonl_records(path: Path, *, require_text: bool = True) -> Iterator[Record]:
    """Stream checked records from a JSONL file; blank lines are skipped."""
    try:
        stream = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give a JSONL file of records.") from None
    with stream:
        number = 0
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not JSON ({exc.msg}); write one record per line.") from None
                yield check_record(row, f"{path}:{number}", require_text=require_text)
        except UnicodeDecodeError:
            raise InputError(f"{path}:{number + 1}: not UTF-8; re-save the file as UTF-8.") from None


def read_records(
    path: str | Path,
    *,
    require_text: bool = True,
    schema: str = "news",
    gold_rule: str | None = None,
    all_annotations: bool = False,
) -> Iterator[Record]:
    """Stream records from a JSONL file, a dataset folder, or a Label Studio export.

    A Label Studio export (a JSON array of tasks, or JSONL whose rows have `data`) is converted
    on the fly by `annotate.convert.iter_export_records`: one gold record per task under
    `gold_rule` (default `annotate.records.DEFAULT_GOLD_RULE`), or one per annotation with
    `all_annotations=True`; `schema` names the project's schema. A dataset folder gives its
    `records.jsonl`, or, without one, the rows of the saved `DatasetDict`.

    Raises:
        InputError: the path does not exist, or a record breaks the contract (file and line named).
    """
    path = Path(path)
    if path.is_dir():
        if (path / "records.jsonl").is_file():
            yield from read_jsonl_records(path / "records.jsonl", require_text=require_text)
            return
        if (path / "dataset_dict.json").is_file():
            from annotate.dataset import iter_dataset_records

            for number, record in enumerate(iter_dataset_records(path), start=1):
                yield check_record(record, f"{path} (row {number})", require_text=require_text)
            return
        raise InputError(f"{path}: the folder holds no records.jsonl; give a dataset folder written by `annotate convert`.")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.")
    from annotate.convert import looks_like_export

    if looks_like_export(path):
        from annotate.convert import iter_export_records
        from annotate.records import DEFAULT_GOLD_RULE

        records = iter_export_records(path, schema=schema, gold_rule=gold_rule or DEFAULT_GOLD_RULE,
                                      all_annotations=all_annotations)
        for record in records:
            yield check_record(record, f"{path} (task {record.get('task_id')})", require_text=require_text)
        return
    yield from read_jsonl_records(path, require_text=require_text)
