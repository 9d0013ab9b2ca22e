"""Label Studio export tasks → canonical records (the contract in design.md).

One annotation (or prediction, or draft) of a task becomes one record. The result items of an
annotation are read like this, with every label and control name taken from the schema
(`annotate.schema.load_schema`), never from a list in this module:

- `labels` items are *regions*. Their control (`from_name`) says what they are: an entity
  (`schema.entity_from_name`), a quote part (`schema.quote_from_name`: the first label is the
  quote's content, the others are the parts the quote relations name, SPEAKER and CUE), an event
  trigger (`schema.trigger_from_name`, the label is the event type) or an event argument
  (`schema.argument_from_name`). A region with several labels is split, one span per label
  (`_Builder.split_labels`), except where that means nothing (two quote parts, two event types).
- `choices` items with the `id` of a region are per-region choices: a quote's kind.
- `relation` items link two regions: quote → speaker, quote → cue (the relation label names the
  part), trigger → argument (the label is the role; with the `news` schema an entity region may
  be an argument too).

Offsets (the rule, in this order):

1. `annotate.spans.offset_readings` reads `value.start`/`value.end` as code points and as UTF-16
   code units, keeping the readings that give `value.text`; the convention used is counted. When
   both readings match at different places (an astral character before the span, the same text
   repeated), the other regions of the annotation decide (one annotation comes from one Label
   Studio version); with nothing to decide, code points win (Label Studio 1.23) and the case is
   counted as `ambiguous_read_as_codepoint`.
2. When neither does, the region is *repaired* only if `value.text` occurs exactly once in the
   document: the region moves there (counted as `relocated`). A region without `value.text` takes
   its offsets as code points (counted as `text_from_offsets`). Otherwise it is rejected.
3. Leading and trailing white space (`str.isspace`) is trimmed off the span (counted as
   `trimmed`); a region of only white space is rejected.

Everything that cannot be used is rejected with a reason (a `Reject`), never dropped silently;
`AnnotationConversion.check()` proves that every region, relation and choice that came in went
out or was rejected.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Literal, Mapping, Sequence

from annotate.errors import ConversionError, SpanError, shorten
from annotate.schema import Schema
from annotate.spans import OffsetConvention, Utf16Index, offset_readings, trim_whitespace

Record = dict[str, Any]
Origin = Literal["annotation", "ground_truth", "prediction", "draft"]
RegionKind = Literal["entity", "quote", "speaker", "cue", "trigger", "argument"]

PROVENANCE_KEYS = ("task_id", "annotation_id", "annotator", "origin", "created_at", "updated_at", "lead_time")


@dataclass(frozen=True, slots=True)
class Reject:
    """Something of the export that did not become part of a record, and why.

    `level` is `item` (a result item: region, relation, choice), `annotation` (a whole
    annotation, prediction or draft) or `task`.
    """

    level: Literal["item", "annotation", "task"]
    reason: str
    task_id: int | None
    annotation_id: int | None = None
    origin: str | None = None
    item: Any = None
    detail: str = ""

    def as_row(self) -> dict[str, Any]:
        """The line written to `rejects.jsonl`."""
        return {
            "task_id": self.task_id,
            "annotation_id": self.annotation_id,
            "origin": self.origin,
            "level": self.level,
            "reason": self.reason,
            "detail": self.detail,
            "item": self.item,
        }


@dataclass(slots=True)
class Region:
    """A `labels` item that passed the checks: code-point offsets, trimmed."""

    id: str
    kind: RegionKind
    label: str
    start: int
    end: int
    text: str
    raw: Any
    kind_choice: str | None = None

    def offsets(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True)
class AnnotationConversion:
    """One annotation, prediction or draft of a task, converted to a record.

    `record` is None when the annotation as a whole was rejected (see `rejects`, level
    `annotation`): cancelled, or no result list.
    """

    record: Record | None
    origin: Origin
    annotation_id: int | None
    rejects: list[Reject] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def usable(self) -> bool:
        return self.record is not None

    @property
    def regions(self) -> int:
        """Regions that made it into the record."""
        return self.counts["regions_out"]

    def check(self) -> None:
        """Raise `ConversionError` unless every item that came in went out or was rejected.

        `in + split = out + rejected + set aside`: a region with N labels is one region in, split into N
        units (`regions_split` counts the N - 1 extra), each of which goes out or is rejected.
        """
        c = self.counts
        for kind in ("regions", "relations", "choices", "others"):
            if c[f"{kind}_in"] + c[f"{kind}_split"] != c[f"{kind}_out"] + c[f"{kind}_rejected"] + c[f"{kind}_set_aside"]:
                raise ConversionError(
                    f"task {self.record and self.record.get('task_id')}, annotation {self.annotation_id}: "
                    f"{kind} in {c[f'{kind}_in']} + split {c[f'{kind}_split']} != out {c[f'{kind}_out']} + rejected {c[f'{kind}_rejected']} "
                    f"+ set aside {c[f'{kind}_set_aside']}; this is a bug in annotate, please report it."
                )


@dataclass(slots=True)
class TaskConversion:
    """Every annotation, prediction and draft of one task, converted."""

    task_id: int | None
    doc_id: str
    text: str
    split_key: str
    conversions: list[AnnotationConversion]


# --------------------------------------------------------------------------- the gold rule

GoldRule = Callable[[Sequence[AnnotationConversion]], "AnnotationConversion | None"]


def _time_key(c: AnnotationConversion, field_name: str) -> tuple[str, int]:
    record = c.record or {}
    return (str(record.get(field_name) or record.get("created_at") or ""), c.annotation_id or 0)


def _latest(candidates: Sequence[AnnotationConversion]) -> AnnotationConversion | None:
    return max(candidates, key=lambda c: _time_key(c, "updated_at"), default=None)


def _earliest(candidates: Sequence[AnnotationConversion]) -> AnnotationConversion | None:
    return min(candidates, key=lambda c: (_time_key(c, "created_at")[0], c.annotation_id or 0), default=None)


def _most_regions(candidates: Sequence[AnnotationConversion]) -> AnnotationConversion | None:
    return max(candidates, key=lambda c: (c.regions, _time_key(c, "updated_at")), default=None)


def _ground_truth_only(candidates: Sequence[AnnotationConversion]) -> AnnotationConversion | None:
    return None  # reached only when no candidate is ground truth


# Each rule picks among the usable (not cancelled) annotations of a task. Ground truth always
# comes first: when a task has ground-truth annotations the rule picks among those only.
GOLD_RULES: dict[str, GoldRule] = {
    "latest": _latest,  # the most recently updated annotation (ties: the higher annotation id)
    "most-regions": _most_regions,  # the annotation with most regions kept (ties: latest)
    "earliest": _earliest,  # the first annotation made (ties: the lower annotation id)
    "ground-truth-only": _ground_truth_only,  # ground truth or nothing
}
DEFAULT_GOLD_RULE = "latest"


def pick_gold(conversions: Sequence[AnnotationConversion], rule: str = DEFAULT_GOLD_RULE) -> AnnotationConversion | None:
    """The gold annotation of a task under `rule` (a key of `GOLD_RULES`), or None.

    Only usable annotations (origin `annotation` or `ground_truth`, not cancelled) compete;
    predictions and drafts never become gold. Ground truth comes first.

    Example:
        >>> pick_gold([], "latest") is None
        True
    """
    try:
        choose = GOLD_RULES[rule]
    except KeyError:
        raise ConversionError(f"Unknown gold rule {rule!r}; choose one of {', '.join(GOLD_RULES)}.") from None
    usable = [c for c in conversions if c.usable and c.origin in ("annotation", "ground_truth")]
    truth = [c for c in usable if c.origin == "ground_truth"]
    if truth:
        return _latest(truth) if rule == "ground-truth-only" else choose(truth)
    return choose(usable)


# --------------------------------------------------------------------------- one annotation


def _annotator(source: Mapping[str, Any], origin: Origin) -> str | None:
    if origin == "prediction":
        version = source.get("model_version")
        return str(version) if version not in (None, "") else None
    who = source.get("completed_by", source.get("user", source.get("created_username")))
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    return None if who in (None, "") else str(who)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return float(value) if value is not None else None  # ijson Decimal, numeric strings
        except (TypeError, ValueError):
            return None
    return float(value)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=4)
def _utf16_index(text: str) -> Utf16Index:
    """The UTF-16 index of a task's text, shared by its annotations (ASCII: nothing to index).

    The same as `Utf16Index.of(text)`, found by a regular expression instead of a loop over every character.
    """
    return Utf16Index(()) if text.isascii() else Utf16Index(tuple(m.start() for m in _ASTRAL.finditer(text)))


@dataclass(frozen=True, slots=True)
class _SchemaView:
    """What `_Builder` looks up in a schema, worked out once per schema instead of once per annotation."""

    controls: frozenset[str]
    quote_content: str | None
    part_kind: Mapping[str, RegionKind]  # quote part label -> speaker / cue
    quote_relations: Mapping[str, RegionKind]  # quote relation label -> the part it links to
    event_types: Mapping[str, tuple[str, ...]]  # event type -> its roles
    region_kinds: Mapping[tuple[str, str], RegionKind]  # (control, label) -> what a region is


@lru_cache(maxsize=8)
def _schema_view(schema: Schema) -> _SchemaView:
    parts = schema.quote_labels
    part_kind: dict[str, RegionKind] = {}
    for label in parts[1:]:
        part_kind[label] = "speaker" if label.lower() == "speaker" else "cue" if label.lower() == "cue" else "speaker"
    roles = set(schema.roles)
    # quote relations: the relation label names the part it links to (speaker -> SPEAKER)
    quote_relations: dict[str, RegionKind] = {}
    for label in schema.relation_labels:
        if label in roles:
            continue
        for part, kind in part_kind.items():
            if part.lower() == label.lower():
                quote_relations[label] = kind
    controls = frozenset(n for n in (schema.entity_from_name, schema.quote_from_name, schema.trigger_from_name,
                                     schema.argument_from_name) if n)
    quote_content = parts[0] if parts else None
    event_types = {event.name: event.roles for event in schema.event_types}
    # the checks of `_Builder.region_kind` as one lookup; filled last check first, so the first that matches wins
    region_kinds: dict[tuple[str, str], RegionKind] = {}
    if schema.argument_from_name and schema.argument_label is not None:
        region_kinds[schema.argument_from_name, schema.argument_label] = "argument"
    if schema.trigger_from_name:
        region_kinds.update({(schema.trigger_from_name, name): "trigger" for name in event_types})
    if schema.quote_from_name:
        region_kinds.update({(schema.quote_from_name, label): "quote" if label == quote_content else part_kind[label]
                             for label in parts})
    if schema.entity_from_name:
        region_kinds.update({(schema.entity_from_name, label): "entity" for label in schema.entity_labels})
    return _SchemaView(controls, quote_content, part_kind, quote_relations, event_types, region_kinds)


class _Builder:
    """Turns the result items of one annotation into a record; collects rejects and counts."""

    def __init__(self, schema: Schema, text: str, conversion: AnnotationConversion, task_id: int | None) -> None:
        self.schema = schema
        self.text = text
        self.conv = conversion
        self.task_id = task_id
        self.counts = conversion.counts
        self.regions: dict[str, Region] = {}
        self.rejected_ids: set[str] = set()
        self.pending: list[tuple[str, RegionKind, tuple[str, ...], dict[str, Any], dict[OffsetConvention, tuple[int, int]]]] = []
        self.split_units: dict[str, list[Region]] = {}  # region id -> the units of a split region after the first
        self._index: Utf16Index | None = None
        view = _schema_view(schema)
        self.controls = view.controls
        self.quote_content = view.quote_content
        self.part_kind = view.part_kind
        self.quote_relations = view.quote_relations
        self.event_types = view.event_types
        self.region_kinds = view.region_kinds

    def reject(self, kind: str, reason: str, item: Any, detail: str = "") -> None:
        self.counts[f"{kind}_rejected"] += 1
        self.conv.rejects.append(
            Reject("item", reason, self.task_id, self.conv.annotation_id, self.conv.origin, item, detail)
        )

    # -- regions

    def region_kind(self, from_name: Any, label: Any) -> RegionKind | None:
        """What a region of control `from_name` with `label` is: entity, quote part, trigger, argument; None if nothing."""
        if not isinstance(from_name, str) or not isinstance(label, str):
            return None
        return self.region_kinds.get((from_name, label))

    def add_region(self, item: dict[str, Any], index: int) -> None:
        self.counts["regions_in"] += 1
        region_id = str(item["id"]) if "id" in item else f"#{index}"
        value = item.get("value")
        from_name = item.get("from_name")
        if region_id in self.regions or region_id in self.rejected_ids:
            return self.reject("regions", "duplicate region id", item, f"id {region_id!r} is used by another region")
        self.rejected_ids.add(region_id)  # until it passes every check
        if not isinstance(value, dict):
            return self.reject("regions", "region without value", item)
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            return self.reject("regions", "region without label", item)
        if from_name not in self.controls:
            return self.reject("regions", "unknown control", item, f"from_name {shorten(from_name)} is not in schema {self.schema.name!r}")
        start, end, expected = _int_or_none(value.get("start")), _int_or_none(value.get("end")), value.get("text")
        if start is None or end is None:
            return self.reject("regions", "offsets are not integers", item,
                               f"start {shorten(value.get('start'))}, end {shorten(value.get('end'))}")
        if expected is not None and not isinstance(expected, str):
            return self.reject("regions", "region text is not a string", item)
        kept = self.split_labels(region_id, from_name, labels, item)
        if not kept:
            return None
        readings = offset_readings(self.text, start, end, expected, index=self.index) if expected else {}
        self.pending.append((region_id, kept[0][0], tuple(label for _, label in kept), item, readings))

    def split_labels(self, region_id: str, from_name: str, labels: list[Any], item: dict[str, Any]) -> list[tuple[RegionKind, str]]:
        """The labels of a region that become spans, as `(kind, label)`; the others are rejected, each with its reason.

        One label: itself, or nothing (an unknown label, rejected). Several labels (a Labels control with
        `choice="multiple"`, or hand-edited JSON): the region is *split*, one unit per label (counted as
        `regions_split`, N - 1 for N labels), and each unit goes on (a span of its own) or is rejected on its
        own (`unknown label`, `duplicate label`). A split is meaningful for entities only: a region whose
        known labels are two quote parts (QUOTE + SPEAKER) or two event types is rejected whole.
        """
        known = list(dict.fromkeys(label for label in labels if self.region_kind(from_name, label) is not None))
        kinds = {self.region_kind(from_name, label) for label in known}
        where = f"task {self.task_id}, region {region_id!r}: labels {shorten(labels)}"
        if len(known) > 1 and kinds != {"entity"}:
            if kinds <= {"quote", "speaker", "cue"}:
                self.reject("regions", "quote part with several labels", item,
                            f"{where}; a region is one part of a quote ({', '.join(self.schema.quote_labels)}): draw one region per part")
            elif kinds == {"trigger"}:
                self.reject("regions", "trigger with several event types", item,
                            f"{where}; a trigger has one event type: draw one region per event")
            else:
                self.reject("regions", "region with several labels", item, f"{where}; these labels cannot share one region")
            return []
        if len(labels) > 1:
            self.counts["regions_split"] += len(labels) - 1
        kept: list[tuple[RegionKind, str]] = []
        for label in labels:
            kind = self.region_kind(from_name, label)
            detail = f"label {shorten(label)} is not a label of control {from_name!r}"
            if kind is None:
                self.reject("regions", "unknown label", item, detail if len(labels) == 1 else f"{where}: {detail}")
            elif (kind, label) in kept:
                self.reject("regions", "duplicate label", item, f"{where}: {label} is given twice")
            else:
                kept.append((kind, label))
        return kept

    @property
    def index(self) -> Utf16Index:
        if self._index is None:
            self._index = _utf16_index(self.text)
        return self._index

    def place_regions(self) -> None:
        """Pick each pending region's offsets (the offsets rule of the module doc) and trim them.

        The convention is decided per annotation: a region that reads right in one convention
        only decides for the regions that read right in both at different places. With no
        decisive region those are read as code points (Label Studio 1.23) and counted.
        """
        only = Counter(next(iter(r)) for *_, r in self.pending if len(r) == 1)
        decided: OffsetConvention | None = None
        if only["utf16"] and not only["codepoint"]:
            decided = "utf16"
        elif only["codepoint"] and not only["utf16"]:
            decided = "codepoint"
        for region_id, kind, labels, item, readings in self.pending:
            value = item["value"]
            start, end, expected = value["start"], value["end"], value.get("text")
            placed: tuple[int, int] | None = None
            if len(readings) == 2 and readings["codepoint"] != readings["utf16"]:
                convention: OffsetConvention = decided or "codepoint"
                placed = readings[convention]
                self.counts[f"offsets:{convention}"] += 1
                if decided is None:
                    self.counts["offsets:ambiguous_read_as_codepoint"] += 1
            elif readings:
                convention = "codepoint" if "codepoint" in readings else "utf16"
                placed = readings[convention]
                self.counts[f"offsets:{convention}"] += 1
            elif expected is None:
                if 0 <= start < end <= len(self.text):
                    placed = (start, end)
                    self.counts["repaired:text_from_offsets"] += 1
                    self.counts["offsets:codepoint"] += 1
            else:
                first = self.text.find(expected)
                if expected and first >= 0 and self.text.find(expected, first + 1) < 0:
                    placed = (first, first + len(expected))
                    self.counts["repaired:relocated"] += 1
            new_start, new_end = trim_whitespace(self.text, *placed) if placed is not None else (0, 0)
            if placed is None or new_start == new_end:
                for label in labels:  # one reject per unit of a split region, so that the books balance
                    if placed is None:
                        self.reject(
                            "regions", "offsets do not match the text", item,
                            f"[{start}, {end}) reads {shorten(self.text[start:end], 30)} as code points; the region says {shorten(expected, 30)}"
                            + (f" (label {label})" if len(labels) > 1 else ""),
                        )
                    else:
                        self.reject("regions", "region is only white space", item, f"label {label}" if len(labels) > 1 else "")
                continue
            if (new_start, new_end) != placed:
                self.counts["repaired:trimmed"] += 1
            self.rejected_ids.discard(region_id)
            text = self.text[new_start:new_end]
            self.regions[region_id] = Region(region_id, kind, labels[0], new_start, new_end, text, item)
            if len(labels) > 1:  # a split entity region: its other labels, same offsets
                self.split_units[region_id] = [Region(region_id, kind, label, new_start, new_end, text, item) for label in labels[1:]]

    # -- per-region choices

    def add_choice(self, item: dict[str, Any]) -> None:
        region_id = str(item.get("id"))
        value = item.get("value")
        choices = value.get("choices") if isinstance(value, dict) else None
        if item.get("from_name") != self.schema.kind_from_name or self.schema.kind_from_name is None:
            return self.reject("choices", "unknown control", item, f"from_name {shorten(item.get('from_name'))} is not in schema {self.schema.name!r}")
        if region_id in self.rejected_ids:
            return self.reject("choices", "choice on a rejected region", item)
        region = self.regions.get(region_id)
        if region is None:
            return self.reject("choices", "choice for a missing region", item, f"no region has id {region_id!r}")
        if not isinstance(choices, list) or len(choices) != 1:
            return self.reject("choices", "choice must have exactly one value", item, f"choices {shorten(choices)}")
        if choices[0] not in self.schema.kinds:
            return self.reject("choices", "unknown choice", item, f"{shorten(choices[0])} is not one of {', '.join(self.schema.kinds)}")
        if region.kind != "quote":
            return self.reject("choices", "kind on a region that is not a quote", item, f"region {region_id!r} is {region.label}")
        if region.kind_choice is not None:
            return self.reject("choices", "region already has a kind", item)
        region.kind_choice = choices[0]
        self.counts["choices_out"] += 1

    # -- relations

    def resolve_relations(self, items: list[dict[str, Any]]) -> tuple[dict[str, dict[str, str]], dict[str, list[tuple[str, str]]]]:
        """Quote parts (`quote id -> {"speaker": id, "cue": id}`) and arguments (`trigger id -> [(role, id)]`)."""
        parts: dict[str, dict[str, str]] = {}
        arguments: dict[str, list[tuple[str, str]]] = {}
        for item in items:
            from_id, to_id = str(item.get("from_id")), str(item.get("to_id"))
            labels = item.get("labels") or []
            if any(i in self.rejected_ids for i in (from_id, to_id)):
                self.reject("relations", "relation to a rejected region", item)
                continue
            if from_id not in self.regions or to_id not in self.regions:
                missing = to_id if from_id in self.regions else from_id
                self.reject("relations", "relation to a missing region", item, f"no region has id {missing!r}")
                continue
            if not isinstance(labels, list) or len(labels) > 1:
                self.reject("relations", "relation with several labels", item, f"labels {shorten(labels)}")
                continue
            label = labels[0] if labels else None
            if label is not None and label not in self.schema.relation_labels:
                self.reject("relations", "unknown relation label", item, f"{shorten(label)} is not a relation of schema {self.schema.name!r}")
                continue
            head, tail = self.regions[from_id], self.regions[to_id]
            if item.get("direction") == "left":
                head, tail = tail, head
            if not self._fits(head, tail, label) and self._fits(tail, head, label):
                head, tail = tail, head
                if item.get("direction") != "bi":
                    self.counts["repaired:relation_reversed"] += 1
            if not self._fits(head, tail, label):
                self.reject("relations", "relation does not fit the schema", item,
                            f"{label or 'unlabelled'} between {head.label} and {tail.label}")
                continue
            if head.kind == "quote":
                kind = tail.kind
                if label is None:
                    self.counts["repaired:relation_label_inferred"] += 1
                slot = parts.setdefault(head.id, {})
                if kind in slot:
                    self.reject("relations", f"quote already has a {kind}", item)
                    continue
                slot[kind] = tail.id
            else:
                assert label is not None
                role_list = arguments.setdefault(head.id, [])
                if (label, tail.id) in role_list:
                    self.reject("relations", "duplicate relation", item)
                    continue
                role_list.append((label, tail.id))
            self.counts["relations_out"] += 1
        return parts, arguments

    def _fits(self, head: Region, tail: Region, label: str | None) -> bool:
        if head.kind == "quote" and tail.kind in ("speaker", "cue"):
            return label is None or self.quote_relations.get(label) == tail.kind
        if head.kind == "trigger" and (tail.kind == "argument" or (tail.kind == "entity" and self.schema.argument_from_name)):
            return label is not None and label in self.event_types.get(head.label, ())
        return False

    # -- the record

    def build(self, items: list[Any]) -> Record:
        relations: list[dict[str, Any]] = []
        choices: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            kind = item.get("type") if isinstance(item, dict) else None
            if kind == "relation":
                self.counts["relations_in"] += 1
                relations.append(item)
            elif kind == "choices":
                self.counts["choices_in"] += 1
                choices.append(item)
            elif kind == "labels":
                self.add_region(item, index)
            else:
                self.counts["others_in"] += 1
                self.reject("others", "unsupported result item", item, f"type {shorten(kind)}")
        self.place_regions()
        for item in choices:
            self.add_choice(item)
        parts, arguments = self.resolve_relations(relations)
        used: set[str] = set()
        entities: list[dict[str, Any]] = []
        quotes: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for region in self.regions.values():
            if region.kind == "entity":
                entities.extend({**unit.offsets(), "label": unit.label} for unit in (region, *self.split_units.get(region.id, ())))
                used.add(region.id)
            elif region.kind == "quote":
                slot = parts.get(region.id, {})
                speaker, cue = slot.get("speaker"), slot.get("cue")
                quotes.append({
                    **region.offsets(),
                    "kind": region.kind_choice,
                    "speaker": self.regions[speaker].offsets() if speaker else None,
                    "cue": self.regions[cue].offsets() if cue else None,
                })
                used.add(region.id)
                used.update(i for i in (speaker, cue) if i)
            elif region.kind == "trigger":
                args = sorted(
                    ({**self.regions[arg].offsets(), "role": role} for role, arg in arguments.get(region.id, [])),
                    key=lambda a: (a["start"], a["end"], a["role"]),
                )
                events.append({"type": region.label, "trigger": region.offsets(), "arguments": args})
                used.add(region.id)
                used.update(arg for _, arg in arguments.get(region.id, []))
        for region in self.regions.values():
            if region.id not in used:
                what = {"speaker": "a speaker no quote links to", "cue": "a cue no quote links to",
                        "argument": "an argument no trigger links to"}[region.kind]
                self.reject("regions", "unlinked region", region.raw, what)
        self.counts["regions_out"] += len(used) + sum(len(self.split_units.get(i, ())) for i in used)
        entities.sort(key=lambda e: (e["start"], e["end"], e["label"]))
        quotes.sort(key=lambda q: (q["start"], q["end"]))
        events.sort(key=lambda e: (e["trigger"]["start"], e["trigger"]["end"], e["type"]))
        self.counts["spans_out"] += (
            len(entities) + sum(1 + (q["speaker"] is not None) + (q["cue"] is not None) for q in quotes)
            + sum(1 + len(e["arguments"]) for e in events)
        )
        return {"entities": entities, "quotes": quotes, "events": events}


def annotation_to_record(
    source: Any,
    *,
    origin: Origin,
    text: str,
    doc_id: str,
    task_id: int | None,
    schema: Schema,
) -> AnnotationConversion:
    """Convert one annotation, prediction or draft (`source`, as in the export) to a record.

    The record carries `id`, `text`, the span lists and provenance (`PROVENANCE_KEYS`).
    A cancelled annotation, or one without a result list, comes back with `record=None` and a
    `Reject` of level `annotation`; its items are counted as set aside.

    Example:
        >>> from annotate.schema import load_schema
        >>> item = {"id": "r1", "from_name": "entity", "to_name": "text", "type": "labels",
        ...         "value": {"start": 2, "end": 5, "text": "Bob", "labels": ["PERSON"]}}
        >>> conv = annotation_to_record({"id": 7, "result": [item]}, origin="annotation",
        ...                             text="😀 Bob", doc_id="d", task_id=1, schema=load_schema("news"))
        >>> conv.record["entities"]
        [{'start': 2, 'end': 5, 'text': 'Bob', 'label': 'PERSON'}]
    """
    if not isinstance(source, dict):
        conv = AnnotationConversion(None, origin, _int_or_none(source))
        reason = f"{origin} without result"
        detail = "the export lists it by id only; export with full predictions" if origin == "prediction" else "not an object"
        conv.rejects.append(Reject("annotation", reason, task_id, conv.annotation_id, origin, source, detail))
        return conv
    if origin == "annotation" and source.get("ground_truth"):
        origin = "ground_truth"
    conv = AnnotationConversion(None, origin, _int_or_none(source.get("id")))
    items = source.get("result")
    cancelled = bool(source.get("was_cancelled"))
    if cancelled or not isinstance(items, list):
        reason = "cancelled" if cancelled else f"{origin} without result"
        if isinstance(items, list):
            for item in items:
                kind = item.get("type") if isinstance(item, dict) else None
                bucket = {"labels": "regions", "relation": "relations", "choices": "choices"}.get(kind, "others")  # type: ignore[arg-type]
                conv.counts[f"{bucket}_in"] += 1
                conv.counts[f"{bucket}_set_aside"] += 1
        conv.rejects.append(Reject("annotation", reason, task_id, conv.annotation_id, origin,
                                   {k: v for k, v in source.items() if k != "task"}))
        return conv
    builder = _Builder(schema, text, conv, task_id)
    spans = builder.build(items)
    conv.record = {
        "id": doc_id,
        "text": text,
        **spans,
        "task_id": task_id,
        "annotation_id": conv.annotation_id,
        "annotator": _annotator(source, origin),
        "origin": origin,
        "created_at": source.get("created_at"),
        "updated_at": source.get("updated_at"),
        "lead_time": _number_or_none(source.get("lead_time")),
    }
    conv.check()
    return conv


# --------------------------------------------------------------------------- one task


def doc_id_of(task: Mapping[str, Any]) -> str | None:
    """The document id of a task: `data.doc_id`, else `data.id`, else `task-<id>`."""
    data = task.get("data") or {}
    for key in ("doc_id", "id"):
        if isinstance(data.get(key), (str, int)) and not isinstance(data.get(key), bool) and str(data[key]):
            return str(data[key])
    task_id = _int_or_none(task.get("id"))
    return None if task_id is None else f"task-{task_id}"


def task_to_conversions(task: Any, *, schema: Schema, where: str) -> TaskConversion:
    """Convert every annotation, prediction and draft of one exported task.

    Args:
        task: one task of a Label Studio export (`data`, `annotations`, `predictions`, `drafts`).
        schema: the labelling schema the project used.
        where: names the task in error messages (file and position).

    Raises:
        ConversionError: the task is not an object, or has no string `data.text`, or no id at all.
    """
    if not isinstance(task, dict):
        raise ConversionError(f"{where}: a task must be a JSON object; got {type(task).__name__} {shorten(task, 40)}.")
    task_id = _int_or_none(task.get("id"))
    name = f"{where} (task {task_id})" if task_id is not None else where
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        found = "no data" if not isinstance(data, dict) else f"data keys {shorten(sorted(data), 50)}"
        raise ConversionError(f"{name}: no string data.text ({found}); export the project with its task data.")
    doc_id = doc_id_of(task)
    if doc_id is None:
        raise ConversionError(f"{name}: neither data.doc_id, data.id nor a task id; the record needs a document id.")
    text = data["text"]
    split_key = str(data.get("article_id") or doc_id)
    conversions: list[AnnotationConversion] = []
    for key, origin in (("annotations", "annotation"), ("predictions", "prediction"), ("drafts", "draft")):
        sources = task.get(key) or []
        if not isinstance(sources, list):
            raise ConversionError(f"{name}: {key} must be a list; got {type(sources).__name__}.")
        for source in sources:
            conversions.append(annotation_to_record(source, origin=origin, text=text, doc_id=doc_id,  # type: ignore[arg-type]
                                                    task_id=task_id, schema=schema))
    return TaskConversion(task_id, doc_id, text, split_key, conversions)


def check_span_texts(record: Record) -> None:
    """Assert the contract on a record we made: `text[start:end] == span.text` for every span."""
    text = record["text"]

    def ok(span: Mapping[str, Any] | None) -> bool:
        return span is None or text[span["start"]:span["end"]] == span["text"]

    spans = [*record["entities"], *record["quotes"]]
    spans += [q[p] for q in record["quotes"] for p in ("speaker", "cue")]
    spans += [e["trigger"] for e in record["events"]] + [a for e in record["events"] for a in e["arguments"]]
    for span in spans:
        if not ok(span):
            raise SpanError(f"record {record['id']!r}: span {shorten(span)} does not read its text; this is a bug in annotate.")
