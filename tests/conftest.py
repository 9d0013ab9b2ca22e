"""Shared fixtures.

Label Studio part: `labelstudio` is a session-wide `LabelStudioClient` connected to the real server
described by the environment (`LABEL_STUDIO_URL`, `LABEL_STUDIO_API_KEY`) or by the local server's
files (`scripts/labelstudio start`); `labelstudio_project` makes throw-away projects that are
deleted after the test. Without a server the `labelstudio` tests skip locally, but fail when
`CI=true` or `ANNOTATE_REQUIRE_LABELSTUDIO=1` (set by scripts/test): CI never skips them.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterator

import pytest


def labelstudio_required() -> bool:
    """True in CI and under scripts/test, where a missing server is a failure, not a skip."""
    truthy = {"1", "true", "yes"}
    return (os.environ.get("CI", "").lower() in truthy
            or os.environ.get("ANNOTATE_REQUIRE_LABELSTUDIO", "").lower() in truthy)


@pytest.fixture(scope="session")
def labelstudio() -> Any:
    """A `LabelStudioClient` for the real server; skips (locally) or fails (CI) when there is none."""
    from annotate.errors import LabelStudioError
    from annotate.labelstudio import LabelStudioClient, resolve_connection

    try:
        client = LabelStudioClient(resolve_connection(), retries=3)
        client.whoami()
    except LabelStudioError as error:
        reason = f"no Label Studio server for the labelstudio tests: {error}"
        if labelstudio_required():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return client


@pytest.fixture
def labelstudio_project(labelstudio: Any) -> Iterator[Callable[..., Any]]:
    """`make(schema="news", title=None)` → a new empty `Project` with a unique title, deleted afterwards."""
    from annotate.schema import read_config

    made: list[int] = []

    def make(schema: str = "news", title: str | None = None) -> Any:
        project = labelstudio.create_project(title or f"pytest {uuid.uuid4().hex[:10]}", read_config(schema))
        made.append(project.id)
        return project

    yield make
    for project_id in made:
        try:
            labelstudio.delete_project(project_id)
        except Exception:  # a test that deleted it itself, or a server a test restarted: not our failure
            pass


@pytest.fixture
def labelstudio_title(labelstudio: Any) -> Iterator[str]:
    """A unique project title for a test that creates the project itself (e.g. `annotate push`);
    every project with that title is deleted afterwards."""
    title = f"pytest {uuid.uuid4().hex[:10]}"
    yield title
    try:
        for project_id, found in list(labelstudio.list_projects()):
            if found == title:
                labelstudio.delete_project(project_id)
    except Exception:  # the server is gone: nothing to clean
        pass
