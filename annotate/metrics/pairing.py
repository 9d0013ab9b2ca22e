"""Gold and predicted records side by side: matched by `id`, with what is missing counted.

GOLD may be a JSONL file of records, a dataset folder or a Label Studio export
(`annotate.recordio.read_records`); PRED is a JSONL file of records, `text` optional. A gold
document without a prediction is scored as an empty prediction (`missing="empty"`) or is an error
(`missing="error"`); predictions for ids gold lacks are counted and left out. A prediction whose
`text` differs from gold's is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from annotate.errors import ScoreError, shorten

Missing = Literal["empty", "error"]
Record = dict[str, Any]


@dataclass(frozen=True)
class Pairing:
    """Documents in gold order: `gold[i]` and `pred[i]` describe the same document."""

    gold: list[Record]
    pred: list[Record]
    missing_pred: tuple[str, ...]  # gold ids with no prediction (scored as empty)
    extra_pred: tuple[str, ...]  # predicted ids gold lacks (not scored)

    @property
    def ids(self) -> list[str]:
        return [record["id"] for record in self.gold]

    def summary(self) -> dict[str, object]:
        return {
            "documents": len(self.gold),
            "missing_predictions": len(self.missing_pred),
            "extra_predictions": len(self.extra_pred),
            "missing_ids": list(self.missing_pred[:20]),
            "extra_ids": list(self.extra_pred[:20]),
        }


def read_gold(path: Path) -> list[Record]:
    """Gold records from a JSONL file, dataset folder or Label Studio export; ids must be unique."""
    from annotate.recordio import read_records

    return _unique(list(read_records(path)), path)


def read_pred(path: Path) -> list[Record]:
    """Predicted records from a JSONL file (text optional); ids must be unique."""
    from annotate.recordio import read_jsonl_records

    return _unique(list(read_jsonl_records(Path(path), require_text=False)), path)


def _unique(records: list[Record], path: Path) -> list[Record]:
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        if record["id"] in seen:
            raise ScoreError(f"{path}: record {number} repeats id {shorten(record['id'])}; ids must be unique.")
        seen.add(record["id"])
    return records


def pair_records(gold: list[Record], pred: list[Record], *, missing: Missing = "empty", pred_path: str = "PRED") -> Pairing:
    """Line predictions up with gold by `id`.

    Raises:
        ScoreError: a prediction's text differs from gold's, or (with `missing="error"`) a gold
            document has no prediction.

    Example:
        >>> p = pair_records([{"id": "a", "text": "x"}, {"id": "b", "text": "y"}], [{"id": "b", "entities": []}, {"id": "c"}])
        >>> p.missing_pred, p.extra_pred, [r["id"] for r in p.pred]
        (('a',), ('c',), ['a', 'b'])
    """
    by_id = {record["id"]: record for record in pred}
    gold_ids = {record["id"] for record in gold}
    paired: list[Record] = []
    missing_ids: list[str] = []
    for record in gold:
        other = by_id.get(record["id"])
        if other is None:
            if missing == "error":
                raise ScoreError(
                    f"{pred_path}: no prediction for gold document {shorten(record['id'])}; "
                    "add it, or pass --missing empty to score it as predicting nothing."
                )
            missing_ids.append(record["id"])
            other = {"id": record["id"], "entities": [], "quotes": [], "events": []}
        elif other.get("text") is not None and other["text"] != record.get("text"):
            raise ScoreError(
                f"{pred_path}: document {shorten(record['id'])} has a text that differs from gold's; "
                "predictions must be made on the gold text so that offsets agree."
            )
        paired.append(other)
    extra = tuple(record["id"] for record in pred if record["id"] not in gold_ids)
    return Pairing(gold, paired, tuple(missing_ids), extra)


def entity_arrays(records: list[Record]):  # type: ignore[no-untyped-def]
    """`SpanArrays` of the entities of `records` (document i = records[i]), in record order."""
    from annotate.metrics.spanarrays import SpanArrays

    rows = [
        (doc, entity["start"], entity["end"], entity["label"])
        for doc, record in enumerate(records)
        for entity in record.get("entities", [])
    ]
    return SpanArrays.from_tuples(rows)
