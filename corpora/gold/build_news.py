"""Build corpora/gold/news.jsonl: the gold record of the seed article, by schemas/GUIDELINES.md.

Offsets are never counted by hand. Every span is written as a piece of the text with the span in
square brackets ("envoy [Steve Witkoff] said"); the piece must occur exactly once in the cleaned
text, and the offsets are where the brackets fall. A long span is written as two pieces, one
marking where it starts ("[" only) and one where it ends ("]" only). The script checks the
guidelines' structural rules (entities do not overlap; speakers and arguments are entity
mentions; roles belong to their event type) and reads every span back before writing.

Run from the repository root:  .venv/bin/python corpora/gold/build_news.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotate.documents import DocumentStats, iter_documents  # noqa: E402
from annotate.recordio import check_record  # noqa: E402
from annotate.schema import load_schema  # noqa: E402

SEED = ROOT / "corpora" / "news" / "abu-dhabi-talks.raw.txt"
OUT = ROOT / "corpora" / "gold" / "news.jsonl"


def cleaned_seed() -> tuple[str, str]:
    """(id, text) of the seed article, cleaned exactly as `annotate tasks` cleans it."""
    documents = list(iter_documents([SEED], DocumentStats()))
    assert len(documents) == 1
    return documents[0].id, documents[0].text


DOC_ID, TEXT = cleaned_seed()


def _locate(piece: str, marks: str) -> tuple[int, list[int]]:
    plain = piece.replace("[", "").replace("]", "")
    first = TEXT.find(plain)
    if first < 0 or TEXT.find(plain, first + 1) >= 0:
        count = TEXT.count(plain)
        raise SystemExit(f"{piece!r} occurs {count} times in the text; it must occur exactly once.")
    positions = []
    removed = 0
    for i, ch in enumerate(piece):
        if ch in marks:
            positions.append(first + i - removed)
            removed += 1
    return first, positions


def at(piece: str) -> dict[str, Any]:
    """The span bracketed in `piece` ("envoy [Steve Witkoff] said")."""
    _, (start, end) = _locate(piece, "[]")
    return {"start": start, "end": end, "text": TEXT[start:end]}


def between(opening: str, closing: str) -> dict[str, Any]:
    """The span from the "[" in `opening` to the "]" in `closing`."""
    _, (start,) = _locate(opening, "[")
    _, (end,) = _locate(closing, "]")
    assert start < end, (opening, closing)
    return {"start": start, "end": end, "text": TEXT[start:end]}


# --------------------------------------------------------------------------- entities

ENTITIES = [
    ("The [second] round", "ORDINAL"),
    ("of [U.S.]-brokered", "GPE"),
    ("talks between [Russia] and Ukraine concluded", "GPE"),
    ("talks between Russia and [Ukraine] concluded", "GPE"),
    ("concluded in [Abu Dhabi] on", "GPE"),
    ("Abu Dhabi on [Thursday], with", "DATE"),
    ("According to [Ukraine], the", "GPE"),
    ("[White House] envoy", "ORG"),
    ("envoy [Steve Witkoff] said", "PERSON"),
    ("[Ukrainian] President", "NORP"),
    ("President [Volodymyr Zelenskyy] said", "PERSON"),
    ("the talks in [Abu Dhabi] \"have", "GPE"),
    ("and that [Kiev] would", "GPE"),
    ("[Ukraine]'s National", "GPE"),
    ("[National Security and Defense Council] Secretary", "ORG"),
    ("Secretary [Rustem Umerov] said", "PERSON"),
    ("said the [Ukrainian] delegation", "NORP"),
    ("[Russian] Foreign Minister", "NORP"),
    ("Minister [Sergei Lavrov], in", "PERSON"),
    ("with the [Russian] news agency", "NORP"),
    ("news agency [RT], accused", "ORG"),
    ("accused [Europe] of", "LOC"),
    ("obstructing [Russia]-U.S.", "GPE"),
    ("Russia-[U.S.] negotiations", "GPE"),
    ("us and the [Americans], and", "NORP"),
    ("now the [Ukrainian] representatives", "NORP"),
    ("called [Europe]'s plan", "LOC"),
    ("peace agreements in [Ukraine] \"absurd", "GPE"),
    ("\"Over [the past year], the", "DATE"),
    ("the [West] - especially", "LOC"),
    ("especially [Europe] - has", "LOC"),
    ("repeating [one] thing", "CARDINAL"),
    ("more weapons to [Ukraine]?", "GPE"),
    ("at all,' [Lavrov] explained", "PERSON"),
    ("adding that [Russia] demands", "GPE"),
    ("benevolent [Ukraine].\"", "GPE"),
    ("differences between [Russia] and Ukraine on", "GPE"),
    ("differences between Russia and [Ukraine] on", "GPE"),
    ("the talks, [Russia] and Ukraine held", "GPE"),
    ("the talks, Russia and [Ukraine] held", "GPE"),
    ("held their [first] large-scale", "ORDINAL"),
    ("exchange in [nearly five months]", "DATE"),
    ("returning [157] detainees", "CARDINAL"),
    ("detainees. [Zelenskyy] said the released", "PERSON"),
    ("talks in [the coming weeks]'", "DATE"),
    ("details. [Zelenskyy] said in his", "PERSON"),
    ("in his [Thursday evening] address", "TIME"),
    ("take place in [America].", "GPE"),
    ("\"[Today] I received", "DATE"),
    ("after [two days] of meetings", "DATE"),
    ("talks in the [United Arab Emirates] with", "GPE"),
    ("with the [American] side", "NORP"),
    ("and the [Russian] side", "NORP"),
    ("probably in the [United States],", "GPE"),
    ("States,\" [Zelenskyy] said.", "PERSON"),
    ("the [United Arab Emirates (UAE) Ministry of Foreign Affairs] welcomed", "ORG"),
    ("cooperation between [Russia] and Ukraine on", "GPE"),
    ("cooperation between Russia and [Ukraine] on", "GPE"),
    ("demonstrated the [UAE]'s role", "GPE"),
]

# --------------------------------------------------------------------------- quotes

WITKOFF = "envoy [Steve Witkoff] said"
ZELENSKYY_FULL = "President [Volodymyr Zelenskyy] said"
UMEROV = "Secretary [Rustem Umerov] said"
LAVROV_FULL = "Minister [Sergei Lavrov], in"
LAVROV = "at all,' [Lavrov] explained"
UAE_MINISTRY = "the [United Arab Emirates (UAE) Ministry of Foreign Affairs] welcomed"

QUOTES: list[dict[str, Any]] = [
    {"span": at("According to Ukraine, [the talks were conducted trilaterally before moving to group consultations]."),
     "kind": "indirect", "speaker": "According to [Ukraine], the", "cue": "[According to] Ukraine"},
    {"span": between("said [the delegations \"had extensive", "military activities\"], adding"),
     "kind": "mixed", "speaker": WITKOFF, "cue": "Witkoff [said] the delegations"},
    {"span": at("adding that [greater efforts would be required to advance a comprehensive settlement of the conflict]."),
     "kind": "indirect", "speaker": WITKOFF, "cue": "activities\", [adding] that"},
    {"span": between("Zelenskyy said [the talks in Abu Dhabi", "toward ending the conflict]."),
     "kind": "mixed", "speaker": ZELENSKYY_FULL, "cue": "Volodymyr Zelenskyy [said] the talks"},
    {"span": at("Umerov said [the Ukrainian delegation sought a \"dignified and lasting peace\"] without"),
     "kind": "mixed", "speaker": UMEROV, "cue": "Rustem Umerov [said] the Ukrainian"},
    {"span": at("accused [Europe of obstructing Russia-U.S. negotiations]."),
     "kind": "indirect", "speaker": LAVROV_FULL, "cue": "RT, [accused] Europe"},
    {"span": between("[\"All they are doing", "also joining them,\"] he said."),
     "kind": "direct", "speaker": LAVROV_FULL, "cue": "joining them,\" he [said]."},
    {"span": between("He also called [Europe's plan", "in Ukraine \"absurd.\"] \"Over"),
     "kind": "mixed", "speaker": LAVROV_FULL, "cue": "He also [called] Europe's"},
    {"span": between("[\"Over the past year", "did not react at all,']"),
     "kind": "direct", "speaker": LAVROV, "cue": "Lavrov [explained], adding"},
    {"span": at("adding that [Russia demands a 'neutral and benevolent Ukraine.\"]"),
     "kind": "mixed", "speaker": LAVROV, "cue": "explained, [adding] that Russia"},
    {"span": at("Zelenskyy said [the released detainees included both military personnel and civilians]."),
     "kind": "indirect", "speaker": "detainees. [Zelenskyy] said the released", "cue": "detainees. Zelenskyy [said] the released"},
    {"span": at("agreed to ['continue trilateral talks in the coming weeks'] without"),
     "kind": "direct", "speaker": None, "cue": None},
    {"span": at("address that [the next peace talks may take place in America]."),
     "kind": "indirect", "speaker": "details. [Zelenskyy] said in his", "cue": "details. Zelenskyy [said] in his"},
    {"span": between("[\"Today I received", "probably in the United States,\"] Zelenskyy said."),
     "kind": "direct", "speaker": "States,\" [Zelenskyy] said.", "cue": "States,\" Zelenskyy [said]."},
    {"span": at("noting that [it demonstrated the UAE's role as a reliable mediator in easing the crisis and promoting constructive dialogue]."),
     "kind": "indirect", "speaker": UAE_MINISTRY, "cue": "exchange, [noting] that"},
]

# --------------------------------------------------------------------------- events

RUSSIA_P1, UKRAINE_P1 = "talks between [Russia] and Ukraine concluded", "talks between Russia and [Ukraine] concluded"
ABU_DHABI_P1, THURSDAY = "concluded in [Abu Dhabi] on", "Abu Dhabi on [Thursday], with"
UAE_TALKS = [("Time", "after [two days] of meetings"), ("Place", "talks in the [United Arab Emirates] with"),
             ("Participant", "with the [American] side"), ("Participant", "and the [Russian] side")]

EVENTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Contact.Meet", "U.S.-brokered [talks] between",
     [("Participant", RUSSIA_P1), ("Participant", UKRAINE_P1), ("Place", ABU_DHABI_P1), ("Time", THURSDAY)]),
    ("Agreement.Reach", "both sides [agreeing] to",
     [("Party", RUSSIA_P1), ("Party", UKRAINE_P1), ("Place", ABU_DHABI_P1), ("Time", THURSDAY)]),
    ("Justice.PrisonerExchange", "large-scale prisoner [exchange] but", [("Party", RUSSIA_P1), ("Party", UKRAINE_P1)]),
    ("Conflict.Ceasefire", "arrangements and a [ceasefire].", []),
    ("Contact.Meet", "Ukraine, the [talks] were conducted", []),
    ("Contact.Meet", "group [consultations].", []),
    ("Contact.Meet", "had extensive [discussions] on", []),
    ("Conflict.Ceasefire", "implement a [ceasefire] and", []),
    ("Conflict.Ceasefire", "the [cessation] of military", []),
    ("Agreement.Reach", "comprehensive [settlement] of", []),
    ("Contact.Meet", "said the [talks] in Abu Dhabi", [("Place", "the talks in [Abu Dhabi] \"have")]),
    ("Contact.Statement", "in an [interview] with",
     [("Speaker", LAVROV_FULL), ("Addressee", "news agency [RT], accused")]),
    ("Contact.Meet", "Russia-U.S. [negotiations].",
     [("Participant", "obstructing [Russia]-U.S."), ("Participant", "Russia-[U.S.] negotiations")]),
    ("Contact.Meet", "obstructing the [negotiations] started", [("Participant", "us and the [Americans], and")]),
    ("Agreement.Reach", "peace [agreements] in", [("Place", "peace agreements in [Ukraine] \"absurd")]),
    ("Conflict.Ceasefire", "an immediate [ceasefire] and", []),
    ("Conflict.Ceasefire", "that any [ceasefire] would", []),
    ("Contact.Meet", "The [talks] ended", []),
    ("Contact.Statement", "or security [statement],", []),
    ("Conflict.Ceasefire", "disputes, [ceasefire] arrangements", []),
    ("Contact.Meet", "Following the [talks], Russia", []),
    ("Justice.PrisonerExchange", "large-scale prisoner [exchange] in nearly",
     [("Party", "the talks, [Russia] and Ukraine held"), ("Party", "the talks, Russia and [Ukraine] held")]),
    ("Justice.PrisonerExchange", "the [released] detainees", []),
    ("Contact.Meet", "During the [summit],", []),
    ("Agreement.Reach", "reportedly [agreed] to", []),
    ("Contact.Meet", "continue trilateral [talks] in the", [("Time", "talks in [the coming weeks]'")]),
    ("Contact.Statement", "Thursday evening [address] that",
     [("Speaker", "details. [Zelenskyy] said in his"), ("Time", "in his [Thursday evening] address")]),
    ("Contact.Meet", "next peace [talks] may", [("Place", "take place in [America].")]),
    ("Contact.Statement", "received a [report] from", [("Time", "\"[Today] I received")]),
    ("Contact.Meet", "two days of [meetings] and talks", UAE_TALKS),
    ("Contact.Meet", "meetings and [talks] in the United", UAE_TALKS),
    ("Contact.Meet", "further [meetings] are planned", [("Place", "probably in the [United States],")]),
    ("Contact.Statement", "In a [statement] issued", [("Speaker", UAE_MINISTRY)]),
    ("Justice.PrisonerExchange", "on the prisoner [exchange], noting",
     [("Party", "cooperation between [Russia] and Ukraine on"), ("Party", "cooperation between Russia and [Ukraine] on")]),
]


def build() -> dict[str, Any]:
    """The gold record, checked against the guidelines' structural rules."""
    schema = load_schema("news")
    entities = [dict(at(piece), label=label) for piece, label in ENTITIES]
    entities.sort(key=lambda e: e["start"])
    for a, b in zip(entities, entities[1:]):
        assert a["end"] <= b["start"], f"entities overlap: {a} {b}"
    for entity in entities:
        assert entity["label"] in schema.entity_labels, entity
    entity_spans = {(e["start"], e["end"]): e["label"] for e in entities}

    quotes = []
    for q in QUOTES:
        speaker = at(q["speaker"]) if q["speaker"] else None
        cue = at(q["cue"]) if q["cue"] else None
        if speaker is not None:
            assert (speaker["start"], speaker["end"]) in entity_spans, f"speaker is not an entity mention: {speaker}"
        quotes.append(dict(q["span"], kind=q["kind"], speaker=speaker, cue=cue))
    quotes.sort(key=lambda q: q["start"])
    for a, b in zip(quotes, quotes[1:]):
        assert a["end"] <= b["start"], f"quotes overlap: {a['text'][:30]} / {b['text'][:30]}"

    events = []
    for event_type, trigger, arguments in EVENTS:
        roles = schema.roles_of(event_type)
        args = []
        for role, piece in arguments:
            assert role in roles, (event_type, role)
            argument = at(piece)
            assert (argument["start"], argument["end"]) in entity_spans, f"argument is not an entity mention: {argument}"
            args.append(dict(argument, role=role))
        args.sort(key=lambda a: (a["start"], a["role"]))
        events.append({"type": event_type, "trigger": at(trigger), "arguments": args})
    events.sort(key=lambda e: e["trigger"]["start"])

    record = {
        "id": DOC_ID,
        "text": TEXT,
        "entities": entities,
        "quotes": quotes,
        "events": events,
        "task_id": None,
        "annotation_id": None,
        "annotator": "annotate maintainers (corpora/gold/build_news.py, by schemas/GUIDELINES.md)",
        "origin": "ground_truth",
        "created_at": None,
        "updated_at": None,
        "lead_time": None,
    }
    return check_record(record, "gold record")


def main() -> None:
    record = build()
    OUT.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(record['entities'])} entities, {len(record['quotes'])} quotes, "
          f"{len(record['events'])} events")


if __name__ == "__main__":
    main()
