"""The error hierarchy: every user-facing failure is an `AnnotateError` with a short code.

A message says what happened, shows the offending value (truncated) and says what to do next.
The CLI prints `str(error)` on one line to stderr and exits 1.

Codes by family:
    A0xx  input files (corpus, JSONL, exports)
    A1xx  schemas and label configs
    A2xx  spans and offsets
    A3xx  Label Studio (server, auth, projects)
    A4xx  conversion to records and datasets
    A5xx  scoring
    A6xx  extractors
"""

from __future__ import annotations


def shorten(value: object, limit: int = 60) -> str:
    """Return `repr(value)` cut to `limit` characters, for use inside error messages.

    Example:
        >>> shorten("x" * 100, limit=10)
        "'xxxxxx..."
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class AnnotateError(Exception):
    """Base class: a failure caused by the user's input or environment, not a bug."""

    code: str = "A000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        if code is not None:
            self.code = code
        self.message = " ".join(message.split())  # always one line
        super().__init__(f"[{self.code}] {self.message}")


class InputError(AnnotateError):
    """A file or stream we were asked to read is missing, unreadable or malformed."""

    code = "A001"


class SchemaError(AnnotateError):
    """A label config or label inventory is missing, invalid or inconsistent."""

    code = "A101"


class SpanError(AnnotateError):
    """A span's offsets do not fit its text."""

    code = "A201"


class LabelStudioError(AnnotateError):
    """The Label Studio server is unreachable, refused us, or answered something unexpected."""

    code = "A301"


class ConversionError(AnnotateError):
    """An export could not be turned into records, or the accounting does not add up."""

    code = "A401"


class ScoreError(AnnotateError):
    """Gold and predictions cannot be scored together as asked."""

    code = "A501"


class ExtractorError(AnnotateError):
    """An extractor could not be loaded, raised, or returned a malformed record."""

    code = "A601"
