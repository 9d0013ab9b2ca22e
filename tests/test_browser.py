"""The annotator's path in a real browser: Label Studio's labelling page made from our schemas.

Headless Chromium from Debian's `chromium` package (never a browser download), driven by
Playwright, against the local Label Studio of `scripts/labelstudio` (the one named by
`LABEL_STUDIO_PORT` / `ANNOTATE_LABELSTUDIO_HOME`, as for every other command). Each test makes
its own project through `annotate push`, works in the page the way an annotator does (mouse
selections, label buttons, the relation and choice controls), and reads the result back through
`annotate pull`, i.e. through the converter, never by peeking at the page.

Screenshots land in `artefacts/browser/` (git-ignored). Without Chromium or a server these tests
skip locally, and fail in CI (`CI=true`) and under `scripts/test` (`ANNOTATE_REQUIRE_LABELSTUDIO=1`).

Facts the helpers rely on (found by exploring Label Studio 1.23.2's page):
- the task text shows twice (data manager table and editor): text is looked up only inside the
  editor's `.lsf-richtext__container`;
- a labelled region is one or more `span.htx-highlight-<region id>-<n>` inside that container;
- a region's details panel has a "Create Relation" button; the relation's labels are a select
  behind "Show Relation Labels" in the Relations tab; per-region choices show as checkboxes
  (`input[name=<choice>]`) while a QUOTE region is selected;
- the login form is `/user/login/` with `#email` and `#password`; a restart of the server changes
  its secret key and logs the browser out, so `open_task` logs in again when it lands on the form.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.labelstudio]  # needs the server too

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("ANNOTATE_CHROMIUM", "/usr/bin/chromium"))
# A closed network: no sandbox (root in a container), no GPU, no background calls home.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTEFACTS = ROOT / "artefacts" / "browser"
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 30_000

# Two emoji and a mathematical script capital (all outside the BMP) before the spans, one inside
# the quote: code-point and UTF-16 offsets of everything after them differ by 3, inside by 4. The
# sentence is said twice, so that a span can only be placed by its offsets: the converter's repair
# (relocating a region whose text occurs once) cannot hide an offset bug.
ASTRAL_TEXT = '😀😀 𝒜 Bob said "we will 🏆 win" in Paris. Bob said it again: "we will 🏆 win".'


def _required() -> bool:
    truthy = {"1", "true", "yes"}
    return any(os.environ.get(name, "").lower() in truthy
               for name in ("CI", "ANNOTATE_REQUIRE_LABELSTUDIO", "ANNOTATE_REQUIRE_BROWSER"))


def _unavailable(reason: str) -> None:
    if _required():
        pytest.fail(f"{reason} (browser tests never skip in CI or under scripts/test)", pytrace=False)
    pytest.skip(reason)


# -- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ls_client() -> Any:
    """Our client for the server the browser will talk to."""
    from annotate.errors import LabelStudioError
    from annotate.labelstudio import LabelStudioClient, resolve_connection

    try:
        client = LabelStudioClient(resolve_connection(), retries=3)
        client.whoami()
    except LabelStudioError as error:
        _unavailable(f"no Label Studio server for the browser tests: {error}")
    return client


@pytest.fixture(scope="module")
def ui_login(ls_client: Any) -> dict[str, str]:
    """The preset user's email and password (from the local server's credentials file)."""
    from annotate.labelstudio import is_loopback, local_home

    path = local_home() / "credentials.json"
    if not is_loopback(ls_client.connection.url) or not path.is_file():
        _unavailable(f"the browser tests log in as the preset user of the local server; {path} is missing")
    creds = json.loads(path.read_text(encoding="utf-8"))
    return {"email": creds["username"], "password": creds["password"]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with the flags a closed network needs."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test does it as root)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def session(browser: Any, ls_client: Any, ui_login: dict[str, str]) -> Iterator[Any]:
    """A logged-in browser context (one login for the module)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    login(page, ls_client.connection.url, ui_login)
    page.close()
    yield context
    context.close()


@pytest.fixture
def page(session: Any) -> Iterator[Any]:
    tab = session.new_page()
    yield tab
    tab.close()


@pytest.fixture
def make_project(ls_client: Any, tmp_path: Path) -> Iterator[Callable[..., tuple[Any, dict[str, int]]]]:
    """`make(schema, tasks)` pushes `tasks` (a list, or a tasks file) with `annotate push` into a new
    project; returns (project, {doc_id: task id}). The projects are deleted after the test."""
    import uuid

    from annotate.push import push_tasks

    made: list[int] = []

    def make(schema: str, tasks: list[dict[str, Any]] | Path) -> tuple[Any, dict[str, int]]:
        if isinstance(tasks, Path):
            path = tasks
        else:
            path = tmp_path / f"tasks-{len(made)}.jsonl"
            path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
        title = f"browser-{schema}-{uuid.uuid4().hex[:8]}"
        push_tasks(ls_client, path, title=title, schema=schema)
        project = ls_client.find_project(title)
        made.append(project.id)
        ids = {str(data["doc_id"]): task_id for task_id, data in ls_client.iter_task_data(project.id)}
        return project, ids

    yield make
    for project_id in made:
        ls_client.delete_project(project_id)


# -- page helpers -----------------------------------------------------------------------------------

def login(page: Any, url: str, creds: dict[str, str]) -> None:
    """Log in through the form; fails with the page's own message when the login is refused."""
    page.goto(f"{url}/user/login/")
    page.fill("#email", creds["email"])
    page.fill("#password", creds["password"])
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/user/login" not in page.url, f"login as {creds['email']} was refused: {page.locator('body').inner_text()[:300]}"


def open_task(page: Any, url: str, project_id: int, task_id: int, creds: dict[str, str] | None = None) -> None:
    """Open a task in the labelling editor (logging in again if a server restart logged us out)."""
    page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    page.wait_for_load_state("networkidle")
    if "/user/login" in page.url and creds is not None:
        login(page, url, creds)
        page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
    page.wait_for_selector(".lsf-richtext__container .lsf-richtext__line")
    page.wait_for_load_state("networkidle")


def editor(page: Any) -> Any:
    return page.locator(".lsf-richtext__container")


def shown_labels(page: Any) -> list[str]:
    """The label buttons of the interface, in order."""
    return [text.strip() for text in page.locator(".lsf-labels .lsf-label__text").all_inner_texts()]


def label_button(page: Any, label: str) -> Any:
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.locator(".lsf-labels .lsf-label").filter(has=page.locator(".lsf-label__text", has_text=exact))


# Finds `needle` (its `occurrence`-th match) in the editor's text nodes and returns the viewport
# points of its first and last character, so that the mouse can drag over exactly those characters.
_LOCATE_JS = """([needle, occurrence]) => {
  const root = document.querySelector('.lsf-richtext__container');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let full = '', nodes = [];
  while (walker.nextNode()) { nodes.push([walker.currentNode, full.length]); full += walker.currentNode.data; }
  let at = -1;
  for (let i = 0; i <= occurrence; i++) { at = full.indexOf(needle, at + 1); if (at < 0) return null; }
  const locate = (pos, isEnd) => {
    for (let k = nodes.length - 1; k >= 0; k--) {
      const [node, offset] = nodes[k];
      if (offset < pos || (!isEnd && offset === pos)) return [node, pos - offset];
    }
    return [nodes[0][0], 0];
  };
  const range = document.createRange();
  const [startNode, startOffset] = locate(at, false);
  const [endNode, endOffset] = locate(at + needle.length, true);
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
  const first = rects[0], last = rects[rects.length - 1];
  return {x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2};
}"""


def region_ids(page: Any) -> set[str]:
    """Ids of the regions highlighted in the editor (`htx-highlight-<id>-<n>` classes)."""
    classes = editor(page).locator("span.htx-highlight").evaluate_all("els => els.map(e => e.className)")
    return {m.group(1) for c in classes for m in [re.search(r"htx-highlight-(\S+)-\d+", c)] if m}


def select_text(page: Any, needle: str, occurrence: int = 0) -> None:
    """Drag the mouse over `needle` in the editor, as a person selects text."""
    box = page.evaluate(_LOCATE_JS, [needle, occurrence])
    assert box, f"{needle!r} is not in the editor's text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()


def label_span(page: Any, label: str, needle: str, occurrence: int = 0) -> None:
    """Pick `label`, select `needle` with the mouse, and wait for the new region."""
    before = region_ids(page)
    label_button(page, label).click()
    select_text(page, needle, occurrence)
    page.wait_for_function(
        "n => new Set(Array.from(document.querySelectorAll('.lsf-richtext__container span.htx-highlight'))"
        ".map(e => (e.className.match(/htx-highlight-(\\S+)-\\d+/) || [])[1]).filter(Boolean)).size > n",
        arg=len(before),
    )


def select_region(page: Any, text: str) -> None:
    """Click a region in the text to select it (its details and per-region choices show).

    Clicking a selected region unselects it, so a region that is already selected is left alone.
    """
    details = page.locator("[data-testid=detailed-region]:not(.lsf-detailed-region_compact)").filter(has_text=text)
    if page.get_by_label("Create Relation").is_visible() and details.count():
        return
    editor(page).locator("span.htx-highlight").filter(has_text=re.compile(rf"^{re.escape(text)}$")).first.click()
    page.get_by_label("Create Relation").wait_for()


def shown_choices(page: Any) -> list[str]:
    return page.locator(".lsf-choices:not(.lsf-choices_hidden) input[type=checkbox]").evaluate_all(
        "els => els.map(e => e.name)")


def choose(page: Any, value: str) -> None:
    page.locator(".lsf-choices:not(.lsf-choices_hidden) .lsf-choice__checkbox").filter(
        has=page.locator(f"input[name={json.dumps(value)}]")).click()


def show_relations(page: Any) -> Any:
    """Switch the side panel to the Relations tab; return the relation items."""
    page.locator(".lsf-panel-tabs__tab:visible", has_text="Relations").first.click()
    return page.locator(".lsf-relations__item")


def newest_relation(page: Any) -> Any:
    """The item of the relation drawn last (the list is oldest first unless its order was flipped)."""
    items = show_relations(page)
    items.first.wait_for()
    ascending = "order_asc" in (page.locator(".lsf-relation-controls[aria-label^='Order by']").get_attribute("class") or "")
    return items.last if ascending else items.first


def relation_options(page: Any, item: Any) -> list[str]:
    """Open the label select of a relation item and return its options (left open)."""
    item.hover()
    if not item.locator(".lsf-relation-meta").count():
        item.get_by_label("Show Relation Labels").click()
    item.locator(".lsf-relation-meta [data-testid^=select-trigger]").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    return [text.strip() for text in options.all_inner_texts()]


def draw_relation(page: Any, from_text: str, to_text: str) -> Any:
    """Draw a relation from one region to another (Create Relation, then click the target);
    return its item in the Relations tab."""
    select_region(page, from_text)
    page.get_by_label("Create Relation").click()
    editor(page).locator("span.htx-highlight").filter(has_text=re.compile(rf"^{re.escape(to_text)}$")).first.click()
    return newest_relation(page)


def relate(page: Any, from_text: str, to_text: str, label: str) -> None:
    """Draw a relation from one region to another and give it `label`."""
    item = draw_relation(page, from_text, to_text)
    relation_options(page, item)
    page.get_by_role("option", name=label, exact=True).click()
    page.keyboard.press("Escape")
    assert label in item.inner_text(), f"the relation {from_text!r} -> {to_text!r} did not take the label {label!r}"
    page.locator(".lsf-panel-tabs__tab:visible", has_text="Regions").first.click()


def submit(page: Any) -> dict[str, Any]:
    """Press Submit and return the annotation the server stored."""
    with page.expect_response(lambda r: r.request.method == "POST" and re.search(r"/api/tasks/\d+/annotations", r.url)) as info:
        page.get_by_label("Submit current annotation").click()
    response = info.value
    assert response.ok, f"submit failed: HTTP {response.status} {response.text()[:300]}"
    return response.json()  # type: ignore[no-any-return]


def screenshot(page: Any, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def pull(project: Any, out: Path, schema: str) -> list[dict[str, Any]]:
    """`annotate pull` the project into `out`; return the gold records it wrote."""
    from typer.testing import CliRunner

    from annotate.cli import app

    result = CliRunner().invoke(app, ["pull", "--project", str(project.id), "--out", str(out), "--schema", schema, "--quiet"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def span_of(text: str, needle: str) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle}


# -- tests ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("schema_name", ["entities", "quotes", "events"])
def test_interface_shows_the_schema(schema_name: str, page: Any, ls_client: Any, ui_login: dict[str, str],
                                    make_project: Callable[..., Any]) -> None:
    """The page Label Studio makes from schemas/<name>.xml offers exactly our labels, kinds and relations."""
    from annotate.schema import load_schema

    schema = load_schema(schema_name)
    text = "😀 Witkoff said Russia and Ukraine held talks in Abu Dhabi on Thursday."
    project, ids = make_project(schema_name, [{"data": {"text": text, "doc_id": f"ui-{schema_name}"}}])
    open_task(page, ls_client.connection.url, project.id, ids[f"ui-{schema_name}"], ui_login)

    if schema_name == "entities":
        assert shown_labels(page) == list(schema.entity_labels)
        label_span(page, "PERSON", "Witkoff")
        label_span(page, "GPE", "Abu Dhabi")
        assert page.locator(".lsf-choices").count() == 0
    elif schema_name == "quotes":
        assert shown_labels(page) == list(schema.quote_labels)
        label_span(page, "SPEAKER", "Witkoff")
        label_span(page, "QUOTE", "Russia and Ukraine held talks")
        select_region(page, "Russia and Ukraine held talks")
        assert shown_choices(page) == list(schema.kinds)
        item = draw_relation(page, "Russia and Ukraine held talks", "Witkoff")
        assert relation_options(page, item) == list(schema.relation_labels)
        page.keyboard.press("Escape")
    else:
        assert shown_labels(page) == [e.name for e in schema.event_types] + [schema.argument_label]
        label_span(page, "Contact.Meet", "talks")
        label_span(page, schema.argument_label or "ARGUMENT", "Abu Dhabi")
        select_region(page, "talks")
        assert page.locator(".lsf-choices:not(.lsf-choices_hidden)").count() == 0
        item = draw_relation(page, "talks", "Abu Dhabi")
        assert relation_options(page, item) == list(schema.relation_labels)
        page.keyboard.press("Escape")
    path = screenshot(page, f"schema-{schema_name}")
    assert path.stat().st_size > 10_000


def test_spans_after_astral_characters_arrive_exactly(page: Any, ls_client: Any, ui_login: dict[str, str],
                                                       make_project: Callable[..., Any], tmp_path: Path) -> None:
    """Mouse selections after (and around) emoji and a non-BMP letter come back from `annotate pull`
    as the very characters selected, with the quote's speaker, cue and kind."""
    project, ids = make_project("quotes", [{"data": {"text": ASTRAL_TEXT, "doc_id": "astral"}}])
    open_task(page, ls_client.connection.url, project.id, ids["astral"], ui_login)

    label_span(page, "SPEAKER", "Bob")
    label_span(page, "CUE", "said")
    label_span(page, "QUOTE", "we will 🏆 win")
    select_region(page, "we will 🏆 win")
    choose(page, "direct")
    relate(page, "we will 🏆 win", "Bob", "speaker")
    relate(page, "we will 🏆 win", "said", "cue")
    screenshot(page, "astral-quote")
    stored = submit(page)
    assert stored["result"], "the server stored an empty annotation"

    records = pull(project, tmp_path / "pulled", "quotes")
    summary = json.loads((tmp_path / "pulled" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["repairs"] == {}, "spans were relocated by text, not placed by their offsets"
    assert summary["counts"]["offsets"] == {"codepoint": 3}, "Label Studio 1.23 stores code points"
    assert [r["id"] for r in records] == ["astral"]
    record = records[0]
    assert record["text"] == ASTRAL_TEXT
    assert record["quotes"] == [{
        **span_of(ASTRAL_TEXT, "we will 🏆 win"),
        "kind": "direct",
        "speaker": span_of(ASTRAL_TEXT, "Bob"),
        "cue": span_of(ASTRAL_TEXT, "said"),
    }]
    for quote in record["quotes"]:
        for span in (quote, quote["speaker"], quote["cue"]):
            assert ASTRAL_TEXT[span["start"]:span["end"]] == span["text"]
    assert record["annotator"] == ui_login["email"]


def test_entities_and_events_after_astral_characters_arrive_exactly(page: Any, ls_client: Any, ui_login: dict[str, str],
                                                                   make_project: Callable[..., Any], tmp_path: Path) -> None:
    """On the combined news schema: an entity and an event (trigger, argument in a role) selected
    after astral characters come back from `annotate pull` at the selected characters."""
    text = "😀😀 𝒜 Bob met Ann in Paris. 𝒜 Bob met Ann in Paris again."
    project, ids = make_project("news", [{"data": {"text": text, "doc_id": "astral-news"}}])
    open_task(page, ls_client.connection.url, project.id, ids["astral-news"], ui_login)

    label_span(page, "PERSON", "Bob")
    label_span(page, "GPE", "Paris")
    label_span(page, "Contact.Meet", "met")
    label_span(page, "ARGUMENT", "Ann")
    relate(page, "met", "Ann", "Participant")
    screenshot(page, "astral-news")
    submit(page)

    records = pull(project, tmp_path / "pulled", "news")
    summary = json.loads((tmp_path / "pulled" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["repairs"] == {}
    assert [r["id"] for r in records] == ["astral-news"]
    record = records[0]
    entities = sorted(record["entities"], key=lambda e: e["start"])
    assert entities == [{**span_of(text, "Bob"), "label": "PERSON"}, {**span_of(text, "Paris"), "label": "GPE"}]
    assert record["events"] == [{
        "type": "Contact.Meet",
        "trigger": span_of(text, "met"),
        "arguments": [{"role": "Participant", **span_of(text, "Ann")}],
    }]


def test_accepted_prediction_arrives_as_an_annotation(page: Any, ls_client: Any, ui_login: dict[str, str],
                                                      make_project: Callable[..., Any], tmp_path: Path) -> None:
    """A baseline proposal made by `annotate tasks --prelabel baseline`, accepted as it is in the
    editor, comes back from `annotate pull` as the annotator's record, equal to the prediction."""
    from typer.testing import CliRunner

    from annotate.cli import app

    tasks_path = tmp_path / "tasks.jsonl"
    result = CliRunner().invoke(app, ["tasks", str(ROOT / "corpora" / "news"), "--schema", "news",
                                      "--prelabel", "baseline", "--out", str(tasks_path), "--quiet"])
    assert result.exit_code == 0, result.output
    task = json.loads(tasks_path.read_text(encoding="utf-8").splitlines()[0])
    proposed = [item for item in task["predictions"][0]["result"] if item["type"] == "labels"]
    assert proposed, "the baseline proposed nothing on the seed article"
    project, ids = make_project("news", tasks_path)
    open_task(page, ls_client.connection.url, project.id, ids[task["data"]["doc_id"]], ui_login)

    # The editor opens with the proposal loaded as a draft annotation: every region is highlighted.
    page.wait_for_function(
        "n => document.querySelectorAll('.lsf-richtext__container span.htx-highlight').length >= n", arg=len(proposed))
    assert len(region_ids(page)) == len(proposed)
    screenshot(page, "prelabel-news")
    submit(page)

    records = pull(project, tmp_path / "pulled", "news")
    predictions = [json.loads(line) for line in (tmp_path / "pulled" / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1 and len(predictions) == 1
    record, prediction = records[0], predictions[0]
    assert record["origin"] == "annotation" and record["annotator"] == ui_login["email"]
    for key in ("entities", "quotes", "events"):
        assert record[key] == prediction[key], f"the accepted {key} differ from the proposal"
    assert sum(len(record[key]) for key in ("entities", "quotes", "events")) > 0


def test_demo_project_opens_with_the_seed_task(page: Any, ls_client: Any, ui_login: dict[str, str], tmp_path: Path) -> None:
    """`scripts/demo` runs to the end, prints the report and the project URL, and that URL shows the
    seed task in the browser with the gold annotation on it; a second run adds nothing."""
    import subprocess
    import uuid

    title = f"browser-demo-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DEMO_PROJECT": title, "DEMO_OUT": str(tmp_path / "demo")}
    try:
        runs = [subprocess.run([str(ROOT / "scripts" / "demo")], env=env, capture_output=True, text=True, timeout=600)
                for _ in range(2)]
        for run in runs:
            assert run.returncode == 0, run.stderr[-3000:]
        first, second = runs
        assert "gold: 1 annotation(s) submitted" in first.stderr
        assert "gold: 0 annotation(s) submitted, 1 already there" in second.stderr
        assert len(re.findall(r"^demo: \[\d/\d\] done", first.stderr, flags=re.M)) >= 8
        url = re.search(r"^\s*project:\s*(\S+)$", first.stdout, flags=re.M)
        report = re.search(r"^\s*report:\s*(\S+)$", first.stdout, flags=re.M)
        assert url and report, first.stdout
        html = Path(report.group(1)).read_text(encoding="utf-8")
        for task in ("entities", "quotes", "events"):
            assert f"<h2>{task}</h2>" in html
        project = ls_client.find_project(title)
        assert url.group(1) == ls_client.project_url(project.id)
        assert project.task_number == 1 and project.annotation_number == 1

        page.goto(url.group(1))
        if "/user/login" in page.url:
            login(page, ls_client.connection.url, ui_login)
            page.goto(url.group(1))
        row = page.locator("[data-testid=table-row]")
        row.first.wait_for()
        assert row.count() == 1
        assert "The second round" in row.first.inner_text()
        row.first.click()
        page.wait_for_selector(".lsf-richtext__container .lsf-richtext__line")
        gold = json.loads((ROOT / "corpora" / "gold" / "news.jsonl").read_text(encoding="utf-8").splitlines()[0])
        page.wait_for_function("() => document.querySelectorAll('.lsf-richtext__container span.htx-highlight').length > 0")
        assert "The second round" in editor(page).inner_text()
        screenshot(page, "demo-project")
        assert len(region_ids(page)) >= len(gold["entities"])
    finally:
        project = ls_client.find_project(title, missing_ok=True)
        if project is not None:
            ls_client.delete_project(project.id)
