"""Label configs: generated from the inventory, parse in label-studio-sdk, expose the labels we expect."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from label_studio_sdk.label_interface import LabelInterface

from annotate.errors import SchemaError
from annotate.schema import SCHEMA_NAMES, config_path, load_inventory, load_schema, read_config, render_config

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_config_on_disk_is_what_the_inventory_generates(name: str) -> None:
    assert read_config(name) == render_config(name), "run scripts/gen-schemas"


def _controls(name: str) -> dict[str, tuple[str, list[str]]]:
    interface = LabelInterface(read_config(name))
    return {c.name: (type(c).__name__, list(c.labels)) for c in interface.controls}


def _relations(name: str) -> list[str]:
    root = ET.fromstring(read_config(name))
    return [r.get("value", "") for r in root.iter("Relation")]


def test_entities_config() -> None:
    controls = _controls("entities")
    assert list(controls) == ["entity"]
    kind, labels = controls["entity"]
    assert kind == "LabelsTag"
    for ontonotes in ("PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL"):
        assert ontonotes in labels
    assert len(labels) == 18
    assert _relations("entities") == []


def test_quotes_config() -> None:
    controls = _controls("quotes")
    assert controls["quote"] == ("LabelsTag", ["QUOTE", "SPEAKER", "CUE"])
    assert controls["kind"] == ("ChoicesTag", ["direct", "indirect", "mixed"])
    choices = ET.fromstring(read_config("quotes")).find("Choices")
    assert choices is not None and choices.get("perRegion") == "true"
    assert _relations("quotes") == ["speaker", "cue"]


def test_events_config() -> None:
    controls = _controls("events")
    kind, types = controls["trigger"]
    assert kind == "LabelsTag"
    assert {"Contact.Meet", "Justice.PrisonerExchange", "Conflict.Ceasefire", "Agreement.Reach"} <= set(types)
    assert controls["argument"] == ("LabelsTag", ["ARGUMENT"])
    schema = load_schema("events")
    assert _relations("events") == list(schema.roles)
    assert "Participant" in schema.roles_of("Contact.Meet") and "Place" in schema.roles_of("Contact.Meet")


def test_news_config_combines_everything() -> None:
    controls = _controls("news")
    assert set(controls) == {"entity", "quote", "kind", "trigger", "argument"}
    relations = _relations("news")
    assert relations[:2] == ["speaker", "cue"] and "Participant" in relations
    assert len(relations) == len(set(relations))


def test_labels_come_from_the_inventory_only() -> None:
    inventory = load_inventory()
    assert load_schema("entities").entity_labels == tuple(x["value"] for x in inventory["entities"]["labels"])
    assert load_schema("news").event_types == load_schema("events").event_types


def test_unknown_schema_is_a_clear_error() -> None:
    with pytest.raises(SchemaError, match="Unknown schema 'nope'"):
        load_schema("nope")
    with pytest.raises(SchemaError, match="choose one of"):
        config_path("nope")


def test_design_example_validates_against_record_schema() -> None:
    schema = json.loads((SCHEMAS / "record.schema.json").read_text())
    text = "Zelenskyy said the talks in Abu Dhabi were hard. Further talks are planned."
    record = {
        "id": "doc-1",
        "text": text,
        "entities": [{"start": 0, "end": 9, "label": "PERSON", "text": "Zelenskyy"}],
        "quotes": [{"start": 15, "end": 48, "text": text[15:48], "kind": "indirect",
                    "speaker": {"start": 0, "end": 9, "text": "Zelenskyy"},
                    "cue": {"start": 10, "end": 14, "text": "said"}}],
        "events": [{"type": "Contact.Meet", "trigger": {"start": 19, "end": 24, "text": "talks"},
                    "arguments": [{"role": "Place", "start": 28, "end": 37, "text": "Abu Dhabi"}]}],
    }
    for span in [record["entities"][0], record["quotes"][0], record["events"][0]["trigger"]]:  # type: ignore[index]
        assert text[span["start"]:span["end"]] == span["text"]
    jsonschema.validate(record, schema)
    broken = json.loads(json.dumps(record))
    broken["quotes"][0]["kind"] = "reported"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = json.loads(json.dumps(record))
    del broken["events"][0]["arguments"][0]["role"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
