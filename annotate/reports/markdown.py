"""The score document as Markdown tables (for papers and READMEs)."""

from __future__ import annotations

from typing import Any

from annotate.reports import COUNT_KEYS, ci, is_prf, malformed_lines, pct, tasks


def render_markdown(document: dict[str, Any]) -> str:
    """Markdown: a heading with the manifest, then a micro table and per-label tables per task.

    Example:
        >>> doc = {"manifest": {"version": "0", "task": "entities", "input_format": "conll", "scheme": "IOB2",
        ...        "documents": 1, "unit": "sentence", "gold": {"sha256": "ab"}, "pred": {"sha256": "ab"}, "seed": 0, "bootstrap": 0},
        ...        "entities": {"strict": {"micro": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "correct": 1,
        ...        "incorrect": 0, "partial": 0, "missed": 1, "spurious": 0, "actual": 1, "possible": 2},
        ...        "macro": {"precision": 1.0, "recall": 0.5, "f1": 0.6667}, "per_label": {}}}}
        >>> print(render_markdown(doc).splitlines()[6])
        | strict | 100.00 | 50.00 | 66.67 |  | 66.67 | 1 | 0 | 0 | 1 | 0 |
    """
    m = document["manifest"]
    lines = [
        f"## Scores: {m['task']} ({m['input_format']}{', ' + m['scheme'] if m.get('scheme') else ''})",
        "",
        f"annotate {m['version']}; {m['documents']} {m['unit']}(s); gold sha256 `{m['gold']['sha256'][:12]}`, "
        f"pred sha256 `{m['pred']['sha256'][:12]}`" + (f"; bootstrap {m['bootstrap']}, seed {m['seed']}" if m.get("bootstrap") else ""),
        "",
    ]
    for warning in malformed_lines(document):
        lines.insert(3, f"> warning: {warning}")
    for task, measures in tasks(document):
        lines += ["| measure | P | R | F1 | F1 95% CI | macro F1 | correct | incorrect | partial | missed | spurious |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, block in measures.items():
            if not is_prf(block):
                continue
            u = block["micro"]
            lines.append(
                f"| {name} | {pct(u['precision'])} | {pct(u['recall'])} | {pct(u['f1'])} | {ci(u)} | {pct(block['macro']['f1'])} | "
                + " | ".join(str(u[k]) for k in COUNT_KEYS)
                + " |"
            )
        lines.append("")
        for name, block in measures.items():
            if not is_prf(block) or not block["per_label"]:
                continue
            lines += [f"**{task} · {name} per label**", "", "| label | P | R | F1 | F1 95% CI | gold | predicted |", "|---|---:|---:|---:|---:|---:|---:|"]
            for label, s in block["per_label"].items():
                lines.append(f"| {label} | {pct(s['precision'])} | {pct(s['recall'])} | {pct(s['f1'])} | {ci(s)} | {s['possible']} | {s['actual']} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
