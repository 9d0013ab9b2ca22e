"""Extractors: functions from documents (id + text) to canonical records.

The interface is in `base.py`: `extract(documents: Sequence[Source]) -> Sequence[Record]`, one
record per document, in order. `EXTRACTORS` maps the built-in names to their functions, a plain
dict like spaCy's `CONVERTERS`; `load_extractor(name)` also understands `spacy:PIPELINE` and
`module:function`. `run_extractor` (in `run.py`) feeds documents in batches, checks every record
and isolates failures, so that one bad document never costs the rest of the batch.

The built-in extractors are rule-based **baselines**: transparent, no model download, meant to be
beaten.
"""

from __future__ import annotations

from annotate.errors import ExtractorError
from annotate.extractors.base import Extractor, Record, Source
from annotate.extractors.baseline import extract_all
from annotate.extractors.entities import extract_entities
from annotate.extractors.events import extract_events
from annotate.extractors.quotes import extract_quotes

EXTRACTORS: dict[str, Extractor] = {
    "baseline": extract_all,
    "baseline-entities": extract_entities,
    "baseline-quotes": extract_quotes,
    "baseline-events": extract_events,
}


def load_extractor(name: str) -> Extractor:
    """The extractor called `name`: a key of `EXTRACTORS`, `spacy:PIPELINE` or `module:function`.

    Raises:
        ExtractorError: an unknown name, or a pipeline or module that cannot be loaded.

    Example:
        >>> load_extractor("baseline-quotes").__name__
        'extract_quotes'
    """
    if name in EXTRACTORS:
        return EXTRACTORS[name]
    if name.startswith("spacy:"):
        from annotate.extractors.spacy_pipeline import spacy_extractor

        return spacy_extractor(name[len("spacy:"):])
    if ":" in name:
        from annotate.extractors.user import user_extractor

        return user_extractor(name)
    raise ExtractorError(
        f"Unknown extractor {name!r}; choose one of {', '.join(EXTRACTORS)}, spacy:PIPELINE or module:function."
    )


__all__ = ["EXTRACTORS", "Extractor", "Record", "Source", "load_extractor"]
