"""Text helpers shared by the baselines: quotation-mark pairing, sentences, words.

All offsets are Python `str` indices (code points), half-open `[start, end)`.

Quotation marks. A mark is an *opening* mark when what precedes it is the start of the text,
white space or an opening bracket and what follows is not white space; a *closing* mark when
what precedes is not white space and what follows is white space, punctuation or the end.
A straight `'` between two letters (`wouldn't`, `UAE's`) is an apostrophe, never a mark, and a
`'` after a word with no single-quote open (`ministers' meeting`) is a possessive. Marks pair
with a stack: a closing mark closes the innermost open mark of its own family (double or
single); when no mark of its family is open it closes the innermost open mark whatever its
family, so a quote opened with `"` and closed with `'` (it happens, see the seed article) is
still one quote. Quotes never cross a paragraph break; a quote left open runs to the end of its
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = '"\u201c\u201e\u00ab'  # " “ „ «
DOUBLE_CLOSE = '"\u201d\u00bb'  # " ” »
SINGLE_OPEN = "'\u2018\u201a\u2039"  # ' ‘ ‚ ‹
SINGLE_CLOSE = "'\u2019\u203a"  # ' ’ ›
ALL_MARKS = set(DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE)
_OPEN_BEFORE = set("([{\u2014\u2013-/")  # a mark after these (or white space) may open

# Abbreviations whose final period does not end a sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "st", "jr", "sr",
    "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m",
}


@dataclass(frozen=True, slots=True)
class QuoteMarks:
    """A direct quotation: the offsets of its opening and (if found) closing marks.

    `start` is the opening mark, `end` is one past the closing mark (the quote *with* its marks);
    `inner_start` / `inner_end` delimit the words between the marks.
    """

    start: int
    end: int
    closed: bool

    @property
    def inner_start(self) -> int:
        return self.start + 1

    @property
    def inner_end(self) -> int:
        return self.end - 1 if self.closed else self.end


def _family(ch: str) -> str:
    return "double" if ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE else "single"


def _role(text: str, i: int) -> str | None:
    """'open', 'close', 'either' or None (an apostrophe or a stray mark) for the mark at `i`."""
    ch = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in "'\u2019" and before.isalnum() and after.isalnum():
        return None  # wouldn't, UAE's, Zelenskyy’s
    can_open = (before.isspace() or before in _OPEN_BEFORE or before in ALL_MARKS) and not after.isspace()
    can_close = not before.isspace() and (after.isspace() or not after.isalnum())
    opener = ch in DOUBLE_OPEN or ch in SINGLE_OPEN
    closer = ch in DOUBLE_CLOSE or ch in SINGLE_CLOSE
    if can_open and opener and not (can_close and closer):
        return "open"
    if can_close and closer and not (can_open and opener):
        return "close"
    if can_open and can_close and opener and closer:
        return "either"
    return None


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Half-open offsets of the paragraphs of `text` (separated by blank lines), stripped."""
    bounds = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, flags=re.DOTALL):
        bounds.append((match.start(), match.end()))
    return bounds


def find_quotes(text: str) -> list[QuoteMarks]:
    """Outermost direct quotations of `text`, in order (see the module docstring for the rules).

    Example:
        >>> t = "He said \\"Over. We asked,' Lavrov explained, adding a 'neutral Ukraine.\\""
        >>> [t[q.start:q.end] for q in find_quotes(t)]
        ['"Over. We asked,\\'', '\\'neutral Ukraine."']
        >>> t = "the ministers' talks and 'this' word"
        >>> [t[q.start:q.end] for q in find_quotes(t)]
        ["'this'"]
    """
    quotes: list[QuoteMarks] = []
    for para_start, para_end in paragraph_bounds(text):
        stack: list[tuple[int, str]] = []  # (offset, family) of open marks
        for i in range(para_start, para_end):
            if text[i] not in ALL_MARKS:
                continue
            role = _role(text, i)
            if role is None:
                continue
            family = _family(text[i])
            if role == "either":
                role = "close" if any(f == family for _, f in stack) else "open"
            if role == "open":
                stack.append((i, family))
                continue
            if not stack:
                continue  # a closing mark with nothing open: a possessive or a stray mark
            if family == "single" and text[i] in "'\u2019" and not any(f == "single" for _, f in stack):
                # a single closing mark when only double marks are open: a possessive (ministers')
                # unless the next mark that could close is not a double one (the seed's "...')
                if _double_close_ahead(text, i + 1, para_end):
                    continue
            index = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == family), len(stack) - 1)
            opened, _ = stack[index]
            del stack[index:]
            if not stack:
                quotes.append(QuoteMarks(opened, i + 1, True))
        if stack:
            quotes.append(QuoteMarks(stack[0][0], para_end, False))
    return quotes


def _double_close_ahead(text: str, start: int, end: int) -> bool:
    """True when a double closing mark comes before any opening mark in `text[start:end]`."""
    for j in range(start, end):
        if text[j] in ALL_MARKS:
            role = _role(text, j)
            if role in ("close", "either") and _family(text[j]) == "double":
                return True
            if role == "open":
                return False
    return False


def sentence_bounds(text: str, quotes: list[QuoteMarks] | None = None) -> list[tuple[int, int]]:
    """Half-open offsets of the sentences of `text`; sentence ends inside quotations are ignored.

    A sentence ends at `.`, `!` or `?` (and any closing marks after it) followed by white space
    and an upper-case letter, a digit or an opening mark, at a paragraph break, or at the end.
    A quotation whose words end with `.`, `!` or `?` ends the sentence when the same follows it.

    Example:
        >>> t = 'Talks ended in the U.S. on Monday. "It was hard." He left.'
        >>> [t[s:e] for s, e in sentence_bounds(t)]
        ['Talks ended in the U.S. on Monday.', '"It was hard."', 'He left.']
    """
    quotes = find_quotes(text) if quotes is None else quotes
    inside = [False] * len(text)
    for q in quotes:
        for i in range(q.inner_start, q.inner_end):
            inside[i] = True
    bounds: list[tuple[int, int]] = []
    for para_start, para_end in paragraph_bounds(text):
        start = para_start
        i = para_start
        while i < para_end:
            ch = text[i]
            if ch in ".!?" and not inside[i]:
                end = i + 1
                while end < para_end and text[end] in ALL_MARKS and not text[end - 1].isspace():
                    end += 1
                if _ends_sentence(text, start, i, end, para_end):
                    bounds.append((start, end))
                    start = _skip_space(text, end, para_end)
                    i = start
                    continue
            elif ch in ALL_MARKS and i > 0 and text[i - 1] in ".!?" and inside[i - 1]:
                end = i + 1  # a closing mark after the quotation's own final punctuation
                if not inside[i] and _ends_sentence(text, start, i - 1, end, para_end):
                    bounds.append((start, end))
                    start = _skip_space(text, end, para_end)
                    i = start
                    continue
            i += 1
        if start < para_end:
            bounds.append((start, para_end))
    return bounds


def _skip_space(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _ends_sentence(text: str, start: int, dot: int, end: int, para_end: int) -> bool:
    if end >= para_end:
        return True
    if not text[end].isspace():
        return False
    nxt = _skip_space(text, end, para_end)
    if nxt >= para_end:
        return True
    follower = text[nxt]
    if not (follower.isupper() or follower.isdigit() or follower in ALL_MARKS):
        return False
    if text[dot] == ".":
        word = re.search(r"([\w.]+)$", text[start:dot])
        if word and word.group(1).lower() in ABBREVIATIONS:
            return False
    return True


_WORD = re.compile(r"\w+(?:[.'\u2019-]\w+)*")


def words(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the words (letters and digits, with inner `.`, `'` or `-`) of `text[start:end]`."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text, start, len(text) if end is None else end)]
