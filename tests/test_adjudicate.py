"""Adjudication: the majority proposal, review tasks, and the round trip through a real Label Studio."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotate.adjudicate import MAJORITY, ReviewState, adjudicate_project, merge_majority, refresh_decision, review_state, review_task
from annotate.cli import app
from annotate.disagreements import disagreements, document_disagreements
from annotate.records import annotation_to_record
from annotate.schema import load_schema
from annotate.spans import Span

runner = CliRunner()

TEXT = 'Bob Hill met Ann in Kyiv. "We agreed," Ann said.'
#       0123456789012345678901234567890123456789012345678
#       Bob Hill [0,8)  Bob [0,3)  Ann [13,16)  Kyiv [20,24)
#       quote "We agreed," [26,38)  Ann [39,42)  said [43,47)


def span(start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"start": start, "end": end, "text": TEXT[start:end], **extra}


def record(annotator: str, entities: list[dict[str, Any]], quotes: list[dict[str, Any]] | None = None,
           events: list[dict[str, Any]] | None = None, doc: str = "d1") -> dict[str, Any]:
    return {"id": doc, "text": TEXT, "annotator": annotator, "entities": entities, "quotes": quotes or [], "events": events or []}


QUOTE_A = span(26, 38, kind="direct", speaker=span(39, 42), cue=span(43, 47))
QUOTE_B = span(26, 38, kind="direct", speaker=span(13, 16), cue=span(43, 47))
A = record("a", [span(0, 8, label="PERSON"), span(13, 16, label="PERSON"), span(20, 24, label="GPE")], [QUOTE_A])
B = record("b", [span(0, 3, label="PERSON"), span(13, 16, label="PERSON"), span(20, 24, label="ORG")], [QUOTE_B])
C = record("c", [span(0, 8, label="PERSON"), span(13, 16, label="PERSON"), span(20, 24, label="ORG")], [QUOTE_A])


def test_disagreement_kinds_including_speakers_and_roles() -> None:
    items = document_disagreements({"a": A, "b": B}, tasks=("entities", "quotes"))
    kinds = {(d.layer, d.kinds, d.text) for d in items}
    assert ("entity", ("boundary",), "Bob Hill") in kinds
    assert ("entity", ("type",), "Kyiv") in kinds
    # The speakers of the one shared quote: "Ann" at 39 vs "Ann" at 13: another mention.
    (speaker,) = [d for d in items if d.layer == "speaker"]
    assert speaker.kinds == ("mention",) and speaker.anchor == Span(26, 38, "direct")
    assert {name: [s.start for s in spans] for name, spans in speaker.versions.items()} == {"a": [39], "b": [13]}
    no_speaker = record("c", A["entities"], [{**QUOTE_A, "speaker": None}])
    (missing,) = [d for d in document_disagreements({"a": A, "c": no_speaker}, tasks=("quotes",)) if d.layer == "speaker"]
    assert missing.kinds == ("missing",)
    trigger = {"type": "Contact.Meet", "trigger": span(9, 12)}
    ea = record("a", [], events=[{**trigger, "arguments": [span(0, 8, role="Participant"), span(20, 24, role="Place")]}])
    eb = record("b", [], events=[{**trigger, "arguments": [span(0, 8, role="Participant"), span(20, 24, role="Time")]}])
    roles = document_disagreements({"a": ea, "b": eb}, tasks=("events",))
    assert [(d.layer, d.kinds, d.text) for d in roles] == [("argument", ("role",), "Kyiv")]


def test_ranking_puts_the_most_contested_first() -> None:
    # With three annotators, "Bob Hill" is a 2-1 split (agreement 2/3); "Kyiv" GPE/ORG/ORG also 2/3;
    # the speaker of the quote 2-1. A task where all agree is not listed.
    found = disagreements([A, B, C, record("a", [], doc="d2"), record("b", [], doc="d2")])
    assert [t.id for t in found] == ["d1"]
    assert all(round(d.agreement, 4) == 0.6667 for d in found[0].items)


def test_merge_majority() -> None:
    merged = merge_majority({"a": A, "b": B, "c": C})
    # 2 of 3 marked "Bob Hill" PERSON; all 3 "Ann"; 2 of 3 "Kyiv" ORG.
    assert [(e["text"], e["label"]) for e in merged["entities"]] == [("Bob Hill", "PERSON"), ("Ann", "PERSON"), ("Kyiv", "ORG")]
    # The quote: all three; speaker at 39 by a and c (2 of 3), cue by all.
    (quote,) = merged["quotes"]
    assert quote["speaker"]["start"] == 39 and quote["cue"]["text"] == "said" and quote["kind"] == "direct"
    # Two annotators: only what both marked.
    two = merge_majority({"a": A, "b": B})
    assert [e["text"] for e in two["entities"]] == ["Ann"]
    assert two["quotes"][0]["speaker"] is None and two["quotes"][0]["cue"]["text"] == "said"


def test_review_task_round_trips_through_the_converter() -> None:
    schema = load_schema("news")
    task = review_task({"text": TEXT, "doc_id": "d1"}, {"a": A, "b": B}, schema=schema)
    assert [p["model_version"] for p in task["predictions"]] == ["a", "b", MAJORITY]
    for prediction, expected in zip(task["predictions"], (A, B, merge_majority({"a": A, "b": B}))):
        back = annotation_to_record(prediction, origin="prediction", text=TEXT, doc_id="d1", task_id=None, schema=schema).record
        assert back is not None
        assert back["entities"] == [{k: e[k] for k in ("start", "end", "text", "label")} for e in expected["entities"]]
        assert [(q["start"], q["speaker"] and q["speaker"]["start"]) for q in back["quotes"]] == \
            [(q["start"], q["speaker"] and q["speaker"]["start"]) for q in expected["quotes"]]


def test_refresh_decision() -> None:
    schema = load_schema("news")
    wanted = review_task({"text": TEXT, "doc_id": "d1"}, {"a": A, "b": B}, schema=schema)["predictions"]
    # As the server gives them back: ids, and keys it adds, in another order.
    stored = tuple({"id": 100 + i, "model_version": p["model_version"], "score": None,
                    "result": [{**item, "origin": "prediction"} for item in reversed(p["result"])]}
                   for i, p in enumerate(reversed(wanted)))
    assert refresh_decision(ReviewState(1, False, stored), wanted) == "unchanged"
    assert ReviewState(1, False, stored).prediction_ids == [100, 101, 102]
    # b has since changed their work: the task is refreshed, unless a reviewer touched it.
    changed = review_task({"text": TEXT, "doc_id": "d1"}, {"a": A, "b": C | {"annotator": "b"}}, schema=schema)["predictions"]
    assert refresh_decision(ReviewState(1, False, stored), changed) == "refresh"
    assert refresh_decision(ReviewState(1, True, stored), changed) == "reviewed"
    # A new annotator (one more prediction), or one gone, is a change too.
    assert refresh_decision(ReviewState(1, False, stored[:2]), wanted) == "refresh"
    # What counts as touched by a reviewer: an annotation (skipped ones too) or a draft.
    assert not review_state({"id": 1, "annotations": [], "drafts": [], "predictions": list(stored)}).reviewed
    assert review_state({"id": 1, "annotations": [{"id": 5, "was_cancelled": True}]}).reviewed
    assert review_state({"id": 1, "drafts": [{"id": 5}]}).reviewed


def _export_task(task_id: int, doc: str, versions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"id": task_id, "data": {"text": TEXT, "doc_id": doc}, "predictions": [], "drafts": [], "annotations": [
        {"id": task_id * 10 + i, "completed_by": {"id": i, "email": name}, "result": _result(rec | {"id": doc}),
         "was_cancelled": False, "updated_at": "2025-01-01T00:00:00Z"} for i, (name, rec) in enumerate(sorted(versions.items()))]}


class FakeClient:
    """The calls `adjudicate_project` makes, answered from memory: a source and an existing review project."""

    def __init__(self, source: list[dict[str, Any]], review: list[dict[str, Any]]) -> None:
        from annotate.labelstudio import Project
        from annotate.schema import read_config

        config = read_config("news")
        self.projects = {"src": Project(1, "src", config, 0, 0, 0), "rev": Project(2, "rev", config, 0, 0, 0)}
        self.exports = {1: source, 2: review}
        self.imported: list[dict[str, Any]] = []
        self.replaced: list[tuple[int, list[int], list[str]]] = []

    def find_project(self, ref: Any, *, missing_ok: bool = False) -> Any:
        return self.projects.get(str(ref))

    def export_snapshot(self, project_id: int, dest: Path, **_: Any) -> Any:
        from annotate.labelstudio import ExportInfo

        dest.write_text(json.dumps(self.exports[project_id]), encoding="utf-8")
        return ExportInfo(project_id, 1, dest, 0)

    def import_tasks(self, project_id: int, tasks: list[dict[str, Any]]) -> list[int]:
        self.imported.extend(tasks)
        return list(range(900, 900 + len(tasks)))

    def replace_predictions(self, task_id: int, delete_ids: list[int], predictions: list[dict[str, Any]]) -> list[int]:
        self.replaced.append((task_id, list(delete_ids), [p["model_version"] for p in predictions]))
        return []

    def project_url(self, project_id: int) -> str:
        return f"http://x/projects/{project_id}/data"


def test_rerun_adds_refreshes_and_leaves_reviewed_tasks(tmp_path: Path) -> None:
    schema = load_schema("news")
    # d1..d4 are disputed now. In the review project: d1 sent when b agreed with a (stale, unreviewed),
    # d2 sent as it is now (unchanged), d3 stale but annotated by a reviewer; d4 is new.
    now = {"a": A, "b": B}
    source = [_export_task(i, doc, now) for i, doc in enumerate(["d1", "d2", "d3", "d4"], start=1)]

    def sent(task_id: int, doc: str, versions: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
        task = review_task({"text": TEXT, "doc_id": doc}, {n: r | {"id": doc} for n, r in versions.items()}, schema=schema)
        predictions = [{"id": task_id * 10 + i, **p} for i, p in enumerate(task["predictions"])]
        return {"id": task_id, "data": task["data"], "predictions": predictions, "annotations": [], "drafts": [], **extra}

    stale = {"a": A, "b": C}
    review = [sent(11, "d1", stale), sent(12, "d2", now), sent(13, "d3", stale, annotations=[{"id": 1, "result": []}])]
    client = FakeClient(source, review)
    result = adjudicate_project(client, "src", "rev", work_dir=tmp_path)  # type: ignore[arg-type]
    assert (result.disputed, result.imported, result.refreshed, result.unchanged, result.left_reviewed) == (4, 1, 1, 1, 1)
    assert result.already_there == 3 and result.refreshed_task_ids == [11]
    assert client.replaced == [(11, [110, 111, 112], ["a", "b", MAJORITY])]
    assert [t["data"]["doc_id"] for t in client.imported] == ["d4"]
    summary = result.as_dict()
    assert (summary["imported"], summary["refreshed"], summary["unchanged"], summary["left_reviewed"]) == (1, 1, 1, 1)


def test_cli_disagreements(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps(r) + "\n" for r in (A, B, C)), encoding="utf-8")
    out = tmp_path / "d.jsonl"
    result = runner.invoke(app, ["disagreements", str(rows), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tasks_compared"] == 1 and summary["tasks_with_disagreements"] == 1
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["id"] == "d1" and line["annotators"] == ["a", "b", "c"]
    assert {item["layer"] for item in line["items"]} == {"entity", "speaker"}


# --------------------------------------------------------------------------- the real server


def _user(client: Any, email: str) -> int:
    """The id of the Label Studio user `email`, created when missing (an annotator of the test)."""
    for user in client.request("listing users", "GET", "api/users/"):
        if user.get("email") == email:
            return int(user["id"])
    made = client.request("creating a user", "POST", "api/users/", json_body={"email": email, "username": email})
    return int(made["id"])


def _result(rec: dict[str, Any]) -> list[dict[str, Any]]:
    from annotate.prelabel import record_to_result

    return record_to_result(rec, load_schema("news"))


@pytest.mark.labelstudio
def test_adjudication_round_trip(labelstudio: Any, labelstudio_project: Any, labelstudio_title: str, tmp_path: Path) -> None:
    client = labelstudio
    source = labelstudio_project("news")
    review_title = labelstudio_title
    ann_a, ann_b = _user(client, "annotator-a@example.org"), _user(client, "annotator-b@example.org")

    other = "Putin and Trump spoke in Paris on Monday."
    task_ids = client.import_tasks(source.id, [
        {"data": {"text": TEXT, "doc_id": "d1"}},
        {"data": {"text": other, "doc_id": "d2"}},
        {"data": {"text": other, "doc_id": "d3"}},
    ])
    by_doc = {data["doc_id"]: tid for tid, data in client.iter_task_data(source.id)}
    assert len(task_ids) == 3 and set(by_doc) == {"d1", "d2", "d3"}
    agreed = {"id": "d2", "text": other, "entities": [{"start": 0, "end": 5, "text": "Putin", "label": "PERSON"}]}
    # Two annotators, created through the API as the UI's submit does: d1 disputed, d2 agreed, d3 only a.
    client.create_annotation(by_doc["d1"], _result(A), completed_by=ann_a)
    client.create_annotation(by_doc["d1"], _result(B), completed_by=ann_b)
    client.create_annotation(by_doc["d2"], _result(agreed), completed_by=ann_a)
    client.create_annotation(by_doc["d2"], _result(agreed), completed_by=ann_b)
    client.create_annotation(by_doc["d3"], _result(agreed | {"id": "d3"}), completed_by=ann_a)

    # Agreement, computed from the live project's export.
    export = client.export_snapshot(source.id, tmp_path / "source.json").path
    result = runner.invoke(app, ["agree", str(export), "--task", "entities", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["annotators"] == ["annotator-a@example.org", "annotator-b@example.org"]
    pair = report["pairs"][0]
    # Shared: d1 and d2. Strict matches: Ann (d1), Putin (d2) -> m = 2; a has 3 + 1, b has 3 + 1: F1 = 4/8.
    assert pair["shared_tasks"] == 2 and pair["strict"]["overall"]["f1"] == 0.5
    assert report["alpha"]["tasks"] == 2 and 0 < report["alpha"]["overall"] < 1

    # The review project: only d1 goes, with both versions and the majority proposal.
    result = runner.invoke(app, ["adjudicate", "--project", str(source.id), "--into", review_title, "--json",
                                 "--agreed-out", str(tmp_path / "agreed.jsonl")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["review"]["created"] is True
    assert (summary["tasks"], summary["disputed"], summary["agreed"], summary["single"], summary["imported"]) == (3, 1, 1, 1, 1)
    assert [json.loads(line)["id"] for line in (tmp_path / "agreed.jsonl").read_text().splitlines()] == ["d2"]
    review = client.find_project(review_title)
    assert review.label_config == source.label_config
    review_export = json.loads(client.export_snapshot(review.id, tmp_path / "review.json").path.read_text())
    assert len(review_export) == 1 and review_export[0]["data"]["doc_id"] == "d1"
    versions = sorted(p["model_version"] for p in review_export[0]["predictions"])
    assert versions == sorted(["annotator-a@example.org", "annotator-b@example.org", MAJORITY])

    # Running it again sends nothing twice.
    again = runner.invoke(app, ["adjudicate", "--project", str(source.id), "--into", review_title, "--json"])
    assert again.exit_code == 0, again.output
    assert (json.loads(again.stdout)["imported"], json.loads(again.stdout)["already_there"]) == (0, 1)
    assert json.loads(again.stdout)["unchanged"] == 1  # what the server stored compares equal

    # b changes their work ("Bob Hill", as c): the re-run refreshes the task no reviewer has touched.
    client.create_annotation(by_doc["d1"], _result(C), completed_by=ann_b)
    again = runner.invoke(app, ["adjudicate", "--project", str(source.id), "--into", review_title, "--json"])
    assert again.exit_code == 0, again.output
    assert (json.loads(again.stdout)["imported"], json.loads(again.stdout)["refreshed"]) == (0, 1)
    (fresh,) = json.loads(client.export_snapshot(review.id, tmp_path / "review2.json").path.read_text())
    by_version = {p["model_version"]: p["result"] for p in fresh["predictions"]}
    assert sorted(by_version) == versions
    assert "Bob Hill" in {(item.get("value") or {}).get("text") for item in by_version["annotator-b@example.org"]}

    # A reviewer accepts a's "Bob Hill" and b's "ORG" for Kyiv, and submits.
    gold = record("reviewer", [span(0, 8, label="PERSON"), span(13, 16, label="PERSON"), span(20, 24, label="ORG")], [QUOTE_A])
    client.create_annotation(review_export[0]["id"], _result(gold))
    # From now on a re-run leaves the task alone, whatever the annotators do.
    client.create_annotation(by_doc["d1"], _result(B), completed_by=ann_b)
    again = runner.invoke(app, ["adjudicate", "--project", str(source.id), "--into", review_title, "--json"])
    assert again.exit_code == 0, again.output
    assert (json.loads(again.stdout)["refreshed"], json.loads(again.stdout)["left_reviewed"]) == (0, 1)

    # Pulling the review project gives the adjudicated gold.
    pulled = tmp_path / "gold"
    result = runner.invoke(app, ["pull", "--project", review_title, "--out", str(pulled), "--schema", "news"])
    assert result.exit_code == 0, result.output
    gold_rows = [json.loads(line) for line in (pulled / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["origin"]) for r in gold_rows] == [("d1", "annotation")]
    assert [(e["text"], e["label"]) for e in gold_rows[0]["entities"]] == [("Bob Hill", "PERSON"), ("Ann", "PERSON"), ("Kyiv", "ORG")]

    # The human ceiling: each annotator against the adjudicated gold (d1 only).
    result = runner.invoke(app, ["agree", str(export), "--gold", str(pulled / "records.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    ceiling = {row["annotator"]: row for row in json.loads(result.stdout)["human_ceiling"]}
    # a: Bob Hill, Ann right, Kyiv GPE wrong -> P = R = 2/3; b: Ann, Kyiv ORG right, Bob wrong -> 2/3.
    assert round(ceiling["annotator-a@example.org"]["f1"], 4) == round(ceiling["annotator-b@example.org"]["f1"], 4) == 0.6667
    assert ceiling["annotator-a@example.org"]["tasks"] == 1

    # A review project with another label config is refused, not mixed.
    other_config = labelstudio_project("entities")
    refused = runner.invoke(app, ["adjudicate", "--project", str(source.id), "--into", other_config.title])
    assert refused.exit_code == 1 and "another label config" in refused.stderr
