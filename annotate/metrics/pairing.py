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
from typing import TYPE_CHECKING, Any, Literal

from annotate.errors import ScoreError, shorten

if TYPE_CHECKING:
    from annotate.metrics.spanarrays import SpanArrays
    from annotate.recordio import EntityColumns

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


def read_gold_entities(path: Path) -> EntityColumns:
    """`read_gold` with the entities as columns (`annotate.recordio.read_entity_columns`)."""
    from annotate.recordio import read_entity_columns

    columns = read_entity_columns(path)
    _unique(columns.records, path)
    return columns


def read_pred_entities(path: Path) -> EntityColumns:
    """`read_pred` with the entities as columns."""
    from annotate.recordio import read_jsonl_entity_columns

    columns = read_jsonl_entity_columns(Path(path), require_text=False)
    _unique(columns.records, path)
    return columns


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


def pair_entities(
    gold: EntityColumns, pred: EntityColumns, *, missing: Missing = "empty", pred_path: str = "PRED"
) -> tuple[Pairing, SpanArrays, SpanArrays]:
    """`pair_records` of entity columns: the pairing (records without their entities) and the gold
    and predicted `SpanArrays`, equal to `entity_arrays` of the paired records.

    Raises:
        ScoreError: as `pair_records`.
    """
    import numpy as np

    from annotate.metrics.spanarrays import SpanArrays

    pairing = pair_records(gold.records, pred.records, missing=missing, pred_path=pred_path)
    gold_spans = SpanArrays.from_columns(gold.doc, gold.start, gold.end, gold.label)
    index = {record["id"]: i for i, record in enumerate(gold.records)}
    target = np.fromiter((index.get(record["id"], -1) for record in pred.records), dtype=np.int64, count=len(pred.records))
    spans = SpanArrays.from_columns(pred.doc, pred.start, pred.end, pred.label)
    doc = target[spans.doc] if len(spans) else spans.doc
    kept = np.flatnonzero(doc >= 0)
    order = kept[np.argsort(doc[kept], kind="stable")]  # gold order, then the record's own order
    return pairing, gold_spans, spans.in_order(order, doc[order])
