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
from fastmcnemar.noninferiority import (
    NonInferiorityResult,
    noninferiority,
    noninferiority_counts,
)
from fastmcnemar.planning import minimum_detectable_delta, power, sample_size

__all__ = [
    "EmptyInputError",
    "FastMcNemarError",
    "InputFormatError",
    "InvalidArgumentError",
    "InvalidLevelError",
    "LengthMismatchError",
    "NegativeCountError",
    "NonBinaryValueError",
    "NonFiniteValueError",
    "NonInferiorityResult",
    "NotTestableError",
    "PairingError",
    "PairingWarning",
    "__version__",
    "minimum_detectable_delta",
    "noninferiority",
    "noninferiority_counts",
    "power",
    "sample_size",
]
