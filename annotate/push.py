"""`annotate push`: put a tasks file into a Label Studio project, idempotently and resumably.

A task is identified by its `data.doc_id`. Before importing, the project's existing doc ids are
listed (page by page) and skipped, so pushing the same file twice imports nothing the second time,
and a push interrupted by a dead server or network is finished by running it again. Within one
run, an import whose answer was lost is never blindly re-sent: the project is re-read first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from annotate.errors import InputError, shorten
from annotate.labelstudio import (
    LabelConfigError,
    LabelStudioClient,
    LabelStudioUnavailable,
    Project,
    normalize_config,
)
from annotate.schema import read_config
from annotate.taskfile import iter_items

DEFAULT_BATCH_SIZE = 250


@dataclass(frozen=True, slots=True)
class PushResult:
    """What a push did; `imported + already_there + duplicates_in_file == read`."""

    project_id: int
    title: str
    url: str
    created: bool
    config_updated: bool
    read: int
    imported: int
    already_there: int
    duplicates_in_file: int
    predictions: int
    tasks_in_project: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def iter_tasks(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, task) from a JSONL file or a JSON array (as `annotate tasks` writes them), streaming.

    `where` names the task for messages: `FILE:LINE` (JSONL) or `FILE: item N` (array).

    Raises:
        InputError: unreadable file, bad JSON, or a task without `data.text` / `data.doc_id`.
    """
    for where, task in iter_items(path, what="a tasks file", array_label="item "):
        yield where, _check_task(task, where)


def _check_task(task: Any, where: str) -> dict[str, Any]:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        raise InputError(f"{where}: a task is {{\"data\": {{...}}}}; got {shorten(task)}.")
    if not isinstance(data.get("text"), str):
        raise InputError(f"{where}: data.text is missing or not a string; make tasks with `annotate tasks`.")
    if data.get("doc_id") in (None, ""):
        raise InputError(f"{where}: data.doc_id is missing; push needs it to stay idempotent (`annotate tasks` sets it).")
    for prediction in task.get("predictions") or []:
        if not isinstance(prediction, dict) or not isinstance(prediction.get("result"), list):
            raise InputError(f"{where}: each prediction needs a result list; got {shorten(prediction)}.")
    return task  # type: ignore[no-any-return]


def ensure_project(client: LabelStudioClient, title: str, config: str, *, force_config: bool = False) -> tuple[Project, bool, bool]:
    """The project titled `title` with label config `config`, created if missing.

    Returns (project, created, config_updated). An existing project whose config differs gets the
    new one, unless annotations already exist: then `--force-config` is needed.
    """
    project = client.find_project(title, missing_ok=True)
    if project is None:
        return client.create_project(title, config, description="Made by annotate push"), True, False
    if normalize_config(project.label_config) == normalize_config(config):
        return project, False, False
    if project.annotation_number and not force_config:
        raise LabelConfigError(
            f"Project {title!r} (id {project.id}) has {project.annotation_number} annotation(s) made with another "
            "label config; its labels are in use, so the config was not changed. Pass --force-config to replace it "
            "(Label Studio still refuses if labels in use would disappear)."
        )
    return client.set_label_config(project, config), False, True


def push_tasks(
    client: LabelStudioClient,
    tasks_path: Path,
    *,
    title: str,
    schema: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    force_config: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> PushResult:
    """Push the tasks of `tasks_path` into project `title` with the label config of `schema`.

    The file is checked completely before the server is touched. `on_start(total, to_import)` and
    `on_batch(n)` report progress.

    Raises:
        InputError: a malformed tasks file.
        LabelStudioError: the server refused or is gone (run the same push again to finish).
    """
    config = read_config(schema)
    order: list[str] = []
    seen: set[str] = set()
    read = duplicates = 0
    for _, task in iter_tasks(tasks_path):
        read += 1
        doc_id = str(task["data"]["doc_id"])
        if doc_id in seen:
            duplicates += 1
        else:
            seen.add(doc_id)
            order.append(doc_id)
    project, created, config_updated = ensure_project(client, title, config, force_config=force_config)
    existing = set() if created else client.existing_doc_ids(project.id)
    to_import = sum(1 for doc_id in order if doc_id not in existing)
    if on_start:
        on_start(len(order), to_import)
    imported = predictions = 0
    batch: list[dict[str, Any]] = []
    sent: set[str] = set()

    def flush() -> None:
        nonlocal imported, predictions, existing
        attempts = 0
        while batch:
            try:
                client.import_tasks(project.id, batch)
            except LabelStudioUnavailable:
                attempts += 1
                if attempts > 3:
                    raise
                # The batch may or may not have landed: wait for the server, re-read, send the rest.
                client.wait_until_reachable(timeout=30)
                existing = client.existing_doc_ids(project.id)
                batch[:] = [task for task in batch if str(task["data"]["doc_id"]) not in existing]
                continue
            imported += len(batch)
            predictions += sum(len(task.get("predictions") or []) for task in batch)
            existing.update(str(task["data"]["doc_id"]) for task in batch)
            if on_batch:
                on_batch(len(batch))
            batch.clear()

    try:
        for _, task in iter_tasks(tasks_path):
            doc_id = str(task["data"]["doc_id"])
            if doc_id in existing or doc_id in sent:
                continue
            sent.add(doc_id)
            batch.append(task)
            if len(batch) >= batch_size:
                flush()
        flush()
    except LabelStudioUnavailable as exc:
        raise LabelStudioUnavailable(
            f"{exc.message} The push stopped after importing {imported} of {to_import} task(s); "
            "run the same push again to finish it (nothing is imported twice)."
        ) from None
    final = client.get_project(project.id)
    return PushResult(
        project_id=project.id,
        title=project.title,
        url=client.project_url(project.id),
        created=created,
        config_updated=config_updated,
        read=read,
        imported=imported,
        already_there=len(order) - imported,
        duplicates_in_file=duplicates,
        predictions=predictions,
        tasks_in_project=final.task_number,
    )
