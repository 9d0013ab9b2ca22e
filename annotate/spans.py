"""Spans and offsets: the one place where offset conventions are converted.

Convention everywhere in `annotate`: `start` and `end` are Python `str` indices (Unicode code
points), half-open `[start, end)`. There is no inclusive variant under any name.

Label Studio 1.23 stores code points; older versions and other tools stored JavaScript string
units (UTF-16 code units). `resolve_offsets` detects which one a region used from the text the
region carries, and converts at the boundary.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal, Sequence

from annotate.errors import SpanError, shorten

OffsetConvention = Literal["codepoint", "utf16"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A labelled half-open span `[start, end)` of code points.

    Example:
        >>> Span(0, 3, "PERSON")
        Span(start=0, end=3, label='PERSON')
        >>> Span(3, 3, "PERSON")
        Traceback (most recent call last):
        ...
        annotate.errors.SpanError: [A201] A span needs 0 <= start < end; got start=3, end=3 (label 'PERSON').
    """

    start: int
    end: int
    label: str

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise SpanError(
                f"A span needs 0 <= start < end; got start={self.start}, end={self.end} "
                f"(label {self.label!r})."
            )


@dataclass(frozen=True, slots=True)
class Utf16Index:
    """Converts between code-point and UTF-16 offsets of one text in O(log n) per call.

    Example:
        >>> index = Utf16Index.of("😀 Bob")
        >>> index.to_utf16(2), index.to_codepoint(3)
        (3, 2)
    """

    astral: tuple[int, ...]  # code-point indices of characters outside the BMP, ascending

    @classmethod
    def of(cls, text: str) -> Utf16Index:
        return cls(tuple(i for i, ch in enumerate(text) if ord(ch) > 0xFFFF))

    def to_utf16(self, index: int) -> int:
        """UTF-16 offset of code-point offset `index`."""
        return index + bisect.bisect_left(self.astral, index)

    def to_codepoint(self, offset: int) -> int:
        """Code-point offset of UTF-16 offset `offset`.

        Raises:
            SpanError: `offset` falls between the two halves of a surrogate pair.
        """
        lo, hi = 0, len(self.astral)
        # number of astral characters strictly before the code point at `offset`
        while lo < hi:
            mid = (lo + hi) // 2
            if self.astral[mid] + mid < offset:
                lo = mid + 1
            else:
                hi = mid
        index = offset - lo
        if lo > 0 and self.astral[lo - 1] + (lo - 1) + 1 == offset:
            raise SpanError(f"UTF-16 offset {offset} splits a surrogate pair; it cannot be a span boundary.")
        return index


def resolve_offsets(
    text: str, start: int, end: int, expected: str | None
) -> tuple[int, int, OffsetConvention] | None:
    """Find the code-point offsets of a region given in either convention.

    A region's offsets are read as code points when `text[start:end] == expected`, else as
    UTF-16 code units when that reading gives `expected`. Without `expected` the offsets are
    taken as code points. Returns None when neither reading matches.

    Example:
        >>> resolve_offsets("😀 Bob", 2, 5, "Bob")
        (2, 5, 'codepoint')
        >>> resolve_offsets("😀 Bob", 3, 6, "Bob")
        (2, 5, 'utf16')
        >>> resolve_offsets("😀", 0, 2, "😀")
        (0, 1, 'utf16')
    """
    in_bounds = 0 <= start < end <= len(text)
    if expected is None:
        return (start, end, "codepoint") if in_bounds else None
    if in_bounds and text[start:end] == expected:
        return start, end, "codepoint"
    # (a slice past the end is clipped, so "😀"[0:2] == "😀": only an in-bounds match counts)
    index = Utf16Index.of(text)
    try:
        cp_start, cp_end = index.to_codepoint(start), index.to_codepoint(end)
    except SpanError:
        return None
    if 0 <= cp_start < cp_end <= len(text) and text[cp_start:cp_end] == expected:
        return cp_start, cp_end, "utf16"
    return None


def offset_readings(
    text: str, start: int, end: int, expected: str, *, index: Utf16Index | None = None
) -> dict[OffsetConvention, tuple[int, int]]:
    """Every reading of `[start, end)` that gives `expected`: as code points, as UTF-16 code units.

    Both readings may match at different places (an astral character before the span and the
    same text repeated after it); the caller then decides by the other regions of the annotation.
    `index` (the text's `Utf16Index`) may be passed to avoid rebuilding it per region.

    Example:
        >>> offset_readings("😀aa", 2, 3, "a")
        {'codepoint': (2, 3), 'utf16': (1, 2)}
        >>> offset_readings("😀 Bob", 3, 6, "Bob")
        {'utf16': (2, 5)}
    """
    readings: dict[OffsetConvention, tuple[int, int]] = {}
    if 0 <= start < end <= len(text) and text[start:end] == expected:
        readings["codepoint"] = (start, end)
    index = index if index is not None else Utf16Index.of(text)
    if not index.astral:
        return readings
    try:
        cp_start, cp_end = index.to_codepoint(start), index.to_codepoint(end)
    except SpanError:
        return readings
    if 0 <= cp_start < cp_end <= len(text) and text[cp_start:cp_end] == expected:
        readings["utf16"] = (cp_start, cp_end)
    return readings


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Move `start` forward and `end` back past whitespace (`str.isspace`).

    Returns `(start, end)`, possibly unchanged; an all-whitespace span comes back with
    `start == end`.

    Example:
        >>> trim_whitespace("  Kyiv  ", 0, 8)
        (2, 6)
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def check_span_text(text: str, start: int, end: int, span_text: str, *, where: str) -> None:
    """Raise `SpanError` unless `text[start:end] == span_text`; `where` names the span's home."""
    if not (0 <= start < end <= len(text)) or text[start:end] != span_text:
        raise SpanError(
            f"{where}: span [{start}, {end}) reads {shorten(text[start:end], 40)} but its text is "
            f"{shorten(span_text, 40)}; fix the offsets (half-open, code points) or the text."
        )


@dataclass(frozen=True, slots=True)
class Token:
    """A token of a text: half-open code-point offsets."""

    start: int
    end: int
    text: str


def spans_to_bio(spans: Sequence[Span], tokens: Sequence[Token]) -> list[str]:
    """IOB2 tags for `tokens` from non-overlapping `spans` whose ends fall on token boundaries.

    Raises:
        SpanError: a span overlaps another or does not start and end on token boundaries.

    Example:
        >>> toks = [Token(0, 3, "Bob"), Token(4, 8, "Hill"), Token(9, 13, "said")]
        >>> spans_to_bio([Span(0, 8, "PERSON")], toks)
        ['B-PERSON', 'I-PERSON', 'O']
    """
    tags = ["O"] * len(tokens)
    starts = {tok.start: i for i, tok in enumerate(tokens)}
    ends = {tok.end: i for i, tok in enumerate(tokens)}
    for span in sorted(spans):
        first, last = starts.get(span.start), ends.get(span.end)
        if first is None or last is None:
            raise SpanError(f"Span {span} does not start and end on token boundaries.")
        if any(tag != "O" for tag in tags[first : last + 1]):
            raise SpanError(f"Span {span} overlaps another span; IOB2 cannot express it.")
        tags[first] = f"B-{span.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{span.label}"
    return tags


def bio_to_spans(tags: Sequence[str], tokens: Sequence[Token]) -> list[Span]:
    """Spans (code-point offsets) from strict IOB2 `tags` over `tokens`.

    Raises:
        SpanError: a malformed sequence (an I- tag that does not continue a chunk of its type,
            or a tag that is neither O, B-X nor I-X). Use the scorer for conlleval's lenient reading.

    Example:
        >>> toks = [Token(0, 3, "Bob"), Token(4, 8, "Hill"), Token(9, 13, "said")]
        >>> bio_to_spans(["B-PERSON", "I-PERSON", "O"], toks)
        [Span(start=0, end=8, label='PERSON')]
    """
    if len(tags) != len(tokens):
        raise SpanError(f"{len(tags)} tags for {len(tokens)} tokens; they must be aligned one to one.")
    spans: list[Span] = []
    open_label: str | None = None
    open_start = 0
    prev_end = 0
    for i, (tag, tok) in enumerate(zip(tags, tokens)):
        prefix, _, label = tag.partition("-")
        if tag == "O" or prefix == "B":
            if open_label is not None:
                spans.append(Span(open_start, prev_end, open_label))
                open_label = None
            if prefix == "B" and label:
                open_label, open_start = label, tok.start
            elif tag != "O":
                raise SpanError(f"Token {i} has tag {tag!r}; expected O, B-TYPE or I-TYPE.")
        elif prefix == "I" and label:
            if open_label != label:
                raise SpanError(
                    f"Token {i} has tag {tag!r} but the chunk before it is {open_label or 'O'}; "
                    "strict IOB2 needs a B- tag to start a chunk."
                )
        else:
            raise SpanError(f"Token {i} has tag {tag!r}; expected O, B-TYPE or I-TYPE.")
        prev_end = tok.end
    if open_label is not None:
        spans.append(Span(open_start, prev_end, open_label))
    return spans
