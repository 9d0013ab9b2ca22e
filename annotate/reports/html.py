"""The score document as one self-contained HTML page: per-label bars, the confusion matrix as an
inline SVG picture, and errors shown in their sentence with gold and predicted spans highlighted.

No scripts, fonts or images are fetched: the page works offline and can be attached to a paper's
supplementary material.
"""

from __future__ import annotations

from html import escape
from pathlib import PurePath
from typing import Any, Sequence

from annotate.reports import COUNT_KEYS, ci, error_heading, headlines, is_prf, malformed_lines, pct, tasks

STYLE = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.15em}
.meta{color:#555;margin:.2em 0 1em}.meta b{color:#222;font-weight:600}
.summary{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0 1.5em}
.card{flex:1 1 14em;max-width:22em;border:1px solid #d8deea;border-radius:6px;padding:.6em .9em;background:#f7f9fd}
.card .task{font-weight:600;text-transform:uppercase;letter-spacing:.04em;font-size:12px;color:#456}
.card .big{font-size:2.2em;font-weight:700;line-height:1.15}.card .big small{font-size:.4em;font-weight:400;color:#555}
.card .sub{color:#555;font-size:12px}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
td:first-child,th:first-child{text-align:left}tr.head td{font-weight:700}
.bar{display:inline-block;width:120px;height:10px;background:#e6ebf4;vertical-align:middle;margin-left:6px}
.bar span{display:block;height:100%;background:#4a7bd0}
.ci{color:#777;font-size:12px}code{font-size:12px}.err{margin:.4em 0;padding:.3em .6em;border-left:3px solid #ccc;overflow-wrap:anywhere}
details{margin:.3em 0 1.2em}summary{cursor:pointer;color:#345;font-weight:600}
.g{background:#c8f0c8;border-bottom:2px solid #2a2}.p{background:#f8d0d0;border-bottom:2px dashed #c22}.gp{background:#f0e6a0}
.kind{font-weight:600;display:inline-block;min-width:9em}.warn{color:#a60}
.heatmaps{display:flex;gap:2em;flex-wrap:wrap}svg{max-width:100%;height:auto}footer{margin-top:2em;color:#777;font-size:12px;overflow-wrap:anywhere}
@media (max-width:640px){body{margin:.8em auto;padding:0 .6em}.bar{width:60px}.card{max-width:none}.kind{min-width:0}}
"""
BAR_WIDTH = 120  # px; every bar of the page has this width at 100 %



def _bar(value: Any) -> str:
    """The value, then a bar of the same full width everywhere on the page (a track, filled to the value)."""
    fill = 0.0 if value is None else max(0.0, min(1.0, float(value))) * 100
    return f'{pct(value)}<span class="bar"><span style="width:{fill:.1f}%"></span></span>'


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


def _file(side: dict[str, Any]) -> str:
    path = str(side.get("path") or "")
    name = PurePath(path).name or "?"
    return f'<b title="{escape(path)} (sha256 {escape(side.get("sha256", ""))})">{escape(name)}</b>'


def summary_html(document: dict[str, Any]) -> str:
    """The top of the page, read in five seconds: what was scored, and one F1 per task (with its CI).

    Example:
        >>> doc = {"manifest": {"task": "entities", "documents": 2, "unit": "document", "version": "0",
        ...        "input_format": "records", "gold": {"path": "g.jsonl", "sha256": "a"}, "pred": {"path": "p.jsonl", "sha256": "b"}},
        ...        "entities": {"strict": {"micro": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "possible": 2, "actual": 1},
        ...        "macro": {}, "per_label": {}}}}
        >>> html = summary_html(doc)
        >>> 'data-f1="0.6667"' in html and "g.jsonl" in html and "<b>2</b> documents" in html
        True
    """
    m = document["manifest"]
    count = m["documents"]
    unit = f"{m['unit']}{'' if count == 1 else 's'}"
    gold, pred = m.get("gold", {}), m.get("pred", {})
    files = (f"gold and predictions {_file(gold)}" if gold.get("path") and gold.get("path") == pred.get("path")
             else f"gold {_file(gold)} · predictions {_file(pred)}")
    meta = (f'<p class="meta">{files} · <b>{count}</b> {escape(unit)} · {escape(m["input_format"])}'
            + (f" · scheme {escape(str(m['scheme']))}" if m.get("scheme") else "")
            + (f" · bootstrap {m['bootstrap']} (seed {m['seed']})" if m.get("bootstrap") else "") + "</p>")
    cards = []
    for h in headlines(document):
        interval = (f'<div class="sub">95% CI {pct(h.f1_ci[0])}–{pct(h.f1_ci[1])}</div>' if h.f1_ci else "")
        cards.append(
            f'<div class="card" data-task="{escape(h.task)}" data-measure="{escape(h.measure)}" data-f1="{"" if h.f1 is None else repr(h.f1)}">'
            f'<div class="task">{escape(h.task)}</div><div class="big">{pct(h.f1)} <small>F1</small></div>'
            f'<div class="sub">{escape(h.measure.replace("_", " "))} · P {pct(h.precision)} · R {pct(h.recall)}</div>{interval}'
            f'<div class="sub">{h.gold} gold, {h.predicted} predicted</div></div>'
        )
    return meta + f'<div class="summary">{"".join(cards)}</div>'


def _micro_table(measures: dict[str, Any], primary: str) -> str:
    rows = []
    for name, block in measures.items():
        if not is_prf(block):
            continue
        u = block["micro"]
        rows.append(
            f'<tr{" class=head" if name == primary else ""}><td>{escape(name)}</td><td>{_bar(u["f1"])} '
            f'<span class=ci>{ci(u)}</span></td><td>{pct(u["precision"])}</td><td>{pct(u["recall"])}</td>'
            f"<td>{pct(block['macro']['f1'])}</td>" + "".join(f"<td>{u[k]}</td>" for k in COUNT_KEYS) + "</tr>"
        )
    return ('<div class="scroll"><table><tr><th>measure</th><th>F1</th><th>P</th><th>R</th><th>macro F1</th>'
            + "".join(f"<th>{k}</th>" for k in COUNT_KEYS) + "</tr>" + "".join(rows) + "</table></div>")


def _label_table(task: str, name: str, block: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td>{_bar(s['f1'])} <span class=ci>{ci(s)}</span></td>"
        f"<td>{pct(s['precision'])}</td><td>{pct(s['recall'])}</td><td>{s['possible']}</td><td>{s['actual']}</td></tr>"
        for label, s in block["per_label"].items()
    )
    return (f"<h3>{escape(task)} · {escape(name)} per label</h3><div class=\"scroll\"><table><tr><th>label</th><th>F1</th>"
            f"<th>P</th><th>R</th><th>gold</th><th>predicted</th></tr>{rows}</table></div>")


def _task_section(task: str, measures: dict[str, Any], primary: str) -> str:
    """A task: every measure's micro scores; per label, the primary measure open, the others folded."""
    parts = [f"<h2>{escape(task)}</h2>", _micro_table(measures, primary)]
    labelled = [name for name, block in measures.items() if is_prf(block) and block["per_label"]]
    if primary in labelled:
        parts.append(_label_table(task, primary, measures[primary]))
    others = [name for name in labelled if name != primary]
    if others:
        parts.append(f"<details><summary>per label, other measures: {escape(', '.join(others))}</summary>"
                     + "".join(_label_table(task, name, measures[name]) for name in others) + "</details>")
    return "".join(parts)


def render_html(
    document: dict[str, Any], *, errors: Sequence[Any] = (), extra_sections: Sequence[str] = (), lead: Sequence[str] = ()
) -> str:
    """The whole page as a string.

    The top is the summary (`summary_html`); `lead`: HTML fragments right under it (an
    introduction); `extra_sections`: fragments appended at the end of the page (hook for other
    modules, see below).
    """
    m = document["manifest"]
    primary = {h.task: h.measure for h in headlines(document)}
    body = [f"<h1>annotate score: {escape(m['task'])}</h1>", summary_html(document)]
    for warning in malformed_lines(document):
        body.append(f'<p class="warn">warning: {escape(warning)}</p>')
    body.extend(lead)
    for task, measures in tasks(document):
        body.append(_task_section(task, measures, primary.get(task, "")))
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
    body.append(
        f"<footer>annotate {escape(m['version'])} · gold sha256 <code>{escape(m['gold']['sha256'])}</code> · "
        f"pred sha256 <code>{escape(m['pred']['sha256'])}</code></footer>"
    )
    return page("annotate score", "\n".join(body))


def page(title: str, body: str) -> str:
    """A whole self-contained page (the report's style inline, nothing fetched) around `body`."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
