"""Where annotators differ, task by task: spans missing, boundaries, types, quote speakers, event roles.

Spans of every annotator of a document are grouped into *clusters*: maximal runs of spans that
overlap one another (whatever their labels). Each annotator's *version* of a cluster is the
sorted tuple of their spans in it, empty when they marked nothing there. A cluster is a
disagreement when the versions are not all the same, and it is of one or more kinds:

* `missing`: some annotators marked something there, others nothing;
* `boundary`: the annotators who marked something chose different offsets;
* `type`: they chose different labels (entity type, event type, quote kind; `role` for event
  arguments).

Layers (what is clustered):

* `entity`: entity spans, labelled with their type;
* `quote`: quote contents, labelled with the quote's kind (`none` when unset);
* `speaker` / `cue`: for each quote cluster where every annotator has exactly one quote, their
  speaker (or cue): `missing` (some gave none), `boundary` (overlapping, other offsets) or
  `mention` (a speaker elsewhere in the text: another mention, perhaps another person);
* `trigger`: event triggers, labelled with the event type;
* `argument`: for each trigger cluster where every annotator has exactly one event, the
  arguments of those events, labelled with their role (a different role is kind `role`).

Ranking: inside a document, the most contested first (the smallest share of annotators holding
the most common version), then by position; documents with the most disagreements first.

Offsets are code points, half-open, as everywhere in `annotate`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Literal, Mapping, Sequence

from annotate.metrics.annotations import AgreementTask, AnnotationSet, group_annotations
from annotate.spans import Span

Layer = Literal["entity", "quote", "speaker", "cue", "trigger", "argument"]
Kind = Literal["missing", "boundary", "type", "role", "mention"]
TASK_LAYERS: dict[AgreementTask, tuple[Layer, ...]] = {
    "entities": ("entity",),
    "quotes": ("quote", "speaker", "cue"),
    "events": ("trigger", "argument"),
}
NO_KIND = "none"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One cluster of spans on which the annotators of a document differ."""

    layer: Layer
    kinds: tuple[Kind, ...]
    start: int  # the cluster's extent, half-open
    end: int
    text: str
    versions: dict[str, tuple[Span, ...]]  # annotator -> their spans in the cluster (empty: none)
    agreement: float  # share of annotators holding the most common version
    anchor: Span | None = None  # the quote or trigger a speaker, cue or argument belongs to

    def to_dict(self) -> dict[str, Any]:
        def span(s: Span) -> dict[str, Any]:
            return {"start": s.start, "end": s.end, "label": s.label, "text": self.text_of(s)}

        row: dict[str, Any] = {
            "layer": self.layer,
            "kinds": list(self.kinds),
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "agreement": round(self.agreement, 4),
            "versions": {name: [span(s) for s in spans] for name, spans in self.versions.items()},
        }
        if self.anchor is not None:
            row["anchor"] = {"start": self.anchor.start, "end": self.anchor.end, "label": self.anchor.label}
        return row

    def text_of(self, span: Span) -> str:
        return self.text[span.start - self.start : span.end - self.start]


@dataclass(frozen=True, slots=True)
class TaskDisagreements:
    """The disagreements of one document, most contested first."""

    id: str
    annotators: tuple[str, ...]
    items: tuple[Disagreement, ...]
    task_ids: dict[str, Any]  # annotator -> Label Studio task id, when the rows carry it

    def to_dict(self) -> dict[str, Any]:
        counts = Counter(kind for item in self.items for kind in item.kinds)
        return {
            "id": self.id,
            "annotators": list(self.annotators),
            "disagreements": len(self.items),
            "kinds": dict(sorted(counts.items())),
            "items": [item.to_dict() for item in self.items],
        }


def clusters(spans_by_annotator: Mapping[str, Sequence[Span]]) -> list[dict[str, tuple[Span, ...]]]:
    """Maximal groups of mutually overlapping spans, each as annotator -> their spans in it.

    Every annotator of `spans_by_annotator` appears in every cluster (with `()` when they have no
    span there). Clusters come in text order.

    Example:
        >>> c = clusters({"a": [Span(0, 3, "X")], "b": [Span(1, 4, "X"), Span(8, 9, "Y")]})
        >>> [(min(s.start for v in g.values() for s in v), {k: len(v) for k, v in g.items()}) for g in c]
        [(0, {'a': 1, 'b': 1}), (8, {'a': 0, 'b': 1})]
    """
    items = sorted((span.start, span.end, name, span) for name, spans in spans_by_annotator.items() for span in set(spans))
    groups: list[list[tuple[str, Span]]] = []
    end = -1
    for start, stop, name, span in items:
        if not groups or start >= end:
            groups.append([])
            end = stop
        groups[-1].append((name, span))
        end = max(end, stop)
    out = []
    for group in groups:
        versions: dict[str, tuple[Span, ...]] = {}
        for name in spans_by_annotator:
            versions[name] = tuple(sorted(span for who, span in group if who == name))
        out.append(versions)
    return out


def classify(versions: Mapping[str, tuple[Span, ...]], *, type_kind: Kind = "type") -> tuple[Kind, ...]:
    """The kinds of disagreement in one cluster; `()` when every annotator has the same version.

    Example:
        >>> classify({"a": (Span(0, 3, "X"),), "b": ()})
        ('missing',)
        >>> classify({"a": (Span(0, 3, "X"),), "b": (Span(0, 4, "Y"),)})
        ('boundary', 'type')
    """
    if len(set(versions.values())) <= 1:
        return ()
    kinds: list[Kind] = []
    marked = [spans for spans in versions.values() if spans]
    if len(marked) < len(versions):
        kinds.append("missing")
    if len({tuple((s.start, s.end) for s in spans) for spans in marked}) > 1:
        kinds.append("boundary")
    if len({tuple(sorted(s.label for s in spans)) for spans in marked}) > 1:
        kinds.append(type_kind)
    if not kinds:  # same offsets and the same label multiset, paired differently
        kinds.append(type_kind)
    return tuple(kinds)


def _share(versions: Mapping[str, tuple[Span, ...]]) -> float:
    return max(Counter(versions.values()).values()) / len(versions)


def _compare(layer: Layer, spans_by_annotator: Mapping[str, Sequence[Span]], text: str, *,
             type_kind: Kind = "type", anchor: Span | None = None) -> list[Disagreement]:
    found = []
    for versions in clusters(spans_by_annotator):
        kinds = classify(versions, type_kind=type_kind)
        if not kinds:
            continue
        start = min(s.start for spans in versions.values() for s in spans)
        end = max(s.end for spans in versions.values() for s in spans)
        found.append(Disagreement(layer, kinds, start, end, text[start:end], dict(versions), _share(versions), anchor))
    return found


def _span(obj: Mapping[str, Any], label: str) -> Span:
    return Span(int(obj["start"]), int(obj["end"]), label)


def _single(layer: Layer, by_annotator: Mapping[str, Sequence[Span]], text: str, anchor: Span) -> list[Disagreement]:
    """Compare one part (a quote's speaker or cue) that each annotator gave once or not at all."""
    versions = {name: tuple(sorted(set(spans))) for name, spans in by_annotator.items()}
    if len(set(versions.values())) <= 1:
        return []
    marked = [spans[0] for spans in versions.values() if spans]
    kinds: list[Kind] = []
    if len(marked) < len(versions):
        kinds.append("missing")
    if len({(s.start, s.end) for s in marked}) > 1:
        apart = any(not (x.start < y.end and y.start < x.end) for x in marked for y in marked)
        kinds.append("mention" if apart else "boundary")
    start, end = min(s.start for s in marked), max(s.end for s in marked)
    return [Disagreement(layer, tuple(kinds), start, end, text[start:end], versions, _share(versions), anchor)]


def _nested(layer: Layer, groups: list[dict[str, tuple[Span, ...]]], parts: Mapping[str, Mapping[Span, Sequence[Span]]],
            text: str, *, type_kind: Kind, single: bool = False) -> list[Disagreement]:
    """Compare the parts (speakers, cues, arguments) of clusters where every annotator has exactly one head."""
    found = []
    for versions in groups:
        if not all(len(spans) == 1 for spans in versions.values()):
            continue
        anchor = Counter(spans[0] for spans in versions.values()).most_common(1)[0][0]
        by_annotator = {name: list(parts[name].get(spans[0], ())) for name, spans in versions.items()}
        if single and all(len(set(spans)) <= 1 for spans in by_annotator.values()):
            found.extend(_single(layer, by_annotator, text, anchor))
        else:
            found.extend(_compare(layer, by_annotator, text, type_kind=type_kind, anchor=anchor))
    return found


def document_disagreements(records: Mapping[str, Mapping[str, Any]], *, tasks: Sequence[AgreementTask]) -> list[Disagreement]:
    """Every disagreement between the annotators' `records` (annotator -> record) of one document, ranked."""
    records = {name: records[name] for name in sorted(records)}
    text = next((r.get("text") for r in records.values() if r.get("text")), "") or ""
    found: list[Disagreement] = []
    if "entities" in tasks:
        found += _compare("entity", {n: [_span(e, e["label"]) for e in r.get("entities") or []] for n, r in records.items()}, text)
    if "quotes" in tasks:
        quotes = {n: [_span(q, q.get("kind") or NO_KIND) for q in r.get("quotes") or []] for n, r in records.items()}
        found += _compare("quote", quotes, text)
        groups = clusters(quotes)
        for part, layer in (("speaker", "speaker"), ("cue", "cue")):
            parts: dict[str, dict[Span, list[Span]]] = {}
            for name, record in records.items():
                parts[name] = {}
                for q in record.get("quotes") or []:
                    head = _span(q, q.get("kind") or NO_KIND)
                    if q.get(part):
                        parts[name].setdefault(head, []).append(_span(q[part], part.upper()))
            found += _nested(layer, groups, parts, text, type_kind="type", single=True)  # type: ignore[arg-type]
    if "events" in tasks:
        triggers = {n: [_span(e["trigger"], e["type"]) for e in r.get("events") or []] for n, r in records.items()}
        found += _compare("trigger", triggers, text)
        arguments: dict[str, dict[Span, list[Span]]] = {}
        for name, record in records.items():
            arguments[name] = {}
            for event in record.get("events") or []:
                head = _span(event["trigger"], event["type"])
                arguments[name].setdefault(head, []).extend(_span(a, a["role"]) for a in event.get("arguments") or [])
        found += _nested("argument", clusters(triggers), arguments, text, type_kind="role")
    found.sort(key=lambda d: (d.agreement, -len(d.kinds), d.start, d.end, d.layer))
    return found


def disagreements(rows: Iterable[Mapping[str, Any]] | AnnotationSet, *, tasks: Sequence[AgreementTask] = ("entities", "quotes", "events"),
                  where: str = "input") -> list[TaskDisagreements]:
    """The disagreements of every document annotated by two or more annotators, ranked.

    Args:
        rows: records with an `annotator` (one row per annotation), or an `AnnotationSet`.
        tasks: which of entities, quotes and events to compare.

    Returns:
        One `TaskDisagreements` per document with at least one disagreement, most first.
    """
    annotations = rows if isinstance(rows, AnnotationSet) else group_annotations(rows, where=where)
    out = []
    for doc, by_annotator in annotations.documents.items():
        if len(by_annotator) < 2:
            continue
        items = document_disagreements(by_annotator, tasks=tasks)
        if items:
            task_ids = {name: record.get("task_id") for name, record in by_annotator.items()}
            out.append(TaskDisagreements(doc, tuple(sorted(by_annotator)), tuple(items), task_ids))
    out.sort(key=lambda t: (-len(t.items), min(i.agreement for i in t.items), t.id))
    return out
