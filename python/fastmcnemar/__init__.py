"""fastmcnemar: is the changed model significantly worse than its reference?

Exact paired tests (McNemar, sign-flip permutation, paired bootstrap) on the
per-sample scores evaluation harnesses log, with a Rust core.
"""

from __future__ import annotations

from fastmcnemar._core import __version__
from fastmcnemar.exceptions import (
    EmptyInputError,
    FastMcNemarError,
    InputFormatError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
    NotTestableError,
    PairingError,
    PairingWarning,
)
from fastmcnemar.non_inferiority import (
    NonInferiorityResult,
    noninferiority,
    noninferiority_counts,
)
from fastmcnemar.paired_test import (
    McNemarCountsResult,
    McNemarResult,
    mcnemar,
    mcnemar_counts,
    mcnemar_table,
)
from fastmcnemar.planning import minimum_detectable_delta, power, sample_size
from fastmcnemar.rerun_noise import NoiseFloor, noise_floor
from fastmcnemar.shrinking import ShrinkResult, shrink
from fastmcnemar.suite import (
    AggregateManyResult,
    AggregateResult,
    CombinedPvalue,
    ComponentResult,
    adjust_pvalues,
    aggregate,
    aggregate_many,
    combine_pvalues,
)

__all__ = [
    "AggregateManyResult",
    "AggregateResult",
    "CombinedPvalue",
    "ComponentResult",
    "EmptyInputError",
    "FastMcNemarError",
    "InputFormatError",
    "InvalidArgumentError",
    "InvalidLevelError",
    "LengthMismatchError",
    "McNemarCountsResult",
    "McNemarResult",
    "NegativeCountError",
    "NoiseFloor",
    "NonBinaryValueError",
    "NonFiniteValueError",
    "NonInferiorityResult",
    "NotTestableError",
    "PairingError",
    "PairingWarning",
    "ShrinkResult",
    "__version__",
    "adjust_pvalues",
    "aggregate",
    "aggregate_many",
    "combine_pvalues",
    "mcnemar",
    "mcnemar_counts",
    "mcnemar_table",
    "minimum_detectable_delta",
    "noise_floor",
    "noninferiority",
    "noninferiority_counts",
    "power",
    "sample_size",
    "shrink",
]
