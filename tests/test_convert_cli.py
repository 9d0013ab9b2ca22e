"""`annotate convert` and `annotate export` through the CLI: output, --json, malformed input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from test_records import multi_label_export, tricky_export

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tricky_export(), ensure_ascii=False), encoding="utf-8")
    return path


def test_convert_prints_the_accounting(export: Path, tmp_path: Path) -> None:
    result = run("convert", str(export), "--out", str(tmp_path / "ds"))
    assert result.exit_code == 0, result.output
    assert "regions: 15 in = 14 out + 1 rejected + 0 in rejected annotations" in result.stderr
    assert "rejected items: relation to a missing region 1, unknown label 1" in result.stderr
    assert (tmp_path / "ds" / "dataset_dict.json").is_file()


def test_convert_splits_multi_label_regions(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(multi_label_export(), ensure_ascii=False), encoding="utf-8")
    result = run("convert", str(path), "--out", str(tmp_path / "ds"))
    assert result.exit_code == 0, result.output
    # the arithmetic of test_records.test_multi_label_accounting: 9 regions in + 4 split = 8 out + 5 rejected
    assert "regions: 9 in + 4 split = 8 out + 5 rejected + 0 in rejected annotations" in result.stderr
    summary = json.loads((tmp_path / "ds" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["items"]["regions"] == {"in": 9, "split": 4, "out": 8, "rejected": 5, "set_aside": 0}
    assert summary["labels"]["entities"] == {"GPE": 1, "LOC": 1, "ORG": 1, "PERSON": 1}
    assert len((tmp_path / "ds" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()) == 6
    # the card balances too: 9 in + 4 split = 8 out + 5 rejected + 0
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    assert "- regions: 9 in + 4 split = 8 out + 5 rejected + 0 in rejected annotations" in card


def test_convert_json_is_one_document(export: Path, tmp_path: Path) -> None:
    result = run("convert", str(export), "--out", str(tmp_path / "ds"), "--json", "--all-annotations", "--split", "train=0.5,test=0.5")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["all_annotations"] is True and summary["files"]["records.jsonl"] == 5
    assert sum(summary["splits"].values()) == 5 and result.stderr == ""


def test_gold_rule_option(export: Path, tmp_path: Path) -> None:
    result = run("convert", str(export), "--out", str(tmp_path / "ds"), "--gold-rule", "ground-truth-only", "--json")
    summary = json.loads(result.stdout)
    assert summary["counts"]["tasks"]["without_record"] == {"no annotations": 1, "no annotation passes the gold rule 'ground-truth-only'": 2}
    assert run("convert", str(export), "--out", str(tmp_path / "x"), "--gold-rule", "best").exit_code == 2


def test_export_command(export: Path, tmp_path: Path) -> None:
    run("convert", str(export), "--out", str(tmp_path / "ds"))
    result = run("export", str(tmp_path / "ds"), "--format", "conll", "--out", str(tmp_path / "x.conll"))
    assert result.exit_code == 0 and "3 document(s) as conll" in result.stderr
    assert "Kyiv B-GPE" in (tmp_path / "x.conll").read_text()


@pytest.mark.parametrize("content, message", [
    ("this is not json", "not a Label Studio export"),
    ('{"tasks": [\n{"data": {"text": "x"}}]}', "export.json:1: not a complete JSON object"),
    ("42", "not a Label Studio export"),
    ('[{"id": 1, "data": {"text": "x"}}, {"id": 2, "data": {"txt": "y"}}]', "export.json: task #2 (task 2): no string data.text"),
    ('[{"id": 1, "data": {"text": "x"}}, ', "export.json: task #2: not valid JSON"),
    ('{"id": 1, "data": {"text": "x"}}\n{"id": 2, "data": {}}\n', "export.json:2 (task 2): no string data.text"),
    ('{"id": 1, "data": {"text": "x"}}\nnot json\n', "export.json:2: not JSON"),
    ('[1, 2]', "task #1: a task must be a JSON object"),
    ("", "the file is empty"),
])
def test_malformed_exports_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    result = run("convert", str(path), "--out", str(tmp_path / "ds"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotate: error: [A") and message in lines[0], result.stderr


def test_missing_export(tmp_path: Path) -> None:
    result = run("convert", str(tmp_path / "nope.json"), "--out", str(tmp_path / "ds"))
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_commands_have_help_and_help_stays_light() -> None:
    for command in ("convert", "export"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout
    code = "import sys, annotate.cli; sys.exit(any(m in sys.modules for m in ('datasets', 'spacy', 'ijson')))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
