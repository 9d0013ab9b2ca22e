"""Spans as numpy columns: the representation the scorers match on.

A `SpanArrays` holds n spans as parallel arrays: document index, half-open `[start, end)` offsets
inside that document (code points for records, token indices for CoNLL), and a label code into
`labels`. Order matters: it is the order the reference scorers walk the spans in (the order of
the entities in a record, left to right in a CoNLL file).
"""

from __future__ import annotations

from array import array
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

    @classmethod
    def from_columns(
        cls, doc: Iterable[int], start: Iterable[int], end: Iterable[int], label: Sequence[str], *, labels: Sequence[str] = ()
    ) -> SpanArrays:
        """Build from parallel columns (`array('q')`, lists, arrays); `labels` fixes the first codes,
        the others follow in the order they first appear in `label`. Equal to `from_tuples` of the rows.

        Example:
            >>> s = SpanArrays.from_columns([0, 0, 1], [0, 5, 0], [2, 6, 1], ["PER", "LOC", "PER"])
            >>> s.labels, s.label.tolist(), s.end.tolist()
            (('PER', 'LOC'), [0, 1, 0], [2, 6, 1])
        """
        index = _Codes({name: i for i, name in enumerate(labels)})
        codes = np.fromiter(map(index.__getitem__, label), dtype=np.int64, count=len(label))
        return cls(_int64(doc), _int64(start), _int64(end), codes, tuple(index))

    def in_order(self, order: IntArray, doc: IntArray) -> SpanArrays:
        """The spans `order` picks (in that order) with documents renumbered `doc`, and label codes
        renumbered by first appearance: what `from_tuples` of the picked rows gives.

        Example:
            >>> s = SpanArrays.from_columns([0, 1, 1], [0, 0, 4], [2, 1, 5], ["PER", "LOC", "ORG"])
            >>> t = s.in_order(np.array([1, 2, 0]), np.array([0, 0, 1]))
            >>> t.labels, t.label.tolist(), t.doc.tolist()
            (('LOC', 'ORG', 'PER'), [0, 1, 2], [0, 0, 1])
        """
        picked = self.label[order]
        first = np.full(len(self.labels), picked.shape[0], dtype=np.int64)
        np.minimum.at(first, picked, np.arange(picked.shape[0], dtype=np.int64))
        used = np.flatnonzero(first < picked.shape[0])
        by_appearance = used[np.argsort(first[used], kind="stable")]
        table = np.zeros(len(self.labels), dtype=np.int64)
        table[by_appearance] = np.arange(by_appearance.shape[0], dtype=np.int64)
        labels = tuple(self.labels[i] for i in by_appearance.tolist())
        return SpanArrays(np.asarray(doc, dtype=np.int64), self.start[order], self.end[order], table[picked], labels)

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


class _Codes(dict[str, int]):
    """Label codes handed out in order of first appearance: a lookup of a new label adds it.

    A plain dict lookup for every label seen before (one C-level pass over a label column).
    """

    def __missing__(self, label: str) -> int:
        code = self[label] = len(self)
        return code


def _int64(column: Iterable[int]) -> IntArray:
    if isinstance(column, np.ndarray):
        return column.astype(np.int64, copy=False)
    if isinstance(column, array) and column.typecode == "q":
        return np.frombuffer(column, dtype=np.int64).copy()
    return np.array(list(column), dtype=np.int64).reshape(-1)


def common_labels(gold: SpanArrays, pred: SpanArrays) -> tuple[SpanArrays, SpanArrays]:
    """Both span sets recoded over one label list: gold's labels first, then pred's new ones."""
    labels = tuple(dict.fromkeys(gold.labels + pred.labels))
    return gold.relabel(labels), pred.relabel(labels)
