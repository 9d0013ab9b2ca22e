"""Spans as numpy columns: the representation the scorers match on.

A `SpanArrays` holds n spans as parallel arrays: document index, half-open `[start, end)` offsets
inside that document (code points for records, token indices for CoNLL), and a label code into
`labels`. Order matters: it is the order the reference scorers walk the spans in (the order of
the entities in a record, left to right in a CoNLL file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SpanArrays:
    """n labelled spans `[start, end)` in documents `doc`, label codes into `labels`."""

    doc: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    labels: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.start.shape[0])

    @classmethod
    def empty(cls, labels: tuple[str, ...] = ()) -> SpanArrays:
        zero = np.zeros(0, dtype=np.int64)
        return cls(zero, zero, zero, zero, labels)

    @classmethod
    def from_tuples(cls, spans: Iterable[tuple[int, int, int, str]], *, labels: Sequence[str] = ()) -> SpanArrays:
        """Build from `(doc, start, end, label)` tuples; `labels` fixes the first codes.

        Example:
            >>> s = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 5, 6, "LOC")])
            >>> s.labels, s.label.tolist()
            (('PER', 'LOC'), [0, 1])
        """
        index = {label: i for i, label in enumerate(labels)}
        rows = list(spans)
        codes = [index.setdefault(label, len(index)) for _, _, _, label in rows]
        arr = np.array([(d, s, e) for d, s, e, _ in rows], dtype=np.int64).reshape(-1, 3)
        return cls(arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy(), np.array(codes, dtype=np.int64), tuple(index))

    def relabel(self, labels: tuple[str, ...]) -> SpanArrays:
        """The same spans with label codes into `labels` (which must hold every label used)."""
        if labels == self.labels:
            return self
        index = {label: i for i, label in enumerate(labels)}
        table = np.array([index[label] for label in self.labels], dtype=np.int64)
        return SpanArrays(self.doc, self.start, self.end, table[self.label] if len(self) else self.label, labels)

    def take(self, mask: npt.NDArray[np.bool_]) -> SpanArrays:
        return SpanArrays(self.doc[mask], self.start[mask], self.end[mask], self.label[mask], self.labels)

    def used_labels(self) -> set[str]:
        return {self.labels[i] for i in np.unique(self.label).tolist()}


def common_labels(gold: SpanArrays, pred: SpanArrays) -> tuple[SpanArrays, SpanArrays]:
    """Both span sets recoded over one label list: gold's labels first, then pred's new ones."""
    labels = tuple(dict.fromkeys(gold.labels + pred.labels))
    return gold.relabel(labels), pred.relabel(labels)
