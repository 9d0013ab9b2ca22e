"""One-to-one span matching under the four schemes of SemEval-2013 task 9.1, as nervaluate defines them.

The definitions (nervaluate 1.2.1, which we test against; read in `docs/metrics.md`):

- Predictions are visited in their order; each looks at the gold spans not yet taken, in their order.
  A gold span "overlaps enough" when the overlap covers at least `min_overlap` percent of the gold
  span (nervaluate's `min_overlap_percentage`, default 1).
- strict:   same boundaries and same label: correct. Otherwise the first gold span that overlaps
            enough is taken as incorrect. Otherwise the prediction is spurious.
- exact:    as strict, with the label ignored.
- partial:  same boundaries: correct; else the first gold span that overlaps enough: partial.
- ent_type: among the gold spans that overlap enough, those with the same label: the closest one
            (least |start difference| + |end difference|, first on ties) is taken as correct;
            if none has the label, the first one that overlaps enough is taken as incorrect.
- Gold spans never taken are missed.

The greedy walk only couples spans that overlap, so the work splits into connected groups of
overlapping spans. A group of one gold and one predicted span (nearly every group on real data) is
decided with array arithmetic; bigger groups walk the definition above in Python. Groups never
cross documents, and with `by_label=True` never cross labels (nervaluate's per-label evaluation
filters both sides to one label and matches again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

import numpy as np
import numpy.typing as npt

from annotate.metrics.spanarrays import IntArray, SpanArrays

SchemeName = Literal["strict", "exact", "partial", "ent_type"]
SCHEMES: tuple[SchemeName, ...] = ("strict", "exact", "partial", "ent_type")

CORRECT, INCORRECT, PARTIAL, MISSED, SPURIOUS = 0, 1, 2, 3, 4
CATEGORIES = ("correct", "incorrect", "partial", "missed", "spurious")


@dataclass(frozen=True)
class Matches:
    """The outcome of matching: a category per predicted and per gold span, and who matched whom.

    `pred_category` is CORRECT, INCORRECT, PARTIAL or SPURIOUS; `gold_category` is CORRECT,
    INCORRECT, PARTIAL or MISSED. `pred_gold[i]` is the gold index matched to prediction i (-1 if
    spurious) and `gold_pred[j]` the prediction matched to gold j (-1 if missed).
    """

    scheme: SchemeName
    pred_category: npt.NDArray[np.int8]
    pred_gold: IntArray
    gold_category: npt.NDArray[np.int8]
    gold_pred: IntArray


def _enough(ps: IntArray, pe: IntArray, gs: IntArray, ge: IntArray, threshold: float) -> npt.NDArray[np.bool_]:
    overlap = np.minimum(pe, ge) - np.maximum(ps, gs)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = (overlap / (ge - gs)) * 100.0
    enough: npt.NDArray[np.bool_] = (overlap > 0) & (percent >= threshold)
    return enough


def _global(spans: SpanArrays, stride: int, label_stride: int) -> tuple[IntArray, IntArray]:
    base = spans.doc * stride + (spans.label * label_stride if label_stride else 0)
    return base + spans.start, base + spans.end


WalkValues = tuple[list[int], list[int], list[int], list[int], list[int], list[int]]


@dataclass(frozen=True)
class Groups:
    """Gold and predicted spans cut into connected groups of overlapping spans: what every scheme
    (and any `min_overlap`) matches on, so it is computed once per side pair and `by_label`.

    Groups of one gold and one predicted span are listed as parallel `pair_gold`, `pair_pred`
    with what decides them; the bigger groups with both sides are listed by member, for the walk.
    """

    by_label: bool
    gs: IntArray
    ge: IntArray
    ps: IntArray
    pe: IntArray
    pair_gold: IntArray
    pair_pred: IntArray
    pair_same_bounds: npt.NDArray[np.bool_]
    pair_same_label: npt.NDArray[np.bool_]
    mixed_gold: list[list[int]]  # gold members of each bigger group, in array order
    mixed_pred: list[list[int]]
    walk_values: Optional[WalkValues] = None  # for the walk: gs, ge, gold label, ps, pe, pred label as lists


def group_spans(gold: SpanArrays, pred: SpanArrays, *, by_label: bool = False) -> Groups:
    """Connected groups of overlapping spans (never across documents, nor labels with `by_label`).

    Example:
        >>> gold = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 4, 5, "LOC")])
        >>> pred = SpanArrays.from_tuples([(0, 1, 2, "PER"), (0, 3, 5, "LOC"), (0, 4, 6, "LOC")], labels=gold.labels)
        >>> g = group_spans(gold, pred)
        >>> g.pair_gold.tolist(), g.pair_pred.tolist(), g.mixed_gold, g.mixed_pred
        ([0], [0], [[1]], [[1, 2]])
    """
    zero = np.zeros(0, dtype=np.int64)
    if len(gold) == 0 or len(pred) == 0:
        no = np.zeros(0, dtype=bool)
        return Groups(by_label, zero, zero, zero, zero, zero, zero, no, no, [], [])
    n_gold = len(gold)
    stride = int(max(gold.end.max(), pred.end.max())) + 1
    n_docs = int(max(gold.doc.max(), pred.doc.max())) + 1
    label_stride = stride * n_docs if by_label else 0
    gs, ge = _global(gold, stride, label_stride)
    ps, pe = _global(pred, stride, label_stride)

    # sweep by start, a new group where the start passes every end seen so far
    starts = np.concatenate([gs, ps])
    ends = np.concatenate([ge, pe])
    order = np.argsort(starts, kind="stable")
    running_end = np.maximum.accumulate(ends[order])
    new_group = np.empty(order.shape[0], dtype=bool)
    new_group[0] = True
    new_group[1:] = starts[order][1:] >= running_end[:-1]
    group = np.empty(order.shape[0], dtype=np.int64)
    group[order] = np.cumsum(new_group) - 1
    del order, running_end, new_group, starts, ends
    gold_group, pred_group = group[:n_gold], group[n_gold:]
    n_groups = int(group.max()) + 1
    golds_in = np.bincount(gold_group, minlength=n_groups)
    preds_in = np.bincount(pred_group, minlength=n_groups)

    # groups of exactly one gold and one predicted span
    pair = (golds_in == 1) & (preds_in == 1)
    gold_of = np.full(n_groups, -1, dtype=np.int64)
    pred_of = np.full(n_groups, -1, dtype=np.int64)
    single_gold = pair[gold_group]
    single_pred = pair[pred_group]
    gold_of[gold_group[single_gold]] = np.flatnonzero(single_gold)
    pred_of[pred_group[single_pred]] = np.flatnonzero(single_pred)
    g = gold_of[pair]
    p = pred_of[pair]
    same_bounds = (gs[g] == ps[p]) & (ge[g] == pe[p])
    same_label = gold.label[g] == pred.label[p]

    # bigger groups with both sides present
    mixed = (golds_in >= 1) & (preds_in >= 1) & ~pair
    mixed_gold: list[list[int]] = []
    mixed_pred: list[list[int]] = []
    if mixed.any():
        ids = np.flatnonzero(mixed)
        for members, groups_of, out in ((np.flatnonzero(mixed[gold_group]), gold_group, mixed_gold),
                                        (np.flatnonzero(mixed[pred_group]), pred_group, mixed_pred)):
            members = members[np.argsort(groups_of[members], kind="stable")]
            cuts = np.searchsorted(groups_of[members], ids, side="right")
            lo = 0
            flat = members.tolist()
            for hi in cuts.tolist():
                out.append(flat[lo:hi])
                lo = hi
    walk_values: Optional[WalkValues] = None
    if mixed_gold:
        walk_values = (gs.tolist(), ge.tolist(), gold.label.tolist(), ps.tolist(), pe.tolist(), pred.label.tolist())
    return Groups(by_label, gs, ge, ps, pe, g, p, same_bounds, same_label, mixed_gold, mixed_pred, walk_values)


def match_spans(
    gold: SpanArrays,
    pred: SpanArrays,
    scheme: SchemeName,
    *,
    by_label: bool = False,
    min_overlap: float = 1.0,
    groups: Groups | None = None,
) -> Matches:
    """Match `pred` to `gold` one to one under `scheme` (both over the same `labels`).

    Offsets are half-open; a span's document and offsets place it, its position in the arrays
    orders it. `groups` (from `group_spans` on the same spans and `by_label`) saves the grouping
    when several schemes are matched.

    Example:
        >>> gold = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 4, 5, "LOC")])
        >>> pred = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 4, 6, "LOC")], labels=gold.labels)
        >>> m = match_spans(gold, pred, "strict")
        >>> m.pred_category.tolist(), m.gold_category.tolist()
        ([0, 1], [0, 1])
        >>> match_spans(gold, pred, "partial").pred_category.tolist()
        [0, 2]
    """
    if gold.labels != pred.labels:
        raise ValueError("gold and pred must share one label list; call common_labels() first")
    if not 0.0 < min_overlap <= 100.0:
        raise ValueError(f"min_overlap is a percentage in (0, 100]; got {min_overlap}")
    n_gold, n_pred = len(gold), len(pred)
    pred_category = np.full(n_pred, SPURIOUS, dtype=np.int8)
    pred_gold = np.full(n_pred, -1, dtype=np.int64)
    gold_category = np.full(n_gold, MISSED, dtype=np.int8)
    gold_pred = np.full(n_gold, -1, dtype=np.int64)
    if n_gold == 0 or n_pred == 0:
        return Matches(scheme, pred_category, pred_gold, gold_category, gold_pred)
    if groups is None:
        groups = group_spans(gold, pred, by_label=by_label)
    elif groups.by_label != by_label:
        raise ValueError(f"groups were made with by_label={groups.by_label}, not {by_label}")
    gs, ge, ps, pe = groups.gs, groups.ge, groups.ps, groups.pe

    # groups of exactly one gold and one predicted span: array arithmetic
    g, p = groups.pair_gold, groups.pair_pred
    same_bounds, same_label = groups.pair_same_bounds, groups.pair_same_label
    enough = _enough(ps[p], pe[p], gs[g], ge[g], min_overlap) | same_bounds
    if scheme == "strict":
        category = np.where(same_bounds & same_label, CORRECT, INCORRECT)
    elif scheme == "exact":
        category = np.where(same_bounds, CORRECT, INCORRECT)
    elif scheme == "partial":
        category = np.where(same_bounds, CORRECT, PARTIAL)
    else:
        category = np.where(same_label, CORRECT, INCORRECT)
    if not enough.all():
        g, p, category = g[enough], p[enough], category[enough]
    category = category.astype(np.int8)
    pred_category[p] = category
    gold_category[g] = category
    pred_gold[p] = g
    gold_pred[g] = p

    # bigger groups with both sides present: walk the definition
    if groups.walk_values is not None:
        for golds, preds in zip(groups.mixed_gold, groups.mixed_pred):
            for pi, gi, cat in _walk(scheme, golds, preds, *groups.walk_values, min_overlap):
                pred_category[pi] = cat
                pred_gold[pi] = gi
                gold_category[gi] = cat
                gold_pred[gi] = pi
    return Matches(scheme, pred_category, pred_gold, gold_category, gold_pred)


def _walk(
    scheme: SchemeName,
    golds: list[int],
    preds: list[int],
    gs: list[int], ge: list[int], gl: list[int],
    ps: list[int], pe: list[int], pl: list[int],
    threshold: float,
) -> list[tuple[int, int, int]]:
    """The greedy definition on one group; returns (pred, gold, category) for matched pairs."""

    def enough(p: int, g: int) -> bool:
        overlap = min(pe[p], ge[g]) - max(ps[p], gs[g])
        return overlap > 0 and (overlap / (ge[g] - gs[g])) * 100.0 >= threshold

    taken: set[int] = set()
    out: list[tuple[int, int, int]] = []
    for p in preds:
        hit: tuple[int, int] | None = None
        fallback: int | None = None
        if scheme == "ent_type":
            best_distance: int | None = None
            for g in golds:
                if g in taken or not enough(p, g):
                    continue
                if gl[g] == pl[p]:
                    distance = abs(ps[p] - gs[g]) + abs(pe[p] - ge[g])
                    if best_distance is None or distance < best_distance:
                        hit, best_distance = (g, CORRECT), distance
                elif fallback is None:
                    fallback = g
            if hit is None and fallback is not None:
                hit = (fallback, INCORRECT)
        else:
            for g in golds:
                if g in taken:
                    continue
                same_bounds = ps[p] == gs[g] and pe[p] == ge[g]
                if same_bounds and (scheme != "strict" or pl[p] == gl[g]):
                    hit = (g, CORRECT)
                    break
                if fallback is None and enough(p, g):
                    fallback = g
            if hit is None and fallback is not None:
                hit = (fallback, PARTIAL if scheme == "partial" else INCORRECT)
        if hit is not None:
            taken.add(hit[0])
            out.append((p, hit[0], hit[1]))
    return out
