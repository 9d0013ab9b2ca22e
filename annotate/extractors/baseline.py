"""The combined baseline: entities, quotes and events of the rule-based baselines in one record."""

from __future__ import annotations

from typing import Sequence

from annotate.extractors.base import Record, Source, empty_record, span
from annotate.extractors.entities import entities_of
from annotate.extractors.events import events_of, load_event_lexicon
from annotate.extractors.quotes import quotes_of


def extract_all(documents: Sequence[Source]) -> list[Record]:
    """Extractor `baseline`: entities, quotes and events (each found once per document)."""
    lexicon = load_event_lexicon()
    records = []
    for document in documents:
        text = document.text
        mentions = entities_of(text)
        record = empty_record(document)
        record["entities"] = [dict(span(text, m.start, m.end), label=m.label) for m in mentions]
        record["quotes"] = quotes_of(text, mentions)
        record["events"] = events_of(text, mentions, lexicon)
        records.append(record)
    return records
