"""`spacy:PIPELINE`: any installed or on-disk spaCy pipeline, its `doc.ents` as entities."""

from __future__ import annotations

from typing import Any, Sequence

from annotate.errors import ExtractorError
from annotate.extractors.base import Extractor, Record, Source, empty_record, span


def spacy_extractor(pipeline: str, *, batch_size: int = 32) -> Extractor:
    """An extractor running spaCy pipeline `pipeline` (a package name or a folder).

    Each `doc.ents` span becomes an entity with the span's label; quotes and events stay empty.

    Raises:
        ExtractorError: the pipeline cannot be loaded (not installed, not a pipeline folder).
    """
    import spacy

    try:
        nlp = spacy.load(pipeline)
    except (OSError, IOError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExtractorError(
            f"spaCy pipeline {pipeline!r} cannot be loaded ({first[:160]}); give an installed package or a folder "
            "written by nlp.to_disk()."
        ) from None

    def extract(documents: Sequence[Source]) -> list[Record]:
        records = []
        for document, doc in zip(documents, nlp.pipe([d.text for d in documents], batch_size=batch_size)):
            record = empty_record(document)
            record["entities"] = [_entity(document.text, ent) for ent in doc.ents]
            records.append(record)
        return records

    extract.__name__ = f"spacy:{pipeline}"
    return extract


def _entity(text: str, ent: Any) -> dict[str, Any]:
    return dict(span(text, ent.start_char, ent.end_char), label=ent.label_)
