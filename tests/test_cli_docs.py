"""docs/cli.md is generated from the commands' help: it must not drift from `--help`."""

from __future__ import annotations

from pathlib import Path

from annotate.cli.docs import render_cli_docs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_cli_docs(), "run scripts/gen-cli-docs"


def test_reference_lists_every_command_with_its_options() -> None:
    text = render_cli_docs()
    for command in ("tasks", "clean", "push", "pull", "convert", "export", "predict", "score", "compare",
                    "agree", "disagreements", "adjudicate"):
        assert f"## `annotate {command}`" in text
    assert "| `--schema` | entities \\| quotes \\| events \\| news | `news` |" in text
