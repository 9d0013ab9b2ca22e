"""A Label Studio export → records, side files, rejects, a summary and a `DatasetDict`, streaming.

`convert_export(export_path, out_dir, schema="news")` is what `annotate convert` and
`annotate pull` call. It reads the export incrementally (a JSON array through ijson, or JSONL),
so memory stays flat whatever the number of tasks, and writes into `out_dir`:

- `records.jsonl`: the canonical records, one per task (the gold rule) or one per annotation
  (`all_annotations=True`);
- `alternates.jsonl`, `predictions.jsonl`, `drafts.jsonl`: every other annotation, prediction and
  draft, as records (nothing is lost; each written only when there is something to write);
- `rejects.jsonl`: every item, annotation and task that did not make a record, with the reason;
- `summary.json`: the accounting (`in + split = out + rejected + set aside`, checked here; `split`:
  the extra units of regions with several labels, one span per label);
- the dataset (`datasets.load_from_disk(out_dir)`), one JSONL file of dataset rows per split and
  a dataset card `README.md` (see `annotate.dataset`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Sequence

from annotate.errors import ConversionError, InputError
from annotate.records import (
    DEFAULT_GOLD_RULE,
    GOLD_RULES,
    AnnotationConversion,
    Record,
    Reject,
    TaskConversion,
    pick_gold,
    task_to_conversions,
)
from annotate.schema import Schema, load_schema
from annotate.taskfile import Progress, iter_items, looks_like_export

DESTINATIONS = ("records", "alternates", "predictions", "drafts")
ITEM_KINDS = ("regions", "relations", "choices", "others")


# --------------------------------------------------------------------------- reading exports


def read_export(path: str | Path, *, progress: Progress | None = None) -> Iterator[tuple[str, Any]]:
    """Stream `(where, task)` pairs from a Label Studio export: a JSON array of tasks, or JSONL.

    `where` names the task for messages: `FILE: task #N` (array) or `FILE:LINE` (JSONL).
    The reading is `annotate.taskfile.iter_items`; the shape of each task is checked by
    `annotate.records.task_to_conversions`.

    Raises:
        InputError: the file is missing, empty, not JSON, or its top level is not an array / JSONL.
    """
    return iter_items(path, what="a Label Studio export", progress=progress)


# --------------------------------------------------------------------------- the accounting


@dataclass(slots=True)
class ConversionStats:
    """Counts everything that goes in and where it went; `check()` proves they add up."""

    tasks_in: int = 0
    tasks_out: int = 0
    tasks_without_record: Counter[str] = field(default_factory=Counter)
    annotations_in: Counter[str] = field(default_factory=Counter)  # by origin
    annotations_out: Counter[str] = field(default_factory=Counter)  # by destination
    annotations_rejected: Counter[str] = field(default_factory=Counter)  # by reason
    items: Counter[str] = field(default_factory=Counter)  # regions_in, regions_out, ..., spans_out
    rejects: dict[str, Counter[str]] = field(default_factory=lambda: {"item": Counter(), "annotation": Counter(), "task": Counter()})
    repairs: Counter[str] = field(default_factory=Counter)
    offsets: Counter[str] = field(default_factory=Counter)
    record_spans: Counter[str] = field(default_factory=Counter)  # spans in records.jsonl by kind

    def add_conversion(self, conv: AnnotationConversion, destination: str | None) -> None:
        self.annotations_in[conv.origin] += 1
        if destination is None:
            for reject in conv.rejects:
                self.annotations_rejected[reject.reason] += 1
        else:
            self.annotations_out[destination] += 1
        for key, value in conv.counts.items():
            prefix, _, name = key.partition(":")
            if prefix == "repaired":
                self.repairs[name] += value
            elif prefix == "offsets":
                self.offsets[name] += value
            else:
                self.items[key] += value
        for reject in conv.rejects:
            self.rejects[reject.level][reject.reason] += 1

    def check(self) -> None:
        """Raise `ConversionError` when in != out + rejected + set aside, for anything."""
        problems = []
        if self.tasks_in != self.tasks_out + sum(self.tasks_without_record.values()):
            problems.append(f"tasks {self.tasks_in} != {self.tasks_out} with a record + {sum(self.tasks_without_record.values())} without")
        total_in = sum(self.annotations_in.values())
        if total_in != sum(self.annotations_out.values()) + sum(self.annotations_rejected.values()):
            problems.append(f"annotations {total_in} != {sum(self.annotations_out.values())} out + {sum(self.annotations_rejected.values())} rejected")
        if sum(self.rejects["annotation"].values()) != sum(self.annotations_rejected.values()):
            problems.append("annotation rejects differ from rejected annotations")
        for kind in ITEM_KINDS:  # a region with N labels is 1 in, N - 1 split: N units out or rejected
            i, sp, o, r, s = (self.items[f"{kind}_{x}"] for x in ("in", "split", "out", "rejected", "set_aside"))
            if i + sp != o + r + s:
                problems.append(f"{kind} {i} + {sp} split != {o} out + {r} rejected + {s} set aside")
        if sum(self.rejects["item"].values()) != sum(self.items[f"{k}_rejected"] for k in ITEM_KINDS):
            problems.append("item rejects differ from rejected items")
        if problems:
            raise ConversionError("the accounting does not add up: " + "; ".join(problems) + "; this is a bug in annotate, please report it.")

    def as_dict(self) -> dict[str, Any]:
        items = {k: {x: self.items[f"{k}_{x}"] for x in ("in", "out", "rejected", "set_aside")} for k in ITEM_KINDS}
        items["regions"] = {"in": self.items["regions_in"], "split": self.items["regions_split"],
                            **{x: self.items[f"regions_{x}"] for x in ("out", "rejected", "set_aside")}}
        return {
            "tasks": {"in": self.tasks_in, "with_record": self.tasks_out, "without_record": dict(self.tasks_without_record)},
            "annotations": {"in": dict(self.annotations_in), "out": dict(self.annotations_out), "rejected": dict(self.annotations_rejected)},
            "items": items,
            "spans_out": self.items["spans_out"],
            "record_spans": dict(self.record_spans),
            "rejects": {level: dict(counter) for level, counter in self.rejects.items()},
            "repairs": dict(self.repairs),
            "offsets": dict(self.offsets),
        }


# --------------------------------------------------------------------------- the conversion stream

ANNOTATION_ORIGINS = ("annotation", "ground_truth")
SIDE_FILES = {"prediction": "predictions", "draft": "drafts", "annotation": "alternates", "ground_truth": "alternates"}


@dataclass(frozen=True, slots=True)
class Output:
    """One thing the conversion produced: a record for `destination`, or a reject (`destination == "rejects"`)."""

    destination: str
    record: Record | None = None
    reject: Reject | None = None
    split_key: str = ""


def _no_record_reason(task: TaskConversion, gold_rule: str) -> str:
    annotations = [c for c in task.conversions if c.origin in ANNOTATION_ORIGINS]
    if not annotations:
        return "no annotations"
    if not any(c.usable for c in annotations):
        return "no usable annotation (cancelled or without result)"
    return f"no annotation passes the gold rule {gold_rule!r}"


def iter_conversion(
    tasks: Iterable[tuple[str, Any]],
    *,
    schema: Schema,
    gold_rule: str = DEFAULT_GOLD_RULE,
    all_annotations: bool = False,
    stats: ConversionStats | None = None,
) -> Iterator[Output]:
    """Convert `(where, task)` pairs into `Output`s, counting everything in `stats`.

    With `all_annotations=False` each task gives at most one record for `records` (picked by
    `gold_rule`, see `annotate.records.GOLD_RULES`); its other annotations go to `alternates`.
    With `all_annotations=True` every usable annotation is a `records` row (for agreement).
    Predictions go to `predictions`, drafts to `drafts`. A task with no record is a task reject.
    """
    if gold_rule not in GOLD_RULES:
        raise ConversionError(f"Unknown gold rule {gold_rule!r}; choose one of {', '.join(GOLD_RULES)}.")
    stats = stats if stats is not None else ConversionStats()
    for where, raw in tasks:
        task = task_to_conversions(raw, schema=schema, where=where)
        stats.tasks_in += 1
        if all_annotations:
            chosen = {id(c) for c in task.conversions if c.usable and c.origin in ANNOTATION_ORIGINS}
        else:
            gold = pick_gold(task.conversions, gold_rule)
            chosen = {id(gold)} if gold is not None else set()
        for conv in task.conversions:
            if conv.record is None:
                stats.add_conversion(conv, None)
                for reject in conv.rejects:
                    yield Output("rejects", reject=reject)
                continue
            destination = "records" if id(conv) in chosen else SIDE_FILES[conv.origin]
            stats.add_conversion(conv, destination)
            for reject in conv.rejects:
                yield Output("rejects", reject=reject)
            if destination == "records":
                record = conv.record
                stats.record_spans["entities"] += len(record["entities"])
                stats.record_spans["quotes"] += len(record["quotes"])
                stats.record_spans["events"] += len(record["events"])
                stats.record_spans["arguments"] += sum(len(e["arguments"]) for e in record["events"])
            yield Output(destination, record=conv.record, split_key=task.split_key)
        if chosen:
            stats.tasks_out += 1
        else:
            reason = _no_record_reason(task, gold_rule)
            stats.tasks_without_record[reason] += 1
            stats.rejects["task"][reason] += 1
            yield Output("rejects", reject=Reject("task", reason, task.task_id, item={"task_id": task.task_id, "doc_id": task.doc_id}))


def iter_export_records(
    export_path: str | Path,
    *,
    schema: str = "news",
    gold_rule: str = DEFAULT_GOLD_RULE,
    all_annotations: bool = False,
) -> Iterator[Record]:
    """Stream the records of an export: the gold record of each task (or every annotation).

    This is the records iterator other parts use (scoring against an export, agreement with
    `all_annotations=True`: one record per annotation, `annotator` set).

    Example:
        >>> import json, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.json"
        >>> _ = path.write_text(json.dumps([{"id": 1, "data": {"text": "Hi Bob", "doc_id": "d1"},
        ...     "annotations": [{"id": 5, "result": [{"id": "a", "from_name": "entity", "to_name": "text",
        ...     "type": "labels", "value": {"start": 3, "end": 6, "text": "Bob", "labels": ["PERSON"]}}]}]}]))
        >>> [(r["id"], r["entities"][0]["text"]) for r in iter_export_records(path)]
        [('d1', 'Bob')]
    """
    outputs = iter_conversion(read_export(export_path), schema=load_schema(schema), gold_rule=gold_rule,
                              all_annotations=all_annotations)
    for output in outputs:
        if output.destination == "records" and output.record is not None:
            yield output.record


# --------------------------------------------------------------------------- splits


def parse_split(spec: str | None) -> tuple[tuple[str, float], ...]:
    """`"train=0.8,validation=0.1,test=0.1"` → `(("train", 0.8), ...)`; None → `(("train", 1.0),)`.

    Example:
        >>> parse_split("train=0.9,test=0.1")
        (('train', 0.9), ('test', 0.1))
    """
    if not spec:
        return (("train", 1.0),)
    parts: list[tuple[str, float]] = []
    for piece in spec.split(","):
        name, sep, value = piece.strip().partition("=")
        try:
            fraction = float(value)
        except ValueError:
            fraction = -1.0
        if not sep or not name.isidentifier() or not 0 < fraction <= 1:
            raise InputError(f"--split {spec!r}: {piece.strip()!r} is not NAME=FRACTION with 0 < FRACTION <= 1; "
                             "write e.g. train=0.8,validation=0.1,test=0.1.")
        if name in dict(parts):
            raise InputError(f"--split {spec!r}: split {name!r} is named twice.")
        parts.append((name, fraction))
    if abs(sum(f for _, f in parts) - 1.0) > 1e-6:
        raise InputError(f"--split {spec!r}: the fractions add up to {sum(f for _, f in parts):g}, not 1.")
    return tuple(parts)


def split_of(key: str, splits: Sequence[tuple[str, float]]) -> str:
    """The split of a document: by the SHA-256 of its id (its article id for paragraph tasks), stable across runs.

    Example:
        >>> split_of("doc-1", (("train", 1.0),))
        'train'
    """
    point = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") / 2**64
    total = 0.0
    for name, fraction in splits:
        total += fraction
        if point < total:
            return name
    return splits[-1][0]


# --------------------------------------------------------------------------- convert_export


@dataclass(frozen=True, slots=True)
class ConversionSummary:
    """What `convert_export` read and wrote; `as_dict()` is `summary.json`."""

    export: str
    out_dir: str
    schema: str
    gold_rule: str
    all_annotations: bool
    counts: dict[str, Any]
    files: dict[str, int]  # file name -> lines written
    splits: dict[str, int]  # split -> rows
    labels: dict[str, dict[str, int]]
    annotators: dict[str, int]
    bio_conflicts: int

    @property
    def records(self) -> int:
        return self.files.get("records.jsonl", 0)

    @property
    def rejected(self) -> int:
        return self.files.get("rejects.jsonl", 0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Writers:
    """Lazily opened JSONL files in one folder, counting lines."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.streams: dict[str, IO[str]] = {}
        self.lines: Counter[str] = Counter()

    def write(self, name: str, row: Any) -> str:
        """Write `row` as one JSON line of `name`; returns the JSON (without the newline)."""
        line = json.dumps(row, ensure_ascii=False)
        stream = self.streams.get(name)
        if stream is None:
            stream = self.streams[name] = (self.folder / name).open("w", encoding="utf-8", newline="\n")
        stream.write(line + "\n")
        self.lines[name] += 1
        return line

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()


def _prepare_out_dir(out_dir: Path, split_names: Sequence[str], export: Path) -> None:
    ours = {out_dir / f"{name}.jsonl" for name in (*split_names, *DESTINATIONS, "rejects")}
    ours |= {out_dir / "summary.json", out_dir / "README.md", out_dir / "dataset_dict.json"}
    if export.resolve() in {path.resolve() for path in ours} or export.resolve().parent in {(out_dir / n).resolve() for n in split_names}:
        raise InputError(f"{export}: the export is one of the files `convert` writes in {out_dir}; rename it or choose another --out.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot be created ({exc.strerror}); choose another --out.") from None
    old = out_dir / "dataset_dict.json"
    names = set(split_names)
    if old.is_file():
        try:
            names.update(json.loads(old.read_text(encoding="utf-8")).get("splits", []))
        except (json.JSONDecodeError, AttributeError):
            pass
    stale = [out_dir / f"{name}.jsonl" for name in names] + [out_dir / f"{d}.jsonl" for d in (*DESTINATIONS, "rejects")]
    stale += [out_dir / "summary.json", out_dir / "README.md", old]
    for path in stale:
        if path.is_file():
            path.unlink()
    for name in names:
        if (out_dir / name / "dataset_info.json").is_file() or (out_dir / name / "state.json").is_file():
            shutil.rmtree(out_dir / name)


def convert_export(
    export_path: str | Path,
    out_dir: str | Path,
    *,
    schema: str = "news",
    gold_rule: str = DEFAULT_GOLD_RULE,
    all_annotations: bool = False,
    split: str | None = None,
    progress: Progress | None = None,
) -> ConversionSummary:
    """Convert a Label Studio export into records, side files, rejects and a `DatasetDict` in `out_dir`.

    Args:
        export_path: a Label Studio export, a JSON array of tasks or JSONL.
        out_dir: the folder to write (created; files of an earlier conversion are replaced).
        schema: the schema the project used (`annotate.schema.SCHEMA_NAMES`).
        gold_rule: how one annotation per task is picked (`annotate.records.GOLD_RULES`).
        all_annotations: one row per usable annotation instead of one per task.
        split: e.g. `"train=0.8,validation=0.1,test=0.1"`; default one `train` split.
        progress: called now and then with the number of bytes of the export read.

    Returns:
        The summary, also written to `out_dir/summary.json`.

    Raises:
        InputError, ConversionError: a malformed export (file and task named), or accounting that
            does not add up.
    """
    from annotate.dataset import DatasetRowBuilder, SplitWriter, install_dataset_dict, write_card

    schema_obj = load_schema(schema)
    splits = parse_split(split)
    if gold_rule not in GOLD_RULES:
        raise ConversionError(f"Unknown gold rule {gold_rule!r}; choose one of {', '.join(GOLD_RULES)}.")
    out = Path(out_dir)
    export = Path(export_path)
    if not export.is_file():
        what = "is a folder" if export.is_dir() else "no such file"
        raise InputError(f"{export}: {what}; give a Label Studio export file (JSON or JSONL).")
    _prepare_out_dir(out, [name for name, _ in splits], export)
    stats = ConversionStats()
    rows = DatasetRowBuilder(schema_obj)
    writers = _Writers(out)
    build = out / f".build-{uuid.uuid4().hex}"
    build.mkdir()
    split_writers = {name: SplitWriter(out / f"{name}.jsonl", build / name, schema_obj) for name, _ in splits}
    labels: dict[str, Counter[str]] = {"entities": Counter(), "quote_kinds": Counter(), "events": Counter(), "roles": Counter()}
    annotators: Counter[str] = Counter()
    split_rows: Counter[str] = Counter({name: 0 for name, _ in splits})
    # Keep the garbage collector off what exists already (the imported datasets, pandas, spaCy): its full
    # collections would walk all of it again and again, a fifth of the conversion time. What the
    # conversion makes is collected as usual; `unfreeze` puts everything back as it was.
    gc.freeze()
    try:
        for output in iter_conversion(read_export(export, progress=progress), schema=schema_obj, gold_rule=gold_rule,
                                      all_annotations=all_annotations, stats=stats):
            if output.reject is not None:
                writers.write("rejects.jsonl", output.reject.as_row())
                continue
            record = output.record
            assert record is not None
            line = writers.write(f"{output.destination}.jsonl", record)
            if output.destination != "records":
                continue
            name = split_of(output.split_key, splits)
            split_writers[name].add(rows.row(record), record_json=line)
            split_rows[name] += 1
            annotators[str(record.get("annotator"))] += 1
            labels["entities"].update(e["label"] for e in record["entities"])
            labels["quote_kinds"].update(str(q["kind"]) for q in record["quotes"])
            labels["events"].update(e["type"] for e in record["events"])
            labels["roles"].update(a["role"] for e in record["events"] for a in e["arguments"])
        for writer in split_writers.values():
            writer.close()
        stats.check()
        files = dict(writers.lines)
        files.update({f"{name}.jsonl": writer.rows for name, writer in split_writers.items()})
        expected_rejects = sum(sum(c.values()) for c in stats.rejects.values())
        if files.get("records.jsonl", 0) != stats.annotations_out["records"] or files.get("rejects.jsonl", 0) != expected_rejects:
            raise ConversionError(
                f"{out}: wrote {files.get('records.jsonl', 0)} records and {files.get('rejects.jsonl', 0)} rejects but counted "
                f"{stats.annotations_out['records']} and {expected_rejects}; this is a bug in annotate, please report it."
            )
        for name in ("records.jsonl", "rejects.jsonl"):
            if name not in files:
                (out / name).touch()
                files[name] = 0
        writers.close()
        install_dataset_dict(out, {name: w.folder for name, w in split_writers.items()})
    finally:
        gc.unfreeze()
        writers.close()
        for writer in split_writers.values():
            writer.abort()
        shutil.rmtree(build, ignore_errors=True)
    summary = ConversionSummary(
        export=str(export),
        out_dir=str(out),
        schema=schema,
        gold_rule=gold_rule,
        all_annotations=all_annotations,
        counts={**stats.as_dict(), "bio_conflicts": rows.conflicts},
        files=dict(sorted(files.items())),
        splits=dict(split_rows),
        labels={k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in labels.items()},
        annotators=dict(sorted(annotators.items(), key=lambda kv: (-kv[1], kv[0]))),
        bio_conflicts=rows.conflicts,
    )
    (out / "summary.json").write_text(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card(out, summary, schema_obj)
    return summary


def summary_lines(summary: ConversionSummary) -> list[str]:
    """The human summary `annotate convert` prints: what came in, what went out, why the rest did not."""
    c = summary.counts
    ann_in = c["annotations"]["in"]
    lines = [
        f"in:  {c['tasks']['in']} task(s); {sum(ann_in.values())} annotation(s) ("
        + ", ".join(f"{k} {v}" for k, v in sorted(ann_in.items())) + "); "
        + ", ".join(f"{c['items'][k]['in']} {k}" for k in ITEM_KINDS if c["items"][k]["in"] or k != "others"),
        f"out: {summary.records} record(s) in records.jsonl from {c['tasks']['with_record']} task(s); "
        + ", ".join(f"{k} {v}" for k, v in c["annotations"]["out"].items() if k != "records")
        + ("; " if len(c["annotations"]["out"]) > 1 else "")
        + f"{c['spans_out']} span(s); splits " + ", ".join(f"{k} {v}" for k, v in summary.splits.items()),
    ]
    for kind in ITEM_KINDS:
        n = c["items"][kind]
        if n["in"]:
            split = f" + {n['split']} split" if n.get("split") else ""
            lines.append(f"     {kind}: {n['in']} in{split} = {n['out']} out + {n['rejected']} rejected + {n['set_aside']} in rejected annotations")
    for level in ("task", "annotation", "item"):
        if c["rejects"][level]:
            lines.append(f"rejected {level}s: " + ", ".join(f"{reason} {n}" for reason, n in sorted(c["rejects"][level].items())))
    if c["repairs"]:
        lines.append("repaired: " + ", ".join(f"{k} {v}" for k, v in sorted(c["repairs"].items())))
    if c["offsets"].get("utf16"):
        lines.append(f"offsets: {c['offsets']['utf16']} region(s) in UTF-16 code units converted to code points")
    if summary.bio_conflicts:
        lines.append(f"bio: {summary.bio_conflicts} entity span(s) overlap another and are not in ner_tags (kept in entities, listed in bio_conflicts)")
    lines.append(f"-> {summary.out_dir} (rejects.jsonl: {summary.rejected} line(s))")
    return lines


__all__ = [
    "ConversionStats",
    "ConversionSummary",
    "Output",
    "convert_export",
    "iter_conversion",
    "iter_export_records",
    "looks_like_export",
    "parse_split",
    "read_export",
    "split_of",
    "summary_lines",
]
