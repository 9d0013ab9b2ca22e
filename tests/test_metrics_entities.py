"""Entity scores against the reference scorers run as installed packages, and hand-worked examples.

References (pinned in pyproject's test extra): nervaluate 1.2.1 (all four schemes), conlleval 0.2
(the Python port of conlleval.pl: strict), seqeval 1.2.2 in strict mode (every tagging scheme).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotate.metrics.conll import conll_spans, read_conll
from annotate.metrics.counts import Counts, prf
from annotate.metrics.entities import score_entities, span_f1
from annotate.metrics.matching import SCHEMES
from annotate.metrics.spanarrays import SpanArrays

TYPES = ("PER", "LOC", "ORG")
UNER = Path(__file__).resolve().parent.parent / ".." / "shared" / "data" / "uner-en-pud" / "en_pud-ud-test.conll"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def close(ours: float | None, theirs: float) -> bool:
    """Equal to 4 decimals; our None (undefined) is the references' 0."""
    return round(0.0 if ours is None else ours, 4) == round(theirs, 4)


def write_conll(path: Path, docs: list[list[tuple[str, str]]]) -> Path:
    lines = []
    for doc in docs:
        for k, (g, p) in enumerate(doc):
            lines.append(f"w{k} {g} {p}")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def conlleval_lines(docs: list[list[tuple[str, str]]]) -> list[str]:
    out = []
    for doc in docs:
        out += [f"w{k} {g} {p}" for k, (g, p) in enumerate(doc)] + [""]
    return out


# ------------------------------------------------------------------ generators

any_tag = st.sampled_from(["O"] + [f"{p}-{t}" for p in "BIES" for t in TYPES])
any_docs = st.lists(st.lists(st.tuples(any_tag, any_tag), min_size=1, max_size=12), min_size=1, max_size=6)


@st.composite
def chunked(draw: st.DrawFn, n: int) -> list[tuple[int, int, str]]:
    """Non-overlapping chunks over n tokens, left to right."""
    spans, pos = [], 0
    while pos < n:
        pos += draw(st.integers(0, 3))
        length = draw(st.integers(1, 3))
        if pos + length > n:
            break
        spans.append((pos, pos + length, draw(st.sampled_from(TYPES))))
        pos += length
    return spans


def to_tags(spans: list[tuple[int, int, str]], n: int, scheme: str) -> list[str]:
    """Tags of `spans` in `scheme`, written out by hand from the scheme's definition."""
    tags = ["O"] * n
    for k, (s, e, t) in enumerate(spans):
        prev_adjacent = k > 0 and spans[k - 1][1] == s and spans[k - 1][2] == t
        next_adjacent = k + 1 < len(spans) and spans[k + 1][0] == e and spans[k + 1][2] == t
        for i in range(s, e):
            tags[i] = f"I-{t}"
        if scheme == "IOB2":
            tags[s] = f"B-{t}"
        elif scheme == "IOB1" and prev_adjacent:
            tags[s] = f"B-{t}"
        elif scheme == "IOE2":
            tags[e - 1] = f"E-{t}"
        elif scheme == "IOE1" and next_adjacent:
            tags[e - 1] = f"E-{t}"
        elif scheme in ("IOBES", "BILOU"):
            b, l, u = ("B", "E", "S") if scheme == "IOBES" else ("B", "L", "U")
            if e - s == 1:
                tags[s] = f"{u}-{t}"
            else:
                tags[s], tags[e - 1] = f"{b}-{t}", f"{l}-{t}"
    return tags


@st.composite
def valid_docs(draw: st.DrawFn, scheme: str) -> list[list[tuple[str, str]]]:
    docs = []
    for _ in range(draw(st.integers(1, 5))):
        n = draw(st.integers(1, 15))
        g, p = draw(chunked(n)), draw(chunked(n))
        docs.append(list(zip(to_tags(g, n, scheme), to_tags(p, n, scheme))))
    return docs


def ours_from_file(tmp_path: Path, docs: list[list[tuple[str, str]]], scheme: str = "IOB2"):  # type: ignore[no-untyped-def]
    conll = read_conll(write_conll(tmp_path / "x.conll", docs), scheme=scheme)  # type: ignore[arg-type]
    gold, pred = conll_spans(conll)
    return score_entities(gold.spans, pred.spans, n_docs=int(conll.unit_index()[-1]) + 1), gold, pred


# ------------------------------------------------------------------ conlleval

@SETTINGS
@given(docs=any_docs)
def test_strict_equals_conlleval_on_any_bies_tags(tmp_path: Path, docs: list[list[tuple[str, str]]]) -> None:
    """Any mix of B/I/E/S/O tags, malformed included (I- after O, I- of another type, E-/S- in IOB2)."""
    from conlleval import evaluate

    ref = evaluate(conlleval_lines(docs))
    scores, _, _ = ours_from_file(tmp_path, docs)
    strict = scores.schemes["strict"].block
    overall = ref["overall"]["chunks"]
    assert strict.micro.counts.correct == overall["stats"]["correct"]
    assert strict.micro.counts.actual == overall["stats"]["pred"]
    assert strict.micro.counts.possible == overall["stats"]["gold"]
    # the port says precision 1 when nothing is predicted; conlleval.pl and we say otherwise (0 / undefined)
    if overall["stats"]["pred"]:
        assert close(strict.micro.precision, overall["evals"]["prec"])
    assert close(strict.micro.recall, overall["evals"]["rec"])
    if overall["stats"]["pred"] and overall["stats"]["gold"]:
        assert close(strict.micro.f1, overall["evals"]["f1"])
    for label, ref_slot in ref["slots"]["chunks"].items():
        ours = strict.per_label[label]
        assert (ours.counts.correct, ours.counts.actual, ours.counts.possible) == (
            ref_slot["stats"]["correct"], ref_slot["stats"]["pred"], ref_slot["stats"]["gold"])
        if ref_slot["stats"]["pred"] and ref_slot["stats"]["gold"]:
            assert close(ours.f1, ref_slot["evals"]["f1"])


def test_uner_gold_against_itself_is_perfect(tmp_path: Path) -> None:
    if not UNER.is_file():
        pytest.skip(f"real NER file not here: {UNER} (CI has ../shared/data next to the repo)")
    lines = [f"{l} {l.split()[1]}" if l.strip() else "" for l in UNER.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "uner.conll"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    conll = read_conll(path)
    gold, pred = conll_spans(conll)
    scores = score_entities(gold.spans, pred.spans)
    assert len(conll) == 21176  # SOURCE.txt: 21,176 tokens
    assert len(gold.spans) == 1075  # 1,075 entities: LOC 426, PER 414, ORG 235
    assert {k: s.counts.possible for k, s in scores.schemes["strict"].block.per_label.items()} == {"LOC": 426, "PER": 414, "ORG": 235}
    assert not gold.malformed
    for scheme in SCHEMES:
        assert scores.schemes[scheme].block.micro.f1 == 1.0


def test_uner_with_noisy_predictions_equals_conlleval_and_nervaluate(tmp_path: Path) -> None:
    if not UNER.is_file():
        pytest.skip(f"real NER file not here: {UNER} (CI has ../shared/data next to the repo)")
    from conlleval import evaluate
    from nervaluate import Evaluator

    rng = np.random.default_rng(7)
    tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]
    lines = []
    for line in UNER.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            lines.append("")
            continue
        token, gold = line.split()
        pred = gold if rng.random() < 0.85 else tags[int(rng.integers(len(tags)))]
        lines.append(f"{token} {gold} {pred}")
    path = tmp_path / "noisy.conll"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ref = evaluate(lines)
    conll = read_conll(path)
    gold, pred = conll_spans(conll)
    scores = score_entities(gold.spans, pred.spans)
    assert close(scores.schemes["strict"].block.micro.f1, ref["overall"]["chunks"]["evals"]["f1"])
    for label in ("PER", "LOC", "ORG"):
        assert close(scores.schemes["strict"].block.per_label[label].f1, ref["slots"]["chunks"][label]["evals"]["f1"])
    assert sum(pred.malformed.values()) > 0  # noise makes I- after O
    _assert_nervaluate(gold.spans, pred.spans, scores, Evaluator)


# ------------------------------------------------------------------ nervaluate

def _nervaluate_docs(spans: SpanArrays, n_docs: int) -> list[list[dict[str, object]]]:
    docs: list[list[dict[str, object]]] = [[] for _ in range(n_docs)]
    for d, s, e, l in zip(spans.doc.tolist(), spans.start.tolist(), spans.end.tolist(), spans.label.tolist()):
        docs[d].append({"label": spans.labels[l], "start": s, "end": e - 1})  # nervaluate's ends are inclusive
    return docs


def _assert_nervaluate(gold: SpanArrays, pred: SpanArrays, scores, Evaluator) -> None:  # type: ignore[no-untyped-def]
    n_docs = scores.n_docs
    labels = sorted(set(gold.labels) | set(pred.labels))
    ref = Evaluator(_nervaluate_docs(gold, n_docs), _nervaluate_docs(pred, n_docs), tags=labels, loader="dict").evaluate()
    for scheme in SCHEMES:
        ours, theirs = scores.schemes[scheme].block.micro, ref["overall"][scheme]
        assert (ours.counts.correct, ours.counts.incorrect, ours.counts.partial, ours.counts.missed, ours.counts.spurious) == (
            theirs.correct, theirs.incorrect, theirs.partial, theirs.missed, theirs.spurious), scheme
        assert close(ours.precision, theirs.precision) and close(ours.recall, theirs.recall) and close(ours.f1, theirs.f1)
        for label, by_scheme in ref["entities"].items():
            o, t = scores.schemes[scheme].block.per_label[label], by_scheme[scheme]
            assert (o.counts.correct, o.counts.incorrect, o.counts.partial, o.counts.missed, o.counts.spurious) == (
                t.correct, t.incorrect, t.partial, t.missed, t.spurious), (scheme, label)
            assert close(o.precision, t.precision) and close(o.recall, t.recall) and close(o.f1, t.f1)


@SETTINGS
@given(docs=any_docs)
def test_four_schemes_equal_nervaluate_on_decoded_chunks(tmp_path: Path, docs: list[list[tuple[str, str]]]) -> None:
    from nervaluate import Evaluator

    scores, gold, pred = ours_from_file(tmp_path, docs)
    _assert_nervaluate(gold.spans, pred.spans, scores, Evaluator)


span = st.tuples(st.integers(0, 30), st.integers(1, 12), st.sampled_from(TYPES)).map(lambda t: (t[0], t[0] + t[1], t[2]))
record_docs = st.lists(st.tuples(st.lists(span, max_size=6), st.lists(span, max_size=6)), min_size=1, max_size=5)


@SETTINGS
@given(docs=record_docs, min_overlap=st.sampled_from([1.0, 30.0, 50.0, 100.0]))
def test_four_schemes_equal_nervaluate_on_overlapping_unsorted_spans(docs, min_overlap: float) -> None:  # type: ignore[no-untyped-def]
    """Record entities may nest, overlap and come in any order: the greedy walk must follow nervaluate's."""
    from nervaluate import Evaluator

    gold = SpanArrays.from_tuples([(d, s, e, t) for d, (g, _) in enumerate(docs) for s, e, t in g], labels=TYPES)
    pred = SpanArrays.from_tuples([(d, s, e, t) for d, (_, p) in enumerate(docs) for s, e, t in p], labels=TYPES)
    scores = score_entities(gold, pred, n_docs=len(docs), min_overlap=min_overlap)
    labels = list(TYPES)
    ref = Evaluator(_nervaluate_docs(gold, len(docs)), _nervaluate_docs(pred, len(docs)), tags=labels, loader="dict",
                    min_overlap_percentage=min_overlap).evaluate()
    for scheme in SCHEMES:
        o, t = scores.schemes[scheme].block.micro.counts, ref["overall"][scheme]
        assert (o.correct, o.incorrect, o.partial, o.missed, o.spurious) == (t.correct, t.incorrect, t.partial, t.missed, t.spurious), scheme
        for label, by_scheme in ref["entities"].items():
            o = scores.schemes[scheme].block.per_label[label].counts
            t = by_scheme[scheme]
            assert (o.correct, o.incorrect, o.partial, o.missed, o.spurious) == (t.correct, t.incorrect, t.partial, t.missed, t.spurious)


# ------------------------------------------------------------------ seqeval, every scheme

@pytest.mark.parametrize("scheme", ["IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU"])
def test_strict_equals_seqeval_strict_mode_in_every_scheme(tmp_path: Path, scheme: str) -> None:
    import seqeval.scheme as schemes
    from seqeval.metrics import classification_report

    @SETTINGS
    @given(docs=valid_docs(scheme))
    def check(docs: list[list[tuple[str, str]]]) -> None:
        if scheme == "IOE1":
            # seqeval's IOE1 misses a one-token chunk E-X that no I-X precedes (its own "Todo: IOE1
            # hasn't yet been able to handle some cases"); conlleval's rules and ours read it as a chunk
            assume(not any(_lone_e(col) for doc in docs for col in zip(*doc)))
        y_true = [[g for g, _ in doc] for doc in docs]
        y_pred = [[p for _, p in doc] for doc in docs]
        ref = classification_report(y_true, y_pred, mode="strict", scheme=getattr(schemes, scheme), output_dict=True, zero_division=0)
        scores, gold, pred = ours_from_file(tmp_path, docs, scheme)
        assert not gold.malformed and not pred.malformed
        strict = scores.schemes["strict"].block
        if strict.micro.counts.possible:
            micro = ref["micro avg"]
            assert close(strict.micro.precision, micro["precision"])
            assert close(strict.micro.recall, micro["recall"])
            assert close(strict.micro.f1, micro["f1-score"])
            assert close(strict.macro["f1"], ref["macro avg"]["f1-score"]) or any(
                s.f1 is None for s in strict.per_label.values())
        for label, score in strict.per_label.items():
            if label in ref:
                assert close(score.f1, ref[label]["f1-score"])
                assert score.counts.possible == ref[label]["support"]

    check()


@SETTINGS
@given(docs=valid_docs("IOB2"))
def test_seqeval_default_mode_agrees_on_valid_iob2(tmp_path: Path, docs: list[list[tuple[str, str]]]) -> None:
    from seqeval.metrics import f1_score

    scores, _, _ = ours_from_file(tmp_path, docs)
    y_true = [[g for g, _ in doc] for doc in docs]
    y_pred = [[p for _, p in doc] for doc in docs]
    assert close(scores.schemes["strict"].block.micro.f1, f1_score(y_true, y_pred, zero_division=0))


def _lone_e(tags: tuple[str, ...]) -> bool:
    return any(t.startswith("E-") and (i == 0 or tags[i - 1] != "I-" + t[2:]) for i, t in enumerate(tags))


def test_ioe1_lone_e_is_a_chunk(tmp_path: Path) -> None:
    """IOE1: E-PER I-PER is two PER chunks (E- marks a chunk end before a chunk of the same type)."""
    _, gold, _ = ours_from_file(tmp_path, [[("E-PER", "O"), ("I-PER", "O")]], "IOE1")
    assert list(zip(gold.spans.start.tolist(), gold.spans.end.tolist())) == [(0, 1), (1, 2)]
    assert not gold.malformed


# ------------------------------------------------------------------ hand-worked

def test_hand_worked_sentence() -> None:
    """Gold: [Kori Schulman]PER wrote in [New York]LOC for [Obama]ORG.
    Pred:  [Kori]PER (boundary), [New York]ORG (type), [Obama]ORG (right), [wrote]PER (spurious).

    strict:   correct 1 (Obama), incorrect 2 (Kori, New York), missed 0, spurious 1
              P = 1/4 = 0.25, R = 1/3, F1 = 2 * 0.25 * 0.3333 / 0.5833 = 0.2857
    exact:    correct 2 (New York, Obama), incorrect 1 (Kori): P = 2/4, R = 2/3, F1 = 0.5714
    partial:  correct 2, partial 1: P = (2 + 0.5) / 4 = 0.625, R = 2.5 / 3 = 0.8333, F1 = 0.7143
    ent_type: correct 2 (Kori overlaps with the same type, Obama), incorrect 1 (New York):
              P = 2/4 = 0.5, R = 2/3, F1 = 0.5714
    """
    # tokens: Kori(0) Schulman(1) wrote(2) in(3) New(4) York(5) for(6) Obama(7)
    gold = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 4, 6, "LOC"), (0, 7, 8, "ORG")])
    pred = SpanArrays.from_tuples([(0, 0, 1, "PER"), (0, 4, 6, "ORG"), (0, 7, 8, "ORG"), (0, 2, 3, "PER")])
    s = score_entities(gold, pred).schemes
    assert s["strict"].block.micro.counts == Counts(correct=1, incorrect=2, partial=0, missed=0, spurious=1)
    assert round(s["strict"].block.micro.f1, 4) == 0.2857
    assert round(s["exact"].block.micro.f1, 4) == 0.5714
    assert (round(s["partial"].block.micro.precision, 4), round(s["partial"].block.micro.recall, 4)) == (0.625, 0.8333)
    assert round(s["partial"].block.micro.f1, 4) == 0.7143
    assert s["ent_type"].block.micro.counts == Counts(correct=2, incorrect=1, partial=0, missed=0, spurious=1)
    # strict per label: PER gold 1 pred 2 correct 0 -> P 0, R 0, F1 0; LOC gold 1, pred 0 -> P undefined
    per = s["strict"].block.per_label
    assert (per["PER"].precision, per["PER"].f1) == (0.0, 0.0)
    assert per["LOC"].precision is None and per["LOC"].recall == 0.0 and per["LOC"].f1 == 0.0
    # ORG: pred 2 (New York, Obama), gold 1, correct 1 -> P 0.5, R 1, F1 0.6667
    assert round(per["ORG"].f1, 4) == 0.6667
    # macro F1 = (0 + 0 + 0.6667) / 3
    assert round(s["strict"].block.macro["f1"], 4) == 0.2222


def test_undefined_is_none_never_a_tiny_number() -> None:
    empty = SpanArrays.empty()
    s = score_entities(empty, empty).schemes["strict"].block.micro
    assert (s.precision, s.recall, s.f1) == (None, None, None)
    only_gold = score_entities(SpanArrays.from_tuples([(0, 0, 1, "PER")]), empty).schemes["strict"].block.micro
    assert (only_gold.precision, only_gold.recall, only_gold.f1) == (None, 0.0, 0.0)


@SETTINGS
@given(c=st.integers(0, 20), i=st.integers(0, 20), m=st.integers(0, 20), s=st.integers(0, 20))
def test_prf_is_sklearn_arithmetic(c: int, i: int, m: int, s: int) -> None:
    """Matched pairs as labels: correct (X, X); incorrect (X, Y); missed (X, O); spurious (O, X)."""
    from sklearn.metrics import precision_recall_fscore_support

    y_true = ["X"] * c + ["X"] * i + ["X"] * m + ["O"] * s
    y_pred = ["X"] * c + ["Y"] * i + ["O"] * m + ["X"] * s
    # micro over the labels X and Y: an incorrect pair is a false negative of X and a false
    # positive of Y, so it counts against both precision and recall, as in nervaluate
    ours = prf(Counts(correct=c, incorrect=i, missed=m, spurious=s))
    if not y_true:
        return
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=["X", "Y"], average="micro", zero_division=np.nan)
    for mine, theirs in ((ours.precision, p), (ours.recall, r), (ours.f1, f)):
        if mine is None:
            assert np.isnan(theirs)
        else:
            assert round(mine, 10) == round(float(theirs), 10)


def test_span_f1_is_symmetric() -> None:
    a = SpanArrays.from_tuples([(0, 0, 2, "PER"), (0, 5, 7, "LOC"), (1, 1, 3, "ORG")])
    b = SpanArrays.from_tuples([(0, 0, 2, "PER"), (1, 1, 3, "LOC")])
    assert span_f1(a, b) == span_f1(b, a) == pytest.approx(0.4)


@SETTINGS
@given(docs=record_docs)
def test_type_confusion_equals_sklearn_confusion_matrix(docs) -> None:  # type: ignore[no-untyped-def]
    from sklearn.metrics import confusion_matrix

    from annotate.metrics.matching import match_spans
    from annotate.metrics.tokens import type_confusion

    gold = SpanArrays.from_tuples([(d, s, e, t) for d, (g, _) in enumerate(docs) for s, e, t in g], labels=TYPES)
    pred = SpanArrays.from_tuples([(d, s, e, t) for d, (_, p) in enumerate(docs) for s, e, t in p], labels=TYPES)
    ours = type_confusion(gold, pred)
    m = match_spans(gold, pred, "partial", min_overlap=1e-9)
    y_true = [gold.labels[l] for l in gold.label.tolist()] + ["O"] * int((m.pred_gold < 0).sum())
    y_pred = [pred.labels[pred.label[j]] if j >= 0 else "O" for j in m.gold_pred.tolist()]
    y_pred += [pred.labels[l] for l, g in zip(pred.label.tolist(), m.pred_gold.tolist()) if g < 0]
    if not y_true:
        return
    assert ours["matrix"] == confusion_matrix(y_true, y_pred, labels=ours["labels"]).tolist()
