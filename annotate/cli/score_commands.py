"""`annotate score` and `annotate compare`: reference-exact scores, intervals and paired tests.

numpy, scikit-learn and the scorers are imported inside the commands, so `annotate --help` stays fast.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, List, Optional

import typer

from annotate.cli.app import app
from annotate.cli.common import TaskChoice, print_json, say
from annotate.errors import ScoreError


class TagScheme(str, Enum):
    IOB1 = "IOB1"
    IOB2 = "IOB2"
    IOE1 = "IOE1"
    IOE2 = "IOE2"
    IOBES = "IOBES"
    BILOU = "BILOU"


class MatchScheme(str, Enum):
    strict = "strict"
    exact = "exact"
    partial = "partial"
    ent_type = "ent_type"


class MissingChoice(str, Enum):
    empty = "empty"
    error = "error"


DEFAULT_MEASURE = {"entities": "strict", "quotes": "content_overlap", "events": "argument_classification"}
EXIT_BELOW = 3

_opt_task = typer.Option(TaskChoice.entities, "--task", help="What to score in records: entities, quotes or events.")
_opt_conll = typer.Option(None, "--conll", help="Score a CoNLL file instead of records: token, gold tag, predicted tag per line.")
_opt_scheme = typer.Option(TagScheme.IOB2, "--scheme", help="Tagging scheme of a CoNLL file (BILOU's L-/U- read as E-/S-).")
_opt_bootstrap = typer.Option(0, "--bootstrap", min=0, help="Bootstrap replicates over documents for F1 confidence intervals (0: none; 1000 is usual).")
_opt_seed = typer.Option(0, "--seed", help="Seed of the resampling (same seed, same intervals and p-values).")
_opt_missing = typer.Option(MissingChoice.empty, "--missing", help="A gold document without prediction: score it as empty, or stop with an error.")
_opt_quiet = typer.Option(False, "--quiet", "-q", help="No messages on stderr but errors.")


def _check_inputs(gold: Optional[Path], pred: Optional[Path], conll: Optional[Path]) -> None:
    if conll is not None and (gold is not None or pred is not None):
        raise typer.BadParameter("give either --conll FILE or GOLD PRED, not both.", param_hint="--conll / GOLD PRED")
    if conll is None and (gold is None or pred is None):
        raise typer.BadParameter("give GOLD and PRED (records), or --conll FILE.", param_hint="GOLD PRED / --conll")


def _label_map(spec: Optional[str], *, map_gold: bool, drop_unmapped: bool, task: TaskChoice) -> Any:
    """The `LabelMap` of --label-map (None without it); flags that need it, or a task it does not fit, are usage errors."""
    if spec is None:
        for flag, given in (("--map-gold", map_gold), ("--drop-unmapped", drop_unmapped)):
            if given:
                raise typer.BadParameter(f"{flag} applies a label map; give --label-map too.", param_hint=f"{flag} / --label-map")
        return None
    if task is not TaskChoice.entities:
        raise typer.BadParameter("--label-map maps entity labels; use it with --task entities.", param_hint="--label-map / --task")
    from annotate.metrics.labelmap import load_label_map

    return load_label_map(spec, drop_unmapped=drop_unmapped, map_gold=map_gold)


def _measure_f1(document: dict[str, Any], task: str, measure: str) -> Optional[float]:
    block = document.get(task, {}).get(measure)
    if block is None:
        names = ", ".join(k for k in document.get(task, {}) if k != "speaker_attribution")
        raise ScoreError(f"--measure {measure!r} is not a {task} measure; choose one of: {names}.")
    value: Optional[float] = block["micro"].get("f1")
    return value


@app.command()
def score(
    gold: Optional[Path] = typer.Argument(None, help="Gold records: JSONL, a dataset folder, or a Label Studio export."),
    pred: Optional[Path] = typer.Argument(None, help="Predicted records (JSONL), matched to gold by id."),
    conll: Optional[Path] = _opt_conll,
    task: TaskChoice = _opt_task,
    scheme: TagScheme = _opt_scheme,
    matching: Optional[List[MatchScheme]] = typer.Option(None, "--matching", help="Entity matching scheme(s) to report (repeat; default: all four)."),
    min_overlap: float = typer.Option(1.0, "--min-overlap", min=1.0, max=100.0, help="Percent of a gold span a prediction must cover to be matched other than exactly (nervaluate's min_overlap_percentage)."),
    missing: MissingChoice = _opt_missing,
    bootstrap: int = _opt_bootstrap,
    seed: int = _opt_seed,
    confidence: float = typer.Option(0.95, "--confidence", min=0.5, max=0.999, help="Coverage of the bootstrap intervals."),
    tokens: bool = typer.Option(False, "--tokens", help="Add the token-level report (scikit-learn classification_report)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document (manifest first; see schemas/score.schema.json)."),
    markdown: bool = typer.Option(False, "--markdown", help="Print Markdown tables instead of the terminal tables."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML report here."),
    errors: int = typer.Option(0, "--errors", min=0, help="List the first N errors in their sentence: entities under strict matching; quotes (boundary, kind, speaker, cue, missed, spurious) and events (triggers, then arguments, roles) too."),
    measure: Optional[str] = typer.Option(None, "--measure", help="Measure that --fail-under and the per-label table use (default: strict / content_overlap / argument_classification)."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", min=0.0, max=1.0, help="Exit 3 when the micro F1 of --measure is below this fraction (or undefined)."),
    label_map: Optional[str] = typer.Option(None, "--label-map", help="Rename predicted entity labels before scoring: FROM=TO pairs (PERSON=PER,GPE=LOC,NORP=) or a JSON file {\"PERSON\": \"PER\", \"NORP\": null}; an empty TO drops the span. Dropped spans are counted in the manifest."),
    map_gold: bool = typer.Option(False, "--map-gold", help="Apply --label-map to gold labels too."),
    drop_unmapped: bool = typer.Option(False, "--drop-unmapped", help="With --label-map: drop spans whose label the map does not name (default: keep them as they are)."),
    quiet: bool = _opt_quiet,
) -> None:
    """Score predictions against gold: entities (strict/exact/partial/ent_type), quotes or events.

    Strict entity scores equal conlleval's; the four schemes equal nervaluate's. Malformed tags are
    read as conlleval reads them and counted in a warning.

    \b
    Example:
        annotate score --conll ner.conll --scheme IOB2
        annotate score gold.jsonl pred.jsonl --task entities --bootstrap 1000 --seed 0 --json
        annotate score gold/ pred.jsonl --task quotes --html report.html --errors 20
        annotate score --conll ner.conll --fail-under 0.85
        annotate score gold.jsonl ontonotes.jsonl --label-map PERSON=PER,GPE=LOC,FAC=LOC,ORG=ORG --drop-unmapped
    """
    from annotate.metrics.run import run_conll, run_records

    _check_inputs(gold, pred, conll)
    mapping = _label_map(label_map, map_gold=map_gold, drop_unmapped=drop_unmapped, task=task)
    if json_output and markdown:
        raise typer.BadParameter("--json and --markdown both print on stdout; choose one.", param_hint="--json / --markdown")
    schemes = tuple(m.value for m in matching) if matching else ("strict", "exact", "partial", "ent_type")
    want_errors = max(errors, 200 if html else 0)
    if conll is not None:
        if task is not TaskChoice.entities:
            raise typer.BadParameter("a CoNLL file holds entities only; drop --task or use records.", param_hint="--conll / --task")
        run = run_conll(
            conll, scheme=scheme.value, schemes=schemes, min_overlap=min_overlap, bootstrap=bootstrap, seed=seed,  # type: ignore[arg-type]
            confidence=confidence, tokens=tokens, errors=want_errors, label_map=mapping,
        )
    else:
        assert gold is not None and pred is not None
        run = run_records(
            gold, pred, task=task.value, missing=missing.value, schemes=schemes, min_overlap=min_overlap,  # type: ignore[arg-type]
            bootstrap=bootstrap, seed=seed, confidence=confidence, tokens=tokens, errors=want_errors, label_map=mapping,
        )
    document = run.document
    if mapping is not None:
        from annotate.metrics.labelmap import describe_report

        say(f"score: --label-map: {describe_report(document['manifest']['label_map'])}", quiet=quiet)
    chosen = measure or (DEFAULT_MEASURE[task.value] if task.value != "entities" else schemes[0])
    value = _measure_f1(document, task.value, chosen)
    if errors and json_output:
        document["errors"] = [e.as_dict() for e in run.errors[:errors]]
    if json_output:
        print_json(document)
    elif markdown:
        from annotate.reports.markdown import render_markdown

        print(render_markdown(document), end="")
    else:
        from annotate.reports.terminal import render_terminal

        render_terminal(document, errors=run.errors[:errors], label_measure=chosen)
    if html is not None:
        from annotate.reports.html import render_html

        try:
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(render_html(document, errors=run.errors), encoding="utf-8")
        except OSError as exc:
            raise ScoreError(f"{html}: cannot be written ({exc.strerror}); choose another --html path.") from None
        say(f"score: HTML report -> {html}", quiet=quiet)
    if fail_under is not None and (value is None or value < fail_under):
        shown = "undefined" if value is None else f"{value:.4f}"
        say(f"score: {task.value} {chosen} micro F1 {shown} is below --fail-under {fail_under}", quiet=False)
        raise typer.Exit(EXIT_BELOW)


@app.command()
def compare(
    files: List[Path] = typer.Argument(..., help="GOLD PRED_A PRED_B (records), or with --conll: A.conll B.conll."),
    conll: bool = typer.Option(False, "--conll", help="FILES are two CoNLL files with the same tokens and gold tags."),
    task: TaskChoice = _opt_task,
    scheme: TagScheme = _opt_scheme,
    measure: Optional[str] = typer.Option(None, "--measure", help="Measure whose micro F1 is compared (default: strict / content_overlap / argument_classification)."),
    missing: MissingChoice = _opt_missing,
    bootstrap: int = typer.Option(1000, "--bootstrap", min=1, help="Paired bootstrap replicates."),
    trials: int = typer.Option(10000, "--trials", min=1, help="Approximate randomization trials."),
    seed: int = _opt_seed,
    json_output: bool = typer.Option(False, "--json", help="Print one JSON document."),
    quiet: bool = _opt_quiet,
) -> None:
    """Is system A better than system B? Paired bootstrap and approximate randomization over documents.

    \b
    Example:
        annotate compare gold.jsonl system_a.jsonl system_b.jsonl --task entities
        annotate compare --conll a.conll b.conll --measure exact --seed 1
    """
    import numpy as np

    from annotate.metrics.run import f1_rows, run_conll, run_records
    from annotate.metrics.significance import compare_counts

    chosen = measure or DEFAULT_MEASURE[task.value]
    if conll:
        if len(files) != 2:
            raise typer.BadParameter("with --conll give two files: A.conll B.conll.", param_hint="FILES")
        runs = [run_conll(f, scheme=scheme.value) for f in files]
        _same_gold_conll(files[0], files[1], scheme.value)
    else:
        if len(files) != 3:
            raise typer.BadParameter("give GOLD PRED_A PRED_B.", param_hint="FILES")
        runs = [run_records(files[0], f, task=task.value, missing=missing.value) for f in files[1:]]
    key = f"{task.value}.{chosen}"
    if key not in runs[0].unit_counts:
        names = ", ".join(k.split(".", 1)[1] for k in runs[0].unit_counts)
        raise ScoreError(f"--measure {chosen!r} is not a {task.value} measure; choose one of: {names}.")
    half = np.array([chosen in ("partial", "ent_type")])
    result = compare_counts(
        runs[0].unit_counts[key].astype(np.float64), runs[1].unit_counts[key].astype(np.float64),
        lambda c: f1_rows(c, half), replicates=bootstrap, trials=trials, seed=seed,
    )
    m_a, m_b = runs[0].document["manifest"], runs[1].document["manifest"]
    document = {
        "manifest": {**m_a, "command": "compare", "matching": [chosen], "bootstrap": bootstrap, "seed": seed,
                     "pred": m_a["pred"], "pred_b": m_b["pred"], "trials": trials},
        "comparison": {"task": task.value, "measure": chosen, **result.as_dict()},
    }
    if json_output:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    from annotate.reports import pct

    table = Table(title=f"{task.value} · {chosen} micro F1: A vs B ({m_a['documents']} {m_a['unit']}s)", title_justify="left")
    for col in ("F1 A", "F1 B", "Δ (A−B)", "Δ 95% CI", "p paired bootstrap", "p approx. randomization"):
        table.add_column(col, justify="right")
    ci_text = "" if result.delta_ci is None else f"[{pct(result.delta_ci[0])}, {pct(result.delta_ci[1])}]"
    table.add_row(
        pct(result.f1_a), pct(result.f1_b), pct(result.delta), ci_text,
        "—" if result.p_bootstrap is None else f"{result.p_bootstrap:.4f}",
        "—" if result.p_randomization is None else f"{result.p_randomization:.4f}",
    )
    Console(width=None if Console().is_terminal else 140).print(table)
    say(f"compare: {bootstrap} bootstrap replicates, {trials} randomization trials, seed {seed}", quiet=quiet)


def _same_gold_conll(a: Path, b: Path, scheme: str) -> None:
    import numpy as np

    from annotate.metrics.conll import read_conll

    fa, fb = read_conll(a, scheme=scheme), read_conll(b, scheme=scheme)  # type: ignore[arg-type]
    if len(fa) != len(fb):
        raise ScoreError(f"{b}: {len(fb)} tokens but {a} has {len(fa)}; both systems must tag the same tokens.")
    tags_a = np.array(fa.table.tags, dtype=object)[fa.gold]
    tags_b = np.array(fb.table.tags, dtype=object)[fb.gold]
    differ = np.flatnonzero(tags_a != tags_b)
    if differ.size:
        raise ScoreError(f"{b}:{int(fb.line[differ[0]])}: gold tag differs from {a}:{int(fa.line[differ[0]])}; both files need the same gold column.")
