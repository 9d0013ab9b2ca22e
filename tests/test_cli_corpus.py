"""`annotate tasks` and `annotate clean` through the CLI, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED_FOLDER = ROOT / "corpora" / "news"
SEED = SEED_FOLDER / "abu-dhabi-talks.raw.txt"
runner = CliRunner()


def run(*args: str) -> "object":
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_every_command_has_help() -> None:
    import typer.main

    group = typer.main.get_group(app)
    assert {"tasks", "clean"} <= set(group.commands)
    for name, command in group.commands.items():
        assert command.help and len(command.help.strip()) > 20, f"{name} has no help text"
        result = run(name, "--help")
        assert result.exit_code == 0, name  # type: ignore[attr-defined]
        assert "Example" in result.output, f"{name} --help shows no example"  # type: ignore[attr-defined]


def test_tasks_on_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    result = run("tasks", str(SEED_FOLDER), "--schema", "news", "--out", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])["data"]
    text = data["text"]
    assert data["doc_id"] == "abu-dhabi-talks"
    assert text.count("The second round of U.S.-brokered talks") == 1
    assert "cookie" not in text.lower() and "/VCG" not in text and "Xinhua" not in text
    assert any("/VCG" in caption for caption in data["captions"])
    assert data["credits"] == ["(With input from Xinhua)"]
    source_lines = SEED.read_text(encoding="utf-8").split("\n")
    pieces = [text[p["start"]:p["end"]] for p in data["paragraphs"]]
    assert "\n\n".join(pieces) == text
    assert all(source_lines[p["source_line"] - 1] == piece for p, piece in zip(data["paragraphs"], pieces))


def test_tasks_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    for out in (first, second):
        assert run("tasks", str(SEED_FOLDER), "--out", str(out)).exit_code == 0  # type: ignore[attr-defined]
    assert first.read_bytes() == second.read_bytes()


def test_json_array_format_and_paragraph_unit_map_back(tmp_path: Path) -> None:
    article = tmp_path / "a.jsonl"
    run("tasks", str(SEED_FOLDER), "--out", str(article))
    article_text = json.loads(article.read_text())["data"]["text"]
    out = tmp_path / "p.json"
    result = run("tasks", str(SEED_FOLDER), "--unit", "paragraph", "--format", "json", "--out", str(out))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    tasks = json.loads(out.read_text())
    assert len(tasks) == 10
    for task in tasks:
        data = task["data"]
        offset = data["article_offset"]
        assert article_text[offset:offset + len(data["text"])] == data["text"]
        assert data["article_id"] == "abu-dhabi-talks" and data["doc_id"].startswith("abu-dhabi-talks#p")


def test_bad_inputs_exit_1_with_one_line_naming_the_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A fine article.", encoding="utf-8")
    (corpus / "empty.txt").write_text("")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe broken")
    (corpus / "lines.jsonl").write_text('{"text": "ok line"}\n{oops\n{"title": "no text"}\n')
    out = tmp_path / "t.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "annotate", "tasks", str(corpus), "--out", str(out)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("annotate: rejected:")]
    assert errors == [
        f"annotate: rejected: {corpus / 'bad.txt'}: is not UTF-8 (byte 0xff at offset 0); re-save it as UTF-8.",
        f"annotate: rejected: {corpus / 'empty.txt'}: is empty; an article file needs text.",
        f"annotate: rejected: {corpus / 'lines.jsonl'}:2: is not JSON (Expecting property name enclosed in double quotes); "
        "write one JSON object per line.",
        f"annotate: rejected: {corpus / 'lines.jsonl'}:3: lacks 'text'; every article line needs a non-empty 'text' string.",
    ]
    assert "6 article(s) read: 2 document(s), 4 rejected" in result.stderr
    assert len(out.read_text().splitlines()) == 2  # the good ones are not lost
    kept = [json.loads(line) for line in (tmp_path / "t.rejects.jsonl").read_text().splitlines()]
    assert len(kept) == 4 and all(row["reason"] for row in kept)


def test_missing_folder_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "annotate", "tasks", str(tmp_path / "missing")], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"annotate: error: [A001] {tmp_path / 'missing'}: no such file or folder; give a folder of .txt/.jsonl articles or a file."
    )


def test_duplicate_articles_are_counted_not_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same story.")
    (tmp_path / "b.txt").write_text("Same story.")
    result = run("tasks", str(tmp_path), "--out", str(tmp_path / "out" / "t.jsonl"), "--json")  # output inside the corpus folder: never read back
    assert result.exit_code == 0  # type: ignore[attr-defined]
    summary = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert (summary["articles_read"], summary["documents"], summary["duplicates"]) == (2, 1, 1)


def test_same_id_for_different_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n')
    result = runner.invoke(app, ["tasks", str(tmp_path)])
    assert result.exit_code == 1
    assert "id 'x' is already used by" in result.stderr


@pytest.mark.parametrize("command", ["clean"])
def test_clean_explains_what_was_dropped(command: str) -> None:
    result = run(command, str(SEED_FOLDER))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert "line    1  dropped banner" in out
    assert "dropped duplicate (same as line 4)" in out
    assert "metadata credit: (With input from Xinhua)" in out


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    code = "import sys, annotate.cli; heavy = [m for m in ('datasets', 'sklearn', 'spacy', 'numpy', 'label_studio_sdk') if m in sys.modules]; print(heavy)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
