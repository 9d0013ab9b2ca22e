"""`annotate clean` and `annotate tasks`: raw articles → cleaned documents → Label Studio tasks."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer

from annotate.cleaning import CleaningOptions, Document
from annotate.cli.app import app
from annotate.cli.common import default_rejects_path, dumps_line, open_output, print_json, say
from annotate.documents import DocumentStats, iter_documents
from annotate.schema import load_schema


class SchemaChoice(str, Enum):
    entities = "entities"
    quotes = "quotes"
    events = "events"
    news = "news"


class UnitChoice(str, Enum):
    article = "article"
    paragraph = "paragraph"


class TaskFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"


PATHS_HELP = "Folders of .txt/.jsonl articles, files, or - for JSONL on stdin."
_opt_keep_banners = typer.Option(False, "--keep-banners", help="Keep cookie/consent banners in the text.")
_opt_keep_duplicates = typer.Option(False, "--keep-duplicates", help="Keep repeated paragraphs (a page that repeats its body).")
_opt_keep_captions = typer.Option(False, "--keep-captions", help="Keep photo captions in the text (else: metadata only).")
_opt_rejects = typer.Option(None, "--rejects", help="Where skipped inputs go with their reasons (default: beside --out).")
_opt_allow_rejects = typer.Option(False, "--allow-rejects", help="Exit 0 even when some inputs were rejected.")
_opt_keep_credits = typer.Option(False, "--keep-credits", help="Keep credit lines such as '(With input from Xinhua)' in the text.")


def _options(keep_banners: bool, keep_duplicates: bool, keep_captions: bool, keep_credits: bool) -> CleaningOptions:
    return CleaningOptions(
        drop_banners=not keep_banners,
        drop_duplicates=not keep_duplicates,
        captions_to_metadata=not keep_captions,
        credits_to_metadata=not keep_credits,
    )


def _finish(stats: DocumentStats, *, rejects_path: Path, allow_rejects: bool, quiet: bool) -> None:
    """Report and keep rejects and skipped duplicates; exit 1 when anything was rejected."""
    stats.check()
    for reject in stats.rejects:
        say(f"annotate: rejected: {reject.message()}", quiet=False)
    skipped = stats.rejects + stats.duplicate_list
    if skipped:
        with open_output(rejects_path) as out:
            for reject in skipped:
                out.write(dumps_line({"origin": reject.origin, "reason": reject.reason, "raw": reject.raw}))
        say(f"{len(skipped)} skipped input(s) kept with their reasons in {rejects_path}", quiet=quiet)
    if stats.rejects and not allow_rejects:
        raise typer.Exit(1)


def _summary_line(stats: DocumentStats) -> str:
    drops = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.paragraphs_dropped.items())) or "none"
    return (
        f"{stats.read} article(s) read: {stats.kept} document(s), {stats.rejected} rejected, "
        f"{stats.duplicates} duplicate(s) skipped; paragraphs dropped: {drops}"
    )


@app.command()
def tasks(
    paths: List[str] = typer.Argument(..., help=PATHS_HELP),
    schema: SchemaChoice = typer.Option(SchemaChoice.news, "--schema", help="The labelling schema the tasks are for."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    output_format: TaskFormat = typer.Option(TaskFormat.jsonl, "--format", help="jsonl (one task a line) or json (an array, for Label Studio's file upload)."),
    unit: UnitChoice = typer.Option(UnitChoice.article, "--unit", help="One task per article, or per paragraph (with offsets into the article)."),
    keep_banners: bool = _opt_keep_banners,
    keep_duplicates: bool = _opt_keep_duplicates,
    keep_captions: bool = _opt_keep_captions,
    keep_credits: bool = _opt_keep_credits,
    rejects: Optional[Path] = _opt_rejects,
    allow_rejects: bool = _opt_allow_rejects,
    prelabel: Optional[str] = typer.Option(None, "--prelabel", help="Attach this extractor's records as Label Studio predictions (baseline, spacy:PIPELINE, module:function; see annotate predict)."),
    json_summary: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout (needs --out)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors."),
) -> None:
    """Turn raw news articles into Label Studio tasks (cleaned, with metadata).

    \b
    Example:
        annotate tasks corpora/news --schema quotes --out tasks.jsonl
        annotate tasks corpora/news --unit paragraph --format json --out tasks.json
    """
    from annotate.tasks import document_to_tasks

    if json_summary and out is None:
        raise typer.BadParameter("--json prints the summary on stdout, so the tasks need --out.", param_hint="--json / --out")
    load_schema(schema.value)  # fails early on a broken inventory
    stats = DocumentStats()
    rejects_path = rejects or default_rejects_path(out)
    documents = iter_documents(
        paths, stats, options=_options(keep_banners, keep_duplicates, keep_captions, keep_credits),
        exclude=[p for p in (out, rejects_path) if p is not None],
    )
    count = 0
    with open_output(out) as stream:
        if output_format is TaskFormat.json:
            stream.write("[\n")
        task_stream: Iterator[dict[str, Any]] = (task for document in documents for task in document_to_tasks(document, unit=unit.value))
        prelabel_failures: list[str] = []
        if prelabel:
            from annotate.prelabel import prelabel_tasks

            task_stream = prelabel_tasks(task_stream, prelabel, schema=load_schema(schema.value), failures=prelabel_failures)
        for task in task_stream:
            line = dumps_line(task)
            if output_format is TaskFormat.json:
                line = ("" if count == 0 else ",\n") + "  " + line.rstrip("\n")
            stream.write(line)
            count += 1
        if output_format is TaskFormat.json:
            stream.write("\n]\n")
    summary = {"tasks": count, "schema": schema.value, "unit": unit.value, "out": str(out) if out else "-", **stats.as_dict()}
    if prelabel:
        summary.update(prelabel=prelabel, prelabel_failed=len(prelabel_failures))
    for failure in prelabel_failures:
        say(f"annotate: prelabel failed: {failure}")
    if json_summary:
        print_json(summary)
    else:
        say(f"tasks: {count} task(s) for schema {schema.value}; {_summary_line(stats)}" + (f" -> {out}" if out else ""), quiet=quiet)
    _finish(stats, rejects_path=rejects_path, allow_rejects=allow_rejects, quiet=quiet)
    if prelabel_failures and not allow_rejects:
        raise typer.Exit(1)


def _document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "text": document.text,
        "paragraphs": [{"start": s, "end": e, "source_line": line} for (s, e), line in zip(document.paragraphs, document.source_lines)],
        **document.metadata(),
        "dropped": [{"line": d.line, "reason": d.reason, "detail": d.detail, "text": d.text} for d in document.dropped],
    }


def _explain(document: Document) -> Iterator[str]:
    yield f"{document.id} ({document.origin}): kept {len(document.paragraphs)} paragraph(s), {len(document.text)} characters"
    for dropped in document.dropped:
        detail = f" ({dropped.detail})" if dropped.detail else ""
        preview = dropped.text if len(dropped.text) <= 70 else dropped.text[:67] + "..."
        yield f"  line {dropped.line:>4}  dropped {dropped.reason}{detail}: {preview}"
    for caption in document.captions:
        yield f"  metadata caption: {caption[:70]}"
    for credit in document.credits:
        yield f"  metadata credit: {credit}"


@app.command()
def clean(
    paths: List[str] = typer.Argument(..., help=PATHS_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write cleaned documents as JSONL here."),
    explain: bool = typer.Option(True, "--explain/--no-explain", help="Show, per article, what was dropped and why."),
    keep_banners: bool = _opt_keep_banners,
    keep_duplicates: bool = _opt_keep_duplicates,
    keep_captions: bool = _opt_keep_captions,
    keep_credits: bool = _opt_keep_credits,
    rejects: Optional[Path] = _opt_rejects,
    allow_rejects: bool = _opt_allow_rejects,
    json_output: bool = typer.Option(False, "--json", help="Print the cleaned documents (with what was dropped) as one JSON document."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors."),
) -> None:
    """Clean raw articles and show what was dropped and why (banners, captions, credits, repeats).

    \b
    Example:
        annotate clean corpora/news
        annotate clean corpora/news --out documents.jsonl --no-explain
    """
    stats = DocumentStats()
    rows: list[dict[str, Any]] = []
    rejects_path = rejects or default_rejects_path(out)
    documents = iter_documents(
        paths, stats, options=_options(keep_banners, keep_duplicates, keep_captions, keep_credits),
        exclude=[p for p in (out, rejects_path) if p is not None],
    )
    with (open_output(out) if out else _null()) as stream:
        for document in documents:
            if stream is not None:
                stream.write(dumps_line(_document_row(document)))
            if json_output:
                rows.append(_document_row(document))
            elif explain:
                for line in _explain(document):
                    print(line)
    if json_output:
        print_json({"documents": rows, "summary": stats.as_dict()})
    else:
        say(f"clean: {_summary_line(stats)}" + (f" -> {out}" if out else ""), quiet=quiet)
    _finish(stats, rejects_path=rejects_path, allow_rejects=allow_rejects, quiet=quiet)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None

