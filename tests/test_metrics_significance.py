"""Bootstrap intervals and paired tests: determinism and behaviour that could break."""

from __future__ import annotations

import numpy as np

from annotate.metrics.bootstrap import bootstrap_intervals
from annotate.metrics.entities import f1_from_counts
from annotate.metrics.significance import compare_counts


def strict(c: np.ndarray) -> np.ndarray:
    return f1_from_counts(c, "strict")


def test_intervals_are_deterministic_and_cover_the_estimate() -> None:
    rng = np.random.default_rng(1)
    counts = rng.integers(0, 5, size=(200, 1, 5)).astype(float)
    counts[..., 1:3] = 0
    a = bootstrap_intervals(counts, strict, replicates=300, seed=4)
    b = bootstrap_intervals(counts, strict, replicates=300, seed=4)
    assert a == b
    point = float(strict(counts.sum(axis=0)[None])[0, 0])
    assert a[0].low is not None and a[0].low < point < a[0].high  # type: ignore[operator]
    assert bootstrap_intervals(counts, strict, replicates=300, seed=5) != a


def test_paired_tests_separate_a_better_system_and_not_an_equal_one() -> None:
    rng = np.random.default_rng(2)
    gold = rng.integers(1, 6, size=100)
    good = np.stack([gold, 0 * gold, 0 * gold, 0 * gold, rng.integers(0, 2, size=100)], axis=1).astype(float)
    half = gold // 2
    poor = np.stack([half, 0 * gold, 0 * gold, gold - half, rng.integers(0, 2, size=100)], axis=1).astype(float)
    better = compare_counts(good, poor, lambda c: strict(c), replicates=500, trials=500, seed=0)
    assert better.delta is not None and better.delta > 0.2
    assert better.p_bootstrap is not None and better.p_bootstrap < 0.01
    assert better.p_randomization is not None and better.p_randomization < 0.01
    same = compare_counts(good, good, lambda c: strict(c), replicates=200, trials=200, seed=0)
    assert same.delta == 0.0 and same.p_randomization == 1.0
    assert compare_counts(good, poor, lambda c: strict(c), replicates=200, trials=200, seed=9) == compare_counts(
        good, poor, lambda c: strict(c), replicates=200, trials=200, seed=9)
