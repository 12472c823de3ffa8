# Type stubs for the Rust extension module fastmcnemar._core.
# Keep in step with rust/fastmcnemar-py/src/*.rs (checked by mypy.stubtest in CI).

import os
from collections.abc import Callable, Sequence
from typing import Any, Literal, final

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

__version__: str
THREADS_ENV: str
MAX_THREADS: int

# Options are typed at the boundary (rust/fastmcnemar-py/src/conversion.rs):
# any other value raises InvalidArgumentError("<option> must be one of ...; got ...").
_Alternative = Literal["greater", "less", "two-sided"]
_McNemarMethod = Literal["exact", "midp", "asymptotic"]
_DifferenceMethod = Literal["tango", "newcombe", "bonett-price", "wald"]
_PermutationMethod = Literal["auto", "exact", "lattice", "monte_carlo"]
_BootstrapMethod = Literal["percentile", "basic", "bca"]
_SuiteMethod = Literal["pooled", "max_drop", "fisher", "stouffer", "cauchy", "hmp", "combined"]
_CombinedRule = Literal["bonferroni", "any"]
_MaxDropNull = Literal["exact", "monte_carlo"]
_FisherNull = Literal["chi2", "monte_carlo"]
_Combination = Literal["fisher", "stouffer", "cauchy", "hmp"]
_Adjustment = Literal["holm", "hochberg", "hommel", "bonferroni", "sidak", "holm-sidak", "bh", "by"]

class FastMcNemarError(ValueError): ...
class EmptyInputError(FastMcNemarError): ...
class LengthMismatchError(FastMcNemarError): ...
class NonBinaryValueError(FastMcNemarError): ...
class NegativeCountError(FastMcNemarError): ...
class InvalidLevelError(FastMcNemarError): ...
class NonFiniteValueError(FastMcNemarError): ...
class InvalidArgumentError(FastMcNemarError): ...
class InputFormatError(FastMcNemarError): ...
class WorkerPanicError(FastMcNemarError): ...

# --- results (rust/fastmcnemar-py/src/results.rs): frozen, read-only fields ---
@final
class PairedTable:
    @property
    def both_correct(self) -> int: ...
    @property
    def b(self) -> int: ...
    @property
    def c(self) -> int: ...
    @property
    def both_wrong(self) -> int: ...

@final
class McNemarArrays:
    @property
    def pvalue(self) -> NDArray[np.float64]: ...
    @property
    def log_pvalue(self) -> NDArray[np.float64]: ...
    @property
    def statistic(self) -> NDArray[np.float64]: ...
    @property
    def n(self) -> NDArray[np.int64]: ...

@final
class SignFlipResult:
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def pvalue_greater(self) -> float: ...
    @property
    def pvalue_less(self) -> float: ...
    @property
    def method(self) -> str: ...
    @property
    def n_resamples(self) -> int: ...

@final
class GroupedSignFlipResult:
    @property
    def group_statistic(self) -> NDArray[np.float64]: ...
    @property
    def group_pvalue(self) -> NDArray[np.float64]: ...
    @property
    def group_n(self) -> NDArray[np.uint64]: ...
    @property
    def group_method(self) -> list[str]: ...
    @property
    def group_n_resamples(self) -> NDArray[np.uint64]: ...
    @property
    def micro_statistic(self) -> float: ...
    @property
    def micro_pvalue(self) -> float: ...
    @property
    def micro_method(self) -> str: ...
    @property
    def micro_n_resamples(self) -> int: ...
    @property
    def macro_statistic(self) -> float: ...
    @property
    def macro_pvalue(self) -> float: ...
    @property
    def max_drop_statistic(self) -> float: ...
    @property
    def max_drop_pvalue(self) -> float: ...
    @property
    def fisher_statistic(self) -> float: ...
    @property
    def fisher_pvalue(self) -> float: ...
    @property
    def n_resamples(self) -> int: ...

@final
class BootstrapResult:
    @property
    def estimate(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def standard_error(self) -> float: ...

@final
class ManyCandidatesResult:
    @property
    def statistic(self) -> NDArray[np.float64]: ...
    @property
    def z(self) -> NDArray[np.float64]: ...
    @property
    def pvalue(self) -> NDArray[np.float64]: ...
    @property
    def adjusted(self) -> NDArray[np.float64]: ...

@final
class SuiteComponent:
    @property
    def name(self) -> str: ...
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def log_pvalue(self) -> float: ...

@final
class SuiteResult:
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def log_pvalue(self) -> float: ...
    @property
    def rejected(self) -> bool: ...
    @property
    def level(self) -> float: ...
    @property
    def components(self) -> list[SuiteComponent]: ...
    @property
    def task_pvalues(self) -> NDArray[np.float64]: ...
    @property
    def task_log_pvalues(self) -> NDArray[np.float64]: ...

@final
class SuiteComponentArrays:
    @property
    def name(self) -> str: ...
    @property
    def statistic(self) -> NDArray[np.float64]: ...
    @property
    def pvalue(self) -> NDArray[np.float64]: ...
    @property
    def log_pvalue(self) -> NDArray[np.float64]: ...

@final
class SuiteManyResult:
    @property
    def statistic(self) -> NDArray[np.float64]: ...
    @property
    def pvalue(self) -> NDArray[np.float64]: ...
    @property
    def log_pvalue(self) -> NDArray[np.float64]: ...
    @property
    def rejected(self) -> NDArray[np.bool_]: ...
    @property
    def level(self) -> float: ...
    @property
    def components(self) -> list[SuiteComponentArrays]: ...
    @property
    def task_pvalues(self) -> NDArray[np.float64]: ...
    @property
    def task_log_pvalues(self) -> NDArray[np.float64]: ...

@final
class CombinedPValue:
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def log_pvalue(self) -> float: ...

@final
class SampleSizeResult:
    @property
    def n(self) -> int: ...
    @property
    def power(self) -> float: ...
    @property
    def normal_approximation(self) -> float: ...

@final
class SampleSizeArrays:
    @property
    def n(self) -> NDArray[np.uint64]: ...
    @property
    def power(self) -> NDArray[np.float64]: ...
    @property
    def normal_approximation(self) -> NDArray[np.float64]: ...

@final
class NoninferiorityArrays:
    @property
    def statistic(self) -> NDArray[np.float64]: ...
    @property
    def pvalue(self) -> NDArray[np.float64]: ...
    @property
    def low(self) -> NDArray[np.float64]: ...
    @property
    def high(self) -> NDArray[np.float64]: ...
    @property
    def noninferior(self) -> NDArray[np.bool_]: ...

@final
class VerdictArrays:
    @property
    def noninferiority_pvalue(self) -> NDArray[np.float64]: ...
    @property
    def detectable_drop(self) -> NDArray[np.float64]: ...
    @property
    def n_needed(self) -> NDArray[np.int64]: ...
    @property
    def flip_rate_needed(self) -> NDArray[np.float64]: ...
    @property
    def verdict(self) -> NDArray[np.uint8]: ...

@final
class NoninferiorityScore:
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def noninferior(self) -> bool: ...

# --- planning (rust/fastmcnemar-py/src/planning.rs) ---
def exact_power(
    n: int, flip_rate: float, delta: float, alpha: float, alternative: _Alternative
) -> float: ...
def normal_approx_power(
    n: int, flip_rate: float, delta: float, alpha: float, alternative: _Alternative
) -> float: ...
def exact_sample_size(
    flip_rate: float,
    delta: float,
    alpha: float,
    power: float,
    alternative: _Alternative,
    n_threads: int | None = None,
) -> SampleSizeResult: ...
def exact_minimum_detectable_delta(
    n: int,
    flip_rate: float,
    alpha: float,
    power: float,
    alternative: _Alternative,
    n_threads: int | None = None,
) -> float | None: ...
def exact_maximum_flip_rate(
    n: int, delta: float, alpha: float, power: float, n_threads: int | None = None
) -> float | None: ...
def normal_approx_sample_size(
    flip_rate: float, delta: float, alpha: float, power: float, alternative: _Alternative
) -> float: ...
def normal_approx_minimum_detectable_delta(
    n: int, flip_rate: float, alpha: float, power: float, alternative: _Alternative
) -> float | None: ...
def noninferiority_score(
    b: int, c: int, n: int, margin: float, alpha: float
) -> NoninferiorityScore: ...
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
    alternative: _Alternative,
    n_threads: int | None = None,
) -> SampleSizeArrays: ...
def exact_minimum_detectable_delta_many(
    n: NDArray[np.int64],
    flip_rate: NDArray[np.float64],
    alpha: float,
    power: float,
    alternative: _Alternative,
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
) -> NoninferiorityArrays: ...
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
) -> VerdictArrays: ...

# --- resampling (rust/fastmcnemar-py/src/resampling.rs) ---

def sign_flip_test_paired(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    alternative: _Alternative,
    method: _PermutationMethod,
    n_resamples: int,
    seed: int,
    clusters: npt.NDArray[np.uint32] | None = None,
    n_threads: int | None = None,
) -> SignFlipResult: ...
def grouped_sign_flip_test(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    groups: npt.NDArray[np.uint32],
    n_groups: int,
    alternative: _Alternative,
    method: _PermutationMethod,
    n_resamples: int,
    seed: int,
    clusters: npt.NDArray[np.uint32] | None = None,
    macro_weights: npt.NDArray[np.float64] | None = None,
    n_threads: int | None = None,
) -> GroupedSignFlipResult: ...
def grouped_units_test(
    units: npt.NDArray[np.float64],
    sizes: npt.NDArray[np.uint64],
    groups: npt.NDArray[np.uint32],
    n_groups: int,
    alternative: str,
    n_resamples: int,
    seed: int,
    n_threads: int | None = None,
) -> GroupedSignFlipResult: ...

# --- clusters (rust/fastmcnemar-py/src/cluster.rs) ---
@final
class ClusteredTestResult:
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def path(self) -> str: ...
    @property
    def n_resamples(self) -> int: ...
    @property
    def binary(self) -> bool: ...
    @property
    def b(self) -> int: ...
    @property
    def c(self) -> int: ...
    @property
    def n(self) -> int: ...
    @property
    def n_clusters(self) -> int: ...
    @property
    def estimate(self) -> float: ...
    @property
    def standard_error(self) -> float: ...
    @property
    def naive_standard_error(self) -> float: ...
    @property
    def design_effect(self) -> float: ...
    @property
    def effective_n(self) -> float: ...
    @property
    def icc(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...

@final
class RuleDecision:
    @property
    def pvalue(self) -> float: ...
    @property
    def level(self) -> float: ...
    @property
    def rejected(self) -> bool: ...

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
) -> ClusteredTestResult: ...
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
) -> ClusteredTestResult: ...
def combined_rule(min_pvalue: float, alpha: float, rule: str) -> RuleDecision: ...
def bootstrap_mean_difference(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    confidence_level: float,
    method: _BootstrapMethod,
    n_resamples: int,
    seed: int,
    clusters: npt.NDArray[np.uint32] | None = None,
    n_threads: int | None = None,
) -> BootstrapResult: ...
def many_candidates_test(
    reference: npt.NDArray[np.float64],
    candidates: npt.NDArray[np.float64],
    groups: npt.NDArray[np.uint32] | None,
    n_groups: int,
    alternative: _Alternative,
    n_resamples: int,
    seed: int,
    n_threads: int | None = None,
) -> ManyCandidatesResult: ...

# --- ingest: reading harness logs (rust/fastmcnemar-py/src/ingest.rs, arrow_column.rs) ---
@final
class ArrowColumn:
    def __len__(self) -> int: ...
    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...

#: One hash column: every row's text joined, row offsets (rows + 1), which rows have one.

@final
class ReferenceLookup:
    def __new__(
        cls,
        doc_ids: list[str],
        pair_code: npt.NDArray[np.int64],
        offsets: npt.NDArray[np.int64],
        hashes: tuple[object, object, object],
    ) -> ReferenceLookup: ...

def scan_chosen(
    paths: Sequence[str | os.PathLike[str]],
    reference: ReferenceLookup,
    *,
    doc_id: str,
    filter: str,
    hashes: tuple[str, str, str],
    metrics: list[str],
    keep_filters: list[str],
    keys: list[int],
    n_threads: int | None = None,
) -> (
    tuple[
        npt.NDArray[np.uint32],
        npt.NDArray[np.float64],
        npt.NDArray[np.uint64],
        bool,
        int,
        npt.NDArray[np.uint64],
    ]
    | str
): ...
def outline_jsonl(
    paths: Sequence[str | os.PathLike[str]],
    skip: list[str],
    *,
    n_threads: int | None = None,
) -> list[tuple[int, bytes, bytes | None]]: ...
def outline_rows(
    path: str | os.PathLike[str], rows: list[int], skip: list[str]
) -> list[tuple[int, bytes]]: ...
def outline_where(
    path: str | os.PathLike[str], key: str, values: list[str], skip: list[str]
) -> list[tuple[int, str, bytes]]: ...
def flip_texts_at_starts_many(
    paths: Sequence[str | os.PathLike[str]],
    starts: list[list[int]],
    skip: list[str],
    *,
    n_threads: int | None = None,
) -> list[list[tuple[str, str, str | None, str | None, str | None] | bytes] | None]: ...
def records_json(
    names: list[str],
    columns: list[tuple[str, Any, Any]],
    layout: tuple[str, str, str, str, str],
) -> str | None: ...
def document_json(
    value: Any, indent: int, level: int, fallback: Callable[[Any, int], str]
) -> str: ...
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
    npt.NDArray[np.uint64],
]: ...
def scan_jsonl_many(
    paths: Sequence[str | os.PathLike[str]],
    keys: list[str],
    text_keys: list[bool],
    *,
    n_threads: int | None = None,
) -> list[
    tuple[
        int,
        list[tuple[npt.NDArray[np.uint8], ArrowColumn]],
        npt.NDArray[np.uint64],
    ]
    | None
]: ...

# --- doc-id codes of score-frame columns (rust/fastmcnemar-py/src/coding.rs, arrow_text.rs) ---
# Columns: objects with __arrow_c_stream__ holding text (a polars Series of strings).

def code_doc_ids(
    ids: object,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]] | None: ...
def lookup_doc_ids(dictionary: object, ids: object) -> npt.NDArray[np.uint32] | None: ...
def text_run_starts(columns: list[object]) -> npt.NDArray[np.int64] | None: ...

# --- McNemar test and paired intervals (rust/fastmcnemar-py/src/paired.rs) ---

def paired_segment_tallies(
    reference: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.float64],
    bounds: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64] | None: ...
def mcnemar_paired_counts(
    reference: NDArray[Any], candidate: NDArray[Any], n_threads: int | None = None
) -> PairedTable: ...
def mcnemar_pvalue(
    b: int, c: int, alternative: _Alternative, method: _McNemarMethod
) -> tuple[float, float]: ...
def mcnemar_pvalues(
    b: NDArray[Any],
    c: NDArray[Any],
    alternative: _Alternative,
    method: _McNemarMethod,
    n_threads: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
def mcnemar_counts_arrays(
    b: NDArray[Any],
    c: NDArray[Any],
    alternative: _Alternative,
    method: _McNemarMethod,
    n_threads: int | None = None,
) -> McNemarArrays: ...
def paired_difference_interval(
    both_correct: int,
    b: int,
    c: int,
    both_wrong: int,
    confidence_level: float,
    method: _DifferenceMethod,
) -> tuple[float, float]: ...
def clopper_pearson_interval(b: int, c: int, confidence_level: float) -> tuple[float, float]: ...
def clopper_pearson_intervals(
    b: NDArray[Any], c: NDArray[Any], confidence_level: float, n_threads: int | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...

# --- suite (rust/fastmcnemar-py/src/suite.rs) ---

def suite_aggregate(
    b: npt.NDArray[np.int64],
    c: npt.NDArray[np.int64],
    method: _SuiteMethod,
    alternative: _Alternative,
    alpha: float,
    rule: _CombinedRule,
    max_drop_null: _MaxDropNull,
    fisher_null: _FisherNull,
    n_resamples: int | None,
    seed: int,
    weights: npt.NDArray[np.float64] | None = None,
    n_threads: int | None = None,
) -> SuiteResult: ...
def suite_aggregate_many(
    b: npt.NDArray[np.int64],
    c: npt.NDArray[np.int64],
    n_tasks: int,
    method: _SuiteMethod,
    alternative: _Alternative,
    alpha: float,
    rule: _CombinedRule,
    max_drop_null: _MaxDropNull,
    fisher_null: _FisherNull,
    n_resamples: int | None,
    seed: int,
    weights: npt.NDArray[np.float64] | None = None,
    n_threads: int | None = None,
) -> SuiteManyResult: ...
def suite_combine_pvalues(
    log_pvalues: npt.NDArray[np.float64],
    method: _Combination,
    weights: npt.NDArray[np.float64] | None = None,
) -> CombinedPValue: ...
def suite_adjust_pvalues(
    pvalues: npt.NDArray[np.float64], method: _Adjustment
) -> npt.NDArray[np.float64]: ...
def suite_adjust_pvalues_grouped(
    pvalues: npt.NDArray[np.float64], offsets: npt.NDArray[np.int64], method: _Adjustment
) -> npt.NDArray[np.float64]: ...
def suite_landau_sf(x: float) -> tuple[float, float]: ...
def _panic_for_tests(inline: bool) -> None: ...

# --- sequential tests (rust/fastmcnemar-py/src/sequential.rs) ---
@final
class SequentialState:
    def __new__(
        cls,
        alpha: float,
        margin: float | None,
        alternative: str,
        method: str,
        population: int | None,
        prior: int,
        grid_points: int,
    ) -> SequentialState: ...
    def update(self, reference: NDArray[np.float64], candidate: NDArray[np.float64]) -> None: ...
    def update_counts(self, b: int, c: int, n: int) -> None: ...
    def merge(self, other: SequentialState) -> None: ...
    def copy(self) -> SequentialState: ...
    @property
    def n(self) -> int: ...
    @property
    def b(self) -> int: ...
    @property
    def c(self) -> int: ...
    @property
    def delta(self) -> float: ...
    @property
    def method(self) -> str: ...
    @property
    def ln_evalue(self) -> float: ...
    @property
    def ln_evalue_max(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def ln_equivalence_evalue(self) -> float | None: ...
    @property
    def equivalence_pvalue(self) -> float | None: ...
    @property
    def decision(self) -> str: ...
    def confidence_sequence(self, level: float) -> tuple[float, float] | None: ...
    def to_parts(
        self,
    ) -> tuple[list[float], int | None, NDArray[np.float64] | None]: ...
    def set_parts(
        self,
        scalars: list[float],
        grid_since: int | None = None,
        grid: NDArray[np.float64] | None = None,
    ) -> None: ...

@final
class StreamBatch:
    def __new__(
        cls,
        rows: int,
        cols: int,
        alpha: float,
        margin: float | None,
        alternative: str,
        method: str,
        prior: int,
    ) -> StreamBatch: ...
    def update_counts(
        self,
        b: NDArray[np.int64],
        c: NDArray[np.int64],
        n: NDArray[np.int64],
        n_threads: int | None = None,
    ) -> None: ...
    @property
    def shape(self) -> tuple[int, int]: ...
    def to_parts(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
    def set_parts(self, flat: NDArray[np.float64], suite: NDArray[np.float64]) -> None: ...
    def n(self) -> NDArray[np.uint64]: ...
    def b(self) -> NDArray[np.uint64]: ...
    def c(self) -> NDArray[np.uint64]: ...
    def delta(self) -> NDArray[np.float64]: ...
    def ln_evalue(self) -> NDArray[np.float64]: ...
    def ln_evalue_max(self) -> NDArray[np.float64]: ...
    def pvalue(self) -> NDArray[np.float64]: ...
    def decision_codes(self) -> NDArray[np.uint8]: ...
    def suite_ln_evalue(self) -> NDArray[np.float64]: ...
    def suite_ln_evalue_max(self) -> NDArray[np.float64]: ...

def sequential_ln_mixture_evalue(b: int, c: int, prior: int) -> float: ...
def sequential_ln_combine(ln_e: NDArray[np.float64], product: bool = False) -> float: ...
def sequential_e_bh(ln_e: NDArray[np.float64], alpha: float) -> NDArray[np.bool_]: ...
