# Type stubs for the Rust extension module fastmcnemar._core.
# Keep in step with rust/fastmcnemar-py/src/*.rs (checked by mypy.stubtest in CI).

import os
from typing import Any, final

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

__version__: str
THREADS_ENV: str

class FastMcNemarError(ValueError): ...
class EmptyInputError(FastMcNemarError): ...
class LengthMismatchError(FastMcNemarError): ...
class NonBinaryValueError(FastMcNemarError): ...
class NegativeCountError(FastMcNemarError): ...
class InvalidLevelError(FastMcNemarError): ...
class NonFiniteValueError(FastMcNemarError): ...
class InvalidArgumentError(FastMcNemarError): ...

# --- planning (rust/fastmcnemar-py/src/planning.rs) ---
def exact_power(
    n: int, flip_rate: float, delta: float, alpha: float, alternative: str
) -> float: ...
def normal_approx_power(
    n: int, flip_rate: float, delta: float, alpha: float, alternative: str
) -> float: ...
def exact_sample_size(
    flip_rate: float,
    delta: float,
    alpha: float,
    power: float,
    alternative: str,
    n_threads: int | None = None,
) -> tuple[int, float, float]: ...
def exact_minimum_detectable_delta(
    n: int,
    flip_rate: float,
    alpha: float,
    power: float,
    alternative: str,
    n_threads: int | None = None,
) -> float | None: ...
def exact_maximum_flip_rate(
    n: int, delta: float, alpha: float, power: float, n_threads: int | None = None
) -> float | None: ...
def normal_approx_sample_size(
    flip_rate: float, delta: float, alpha: float, power: float, alternative: str
) -> float: ...
def normal_approx_minimum_detectable_delta(
    n: int, flip_rate: float, alpha: float, power: float, alternative: str
) -> float | None: ...
def noninferiority_score(
    b: int, c: int, n: int, margin: float, alpha: float
) -> tuple[float, float, float, float, bool]: ...
def noninferiority_exact_pvalue(
    b: int, c: int, n: int, margin: float, n_threads: int | None = None
) -> float: ...

# Batches (planning.rs over core planning::batch / planning::verdict_columns):
# missing answers are NaN, or -1 for sample sizes.
def exact_sample_size_many(
    flip_rate: NDArray[np.float64],
    delta: NDArray[np.float64],
    alpha: float,
    power: float,
    alternative: str,
    n_threads: int | None = None,
) -> tuple[NDArray[np.uint64], NDArray[np.float64], NDArray[np.float64]]: ...
def exact_minimum_detectable_delta_many(
    n: NDArray[np.int64],
    flip_rate: NDArray[np.float64],
    alpha: float,
    power: float,
    alternative: str,
    n_threads: int | None = None,
) -> NDArray[np.float64]: ...
def exact_maximum_flip_rate_many(
    n: NDArray[np.int64],
    delta: NDArray[np.float64],
    alpha: float,
    power: float,
    n_threads: int | None = None,
) -> NDArray[np.float64]: ...
def noninferiority_score_many(
    b: NDArray[np.int64],
    c: NDArray[np.int64],
    n: NDArray[np.int64],
    margin: float,
    alpha: float,
    n_threads: int | None = None,
) -> tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.bool_],
]: ...
def tango_intervals(
    b: NDArray[np.int64],
    c: NDArray[np.int64],
    n: NDArray[np.int64],
    confidence_level: float,
    n_threads: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def verdict_columns(
    n: NDArray[np.int64],
    b: NDArray[np.int64],
    c: NDArray[np.int64],
    flip_rate: NDArray[np.float64],
    binary: NDArray[np.bool_],
    degraded: NDArray[np.bool_],
    ci_high: NDArray[np.float64],
    margin: float,
    alpha: float,
    power: float,
    interval_usable: bool,
    n_threads: int | None = None,
) -> tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.uint8],
]: ...

# --- resampling (rust/fastmcnemar-py/src/resampling.rs) ---

def sign_flip_test_paired(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    alternative: str,
    method: str,
    n_resamples: int,
    seed: int,
    clusters: npt.NDArray[np.uint32] | None = None,
    n_threads: int | None = None,
) -> tuple[float, float, float, float, str, int]: ...
def grouped_sign_flip_test(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    groups: npt.NDArray[np.uint32],
    n_groups: int,
    alternative: str,
    method: str,
    n_resamples: int,
    seed: int,
    clusters: npt.NDArray[np.uint32] | None = None,
    macro_weights: npt.NDArray[np.float64] | None = None,
    n_threads: int | None = None,
) -> dict[str, Any]: ...

# --- clusters (rust/fastmcnemar-py/src/cluster.rs) ---
def clustered_paired_test(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    clusters: npt.NDArray[np.uint32],
    test: str,
    alternative: str,
    confidence_level: float,
    permutation_method: str,
    n_resamples: int,
    seed: int,
    n_threads: int | None = None,
) -> dict[str, Any]: ...
def clustered_counts_test(
    n: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    c: npt.NDArray[np.int64],
    test: str,
    alternative: str,
    confidence_level: float,
    permutation_method: str,
    n_resamples: int,
    seed: int,
    n_threads: int | None = None,
) -> dict[str, Any]: ...
def combined_rule(min_pvalue: float, alpha: float, rule: str) -> tuple[float, float, bool]: ...
def grouped_units_test(
    units: npt.NDArray[np.float64],
    sizes: npt.NDArray[np.uint64],
    groups: npt.NDArray[np.uint32],
    n_groups: int,
    alternative: str,
    n_resamples: int,
    seed: int,
    n_threads: int | None = None,
) -> dict[str, Any]: ...
def bootstrap_mean_difference(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    confidence_level: float,
    method: str,
    n_resamples: int,
    seed: int,
    clusters: npt.NDArray[np.uint32] | None = None,
    n_threads: int | None = None,
) -> tuple[float, float, float, float]: ...
def many_candidates_test(
    reference: npt.NDArray[np.float64],
    candidates: npt.NDArray[np.float64],
    groups: npt.NDArray[np.uint32] | None,
    n_groups: int,
    alternative: str,
    n_resamples: int,
    seed: int,
    n_threads: int | None = None,
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]: ...

# --- ingest: reading harness logs (rust/fastmcnemar-py/src/ingest.rs, arrow_column.rs) ---
@final
class ArrowColumn:
    def __len__(self) -> int: ...
    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...

def json_array_fields(
    data: bytes, array_key: str, fields: list[str]
) -> tuple[tuple[int, int] | None, npt.NDArray[np.int64]]: ...
def scan_jsonl(
    path: str | os.PathLike[str],
    keys: list[str],
    text_keys: list[bool],
    *,
    n_threads: int | None = None,
) -> tuple[
    int,
    list[tuple[npt.NDArray[np.uint8], ArrowColumn]],
]: ...

# --- McNemar test and paired intervals (rust/fastmcnemar-py/src/paired.rs) ---

def mcnemar_paired_counts(
    reference: NDArray[Any], candidate: NDArray[Any], n_threads: int | None = None
) -> tuple[int, int, int, int]: ...
def mcnemar_pvalue(b: int, c: int, alternative: str, method: str) -> tuple[float, float]: ...
def mcnemar_pvalues(
    b: NDArray[Any],
    c: NDArray[Any],
    alternative: str,
    method: str,
    n_threads: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def mcnemar_counts_arrays(
    b: NDArray[Any],
    c: NDArray[Any],
    alternative: str,
    method: str,
    n_threads: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]: ...
def paired_difference_interval(
    both_correct: int, b: int, c: int, both_wrong: int, confidence_level: float, method: str
) -> tuple[float, float]: ...
def clopper_pearson_interval(b: int, c: int, confidence_level: float) -> tuple[float, float]: ...
def clopper_pearson_intervals(
    b: NDArray[Any], c: NDArray[Any], confidence_level: float, n_threads: int | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...

# --- suite (rust/fastmcnemar-py/src/suite.rs) ---

def suite_aggregate(
    b: npt.NDArray[np.int64],
    c: npt.NDArray[np.int64],
    method: str,
    alternative: str,
    alpha: float,
    rule: str,
    max_drop_null: str,
    fisher_null: str,
    n_resamples: int | None,
    seed: int,
    weights: npt.NDArray[np.float64] | None = None,
    n_threads: int | None = None,
) -> tuple[
    float,
    float,
    float,
    bool,
    float,
    list[tuple[str, float, float, float]],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]: ...
def suite_aggregate_many(
    b: npt.NDArray[np.int64],
    c: npt.NDArray[np.int64],
    n_tasks: int,
    method: str,
    alternative: str,
    alpha: float,
    rule: str,
    max_drop_null: str,
    fisher_null: str,
    n_resamples: int | None,
    seed: int,
    weights: npt.NDArray[np.float64] | None = None,
    n_threads: int | None = None,
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.bool_],
    float,
    list[
        tuple[
            str,
            npt.NDArray[np.float64],
            npt.NDArray[np.float64],
            npt.NDArray[np.float64],
        ]
    ],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]: ...
def suite_combine_pvalues(
    log_pvalues: npt.NDArray[np.float64],
    method: str,
    weights: npt.NDArray[np.float64] | None = None,
) -> tuple[float, float, float]: ...
def suite_adjust_pvalues(
    pvalues: npt.NDArray[np.float64], method: str
) -> npt.NDArray[np.float64]: ...
def suite_landau_sf(x: float) -> tuple[float, float]: ...
