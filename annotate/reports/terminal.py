"""The score document as rich tables on the terminal, and the first N errors."""

from __future__ import annotations

from typing import Any, Sequence

from annotate.reports import COUNT_KEYS, ci, error_heading, is_prf, malformed_lines, pct, tasks

SHORT = {"correct": "cor", "incorrect": "inc", "partial": "par", "missed": "mis", "spurious": "spu", "possible": "gold", "actual": "pred"}


def render_terminal(document: dict[str, Any], *, errors: Sequence[Any] = (), label_measure: str | None = None, console: Any = None) -> None:
    """Print the summary table of every measure, the per-label table of one, and errors.

    `label_measure` picks the measure whose per-label scores are shown (default: the first).
    """
    from rich.console import Console
    from rich.table import Table

    console = console or Console(width=None if Console().is_terminal else 140)
    m = document["manifest"]
    console.print(
        f"[bold]annotate {m['version']}[/] {m['task']} · {m['input_format']}"
        + (f" · scheme {m['scheme']}" if m.get("scheme") else "")
        + f" · {m['documents']} {m['unit']}(s)"
        + (f" · bootstrap {m['bootstrap']} (seed {m['seed']})" if m.get("bootstrap") else "")
    )
    for line in malformed_lines(document):
        console.print(f"[yellow]warning:[/] {line}")
    for task, measures in tasks(document):
        has_ci = any(b.get("micro", {}).get("f1_ci") for b in measures.values())
        table = _table(Table(title=f"{task}: micro", title_justify="left"), "measure", has_ci,
                       ["mF1", *(SHORT[key] for key in COUNT_KEYS)])
        for name, block in measures.items():
            if not is_prf(block):
                continue
            micro = block["micro"]
            row = [name, pct(micro["precision"]), pct(micro["recall"]), pct(micro["f1"])]
            if has_ci:
                row.append(ci(micro))
            row.append(pct(block["macro"]["f1"]))
            row += [str(micro[k]) for k in COUNT_KEYS]
            table.add_row(*row)
        console.print(table)
        speaker = measures.get("speaker_attribution")
        if speaker:
            acc = speaker["micro"]
            console.print(f"speaker attribution accuracy: {pct(acc['accuracy'])} ({acc['correct']}/{acc['total']} matched quotes)")
        names = [n for n, b in measures.items() if is_prf(b) and b["per_label"]]
        chosen = label_measure if label_measure in names else (names[0] if names else None)
        if chosen:
            block = measures[chosen]
            table = _table(Table(title=f"{task}: {chosen} per label", title_justify="left"), "label", has_ci,
                           [SHORT[key] for key in ("possible", "actual", *COUNT_KEYS)])
            for label, s in block["per_label"].items():
                row = [label, pct(s["precision"]), pct(s["recall"]), pct(s["f1"])]
                if has_ci:
                    row.append(ci(s))
                row += [str(s[k]) for k in ("possible", "actual", *COUNT_KEYS)]
                table.add_row(*row)
            macro = block["macro"]
            table.add_row("[i]macro[/]", pct(macro["precision"]), pct(macro["recall"]), pct(macro["f1"]))
            console.print(table)
    if errors:
        console.print(f"[bold]{error_heading(document, len(errors))}[/]")
        for e in errors:
            console.print(f"[bold]{e.kind}[/] {e.doc}: gold {_span(e.gold)} pred {_span(e.pred)}")
            console.print("   " + _highlight(e), highlight=False)


def _table(table: Any, first: str, has_ci: bool, counts: Sequence[str]) -> Any:
    """`table` with its columns: `first`, P, R, F1, the F1 interval when there is one, then `counts`."""
    table.add_column(first, no_wrap=True)
    for col in ("P", "R", "F1", *(("F1 CI",) if has_ci else ()), *counts):
        table.add_column(col, justify="right")
    return table


def _span(span: Any) -> str:
    if span is None:
        return "—"
    return f"[{span['label']}] {span['text']!r}"


def _highlight(error: Any) -> str:
    """The context with gold in green brackets and the prediction in red braces (rich markup)."""
    from rich.markup import escape

    text = error.context
    marks: list[tuple[int, int, str]] = []
    if error.gold_at:
        marks += [(error.gold_at[0], 0, "[green][[/]"), (error.gold_at[1], 1, "[green]][/]")]
    if error.pred_at:
        marks += [(error.pred_at[0], 0, "[red]{[/]"), (error.pred_at[1], 1, "[red]}[/]")]
    out, pos = [], 0
    for at, _, mark in sorted(marks, key=lambda m: (m[0], -m[1])):
        out.append(escape(text[pos:at]))
        out.append(mark)
        pos = at
    out.append(escape(text[pos:]))
    return "".join(out)
