"""The extractor interface: a function from documents (id + text) to canonical records.

An extractor is any callable `extract(documents: Sequence[Source]) -> Sequence[Record]` that
returns one record per document, in the same order, each following the contract of design.md
(`annotate.recordio.check_record`): `id` equal to the document's id, offsets as Python `str`
indices (code points), half-open. `text` may be left out; the runner fills it in.

Example:
    >>> def first_word(documents):
    ...     return [{"id": d.id, "entities": [{"start": 0, "end": 4, "label": "ORG", "text": d.text[:4]}]}
    ...             for d in documents]
    >>> first_word([Source("d1", "NATO met.")])[0]["entities"][0]["text"]
    'NATO'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Source:
    """A document handed to an extractor: its id, its text, and where it came from (for messages)."""

    id: str
    text: str
    origin: str = ""


Extractor = Callable[[Sequence[Source]], Sequence[Record]]


def empty_record(source: Source) -> Record:
    """A record for `source` with no spans yet (the starting point of every baseline)."""
    return {"id": source.id, "text": source.text, "entities": [], "quotes": [], "events": []}


def span(text: str, start: int, end: int) -> dict[str, Any]:
    """`{"start", "end", "text"}` for the half-open code-point span `[start, end)` of `text`."""
    return {"start": start, "end": end, "text": text[start:end]}
