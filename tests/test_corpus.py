"""Reading articles: folders, .txt, .jsonl, stdin, and every kind of bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from annotate.corpus import Article, Reject, id_from_filename, read_articles
from annotate.errors import InputError


def test_missing_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope: no such file or folder"):
        list(read_articles([tmp_path / "nope"]))


def test_folder_without_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(InputError, match="holds no .txt or .jsonl"):
        list(read_articles([tmp_path]))


def test_txt_and_jsonl_in_sorted_order_with_ids(tmp_path: Path) -> None:
    (tmp_path / "b.raw.txt").write_text("Second article.", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(
        '{"text": "From JSONL.", "id": "j1", "title": "T", "url": "http://x", "lang": "en"}\n\n{"text": "No id."}\n',
        encoding="utf-8",
    )
    items = list(read_articles([tmp_path]))
    assert all(isinstance(item, Article) for item in items)
    assert [(a.id, a.text) for a in items] == [("j1", "From JSONL."), (None, "No id."), ("b", "Second article.")]  # type: ignore[union-attr]
    assert items[0].title == "T" and items[0].extra == {"lang": "en"}  # type: ignore[union-attr]
    assert items[1].origin.endswith("a.jsonl:3")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"   \n", "is empty"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "is not UTF-8 (byte 0xe9 at offset 3)"),
        ("empty.jsonl", b"", "is empty"),
    ],
)
def test_bad_files_are_rejects_naming_the_file(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(content)
    (item,) = list(read_articles([tmp_path]))
    assert isinstance(item, Reject)
    assert item.origin == str(tmp_path / name) and reason in item.reason


def test_bad_jsonl_lines_are_rejects_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok"}\nnot json\n{"id": "x"}\n[1, 2]\n{"text": ""}\n{"text": "t", "title": {"a": 1}}\n')
    items = list(read_articles([path]))
    assert isinstance(items[0], Article)
    rejects = items[1:]
    assert [r.origin for r in rejects] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]  # type: ignore[union-attr]
    assert "is not JSON" in rejects[0].reason  # type: ignore[union-attr]
    assert "lacks 'text'" in rejects[1].reason  # type: ignore[union-attr]
    assert "not an object" in rejects[2].reason  # type: ignore[union-attr]
    assert "empty or non-string 'text'" in rejects[3].reason  # type: ignore[union-attr]
    assert "'title' must be a string" in rejects[4].reason  # type: ignore[union-attr]


def test_stdin_is_read_as_jsonl() -> None:
    items = list(read_articles(["-"], stdin=io.StringIO('{"text": "From stdin.", "id": "s"}\n')))
    assert [(a.id, a.origin) for a in items] == [("s", "<stdin>:1")]  # type: ignore[union-attr]


def test_id_from_filename() -> None:
    assert id_from_filename(Path("x/abu-dhabi-talks.raw.txt")) == "abu-dhabi-talks"
    assert id_from_filename(Path("2026.02.05-talks.txt")) == "2026.02.05-talks"
