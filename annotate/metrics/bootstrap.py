"""Bootstrap confidence intervals over documents (Efron & Tibshirani 1993; percentile method).

The unit of resampling is the document (or, for a CoNLL file without `-DOCSTART-`, the sentence):
errors within a document are not independent, so resampling tokens or spans would make the
intervals too narrow. A replicate draws as many documents as there are, with replacement, sums
their counts and recomputes the F1; the interval is the (alpha/2, 1 - alpha/2) percentiles of the
replicates. Replicates where the F1 is undefined (no gold and no predicted span drawn) are left
out and counted. The draws depend only on the seed, and the same draws serve every measure of a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval for one F1: `[low, high]`, None when no replicate defines it."""

    low: Optional[float]
    high: Optional[float]
    replicates: int
    undefined: int

    def as_list(self) -> Optional[list[float]]:
        return None if self.low is None or self.high is None else [self.low, self.high]


def resample_weights(n_units: int, *, replicates: int, seed: int, batch: int = 200) -> Iterator[FloatArray]:
    """Batches of bootstrap weights: row b counts how often replicate b drew each unit."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < replicates:
        size = min(batch, replicates - done)
        draws = rng.integers(0, n_units, size=(size, n_units))
        offsets = (np.arange(size) * n_units)[:, None]
        weights = np.bincount((draws + offsets).ravel(), minlength=size * n_units).reshape(size, n_units)
        yield weights.astype(np.float64)
        done += size


def bootstrap_intervals(
    unit_counts: FloatArray,
    statistic: Callable[[FloatArray], FloatArray],
    *,
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[Interval]:
    """Percentile intervals of `statistic` over resampled units.

    Args:
        unit_counts: Shape (units, k, 5): for each unit the counts of k measures.
        statistic: Maps counts of shape (..., k, 5) to values of shape (..., k), NaN where undefined.
        replicates: Number of bootstrap replicates.
        seed: Seed of the generator (numpy's PCG64): the same seed, the same intervals.
        confidence: Coverage of the interval.

    Returns:
        One `Interval` per measure k.

    Example:
        >>> counts = np.array([[[1, 0, 0, 0, 0]], [[0, 0, 0, 1, 1]]] * 10, dtype=float)
        >>> from annotate.metrics.entities import f1_from_counts
        >>> [iv.replicates for iv in bootstrap_intervals(counts, lambda c: f1_from_counts(c, "strict"), replicates=50)]
        [50]
    """
    n_units, k, width = unit_counts.shape
    flat = unit_counts.reshape(n_units, k * width)
    values = []
    for weights in resample_weights(n_units, replicates=replicates, seed=seed):
        values.append(statistic((weights @ flat).reshape(-1, k, width)))
    samples = np.concatenate(values, axis=0) if values else np.zeros((0, k))
    alpha = 1.0 - confidence
    out = []
    for j in range(k):
        column = samples[:, j]
        defined = column[~np.isnan(column)]
        if defined.size == 0:
            out.append(Interval(None, None, replicates, replicates))
            continue
        low, high = np.quantile(defined, [alpha / 2, 1 - alpha / 2])
        out.append(Interval(float(low), float(high), replicates, int(replicates - defined.size)))
    return out
