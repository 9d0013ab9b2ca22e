"""Records ↔ Hugging Face `datasets`: declared `Features`, token/BIO alignment, the dataset card.

The features are declared once (`features_for(schema)`), never inferred from a row. Span columns
are `List({...})` (a list of structs, not `Sequence`'s dict of lists); entity labels, event
types, roles and `ner_tags` are `ClassLabel`s whose names come from the schema.

The alignment rule (`DatasetRowBuilder.row`):

1. `tokens` are `annotate.tokens.tokenize(text, boundaries=...)` with the start and end of every
   entity span as boundaries, so every entity starts and ends on a token boundary.
2. Entities are placed in IOB2 `ner_tags` in order of start, longest first (then label): an
   entity that overlaps one already placed (nested or crossing) cannot be expressed in IOB2; it
   stays in `entities` and is also listed in `bio_conflicts` with the span it collides with.
3. `token_offsets` keep each token's code-point `[start, end)`, so `ner_tags` map back to spans.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from annotate.errors import ConversionError, InputError, SpanError
from annotate.records import PROVENANCE_KEYS, Record
from annotate.schema import Schema
from annotate.spans import Span, Token, bio_to_spans, spans_to_bio
from annotate.tokens import tokenize

if TYPE_CHECKING:
    from datasets import DatasetDict, Features

    from annotate.convert import ConversionSummary


def ner_tag_names(schema: Schema) -> list[str]:
    """IOB2 tag names: `O`, then `B-X`, `I-X` for each entity label of the schema, in inventory order.

    Example:
        >>> from annotate.schema import load_schema
        >>> ner_tag_names(load_schema("news"))[:3]
        ['O', 'B-PERSON', 'I-PERSON']
    """
    return ["O"] + [f"{prefix}-{label}" for label in schema.entity_labels for prefix in ("B", "I")]


def features_for(schema: Schema) -> Features:
    """The declared `datasets.Features` of a dataset of `schema` (one row = one record)."""
    from datasets import ClassLabel, Features, List, Value

    def offsets(**extra: Any) -> dict[str, Any]:
        return {"start": Value("int32"), "end": Value("int32"), "text": Value("string"), **extra}

    entity_label = ClassLabel(names=list(schema.entity_labels))
    cluster = Value("string")  # the optional mention link of the record contract; null when a span has none
    return Features({
        "id": Value("string"),
        "text": Value("string"),
        "entities": List(offsets(label=entity_label, cluster=cluster)),
        "quotes": List(offsets(kind=Value("string"), speaker=offsets(cluster=cluster), cue=offsets())),
        "events": List({
            "type": ClassLabel(names=[e.name for e in schema.event_types]),
            "trigger": offsets(),
            "arguments": List(offsets(role=ClassLabel(names=list(schema.roles)))),
        }),
        "task_id": Value("int64"),
        "annotation_id": Value("int64"),
        "annotator": Value("string"),
        "origin": Value("string"),
        "created_at": Value("string"),
        "updated_at": Value("string"),
        "lead_time": Value("float64"),
        "tokens": List(Value("string")),
        "token_offsets": List({"start": Value("int32"), "end": Value("int32")}),
        "ner_tags": List(ClassLabel(names=ner_tag_names(schema))),
        "bio_conflicts": List(offsets(label=entity_label, overlaps=offsets(label=entity_label))),
    })


_CONFLICT_KEYS = ("start", "end", "text", "label")  # what `bio_conflicts` keep of an entity (its cluster is in `entities`)


def choose_bio_entities(entities: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split entities into those IOB2 can express and the conflicts (rule 2 of the module doc).

    Returns `(placed, conflicts)`; each conflict carries `overlaps`, the placed span it collides with.

    Example:
        >>> ents = [{"start": 0, "end": 8, "text": "New York", "label": "GPE"},
        ...         {"start": 0, "end": 3, "text": "New", "label": "ORG"}]
        >>> placed, conflicts = choose_bio_entities(ents)
        >>> [e["text"] for e in placed], [(c["text"], c["overlaps"]["text"]) for c in conflicts]
        (['New York'], [('New', 'New York')])
    """
    placed: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    for entity in sorted(entities, key=lambda e: (e["start"], -(e["end"] - e["start"]), e["label"])):
        clash = next((p for p in placed if p["start"] < entity["end"] and entity["start"] < p["end"]), None)
        if clash is None:
            placed.append(entity)
        else:
            conflicts.append({**entity, "overlaps": {key: clash[key] for key in _CONFLICT_KEYS}})
    return placed, conflicts


class DatasetRowBuilder:
    """Turns records into dataset rows (record fields + provenance + tokens, IOB2 tags, conflicts)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.conflicts = 0

    def row(self, record: Record) -> dict[str, Any]:
        """The dataset row of `record`; tags as strings (the `ClassLabel` encodes them)."""
        text = record["text"]
        entities = record["entities"]
        tokens = tokenize(text, boundaries=[b for e in entities for b in (e["start"], e["end"])])
        placed, conflicts = choose_bio_entities(entities)
        try:
            tags = spans_to_bio([Span(e["start"], e["end"], e["label"]) for e in placed], tokens)
        except SpanError as exc:  # cannot happen with the boundaries above; say so loudly if it does
            raise ConversionError(f"record {record['id']!r}: {exc.message} This is a bug in annotate.") from None
        self.conflicts += len(conflicts)
        row = {key: record.get(key) for key in ("id", "text", "entities", "quotes", "events", *PROVENANCE_KEYS)}
        row["tokens"] = [t.text for t in tokens]
        row["token_offsets"] = [{"start": t.start, "end": t.end} for t in tokens]
        row["ner_tags"] = tags
        row["bio_conflicts"] = [{**{k: c[k] for k in _CONFLICT_KEYS}, "overlaps": c["overlaps"]} for c in conflicts]
        return row


def row_to_record(row: dict[str, Any]) -> Record:
    """A dataset row (decoded: labels as strings) back to a canonical record (drops token columns)."""
    return {key: row.get(key) for key in ("id", "text", "entities", "quotes", "events", *PROVENANCE_KEYS)}


def row_bio_spans(row: dict[str, Any]) -> list[Span]:
    """The entity spans a row's `ner_tags` (strings) give back over its `token_offsets`."""
    tokens = [Token(o["start"], o["end"], t) for o, t in zip(row["token_offsets"], row["tokens"])]
    return bio_to_spans(row["ner_tags"], tokens)


class _Encoder:
    """Label names → `ClassLabel` ids for one schema (what `Features.encode_example` does, without its per-row walk)."""

    def __init__(self, schema: Schema) -> None:
        self.entity = {name: i for i, name in enumerate(schema.entity_labels)}
        self.type = {e.name: i for i, e in enumerate(schema.event_types)}
        self.role = {name: i for i, name in enumerate(schema.roles)}
        self.tag = {name: i for i, name in enumerate(ner_tag_names(schema))}

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        try:
            return {
                **row,
                "entities": [{**e, "label": self.entity[e["label"]]} for e in row["entities"]],
                "events": [{**e, "type": self.type[e["type"]],
                            "arguments": [{**a, "role": self.role[a["role"]]} for a in e["arguments"]]} for e in row["events"]],
                "ner_tags": [self.tag[t] for t in row["ner_tags"]],
                "bio_conflicts": [{**c, "label": self.entity[c["label"]],
                                   "overlaps": {**c["overlaps"], "label": self.entity[c["overlaps"]["label"]]}}
                                  for c in row["bio_conflicts"]],
            }
        except KeyError as exc:
            raise ConversionError(f"record {row.get('id')!r}: label {exc.args[0]!r} is not in the schema's features.") from None


class SplitWriter:
    """Streams the rows of one split: a JSONL file (labels as names) and the split's Arrow shards (ids).

    The shards are written straight in the layout `Dataset.save_to_disk` makes (Arrow IPC stream
    files `data-NNNNN-of-MMMMM.arrow`, a new one after `max_shard_bytes`, with the declared
    features in their schema metadata), so nothing is written twice and nothing is read back:
    memory stays flat whatever the number of rows. `close()` adds `state.json` and
    `dataset_info.json`; `install_dataset_dict` then moves the folder into place.
    """

    def __init__(self, jsonl_path: Path, folder: Path, schema: Schema, *, batch_size: int = 1000,
                 max_shard_bytes: int | None = None) -> None:
        from datasets import config

        self.jsonl_path, self.folder = jsonl_path, folder
        self.encode = _Encoder(schema)
        self.features = features_for(schema)
        self.schema = self.features.arrow_schema
        self.batch_size = batch_size
        self.max_shard_bytes = max_shard_bytes if max_shard_bytes is not None else _size_in_bytes(config.MAX_SHARD_SIZE)
        self.batch: list[dict[str, Any]] = []
        self.rows = 0
        self.shards: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)
        self.jsonl = jsonl_path.open("w", encoding="utf-8", newline="\n")
        self.sink: Any = None
        self.writer: Any = None
        self._open_shard()

    def _open_shard(self) -> None:
        import pyarrow as pa

        path = self.folder / f"shard-{len(self.shards):05d}.arrow"
        self.shards.append(path)
        self.sink = pa.OSFile(str(path), "wb")
        self.writer = pa.ipc.new_stream(self.sink, self.schema)

    def _close_shard(self) -> None:
        self.writer.close()
        self.sink.close()

    def add(self, row: dict[str, Any], *, record_json: str | None = None) -> None:
        """Write `row`; `record_json` (the `json.dumps` of its record, when at hand) is reused for the JSONL line."""
        self.jsonl.write(_row_json(row, record_json) + "\n")
        self.batch.append(self.encode(row))
        self.rows += 1
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.batch:
            if self.sink.tell() >= self.max_shard_bytes:
                self._close_shard()
                self._open_shard()
            # column by column (what Table.from_pylist does, without its per-row dict walk)
            columns = [pa.array([row[field.name] for row in self.batch], type=field.type) for field in self.schema]
            self.writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=self.schema))
            self.batch = []

    def close(self) -> None:
        """Write what is left, close the files and write `state.json` and `dataset_info.json` (once)."""
        from datasets.fingerprint import generate_random_fingerprint
        from datasets.info import DatasetInfo
        from datasets.utils.py_utils import asdict

        if self.jsonl.closed:
            return
        self.flush()
        self._close_shard()
        self.jsonl.close()
        count = len(self.shards)
        names = [f"data-{i:05d}-of-{count:05d}.arrow" for i in range(count)]
        for path, name in zip(self.shards, names):
            path.replace(self.folder / name)
        # what save_to_disk writes; the fingerprint is new for every build, so no cache can hand back stale data
        state = {"_data_files": [{"filename": name} for name in names], "_fingerprint": generate_random_fingerprint(),
                 "_format_columns": None, "_format_kwargs": {}, "_format_type": None, "_output_all_columns": False,
                 "_split": self.folder.name}
        (self.folder / "state.json").write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        info = asdict(DatasetInfo(features=self.features))
        (self.folder / "dataset_info.json").write_text(json.dumps({k: info[k] for k in sorted(info)}, indent=2), encoding="utf-8")

    def abort(self) -> None:
        """Close the files without writing the pending batch (after an error)."""
        if not self.jsonl.closed:
            self.jsonl.close()
            self._close_shard()


_RECORD_KEYS = ("id", "text", "entities", "quotes", "events", *PROVENANCE_KEYS)
_TOKEN_KEYS = ("tokens", "token_offsets", "ner_tags", "bio_conflicts")


def _row_json(row: dict[str, Any], record_json: str | None) -> str:
    """`json.dumps(row, ensure_ascii=False)`, reusing the record's JSON (the row's first keys) when given."""
    if record_json is None or tuple(row) != (*_RECORD_KEYS, *_TOKEN_KEYS):
        return json.dumps(row, ensure_ascii=False)
    # token_offsets are most of the line: format its small int-only dicts directly (what json.dumps writes)
    offsets = ", ".join([f'{{"start": {o["start"]:d}, "end": {o["end"]:d}}}' for o in row["token_offsets"]])
    return (f'{record_json[:-1]}, "tokens": {json.dumps(row["tokens"], ensure_ascii=False)}, "token_offsets": [{offsets}], '
            f'"ner_tags": {json.dumps(row["ner_tags"], ensure_ascii=False)}, '
            f'"bio_conflicts": {json.dumps(row["bio_conflicts"], ensure_ascii=False)}}}')


def _size_in_bytes(size: int | str) -> int:
    from datasets.utils.py_utils import convert_file_size_to_int

    return int(convert_file_size_to_int(size))


def install_dataset_dict(out_dir: Path, folders: dict[str, Path]) -> None:
    """Move each split's finished folder (from `SplitWriter`) to `out_dir/<split>` and write `dataset_dict.json`.

    The result is what `DatasetDict.save_to_disk(out_dir)` writes; `datasets.load_from_disk(out_dir)`
    loads it. Files are moved, never copied. Nothing goes through a `datasets` cache, so a
    re-pulled export can never come back stale from one (the `from_generator` trap,
    huggingface/datasets#7448).
    """
    for name, folder in folders.items():
        target = out_dir / name
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            path.replace(target / path.name)
    (out_dir / "dataset_dict.json").write_text(json.dumps({"splits": list(folders)}), encoding="utf-8")


def load_dataset_dict(path: str | Path) -> DatasetDict:
    """`datasets.load_from_disk(path)` for a folder written by `annotate convert`, with a clear error."""
    from datasets import DatasetDict, load_from_disk

    path = Path(path)
    if not (path / "dataset_dict.json").is_file():
        raise InputError(f"{path}: not a dataset folder (no dataset_dict.json); give a folder written by `annotate convert`.")
    dataset = load_from_disk(str(path))
    if not isinstance(dataset, DatasetDict):
        raise InputError(f"{path}: holds one split, not a DatasetDict; give a folder written by `annotate convert`.")
    return dataset


class _Decoder:
    """`ClassLabel` ids → names for the rows of one split (labels, types, roles, tags), in place.

    A `cluster` that is null (the span has none; the column holds one for every entity and speaker)
    is dropped, so that `row_to_record` gives back the record as it was written: a cluster is
    neither lost nor invented. Only the columns a row has are decoded.
    """

    def __init__(self, features: Features) -> None:
        self.entity = features["entities"].feature["label"].names
        self.type = features["events"].feature["type"].names
        self.role = features["events"].feature["arguments"].feature["role"].names
        self.tag = features["ner_tags"].feature.names

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        entity_names = self.entity
        for entity in row.get("entities", ()):
            entity["label"] = entity_names[entity["label"]]
            if entity.get("cluster", "") is None:
                del entity["cluster"]
        for quote in row.get("quotes", ()):
            if quote["speaker"] is not None and quote["speaker"].get("cluster", "") is None:
                del quote["speaker"]["cluster"]
        for conflict in row.get("bio_conflicts", ()):
            conflict["label"] = entity_names[conflict["label"]]
            conflict["overlaps"]["label"] = entity_names[conflict["overlaps"]["label"]]
        for event in row.get("events", ()):
            event["type"] = self.type[event["type"]]
            for argument in event["arguments"]:
                argument["role"] = self.role[argument["role"]]
        if "ner_tags" in row:
            tag_names = self.tag
            row["ner_tags"] = [tag_names[t] for t in row["ner_tags"]]
        return row


def iter_decoded_rows(dataset: Any) -> Iterator[dict[str, Any]]:
    """Rows of one loaded split (a `datasets.Dataset`) with every `ClassLabel` decoded back to its name.

    See `_Decoder` for clusters. For a dataset folder on disk, `iter_saved_rows` reads the same
    rows with flat memory.
    """
    decode = _Decoder(dataset.features)
    for row in dataset:
        yield decode(row)


def _split_names(path: Path) -> list[str]:
    try:
        names = json.loads((path / "dataset_dict.json").read_text(encoding="utf-8"))["splits"]
    except FileNotFoundError:
        raise InputError(f"{path}: not a dataset folder (no dataset_dict.json); give a folder written by `annotate convert`.") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(f"{path}/dataset_dict.json: not a DatasetDict's split list; convert the export again.") from None
    return [str(name) for name in names]


def _split_files(folder: Path) -> tuple[Features, list[Path]]:
    """The declared features and the Arrow shards (in order) of one saved split."""
    from datasets import Features

    try:
        info = json.loads((folder / "dataset_info.json").read_text(encoding="utf-8"))
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        features = Features.from_dict(info["features"])
        files = [folder / item["filename"] for item in state["_data_files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{folder}: not a split saved by `annotate convert` or `save_to_disk` ({exc!s:.80}); "
                         "convert the export again.") from None
    return features, files


def _arrow_batches(path: Path) -> Iterator[Any]:
    """The record batches of one Arrow shard, read from the file one at a time (no memory map)."""
    import pyarrow as pa

    with pa.OSFile(str(path), "rb") as source:
        try:
            reader = pa.ipc.open_stream(source)
        except pa.ArrowInvalid:  # the IPC file format (with a footer) rather than a stream
            source.seek(0)
            file_reader = pa.ipc.open_file(source)
            for i in range(file_reader.num_record_batches):
                yield file_reader.get_batch(i)
            return
        yield from reader


def iter_saved_rows(path: str | Path, *, splits: Sequence[str] | None = None, columns: Sequence[str] | None = None,
                    batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Decoded rows of a dataset folder (every split in order, or those named), with flat memory.

    What `load_dataset_dict` + `iter_decoded_rows` give, read differently: each split's Arrow shards
    are read a record batch at a time from the file (not memory-mapped, so the pages of rows already
    read do not stay in the process; `Dataset` iteration over a memory map keeps them resident and
    grows with the dataset), only `columns` (default: all) are turned into Python objects, at most
    `batch_size` rows at a time.

    Raises:
        InputError: not a dataset folder, an unknown split, or a damaged split folder.
    """
    import pyarrow as pa

    path = Path(path)
    names = _split_names(path)
    for name in splits or names:
        if name not in names:
            raise InputError(f"{path}: no split {name!r}; the dataset has {', '.join(names)}.")
    for name in splits or names:
        features, files = _split_files(path / name)
        decode = _Decoder(features)
        for file in files:
            try:
                for batch in _arrow_batches(file):
                    if columns is not None:
                        batch = batch.select(list(columns))
                    for offset in range(0, batch.num_rows, batch_size):
                        for row in batch.slice(offset, batch_size).to_pylist():
                            yield decode(row)
            except (OSError, pa.ArrowException) as exc:
                raise InputError(f"{file}: cannot be read as Arrow ({exc!s:.120}); convert the export again.") from None


def iter_dataset_records(path: str | Path, *, splits: Sequence[str] | None = None) -> Iterator[Record]:
    """Canonical records from a dataset folder (every split, or the ones named), streamed (`iter_saved_rows`)."""
    for row in iter_saved_rows(path, splits=splits, columns=_RECORD_KEYS):
        yield row_to_record(row)


def _table(rows: dict[str, int], header: tuple[str, str]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines += [f"| {key} | {value} |" for key, value in rows.items()]
    return lines + [""]


def write_card(out_dir: Path, summary: ConversionSummary, schema: Schema) -> Path:
    """Write the dataset card `README.md`: how to load, features, splits, labels, annotators, conversion."""
    c = summary.counts
    lines = [
        "---",
        "language: [en]",
        "task_categories: [token-classification]",
        "pretty_name: annotate news annotations",
        "---",
        "",
        f"# Dataset: `{Path(summary.out_dir).name}`",
        "",
        f"Converted by `annotate convert` from `{summary.export}` with schema `{summary.schema}`; "
        + ("one row per usable annotation (`--all-annotations`)." if summary.all_annotations
           else f"one row per task, the gold annotation picked by the rule `{summary.gold_rule}` (ground truth first)."),
        "",
        "```python",
        "import datasets",
        f"ds = datasets.load_from_disk({summary.out_dir!r})",
        "```",
        "",
        "Offsets are Python `str` indices (code points), half-open, and `text[start:end] == span.text` for every span.",
        "`tokens` come from spaCy's rule-based English tokenizer split at every entity boundary; `ner_tags` are IOB2",
        f"over them with the names `{ner_tag_names(schema)[:3]}`... Entities that overlap (nested or crossing) stay in",
        "`entities` and are listed in `bio_conflicts`, not in `ner_tags`.",
        "",
        "## Splits",
        "",
        *_table(summary.splits, ("split", "rows")),
        "## Labels",
        "",
        "Entities:",
        "",
        *_table(summary.labels.get("entities", {}), ("label", "spans")),
        "Quote kinds:",
        "",
        *_table(summary.labels.get("quote_kinds", {}), ("kind", "quotes")),
        "Events:",
        "",
        *_table(summary.labels.get("events", {}), ("type", "events")),
        "Argument roles:",
        "",
        *_table(summary.labels.get("roles", {}), ("role", "arguments")),
        "## Annotators",
        "",
        *_table(summary.annotators, ("annotator", "rows")),
        "## Conversion",
        "",
        f"- tasks: {c['tasks']['in']} in, {c['tasks']['with_record']} with a record, without one: {c['tasks']['without_record'] or 'none'}",
        f"- annotations in by origin: {c['annotations']['in']}; out by file: {c['annotations']['out']}; rejected: {c['annotations']['rejected'] or 'none'}",
    ]
    for kind, n in c["items"].items():
        if n["in"]:
            split = f" + {n['split']} split" if n.get("split") else ""
            lines.append(f"- {kind}: {n['in']} in{split} = {n['out']} out + {n['rejected']} rejected + {n['set_aside']} in rejected annotations")
    lines += [
        f"- rejected items by reason: {c['rejects']['item'] or 'none'} (see `rejects.jsonl`)",
        f"- repairs: {c['repairs'] or 'none'}; offsets by convention: {c['offsets'] or 'none'}",
        f"- entity spans not in `ner_tags` (overlaps): {summary.bio_conflicts}",
        "",
        "Files: " + ", ".join(f"`{name}` ({n})" for name, n in summary.files.items()) + ", `summary.json`.",
        "",
    ]
    path = out_dir / "README.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
