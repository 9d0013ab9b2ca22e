"""The HTML report (annotate.reports.html) and the demo's combined page: the summary on top equals the JSON."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from test_score_cli import GOLD, PRED  # the scorer's hand-worked records
from typer.testing import CliRunner

from annotate.cli import app
from annotate.reports import HEADLINE_MEASURE, headlines, pct
from annotate.reports.html import render_html

runner = CliRunner()

SECOND = {"id": "d2", "text": "Merkel spoke.", "entities": [{"start": 0, "end": 6, "label": "PER", "text": "Merkel"}],
          "quotes": [], "events": []}


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    gold, pred = tmp_path / "gold-news.jsonl", tmp_path / "system-preds.jsonl"
    gold.write_text(json.dumps(GOLD) + "\n" + json.dumps(SECOND) + "\n", encoding="utf-8")
    pred.write_text(json.dumps(PRED) + "\n" + json.dumps({**SECOND, "text": None}) + "\n", encoding="utf-8")
    return gold, pred


def score(gold: Path, pred: Path, task: str, tmp_path: Path, *extra: str) -> tuple[dict[str, Any], str]:
    """The JSON document and the HTML page of one `annotate score` run."""
    page = tmp_path / f"{task}.html"
    result = runner.invoke(app, ["score", str(gold), str(pred), "--task", task, "--json", "--html", str(page), *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), page.read_text(encoding="utf-8")


class Cards(HTMLParser):
    """The summary cards' data attributes, and whether each <details> opens by default."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, str]] = []
        self.details: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "div" and values.get("class") == "card":
            self.cards.append(values)
        if tag == "details":
            self.details.append("open" in values)


def cards(page: str) -> Cards:
    parser = Cards()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("task", ["entities", "quotes", "events"])
def test_summary_headline_equals_the_json(files: tuple[Path, Path], tmp_path: Path, task: str) -> None:
    document, page = score(*files, task, tmp_path, "--bootstrap", "50")
    (card,) = cards(page).cards
    measure = HEADLINE_MEASURE[task]
    micro = document[task][measure]["micro"]
    assert (card["data-task"], card["data-measure"]) == (task, measure)
    assert float(card["data-f1"]) == micro["f1"]
    summary = page[page.index('<div class="summary">'):page.index(f"<h2>{task}</h2>")]
    assert f"{pct(micro['f1'])} <small>F1</small>" in summary
    low, high = micro["f1_ci"]
    assert f"95% CI {pct(low)}–{pct(high)}" in summary
    assert f"P {pct(micro['precision'])} · R {pct(micro['recall'])}" in summary
    assert f"{micro['possible']} gold, {micro['actual']} predicted" in summary


def test_summary_names_the_files_and_counts_documents(files: tuple[Path, Path], tmp_path: Path) -> None:
    document, page = score(*files, "entities", tmp_path)
    top = page[:page.index('<div class="summary">')]
    assert ">gold-news.jsonl</b>" in top and ">system-preds.jsonl</b>" in top
    assert f"<b>{document['manifest']['documents']}</b> documents" in top and document["manifest"]["documents"] == 2
    assert "95% CI" not in page  # no bootstrap, no interval
    # the summary comes before every table
    assert page.index('<div class="summary">') < page.index("<table")


def test_primary_measure_open_others_folded(files: tuple[Path, Path], tmp_path: Path) -> None:
    _, page = score(*files, "entities", tmp_path)
    parsed = cards(page)
    assert parsed.details == [False]  # one fold, closed
    fold = page[page.index("<details>"):page.index("</details>")]
    for scheme in ("exact", "partial", "ent_type"):
        assert f"entities · {scheme} per label" in fold
    primary = page.index("entities · strict per label")
    assert primary < page.index("<details>")


def test_bars_share_one_width_and_page_is_self_contained(files: tuple[Path, Path], tmp_path: Path) -> None:
    _, page = score(*files, "quotes", tmp_path, "--errors", "5")
    # every bar is a track of the stylesheet's one width, filled by percent: no per-bar pixel width
    assert re.findall(r'class="bar" style=', page) == []
    fills = re.findall(r'<span class="bar"><span style="width:([0-9.]+)%"></span></span>', page)
    assert fills and all(0.0 <= float(f) <= 100.0 for f in fills)
    assert 'name="viewport"' in page and "@media (max-width:" in page
    rest = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in rest and "https://" not in rest and "<script" not in rest and "<link" not in rest


def test_headlines_fall_back_to_the_first_measure() -> None:
    block = {"micro": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "possible": 2, "actual": 2}, "macro": {}, "per_label": {}}
    (h,) = headlines({"manifest": {}, "entities": {"exact": block}})
    assert (h.measure, h.f1, h.f1_ci) == ("exact", 0.5, None)


def test_render_html_places_lead_under_the_summary(files: tuple[Path, Path], tmp_path: Path) -> None:
    document, _ = score(*files, "entities", tmp_path)
    page = render_html(document, lead=["<p>INTRO</p>"], extra_sections=["<section>END</section>"])
    assert page.index('<div class="summary">') < page.index("INTRO") < page.index("<h2>entities</h2>") < page.index("END")


def test_demo_report_summary_equals_its_json(files: tuple[Path, Path], tmp_path: Path) -> None:
    from annotate.demo import headline, score_all, score_report

    gold, pred = files
    out = tmp_path / "demo.html"
    lines = score_report(gold, pred, out, title="baseline")
    document = score_all(gold, pred)
    page = out.read_text(encoding="utf-8")
    found = {c["data-task"]: c for c in cards(page).cards}
    assert list(found) == ["entities", "quotes", "events"]
    for task, card in found.items():
        micro = document[task][HEADLINE_MEASURE[task]]["micro"]
        assert card["data-measure"] == HEADLINE_MEASURE[task] and float(card["data-f1"]) == micro["f1"]
    assert lines == headline(document) and len(lines) == 3
    # the introduction sits right under the summary, before the first task's tables
    assert page.index('<div class="summary">') < page.index("System <b>baseline</b>") < page.index("<h2>entities</h2>")
    assert cards(page).details and not any(cards(page).details)
