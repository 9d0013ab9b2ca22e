"""Agreement between annotators on a page: annotator × annotator heat maps (inline SVG) and the figures.

`agreement_html(report)` is a `<section>` for a report page: `annotate score --html` takes it
through its hook (`annotate.reports.html.render_html(document, extra_sections=[...])`), and
`add_to_page` puts it into a page written before (`annotate agree --add-to-report`).
`agreement_page(report)` is a page of its own (`annotate agree --html`). Nothing is fetched:
the SVG is inline.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from annotate.errors import InputError
from annotate.metrics.agreement import AgreementReport, HeatmapMeasure, pair_value

HEATMAP_TITLES: dict[str, str] = {
    "strict": "pairwise span F1 (strict)",
    "overlap": "pairwise span F1 (overlap)",
    "kappa": "Cohen's kappa (tokens)",
}
AGREEMENT_BEGIN = "<!-- annotate agree: begin -->"
AGREEMENT_END = "<!-- annotate agree: end -->"


def _colour(value: float | None) -> str:
    """White (0 or below) to dark blue (1); light grey where undefined."""
    if value is None:
        return "#eeeeee"
    v = min(max(value, 0.0), 1.0)
    low, high = (247, 251, 255), (8, 48, 107)
    r, g, b = (round(lo + (hi - lo) * v) for lo, hi in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(report: AgreementReport, *, measure: HeatmapMeasure = "strict", cell: int = 44) -> str:
    """The annotator × annotator matrix of `measure` as a self-contained inline SVG element.

    Each cell shows the figure (2 decimals) and, on hover, the pair and its number of shared
    tasks; pairs without a shared task are grey with a dash.

    Example:
        >>> rows = [{"id": "d", "text": "Bob", "annotator": n, "entities": [{"start": 0, "end": 3, "label": "PERSON", "text": "Bob"}]}
        ...         for n in ("a", "b")]
        >>> from annotate.metrics.agreement import agreement
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
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(HEATMAP_TITLES[measure])}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{escape(HEATMAP_TITLES[measure])}, {report.task}</title>",
    ]
    for i, name in enumerate(names):
        y = top + i * cell + cell / 2
        parts.append(f'<text x="{label_width - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle">{escape(name)}</text>')
        x = label_width + i * cell + cell / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" text-anchor="start" transform="rotate(-45 {x:.1f} {top - 6})">{escape(name)}</text>'
        )
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            value = matrix[i][j]
            x, y = label_width + j * cell, top + i * cell
            tasks = report.tasks_per_annotator.get(a, 0) if i == j else shared.get(tuple(sorted((a, b))), 0)  # type: ignore[arg-type]
            tip = f"{a} × {b}: " + ("n/a" if value is None else f"{value:.4f}") + f" ({tasks} shared task{'s' if tasks != 1 else ''})"
            ink = "#ffffff" if value is not None and value > 0.6 else "#222222"
            parts.append(
                f'<g><title>{escape(tip)}</title><rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{_colour(value)}" stroke="#ffffff"/>'
                f'<text x="{x + cell / 2:.1f}" y="{y + cell / 2:.1f}" text-anchor="middle" dominant-baseline="middle" '
                f'fill="{ink}">{"–" if value is None else f"{value:.2f}"}</text></g>'
            )
    parts.append(
        f'<text x="{label_width}" y="{top + size + 18}">{escape(caption)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def agreement_html(report: AgreementReport, *, measures: Sequence[HeatmapMeasure] = ("strict", "kappa")) -> str:
    """An HTML fragment (`<section>`) with the heat maps and the figures behind them, for a report page."""
    rows = [
        f"<tr><td>{escape(pair.a)}</td><td>{escape(pair.b)}</td><td>{pair.shared_tasks}</td>"
        f"<td>{_fmt(pair_value(pair, 'strict'))}</td><td>{_fmt(pair_value(pair, 'overlap'))}</td>"
        f"<td>{_fmt(pair.kappa)}</td></tr>"
        for pair in report.pairs
    ]
    alpha = report.alpha
    alone = ", ".join(map(escape, report.annotators_without_shared_tasks)) or "none"
    maps = "".join(f"<figure>{heatmap_svg(report, measure=m)}</figure>" for m in measures)
    return (
        f'<section class="agreement"><h2>Agreement between annotators ({escape(report.task)})</h2>'
        f"<p>{len(report.annotators)} annotator(s), {report.documents} document(s); Krippendorff's alpha "
        f"{_fmt(alpha.overall)} over {alpha.tasks} task(s) with two or more annotators ({alpha.units} tokens). "
        f"Annotators without a shared task: {alone}.</p>"
        f'<div class="heatmaps">{maps}</div>'
        '<div class="scroll"><table><thead><tr><th>A</th><th>B</th><th>shared tasks</th><th>strict F1</th>'
        f"<th>overlap F1</th><th>kappa</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def agreement_page(report: AgreementReport, *, title: str = "Annotator agreement") -> str:
    """A standalone HTML page around `agreement_html` (for `annotate agree --html`), styled as the score report."""
    from annotate.reports.html import page

    return page(title, f"<h1>{escape(title)}</h1>{agreement_html(report)}")


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
