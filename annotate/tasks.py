"""Documents → Label Studio task JSON.

A task is `{"data": {...}}` with `data.text` (what the config's `<Text value="$text">` shows),
`data.doc_id` and the document's metadata. With `unit="paragraph"` each paragraph is its own
task and `data.article_id` / `data.article_offset` map its offsets back into the article:
`article_text[article_offset + start : article_offset + end] == task_text[start:end]`.
"""

from __future__ import annotations

from typing import Any, Iterator, Literal

from annotate.cleaning import Document

Unit = Literal["article", "paragraph"]


def document_to_tasks(document: Document, *, unit: Unit = "article") -> Iterator[dict[str, Any]]:
    """Label Studio tasks for one document (one task, or one per paragraph).

    Example:
        >>> from annotate.cleaning import Document
        >>> doc = Document(id="d1", text="One.\\n\\nTwo.", paragraphs=((0, 4), (6, 10)),
        ...                source_lines=(1, 2), origin="x.txt")
        >>> [t["data"]["doc_id"] for t in document_to_tasks(doc, unit="paragraph")]
        ['d1#p1', 'd1#p2']
    """
    meta = document.metadata()
    if unit == "article":
        yield {
            "data": {
                "text": document.text,
                "doc_id": document.id,
                **meta,
                "paragraphs": [{"start": s, "end": e, "source_line": line}
                               for (s, e), line in zip(document.paragraphs, document.source_lines)],
            }
        }
        return
    for number, ((start, end), line) in enumerate(zip(document.paragraphs, document.source_lines), start=1):
        yield {
            "data": {
                "text": document.text[start:end],
                "doc_id": f"{document.id}#p{number}",
                "article_id": document.id,
                "article_offset": start,
                "paragraph": number,
                "source_line": line,
                **meta,
            }
        }
