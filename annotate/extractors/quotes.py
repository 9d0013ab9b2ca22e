"""Baseline quote extractor: quotation marks, a cue lexicon, the nearest name. A baseline.

Rules (the span conventions are those of `schemas/GUIDELINES.md`):

1. Direct quotes are found by quotation marks (`text.find_quotes`: straight and curly, single
   and double, a quote opened with `"` and closed with `'`, quotes over several sentences). The
   QUOTE span runs from the opening mark to the closing mark, both included.
2. A cue is a speech verb of `lexicon.CUE_VERBS` or a phrase of `lexicon.CUE_PHRASES` outside
   quotation marks. A direct quote takes the first cue between its closing mark and the end of
   its sentence (`"...," he said`; not a participle: `"...", adding` starts new content), else the last cue between the start of its sentence (or the
   previous quote) and its opening mark (`X said: "..."`).
3. A cue not taken by rule 2 introduces reported speech: the content starts after the cue (and
   after a `that` within a few words: "said in his address that ...") and runs to the end of the
   sentence, or to `, adding ...` (the next cue). `according to X, ...` reports the rest of the
   sentence. Content holding a quotation is a `mixed` quote and replaces that direct quote;
   content with none is `indirect`.
4. The speaker is the entity mention (PERSON or ORG by the entity baseline; any entity after
   `according to`) nearest the cue in its sentence and outside quotation marks: the subject
   right before the cue, or the name right after it (`said Lavrov`). A participle cue
   (`, adding that`) reports the speaker of the clause before it. A pronoun (`he said`) is
   resolved to the previous speaker: the last PERSON named outside quotation marks before it.
   A quote with no cue gets no speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from annotate.extractors import lexicon as lx
from annotate.extractors.base import Record, Source, empty_record, span
from annotate.extractors.entities import Mention, entities_of
from annotate.extractors.text import QuoteMarks, find_quotes, sentence_bounds

SPEAKER_LABELS = ("PERSON", "ORG")
THAT_WINDOW = 8  # words after a cue within which a "that" starts the reported content
SUBJECT_WINDOW = 40  # characters between a speaker mention and its cue


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    participle: bool
    phrase: bool  # "according to"


@lru_cache(maxsize=1)
def _cue_pattern() -> re.Pattern[str]:
    verbs = "|".join(sorted(set(lx.CUE_VERBS), key=len, reverse=True))
    phrases = "|".join(re.escape(p) for p in lx.CUE_PHRASES)
    return re.compile(rf"(?<!\w)(?:(?P<phrase>{phrases})|(?P<verb>{verbs}))(?!\w)", re.IGNORECASE)


def find_cues(text: str, quotes: Sequence[QuoteMarks]) -> list[Cue]:
    """Cues of `text` outside quotation marks."""
    cues = []
    for match in _cue_pattern().finditer(text):
        if any(q.start <= match.start() < q.end for q in quotes):
            continue
        word = match.group().lower()
        if match.group("verb") and match.group() != word and match.start() > 0 and not _sentence_initial(text, match.start()):
            continue  # "Said" in the middle of a sentence is a name, not a cue
        cues.append(Cue(match.start(), match.end(), word in lx.PARTICIPLE_CUES, match.group("phrase") is not None))
    return cues


def _sentence_initial(text: str, i: int) -> bool:
    before = text[:i].rstrip()
    return not before or before[-1] in '.!?"\u201d\''


class _Finder:
    """The state of one document: entities, quotes, sentences, cues."""

    def __init__(self, text: str, entities: Sequence[Mention]) -> None:
        self.text = text
        self.marks = find_quotes(text)
        self.sentences = sentence_bounds(text, self.marks)
        self.entities = list(entities)
        self.cues = find_cues(text, self.marks)
        self.used_cues: set[int] = set()

    def sentence_of(self, i: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= i < end:
                return start, end
        return i, i

    def inside_quote(self, i: int) -> bool:
        return any(q.start <= i < q.end for q in self.marks)

    def speaker_near(self, cue: Cue, sentence: tuple[int, int]) -> Mention | None:
        """The mention that says what `cue` reports (rule 4 of the module docstring)."""
        text = self.text
        if cue.phrase:  # according to X
            after = [e for e in self.entities if cue.end <= e.start <= cue.end + 3]
            return after[0] if after else None
        labels = SPEAKER_LABELS
        before = [e for e in self.entities if sentence[0] <= e.start and e.end <= cue.start
                  and e.label in labels and not self.inside_quote(e.start)]
        if cue.participle:
            return before[-1] if before else None
        gap_start = before[-1].end if before else None
        if before and gap_start is not None and cue.start - gap_start <= SUBJECT_WINDOW and not re.search(r'[.;"\u201c\u201d]', text[gap_start:cue.start]):
            if not re.search(rf"\b(?:{'|'.join(lx.PRONOUNS)})\s*$", text[gap_start:cue.start]):
                return before[-1]
        if re.search(rf"(?<!\w)(?:{'|'.join(lx.PRONOUNS)})\s+(?:\w+\s+)?$", text[sentence[0]:cue.start]):
            return self.previous_person(cue.start)
        after = [e for e in self.entities if cue.end < e.start <= cue.end + SUBJECT_WINDOW and e.label in labels
                 and not re.search(r'[.,;:"\u201c\u201d]', text[cue.end:e.start])]
        if after:
            return after[0]
        if before:
            return before[-1]
        return None

    def previous_person(self, i: int) -> Mention | None:
        """The last PERSON named outside quotation marks before offset `i` (the previous speaker)."""
        people = [e for e in self.entities if e.end <= i and e.label == "PERSON" and not self.inside_quote(e.start)]
        return people[-1] if people else None


def _quote(text: str, start: int, end: int, kind: str, speaker: Mention | None, cue: Cue | None) -> dict[str, Any]:
    return dict(
        span(text, start, end),
        kind=kind,
        speaker=span(text, speaker.start, speaker.end) if speaker else None,
        cue=span(text, cue.start, cue.end) if cue else None,
    )


def _content_start(text: str, cue: Cue, sentence_end: int) -> int:
    """Where reported content begins after `cue` (past a "that" within a few words)."""
    rest = text[cue.end:sentence_end]
    window = re.match(r"(?:\W*\w+){0,%d}?\W*?\bthat\s+" % THAT_WINDOW, rest)
    if window and not re.search(r"[\"\u201c\u201d]", window.group()):
        return cue.end + window.end()
    lead = re.match(r"[\s,:]*", rest)
    return cue.end + (lead.end() if lead else 0)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        end -= 1
    return end


def quotes_of(text: str, entities: Sequence[Mention]) -> list[dict[str, Any]]:
    """The baseline's quotes of `text`, given its entity mentions, in text order."""
    f = _Finder(text, entities)
    direct: dict[int, dict[str, Any]] = {}  # opening mark -> quote
    previous_end = 0
    for q in f.marks:
        sentence = f.sentence_of(q.start)
        close_sentence = f.sentence_of(max(q.end - 1, q.start))
        next_open = min([m.start for m in f.marks if m.start >= q.end] + [close_sentence[1]])
        after = [c for c in f.cues if q.end <= c.start < next_open and c.start not in f.used_cues and not c.participle]
        before_start = max(sentence[0], previous_end)
        before = [c for c in f.cues if before_start <= c.start and c.end <= q.start and c.start not in f.used_cues]
        cue = after[0] if after else None
        if cue is None and before and not text[before[-1].end:q.start].strip(" ,:\u2014-"):
            cue = before[-1]  # X said: "..."
        speaker = None
        if cue is not None:
            f.used_cues.add(cue.start)
            speaker = f.speaker_near(cue, close_sentence if cue.start >= q.end else sentence)
        direct[q.start] = _quote(text, q.start, q.end, "direct", speaker, cue)
        previous_end = q.end

    reported: list[dict[str, Any]] = []
    for i, cue in enumerate(f.cues):
        if cue.start in f.used_cues:
            continue
        sentence = f.sentence_of(cue.start)
        next_cues = [c.start for c in f.cues[i + 1:] if c.start < sentence[1] and c.participle]
        stop = sentence[1]
        if next_cues:
            comma = text.rfind(",", cue.end, next_cues[0])
            stop = comma if comma > cue.end else next_cues[0]
        if cue.phrase and re.match(r"\s+\S[^,]*,", text[cue.end:sentence[1]]):
            start = text.index(",", cue.end) + 1  # According to X, CONTENT.
            while text[start].isspace():
                start += 1
        elif cue.phrase:
            continue
        else:
            start = _content_start(text, cue, stop)
        end = _trim_end(text, start, stop)
        if end - start < 10 or len(text[start:end].split()) < 3:
            continue
        held = [q for q in f.marks if start <= q.start < end]
        if held:
            end = max(end, max(q.end for q in held))
        if held and held[0].start == start and len(held) == 1 and held[0].end >= end:
            continue  # the content is a direct quote: rule 2 has it
        for q in held:
            direct.pop(q.start, None)
        speaker = f.speaker_near(cue, sentence)
        reported.append(_quote(text, start, end, "mixed" if held else "indirect", speaker, cue))
        f.used_cues.add(cue.start)
    return sorted(list(direct.values()) + reported, key=lambda q: (q["start"], q["end"]))


def extract_quotes(documents: Sequence[Source]) -> list[Record]:
    """Extractor `baseline-quotes`: records with `quotes` only (speakers found with the entity baseline)."""
    records = []
    for document in documents:
        record = empty_record(document)
        record["quotes"] = quotes_of(document.text, entities_of(document.text))
        records.append(record)
    return records
