"""Unit tests of the Label Studio client, push and pull against an in-process fake server.

The fake answers the few endpoints annotate uses, through `httpx.MockTransport`, and can fail on
demand (connection refused, a lost answer after the work was done, 503). The same behaviour is
checked against the real server in tests/test_labelstudio_live.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from annotate.errors import InputError, LabelStudioError
from annotate.labelstudio import (
    Connection,
    LabelConfigError,
    LabelStudioAuthError,
    LabelStudioClient,
    LabelStudioUnavailable,
    ProjectNotFound,
    resolve_connection,
)
from annotate.pull import count_export, iter_export, pull_file
from annotate.push import iter_tasks, push_tasks
from annotate.schema import read_config

TOKEN = "0123456789abcdef0123456789abcdef01234567"


class FakeLabelStudio:
    """Just enough of Label Studio 1.23's API, in memory; `fail` queues failures for matching requests."""

    def __init__(self) -> None:
        self.projects: dict[int, dict[str, Any]] = {}
        self.tasks: list[dict[str, Any]] = []
        self.fail: list[tuple[str, str]] = []  # (path regex, "refuse" | "lost" | "503")
        self.down = False
        self.requests: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append(f"{request.method} {path}")
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        mode = None
        for i, (pattern, how) in enumerate(self.fail):
            if re.search(pattern, f"{request.method} {path}"):
                mode = self.fail.pop(i)[1]
                break
        if mode == "refuse":
            raise httpx.ConnectError("refused", request=request)
        if mode == "503":
            return httpx.Response(503, text="<html><title>503 Service Unavailable</title></html>")
        if request.headers.get("authorization") != f"Token {TOKEN}":
            return httpx.Response(401, json={"detail": f"Invalid token {request.headers.get('authorization')}"})
        response = self.route(request)
        if mode == "lost":  # the work is done, the answer never arrives
            raise httpx.RemoteProtocolError("server disconnected", request=request)
        return response

    def project_json(self, pid: int) -> dict[str, Any]:
        project = self.projects[pid]
        return {**project, "task_number": sum(1 for t in self.tasks if t["project"] == pid)}

    def route(self, request: httpx.Request) -> httpx.Response:
        method, path, params = request.method, request.url.path, request.url.params
        body = json.loads(request.content) if request.content else None
        if path == "/health":
            return httpx.Response(200, json={"status": "UP"})
        if path == "/api/current-user/whoami":
            return httpx.Response(200, json={"id": 1, "email": "annotate@localhost", "username": "annotate"})
        if path == "/api/projects/" and method == "GET":
            page, size = int(params.get("page", 1)), int(params.get("page_size", 100))
            items = [{"id": p["id"], "title": p["title"]} for p in self.projects.values()]
            chunk = items[(page - 1) * size: page * size]
            if page > 1 and not chunk:
                return httpx.Response(404, json={"detail": "Invalid page."})
            return httpx.Response(200, json={"count": len(items), "next": "x" if page * size < len(items) else None, "results": chunk})
        if path == "/api/projects/" and method == "POST":
            if "toName=\"nope\"" in body["label_config"]:
                return httpx.Response(400, json={"validation_errors": {"label_config": ['toName="nope" not found']}})
            pid = len(self.projects) + 1
            self.projects[pid] = {"id": pid, "title": body["title"], "label_config": body["label_config"],
                                  "total_annotations_number": 0, "total_predictions_number": 0}
            return httpx.Response(201, json=self.project_json(pid))
        match = re.fullmatch(r"/api/projects/(\d+)/?", path)
        if match:
            pid = int(match.group(1))
            if pid not in self.projects:
                return httpx.Response(404, json={"detail": "Not found."})
            if method == "PATCH":
                self.projects[pid].update(body)
            return httpx.Response(200, json=self.project_json(pid))
        match = re.fullmatch(r"/api/projects/(\d+)/import", path)
        if match:
            pid = int(match.group(1))
            ids = []
            for task in body:
                self.tasks.append({"id": len(self.tasks) + 1, "project": pid, **task})
                ids.append(len(self.tasks))
            return httpx.Response(201, json={"task_count": len(ids), "task_ids": ids})
        if path == "/api/tasks/":
            pid, page, size = int(params["project"]), int(params["page"]), int(params["page_size"])
            mine = [{"id": t["id"], "data": t["data"]} for t in self.tasks if t["project"] == pid]
            chunk = mine[(page - 1) * size: page * size]
            if page > 1 and not chunk:
                return httpx.Response(404, json={"detail": "Invalid page."})
            return httpx.Response(200, json={"tasks": chunk, "total": len(mine)})
        match = re.fullmatch(r"/api/projects/(\d+)/exports/?", path)
        if match and method == "POST":
            return httpx.Response(201, json={"id": 7, "status": "created"})
        if re.fullmatch(r"/api/projects/(\d+)/exports/7", path):
            return httpx.Response(200, json={"id": 7, "status": "completed"})
        match = re.fullmatch(r"/api/projects/(\d+)/exports/7/download", path)
        if match:
            pid = int(match.group(1))
            tasks = [{"id": t["id"], "data": t["data"], "annotations": [], "predictions": t.get("predictions", []),
                      "drafts": []} for t in self.tasks if t["project"] == pid]
            return httpx.Response(200, content=json.dumps(tasks).encode())
        return httpx.Response(404, json={"detail": f"fake: no route {method} {path}"})


@pytest.fixture
def fake() -> FakeLabelStudio:
    return FakeLabelStudio()


@pytest.fixture
def client(fake: FakeLabelStudio) -> LabelStudioClient:
    transport = httpx.Client(transport=httpx.MockTransport(fake.handler))
    connection = Connection("http://127.0.0.1:8080", TOKEN, "test")
    made = LabelStudioClient(connection, retries=2, sleep=lambda s: None, httpx_client=transport)
    # wait_until_reachable uses plain httpx.get; point it at the fake too
    made.wait_until_reachable = lambda timeout=0: None  # type: ignore[method-assign]
    return made


def write_tasks(path: Path, doc_ids: list[str], *, predictions: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for doc_id in doc_ids:
            task: dict[str, Any] = {"data": {"text": f"Text of {doc_id}.", "doc_id": doc_id}}
            if predictions:
                task["predictions"] = [{"model_version": "baseline-1", "result": []}]
            out.write(json.dumps(task) + "\n")
    return path


# -- connection settings ---------------------------------------------------------------------------


def test_resolve_connection_prefers_flags_then_environment_then_local_files(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text(json.dumps({"token": "local-token-123"}))
    (tmp_path / "server.url").write_text("http://127.0.0.1:8123\n")
    local = resolve_connection(environ={}, home=tmp_path)
    assert (local.url, local.token) == ("http://127.0.0.1:8123", "local-token-123")
    env = resolve_connection(environ={"LABEL_STUDIO_URL": "http://localhost:9/", "LABEL_STUDIO_API_KEY": "env-token"}, home=tmp_path)
    assert (env.url, env.token, env.source) == ("http://localhost:9", "env-token", "LABEL_STUDIO_API_KEY")
    flags = resolve_connection("http://127.0.0.1:1", "flag-token", environ={"LABEL_STUDIO_API_KEY": "env-token"}, home=tmp_path)
    assert (flags.url, flags.token, flags.source) == ("http://127.0.0.1:1", "flag-token", "--token")


def test_local_token_is_never_sent_to_a_remote_server(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text(json.dumps({"token": "local-token-123"}))
    with pytest.raises(LabelStudioError, match="No token for https://ls.example.org: pass --token"):
        resolve_connection(environ={"LABEL_STUDIO_URL": "https://ls.example.org"}, home=tmp_path)


def test_missing_local_credentials_say_how_to_start_the_server(tmp_path: Path) -> None:
    with pytest.raises(LabelStudioError, match="scripts/labelstudio start"):
        resolve_connection(environ={}, home=tmp_path)


def test_token_is_not_in_repr_and_is_redacted() -> None:
    connection = Connection("http://127.0.0.1:8080", TOKEN, "test")
    assert TOKEN not in repr(connection)
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    text = connection.redact(f"header Authorization: Token {TOKEN} and Bearer {jwt} and {TOKEN}")
    assert TOKEN not in text and jwt not in text and "***" in text


# -- errors ----------------------------------------------------------------------------------------


def test_unreachable_server_names_the_url_and_the_start_command() -> None:
    connection = Connection("http://127.0.0.1:9", TOKEN, "test")  # port 9 (discard) is closed
    sleeps: list[float] = []
    client = LabelStudioClient(connection, retries=2, sleep=sleeps.append)
    with pytest.raises(LabelStudioUnavailable) as caught:
        client.whoami()
    message = str(caught.value)
    assert "http://127.0.0.1:9" in message and "scripts/labelstudio start" in message and "\n" not in message
    assert sleeps == [0.5, 1.0]  # exponential backoff between the 3 attempts


def test_rejected_token_is_reported_without_the_token(fake: FakeLabelStudio) -> None:
    transport = httpx.Client(transport=httpx.MockTransport(fake.handler))
    wrong = "ffffffffffffffffffffffffffffffffffffffff"
    client = LabelStudioClient(Connection("http://127.0.0.1:8080", wrong, "LABEL_STUDIO_API_KEY"), httpx_client=transport)
    with pytest.raises(LabelStudioAuthError) as caught:
        client.whoami()  # the fake echoes the header back in its error body
    assert wrong not in str(caught.value)
    assert "rejected the token from LABEL_STUDIO_API_KEY (HTTP 401" in str(caught.value)


def test_transient_errors_are_retried_with_backoff(fake: FakeLabelStudio, client: LabelStudioClient) -> None:
    fake.fail = [("whoami", "503"), ("whoami", "refuse")]
    assert client.whoami() == "annotate@localhost"
    fake.fail = [("whoami", "503")] * 3
    with pytest.raises(LabelStudioError, match=r"HTTP 503\): 503 Service Unavailable"):
        client.whoami()


def test_project_not_found_lists_near_titles(fake: FakeLabelStudio, client: LabelStudioClient) -> None:
    client.create_project("News 2024", read_config("entities"))
    client.create_project("Sports", read_config("entities"))
    with pytest.raises(ProjectNotFound, match="did you mean 'News 2024'"):
        client.find_project("News 2042")
    with pytest.raises(ProjectNotFound, match="No Label Studio project '99'"):
        client.find_project("99")


def test_invalid_label_config_gives_label_studios_message(client: LabelStudioClient) -> None:
    with pytest.raises(LabelConfigError, match='toName="nope" not found'):
        client.create_project("Bad", '<View><Labels name="x" toName="nope"/></View>')


# -- push ------------------------------------------------------------------------------------------


def test_push_twice_imports_nothing_the_second_time(fake: FakeLabelStudio, client: LabelStudioClient, tmp_path: Path) -> None:
    tasks = write_tasks(tmp_path / "tasks.jsonl", ["a", "b", "c", "b", "d", "e"], predictions=True)
    first = push_tasks(client, tasks, title="News", schema="news", batch_size=2)
    assert (first.created, first.read, first.imported, first.duplicates_in_file, first.predictions) == (True, 6, 5, 1, 5)
    assert first.tasks_in_project == 5 and first.url == "http://127.0.0.1:8080/projects/1/data"
    second = push_tasks(client, tasks, title="News", schema="news", batch_size=2)
    assert (second.created, second.imported, second.already_there, second.tasks_in_project) == (False, 0, 5, 5)
    assert [t["predictions"][0]["model_version"] for t in fake.tasks] == ["baseline-1"] * 5


def test_a_lost_import_answer_is_not_sent_twice(fake: FakeLabelStudio, client: LabelStudioClient, tmp_path: Path) -> None:
    tasks = write_tasks(tmp_path / "tasks.jsonl", [f"d{i}" for i in range(7)])
    fake.fail = [(r"/import$", "lost"), (r"/import$", "refuse")]
    result = push_tasks(client, tasks, title="News", schema="news", batch_size=3)
    doc_ids = [t["data"]["doc_id"] for t in fake.tasks]
    assert sorted(doc_ids) == [f"d{i}" for i in range(7)]  # no duplicate, none lost
    assert result.tasks_in_project == 7


def test_a_push_cut_short_is_finished_by_running_it_again(fake: FakeLabelStudio, client: LabelStudioClient, tmp_path: Path) -> None:
    tasks = write_tasks(tmp_path / "tasks.jsonl", [f"d{i}" for i in range(10)])
    calls = {"n": 0}
    original = fake.route

    def dying(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/import"):
            calls["n"] += 1
            if calls["n"] == 3:
                fake.down = True  # the server dies after two batches
        return original(request)

    fake.route = dying  # type: ignore[method-assign]
    def still_down(timeout: float = 0) -> None:
        if fake.down:
            raise LabelStudioUnavailable("still down")

    client.wait_until_reachable = still_down  # type: ignore[method-assign]
    with pytest.raises(LabelStudioUnavailable):
        push_tasks(client, tasks, title="News", schema="news", batch_size=3)
    assert len(fake.tasks) in (6, 9)
    fake.down = False
    result = push_tasks(client, tasks, title="News", schema="news", batch_size=3)
    assert sorted(t["data"]["doc_id"] for t in fake.tasks) == sorted(f"d{i}" for i in range(10))
    assert result.tasks_in_project == 10


def test_changing_a_config_whose_labels_are_in_use_needs_force(fake: FakeLabelStudio, client: LabelStudioClient, tmp_path: Path) -> None:
    tasks = write_tasks(tmp_path / "tasks.jsonl", ["a"])
    push_tasks(client, tasks, title="News", schema="news")
    assert push_tasks(client, tasks, title="News", schema="news").config_updated is False
    fake.projects[1]["total_annotations_number"] = 3
    with pytest.raises(LabelConfigError, match="3 annotation.*--force-config"):
        push_tasks(client, tasks, title="News", schema="entities")
    assert push_tasks(client, tasks, title="News", schema="entities", force_config=True).config_updated is True
    assert fake.projects[1]["label_config"] == read_config("entities")


def test_tasks_file_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "tasks.jsonl"
    bad.write_text('{"data": {"text": "x", "doc_id": "a"}}\n{"data": {"text": "y"}}\n')
    with pytest.raises(InputError, match=r"tasks.jsonl:2: data.doc_id is missing"):
        list(iter_tasks(bad))
    array = tmp_path / "tasks.json"
    array.write_text(json.dumps([{"data": {"text": "x", "doc_id": "a"}}, {"data": {"text": "y", "doc_id": "b"}}]))
    assert [task["data"]["doc_id"] for _, task in iter_tasks(array)] == ["a", "b"]


def test_push_checks_the_whole_file_before_touching_the_server(fake: FakeLabelStudio, client: LabelStudioClient, tmp_path: Path) -> None:
    bad = tmp_path / "tasks.jsonl"
    bad.write_text('{"data": {"text": "x", "doc_id": "a"}}\nnot json\n')
    with pytest.raises(InputError, match="tasks.jsonl:2: not JSON"):
        push_tasks(client, bad, title="News", schema="news")
    assert fake.requests == []


# -- pull ------------------------------------------------------------------------------------------


def test_pull_streams_the_snapshot_to_export_json(fake: FakeLabelStudio, client: LabelStudioClient, tmp_path: Path) -> None:
    from annotate.pull import pull_project

    push_tasks(client, write_tasks(tmp_path / "tasks.jsonl", ["a", "b"], predictions=True), title="News", schema="news")
    result = pull_project(client, "News", tmp_path / "out", raw_only=True)
    assert result.export_path == tmp_path / "out" / "export.json"
    assert (result.tasks, result.predictions, result.converter) == (2, 2, None)
    assert [t["data"]["doc_id"] for t in iter_export(result.export_path)] == ["a", "b"]
    assert not list((tmp_path / "out").glob("*.part"))


@pytest.mark.parametrize("form", ["json", "jsonl"])
def test_pull_from_file_keeps_the_file_unchanged(tmp_path: Path, form: str) -> None:
    tasks = [{"id": 1, "data": {"text": "😀 Bob", "doc_id": "a"}, "annotations": [{"id": 3, "result": []}]},
             {"id": 2, "data": {"text": "x", "doc_id": "b"}, "annotations": [], "predictions": [{"id": 1}]}]
    source = tmp_path / f"download.{form}"
    text = json.dumps(tasks, ensure_ascii=False) if form == "json" else "".join(json.dumps(t) + "\n" for t in tasks)
    source.write_text(text, encoding="utf-8")
    result = pull_file(source, tmp_path / "out", raw_only=True)
    assert result.export_path.name == f"export.{form}"
    assert result.export_path.read_text(encoding="utf-8") == text
    assert (result.tasks, result.annotations, result.predictions) == (2, 1, 1)


def test_pull_from_file_rejects_what_is_not_an_export(tmp_path: Path) -> None:
    source = tmp_path / "x.json"
    source.write_text('[{"no": "data"}]')
    with pytest.raises(InputError, match="item 1 is not a Label Studio task"):
        pull_file(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_pull_hands_the_export_to_the_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Path, Path, str]] = []

    def convert_export(export_path: Path, out_dir: Path, *, schema: str = "news") -> dict[str, int]:
        calls.append((export_path, out_dir, schema))
        return {"records": 1}

    monkeypatch.setattr("annotate.pull.find_converter", lambda: ("fake.convert_export", convert_export))
    source = tmp_path / "x.jsonl"
    source.write_text('{"data": {"text": "x"}}\n')
    result = pull_file(source, tmp_path / "out", schema="quotes")
    assert calls == [(tmp_path / "out" / "export.jsonl", tmp_path / "out", "quotes")]
    assert result.as_dict()["converted"] == {"records": 1}
    assert count_export(result.export_path)["tasks"] == 1


# -- CLI -------------------------------------------------------------------------------------------


def test_help_does_not_import_the_sdk() -> None:
    code = "import sys; from annotate.cli import app; print('label_studio_sdk' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_push_and_pull_have_help_with_an_example() -> None:
    from typer.testing import CliRunner

    from annotate.cli import app

    for command in ("push", "pull"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotate.cli import app

    tasks = write_tasks(tmp_path / "t.jsonl", ["a"])
    result = CliRunner().invoke(app, ["push", str(tasks), "--project", "P", "--url", "http://127.0.0.1:9", "--token", TOKEN])
    assert result.exit_code == 1
    assert "not reachable at http://127.0.0.1:9" in result.output and TOKEN not in result.output
