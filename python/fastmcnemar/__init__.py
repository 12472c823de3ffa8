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
from fastmcnemar.resampling import (
    BootstrapResult,
    GroupPermutationResult,
    ManyPermutationResult,
    PermutationResult,
    SuitePermutationResult,
    bootstrap,
    permutation_test,
    permutation_test_many,
)

__all__ = [
    "BootstrapResult",
    "EmptyInputError",
    "FastMcNemarError",
    "GroupPermutationResult",
    "InputFormatError",
    "InvalidArgumentError",
    "InvalidLevelError",
    "LengthMismatchError",
    "ManyPermutationResult",
    "NegativeCountError",
    "NonBinaryValueError",
    "NonFiniteValueError",
    "NotTestableError",
    "PairingError",
    "PairingWarning",
    "PermutationResult",
    "SuitePermutationResult",
    "__version__",
    "bootstrap",
    "permutation_test",
    "permutation_test_many",
]
