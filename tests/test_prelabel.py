"""Records → Label Studio results (pre-labelling) and back, and `annotate tasks --prelabel`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.errors import ConversionError
from annotate.prelabel import record_to_result
from annotate.records import annotation_to_record
from annotate.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpora" / "gold" / "news.jsonl"
SEED_FOLDER = ROOT / "corpora" / "news"
USER = Path(__file__).resolve().parent / "user_extractors.py"
runner = CliRunner()


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def spans_only(record: dict[str, Any]) -> dict[str, Any]:
    """The span lists of a record in one canonical order (for comparing two records)."""
    def key(span: dict[str, Any]) -> tuple[int, int]:
        return span["start"], span["end"]

    return {
        "entities": sorted(record["entities"], key=lambda e: (key(e), e["label"])),
        "quotes": sorted(({k: q[k] for k in ("start", "end", "text", "kind", "speaker", "cue")} for q in record["quotes"]), key=key),
        "events": sorted(({"type": e["type"], "trigger": e["trigger"],
                           "arguments": sorted(e["arguments"], key=lambda a: (key(a), a["role"]))}
                          for e in record["events"]), key=lambda e: (key(e["trigger"]), e["type"])),
    }


def read_back(result: list[dict[str, Any]], text: str, schema: str = "news") -> dict[str, Any]:
    conversion = annotation_to_record({"id": 1, "result": result}, origin="prediction", text=text, doc_id="d",
                                      task_id=None, schema=load_schema(schema))
    assert conversion.rejects == []
    assert conversion.record is not None
    return conversion.record


def test_result_items_have_the_label_studio_shape(gold: dict[str, Any]) -> None:
    schema = load_schema("news")
    result = record_to_result(gold, schema)
    regions = {item["id"]: item for item in result if item["type"] == "labels"}
    assert len(regions) == sum(1 for item in result if item["type"] == "labels"), "region ids are unique"
    for item in regions.values():
        assert item["to_name"] == "text"
        value = item["value"]
        assert gold["text"][value["start"]:value["end"]] == value["text"] and len(value["labels"]) == 1
    entity = next(item for item in result if item["from_name"] == schema.entity_from_name)
    assert entity["value"]["labels"][0] in schema.entity_labels
    choices = [item for item in result if item["type"] == "choices"]
    assert len(choices) == len(gold["quotes"])
    for choice in choices:  # a per-region choice carries the id and the span of its QUOTE region
        region = regions[choice["id"]]
        assert choice["from_name"] == schema.kind_from_name and region["value"]["labels"] == ["QUOTE"]
        assert (choice["value"]["start"], choice["value"]["end"]) == (region["value"]["start"], region["value"]["end"])
        assert choice["value"]["choices"][0] in schema.kinds
    relations = [item for item in result if item["type"] == "relation"]
    for relation in relations:
        assert set(relation) == {"from_id", "to_id", "type", "direction", "labels"}
        assert relation["direction"] == "right" and relation["from_id"] in regions and relation["to_id"] in regions
        assert relation["labels"][0] in schema.relation_labels
    lavrov = [item for item in regions.values() if item["value"]["labels"] == ["SPEAKER"] and item["value"]["text"] == "Sergei Lavrov"]
    assert len(lavrov) == 1, "a speaker mention shared by several quotes is one region"
    assert sum(1 for r in relations if r["to_id"] == lavrov[0]["id"]) == 3


def test_gold_round_trips_through_the_result_format(gold: dict[str, Any]) -> None:
    back = read_back(record_to_result(gold, load_schema("news")), gold["text"])
    assert spans_only(back) == spans_only(gold)


def test_baseline_predictions_round_trip(gold: dict[str, Any]) -> None:
    from annotate.extractors import EXTRACTORS, Source

    (pred,) = EXTRACTORS["baseline"]([Source(gold["id"], gold["text"])])
    back = read_back(record_to_result(pred, load_schema("news")), gold["text"])
    assert spans_only(back) == spans_only(pred)


def test_a_schema_gets_only_its_layers(gold: dict[str, Any]) -> None:
    for name, controls in (("entities", {"entity"}), ("quotes", {"quote", "kind"}), ("events", {"trigger", "argument"})):
        result = record_to_result(gold, load_schema(name))
        assert {item["from_name"] for item in result if "from_name" in item} == controls
        back = read_back(result, gold["text"], name)
        layer = {"entities": "entities", "quotes": "quotes", "events": "events"}[name]
        assert spans_only(back)[layer] == spans_only(gold)[layer]


def test_labels_outside_the_schema_are_an_error() -> None:
    record = {"id": "d", "entities": [{"start": 0, "end": 3, "text": "Bob", "label": "PER"}]}
    with pytest.raises(ConversionError, match="'PER' is not in schema 'news'"):
        record_to_result(record, load_schema("news"))
    event = {"id": "d", "events": [{"type": "Contact.Meet", "trigger": {"start": 0, "end": 3, "text": "met"},
                                    "arguments": [{"start": 4, "end": 7, "text": "Bob", "role": "Victim"}]}]}
    with pytest.raises(ConversionError, match="Victim"):
        record_to_result(event, load_schema("news"))


def test_tasks_prelabel_puts_predictions_in_the_tasks(tmp_path: Path, gold: dict[str, Any]) -> None:
    out = tmp_path / "t.jsonl"
    result = runner.invoke(app, ["tasks", str(SEED_FOLDER), "--prelabel", "baseline", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["prelabel_failed"] == 0
    (task,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (prediction,) = task["predictions"]
    assert prediction["model_version"].startswith("baseline (annotate ")
    back = read_back(prediction["result"], task["data"]["text"])
    assert len(back["quotes"]) >= 10 and back["entities"] and back["events"]


def test_tasks_prelabel_failure_is_reported_and_the_task_kept(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alpha went home.", encoding="utf-8")
    (corpus / "b.txt").write_text("It went boom.", encoding="utf-8")
    out = tmp_path / "t.jsonl"
    result = runner.invoke(app, ["tasks", str(corpus), "--schema", "entities", "--prelabel", f"{USER}:explodes_on_boom",
                                 "--out", str(out)])
    assert result.exit_code == 1
    assert "annotate: prelabel failed: document 'b'" in result.stderr
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [("predictions" in t) for t in tasks] == [True, False]


@pytest.mark.labelstudio
def test_prelabelled_tasks_show_their_predictions_on_the_server(
    tmp_path: Path, labelstudio: Any, labelstudio_project: Any
) -> None:
    out = tmp_path / "t.json"
    result = runner.invoke(app, ["tasks", str(SEED_FOLDER), "--prelabel", "baseline", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    project = labelstudio_project("news")
    (task_id,) = labelstudio.import_tasks(project.id, tasks)
    stored = labelstudio.request("reading a task", "GET", f"api/tasks/{task_id}")
    predictions = stored.get("predictions") or labelstudio.request(
        "listing predictions", "GET", "api/predictions/", params={"task": task_id})
    assert len(predictions) == 1
    prediction = predictions[0]
    assert prediction["model_version"] == tasks[0]["predictions"][0]["model_version"]
    back = read_back(prediction["result"], stored["data"]["text"])
    assert spans_only(back) == spans_only(read_back(tasks[0]["predictions"][0]["result"], tasks[0]["data"]["text"]))
