"""`annotate convert` and `annotate export`: a Label Studio export → records and a dataset → other formats."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from annotate.cli.app import app
from annotate.cli.common import print_json, say
from annotate.records import DEFAULT_GOLD_RULE, GOLD_RULES


class SchemaChoice(str, Enum):
    entities = "entities"
    quotes = "quotes"
    events = "events"
    news = "news"


GoldRuleChoice = Enum("GoldRuleChoice", {name.replace("-", "_"): name for name in GOLD_RULES}, type=str)  # type: ignore[misc]


class ExportFormat(str, Enum):
    conll = "conll"
    spacy = "spacy"
    jsonl = "jsonl"


@app.command()
def convert(
    export: Path = typer.Argument(..., help="A Label Studio export: a JSON array of tasks, or JSONL."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the dataset, records, rejects and summary into."),
    schema: SchemaChoice = typer.Option(SchemaChoice.news, "--schema", help="The labelling schema of the project."),
    all_annotations: bool = typer.Option(False, "--all-annotations", help="One row per usable annotation (with its annotator) instead of one gold row per task."),
    gold_rule: GoldRuleChoice = typer.Option(DEFAULT_GOLD_RULE, "--gold-rule",
                                             help="How the gold annotation of a task is picked, ground truth always first: "
                                             "latest (updated), most-regions, earliest (created), ground-truth-only."),
    split: Optional[str] = typer.Option(None, "--split", help="Splits by document id hash, e.g. train=0.8,validation=0.1,test=0.1 (default: all train)."),
    json_summary: bool = typer.Option(False, "--json", help="Print the summary as one JSON document on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors."),
) -> None:
    """Convert a Label Studio export into canonical records and a Hugging Face DatasetDict.

    Writes into --out: the dataset (datasets.load_from_disk), one JSONL file of rows per split,
    records.jsonl, alternates/predictions/drafts.jsonl, rejects.jsonl (with reasons), summary.json
    and a dataset card README.md. The accounting (in = out + rejected) is checked.

    \b
    Example:
        annotate convert export.json --out data/news --split train=0.8,validation=0.1,test=0.1
        annotate convert export.json --out data/agreement --all-annotations --json
    """
    from annotate.convert import convert_export, summary_lines

    progress_cb = None
    bar = None
    if not (quiet or json_summary) and sys.stderr.isatty() and export.is_file():
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        bar = Progress("convert", BarColumn(), DownloadColumn(), TimeRemainingColumn(), transient=True)
        task = bar.add_task("convert", total=export.stat().st_size)
        bar.start()

        def progress_cb(done: int) -> None:
            bar.update(task, completed=done)

    try:
        summary = convert_export(export, out, schema=schema.value, gold_rule=gold_rule.value,
                                 all_annotations=all_annotations, split=split, progress=progress_cb)
    finally:
        if bar is not None:
            bar.stop()
    if json_summary:
        print_json(summary.as_dict())
    else:
        for line in summary_lines(summary):
            say(line, quiet=quiet)


@app.command("export")
def export_command(
    dataset: Path = typer.Argument(..., help="A dataset folder written by `annotate convert`."),
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="conll (IOB2, one token a line), spacy (DocBin) or jsonl (records)."),
    out: Path = typer.Option(..., "--out", "-o", help="The file to write; for spacy, a name without .spacy is a folder of .spacy files of 2,000 documents each (flat memory)."),
    split: Optional[List[str]] = typer.Option(None, "--split", help="Only this split (repeatable; default: every split)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors."),
) -> None:
    """Export a converted dataset as CoNLL, spaCy DocBin or JSONL records.

    \b
    Example:
        annotate export data/news --format conll --out news.conll
        annotate export data/news --format spacy --split train --out train.spacy
        annotate export data/news --format spacy --split train --out corpus/train
    """
    from annotate.exporters import export_dataset

    count = export_dataset(dataset, out, fmt=fmt.value, splits=split or None)
    say(f"export: {count} document(s) as {fmt.value} -> {out}", quiet=quiet)
