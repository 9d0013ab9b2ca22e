"""`annotate.tokens.tokenize` against a plain reference over spaCy `Token` objects (same tokens, faster)."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.spans import Token
from annotate.tokens import _tokenizer, tokenize


def reference(text: str, boundaries: list[int]) -> list[Token]:
    cuts = sorted(set(boundaries))
    out = []
    for tok in _tokenizer()(text):
        if tok.is_space or not tok.text.strip():
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        piece = start
        for cut in cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]:
            out.append((piece, cut))
            piece = cut
        out.append((piece, end))
    tokens = []
    for s, e in out:
        if not text[s:e].strip():
            continue
        while text[s].isspace():
            s += 1
        while text[e - 1].isspace():
            e -= 1
        tokens.append(Token(s, e, text[s:e]))
    return tokens


CHARS = ["a", "B", "U", ".", "S", "-", "'", "s", " ", "  ", "\n", "\xa0", "😀", "𝔘", "中", "$", "1", ",", '"', "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CHARS), max_size=40).map("".join), st.data())
def test_tokenize_matches_the_reference(text: str, data: object) -> None:
    boundaries = data.draw(st.lists(st.integers(0, len(text)), max_size=6))  # type: ignore[attr-defined]
    assert tokenize(text, boundaries=boundaries) == reference(text, boundaries)
    for token in tokenize(text, boundaries=boundaries):
        assert text[token.start:token.end] == token.text and token.text.strip() == token.text
