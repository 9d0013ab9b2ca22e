"""The CoNLL column format: one token a line, the gold tag and the predicted tag in the last two columns.

Reading follows conlleval: columns are separated by white space; the number of columns is set by
the first non-blank line and a line with another number is an error naming the line; a blank line,
or a line whose first column is `-X-`, ends a sentence and is not a token; a `-DOCSTART-` line is
an ordinary token line to the tagger (conlleval counts it, its tags are normally O) and starts a
new document for us (documents are the units of the bootstrap; without `-DOCSTART-` lines the
sentences are).

Chunks are decoded with conlleval's rules (the `conlleval` Python port, which extends
`conlleval.pl` with S- tags as seqeval does): a chunk starts at a B- or S- tag, at an I- or E- tag
after O or after the end of a chunk, or where the type changes; it ends before a B-, S- or O tag,
after an E- or S- tag, or where the type changes. So an I- tag after O starts a chunk, and an I- of
another type starts a new one. `--scheme` names the tags the file should use (BILOU's L- and U-
are read as E- and S-); a tag the scheme does not produce where it stands is malformed: it is read
as above and counted by kind, for the warning in the report.

The reader works on the bytes with numpy: no Python loop per line.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Sequence

import numpy as np
import numpy.typing as npt

from annotate.errors import ScoreError, shorten
from annotate.metrics.spanarrays import IntArray, SpanArrays

if TYPE_CHECKING:
    from annotate.metrics.labelmap import LabelMap, LabelMapReport

Codes = npt.NDArray[np.signedinteger[Any]]  # small integer codes (tag, prefix, type), any width
SchemeTag = Literal["IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU"]
TAG_SCHEMES: tuple[SchemeTag, ...] = ("IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU")

# prefix codes
O, B, I, E, S, OPEN, CLOSE, DOT, OTHER = range(9)  # noqa: E741
_PREFIX = {"O": O, "B": B, "I": I, "E": E, "S": S, "[": OPEN, "]": CLOSE, ".": DOT}
_ALLOWED: dict[str, frozenset[int]] = {
    "IOB1": frozenset({B, I}),
    "IOB2": frozenset({B, I}),
    "IOE1": frozenset({I, E}),
    "IOE2": frozenset({I, E}),
    "IOBES": frozenset({B, I, E, S}),
    "BILOU": frozenset({B, I, E, S}),
}
_TAG = re.compile(r"^([^-]*)-(.*)$", re.S)
_LETTER = {O: "O", B: "B", I: "I", E: "E", S: "S", OPEN: "[", CLOSE: "]", DOT: ".", OTHER: "?"}


@dataclass(frozen=True)
class TagTable:
    """The distinct tags of a file: text, prefix code and type code of each."""

    tags: tuple[str, ...]
    prefix: npt.NDArray[np.int8]
    type: npt.NDArray[np.int32]
    types: tuple[str, ...]  # types[0] == "" (the O tag's)
    known: npt.NDArray[np.bool_]  # the tag is one the scheme produces (O, or an allowed prefix with a type)


def tag_table(tags: list[str], scheme: SchemeTag) -> TagTable:
    """Split tags as conlleval does (prefix before the first hyphen, type after it).

    Example:
        >>> t = tag_table(["O", "B-PER", "U-LOC", "I-ORG-X"], "BILOU")
        >>> t.prefix.tolist(), [t.types[i] for i in t.type.tolist()]
        ([0, 1, 4, 2], ['', 'PER', 'LOC', 'ORG-X'])
    """
    types: dict[str, int] = {"": 0}
    prefix, type_codes, known = [], [], []
    for tag in tags:
        m = _TAG.match(tag)
        head, kind = (m.group(1), m.group(2)) if m else (tag, "")
        if scheme == "BILOU" and head in ("L", "U"):
            head = "E" if head == "L" else "S"
        elif scheme != "BILOU" and head in ("L", "U"):
            head = "?"
        code = _PREFIX.get(head, OTHER)
        prefix.append(code)
        type_codes.append(types.setdefault(kind, len(types)))
        known.append((code == O and kind == "") or (code in _ALLOWED[scheme] and kind != ""))
    return TagTable(
        tuple(tags),
        np.array(prefix, dtype=np.int8),
        np.array(type_codes, dtype=np.int32),
        tuple(types),
        np.array(known, dtype=bool),
    )


@dataclass(frozen=True)
class ConllFile:
    """A CoNLL file read into arrays (one entry per token line; boundary lines are not tokens)."""

    path: Path
    data: bytes
    token_start: npt.NDArray[np.signedinteger[Any]]  # byte offsets of the token column (int32 under 2 GB)
    token_end: npt.NDArray[np.signedinteger[Any]]
    line: npt.NDArray[np.signedinteger[Any]]  # 1-based line number of each token
    gold: npt.NDArray[np.int32]  # tag codes into `table`
    pred: npt.NDArray[np.int32]
    sentence_start: npt.NDArray[np.bool_]
    doc_start: npt.NDArray[np.bool_]
    table: TagTable
    scheme: SchemeTag
    columns: int

    def __len__(self) -> int:
        return int(self.gold.shape[0])

    def token(self, i: int) -> str:
        return self.data[int(self.token_start[i]) : int(self.token_end[i])].decode("utf-8", "replace")

    @property
    def unit(self) -> Literal["document", "sentence"]:
        """What a bootstrap resamples: documents when the file marks them, else sentences."""
        return "document" if bool(self.doc_start.any()) else "sentence"

    def unit_index(self) -> IntArray:
        """The resampling unit (document or sentence) of every token, numbered from 0."""
        marks = self.doc_start if self.unit == "document" else self.sentence_start
        index = np.cumsum(marks) - 1
        out: IntArray = np.maximum(index, 0).astype(np.int64)
        return out


BLOCK = 1 << 20  # bytes per block: 1 MB keeps the reader's temporaries (a few times this) small


def _index_dtype(limit: int) -> type[np.signedinteger[Any]]:
    """The narrowest of int32 and int64 that holds every value below `limit` (halves the memory
    of the per-token arrays on any file under 2 GB)."""
    return np.int32 if limit < (1 << 31) - 64 else np.int64


def read_conll(path: Path, *, scheme: SchemeTag = "IOB2") -> ConllFile:
    """Read a CoNLL file (token, ..., gold tag, predicted tag per line) into arrays.

    The bytes are processed in blocks of whole lines, written straight into per-token arrays
    sized by the number of lines (int32 below 2 GB), so memory beyond the file and those arrays
    stays a few blocks.

    Raises:
        ScoreError: the file cannot be read, has fewer than 3 columns, or a line has a number of
            columns other than the first line's (the message names the line).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ScoreError(f"{path}: cannot be read ({exc.strerror}); check the path.") from None
    buf = np.frombuffer(data, dtype=np.uint8)
    if buf.size == 0:
        raise ScoreError(f"{path}: the file is empty; expected lines of token, gold tag, predicted tag.")
    n_lines = data.count(b"\n") + 1
    offset_t, line_t = _index_dtype(buf.shape[0]), _index_dtype(n_lines + 1)
    out = _Columns(
        np.empty(n_lines, dtype=offset_t), np.empty(n_lines, dtype=offset_t), np.empty(n_lines, dtype=line_t),
        np.empty(n_lines, dtype=np.int32), np.empty(n_lines, dtype=np.int32),
    )
    vocab: dict[bytes, int] = {}
    shape: list[int] = []  # [columns, first line number]
    line_base, lo, n = 0, 0, 0
    while lo < buf.shape[0]:
        cut = data.find(b"\n", lo + BLOCK)
        hi = buf.shape[0] if cut < 0 else cut + 1
        written, n_newlines = _read_block(path, buf, lo, hi, line_base, vocab, shape, out, n)
        n += written
        line_base += n_newlines
        lo = hi
    if n == 0:
        raise ScoreError(f"{path}: no token lines; expected lines of token, gold tag, predicted tag.")
    columns = shape[0]
    token_start, token_end, line, gold_codes, pred_codes = (column[:n] for column in out)

    # -X- lines end a sentence like blank lines and are not tokens
    is_x = _spells(buf, token_start, token_end, b"-X-")
    sentence_start = np.ones(n, dtype=bool)
    sentence_start[1:] = (line[1:] != line[:-1] + 1) | is_x[:-1]
    doc_start = _spells(buf, token_start, token_end, b"-docstart-", fold=True)
    tags = [key.decode("utf-8", "replace") for key in vocab]
    table = tag_table(tags, scheme)
    if not is_x.any():
        return ConllFile(Path(path), data, token_start, token_end, line, gold_codes, pred_codes,
                         sentence_start, doc_start, table, scheme, columns)
    keep = ~is_x
    return ConllFile(
        Path(path), data, token_start[keep], token_end[keep], line[keep], gold_codes[keep], pred_codes[keep],
        sentence_start[keep], doc_start[keep], table, scheme, columns,
    )


class _Columns(NamedTuple):
    """The reader's output arrays, one entry per token line: token offsets, line number, tag codes."""

    token_start: npt.NDArray[np.signedinteger[Any]]
    token_end: npt.NDArray[np.signedinteger[Any]]
    line: npt.NDArray[np.signedinteger[Any]]
    gold: npt.NDArray[np.int32]
    pred: npt.NDArray[np.int32]


def _is_word(block: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Bytes that are not white space (tab, newline, vertical tab, form feed, carriage return, space)."""
    word: npt.NDArray[np.bool_] = (block < 9) | ((block > 13) & (block != 32))
    return word


def _read_block(
    path: Path, buf: npt.NDArray[np.uint8], lo: int, hi: int, line_base: int, vocab: dict[bytes, int],
    shape: list[int], out: _Columns, at: int,
) -> tuple[int, int]:
    """Write the token lines of `buf[lo:hi]` (whole lines) into `out` from index `at`: token offsets,
    line numbers, tag codes. Returns (token lines written, newlines seen)."""
    block = buf[lo:hi]
    # word bytes with a white space byte either side: edge k is where word[k - 1] != word[k], in
    # block offsets, so starts and ends alternate
    word = np.zeros(block.shape[0] + 2, dtype=bool)
    word[1:-1] = _is_word(block)
    edges = np.flatnonzero(word[1:] != word[:-1])
    del word
    field_start, field_end = edges[0::2], edges[1::2]
    newlines = np.flatnonzero(block == 10)
    # fields before each newline, so fields per line (one search per line, not per field)
    before = np.searchsorted(field_start, newlines)
    per_line = np.diff(before, prepend=0, append=field_start.shape[0])
    del before
    filled = np.flatnonzero(per_line)
    if filled.size == 0:
        return 0, int(newlines.shape[0])
    if not shape:
        shape += [int(per_line[filled[0]]), line_base + int(filled[0]) + 1]
        if shape[0] < 3:
            raise ScoreError(
                f"{path}:{shape[1]}: {shape[0]} column(s); expected token, gold tag and predicted tag "
                "(add the predictions as a last column)."
            )
    columns, first_line = shape
    counts = per_line[filled]
    if bool((counts != columns).any()):
        n = int(filled[np.flatnonzero(counts != columns)[0]])
        raise ScoreError(
            f"{path}:{line_base + n + 1}: {int(per_line[n])} columns, but line {first_line} has {columns}; "
            "every token line needs the same columns (token ... gold tag, predicted tag)."
        )
    # every filled line has `columns` fields, so its fields are consecutive: line k's first field
    # is k * columns
    k = filled.shape[0]
    first = np.arange(0, k * columns, columns)
    stop = at + k
    out.token_start[at:stop] = field_start[first]
    out.token_start[at:stop] += lo
    out.token_end[at:stop] = field_end[first]
    out.token_end[at:stop] += lo
    out.line[at:stop] = filled
    out.line[at:stop] += line_base + 1
    first += columns - 2
    gold_start, gold_end = field_start[first], field_end[first]
    first += 1
    pred_start, pred_end = field_start[first], field_end[first]
    _tag_codes(block, gold_start, gold_end, pred_start, pred_end, vocab, out.gold[at:stop], out.pred[at:stop])
    return k, int(newlines.shape[0])


def _spells(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.signedinteger[Any]], ends: npt.NDArray[np.signedinteger[Any]],
    word: bytes, *, fold: bool = False,
) -> npt.NDArray[np.bool_]:
    """Whether the field `[starts, ends)` is `word` (ASCII case folded with `fold`); only fields of
    the right length are looked at."""
    out = np.zeros(starts.shape[0], dtype=bool)
    candidates = np.flatnonzero(ends - starts == len(word))
    ok = np.ones(candidates.shape[0], dtype=bool)
    for k, byte in enumerate(word):
        got = buf[starts[candidates] + k]
        if fold:
            got = np.where((got >= 65) & (got <= 90), got + 32, got)
        ok &= got == byte
    out[candidates[ok]] = True
    return out


_LOW_BYTES = np.array([0] + [(1 << (8 * k)) - 1 for k in range(1, 8)] + [(1 << 64) - 1], dtype=np.uint64)


def _tag_codes(
    block: npt.NDArray[np.uint8], gs: IntArray, ge: IntArray, ps: IntArray, pe: IntArray, vocab: dict[bytes, int],
    gold_out: npt.NDArray[np.int32], pred_out: npt.NDArray[np.int32],
) -> None:
    """Codes of the gold and predicted tags of a block (offsets into `block`) into `gold_out` and
    `pred_out`; `vocab` (tag bytes -> code) grows as tags are met.

    Each tag is read as one or more uint64 words straight from the bytes (one gather from an
    unaligned view, no Python object per tag); the distinct words are found from a sample and
    checked against every tag, falling back to a full `np.unique` when the sample missed one.
    """
    n = gs.shape[0]
    starts = np.concatenate([gs, ps])
    lengths = np.concatenate([ge - gs, pe - ps])
    n_words = (int(lengths.max()) + 7) // 8
    padded = np.zeros(block.shape[0] + 8 * n_words + 8, dtype=np.uint8)
    padded[: block.shape[0]] = block
    # the 8 bytes from every offset as a little-endian uint64: an overlapping, unaligned view
    view: npt.NDArray[np.uint64] = np.ndarray((padded.shape[0] - 7,), dtype="<u8", buffer=padded, strides=(1,))

    def words(w: int) -> npt.NDArray[np.uint64]:
        got: npt.NDArray[np.uint64] = view[starts + 8 * w if w else starts]
        got &= _LOW_BYTES[np.clip(lengths - 8 * w, 0, 8)]
        return got

    if n_words == 1:
        flat = words(0)
        candidates = np.unique(flat[:: max(1, flat.shape[0] // 20000)])
        position = np.minimum(np.searchsorted(candidates, flat), candidates.shape[0] - 1)
        if bool((candidates[position] == flat).all()):
            uniq, inverse = candidates, position
        else:
            uniq, inverse = np.unique(flat, return_inverse=True)
        rows = [int(x).to_bytes(8, "little") for x in uniq.tolist()]
    else:
        keys = np.stack([words(w) for w in range(n_words)], axis=1)
        uniq_rows, inverse = np.unique(keys, axis=0, return_inverse=True)
        rows = [b"".join(int(x).to_bytes(8, "little") for x in row) for row in uniq_rows.tolist()]
    table = np.array([vocab.setdefault(row.rstrip(b"\0"), len(vocab)) for row in rows], dtype=np.int32)
    codes = table[inverse.ravel()]
    gold_out[:] = codes[:n]
    pred_out[:] = codes[n:]


@dataclass(frozen=True)
class Decoded:
    """Chunks decoded from one tag column, and the malformed tags met on the way."""

    spans: SpanArrays  # token indices into the file; `doc` is the resampling unit
    malformed: Counter[str] = field(default_factory=Counter)
    malformed_lines: tuple[int, ...] = ()


def decode(conll: ConllFile, side: Literal["gold", "pred"], *, doc: IntArray | None = None) -> Decoded:
    """Decode the chunks of one tag column with conlleval's rules.

    Spans are `[start, end)` token indices into the whole file (so they never cross a sentence),
    with `doc` the resampling unit of their first token (default: `conll.unit_index()`).
    """
    codes = conll.gold if side == "gold" else conll.pred
    table = conll.table
    types = table.types
    cur_p = table.prefix[codes]
    cur_t = table.type[codes]
    prev_p = np.empty_like(cur_p)
    prev_t = np.empty_like(cur_t)
    prev_p[0], prev_t[0] = O, 0
    prev_p[1:], prev_t[1:] = cur_p[:-1], cur_t[:-1]
    prev_p[conll.sentence_start] = O
    prev_t[conll.sentence_start] = 0
    start, end = chunk_flags(prev_p, cur_p, prev_t, cur_t)
    starts = np.flatnonzero(start)
    closers = np.flatnonzero(end | start | conll.sentence_start)
    closers = np.append(closers, cur_p.shape[0])
    stops = closers[np.searchsorted(closers, starts, side="right")]
    unit = conll.unit_index() if doc is None else doc
    spans = SpanArrays(unit[starts], starts.astype(np.int64), stops.astype(np.int64), cur_t[starts].astype(np.int64), types)
    malformed, lines = _malformed(conll, codes, spans)
    # conlleval counts a chunk start that no chunk end precedes (an unknown tag followed by B- or
    # S- of its type) as a new chunk but keeps scoring the old one: no span reading gives its
    # numbers there, so we say so
    unclosed = int((start[1:] & ~end[1:] & ~conll.sentence_start[1:] & (cur_p[:-1] != O)).sum())
    if unclosed:
        malformed["chunk start with no end before it (conlleval's count may differ)"] += unclosed
    return Decoded(spans, malformed, lines)


def chunk_flags(
    prev_p: Codes, cur_p: Codes, prev_t: Codes, cur_t: Codes
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """conlleval's startOfChunk and endOfChunk (with S- tags, as in the Python port), over arrays.

    `end[i]` says a chunk ended between token i-1 and token i; `start[i]` that one starts at i.
    """
    type_change = prev_t != cur_t
    prev_in = (prev_p == B) | (prev_p == I)
    end = (
        (prev_p == E)
        | (prev_p == S)
        | (prev_in & ((cur_p == B) | (cur_p == S) | (cur_p == O)))
        | ((prev_p != O) & (prev_p != DOT) & type_change)
        | (prev_p == OPEN)
        | (prev_p == CLOSE)
    )
    inner = (cur_p == E) | (cur_p == I)
    start = (
        (cur_p == B)
        | (cur_p == S)
        | (((prev_p == E) | (prev_p == S) | (prev_p == O)) & inner)
        | ((cur_p != O) & (cur_p != DOT) & type_change)
        | (cur_p == OPEN)
        | (cur_p == CLOSE)
    )
    return start, end


def encode(
    spans: SpanArrays, n_tokens: int, scheme: SchemeTag, *, sentence_start: npt.NDArray[np.bool_] | None = None
) -> tuple[Codes, Codes]:
    """Prefix and type codes that `scheme` writes for `spans` (labels are `TagTable` type codes).

    Spans are token offsets into one sequence; adjacency of same-type chunks decides IOB1's B-
    and IOE1's E- tags.
    """
    prefix = np.full(n_tokens, O, dtype=np.int8)
    kind = np.zeros(n_tokens, dtype=np.int32)
    if len(spans) == 0:
        return prefix, kind
    s, e, t = spans.start, spans.end, spans.label
    lengths = e - s
    inside = np.repeat(t, lengths)
    positions = np.repeat(s - np.cumsum(np.concatenate([[0], lengths[:-1]])), lengths) + np.arange(int(lengths.sum()))
    kind[positions] = inside
    prefix[positions] = I
    order = np.argsort(s, kind="stable")
    s, e, t = s[order], e[order], t[order]
    follows_same = np.zeros(s.shape[0], dtype=bool)  # chunk k starts right where chunk k-1 (same type) ends
    follows_same[1:] = (s[1:] == e[:-1]) & (t[1:] == t[:-1])
    if sentence_start is not None:
        follows_same &= ~sentence_start[s]
    single = e - s == 1
    if scheme == "IOB2":
        prefix[s] = B
    elif scheme == "IOB1":
        prefix[s[follows_same]] = B
    elif scheme == "IOE2":
        prefix[e - 1] = E
    elif scheme == "IOE1":
        followed = np.zeros(s.shape[0], dtype=bool)
        followed[:-1] = follows_same[1:]
        prefix[(e - 1)[followed]] = E
    else:  # IOBES, BILOU (L/U read as E/S)
        prefix[s] = B
        prefix[e - 1] = E
        prefix[s[single]] = S
    return prefix, kind


def _malformed(conll: ConllFile, codes: Codes, spans: SpanArrays) -> tuple[Counter[str], tuple[int, ...]]:
    """Tags that differ from what the scheme writes for the decoded chunks, counted by kind."""
    table = conll.table
    prefix, kind = encode(spans, codes.shape[0], conll.scheme, sentence_start=conll.sentence_start)
    have_p, have_t = table.prefix[codes], table.type[codes]
    known = table.known[codes]
    wrong = (have_p != prefix) | (have_t != kind) | ~known
    counter: Counter[str] = Counter()
    idx = np.flatnonzero(wrong)
    if idx.size == 0:
        return counter, ()
    prev_p = np.full(idx.shape[0], O, dtype=np.int64)
    prev_t = np.zeros(idx.shape[0], dtype=np.int64)
    has_prev = (idx > 0) & ~conll.sentence_start[idx]
    prev_p[has_prev] = table.prefix[codes[idx[has_prev] - 1]]
    prev_t[has_prev] = table.type[codes[idx[has_prev] - 1]]
    reason = np.where(
        ~known[idx], 0, np.where(prev_p == O, 1, np.where(prev_t != have_t[idx], 2, 3))
    )
    names = ("unknown tag", "{}- after O", "{}- after another type", "{}- out of place")
    for r, p in zip(reason.tolist(), have_p[idx].tolist()):
        counter[names[r].format(_LETTER[p])] += 1
    return counter, tuple(conll.line[idx[:20]].tolist())


def conll_spans(conll: ConllFile) -> tuple[Decoded, Decoded]:
    """Decoded gold and predicted chunks of a file."""
    unit = conll.unit_index()
    return decode(conll, "gold", doc=unit), decode(conll, "pred", doc=unit)


def describe_malformed(counter: Counter[str]) -> str:
    """One line: "12 (I- after O 10, unknown tag 2)"."""
    total = sum(counter.values())
    parts = ", ".join(f"{name} {count}" for name, count in counter.most_common())
    return f"{total} ({parts})" if total else "0"


def check_tag(tag: str) -> str:
    return shorten(tag, 30)


# ------------------------------------------------------------------ label mapping (--label-map)


def map_conll_tags(conll: ConllFile, label_map: LabelMap) -> ConllFile:
    """`conll` with the types of its predicted tags (and gold's with `map_gold`) mapped, for the
    token-level report: `B-GPE` becomes `B-LOC`, a dropped type becomes `O`. Chunks are scored
    from `map_conll`'s spans, not from these tags.

    Example:
        >>> from annotate.metrics.labelmap import LabelMap
        >>> t = tag_table(["O", "B-GPE", "I-GPE", "B-NORP"], "IOB2")
        >>> f = ConllFile(Path("x"), b"", *(np.zeros(3, dtype=np.int32),) * 3, np.array([0, 1, 2], dtype=np.int32),
        ...               np.array([3, 1, 2], dtype=np.int32), np.ones(3, bool), np.zeros(3, bool), t, "IOB2", 3)
        >>> m = map_conll_tags(f, LabelMap({"GPE": "LOC", "NORP": None}))
        >>> [m.table.tags[c] for c in m.pred.tolist()], [m.table.tags[c] for c in m.gold.tolist()]
        (['O', 'B-LOC', 'I-LOC'], ['O', 'B-GPE', 'I-GPE'])
    """
    from annotate.metrics.labelmap import map_label

    tags = list(conll.table.tags)
    index = {tag: i for i, tag in enumerate(tags)}
    table = []
    for code, tag in enumerate(tags):
        m = _TAG.match(tag)
        if m is None or not m.group(2):
            table.append(code)
            continue
        new = map_label(m.group(2), label_map)
        table.append(index.setdefault("O" if new is None else f"{m.group(1)}-{new}", len(index)))
    codes = np.array(table, dtype=np.int32)
    pred = codes[conll.pred]
    gold = codes[conll.gold] if label_map.map_gold else conll.gold
    # keep only the tags still in use, so that the token report lists no vanished type
    used = np.unique(np.concatenate([gold, pred]))
    compact = np.zeros(len(index), dtype=np.int32)
    compact[used] = np.arange(used.shape[0], dtype=np.int32)
    names = list(index)
    return dataclasses.replace(
        conll, table=tag_table([names[i] for i in used.tolist()], conll.scheme), pred=compact[pred], gold=compact[gold]
    )


def map_conll(
    conll: ConllFile, gold: Decoded, pred: Decoded, label_map: LabelMap
) -> tuple[ConllFile, Decoded, Decoded, LabelMapReport]:
    """Apply a label map to decoded chunks: predictions always, gold with `map_gold`.

    Chunks are decoded under the file's own tags first and relabelled after (two adjacent chunks
    B-GPE, B-LOC stay two LOC chunks); dropped chunks are counted in the report. The returned file
    has mapped tags for the token report (`map_conll_tags`); malformed-tag counts are the file's.
    """
    from annotate.metrics.labelmap import LabelMapReport, map_span_arrays

    pred_spans, pred_counts = map_span_arrays(pred.spans, label_map)
    pred = dataclasses.replace(pred, spans=pred_spans)
    gold_counts = None
    if label_map.map_gold:
        gold_spans, gold_counts = map_span_arrays(gold.spans, label_map)
        gold = dataclasses.replace(gold, spans=gold_spans)
    return map_conll_tags(conll, label_map), gold, pred, LabelMapReport(label_map, pred_counts, gold_counts)


# ------------------------------------------------------------------ IOB2 with text (UD-style .iob2)


def iob2_sentence_record(
    sent_id: str, text: str, tokens: Sequence[str], tags: Sequence[str], *, where: str = ""
) -> dict[str, Any]:
    """A canonical record of one sentence: its text, and entity spans from strict IOB2 `tags`.

    Each token is looked up in `text` from where the previous one ended, with only white space
    allowed in between; offsets are half-open code points.

    Raises:
        ScoreError: a token not found in order in the text, or a malformed IOB2 sequence.

    Example:
        >>> r = iob2_sentence_record("s1", "Obama met Kori Schulman.", ["Obama", "met", "Kori", "Schulman", "."],
        ...                          ["B-PER", "O", "B-PER", "I-PER", "O"])
        >>> [(e["start"], e["end"], e["label"], e["text"]) for e in r["entities"]]
        [(0, 5, 'PER', 'Obama'), (10, 23, 'PER', 'Kori Schulman')]
    """
    from annotate.errors import SpanError
    from annotate.spans import Token, bio_to_spans

    place = where or sent_id
    found: list[Token] = []
    pos = 0
    for i, token in enumerate(tokens):
        at = text.find(token, pos)
        if at < 0 or text[pos:at].strip():
            raise ScoreError(
                f"{place}: token {i + 1} {shorten(token, 30)} is not the next word of the sentence text "
                f"(after {shorten(text[max(0, pos - 20):pos], 30)}); the tokens must spell the `# text` line in order."
            )
        found.append(Token(at, at + len(token), token))
        pos = at + len(token)
    try:
        spans = bio_to_spans(list(tags), found)
    except SpanError as exc:
        raise ScoreError(f"{place}: {exc.message}") from None
    entities = [{"start": s.start, "end": s.end, "label": s.label, "text": text[s.start:s.end]} for s in spans]
    return {"id": sent_id, "text": text, "entities": entities, "quotes": [], "events": []}


def join_sentences(doc_id: str, sentences: Sequence[dict[str, Any]], *, sep: str = "\n") -> dict[str, Any]:
    """One record of a document from its sentence records, texts joined by `sep` (offsets shifted).

    Example:
        >>> a = {"id": "s1", "text": "Hi Bob.", "entities": [{"start": 3, "end": 6, "label": "PER", "text": "Bob"}]}
        >>> b = {"id": "s2", "text": "In Rome.", "entities": [{"start": 3, "end": 7, "label": "LOC", "text": "Rome"}]}
        >>> d = join_sentences("d1", [a, b])
        >>> [d["text"][e["start"]:e["end"]] for e in d["entities"]], d["sentences"]
        (['Bob', 'Rome'], ['s1', 's2'])
    """
    texts, entities, shift = [], [], 0
    for sentence in sentences:
        texts.append(sentence["text"])
        for e in sentence["entities"]:
            entities.append({**e, "start": e["start"] + shift, "end": e["end"] + shift})
        shift += len(sentence["text"]) + len(sep)
    return {"id": doc_id, "text": sep.join(texts), "entities": entities, "quotes": [], "events": [],
            "sentences": [s["id"] for s in sentences]}


def read_iob2_text(
    path: Path, *, sent_prefix: str = "", by: Literal["sentence", "document"] = "sentence"
) -> list[dict[str, Any]]:
    """Canonical records from a UD-style IOB2 file with `# sent_id`, `# text` (and `# newdoc id`)
    comment lines and tab-separated token lines (index, token, IOB2 tag, ...), as UNER ships.

    `sent_prefix` keeps the sentences whose id starts with it (UNER English-PUD: "n" news, "w"
    Wikipedia). `by="document"` joins the sentences of each `# newdoc id` with newlines.

    Raises:
        ScoreError: the file cannot be read; a sentence without `# sent_id` or `# text`, a token
            line with fewer than 3 columns, a multi-word token range, or a token or tag sequence
            that does not fit the text (the line is named).
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoreError(f"{path}: cannot be read as UTF-8 text ({exc}); check the path.") from None
    sentences: list[tuple[str, dict[str, Any]]] = []  # (document id, record)
    doc_id, sent_id, text, start_line = "", None, None, 0
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if not tokens:
            return
        where = f"{path}:{start_line}"
        if sent_id is None or text is None:
            raise ScoreError(f"{where}: a sentence without `# sent_id` or `# text`; each sentence needs both comment lines.")
        if sent_id.startswith(sent_prefix):
            sentences.append((doc_id or sent_id, iob2_sentence_record(sent_id, text, tokens, tags, where=where)))

    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            key, eq, value = line[1:].partition("=")
            if eq and key.strip() == "newdoc id":
                doc_id = value.strip()
            elif eq and key.strip() == "sent_id":
                sent_id = value.strip()
            elif eq and key.strip() == "text":
                text = value[1:] if value.startswith(" ") else value
            continue
        if not line.strip():
            flush()
            sent_id, text, tokens, tags = None, None, [], []
            continue
        columns = line.split("\t")
        if len(columns) < 3 or not columns[0].isdigit():
            raise ScoreError(
                f"{path}:{number}: expected a token line (index, token, IOB2 tag, ... separated by tabs); "
                f"got {shorten(line, 40)} (multi-word token ranges are not read)."
            )
        if not tokens:
            start_line = number
        tokens.append(columns[1])
        tags.append(columns[2])
    flush()
    if by == "sentence":
        return [record for _, record in sentences]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for doc, record in sentences:
        grouped.setdefault(doc, []).append(record)
    return [join_sentences(doc, group) for doc, group in grouped.items()]
