"""Agreement between annotators (annotate.metrics.agreement) and `annotate agree` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from typer.testing import CliRunner

from annotate.cli import app
from annotate.errors import InputError
from annotate.metrics.agreement import agreement, pooled, span_agreement
from annotate.metrics.annotations import group_annotations, record_spans
from annotate.metrics.ceiling import human_ceiling
from annotate.metrics.token_agreement import cohen_kappa, krippendorff_alpha
from annotate.reports.agreement import heatmap_svg
from annotate.spans import Span

runner = CliRunner()

T1 = "Bob Hill met Ann in Kyiv ."
T2 = "Putin and Trump spoke in Paris on Monday ."


def ent(text: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, "text": text[start:end]}


def row(doc: str, text: str, annotator: str, entities: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": doc, "text": text, "annotator": annotator, "entities": entities, "quotes": [], "events": [], **extra}


# The hand-made pair. Tokens (annotate.tokens.tokenize; no span boundary splits a token):
#   d1: Bob Hill met Ann in Kyiv .                      (7 tokens)
#   d2: Putin and Trump spoke in Paris on Monday .     (9 tokens)
# Annotator a: d1 PERSON "Bob Hill", PERSON "Ann", GPE "Kyiv";  d2 PERSON "Putin", PERSON "Trump", GPE "Paris"
# Annotator b: d1 PERSON "Bob",      PERSON "Ann", ORG "Kyiv";  d2 PERSON "Putin", GPE "Paris", DATE "Monday"
# Annotator c: only d3, which nobody else annotated.
HAND = [
    row("d1", T1, "a", [ent(T1, 0, 8, "PERSON"), ent(T1, 13, 16, "PERSON"), ent(T1, 20, 24, "GPE")]),
    row("d1", T1, "b", [ent(T1, 0, 3, "PERSON"), ent(T1, 13, 16, "PERSON"), ent(T1, 20, 24, "ORG")]),
    row("d2", T2, "a", [ent(T2, 0, 5, "PERSON"), ent(T2, 10, 15, "PERSON"), ent(T2, 25, 30, "GPE")]),
    row("d2", T2, "b", [ent(T2, 0, 5, "PERSON"), ent(T2, 25, 30, "GPE"), ent(T2, 34, 40, "DATE")]),
    row("d3", T2, "c", [ent(T2, 0, 5, "PERSON")]),
]


def test_hand_worked_pair() -> None:
    report = agreement(HAND, task="entities")
    pair = report.pair("a", "b")
    assert pair.shared_tasks == 2 and pair.tokens == 16

    # Strict span F1 = 2m / (|A| + |B|). Exact matches: Ann, Putin, Paris -> m = 3; |A| = |B| = 6.
    #   F1 = 6 / 12 = 0.5
    # PERSON: A = {Bob Hill, Ann, Putin, Trump} (4), B = {Bob, Ann, Putin} (3), m = 2 -> 4 / 7 = 0.5714
    # GPE:    A = {Kyiv, Paris} (2), B = {Paris} (1), m = 1 -> 2 / 3 = 0.6667
    # ORG, DATE: only B has one, m = 0 -> 0
    assert round(pair.strict.overall.f1, 4) == 0.5
    assert round(pair.strict.per_label["PERSON"].f1, 4) == round(4 / 7, 4) == 0.5714
    assert round(pair.strict.per_label["GPE"].f1, 4) == 0.6667
    assert pair.strict.per_label["ORG"].f1 == 0.0 and pair.strict.per_label["DATE"].f1 == 0.0
    # Overlap: "Bob Hill" and "Bob" (both PERSON) overlap too -> PERSON m = 3 -> 6 / 7 = 0.8571; overall m = 4 -> 8/12
    assert round(pair.overlap.per_label["PERSON"].f1, 4) == 0.8571
    assert round(pair.overlap.overall.f1, 4) == 0.6667

    # Token labels (16 tokens):
    #   a: PER PER O PER O GPE O | PER O PER O O GPE O O   O
    #   b: PER O   O PER O ORG O | PER O O   O O GPE O DATE O
    # Agreements: d1 5 (all but Hill, Kyiv), d2 7 (all but Trump, Monday) -> p_o = 12/16
    # Marginals a: PER 5, GPE 2, O 9; b: PER 3, GPE 1, ORG 1, DATE 1, O 10
    # p_e = (5*3 + 2*1 + 9*10) / 256 = 107/256
    # kappa = (192 - 107) / (256 - 107) = 85/149 = 0.5705
    assert round(pair.kappa, 4) == round(85 / 149, 4) == 0.5705
    # PERSON vs not: both PER 3 (Bob, Ann, Putin), both not 11 -> p_o = 14/16;
    # p_e = (5*3 + 11*13)/256 = 158/256; kappa = (224 - 158)/(256 - 158) = 66/98 = 0.6735
    assert round(pair.kappa_per_label["PERSON"], 4) == round(66 / 98, 4) == 0.6735

    # Krippendorff's alpha (nominal), 2 coders, 16 units all pairable: n = 32 values.
    # Value totals n_c: PER 5+3 = 8, GPE 2+1 = 3, O 9+10 = 19, ORG 1, DATE 1.
    # 4 disagreeing units, each adds 2 off-diagonal coincidences -> sum o_ck (c != k) = 8.
    # sum_{c != k} n_c n_k = n^2 - sum n_c^2 = 1024 - (64 + 9 + 361 + 1 + 1) = 588.
    # alpha = 1 - (n - 1) * 8 / 588 = 1 - 248/588 = 340/588 = 0.5782
    assert round(report.alpha.overall, 4) == round(340 / 588, 4) == 0.5782
    # PERSON vs not: n_PER = 8, n_not = 24; disagreeing units Hill, Trump -> 4 off-diagonal.
    # alpha = 1 - 31 * 4 / (2 * 8 * 24) = 1 - 124/384 = 0.6771
    assert round(report.alpha.per_label["PERSON"], 4) == round(1 - 124 / 384, 4) == 0.6771
    assert report.alpha.tasks == 2 and report.alpha.units == 16 and report.alpha.annotators == 2


def test_alpha_matches_the_krippendorff_package_on_the_same_matrix() -> None:
    # Cross-check: the hand-worked value above is also what the package computes from the raw matrix.
    a = "P P O P O G O P O P O O G O O O".split()
    b = "P O O P O R O P O O O O G O D O".split()
    codes = {v: i for i, v in enumerate(sorted(set(a + b)))}
    data = np.array([[codes[v] for v in a], [codes[v] for v in b]], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert round(krippendorff_alpha([a, b]), 4) == round(expected, 4) == round(340 / 588, 4)


def test_alpha_hand_worked_with_missing_values_and_three_annotators() -> None:
    # Units (columns), annotators (rows), None = not labelled:
    #   u1: X X X   u2: X Y -   u3: Y Y -   u4: X - -  (u4 not pairable: dropped)
    # Coincidences: u1 (m=3): X-X 6 pairs / 2 = 3;  u2 (m=2): X-Y 1, Y-X 1;  u3: Y-Y 2.
    # o_XX = 3, o_XY = o_YX = 1, o_YY = 2 -> n_X = 4, n_Y = 3, n = 7
    # alpha = 1 - (n - 1) * (o_XY + o_YX) / (2 n_X n_Y) = 1 - 6 * 2 / 24 = 0.5
    units = [["X", "X", "Y", "X"], ["X", "Y", "Y", None], ["X", None, None, None]]
    assert round(krippendorff_alpha(units), 4) == 0.5


def test_identical_annotators_give_one() -> None:
    rows = [{**r, "annotator": name} for r in HAND[:4] if r["annotator"] == "a" for name in ("x", "y")]
    report = agreement(rows, task="entities")
    pair = report.pair("x", "y")
    assert pair.strict.overall.f1 == pair.overlap.overall.f1 == 1.0
    assert pair.kappa == 1.0 and report.alpha.overall == 1.0
    assert all(v == 1.0 for v in pair.kappa_per_label.values())
    assert all(v == 1.0 for v in report.alpha.per_label.values())
    assert all(f.f1 == 1.0 for f in pair.strict.per_label.values())


def test_annotator_without_shared_task_is_reported_not_divided_by_zero() -> None:
    report = agreement(HAND, task="entities")
    assert report.annotators == ["a", "b", "c"]
    assert report.annotators_without_shared_tasks == ["c"]
    for other in ("a", "b"):
        pair = report.pair(other, "c")
        assert pair.shared_tasks == 0 and pair.strict is None and pair.kappa is None
    assert report.matrix("strict")[0][2] is None
    document = report.to_dict()
    json.dumps(document)  # no NaN, no inf
    assert document["tasks_per_annotator"] == {"a": 2, "b": 2, "c": 1}


def test_undefined_measures_are_none() -> None:
    # Two annotators who marked nothing: F1 has no spans, kappa and alpha a single value.
    rows = [row("d", T1, "a", []), row("d", T1, "b", [])]
    report = agreement(rows, task="entities")
    pair = report.pair("a", "b")
    assert pair.strict.overall.f1 is None and pair.kappa is None and report.alpha.overall is None
    assert cohen_kappa([], []) is None


def test_pooled_and_matrix() -> None:
    report = agreement(HAND, task="entities")
    assert pooled(report, "strict").overall.f1 == report.pair("a", "b").strict.overall.f1
    matrix = report.matrix("kappa")
    assert matrix[0][0] == 1.0 and round(matrix[0][1], 4) == 0.5705 and matrix[0][1] == matrix[1][0]


def test_strict_pairwise_f1_equals_the_scorers() -> None:
    from annotate.metrics.entities import span_f1
    from annotate.metrics.spanarrays import SpanArrays

    docs = {"d1": 0, "d2": 1}
    a = SpanArrays.from_tuples([(docs[r["id"]], e["start"], e["end"], e["label"]) for r in HAND[:4] if r["annotator"] == "a" for e in r["entities"]])
    b = SpanArrays.from_tuples([(docs[r["id"]], e["start"], e["end"], e["label"]) for r in HAND[:4] if r["annotator"] == "b" for e in r["entities"]])
    assert round(span_f1(a, b), 4) == round(agreement(HAND, task="entities").pair("a", "b").strict.overall.f1, 4)


def test_overlap_matching_is_one_to_one() -> None:
    found = span_agreement([[Span(0, 10, "X")]], [[Span(0, 3, "X"), Span(5, 10, "X")]], matching="overlap")
    assert found.overall.matched == 1 and found.overall.f1 == pytest.approx(2 / 3)


def test_pairwise_matching_is_the_scorers() -> None:
    # One definition of strict and of overlap: the pair's F1 is the scorer's (quotes' content_exact /
    # content_overlap use the same matching) on the same spans, one label.
    from annotate.metrics.quotes import ANY_OVERLAP
    from annotate.metrics.spanarrays import SpanArrays
    from annotate.metrics.entities import score_entities

    a = [[Span(0, 10, "X"), Span(20, 25, "X")], [Span(3, 9, "X")]]
    b = [[Span(0, 3, "X"), Span(5, 10, "X"), Span(20, 25, "X")], [Span(0, 2, "X")]]
    gold = SpanArrays.from_tuples([(i, s.start, s.end, s.label) for i, d in enumerate(a) for s in d])
    pred = SpanArrays.from_tuples([(i, s.start, s.end, s.label) for i, d in enumerate(b) for s in d])
    strict = score_entities(gold, pred, schemes=("strict",)).schemes["strict"].block.micro
    # overlap: partial scheme, any overlap accepted, partial matches counted whole (fold_partial in quotes)
    partial = score_entities(gold, pred, schemes=("partial",), min_overlap=ANY_OVERLAP).schemes["partial"].block.micro
    assert span_agreement(a, b, matching="strict").overall.f1 == pytest.approx(strict.f1)
    overlap = span_agreement(a, b, matching="overlap").overall
    assert overlap.matched == partial.counts.correct + partial.counts.partial == 2
    assert overlap.f1 == pytest.approx(2 * 2 / (3 + 4))


def test_quotes_and_events_spans() -> None:
    text = 'Zelenskyy said "we will meet" in Abu Dhabi.'
    quote = {"start": 15, "end": 29, "text": text[15:29], "kind": "direct",
             "speaker": {"start": 0, "end": 9, "text": "Zelenskyy"}, "cue": {"start": 10, "end": 14, "text": "said"}}
    event = {"type": "Contact.Meet", "trigger": {"start": 24, "end": 28, "text": "meet"},
             "arguments": [{"role": "Place", "start": 33, "end": 42, "text": "Abu Dhabi"}]}
    record = {"id": "q", "text": text, "entities": [], "quotes": [quote], "events": [event]}
    assert [s.label for s in record_spans(record, "quotes")] == ["SPEAKER", "CUE", "QUOTE"]
    assert record_spans(record, "events") == [Span(24, 28, "Contact.Meet"), Span(33, 42, "Place")]
    other = {**record, "quotes": [{**quote, "speaker": None}]}
    report = agreement([{**record, "annotator": "a"}, {**other, "annotator": "b"}], task="quotes")
    pair = report.pair("a", "b")
    assert pair.strict.per_label["SPEAKER"].f1 == 0.0 and pair.strict.per_label["QUOTE"].f1 == 1.0
    assert agreement([{**record, "annotator": "a"}, {**other, "annotator": "b"}], task="events").pair("a", "b").kappa == 1.0


def test_rows_without_annotator_are_an_error() -> None:
    with pytest.raises(InputError, match="all-annotations"):
        group_annotations([{"id": "d", "text": "x"}], where="rows.jsonl")


def test_predictions_are_left_out_and_duplicates_counted() -> None:
    rows = HAND[:2] + [{**HAND[0], "origin": "prediction", "annotator": "model"}, HAND[1]]
    report = agreement(rows, task="entities")
    assert report.annotators == ["a", "b"]
    assert report.not_human == {"prediction": 1}
    assert report.duplicates == [("d1", "b")]


def test_human_ceiling_against_gold() -> None:
    gold = [{"id": "d1", "text": T1, "entities": HAND[0]["entities"]}, {"id": "d2", "text": T2, "entities": HAND[2]["entities"]}]
    rows = {r.annotator: r for r in human_ceiling(group_annotations(HAND), gold)}
    assert rows["a"].f1 == 1.0 and rows["a"].tasks == 2
    # b against gold (= a): strict P = 3/6, R = 3/6 -> F1 0.5
    assert rows["b"].precision == 0.5 and rows["b"].f1 == 0.5
    assert rows["c"].tasks == 0 and rows["c"].f1 is None
    # partial (SemEval 9.1): b's "Bob" partially matches "Bob Hill" (half credit), "Kyiv" ORG/GPE is correct
    # by offsets only under partial: correct 4 (Ann, Putin, Paris, Kyiv), partial 1, spurious 1 (Monday),
    # missed 1 (Trump): P = R = (4 + 0.5) / 6 = 0.75
    assert rows["b"].other_f1["partial"] == 0.75 and rows["b"].measure == "strict"


def test_human_ceiling_for_quotes_and_events() -> None:
    text = 'Ann said "yes" in Kyiv.'
    quote = {"start": 9, "end": 14, "text": text[9:14], "kind": "direct", "speaker": {"start": 0, "end": 3, "text": "Ann"},
             "cue": {"start": 4, "end": 8, "text": "said"}}
    event = {"type": "Contact.Statement", "trigger": {"start": 4, "end": 8, "text": "said"},
             "arguments": [{"start": 0, "end": 3, "text": "Ann", "role": "Speaker"}, {"start": 18, "end": 22, "text": "Kyiv", "role": "Place"}]}
    gold = [{"id": "q", "text": text, "entities": [], "quotes": [quote], "events": [event]}]
    a = {**gold[0], "annotator": "a"}
    b = {**gold[0], "annotator": "b", "quotes": [], "events": [{**event, "arguments": event["arguments"][:1]}]}
    annotations = group_annotations([a, b])
    quotes = {r.annotator: r for r in human_ceiling(annotations, gold, task="quotes")}
    assert quotes["a"].f1 == 1.0 and quotes["b"].recall == 0.0 and quotes["a"].measure == "content_overlap"
    events = {r.annotator: r for r in human_ceiling(annotations, gold, task="events")}
    # b: 1 of 2 gold arguments, no spurious -> P = 1, R = 1/2, F1 = 2/3
    assert events["a"].f1 == 1.0 and round(events["b"].f1, 4) == 0.6667


def test_heatmap_svg() -> None:
    svg = heatmap_svg(agreement(HAND, task="entities"), measure="strict")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "0.50" in svg and "–" in svg and "(2 shared tasks)" in svg and "(0 shared tasks)" in svg


# --------------------------------------------------------------------------- the CLI


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cli_agree_json(tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "rows.jsonl", HAND)
    result = runner.invoke(app, ["agree", str(rows), "--task", "entities", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["manifest"]["task"] == "entities" and len(document["manifest"]["sha256"]) == 64
    pair = document["pairs"][0]
    assert (pair["a"], pair["b"], pair["shared_tasks"]) == ("a", "b", 2)
    assert round(pair["kappa"]["overall"], 4) == 0.5705
    assert round(document["alpha"]["overall"], 4) == 0.5782
    assert document["annotators_without_shared_tasks"] == ["c"]


AGREE_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "agree.schema.json"


def test_cli_agree_json_validates_against_its_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads(AGREE_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    rows = write_rows(tmp_path / "rows.jsonl", HAND)
    gold = write_rows(tmp_path / "gold.jsonl", [r for r in HAND if r["annotator"] in ("b", "c")])
    documents = []
    for extra in ([], ["--gold", str(gold)]):  # human_ceiling null, then a list
        result = runner.invoke(app, ["agree", str(rows), "--task", "entities", "--json", *extra])
        assert result.exit_code == 0, result.output
        documents.append(json.loads(result.stdout))
    assert documents[0]["human_ceiling"] is None and documents[1]["human_ceiling"]
    # The hand-made example has a pair without a shared task (a x c: null span figures), and labels nobody used.
    assert any(pair["strict"] is None for pair in documents[1]["pairs"])
    for document in documents:
        assert not list(validator.iter_errors(document))

    # Broken documents do not validate: each error found where it is.
    good = documents[1]
    broken = [
        ({k: v for k, v in good.items() if k != "alpha"}, "alpha"),
        ({**good, "pairs": [{**good["pairs"][0], "kappa": {"overall": 1.5, "per_label": {}}}]}, "kappa"),
        ({**good, "pairs": [{**good["pairs"][0], "strict": {"overall": {"f1": 0.5}, "per_label": {}}}]}, "strict"),
        ({**good, "manifest": {**good["manifest"], "sha256": "abc"}}, "sha256"),
        ({**good, "human_ceiling": [{**good["human_ceiling"][0], "f1": "0.5"}]}, "human_ceiling"),
        ({**good, "f1": 0.5}, "f1"),  # a key the schema does not document
    ]
    for document, where in broken:
        errors = list(validator.iter_errors(document))
        assert errors, where
        assert any(where in json.dumps(list(e.absolute_path)) + e.message for e in errors), (where, [e.message for e in errors])


def test_cli_agree_table_html_and_gold(tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "rows.jsonl", HAND)
    gold = write_rows(tmp_path / "gold.jsonl", [{"id": "d1", "text": T1, "entities": HAND[0]["entities"]}])
    html = tmp_path / "agree.html"
    result = runner.invoke(app, ["agree", str(rows), "--html", str(html), "--gold", str(gold), "--labels"])
    assert result.exit_code == 0, result.output
    assert "0.5705" in result.stdout and "Human ceiling" in result.stdout and "No shared task" in result.stdout
    assert "<svg" in html.read_text(encoding="utf-8")


def _region(rid: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {"id": rid, "from_name": "entity", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": T1[start:end], "labels": [label]}}


EXPORT = [{"id": 1, "data": {"text": T1, "doc_id": "d1"}, "annotations": [
    {"id": 10, "completed_by": {"id": 1, "email": "ann@x"}, "result": [_region("r1", 0, 8, "PERSON")]},
    {"id": 11, "completed_by": {"id": 2, "email": "bob@x"}, "result": [_region("r2", 0, 8, "PERSON"), _region("r3", 20, 24, "GPE")]},
], "predictions": [{"id": 3, "model_version": "baseline", "result": [_region("p1", 0, 3, "PERSON")]}]}]


def test_cli_agree_on_a_label_studio_export(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(EXPORT), encoding="utf-8")
    result = runner.invoke(app, ["agree", str(path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["annotators"] == ["ann@x", "bob@x"]  # the prediction is not an annotator
    # 1 match, 1 + 2 spans: F1 = 2/3
    assert round(document["pairs"][0]["strict"]["overall"]["f1"], 4) == round(2 / 3, 4)


def test_cli_agree_on_a_dataset_converted_with_all_annotations(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(EXPORT), encoding="utf-8")
    converted = runner.invoke(app, ["convert", str(path), "--out", str(tmp_path / "all"), "--all-annotations", "--quiet"])
    assert converted.exit_code == 0, converted.output
    result = runner.invoke(app, ["agree", str(tmp_path / "all"), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["annotators"] == ["ann@x", "bob@x"]
    assert round(document["pairs"][0]["strict"]["overall"]["f1"], 4) == round(2 / 3, 4)


def test_cli_agree_bad_input(tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "rows.jsonl", [{"id": "d", "text": "x", "entities": []}])
    result = runner.invoke(app, ["agree", str(rows)])
    assert result.exit_code == 1
    assert "annotator" in result.stderr and "Traceback" not in result.output
    missing = runner.invoke(app, ["agree", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_cli_agree_adds_the_heat_map_to_a_score_report(tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "rows.jsonl", HAND)
    report = tmp_path / "report.html"
    report.write_text("<!doctype html><html><body><h1>annotate score: entities</h1></body></html>\n", encoding="utf-8")
    for _ in range(2):  # twice: one section
        result = runner.invoke(app, ["agree", str(rows), "--add-to-report", str(report), "--quiet"])
        assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert page.count('<section class="agreement">') == 1 and page.count("<svg") == 2
    assert page.index("annotate score") < page.index("<svg") < page.index("</body>")
    broken = tmp_path / "broken.html"
    broken.write_text("not html", encoding="utf-8")
    result = runner.invoke(app, ["agree", str(rows), "--add-to-report", str(broken)])
    assert result.exit_code == 1 and "</body>" in result.stderr


def test_score_report_hook_takes_the_agreement_section(tmp_path: Path) -> None:
    from annotate.reports.agreement import agreement_html
    from annotate.reports.html import render_html

    gold = write_rows(tmp_path / "gold.jsonl", [HAND[0]])
    pred = write_rows(tmp_path / "pred.jsonl", [HAND[1]])
    scored = runner.invoke(app, ["score", str(gold), str(pred), "--task", "entities", "--json"])
    assert scored.exit_code == 0, scored.output
    page = render_html(json.loads(scored.stdout), extra_sections=[agreement_html(agreement(HAND, task="entities"))])
    assert page.index("annotate score") < page.index('<section class="agreement">') < page.index("</body>")
    assert page.count("<svg") >= 2


def test_cli_agree_and_disagreements_on_events(tmp_path: Path) -> None:
    text = "Putin met Trump in Paris ."
    trigger = {"type": "Contact.Meet", "trigger": {"start": 6, "end": 9, "text": "met"}}

    def arg(start: int, end: int, role: str) -> dict[str, Any]:
        return {"start": start, "end": end, "text": text[start:end], "role": role}

    a = {"id": "e", "text": text, "annotator": "a", "entities": [], "quotes": [],
         "events": [{**trigger, "arguments": [arg(0, 5, "Participant"), arg(19, 24, "Place")]}]}
    b = {**a, "annotator": "b", "events": [{**trigger, "arguments": [arg(0, 5, "Participant"), arg(19, 24, "Time")]}]}
    rows = write_rows(tmp_path / "rows.jsonl", [a, b])
    result = runner.invoke(app, ["agree", str(rows), "--task", "events", "--json"])
    assert result.exit_code == 0, result.output
    pair = json.loads(result.stdout)["pairs"][0]
    # Spans: a {met/Contact.Meet, Putin/Participant, Paris/Place}, b {..., Paris/Time}: 2 of 3 match -> 4/6
    assert round(pair["strict"]["overall"]["f1"], 4) == 0.6667 and pair["strict"]["per_label"]["Time"]["f1"] == 0.0
    out = tmp_path / "d.jsonl"
    result = runner.invoke(app, ["disagreements", str(rows), "--task", "events", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(i["layer"], i["kinds"], i["text"]) for i in line["items"]] == [("argument", ["role"], "Paris")]
    assert line["items"][0]["anchor"] == {"start": 6, "end": 9, "label": "Contact.Meet"}


def test_cli_agree_says_when_no_task_has_two_annotators(tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "gold-only.jsonl", [HAND[0], HAND[4]])
    result = runner.invoke(app, ["agree", str(rows)])
    assert result.exit_code == 0, result.output
    assert "--all-annotations" in result.stderr
