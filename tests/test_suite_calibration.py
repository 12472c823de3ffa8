"""Calibration and power of the suite tests, by seeded simulation.

Under the null every b_i ~ Binomial(n_i, 1/2) given the n_i; each test's
rejection rate must stay at or below alpha within Monte Carlo error (three
standard errors), the combined rule at alpha by default and at 3 alpha with
``rule="any"``. Candidates are simulated as rows of one ``aggregate_many`` call.
The CI version is small; the ``slow`` one (FASTMCNEMAR_SLOW=1) is the one whose
figures are in docs/suite.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import fastmcnemar as fm

SHAPES = {
    # Six equal tasks.
    "equal": np.full(6, 150),
    # One huge task and ten small ones.
    "one-huge-many-small": np.array([4000] + [12] * 10),
    # Forty tasks with one to four flips each.
    "many-few-flips": np.array([1, 2, 3, 4] * 10),
}
SINGLE = ("stouffer", "cauchy", "hmp")


def _null_rates(n: np.ndarray, reps: int, alpha: float, seed: int) -> dict[str, float]:
    gen = np.random.default_rng(seed)
    b = gen.binomial(n, 0.5, size=(reps, n.size))
    c = n - b
    res = fm.aggregate_many(b, c, method="combined", alpha=alpha)
    assert res.components is not None
    rates = {name: float(np.mean(p <= alpha)) for name, (_, p, _) in res.components.items()}
    rates["combined"] = float(res.rejected.mean())
    any_rule = fm.aggregate_many(b, c, method="combined", alpha=alpha, rule="any")
    rates["combined-any"] = float(any_rule.rejected.mean())
    for method in SINGLE:
        rates[method] = float(fm.aggregate_many(b, c, method=method, alpha=alpha).rejected.mean())
    return rates


def _check(rates: dict[str, float], reps: int, alpha: float) -> None:
    for name, rate in rates.items():
        level = min(1.0, 3 * alpha) if name == "combined-any" else alpha
        bound = level + 3 * math.sqrt(level * (1 - level) / reps)
        assert rate <= bound, f"{name}: type-I error {rate:.4f} exceeds {level} (+3 SE)"


@pytest.mark.parametrize("shape", list(SHAPES))
def test_type_one_error_at_most_alpha(shape: str) -> None:
    reps, alpha = 2000, 0.05
    _check(_null_rates(SHAPES[shape], reps, alpha, seed=1), reps, alpha)


@pytest.mark.slow
@pytest.mark.parametrize("alpha", [0.05, 0.01])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_type_one_error_at_most_alpha_large(shape: str, alpha: float) -> None:
    reps = 20_000
    rates = _null_rates(SHAPES[shape], reps, alpha, seed=1)
    print(f"\n{shape} alpha={alpha}: " + ", ".join(f"{k} {v:.4f}" for k, v in rates.items()))
    _check(rates, reps, alpha)


def _monte_carlo_null_rates(reps: int, n_resamples: int, seed: int) -> dict[str, float]:
    n = SHAPES["one-huge-many-small"]
    gen = np.random.default_rng(seed)
    b = gen.binomial(n, 0.5, size=(reps, n.size))
    kwargs = {"rng": seed, "n_resamples": n_resamples}
    md = fm.aggregate_many(b, n - b, method="max_drop", max_drop_null="monte_carlo", **kwargs)
    fi = fm.aggregate_many(b, n - b, method="fisher", fisher_null="monte_carlo", **kwargs)
    return {"max_drop-mc": float(md.rejected.mean()), "fisher-mc": float(fi.rejected.mean())}


def test_monte_carlo_nulls_keep_the_level() -> None:
    """Fisher's exact discrete null (Monte Carlo) restores the level the
    chi-square reference loses on small tasks; Max-Drop's Monte Carlo null
    keeps it too."""
    rates = _monte_carlo_null_rates(reps=600, n_resamples=199, seed=4)
    _check(rates, 600, 0.05)
    assert rates["fisher-mc"] > 0.02  # the chi-square version rejects 0.008 here


@pytest.mark.slow
def test_monte_carlo_nulls_keep_the_level_large() -> None:
    rates = _monte_carlo_null_rates(reps=10_000, n_resamples=999, seed=4)
    print(f"\none-huge-many-small alpha=0.05 Monte Carlo nulls: {rates}")
    _check(rates, 10_000, 0.05)


def _power(q: np.ndarray, reps: int, seed: int) -> dict[str, float]:
    n = np.full(q.size, 200)
    gen = np.random.default_rng(seed)
    b = gen.binomial(n, q, size=(reps, q.size))
    res = fm.aggregate_many(b, n - b, method="combined")
    assert res.components is not None
    return {name: float(np.mean(p <= 0.05)) for name, (_, p, _) in res.components.items()}


def test_power_one_task_degraded_max_drop_strongest() -> None:
    power = _power(np.array([0.66] + [0.5] * 9), reps=400, seed=2)
    assert power["max_drop"] > power["fisher"] > power["pooled"]
    assert power["max_drop"] - power["pooled"] > 0.3


def test_power_all_tasks_slightly_degraded_pooled_strongest() -> None:
    power = _power(np.full(10, 0.54), reps=400, seed=2)
    assert power["pooled"] > power["fisher"] > power["max_drop"]
    assert power["pooled"] - power["max_drop"] > 0.3
