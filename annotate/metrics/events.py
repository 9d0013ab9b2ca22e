"""Event scores in the ACE convention (Ji & Grishman 2008; Li, Ji & Huang 2013), micro over tuple sets.

Per document, gold and predicted events become sets of tuples; a measure counts the tuples in
both (correct), only in gold (missed) and only in the prediction (spurious):

- `trigger_identification`:  (trigger start, trigger end)
- `trigger_classification`:  (trigger start, trigger end, event type)
- `argument_identification`: (event type, argument start, argument end)
- `argument_classification`: (event type, argument start, argument end, role)
- `argument_identification_attached`, `argument_classification_attached`: as above with the
  trigger's offsets added, so an argument counts only when attached to the right trigger
  (the stricter variants TextEE reports beside the ACE ones; Huang et al. 2024).

Per label means per event type (both sides filtered to the type); trigger identification has no
type and so no per-label breakdown.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from annotate.metrics.counts import Block, Counts, Measure, prf

Record = dict[str, Any]
Tuple_ = tuple[Any, ...]

MEASURES: dict[str, Callable[[Record], Iterable[tuple[str, Tuple_]]]] = {
    "trigger_identification": lambda ev: [("", (ev["trigger"]["start"], ev["trigger"]["end"]))],
    "trigger_classification": lambda ev: [(ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"], ev["type"]))],
    "argument_identification": lambda ev: [(ev["type"], (ev["type"], a["start"], a["end"])) for a in ev.get("arguments", [])],
    "argument_classification": lambda ev: [(ev["type"], (ev["type"], a["start"], a["end"], a["role"])) for a in ev.get("arguments", [])],
    "argument_identification_attached": lambda ev: [
        (ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"], ev["type"], a["start"], a["end"])) for a in ev.get("arguments", [])
    ],
    "argument_classification_attached": lambda ev: [
        (ev["type"], (ev["trigger"]["start"], ev["trigger"]["end"], ev["type"], a["start"], a["end"], a["role"]))
        for a in ev.get("arguments", [])
    ],
}


def _tuples(record: Record, measure: str) -> set[tuple[str, Tuple_]]:
    out: set[tuple[str, Tuple_]] = set()
    for event in record.get("events", []):
        out.update(MEASURES[measure](event))
    return out


def score_events(gold: list[Record], pred: list[Record]) -> dict[str, Measure]:
    """Score predicted events against gold, documents paired by position.

    Example:
        >>> ev = lambda t, s, args: {"type": t, "trigger": {"start": s, "end": s + 4}, "arguments": args}
        >>> g = [{"events": [ev("Meet", 10, [{"role": "Place", "start": 20, "end": 25}])]}]
        >>> p = [{"events": [ev("Meet", 11, [{"role": "Place", "start": 20, "end": 25}])]}]
        >>> s = score_events(g, p)
        >>> s["trigger_identification"].block.micro.f1, s["argument_classification"].block.micro.f1
        (0.0, 1.0)
        >>> s["argument_classification_attached"].block.micro.f1
        0.0
    """
    n_docs = len(gold)
    labels = sorted({ev["type"] for r in list(gold) + list(pred) for ev in r.get("events", [])})
    index = {label: i for i, label in enumerate(labels)}
    out: dict[str, Measure] = {}
    for measure in MEASURES:
        doc_counts = np.zeros((n_docs, 5), dtype=np.int64)
        doc_label = np.zeros((n_docs, max(len(labels), 1), 5), dtype=np.int64)
        for d, (g_rec, p_rec) in enumerate(zip(gold, pred)):
            g, p = _tuples(g_rec, measure), _tuples(p_rec, measure)
            doc_counts[d] = (len(g & p), 0, 0, len(g - p), len(p - g))
            for label, tup in g:
                if label:
                    doc_label[d, index[label], 0 if (label, tup) in p else 3] += 1
            for label, tup in p - g:
                if label:
                    doc_label[d, index[label], 4] += 1
        totals = doc_label.sum(axis=0)
        per_label = {}
        if measure != "trigger_identification":
            per_label = {label: prf(Counts(*(int(x) for x in totals[index[label]]))) for label in labels}
        block = Block(micro=prf(Counts(*(int(x) for x in doc_counts.sum(axis=0)))), per_label=per_label)
        out[measure] = Measure(measure, block, doc_counts, doc_label, tuple(labels))
    return out
