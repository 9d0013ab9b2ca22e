"""The Typer application every command module registers on; user errors become one line and exit 1."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from annotate.errors import AnnotateError


class _Group(TyperGroup):
    """Maps `AnnotateError` to `annotate: error: [Axxx] message` on stderr and exit code 1."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except AnnotateError as error:
            print(f"annotate: error: {error}", file=sys.stderr)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="annotate",
    help="Build and score NLP datasets from news: Label Studio tasks for entities, quotes and events, "
    "Hugging Face datasets from the annotations, and reference-exact scorers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def version_callback(value: bool) -> None:
    if value:
        from annotate import __version__

        print(f"annotate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True, help="Print the version and exit."),
) -> None:
    """Build and score NLP datasets from news."""
