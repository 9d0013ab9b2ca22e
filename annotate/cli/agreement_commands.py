"""`annotate agree`, `annotate disagreements` and `annotate adjudicate`: annotators against each other.

Heavy imports (sklearn, krippendorff, spaCy, the SDK) happen inside the commands.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional

import typer

from annotate.cli.app import app
from annotate.cli.common import TaskChoice, dumps_line, open_output, print_json, say

INPUT_HELP = (
    "One row per annotation, with its annotator: a records JSONL or dataset folder written by "
    "`annotate convert --all-annotations`, or a Label Studio export (every annotation is read)."
)


_opt_schema = typer.Option("news", "--schema", help="The schema of the project, when INPUT is a Label Studio export.")
_opt_quiet = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors.")


def read_annotation_rows(path: Path, *, schema: str = "news") -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rows (one per annotation) from records or a Label Studio export; with what the converter rejected.

    Records (JSONL or a dataset folder) are read by `annotate.recordio.read_records`; an export is
    converted here with every annotation kept, so that the converter's rejects can be counted.
    """
    from annotate.convert import ConversionStats, iter_conversion, looks_like_export, read_export
    from annotate.errors import InputError
    from annotate.recordio import read_records
    from annotate.schema import load_schema

    if not path.exists():
        raise InputError(f"{path}: no such file or folder; give records (JSONL or a dataset folder) or a Label Studio export.")
    if looks_like_export(path):
        stats = ConversionStats()
        rows = [
            output.record
            for output in iter_conversion(read_export(path), schema=load_schema(schema), all_annotations=True, stats=stats)
            if output.destination == "records" and output.record is not None
        ]
        rejected = {f"{level} rejects": sum(counter.values()) for level, counter in stats.rejects.items() if sum(counter.values())}
        return rows, rejected
    return list(read_records(path)), {}


def _report_input(where: Path, rows: int, rejected: dict[str, int], report: Any, *, quiet: bool) -> None:
    notes = []
    if rejected:
        notes.append("the converter set aside " + ", ".join(f"{n} {k}" for k, n in rejected.items())
                     + f" (run `annotate convert {where} --all-annotations` for the reasons)")
    if report.duplicates:
        notes.append(f"{len(report.duplicates)} earlier annotation(s) by the same annotator of the same task ignored, the last kept")
    if report.documents and report.alpha.tasks == 0:
        notes.append("no task has two or more annotators, so there is nothing to compare; if INPUT was converted without "
                     "--all-annotations (one gold row per task), convert the export again with it, or give the export itself")
    if report.not_human:
        notes.append("left out, not human annotations: " + ", ".join(f"{n} {k}(s)" for k, n in sorted(report.not_human.items())))
    for note in notes:
        say(f"annotate: note: {note}", quiet=quiet)


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


@app.command()
def agree(
    input: Path = typer.Argument(..., help=INPUT_HELP),
    task: TaskChoice = typer.Option(TaskChoice.entities, "--task", help="What to compare: entities, quotes (content, speaker, cue) or events (triggers, argument roles)."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Adjudicated gold records (JSONL, dataset folder or export): score each annotator against it with the scorer (the human ceiling)."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write a page with the annotator x annotator heat maps here."),
    add_to_report: Optional[Path] = typer.Option(None, "--add-to-report", help="Add the heat maps as a section to this HTML report of `annotate score --html` (replacing one added before)."),
    labels: bool = typer.Option(False, "--labels", help="Also print, for every pair, the per-label F1 and kappa."),
    schema: str = _opt_schema,
    json_output: bool = typer.Option(False, "--json", help="Print every figure as one JSON document on stdout."),
    quiet: bool = _opt_quiet,
) -> None:
    """Agreement between annotators: pairwise span F1, Cohen's kappa, Krippendorff's alpha.

    For every pair of annotators, on the tasks both annotated: span F1 (strict and overlap),
    Cohen's kappa on aligned token labels; over all annotators: Krippendorff's alpha (nominal, on
    token labels). Per label and overall, with the number of shared tasks behind each figure.
    See docs/agreement.md for the definitions.

    \b
    Example:
        annotate convert export.json --all-annotations --out data/all
        annotate agree data/all --task entities
        annotate agree export.json --task quotes --json
        annotate agree data/all --gold data/adjudicated --html agreement.html
        annotate agree data/all --add-to-report report.html
    """
    from annotate import __version__
    from annotate.metrics.agreement import agreement, pooled
    from annotate.metrics.annotations import group_annotations
    from annotate.metrics.ceiling import human_ceiling
    from annotate.metrics.run import sha256_of
    from annotate.reports.agreement import add_to_page, agreement_html, agreement_page

    rows, rejected = read_annotation_rows(input, schema=schema)
    annotations = group_annotations(rows, where=str(input))
    report = agreement(annotations, task=task.value)
    _report_input(input, len(rows), rejected, report, quiet=quiet or json_output)
    ceiling = None
    if gold is not None:
        gold_rows, _ = read_annotation_rows(gold, schema=schema)
        ceiling = human_ceiling(annotations, _gold_only(gold_rows), task=task.value)
    if html is not None:
        with open_output(html) as stream:
            stream.write(agreement_page(report, title=f"Annotator agreement: {input.name}"))
    if add_to_report is not None:
        from annotate.errors import InputError

        try:
            page = add_to_report.read_text(encoding="utf-8")
            add_to_report.write_text(add_to_page(page, agreement_html(report)), encoding="utf-8")
        except InputError as error:
            raise InputError(f"{add_to_report}: {error.message}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{add_to_report}: cannot be read and rewritten ({exc}); give the HTML file of `annotate score --html`.") from None
    if json_output:
        document = {
            "manifest": {"tool": "annotate agree", "version": __version__, "input": str(input), "sha256": sha256_of(input),
                         "task": task.value, "converter_rejects": rejected},
            **report.to_dict(),
            "pooled": {"strict": pooled(report, "strict").to_dict(), "overlap": pooled(report, "overlap").to_dict()},
            "human_ceiling": None if ceiling is None else [row.to_dict() for row in ceiling],
        }
        print_json(document)
        return
    _print_tables(report, ceiling, labels=labels)
    if html is not None:
        say(f"agree: heat maps written to {html}", quiet=quiet)
    if add_to_report is not None:
        say(f"agree: heat maps added to {add_to_report}", quiet=quiet)


def _gold_only(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One gold record per document: the last row of each id (a gold file has one anyway)."""
    by_id: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_id[str(row["id"])] = row
    return list(by_id.values())


def _print_tables(report: Any, ceiling: Any, *, labels: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from annotate.metrics.agreement import pooled

    console = Console(file=sys.stdout, width=max(100, Console().width))
    console.print(
        f"[bold]{report.task}[/bold]: {len(report.annotators)} annotator(s), {report.documents} document(s), "
        f"{report.rows} row(s)"
    )
    pairs = Table(title="Pairs of annotators (on their shared tasks)")
    for column in ("A", "B", "shared tasks", "tokens", "strict F1", "overlap F1", "kappa"):
        pairs.add_column(column, justify="left" if column in ("A", "B") else "right", overflow="fold")
    for pair in report.pairs:
        pairs.add_row(pair.a, pair.b, str(pair.shared_tasks), str(pair.tokens),
                      _f(pair.strict.overall.f1 if pair.strict else None),
                      _f(pair.overlap.overall.f1 if pair.overlap else None), _f(pair.kappa))
    console.print(pairs)

    strict, overlap = pooled(report, "strict"), pooled(report, "overlap")
    alpha = report.alpha
    by_label = Table(title="Per label",
                     caption=f"alpha: all annotators, {alpha.tasks} task(s) with 2+ annotators, {alpha.units} tokens; "
                     "span F1: pooled over the pairs")
    for column in ("label", "alpha", "strict F1", "overlap F1", "spans"):
        by_label.add_column(column, justify="left" if column == "label" else "right")
    for label in report.labels:
        s, o = strict.per_label.get(label), overlap.per_label.get(label)
        by_label.add_row(label, _f(alpha.per_label.get(label)), _f(s.f1 if s else None), _f(o.f1 if o else None),
                         str((s.a + s.b) if s else 0))
    by_label.add_row("[bold]overall[/bold]", _f(alpha.overall), _f(strict.overall.f1), _f(overlap.overall.f1),
                     str(strict.overall.a + strict.overall.b), end_section=True)
    console.print(by_label)

    if labels:
        for pair in report.pairs:
            if not pair.shared_tasks:
                continue
            detail = Table(title=f"{pair.a} x {pair.b}: {pair.shared_tasks} shared task(s)")
            for column in ("label", "strict F1", "overlap F1", "kappa", "spans A", "spans B"):
                detail.add_column(column, justify="left" if column == "label" else "right")
            for label in sorted(set(pair.strict.per_label) | set(pair.kappa_per_label)):
                s = pair.strict.per_label.get(label)
                o = pair.overlap.per_label.get(label)
                detail.add_row(label, _f(s.f1 if s else None), _f(o.f1 if o else None), _f(pair.kappa_per_label.get(label)),
                               str(s.a if s else 0), str(s.b if s else 0))
            console.print(detail)

    if report.annotators_without_shared_tasks:
        console.print("No shared task (no pairwise figures): " + ", ".join(report.annotators_without_shared_tasks))

    if ceiling is not None:
        others = list(dict.fromkeys(m for row in ceiling for m in row.other_f1))
        main = ceiling[0].measure if ceiling else ""
        human = Table(title=f"Human ceiling: each annotator against the adjudicated gold ({main}, the scorer's measures)")
        for column in ("annotator", "tasks", "precision", "recall", "F1", *(f"{m} F1" for m in others)):
            human.add_column(column, justify="left" if column == "annotator" else "right")
        for row in ceiling:
            human.add_row(row.annotator, str(row.tasks), _f(row.precision), _f(row.recall), _f(row.f1),
                          *(_f(row.other_f1.get(m)) for m in others))
        console.print(human)


@app.command()
def disagreements(
    input: Path = typer.Argument(..., help=INPUT_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Write the disagreements here as JSONL: one line per task, most disputed first."),
    task: Optional[List[TaskChoice]] = typer.Option(None, "--task", help="Which layers to compare (repeatable; default: entities, quotes and events)."),
    top: int = typer.Option(10, "--top", help="How many tasks to list on the terminal."),
    schema: str = _opt_schema,
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
    quiet: bool = _opt_quiet,
) -> None:
    """List, per task, the spans on which annotators differ: missing, boundary, type; quote speakers and cues; event roles.

    Each line of --out is one task: its annotators and its disagreements, each with the layer
    (entity, quote, speaker, cue, trigger, argument), the kinds (missing, boundary, type, role),
    the text and every annotator's version, most contested first.

    \b
    Example:
        annotate disagreements data/all --out disagreements.jsonl
        annotate disagreements export.json --task entities --out ents.jsonl --top 5
    """
    from collections import Counter

    from annotate.disagreements import disagreements as find
    from annotate.metrics.annotations import group_annotations

    tasks = tuple(t.value for t in task) if task else ("entities", "quotes", "events")
    rows, rejected = read_annotation_rows(input, schema=schema)
    annotations = group_annotations(rows, where=str(input))
    found = find(annotations, tasks=tasks)  # type: ignore[arg-type]
    with open_output(out) as stream:
        for item in found:
            stream.write(dumps_line(item.to_dict()))
    shared = sum(1 for by in annotations.documents.values() if len(by) >= 2)
    kinds: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    for item in found:
        for d in item.items:
            layers[d.layer] += 1
            kinds.update(d.kinds)
    summary = {"tasks_compared": shared, "tasks_with_disagreements": len(found), "disagreements": sum(layers.values()),
               "by_layer": dict(sorted(layers.items())), "by_kind": dict(sorted(kinds.items())), "out": str(out),
               "converter_rejects": rejected, "duplicates": len(annotations.duplicates),
               "not_human": dict(annotations.not_human)}
    if json_output:
        print_json(summary)
        return
    say(f"disagreements: {len(found)} of {shared} task(s) with two or more annotators disagree; "
        f"{summary['disagreements']} disagreement(s) by layer {dict(layers)}, by kind {dict(kinds)} -> {out}", quiet=quiet)
    for item in found[:top]:
        print(f"{item.id}: {len(item.items)} disagreement(s) among {', '.join(item.annotators)}")
        for d in item.items[:5]:
            versions = "; ".join(
                f"{name}: " + (", ".join(f"{d.text_of(s)!r} {s.label}" for s in spans) or "-") for name, spans in d.versions.items()
            )
            print(f"  {d.layer:<8} {'/'.join(d.kinds):<16} [{d.start}, {d.end}) {versions}")
        if len(item.items) > 5:
            print(f"  ... {len(item.items) - 5} more in {out}")


_opt_url = typer.Option(None, "--url", help="Label Studio URL (default: $LABEL_STUDIO_URL, else the local server of scripts/labelstudio).")
_opt_token = typer.Option(None, "--token", help="API token (default: $LABEL_STUDIO_API_KEY, else the local server's credentials). Prefer the variable.")


@app.command()
def adjudicate(
    project: str = typer.Option(..., "--project", help="The annotated project (id or title) whose disagreements are to be resolved."),
    into: str = typer.Option(..., "--into", help="Title of the review project to create, or to update: new disputed tasks added, unreviewed ones refreshed."),
    task: Optional[List[TaskChoice]] = typer.Option(None, "--task", help="Which layers count as disputed (repeatable; default: all three)."),
    agreed_out: Optional[Path] = typer.Option(None, "--agreed-out", help="Write the records of the tasks everyone agreed on here (JSONL): the gold of the tasks not sent."),
    work_dir: Optional[Path] = typer.Option(None, "--work-dir", help="Keep the source project's raw export here (default: a temporary folder)."),
    url: Optional[str] = _opt_url,
    token: Optional[str] = _opt_token,
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
    quiet: bool = _opt_quiet,
) -> None:
    """Send the disputed tasks of a project to a review project, with every annotator's version.

    Each disputed task goes to the review project with one prediction per annotator
    (model_version = the annotator) and a merged proposal (model_version = majority: each span
    that more than half of the annotators marked). A reviewer accepts or fixes it in the UI;
    `annotate pull --project TITLE` then gives the adjudicated gold. Tasks on which everyone
    agreed are not sent. Re-running adds the disputed tasks not yet in the review project and
    refreshes the predictions of those no reviewer has touched when the annotators have changed
    their work; tasks a reviewer annotated (or skipped, or drafted) are left alone.

    \b
    Example:
        annotate adjudicate --project "News" --into "News: review"
        annotate pull --project "News: review" --out data/adjudicated
    """
    import tempfile

    from annotate.adjudicate import adjudicate_project
    from annotate.labelstudio import LabelStudioClient, resolve_connection

    tasks = tuple(t.value for t in task) if task else ("entities", "quotes", "events")
    client = LabelStudioClient(resolve_connection(url, token))
    show = not quiet and not json_output and sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix="annotate-adjudicate-") as tmp, _status(show) as update:
        result = adjudicate_project(client, project, into, tasks=tasks, work_dir=work_dir or Path(tmp),  # type: ignore[arg-type]
                                    on_progress=update)
    if agreed_out is not None:
        with open_output(agreed_out) as stream:
            for record in result.agreed_records:
                stream.write(dumps_line(record))
    if json_output:
        print_json(result.as_dict())
        return
    say(
        f"adjudicate: {result.tasks} task(s) in project {result.source_title!r}: {result.multi_annotated} with two or more "
        f"annotators, {result.disputed} disputed, {result.agreed} agreed (not sent), {result.single} with one annotator or none "
        f"(not sent); {result.imported} imported into {result.review_title!r}"
        + (f"; already there: {result.refreshed} refreshed, {result.unchanged} unchanged, "
           f"{result.left_reviewed} left as reviewed" if result.already_there else "")
        + f" -> {result.review_url}",
        quiet=quiet,
    )


@contextmanager
def _status(enabled: bool) -> Iterator[Callable[[str, int], None]]:
    """A spinner on stderr: the export's state, then the tasks imported."""
    if not enabled:
        yield lambda state, n: None
        return
    from rich.console import Console

    with Console(stderr=True).status("exporting the source project") as status:
        def update(state: str, n: int) -> None:
            if state == "importing":
                status.update(f"importing disputed tasks: {n}")
            else:
                status.update(f"export {state}" + (f": {n / 1e6:.1f} MB" if n else ""))

        yield update
