"""Running an extractor over documents: batches, checks, and failures kept apart.

`run_extractor` calls the extractor on batches of documents. Every record it returns is checked
against the record contract (`annotate.recordio.check_record`) and against its document (same
id, same text). When a batch raises, or returns the wrong number of records, each document of
the batch is run again on its own, so that only the documents that really fail are lost; each
failure comes back as a `Failure` naming the document, never as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Iterator, Sequence

from annotate.errors import AnnotateError, shorten
from annotate.extractors.base import Extractor, Record, Source
from annotate.recordio import check_record

DEFAULT_BATCH_SIZE = 32


@dataclass(frozen=True, slots=True)
class Failure:
    """A document the extractor could not handle, and why (one line)."""

    id: str
    origin: str
    reason: str

    def message(self) -> str:
        where = f" ({self.origin})" if self.origin else ""
        return f"document {self.id!r}{where}: {self.reason}"


def _batches(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    iterator = iter(sources)
    while batch := list(islice(iterator, size)):
        yield batch


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {shorten(text, 160)[1:-1] if text else '(no message)'}"


def check_prediction(record: object, source: Source, *, name: str) -> Record:
    """The record `record` if it is a valid prediction for `source`, else `AnnotateError`.

    `text` is filled in from the document when missing and must equal it when present.
    """
    where = f"extractor {name!r} on document {source.id!r}"
    if isinstance(record, dict):
        if record.get("id") != source.id:
            raise AnnotateError(f"{where}: returned a record with id {shorten(record.get('id'))}; records must keep the document id, in order.")
        if record.get("text") is None:
            record = {**record, "text": source.text}
        elif record["text"] != source.text:
            raise AnnotateError(f"{where}: returned a record whose text differs from the document's; offsets must refer to the document text.")
    return check_record(record, where)


def _one_by_one(extractor: Extractor, batch: Sequence[Source], name: str) -> Iterator[Record | Failure]:
    for source in batch:
        try:
            output = list(extractor([source]))
        except Exception as exc:  # the extractor is user code: any exception is its failure on this document
            yield Failure(source.id, source.origin, f"extractor {name!r} raised {_describe(exc)}")
            continue
        if len(output) != 1:
            yield Failure(source.id, source.origin, f"extractor {name!r} returned {len(output)} records for 1 document; return exactly one per document.")
            continue
        yield _checked(output[0], source, name)


def _checked(record: object, source: Source, name: str) -> Record | Failure:
    try:
        return check_prediction(record, source, name=name)
    except AnnotateError as error:
        return Failure(source.id, source.origin, f"malformed record: {error.message}")


def run_extractor(
    extractor: Extractor,
    sources: Iterable[Source],
    *,
    name: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[Record | Failure]:
    """Yield, for each document in order, its checked record or a `Failure` naming it.

    Example:
        >>> def broken(docs):
        ...     return [{"id": d.id, "entities": [{"start": 0, "end": 99, "label": "X", "text": "?"}]} for d in docs]
        >>> [type(r).__name__ for r in run_extractor(broken, [Source("a", "Hi")], name="broken")]
        ['Failure']
    """
    if batch_size < 1:
        raise AnnotateError(f"Batch size must be at least 1; got {batch_size}.")
    for batch in _batches(sources, batch_size):
        try:
            outputs = list(extractor(batch))
        except Exception:  # isolate the documents that fail by running them one by one
            yield from _one_by_one(extractor, batch, name)
            continue
        if len(outputs) != len(batch):
            yield from _one_by_one(extractor, batch, name)
            continue
        for record, source in zip(outputs, batch):
            yield _checked(record, source, name)
