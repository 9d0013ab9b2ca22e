"""The CoNLL reader: columns, boundaries, documents, malformed tags, schemes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import ScoreError
from annotate.metrics.conll import conll_spans, read_conll


def spans(path: Path, text: str, scheme: str = "IOB2") -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]], object]:
    path.write_text(text, encoding="utf-8")
    conll = read_conll(path, scheme=scheme)  # type: ignore[arg-type]
    gold, pred = conll_spans(conll)
    out = []
    for d in (gold, pred):
        s = d.spans
        out.append([(a, b, s.labels[l]) for a, b, l in zip(s.start.tolist(), s.end.tolist(), s.label.tolist())])
    return out[0], out[1], (conll, gold, pred)


def test_blank_and_x_lines_end_sentences_and_are_not_tokens(tmp_path: Path) -> None:
    gold, _, (conll, _, _) = spans(tmp_path / "a.conll", "a B-PER B-PER\nb I-PER I-PER\n\nc I-PER O\n-X- O O\nd I-PER O\n")
    assert len(conll) == 4  # a b c d
    # the I-PER after a blank line and after -X- start new chunks (I- after O)
    assert gold == [(0, 2, "PER"), (2, 3, "PER"), (3, 4, "PER")]


def test_docstart_is_a_token_and_starts_a_document(tmp_path: Path) -> None:
    _, _, (conll, gold, _) = spans(tmp_path / "d.conll", "-DOCSTART- O O\n\na B-PER O\n\n-docstart- O O\n\nb B-LOC O\n")
    assert len(conll) == 4 and conll.unit == "document"
    assert gold.spans.doc.tolist() == [0, 1]


def test_extra_columns_and_tabs(tmp_path: Path) -> None:
    gold, pred, _ = spans(tmp_path / "t.conll", "EU\tNNP\tB-ORG\tB-ORG\nrejects\tVBZ\tO\tB-MISC\n")
    assert gold == [(0, 1, "ORG")] and pred == [(0, 1, "ORG"), (1, 2, "MISC")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("a O O\nb O\n", ":2: 2 columns, but line 1 has 3"),
        ("a O\nb O\n", ":1: 2 column(s); expected token, gold tag and predicted tag"),
        ("", "the file is empty"),
        ("\n\n", "no token lines"),
    ],
)
def test_column_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_conll(path)


def test_malformed_tags_are_read_as_conlleval_and_counted(tmp_path: Path) -> None:
    text = "a O I-PER\nb O I-LOC\nc O X-ORG\nd O O\n"
    _, pred, (_, _, decoded) = spans(tmp_path / "m.conll", text)
    # I-PER after O starts a chunk; I-LOC (another type) starts a new one; X-ORG: unknown prefix, type change
    assert pred == [(0, 1, "PER"), (1, 2, "LOC"), (2, 3, "ORG")]
    assert dict(decoded.malformed) == {"I- after O": 1, "I- after another type": 1, "unknown tag": 1}  # type: ignore[attr-defined]


def test_bilou_and_iobes_read_the_same_chunks(tmp_path: Path) -> None:
    bilou, _, _ = spans(tmp_path / "b.conll", "a U-PER O\nb B-LOC O\nc I-LOC O\nd L-LOC O\n", "BILOU")
    iobes, _, _ = spans(tmp_path / "s.conll", "a S-PER O\nb B-LOC O\nc I-LOC O\nd E-LOC O\n", "IOBES")
    assert bilou == iobes == [(0, 1, "PER"), (1, 4, "LOC")]


def test_iob1_b_between_chunks_of_one_type(tmp_path: Path) -> None:
    gold, _, (_, decoded, _) = spans(tmp_path / "i.conll", "a I-PER O\nb B-PER O\nc O O\nd B-PER O\n", "IOB1")
    assert gold == [(0, 1, "PER"), (1, 2, "PER"), (3, 4, "PER")]
    assert dict(decoded.malformed) == {"B- after O": 1}  # type: ignore[attr-defined]


def test_long_tags_and_unicode_tokens(tmp_path: Path) -> None:
    """Tags longer than 8 bytes take the multi-word path of the tag reader."""
    text = "Zelenskyy\u00e9 B-PERSON_NAME B-PERSON_NAME\nmet I-PERSON_NAME O\n\U0001F600 B-GPE B-GPE_LONGER\n"
    gold, pred, (conll, _, _) = spans(tmp_path / "l.conll", text)
    assert gold == [(0, 2, "PERSON_NAME"), (2, 3, "GPE")]
    assert pred == [(0, 1, "PERSON_NAME"), (2, 3, "GPE_LONGER")]
    assert conll.token(0) == "Zelenskyy\u00e9"  # type: ignore[attr-defined]


def test_blocks_give_the_same_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader works in blocks of lines; tiny blocks must read exactly as one block does."""
    import numpy as np

    import annotate.metrics.conll as conll_module

    lines = []
    for k in range(300):
        lines += [f"t{k} B-PER O", f"u{k} I-PER I-PER", f"v{k} O B-LOCATION_LONG_NAME", ""]
        if k % 50 == 0:
            lines += ["-DOCSTART- O O", ""]
    path = tmp_path / "big.conll"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = read_conll(path)
    monkeypatch.setattr(conll_module, "BLOCK", 37)
    pieces = read_conll(path)
    for name in ("token_start", "token_end", "line", "sentence_start", "doc_start"):
        assert np.array_equal(getattr(whole, name), getattr(pieces, name)), name
    as_text = lambda c, col: [c.table.tags[i] for i in getattr(c, col).tolist()]  # noqa: E731
    assert as_text(whole, "gold") == as_text(pieces, "gold") and as_text(whole, "pred") == as_text(pieces, "pred")
    bad = tmp_path / "bad.conll"
    bad.write_text("\n".join(lines[:500] + ["x O"] + lines[500:]) + "\n", encoding="utf-8")
    with pytest.raises(ScoreError, match=":501: 2 columns"):
        read_conll(bad)
