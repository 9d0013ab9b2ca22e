"""convert_export → DatasetDict on disk: declared features, splits, card, export formats, re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from annotate.convert import convert_export, parse_split, split_of
from annotate.dataset import features_for, iter_dataset_records, ner_tag_names
from annotate.errors import InputError
from annotate.exporters import export_dataset
from annotate.recordio import read_records
from annotate.schema import load_schema
from test_records import T1, tricky_export

NEWS = load_schema("news")


@pytest.fixture()
def converted(tmp_path: Path) -> Path:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tricky_export(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "ds"
    convert_export(export, out, schema="news")
    return out


def test_load_from_disk_gives_the_declared_features(converted: Path) -> None:
    ds = datasets.load_from_disk(str(converted))
    assert list(ds) == ["train"]
    assert ds["train"].features == features_for(NEWS)
    assert ds["train"].features["ner_tags"].feature.names == ["O"] + [f"{p}-{label}" for label in NEWS.entity_labels for p in "BI"]
    assert ds["train"].features["entities"].feature["label"].names == list(NEWS.entity_labels)
    assert isinstance(ds["train"].features["entities"], datasets.List)  # a list of structs, not a dict of lists
    assert ds["train"].num_rows == 3


def test_rows_hold_spans_tags_and_conflicts(converted: Path) -> None:
    row = datasets.load_from_disk(str(converted))["train"].filter(lambda r: r["annotation_id"] == 101)[0]
    names = ner_tag_names(NEWS)
    tags = dict(zip(row["tokens"], (names[t] for t in row["ner_tags"])))
    assert (tags["Zelenskyy"], tags["said"], tags["Kyiv"], tags["today"], tags["😀"]) == ("B-ORG", "I-ORG", "B-GPE", "B-DATE", "O")
    # r1 PERSON "Zelenskyy" is nested in r4 ORG "Zelenskyy said": kept in entities, flagged
    assert [(c["text"], c["overlaps"]["text"]) for c in row["bio_conflicts"]] == [("Zelenskyy", "Zelenskyy said")]
    assert row["quotes"][0]["speaker"]["text"] == "Zelenskyy" and row["quotes"][0]["kind"] == "direct"
    assert row["text"] == T1 and row["annotator"] == "a@x" and row["lead_time"] == 12.5


def test_files_summary_and_card(converted: Path) -> None:
    summary = json.loads((converted / "summary.json").read_text())
    assert summary["files"]["records.jsonl"] == 3 and summary["files"]["rejects.jsonl"] == 4
    assert summary["bio_conflicts"] == 1
    assert summary["annotators"] == {"5": 1, "a@x": 1, "lead@x": 1}
    rejects = [json.loads(line) for line in (converted / "rejects.jsonl").read_text().splitlines()]
    assert {r["reason"] for r in rejects} == {"unknown label", "relation to a missing region", "cancelled", "no annotations"}
    assert all("task_id" in r and "item" in r for r in rejects)
    card = (converted / "README.md").read_text()
    assert "| GPE | 1 |" in card and "| a@x | 1 |" in card and "regions: 15 in = 14 out + 1 rejected" in card
    for name in ("alternates.jsonl", "predictions.jsonl", "drafts.jsonl", "train.jsonl"):
        assert (converted / name).is_file()


def test_read_records_reads_the_export_and_the_folder(converted: Path, tmp_path: Path) -> None:
    from_folder = list(read_records(converted))
    from_export = list(read_records(tmp_path / "export.json"))
    assert from_folder == from_export and [r["annotation_id"] for r in from_folder] == [101, 301, 402]
    (converted / "records.jsonl").unlink()  # the saved DatasetDict alone gives the same records back
    assert list(iter_dataset_records(converted)) == from_export


def test_split_is_deterministic_and_declared(tmp_path: Path) -> None:
    tasks = [{"id": i, "data": {"text": f"Doc {i} by Bob.", "doc_id": f"d{i}"},
              "annotations": [{"id": 1000 + i, "result": []}]} for i in range(60)]
    export = tmp_path / "e.jsonl"
    export.write_text("".join(json.dumps(t) + "\n" for t in tasks))
    one = convert_export(export, tmp_path / "a", split="train=0.8,validation=0.1,test=0.1")
    two = convert_export(export, tmp_path / "b", split="train=0.8,validation=0.1,test=0.1")
    assert one.splits == two.splits and sum(one.splits.values()) == 60
    ds = datasets.load_from_disk(str(tmp_path / "a"))
    assert list(ds) == ["train", "validation", "test"]
    for name in ds:
        assert all(split_of(i, parse_split("train=0.8,validation=0.1,test=0.1")) == name for i in ds[name]["id"])
    assert (tmp_path / "a" / "train.jsonl").read_text() == (tmp_path / "b" / "train.jsonl").read_text()


def test_paragraph_tasks_of_one_article_share_a_split(tmp_path: Path) -> None:
    tasks = [{"id": i, "data": {"text": "x", "doc_id": f"art{i // 3}#p{i % 3}", "article_id": f"art{i // 3}"},
              "annotations": [{"id": i, "result": []}]} for i in range(30)]
    export = tmp_path / "e.json"
    export.write_text(json.dumps(tasks))
    convert_export(export, tmp_path / "o", split="train=0.5,test=0.5")
    ds = datasets.load_from_disk(str(tmp_path / "o"))
    for name in ds:
        articles = {i.split("#")[0] for i in ds[name]["id"]}
        other = {i.split("#")[0] for n in ds if n != name for i in ds[n]["id"]}
        assert not articles & other


def test_reconversion_is_never_stale(tmp_path: Path) -> None:
    export = tmp_path / "e.json"
    task = {"id": 1, "data": {"text": "Ann met Bob.", "doc_id": "d"}, "annotations": [{"id": 1, "result": []}]}
    export.write_text(json.dumps([task]))
    convert_export(export, tmp_path / "o")
    task["annotations"][0]["result"] = [{"id": "a", "from_name": "entity", "type": "labels",  # type: ignore[index]
                                         "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PERSON"]}}]
    export.write_text(json.dumps([task]))  # same path, same size class: a cache keyed on arguments would be stale
    convert_export(export, tmp_path / "o")
    assert datasets.load_from_disk(str(tmp_path / "o"))["train"][0]["entities"][0]["text"] == "Ann"
    assert not list((tmp_path / "o").glob(".cache-*"))


@pytest.mark.parametrize("spec", ["train=0.8,test=0.1", "train=1.5", "train", "train=0.5,train=0.5", "a b=1"])
def test_bad_split_specs(spec: str) -> None:
    with pytest.raises(InputError):
        parse_split(spec)


def test_export_formats(converted: Path, tmp_path: Path) -> None:
    assert export_dataset(converted, tmp_path / "x.conll", fmt="conll") == 3
    lines = (tmp_path / "x.conll").read_text().splitlines()
    assert lines[0] == "-DOCSTART- O" and "Zelenskyy B-ORG" in lines and "Kyiv B-GPE" in lines
    assert all(len(line.split(" ")) == 2 for line in lines if line)
    assert export_dataset(converted, tmp_path / "x.jsonl", fmt="jsonl") == 3
    assert [json.loads(line) for line in (tmp_path / "x.jsonl").read_text().splitlines()] == list(read_records(converted))
    assert export_dataset(converted, tmp_path / "x.spacy", fmt="spacy") == 3
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(tmp_path / "x.spacy").get_docs(spacy.blank("en").vocab))
    gold = docs[0]
    assert [(e.text, e.label_) for e in gold.ents] == [("Zelenskyy said", "ORG"), ("Kyiv", "GPE"), ("today", "DATE")]
    assert len(gold.spans["entities"]) == 4 and gold.spans["quotes"][0].label_ == "direct"
    with pytest.raises(InputError):
        export_dataset(converted, tmp_path / "y", fmt="conll", splits=["nope"])
    with pytest.raises(InputError):
        export_dataset(tmp_path, tmp_path / "y", fmt="conll")


def test_every_record_written_follows_the_json_schema(converted: Path) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "record.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    count = 0
    for name in ("records.jsonl", "alternates.jsonl", "predictions.jsonl", "drafts.jsonl"):
        for line in (converted / name).read_text(encoding="utf-8").splitlines():
            validator.validate(json.loads(line))
            count += 1
    assert count == 3 + 2 + 1 + 1


def test_export_inside_the_output_folder(tmp_path: Path) -> None:
    """`annotate pull` keeps the raw export in the folder it converts into: it must survive."""
    out = tmp_path / "pulled"
    out.mkdir()
    export = out / "export.json"
    export.write_text(json.dumps(tricky_export(), ensure_ascii=False), encoding="utf-8")
    before = export.read_bytes()
    convert_export(export, out, schema="news")
    convert_export(export, out, schema="news")  # again: replaces its own files only
    assert export.read_bytes() == before and (out / "records.jsonl").is_file()
    clash = out / "records.jsonl"
    clash.write_text(json.dumps(tricky_export()[0]) + "\n")
    with pytest.raises(InputError, match="one of the files"):
        convert_export(clash, out)


def test_the_dataset_is_written_in_place_as_save_to_disk_lays_it_out(tmp_path: Path) -> None:
    tasks = [{"id": i, "data": {"text": f"Ann met Bob {i}.", "doc_id": f"d{i}"},
              "annotations": [{"id": i, "result": [{"id": "a", "from_name": "entity", "to_name": "text", "type": "labels",
                                                    "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PERSON"]}}]}]}
             for i in range(40)]
    export = tmp_path / "e.json"
    export.write_text(json.dumps(tasks))
    # one split stays empty: it still needs its (empty) shard for load_from_disk
    summary = convert_export(export, tmp_path / "o", split="train=0.999,test=0.001")
    assert summary.splits == {"train": 40, "test": 0}
    ds = datasets.load_from_disk(str(tmp_path / "o"))
    assert (ds["train"].num_rows, ds["test"].num_rows) == (40, 0) and ds["test"].features == features_for(NEWS)
    assert sorted(p.name for p in (tmp_path / "o" / "train").iterdir()) == ["data-00000-of-00001.arrow", "dataset_info.json", "state.json"]
    state = json.loads((tmp_path / "o" / "train" / "state.json").read_text())
    assert state["_split"] == "train" and state["_data_files"] == [{"filename": "data-00000-of-00001.arrow"}]
    # the split JSONL reuses the record's JSON but is exactly json.dumps of the row
    rows = [json.loads(line) for line in (tmp_path / "o" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ds["train"]["id"] and rows[0]["ner_tags"] == ["B-PERSON", "O", "O", "O", "O"]
    assert list(rows[0]) == list(features_for(NEWS))
    assert not list((tmp_path / "o").glob(".build-*"))


def test_a_large_split_gets_several_shards(tmp_path: Path) -> None:
    from annotate.dataset import DatasetRowBuilder, SplitWriter, install_dataset_dict

    records = [{"id": f"d{i}", "text": f"Ann met \"Bøb\" 😀 {i}.", "entities": [{"start": 0, "end": 3, "text": "Ann", "label": "PERSON"},
                                                                             {"start": 0, "end": 7, "text": "Ann met", "label": "ORG"}],
                "quotes": [], "events": [], "task_id": i, "annotation_id": i, "annotator": "a", "origin": "annotation",
                "created_at": None, "updated_at": None, "lead_time": None} for i in range(25)]
    builder = DatasetRowBuilder(NEWS)
    writer = SplitWriter(tmp_path / "train.jsonl", tmp_path / "build" / "train", NEWS, batch_size=10, max_shard_bytes=1)
    for record in records:
        writer.add(builder.row(record), record_json=json.dumps(record, ensure_ascii=False))
    writer.close()
    install_dataset_dict(tmp_path / "o", {"train": tmp_path / "build" / "train"})
    names = sorted(p.name for p in (tmp_path / "o" / "train").glob("*.arrow"))
    assert names == [f"data-{i:05d}-of-00003.arrow" for i in range(3)]
    ds = datasets.load_from_disk(str(tmp_path / "o"))
    assert ds["train"]["id"] == [r["id"] for r in records]
    # the JSONL line reuses the record's JSON and formats the token columns itself: exactly json.dumps of the row
    lines = (tmp_path / "train.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [json.dumps(builder.row(r), ensure_ascii=False) for r in records]
    assert builder.conflicts == 2 * 25 and json.loads(lines[0])["bio_conflicts"][0]["text"] == "Ann"


def test_clusters_survive_the_dataset_round_trip(tmp_path: Path) -> None:
    """Entity and speaker clusters (optional in the record contract) come back as they went in: none lost, none invented."""
    from annotate.dataset import DatasetRowBuilder, SplitWriter, install_dataset_dict

    text = "Ann Smith said \"no\". Smith left. Bob said \"yes\"."
    def at(needle: str, nth: int = 0, **extra: object) -> dict[str, object]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        return {"start": start, "end": start + len(needle), "text": needle, **extra}

    provenance = {"task_id": 1, "annotation_id": 1, "annotator": "a", "origin": "annotation",
                  "created_at": None, "updated_at": None, "lead_time": None}
    with_clusters = {
        "id": "c", "text": text,
        "entities": [at("Ann Smith", label="PERSON", cluster="ann"), at("Smith", 1, label="PERSON", cluster="ann"),
                     at("Smith", 0, label="ORG"),  # nested in "Ann Smith", no cluster: a bio conflict
                     at("Bob", label="PERSON")],
        "quotes": [{**at("\"no\""), "kind": "direct", "speaker": at("Ann Smith", cluster="ann"), "cue": at("said")},
                   {**at("\"yes\""), "kind": None, "speaker": at("Bob"), "cue": None}],
        "events": [], **provenance}
    without = {"id": "n", "text": text, "entities": [at("Bob", label="PERSON")],
               "quotes": [{**at("\"yes\""), "kind": "direct", "speaker": at("Bob"), "cue": at("said", 1)}],
               "events": [], **provenance}
    records = [with_clusters, without]
    builder = DatasetRowBuilder(NEWS)
    writer = SplitWriter(tmp_path / "train.jsonl", tmp_path / "build" / "train", NEWS)
    for record in records:
        writer.add(builder.row(record), record_json=json.dumps(record, ensure_ascii=False))
    writer.close()
    out = tmp_path / "ds"
    install_dataset_dict(out, {"train": tmp_path / "build" / "train"})

    ds = datasets.load_from_disk(str(out))
    assert ds["train"].features == features_for(NEWS)
    assert [e["cluster"] for e in ds["train"][0]["entities"]] == ["ann", "ann", None, None]  # the column holds null for none
    assert [q["speaker"]["cluster"] for q in ds["train"][0]["quotes"]] == ["ann", None]
    # no records.jsonl in the folder: read_records reads the saved DatasetDict
    assert not (out / "records.jsonl").exists()
    assert list(read_records(out)) == records
    assert list(iter_dataset_records(out)) == records
    assert export_dataset(out, tmp_path / "x.jsonl", fmt="jsonl") == 2
    assert [json.loads(line) for line in (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()] == records
    # the split JSONL carries the clusters too, and the bio conflict lists spans without them
    rows = [json.loads(line) for line in (tmp_path / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [{k: r[k] for k in ("entities", "quotes")} for r in rows] == [{k: r[k] for k in ("entities", "quotes")} for r in records]
    assert rows[0]["bio_conflicts"] == [{**at("Smith", 0, label="ORG"), "overlaps": at("Ann Smith", label="PERSON")}]


def test_saved_rows_stream_what_load_from_disk_gives(converted: Path, tmp_path: Path) -> None:
    from annotate.dataset import iter_decoded_rows, iter_saved_rows

    loaded = datasets.load_from_disk(str(converted))
    expected = [row for name in loaded for row in iter_decoded_rows(loaded[name])]
    assert list(iter_saved_rows(converted)) == expected
    assert list(iter_saved_rows(converted, columns=["id", "ner_tags"], batch_size=1)) == [
        {"id": r["id"], "ner_tags": r["ner_tags"]} for r in expected]
    # a DatasetDict written by datasets' own save_to_disk (several shards) reads the same, in order
    again = tmp_path / "again"
    loaded.save_to_disk(str(again), num_shards={"train": 2})
    assert len(list((again / "train").glob("*.arrow"))) == 2
    assert list(iter_saved_rows(again)) == expected
    (again / "train" / "state.json").unlink()
    with pytest.raises(InputError, match="not a split saved"):
        list(iter_saved_rows(again))
    with pytest.raises(InputError, match="no split 'test'"):
        list(iter_saved_rows(converted, splits=["test"]))
    shard = next((converted / "train").glob("*.arrow"))
    shard.write_bytes(b"not arrow")
    with pytest.raises(InputError, match="cannot be read as Arrow"):
        list(iter_saved_rows(converted))
