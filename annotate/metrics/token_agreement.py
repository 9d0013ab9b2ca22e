"""Chance-corrected agreement on token labels: Cohen's kappa of a pair, Krippendorff's alpha of all.

Tokens come from `annotate.tokens.tokenize`, split at the span boundaries of *every* annotator of
the document, so that all annotators label the same token sequence and every span covers whole
tokens. A token's label is the label of the span that covers it, `O` if none; where an
annotator's spans overlap, the longest covering span wins (then the smaller label).

* **Cohen's kappa** (`sklearn.metrics.cohen_kappa_score`) of two aligned label sequences.
* **Krippendorff's alpha** (nominal; the `krippendorff` package) over all annotators at once,
  an annotator who did not label a unit giving a missing value there.

Both are undefined (None) when the labels compared take a single value (a label nobody used, or
two annotators who marked nothing): chance agreement is then total.
"""

from __future__ import annotations

import bisect
from typing import Sequence

from annotate.spans import Span, Token

OUTSIDE = "O"


def token_labels(spans: Sequence[Span], tokens: Sequence[Token]) -> list[str]:
    """The label of each token: the label of the longest span covering it (then the smaller label), else O.

    Tokens must not straddle a span boundary (tokenize with the spans' ends as boundaries).

    Example:
        >>> toks = [Token(0, 3, "Bob"), Token(4, 7, "met"), Token(8, 11, "Ann")]
        >>> token_labels([Span(0, 3, "PERSON"), Span(8, 11, "PERSON")], toks)
        ['PERSON', 'O', 'PERSON']
    """
    labels = [OUTSIDE] * len(tokens)
    rank: list[tuple[int, str] | None] = [None] * len(tokens)
    starts = [tok.start for tok in tokens]
    for span in spans:
        first = bisect.bisect_left(starts, span.start)
        for i in range(first, len(tokens)):
            tok = tokens[i]
            if tok.start >= span.end:
                break
            if tok.end <= span.end:
                key = (-(span.end - span.start), span.label)
                if rank[i] is None or key < rank[i]:  # type: ignore[operator]
                    rank[i] = key
                    labels[i] = span.label
    return labels


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two aligned label sequences (scikit-learn); None where it is undefined.

    Undefined: no items, or a single label value over both sequences (chance agreement is 1).

    Example:
        >>> round(cohen_kappa(["X", "X", "O", "O"], ["X", "O", "O", "O"]), 4)
        0.5
        >>> cohen_kappa(["O", "O"], ["O", "O"]) is None
        True
    """
    if len(a) != len(b):
        raise ValueError(f"kappa needs aligned sequences; got {len(a)} and {len(b)} labels.")
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(list(a), list(b)))


def krippendorff_alpha(units: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) of `units` (one list per annotator, None = not labelled).

    Units labelled by fewer than two annotators carry no information and are left out (as the
    `krippendorff` package does). None where alpha is undefined: fewer than two pairable values,
    or a single label value over the pairable units.

    Example:
        >>> round(krippendorff_alpha([["X", "X", "O", "O"], ["X", "O", "O", "O"]]), 4)
        0.5333
    """
    if len(units) < 2:
        return None
    width = len(units[0])
    if any(len(row) != width for row in units):
        raise ValueError("alpha needs one label (or None) per unit for every annotator.")
    pairable = [j for j in range(width) if sum(row[j] is not None for row in units) >= 2]
    values = sorted({value for row in units for j in pairable if (value := row[j]) is not None})
    if len(values) < 2:
        return None
    import krippendorff
    import numpy as np

    code = {value: i for i, value in enumerate(values)}
    data = np.full((len(units), len(pairable)), np.nan)
    for i, row in enumerate(units):
        for k, j in enumerate(pairable):
            value = row[j]
            if value is not None:
                data[i, k] = code[value]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=list(range(len(values)))))

