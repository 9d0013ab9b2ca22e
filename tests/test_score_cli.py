"""`annotate score` and `annotate compare` through the CLI runner: outputs, schema, exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "score.schema.json").read_text(encoding="utf-8"))
runner = CliRunner()

CONLL = """-DOCSTART- O O

Kori B-PER B-PER
Schulman I-PER I-PER
wrote O O
in O O
New B-LOC B-ORG
York I-LOC I-ORG
. O O

Obama B-PER B-PER
met O O
Merkel B-PER O
in O I-LOC
Berlin B-LOC B-LOC
. O O
"""

TEXT = "Obama met Merkel in Berlin. \u201cWe agree,\u201d said Merkel."
GOLD = {
    "id": "d1",
    "text": TEXT,
    "entities": [
        {"start": 0, "end": 5, "label": "PER", "text": "Obama"},
        {"start": 10, "end": 16, "label": "PER", "text": "Merkel"},
        {"start": 20, "end": 26, "label": "LOC", "text": "Berlin"},
    ],
    "quotes": [{"start": 28, "end": 38, "text": "\u201cWe agree,", "kind": "direct",
                "speaker": {"start": 45, "end": 51, "text": "Merkel"}, "cue": {"start": 40, "end": 44, "text": "said"}}],
    "events": [{"type": "Contact.Meet", "trigger": {"start": 6, "end": 9, "text": "met"},
                "arguments": [{"role": "Place", "start": 20, "end": 26, "text": "Berlin"},
                              {"role": "Entity", "start": 0, "end": 5, "text": "Obama"}]}],
}
PRED = {
    "id": "d1",
    "entities": [
        {"start": 0, "end": 5, "label": "PER", "text": "Obama"},
        {"start": 20, "end": 26, "label": "ORG", "text": "Berlin"},
    ],
    "quotes": [{"start": 29, "end": 38, "text": "We agree,", "kind": "direct",
                "speaker": {"start": 45, "end": 51, "text": "Merkel"}, "cue": None}],
    "events": [{"type": "Contact.Meet", "trigger": {"start": 6, "end": 9, "text": "met"},
                "arguments": [{"role": "Place", "start": 20, "end": 26, "text": "Berlin"}]}],
}


def validate(document: dict) -> None:
    import jsonschema

    jsonschema.validate(document, SCHEMA)


@pytest.fixture()
def conll(tmp_path: Path) -> Path:
    path = tmp_path / "ner.conll"
    path.write_text(CONLL, encoding="utf-8")
    return path


@pytest.fixture()
def records(tmp_path: Path) -> tuple[Path, Path]:
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text(json.dumps(GOLD) + "\n" + json.dumps({"id": "d2", "text": "Nothing here."}) + "\n", encoding="utf-8")
    pred.write_text(json.dumps(PRED) + "\n" + json.dumps({"id": "zzz", "entities": []}) + "\n", encoding="utf-8")
    return gold, pred


def test_score_conll_json_validates_and_has_manifest(conll: Path) -> None:
    result = runner.invoke(app, ["score", "--conll", str(conll), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    validate(doc)
    assert list(doc)[0] == "manifest"
    m = doc["manifest"]
    assert m["gold"]["sha256"] == hashlib.sha256(conll.read_bytes()).hexdigest()
    assert (m["scheme"], m["documents"], m["unit"], m["seed"]) == ("IOB2", 1, "document", 0)
    strict = doc["entities"]["strict"]["micro"]
    # gold: Kori Schulman PER, New York LOC, Obama PER, Merkel PER, Berlin LOC = 5 chunks
    # pred: Kori Schulman PER, New York ORG, Obama PER, "in" LOC (I- after O), Berlin LOC = 5 chunks
    # strict correct: Kori Schulman, Obama, Berlin = 3 -> P = R = F1 = 3/5
    assert (strict["correct"], strict["actual"], strict["possible"]) == (3, 5, 5)
    assert strict["f1"] == pytest.approx(0.6)
    assert doc["inputs"]["malformed"]["pred"] == {"I- after O": 1}


def test_score_conll_terminal_markdown_errors_and_html(conll: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", "--conll", str(conll), "--errors", "5"])
    assert result.exit_code == 0, result.output
    assert "strict" in result.stdout and "I- after O" in result.stdout and "false_negative" in result.stdout
    md = runner.invoke(app, ["score", "--conll", str(conll), "--markdown"])
    assert md.stdout.count("| strict |") == 1 and "|---|" in md.stdout
    page = tmp_path / "report.html"
    html_run = runner.invoke(app, ["score", "--conll", str(conll), "--html", str(page), "--quiet"])
    assert html_run.exit_code == 0, html_run.output
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and 'class="g"' in text and 'class="p"' in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text and "<script" not in text


def test_wrong_column_count_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("a O O\nb O O\nc O\n", encoding="utf-8")
    result = runner.invoke(app, ["score", "--conll", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: 2 columns" in result.stderr


def test_fail_under_exits_3(conll: Path) -> None:
    assert runner.invoke(app, ["score", "--conll", str(conll), "--fail-under", "0.5", "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["score", "--conll", str(conll), "--fail-under", "0.7"])
    assert result.exit_code == 3
    assert "below --fail-under 0.7" in result.stderr


def test_bootstrap_is_deterministic(conll: Path) -> None:
    args = ["score", "--conll", str(conll), "--json", "--bootstrap", "200", "--seed", "3"]
    first, second = (json.loads(runner.invoke(app, args).stdout) for _ in range(2))
    assert first["entities"]["strict"]["micro"]["f1_ci"] == second["entities"]["strict"]["micro"]["f1_ci"]
    validate(first)


@pytest.mark.parametrize("task", ["entities", "quotes", "events"])
def test_score_records_every_task(records: tuple[Path, Path], task: str) -> None:
    gold, pred = records
    result = runner.invoke(app, ["score", str(gold), str(pred), "--task", task, "--json", "--bootstrap", "50"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["inputs"]["missing_predictions"] == 1 and doc["inputs"]["extra_predictions"] == 1
    assert doc["manifest"]["documents"] == 2
    if task == "entities":
        # strict: Obama right, Berlin retyped, Merkel missed -> P 1/2, R 1/3, F1 0.4
        assert doc["entities"]["strict"]["micro"]["f1"] == pytest.approx(0.4)
    elif task == "quotes":
        assert doc["quotes"]["content_exact"]["micro"]["f1"] == 0.0
        assert doc["quotes"]["content_overlap"]["micro"]["f1"] == 1.0
        assert doc["quotes"]["speaker_attribution"]["micro"] == {"accuracy": 1.0, "correct": 1, "total": 1}
        assert doc["quotes"]["cue_exact"]["micro"]["recall"] == 0.0
    else:
        assert doc["events"]["trigger_classification"]["micro"]["f1"] == 1.0
        # arguments: gold 2, pred 1 (Place right) -> P 1, R 1/2, F1 2/3
        assert doc["events"]["argument_classification"]["micro"]["f1"] == pytest.approx(2 / 3)


def test_missing_error_and_differing_text(records: tuple[Path, Path], tmp_path: Path) -> None:
    gold, pred = records
    result = runner.invoke(app, ["score", str(gold), str(pred), "--missing", "error"])
    assert result.exit_code == 1 and "no prediction for gold document 'd2'" in result.stderr
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({**PRED, "text": TEXT + " extra"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(gold), str(other)])
    assert result.exit_code == 1 and "differs from gold" in result.stderr


def test_compare_records(records: tuple[Path, Path], tmp_path: Path) -> None:
    gold, pred = records
    result = runner.invoke(app, ["compare", str(gold), str(pred), str(pred), "--json", "--bootstrap", "100", "--trials", "100"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["comparison"]["delta"] == 0.0 and doc["comparison"]["p_randomization"] == 1.0


def test_compare_conll_terminal(conll: Path) -> None:
    result = runner.invoke(app, ["compare", "--conll", str(conll), str(conll), "--trials", "50", "--bootstrap", "50"])
    assert result.exit_code == 0, result.output
    assert "approx. randomization" in result.stdout


def test_usage_errors_name_both_flags(conll: Path, records: tuple[Path, Path]) -> None:
    gold, pred = records
    result = runner.invoke(app, ["score", str(gold), str(pred), "--conll", str(conll)])
    assert result.exit_code == 2 and "--conll" in result.output
    result = runner.invoke(app, ["score", "--conll", str(conll), "--json", "--markdown"])
    assert result.exit_code == 2 and "--json" in result.output and "--markdown" in result.output


def test_score_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, annotate.cli.app; before = set(sys.modules); import annotate.cli.score_commands; "
        "new = set(sys.modules) - before; heavy = {m.split('.')[0] for m in new} & {'numpy', 'sklearn', 'scipy', 'rich', 'jsonschema'}; "
        "print(sorted(heavy)); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_commands_have_help() -> None:
    for command in ("score", "compare"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.stdout


def test_commands_dict_lists_every_registered_command() -> None:
    import typer.main

    from annotate.cli import COMMANDS

    assert set(typer.main.get_group(app).commands) == set(COMMANDS)


DIRECT_LINES = [
    ["--conll", "x.conll"],
    ["--conll=x.conll", "--json", "-q"],
    ["g.jsonl", "p.jsonl", "--task", "quotes", "--bootstrap", "1000", "--seed", "3", "--confidence", "0.9"],
    ["--conll", "x.conll", "--matching", "strict", "--matching", "ent_type", "--min-overlap", "50"],
    ["--conll", "x.conll", "--scheme", "BILOU", "--tokens", "--errors", "5", "--html", "r.html", "--fail-under", "0.5"],
    ["g.jsonl", "--missing", "error", "p.jsonl", "--measure", "exact", "--markdown"],
    ["g.jsonl", "p.jsonl", "--label-map", "PERSON=PER,NORP=", "--map-gold", "--drop-unmapped"],
    ["--conll", "x.conll", "--label-map=map.json"],
]
LEFT_TO_TYPER = [
    ["--conll", "x.conll", "--help"],
    ["--conll", "x.conll", "--task", "ENTITIES"],  # choices are case sensitive
    ["--conll", "x.conll", "--bootstrap", "-1"],  # below min
    ["--conll", "x.conll", "--confidence", "nan"],
    ["--conll", "x.conll", "--seed", "1_000"],
    ["--conll", "x.conll", "--no-tokens"],
    ["--conll"],
    ["a", "b", "c"],
]


@pytest.mark.parametrize("args", DIRECT_LINES)
def test_direct_arguments_equal_typers(args: list[str]) -> None:
    """`annotate score` parses plain command lines itself (no pydantic): same values as Typer's."""
    import typer.main

    from annotate.cli import direct_arguments
    from annotate.cli.score_commands import score

    command = typer.main.get_group(app).commands["score"]
    expected = command.make_context("score", list(args)).params
    got = direct_arguments(score, list(args))
    assert got is not None
    for name, value in expected.items():
        if isinstance(value, tuple) and not value:  # a list option not given: Typer passes the default
            value = None
        assert got[name] == value, name
    assert set(got) == set(expected)


@pytest.mark.parametrize("args", LEFT_TO_TYPER)
def test_direct_arguments_leave_the_rest_to_typer(args: list[str]) -> None:
    from annotate.cli import direct_arguments
    from annotate.cli.score_commands import score

    assert direct_arguments(score, list(args)) is None


def test_console_script_direct_path_and_errors(conll: Path, tmp_path: Path) -> None:
    """The console script's direct path: the JSON equals the runner's; usage errors still come
    from Typer (exit 2), data errors exit 1, --fail-under exits 3."""
    exe = [sys.executable, "-c", "from annotate.cli import main; main()", "score"]
    direct = subprocess.run([*exe, "--conll", str(conll), "--json"], capture_output=True, text=True)
    assert direct.returncode == 0, direct.stderr
    via_typer = runner.invoke(app, ["score", "--conll", str(conll), "--json"])
    assert json.loads(direct.stdout)["entities"] == json.loads(via_typer.stdout)["entities"]
    usage = subprocess.run([*exe, "--conll", str(conll), "--json", "--markdown"], capture_output=True, text=True)
    assert usage.returncode == 2 and "--markdown" in usage.stderr and "Usage" in usage.stderr
    missing = subprocess.run([*exe, "--conll", str(tmp_path / "none.conll")], capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr.startswith("annotate: error: [A")
    below = subprocess.run([*exe, "--conll", str(conll), "--fail-under", "0.99", "-q"], capture_output=True, text=True)
    assert below.returncode == 3
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv = ['annotate', 'score', '--conll', sys.argv[1], '--json'];"
         "from annotate.cli import main; main(); print(sorted({m.split('.')[0] for m in sys.modules} & "
         "{'pydantic', 'sklearn', 'scipy', 'rich', 'pandas', 'datasets', 'spacy'}), file=sys.stderr)", str(conll)],
        capture_output=True, text=True,
    )
    assert heavy.returncode == 0 and heavy.stderr.strip() == "[]", heavy.stderr


def test_quote_and_event_errors_json_terminal_html(records: tuple[Path, Path], tmp_path: Path) -> None:
    """Quotes: the predicted quote [29,38) overlaps gold [28,38) (boundary) and has no cue where
    gold has "said" (cue). Events: the trigger "met" matches; gold's Entity argument "Obama" has no
    prediction (argument_false_negative)."""
    gold, pred = records
    q = runner.invoke(app, ["score", str(gold), str(pred), "--task", "quotes", "--json", "--errors", "10"])
    doc = json.loads(q.stdout)
    validate(doc)
    kinds = [(e["kind"], (e["gold"] or {}).get("text"), (e["pred"] or {}).get("text")) for e in doc["errors"]]
    assert kinds == [("boundary", "\u201cWe agree,", "We agree,"), ("cue", "said", "We agree,")]
    assert all(e["doc"] == "d1" and "We agree" in e["context"] for e in doc["errors"])
    e = runner.invoke(app, ["score", str(gold), str(pred), "--task", "events", "--json", "--errors", "10"])
    doc = json.loads(e.stdout)
    validate(doc)
    assert [(x["kind"], x["gold"]["label"], x["gold"]["text"], x["pred"]) for x in doc["errors"]] == [
        ("argument_false_negative", "Entity", "Obama", None)
    ]
    terminal = runner.invoke(app, ["score", str(gold), str(pred), "--task", "quotes", "--errors", "5"])
    assert "quotes paired by overlap" in terminal.stdout and "boundary" in terminal.stdout and "cue" in terminal.stdout
    page = tmp_path / "events.html"
    runner.invoke(app, ["score", str(gold), str(pred), "--task", "events", "--html", str(page), "-q"])
    html = page.read_text(encoding="utf-8")
    assert "argument false negative" in html and '<span class="g">Obama</span>' in html


def test_event_and_quote_errors_hand_worked() -> None:
    """Text "Rebels attacked the base; troops met in Kabul. X said: 'no'." with
    gold: Attack [7,15) (Attacker [0,6), Target [16,24)), Meet [33,36) (Place [40,45));
    pred: Attack [7,15) (Attacker [0,6) as Target: role error; Target missing), Meet [26,36) "troops met"
    (boundary), and a Die at [0,6) (false positive).
    """
    from annotate.metrics.errorlist import event_errors, quote_errors

    text = "Rebels attacked the base; troops met in Kabul. X said: 'no'."
    def ev(t: str, s: int, e: int, args: list[tuple[str, int, int]]) -> dict:
        return {"type": t, "trigger": {"start": s, "end": e}, "arguments": [{"role": r, "start": a, "end": b} for r, a, b in args]}

    gold = [{"id": "g", "text": text, "events": [ev("Attack", 7, 15, [("Attacker", 0, 6), ("Target", 16, 24)]), ev("Meet", 33, 36, [("Place", 40, 45)])]}]
    pred = [{"id": "g", "events": [ev("Attack", 7, 15, [("Target", 0, 6)]), ev("Meet", 26, 36, []), ev("Die", 0, 6, [])]}]
    got = [(e.kind, e.gold and e.gold["text"], e.pred and e.pred["text"]) for e in event_errors(gold, pred, limit=10)]
    assert got == [
        ("false_positive", None, "Rebels"),
        # the Attack pair's argument errors, anchored at its trigger (7), in EVENT_KINDS order
        ("argument_false_negative", "the base", None),
        ("role", "Rebels", "Rebels"),
        ("boundary", "met", "troops met"),
    ]
    first = event_errors(gold, pred, limit=1)[0]
    assert first.context[first.pred_at[0]:first.pred_at[1]] == "Rebels"
    quotes_gold = [{"id": "g", "text": text, "quotes": [{"start": 55, "end": 59, "kind": "direct", "speaker": {"start": 47, "end": 48}, "cue": None}]}]
    quotes_pred = [{"id": "g", "quotes": [{"start": 55, "end": 59, "kind": "indirect", "speaker": None, "cue": None},
                                          {"start": 0, "end": 6, "kind": None, "speaker": None, "cue": None}]}]
    got = [(e.kind, e.gold and e.gold["label"], e.pred and e.pred["label"]) for e in quote_errors(quotes_gold, quotes_pred, limit=10)]
    # errors of one pair of quotes stay together, anchored where the pair starts (55)
    assert got == [("false_positive", None, "none"), ("kind", "direct", "indirect"), ("speaker", "speaker", "no speaker (quote)")]


def test_token_report_on_records_equals_sklearn(tmp_path: Path) -> None:
    """`--tokens` on records: every whitespace word gets the label of the entity covering it (else
    O); the report equals sklearn's classification_report over those labels, computed here from
    the words themselves (O reported, not averaged: labels= the entity types)."""
    import math

    from sklearn.metrics import classification_report

    docs = [
        ("a", "Angela Merkel met Joe Biden in New York on Monday",
         [(0, 13, "PER"), (18, 27, "PER"), (31, 39, "LOC")],
         [(0, 6, "PER"), (18, 27, "ORG"), (31, 39, "LOC"), (43, 49, "DATE")]),
        ("b", "The United Nations said nothing new today",
         [(4, 18, "ORG")],
         [(4, 18, "ORG"), (24, 31, "PER")]),
        ("c", "Nobody here", [], []),
    ]
    gold_rows, pred_rows, y_true, y_pred = [], [], [], []
    for doc_id, text, gold_spans, pred_spans in docs:
        def ents(spans: list[tuple[int, int, str]]) -> list[dict]:
            return [{"start": s, "end": e, "label": label, "text": text[s:e]} for s, e, label in spans]

        gold_rows.append({"id": doc_id, "text": text, "entities": ents(gold_spans)})
        pred_rows.append({"id": doc_id, "entities": ents(pred_spans)})
        start = 0
        for word in text.split(" "):
            end = start + len(word)
            for spans, out in ((gold_spans, y_true), (pred_spans, y_pred)):
                out.append(next((label for s, e, label in spans if s <= start and end <= e), "O"))
            start = end + 1
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in gold_rows), encoding="utf-8")
    pred.write_text("".join(json.dumps(r) + "\n" for r in pred_rows), encoding="utf-8")
    result = runner.invoke(app, ["score", str(gold), str(pred), "--tokens", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    validate(doc)
    names = sorted({x for x in y_true + y_pred if x != "O"})
    expected = classification_report(y_true, y_pred, labels=names, output_dict=True, zero_division=float("nan"))
    got = doc["tokens"]
    assert set(got) == set(expected)
    for key, row in expected.items():
        for measure, value in (row.items() if isinstance(row, dict) else [(None, row)]):
            mine = got[key][measure] if measure is not None else got[key]
            if isinstance(value, float) and math.isnan(value):
                assert mine is None, (key, measure)
            else:
                assert mine == pytest.approx(value), (key, measure)
    # one row by hand: gold PER tokens Angela, Merkel, Joe, Biden (4); predicted PER tokens
    # Angela and "nothing" (2); right: Angela (1) -> P 1/2, R 1/4
    assert (got["PER"]["precision"], got["PER"]["recall"], got["PER"]["support"]) == (0.5, 0.25, 4)
