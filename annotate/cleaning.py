"""Cleaning a scraped article into the document that annotators label.

The rule that keeps offsets honest: cleaning only *selects* paragraphs; nothing inside a
paragraph is rewritten. The document text is the kept paragraphs joined by
`PARAGRAPH_SEPARATOR`, so every offset points into text the author wrote.

Paragraphs: when the article has blank lines, a paragraph is a run of non-blank lines (inner
line breaks kept); when it has none (one paragraph a line, as scrapes usually come), each line is
a paragraph. Leading and trailing whitespace of a paragraph is not part of it.

Each rule can be switched off (`CleaningOptions`), and every dropped paragraph is kept in
`Document.dropped` with its source line and the reason:

- `banner`: a consent or cookie banner ("By continuing to browse our site you agree to our use
  of cookies ...").
- `caption`: a photo caption (ends with an agency credit like " /VCG", or starts with "Photo:");
  moved to `Document.captions`.
- `credit`: a credit line such as "(With input from Xinhua)" or "(Reporting by ...)"; moved to
  `Document.credits`.
- `duplicate`: a paragraph identical (up to white space) to an earlier kept one, as when a page
  repeats its whole body; the first copy is kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from annotate.corpus import Article

PARAGRAPH_SEPARATOR = "\n\n"

DropReason = Literal["banner", "caption", "credit", "duplicate"]

_BANNER = re.compile(
    r"\bcookies?\b.*\b(agree|consent|accept|privacy|settings|preferences)\b"
    r"|\b(agree|consent|accept)\b.*\bcookies?\b",
    re.IGNORECASE | re.DOTALL,
)
_BANNER_MAX_CHARS = 600
_CAPTION = re.compile(
    r"(\s/\s?[A-Z][A-Za-z.]{1,20}\s*$)"  # "... February 5, 2026. /VCG"
    r"|(^\s*(photo|file photo|picture|image)\s*:)"  # "Photo: ..."
    r"|(\((photo|file photo|picture)\s*:[^()]*\)\s*$)",  # "... (Photo: Xinhua)"
    re.IGNORECASE,
)
_CAPTION_MAX_CHARS = 400
_CREDIT = re.compile(
    r"^\s*\(?\s*(with (additional )?(input|reporting)|additional reporting|reporting|writing|editing|compiled)"
    r"\b[^()\n]{0,200}\)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CleaningOptions:
    """Which cleaning rules apply; all on by default."""

    drop_banners: bool = True
    drop_duplicates: bool = True
    captions_to_metadata: bool = True
    credits_to_metadata: bool = True


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the source with the (1-based) line it starts on."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Dropped:
    """A paragraph left out of the document text, and why."""

    line: int
    reason: DropReason
    text: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned article: the text to annotate, where its paragraphs came from, and metadata."""

    id: str
    text: str
    paragraphs: tuple[tuple[int, int], ...]  # half-open offsets of each kept paragraph in `text`
    source_lines: tuple[int, ...]  # the source line of each kept paragraph
    origin: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None
    captions: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    def metadata(self) -> dict[str, object]:
        """The document's metadata as plain JSON-ready data (no text, no offsets)."""
        meta: dict[str, object] = {
            "title": self.title,
            "url": self.url,
            "date": self.date,
            "source": self.source,
            "captions": list(self.captions),
            "credits": list(self.credits),
            "origin": self.origin,
        }
        meta.update(self.extra)
        return meta


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a raw article with their source lines (see the module docstring).

    Example:
        >>> [p.text for p in split_paragraphs("One.\\nTwo.\\n")]
        ['One.', 'Two.']
        >>> [p.text for p in split_paragraphs("One\\nstill one.\\n\\nTwo.")]
        ['One\\nstill one.', 'Two.']
    """
    lines = [line.rstrip("\r") for line in text.split("\n")]
    blocks_by_blank = re.search(r"\S[ \t\r]*\n[ \t\r]*\n\s*\S", text) is not None
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    block_line = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if block:
                paragraphs.append(Paragraph("\n".join(block).strip(), block_line))
                block = []
            continue
        if not blocks_by_blank:
            paragraphs.append(Paragraph(line.strip(), number))
            continue
        if not block:
            block_line = number
        block.append(line)
    if block:
        paragraphs.append(Paragraph("\n".join(block).strip(), block_line))
    return paragraphs


def content_id(text: str) -> str:
    """A stable id from the text alone: `doc-` and 12 hex digits of its SHA-256."""
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _fold(text: str) -> str:
    return " ".join(text.split())


def classify_paragraph(text: str, options: CleaningOptions) -> DropReason | None:
    """The rule that drops this paragraph on its own (not `duplicate`), or None to keep it."""
    if options.drop_banners and len(text) <= _BANNER_MAX_CHARS and _BANNER.search(text):
        return "banner"
    if options.captions_to_metadata and len(text) <= _CAPTION_MAX_CHARS and _CAPTION.search(text):
        return "caption"
    if options.credits_to_metadata and _CREDIT.match(text):
        return "credit"
    return None


def clean_article(article: Article, options: CleaningOptions = CleaningOptions()) -> Document:
    """Select the paragraphs to annotate and move captions and credits to metadata.

    The id is the article's own (given, or from its file name), else a hash of the cleaned text.
    """
    kept: list[Paragraph] = []
    dropped: list[Dropped] = []
    captions: list[str] = []
    credits: list[str] = []
    first_seen: dict[str, int] = {}
    for paragraph in split_paragraphs(article.text):
        reason = classify_paragraph(paragraph.text, options)
        if reason == "caption" and paragraph.text not in captions:
            captions.append(paragraph.text)
        if reason == "credit" and paragraph.text not in credits:
            credits.append(paragraph.text)
        if reason is not None:
            dropped.append(Dropped(paragraph.line, reason, paragraph.text))
            continue
        key = _fold(paragraph.text)
        if options.drop_duplicates and key in first_seen:
            detail = f"same as line {first_seen[key]}"
            dropped.append(Dropped(paragraph.line, "duplicate", paragraph.text, detail))
            continue
        first_seen[key] = paragraph.line
        kept.append(paragraph)

    offsets: list[tuple[int, int]] = []
    position = 0
    for paragraph in kept:
        offsets.append((position, position + len(paragraph.text)))
        position += len(paragraph.text) + len(PARAGRAPH_SEPARATOR)
    text = PARAGRAPH_SEPARATOR.join(p.text for p in kept)
    return Document(
        id=article.id or content_id(text),
        text=text,
        paragraphs=tuple(offsets),
        source_lines=tuple(p.line for p in kept),
        origin=article.origin,
        title=article.title,
        url=article.url,
        date=article.date,
        source=article.source,
        captions=tuple(captions),
        credits=tuple(credits),
        dropped=tuple(dropped),
        extra=dict(article.extra),
    )
