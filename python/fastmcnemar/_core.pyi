# Type stubs for the Rust extension module fastmcnemar._core.
# Keep in step with rust/fastmcnemar-py/src/*.rs (checked by mypy.stubtest in CI).

import numpy as np
import numpy.typing as npt

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
