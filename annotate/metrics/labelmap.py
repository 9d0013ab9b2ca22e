"""Label mapping for scoring: score a system whose label set differs from the gold's.

A model trained on OntoNotes says PERSON, GPE, FAC, NORP; CoNLL-style gold says PER, LOC, ORG.
A label map renames the predicted labels (and, with `map_gold`, the gold ones) before matching:
`PERSON=PER,GPE=LOC,LOC=LOC,FAC=LOC,ORG=ORG`. Several labels may map to one (GPE, LOC and FAC to
LOC). A label mapped to nothing (`NORP=`, or `null` in a JSON file) is **dropped**: the span is
removed before scoring. A label the map does not name is kept as it is, or dropped with
`drop_unmapped`. Nothing is dropped silently: every run counts, per side and per original label,
the spans relabelled and the spans dropped (`LabelMapReport`, recorded in the score manifest).

Mapping is one step (`A=B,B=C` sends A to B, not to C) and works on spans: chunks are decoded
under the labels they were written with, then relabelled, so two adjacent chunks `GPE` and `LOC`
stay two `LOC` spans.

Example:
    >>> lm = LabelMap(parse_label_map("PERSON=PER,GPE=LOC,NORP="), drop_unmapped=True)
    >>> [map_label(x, lm) for x in ("PERSON", "GPE", "NORP", "DATE")]
    ['PER', 'LOC', None, None]
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, TypeVar

import numpy as np

from annotate.errors import ScoreError, shorten
from annotate.metrics.spanarrays import SpanArrays

Record = dict[str, Any]
Mapping_ = dict[str, Optional[str]]  # label -> new label, or None to drop
P = TypeVar("P")


@dataclass(frozen=True)
class LabelMap:
    """A label mapping and how to apply it.

    `mapping`: original label -> new label, or None to drop the span. `drop_unmapped`: drop spans
    whose label the mapping does not name (default: keep them unchanged). `map_gold`: apply the
    mapping to gold as well as to predictions. `source`: where the mapping came from (for the
    manifest): `{"pairs": "..."}` or `{"path": ..., "sha256": ...}`.
    """

    mapping: Mapping[str, Optional[str]]
    drop_unmapped: bool = False
    map_gold: bool = False
    source: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mapping": dict(self.mapping),
            "drop_unmapped": self.drop_unmapped,
            "map_gold": self.map_gold,
            "source": dict(self.source),
        }


@dataclass(frozen=True)
class SideCounts:
    """What a mapping did to one side (gold or pred): spans in and out, by original label."""

    spans_in: int = 0
    spans_out: int = 0
    relabelled: Mapping[str, int] = field(default_factory=dict)  # original label -> spans given a new label
    dropped: Mapping[str, int] = field(default_factory=dict)  # original label -> spans removed

    def as_dict(self) -> dict[str, Any]:
        return {
            "spans_in": self.spans_in,
            "spans_out": self.spans_out,
            "relabelled": dict(sorted(self.relabelled.items())),
            "dropped": dict(sorted(self.dropped.items())),
            "dropped_total": sum(self.dropped.values()),
        }


@dataclass(frozen=True)
class LabelMapReport:
    """The mapping applied and its counts: `gold` is None when gold was left as it is."""

    label_map: LabelMap
    pred: SideCounts
    gold: Optional[SideCounts] = None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.label_map.as_dict(),
            "pred": self.pred.as_dict(),
            "gold": None if self.gold is None else self.gold.as_dict(),
        }


def describe_report(report: Mapping[str, Any]) -> str:
    """One line from `LabelMapReport.as_dict()` (the manifest's `label_map`), for stderr.

    Example:
        >>> lm = LabelMap({"PERSON": "PER", "NORP": None})
        >>> _, counts = map_entities([{"start": 0, "end": 1, "label": "PERSON"}, {"start": 2, "end": 3, "label": "NORP"}], lm)
        >>> describe_report(LabelMapReport(lm, counts).as_dict())
        'pred: 1 of 2 spans relabelled, 1 dropped (NORP 1)'
    """
    parts = []
    for side in ("pred", "gold"):
        counts = report.get(side)
        if counts is None:
            continue
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(counts["dropped"].items(), key=lambda kv: (-kv[1], kv[0])))
        parts.append(
            f"{side}: {sum(counts['relabelled'].values())} of {counts['spans_in']} spans relabelled, "
            f"{counts['dropped_total']} dropped" + (f" ({dropped})" if dropped else "")
        )
    return "; ".join(parts)


# ------------------------------------------------------------------ reading a mapping


def parse_label_map(text: str) -> Mapping_:
    """Parse `FROM=TO` pairs separated by commas; an empty TO drops the label.

    White space around names is ignored. Raises `ScoreError` for a pair without `=`, an empty
    FROM, or a FROM given twice.

    Example:
        >>> parse_label_map("PERSON=PER, GPE=LOC,FAC=LOC,NORP=")
        {'PERSON': 'PER', 'GPE': 'LOC', 'FAC': 'LOC', 'NORP': None}
        >>> parse_label_map("PERSON")
        Traceback (most recent call last):
        ...
        annotate.errors.ScoreError: [A501] --label-map: 'PERSON' is not a FROM=TO pair; write pairs like PERSON=PER,GPE=LOC (an empty TO drops the label), or give a JSON file.
    """
    mapping: Mapping_ = {}
    for raw in text.split(","):
        pair = raw.strip()
        if not pair:
            continue
        source, eq, target = pair.partition("=")
        source, target = source.strip(), target.strip()
        if not eq or not source:
            raise ScoreError(
                f"--label-map: {shorten(pair, 40)} is not a FROM=TO pair; write pairs like PERSON=PER,GPE=LOC "
                "(an empty TO drops the label), or give a JSON file."
            )
        if source in mapping:
            raise ScoreError(f"--label-map: {shorten(source, 40)} is mapped twice; give each label once.")
        mapping[source] = target or None
    if not mapping:
        raise ScoreError("--label-map: no FROM=TO pairs given; write pairs like PERSON=PER,GPE=LOC, or give a JSON file.")
    return mapping


def mapping_from_json(data: Any, where: str) -> Mapping_:
    """A mapping from a decoded JSON object `{"PERSON": "PER", "NORP": null}` ("" drops too).

    Example:
        >>> mapping_from_json({"PERSON": "PER", "NORP": None, "DATE": ""}, "map.json")
        {'PERSON': 'PER', 'NORP': None, 'DATE': None}
    """
    if not isinstance(data, dict) or not data:
        raise ScoreError(
            f"{where}: a label map must be a non-empty JSON object of label -> new label (null or \"\" drops it); "
            f"got {type(data).__name__}."
        )
    mapping: Mapping_ = {}
    for key, value in data.items():
        if not key.strip() or not (value is None or isinstance(value, str)):
            raise ScoreError(
                f"{where}: entry {shorten(key, 40)}: {shorten(value, 40)}; each label maps to a label string, "
                "or to null or \"\" to drop it."
            )
        mapping[key.strip()] = (value or "").strip() or None
    return mapping


def load_label_map(spec: str, *, drop_unmapped: bool = False, map_gold: bool = False) -> LabelMap:
    """The `LabelMap` of a `--label-map` value: a JSON file when `spec` names a file, else pairs.

    Raises:
        ScoreError: a `.json` path that does not exist, a file that is not a JSON object of
            labels, or malformed pairs.
    """
    path = Path(spec)
    if path.is_file():
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ScoreError(f"{path}: cannot be read as a JSON label map ({exc}); fix the file.") from None
        source = {"path": str(path), "sha256": hashlib.sha256(raw).hexdigest()}
        return LabelMap(mapping_from_json(data, str(path)), drop_unmapped, map_gold, source)
    if "=" not in spec:
        raise ScoreError(
            f"--label-map: {shorten(spec, 60)} is neither a file nor FROM=TO pairs; "
            "give a JSON file or pairs like PERSON=PER,GPE=LOC."
        )
    return LabelMap(parse_label_map(spec), drop_unmapped, map_gold, {"pairs": spec})


# ------------------------------------------------------------------ applying it


def map_label(label: str, label_map: LabelMap) -> Optional[str]:
    """The new label of `label`, or None when its span is dropped.

    Example:
        >>> lm = LabelMap({"GPE": "LOC", "NORP": None})
        >>> map_label("GPE", lm), map_label("NORP", lm), map_label("ORG", lm)
        ('LOC', None, 'ORG')
    """
    if label in label_map.mapping:
        return label_map.mapping[label]
    return None if label_map.drop_unmapped else label


def _counts(labels: Sequence[str], label_map: LabelMap) -> SideCounts:
    relabelled: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for label in labels:
        new = map_label(label, label_map)
        if new is None:
            dropped[label] += 1
        elif new != label:
            relabelled[label] += 1
    return SideCounts(len(labels), len(labels) - sum(dropped.values()), dict(relabelled), dict(dropped))


def map_entities(entities: Sequence[Record], label_map: LabelMap) -> tuple[list[Record], SideCounts]:
    """Entity spans with mapped labels, dropped ones left out (the input is not changed).

    Example:
        >>> ents = [{"start": 0, "end": 5, "label": "PERSON"}, {"start": 9, "end": 15, "label": "NORP"}]
        >>> out, counts = map_entities(ents, LabelMap({"PERSON": "PER", "NORP": None}))
        >>> out, counts.relabelled, counts.dropped
        ([{'start': 0, 'end': 5, 'label': 'PER'}], {'PERSON': 1}, {'NORP': 1})
    """
    out = []
    for entity in entities:
        new = map_label(entity["label"], label_map)
        if new is not None:
            out.append(entity if new == entity["label"] else {**entity, "label": new})
    return out, _counts([e["label"] for e in entities], label_map)


def _add(a: SideCounts, b: SideCounts) -> SideCounts:
    return SideCounts(
        a.spans_in + b.spans_in, a.spans_out + b.spans_out,
        dict(Counter(dict(a.relabelled)) + Counter(dict(b.relabelled))),
        dict(Counter(dict(a.dropped)) + Counter(dict(b.dropped))),
    )


def map_records(records: Sequence[Record], label_map: LabelMap) -> tuple[list[Record], SideCounts]:
    """Records whose entities are mapped (new dicts; quotes and events untouched), and the counts.

    Example:
        >>> recs = [{"id": "a", "entities": [{"start": 0, "end": 1, "label": "GPE"}]},
        ...         {"id": "b", "entities": [{"start": 0, "end": 1, "label": "DATE"}]}]
        >>> out, counts = map_records(recs, LabelMap({"GPE": "LOC"}, drop_unmapped=True))
        >>> [r["entities"] for r in out], counts.as_dict()["dropped_total"]
        ([[{'start': 0, 'end': 1, 'label': 'LOC'}], []], 1)
    """
    total = SideCounts()
    out = []
    for record in records:
        entities, counts = map_entities(record.get("entities", []), label_map)
        out.append({**record, "entities": entities})
        total = _add(total, counts)
    return out, total


def map_span_arrays(spans: SpanArrays, label_map: LabelMap) -> tuple[SpanArrays, SideCounts]:
    """`spans` with mapped label codes, dropped spans removed; the new label list keeps the order
    in which mapped labels first appear in `spans.labels`.

    Example:
        >>> s = SpanArrays.from_tuples([(0, 0, 2, "PERSON"), (0, 3, 4, "GPE"), (0, 5, 6, "NORP"), (1, 0, 1, "FAC")])
        >>> m, counts = map_span_arrays(s, LabelMap({"PERSON": "PER", "GPE": "LOC", "FAC": "LOC", "NORP": None}))
        >>> m.labels, m.label.tolist(), m.start.tolist(), counts.dropped
        (('PER', 'LOC'), [0, 1, 1], [0, 3, 0], {'NORP': 1})
    """
    new_names = [map_label(label, label_map) for label in spans.labels]
    labels = tuple(dict.fromkeys(name for name in new_names if name is not None))
    index = {name: i for i, name in enumerate(labels)}
    table = np.array([-1 if name is None else index[name] for name in new_names], dtype=np.int64)
    per_label = np.bincount(spans.label, minlength=len(spans.labels)) if len(spans) else np.zeros(len(spans.labels), dtype=np.int64)
    relabelled = {old: int(n) for old, new, n in zip(spans.labels, new_names, per_label.tolist()) if n and new is not None and new != old}
    dropped = {old: int(n) for old, new, n in zip(spans.labels, new_names, per_label.tolist()) if n and new is None}
    if len(spans) == 0:
        return SpanArrays.empty(labels), SideCounts(0, 0, {}, {})
    codes = table[spans.label]
    keep = codes >= 0
    kept = SpanArrays(spans.doc[keep], spans.start[keep], spans.end[keep], codes[keep], labels)
    return kept, SideCounts(len(spans), len(kept), relabelled, dropped)


def map_pairing(pairing: P, label_map: LabelMap) -> tuple[P, LabelMapReport]:
    """A `Pairing` (annotate.metrics.pairing) with mapped predictions, and gold too with `map_gold`."""
    pred, pred_counts = map_records(pairing.pred, label_map)  # type: ignore[attr-defined]
    changes: dict[str, Any] = {"pred": pred}
    gold_counts = None
    if label_map.map_gold:
        changes["gold"], gold_counts = map_records(pairing.gold, label_map)  # type: ignore[attr-defined]
    return dataclasses.replace(pairing, **changes), LabelMapReport(label_map, pred_counts, gold_counts)  # type: ignore[type-var]


__all__ = [
    "LabelMap", "LabelMapReport", "SideCounts", "describe_report", "parse_label_map", "mapping_from_json", "load_label_map",
    "map_label", "map_entities", "map_records", "map_span_arrays", "map_pairing",
]
