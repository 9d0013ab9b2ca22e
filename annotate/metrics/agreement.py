"""Agreement between annotators: pairwise span F1, Cohen's kappa and Krippendorff's alpha, per label.

The rows come grouped by `annotate.metrics.annotations` (one record per annotator and document;
which spans each task compares is said there); the token measures are in
`annotate.metrics.token_agreement`; the human ceiling (annotators against the adjudicated gold)
in `annotate.metrics.ceiling`; the heat maps in `annotate.reports.agreement`.

Measures (offsets are code points, half-open, as everywhere in `annotate`):

* **Pairwise span F1**, per label and micro over labels, with the scorer's matching
  (`annotate.metrics.matching.match_spans`, per label, the first annotator of the pair on the
  gold side). *Strict*: the scorer's strict scheme (conlleval's): same `(start, end, label)`.
  *Overlap*: the scorer's overlap matching (as for quote content: nervaluate's greedy one-to-one
  walk, any shared character): spans of the same label that share at least one character.
  With `m` matches, `a` spans of A and `b` spans of B, `F1 = 2m / (a + b)`: the F1 of B scored
  against A. Undefined (None) when `a + b == 0`.
* **Cohen's kappa** on aligned token labels of a pair's shared tasks, overall (every label and
  `O`) and per label (the token has the label or not).
* **Krippendorff's alpha** (nominal) over all annotators at once, on the same token labels: the
  units are the tokens of the documents that two or more annotators labelled.

Every figure carries the number of shared tasks behind it; a pair with no shared task is listed
with zero tasks and no figures, and an annotator who shares no task with anyone is named in
`annotators_without_shared_tasks`.

Example:
    >>> rows = [
    ...     {"id": "d1", "text": "Bob met Ann", "annotator": "a", "entities": [
    ...         {"start": 0, "end": 3, "label": "PERSON", "text": "Bob"}]},
    ...     {"id": "d1", "text": "Bob met Ann", "annotator": "b", "entities": [
    ...         {"start": 0, "end": 3, "label": "PERSON", "text": "Bob"},
    ...         {"start": 8, "end": 11, "label": "PERSON", "text": "Ann"}]},
    ... ]
    >>> report = agreement(rows, task="entities")
    >>> pair = report.pairs[0]
    >>> pair.shared_tasks, pair.strict.overall.f1
    (1, 0.6666666666666666)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Literal, Mapping, Sequence

from annotate.errors import InputError
from annotate.metrics.annotations import (
    AGREEMENT_TASKS,
    AgreementTask,
    AnnotationSet,
    group_annotations,
    record_spans,
)
from annotate.metrics.token_agreement import OUTSIDE, cohen_kappa, krippendorff_alpha, token_labels
from annotate.spans import Span

Matching = Literal["strict", "overlap"]
HeatmapMeasure = Literal["strict", "overlap", "kappa"]

# ---------------------------------------------------------------------------------------------
# Pairwise span F1, with the scorer's matching
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpanF1:
    """Span agreement of one pair for one label (or all): `f1 = 2 * matched / (a + b)`."""

    matched: int
    a: int  # spans of the first annotator
    b: int  # spans of the second annotator

    @property
    def f1(self) -> float | None:
        total = self.a + self.b
        return None if total == 0 else 2 * self.matched / total

    def to_dict(self) -> dict[str, Any]:
        return {"f1": self.f1, "matched": self.matched, "a": self.a, "b": self.b}


@dataclass(frozen=True, slots=True)
class SpanAgreement:
    """Pairwise span F1 under one matching: micro over labels, and per label."""

    overall: SpanF1
    per_label: dict[str, SpanF1]

    def to_dict(self) -> dict[str, Any]:
        return {"overall": self.overall.to_dict(), "per_label": {k: v.to_dict() for k, v in self.per_label.items()}}


def span_agreement(
    a_docs: Sequence[Sequence[Span]], b_docs: Sequence[Sequence[Span]], *, matching: Matching
) -> SpanAgreement:
    """Pairwise span F1 of two annotators over aligned documents (the i-th of each is one document).

    The spans are matched label by label with the scorer (`match_spans(..., by_label=True)`),
    `a` on the gold side: strict counts its `correct` spans, overlap (the `partial` scheme with any
    overlap accepted, as the quote scorer's `content_overlap`) its `correct` and `partial` ones.

    Example:
        >>> one = span_agreement([[Span(0, 10, "X")]], [[Span(0, 3, "X"), Span(5, 10, "X")]], matching="overlap")
        >>> one.overall.matched, one.overall.f1
        (1, 0.6666666666666666)
    """
    from annotate.metrics.matching import CORRECT, PARTIAL, match_spans
    from annotate.metrics.quotes import ANY_OVERLAP
    from annotate.metrics.spanarrays import SpanArrays

    if len(a_docs) != len(b_docs):
        raise ValueError(f"span agreement needs aligned documents; got {len(a_docs)} and {len(b_docs)}.")
    labels = sorted({span.label for docs in (a_docs, b_docs) for spans in docs for span in spans})

    def arrays(docs: Sequence[Sequence[Span]]) -> SpanArrays:
        return SpanArrays.from_tuples(
            [(i, span.start, span.end, span.label) for i, spans in enumerate(docs) for span in spans], labels=labels
        )

    a, b = arrays(a_docs), arrays(b_docs)
    if matching == "strict":
        matches = match_spans(a, b, "strict", by_label=True)
        hit = matches.pred_category == CORRECT
    else:
        matches = match_spans(a, b, "partial", by_label=True, min_overlap=ANY_OVERLAP)
        hit = (matches.pred_category == CORRECT) | (matches.pred_category == PARTIAL)
    matched = Counter(labels[code] for code in b.label[hit].tolist())
    count_a = Counter(labels[code] for code in a.label.tolist())
    count_b = Counter(labels[code] for code in b.label.tolist())
    return _span_agreement(matched, count_a, count_b)


def _span_agreement(matched: Counter[str], count_a: Counter[str], count_b: Counter[str]) -> SpanAgreement:
    labels = sorted(set(count_a) | set(count_b))
    per_label = {label: SpanF1(matched[label], count_a[label], count_b[label]) for label in labels}
    overall = SpanF1(sum(matched.values()), sum(count_a.values()), sum(count_b.values()))
    return SpanAgreement(overall, per_label)


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Agreement of annotators `a` and `b` (a < b) on the `shared_tasks` documents both labelled."""

    a: str
    b: str
    shared_tasks: int
    tokens: int
    strict: SpanAgreement | None
    overlap: SpanAgreement | None
    kappa: float | None
    kappa_per_label: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "shared_tasks": self.shared_tasks,
            "tokens": self.tokens,
            "strict": self.strict.to_dict() if self.strict else None,
            "overlap": self.overlap.to_dict() if self.overlap else None,
            "kappa": {"overall": self.kappa, "per_label": dict(self.kappa_per_label)},
        }


@dataclass(frozen=True, slots=True)
class AlphaAgreement:
    """Krippendorff's alpha over all annotators: `tasks` documents with two or more annotators, `units` tokens."""

    overall: float | None
    per_label: dict[str, float | None]
    tasks: int
    units: int
    annotators: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Everything `annotate agree` prints."""

    task: AgreementTask
    annotators: list[str]
    documents: int
    rows: int
    duplicates: list[tuple[str, str]]
    not_human: dict[str, int]
    labels: list[str]
    pairs: list[PairAgreement]
    alpha: AlphaAgreement
    annotators_without_shared_tasks: list[str]
    tasks_per_annotator: dict[str, int]

    def pair(self, a: str, b: str) -> PairAgreement:
        """The pair of `a` and `b`, in either order."""
        x, y = sorted((a, b))
        for pair in self.pairs:
            if (pair.a, pair.b) == (x, y):
                return pair
        raise KeyError(f"no pair {a!r}, {b!r}; annotators are {self.annotators}")

    def matrix(self, measure: HeatmapMeasure = "strict") -> list[list[float | None]]:
        """The annotator × annotator matrix of `measure` (1 on the diagonal; None where undefined)."""
        index = {name: i for i, name in enumerate(self.annotators)}
        size = len(self.annotators)
        out: list[list[float | None]] = [[1.0 if i == j else None for j in range(size)] for i in range(size)]
        for pair in self.pairs:
            value = pair_value(pair, measure)
            out[index[pair.a]][index[pair.b]] = out[index[pair.b]][index[pair.a]] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "annotators": self.annotators,
            "tasks_per_annotator": self.tasks_per_annotator,
            "documents": self.documents,
            "rows": self.rows,
            "duplicates": [{"id": doc, "annotator": name} for doc, name in self.duplicates],
            "not_human": dict(self.not_human),
            "labels": self.labels,
            "annotators_without_shared_tasks": self.annotators_without_shared_tasks,
            "pairs": [pair.to_dict() for pair in self.pairs],
            "alpha": self.alpha.to_dict(),
        }



def pair_value(pair: PairAgreement, measure: HeatmapMeasure) -> float | None:
    """One figure of a pair: strict or overlap span F1 (overall), or kappa (overall)."""
    if measure == "kappa":
        return pair.kappa
    agreement = pair.strict if measure == "strict" else pair.overlap
    return agreement.overall.f1 if agreement else None


@dataclass(slots=True)
class _Doc:
    """One document prepared for comparison: its tokens and every annotator's spans and token labels."""

    spans: dict[str, list[Span]]
    labels: dict[str, list[str]]
    tokens: int


def _prepare(annotations: AnnotationSet, task: AgreementTask) -> dict[str, _Doc]:
    from annotate.tokens import tokenize

    prepared: dict[str, _Doc] = {}
    for doc, by_annotator in annotations.documents.items():
        spans = {name: record_spans(record, task) for name, record in by_annotator.items()}
        text = next((r.get("text") for r in by_annotator.values() if r.get("text")), None)
        if text is None:
            if len(by_annotator) > 1:
                raise InputError(f"document {doc!r} has no text; token agreement needs the text of every task.")
            prepared[doc] = _Doc(spans, {name: [] for name in spans}, 0)
            continue
        cuts = {offset for doc_spans in spans.values() for span in doc_spans for offset in (span.start, span.end)}
        tokens = tokenize(text, boundaries=cuts)
        labels = {name: token_labels(doc_spans, tokens) for name, doc_spans in spans.items()}
        prepared[doc] = _Doc(spans, labels, len(tokens))
    return prepared


def agreement(rows: Iterable[Mapping[str, Any]] | AnnotationSet, *, task: AgreementTask, where: str = "input") -> AgreementReport:
    """Agreement between every pair of annotators, and over all of them, on `task`.

    Args:
        rows: records with an `annotator` (one row per annotation), or an `AnnotationSet`.
        task: what to compare: entities, quotes or events.
        where: names the input in error messages.

    Returns:
        An `AgreementReport`: pairwise span F1 (strict, overlap), Cohen's kappa, Krippendorff's
        alpha, per label and overall, with the number of shared tasks behind each.

    Raises:
        InputError: a row without annotator or id, or inconsistent texts.
    """
    if task not in AGREEMENT_TASKS:
        raise InputError(f"Unknown agreement task {task!r}; choose one of {', '.join(AGREEMENT_TASKS)}.")
    annotations = rows if isinstance(rows, AnnotationSet) else group_annotations(rows, where=where)
    prepared = _prepare(annotations, task)
    annotators = annotations.annotators
    labels = sorted({span.label for doc in prepared.values() for spans in doc.spans.values() for span in spans})
    tasks_per_annotator = {name: sum(name in doc.spans for doc in prepared.values()) for name in annotators}

    pairs: list[PairAgreement] = []
    for i, a in enumerate(annotators):
        for b in annotators[i + 1 :]:
            shared = [doc for doc in prepared.values() if a in doc.spans and b in doc.spans]
            pairs.append(_pair_agreement(a, b, shared, labels))
    sharing = {name for pair in pairs if pair.shared_tasks for name in (pair.a, pair.b)}
    alone = [name for name in annotators if name not in sharing]

    return AgreementReport(
        task=task,
        annotators=annotators,
        documents=len(prepared),
        rows=annotations.rows,
        duplicates=list(annotations.duplicates),
        not_human=dict(annotations.not_human),
        labels=labels,
        pairs=pairs,
        alpha=_alpha(prepared, annotators, labels),
        annotators_without_shared_tasks=alone,
        tasks_per_annotator=tasks_per_annotator,
    )


def _pair_agreement(a: str, b: str, shared: Sequence[_Doc], labels: Sequence[str]) -> PairAgreement:
    if not shared:
        return PairAgreement(a, b, 0, 0, None, None, None, {})
    a_spans = [doc.spans[a] for doc in shared]
    b_spans = [doc.spans[b] for doc in shared]
    a_tokens = [label for doc in shared for label in doc.labels[a]]
    b_tokens = [label for doc in shared for label in doc.labels[b]]
    used = sorted({label for label in a_tokens + b_tokens if label != OUTSIDE})
    per_label = {
        label: cohen_kappa(["1" if x == label else "0" for x in a_tokens], ["1" if y == label else "0" for y in b_tokens])
        for label in used
    }
    return PairAgreement(
        a=a,
        b=b,
        shared_tasks=len(shared),
        tokens=len(a_tokens),
        strict=span_agreement(a_spans, b_spans, matching="strict"),
        overlap=span_agreement(a_spans, b_spans, matching="overlap"),
        kappa=cohen_kappa(a_tokens, b_tokens),
        kappa_per_label=per_label,
    )


def _alpha(prepared: Mapping[str, _Doc], annotators: Sequence[str], labels: Sequence[str]) -> AlphaAgreement:
    docs = [doc for doc in prepared.values() if len(doc.spans) >= 2]
    units: list[list[str | None]] = [[] for _ in annotators]
    for doc in docs:
        for row, name in zip(units, annotators):
            row.extend(doc.labels[name] if name in doc.labels else [None] * doc.tokens)
    involved = [row for row, name in zip(units, annotators) if any(name in doc.spans for doc in docs)]
    used = sorted({value for row in involved for value in row if value not in (None, OUTSIDE)})
    per_label = {
        label: krippendorff_alpha([[None if v is None else ("1" if v == label else "0") for v in row] for row in involved])
        for label in used
    }
    return AlphaAgreement(
        overall=krippendorff_alpha(involved),
        per_label=per_label,
        tasks=len(docs),
        units=sum(doc.tokens for doc in docs),
        annotators=len(involved),
    )


def pooled(report: AgreementReport, matching: Matching) -> SpanAgreement:
    """Span F1 pooled over every pair with shared tasks: sum of matches over sum of spans, per label."""
    matched: Counter[str] = Counter()
    count_a: Counter[str] = Counter()
    count_b: Counter[str] = Counter()
    for pair in report.pairs:
        agreement_ = pair.strict if matching == "strict" else pair.overlap
        if agreement_ is None:
            continue
        for label, f1 in agreement_.per_label.items():
            matched[label] += f1.matched
            count_a[label] += f1.a
            count_b[label] += f1.b
    return _span_agreement(matched, count_a, count_b)
