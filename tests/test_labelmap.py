"""Label mapping for scoring (annotate.metrics.labelmap, --label-map): hand-worked examples through
the CLI, for records and CoNLL input, through Typer and through the console script's direct parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.errors import ScoreError
from annotate.metrics.labelmap import LabelMap, load_label_map, map_records, parse_label_map

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "score.schema.json").read_text(encoding="utf-8"))
runner = CliRunner()

# Gold in CoNLL labels (PER, LOC, ORG); predictions in OntoNotes labels.
TEXT = "Merkel met French envoys in Paris and at the Louvre, said Reuters on Monday."
GOLD_SPANS = [("Merkel", "PER"), ("Paris", "LOC"), ("Louvre", "LOC"), ("Reuters", "ORG")]
PRED_SPANS = [("Merkel", "PERSON"), ("French", "NORP"), ("Paris", "GPE"), ("Louvre", "FAC"),
              ("Reuters", "PERSON"), ("Monday", "DATE")]
MAP = "PERSON=PER,GPE=LOC,LOC=LOC,FAC=LOC,ORG=ORG,NORP="

CONLL = """Merkel B-PER B-PERSON
met O O
French O B-NORP
envoys O O
in O O
Paris B-LOC B-GPE
and O O
at O O
the O O
Louvre B-LOC B-FAC
, O O
said O O
Reuters B-ORG B-PERSON
on O O
Monday O B-DATE
. O O
"""


def entity(word: str, label: str) -> dict[str, Any]:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, list[str]]:
    """`{"records": [GOLD, PRED], "conll": ["--conll", FILE]}`: the same example in both forms."""
    gold, pred, conll = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", tmp_path / "ner.conll"
    gold.write_text(json.dumps({"id": "d1", "text": TEXT, "entities": [entity(*s) for s in GOLD_SPANS]}) + "\n", encoding="utf-8")
    pred.write_text(json.dumps({"id": "d1", "entities": [entity(*s) for s in PRED_SPANS]}) + "\n", encoding="utf-8")
    conll.write_text(CONLL, encoding="utf-8")
    return {"records": [str(gold), str(pred)], "conll": ["--conll", str(conll)]}


def score_both_ways(args: list[str]) -> tuple[dict[str, Any], str]:
    """The JSON through Typer (CliRunner) and through the console script's direct parser; both
    must be equal. Returns the document and the direct run's stderr."""
    typer_run = runner.invoke(app, ["score", *args, "--json"])
    assert typer_run.exit_code == 0, typer_run.output
    direct = subprocess.run(
        [sys.executable, "-c", "from annotate.cli import main; main()", "score", *args, "--json"],
        capture_output=True, text=True,
    )
    assert direct.returncode == 0, direct.stderr
    a, b = json.loads(typer_run.stdout), json.loads(direct.stdout)
    assert a == b
    import jsonschema

    jsonschema.validate(a, SCHEMA)
    return a, direct.stderr


def micro(doc: dict[str, Any], scheme: str) -> tuple[Any, ...]:
    m = doc["entities"][scheme]["micro"]
    return m["correct"], m["incorrect"], m["missed"], m["spurious"], m["precision"], m["recall"], m["f1"]


@pytest.mark.parametrize("kind", ["records", "conll"])
def test_map_and_drop_unmapped(inputs: dict[str, list[str]], kind: str) -> None:
    """PERSON->PER, GPE->LOC, FAC->LOC; NORP mapped to nothing; DATE not in the map, dropped by
    --drop-unmapped. Predictions after mapping: Merkel PER (correct), Paris LOC (correct), Louvre
    LOC (correct), Reuters PER (gold ORG: incorrect under strict); French and Monday dropped.
    strict: correct 3, incorrect 1, missed 0, spurious 0 -> P = R = 3/4 = 0.75, F1 = 0.75.
    exact (labels ignored): correct 4 -> P = R = F1 = 1."""
    doc, stderr = score_both_ways([*inputs[kind], "--label-map", MAP, "--drop-unmapped"])
    assert micro(doc, "strict") == (3, 1, 0, 0, 0.75, 0.75, 0.75)
    assert micro(doc, "exact") == (4, 0, 0, 0, 1.0, 1.0, 1.0)
    lm = doc["manifest"]["label_map"]
    assert lm["mapping"] == {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG", "NORP": None}
    assert (lm["drop_unmapped"], lm["map_gold"], lm["source"]) == (True, False, {"pairs": MAP})
    # 6 predicted spans in; PERSON x2, GPE, FAC renamed; NORP and DATE dropped -> 4 out
    assert lm["pred"] == {"spans_in": 6, "spans_out": 4, "relabelled": {"FAC": 1, "GPE": 1, "PERSON": 2},
                          "dropped": {"DATE": 1, "NORP": 1}, "dropped_total": 2}
    assert lm["gold"] is None
    assert "2 dropped (DATE 1, NORP 1)" in stderr
    assert set(doc["entities"]["strict"]["per_label"]) == {"PER", "LOC", "ORG"}


@pytest.mark.parametrize("kind", ["records", "conll"])
def test_unmapped_labels_are_kept_by_default(inputs: dict[str, list[str]], kind: str) -> None:
    """Without --drop-unmapped, Monday stays as DATE: a spurious span. strict: correct 3,
    incorrect 1, spurious 1 -> actual 5, possible 4; P = 3/5 = 0.6, R = 3/4 = 0.75,
    F1 = 2 * 0.6 * 0.75 / 1.35 = 2/3."""
    doc, _ = score_both_ways([*inputs[kind], "--label-map", MAP])
    correct, incorrect, missed, spurious, p, r, f1 = micro(doc, "strict")
    assert (correct, incorrect, missed, spurious, p, r) == (3, 1, 0, 1, 0.6, 0.75)
    assert f1 == pytest.approx(2 / 3)
    assert doc["manifest"]["label_map"]["pred"]["dropped"] == {"NORP": 1}


@pytest.mark.parametrize("kind", ["records", "conll"])
def test_no_map_means_no_match_and_a_null_manifest_entry(inputs: dict[str, list[str]], kind: str) -> None:
    """Unmapped, no predicted label equals a gold label: strict correct 0 of 6 predicted."""
    doc, _ = score_both_ways(inputs[kind])
    assert micro(doc, "strict")[:4] == (0, 4, 0, 2)
    assert doc["manifest"]["label_map"] is None


@pytest.mark.parametrize("kind", ["records", "conll"])
def test_map_gold_from_a_json_file(inputs: dict[str, list[str]], kind: str, tmp_path: Path) -> None:
    """--map-gold with a JSON file: LOC and PER (gold) and GPE, FAC (pred) all go to coarse labels
    PLACE and PERSON_; ORG (gold) -> null drops Reuters from gold, so the predicted Reuters is
    spurious. Gold after: Merkel PERSON_, Paris PLACE, Louvre PLACE (3). Pred after: Merkel
    PERSON_, Paris PLACE, Louvre PLACE, Reuters PERSON_ (DATE, NORP dropped as unmapped).
    strict: correct 3, spurious 1 -> P = 3/4, R = 3/3 = 1, F1 = 2 * 0.75 / 1.75 = 6/7."""
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"PER": "PERSON_", "PERSON": "PERSON_", "LOC": "PLACE", "GPE": "PLACE",
                                "FAC": "PLACE", "ORG": None}), encoding="utf-8")
    doc, _ = score_both_ways([*inputs[kind], "--label-map", str(path), "--map-gold", "--drop-unmapped"])
    correct, incorrect, missed, spurious, p, r, f1 = micro(doc, "strict")
    assert (correct, incorrect, missed, spurious, p, r) == (3, 0, 0, 1, 0.75, 1.0)
    assert f1 == pytest.approx(6 / 7)
    lm = doc["manifest"]["label_map"]
    assert lm["gold"] == {"spans_in": 4, "spans_out": 3, "relabelled": {"LOC": 2, "PER": 1},
                          "dropped": {"ORG": 1}, "dropped_total": 1}
    assert lm["pred"]["dropped"] == {"DATE": 1, "NORP": 1}
    assert set(lm["source"]) == {"path", "sha256"}


def test_usage_errors_name_both_flags(inputs: dict[str, list[str]]) -> None:
    lone = runner.invoke(app, ["score", *inputs["conll"], "--drop-unmapped"])
    assert lone.exit_code == 2 and "--label-map" in lone.output and "--drop-unmapped" in lone.output
    quotes = runner.invoke(app, ["score", *inputs["records"], "--task", "quotes", "--label-map", MAP])
    assert quotes.exit_code == 2 and "--task" in quotes.output
    bad = runner.invoke(app, ["score", *inputs["conll"], "--label-map", "PERSON"])
    assert bad.exit_code == 1
    missing = runner.invoke(app, ["score", *inputs["conll"], "--label-map", "nothere.json"])
    assert missing.exit_code == 1


def test_conll_chunks_are_decoded_before_mapping(tmp_path: Path) -> None:
    """Pred "B-GPE I-GPE B-LOC" is two chunks (New York GPE, City LOC) and stays two LOC spans
    after mapping, not one: strict against gold "New York City" LOC: the first overlaps it
    (incorrect), the second finds it taken (spurious): correct 0, incorrect 1, spurious 1."""
    path = tmp_path / "adj.conll"
    path.write_text("New B-LOC B-GPE\nYork I-LOC I-GPE\nCity I-LOC B-LOC\n", encoding="utf-8")
    result = runner.invoke(app, ["score", "--conll", str(path), "--label-map", "GPE=LOC", "--json", "--tokens"])
    doc = json.loads(result.stdout)
    assert micro(doc, "strict")[:4] == (0, 1, 0, 1)
    assert doc["manifest"]["label_map"]["pred"]["spans_out"] == 2
    # the token report sees mapped types: every token LOC on both sides
    assert doc["tokens"]["LOC"]["f1-score"] == 1.0 and "GPE" not in doc["tokens"]


def test_parse_and_load() -> None:
    assert parse_label_map(" A = B , C= ") == {"A": "B", "C": None}
    with pytest.raises(ScoreError, match="mapped twice"):
        parse_label_map("A=B,A=C")
    with pytest.raises(ScoreError, match="FROM=TO"):
        parse_label_map("=B")
    assert load_label_map("A=B", drop_unmapped=True).drop_unmapped


def test_map_records_leaves_its_input_alone() -> None:
    records = [{"id": "a", "entities": [{"start": 0, "end": 1, "label": "GPE"}], "quotes": [{"x": 1}]}]
    out, counts = map_records(records, LabelMap({"GPE": "LOC"}))
    assert out[0]["entities"][0]["label"] == "LOC" and out[0]["quotes"] == [{"x": 1}]
    assert records[0]["entities"][0]["label"] == "GPE"
    assert (counts.spans_in, counts.spans_out, dict(counts.relabelled)) == (1, 1, {"GPE": 1})
