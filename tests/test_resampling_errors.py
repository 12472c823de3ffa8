"""Bad input to the resampling functions: exception class and message."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
import warnings
from typing import Any

import numpy as np
import pytest

import fastmcnemar as fm

REF = [0.1, 0.5, 0.9, 0.3]
CAND = [0.2, 0.4, 0.7, 0.3]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"reference": [0.1, np.nan], "candidate": [0.1, 0.2]},
            fm.NonFiniteValueError,
            "non-finite value in reference at index 1: NaN",
        ),
        ({"candidate": [0.1, 0.2, np.inf, 0.3]}, fm.NonFiniteValueError, "candidate at index 2"),
        (
            {"reference": [[0.1, 0.2], [0.3, np.nan]], "candidate": [0.1, 0.2]},
            fm.NonFiniteValueError,
            "reference at sample 1, rerun 1",
        ),
        ({"candidate": [0.1, 0.2]}, fm.LengthMismatchError, "reference has 4 elements"),
        ({"reference": [], "candidate": []}, fm.EmptyInputError, "reference is empty"),
        ({"reference": [[[1.0]]]}, fm.InvalidArgumentError, "3 dimensions"),
        ({"reference": ["a", "b", "c", "d"]}, fm.InvalidArgumentError, "numeric"),
        ({"n_resamples": 0}, fm.InvalidArgumentError, "n_resamples must be at least 1"),
        ({"n_resamples": 2.5}, fm.InvalidArgumentError, "n_resamples must be an integer"),
        ({"n_resamples": 2**70}, fm.InvalidArgumentError, "n_resamples must be at most"),
        ({"alternative": "bigger"}, fm.InvalidArgumentError, "alternative must be"),
        ({"method": "magic"}, fm.InvalidArgumentError, "method must be one of"),
        ({"weighting": "median"}, fm.InvalidArgumentError, "weighting must be"),
        ({"groups": [1, 2]}, fm.LengthMismatchError, "groups has 2 labels"),
        ({"clusters": [1, 2, 3]}, fm.LengthMismatchError, "clusters has 3 labels"),
        ({"rng": -1}, fm.InvalidArgumentError, r"rng seed must lie in \[0, 2\*\*64\), got -1"),
        ({"rng": "seed"}, fm.InvalidArgumentError, "rng must be None"),
        ({"n_threads": 0}, fm.InvalidArgumentError, "n_threads must be a whole number from 1 to"),
        (
            {"reference": [1.0, np.sqrt(2), 0.3, 0.0], "method": "lattice"},
            fm.InvalidArgumentError,
            "method='lattice' needs differences on a grid",
        ),
        (
            {"reference": np.linspace(1, 2, 40) ** 1.5, "candidate": np.zeros(40)},
            fm.InvalidArgumentError,
            "exact enumeration needs at most 30",
        ),
        (
            {"clusters": [0, 0, 1, 1], "groups": ["a", "b", "b", "b"]},
            fm.InvalidArgumentError,
            "clusters must lie within one group",
        ),
    ],
)
def test_permutation_test_errors(kwargs: dict[str, Any], error: type, message: str) -> None:
    args: dict[str, Any] = {"reference": REF, "candidate": CAND, **kwargs}
    ref, cand = args.pop("reference"), args.pop("candidate")
    if "exact enumeration" in message:
        args["method"] = "exact"
    with pytest.raises(error, match=message):
        fm.permutation_test(ref, cand, **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"confidence_level": 1.0}, fm.InvalidLevelError, "strictly between 0 and 1"),
        ({"confidence_level": 0.0}, fm.InvalidLevelError, "strictly between 0 and 1"),
        ({"n_resamples": 1}, fm.InvalidArgumentError, "n_resamples must be at least 2"),
        ({"method": "studentized"}, fm.InvalidArgumentError, "method must be one of 'bca'"),
        ({"clusters": [0, 1]}, fm.LengthMismatchError, "clusters has 2 labels"),
        ({"reference": [0.1, np.nan, 0.2, 0.3]}, fm.NonFiniteValueError, "index 1"),
        ({"candidate": [0.1]}, fm.LengthMismatchError, "candidate has 1"),
    ],
)
def test_bootstrap_errors(kwargs: dict[str, Any], error: type, message: str) -> None:
    args: dict[str, Any] = {"reference": REF, "candidate": CAND, **kwargs}
    ref, cand = args.pop("reference"), args.pop("candidate")
    with pytest.raises(error, match=message):
        fm.bootstrap(ref, cand, **args)


def test_bootstrap_degenerate_data_give_a_point_interval() -> None:
    for method in ["bca", "percentile", "basic"]:
        res = fm.bootstrap([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], method=method, n_resamples=99)
        assert res.confidence_interval == (0.0, 0.0)
        assert res.standard_error == 0.0


def test_bca_with_every_resample_on_one_side_is_refused() -> None:
    # Two resamples of skewed data can both fall below the estimate.
    messages = []
    for seed in range(200):
        try:
            fm.bootstrap([0.0, 0.0, 0.0, 9.0], [0.0] * 4, n_resamples=2, rng=seed)
        except fm.InvalidArgumentError as exc:
            messages.append(str(exc))
    assert messages, "no seed produced a one-sided bootstrap distribution"
    assert all("BCa interval cannot be computed" in m for m in messages)


@pytest.mark.parametrize(
    ("candidates", "kwargs", "error", "message"),
    [
        ([[0.1, 0.2]], {}, fm.LengthMismatchError, "each candidate has 2 samples"),
        (np.zeros((0, 4)), {}, fm.EmptyInputError, "candidates is empty"),
        ([[0.1, 0.2, np.nan, 0.3]], {}, fm.NonFiniteValueError, "candidate 0, sample 2"),
        (np.zeros((2, 4)), {"groups": [0, 1]}, fm.LengthMismatchError, "groups has 2"),
        (np.zeros((2, 4)), {"n_resamples": 0}, fm.InvalidArgumentError, "at least 1"),
        (np.zeros((2, 2, 4)), {}, fm.InvalidArgumentError, "must be 2-D"),
    ],
)
def test_many_errors(candidates: Any, kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        fm.permutation_test_many(REF, candidates, **kwargs)


def test_all_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="n_resamples"):
        fm.permutation_test(REF, CAND, n_resamples=-5)


def _child_pvalue(queue: Any) -> None:
    gen = np.random.default_rng(0)
    ref, cand = gen.random(4000), gen.random(4000)
    res = fm.permutation_test(ref, cand, n_resamples=999, rng=1, method="monte_carlo")
    queue.put(res.pvalue)


def test_pool_survives_fork() -> None:
    # Use the thread pool in the parent, fork, then run a test in the child:
    # pools are keyed by process id, so the child starts its own.
    gen = np.random.default_rng(0)
    ref, cand = gen.random(4000), gen.random(4000)
    parent = fm.permutation_test(ref, cand, n_resamples=999, rng=1, method="monte_carlo")
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        child = ctx.Process(target=_child_pvalue, args=(queue,))
        child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == parent.pvalue


def test_ctrl_c_stops_a_long_run() -> None:
    gen = np.random.default_rng(0)
    ref, cand = gen.random(200_000), gen.random(200_000)
    timer = threading.Timer(0.3, signal.raise_signal, (signal.SIGINT,))
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            # About 10 minutes of work if it were not stopped.
            fm.permutation_test(ref, cand, n_resamples=10**7, method="monte_carlo", rng=1)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 10
