"""`annotate pull`: every task of a project, with its annotations, predictions and drafts, to a folder.

The raw export is written first, streamed to `OUT/export.json` (or copied there from a file the user
downloaded from the UI: `OUT/export.json` for a JSON array, `OUT/export.jsonl` for JSONL) and is the
source of truth. Then it is handed to the converter of the dataset code, `convert_export(path, out_dir)`
in `annotate.convert` or `annotate.records`, when that exists; otherwise the pull is raw only.
Options such as `schema=` are passed on to it when its signature takes them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from annotate.errors import InputError, shorten
from annotate.labelstudio import LabelStudioClient
from annotate.taskfile import file_format, iter_items

CONVERTER_MODULES = ("annotate.convert", "annotate.records")


@dataclass(frozen=True, slots=True)
class PullResult:
    """Where the raw export went, what it holds, and what the converter made of it (if it ran)."""

    export_path: Path
    source: str  # "project <id> at <url>" or the file it came from
    tasks: int
    annotations: int
    predictions: int
    drafts: int
    bytes: int
    converted: Any = None  # the converter's return value, None when raw only
    converter: str | None = None  # "module.convert_export", None when raw only

    def as_dict(self) -> dict[str, Any]:
        converted = self.converted
        if converted is not None and hasattr(converted, "as_dict"):
            converted = converted.as_dict()
        elif dataclasses.is_dataclass(converted) and not isinstance(converted, type):
            converted = dataclasses.asdict(converted)
        elif converted is not None and not isinstance(converted, (dict, list, str, int, float, bool)):
            converted = str(converted)
        return {"export": str(self.export_path), "source": self.source, "tasks": self.tasks,
                "annotations": self.annotations, "predictions": self.predictions, "drafts": self.drafts,
                "bytes": self.bytes, "converter": self.converter, "converted": converted}


def find_converter() -> tuple[str, Callable[..., Any]] | None:
    """`convert_export` from the dataset code, if it has landed; None means raw only."""
    for name in CONVERTER_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, "convert_export", None)
        if callable(function):
            return f"{name}.convert_export", function
    return None


def iter_export(path: Path) -> Iterator[dict[str, Any]]:
    """The tasks of a Label Studio JSON export (an array) or JSONL export, one at a time (flat memory).

    Raises:
        InputError: unreadable, not JSON, or an item that is not a task object.
    """
    for where, task in iter_items(path, what="a Label Studio export", array_label="item "):
        if not isinstance(task, dict) or "data" not in task:
            raise InputError(f"{where} is not a Label Studio task; got {shorten(task)}.")
        yield task


def count_export(path: Path) -> dict[str, int]:
    """Tasks, annotations, predictions and drafts in an export, streaming."""
    counts = {"tasks": 0, "annotations": 0, "predictions": 0, "drafts": 0}
    for task in iter_export(path):
        counts["tasks"] += 1
        for key in ("annotations", "predictions", "drafts"):
            counts[key] += len(task.get(key) or [])
    return counts


def _convert(export_path: Path, out_dir: Path, raw_only: bool, options: dict[str, Any]) -> tuple[str | None, Any]:
    """Run the converter with the options its signature accepts (e.g. `schema`)."""
    if raw_only:
        return None, None
    found = find_converter()
    if found is None:
        return None, None
    name, function = found
    accepted = inspect.signature(function).parameters
    try:
        return name, function(export_path, out_dir, **{k: v for k, v in options.items() if k in accepted})
    except Exception:
        # The raw export is safe; say where it is before the converter's error goes up.
        print(f"pull: the raw export is saved in {export_path}; {name} failed on it "
              "(pull again with --raw-only to skip converting)", file=sys.stderr)
        raise


def pull_project(client: LabelStudioClient, ref: str, out_dir: Path, *, raw_only: bool = False,
                 on_progress: Callable[[str, int], None] | None = None, **convert_options: Any) -> PullResult:
    """Snapshot-export project `ref` (id or title) to `out_dir/export.json`, then convert it."""
    project = client.find_project(ref)
    assert project is not None
    out_dir.mkdir(parents=True, exist_ok=True)
    info = client.export_snapshot(project.id, out_dir / "export.json", on_progress=on_progress)
    counts = count_export(info.path)
    name, converted = _convert(info.path, out_dir, raw_only, convert_options)
    return PullResult(export_path=info.path, source=f"project {project.id} ({project.title!r}) at {client.connection.url}",
                      bytes=info.bytes, converter=name, converted=converted, **counts)


def pull_file(path: Path, out_dir: Path, *, raw_only: bool = False, **convert_options: Any) -> PullResult:
    """Take an export downloaded from the UI: check it, copy it unchanged into `out_dir`, convert it."""
    counts = count_export(path)  # fails before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    dest = out_dir / ("export.json" if file_format(path) == "array" else "export.jsonl")
    if path.resolve() != dest.resolve():
        shutil.copyfile(path, dest)
    name, converted = _convert(dest, out_dir, raw_only, convert_options)
    return PullResult(export_path=dest, source=str(path), bytes=dest.stat().st_size, converter=name,
                      converted=converted, **counts)
