"""The score document as one self-contained HTML page: per-label bars, the confusion matrix as an
inline SVG picture, and errors shown in their sentence with gold and predicted spans highlighted.

No scripts, fonts or images are fetched: the page works offline and can be attached to a paper's
supplementary material.
"""

from __future__ import annotations

from html import escape
from typing import Any, Sequence

from annotate.reports import ci, error_heading, is_prf, malformed_lines, pct, tasks

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.bar{display:inline-block;height:10px;background:#4a7bd0;vertical-align:middle}
.ci{color:#777;font-size:12px}code{font-size:12px}.err{margin:.4em 0;padding:.3em .6em;border-left:3px solid #ccc}
.g{background:#c8f0c8;border-bottom:2px solid #2a2}.p{background:#f8d0d0;border-bottom:2px dashed #c22}.gp{background:#f0e6a0}
.kind{font-weight:600;display:inline-block;min-width:9em}.warn{color:#a60}
"""


def _bar(value: Any) -> str:
    width = 0 if value is None else round(200 * value)
    return f'<span class="bar" style="width:{width}px"></span> {pct(value)}'


def confusion_svg(confusion: dict[str, Any], *, cell: int = 34) -> str:
    """The confusion matrix as an SVG heat map: rows gold, columns predicted, counts in the cells.

    Example:
        >>> svg = confusion_svg({"labels": ["PER", "O"], "matrix": [[3, 1], [2, 0]]})
        >>> svg.startswith("<svg") and ">3<" in svg
        True
    """
    labels, matrix = confusion["labels"], confusion["matrix"]
    n = len(labels)
    pad = 70
    size = pad + n * cell
    peak = max((v for row in matrix for v in row), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 10}" height="{size + 10}" font-size="11" role="img" aria-label="confusion matrix">']
    parts.append(f'<text x="{pad}" y="12">predicted →</text><text x="2" y="{pad - 4}">gold ↓</text>')
    for j, label in enumerate(labels):
        x = pad + j * cell + cell / 2
        parts.append(f'<text x="{x}" y="{pad - 18}" text-anchor="middle">{escape(label[:6])}</text>')
    for i, label in enumerate(labels):
        y = pad + i * cell
        parts.append(f'<text x="{pad - 4}" y="{y + cell / 2 + 4}" text-anchor="end">{escape(label[:8])}</text>')
        for j in range(n):
            value = matrix[i][j]
            shade = 1 - value / peak
            color = f"rgb({int(60 + 195 * shade)},{int(110 + 145 * shade)},{int(200 + 55 * shade)})"
            if i == j and labels[i] != "O":
                color = f"rgb({int(60 + 195 * shade)},{int(170 + 85 * shade)},{int(60 + 195 * shade)})"
            parts.append(f'<rect x="{pad + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{color}"><title>gold {escape(labels[i])}, predicted {escape(labels[j])}: {value}</title></rect>')
            ink = "#fff" if value > peak * 0.6 else "#222"
            parts.append(f'<text x="{pad + j * cell + cell / 2 - 1}" y="{y + cell / 2 + 3}" text-anchor="middle" fill="{ink}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def highlight(context: str, gold_at: Any, pred_at: Any) -> str:
    """HTML of `context` with the gold span (class g), the prediction (class p) and their overlap (gp).

    Example:
        >>> highlight("Kori Schulman wrote", (0, 13), (5, 13))
        '<span class="g">Kori </span><span class="gp">Schulman</span> wrote'
    """
    cuts = {0, len(context)}
    for at in (gold_at, pred_at):
        if at:
            cuts.update(at)
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        in_g = bool(gold_at) and gold_at[0] <= a and b <= gold_at[1]
        in_p = bool(pred_at) and pred_at[0] <= a and b <= pred_at[1]
        piece = escape(context[a:b])
        cls = "gp" if in_g and in_p else "g" if in_g else "p" if in_p else ""
        out.append(f'<span class="{cls}">{piece}</span>' if cls else piece)
    return "".join(out)


def render_html(document: dict[str, Any], *, errors: Sequence[Any] = (), extra_sections: Sequence[str] = ()) -> str:
    """The whole page as a string.

    `extra_sections`: HTML fragments appended at the end of the page (hook for other modules, see below).
    """
    m = document["manifest"]
    body = [
        f"<h1>annotate score: {escape(m['task'])}</h1>",
        f"<p>annotate {escape(m['version'])} · {escape(m['input_format'])}"
        + (f" · scheme {escape(str(m['scheme']))}" if m.get("scheme") else "")
        + f" · {m['documents']} {escape(m['unit'])}(s) · gold <code>{m['gold']['sha256'][:16]}</code>"
        + f" · pred <code>{m['pred']['sha256'][:16]}</code>"
        + (f" · bootstrap {m['bootstrap']} (seed {m['seed']})" if m.get("bootstrap") else "")
        + "</p>",
    ]
    for warning in malformed_lines(document):
        body.append(f'<p class="warn">warning: {escape(warning)}</p>')
    for task, measures in tasks(document):
        body.append(f"<h2>{escape(task)}</h2><table><tr><th>measure</th><th>P</th><th>R</th><th>F1</th><th>macro F1</th>"
                    "<th>correct</th><th>incorrect</th><th>partial</th><th>missed</th><th>spurious</th></tr>")
        for name, block in measures.items():
            if not is_prf(block):
                continue
            u = block["micro"]
            body.append(
                f"<tr><td>{escape(name)}</td><td>{pct(u['precision'])}</td><td>{pct(u['recall'])}</td>"
                f"<td>{_bar(u['f1'])} <span class=ci>{ci(u)}</span></td><td>{pct(block['macro']['f1'])}</td>"
                + "".join(f"<td>{u[k]}</td>" for k in ("correct", "incorrect", "partial", "missed", "spurious"))
                + "</tr>"
            )
        body.append("</table>")
        for name, block in measures.items():
            if not is_prf(block) or not block["per_label"]:
                continue
            body.append(f"<h3>{escape(name)} per label</h3><table><tr><th>label</th><th>F1</th><th>P</th><th>R</th><th>gold</th><th>predicted</th></tr>")
            for label, s in block["per_label"].items():
                body.append(
                    f"<tr><td>{escape(label)}</td><td>{_bar(s['f1'])} <span class=ci>{ci(s)}</span></td>"
                    f"<td>{pct(s['precision'])}</td><td>{pct(s['recall'])}</td><td>{s['possible']}</td><td>{s['actual']}</td></tr>"
                )
            body.append("</table>")
    if document.get("confusion"):
        body.append("<h2>Type confusion (spans paired by overlap)</h2>")
        body.append(confusion_svg(document["confusion"]))
    if errors:
        body.append(f"<h2>Errors: {escape(error_heading(document, len(errors)))}</h2>"
                    '<p><span class="g">gold</span> <span class="p">predicted</span> <span class="gp">both</span></p>')
        for e in errors:
            gold = f"{escape(e.gold['label'])} “{escape(e.gold['text'])}”" if e.gold else "—"
            pred = f"{escape(e.pred['label'])} “{escape(e.pred['text'])}”" if e.pred else "—"
            body.append(
                f'<div class="err"><span class="kind">{escape(e.kind.replace("_", " "))}</span> {escape(e.doc)} · '
                f"gold {gold} · pred {pred}<br>{highlight(e.context, e.gold_at, e.pred_at)}</div>"
            )
    # -- hook (agreement, issue 6; not the scorer's code): sections from other modules, e.g. the annotator
    # heat maps of annotate.reports.agreement.agreement_html(report), appended as given. ----------------
    body.extend(extra_sections)
    # -- end of hook ----------------------------------------------------------------------------------
    return page("annotate score", "\n".join(body))


def page(title: str, body: str) -> str:
    """A whole self-contained page (the report's style inline, nothing fetched) around `body`."""
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
