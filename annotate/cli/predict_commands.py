"""`annotate predict`: run an extractor over documents and write its records as JSONL."""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from annotate.cli.app import app
from annotate.cli.common import default_rejects_path, dumps_line, open_output, print_json, say


class InputFormat(str, Enum):
    auto = "auto"
    corpus = "corpus"
    tasks = "tasks"
    records = "records"


EXTRACTOR_HELP = (
    "baseline (entities, quotes, events), baseline-entities, baseline-quotes, baseline-events, "
    "spacy:PIPELINE (an installed package or a folder) or module:function (your own; file.py:function works too)."
)


@app.command()
def predict(
    input_path: Path = typer.Argument(..., metavar="INPUT", help="A corpus folder or article file, a tasks file (Label Studio tasks, JSONL or JSON), or records (JSONL, or a dataset folder)."),
    extractor: str = typer.Option(..., "--extractor", "-e", help=EXTRACTOR_HELP),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Where the predicted records go, as JSONL (default: stdout)."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format", help="How to read INPUT; auto tells corpus, tasks and records apart."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Documents handed to the extractor per call."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Where failed documents go with their reasons (default: beside --out)."),
    allow_rejects: bool = typer.Option(False, "--allow-rejects", help="Exit 0 even when some documents failed."),
    json_summary: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout (needs --out)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors."),
) -> None:
    """Run an extractor over documents and write one predicted record per document.

    A document on which the extractor raises or returns a malformed record is reported on one
    line, written to the rejects file, and the run goes on; the exit code is 1 at the end.

    \b
    Example:
        annotate predict corpora/news --extractor baseline --out preds.jsonl
        annotate predict tasks.jsonl --extractor spacy:en_core_web_sm --out preds.jsonl --json
        annotate predict data/news --extractor my_ner:extract --out preds.jsonl
    """
    from annotate.documents import DocumentStats
    from annotate.extractors import load_extractor
    from annotate.extractors.run import Failure, run_extractor
    from annotate.extractors.sources import InputKind, detect_input, iter_sources

    if json_summary and (out is None or str(out) == "-"):
        raise typer.BadParameter("--json prints the summary on stdout, so the records need --out.", param_hint="--json / --out")
    began = time.monotonic()
    kind: InputKind = detect_input(input_path) if input_format is InputFormat.auto else input_format.value
    stats = DocumentStats()
    sources = list(iter_sources(input_path, kind, stats))
    extract = load_extractor(extractor)
    failures: list[Failure] = []
    counts = {"entities": 0, "quotes": 0, "events": 0}
    written = 0
    show_progress = not (quiet or json_summary) and sys.stderr.isatty()
    with open_output(out) as stream, _progress(show_progress, len(sources), extractor) as advance:
        for result in run_extractor(extract, sources, name=extractor, batch_size=batch_size):
            if isinstance(result, Failure):
                failures.append(result)
                say(f"annotate: rejected: {result.message()}")
            else:
                stream.write(dumps_line(result))
                written += 1
                for key in counts:
                    counts[key] += len(result[key])
            advance()
    rejects_path = rejects or default_rejects_path(out)
    skipped = [{"id": None, "origin": r.origin, "reason": r.reason} for r in stats.rejects]
    skipped += [{"id": f.id, "origin": f.origin, "reason": f.reason} for f in failures]
    for reject in stats.rejects:
        say(f"annotate: rejected: {reject.message()}")
    if skipped:
        with open_output(rejects_path) as stream:
            for row in skipped:
                stream.write(dumps_line(row))
    summary: dict[str, Any] = {
        "extractor": extractor,
        "input": str(input_path),
        "input_format": kind,
        "documents": len(sources),
        "predicted": written,
        "failed": len(failures),
        "inputs_rejected": stats.rejected,
        **counts,
        "out": str(out) if out else "-",
        "rejects": str(rejects_path) if skipped else None,
        "seconds": round(time.monotonic() - began, 3),
    }
    if json_summary:
        print_json(summary)
    else:
        say(
            f"predict: {written} of {len(sources)} document(s) with {extractor}: {counts['entities']} entities, "
            f"{counts['quotes']} quotes, {counts['events']} events; {len(failures)} failed"
            + (f"; rejects in {rejects_path}" if skipped else "") + (f" -> {out}" if out else ""),
            quiet=quiet,
        )
    if skipped and not allow_rejects:
        raise typer.Exit(1)


class _progress:
    """A Rich progress bar on stderr when asked, else a no-op; `__enter__` returns `advance()`."""

    def __init__(self, enabled: bool, total: int, label: str) -> None:
        self.enabled, self.total, self.label = enabled, total, label
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task(f"predict {self.label}", total=self.total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
