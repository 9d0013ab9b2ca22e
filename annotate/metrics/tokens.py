"""Token-level report (scikit-learn's `classification_report`) and the entity type confusion matrix.

Token level: each token gets the type of the chunk it is in, or O; scikit-learn's
`classification_report` compares gold and predicted token labels (O is reported but left out of
the averages, as seqeval and the CoNLL papers leave it out). scikit-learn is imported only here:
it takes seconds to import, and only `--tokens` needs it.

Confusion matrix: gold and predicted spans paired one to one by overlap (the partial scheme's
matching, labels ignored); a gold span left over is paired with O (missed), a predicted one with O
(spurious). Rows are gold labels, columns predicted labels, O last. It equals
`sklearn.metrics.confusion_matrix` over those pairs (tested), computed with `numpy.bincount`.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from annotate.metrics.matching import Groups, match_spans
from annotate.metrics.spanarrays import SpanArrays, common_labels

OUTSIDE = "O"


def type_confusion(gold: SpanArrays, pred: SpanArrays, *, groups: Optional[Groups] = None) -> dict[str, Any]:
    """`{"labels": [...], "matrix": [[...]]}`: rows gold, columns predicted, O last.

    `groups`: the overall `group_spans` of the same spans (over the same labels), if at hand.

    Example:
        >>> g = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 3, 4, "LOC")])
        >>> p = SpanArrays.from_tuples([(0, 0, 1, "ORG"), (0, 6, 7, "LOC")])
        >>> c = type_confusion(g, p)
        >>> c["labels"], c["matrix"]
        (['PER', 'LOC', 'ORG', 'O'], [[0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]])
    """
    relabelled = common_labels(gold, pred)
    if relabelled[0] is not gold or relabelled[1] is not pred:
        groups = None
    gold, pred = relabelled
    labels = list(gold.labels) + [OUTSIDE]
    o = len(labels) - 1
    m = match_spans(gold, pred, "partial", min_overlap=1e-9, groups=groups)
    g_row = gold.label.copy()
    g_col = np.full(len(gold), o, dtype=np.int64)
    matched = m.gold_pred >= 0
    g_col[matched] = pred.label[m.gold_pred[matched]]
    spurious = m.pred_gold < 0
    rows = np.concatenate([g_row, np.full(int(spurious.sum()), o)])
    cols = np.concatenate([g_col, pred.label[spurious]])
    n = len(labels)
    matrix = np.bincount(rows * n + cols, minlength=n * n).reshape(n, n)
    return {"labels": labels, "matrix": matrix.tolist()}


def _report(gold_labels: list[str], pred_labels: list[str], names: list[str]) -> dict[str, Any]:
    from sklearn.metrics import classification_report

    report: dict[str, Any] = classification_report(
        gold_labels, pred_labels, labels=names, output_dict=True, zero_division=np.nan
    )
    clean: dict[str, Any] = {}
    for key, value in report.items():
        if isinstance(value, dict):
            clean[key] = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in value.items()}
        else:
            clean[key] = None if isinstance(value, float) and np.isnan(value) else value
    return clean


def token_report_conll(conll: Any) -> dict[str, Any]:
    """Token-level report of a CoNLL file: token types (prefix dropped), O left out of averages."""
    table = conll.table
    gold_t, pred_t = table.type[conll.gold], table.type[conll.pred]
    names = [t for t in table.types if t]
    codes = list(range(1, len(table.types)))
    if not codes:
        return {}
    from sklearn.metrics import classification_report

    report = classification_report(gold_t, pred_t, labels=codes, target_names=names, output_dict=True, zero_division=np.nan)
    return {k: ({kk: (None if isinstance(vv, float) and np.isnan(vv) else vv) for kk, vv in v.items()} if isinstance(v, dict) else v) for k, v in report.items()}


def token_report_records(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, Any]:
    """Token-level report of records: spaCy's tokens (split at every span boundary) labelled by the
    first entity covering them."""
    from annotate.tokens import tokenize

    gold_labels: list[str] = []
    pred_labels: list[str] = []
    for g, p in zip(gold, pred):
        text = g.get("text") or ""
        spans_g, spans_p = g.get("entities", []), p.get("entities", [])
        bounds = [x for s in spans_g + spans_p for x in (s["start"], s["end"])]
        toks = tokenize(text, boundaries=bounds)
        for side, spans in ((gold_labels, spans_g), (pred_labels, spans_p)):
            for tok in toks:
                label = next((s["label"] for s in spans if s["start"] <= tok.start and tok.end <= s["end"]), OUTSIDE)
                side.append(label)
    names = sorted({x for x in gold_labels + pred_labels if x != OUTSIDE})
    return _report(gold_labels, pred_labels, names) if names else {}
