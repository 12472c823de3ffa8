"""Anytime-valid sequential tests: exactness against independent oracles, the
API's contracts, and seeded null simulations that check every decision holds
its level when looked at after every sample.

The simulations are small here (seconds); ``FASTMCNEMAR_SLOW=1`` runs the
larger versions quoted in docs/sequential.md.
"""

from __future__ import annotations

import math
import os
import pickle

import mpmath
import numpy as np
import pytest
from scipy import special, stats

import fastmcnemar as fm
from fastmcnemar import _core

SLOW = os.environ.get("FASTMCNEMAR_SLOW") == "1"
ALPHA = 0.05


def _at_most_alpha(hits: int, runs: int, alpha: float = ALPHA) -> None:
    """The rate is at most alpha unless a one-sided binomial test at 0.001 says otherwise."""
    limit = stats.binom.ppf(0.999, runs, alpha)
    assert hits <= limit, f"{hits}/{runs} = {hits / runs:.4f} > alpha = {alpha}"


# -- exactness ---------------------------------------------------------------------


def _mixture_mpmath(b: int, c: int, a: int) -> mpmath.mpf:
    """M = 2^n ∫_{1/2}^1 q^b (1-q)^c · 2 q^{a-1}(1-q)^{a-1} / B(a, a) dq at 40 digits,
    by mpmath's incomplete beta integral (and, as a check of the oracle, by quadrature)."""
    with mpmath.workdps(40):
        n = b + c
        exact = mpmath.power(2, n + 1) * mpmath.betainc(a + b, a + c, 0.5, 1) / mpmath.beta(a, a)

        def f(q: mpmath.mpf) -> mpmath.mpf:
            return 2 * q ** (b + a - 1) * (1 - q) ** (c + a - 1) / mpmath.beta(a, a)

        quad = mpmath.power(2, n) * mpmath.quad(f, mpmath.linspace(0.5, 1, 40))
        assert abs(quad / exact - 1) < mpmath.mpf(10) ** -10
        return exact


def _mixture_scipy(b: int, c: int, a: int) -> float:
    """The same through the regularised incomplete beta function (log space)."""
    n = b + c
    log_b = special.betaln(a + b, a + c) - special.betaln(a, a)
    upper = special.betainc(a + c, a + b, 0.5)  # P(Beta(a+b, a+c) >= 1/2)
    return n * math.log(2) + math.log(2) + log_b + math.log(upper)


@pytest.mark.parametrize(
    ("b", "c", "a"),
    [
        (0, 0, 1),
        (3, 1, 1),
        (10, 2, 8),
        (2, 10, 8),
        (40, 25, 8),
        (25, 40, 3),
        (150, 90, 16),
        (0, 60, 8),
    ],
)
def test_mixture_evalue_matches_quadrature(b: int, c: int, a: int) -> None:
    got = _core.sequential_ln_mixture_evalue(b, c, a)
    want = float(mpmath.log(_mixture_mpmath(b, c, a)))
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("b", "c"), [(500, 430), (2000, 2100), (10_000, 9_700), (400, 600)])
def test_mixture_evalue_matches_scipy_incomplete_beta(b: int, c: int) -> None:
    got = _core.sequential_ln_mixture_evalue(b, c, fm.sequential.DEFAULT_PRIOR)
    want = _mixture_scipy(b, c, fm.sequential.DEFAULT_PRIOR)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_mixture_is_a_supermartingale_under_the_composite_null() -> None:
    """E[M_n] summed exactly over Bin(n, q0): 1 at q0 = 1/2, below 1 for q0 < 1/2."""
    for n in (5, 50, 400):
        k = np.arange(n + 1)
        ln_m = np.array([_core.sequential_ln_mixture_evalue(int(i), int(n - i), 8) for i in k])
        for q0, cap in ((0.5, 1.0 + 1e-10), (0.45, 1.0), (0.3, 1.0)):
            expected = float(np.sum(np.exp(stats.binom.logpmf(k, n, q0) + ln_m)))
            assert expected <= cap
        half = float(np.sum(np.exp(stats.binom.logpmf(k, n, 0.5) + ln_m)))
        assert half == pytest.approx(1.0, abs=1e-10)


def _betting_oracle(xs: np.ndarray, mu0: float, alpha: float, sign: float) -> tuple[float, float]:
    """The betting capital written out from the paper's formulas, in plain Python."""
    ln_k = ln_max = 0.0
    total = 0.0
    sq: list[float] = []
    for t, x in enumerate(xs, start=1):
        count = t - 1
        mean = total / count if count else 0.0
        m2 = sum((v - mean) ** 2 for v in sq)
        variance = (0.25 + m2) / t
        lam = min(0.75, math.sqrt(2 * math.log(1 / alpha) / (variance * t * math.log(1 + t))))
        ln_k += math.log1p(sign * lam * (x - mu0))
        ln_max = max(ln_max, ln_k)
        total += x
        sq.append(x)
    return ln_k, ln_max


def test_betting_capital_matches_a_direct_implementation() -> None:
    rng = np.random.default_rng(3)
    ref = rng.random(150)
    cand = np.clip(ref - 0.1 + 0.3 * rng.random(150), 0, 1)
    test = fm.SequentialTest(method="betting", margin=0.05, grid_points=0)
    test.update(ref, cand)
    xs = (ref - cand + 1) / 2
    ln_k, ln_max = _betting_oracle(xs, 0.5, ALPHA, 1.0)
    assert test.log_evalue == pytest.approx(ln_k, rel=1e-12)
    assert test.pvalue == pytest.approx(min(1.0, math.exp(-ln_max)), rel=1e-12)
    _, eq_max = _betting_oracle(xs, (0.05 + 1) / 2, ALPHA, -1.0)
    assert test.equivalence_pvalue == pytest.approx(min(1.0, math.exp(-eq_max)), rel=1e-12)


# -- the API -------------------------------------------------------------------------


def _stream(
    rng: np.random.Generator, n: int, p_loss: float, p_win: float
) -> tuple[np.ndarray, np.ndarray]:
    u = rng.random(n)
    ref = rng.random(n) < 0.7
    cand = ref.copy()
    loss = u < p_loss
    win = (u >= p_loss) & (u < p_loss + p_win)
    ref = np.where(loss, True, np.where(win, False, ref))
    cand = np.where(loss, False, np.where(win, True, cand))
    return ref.astype(np.float64), cand.astype(np.float64)


def test_counts_and_samples_agree() -> None:
    ref, cand = _stream(np.random.default_rng(1), 500, 0.08, 0.03)
    by_sample = fm.SequentialTest().update(ref, cand)
    by_count = fm.SequentialTest().update_counts(by_sample.b, by_sample.c, by_sample.n)
    assert by_sample.log_evalue == by_count.log_evalue
    assert by_sample.delta == pytest.approx(by_count.delta)
    assert by_sample.method == by_count.method == "mixture"


def test_clear_drop_is_degraded_and_clean_run_is_equivalent() -> None:
    rng = np.random.default_rng(2)
    bad = fm.SequentialTest(margin=0.02).update(*_stream(rng, 4000, 0.08, 0.02))
    assert bad.decision == "degraded"
    assert bad.pvalue <= ALPHA
    good = fm.SequentialTest(margin=0.02).update(*_stream(rng, 4000, 0.02, 0.02))
    assert good.decision == "equivalent"
    low, high = good.confidence_sequence()
    assert low <= good.delta <= high < 0.02


def test_less_looks_for_an_improvement() -> None:
    ref, cand = _stream(np.random.default_rng(4), 3000, 0.01, 0.08)
    assert fm.SequentialTest(alternative="less").update(ref, cand).decision == "improved"
    assert fm.SequentialTest().update(ref, cand).decision == "continue"
    t = fm.SequentialTest(alternative="less").update(ref, cand)
    low, high = t.confidence_sequence()
    assert low <= t.delta <= high < 0


def test_merge_is_the_concatenated_stream() -> None:
    rng = np.random.default_rng(5)
    ref, cand = rng.random(400), rng.random(400)
    whole = fm.SequentialTest(method="betting", margin=0.1).update(ref, cand)
    left = fm.SequentialTest(method="betting", margin=0.1).update(ref[:150], cand[:150])
    right = fm.SequentialTest(method="betting", margin=0.1).update(ref[150:], cand[150:])
    left.merge(right)
    assert (left.n, left.b, left.c) == (whole.n, whole.b, whole.c)
    assert left.delta == pytest.approx(whole.delta)
    # the bets after the cut differ (the right shard did not see the left one): both valid
    assert math.isfinite(left.log_evalue)
    doubled = fm.SequentialTest().update_counts(5, 1, 50)
    doubled.merge(doubled)
    assert (doubled.n, doubled.b, doubled.c) == (100, 10, 2)
    with pytest.raises(fm.InvalidArgumentError, match="different settings"):
        fm.SequentialTest(alpha=0.1).merge(fm.SequentialTest())
    with pytest.raises(fm.InvalidArgumentError, match="without-replacement"):
        fm.SequentialTest(population=10).merge(fm.SequentialTest(population=10))


def test_pickle_round_trip_continues_identically() -> None:
    rng = np.random.default_rng(6)
    ref, cand = _stream(rng, 300, 0.05, 0.03)
    t = fm.SequentialTest(margin=0.05, population=600).update(ref, cand)
    back = pickle.loads(pickle.dumps(t))
    more = _stream(rng, 300, 0.05, 0.03)
    t.update(*more)
    back.update(*more)
    assert back.status() == t.status()
    assert repr(back) == repr(t)


def test_bad_input_is_refused_and_changes_nothing() -> None:
    t = fm.SequentialTest().update([1, 0], [1, 1])
    before = t.status()
    with pytest.raises(fm.NonBinaryValueError):
        t.update([1, 0.5], [1, 1])
    with pytest.raises(fm.InvalidArgumentError, match=r"outside \[0, 1\]"):
        fm.SequentialTest().update([1, 2], [1, 1])
    with pytest.raises(fm.NonFiniteValueError):
        fm.SequentialTest().update([1, float("nan")], [1, 1])
    with pytest.raises(fm.LengthMismatchError):
        t.update([1, 0, 1], [1, 1])
    with pytest.raises(fm.NegativeCountError):
        t.update_counts(-1, 0, 3)
    with pytest.raises(fm.InvalidArgumentError, match="exceeds n"):
        t.update_counts(3, 2, 4)
    assert t.status() == before
    with pytest.raises(fm.InvalidArgumentError, match="population"):
        fm.SequentialTest(population=3).update([1, 1, 1, 1], [1, 1, 1, 1])
    with pytest.raises(fm.InvalidArgumentError, match="one by one"):
        fm.SequentialTest(population=30).update_counts(1, 1, 5)
    with pytest.raises(fm.InvalidLevelError):
        fm.SequentialTest(alpha=1.5)
    with pytest.raises(fm.InvalidArgumentError, match="margin"):
        fm.SequentialTest(margin=-0.1)
    with pytest.raises(fm.InvalidArgumentError, match="alternative"):
        fm.SequentialTest(alternative="two-sided")  # type: ignore[arg-type]


def test_long_update_is_all_or_nothing() -> None:
    t = fm.SequentialTest(method="betting")
    ref = np.full(50_000, 0.5)
    cand = ref.copy()
    cand[-1] = 7.0
    with pytest.raises(fm.InvalidArgumentError):
        t.update(ref, cand)
    assert t.n == 0


def test_batch_matches_single_tests() -> None:
    rng = np.random.default_rng(7)
    b = rng.integers(0, 20, (4, 3))
    c = rng.integers(0, 20, (4, 3))
    n = b + c + rng.integers(0, 100, (4, 3))
    batch = fm.SequentialBatch(4, 3, margin=0.05)
    batch.update_counts(b, c, n)
    batch.update_counts(b, c, n)
    for i in range(4):
        for j in range(3):
            one = fm.SequentialTest(margin=0.05, grid_points=0)
            one.update_counts(int(b[i, j]), int(c[i, j]), int(n[i, j]))
            one.update_counts(int(b[i, j]), int(c[i, j]), int(n[i, j]))
            assert batch.log_evalue[i, j] == one.log_evalue
            assert batch.pvalue[i, j] == one.pvalue
            assert batch.decision()[i, j] == one.decision
    with pytest.raises(fm.InvalidArgumentError, match="shape"):
        batch.update_counts(b[:2], c[:2], n[:2])
    back = pickle.loads(pickle.dumps(batch))
    back.update_counts(b, c, n)
    batch.update_counts(b, c, n)
    assert np.array_equal(back.log_evalue, batch.log_evalue)
    assert np.array_equal(back.suite_pvalue, batch.suite_pvalue)
    assert back.suite_decision() == batch.suite_decision()


def test_batch_answer_does_not_depend_on_threads() -> None:
    rng = np.random.default_rng(8)
    shape = (300, 20)
    results = []
    for threads in (1, 2):
        batch = fm.SequentialBatch(*shape, margin=0.02)
        local = np.random.default_rng(9)
        for _ in range(3):
            b = local.integers(0, 10, shape)
            c = local.integers(0, 10, shape)
            batch.update_counts(b, c, b + c + 50, n_threads=threads)
        results.append((batch.log_evalue, batch.suite_pvalue))
    assert np.array_equal(results[0][0], results[1][0])
    assert np.array_equal(results[0][1], results[1][1])
    assert rng is not None


def test_suite_names_the_degraded_tasks() -> None:
    suite = fm.SequentialSuite(["a", "b", "c"], margin=0.05)
    rng = np.random.default_rng(10)
    suite.update("a", *_stream(rng, 2000, 0.02, 0.02))
    suite.update("b", *_stream(rng, 2000, 0.09, 0.02))
    suite.update("c", *_stream(rng, 2000, 0.02, 0.02))
    assert suite.decision == "degraded"
    assert suite.degraded_tasks() == ["b"]
    with pytest.raises(fm.InvalidArgumentError, match="unknown task"):
        suite.update("d", [1], [1])


# -- null simulations: look after every sample, never exceed alpha ------------------------


def _ever_degraded(runs: int, n: int, p_loss: float, p_win: float, seed: int) -> int:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(runs):
        t = fm.SequentialTest(grid_points=0).update(*_stream(rng, n, p_loss, p_win))
        hits += t.decision == "degraded"  # the running maximum: "ever crossed"
    return hits


@pytest.mark.parametrize(("p_loss", "p_win"), [(0.05, 0.05), (0.04, 0.06)])
def test_mixture_null_simulation(p_loss: float, p_win: float) -> None:
    runs, n = (4000, 5000) if SLOW else (1000, 5000)
    _at_most_alpha(_ever_degraded(runs, n, p_loss, p_win, seed=11), runs)


def test_betting_null_simulation_on_scores() -> None:
    runs, n = (2000, 5000) if SLOW else (400, 3000)
    rng = np.random.default_rng(12)
    hits = 0
    for _ in range(runs):
        ref = rng.beta(2, 2, n)
        cand = rng.beta(2, 2, n)  # same distribution: delta = 0
        t = fm.SequentialTest(method="betting", grid_points=0).update(ref, cand)
        hits += t.decision == "degraded"
    _at_most_alpha(hits, runs)


def test_equivalence_null_simulation_at_the_margin() -> None:
    """True drop exactly equal to the margin: "equivalent" at most alpha of the time."""
    runs, n = (2000, 5000) if SLOW else (500, 5000)
    margin = 0.02
    rng = np.random.default_rng(13)
    hits = 0
    for _ in range(runs):
        ref, cand = _stream(rng, n, 0.06, 0.04)  # delta = 0.06 - 0.04 = margin
        t = fm.SequentialTest(margin=margin, grid_points=0).update(ref, cand)
        hits += t.decision == "equivalent"
    _at_most_alpha(hits, runs)


def test_without_replacement_null_simulation() -> None:
    """A fixed benchmark with delta = 0 read in random order, checked after every sample."""
    runs, n = (1000, 5000) if SLOW else (200, 2000)
    rng = np.random.default_rng(14)
    # The benchmark: as many losses as wins (delta = 0 exactly), the rest ties.
    base_ref = np.ones(n)
    base_cand = np.ones(n)
    flips = n // 20
    base_cand[:flips] = 0  # losses
    base_ref[flips : 2 * flips] = 0  # wins
    hits_deg = 0
    for _ in range(runs):
        order = rng.permutation(n)
        t = fm.SequentialTest(method="betting", population=n, grid_points=201)
        t.update(base_ref[order], base_cand[order])
        hits_deg += t.decision == "degraded"
    _at_most_alpha(hits_deg, runs)


def test_confidence_sequence_covers_at_all_times() -> None:
    runs, n = (600, 3000) if SLOW else (150, 1500)
    rng = np.random.default_rng(15)
    truth = 0.08 - 0.03
    misses = 0
    level = 0.9
    for _ in range(runs):
        ref, cand = _stream(rng, n, 0.08, 0.03)
        t = fm.SequentialTest(grid_points=401)
        for start in range(0, n, 100):  # the running intersection: checking at the end suffices
            t.update(ref[start : start + 100], cand[start : start + 100])
        low, high = t.confidence_sequence(level)
        missed = not low <= truth <= high
        misses += missed
    _at_most_alpha(misses, runs, alpha=1 - level)


def test_suite_and_e_bh_null_simulations() -> None:
    """All tasks null: the averaged suite e-process ever crossing 1/alpha, checked after
    every round of one sample per task; e-BH's false discovery rate under a partial null."""
    runs, rounds, tasks = (1000, 2000, 6) if SLOW else (300, 600, 6)
    rng = np.random.default_rng(16)
    batch = fm.SequentialBatch(runs, tasks)
    ones = np.ones((runs, tasks), dtype=np.int64)
    for _ in range(rounds):
        u = rng.random((runs, tasks))
        b = (u < 0.05).astype(np.int64)
        c = ((u >= 0.05) & (u < 0.10)).astype(np.int64)
        batch.update_counts(b, c, ones)
    suite_hits = sum(d == "degraded" for d in batch.suite_decision())
    _at_most_alpha(suite_hits, runs)

    # e-BH: 3 of 10 tasks degraded (q = 0.75), 7 null; FDR <= alpha.
    fdp = []
    reps = 4000 if SLOW else 1000
    null = np.array([False] * 3 + [True] * 7)
    batch = fm.SequentialBatch(reps, 10)
    flips = rng.binomial(400, 0.1, (reps, 10))
    q = np.where(null, 0.5, 0.75)
    b = rng.binomial(flips, q)
    batch.update_counts(b, flips - b, np.full((reps, 10), 4000))
    rejected = batch.degraded_tasks()
    for row in rejected:
        r = int(row.sum())
        fdp.append(0.0 if r == 0 else float((row & null).sum()) / r)
    assert float(np.mean(fdp)) <= ALPHA + 3 * np.std(fdp) / math.sqrt(reps)
    assert rejected[:, :3].mean() > 0.25  # and it finds degraded tasks
