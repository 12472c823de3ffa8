"""Type-I error under the null: the exact test never rejects more often than alpha."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from fastmcnemar import mcnemar, mcnemar_counts

ALPHA = 0.05


def _null_counts(size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Discordant counts with no true difference: b | n ~ Bin(n, 1/2)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 400, size=size)
    b = rng.binomial(n, 0.5)
    return b, n - b


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_exact_test_holds_alpha(alternative: str) -> None:
    size = 200_000
    b, c = _null_counts(size, seed=11)
    rate = float(np.mean(mcnemar_counts(b, c, alternative=alternative).pvalue <= ALPHA))  # type: ignore[arg-type, operator]
    # Three Monte Carlo standard errors above alpha.
    assert rate <= ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / size)
    assert rate > 0.02  # and it is a real test, not one that never rejects


def test_per_sample_outcomes_under_the_null() -> None:
    rng = np.random.default_rng(12)
    datasets = 400
    rejections = 0
    for _ in range(datasets):
        # Both models have the same accuracy and flip independently of each other.
        reference = rng.random(300) < 0.7
        candidate = rng.random(300) < 0.7
        rejections += mcnemar(reference, candidate).pvalue <= ALPHA
    rate = rejections / datasets
    assert rate <= ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / datasets)


@pytest.mark.slow
def test_exact_test_holds_alpha_with_many_draws() -> None:
    size = int(os.environ.get("FASTMCNEMAR_TYPE1_DRAWS", "5000000"))
    b, c = _null_counts(size, seed=13)
    rate = float(np.mean(mcnemar_counts(b, c).pvalue <= ALPHA))  # type: ignore[operator]
    assert rate <= ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / size)
