"""Reading and checking canonical records (the contract in design.md, `schemas/record.schema.json`).

`read_records(path)` streams records from a JSONL file (one record a line), a dataset folder
written by `annotate convert` (its `records.jsonl` / split JSONL files), or a Label Studio export
(through the converter). Every record is checked: the shape, and `text[start:end] == span.text`
for every span when the record carries its text. A bad line raises `InputError` naming the file
and line.

`read_entity_columns(path)` is the scorer's reader for entities: the same records, the same checks
and the same messages, but the entities come back as columns (record index, start, end, label)
and the records without them. It parses lines with orjson and checks a line's entities in bulk
(C-level `map`s over the parsed list, no Python loop per span); any line that orjson refuses or
whose record is not plainly valid is parsed again with the json module and goes through
`check_record`, so that the error, when there is one, is word for word the one `read_records`
gives.
"""

from __future__ import annotations

import gc
import json
from array import array
from dataclasses import dataclass
from itertools import chain, repeat
from operator import eq, itemgetter, lt
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

import orjson

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


_BLOCK = 1 << 20


def _jsonl_lines(path: Path) -> Iterator[tuple[str, str]]:
    """`(where, line)` of the non-blank lines of a JSONL file, `where` being `FILE:LINE`.

    Lines as Python's text mode gives them (UTF-8, `\\r\\n` and `\\r` read as `\\n`), read and
    decoded a block of whole lines (about 1 MB) at a time: a few calls a block, not a few a line.
    """
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give a JSONL file of records.") from None
    with stream:
        number = 0
        pending = b""
        while True:
            chunk = stream.read(_BLOCK)
            if chunk:  # a block ends after a newline, so that no line (nor a \r\n) is cut in two
                data = pending + chunk
                cut = data.rfind(b"\n") + 1
                if not cut:
                    pending = data
                    continue
                block, pending = data[:cut], data[cut:]
            elif pending:
                block, pending = pending, b""
            else:
                return
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = number + block.count(b"\n", 0, exc.start) + 1
                raise InputError(f"{path}:{bad}: not UTF-8; re-save the file as UTF-8.") from None
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()
            for line in lines:
                number += 1
                if line.strip():
                    yield f"{path}:{number}", line


def _parse(line: str, where: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg}); write one record per line.") from None


def read_jsonl_records(path: Path, *, require_text: bool = True) -> Iterator[Record]:
    """Stream checked records from a JSONL file; blank lines are skipped."""
    for where, line in _jsonl_lines(path):
        yield check_record(_parse(line, where), where, require_text=require_text)


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
    jsonl = _jsonl_of(path)
    if jsonl is not None:
        yield from read_jsonl_records(jsonl, require_text=require_text)
        return
    if path.is_dir():
        from annotate.dataset import iter_dataset_records

        for number, record in enumerate(iter_dataset_records(path), start=1):
            yield check_record(record, f"{path} (row {number})", require_text=require_text)
        return
    from annotate.convert import iter_export_records
    from annotate.records import DEFAULT_GOLD_RULE

    records = iter_export_records(path, schema=schema, gold_rule=gold_rule or DEFAULT_GOLD_RULE,
                                  all_annotations=all_annotations)
    for record in records:
        yield check_record(record, f"{path} (task {record.get('task_id')})", require_text=require_text)


def _jsonl_of(path: Path) -> Optional[Path]:
    """The JSONL file of records behind `path`, or None for a saved dataset or a Label Studio export.

    Tells them apart without importing the converter (`annotate.taskfile.looks_like_export`).

    Raises:
        InputError: the path does not exist, or is a folder with neither records.jsonl nor a dataset.
    """
    from annotate.taskfile import looks_like_export

    if path.is_dir():
        if (path / "records.jsonl").is_file():
            return path / "records.jsonl"
        if (path / "dataset_dict.json").is_file():
            return None
        raise InputError(f"{path}: the folder holds no records.jsonl; give a dataset folder written by `annotate convert`.")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder.")
    return None if looks_like_export(path) else path


# ---------------------------------------------------------------- entities as columns

_SPAN_FIELDS = itemgetter("start", "end", "label", "text")
_HAS_CLUSTER = "cluster"


@dataclass(frozen=True)
class EntityColumns:
    """Checked records with their entities as columns: entity k is `[start[k], end[k])` labelled
    `label[k]` in `records[doc[k]]`, in record order then the order of the record's list.

    `records` are the records without their `entities` (quotes, events and the rest as
    `check_record` leaves them). Offsets are code points, half-open.
    """

    records: list[Record]
    doc: array[int]  # typecode "q" (int64)
    start: array[int]
    end: array[int]
    label: list[str]

    @classmethod
    def from_records(cls, records: list[Record]) -> EntityColumns:
        """Columns of checked records (their `entities` are taken out of them)."""
        out = _ColumnBuilder()
        for record in records:
            entities = record.pop("entities", None) or []
            out.add(record, [e["start"] for e in entities], [e["end"] for e in entities], [e["label"] for e in entities])
        return out.build()


class _ColumnBuilder:
    def __init__(self) -> None:
        self.records: list[Record] = []
        self.sizes: list[int] = []
        self.start = array("q")
        self.end = array("q")
        self.label: list[str] = []

    def add(self, record: Record, starts: Iterable[int], ends: Iterable[int], labels: Sequence[str]) -> None:
        self.records.append(record)
        self.sizes.append(len(labels))
        self.start.extend(starts)
        self.end.extend(ends)
        self.label += labels

    def build(self) -> EntityColumns:
        doc = array("q", chain.from_iterable(map(repeat, range(len(self.sizes)), self.sizes)))
        return EntityColumns(self.records, doc, self.start, self.end, self.label)


def _plain_entities(entities: list[Any], text: Optional[str], line: str) -> Optional[tuple[array[int], array[int], tuple[str, ...]]]:
    """(starts, ends, labels) when every entity is plainly valid, else None (let check_record say why).

    Plainly valid: a dict with start, end, label and text and no cluster, integer offsets with
    0 <= start < end, a non-empty string label, and `text[start:end] == span text` when `text`
    is given; checked with C-level `map`s over the whole list. (`array("q")` takes int and bool,
    as `isinstance(x, int)` does, and refuses the rest.) `line` is the raw JSON: a key spelled
    `cluster` in the parsed dicts is spelled so in the line, or with a `\\u` escape.
    """
    if not entities:
        return array("q"), array("q"), ()
    try:
        starts, ends, labels, texts = zip(*map(_SPAN_FIELDS, entities))
        start, end = array("q", starts), array("q", ends)
        "".join(labels)  # TypeError unless every label is a str
    except (TypeError, KeyError, OverflowError):
        return None
    if min(starts) < 0 or not all(map(lt, starts, ends)) or "" in labels:  # the ints themselves: no boxing
        return None
    if ("cluster" in line or "\\u" in line) and any(map(dict.__contains__, entities, repeat(_HAS_CLUSTER))):
        return None
    if text is not None and not all(map(eq, map(text.__getitem__, map(slice, starts, ends)), texts)):
        return None
    return start, end, labels


_EntityRow = tuple[Record, Iterable[int], Iterable[int], Sequence[str]]


def _plain_row(line: str, where: str, require_text: bool) -> Optional[_EntityRow]:
    """The line parsed by orjson as (record without entities, starts, ends, labels) when the
    record is plainly valid, else None (the line is then read as `read_records` reads it).

    orjson refuses what the json module takes beyond the JSON standard (NaN, lone surrogates)
    and reads integers beyond 64 bits as floats, which no offset check accepts: such lines, and
    every bad one, end up with None. (A big integer in a field the contract leaves alone stays a
    float in the record; the scorer reads no such field.)
    """
    try:
        row = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if type(row) is not dict:
        return None
    text = row.get("text")
    entities = row.get("entities", [])
    if type(entities) is not list or not (type(text) is str or (text is None and not require_text)):
        return None
    plain = _plain_entities(entities, text, line)
    if plain is None:
        return None
    row["entities"] = []  # checked; check_record looks at the rest (id, text, quotes, events)
    try:
        check_record(row, where, require_text=require_text)
    except InputError:
        return None
    del row["entities"]
    return (row, *plain)


def _entity_row(line: str, where: str, require_text: bool) -> _EntityRow:
    """One line as (record without entities, starts, ends, labels), with check_record's errors."""
    plain = _plain_row(line, where, require_text)
    if plain is not None:
        return plain
    record = check_record(_parse(line, where), where, require_text=require_text)
    entities = record.pop("entities")
    return record, [e["start"] for e in entities], [e["end"] for e in entities], [e["label"] for e in entities]


def read_entity_columns(path: str | Path, *, require_text: bool = True) -> EntityColumns:
    """The records of `path` (as `read_records` reads them) with their entities as columns.

    JSONL (or a dataset folder's records.jsonl) is read line by line with the entities checked in
    bulk; a saved dataset or a Label Studio export goes through `read_records`.

    Raises:
        InputError: as `read_records`, with the same message for the same bad record.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
        >>> _ = path.write_text('{"id": "a", "text": "Ada met Bob", "entities": '
        ...     '[{"start": 0, "end": 3, "label": "PER", "text": "Ada"}, {"start": 8, "end": 11, "label": "PER", "text": "Bob"}]}')
        >>> cols = read_entity_columns(path)
        >>> cols.start.tolist(), cols.end.tolist(), cols.label, "entities" in cols.records[0]
        ([0, 8], [3, 11], ['PER', 'PER'], False)
    """
    path = Path(path)
    jsonl = _jsonl_of(path)
    if jsonl is None:
        return EntityColumns.from_records(list(read_records(path, require_text=require_text)))
    return read_jsonl_entity_columns(jsonl, require_text=require_text)


def read_jsonl_entity_columns(path: Path, *, require_text: bool = True) -> EntityColumns:
    """`read_jsonl_records` with the entities as columns (see `read_entity_columns`).

    The cyclic garbage collector is paused while reading: parsed records hold no cycles, and
    its passes over the growing heap cost a fifth of the parsing time.
    """
    out = _ColumnBuilder()
    collecting = gc.isenabled()
    gc.disable()
    try:
        for where, line in _jsonl_lines(path):
            out.add(*_entity_row(line, where, require_text))
    finally:
        if collecting:
            gc.enable()
    return out.build()
