"""Reading raw articles: a folder of `.txt` / `.jsonl` files, single files, or stdin.

A `.txt` file is one article. A `.jsonl` file is one article a line with `text` required and
`id`, `title`, `url`, `date`, `source` optional. `-` reads JSONL from stdin.

Hard errors (a path that does not exist, a folder with no articles) raise `InputError`. A bad
article (empty file, not UTF-8, a line that is not JSON or lacks `text`) does not stop the run:
it comes out of `read_articles` as a `Reject` naming its file and line, so the caller counts,
reports and keeps it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from annotate.errors import InputError, shorten

ARTICLE_SUFFIXES = (".txt", ".jsonl")
OPTIONAL_FIELDS = ("id", "title", "url", "date", "source")


@dataclass(frozen=True, slots=True)
class Article:
    """One raw article as read, before cleaning."""

    text: str
    origin: str  # "path" or "path:line", for messages
    id: str | None = None  # given by the input (JSONL `id`) or derived from the file name
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None
    extra: dict[str, object] = field(default_factory=dict)  # other JSONL fields, kept as metadata


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that could not be read as an article, with the reason."""

    origin: str
    reason: str
    raw: str | None = None  # the offending line, if any (truncated)

    def message(self) -> str:
        return f"{self.origin}: {self.reason}"


def id_from_filename(path: Path) -> str:
    """Document id for a `.txt` article: its name without `.txt` and a trailing `.raw`.

    Example:
        >>> id_from_filename(Path("corpora/news/abu-dhabi-talks.raw.txt"))
        'abu-dhabi-talks'
    """
    name = path.name
    for suffix in (".txt", ".raw"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def list_article_files(path: Path) -> list[Path]:
    """The article files a path stands for, sorted (deterministic), or an `InputError`."""
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; give a folder of .txt/.jsonl articles or a file.")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
    if not files:
        raise InputError(f"{path}: the folder holds no .txt or .jsonl files; put one article per .txt file there.")
    return files


def read_articles(
    paths: Iterable[str | Path], *, stdin: IO[str] | None = None, exclude: Iterable[Path] = ()
) -> Iterator[Article | Reject]:
    """Every article under `paths` in a stable order, and a `Reject` for each bad one.

    Files are listed when this is called (not lazily), so an output file created afterwards in
    the same folder is never read back; files in `exclude` (our own outputs) are left out.

    Raises:
        InputError: a path that does not exist, or a folder without article files.
    """
    skip = {p.resolve() for p in exclude}
    groups = [None if str(p) == "-" else [f for f in list_article_files(Path(p)) if f.resolve() not in skip] for p in paths]
    return _iter_groups(groups, stdin)


def _iter_groups(groups: list[list[Path] | None], stdin: IO[str] | None) -> Iterator[Article | Reject]:
    for group in groups:
        if group is None:
            yield from read_jsonl_articles(stdin or sys.stdin, origin="<stdin>")
            continue
        for file in group:
            yield from read_article_file(file)


def read_article_file(path: Path) -> Iterator[Article | Reject]:
    """Articles from one `.txt` or `.jsonl` file (any other suffix is read as text)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield Reject(str(path), f"cannot be read ({exc.strerror}); check its permissions.")
        return
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Reject(
            str(path),
            f"is not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}); re-save it as UTF-8.",
        )
        return
    if path.suffix == ".jsonl":
        yield from read_jsonl_articles(content.splitlines(keepends=True), origin=str(path))
        return
    if not content.strip():
        yield Reject(str(path), "is empty; an article file needs text.")
        return
    yield Article(text=content, origin=str(path), id=id_from_filename(path))


def read_jsonl_articles(lines: Iterable[str], *, origin: str) -> Iterator[Article | Reject]:
    """Articles from JSONL lines; blank lines are allowed and ignored."""
    seen_any = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        seen_any = True
        where = f"{origin}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Reject(where, f"is not JSON ({exc.msg}); write one JSON object per line.", shorten(line, 200))
            continue
        if not isinstance(row, dict):
            yield Reject(where, f"is a JSON {type(row).__name__}, not an object with a 'text' field.", shorten(line, 200))
            continue
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            problem = "lacks 'text'" if "text" not in row else "has an empty or non-string 'text'"
            yield Reject(where, f"{problem}; every article line needs a non-empty 'text' string.", shorten(line, 200))
            continue
        bad = [k for k in OPTIONAL_FIELDS if k in row and row[k] is not None and not isinstance(row[k], (str, int))]
        if bad:
            yield Reject(where, f"field {bad[0]!r} must be a string; got {shorten(row[bad[0]], 40)}.", shorten(line, 200))
            continue
        given = {k: (None if row.get(k) is None else str(row[k])) for k in OPTIONAL_FIELDS}
        extra = {k: v for k, v in row.items() if k not in OPTIONAL_FIELDS and k != "text"}
        yield Article(text=text, origin=where, extra=extra, **given)
    if not seen_any:
        yield Reject(origin, "is empty; a .jsonl corpus needs one JSON object per line.")
