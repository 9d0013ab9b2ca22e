"""A dataset folder (written by `annotate convert`) → CoNLL, spaCy `DocBin` or JSONL records.

Dispatch through the plain dict `EXPORTERS`; each exporter takes decoded dataset rows (labels as
strings, see `annotate.dataset.iter_decoded_rows`) and an output path, and returns how many
documents it wrote.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from annotate.dataset import iter_decoded_rows, load_dataset_dict, row_to_record
from annotate.errors import InputError

Row = dict[str, Any]
_SPACE = re.compile(r"\s")


def rows_to_conll(rows: Iterable[Row], out: Path) -> int:
    """CoNLL, IOB2, one `TOKEN TAG` a line; `-DOCSTART- O` and a blank line open each document.

    White space inside a token (a no-break space spaCy kept) is written as `_`, so that every
    line has exactly two columns.
    """
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as stream:
        for row in rows:
            stream.write("-DOCSTART- O\n\n")
            for token, tag in zip(row["tokens"], row["ner_tags"]):
                stream.write(f"{_SPACE.sub('_', token)} {tag}\n")
            stream.write("\n")
            count += 1
    return count


def rows_to_spacy(rows: Iterable[Row], out: Path) -> int:
    """A spaCy `DocBin`: `doc.text` is the record text, tokens are the dataset's tokens,
    `doc.ents` the IOB2 entities, `doc.spans["entities"]` every entity (overlaps too),
    `doc.spans["quotes"]` (label = kind) and `doc.spans["triggers"]` (label = event type);
    `doc.user_data` holds the id and provenance."""
    import spacy
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("en").vocab
    doc_bin = DocBin(store_user_data=True)
    count = 0
    for row in rows:
        text, offsets = row["text"], row["token_offsets"]
        words = [text[o["start"]:o["end"]] for o in offsets]
        spaces = [offsets[i]["end"] < (offsets[i + 1]["start"] if i + 1 < len(offsets) else len(text)) for i in range(len(offsets))]
        doc = Doc(vocab, words=words, spaces=spaces)
        # Doc text differs from the record text where white space is not a single space; map by token.
        starts = {o["start"]: i for i, o in enumerate(offsets)}
        ends = {o["end"]: i for i, o in enumerate(offsets)}

        def span(start: int, end: int, label: str) -> Any:
            first, last = starts.get(start), ends.get(end)
            if first is None or last is None:
                return None
            return doc[first:last + 1] if not label else spacy.tokens.Span(doc, first, last + 1, label=label)

        conflicts = {(c["start"], c["end"], c["label"]) for c in row["bio_conflicts"]}
        ents = [span(e["start"], e["end"], e["label"]) for e in row["entities"] if (e["start"], e["end"], e["label"]) not in conflicts]
        doc.ents = [e for e in ents if e is not None]
        doc.spans["entities"] = [s for s in (span(e["start"], e["end"], e["label"]) for e in row["entities"]) if s is not None]
        doc.spans["quotes"] = [s for s in (span(q["start"], q["end"], q["kind"] or "QUOTE") for q in row["quotes"]) if s is not None]
        doc.spans["triggers"] = [s for s in (span(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in row["events"]) if s is not None]
        doc.user_data["record"] = json.dumps(row_to_record(row), ensure_ascii=False)
        doc_bin.add(doc)
        count += 1
    doc_bin.to_disk(out)
    return count


def rows_to_jsonl(rows: Iterable[Row], out: Path) -> int:
    """Canonical records, one a line (the token columns dropped)."""
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as stream:
        for row in rows:
            stream.write(json.dumps(row_to_record(row), ensure_ascii=False) + "\n")
            count += 1
    return count


EXPORTERS: dict[str, Callable[[Iterable[Row], Path], int]] = {
    "conll": rows_to_conll,
    "spacy": rows_to_spacy,
    "jsonl": rows_to_jsonl,
}


def export_dataset(dataset_path: str | Path, out: str | Path, *, fmt: str, splits: Sequence[str] | None = None) -> int:
    """Write the rows of `dataset_path` (every split in order, or those named) as `fmt` into `out`.

    Returns:
        The number of documents written.

    Raises:
        InputError: not a dataset folder, an unknown split or format, or `out` cannot be written.
    """
    if fmt not in EXPORTERS:
        raise InputError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}.")
    dataset = load_dataset_dict(dataset_path)
    names = list(splits) if splits else list(dataset)
    for name in names:
        if name not in dataset:
            raise InputError(f"{dataset_path}: no split {name!r}; the dataset has {', '.join(dataset)}.")

    def rows() -> Iterable[Row]:
        for name in names:
            yield from iter_decoded_rows(dataset[name])

    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return EXPORTERS[fmt](rows(), out)
    except OSError as exc:
        raise InputError(f"{out}: cannot be written ({exc.strerror}); choose another --out.") from None
