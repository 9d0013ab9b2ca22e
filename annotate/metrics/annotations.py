"""Annotators' rows grouped by document, and the labelled spans of a record that agreement compares.

Input: canonical records, one row per annotation, each carrying the `annotator` who made it
(`annotate convert --all-annotations` writes them). Rows are grouped by document `id`; for every
pair of annotators the documents both annotated are their *shared tasks*.

What is compared (`task`):

* `entities`: entity spans, labelled with their type;
* `quotes`: the quote content, the speaker and the cue as spans labelled with the schema's quote
  parts (QUOTE, SPEAKER, CUE);
* `events`: triggers labelled with their event type, and arguments labelled with their role.

Identical spans of one annotation (the same speaker of two quotes, say) count once. Offsets are
code points, half-open `[start, end)`, as everywhere in `annotate`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping

from annotate.errors import InputError, shorten
from annotate.spans import Span

AgreementTask = Literal["entities", "quotes", "events"]
AGREEMENT_TASKS: tuple[AgreementTask, ...] = ("entities", "quotes", "events")
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

