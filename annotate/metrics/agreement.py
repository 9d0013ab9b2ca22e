"""Agreement between annotators: pairwise span F1, Cohen's kappa, Krippendorff's alpha, a human ceiling.

Input: canonical records, one row per annotation, each carrying the `annotator` who made it
(`annotate convert --all-annotations` writes them). Rows are grouped by document `id`; for every
pair of annotators the documents both annotated are their *shared tasks*.

What is compared (`task`):

* `entities`: entity spans, labelled with their type;
* `quotes`: the quote content, the speaker and the cue as spans labelled with the schema's quote
  parts (QUOTE, SPEAKER, CUE);
* `events`: triggers labelled with their event type, and arguments labelled with their role.

Identical spans of one annotation (the same speaker of two quotes, say) count once.

Measures (offsets are code points, half-open, as everywhere in `annotate`):

* **Pairwise span F1**, per label and micro over labels. *Strict*: a span of A matches a span of
  B with the same `(start, end, label)`. *Overlap*: spans of the same label that share at least
  one character match, one to one, greedily by the size of the overlap (exact matches first).
  With `m` matches, `a` spans of A and `b` spans of B, `F1 = 2m / (a + b)`: the F1 of B scored
  against A, which is the same as A scored against B. Undefined (None) when `a + b == 0`.
* **Cohen's kappa** (`sklearn.metrics.cohen_kappa_score`) on aligned token labels of a pair's
  shared tasks, overall (every label and `O`) and per label (the token has the label or not).
  Tokens come from `annotate.tokens.tokenize`, split at the span boundaries of *every* annotator
  of the document, so that all annotators label the same token sequence and every span covers
  whole tokens. A token's label is the label of the span that covers it, `O` if none; where an
  annotator's spans overlap, the longest covering span wins (then the smaller label).
* **Krippendorff's alpha** (nominal; the `krippendorff` package) over all annotators at once, on
  the same token labels: the units are the tokens of the documents that two or more annotators
  labelled, an annotator who did not label a document gives a missing value there.

kappa and alpha are undefined (None) when the labels compared take a single value (for example a
label nobody used, or two annotators who marked nothing): chance agreement is then total.
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
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence

from annotate.errors import InputError, shorten
from annotate.spans import Span, Token

AgreementTask = Literal["entities", "quotes", "events"]
AGREEMENT_TASKS: tuple[AgreementTask, ...] = ("entities", "quotes", "events")
OUTSIDE = "O"
NOT_HUMAN = ("prediction", "draft")
Record = dict[str, Any]

# ---------------------------------------------------------------------------------------------
# Rows → annotations grouped by document
# ---------------------------------------------------------------------------------------------


def annotator_of(row: Mapping[str, Any]) -> str | None:
    """The annotator of a row: `annotator` (or `provenance.annotator`), as a string; None if absent.

    Example:
        >>> annotator_of({"annotator": "ann@example.org"}), annotator_of({"provenance": {"annotator": 7}})
        ('ann@example.org', '7')
    """
    value = row.get("annotator")
    if value is None and isinstance(row.get("provenance"), Mapping):
        value = row["provenance"].get("annotator")
    if isinstance(value, Mapping):  # a Label Studio user object
        value = value.get("email") or value.get("username") or value.get("id")
    if value is None or value == "":
        return None
    return str(value)


@dataclass(slots=True)
class AnnotationSet:
    """Every annotator's record of every document, and what was set aside on the way."""

    documents: dict[str, dict[str, Record]] = field(default_factory=dict)  # id -> annotator -> record
    rows: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (document id, annotator) seen again
    not_human: Counter[str] = field(default_factory=Counter)  # rows set aside by origin (prediction, draft)

    @property
    def annotators(self) -> list[str]:
        return sorted({name for by_annotator in self.documents.values() for name in by_annotator})

    def texts(self) -> dict[str, str]:
        return {doc: next(iter(by.values())).get("text") or "" for doc, by in self.documents.items()}


def group_annotations(rows: Iterable[Mapping[str, Any]], *, where: str = "input") -> AnnotationSet:
    """Group rows (records with an `annotator`) by document and annotator.

    When an annotator has several annotations of one document the last one is kept and the
    earlier ones are listed in `duplicates` (reported by the CLI, never silently). Rows whose
    `origin` is `prediction` or `draft` are not people's finished work: they are counted in
    `not_human` and left out.

    Raises:
        InputError: a row has no annotator, or two rows of one document have different texts.
    """
    result = AnnotationSet()
    for number, row in enumerate(rows, start=1):
        result.rows += 1
        doc = row.get("id")
        if not isinstance(doc, str) or not doc:
            raise InputError(f"{where}: row {number} has no document 'id'; agreement needs records with ids.")
        if row.get("origin") in NOT_HUMAN:
            result.not_human[str(row["origin"])] += 1
            continue
        name = annotator_of(row)
        if name is None:
            raise InputError(
                f"{where}: row {number} (document {doc!r}) has no 'annotator'; convert the export with "
                "`annotate convert --all-annotations` so that each row is one annotator's annotation."
            )
        by_annotator = result.documents.setdefault(doc, {})
        if by_annotator:
            other = next(iter(by_annotator.values()))
            if (other.get("text") or None) is not None and (row.get("text") or None) is not None and other["text"] != row["text"]:
                raise InputError(
                    f"{where}: row {number}: document {doc!r} has a different text than in an earlier row "
                    f"({shorten(row['text'], 30)} vs {shorten(other['text'], 30)}); annotations of one task share its text."
                )
        if name in by_annotator:
            result.duplicates.append((doc, name))
        by_annotator[name] = dict(row)
    return result


# ---------------------------------------------------------------------------------------------
# Records → labelled spans, per task
# ---------------------------------------------------------------------------------------------


def _quote_parts() -> tuple[str, str, str]:
    from annotate.schema import load_schema

    labels = load_schema("quotes").quote_labels
    if len(labels) != 3:
        from annotate.errors import SchemaError

        raise SchemaError(f"The quotes schema should have three parts (quote, speaker, cue); found {list(labels)}.")
    return labels[0], labels[1], labels[2]


def record_spans(record: Mapping[str, Any], task: AgreementTask) -> list[Span]:
    """The labelled spans of one record that `task` compares, sorted, each once.

    Example:
        >>> record_spans({"entities": [{"start": 4, "end": 7, "label": "GPE"}, {"start": 0, "end": 3, "label": "PERSON"}]}, "entities")
        [Span(start=0, end=3, label='PERSON'), Span(start=4, end=7, label='GPE')]
    """
    spans: set[Span] = set()
    if task == "entities":
        for entity in record.get("entities") or []:
            spans.add(Span(entity["start"], entity["end"], entity["label"]))
    elif task == "quotes":
        quote_label, speaker_label, cue_label = _quote_parts()
        for quote in record.get("quotes") or []:
            spans.add(Span(quote["start"], quote["end"], quote_label))
            for part, label in (("speaker", speaker_label), ("cue", cue_label)):
                if quote.get(part):
                    spans.add(Span(quote[part]["start"], quote[part]["end"], label))
    elif task == "events":
        for event in record.get("events") or []:
            trigger = event["trigger"]
            spans.add(Span(trigger["start"], trigger["end"], event["type"]))
            for argument in event.get("arguments") or []:
                spans.add(Span(argument["start"], argument["end"], argument["role"]))
    else:
        raise InputError(f"Unknown agreement task {task!r}; choose one of {', '.join(AGREEMENT_TASKS)}.")
    return sorted(spans)


def token_labels(spans: Sequence[Span], tokens: Sequence[Token]) -> list[str]:
    """The label of each token: the label of the longest span covering it (then the smaller label), else O.

    Tokens must not straddle a span boundary (tokenize with the spans' ends as boundaries).

    Example:
        >>> toks = [Token(0, 3, "Bob"), Token(4, 7, "met"), Token(8, 11, "Ann")]
        >>> token_labels([Span(0, 3, "PERSON"), Span(8, 11, "PERSON")], toks)
        ['PERSON', 'O', 'PERSON']
    """
    labels = [OUTSIDE] * len(tokens)
    rank: list[tuple[int, str] | None] = [None] * len(tokens)
    starts = [tok.start for tok in tokens]
    import bisect

    for span in spans:
        first = bisect.bisect_left(starts, span.start)
        for i in range(first, len(tokens)):
            tok = tokens[i]
            if tok.start >= span.end:
                break
            if tok.end <= span.end:
                key = (-(span.end - span.start), span.label)
                if rank[i] is None or key < rank[i]:  # type: ignore[operator]
                    rank[i] = key
                    labels[i] = span.label
    return labels


# ---------------------------------------------------------------------------------------------
# Span matching and F1
# ---------------------------------------------------------------------------------------------

Matching = Literal["strict", "overlap"]


def match_strict(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[Span, Span]]:
    """Pairs of identical spans (same start, end and label)."""
    b_set = set(b)
    return [(span, span) for span in sorted(set(a)) if span in b_set]


def match_overlap(a: Sequence[Span], b: Sequence[Span]) -> list[tuple[Span, Span]]:
    """One-to-one pairs of same-label spans sharing at least one character.

    Greedy: exact matches first, then by decreasing overlap, then by position; deterministic.

    Example:
        >>> match_overlap([Span(0, 8, "PERSON")], [Span(4, 8, "PERSON"), Span(0, 3, "PERSON")])
        [(Span(start=0, end=8, label='PERSON'), Span(start=4, end=8, label='PERSON'))]
    """
    candidates = []
    for x in a:
        for y in b:
            if x.label == y.label and x.start < y.end and y.start < x.end:
                overlap = min(x.end, y.end) - max(x.start, y.start)
                candidates.append((x != y, -overlap, x.start, y.start, x, y))
    candidates.sort(key=lambda c: c[:4])
    used_a: set[Span] = set()
    used_b: set[Span] = set()
    pairs = []
    for *_, x, y in candidates:
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
            pairs.append((x, y))
    return sorted(pairs)


MATCHERS: dict[Matching, Callable[[Sequence[Span], Sequence[Span]], list[tuple[Span, Span]]]] = {
    "strict": match_strict,
    "overlap": match_overlap,
}


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
    """Pairwise span F1 of two annotators over aligned documents (the i-th of each is one document)."""
    match = MATCHERS[matching]
    matched: Counter[str] = Counter()
    count_a: Counter[str] = Counter()
    count_b: Counter[str] = Counter()
    for a_spans, b_spans in zip(a_docs, b_docs, strict=True):
        count_a.update(span.label for span in a_spans)
        count_b.update(span.label for span in b_spans)
        matched.update(x.label for x, _ in match(a_spans, b_spans))
    labels = sorted(set(count_a) | set(count_b))
    per_label = {label: SpanF1(matched[label], count_a[label], count_b[label]) for label in labels}
    overall = SpanF1(sum(matched.values()), sum(count_a.values()), sum(count_b.values()))
    return SpanAgreement(overall, per_label)


# ---------------------------------------------------------------------------------------------
# kappa and alpha
# ---------------------------------------------------------------------------------------------


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two aligned label sequences (scikit-learn); None where it is undefined.

    Undefined: no items, or a single label value over both sequences (chance agreement is 1).

    Example:
        >>> round(cohen_kappa(["X", "X", "O", "O"], ["X", "O", "O", "O"]), 4)
        0.5
        >>> cohen_kappa(["O", "O"], ["O", "O"]) is None
        True
    """
    if len(a) != len(b):
        raise ValueError(f"kappa needs aligned sequences; got {len(a)} and {len(b)} labels.")
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(list(a), list(b)))


def krippendorff_alpha(units: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) of `units` (one list per annotator, None = not labelled).

    Units labelled by fewer than two annotators carry no information and are left out (as the
    `krippendorff` package does). None where alpha is undefined: fewer than two pairable values,
    or a single label value over the pairable units.

    Example:
        >>> round(krippendorff_alpha([["X", "X", "O", "O"], ["X", "O", "O", "O"]]), 4)
        0.5333
    """
    if len(units) < 2:
        return None
    width = len(units[0])
    if any(len(row) != width for row in units):
        raise ValueError("alpha needs one label (or None) per unit for every annotator.")
    pairable = [j for j in range(width) if sum(row[j] is not None for row in units) >= 2]
    values = sorted({value for row in units for j in pairable if (value := row[j]) is not None})
    if len(values) < 2:
        return None
    import krippendorff
    import numpy as np

    code = {value: i for i, value in enumerate(values)}
    data = np.full((len(units), len(pairable)), np.nan)
    for i, row in enumerate(units):
        for k, j in enumerate(pairable):
            value = row[j]
            if value is not None:
                data[i, k] = code[value]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=list(range(len(values)))))


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


HeatmapMeasure = Literal["strict", "overlap", "kappa"]


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
    labels = sorted(set(count_a) | set(count_b))
    return SpanAgreement(
        SpanF1(sum(matched.values()), sum(count_a.values()), sum(count_b.values())),
        {label: SpanF1(matched[label], count_a[label], count_b[label]) for label in labels},
    )


# ---------------------------------------------------------------------------------------------
# The heat map (inline SVG), for the terminal-free reports
# ---------------------------------------------------------------------------------------------

HEATMAP_TITLES: dict[str, str] = {
    "strict": "pairwise span F1 (strict)",
    "overlap": "pairwise span F1 (overlap)",
    "kappa": "Cohen's kappa (tokens)",
}


def _colour(value: float | None) -> str:
    """White (0 or below) to dark blue (1); light grey where undefined."""
    if value is None:
        return "#eeeeee"
    v = min(max(value, 0.0), 1.0)
    low, high = (247, 251, 255), (8, 48, 107)
    r, g, b = (round(lo + (hi - lo) * v) for lo, hi in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def heatmap_svg(report: AgreementReport, *, measure: HeatmapMeasure = "strict", cell: int = 44) -> str:
    """The annotator × annotator matrix of `measure` as a self-contained inline SVG element.

    Each cell shows the figure (2 decimals) and, on hover, the pair and its number of shared
    tasks; pairs without a shared task are grey with a dash.

    Example:
        >>> rows = [{"id": "d", "text": "Bob", "annotator": n, "entities": [{"start": 0, "end": 3, "label": "PERSON", "text": "Bob"}]}
        ...         for n in ("a", "b")]
        >>> svg = heatmap_svg(agreement(rows, task="entities"))
        >>> svg.startswith("<svg") and "1.00" in svg
        True
    """
    names = report.annotators
    matrix = report.matrix(measure)
    shared = {(p.a, p.b): p.shared_tasks for p in report.pairs}
    label_width = max([len(n) for n in names] + [4]) * 7 + 12
    top = label_width
    size = len(names) * cell
    caption = f"{HEATMAP_TITLES[measure]}; grey: no shared task or undefined"
    width, height = max(label_width + size + 8, int(len(caption) * 6.2) + label_width), top + size + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="agreement-heatmap" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(HEATMAP_TITLES[measure])}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{_esc(HEATMAP_TITLES[measure])}, {report.task}</title>",
    ]
    for i, name in enumerate(names):
        y = top + i * cell + cell / 2
        parts.append(f'<text x="{label_width - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle">{_esc(name)}</text>')
        x = label_width + i * cell + cell / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" text-anchor="start" transform="rotate(-45 {x:.1f} {top - 6})">{_esc(name)}</text>'
        )
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            value = matrix[i][j]
            x, y = label_width + j * cell, top + i * cell
            tasks = report.tasks_per_annotator.get(a, 0) if i == j else shared.get(tuple(sorted((a, b))), 0)  # type: ignore[arg-type]
            tip = f"{a} × {b}: " + ("n/a" if value is None else f"{value:.4f}") + f" ({tasks} shared task{'s' if tasks != 1 else ''})"
            ink = "#ffffff" if value is not None and value > 0.6 else "#222222"
            parts.append(
                f'<g><title>{_esc(tip)}</title><rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{_colour(value)}" stroke="#ffffff"/>'
                f'<text x="{x + cell / 2:.1f}" y="{y + cell / 2:.1f}" text-anchor="middle" dominant-baseline="middle" '
                f'fill="{ink}">{"–" if value is None else f"{value:.2f}"}</text></g>'
            )
    parts.append(
        f'<text x="{label_width}" y="{top + size + 18}">{_esc(caption)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def agreement_html(report: AgreementReport, *, measures: Sequence[HeatmapMeasure] = ("strict", "kappa")) -> str:
    """An HTML fragment (`<section>`) with the heat maps and the figures behind them, for a report page."""
    rows = []
    for pair in report.pairs:
        rows.append(
            f"<tr><td>{_esc(pair.a)}</td><td>{_esc(pair.b)}</td><td>{pair.shared_tasks}</td>"
            f"<td>{_fmt(pair_value(pair, 'strict'))}</td><td>{_fmt(pair_value(pair, 'overlap'))}</td>"
            f"<td>{_fmt(pair.kappa)}</td></tr>"
        )
    alpha = report.alpha
    alone = ", ".join(map(_esc, report.annotators_without_shared_tasks)) or "none"
    maps = "".join(f'<figure>{heatmap_svg(report, measure=m)}</figure>' for m in measures)
    return (
        f'<section class="agreement"><h2>Agreement between annotators ({_esc(report.task)})</h2>'
        f"<p>{len(report.annotators)} annotator(s), {report.documents} document(s); Krippendorff's alpha "
        f"{_fmt(alpha.overall)} over {alpha.tasks} task(s) with two or more annotators ({alpha.units} tokens). "
        f"Annotators without a shared task: {alone}.</p>"
        f'<div class="heatmaps" style="display:flex;gap:2em;flex-wrap:wrap">{maps}</div>'
        "<table><thead><tr><th>A</th><th>B</th><th>shared tasks</th><th>strict F1</th><th>overlap F1</th>"
        f"<th>kappa</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def agreement_page(report: AgreementReport, *, title: str = "Annotator agreement") -> str:
    """A standalone HTML page around `agreement_html` (for `annotate agree --html`)."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>"
        f"<h1>{_esc(title)}</h1>{agreement_html(report)}</body></html>\n"
    )


# ---------------------------------------------------------------------------------------------
# The human ceiling: each annotator scored as a system against the adjudicated gold
# ---------------------------------------------------------------------------------------------


CEILING_MEASURES: dict[AgreementTask, str] = {
    "entities": "strict",
    "quotes": "content_overlap",
    "events": "argument_classification",
}


@dataclass(frozen=True, slots=True)
class CeilingRow:
    """One annotator scored against the gold with the scorer: the main measure of the task, and the others' F1."""

    annotator: str
    tasks: int  # documents both in the gold and annotated by this annotator
    measure: str  # CEILING_MEASURES[task]
    precision: float | None
    recall: float | None
    f1: float | None
    per_label_f1: dict[str, float | None]
    other_f1: dict[str, float | None]  # the scorer's other measures (entities: exact, partial, ent_type)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _score_blocks(task: AgreementTask, gold: list[Record], pred: list[Record]) -> dict[str, Any]:
    """The scorer's blocks (micro + per label) by measure name, documents paired by position."""
    if task == "entities":
        from annotate.metrics.entities import score_entities
        from annotate.metrics.spanarrays import SpanArrays

        def arrays(records: list[Record]) -> SpanArrays:
            return SpanArrays.from_tuples([(i, e["start"], e["end"], e["label"]) for i, r in enumerate(records) for e in r.get("entities") or []])

        scores = score_entities(arrays(gold), arrays(pred), n_docs=len(gold))
        return {name: result.block for name, result in scores.schemes.items()}
    if task == "quotes":
        from annotate.metrics.quotes import score_quotes

        return {name: measure.block for name, measure in score_quotes(gold, pred).measures.items()}
    from annotate.metrics.events import score_events

    return {name: measure.block for name, measure in score_events(gold, pred).items()}


def human_ceiling(annotations: AnnotationSet, gold: Iterable[Mapping[str, Any]], *, task: AgreementTask = "entities") -> list[CeilingRow]:
    """Score each annotator as a system against `gold` records (matched by `id`), with the scorer.

    The scorer's measures (`annotate.metrics.entities`, `.quotes`, `.events`: for entities the
    SemEval-2013 9.1 schemes, strict = conlleval) on the documents the annotator labelled that
    the gold holds; the main figure is `CEILING_MEASURES[task]`. An annotator with none of those
    documents gets `tasks=0` and no figures. Read a model's F1 against these: it is what people
    reach on the same documents.
    """
    gold_by_id = {str(record["id"]): dict(record) for record in gold}
    main = CEILING_MEASURES[task]
    rows = []
    for name in annotations.annotators:
        docs = [doc for doc, by in annotations.documents.items() if name in by and doc in gold_by_id]
        if not docs:
            rows.append(CeilingRow(name, 0, main, None, None, None, {}, {}))
            continue
        blocks = _score_blocks(task, [gold_by_id[d] for d in docs], [annotations.documents[d][name] for d in docs])
        block = blocks[main]
        rows.append(CeilingRow(
            annotator=name,
            tasks=len(docs),
            measure=main,
            precision=block.micro.precision,
            recall=block.micro.recall,
            f1=block.micro.f1,
            per_label_f1={label: score.f1 for label, score in sorted(block.per_label.items())},
            other_f1={measure: b.micro.f1 for measure, b in blocks.items() if measure != main},
        ))
    return rows


AGREEMENT_BEGIN = "<!-- annotate agree: begin -->"
AGREEMENT_END = "<!-- annotate agree: end -->"


def add_to_page(page: str, section: str) -> str:
    """`page` (an HTML report, e.g. of `annotate score --html`) with `section` before `</body>`.

    A section added earlier (between the `AGREEMENT_BEGIN` / `AGREEMENT_END` markers) is replaced,
    so running it twice leaves one section.

    Raises:
        InputError: the page has no `</body>`.

    Example:
        >>> add_to_page("<html><body><h1>x</h1></body></html>", "<p>s</p>").count("<p>s</p>")
        1
    """
    start = page.find(AGREEMENT_BEGIN)
    if start != -1:
        end = page.find(AGREEMENT_END, start)
        if end != -1:
            page = page[:start] + page[end + len(AGREEMENT_END):]
    at = page.rfind("</body>")
    if at == -1:
        raise InputError("the report has no </body>; give an HTML page written by `annotate score --html`.")
    return page[:at] + AGREEMENT_BEGIN + section + AGREEMENT_END + page[at:]
