"""The human ceiling: each annotator scored as a system against the adjudicated gold, with the scorer.

A model's F1 can be read against these figures: they are what people reach on the same documents.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from annotate.metrics.annotations import AgreementTask, AnnotationSet, Record

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
