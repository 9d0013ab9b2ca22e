"""Quote scores: content span, speaker attribution and cue, overall and by kind.

Measures (definitions and literature in docs/metrics.md):

- `content_exact`: a predicted quote is right when its span equals a gold quote's (one to one).
- `content_overlap`: right when it overlaps a gold quote not yet matched (nervaluate's greedy
  one-to-one walk, any overlap).
- `speaker_attribution`: accuracy over the quotes matched by overlap: the speaker is right when
  both are null, or both are given and the predicted speaker overlaps the gold speaker or, when
  the gold speaker carries a `cluster`, any gold mention of that cluster (an entity or another
  quote's speaker with the same `cluster` in the gold record): any mention of the same entity.
- `speaker_e2e`: end to end: a predicted quote counts only when it overlaps a gold quote and its
  speaker is right; precision over predicted quotes, recall over gold quotes.
- `cue_exact`, `cue_overlap`: the cue spans (speech verbs) of all quotes, matched as content is.

Per label means by quote kind (`direct`, `indirect`, `mixed`, `none` for null): both sides
filtered to the kind, as nervaluate does per label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import numpy.typing as npt

from annotate.metrics.counts import Block, Counts, Measure, prf
from annotate.metrics.matching import CORRECT, MISSED, PARTIAL, SPURIOUS, Matches, match_spans
from annotate.metrics.spanarrays import SpanArrays, common_labels

ANY_OVERLAP = 1e-9  # min_overlap percentage that accepts any overlap
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Speaker accuracy over matched quotes."""

    correct: int
    total: int

    @property
    def accuracy(self) -> Optional[float]:
        return self.correct / self.total if self.total else None

    def as_dict(self) -> dict[str, object]:
        return {"accuracy": self.accuracy, "correct": self.correct, "total": self.total}


def _kind(quote: Record) -> str:
    return quote.get("kind") or "none"


def _quote_arrays(records: list[Record], part: Optional[str]) -> tuple[SpanArrays, list[Record]]:
    rows, items = [], []
    for doc, record in enumerate(records):
        for quote in record.get("quotes", []):
            span = quote if part is None else quote.get(part)
            if span is None:
                continue
            rows.append((doc, span["start"], span["end"], _kind(quote)))
            items.append(quote)
    return SpanArrays.from_tuples(rows, labels=("direct", "indirect", "mixed", "none")), items


def _counts_from(matches: Matches, gold: SpanArrays, pred: SpanArrays, n_rows: int, gold_row: npt.NDArray[np.int64], pred_row: npt.NDArray[np.int64], *, fold_partial: bool, pred_ok: Optional[npt.NDArray[np.bool_]] = None) -> npt.NDArray[np.int64]:
    """(rows, 5) counts; partial matches count as correct with `fold_partial`; a matched prediction
    with `pred_ok` False counts as incorrect."""
    category = matches.pred_category.astype(np.int64).copy()
    if fold_partial:
        category[category == PARTIAL] = CORRECT
    if pred_ok is not None:
        matched = category != SPURIOUS
        category[matched & ~pred_ok] = 1
    flat = np.bincount(pred_row * 5 + category, minlength=n_rows * 5)
    flat += np.bincount(gold_row[matches.gold_category == MISSED] * 5 + MISSED, minlength=n_rows * 5)
    return flat.reshape(n_rows, 5)


def _measure(name: str, gold: SpanArrays, pred: SpanArrays, n_docs: int, *, scheme: str, fold_partial: bool, min_overlap: float, pred_ok_fn: Any = None) -> tuple[Measure, Matches]:
    gold, pred = common_labels(gold, pred)
    labels = gold.labels
    n_labels = len(labels)
    overall = match_spans(gold, pred, scheme, min_overlap=min_overlap)  # type: ignore[arg-type]
    by_label = match_spans(gold, pred, scheme, by_label=True, min_overlap=min_overlap)  # type: ignore[arg-type]
    ok_all = pred_ok_fn(overall) if pred_ok_fn else None
    ok_label = pred_ok_fn(by_label) if pred_ok_fn else None
    doc_counts = _counts_from(overall, gold, pred, n_docs, gold.doc, pred.doc, fold_partial=fold_partial, pred_ok=ok_all)
    doc_label = _counts_from(
        by_label, gold, pred, n_docs * n_labels, gold.doc * n_labels + gold.label, pred.doc * n_labels + pred.label,
        fold_partial=fold_partial, pred_ok=ok_label,
    ).reshape(n_docs, n_labels, 5)
    used = sorted(gold.used_labels() | pred.used_labels(), key=labels.index)
    totals = doc_label.sum(axis=0)
    block = Block(
        micro=prf(Counts(*(int(x) for x in doc_counts.sum(axis=0)))),
        per_label={label: prf(Counts(*(int(x) for x in totals[labels.index(label)]))) for label in used},
    )
    return Measure(name, block, doc_counts, doc_label, labels), overall


def _overlaps(a: Optional[Record], b: Optional[Record]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(min(a["end"], b["end"]) > max(a["start"], b["start"]))


def cluster_mentions(record: Record) -> dict[str, list[Record]]:
    """The gold record's mentions by `cluster`: entities and quote speakers that carry one.

    Example:
        >>> r = {"entities": [{"start": 0, "end": 5, "cluster": "e1"}, {"start": 9, "end": 12}],
        ...      "quotes": [{"speaker": {"start": 30, "end": 32, "cluster": "e1"}}, {"speaker": None}]}
        >>> {k: [(m["start"], m["end"]) for m in v] for k, v in cluster_mentions(r).items()}
        {'e1': [(0, 5), (30, 32)]}
    """
    out: dict[str, list[Record]] = {}
    mentions = list(record.get("entities", [])) + [q.get("speaker") for q in record.get("quotes", [])]
    for mention in mentions:
        if mention is not None and mention.get("cluster"):
            out.setdefault(mention["cluster"], []).append(mention)
    return out


def speaker_right(gold: Optional[Record], pred: Optional[Record], mentions: dict[str, list[Record]]) -> bool:
    """Whether a predicted speaker is right: both null; or the prediction overlaps the gold speaker
    or, when the gold speaker has a `cluster`, any gold mention of that cluster (`cluster_mentions`).

    Example:
        >>> m = {"e1": [{"start": 0, "end": 5}, {"start": 30, "end": 32}]}
        >>> speaker_right({"start": 30, "end": 32, "cluster": "e1"}, {"start": 1, "end": 4}, m)
        True
        >>> speaker_right({"start": 30, "end": 32}, {"start": 1, "end": 4}, m)
        False
        >>> speaker_right(None, None, m), speaker_right(None, {"start": 1, "end": 4}, m)
        (True, False)
    """
    if _overlaps(gold, pred):
        return True
    if gold is None or pred is None or not gold.get("cluster"):
        return False
    return any(_overlaps(mention, pred) for mention in mentions.get(gold["cluster"], ()))


@dataclass(frozen=True)
class QuoteScores:
    measures: dict[str, Measure]
    speaker_accuracy: Accuracy
    speaker_accuracy_by_kind: dict[str, Accuracy]


def score_quotes(gold: list[Record], pred: list[Record]) -> QuoteScores:
    """Score predicted quotes against gold, documents paired by position.

    Example:
        >>> g = [{"quotes": [{"start": 0, "end": 5, "kind": "direct", "speaker": {"start": 10, "end": 13}, "cue": None}]}]
        >>> p = [{"quotes": [{"start": 1, "end": 5, "kind": "direct", "speaker": {"start": 10, "end": 12}, "cue": None}]}]
        >>> s = score_quotes(g, p)
        >>> s.measures["content_exact"].block.micro.f1, s.measures["speaker_e2e"].block.micro.f1
        (0.0, 1.0)
    """
    n_docs = len(gold)
    measures: dict[str, Measure] = {}
    g_content, g_items = _quote_arrays(gold, None)
    p_content, p_items = _quote_arrays(pred, None)
    measures["content_exact"], _ = _measure("content_exact", g_content, p_content, n_docs, scheme="exact", fold_partial=False, min_overlap=100.0)
    measures["content_overlap"], overlap = _measure("content_overlap", g_content, p_content, n_docs, scheme="partial", fold_partial=True, min_overlap=ANY_OVERLAP)

    mentions = [cluster_mentions(record) for record in gold]
    g_docs = g_content.doc.tolist()

    def speaker_ok(matches: Matches) -> npt.NDArray[np.bool_]:
        ok = np.zeros(matches.pred_gold.shape[0], dtype=bool)
        for i, g in enumerate(matches.pred_gold.tolist()):
            if g >= 0:
                ok[i] = speaker_right(g_items[g].get("speaker"), p_items[i].get("speaker"), mentions[g_docs[g]])
        return ok

    measures["speaker_e2e"], _ = _measure("speaker_e2e", g_content, p_content, n_docs, scheme="partial", fold_partial=True, min_overlap=ANY_OVERLAP, pred_ok_fn=speaker_ok)
    ok = speaker_ok(overlap)
    matched = overlap.pred_gold >= 0
    by_kind: dict[str, list[int]] = {}
    for i in np.flatnonzero(matched).tolist():
        tally = by_kind.setdefault(_kind(g_items[int(overlap.pred_gold[i])]), [0, 0])
        tally[0] += int(ok[i])
        tally[1] += 1
    accuracy = Accuracy(int(ok[matched].sum()), int(matched.sum()))
    for part in ("cue",):
        g_cue, _ = _quote_arrays(gold, part)
        p_cue, _ = _quote_arrays(pred, part)
        measures[f"{part}_exact"], _ = _measure(f"{part}_exact", g_cue, p_cue, n_docs, scheme="exact", fold_partial=False, min_overlap=100.0)
        measures[f"{part}_overlap"], _ = _measure(f"{part}_overlap", g_cue, p_cue, n_docs, scheme="partial", fold_partial=True, min_overlap=ANY_OVERLAP)
    return QuoteScores(measures, accuracy, {k: Accuracy(c, t) for k, (c, t) in sorted(by_kind.items())})
