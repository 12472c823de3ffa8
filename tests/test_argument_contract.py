"""One error contract for every public function (``fastmcnemar/_args.py``).

The same bad argument gets the same exception class and the same message from
every function that takes it: a bad ``alternative``, level, seed, thread count,
option name or margin. Each public function is called with each bad value of
each shared option it accepts; the message is matched in full (``^...$``), so a
function that re-words a message, or accepts the value, fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import fastmcnemar as fm
from fastmcnemar import planning
from fastmcnemar._core import MAX_THREADS
from fastmcnemar.data import example_path

REF = [1, 0, 1, 1, 0, 1, 1, 0]
CAND = [0, 0, 1, 0, 0, 1, 0, 0]
# 32 clusters of 2 samples (no few-clusters warning).
CREF, CCAND, CLUSTERS = REF * 8, CAND * 8, [i // 2 for i in range(64)]

Call = Callable[..., Any]

# Each public function: how to call it with good data, and the shared options it takes.
FUNCTIONS: dict[str, tuple[Call, set[str]]] = {
    "mcnemar": (lambda **k: fm.mcnemar(REF, CAND, **k), {"alternative", "method"}),
    "mcnemar_table": (
        lambda **k: fm.mcnemar_table([[5, 3], [1, 4]], **k),
        {"alternative", "method"},
    ),
    "mcnemar_counts": (lambda **k: fm.mcnemar_counts(3, 1, **k), {"alternative", "method"}),
    "permutation_test": (
        lambda **k: fm.permutation_test(REF, CAND, n_resamples=99, **k),
        {"alternative", "method", "rng", "n_threads"},
    ),
    "permutation_test_many": (
        lambda **k: fm.permutation_test_many(REF, [CAND, REF], n_resamples=99, **k),
        {"alternative", "rng", "n_threads"},
    ),
    "bootstrap": (
        lambda **k: fm.bootstrap(REF, CAND, n_resamples=99, **k),
        {"confidence_level", "method", "rng", "n_threads"},
    ),
    "aggregate": (
        lambda **k: fm.aggregate([3, 2], [1, 1], **k),
        {"alternative", "alpha", "method", "rng"},
    ),
    "aggregate_many": (
        lambda **k: fm.aggregate_many([[3, 2]], [[1, 1]], **k),
        {"alternative", "alpha", "method", "rng"},
    ),
    "combine_pvalues": (lambda **k: fm.combine_pvalues([0.1, 0.2], **k), {"method"}),
    "adjust_pvalues": (lambda **k: fm.adjust_pvalues([0.1, 0.2], **k), {"method"}),
    "power": (
        lambda **k: fm.power(1000, 0.05, 0.01, **k),
        {"alternative", "alpha", "method"},
    ),
    "sample_size": (
        lambda **k: fm.sample_size(0.05, 0.02, **k),
        {"alternative", "alpha", "power", "method"},
    ),
    "minimum_detectable_delta": (
        lambda **k: fm.minimum_detectable_delta(1000, 0.05, **k),
        {"alternative", "alpha", "power", "method"},
    ),
    "sample_size_many": (
        lambda **k: planning.sample_size_many([0.05], 0.02, **k),
        {"alternative", "alpha", "power"},
    ),
    "minimum_detectable_delta_many": (
        lambda **k: planning.minimum_detectable_delta_many([1000], 0.05, **k),
        {"alternative", "alpha", "power"},
    ),
    "maximum_flip_rate_many": (
        lambda **k: planning.maximum_flip_rate_many([1000], 0.02, **k),
        {"alpha", "power"},
    ),
    "noninferiority_counts_many": (
        lambda **k: planning.noninferiority_counts_many([3], [2], [100], **{"margin": 0.05, **k}),
        {"alpha", "margin"},
    ),
    "tango_interval_many": (
        lambda **k: planning.tango_interval_many([3], [2], [100], **k),
        {"confidence_level"},
    ),
    "noninferiority": (
        lambda **k: fm.noninferiority(REF, CAND, **{"margin": 0.05, **k}),
        {"alpha", "method", "rng", "margin"},
    ),
    "noninferiority_counts": (
        lambda **k: fm.noninferiority_counts(3, 2, 100, **{"margin": 0.05, **k}),
        {"alpha", "method", "margin"},
    ),
    "clustered_test": (
        lambda **k: fm.clustered_test(CREF, CCAND, CLUSTERS, n_resamples=99, **k),
        {"alternative", "confidence_level", "method", "rng", "n_threads"},
    ),
    "clustered_mcnemar": (
        lambda **k: fm.clustered_mcnemar(CREF, CCAND, CLUSTERS, n_resamples=99, **k),
        {"alternative", "confidence_level", "method", "rng", "n_threads"},
    ),
    "clustered_mcnemar_counts": (
        lambda **k: fm.clustered_mcnemar_counts(
            [1, 0] * 16, [0, 1, 0, 0] * 8, [3] * 32, n_resamples=99, **k
        ),
        {"alternative", "confidence_level", "method", "rng", "n_threads"},
    ),
    "suite_sign_flip": (
        lambda **k: fm.suite_sign_flip(
            [REF, CREF], [CAND, CCAND], clusters=[None, CLUSTERS], n_resamples=99, **k
        ),
        {"alternative", "alpha", "rng", "n_threads"},
    ),
    "effective_sample_size": (
        lambda **k: fm.effective_sample_size(1000, icc=0.1, cluster_size=10, **k),
        set(),
    ),
    "compare": (
        lambda **k: fm.compare(example_path("reference"), example_path("degraded"), **k),
        {"alternative", "alpha", "confidence_level", "method", "rng", "margin"},
    ),
    "audit": (
        lambda **k: fm.audit(example_path("reference"), [example_path("degraded")], **k),
        {"alternative", "alpha", "confidence_level", "method", "rng", "margin"},
    ),
}

SEED_RULE = r"rng must be None, an int seed in \[0, 2\*\*64\) or a numpy\.random\.Generator, got "
SEED_RANGE = r"rng seed must lie in \[0, 2\*\*64\), got "
THREADS_RULE = (
    rf"n_threads must be a whole number from 1 to {MAX_THREADS} \(4 x the \d+ CPUs here\)"
)

# Each shared option: bad values, the class they raise, and the whole message.
BAD: dict[str, list[tuple[Any, type[Exception], str]]] = {
    "alternative": [
        ("bigger", fm.InvalidArgumentError,
         r"alternative must be one of 'greater', 'less', 'two-sided'; got 'bigger'"),
        (None, fm.InvalidArgumentError,
         r"alternative must be one of 'greater', 'less', 'two-sided'; got None"),
    ],
    "alpha": [
        (1.5, fm.InvalidLevelError, r"alpha must lie strictly between 0 and 1, got 1\.5"),
        (0, fm.InvalidLevelError, r"alpha must lie strictly between 0 and 1, got 0"),
        ("x", fm.InvalidLevelError, r"alpha must lie strictly between 0 and 1, got 'x'"),
        (True, fm.InvalidLevelError, r"alpha must lie strictly between 0 and 1, got True"),
        (float("nan"), fm.InvalidLevelError, r"alpha must lie strictly between 0 and 1, got nan"),
    ],
    "confidence_level": [
        (1.0, fm.InvalidLevelError,
         r"confidence_level must lie strictly between 0 and 1, got 1\.0"),
    ],
    "power": [
        (0.0, fm.InvalidLevelError, r"power must lie strictly between 0 and 1, got 0\.0"),
    ],
    "rng": [
        (1.5, fm.InvalidArgumentError, SEED_RULE + r"1\.5"),
        (True, fm.InvalidArgumentError, SEED_RULE + "True"),
        ("7", fm.InvalidArgumentError, SEED_RULE + "'7'"),
        (2**64, fm.InvalidArgumentError, SEED_RANGE + "18446744073709551616"),
        (-1, fm.InvalidArgumentError, SEED_RANGE + "-1"),
    ],
    "n_threads": [
        (10**6, fm.InvalidArgumentError, THREADS_RULE + ", got 1000000"),
        (0, fm.InvalidArgumentError, THREADS_RULE + ", got 0"),
        (2.0, fm.InvalidArgumentError, THREADS_RULE + r", got 2\.0"),
    ],
    "method": [
        ("nope", fm.InvalidArgumentError, r"method must be one of '[^;]+'; got 'nope'"),
    ],
    "margin": [
        (1.5, fm.InvalidArgumentError,
         r"margin must lie in \(0, 1\) \(an accuracy difference, e\.g\. 0\.01 = one point\), "
         r"got 1\.5"),
    ],
}  # fmt: skip

CASES = [
    pytest.param(name, option, value, error, message, id=f"{name}-{option}={value!r}")
    for name, (_, options) in FUNCTIONS.items()
    for option in sorted(options)
    for value, error, message in BAD[option]
]


@pytest.mark.parametrize(("name", "option", "value", "error", "message"), CASES)
def test_same_bad_argument_same_error(
    name: str, option: str, value: Any, error: type[Exception], message: str
) -> None:
    call, _ = FUNCTIONS[name]
    with pytest.raises(error, match=f"^{message}$") as caught:
        call(**{option: value})
    # The class is exactly the contract's, not a subclass or a sibling.
    assert type(caught.value) is error


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_good_calls_pass(name: str) -> None:
    """The baseline of each case: the same call without a bad option succeeds."""
    call, _ = FUNCTIONS[name]
    call()


def test_every_public_function_is_covered() -> None:
    skipped = {  # readers and pairing take files and frames, not these options
        "from_inspect_logs", "from_lm_eval_results", "lm_eval_metrics", "pair", "read_inspect",
        "read_lighteval", "read_lm_eval", "read_scores", "noise_floor", "shrink",
    }  # fmt: skip
    public = {n for n in fm.__all__ if callable(getattr(fm, n)) and n[0].islower()}
    assert public - skipped <= set(FUNCTIONS), sorted(public - skipped - set(FUNCTIONS))


def test_shrink_alpha_follows_the_level_rule() -> None:
    with pytest.raises(fm.InvalidLevelError, match=r"^alpha must lie strictly between 0 and 1"):
        fm.shrink([example_path("reference"), example_path("rerun")], alpha=1.0)


# --- the seed rule -------------------------------------------------------------------


def test_a_generator_is_one_64_bit_draw_and_an_int_is_used_as_is() -> None:
    a = fm.permutation_test(REF, CAND, n_resamples=999, method="monte_carlo", rng=12345)
    b = fm.permutation_test(REF, CAND, n_resamples=999, method="monte_carlo", rng=np.uint64(12345))
    assert a.pvalue == b.pvalue
    draw = int(np.random.default_rng(3).integers(0, 2**64, dtype=np.uint64))
    c = fm.permutation_test(
        REF, CAND, n_resamples=999, method="monte_carlo", rng=np.random.default_rng(3)
    )
    d = fm.permutation_test(REF, CAND, n_resamples=999, method="monte_carlo", rng=draw)
    assert c.pvalue == d.pvalue
    # The largest seed is accepted (2**64 is refused, not wrapped to 0).
    top = fm.permutation_test(REF, CAND, n_resamples=999, method="monte_carlo", rng=2**64 - 1)
    assert 0.0 < top.pvalue <= 1.0


def test_compare_follows_the_same_seed_rule() -> None:
    ref, cand = example_path("reference"), example_path("degraded")
    assert fm.compare(ref, cand, rng=np.int64(0)).tasks.equals(fm.compare(ref, cand, rng=0).tasks)
    fm.compare(ref, cand, rng=np.random.default_rng(1))
    fm.compare(ref, cand, rng=None)


# --- the thread-count cap ------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "1000000", "-2", "many", ""])
def test_thread_variable_out_of_range_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(fm._core.THREADS_ENV, value)
    expected = (
        rf"^FASTMCNEMAR_NUM_THREADS must be a whole number from 1 to {MAX_THREADS} "
        rf"\(4 x the \d+ CPUs here\), got '{value}'$"
    )
    with pytest.raises(fm.InvalidArgumentError, match=expected):
        fm.permutation_test(REF, CAND, n_resamples=99)
    # Small inputs that run inline are refused the same way.
    with pytest.raises(fm.InvalidArgumentError, match=expected):
        fm.mcnemar_counts([3, 4], [1, 2])
    # Reading a file: the message is not prefixed with the file's path.
    with pytest.raises(fm.InvalidArgumentError, match=expected):
        fm.read_lm_eval(example_path("reference"))


def test_the_cap_is_four_times_the_cpus() -> None:
    assert MAX_THREADS % 4 == 0
    assert len(os.sched_getaffinity(0)) * 4 == MAX_THREADS
    fm.permutation_test(REF, CAND, n_resamples=99, n_threads=MAX_THREADS)
    with pytest.raises(fm.InvalidArgumentError, match="n_threads"):
        fm.permutation_test(REF, CAND, n_resamples=99, n_threads=MAX_THREADS + 1)


@pytest.mark.parametrize("value", ["0", "1000000"])
def test_cli_thread_variable_is_one_line_and_exit_2(value: str) -> None:
    env = {**os.environ, "FASTMCNEMAR_NUM_THREADS": value}
    ref, cand = str(example_path("reference")), str(example_path("degraded"))
    done = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "compare", ref, cand],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        "fastmcnemar compare: error: FASTMCNEMAR_NUM_THREADS must be a whole number from 1 to"
    ), lines[0]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("metric", ["=acc", "task=", "="])
def test_cli_bad_metric_option_is_one_line_and_exit_2(metric: str) -> None:
    ref = str(example_path("reference"))
    done = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "compare", ref, ref, "--metric", metric],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"fastmcnemar compare: error: --metric {metric!r}: expected TASK=METRIC"
    ), done.stderr


@pytest.mark.parametrize("jobs", ["0", "-3", "1000000"])
def test_cli_jobs_follow_the_thread_rule(jobs: str) -> None:
    ref, cand = str(example_path("reference")), str(example_path("degraded"))
    done = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "audit", ref, cand, "--jobs", jobs],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(
        f"fastmcnemar audit: error: --jobs must be a whole number from 1 to {MAX_THREADS} "
    ), done.stderr
    assert done.stderr.strip().endswith(f"got {jobs}"), done.stderr
