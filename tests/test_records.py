"""Label Studio tasks → records: regions, relations, per-region choices, gold rule, accounting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotate.convert import ConversionStats, iter_conversion, iter_export_records
from annotate.errors import ConversionError
from annotate.records import annotation_to_record, pick_gold, task_to_conversions
from annotate.schema import load_schema
from export_builders import entity, kind, region, relation, utf16

NEWS = load_schema("news")

T1 = '😀 Zelenskyy said "we will win" in  Kyiv 🎉 today.'
T3 = "Mr. Bob 🙂 met Alice."
T5 = 'Apple 😀 boss Tim said "hello" in Paris.'


def tricky_export() -> list[dict[str, Any]]:
    """The hand-made export whose accounting `test_tricky_export_accounting` works out by hand."""
    q = T1.index('"we')
    quote_end = T1.index("in ") - 1
    said = T1.index("said")
    today = T1.index("today")
    a = [  # annotation 101 by a@x, the latest: the gold one of task 1
        entity("r1", "PERSON", T1, "Zelenskyy"),                                  # code points
        entity("r2", "GPE", T1, "Kyiv", utf16_offsets=True),                     # UTF-16 (the emoji before it)
        region("r3", "entity", "DATE", T1, today - 1, today + 5),                 # " today" -> trimmed to "today"
        region("r4", "entity", "ORG", T1, T1.index("Zelenskyy"), said + 4),      # "Zelenskyy said": overlaps r1
        region("r5", "quote", "QUOTE", T1, q, quote_end), kind("r5", "direct"),
        region("r6", "quote", "SPEAKER", T1, T1.index("Zelenskyy"), T1.index("Zelenskyy") + 9),
        region("r7", "quote", "CUE", T1, said, said + 4),
        relation("r5", "r6", "speaker"),
        relation("r5", "r7"),                                                      # no label: inferred "cue"
        relation("r5", "gone", "speaker"),                                         # to a missing region
        entity("r8", "ALIEN", T1, "today"),                                        # unknown label
        region("r9", "trigger", "Contact.Statement", T1, said, said + 4),
        relation("r9", "r1", "Speaker"),                                           # an entity as argument (news)
        region("r10", "argument", "ARGUMENT", T1, T1.index("Kyiv"), T1.index("Kyiv") + 4),
        relation("r9", "r10", "Place"),
    ]
    return [
        {"id": 1, "data": {"text": T1, "doc_id": "doc-1"},
         "annotations": [
             {"id": 101, "completed_by": {"id": 1, "email": "a@x"}, "result": a, "was_cancelled": False,
              "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-03T00:00:00Z", "lead_time": 12.5},
             {"id": 102, "completed_by": {"id": 2, "email": "b@x"}, "result": [entity("b1", "PERSON", T1, "Zelenskyy")],
              "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"},
             {"id": 103, "completed_by": 3, "result": [], "was_cancelled": True,
              "created_at": "2024-01-04T00:00:00Z", "updated_at": "2024-01-04T00:00:00Z"},
         ],
         "predictions": [{"id": 7, "model_version": "m1", "result": [entity("p1", "GPE", T1, "Kyiv")]}]},
        {"id": 2, "data": {"text": "No annotations here.", "doc_id": "doc-2"}, "annotations": [], "predictions": []},
        {"id": 3, "data": {"text": T3, "doc_id": "doc-3"},
         "annotations": [
             {"id": 301, "completed_by": {"id": 4, "email": "lead@x"}, "ground_truth": True,
              "result": [entity("g1", "PERSON", T3, "Alice", utf16_offsets=True)],
              "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"},
             {"id": 302, "completed_by": {"id": 2, "email": "b@x"}, "result": [entity("n1", "PERSON", T3, "Bob")],
              "created_at": "2024-02-01T00:00:00Z", "updated_at": "2024-02-01T00:00:00Z"},
         ]},
        {"id": 4, "data": {"text": "Bob.", "doc_id": "doc-4"},
         "annotations": [{"id": 402, "completed_by": 5, "result": []}],
         "drafts": [{"id": 401, "user": "c@x", "result": [entity("d1", "PERSON", "Bob.", "Bob")]}]},
    ]


def labelled(item: dict[str, Any], *labels: Any) -> dict[str, Any]:
    """`item` (a `labels` region) with `value.labels` set to `labels` (Labels with choice="multiple", or hand-edited)."""
    return {**item, "value": {**item["value"], "labels": list(labels)}}


def multi_label_export() -> list[dict[str, Any]]:
    """One task whose regions carry several labels; `test_multi_label_accounting` works out its accounting by hand."""
    said, hello = T5.index("said"), T5.index('"hello"')
    result = [
        labelled(entity("e1", "GPE", T5, "Paris", utf16_offsets=True), "GPE", "LOC"),      # split: GPE and LOC
        labelled(entity("e2", "PERSON", T5, "Tim"), "PERSON", "ALIEN"),                   # split: PERSON; ALIEN rejected
        labelled(entity("e3", "ORG", T5, "Apple"), "ORG", "ORG"),                         # split: ORG; the second ORG rejected
        labelled(region("q1", "quote", "QUOTE", T5, hello, hello + 7), "QUOTE", "BOGUS"),  # split: QUOTE; BOGUS rejected
        kind("q1", "direct"),                                                             # attaches to q1's QUOTE
        labelled(region("s1", "quote", "SPEAKER", T5, T5.index("Tim"), T5.index("Tim") + 3), "SPEAKER", "QUOTE"),  # rejected whole
        region("s2", "quote", "SPEAKER", T5, T5.index("Tim"), T5.index("Tim") + 3),
        region("c1", "quote", "CUE", T5, said, said + 4),
        relation("q1", "s2", "speaker"),
        relation("q1", "c1", "cue"),
        relation("q1", "s1", "speaker"),                                                  # to the rejected s1
        labelled(region("t1", "trigger", "Contact.Statement", T5, said, said + 4), "Contact.Statement", "Contact.Meet"),  # rejected whole
        region("t2", "trigger", "Contact.Statement", T5, said, said + 4),
        relation("t2", "e2", "Speaker"),                                                  # to a split region: once
        relation("t2", "e1", "Place"),                                                    # to a split region: once
    ]
    return [{"id": 5, "data": {"text": T5, "doc_id": "doc-5"},
             "annotations": [{"id": 501, "completed_by": {"id": 1, "email": "a@x"}, "result": result}]}]


def convert(tasks: list[dict[str, Any]], **kw: Any) -> tuple[list[Any], ConversionStats]:
    stats = ConversionStats()
    outputs = list(iter_conversion(((f"t{i}", t) for i, t in enumerate(tasks)), schema=NEWS, stats=stats, **kw))
    stats.check()
    return outputs, stats


def test_tricky_export_accounting() -> None:
    outputs, stats = convert(tricky_export())
    c = stats.as_dict()
    # tasks: 4 in = 3 with a record (1, 3, 4) + 1 without (task 2 has no annotations)
    assert c["tasks"] == {"in": 4, "with_record": 3, "without_record": {"no annotations": 1}}
    # annotations: 101, 102, 103, 302, 402 are annotations (5); 301 is ground truth (1); 1 prediction; 1 draft = 8
    assert c["annotations"]["in"] == {"annotation": 5, "ground_truth": 1, "prediction": 1, "draft": 1}
    # out: records 101 (gold of 1), 301 (ground truth beats the later 302), 402 (empty but submitted) = 3;
    # alternates 102, 302 = 2; predictions 1; drafts 1; rejected: 103 cancelled = 1.  3 + 2 + 1 + 1 + 1 = 8
    assert c["annotations"]["out"] == {"records": 3, "alternates": 2, "predictions": 1, "drafts": 1}
    assert c["annotations"]["rejected"] == {"cancelled": 1}
    # regions: 101 has r1..r10 = 10; 102, 7, 301, 302, 401 one each = 5; 103 and 402 none.  15 in
    #   = 14 out + 1 rejected (r8: unknown label) + 0 set aside (the cancelled one had an empty result)
    assert c["items"]["regions"] == {"in": 15, "split": 0, "out": 14, "rejected": 1, "set_aside": 0}
    # relations: 5 in 101 = 4 out + 1 rejected (r5 -> "gone")
    assert c["items"]["relations"] == {"in": 5, "out": 4, "rejected": 1, "set_aside": 0}
    assert c["items"]["choices"] == {"in": 1, "out": 1, "rejected": 0, "set_aside": 0}
    assert c["rejects"] == {"item": {"unknown label": 1, "relation to a missing region": 1},
                            "annotation": {"cancelled": 1}, "task": {"no annotations": 1}}
    # spans out: 101 gives 4 entities + quote, speaker, cue (3) + trigger and 2 arguments (3) = 10;
    # 102, 7, 301, 302, 401 give 1 each = 5.  15.  In records.jsonl: 101's 10 + 301's 1 = 11.
    assert c["spans_out"] == 15
    assert c["record_spans"] == {"entities": 5, "quotes": 1, "events": 1, "arguments": 2}
    # r3 trimmed; r2 (task 1) and g1 (task 3) in UTF-16; r6 needed "cue" inferred
    assert c["repairs"] == {"trimmed": 1, "relation_label_inferred": 1}
    assert c["offsets"] == {"codepoint": 12, "utf16": 2}
    # rejects.jsonl: 2 items + 1 annotation + 1 task = 4 lines
    rejects = [o.reject for o in outputs if o.reject is not None]
    assert len(rejects) == 4
    assert {(r.level, r.reason, r.task_id, r.annotation_id) for r in rejects} == {
        ("item", "unknown label", 1, 101), ("item", "relation to a missing region", 1, 101),
        ("annotation", "cancelled", 1, 103), ("task", "no annotations", 2, None)}


def test_tricky_export_records() -> None:
    outputs, _ = convert(tricky_export())
    records = {o.record["annotation_id"]: o.record for o in outputs if o.destination == "records"}
    assert sorted(records) == [101, 301, 402]
    gold = records[101]
    assert [(e["text"], e["label"]) for e in gold["entities"]] == [
        ("Zelenskyy", "PERSON"), ("Zelenskyy said", "ORG"), ("Kyiv", "GPE"), ("today", "DATE")]
    kyiv = gold["entities"][2]
    assert (kyiv["start"], kyiv["end"]) == (T1.index("Kyiv"), T1.index("Kyiv") + 4)
    assert gold["quotes"] == [{"start": T1.index('"we'), "end": T1.index('win"') + 4, "text": '"we will win"', "kind": "direct",
                               "speaker": {"start": 2, "end": 11, "text": "Zelenskyy"},
                               "cue": {"start": 12, "end": 16, "text": "said"}}]
    assert gold["events"] == [{"type": "Contact.Statement", "trigger": {"start": 12, "end": 16, "text": "said"},
                               "arguments": [{"start": 2, "end": 11, "text": "Zelenskyy", "role": "Speaker"},
                                             {"start": T1.index("Kyiv"), "end": T1.index("Kyiv") + 4, "text": "Kyiv", "role": "Place"}]}]
    assert (gold["annotator"], gold["origin"], gold["lead_time"], gold["updated_at"]) == ("a@x", "annotation", 12.5, "2024-01-03T00:00:00Z")
    assert records[301]["origin"] == "ground_truth" and records[301]["entities"][0]["text"] == "Alice"
    assert records[402]["entities"] == [] and records[402]["annotator"] == "5"
    preds = [o.record for o in outputs if o.destination == "predictions"]
    assert preds[0]["annotator"] == "m1" and preds[0]["origin"] == "prediction"
    drafts = [o.record for o in outputs if o.destination == "drafts"]
    assert drafts[0]["annotator"] == "c@x"
    for record in records.values():  # the contract, on the output
        for span in record["entities"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]


def test_all_annotations_keeps_one_row_per_usable_annotation() -> None:
    outputs, stats = convert(tricky_export(), all_annotations=True)
    rows = [(o.record["task_id"], o.record["annotation_id"], o.record["annotator"]) for o in outputs if o.destination == "records"]
    assert rows == [(1, 101, "a@x"), (1, 102, "b@x"), (3, 301, "lead@x"), (3, 302, "b@x"), (4, 402, "5")]
    assert stats.annotations_out["alternates"] == 0


@pytest.mark.parametrize("rule, expected", [("latest", 102), ("earliest", 101), ("most-regions", 101), ("ground-truth-only", None)])
def test_gold_rules(rule: str, expected: int | None) -> None:
    text = "Ann met Bob."
    task = {"id": 9, "data": {"text": text}, "annotations": [
        {"id": 101, "result": [entity("a", "PERSON", text, "Ann"), entity("b", "PERSON", text, "Bob")],
         "created_at": "2024-01-01", "updated_at": "2024-01-01"},
        {"id": 102, "result": [entity("a", "PERSON", text, "Ann")], "created_at": "2024-01-02", "updated_at": "2024-01-05"},
        {"id": 103, "result": [], "was_cancelled": True, "created_at": "2024-01-09", "updated_at": "2024-01-09"},
    ]}
    gold = pick_gold(task_to_conversions(task, schema=NEWS, where="t").conversions, rule)
    assert (gold.annotation_id if gold else None) == expected


def test_ground_truth_comes_first_under_every_rule() -> None:
    text = "Ann met Bob."
    task = {"id": 9, "data": {"text": text}, "annotations": [
        {"id": 1, "ground_truth": True, "result": [], "updated_at": "2020-01-01"},
        {"id": 2, "result": [entity("a", "PERSON", text, "Ann")], "updated_at": "2024-01-01"},
    ]}
    conversions = task_to_conversions(task, schema=NEWS, where="t").conversions
    for rule in ("latest", "earliest", "most-regions", "ground-truth-only"):
        assert pick_gold(conversions, rule).annotation_id == 1  # type: ignore[union-attr]


def convert_one(text: str, result: list[Any], schema: str = "news") -> Any:
    return annotation_to_record({"id": 1, "result": result}, origin="annotation", text=text, doc_id="d", task_id=1,
                                schema=load_schema(schema))


def test_relation_drawn_backwards_is_repaired_and_counted() -> None:
    text = "Bob said it."
    conv = convert_one(text, [region("q", "quote", "QUOTE", text, 9, 11), region("s", "quote", "SPEAKER", text, 0, 3),
                              relation("s", "q", "speaker")])
    assert conv.record["quotes"][0]["speaker"]["text"] == "Bob"
    assert conv.counts["repaired:relation_reversed"] == 1


def test_direction_left_reads_to_to_from() -> None:
    text = "Bob said it."
    conv = convert_one(text, [region("q", "quote", "QUOTE", text, 9, 11), region("c", "quote", "CUE", text, 4, 8),
                              relation("c", "q", "cue", direction="left")])
    assert conv.record["quotes"][0]["cue"]["text"] == "said"
    assert conv.counts["repaired:relation_reversed"] == 0


@pytest.mark.parametrize("items, reason", [
    ([kind("nope", "direct")], "choice for a missing region"),
    ([entity("e", "PERSON", "Bob said.", "Bob"), kind("e", "direct")], "kind on a region that is not a quote"),
    ([region("q", "quote", "QUOTE", "Bob said.", 4, 8), kind("q", "sarcastic")], "unknown choice"),
    ([region("s", "quote", "SPEAKER", "Bob said.", 0, 3)], "unlinked region"),
    ([region("t", "trigger", "Conflict.Attack", "Bob said.", 4, 8), entity("e", "PERSON", "Bob said.", "Bob"),
      relation("t", "e", "Speaker")], "relation does not fit the schema"),  # Speaker is no role of Conflict.Attack
    ([{"id": "x", "from_name": "entity", "type": "labels", "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PERSON"]}}],
     "offsets do not match the text"),
    ([{"id": "x", "from_name": "entity", "type": "labels", "value": {"start": 3, "end": 4, "text": " ", "labels": ["PERSON"]}}],
     "region is only white space"),
    ([{"id": "x", "from_name": "sentiment", "type": "labels", "value": {"start": 0, "end": 3, "text": "Bob", "labels": ["PERSON"]}}],
     "unknown control"),
    ([{"id": "x", "from_name": "entity", "type": "textarea", "value": {"text": ["hi"]}}], "unsupported result item"),
])
def test_rejects_with_reason(items: list[Any], reason: str) -> None:
    conv = convert_one("Bob said.", items)
    assert reason in [r.reason for r in conv.rejects]
    conv.check()


def test_relocation_only_when_unambiguous() -> None:
    text = "Ann met Bob and Bob met Ann."
    moved = convert_one(text, [{"id": "x", "from_name": "entity", "type": "labels",
                               "value": {"start": 0, "end": 3, "text": "met Bob and", "labels": ["PERSON"]}}])
    assert moved.record["entities"][0]["start"] == 4 and moved.counts["repaired:relocated"] == 1
    twice = convert_one(text, [{"id": "x", "from_name": "entity", "type": "labels",
                               "value": {"start": 0, "end": 2, "text": "Bob", "labels": ["PERSON"]}}])
    assert twice.record["entities"] == [] and twice.rejects[0].reason == "offsets do not match the text"


def test_ambiguous_offsets_decided_by_the_other_regions() -> None:
    text = "😀aa 😀 Bob"
    # "a" at UTF-16 [2, 3) is code point [1, 2); read as code points [2, 3) it is also "a".
    alone = convert_one(text, [region("a", "entity", "PERSON", text, 1, 2, utf16_offsets=True)])
    assert alone.record["entities"][0]["start"] == 2  # nothing decides: code points, counted
    assert alone.counts["offsets:ambiguous_read_as_codepoint"] == 1
    helped = convert_one(text, [region("a", "entity", "PERSON", text, 1, 2, utf16_offsets=True),
                                entity("b", "PERSON", text, "Bob", utf16_offsets=True)])
    assert [e["start"] for e in helped.record["entities"]] == [1, text.index("Bob")]
    assert utf16(text, text.index("Bob")) == text.index("Bob") + 2


def test_labels_come_from_the_schema_inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "labels.json").read_text())
    inventory["entities"]["labels"].append({"value": "WEAPON"})
    (tmp_path / "labels.json").write_text(json.dumps(inventory))
    monkeypatch.setenv("ANNOTATE_SCHEMAS", str(tmp_path))
    conv = convert_one("A rifle.", [entity("w", "WEAPON", "A rifle.", "rifle")])
    assert conv.record["entities"][0]["label"] == "WEAPON"
    monkeypatch.delenv("ANNOTATE_SCHEMAS")
    assert convert_one("A rifle.", [entity("w", "WEAPON", "A rifle.", "rifle")]).rejects[0].reason == "unknown label"


def test_entities_schema_rejects_quote_controls() -> None:
    conv = convert_one("Bob said.", [region("q", "quote", "QUOTE", "Bob said.", 4, 8)], schema="entities")
    assert conv.rejects[0].reason == "unknown control"


def test_prediction_listed_by_id_only_is_rejected_with_reason() -> None:
    task = {"id": 5, "data": {"text": "x"}, "predictions": [17]}
    outputs, stats = convert([task])
    assert stats.annotations_rejected == {"prediction without result": 1}


@pytest.mark.parametrize("task, message", [
    ({"id": 3, "data": {"title": "x"}}, "t0 (task 3): no string data.text"),
    ({"id": 3}, "t0 (task 3): no string data.text (no data)"),
    (["not", "a", "task"], "t0: a task must be a JSON object"),
    ({"id": 3, "data": {"text": "x"}, "annotations": {"id": 1}}, "annotations must be a list"),
])
def test_malformed_task_is_one_line_error(task: Any, message: str) -> None:
    with pytest.raises(ConversionError) as info:
        convert([task])
    assert message in str(info.value) and "\n" not in str(info.value)


def test_iter_export_records_streams_gold(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tricky_export()), encoding="utf-8")
    assert [r["annotation_id"] for r in iter_export_records(path)] == [101, 301, 402]
    assert [r["annotator"] for r in iter_export_records(path, all_annotations=True)] == ["a@x", "b@x", "lead@x", "b@x", "5"]


def test_multi_label_accounting() -> None:
    outputs, stats = convert(multi_label_export())
    c = stats.as_dict()
    # regions: e1 e2 e3 q1 s1 s2 c1 t1 t2 = 9 in.  Split: e1 (2 labels), e2 (2), e3 (2), q1 (2) give 1 extra unit each = 4;
    #   s1 (SPEAKER + QUOTE) and t1 (two event types) are not split: they are rejected whole.  9 + 4 = 13 units
    #   = 8 out (e1 GPE, e1 LOC, e2 PERSON, e3 ORG, q1 QUOTE, s2, c1, t2)
    #   + 5 rejected (e2 ALIEN, q1 BOGUS: unknown label; e3's second ORG: duplicate label; s1; t1) + 0 set aside
    assert c["items"]["regions"] == {"in": 9, "split": 4, "out": 8, "rejected": 5, "set_aside": 0}
    assert 9 + 4 == 8 + 5 + 0
    # relations: 5 in = 4 out + 1 rejected (q1 -> s1, s1 rejected); the kind choice on q1 goes out
    assert c["items"]["relations"] == {"in": 5, "out": 4, "rejected": 1, "set_aside": 0}
    assert c["items"]["choices"] == {"in": 1, "out": 1, "rejected": 0, "set_aside": 0}
    assert c["rejects"]["item"] == {"unknown label": 2, "duplicate label": 1, "quote part with several labels": 1,
                                    "trigger with several event types": 1, "relation to a rejected region": 1}
    # spans out: 4 entities (Paris twice, Tim, Apple) + quote, speaker, cue (3) + trigger and 2 arguments (3) = 10
    assert c["spans_out"] == 10
    assert c["record_spans"] == {"entities": 4, "quotes": 1, "events": 1, "arguments": 2}
    # offsets: one per region placed, not one per label: 7 placed (9 less s1 and t1) = e1 in UTF-16 + 6 in code points
    assert c["offsets"] == {"codepoint": 6, "utf16": 1}


def test_multi_label_records_and_reasons() -> None:
    outputs, _ = convert(multi_label_export())
    record = next(o.record for o in outputs if o.destination == "records")
    paris, tim = T5.index("Paris"), T5.index("Tim")
    assert [(e["text"], e["label"]) for e in record["entities"]] == [("Apple", "ORG"), ("Tim", "PERSON"), ("Paris", "GPE"), ("Paris", "LOC")]
    assert record["entities"][2]["start"] == record["entities"][3]["start"] == paris  # UTF-16 read once for both
    assert [(q["text"], q["kind"], q["speaker"]["text"], q["cue"]["text"]) for q in record["quotes"]] == [('"hello"', "direct", "Tim", "said")]
    assert record["events"] == [{"type": "Contact.Statement", "trigger": {"start": T5.index("said"), "end": T5.index("said") + 4, "text": "said"},
                                 "arguments": [{"start": tim, "end": tim + 3, "text": "Tim", "role": "Speaker"},
                                               {"start": paris, "end": paris + 5, "text": "Paris", "role": "Place"}]}]
    details = {(r.reason, r.item.get("id")): r.detail for o in outputs if (r := o.reject) is not None}
    assert details[("quote part with several labels", "s1")].startswith("task 5, region 's1': labels ['SPEAKER', 'QUOTE']")
    assert details[("trigger with several event types", "t1")].startswith("task 5, region 't1': labels ['Contact.Statement', 'Contact.Meet']")
    assert "is not a label of control 'entity'" in details[("unknown label", "e2")]
    assert "ALIEN" in details[("unknown label", "e2")] and "BOGUS" in details[("unknown label", "q1")]
    assert details[("duplicate label", "e3")] == "task 5, region 'e3': labels ['ORG', 'ORG']: ORG is given twice"


def test_multi_label_region_with_bad_offsets_rejects_each_unit() -> None:
    item = labelled({"id": "x", "from_name": "entity", "type": "labels", "value": {"start": 0, "end": 3, "text": "Zed"}}, "PERSON", "ORG")
    conv = convert_one("Bob said.", [item])
    # 1 in + 1 split = 0 out + 2 rejected (one per label, both "offsets do not match the text")
    assert (conv.counts["regions_in"], conv.counts["regions_split"], conv.counts["regions_rejected"]) == (1, 1, 2)
    assert [r.reason for r in conv.rejects] == ["offsets do not match the text"] * 2
    conv.check()
