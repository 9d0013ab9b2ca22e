"""The `annotate` command line: a thin layer over the library, one module per group of commands.

`COMMANDS` maps each command to the module that registers it. The console script imports only
the module of the command being run (`annotate score ...` never imports the corpus, dataset or
Label Studio commands); `annotate --help`, an unknown command and `from annotate.cli import app`
import them all. Command modules import heavy libraries (datasets, sklearn, spaCy) inside the
command functions, so that `annotate --help` stays fast too.

`DIRECT` names the commands whose plain command lines are parsed here, from the same typed
signature and `typer.Option` declarations Typer reads, and the function called straight away:
Typer builds a pydantic validator for every parameter of the command before running it, which
costs `annotate score` about a tenth of a second and 10 MB on every call. Anything this parser
does not take as plainly valid (help, an unknown option, a value out of range, a wrong choice,
a usage error raised by the command) goes to Typer, which reports it as usual;
`tests/test_score_cli.py` checks that both read the same values.
"""

from __future__ import annotations

import sys
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Optional, Union, get_args, get_origin

from annotate.cli.app import app as _app

# `from annotate.cli.app import ...` bound the submodule to the name `app` in this package; drop
# it, so that `from annotate.cli import app` goes through `__getattr__` and gets every command.
globals().pop("app", None)


class _ByModule(list):  # type: ignore[type-arg]
    """The app's registered commands, listed by command module (alphabetical), then in the order
    each module registers them: the same order in `--help` and docs/cli.md whichever module a
    test or a command line happened to import first."""

    def __iter__(self) -> Any:
        return iter(sorted(list.__iter__(self), key=lambda info: getattr(info.callback, "__module__", "")))


_app.registered_commands = _ByModule(_app.registered_commands)

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
DIRECT: dict[str, str] = {"score": "score"}  # command -> function name in its module


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
    argv = sys.argv[1:]
    name = _command_name(argv)
    app = load_commands(name)
    if name in DIRECT and argv and argv[0] == name:
        function = getattr(import_module(COMMANDS[name]), DIRECT[name])
        kwargs = direct_arguments(function, argv[1:])
        if kwargs is not None:
            _tune_for_one_run()
            if _call(function, kwargs):
                return
    app()


def _tune_for_one_run() -> None:
    """Settings for a process that reads one input, scores it and exits (measured on
    `scripts/bench-score`, 1M tokens: 0.49 -> 0.37 s, the same peak memory):

    - glibc's malloc keeps freed memory (up to 512 MB) and serves arrays up to 32 MB from it, instead
      of returning each big temporary to the system and faulting fresh zeroed pages in for the
      next one (83,000 -> 25,000 page faults);
    - numpy's OpenBLAS starts one thread rather than a pool (the scorer multiplies no large
      matrices; starting the pool took up to 40 ms on a busy machine). Set before numpy is imported,
      and only when the user has not chosen.
    """
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 << 20)
    mallopt(m_trim_threshold, 512 << 20)


def _call(function: Callable[..., Any], kwargs: dict[str, Any]) -> bool:
    """Run a command function as the Typer group would; False when Typer should run it instead
    (a usage error, which Typer reports with the usage line)."""
    import typer

    from annotate.errors import AnnotateError

    try:
        function(**kwargs)
    except typer.BadParameter:
        return False
    except AnnotateError as error:
        print(f"annotate: error: {error}", file=sys.stderr)
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    return True


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(base type, repeated) of a parameter annotation: Optional[X] -> X, List[X] -> (X, True)."""
    if get_origin(annotation) is Union:
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        return get_args(annotation)[0], True
    return annotation, False


def _convert(kind: Any, text: str, info: Any) -> Any:
    """`text` as `kind`; raises ValueError for anything Typer would not accept as is."""
    if kind is Path:
        return Path(text)
    if kind is str:
        return text
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(text)
    if kind is int or kind is float:
        # plain decimal numbers only: Python reads "1_000", "nan" or non-ASCII digits, Typer may not
        if not text or not text.isascii() or text.strip("0123456789.-+eE") or (kind is int and not text.lstrip("-").isdigit()):
            raise ValueError(text)
        value = kind(text)
        if value != value:  # NaN
            raise ValueError(text)
        if (info.min is not None and value < info.min) or (info.max is not None and value > info.max):
            raise ValueError(text)
        return value
    raise ValueError(f"no direct reading of {kind!r}")


def direct_arguments(function: Callable[..., Any], args: list[str]) -> Optional[dict[str, Any]]:
    """The keyword arguments Typer would pass `function` for `args`, or None to leave it to Typer.

    Reads the function's type hints and its `typer.Option`/`typer.Argument` defaults: long and
    short options (`--name value`, `--name=value`), flags, repeated list options and positional
    arguments; paths, strings, enums (exact values), integers and floats within `min`/`max`.
    """
    import inspect
    from typing import get_type_hints

    from typer.models import ArgumentInfo, OptionInfo

    hints = get_type_hints(function)
    kwargs: dict[str, Any] = {}
    options: dict[str, tuple[str, Any, Any, bool]] = {}  # declaration -> (name, info, base type, repeated)
    positional: list[tuple[str, Any, Any]] = []
    for name, parameter in inspect.signature(function).parameters.items():
        info = parameter.default
        kind, repeated = _unwrap(hints[name])
        if not isinstance(info, (OptionInfo, ArgumentInfo)) or info.callback is not None or info.parser is not None:
            return None
        if repeated and isinstance(info, ArgumentInfo):
            return None
        kwargs[name] = info.default
        if isinstance(info, ArgumentInfo):
            positional.append((name, info, kind))
            continue
        for declaration in info.param_decls or ():
            if "/" in declaration or " " in declaration:
                return None
            options[declaration] = (name, info, kind, repeated)
    seen_lists: set[str] = set()
    rest = list(args)
    try:
        while rest:
            arg = rest.pop(0)
            if arg == "--" or arg in ("-h", "--help"):
                return None
            if arg.startswith("-") and arg != "-":
                key, has_value, value = arg.partition("=")
                if key not in options:
                    return None
                name, info, kind, repeated = options[key]
                if kind is bool:
                    if has_value:
                        return None
                    kwargs[name] = True
                    continue
                if not has_value:
                    if not rest:
                        return None
                    value = rest.pop(0)
                converted = _convert(kind, value, info)
                if repeated:
                    if name not in seen_lists:
                        kwargs[name] = []
                        seen_lists.add(name)
                    kwargs[name].append(converted)
                else:
                    kwargs[name] = converted
            else:
                if not positional:
                    return None
                name, info, kind = positional.pop(0)
                kwargs[name] = _convert(kind, arg, info)
    except ValueError:
        return None
    if any(info.default is ... for _, info, _ in positional):
        return None
    return kwargs


def __getattr__(name: str) -> Any:
    if name == "app":
        app = load_commands()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main", "COMMANDS", "DIRECT", "load_commands", "direct_arguments"]
