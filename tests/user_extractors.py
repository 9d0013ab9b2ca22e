"""Extractors written by "a user", for the module:function tests (not a test module itself)."""

from __future__ import annotations

import re
from typing import Any, Sequence


def capitalised(documents: Sequence[Any]) -> list[dict[str, Any]]:
    """Every capitalised word is an ORG: a silly but valid extractor."""
    return [
        {"id": d.id, "entities": [{"start": m.start(), "end": m.end(), "text": m.group(), "label": "ORG"}
                                  for m in re.finditer(r"\b[A-Z]\w+", d.text)]}
        for d in documents
    ]


def explodes_on_boom(documents: Sequence[Any]) -> list[dict[str, Any]]:
    """Raises on any document whose text says 'boom' (a whole batch fails with it)."""
    for d in documents:
        if "boom" in d.text:
            raise RuntimeError(f"cannot handle {d.id}")
    return capitalised(documents)


def malformed_on_bad(documents: Sequence[Any]) -> list[dict[str, Any]]:
    """Returns a span whose text does not match its offsets for documents that say 'bad'."""
    records = capitalised(documents)
    for d, record in zip(documents, records):
        if "bad" in d.text:
            record["entities"].append({"start": 0, "end": 2, "text": "nope", "label": "ORG"})
    return records


def wrong_ids(documents: Sequence[Any]) -> list[dict[str, Any]]:
    """Forgets the document ids."""
    return [{"id": "same", "entities": []} for _ in documents]


NOT_CALLABLE = 42
