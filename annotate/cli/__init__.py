"""The `annotate` command line: a thin layer over the library, one module per group of commands.

`COMMANDS` maps each command to the module that registers it. The console script imports only
the module of the command being run (`annotate score ...` never imports the corpus, dataset or
Label Studio commands); `annotate --help`, an unknown command and `from annotate.cli import app`
import them all. Command modules import heavy libraries (datasets, sklearn, spaCy) inside the
command functions, so that `annotate --help` stays fast too.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

from annotate.cli.app import app as _app

# `from annotate.cli.app import ...` bound the submodule to the name `app` in this package; drop
# it, so that `from annotate.cli import app` goes through `__getattr__` and gets every command.
globals().pop("app", None)

COMMANDS: dict[str, str] = {
    "clean": "annotate.cli.corpus_commands",
    "tasks": "annotate.cli.corpus_commands",
    "convert": "annotate.cli.dataset_commands",
    "export": "annotate.cli.dataset_commands",
    "push": "annotate.cli.labelstudio_commands",
    "pull": "annotate.cli.labelstudio_commands",
    "agree": "annotate.cli.agreement_commands",
    "disagreements": "annotate.cli.agreement_commands",
    "adjudicate": "annotate.cli.agreement_commands",
    "predict": "annotate.cli.predict_commands",
    "score": "annotate.cli.score_commands",
    "compare": "annotate.cli.score_commands",
}


def load_commands(name: str | None = None) -> Any:
    """Register the command `name` (every command when None or unknown); return the Typer app."""
    module = COMMANDS.get(name) if name is not None else None
    for target in [module] if module else dict.fromkeys(COMMANDS.values()):
        import_module(target)
    return _app


def _command_name(argv: list[str]) -> str | None:
    """The command word of a command line: the first argument that is not an option."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main() -> None:
    """Console-script entry point: registers the command being run, or all of them for help."""
    load_commands(_command_name(sys.argv[1:]))()


def __getattr__(name: str) -> Any:
    if name == "app":
        app = load_commands()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main", "COMMANDS", "load_commands"]
