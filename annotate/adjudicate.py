"""Adjudication in Label Studio: disputed tasks go to a review project with every annotator's version.

`adjudicate_project(client, source, into)` exports the source project (a snapshot, through
`annotate.labelstudio`), converts every human annotation to a record (`annotate.records`), finds
the tasks on which the annotators differ (`annotate.disagreements`), and imports those tasks
into the review project `into` (created with the source project's label config when missing).
Each review task carries, as Label Studio predictions:

* one per annotator, `model_version` = the annotator, their annotation as it was;
* the merged proposal, `model_version` = `MAJORITY`: `merge_majority` of the annotations.

A reviewer opens the task, picks or fixes a version and submits; `annotate pull` of the review
project then gives the adjudicated gold. Tasks on which everyone agreed, and tasks with fewer
than two annotators, are not sent (the agreed ones are returned as records, `agreed_records`,
the gold of those tasks).

Re-running adds the disputed tasks not yet in the review project (matched on `data.doc_id`) and
refreshes the ones already there (`refresh_decision`): a review task that no reviewer has touched
(no annotation, skipped or not, and no draft) gets the current predictions when they differ from
what it carries (all its predictions are replaced: the review project is annotate's); a task a
reviewer has touched is left as it is, so a reviewer's work is never overwritten.

The majority rule (`merge_majority`), with n annotators on the task, "more than half" meaning
a count > n / 2:

* an entity `(start, end, label)` is proposed when more than half of the annotators marked it;
* a quote `(start, end)` likewise; its kind, speaker and cue are, each, the version most of the
  annotators who marked that quote gave, when more than half of them gave it (else none);
* an event `(trigger start, trigger end, type)` likewise; an argument `(start, end, role)` of it
  when more than half of the annotators who marked that event gave it.

With two annotators the proposal is what both marked; the differences are left to the reviewer,
who sees both versions.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence

from annotate.disagreements import document_disagreements
from annotate.errors import AnnotateError
from annotate.metrics.annotations import NOT_HUMAN, AgreementTask

if TYPE_CHECKING:  # pragma: no cover
    from annotate.labelstudio import LabelStudioClient
    from annotate.schema import Schema

Record = dict[str, Any]
MAJORITY = "majority"
BATCH = 100


class AdjudicationError(AnnotateError):
    """The review project cannot be made as asked."""

    code = "A701"


def _key(span: Mapping[str, Any] | None) -> tuple[int, int] | None:
    return None if not span else (int(span["start"]), int(span["end"]))


def _span(text: str, key: tuple[int, int]) -> dict[str, Any]:
    return {"start": key[0], "end": key[1], "text": text[key[0]:key[1]]}


def _more_than_half(count: int, total: int) -> bool:
    return 2 * count > total


def _vote(values: Sequence[Any], total: int) -> Any:
    """The most common value if more than half of `total` gave it, else None (a tie never is a majority)."""
    if not values:
        return None
    value, count = Counter(values).most_common(1)[0]
    return value if _more_than_half(count, total) else None


def merge_majority(records: Mapping[str, Mapping[str, Any]]) -> Record:
    """The merged proposal of several annotators' records of one document (the rule in the module doc).

    Example:
        >>> t = "Bob met Ann"
        >>> e = lambda s, en, l: {"start": s, "end": en, "label": l, "text": t[s:en]}
        >>> merged = merge_majority({
        ...     "a": {"id": "d", "text": t, "entities": [e(0, 3, "PERSON"), e(8, 11, "PERSON")]},
        ...     "b": {"id": "d", "text": t, "entities": [e(0, 3, "PERSON")]},
        ...     "c": {"id": "d", "text": t, "entities": [e(0, 3, "PERSON"), e(8, 11, "GPE")]}})
        >>> [(x["text"], x["label"]) for x in merged["entities"]]
        [('Bob', 'PERSON')]
    """
    names = sorted(records)
    n = len(names)
    first = records[names[0]]
    text: str = next((r.get("text") for r in records.values() if r.get("text")), "") or ""

    entity_votes = Counter((e["start"], e["end"], e["label"]) for name in names
                           for e in {(x["start"], x["end"], x["label"]): x for x in records[name].get("entities") or []}.values())
    entities = [{**_span(text, (s, e)), "label": label} for (s, e, label), count in sorted(entity_votes.items())
                if _more_than_half(count, n)]

    quotes_by_key: dict[tuple[int, int], list[Mapping[str, Any]]] = {}
    for name in names:
        seen: dict[tuple[int, int], Mapping[str, Any]] = {}
        for quote in records[name].get("quotes") or []:
            seen.setdefault((quote["start"], quote["end"]), quote)
        for key, quote in seen.items():
            quotes_by_key.setdefault(key, []).append(quote)
    quotes = []
    for key in sorted(quotes_by_key):
        holders = quotes_by_key[key]
        if not _more_than_half(len(holders), n):
            continue
        speaker = _vote([_key(q.get("speaker")) for q in holders], len(holders))
        cue = _vote([_key(q.get("cue")) for q in holders], len(holders))
        quotes.append({
            **_span(text, key),
            "kind": _vote([q.get("kind") for q in holders], len(holders)),
            "speaker": _span(text, speaker) if speaker else None,
            "cue": _span(text, cue) if cue else None,
        })

    events_by_key: dict[tuple[int, int, str], list[Mapping[str, Any]]] = {}
    for name in names:
        seen_events: dict[tuple[int, int, str], Mapping[str, Any]] = {}
        for event in records[name].get("events") or []:
            seen_events.setdefault((event["trigger"]["start"], event["trigger"]["end"], event["type"]), event)
        for key3, event in seen_events.items():
            events_by_key.setdefault(key3, []).append(event)
    events = []
    for (start, end, event_type) in sorted(events_by_key):
        holders = events_by_key[(start, end, event_type)]
        if not _more_than_half(len(holders), n):
            continue
        votes = Counter(key for event in holders for key in {(a["start"], a["end"], a["role"]) for a in event.get("arguments") or []})
        arguments = [{**_span(text, (s, e)), "role": role} for (s, e, role), count in sorted(votes.items())
                     if _more_than_half(count, len(holders))]
        events.append({"type": event_type, "trigger": _span(text, (start, end)), "arguments": arguments})

    return {"id": first["id"], "text": text, "entities": entities, "quotes": quotes, "events": events}


def record_result(record: Mapping[str, Any], schema: Schema) -> list[dict[str, Any]]:
    """Label Studio result items of a record, through the pre-labelling code (`annotate.prelabel`)."""
    from annotate.prelabel import record_to_result

    return list(record_to_result(record, schema))  # type: ignore[arg-type]


def review_task(data: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]], *, schema: Schema,
                to_result: Callable[[Mapping[str, Any], Schema], list[dict[str, Any]]] = record_result) -> dict[str, Any]:
    """The review task of one disputed document: its data, one prediction per annotator, the majority proposal."""
    merged = merge_majority(records)
    predictions = [{"model_version": name, "result": to_result(records[name], schema)} for name in sorted(records)]
    predictions.append({"model_version": MAJORITY, "result": to_result(merged, schema)})
    return {"data": dict(data), "predictions": predictions}


RefreshDecision = Literal["refresh", "unchanged", "reviewed"]
_RESULT_KEYS = ("id", "from_name", "to_name", "type", "value", "from_id", "to_id", "direction", "labels")


@dataclass(frozen=True, slots=True)
class ReviewState:
    """What the review project holds for one task: its id, whether a reviewer touched it, its predictions.

    `reviewed` is True when the task has an annotation (submitted or skipped) or a draft;
    each prediction is a mapping with `model_version` and `result` (and `id` when read from the server).
    """

    task_id: int
    reviewed: bool
    predictions: tuple[Mapping[str, Any], ...] = ()

    @property
    def prediction_ids(self) -> list[int]:
        return [int(p["id"]) for p in self.predictions if p.get("id") is not None]


def review_state(task: Mapping[str, Any]) -> ReviewState:
    """The `ReviewState` of one task of a snapshot export of the review project."""
    touched = bool(task.get("annotations") or task.get("drafts")
                   or task.get("total_annotations") or task.get("cancelled_annotations"))
    predictions = tuple(p for p in task.get("predictions") or [] if isinstance(p, Mapping))
    return ReviewState(int(task["id"]), touched, predictions)


def _canonical(predictions: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The predictions as sorted (model_version, result) strings; keys the server may add are left out."""
    out = []
    for prediction in predictions:
        items = sorted(json.dumps({k: item[k] for k in _RESULT_KEYS if k in item}, sort_keys=True)
                       for item in prediction.get("result") or [])
        out.append((str(prediction.get("model_version") or ""), json.dumps(items)))
    return sorted(out)


def refresh_decision(state: ReviewState, wanted: Sequence[Mapping[str, Any]]) -> RefreshDecision:
    """What a re-run does to a review task already sent: `reviewed` (a reviewer touched it: leave it),
    `unchanged` (it carries the `wanted` predictions already), else `refresh` (replace its predictions).

    Example:
        >>> wanted = [{"model_version": "a", "result": []}, {"model_version": "majority", "result": []}]
        >>> refresh_decision(ReviewState(1, False, tuple(wanted)), wanted)
        'unchanged'
        >>> refresh_decision(ReviewState(1, False, ()), wanted), refresh_decision(ReviewState(1, True, ()), wanted)
        ('refresh', 'reviewed')
    """
    if state.reviewed:
        return "reviewed"
    return "unchanged" if _canonical(state.predictions) == _canonical(wanted) else "refresh"


def detect_schema(label_config: str) -> str:
    """The name of the schema whose config in `schemas/` the project uses (`news` when none matches)."""
    from annotate.labelstudio import normalize_config
    from annotate.errors import SchemaError
    from annotate.schema import SCHEMA_NAMES, read_config

    wanted = normalize_config(label_config)
    for name in SCHEMA_NAMES:
        try:
            if normalize_config(read_config(name)) == wanted:
                return name
        except SchemaError:
            continue
    return "news"


@dataclass(slots=True)
class AdjudicationResult:
    """What `adjudicate_project` did."""

    source_id: int
    source_title: str
    review_id: int
    review_title: str
    review_url: str
    created: bool
    schema: str
    tasks: int = 0
    multi_annotated: int = 0
    disputed: int = 0
    agreed: int = 0
    single: int = 0
    imported: int = 0
    already_there: int = 0  # disputed tasks already in the review project: refreshed + unchanged + left_reviewed
    refreshed: int = 0
    unchanged: int = 0
    left_reviewed: int = 0
    rejects: int = 0  # items, annotations or tasks the converter set aside (see `annotate convert`)
    disputed_ids: list[str] = field(default_factory=list)
    agreed_records: list[Record] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)  # new review task ids
    refreshed_task_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": {"id": self.source_id, "title": self.source_title},
            "review": {"id": self.review_id, "title": self.review_title, "url": self.review_url, "created": self.created},
            "schema": self.schema,
            "tasks": self.tasks,
            "multi_annotated": self.multi_annotated,
            "disputed": self.disputed,
            "agreed": self.agreed,
            "single": self.single,
            "imported": self.imported,
            "already_there": self.already_there,
            "refreshed": self.refreshed,
            "unchanged": self.unchanged,
            "left_reviewed": self.left_reviewed,
            "converter_rejects": self.rejects,
            "disputed_ids": self.disputed_ids,
        }


def _human_records(task: Any, *, schema: Schema, where: str) -> tuple[str, dict[str, Any], dict[str, Record], int]:
    """(doc id, task data, annotator -> their latest usable annotation record, rejects) of an exported task."""
    from annotate.records import task_to_conversions

    converted = task_to_conversions(task, schema=schema, where=where)
    records: dict[str, Record] = {}
    rejects = 0
    for conv in converted.conversions:
        rejects += len(conv.rejects)
        if conv.record is None or conv.origin in NOT_HUMAN:
            continue
        name = conv.record.get("annotator") or f"annotation-{conv.annotation_id}"
        previous = records.get(name)
        if previous is None or str(conv.record.get("updated_at") or "") >= str(previous.get("updated_at") or ""):
            records[name] = conv.record
    data = dict(task.get("data") or {})
    data["doc_id"] = converted.doc_id
    return converted.doc_id, data, records, rejects


def adjudicate_project(
    client: LabelStudioClient,
    source: str | int,
    into: str,
    *,
    tasks: Sequence[AgreementTask] = ("entities", "quotes", "events"),
    work_dir: Path,
    to_result: Callable[[Mapping[str, Any], Schema], list[dict[str, Any]]] = record_result,
    on_progress: Callable[[str, int], None] | None = None,
) -> AdjudicationResult:
    """Create (or update) review project `into` with the disputed tasks of project `source`.

    `on_progress(state, n)` hears about the export (`state`, bytes) and the import (`"importing"`, tasks).

    Raises:
        ProjectNotFound: no project `source`.
        AdjudicationError: `into` names the source project itself.
    """
    from annotate.convert import read_export
    from annotate.schema import load_schema

    project = client.find_project(source)
    assert project is not None
    if project.title == into or str(project.id) == str(into).strip():
        raise AdjudicationError(f"--into {into!r} is the source project itself; give the review project a title of its own.")
    schema_name = detect_schema(project.label_config)
    schema = load_schema(schema_name)
    work_dir.mkdir(parents=True, exist_ok=True)
    export = client.export_snapshot(project.id, work_dir / f"project-{project.id}-export.json", on_progress=on_progress)

    review = client.find_project(into, missing_ok=True)
    created = review is None
    if review is None:
        review = client.create_project(into, project.label_config,
                                       description=f"Adjudication of project {project.id} ({project.title}): "
                                       "each task shows every annotator's version and the majority proposal.")
    else:
        from annotate.labelstudio import normalize_config

        if normalize_config(review.label_config) != normalize_config(project.label_config):
            raise AdjudicationError(
                f"The review project {review.title!r} (id {review.id}) has another label config than project "
                f"{project.title!r} (id {project.id}); give --into a new title, or set the same config on it."
            )
    existing: dict[str, list[ReviewState]] = {}
    if not created:
        review_export = client.export_snapshot(review.id, work_dir / f"project-{review.id}-export.json", on_progress=on_progress)
        for _, review_task_ in read_export(review_export.path):
            doc = (review_task_.get("data") or {}).get("doc_id")
            if doc is not None and review_task_.get("id") is not None:
                existing.setdefault(str(doc), []).append(review_state(review_task_))
    result = AdjudicationResult(project.id, project.title, review.id, review.title, client.project_url(review.id), created, schema_name)

    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if batch:
            result.task_ids.extend(client.import_tasks(review.id, batch))
            result.imported += len(batch)
            batch.clear()
            if on_progress:
                on_progress("importing", result.imported)

    for where, task in read_export(export.path):
        result.tasks += 1
        doc_id, data, records, rejects = _human_records(task, schema=schema, where=where)
        result.rejects += rejects
        if len(records) < 2:
            result.single += 1
            continue
        result.multi_annotated += 1
        data.setdefault("source_project", project.id)
        if task.get("id") is not None:
            data["source_task"] = task["id"]
        if not document_disagreements(records, tasks=tasks):
            result.agreed += 1
            agreed = dict(records[sorted(records)[0]])
            agreed["annotators"] = sorted(records)
            result.agreed_records.append(agreed)
            continue
        result.disputed += 1
        result.disputed_ids.append(doc_id)
        wanted = review_task(data, records, schema=schema, to_result=to_result)
        if doc_id in existing:
            result.already_there += 1
            decisions = [refresh_decision(state, wanted["predictions"]) for state in existing[doc_id]]
            if "reviewed" in decisions:  # a reviewer has worked on it (on any copy of it): leave it alone
                result.left_reviewed += 1
            elif "refresh" in decisions:
                result.refreshed += 1
                for state, decision in zip(existing[doc_id], decisions):
                    if decision == "refresh":
                        client.replace_predictions(state.task_id, state.prediction_ids, wanted["predictions"])
                        result.refreshed_task_ids.append(state.task_id)
            else:
                result.unchanged += 1
            continue
        batch.append(wanted)
        if len(batch) >= BATCH:
            flush()
    flush()
    return result
