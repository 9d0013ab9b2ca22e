"""Builders for hand-made Label Studio exports (shared by the conversion tests)."""

from __future__ import annotations

from typing import Any


def utf16(text: str, index: int) -> int:
    """UTF-16 offset of code-point `index` in `text` (computed independently of annotate.spans)."""
    return len(text[:index].encode("utf-16-le")) // 2


def region(rid: str, control: str, label: str, text: str, start: int, end: int, *, value_text: str | None = None,
           utf16_offsets: bool = False) -> dict[str, Any]:
    """A `labels` result item over code points `[start, end)` of `text`, written in either convention."""
    s, e = (utf16(text, start), utf16(text, end)) if utf16_offsets else (start, end)
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text[start:end] if value_text is None else value_text, "labels": [label]}}


def entity(rid: str, label: str, text: str, needle: str, **kw: Any) -> dict[str, Any]:
    start = text.index(needle)
    return region(rid, "entity", label, text, start, start + len(needle), **kw)


def relation(from_id: str, to_id: str, *labels: str, direction: str = "right") -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": direction, "labels": list(labels)}


def kind(rid: str, choice: str) -> dict[str, Any]:
    return {"id": rid, "from_name": "kind", "to_name": "text", "type": "choices", "value": {"choices": [choice]}}
