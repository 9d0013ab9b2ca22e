"""Entity scores: the four SemEval-2013 task 9.1 schemes, micro, macro and per label, per document.

`score_entities(gold, pred)` matches the spans under each scheme (see `matching`) and counts
correct, incorrect, partial, missed and spurious spans overall, per label and per document.
Precision and recall are nervaluate's: `correct / actual` and `correct / possible` for strict and
exact, `(correct + partial / 2) / ...` for partial and ent_type. Per-label results match again with
both sides filtered to the label, as nervaluate does; for strict that gives conlleval's per-type
numbers, and strict micro is conlleval's overall precision, recall and FB1.

`span_f1(a, b)` is the pairwise agreement measure between two annotators (strict micro F1, which
is symmetric in `a` and `b`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import numpy.typing as npt

from annotate.metrics.counts import Block, Counts, prf
from annotate.metrics.matching import (
    CATEGORIES,
    MISSED,
    SCHEMES,
    Groups,
    Matches,
    SchemeName,
    group_spans,
    match_spans,
)
from annotate.metrics.spanarrays import SpanArrays, common_labels

HALF_CREDIT: dict[SchemeName, bool] = {"strict": False, "exact": False, "partial": True, "ent_type": True}


def credit_of(scheme: str) -> str:
    return "half_partial" if HALF_CREDIT.get(scheme, False) else "exact"  # type: ignore[call-overload]


@dataclass(frozen=True)
class SchemeResult:
    """One scheme: the scores block, the overall matches, and counts by document (for resampling).

    `doc_counts[d]` holds the five counts (CATEGORIES order) of document d over all labels;
    `doc_label_counts[d, k]` those of label `labels[k]` in the per-label matching.
    """

    scheme: SchemeName
    block: Block
    matches: Matches
    doc_counts: npt.NDArray[np.int64]
    doc_label_counts: npt.NDArray[np.int64]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class EntityScores:
    """Scores of every requested scheme over the same gold and predicted spans."""

    schemes: dict[str, SchemeResult]
    gold: SpanArrays
    pred: SpanArrays
    n_docs: int
    min_overlap: float = 1.0
    extra: dict[str, object] = field(default_factory=dict)
    groups: Optional[Groups] = None  # the overall grouping (labels ignored), for the confusion matrix


def _count_matrix(matches: Matches, gold: SpanArrays, pred: SpanArrays, n_rows: int, row_gold: npt.NDArray[np.int64], row_pred: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Counts by row (document, or document x label): predictions by category, missed gold spans."""
    width = len(CATEGORIES)
    flat = np.bincount(row_pred * width + matches.pred_category, minlength=n_rows * width)
    missed_rows = row_gold[matches.gold_category == MISSED]
    flat = flat + np.bincount(missed_rows * width + MISSED, minlength=n_rows * width)
    return flat.reshape(n_rows, width).astype(np.int64)


def _counts(row: npt.NDArray[np.int64]) -> Counts:
    return Counts(*(int(x) for x in row))


def score_entities(
    gold: SpanArrays,
    pred: SpanArrays,
    *,
    schemes: tuple[SchemeName, ...] = SCHEMES,
    n_docs: Optional[int] = None,
    min_overlap: float = 1.0,
) -> EntityScores:
    """Score predicted against gold spans under `schemes`.

    Args:
        gold: Gold spans.
        pred: Predicted spans (documents numbered as in `gold`).
        schemes: Which of strict, exact, partial, ent_type.
        n_docs: Number of documents (default: one more than the highest document index seen).
        min_overlap: nervaluate's `min_overlap_percentage`: the share of a gold span (percent)
            a prediction must cover to be matched to it other than exactly.

    Returns:
        EntityScores with, per scheme, micro, macro and per-label scores and per-document counts.

    Example:
        >>> gold = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 4, 5, "LOC"), (1, 0, 1, "ORG")])
        >>> pred = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 4, 6, "LOC")])
        >>> s = score_entities(gold, pred).schemes["strict"].block.micro
        >>> s.precision, s.recall, s.f1
        (0.5, 0.3333333333333333, 0.4)
    """
    gold, pred = common_labels(gold, pred)
    labels = gold.labels
    # chunks with no type (a bare "B" tag) count in micro, as conlleval counts them, but are no label
    used = sorted((gold.used_labels() | pred.used_labels()) - {""}, key=labels.index)
    if n_docs is None:
        n_docs = int(max(gold.doc.max(initial=-1), pred.doc.max(initial=-1))) + 1
    n_labels = len(labels)
    results: dict[str, SchemeResult] = {}
    groups = group_spans(gold, pred)
    label_groups = group_spans(gold, pred, by_label=True)
    for scheme in schemes:
        overall = match_spans(gold, pred, scheme, min_overlap=min_overlap, groups=groups)
        doc_counts = _count_matrix(overall, gold, pred, n_docs, gold.doc, pred.doc)
        per_label = match_spans(gold, pred, scheme, by_label=True, min_overlap=min_overlap, groups=label_groups)
        doc_label = _count_matrix(
            per_label, gold, pred, n_docs * n_labels, gold.doc * n_labels + gold.label, pred.doc * n_labels + pred.label
        ).reshape(n_docs, n_labels, len(CATEGORIES))
        label_totals = doc_label.sum(axis=0)
        credit = credit_of(scheme)
        block = Block(
            micro=prf(_counts(doc_counts.sum(axis=0)), credit=credit),  # type: ignore[arg-type]
            per_label={
                label: prf(_counts(label_totals[labels.index(label)]), credit=credit)  # type: ignore[arg-type]
                for label in used
            },
        )
        results[scheme] = SchemeResult(scheme, block, overall, doc_counts, doc_label, labels)
    return EntityScores(results, gold, pred, n_docs, min_overlap, groups=groups)


def f1_from_counts(counts: npt.NDArray[np.float64], scheme: str) -> npt.NDArray[np.float64]:
    """F1 for rows of five counts (CATEGORIES order), NaN where undefined; vectorised over rows."""
    correct, incorrect, partial, missed, spurious = (counts[..., i] for i in range(5))
    hits = correct + (0.5 * partial if HALF_CREDIT.get(scheme, False) else 0.0)  # type: ignore[call-overload]
    actual = correct + incorrect + partial + spurious
    possible = correct + incorrect + partial + missed
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = hits / actual
        recall = hits / possible
        f1 = np.where(hits > 0, 2 * precision * recall / (precision + recall), 0.0)
    return np.where(actual + possible > 0, f1, np.nan)


def span_f1(a: SpanArrays, b: SpanArrays, *, scheme: SchemeName = "strict") -> Optional[float]:
    """Pairwise span F1 between two annotators (or systems): micro F1 under `scheme`.

    Strict and exact F1 are symmetric (swapping `a` and `b` swaps precision and recall). Returns
    None when neither side has a span.

    Example:
        >>> a = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 5, 7, "LOC")])
        >>> b = SpanArrays.from_tuples([(0, 0, 2, "PER")])
        >>> round(span_f1(a, b), 4)
        0.6667
    """
    return score_entities(a, b, schemes=(scheme,)).schemes[scheme].block.micro.f1
