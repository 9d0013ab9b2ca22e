"""The `annotate` command line: a thin layer over the library, one module per group of commands.

Command modules import heavy libraries (datasets, sklearn, spaCy) inside the command functions,
so that `annotate --help` stays fast.
"""

from __future__ import annotations

from annotate.cli import corpus_commands  # noqa: F401  (registers clean, tasks)
from annotate.cli import dataset_commands  # noqa: F401  (registers convert, export)
from annotate.cli import labelstudio_commands  # noqa: F401  (registers push, pull)
from annotate.cli import agreement_commands  # noqa: F401  (registers agree, disagreements, adjudicate)
from annotate.cli import predict_commands  # noqa: F401  (registers predict)
from annotate.cli import score_commands  # noqa: F401  (registers score, compare)
from annotate.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
