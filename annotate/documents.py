"""Raw articles → cleaned documents, with the accounting of what was skipped and why.

`iter_documents` streams documents; its `DocumentStats` counts every article read, kept,
rejected (unreadable, or nothing left after cleaning) and skipped as a duplicate, so that
`read == kept + rejected + duplicates` always holds and the caller can report it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from annotate.cleaning import CleaningOptions, Document, clean_article
from annotate.corpus import Article, Reject, read_articles
from annotate.errors import InputError


@dataclass(slots=True)
class DocumentStats:
    """Counts of one run over a corpus; `rejects` keeps each skipped input with its reason."""

    read: int = 0
    kept: int = 0
    duplicate_list: list[Reject] = field(default_factory=list)  # skipped, not errors
    paragraphs_dropped: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return len(self.duplicate_list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def check(self) -> None:
        """Raise if the books do not balance (a bug, not a user error)."""
        if self.read != self.kept + self.rejected + self.duplicates:
            raise AssertionError(f"accounting: read {self.read} != kept {self.kept} + rejected {self.rejected} + duplicates {self.duplicates}")

    def as_dict(self) -> dict[str, object]:
        return {
            "articles_read": self.read,
            "documents": self.kept,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "paragraphs_dropped": dict(sorted(self.paragraphs_dropped.items())),
        }


def iter_documents(
    paths: Iterable[str | Path],
    stats: DocumentStats,
    *,
    options: CleaningOptions = CleaningOptions(),
    stdin: IO[str] | None = None,
    exclude: Iterable[Path] = (),
) -> Iterator[Document]:
    """Clean every article under `paths`; count and keep what is skipped in `stats`.

    An article whose cleaned text is identical to an earlier one is a duplicate (counted, with
    the id it repeats). Two different articles with the same id are an error: ids must be unique.

    Raises:
        InputError: a missing path, an empty folder, or an id given to two different articles.
    """
    articles = read_articles(paths, stdin=stdin, exclude=exclude)  # lists files now, before any output exists
    return _clean_all(articles, stats, options)


def _clean_all(articles: Iterable[Article | Reject], stats: DocumentStats, options: CleaningOptions) -> Iterator[Document]:
    seen_ids: dict[str, tuple[str, str]] = {}  # id -> (origin, text)
    seen_texts: dict[str, str] = {}  # text -> id
    for item in articles:
        stats.read += 1
        if isinstance(item, Reject):
            stats.rejects.append(item)
            continue
        document = clean_article(item, options)
        for dropped in document.dropped:
            stats.paragraphs_dropped[dropped.reason] = stats.paragraphs_dropped.get(dropped.reason, 0) + 1
        if not document.text:
            stats.rejects.append(Reject(item.origin, "has nothing left to annotate after cleaning; see `annotate clean --explain`."))
            continue
        if document.text in seen_texts:
            stats.duplicate_list.append(Reject(item.origin, f"duplicate: same text as document {seen_texts[document.text]!r}"))
            continue
        if document.id in seen_ids:
            other_origin, _ = seen_ids[document.id]
            raise InputError(
                f"{item.origin}: id {document.id!r} is already used by {other_origin}; give each article a unique id."
            )
        seen_ids[document.id] = (item.origin, document.text)
        seen_texts[document.text] = document.id
        stats.kept += 1
        yield document
