"""Baseline named-entity tagger: patterns, capitalisation and small gazetteers. A baseline.

It is transparent on purpose, so that a score above it means something. Rules, in the order
they win when two candidates overlap (then the longer one wins):

1. an organisation phrase: capitalised words holding an organisation head word
   ("National Security and Defense Council", "Ministry of Foreign Affairs"); a country name
   right before it, with or without an acronym in brackets, joins it
   ("United Arab Emirates (UAE) Ministry of Foreign Affairs");
2. dates, times, money, percentages and quantities by pattern ("nearly five months",
   "the past year", "Thursday", "Thursday evening" (TIME), "$5 million", "12%");
3. a person: capitalised words right after a title ("President Volodymyr Zelenskyy",
   "envoy Steve Witkoff"; the title is left out);
4. the gazetteers of `lexicon.py` (GPE, NORP, LOC, ORG);
5. a later mention of a person found by rule 3 ("Zelenskyy" after "Volodymyr Zelenskyy");
6. a capitalised name right before or after a speech verb ("Smith said", "said Smith");
7. ordinal and cardinal numbers;
8. an unknown all-capitals word of 2 to 6 letters: an organisation ("RT").

Labels are the OntoNotes labels of `schemas/labels.json`; entities never overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from annotate.extractors import lexicon as lx
from annotate.extractors.base import Record, Source, empty_record, span


@dataclass(frozen=True, slots=True)
class Mention:
    """A candidate entity: half-open code-point offsets, a label, and the rule that found it."""

    start: int
    end: int
    label: str
    rank: int  # the rule's number above; lower wins an overlap


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(item) for item in sorted(set(items), key=len, reverse=True))


def _bounded(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.])(?:{pattern})(?!\w)(?!\.\w)")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    num = rf"(?:\d[\d,]*(?:\.\d+)?|(?:{_alternation(lx.NUMBER_WORDS)})(?:[\s-]+(?:{_alternation(lx.NUMBER_WORDS)}))*)"
    units = _alternation(lx.DATE_UNITS)
    quant = _alternation(lx.QUANTIFIERS)
    months = _alternation(lx.MONTHS)
    weekdays = _alternation(lx.WEEKDAYS)
    parts = _alternation(lx.PARTS_OF_DAY)
    relative = _alternation(lx.RELATIVE_DATE_WORDS)
    values = [
        ("TIME", rf"(?:{weekdays})\s+(?:{parts})"),
        ("TIME", r"\d{1,2}(?::\d{2})?\s?(?:a\.m\.|p\.m\.|am|pm)|\d{1,2}:\d{2}"),
        ("DATE", rf"(?:(?:{weekdays}),?\s+)?(?:{months})\s+\d{{1,2}}(?:,\s+\d{{4}})?|\d{{1,2}}\s+(?:{months})(?:\s+\d{{4}})?"),
        ("DATE", rf"(?:{months})\s+\d{{4}}|(?:{weekdays})|(?:{_alternation(lx.DAY_WORDS)})|(?:19|20)\d\d"),
        ("DATE", rf"(?:[Tt]he\s+)?(?:{relative})\s+(?:(?:few|several|{num})\s+)?(?:{units})"),
        ("DATE", rf"(?:(?:{quant})\s+)?{num}\s+(?:{units})(?:\s+ago)?"),
        ("PERCENT", rf"(?:(?:{quant})\s+)?{num}\s?(?:%|percent|per cent)"),
        ("MONEY", rf"(?:(?:{quant})\s+)?[$€£]\s?{num}(?:\s+(?:million|billion|trillion))?|{num}\s+(?:million\s+|billion\s+)?(?:{_alternation(lx.CURRENCY_WORDS)})"),
        ("QUANTITY", rf"{num}\s?(?:km|kilometres|kilometers|miles|tons|tonnes|kg|kilograms|metres|meters)"),
    ]
    return {
        "values": [(label, _bounded(pattern)) for label, pattern in values],
        "ordinal": _bounded(rf"(?:{_alternation(w for w in lx.ORDINAL_WORDS if w != 'last')})|\d+(?:st|nd|rd|th)"),
        "cardinal": _bounded(num),
        "gazetteer": [
            (label, _bounded(_alternation(names)))
            for label, names in (("GPE", lx.GPE), ("NORP", lx.NORP), ("LOC", lx.LOC), ("ORG", lx.ORG))
            if names
        ],
        "loc_after_the": re.compile(rf"(?<=\b[Tt]he )(?:{_alternation(lx.LOC_AFTER_THE)})(?!\w)"),
        "word": re.compile(r"\w+(?:[.'\u2019&-]\w+)*\.?"),
        "cue": re.compile(rf"\s+(?:{_alternation(lx.CUE_VERBS)})\b"),
        "cue_before": re.compile(rf"\b(?:{_alternation(lx.CUE_VERBS)}),?\s+$"),
    }


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int  # without a possessive 's and without a sentence-final period
    text: str
    possessive: bool


def _words(text: str) -> list[_Word]:
    out = []
    for match in _patterns()["word"].finditer(text):
        start, end = match.span()
        token = match.group()
        if token.endswith(".") and token.count(".") == 1 and token[:-1] not in ("Mr", "Mrs", "Ms", "Dr", "Gen", "St"):
            end -= 1
        possessive = False
        if text[start:end].endswith(("'s", "\u2019s")):
            end -= 2
            possessive = True
        if end > start:
            out.append(_Word(start, end, text[start:end], possessive))
    return out


@lru_cache(maxsize=1)
def _gazetteer_words() -> frozenset[str]:
    """Names of the gazetteers: "X and Ukraine" is two names, not one."""
    return frozenset(lx.GPE) | frozenset(lx.NORP) | frozenset(lx.LOC) | frozenset(lx.ORG)


def _is_cap(word: _Word) -> bool:
    return word.text[0].isupper()


def _chunks(text: str, words: list[_Word]) -> list[list[_Word]]:
    """Runs of capitalised words, joined by single spaces or by joiner words ("of", "and")."""
    chunks: list[list[_Word]] = []
    current: list[_Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if _is_cap(word):
            if current and text[current[-1].end:word.start] == " " and not current[-1].possessive:
                current.append(word)
            else:
                if current:
                    chunks.append(current)
                current = [word]
        elif (current and word.text in lx.NAME_JOINERS and i + 1 < len(words) and _is_cap(words[i + 1])
              and text[current[-1].end:word.start] == " " and text[word.end:words[i + 1].start] == " "
              and not current[-1].possessive and not words[i + 1].possessive
              and words[i + 1].text not in _gazetteer_words()):
            current.append(word)
        else:
            if current:
                chunks.append(current)
            current = []
        i += 1
    if current:
        chunks.append(current)
    return chunks


def _trim(piece: list[_Word]) -> list[_Word]:
    """Drop sentence openers and joiners at the edges of a piece of a chunk."""
    while piece and (piece[0].text in lx.NOT_NAMES or piece[0].text in lx.NAME_JOINERS):
        piece = piece[1:]
    while piece and piece[-1].text in lx.NAME_JOINERS:
        piece = piece[:-1]
    return piece


def find_mentions(text: str) -> list[Mention]:
    """Every candidate entity of `text`, before overlaps are resolved."""
    pats = _patterns()
    found: list[Mention] = []
    for label, pattern in pats["values"]:
        found += [Mention(m.start(), m.end(), label, 2) for m in pattern.finditer(text)]
    for label, pattern in pats["gazetteer"]:
        found += [Mention(m.start(), m.end(), label, 4) for m in pattern.finditer(text)]
    found += [Mention(m.start(), m.end(), "LOC", 4) for m in pats["loc_after_the"].finditer(text)]
    found += [Mention(m.start(), m.end(), "ORDINAL", 7) for m in pats["ordinal"].finditer(text)]
    found += [Mention(m.start(), m.end(), "CARDINAL", 7) for m in pats["cardinal"].finditer(text)]

    words = _words(text)
    titles = set(lx.PERSON_TITLES)
    gazetteer_names = _gazetteer_words()
    persons: list[tuple[int, int]] = []
    unknown: list[list[_Word]] = []
    prev_word: dict[int, _Word] = {w.start: words[i - 1] for i, w in enumerate(words) if i > 0}
    for chunk in _chunks(text, words):
        pieces: list[tuple[bool, list[_Word]]] = []  # (after a title, words)
        after_title = chunk[0].start in prev_word and prev_word[chunk[0].start].text in titles
        current: list[_Word] = []
        for word in chunk:
            if word.text in titles:
                pieces.append((after_title, current))
                current, after_title = [], True
            else:
                current.append(word)
        pieces.append((after_title, current))
        for number, (titled, piece) in enumerate(pieces):
            piece = _trim(piece)
            if not piece:
                continue
            before_title = number < len(pieces) - 1  # "Foreign" in "Foreign Minister X" is no name
            start, end = piece[0].start, piece[-1].end
            if any(w.text in lx.ORG_HEADS for w in piece):
                found.append(Mention(start, end, "ORG", 1))
            elif titled and len(piece) <= 4 and text[start:end] not in gazetteer_names:
                found.append(Mention(start, end, "PERSON", 3))
                persons.append((start, end))
            elif text[start:end] not in gazetteer_names and not before_title:
                unknown.append(piece)

    surnames = {text[s:e].split()[-1] for s, e in persons} | {text[s:e] for s, e in persons}
    for word in words:
        if word.text in surnames:
            found.append(Mention(word.start, word.end, "PERSON", 5))
    for piece in unknown:
        start, end = piece[0].start, piece[-1].end
        if len(piece) <= 3 and (pats["cue"].match(text, end) or pats["cue_before"].search(text, 0, start)):
            found.append(Mention(start, end, "PERSON", 6))
        elif len(piece) == 1 and piece[0].text.isupper() and 2 <= len(piece[0].text) <= 6 and piece[0].text.isalpha():
            found.append(Mention(start, end, "ORG", 8))
    return found


def resolve(mentions: Sequence[Mention]) -> list[Mention]:
    """Non-overlapping mentions: lower rank first, then longer, then earlier."""
    taken: list[Mention] = []
    occupied = bytearray()
    for mention in sorted(mentions, key=lambda m: (m.rank, m.start - m.end, m.start)):
        if len(occupied) < mention.end:
            occupied.extend(b"\0" * (mention.end - len(occupied)))
        if any(occupied[mention.start:mention.end]):
            continue
        occupied[mention.start:mention.end] = b"\1" * (mention.end - mention.start)
        taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


_ACRONYM_GAP = re.compile(r"\s*\(\s*[A-Z][A-Za-z.]{1,8}\s*\)\s*|\s+")


def _merge_country_into_org(text: str, mentions: list[Mention]) -> list[Mention]:
    """`GPE (ACR) ORG` and `GPE ORG` become one ORG (an official name: "UAE Ministry of ...")."""
    out: list[Mention] = []
    for mention in mentions:
        if mention.label == "ORG" and mention.rank == 1 and out:
            owner = len(out) - 1
            # "United Arab Emirates (UAE) Ministry": the acronym may have been taken on its own
            if owner >= 1 and text[out[owner].end:mention.start].strip() == ")" and text[out[owner - 1].end:out[owner].start].strip() == "(":
                owner -= 1
            if out[owner].label in ("GPE", "NORP") and _ACRONYM_GAP.fullmatch(text[out[owner].end:mention.start]):
                start = out[owner].start
                del out[owner:]
                out.append(Mention(start, mention.end, "ORG", 1))
                continue
        out.append(mention)
    return out


def entities_of(text: str) -> list[Mention]:
    """The baseline's entities of `text`, non-overlapping, in text order."""
    return _merge_country_into_org(text, resolve(find_mentions(text)))


def extract_entities(documents: Sequence[Source]) -> list[Record]:
    """Extractor `baseline-entities`: records with `entities` only."""
    records = []
    for document in documents:
        record = empty_record(document)
        record["entities"] = [dict(span(document.text, m.start, m.end), label=m.label) for m in entities_of(document.text)]
        records.append(record)
    return records
