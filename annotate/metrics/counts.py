"""Precision, recall and F1 from match counts; micro and macro averages.

The counts are those of SemEval-2013 task 9.1 as nervaluate names them: `correct`, `incorrect`,
`partial`, `missed`, `spurious`; `actual = correct + incorrect + partial + spurious` (what the
system predicted) and `possible = correct + incorrect + partial + missed` (what the gold holds).

A metric is `None` where it is undefined (no prediction: precision; no gold: recall; neither: F1),
never a number made up with `1e-100`. F1 is 0 when nothing is right but something was predicted or
expected (scikit-learn's `f1_score` gives the same: `2 tp / (2 tp + fp + fn)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Literal, Mapping, Optional

if TYPE_CHECKING:  # annotations only: this module stays free of numpy at run time
    import numpy as np
    import numpy.typing as npt

Credit = Literal["exact", "half_partial"]


@dataclass(frozen=True, slots=True)
class Counts:
    """Match counts of one scheme for one label (or all labels).

    Example:
        >>> c = Counts(correct=3, incorrect=1, partial=0, missed=1, spurious=2)
        >>> c.actual, c.possible
        (6, 5)
    """

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.correct + other.correct,
            self.incorrect + other.incorrect,
            self.partial + other.partial,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "correct": self.correct,
            "incorrect": self.incorrect,
            "partial": self.partial,
            "missed": self.missed,
            "spurious": self.spurious,
            "actual": self.actual,
            "possible": self.possible,
        }


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 (fractions in [0, 1], or None where undefined) with their counts."""

    precision: Optional[float]
    recall: Optional[float]
    f1: Optional[float]
    counts: Counts

    def as_dict(self) -> dict[str, object]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, **self.counts.as_dict()}


def prf(counts: Counts, *, credit: Credit = "exact") -> Score:
    """Score `counts`; with `credit="half_partial"` a partial match counts one half (SemEval 9.1).

    Example:
        >>> prf(Counts(correct=2, missed=2, spurious=0))
        Score(precision=1.0, recall=0.5, f1=0.6666666666666666, counts=Counts(correct=2, incorrect=0, partial=0, missed=2, spurious=0))
        >>> prf(Counts()).f1 is None
        True
        >>> prf(Counts(spurious=3)).f1, prf(Counts(spurious=3)).recall
        (0.0, None)
    """
    hits = counts.correct + (0.5 * counts.partial if credit == "half_partial" else 0.0)
    actual, possible = counts.actual, counts.possible
    precision = hits / actual if actual else None
    recall = hits / possible if possible else None
    if actual + possible == 0:
        f1: Optional[float] = None
    elif hits == 0 or precision is None or recall is None:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return Score(precision, recall, f1, counts)


def macro(scores: Iterable[Score]) -> dict[str, Optional[float]]:
    """Unweighted mean of per-label precision, recall and F1; undefined values are left out.

    This is scikit-learn's `average="macro"` with `zero_division=np.nan`.

    Example:
        >>> a = prf(Counts(correct=1, spurious=1)); b = prf(Counts(missed=1))
        >>> macro([a, b])
        {'precision': 0.5, 'recall': 0.5, 'f1': 0.3333333333333333}
    """
    scores = list(scores)
    out: dict[str, Optional[float]] = {}
    for name in ("precision", "recall", "f1"):
        values = [getattr(s, name) for s in scores if getattr(s, name) is not None]
        out[name] = sum(values) / len(values) if values else None
    return out


@dataclass(frozen=True, slots=True)
class Block:
    """One measure: micro score, macro means and per-label scores (the JSON `{micro, macro, per_label}`)."""

    micro: Score
    per_label: Mapping[str, Score]

    @property
    def macro(self) -> dict[str, Optional[float]]:
        return macro(self.per_label.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "micro": self.micro.as_dict(),
            "macro": {**self.macro, "labels": len(self.per_label)},
            "per_label": {label: score.as_dict() for label, score in sorted(self.per_label.items())},
        }


@dataclass(frozen=True)
class Measure:
    """One measure: its scores, and counts per document (units, 5) and per document and label."""

    name: str
    block: Block
    doc_counts: npt.NDArray[np.int64]
    doc_label_counts: npt.NDArray[np.int64]
    labels: tuple[str, ...]
