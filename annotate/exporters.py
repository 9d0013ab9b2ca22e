"""A dataset folder (written by `annotate convert`) → CoNLL, spaCy `DocBin` or JSONL records.

Dispatch through the plain dict `EXPORTERS`; each exporter takes decoded dataset rows (labels as
strings, see `annotate.dataset.iter_saved_rows`) and an output path, and returns how many
documents it wrote. `COLUMNS` names the dataset columns each one reads: only those are read
from the Arrow shards, a record batch at a time, so memory stays flat whatever the dataset's size.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from annotate.dataset import choose_bio_entities, iter_saved_rows, row_to_record
from annotate.errors import ConversionError, InputError
from annotate.records import PROVENANCE_KEYS

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


def spacy_words(text: str, token_offsets: Sequence[dict[str, int]], *,
                spans: Iterable[tuple[int, int]] = ()) -> tuple[list[str], list[bool]]:
    """`words` and `spaces` for `spacy.tokens.Doc(vocab, words=..., spaces=...)` such that `doc.text == text`.

    Offsets are code points, half-open. The tokens are `token_offsets` (in order), each cut further
    where one of `spans` starts or ends inside it. Between two tokens, a gap that starts with a
    space gives that space to the token before as its trailing space; the rest of the gap (or a gap
    starting with other white space, e.g. `"\\n\\n"`) is a token of its own without a trailing
    space: spaCy's convention for extra white space. White space before the first token and after
    the last are tokens too. Gap tokens are cut at span boundaries like the others, and a gap's
    first space stays in the gap when a span starts at it or ends right after it, so that every
    span of `spans` is on token boundaries (`doc.char_span(start, end)` finds it).

    Example:
        >>> spacy_words("  Hi  Bob\\n\\n", [{"start": 2, "end": 4}, {"start": 6, "end": 9}])
        (['  ', 'Hi', ' ', 'Bob', '\\n\\n'], [False, True, False, False, False])
    """
    pairs = list(spans)
    starts, ends = {start for start, _ in pairs}, {end for _, end in pairs}
    points = sorted(starts | ends)
    pieces: list[tuple[int, int]] = []  # [start, end) of every token, gaps included
    spaces: list[bool] = []

    def add(start: int, end: int) -> None:
        inner = points[bisect_right(points, start):bisect_left(points, end)]
        for a, b in zip([start, *inner], [*inner, end]):
            pieces.append((a, b))
            spaces.append(False)

    position = 0
    for offsets in [*token_offsets, {"start": len(text), "end": len(text)}]:
        start = offsets["start"]
        if position < start:
            if pieces and text[position] == " " and position not in starts and position + 1 not in ends:
                spaces[-1] = True
                position += 1
            if position < start:
                add(position, start)
        if offsets["end"] > start:
            add(start, offsets["end"])
        position = offsets["end"]
    return [text[a:b] for a, b in pieces], spaces


SPACY_SHARD_DOCS = 2000  # documents per .spacy file when writing into a folder


def rows_to_spacy(rows: Iterable[Row], out: Path) -> int:
    """spaCy `DocBin`s whose every `doc.text` is the record text, character for character.

    `out` ending in `.spacy` is one file: spaCy's `DocBin` holds every document until it writes,
    so memory grows with the dataset. Any other `out` is a folder of `part-NNNNN.spacy` files of
    `SPACY_SHARD_DOCS` documents each (flat memory; `spacy train --paths.train FOLDER` reads them
    all, in name order).

    Tokens are the dataset's tokens (`token_offsets`) and, as spaCy's tokenizer makes them, white
    space other than one space between tokens as tokens of its own (`spacy_words`); a token is cut
    further where a quote or trigger starts or ends inside it (rare: the dataset's tokens are cut at
    entity boundaries only). So every span lands on the same characters as in the record:

    - `doc.ents`: the entities IOB2 can express (`annotate.dataset.choose_bio_entities`, as in
      `ner_tags`); `doc.user_data["entities_not_in_ents"]` counts the overlapping ones left out;
    - `doc.spans["entities"]` every entity (overlaps too), `doc.spans["quotes"]` (label = kind, else
      QUOTE) and `doc.spans["triggers"]` (label = event type);
    - `doc.user_data["record"]`: the whole record as JSON (id, provenance, speakers, cues, arguments).
    """
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    one_file = out.suffix == ".spacy"
    if not one_file:
        out.mkdir(parents=True, exist_ok=True)
    doc_bin = DocBin(store_user_data=True)
    count = shard = 0
    for row in rows:
        doc_bin.add(row_to_doc(row, vocab))
        count += 1
        if not one_file and count % SPACY_SHARD_DOCS == 0:
            doc_bin.to_disk(out / f"part-{shard:05d}.spacy")
            doc_bin, shard = DocBin(store_user_data=True), shard + 1
    if one_file:
        doc_bin.to_disk(out)
    elif len(doc_bin) or shard == 0:
        doc_bin.to_disk(out / f"part-{shard:05d}.spacy")
    return count


def row_to_doc(row: Row, vocab: Any) -> Any:
    """One dataset row as a spaCy `Doc` (see `rows_to_spacy` for what it carries)."""
    from spacy.tokens import Doc

    text = row["text"]
    entities = [(e["start"], e["end"], e["label"]) for e in row["entities"]]
    quotes = [(q["start"], q["end"], q["kind"] or "QUOTE") for q in row["quotes"]]
    triggers = [(e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in row["events"]]
    words, spaces = spacy_words(text, row["token_offsets"], spans=[(s, e) for s, e, _ in (*entities, *quotes, *triggers)])
    doc = Doc(vocab, words=words, spaces=spaces)

    def spans(triples: Iterable[tuple[int, int, str]]) -> list[Any]:
        found = []
        for start, end, label in triples:
            span = doc.char_span(start, end, label=label)
            if span is None:  # spacy_words cuts at every boundary; say so loudly if it fails
                raise ConversionError(f"record {row['id']!r}: span [{start}, {end}) {label!r} is not on spaCy token "
                                      "boundaries; this is a bug in annotate, please report it.")
            found.append(span)
        return found

    placed, conflicts = choose_bio_entities(row["entities"])
    doc.ents = spans((e["start"], e["end"], e["label"]) for e in placed)
    doc.spans["entities"] = spans(entities)
    doc.spans["quotes"] = spans(quotes)
    doc.spans["triggers"] = spans(triggers)
    doc.user_data["record"] = json.dumps(row_to_record(row), ensure_ascii=False)
    doc.user_data["entities_not_in_ents"] = len(conflicts)
    return doc


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
_RECORD_COLUMNS = ("id", "text", "entities", "quotes", "events", *PROVENANCE_KEYS)
COLUMNS: dict[str, tuple[str, ...]] = {
    "conll": ("tokens", "ner_tags"),
    "spacy": (*_RECORD_COLUMNS, "token_offsets"),
    "jsonl": _RECORD_COLUMNS,
}


def export_dataset(dataset_path: str | Path, out: str | Path, *, fmt: str, splits: Sequence[str] | None = None) -> int:
    """Write the rows of `dataset_path` (every split in order, or those named) as `fmt` into `out`.

    The rows are streamed from the saved Arrow shards (`annotate.dataset.iter_saved_rows`, the
    columns of `COLUMNS[fmt]` only): peak memory does not grow with the dataset.

    Returns:
        The number of documents written.

    Raises:
        InputError: not a dataset folder, an unknown split or format, or `out` cannot be written.
    """
    if fmt not in EXPORTERS:
        raise InputError(f"Unknown export format {fmt!r}; choose one of {', '.join(EXPORTERS)}.")
    rows = iter_saved_rows(dataset_path, splits=splits, columns=COLUMNS[fmt])
    first = next(rows, None)  # a bad folder or split is an error before `out` is created
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return EXPORTERS[fmt](chain([] if first is None else [first], rows), out)
    except OSError as exc:
        raise InputError(f"{out}: cannot be written ({exc.strerror}); choose another --out.") from None
