"""`annotate push` and `annotate pull`: tasks into a Label Studio project, annotations back out.

The SDK (and httpx) are imported inside the commands so that `annotate --help` stays fast.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import typer

from annotate.cli.app import app
from annotate.cli.common import print_json, say

_opt_url = typer.Option(None, "--url", help="Label Studio URL (default: $LABEL_STUDIO_URL, else the local server of scripts/labelstudio).")
_opt_token = typer.Option(
    None, "--token",
    help="API token: a legacy token or a personal access token (default: $LABEL_STUDIO_API_KEY, else the local "
    "server's .labelstudio/credentials.json). Prefer the variable: flags show in the process list.",
)


def _client(url: Optional[str], token: Optional[str]) -> Any:
    from annotate.labelstudio import LabelStudioClient, resolve_connection

    return LabelStudioClient(resolve_connection(url, token))


@contextmanager
def _progress(enabled: bool, description: str) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """(set_total, advance) callbacks drawing a rich bar on stderr, or doing nothing."""
    if not enabled:
        yield (lambda total: None), (lambda n: None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task_id = bar.add_task(description, total=None)
        yield (lambda total: bar.update(task_id, total=total)), (lambda n: bar.advance(task_id, n))


@app.command()
def push(
    tasks_file: Path = typer.Argument(..., help="Tasks file from `annotate tasks` (JSONL, or a JSON array).", exists=False),
    project: str = typer.Option(..., "--project", help="Project title: created if missing, reused if it exists."),
    schema: str = typer.Option("news", "--schema", help="Label config: entities, quotes, events, news, or a path to a .xml config."),
    batch_size: int = typer.Option(250, "--batch-size", min=1, max=5000, help="Tasks per import request."),
    force_config: bool = typer.Option(False, "--force-config", help="Replace the label config even when the project already has annotations."),
    url: Optional[str] = _opt_url,
    token: Optional[str] = _opt_token,
    json_summary: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages or progress on stderr but errors."),
) -> None:
    """Import tasks into a Label Studio project, once each (matched on data.doc_id).

    Re-running the same push imports nothing twice; a push cut short (server stopped, network
    error) is finished by running it again. Predictions in the tasks are imported with their
    model_version.

    \b
    Example:
        scripts/labelstudio start
        annotate tasks corpora/news --schema news --out tasks.jsonl
        annotate push tasks.jsonl --project "News" --schema news
    """
    from annotate.push import push_tasks

    client = _client(url, token)
    show = not quiet and not json_summary and sys.stderr.isatty()
    with _progress(show, "importing") as (set_total, advance):
        result = push_tasks(client, tasks_file, title=project, schema=schema, batch_size=batch_size,
                            force_config=force_config, on_start=lambda total, todo: set_total(todo), on_batch=advance)
    if json_summary:
        print_json(result.as_dict())
        return
    verb = "created" if result.created else "reused"
    config = ", label config updated" if result.config_updated else ""
    say(
        f"push: {result.imported} task(s) imported ({result.predictions} prediction(s)), {result.already_there} already there, "
        f"{result.duplicates_in_file} duplicate doc_id(s) in the file; project {result.title!r} {verb}{config}, "
        f"{result.tasks_in_project} task(s) in it",
        quiet=quiet,
    )
    print(result.url)


@app.command()
def pull(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for export.json (the raw export) and the converted dataset."),
    project: Optional[str] = typer.Option(None, "--project", help="Project id or title on the server."),
    from_file: Optional[Path] = typer.Option(None, "--from-file", help="An export downloaded from the UI (JSON or JSONL) instead of the server."),
    raw_only: bool = typer.Option(False, "--raw-only", help="Only save the raw export; do not convert it."),
    schema: str = typer.Option("news", "--schema", help="The schema the project uses (entities, quotes, events, news), for the converter."),
    url: Optional[str] = _opt_url,
    token: Optional[str] = _opt_token,
    json_summary: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors."),
) -> None:
    """Export every task with its annotations, predictions and drafts, and convert it.

    The raw export (OUT/export.json) is kept: it is the source of truth. A snapshot export is
    streamed to disk, so memory stays flat however large the project is.

    \b
    Example:
        annotate pull --project "News" --out data/news
        annotate pull --from-file ~/Downloads/project-1-at-2025.json --out data/news
    """
    from annotate.pull import pull_file, pull_project

    if (project is None) == (from_file is None):
        raise typer.BadParameter("give exactly one of --project and --from-file.", param_hint="--project / --from-file")
    if from_file is not None and (url or token):
        raise typer.BadParameter("--url / --token talk to a server; --from-file reads a file.", param_hint="--from-file / --url")
    if from_file is not None:
        result = pull_file(from_file, out, raw_only=raw_only, schema=schema)
    else:
        client = _client(url, token)
        show = not quiet and not json_summary and sys.stderr.isatty()
        with _status(show) as update:
            result = pull_project(client, project or "", out, raw_only=raw_only, on_progress=update, schema=schema)
    if json_summary:
        print_json(result.as_dict())
        return
    if not raw_only and result.converter is None:
        say("pull: the converter (annotate.convert.convert_export) is not there yet: kept the raw export only, as --raw-only",
            quiet=quiet)
    converted = f"; converted by {result.converter}: {_describe(result.converted)}" if result.converter else ""
    say(
        f"pull: {result.tasks} task(s), {result.annotations} annotation(s), {result.predictions} prediction(s), "
        f"{result.drafts} draft(s) from {result.source} -> {result.export_path} ({result.bytes} bytes){converted}",
        quiet=quiet,
    )


@contextmanager
def _status(enabled: bool) -> Iterator[Callable[[str, int], None]]:
    """A spinner on stderr showing the export's state and the bytes downloaded."""
    if not enabled:
        yield lambda state, size: None
        return
    from rich.console import Console

    with Console(stderr=True).status("exporting") as status:
        yield lambda state, size: status.update(f"export {state}" + (f": {size / 1e6:.1f} MB" if size else ""))


def _describe(converted: Any) -> str:
    """A short account of what the converter returned: the files it wrote, if it says so."""
    files = getattr(converted, "files", None)
    if isinstance(files, dict):
        return ", ".join(f"{name} ({count})" for name, count in files.items())
    text = " ".join(str(converted).split())
    return text if len(text) <= 200 else text[:197] + "..."
