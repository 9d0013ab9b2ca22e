"""Library glue for `scripts/demo`: the two steps of the demo that have no `annotate` command.

- `load_gold`: put gold records (`corpora/gold/news.jsonl`) into a project as finished annotations,
  the way an annotator's Submit stores them (the result items of `annotate.prelabel.record_to_result`),
  marked `ground_truth` so that the converter's gold rule picks them first. Idempotent: a task
  that already has a ground-truth annotation is left alone.
- `score_report`: score one predictions file against gold for entities, quotes and events with the
  scorer of `annotate score` (`annotate.metrics.run.run_records`), and write one HTML page with the
  three tasks (`annotate.reports.html.render_html`).

Run as `python -m annotate.demo load-gold ...` / `python -m annotate.demo report ...`; a user error
prints one line `demo: error: [Axxx] ...` and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from annotate.errors import AnnotateError, InputError, shorten

if TYPE_CHECKING:  # pragma: no cover
    from annotate.labelstudio import LabelStudioClient

TASKS = ("entities", "quotes", "events")


@dataclass(slots=True)
class GoldLoad:
    """What `load_gold` did, by document id."""

    created: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    annotation_ids: dict[str, int] = field(default_factory=dict)


def read_gold_records(path: Path) -> list[dict[str, Any]]:
    """The gold records of a JSONL file or dataset folder, each checked against the record contract."""
    from annotate.recordio import read_records

    records = list(read_records(path))
    if not records:
        raise InputError(f"{path}: no gold records in it.")
    return records


def _annotations_of(client: LabelStudioClient, task_id: int) -> list[dict[str, Any]]:
    body = client.request(f"listing the annotations of task {task_id}", "GET", f"api/tasks/{task_id}/annotations/")
    return list(body or [])


def load_gold(client: LabelStudioClient, project_ref: str, gold_path: Path, *, schema_name: str = "news") -> GoldLoad:
    """Submit each gold record as a ground-truth annotation on the task with its `doc_id`.

    Raises:
        InputError: a gold record has no task in the project, or its text differs from the task's.
        LabelStudioError: the server refused.
    """
    from annotate.prelabel import record_to_result
    from annotate.schema import load_schema

    schema = load_schema(schema_name)
    project = client.find_project(project_ref)
    assert project is not None
    tasks = {str(data.get("doc_id")): (task_id, data) for task_id, data in client.iter_task_data(project.id)}
    done = GoldLoad()
    for record in read_gold_records(gold_path):
        doc_id = record["id"]
        if doc_id not in tasks:
            raise InputError(
                f"{gold_path}: gold record {doc_id!r} has no task in project {project.title!r} "
                f"(doc_ids there: {shorten(sorted(tasks), 80)}); push the tasks of its article first."
            )
        task_id, data = tasks[doc_id]
        if data.get("text") != record["text"]:
            raise InputError(
                f"{gold_path}: the text of gold record {doc_id!r} differs from task {task_id}'s; the gold was made "
                "for another cleaning of the article. Rebuild the tasks or the gold."
            )
        existing = [a for a in _annotations_of(client, task_id) if a.get("ground_truth") and not a.get("was_cancelled")]
        if existing:
            done.already_there.append(doc_id)
            done.annotation_ids[doc_id] = int(existing[0]["id"])
            continue
        result = record_to_result(record, schema)
        done.annotation_ids[doc_id] = client.create_annotation(task_id, result, ground_truth=True, lead_time=0.0)
        done.created.append(doc_id)
    return done


def score_all(gold: Path, pred: Path) -> dict[str, Any]:
    """One score document with the entities, quotes and events blocks of `annotate score`."""
    from annotate.metrics.run import run_records

    merged: dict[str, Any] = {}
    for task in TASKS:
        document = run_records(gold, pred, task=task)  # type: ignore[arg-type]
        if not merged:
            merged = dict(document.document)
            merged["manifest"] = {**merged["manifest"], "task": ", ".join(TASKS)}
        merged[task] = document.document[task]
    return merged


def headline(document: dict[str, Any]) -> list[str]:
    """One line per task: the headline measure's micro P/R/F1 (the figures atop the HTML report)."""
    from annotate.reports import headlines, pct

    return [
        f"{h.task:<9} {h.measure:<24} P {pct(h.precision):>6}  R {pct(h.recall):>6}  F1 {pct(h.f1):>6}"
        for h in headlines(document)
    ]


def score_report(gold: Path, pred: Path, html_path: Path, *, project_url: str | None = None, title: str = "baseline") -> list[str]:
    """Score `pred` against `gold` on every task, write the HTML report; return the headline lines."""
    from annotate.reports.html import render_html

    document = score_all(gold, pred)
    lines = headline(document)
    intro = [
        f"<p>System <b>{escape(title)}</b> scored against the gold records of <code>{escape(str(gold))}</code> "
        f"(predictions <code>{escape(str(pred))}</code>) by <code>annotate score</code>'s scorer; "
        "the same numbers come from <code>annotate score GOLD PRED --task entities|quotes|events</code>.</p>",
    ]
    if project_url:
        intro.append(f'<p>Label Studio project: <a href="{escape(project_url)}">{escape(project_url)}</a></p>')
    html_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        html_path.write_text(render_html(document, lead=intro), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{html_path}: cannot be written ({exc.strerror}).") from None
    return lines


def _client(url: str | None) -> LabelStudioClient:
    from annotate.labelstudio import LabelStudioClient, resolve_connection

    return LabelStudioClient(resolve_connection(url), retries=3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annotate.demo", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    gold = sub.add_parser("load-gold", help="Submit gold records as ground-truth annotations (idempotent).")
    gold.add_argument("--project", required=True, help="Project id or title.")
    gold.add_argument("--gold", required=True, type=Path, help="Gold records (JSONL).")
    gold.add_argument("--schema", default="news", help="The project's schema (default: news).")
    gold.add_argument("--url", default=None, help="Label Studio URL (default: as for annotate push).")
    report = sub.add_parser("report", help="Score predictions on entities, quotes and events; write one HTML report.")
    report.add_argument("--gold", required=True, type=Path, help="Gold: records JSONL, dataset folder or export.")
    report.add_argument("--pred", required=True, type=Path, help="Predicted records (JSONL).")
    report.add_argument("--html", required=True, type=Path, help="Where the report goes.")
    report.add_argument("--project-url", default=None, help="Link to the Label Studio project, shown in the report.")
    url = sub.add_parser("project-url", help="Print the URL of a project's task list.")
    url.add_argument("--project", required=True, help="Project id or title.")
    url.add_argument("--url", default=None, help="Label Studio URL (default: as for annotate push).")
    args = parser.parse_args(argv)
    try:
        if args.command == "load-gold":
            done = load_gold(_client(args.url), args.project, args.gold, schema_name=args.schema)
            print(f"gold: {len(done.created)} annotation(s) submitted, {len(done.already_there)} already there "
                  f"(annotation ids {', '.join(map(str, done.annotation_ids.values()))})", file=sys.stderr)
        elif args.command == "report":
            for line in score_report(args.gold, args.pred, args.html, project_url=args.project_url):
                print(line)
        else:
            client = _client(args.url)
            project = client.find_project(args.project)
            assert project is not None
            print(client.project_url(project.id))
    except AnnotateError as error:
        print(f"demo: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["GoldLoad", "load_gold", "read_gold_records", "score_all", "score_report", "headline", "main"]
