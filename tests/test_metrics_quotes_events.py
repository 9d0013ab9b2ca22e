"""Quote and event measures: hand-worked examples with the arithmetic written out."""

from __future__ import annotations

import pytest

from annotate.metrics.events import score_events
from annotate.metrics.quotes import score_quotes


def q(start: int, end: int, kind: str | None = "direct", speaker: tuple[int, int] | None = None, cue: tuple[int, int] | None = None) -> dict:
    return {
        "start": start, "end": end, "kind": kind,
        "speaker": None if speaker is None else {"start": speaker[0], "end": speaker[1]},
        "cue": None if cue is None else {"start": cue[0], "end": cue[1]},
    }


def test_quotes_hand_worked() -> None:
    """Gold: Q1 [0,20) direct, speaker [30,35), cue [25,29); Q2 [40,60) indirect, speaker [60,65).
    Pred: P1 [0,20) direct, speaker [30,33) (overlaps), cue [25,29);
          P2 [45,58) indirect, speaker [70,75) (wrong); P3 [80,90) direct (spurious).

    content_exact:   correct 1 (P1), actual 3, possible 2 -> P 1/3, R 1/2, F1 0.4
    content_overlap: correct 2 (P1, P2) -> P 2/3, R 1, F1 0.8
    speaker accuracy over matched: P1 right, P2 wrong -> 1/2
    speaker_e2e:     correct 1 -> P 1/3, R 1/2, F1 0.4
    cue_exact:       gold 1, pred 1, correct 1 -> F1 1
    by kind, content_overlap: direct gold 1, pred 2 (P1, P3), correct 1 -> P 0.5, R 1, F1 0.6667
    """
    gold = [{"quotes": [q(0, 20, "direct", (30, 35), (25, 29)), q(40, 60, "indirect", (60, 65))]}]
    pred = [{"quotes": [q(0, 20, "direct", (30, 33), (25, 29)), q(45, 58, "indirect", (70, 75)), q(80, 90, "direct")]}]
    s = score_quotes(gold, pred)
    assert s.measures["content_exact"].block.micro.f1 == pytest.approx(0.4)
    assert s.measures["content_overlap"].block.micro.f1 == pytest.approx(0.8)
    assert s.speaker_accuracy.accuracy == 0.5
    assert s.measures["speaker_e2e"].block.micro.f1 == pytest.approx(0.4)
    assert s.measures["cue_exact"].block.micro.f1 == 1.0
    assert s.measures["content_overlap"].block.per_label["direct"].f1 == pytest.approx(2 / 3)
    assert s.speaker_accuracy_by_kind["indirect"].accuracy == 0.0


def test_events_hand_worked() -> None:
    """Gold: Attack trigger [10,15) args Target [0,5), Place [20,26); Meet trigger [30,34) arg Entity [0,5).
    Pred: Attack trigger [10,15) args Target [0,5), Place [40,46) (wrong);
          Meet trigger [35,40) (wrong offsets) arg Entity [0,5).

    trigger_identification: gold 2, pred 2, correct 1 -> F1 0.5
    trigger_classification: same, 0.5
    argument_classification: gold {(Attack,0,5,Target), (Attack,20,26,Place), (Meet,0,5,Entity)};
        pred {(Attack,0,5,Target), (Attack,40,46,Place), (Meet,0,5,Entity)} -> correct 2 of 3: F1 2/3
    argument_classification_attached: Meet's argument hangs on the wrong trigger -> correct 1: F1 1/3
    """
    def ev(t: str, trig: tuple[int, int], args: list[tuple[str, int, int]]) -> dict:
        return {"type": t, "trigger": {"start": trig[0], "end": trig[1]}, "arguments": [{"role": r, "start": s, "end": e} for r, s, e in args]}

    gold = [{"events": [ev("Attack", (10, 15), [("Target", 0, 5), ("Place", 20, 26)]), ev("Meet", (30, 34), [("Entity", 0, 5)])]}]
    pred = [{"events": [ev("Attack", (10, 15), [("Target", 0, 5), ("Place", 40, 46)]), ev("Meet", (35, 40), [("Entity", 0, 5)])]}]
    s = score_events(gold, pred)
    assert s["trigger_identification"].block.micro.f1 == 0.5
    assert s["trigger_classification"].block.micro.f1 == 0.5
    assert s["argument_classification"].block.micro.f1 == pytest.approx(2 / 3)
    assert s["argument_classification_attached"].block.micro.f1 == pytest.approx(1 / 3)
    assert s["argument_classification"].block.per_label["Meet"].f1 == 1.0
    assert s["trigger_identification"].block.per_label == {}


def test_events_undefined_when_nothing_on_either_side() -> None:
    s = score_events([{"events": []}], [{"events": []}])
    assert s["trigger_classification"].block.micro.f1 is None


def test_speaker_as_any_mention_of_the_gold_cluster() -> None:
    """Offsets only (no text needed): Merkel ... the chancellor ... Scholz.
    Gold mentions: Merkel [0,13) cluster m, "the chancellor" [38,52) cluster m (the speaker of Q1),
    Scholz [62,68) no cluster (speaker of Q2).
    Gold: Q1 [23,33) speaker [38,52) cluster m; Q2 [55,60) speaker [62,68) (no cluster).
    Pred: P1 [23,33) speaker [0,6) "Angela": no overlap with the gold speaker, but overlaps the
          mention [0,13) of cluster m -> right;
          P2 [55,60) speaker [0,6): the gold speaker has no cluster, no overlap -> wrong.

    speaker accuracy: 1 right of 2 matched -> 0.5   (without the cluster: 0 of 2)
    speaker_e2e: correct 1 (P1), incorrect 1 (P2): P 1/2, R 1/2, F1 0.5
    """
    gold = [{
        "entities": [{"start": 0, "end": 13, "label": "PER", "cluster": "m"}, {"start": 62, "end": 68, "label": "PER"}],
        "quotes": [
            {**q(23, 33, "direct"), "speaker": {"start": 38, "end": 52, "cluster": "m"}},
            q(55, 60, "direct", (62, 68)),
        ],
    }]
    pred = [{"quotes": [q(23, 33, "direct", (0, 6)), q(55, 60, "direct", (0, 6))]}]
    s = score_quotes(gold, pred)
    assert (s.speaker_accuracy.correct, s.speaker_accuracy.total) == (1, 2)
    e2e = s.measures["speaker_e2e"].block.micro
    assert (e2e.counts.correct, e2e.counts.incorrect) == (1, 1)
    assert e2e.f1 == pytest.approx(0.5)
    # the same records without the links: the cluster is what made P1 right
    for mention in gold[0]["entities"]:
        mention.pop("cluster", None)
    gold[0]["quotes"][0]["speaker"].pop("cluster")
    assert score_quotes(gold, pred).speaker_accuracy.correct == 0


def test_record_cluster_field_is_optional_and_checked() -> None:
    from annotate.errors import InputError
    from annotate.recordio import check_record

    text = "Merkel said it. She left."
    plain = {"id": "a", "text": text, "entities": [{"start": 0, "end": 6, "label": "PER", "text": "Merkel"}]}
    assert check_record(plain, "x")["entities"][0].get("cluster") is None  # old records stay valid
    linked = {
        "id": "b", "text": text,
        "entities": [{"start": 0, "end": 6, "label": "PER", "text": "Merkel", "cluster": "e1"}],
        "quotes": [{"start": 7, "end": 14, "text": "said it", "kind": "indirect",
                    "speaker": {"start": 16, "end": 19, "text": "She", "cluster": "e1"}, "cue": None}],
    }
    check_record(linked, "x")
    linked["entities"][0]["cluster"] = 7
    with pytest.raises(InputError, match="cluster"):
        check_record(linked, "x")


def test_record_schema_accepts_the_cluster_link() -> None:
    import json
    from pathlib import Path

    import jsonschema

    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "record.schema.json").read_text())
    record = {
        "id": "b", "text": "Merkel said it. She left.",
        "entities": [{"start": 0, "end": 6, "label": "PER", "text": "Merkel", "cluster": "e1"}],
        "quotes": [{"start": 7, "end": 14, "text": "said it", "kind": "indirect",
                    "speaker": {"start": 16, "end": 19, "text": "She", "cluster": "e1"}, "cue": None}],
        "events": [],
    }
    jsonschema.validate(record, schema)
    record["quotes"][0]["speaker"]["cluster"] = ""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, schema)
