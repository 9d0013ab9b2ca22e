"""A scoring run: read the inputs, score a task, and build the JSON document every report renders.

`run_conll` scores a CoNLL file; `run_records` scores JSONL records (entities, quotes or events).
Both return a `ScoreRun`: the JSON document (manifest first; keys documented in docs/metrics.md and
checked by schemas/score.schema.json), the errors for `--errors` and the HTML page, and the counts
per resampling unit that `annotate compare` needs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, Protocol, Sequence

import numpy as np
import numpy.typing as npt

from annotate.metrics.counts import Block
from annotate.metrics.errorlist import ErrorItem, in_context
from annotate.metrics.matching import CORRECT, INCORRECT, MISSED, PARTIAL, SCHEMES, SPURIOUS, SchemeName

if TYPE_CHECKING:
    from annotate.metrics.labelmap import LabelMap

Task = Literal["entities", "quotes", "events"]
TASKS: tuple[Task, ...] = ("entities", "quotes", "events")
HALF_CREDIT_MEASURES = frozenset({"partial", "ent_type"})


class MeasureLike(Protocol):
    block: Block
    doc_counts: npt.NDArray[np.int64]
    doc_label_counts: npt.NDArray[np.int64]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ScoreRun:
    document: dict[str, Any]
    errors: list[ErrorItem] = field(default_factory=list)
    unit_counts: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)  # "task.measure" -> (units, 5)
    confusion: Optional[dict[str, Any]] = None


def sha256_of(path: Path) -> str:
    """sha256 of a file, or of a folder's files (sorted relative paths and contents)."""
    digest = hashlib.sha256()
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def hash_in_background(*paths: Optional[Path]) -> Callable[[Optional[Path]], str]:
    """Start hashing `paths` (sha256_of) in a thread; the returned function waits for a path's digest.

    Reading and hashing release the GIL, so on a machine with two cores the digest of a large
    input costs no time while the scorer parses it.
    """
    import threading

    wanted = list(dict.fromkeys(p for p in paths if p is not None))
    digests: dict[Path, str] = {}
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for path in wanted:
                digests[path] = sha256_of(path)
        except BaseException as exc:  # reported by the waiting side
            failures.append(exc)

    thread = threading.Thread(target=work, name="sha256", daemon=True)
    thread.start()

    def digest(path: Optional[Path]) -> str:
        thread.join()
        if path is not None and path in digests:
            return digests[path]
        if failures:
            raise failures[0]
        return sha256_of(path) if path is not None else ""

    return digest


def manifest(
    *, command: str, task: str, input_format: str, gold: Path, pred: Optional[Path], scheme: Optional[str],
    matching: Sequence[str], min_overlap: float, documents: int, unit: str, bootstrap: int, seed: int,
    confidence: float, digest: Optional[Callable[[Optional[Path]], str]] = None,
) -> dict[str, Any]:
    from annotate import __version__

    digest = digest or (lambda path: sha256_of(path) if path is not None else "")
    gold_sha = digest(gold)
    pred_path = pred if pred is not None else gold
    pred_sha = gold_sha if pred_path == gold else digest(pred_path)

    return {
        "tool": "annotate",
        "version": __version__,
        "command": command,
        "task": task,
        "input_format": input_format,
        "scheme": scheme,
        "matching": list(matching),
        "min_overlap": min_overlap,
        "gold": {"path": str(gold), "sha256": gold_sha},
        "pred": {"path": str(pred_path), "sha256": pred_sha},
        "documents": documents,
        "unit": unit,
        "bootstrap": bootstrap,
        "seed": seed,
        "confidence": confidence,
    }


def f1_rows(counts: npt.NDArray[np.float64], half: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """F1 of count rows (..., k, 5) with half credit for partial where `half[k]`; NaN if undefined."""
    correct, incorrect, partial, missed, spurious = (counts[..., i] for i in range(5))
    hits = correct + 0.5 * partial * half
    actual = correct + incorrect + partial + spurious
    possible = correct + incorrect + partial + missed
    with np.errstate(divide="ignore", invalid="ignore"):
        p, r = hits / actual, hits / possible
        f1 = np.where(hits > 0, 2 * p * r / (p + r), 0.0)
    return np.where(actual + possible > 0, f1, np.nan)


def block_dicts(
    measures: dict[str, MeasureLike], *, bootstrap: int, seed: int, confidence: float
) -> dict[str, Any]:
    """`{measure: {micro, macro, per_label}}`, with `f1_ci` on micro and per-label scores when bootstrapping."""
    out: dict[str, Any] = {name: m.block.as_dict() for name, m in measures.items()}
    if bootstrap <= 0 or not measures:
        return out
    from annotate.metrics.bootstrap import bootstrap_intervals

    columns: list[npt.NDArray[np.int64]] = []
    half: list[bool] = []
    where: list[tuple[str, Optional[str]]] = []
    for name, m in measures.items():
        columns.append(m.doc_counts[:, None, :])
        half.append(name in HALF_CREDIT_MEASURES)
        where.append((name, None))
        for label in sorted(m.block.per_label):
            columns.append(m.doc_label_counts[:, m.labels.index(label), None, :])
            half.append(name in HALF_CREDIT_MEASURES)
            where.append((name, label))
    stacked = np.concatenate(columns, axis=1).astype(np.float64)
    mask = np.array(half, dtype=bool)
    intervals = bootstrap_intervals(
        stacked, lambda c: f1_rows(c, mask), replicates=bootstrap, seed=seed, confidence=confidence
    )
    for (name, which), interval in zip(where, intervals):
        target = out[name]["micro"] if which is None else out[name]["per_label"][which]
        target["f1_ci"] = interval.as_list()
    return out


# ---------------------------------------------------------------- CoNLL

def run_conll(
    path: Path,
    *,
    scheme: str = "IOB2",
    schemes: Sequence[SchemeName] = SCHEMES,
    min_overlap: float = 1.0,
    bootstrap: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
    tokens: bool = False,
    errors: int = 0,
    label_map: Optional[LabelMap] = None,
) -> ScoreRun:
    """Score a CoNLL file (token ... gold tag, predicted tag) under the entity `schemes`.

    `label_map` (annotate.metrics.labelmap) relabels and drops decoded chunks before matching.
    """
    from annotate.metrics.conll import conll_spans, read_conll
    from annotate.metrics.entities import score_entities

    digest = hash_in_background(path)
    conll = read_conll(path, scheme=scheme)  # type: ignore[arg-type]
    gold, pred = conll_spans(conll)
    map_report = None
    if label_map is not None:  # --label-map: annotate.metrics.conll.map_conll
        from annotate.metrics.conll import map_conll

        conll, gold, pred, map_report = map_conll(conll, gold, pred, label_map)
    unit = conll.unit_index()
    n_units = int(unit[-1]) + 1 if len(conll) else 0
    scores = score_entities(gold.spans, pred.spans, schemes=tuple(schemes), n_docs=n_units, min_overlap=min_overlap)
    measures: dict[str, MeasureLike] = {name: result for name, result in scores.schemes.items()}  # type: ignore[misc]
    document: dict[str, Any] = {
        "manifest": manifest(
            command="score", task="entities", input_format="conll", gold=path, pred=None, scheme=scheme,
            matching=list(schemes), min_overlap=min_overlap, documents=n_units, unit=conll.unit,
            bootstrap=bootstrap, seed=seed, confidence=confidence, digest=digest,
        ),
        "inputs": {
            "tokens": len(conll),
            "columns": conll.columns,
            "gold_chunks": len(gold.spans),
            "pred_chunks": len(pred.spans),
            "malformed": {
                "gold": dict(gold.malformed), "pred": dict(pred.malformed),
                "gold_lines": list(gold.malformed_lines), "pred_lines": list(pred.malformed_lines),
            },
        },
        "entities": block_dicts(measures, bootstrap=bootstrap, seed=seed, confidence=confidence),
    }
    document["manifest"]["label_map"] = None if map_report is None else map_report.as_dict()  # --label-map
    confusion = _confusion(scores)
    document["confusion"] = confusion
    if tokens:
        from annotate.metrics.tokens import token_report_conll

        document["tokens"] = token_report_conll(conll)
    run_errors = _conll_errors(conll, scores, limit=errors) if errors else []
    unit_counts = {f"entities.{name}": m.doc_counts for name, m in measures.items()}
    return ScoreRun(document, run_errors, unit_counts, confusion)


def _confusion(scores: Any) -> dict[str, Any]:
    from annotate.metrics.tokens import type_confusion

    return type_confusion(scores.gold, scores.pred, groups=scores.groups)


def _error_kind(category: int, gold_bounds: Optional[tuple[int, int]], pred_bounds: Optional[tuple[int, int]], same_label: bool) -> str:
    if gold_bounds is None:
        return "false_positive"
    if pred_bounds is None:
        return "false_negative"
    if gold_bounds == pred_bounds:
        return "type"
    return "boundary" if same_label else "boundary_type"


def _pairs(scores: Any, limit: int) -> list[tuple[int, int, str]]:
    """(gold index or -1, pred index or -1, kind) of strict errors, in document order."""
    strict = scores.schemes.get("strict") or next(iter(scores.schemes.values()))
    m = strict.matches
    g, p = scores.gold, scores.pred
    items = []
    for i in np.flatnonzero(m.pred_category != CORRECT).tolist():
        j = int(m.pred_gold[i])
        if j < 0:
            items.append((int(p.doc[i]), int(p.start[i]), -1, i, "false_positive"))
        else:
            kind = _error_kind(
                INCORRECT, (int(g.start[j]), int(g.end[j])), (int(p.start[i]), int(p.end[i])), bool(g.label[j] == p.label[i])
            )
            items.append((int(g.doc[j]), int(min(g.start[j], p.start[i])), j, i, kind))
    for j in np.flatnonzero(m.gold_category == MISSED).tolist():
        items.append((int(g.doc[j]), int(g.start[j]), j, -1, "false_negative"))
    items.sort()
    return [(j, i, kind) for _, _, j, i, kind in items[:limit]]


def _conll_errors(conll: Any, scores: Any, *, limit: int) -> list[ErrorItem]:
    g, p = scores.gold, scores.pred
    sentence_starts = np.flatnonzero(conll.sentence_start)
    out = []
    for j, i, kind in _pairs(scores, limit):
        anchor = int(g.start[j]) if j >= 0 else int(p.start[i])
        k = int(np.searchsorted(sentence_starts, anchor, side="right")) - 1
        lo = int(sentence_starts[k])
        hi = int(sentence_starts[k + 1]) if k + 1 < sentence_starts.shape[0] else len(conll)
        words = [conll.token(t) for t in range(lo, hi)]
        offsets, pos = [], 0
        for w in words:
            offsets.append(pos)
            pos += len(w) + 1
        context = " ".join(words)

        def at(s: int, e: int) -> tuple[int, int]:
            return offsets[s - lo], offsets[e - 1 - lo] + len(words[e - 1 - lo])

        def span(arr: Any, x: int) -> dict[str, Any]:
            s, e = int(arr.start[x]), int(arr.end[x])
            return {"start": s, "end": e, "label": arr.labels[int(arr.label[x])], "text": " ".join(words[s - lo : e - lo]), "line": int(conll.line[s])}

        out.append(
            ErrorItem(
                doc=f"line {int(conll.line[lo])}",
                kind=kind,
                gold=span(g, j) if j >= 0 else None,
                pred=span(p, i) if i >= 0 else None,
                context=context,
                gold_at=at(int(g.start[j]), int(g.end[j])) if j >= 0 else None,
                pred_at=at(int(p.start[i]), int(p.end[i])) if i >= 0 else None,
            )
        )
    return out


# ---------------------------------------------------------------- records

def run_records(
    gold_path: Path,
    pred_path: Path,
    *,
    task: Task = "entities",
    missing: Literal["empty", "error"] = "empty",
    schemes: Sequence[SchemeName] = SCHEMES,
    min_overlap: float = 1.0,
    bootstrap: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
    tokens: bool = False,
    errors: int = 0,
    label_map: Optional[LabelMap] = None,
) -> ScoreRun:
    """Score JSONL records (PRED) against gold records (JSONL, dataset folder or Label Studio export).

    `label_map` (annotate.metrics.labelmap) relabels and drops entities before matching.
    """
    from annotate.metrics.pairing import pair_entities, pair_records, read_gold, read_gold_entities, read_pred, read_pred_entities

    digest = hash_in_background(gold_path, pred_path)
    # entities alone: read as columns (no dict per span; docs/metrics.md, Speed); the token report
    # and a label map work on the records' entity lists
    columns = task == "entities" and not tokens and label_map is None
    if columns:
        pairing, gold_spans, pred_spans = pair_entities(
            read_gold_entities(gold_path), read_pred_entities(pred_path), missing=missing, pred_path=str(pred_path)
        )
    else:
        pairing = pair_records(read_gold(gold_path), read_pred(pred_path), missing=missing, pred_path=str(pred_path))
    map_report = None
    if label_map is not None:  # --label-map: annotate.metrics.labelmap.map_pairing
        from annotate.metrics.labelmap import map_pairing

        pairing, map_report = map_pairing(pairing, label_map)
    n_docs = len(pairing.gold)
    base_manifest = dict(
        command="score", task=task, input_format="records", gold=gold_path, pred=pred_path,
        min_overlap=min_overlap, documents=n_docs, unit="document", bootstrap=bootstrap, seed=seed,
        confidence=confidence, scheme=None, digest=digest,
    )
    inputs = pairing.summary()
    run_errors: list[ErrorItem] = []
    confusion = None
    if task == "entities":
        from annotate.metrics.entities import score_entities
        from annotate.metrics.pairing import entity_arrays

        if not columns:
            gold_spans, pred_spans = entity_arrays(pairing.gold), entity_arrays(pairing.pred)
        scores = score_entities(gold_spans, pred_spans, schemes=tuple(schemes), n_docs=n_docs, min_overlap=min_overlap)
        measures: dict[str, MeasureLike] = dict(scores.schemes)  # type: ignore[arg-type]
        matching: list[str] = list(schemes)
        confusion = _confusion(scores)
        if errors:
            run_errors = _record_errors(pairing, scores, limit=errors)
    elif task == "quotes":
        from annotate.metrics.quotes import score_quotes

        q = score_quotes(pairing.gold, pairing.pred)
        measures = dict(q.measures)  # type: ignore[arg-type]
        matching = ["exact", "overlap"]
        if errors:
            from annotate.metrics.errorlist import quote_errors

            run_errors = quote_errors(pairing.gold, pairing.pred, limit=errors)
    else:
        from annotate.metrics.events import score_events

        measures = dict(score_events(pairing.gold, pairing.pred))  # type: ignore[arg-type]
        matching = ["ace"]
        if errors:
            from annotate.metrics.errorlist import event_errors

            run_errors = event_errors(pairing.gold, pairing.pred, limit=errors)
    document: dict[str, Any] = {
        "manifest": manifest(matching=matching, **base_manifest),  # type: ignore[arg-type]
        "inputs": inputs,
        task: block_dicts(measures, bootstrap=bootstrap, seed=seed, confidence=confidence),
    }
    document["manifest"]["label_map"] = None if map_report is None else map_report.as_dict()  # --label-map
    if task == "quotes":
        document[task]["speaker_attribution"] = {
            "micro": q.speaker_accuracy.as_dict(),
            "per_label": {k: a.as_dict() for k, a in q.speaker_accuracy_by_kind.items()},
        }
    if confusion is not None:
        document["confusion"] = confusion
    if tokens and task == "entities":
        from annotate.metrics.tokens import token_report_records

        document["tokens"] = token_report_records(pairing.gold, pairing.pred)
    unit_counts = {f"{task}.{name}": m.doc_counts for name, m in measures.items()}
    return ScoreRun(document, run_errors, unit_counts, confusion)


def _record_errors(pairing: Any, scores: Any, *, limit: int) -> list[ErrorItem]:
    g, p = scores.gold, scores.pred
    out = []
    for j, i, kind in _pairs(scores, limit):
        doc = int(g.doc[j]) if j >= 0 else int(p.doc[i])
        record = pairing.gold[doc]
        out.append(
            in_context(
                record["id"], kind, record.get("text") or "",
                {"start": int(g.start[j]), "end": int(g.end[j])} if j >= 0 else None,
                {"start": int(p.start[i]), "end": int(p.end[i])} if i >= 0 else None,
                gold_label=g.labels[int(g.label[j])] if j >= 0 else "",
                pred_label=p.labels[int(p.label[i])] if i >= 0 else "",
            )
        )
    return out


__all__ = ["ScoreRun", "ErrorItem", "run_conll", "run_records", "TASKS", "CORRECT", "PARTIAL", "SPURIOUS"]
