"""The one module that talks HTTP: a small client over `label-studio-sdk` for a Label Studio server.

Connection settings come, in this order, from the `--url` / `--token` flags, the environment
(`LABEL_STUDIO_URL`, `LABEL_STUDIO_API_KEY`), and the local server that `scripts/labelstudio`
runs (`.labelstudio/server.url` and `.labelstudio/credentials.json`). The local token is only
ever sent to a loopback URL. Both a legacy API token and a personal access token (a JWT refresh
token, which the SDK exchanges for access tokens) work.

Every failure becomes a one-line `LabelStudioError`; transient ones (connection refused, timeouts,
5xx) are retried with exponential backoff first. The token is never put in a message: any text
taken from the server or from an exception goes through `Connection.redact`.

No conversion happens here: tasks go in as JSON, exports come out as files.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar
from urllib.parse import urlparse

from annotate.errors import LabelStudioError, shorten

if TYPE_CHECKING:  # pragma: no cover
    from label_studio_sdk import LabelStudio

T = TypeVar("T")

DEFAULT_PORT = 8080
START_HINT = "start the local server with scripts/labelstudio start, or point --url / LABEL_STUDIO_URL at yours"
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_AUTH_HEADER = re.compile(r"(?i)\b(token|bearer)\s+[A-Za-z0-9._-]{8,}")
_TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}


class LabelStudioUnavailable(LabelStudioError):
    """The server could not be reached (refused, timed out, reset) even after retries."""

    code = "A302"


class LabelStudioAuthError(LabelStudioError):
    """The server rejected the token."""

    code = "A303"


class ProjectNotFound(LabelStudioError):
    """No project with that id or title."""

    code = "A304"


class LabelConfigError(LabelStudioError):
    """Label Studio refused a label config, or changing it would orphan labels in use."""

    code = "A305"


def local_home() -> Path:
    """The folder of the local server (`$ANNOTATE_LABELSTUDIO_HOME`, else the project's `.labelstudio/`)."""
    env = os.environ.get("ANNOTATE_LABELSTUDIO_HOME")
    return Path(env) if env else Path(__file__).resolve().parent.parent / ".labelstudio"


def is_loopback(url: str) -> bool:
    """True when `url` points at this machine (so the local token may be sent to it).

    Example:
        >>> is_loopback("http://127.0.0.1:8080"), is_loopback("https://ls.example.org")
        (True, False)
    """
    host = urlparse(url).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


@dataclass(frozen=True, slots=True)
class Connection:
    """Where the server is and how to log in; `token` never shows in `repr` or messages."""

    url: str
    token: str = field(repr=False)
    source: str  # where the token came from, for messages: "--token", "LABEL_STUDIO_API_KEY", a path

    def redact(self, text: str) -> str:
        """`text` with the token, any JWT and any `Token xxx` / `Bearer xxx` value replaced by `***`.

        Example:
            >>> Connection("http://x", "s3cr3t-token-value", "test").redact("bad s3cr3t-token-value")
            'bad ***'
        """
        if self.token:
            text = text.replace(self.token, "***")
        text = _JWT.sub("***", text)
        return _AUTH_HEADER.sub(lambda m: f"{m.group(1)} ***", text)


def _read_local_credentials(home: Path) -> dict[str, Any] | None:
    path = home / "credentials.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as exc:
        raise LabelStudioError(f"{path}: unreadable ({type(exc).__name__}); remove it and run scripts/labelstudio install.") from None
    return data


def local_url(home: Path | None = None) -> str:
    """The URL the local server was started on (recorded by scripts/labelstudio), else the default port."""
    home = home or local_home()
    try:
        recorded = (home / "server.url").read_text(encoding="utf-8").strip()
    except OSError:
        recorded = ""
    port = os.environ.get("LABEL_STUDIO_PORT", str(DEFAULT_PORT))
    return recorded or f"http://127.0.0.1:{port}"


def resolve_connection(
    url: str | None = None,
    token: str | None = None,
    *,
    environ: dict[str, str] | None = None,
    home: Path | None = None,
) -> Connection:
    """Connection settings from the flags, else the environment, else the local server's files.

    Raises:
        LabelStudioError: no token is known for the URL.
    """
    env = os.environ if environ is None else environ
    home = home or local_home()
    url = (url or env.get("LABEL_STUDIO_URL") or local_url(home)).rstrip("/")
    if not urlparse(url).scheme.startswith("http"):
        raise LabelStudioError(f"Label Studio URL {shorten(url)} must start with http:// or https://.")
    if token:
        return Connection(url, token, "--token")
    if env.get("LABEL_STUDIO_API_KEY"):
        return Connection(url, env["LABEL_STUDIO_API_KEY"], "LABEL_STUDIO_API_KEY")
    creds = _read_local_credentials(home)
    if creds and creds.get("token") and is_loopback(url):
        return Connection(url, str(creds["token"]), str(home / "credentials.json"))
    if not is_loopback(url):
        raise LabelStudioError(f"No token for {url}: pass --token or set LABEL_STUDIO_API_KEY (Account & Settings in its UI).")
    raise LabelStudioError(
        f"No token for {url}: {home / 'credentials.json'} is missing; run scripts/labelstudio start, "
        "or pass --token / set LABEL_STUDIO_API_KEY."
    )


@dataclass(frozen=True, slots=True)
class Project:
    """The parts of a Label Studio project that annotate uses."""

    id: int
    title: str
    label_config: str
    task_number: int
    annotation_number: int
    prediction_number: int


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """A finished snapshot export saved to `path`."""

    project_id: int
    export_id: int
    path: Path
    bytes: int


def clip(text: str, limit: int = 200) -> str:
    """`text` on one line, cut to `limit` characters (no quoting, unlike `shorten`).

    Example:
        >>> clip("a\\n b" + "c" * 10, limit=8)
        'a bcc...'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _detail(body: Any) -> str:
    """Label Studio's error text from a response body, flattened to one line."""
    if isinstance(body, dict):
        for key in ("validation_errors", "detail", "message", "error"):
            if body.get(key):
                value = body[key]
                if isinstance(value, dict):
                    return "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in value.items())
                if isinstance(value, list):
                    return " ".join(map(str, value))
                return str(value)
        return json.dumps(body, ensure_ascii=False)
    text = str(body or "").strip()
    if text.lstrip().startswith("<"):  # an HTML error page
        title = re.search(r"<title>(.*?)</title>", text, re.S | re.I)
        return title.group(1).strip() if title else "an HTML error page"
    return text


def normalize_config(xml: str) -> str:
    """A label config with comments and whitespace between tags dropped, for comparing two configs."""
    xml = re.sub(r"<!--.*?-->", "", xml, flags=re.S)
    return re.sub(r">\s+<", "><", xml).strip()


class LabelStudioClient:
    """The HTTP side of annotate: projects, task import, snapshot exports.

    Example (needs a server):
        client = LabelStudioClient(resolve_connection())
        project = client.find_project("News")
    """

    def __init__(
        self,
        connection: Connection,
        *,
        timeout: float = 120.0,
        retries: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        httpx_client: Any = None,
    ) -> None:
        self.connection = connection
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._timeout = timeout
        self._httpx_client = httpx_client
        self._sdk_client: LabelStudio | None = None
        self._answered = False  # has the server answered this client yet?

    # -- plumbing ---------------------------------------------------------------------------------

    @property
    def sdk(self) -> LabelStudio:
        """The `label_studio_sdk.LabelStudio` client (built on first use; the SDK's own retries off)."""
        if self._sdk_client is None:
            from label_studio_sdk import LabelStudio
            from label_studio_sdk.core.api_error import ApiError

            try:
                self._sdk_client = LabelStudio(  # type: ignore[no-untyped-call]
                    base_url=self.connection.url,
                    api_key=self.connection.token,
                    timeout=self._timeout,
                    max_retries=0,
                    httpx_client=self._httpx_client,
                )
            except ApiError as exc:  # an expired or malformed personal access token
                raise self._auth_error(exc) from None
        return self._sdk_client

    def _auth_error(self, exc: Any) -> LabelStudioAuthError:
        detail = self.connection.redact(_detail(getattr(exc, "body", "")))
        return LabelStudioAuthError(
            f"Label Studio at {self.connection.url} rejected the token from {self.connection.source} "
            f"(HTTP {getattr(exc, 'status_code', '?')}: {clip(detail, 120)}); check --token / LABEL_STUDIO_API_KEY, "
            "or for the local server its credentials (scripts/labelstudio status)."
        )

    def _unavailable(self, exc: BaseException, attempts: int) -> LabelStudioUnavailable:
        kind = type(exc).__name__
        return LabelStudioUnavailable(
            f"Label Studio is not reachable at {self.connection.url} ({kind} after {attempts} attempt(s)); {START_HINT}."
        )

    def call(self, what: str, fn: Callable[[], T], *, retry: bool = True) -> T:
        """Run one SDK call; retry transient failures with backoff; map the rest to `LabelStudioError`.

        `retry=False` for calls that are not idempotent (a lost answer may hide a done import):
        the caller re-checks the server state instead and raises `LabelStudioUnavailable`.
        """
        import httpx
        from label_studio_sdk.core.api_error import ApiError

        attempt = 0
        while True:
            try:
                value = fn()
                self._answered = True
                return value
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                # A server that never answered is most likely not started: give up sooner.
                limit = self.retries if self._answered else min(self.retries, 2)
                if not retry or attempt >= limit:
                    raise self._unavailable(exc, attempt + 1) from None
            except ApiError as exc:
                status = exc.status_code or 0
                if status in (401, 403):
                    raise self._auth_error(exc) from None
                if status not in _TRANSIENT_STATUS or not retry or attempt >= self.retries:
                    detail = self.connection.redact(_detail(exc.body))
                    raise LabelStudioError(
                        f"Label Studio at {self.connection.url}: {what} failed (HTTP {status}): {clip(detail, 300)}"
                    ) from None
            self._sleep(min(self.backoff * 2**attempt, 10.0))
            attempt += 1

    def request(self, what: str, method: str, path: str, *, params: dict[str, Any] | None = None,
                json_body: Any = None, retry: bool = True) -> Any:
        """A raw request through the SDK's httpx client (same auth, same base URL); returns parsed JSON."""
        from label_studio_sdk.core.api_error import ApiError

        def go() -> Any:
            response = self.sdk._client_wrapper.httpx_client.request(
                path, method=method, params=params, json=json_body, request_options={"max_retries": 0}
            )
            try:
                body = response.json() if response.content else None
            except ValueError:
                body = response.text
            if response.status_code >= 400:
                raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=body)
            return body

        return self.call(what, go, retry=retry)

    # -- server -----------------------------------------------------------------------------------

    def whoami(self) -> str:
        """The logged-in user's email (checks that the server answers and takes the token)."""
        user = self.call("checking the token", lambda: self.sdk.users.whoami())
        return str(user.email or user.username)

    def wait_until_reachable(self, *, timeout: float = 120.0) -> None:
        """Block until the server answers `/health` (after a restart), or raise `LabelStudioUnavailable`."""
        import httpx

        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.connection.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise LabelStudioUnavailable(
                    f"Label Studio is not reachable at {self.connection.url} (gone, and not back within {timeout:.0f}s); {START_HINT}."
                )
            self._sleep(1.0)

    def project_url(self, project_id: int) -> str:
        """The page of the project's tasks in the UI."""
        return f"{self.connection.url}/projects/{project_id}/data"

    # -- projects ---------------------------------------------------------------------------------

    def _project(self, raw: dict[str, Any]) -> Project:
        return Project(
            id=int(raw["id"]),
            title=str(raw.get("title") or ""),
            label_config=str(raw.get("label_config") or ""),
            task_number=int(raw.get("task_number") or 0),
            annotation_number=int(raw.get("total_annotations_number") or 0),
            prediction_number=int(raw.get("total_predictions_number") or 0),
        )

    def get_project(self, project_id: int) -> Project:
        """The project with this id (`ProjectNotFound` when there is none)."""
        try:
            return self._project(self.request(f"reading project {project_id}", "GET", f"api/projects/{project_id}/"))
        except LabelStudioError as exc:
            if "(HTTP 404)" in exc.message:
                raise self._not_found(str(project_id)) from None
            raise

    def list_projects(self, *, page_size: int = 100) -> Iterator[tuple[int, str]]:
        """(id, title) of every project the token can see, page by page."""
        page = 1
        while True:
            try:
                body = self.request("listing projects", "GET", "api/projects/",
                                    params={"page": page, "page_size": page_size, "include": "id,title"})
            except LabelStudioError as exc:
                if "(HTTP 404)" in exc.message:
                    return
                raise
            results = body.get("results", []) if isinstance(body, dict) else body
            for item in results:
                yield int(item["id"]), str(item.get("title") or "")
            if not isinstance(body, dict) or not body.get("next") or not results:
                return
            page += 1

    def _not_found(self, ref: str) -> ProjectNotFound:
        titles = [title for _, title in self.list_projects()]
        near = difflib.get_close_matches(ref, titles, n=5, cutoff=0.5)
        hint = f"did you mean {', '.join(map(repr, near))}?" if near else (
            f"{len(titles)} project(s) on the server" + (f", e.g. {', '.join(map(repr, titles[:5]))}" if titles else ""))
        return ProjectNotFound(f"No Label Studio project {ref!r} at {self.connection.url}; {hint}")

    def find_project(self, ref: str | int, *, missing_ok: bool = False) -> Project | None:
        """The project with id `ref` (digits) or title `ref`; `None` when missing and `missing_ok`.

        Raises:
            ProjectNotFound: nothing matches (with the near titles), unless `missing_ok`.
            LabelStudioError: two projects have that title.
        """
        text = str(ref).strip()
        if text.isdigit():
            try:
                return self.get_project(int(text))
            except ProjectNotFound:
                if missing_ok:
                    return None
                raise
        ids = [pid for pid, title in self.list_projects() if title == text]
        if len(ids) > 1:
            raise LabelStudioError(
                f"{len(ids)} Label Studio projects are titled {text!r} (ids {', '.join(map(str, ids))}); "
                "pass the id, or rename one in the UI."
            )
        if ids:
            return self.get_project(ids[0])
        if missing_ok:
            return None
        raise self._not_found(text)

    def create_project(self, title: str, label_config: str, *, description: str = "") -> Project:
        """Create a project; a lost answer is resolved by looking the title up, never by creating twice."""
        try:
            raw = self.request("creating the project", "POST", "api/projects/",
                               json_body={"title": title, "label_config": label_config, "description": description},
                               retry=False)
        except LabelStudioUnavailable:
            self.wait_until_reachable(timeout=30)
            found = self.find_project(title, missing_ok=True)
            if found is not None:
                return found
            raw = self.request("creating the project", "POST", "api/projects/",
                               json_body={"title": title, "label_config": label_config, "description": description},
                               retry=False)
        except LabelStudioError as exc:
            raise self._config_error(exc, title) from None
        return self.get_project(int(raw["id"]))

    def _config_error(self, exc: LabelStudioError, title: str) -> LabelStudioError:
        if "(HTTP 400)" in exc.message and "label_config" in exc.message:
            return LabelConfigError(f"Label Studio refused the label config of project {title!r}: {exc.message.split(': ', 2)[-1]}")
        return exc

    def set_label_config(self, project: Project, label_config: str) -> Project:
        """Replace the project's label config (Label Studio refuses when it would orphan labels in use)."""
        try:
            self.request("setting the label config", "PATCH", f"api/projects/{project.id}/",
                         json_body={"label_config": label_config})
        except LabelStudioError as exc:
            raise self._config_error(exc, project.title) from None
        return self.get_project(project.id)

    def delete_project(self, project_id: int) -> None:
        """Delete a project and all its tasks."""
        self.request("deleting the project", "DELETE", f"api/projects/{project_id}/")

    # -- tasks ------------------------------------------------------------------------------------

    def iter_task_data(self, project_id: int, *, page_size: int = 500) -> Iterator[tuple[int, dict[str, Any]]]:
        """(task id, task data) of every task of the project, oldest first, one page in memory at a time."""
        page = 1
        seen = 0
        while True:
            try:
                body = self.request("listing tasks", "GET", "api/tasks/",
                                    params={"project": project_id, "page": page, "page_size": page_size,
                                            "include": "id,data", "fields": "task_only"})
            except LabelStudioError as exc:
                if "(HTTP 404)" in exc.message:  # past the last page
                    return
                raise
            tasks = body.get("tasks", []) if isinstance(body, dict) else []
            for task in tasks:
                yield int(task["id"]), task.get("data") or {}
            seen += len(tasks)
            if not tasks or len(tasks) < page_size or seen >= int(body.get("total", 0)):
                return
            page += 1

    def existing_doc_ids(self, project_id: int) -> set[str]:
        """The `data.doc_id` of every task already in the project."""
        return {str(data["doc_id"]) for _, data in self.iter_task_data(project_id) if data.get("doc_id") is not None}

    def import_tasks(self, project_id: int, tasks: Sequence[dict[str, Any]]) -> list[int]:
        """Import one batch of tasks (with their predictions); returns the new task ids.

        Not retried here: an import whose answer was lost may have happened. Raises
        `LabelStudioUnavailable` so the caller can re-read the project and send only what is missing.
        """
        body = self.request(f"importing {len(tasks)} task(s)", "POST", f"api/projects/{project_id}/import",
                            params={"return_task_ids": "true", "commit_to_project": "true"},
                            json_body=list(tasks), retry=False)
        return [int(task_id) for task_id in (body or {}).get("task_ids") or []]

    def replace_predictions(self, task_id: int, delete_ids: Sequence[int], predictions: Sequence[dict[str, Any]]) -> list[int]:
        """Delete the task's predictions `delete_ids` (one already gone is fine), then create `predictions`
        (each `{"model_version", "result"}`) on it; returns the new prediction ids. Creation is not retried."""
        for prediction_id in delete_ids:
            try:
                self.request("deleting a prediction", "DELETE", f"api/predictions/{prediction_id}/")
            except LabelStudioError as exc:
                if "(HTTP 404)" not in exc.message:
                    raise
        return [int(self.request("creating a prediction", "POST", "api/predictions/",
                                 json_body={"task": task_id, **prediction}, retry=False)["id"])
                for prediction in predictions]

    def create_annotation(self, task_id: int, result: list[dict[str, Any]], **fields: Any) -> int:
        """Create an annotation on a task, as the UI's submit does; returns its id."""
        body = self.request("creating an annotation", "POST", f"api/tasks/{task_id}/annotations/",
                            json_body={"result": result, **fields}, retry=False)
        return int(body["id"])

    def create_draft(self, task_id: int, result: list[dict[str, Any]]) -> int:
        """Save a draft on a task, as the UI's autosave does; returns its id."""
        body = self.request("saving a draft", "POST", f"api/tasks/{task_id}/drafts",
                            json_body={"result": result, "lead_time": 1.0}, retry=False)
        return int(body["id"])

    # -- exports ----------------------------------------------------------------------------------

    def export_snapshot(self, project_id: int, dest: Path, *, poll: float = 1.0, timeout: float = 3600.0,
                        on_progress: Callable[[str, int], None] | None = None) -> ExportInfo:
        """Make a snapshot export of every task (annotations, predictions and drafts as full objects)
        and stream it to `dest` (JSON array), so that memory stays flat whatever the project's size.

        The file is written to `dest.part` and renamed when complete.
        """
        created = self.request(
            "starting an export", "POST", f"api/projects/{project_id}/exports/",
            json_body={
                "title": "annotate pull",
                "task_filter_options": {"only_with_annotations": False},
                "serialization_options": {
                    "drafts": {"only_id": False},
                    "predictions": {"only_id": False},
                    "annotations__completed_by": {"only_id": False},
                    "include_annotation_history": False,
                },
            },
        )
        export_id = int(created["id"])
        deadline = time.monotonic() + timeout
        status = str(created.get("status") or "created")
        while status not in ("completed", "failed"):
            if time.monotonic() > deadline:
                raise LabelStudioError(f"The export {export_id} of project {project_id} is still {status!r} after {timeout:.0f}s; try again later.")
            self._sleep(poll)
            status = str(self.request("checking the export", "GET", f"api/projects/{project_id}/exports/{export_id}")["status"])
            if on_progress:
                on_progress(status, 0)
        if status == "failed":
            raise LabelStudioError(f"Label Studio could not build the export {export_id} of project {project_id}; see the server log.")
        size = self.call("downloading the export", lambda: self._download(project_id, export_id, dest, on_progress))
        return ExportInfo(project_id=project_id, export_id=export_id, path=dest, bytes=size)

    def _download(self, project_id: int, export_id: int, dest: Path,
                  on_progress: Callable[[str, int], None] | None) -> int:
        from label_studio_sdk.core.api_error import ApiError

        part = dest.with_name(dest.name + ".part")
        size = 0
        http = self.sdk._client_wrapper.httpx_client
        with http.stream(f"api/projects/{project_id}/exports/{export_id}/download", method="GET",
                         params={"exportType": "JSON"}, request_options={"max_retries": 0}) as response:
            if response.status_code >= 400:
                response.read()
                raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=response.text)
            with part.open("wb") as out:
                for chunk in response.iter_bytes(chunk_size=1 << 16):
                    out.write(chunk)
                    size += len(chunk)
                    if on_progress:
                        on_progress("downloading", size)
        part.replace(dest)
        return size
