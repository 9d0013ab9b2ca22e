"""Reading files of Label Studio tasks: a JSON array (streamed with ijson) or JSONL, one reader for all.

`iter_items(path)` streams `(where, item)` pairs with flat memory; `where` names the item for
messages (`FILE: task #N` in an array, `FILE:LINE` in JSONL). The format is told by the first
non-blank byte (a UTF-8 byte order mark is skipped): `[` is an array, `{` is JSONL. Every problem
with the file itself is a one-line `InputError` naming the file and the item or line; what an item
must look like (a task with `data.text`, a `doc_id`, ...) is for each caller to check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, Callable, Generator, Iterator, Literal

from annotate.errors import InputError, shorten

Format = Literal["array", "jsonl"]
Progress = Callable[[int], None]  # called with the number of bytes read so far

_BOM = b"\xef\xbb\xbf"
_PROGRESS_EVERY = 256


def _sniff(stream: IO[bytes]) -> bytes:
    """The first non-blank byte of `stream` (b"" when there is none), leaving it at the start of the data."""
    head = stream.read(4096)
    if head.startswith(_BOM):
        head = head[3:]
        stream.seek(3)
    else:
        stream.seek(0)
    return head.lstrip()[:1]


def file_format(path: str | Path) -> Format | None:
    """`"array"` or `"jsonl"` by the first non-blank byte of the file; None when it is neither (or unreadable).

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "tasks.json"
        >>> _ = path.write_text('  [{"data": {"text": "x"}}]')
        >>> file_format(path)
        'array'
    """
    try:
        with Path(path).open("rb") as stream:
            first = _sniff(stream)
    except OSError:
        return None
    return "array" if first == b"[" else "jsonl" if first == b"{" else None


def looks_like_export(path: str | Path) -> bool:
    """True when `path` is a file whose first task has Label Studio's shape (`data` plus results).

    A JSON array is an export (records are JSONL, never an array); in JSONL the first row tells:
    a task has a `data` object and no `entities`. Cheap, and imports nothing beyond `json`: the
    record readers call it before deciding whether to load the converter.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
        >>> _ = path.write_text('{"id": "a", "text": "x", "entities": []}')
        >>> looks_like_export(path)
        False
    """
    path = Path(path)
    if not path.is_file():
        return False
    form = file_format(path)
    if form != "jsonl":
        return form == "array"
    with path.open("rb") as stream:
        line = stream.readline()
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(row, dict) and isinstance(row.get("data"), dict) and "entities" not in row


def iter_items(
    path: str | Path,
    *,
    what: str = "a Label Studio export",
    noun: str = "task",
    array_label: str = "task #",
    progress: Progress | None = None,
) -> Generator[tuple[str, Any], None, None]:
    """Stream `(where, item)` from a JSON array or a JSONL file, whatever each item is.

    Args:
        path: the file.
        what: what the file should be, for messages ("a Label Studio export", "a tasks file").
        noun: what one item is, for messages ("task").
        array_label: how an array element is named in `where`: `FILE: {array_label}N`.
        progress: called now and then with the number of bytes read.

    Raises:
        InputError: the file is missing, a folder, empty, not UTF-8, not JSON, or neither an array nor JSONL;
            one line naming the file and the item or line.
    """
    path = Path(path)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give {what} (a JSON array or JSONL).") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give {what} (a JSON array or JSONL file).") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from None
    with stream:
        first = _sniff(stream)
        if first == b"[":
            yield from _iter_array(path, stream, array_label, progress)
        elif first == b"{":
            yield from _iter_jsonl(path, stream, what, noun, progress)
        elif not first:
            raise InputError(f"{path}: the file is empty; give {what} (a JSON array or JSONL).")
        else:
            start = stream.read(20).decode("utf-8", "replace").strip()
            raise InputError(f"{path}: not {what}: expected a JSON array of {noun}s or JSONL (one {noun} a line); "
                             f"the file starts with {shorten(start, 30)}.")


def _iter_array(path: Path, stream: IO[bytes], label: str, progress: Progress | None) -> Iterator[tuple[str, Any]]:
    import ijson

    number = 0
    try:
        for number, item in enumerate(ijson.items(stream, "item", use_float=True), start=1):
            if progress is not None and number % _PROGRESS_EVERY == 0:
                progress(stream.tell())
            yield f"{path}: {label}{number}", item
    except ijson.JSONError as exc:
        raise InputError(f"{path}: {label}{number + 1}: not valid JSON ({shorten(str(exc), 80)}); "
                         "the file is damaged or cut short.") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: {label}{number + 1}: not UTF-8; save or export the file again as UTF-8.") from None
    if progress is not None:
        progress(stream.tell())


def _iter_jsonl(path: Path, stream: IO[bytes], what: str, noun: str, progress: Progress | None) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == 1:
                raise InputError(
                    f"{path}:1: not a complete JSON object ({exc.msg}); {what} is a JSON array of {noun}s "
                    f"or JSONL (one {noun} a line), not a single JSON object."
                ) from None
            raise InputError(f"{path}:{number}: not JSON ({exc.msg}); JSONL needs one {noun} per line.") from None
        except UnicodeDecodeError:
            raise InputError(f"{path}:{number}: not UTF-8; save or export the file again as UTF-8.") from None
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress(stream.tell())
        yield f"{path}:{number}", item
    if progress is not None:
        progress(stream.tell())


__all__ = ["file_format", "iter_items", "looks_like_export"]
