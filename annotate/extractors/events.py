"""Baseline event extractor: a trigger lexicon per event type, arguments from nearby entities. A baseline.

The lexicon is `schemas/event-triggers.json`, keyed by the event types of `schemas/labels.json`
(a type of the lexicon that the inventory does not know, or a role its type does not have, is a
`SchemaError`; a type of the inventory with no lexicon entry simply gets no triggers).

Rules:

1. A trigger is a lexicon entry matched case-insensitively as whole words; in an entry like
   `prisoner [exchange]` only the bracketed word is the trigger, and only with its context.
   Where two entries overlap, the longer match wins.
2. Arguments are the entity mentions of the entity baseline in the trigger's sentence, at most
   `window` characters away, on the same side of any quotation mark (inside the same quote, or
   both outside). A GPE/LOC/FAC right after in/at/near fills Place, a DATE/TIME fills Time
   (nearest one each); any other mention fills the first role whose labels include its label.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from annotate.errors import SchemaError
from annotate.extractors.base import Record, Source, empty_record, span
from annotate.extractors.entities import Mention, entities_of
from annotate.extractors.text import QuoteMarks, find_quotes, sentence_bounds

LEXICON_FILE = "event-triggers.json"
_LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside)\s+(?:the\s+)?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    """One lexicon entry: the regex that finds it and the event type it signals."""

    event_type: str
    pattern: re.Pattern[str]
    length: int


@dataclass(frozen=True, slots=True)
class EventLexicon:
    """Triggers and argument roles for the event types of a schema."""

    entries: tuple[TriggerEntry, ...]
    roles: dict[str, dict[str, tuple[str, ...]]]  # type -> role -> entity labels
    window: int


def _words(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.split())


def _entry_pattern(entry: str) -> tuple[re.Pattern[str], int]:
    """`prisoner [exchange]` -> a regex whose group `t` is the trigger."""
    if "[" not in entry:
        entry = f"[{entry}]"
    before, rest = entry.split("[", 1)
    trigger, after = rest.split("]", 1)
    pattern = ""
    if before.strip():
        pattern += _words(before) + r"\s+"
    pattern += f"(?P<t>{_words(trigger)})"
    if after.strip():
        pattern += r"\s+" + _words(after)
    return re.compile(rf"(?<![\w-]){pattern}(?![\w-])", re.IGNORECASE), len(entry)


def load_event_lexicon(path: Path | None = None) -> EventLexicon:
    """The trigger lexicon, checked against the event types and roles of `schemas/labels.json`.

    Raises:
        SchemaError: the file is missing or malformed, or names a type or role the inventory lacks.
    """
    from annotate.schema import load_schema, schema_dir

    path = path or schema_dir() / LEXICON_FILE
    return _load(path, load_schema("events").event_types)


@lru_cache(maxsize=4)
def _load(path: Path, event_types: tuple[Any, ...]) -> EventLexicon:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{path}: the event trigger lexicon is missing; it sits next to labels.json.") from None
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}).") from None
    known = {t.name: t.roles for t in event_types}
    entries: list[TriggerEntry] = []
    roles: dict[str, dict[str, tuple[str, ...]]] = {}
    for type_name, spec in data.get("types", {}).items():
        if type_name not in known:
            raise SchemaError(f"{path}: event type {type_name!r} is not in labels.json; known: {', '.join(known)}.")
        for role in spec.get("arguments", {}):
            if role not in known[type_name]:
                raise SchemaError(f"{path}: role {role!r} is not a role of {type_name} in labels.json ({', '.join(known[type_name])}).")
        roles[type_name] = {role: tuple(labels) for role, labels in spec.get("arguments", {}).items()}
        for trigger in spec.get("triggers", []):
            pattern, length = _entry_pattern(trigger)
            entries.append(TriggerEntry(type_name, pattern, length))
    return EventLexicon(tuple(entries), roles, int(data.get("window", 80)))


def _quote_of(marks: Sequence[QuoteMarks], i: int) -> int | None:
    for k, q in enumerate(marks):
        if q.start <= i < q.end:
            return k
    return None


def events_of(text: str, entities: Sequence[Mention], lexicon: EventLexicon) -> list[dict[str, Any]]:
    """The baseline's events of `text`, given its entity mentions, in text order."""
    found: list[tuple[int, int, str, int]] = []  # start, end, type, entry length
    for entry in lexicon.entries:
        for match in entry.pattern.finditer(text):
            found.append((match.start("t"), match.end("t"), entry.event_type, entry.length))
    triggers: list[tuple[int, int, str]] = []
    for start, end, event_type, _ in sorted(found, key=lambda f: (-f[3], f[0])):
        if all(end <= s or start >= e for s, e, _ in triggers):
            triggers.append((start, end, event_type))
    triggers.sort()

    marks = find_quotes(text)
    sentences = sentence_bounds(text, marks)
    events = []
    for start, end, event_type in triggers:
        sentence = next(((s, e) for s, e in sentences if s <= start < e), (0, len(text)))
        quote = _quote_of(marks, start)
        roles = lexicon.roles.get(event_type, {})
        nearby = [
            m for m in entities
            if sentence[0] <= m.start and m.end <= sentence[1] and (m.end <= start or m.start >= end)
            and min(abs(m.start - end), abs(start - m.end)) <= lexicon.window and _quote_of(marks, m.start) == quote
        ]
        nearby.sort(key=lambda m: min(abs(m.start - end), abs(start - m.end)))
        arguments: list[dict[str, Any]] = []
        taken_single: set[str] = set()
        for mention in nearby:
            role = _role_of(text, mention, roles)
            if role is None or role in taken_single:
                continue
            if role in ("Place", "Time"):
                taken_single.add(role)
            arguments.append(dict(span(text, mention.start, mention.end), role=role))
        arguments.sort(key=lambda a: a["start"])
        events.append({"type": event_type, "trigger": span(text, start, end), "arguments": arguments})
    return events


def _role_of(text: str, mention: Mention, roles: dict[str, tuple[str, ...]]) -> str | None:
    if mention.label in ("DATE", "TIME"):
        return "Time" if "Time" in roles else None
    if "Place" in roles and mention.label in roles["Place"] and _LOCATIVE.search(text, 0, mention.start):
        return "Place"
    for role, labels in roles.items():
        if role not in ("Place", "Time") and mention.label in labels:
            return role
    return None


def extract_events(documents: Sequence[Source]) -> list[Record]:
    """Extractor `baseline-events`: records with `events` only (arguments from the entity baseline)."""
    lexicon = load_event_lexicon()
    records = []
    for document in documents:
        record = empty_record(document)
        record["events"] = events_of(document.text, entities_of(document.text), lexicon)
        records.append(record)
    return records
