"""Tokenisation: spaCy's rule-based English tokenizer (no model download), as code-point `Token`s.

`tokenize(text)` is deterministic and depends only on the installed spaCy version.
`tokenize(text, boundaries=...)` additionally splits tokens at the given offsets, so that any
span whose ends are in `boundaries` falls on token boundaries (the alignment rule of the dataset:
gold span ends are always token ends).
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Any, Iterable

from annotate.spans import Token


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


def tokenize(text: str, *, boundaries: Iterable[int] = ()) -> list[Token]:
    """Tokens of `text` (white space is never a token), split further at `boundaries`.

    Example:
        >>> [t.text for t in tokenize("U.S.-brokered talks")]
        ['U.S.-brokered', 'talks']
        >>> [t.text for t in tokenize("U.S.-brokered talks", boundaries=[4])]
        ['U.S.', '-brokered', 'talks']
    """
    cuts = sorted(set(boundaries))
    tokens: list[Token] = []
    for spacy_token in _tokenizer()(text):
        if spacy_token.is_space or not spacy_token.text.strip():
            continue
        start = spacy_token.idx
        end = start + len(spacy_token.text)
        piece_start = start
        for cut in cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)]:
            tokens.append(Token(piece_start, cut, text[piece_start:cut]))
            piece_start = cut
        tokens.append(Token(piece_start, end, text[piece_start:end]))
    return [_strip(tok, text) for tok in tokens if text[tok.start : tok.end].strip()]


def _strip(token: Token, text: str) -> Token:
    """Drop white space a boundary split may leave at a token's edge."""
    start, end = token.start, token.end
    while text[start].isspace():
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return token if (start, end) == (token.start, token.end) else Token(start, end, text[start:end])
