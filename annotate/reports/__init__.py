"""Renderings of a score document (the JSON of `annotate score`): terminal, Markdown, HTML.

Every renderer takes the same document (see `annotate.metrics.run`), so the numbers on the
terminal, in the Markdown and on the page are the numbers in the JSON.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

TASK_KEYS = ("entities", "quotes", "events")


def pct(value: Optional[float]) -> str:
    """A fraction as a percentage with two decimals, or an em dash where undefined.

    Example:
        >>> pct(0.91234), pct(None)
        ('91.23', '—')
    """
    return "—" if value is None else f"{100 * value:.2f}"


def ci(block: dict[str, Any]) -> str:
    interval = block.get("f1_ci")
    return "" if not interval else f"{pct(interval[0])}–{pct(interval[1])}"


def tasks(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in TASK_KEYS:
        if key in document:
            yield key, document[key]


ERROR_PAIRING = {
    "entities": "strict matching",
    "quotes": "quotes paired by overlap",
    "events": "triggers, and arguments of same-offset triggers, paired strictly",
}


def error_heading(document: dict[str, Any], count: int) -> str:
    """"first 3 error(s) (quotes paired by overlap)": how the listed errors were found.

    Example:
        >>> error_heading({"manifest": {"task": "events"}}, 2)
        'first 2 error(s) (triggers, and arguments of same-offset triggers, paired strictly)'
    """
    task = document.get("manifest", {}).get("task", "entities")
    return f"first {count} error(s) ({ERROR_PAIRING.get(task, 'strict matching')})"


def is_prf(block: dict[str, Any]) -> bool:
    return "micro" in block and "precision" in block["micro"]


def malformed_lines(document: dict[str, Any]) -> list[str]:
    """Warning lines about malformed tags read as conlleval does."""
    out = []
    malformed = document.get("inputs", {}).get("malformed", {})
    for side in ("gold", "pred"):
        counts = malformed.get(side) or {}
        if counts:
            total = sum(counts.values())
            parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
            lines = malformed.get(f"{side}_lines") or []
            where = f"; first at line(s) {', '.join(map(str, lines[:5]))}" if lines else ""
            out.append(f"{side}: {total} malformed tag(s) read as conlleval reads them ({parts}){where}")
    inputs = document.get("inputs", {})
    if inputs.get("missing_predictions"):
        out.append(f"{inputs['missing_predictions']} gold document(s) had no prediction and were scored as empty")
    if inputs.get("extra_predictions"):
        out.append(f"{inputs['extra_predictions']} predicted document(s) are not in gold and were not scored")
    return out
