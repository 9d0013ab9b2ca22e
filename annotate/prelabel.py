"""Canonical records → Label Studio result items (pre-labelling, adjudication, the demo).

`record_to_result(record, schema)` writes exactly the result format Label Studio stores, with
control names taken from the schema (`annotate.schema.load_schema`):

- an entity: a `labels` region of `schema.entity_from_name`;
- a quote: a `labels` region (QUOTE) of `schema.quote_from_name`, a per-region `choices` item of
  `schema.kind_from_name` with the *same id* for its kind, SPEAKER and CUE regions, and
  relations `{"from_id": quote, "to_id": part, "type": "relation", "direction": "right",
  "labels": ["speaker"]}` (and `["cue"]`);
- an event: a `labels` region of `schema.trigger_from_name` labelled with the event type, an
  ARGUMENT region of `schema.argument_from_name` per argument span, and a relation from the
  trigger to each argument labelled with the role.

A region's `value` holds `start`, `end` (code points, half-open; Label Studio 1.23 reads them so),
`text` and `labels`. A speaker, cue or argument mention shared by several quotes or events is
one region with several relations. Region ids are deterministic (`e1`, `q1`, `s1`, ...), unique
within one result list. `annotate.records.annotation_to_record` reads the result back.

`prelabel_tasks` runs an extractor over a stream of tasks and attaches its records as
`predictions: [{"model_version": ..., "result": [...]}]`.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from annotate.errors import ConversionError, shorten
from annotate.schema import TEXT_NAME, Schema

Record = dict[str, Any]
ResultItem = dict[str, Any]


class _Regions:
    """Builds region items, one per distinct (control, label, span), with stable ids."""

    def __init__(self, record_id: str) -> None:
        self.items: list[ResultItem] = []
        self.ids: dict[tuple[str, str, int, int], str] = {}
        self.counters: dict[str, int] = {}
        self.record_id = record_id

    def add(self, prefix: str, from_name: str, label: str, mention: Any, *, shared: bool) -> str:
        if not isinstance(mention, dict) or not all(k in mention for k in ("start", "end", "text")):
            raise ConversionError(f"record {self.record_id!r}: a span must have start, end and text; got {shorten(mention)}.")
        key = (from_name, label, int(mention["start"]), int(mention["end"]))
        if shared and key in self.ids:
            return self.ids[key]
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        region_id = f"{prefix}{self.counters[prefix]}"
        if shared:
            self.ids[key] = region_id
        self.items.append({
            "id": region_id,
            "from_name": from_name,
            "to_name": TEXT_NAME,
            "type": "labels",
            "value": {"start": key[2], "end": key[3], "text": mention["text"], "labels": [label]},
        })
        return region_id


def _relation(from_id: str, to_id: str, label: str) -> ResultItem:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def _need(value: str | None, what: str, schema: Schema) -> str:
    if value is None:
        raise ConversionError(f"schema {schema.name!r} has no {what}; choose a schema that does (news has all).")
    return value


def record_to_result(record: Record, schema: Schema) -> list[ResultItem]:
    """The Label Studio result items of `record` for `schema`; layers the schema lacks are left out.

    Raises:
        ConversionError: a label, event type, role or kind the schema does not define.

    Example:
        >>> from annotate.schema import load_schema
        >>> rec = {"id": "d", "entities": [{"start": 0, "end": 3, "text": "Bob", "label": "PERSON"}]}
        >>> record_to_result(rec, load_schema("news"))[0]["value"]
        {'start': 0, 'end': 3, 'text': 'Bob', 'labels': ['PERSON']}
    """
    record_id = str(record.get("id"))
    regions = _Regions(record_id)
    relations: list[ResultItem] = []
    choices: list[ResultItem] = []
    where = f"record {record_id!r}"

    if schema.entity_from_name:
        for entity in record.get("entities") or []:
            if entity.get("label") not in schema.entity_labels:
                raise ConversionError(f"{where}: entity label {shorten(entity.get('label'))} is not in schema {schema.name!r}; map it to one of {', '.join(schema.entity_labels)}.")
            regions.add("e", schema.entity_from_name, entity["label"], entity, shared=False)

    if schema.quote_from_name and record.get("quotes"):
        quote_label, speaker_label, cue_label = _quote_labels(schema)
        kind_name = _need(schema.kind_from_name, "kind choices", schema)
        for quote in record["quotes"]:
            quote_id = regions.add("q", schema.quote_from_name, quote_label, quote, shared=False)
            kind = quote.get("kind")
            if kind is not None:
                if kind not in schema.kinds:
                    raise ConversionError(f"{where}: quote kind {shorten(kind)} is not one of {', '.join(schema.kinds)}.")
                choices.append({
                    "id": quote_id, "from_name": kind_name, "to_name": TEXT_NAME, "type": "choices",
                    "value": {"start": quote["start"], "end": quote["end"], "text": quote["text"], "choices": [kind]},
                })
            for part, label, prefix in (("speaker", speaker_label, "s"), ("cue", cue_label, "c")):
                if quote.get(part) is not None:
                    part_id = regions.add(prefix, schema.quote_from_name, label, quote[part], shared=True)
                    relations.append(_relation(quote_id, part_id, _relation_label(schema, part)))

    if schema.trigger_from_name and record.get("events"):
        argument_name = _need(schema.argument_from_name, "argument control", schema)
        argument_label = _need(schema.argument_label, "argument label", schema)
        for event in record["events"]:
            event_type = event.get("type")
            roles = schema.roles_of(event_type) if event_type in {t.name for t in schema.event_types} else None
            if roles is None:
                raise ConversionError(f"{where}: event type {shorten(event_type)} is not in schema {schema.name!r}.")
            trigger_id = regions.add("t", schema.trigger_from_name, event_type, event.get("trigger"), shared=False)
            for argument in event.get("arguments") or []:
                if argument.get("role") not in roles:
                    raise ConversionError(f"{where}: role {shorten(argument.get('role'))} is not a role of {event_type} ({', '.join(roles)}).")
                argument_id = regions.add("a", argument_name, argument_label, argument, shared=True)
                relations.append(_relation(trigger_id, argument_id, argument["role"]))

    return regions.items + choices + relations


def _quote_labels(schema: Schema) -> tuple[str, str, str]:
    labels = schema.quote_labels
    by_name = {label.lower(): label for label in labels}
    if not labels or "speaker" not in by_name or "cue" not in by_name:
        raise ConversionError(f"schema {schema.name!r} has quote labels {labels}; expected QUOTE, SPEAKER and CUE.")
    return labels[0], by_name["speaker"], by_name["cue"]


def _relation_label(schema: Schema, part: str) -> str:
    for label in schema.relation_labels:
        if label.lower() == part:
            return label
    raise ConversionError(f"schema {schema.name!r} has no {part!r} relation; relations: {', '.join(schema.relation_labels)}.")


def prediction_of(record: Record, schema: Schema, *, model_version: str) -> dict[str, Any]:
    """One Label Studio prediction (`model_version`, `result`) of `record`."""
    return {"model_version": model_version, "result": record_to_result(record, schema)}


def prelabel_tasks(
    tasks: Iterable[dict[str, Any]],
    extractor_name: str,
    *,
    schema: Schema,
    failures: list[str],
    batch_size: int = 32,
) -> Iterator[dict[str, Any]]:
    """Yield `tasks` with the predictions of extractor `extractor_name` attached.

    A task whose document the extractor fails on (or whose record does not fit the schema) is
    yielded without predictions, and a one-line message naming it is appended to `failures`.
    """
    from importlib.metadata import version

    from annotate.extractors import load_extractor
    from annotate.extractors.base import Source
    from annotate.extractors.run import Failure, run_extractor

    extractor = load_extractor(extractor_name)
    model_version = f"{extractor_name} (annotate {version('annotate')})"
    pending: list[dict[str, Any]] = []

    def flush() -> Iterator[dict[str, Any]]:
        sources = [Source(str(t["data"]["doc_id"]), t["data"]["text"]) for t in pending]
        for task, result in zip(pending, run_extractor(extractor, sources, name=extractor_name, batch_size=batch_size)):
            if isinstance(result, Failure):
                failures.append(result.message())
            else:
                try:
                    task = {**task, "predictions": [*task.get("predictions", []), prediction_of(result, schema, model_version=model_version)]}
                except ConversionError as error:
                    failures.append(f"document {result['id']!r}: {error.message}")
            yield task
        pending.clear()

    for task in tasks:
        pending.append(task)
        if len(pending) >= batch_size:
            yield from flush()
    if pending:
        yield from flush()


__all__ = ["record_to_result", "prediction_of", "prelabel_tasks"]
