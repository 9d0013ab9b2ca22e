"""Is system A better than system B on the same gold data? Paired tests over documents.

- Paired bootstrap (Koehn 2004; Berg-Kirkpatrick, Burkett & Klein 2012): resample documents with
  replacement, score A and B on the same draw, and take delta* = F1(A*) - F1(B*). The p-value of
  "A's observed lead delta is chance" is the share of replicates with delta* - delta >= |delta|
  in the direction of the lead (the shifted test of Berg-Kirkpatrick et al.).
- Approximate randomization (Noreen 1989; Yeh 2000; Riezler & Maxwell 2005): in each trial swap
  A's and B's outputs for each document with probability 1/2 and recompute |delta'|; the p-value is
  (1 + #{|delta'| >= |delta|}) / (1 + trials). Two-sided.

Both work on per-document counts, so any measure with counts (entity schemes, quote and event
measures) can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import numpy.typing as npt

from annotate.metrics.bootstrap import resample_weights

FloatArray = npt.NDArray[np.float64]
Statistic = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Observed F1 of A and B, their difference, and the two tests' p-values."""

    f1_a: Optional[float]
    f1_b: Optional[float]
    delta: Optional[float]
    delta_ci: Optional[tuple[float, float]]
    p_bootstrap: Optional[float]
    p_randomization: Optional[float]
    replicates: int
    trials: int
    seed: int

    def as_dict(self) -> dict[str, object]:
        return {
            "f1_a": self.f1_a,
            "f1_b": self.f1_b,
            "delta": self.delta,
            "delta_ci": list(self.delta_ci) if self.delta_ci else None,
            "p_bootstrap": self.p_bootstrap,
            "p_randomization": self.p_randomization,
            "bootstrap_replicates": self.replicates,
            "randomization_trials": self.trials,
            "seed": self.seed,
        }


def _value(statistic: Statistic, counts: FloatArray) -> Optional[float]:
    value = float(statistic(counts[None, None, :])[0, 0])
    return None if np.isnan(value) else value


def compare_counts(
    counts_a: FloatArray,
    counts_b: FloatArray,
    statistic: Statistic,
    *,
    replicates: int = 1000,
    trials: int = 10000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Comparison:
    """Paired bootstrap and approximate randomization on per-unit counts of shape (units, 5).

    Example:
        >>> from annotate.metrics.entities import f1_from_counts
        >>> a = np.array([[1, 0, 0, 0, 0]] * 30, dtype=float)
        >>> b = np.array([[0, 0, 0, 1, 1]] * 30, dtype=float)
        >>> c = compare_counts(a, b, lambda x: f1_from_counts(x, "strict"), replicates=100, trials=100)
        >>> c.delta, c.p_randomization < 0.05
        (1.0, True)
    """
    n_units = counts_a.shape[0]
    f1_a = _value(statistic, counts_a.sum(axis=0))
    f1_b = _value(statistic, counts_b.sum(axis=0))
    if f1_a is None or f1_b is None:
        return Comparison(f1_a, f1_b, None, None, None, None, replicates, trials, seed)
    delta = f1_a - f1_b

    deltas = []
    for weights in resample_weights(n_units, replicates=replicates, seed=seed):
        fa = statistic((weights @ counts_a)[:, None, :])[:, 0]
        fb = statistic((weights @ counts_b)[:, None, :])[:, 0]
        deltas.append(fa - fb)
    boot = np.concatenate(deltas) if deltas else np.zeros(0)
    boot = boot[~np.isnan(boot)]
    alpha = 1.0 - confidence
    ci = (float(np.quantile(boot, alpha / 2)), float(np.quantile(boot, 1 - alpha / 2))) if boot.size else None
    if boot.size == 0:
        p_boot = None
    elif delta >= 0:
        p_boot = float(np.mean(boot - delta >= delta)) if delta > 0 else 1.0
    else:
        p_boot = float(np.mean(boot - delta <= delta))

    rng = np.random.default_rng(seed + 1)
    total_a, total_b = counts_a.sum(axis=0), counts_b.sum(axis=0)
    difference = counts_b - counts_a
    hits, done = 0, 0
    while done < trials:
        size = min(500, trials - done)
        swap = rng.integers(0, 2, size=(size, n_units)).astype(np.float64)
        moved = swap @ difference
        fa = statistic((total_a + moved)[:, None, :])[:, 0]
        fb = statistic((total_b - moved)[:, None, :])[:, 0]
        shuffled = np.abs(fa - fb)
        hits += int(np.sum(np.nan_to_num(shuffled, nan=0.0) >= abs(delta) - 1e-12))
        done += size
    p_ar = (hits + 1) / (trials + 1)
    return Comparison(f1_a, f1_b, delta, ci, p_boot, p_ar, replicates, trials, seed)
