"""Renderings of a score document (the JSON of `annotate score`): terminal, Markdown, HTML.

Every renderer takes the same document (see `annotate.metrics.run`), so the numbers on the
terminal, in the Markdown and on the page are the numbers in the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Optional

TASK_KEYS = ("entities", "quotes", "events")
COUNT_KEYS = ("correct", "incorrect", "partial", "missed", "spurious")  # the count columns of every table
# The measure a task is summed up by: the scorer's default `--measure` (strict = conlleval).
HEADLINE_MEASURE = {"entities": "strict", "quotes": "content_overlap", "events": "argument_classification"}


def pct(value: Optional[float]) -> str:
    """A fraction as a percentage with two decimals, or an em dash where undefined.

    Example:
        >>> pct(0.91234), pct(None)
        ('91.23', '—')
    """
    return "—" if value is None else f"{100 * value:.2f}"


def ci(block: dict[str, Any]) -> str:
    interval = block.get("f1_ci")
    return "" if not interval else f"{pct(interval[0])}–{pct(interval[1])}"


def tasks(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in TASK_KEYS:
        if key in document:
            yield key, document[key]


ERROR_PAIRING = {
    "entities": "strict matching",
    "quotes": "quotes paired by overlap",
    "events": "triggers, and arguments of same-offset triggers, paired strictly",
}


def error_heading(document: dict[str, Any], count: int) -> str:
    """"first 3 error(s) (quotes paired by overlap)": how the listed errors were found.

    Example:
        >>> error_heading({"manifest": {"task": "events"}}, 2)
        'first 2 error(s) (triggers, and arguments of same-offset triggers, paired strictly)'
    """
    task = document.get("manifest", {}).get("task", "entities")
    return f"first {count} error(s) ({ERROR_PAIRING.get(task, 'strict matching')})"


def is_prf(block: dict[str, Any]) -> bool:
    return "micro" in block and "precision" in block["micro"]


def malformed_lines(document: dict[str, Any]) -> list[str]:
    """Warning lines about malformed tags read as conlleval does."""
    out = []
    malformed = document.get("inputs", {}).get("malformed", {})
    for side in ("gold", "pred"):
        counts = malformed.get(side) or {}
        if counts:
            total = sum(counts.values())
            parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
            lines = malformed.get(f"{side}_lines") or []
            where = f"; first at line(s) {', '.join(map(str, lines[:5]))}" if lines else ""
            out.append(f"{side}: {total} malformed tag(s) read as conlleval reads them ({parts}){where}")
    inputs = document.get("inputs", {})
    if inputs.get("missing_predictions"):
        out.append(f"{inputs['missing_predictions']} gold document(s) had no prediction and were scored as empty")
    if inputs.get("extra_predictions"):
        out.append(f"{inputs['extra_predictions']} predicted document(s) are not in gold and were not scored")
    return out


@dataclass(frozen=True, slots=True)
class Headline:
    """The one figure of a task a reader looks for first: its headline measure's micro scores."""

    task: str
    measure: str
    precision: Optional[float]
    recall: Optional[float]
    f1: Optional[float]
    f1_ci: Optional[tuple[float, float]]
    gold: int  # gold items (spans, quotes, arguments) the measure counts
    predicted: int


def headlines(document: dict[str, Any]) -> list[Headline]:
    """One `Headline` per task of the document, read from its JSON blocks (no number is recomputed).

    The measure is `HEADLINE_MEASURE[task]`, or the task's first P/R/F1 measure when it lacks that one.

    Example:
        >>> block = {"micro": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "possible": 2, "actual": 1,
        ...          "f1_ci": [0.5, 0.8]}, "macro": {}, "per_label": {}}
        >>> headlines({"manifest": {}, "entities": {"strict": block}})[0]
        Headline(task='entities', measure='strict', precision=1.0, recall=0.5, f1=0.6667, f1_ci=(0.5, 0.8), gold=2, predicted=1)
    """
    out = []
    for task, measures in tasks(document):
        names = [name for name, block in measures.items() if is_prf(block)]
        if not names:
            continue
        measure = HEADLINE_MEASURE[task] if HEADLINE_MEASURE.get(task) in names else names[0]
        micro = measures[measure]["micro"]
        interval = micro.get("f1_ci")
        out.append(Headline(
            task=task,
            measure=measure,
            precision=micro.get("precision"),
            recall=micro.get("recall"),
            f1=micro.get("f1"),
            f1_ci=None if not interval else (interval[0], interval[1]),
            gold=int(micro.get("possible", 0)),
            predicted=int(micro.get("actual", 0)),
        ))
    return out
