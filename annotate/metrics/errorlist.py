"""Errors shown in their sentence: what `--errors N` prints and the HTML report highlights.

An `ErrorItem` is one error with the gold and the predicted span (either may be missing) and the
text around them, `context[gold_at[0]:gold_at[1]]` being the gold span and `pred_at` the
prediction. Entities list the strict scheme's errors (in `run`); this module lists those of
quotes and events, in document order:

Quotes (quotes paired one to one by overlap, as `content_overlap` pairs them):
    false_positive   a predicted quote that overlaps no gold quote
    false_negative   a gold quote that no prediction overlaps
    boundary         a pair whose spans differ
    kind             a pair whose kinds differ (direct, indirect, mixed, none)
    speaker          a pair whose speaker is wrong (`quotes.speaker_right`); the spans shown are
                     the two speakers (one side missing when a speaker is null)
    cue              a pair whose cues do not overlap (one side may be null)

Events (triggers paired as strict entity matching pairs spans, with the event type as label;
arguments of events whose triggers have the same offsets paired the same way, role as label):
    false_positive, false_negative, type, boundary, boundary_type     the triggers
    argument_false_positive, argument_false_negative, role,
    argument_boundary, argument_boundary_role                          the arguments
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

Record = dict[str, Any]
Bounds = tuple[int, int]

QUOTE_KINDS = ("false_positive", "false_negative", "boundary", "kind", "speaker", "cue")
EVENT_KINDS = (
    "false_positive", "false_negative", "type", "boundary", "boundary_type",
    "argument_false_positive", "argument_false_negative", "role", "argument_boundary", "argument_boundary_role",
)


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One error shown in its context: `context[s:e]` is the gold or predicted span."""

    doc: str
    kind: str  # see the module docstring and ENTITY/QUOTE/EVENT kinds
    gold: Optional[dict[str, Any]]
    pred: Optional[dict[str, Any]]
    context: str
    gold_at: Optional[tuple[int, int]]
    pred_at: Optional[tuple[int, int]]

    def as_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "kind": self.kind, "gold": self.gold, "pred": self.pred, "context": self.context}


def in_context(
    doc: str, kind: str, text: str, gold: Optional[Record], pred: Optional[Record], *, gold_label: str = "",
    pred_label: str = "", width: int = 80,
) -> ErrorItem:
    """An `ErrorItem` for a gold and a predicted span (`start`, `end` into `text`; either None):
    the context runs from the line start (at most `width` characters before) to the line end
    (at most `width` after), and always holds both spans.

    Example:
        >>> e = in_context("d", "boundary", "One.\\nKori Schulman wrote.", {"start": 5, "end": 18}, {"start": 10, "end": 18},
        ...                gold_label="PER", pred_label="PER")
        >>> e.context, e.gold_at, e.pred_at, e.pred["text"]
        ('Kori Schulman wrote.', (0, 13), (5, 13), 'Schulman')
    """
    bounds = [(int(s["start"]), int(s["end"])) for s in (gold, pred) if s is not None]
    lo = min((b[0] for b in bounds), default=0)
    hi = max((b[1] for b in bounds), default=0)
    left = max(text.rfind("\n", 0, lo) + 1, lo - width)
    newline = text.find("\n", hi)
    right = min(newline if newline >= 0 else len(text), hi + width)

    def shown(span: Optional[Record], label: str) -> tuple[Optional[dict[str, Any]], Optional[Bounds]]:
        if span is None:
            return None, None
        s, e = int(span["start"]), int(span["end"])
        return {"start": s, "end": e, "label": label, "text": text[s:e]}, (s - left, e - left)

    g, g_at = shown(gold, gold_label)
    p, p_at = shown(pred, pred_label)
    return ErrorItem(doc=doc, kind=kind, gold=g, pred=p, context=text[left:right], gold_at=g_at, pred_at=p_at)


def _sorted(items: list[tuple[int, int, int, ErrorItem]], limit: int) -> list[ErrorItem]:
    items.sort(key=lambda x: x[:3])
    return [item for *_, item in items[:limit]]


def quote_errors(gold: Sequence[Record], pred: Sequence[Record], *, limit: int) -> list[ErrorItem]:
    """The first `limit` quote errors in document order (documents paired by position)."""
    from annotate.metrics.matching import match_spans
    from annotate.metrics.quotes import ANY_OVERLAP, _kind, _quote_arrays, cluster_mentions, speaker_right
    from annotate.metrics.spanarrays import common_labels

    g_arr, g_items = _quote_arrays(list(gold), None)
    p_arr, p_items = _quote_arrays(list(pred), None)
    g_arr, p_arr = common_labels(g_arr, p_arr)
    m = match_spans(g_arr, p_arr, "partial", min_overlap=ANY_OVERLAP)
    out: list[tuple[int, int, int, ErrorItem]] = []
    mentions: dict[int, dict[str, list[Record]]] = {}

    def add(doc: int, kind: str, g: Optional[Record], p: Optional[Record], g_label: str, p_label: str, *, at: int = -1) -> None:
        """`at`: where the error sorts (the pair's first offset, so a pair's errors stay together)."""
        record = gold[doc]
        item = in_context(record["id"], kind, record.get("text") or "", g, p, gold_label=g_label, pred_label=p_label)
        anchor = at if at >= 0 else min(int(s["start"]) for s in (g, p) if s is not None)
        out.append((doc, anchor, QUOTE_KINDS.index(kind), item))

    for i, quote in enumerate(p_items):
        doc = int(p_arr.doc[i])
        j = int(m.pred_gold[i])
        if j < 0:
            add(doc, "false_positive", None, quote, "", _kind(quote))
            continue
        gq = g_items[j]
        at = min(gq["start"], quote["start"])
        if (gq["start"], gq["end"]) != (quote["start"], quote["end"]):
            add(doc, "boundary", gq, quote, _kind(gq), _kind(quote), at=at)
        if _kind(gq) != _kind(quote):
            add(doc, "kind", gq, quote, _kind(gq), _kind(quote), at=at)
        if doc not in mentions:
            mentions[doc] = cluster_mentions(gold[doc])
        g_speaker, p_speaker = gq.get("speaker"), quote.get("speaker")
        if not speaker_right(g_speaker, p_speaker, mentions[doc]):
            add(doc, "speaker", g_speaker or gq, p_speaker or quote,
                "speaker" if g_speaker else "no speaker (quote)", "speaker" if p_speaker else "no speaker (quote)", at=at)
        g_cue, p_cue = gq.get("cue"), quote.get("cue")
        if (g_cue is None) != (p_cue is None) or (
            g_cue is not None and p_cue is not None and min(g_cue["end"], p_cue["end"]) <= max(g_cue["start"], p_cue["start"])
        ):
            add(doc, "cue", g_cue or gq, p_cue or quote, "cue" if g_cue else "no cue (quote)", "cue" if p_cue else "no cue (quote)", at=at)
    for j in (m.gold_pred < 0).nonzero()[0].tolist():
        add(int(g_arr.doc[j]), "false_negative", g_items[j], None, _kind(g_items[j]), "")
    return _sorted(out, limit)


def event_errors(gold: Sequence[Record], pred: Sequence[Record], *, limit: int) -> list[ErrorItem]:
    """The first `limit` event errors in document order (documents paired by position)."""
    from annotate.metrics.matching import CORRECT, match_spans
    from annotate.metrics.spanarrays import SpanArrays, common_labels

    def triggers(records: Sequence[Record]) -> tuple[SpanArrays, list[tuple[int, Record]]]:
        rows, items = [], []
        for doc, record in enumerate(records):
            for event in record.get("events", []):
                rows.append((doc, event["trigger"]["start"], event["trigger"]["end"], event["type"]))
                items.append((doc, event))
        return SpanArrays.from_tuples(rows), items

    g_arr, g_items = triggers(gold)
    p_arr, p_items = triggers(pred)
    g_arr, p_arr = common_labels(g_arr, p_arr)
    m = match_spans(g_arr, p_arr, "strict")
    out: list[tuple[int, int, int, ErrorItem]] = []

    def add(doc: int, kind: str, g: Optional[Record], p: Optional[Record], g_label: str, p_label: str, *, at: int = -1) -> None:
        """`at`: where the error sorts (the pair's first offset, so a pair's errors stay together)."""
        record = gold[doc]
        item = in_context(record["id"], kind, record.get("text") or "", g, p, gold_label=g_label, pred_label=p_label)
        anchor = at if at >= 0 else min(int(s["start"]) for s in (g, p) if s is not None)
        out.append((doc, anchor, EVENT_KINDS.index(kind), item))

    for i, (doc, event) in enumerate(p_items):
        j = int(m.pred_gold[i])
        if j < 0:
            add(doc, "false_positive", None, event["trigger"], "", event["type"])
            continue
        g_event = g_items[j][1]
        same_bounds = (g_event["trigger"]["start"], g_event["trigger"]["end"]) == (event["trigger"]["start"], event["trigger"]["end"])
        at = min(g_event["trigger"]["start"], event["trigger"]["start"])
        if int(m.pred_category[i]) != CORRECT:
            kind = "type" if same_bounds else ("boundary" if g_event["type"] == event["type"] else "boundary_type")
            add(doc, kind, g_event["trigger"], event["trigger"], g_event["type"], event["type"], at=at)
        if same_bounds:
            _argument_errors(doc, g_event, event, lambda *a: add(*a, at=at))
    for j in (m.gold_pred < 0).nonzero()[0].tolist():
        doc, event = g_items[j]
        add(doc, "false_negative", event["trigger"], None, event["type"], "")
    return _sorted(out, limit)


def _argument_errors(doc: int, gold_event: Record, pred_event: Record, add: Any) -> None:
    """Errors among the arguments of two events whose triggers have the same offsets."""
    from annotate.metrics.matching import CORRECT, match_spans
    from annotate.metrics.spanarrays import SpanArrays, common_labels

    g_args, p_args = gold_event.get("arguments", []), pred_event.get("arguments", [])
    g_arr = SpanArrays.from_tuples([(0, a["start"], a["end"], a["role"]) for a in g_args])
    p_arr = SpanArrays.from_tuples([(0, a["start"], a["end"], a["role"]) for a in p_args])
    g_arr, p_arr = common_labels(g_arr, p_arr)
    m = match_spans(g_arr, p_arr, "strict")
    for i, argument in enumerate(p_args):
        j = int(m.pred_gold[i])
        if j < 0:
            add(doc, "argument_false_positive", None, argument, "", argument["role"])
        elif int(m.pred_category[i]) != CORRECT:
            g = g_args[j]
            if (g["start"], g["end"]) == (argument["start"], argument["end"]):
                kind = "role"
            else:
                kind = "argument_boundary" if g["role"] == argument["role"] else "argument_boundary_role"
            add(doc, kind, g, argument, g["role"], argument["role"])
    for j in (m.gold_pred < 0).nonzero()[0].tolist():
        add(doc, "argument_false_negative", g_args[j], None, g_args[j]["role"], "")
