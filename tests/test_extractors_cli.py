"""`annotate predict` through the CLI: inputs, extractors, failures, --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from annotate.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED_FOLDER = ROOT / "corpora" / "news"
GOLD = ROOT / "corpora" / "gold" / "news.jsonl"
USER = Path(__file__).resolve().parent / "user_extractors.py"
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_predict_on_the_seed_corpus(tmp_path: Path) -> None:
    out = tmp_path / "p.jsonl"
    result = run("predict", str(SEED_FOLDER), "--extractor", "baseline", "--out", str(out))
    assert result.exit_code == 0, result.output
    (record,) = rows(out)
    gold = rows(GOLD)[0]
    assert record["id"] == gold["id"] == "abu-dhabi-talks"
    assert record["text"] == gold["text"]  # the same cleaning as the gold
    assert record["entities"] and record["quotes"] and record["events"]
    assert "predict: 1 of 1 document(s)" in result.stderr


def test_predict_json_summary_from_tasks_and_records(tmp_path: Path) -> None:
    tasks = tmp_path / "t.jsonl"
    assert run("tasks", str(SEED_FOLDER), "--out", str(tasks), "-q").exit_code == 0
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    (dataset / "records.jsonl").write_text(GOLD.read_text(encoding="utf-8"), encoding="utf-8")
    for source, kind in ((tasks, "tasks"), (GOLD, "records"), (dataset, "records")):
        out = tmp_path / f"{source.name}.pred.jsonl"
        result = run("predict", str(source), "-e", "baseline-quotes", "-o", str(out), "--json")
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert summary["input_format"] == kind and summary["documents"] == 1 and summary["failed"] == 0
        assert summary["quotes"] >= 10 and summary["entities"] == 0
        assert rows(out)[0]["id"] == "abu-dhabi-talks"


def test_predict_keeps_going_past_failing_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in (("a", "Alpha met Beta."), ("b", "This one goes boom."), ("c", "Gamma left.")):
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "p.jsonl"
    result = run("predict", str(corpus), "-e", f"{USER}:explodes_on_boom", "-o", str(out), "--batch-size", "2")
    assert result.exit_code == 1
    assert [r["id"] for r in rows(out)] == ["a", "c"]  # the rest of the batch survived
    errors = [line for line in result.stderr.splitlines() if line.startswith("annotate: rejected:")]
    assert len(errors) == 1 and "document 'b'" in errors[0] and "RuntimeError: cannot handle b" in errors[0]
    (reject,) = rows(tmp_path / "p.rejects.jsonl")
    assert reject["id"] == "b" and "RuntimeError" in reject["reason"]


def test_predict_reports_malformed_records(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Alpha met Beta.", encoding="utf-8")
    (corpus / "worse.txt").write_text("A bad record.", encoding="utf-8")
    out = tmp_path / "p.jsonl"
    rejects = tmp_path / "r.jsonl"
    result = run("predict", str(corpus), "-e", f"{USER}:malformed_on_bad", "-o", str(out), "--rejects", str(rejects),
                 "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed"] == 1
    assert [r["id"] for r in rows(out)] == ["good"]
    assert "malformed record" in rows(rejects)[0]["reason"] and "'nope'" in rows(rejects)[0]["reason"]
    again = run("predict", str(corpus), "-e", f"{USER}:malformed_on_bad", "-o", str(out), "--allow-rejects", "-q")
    assert again.exit_code == 0


def test_predict_with_a_spacy_pipeline_on_disk(tmp_path: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Zelenskyy"}])
    nlp.to_disk(tmp_path / "ruler")
    out = tmp_path / "p.jsonl"
    result = run("predict", str(SEED_FOLDER), "-e", f"spacy:{tmp_path / 'ruler'}", "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    (record,) = rows(out)
    assert {e["text"] for e in record["entities"]} == {"Zelenskyy"}
    assert all(record["text"][e["start"]:e["end"]] == "Zelenskyy" for e in record["entities"])


def test_predict_user_errors_are_one_line(tmp_path: Path) -> None:
    result = run("predict", str(SEED_FOLDER), "-e", "nope", "-o", str(tmp_path / "p.jsonl"))
    assert result.exit_code == 1
    assert result.stderr.startswith("annotate: error: [A601] Unknown extractor 'nope'")
    assert len(result.stderr.strip().splitlines()) == 1
    missing = run("predict", str(tmp_path / "missing"), "-e", "baseline")
    assert missing.exit_code == 1 and "no such file or folder" in missing.stderr
    bad_tasks = tmp_path / "tasks.jsonl"
    bad_tasks.write_text('{"data": {"doc_id": "x"}}\n', encoding="utf-8")
    result = run("predict", str(bad_tasks), "-e", "baseline", "--input-format", "tasks")
    assert result.exit_code == 1 and f"{bad_tasks}:1: a task needs data.text" in result.stderr


def test_predict_help_has_an_example() -> None:
    result = run("predict", "--help")
    assert result.exit_code == 0 and "Example" in result.output and "spacy:PIPELINE" in result.output
