"""Label schemas: the inventory in `schemas/labels.json` and the Label Studio configs made from it.

`schemas/labels.json` is the one place where labels are written. `render_config(name)` turns it
into the Label Studio XML for one of `SCHEMA_NAMES`; `scripts/gen-schemas` writes those files
into `schemas/` and a test checks that the files on disk are what the inventory gives.
`load_schema(name)` returns the labels a schema uses as plain data for the rest of the code.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

from annotate.errors import SchemaError

SchemaName = Literal["entities", "quotes", "events", "news"]
SCHEMA_NAMES: tuple[SchemaName, ...] = ("entities", "quotes", "events", "news")
TEXT_NAME = "text"  # the <Text name=...> of every config; tasks carry the text in data.text


def schema_dir() -> Path:
    """The folder holding `labels.json` and the configs: `$ANNOTATE_SCHEMAS` or the project's `schemas/`."""
    env = os.environ.get("ANNOTATE_SCHEMAS")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "schemas"


@lru_cache(maxsize=4)
def _read_inventory(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{path}: the label inventory is missing; set ANNOTATE_SCHEMAS to the schemas folder.") from None
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}).") from None
    return data


def load_inventory() -> dict[str, Any]:
    """The raw label inventory (`schemas/labels.json`)."""
    return _read_inventory(schema_dir() / "labels.json")


@dataclass(frozen=True, slots=True)
class EventType:
    """An event type and the roles its arguments may take."""

    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Schema:
    """What one labelling schema asks annotators for, by control name and label."""

    name: str
    entity_from_name: str | None
    entity_labels: tuple[str, ...]
    quote_from_name: str | None
    quote_labels: tuple[str, ...]  # QUOTE, SPEAKER, CUE
    kind_from_name: str | None
    kinds: tuple[str, ...]
    trigger_from_name: str | None
    event_types: tuple[EventType, ...]
    argument_from_name: str | None
    argument_label: str | None
    relation_labels: tuple[str, ...]

    @property
    def roles(self) -> tuple[str, ...]:
        """Every argument role, in inventory order, once."""
        return tuple(dict.fromkeys(role for event in self.event_types for role in event.roles))

    def roles_of(self, event_type: str) -> tuple[str, ...]:
        for event in self.event_types:
            if event.name == event_type:
                return event.roles
        raise SchemaError(f"Unknown event type {event_type!r} for schema {self.name!r}; known: {[e.name for e in self.event_types]}.")


def load_schema(name: str) -> Schema:
    """The labels of schema `name` (one of `SCHEMA_NAMES`) from the inventory."""
    if name not in SCHEMA_NAMES:
        raise SchemaError(f"Unknown schema {name!r}; choose one of {', '.join(SCHEMA_NAMES)}.")
    inv = load_inventory()
    ents, quotes, events = inv["entities"], inv["quotes"], inv["events"]
    has_ent = name in ("entities", "news")
    has_quote = name in ("quotes", "news")
    has_event = name in ("events", "news")
    event_types = tuple(EventType(t["value"], tuple(t["roles"])) for t in events["types"]) if has_event else ()
    relations: list[str] = []
    if has_quote:
        relations += [r["value"] for r in quotes["relations"]]
    if has_event:
        relations += [role for t in event_types for role in t.roles]
    return Schema(
        name=name,
        entity_from_name=ents["from_name"] if has_ent else None,
        entity_labels=tuple(label["value"] for label in ents["labels"]) if has_ent else (),
        quote_from_name=quotes["from_name"] if has_quote else None,
        quote_labels=tuple(p["value"] for p in quotes["parts"]) if has_quote else (),
        kind_from_name=quotes["kind"]["from_name"] if has_quote else None,
        kinds=tuple(c["value"] for c in quotes["kind"]["choices"]) if has_quote else (),
        trigger_from_name=events["trigger_from_name"] if has_event else None,
        event_types=event_types,
        argument_from_name=events["argument_from_name"] if has_event else None,
        argument_label=events["argument_label"] if has_event else None,
        relation_labels=tuple(dict.fromkeys(relations)),
    )


def config_path(name: str) -> Path:
    """Path of the Label Studio config of schema `name`, or of a custom XML file given as a path."""
    if name in SCHEMA_NAMES:
        return schema_dir() / f"{name}.xml"
    path = Path(name)
    if path.suffix == ".xml" and path.is_file():
        return path
    raise SchemaError(f"Unknown schema {name!r}; choose one of {', '.join(SCHEMA_NAMES)} or give a path to a .xml config.")


def read_config(name: str) -> str:
    """The Label Studio XML of schema `name` as stored in `schemas/`."""
    path = config_path(name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError(f"{path}: missing; run scripts/gen-schemas to write the configs.") from None


def _attrs(**attrs: str | None) -> str:
    return "".join(f" {key.rstrip('_')}={quoteattr(value)}" for key, value in attrs.items() if value is not None)


def _labels_block(name: str, labels: list[dict[str, Any]], indent: str = "  ") -> list[str]:
    lines = [f'{indent}<Labels name="{name}" toName="{TEXT_NAME}">']
    for label in labels:
        lines.append(f"{indent}  <Label{_attrs(value=label['value'], hint=label.get('hint'), background=label.get('background'))}/>")
    lines.append(f"{indent}</Labels>")
    return lines


def render_config(name: str) -> str:
    """The Label Studio XML config of schema `name`, generated from the inventory."""
    schema = load_schema(name)
    inv = load_inventory()
    titles = {
        "entities": "Named entities: select a name, then pick its type.",
        "quotes": "Quotes: mark the QUOTE, its SPEAKER and its CUE; link quote to speaker and to cue; choose the quote's kind.",
        "events": "Events: mark each trigger with its event type, mark arguments, link trigger to argument with the role.",
        "news": "News: entities, quotes (content, speaker, cue, kind) and events (trigger, arguments in roles).",
    }
    lines = ["<!-- Generated from schemas/labels.json by scripts/gen-schemas; edit that file, not this one. -->", "<View>"]
    lines.append(f"  <Header{_attrs(value=titles[name])}/>")
    if schema.entity_from_name:
        lines += _labels_block(schema.entity_from_name, inv["entities"]["labels"])
    if schema.quote_from_name:
        lines += _labels_block(schema.quote_from_name, inv["quotes"]["parts"])
    if schema.trigger_from_name and schema.argument_from_name:
        lines += _labels_block(schema.trigger_from_name, inv["events"]["types"])
        lines += _labels_block(schema.argument_from_name, [{"value": inv["events"]["argument_label"], "background": "#999999",
                                                             "hint": "An event argument; link the trigger to it with its role"}])
    if schema.relation_labels:
        lines.append("  <Relations>")
        lines += [f"    <Relation{_attrs(value=label)}/>" for label in schema.relation_labels]
        lines.append("  </Relations>")
    lines.append(f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}"/>')
    if schema.kind_from_name:
        quote_label = inv["quotes"]["parts"][0]["value"]
        lines.append(
            f'  <Choices name="{schema.kind_from_name}" toName="{TEXT_NAME}" perRegion="true" choice="single" '
            f'showInline="true" visibleWhen="region-selected" whenTagName="{schema.quote_from_name}" '
            f'whenLabelValue="{quote_label}">'
        )
        lines += [f"    <Choice{_attrs(value=c['value'], hint=c.get('hint'))}/>" for c in inv["quotes"]["kind"]["choices"]]
        lines.append("  </Choices>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"
