"""Exception classes of fastmcnemar.

Every error fastmcnemar raises derives from :class:`FastMcNemarError`, which is
also a :class:`ValueError`, so ``except ValueError`` keeps working. The
numeric-core classes are created in Rust (``fastmcnemar._core``) and re-exported
here; the input-file classes are defined in Python.
"""

from __future__ import annotations

from fastmcnemar._core import (
    EmptyInputError,
    FastMcNemarError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
)


class InputFormatError(FastMcNemarError):
    """A harness output or score file cannot be read: the message names the
    file and, where known, the line, task and field."""


class PairingError(FastMcNemarError):
    """Reference and candidate cannot be paired sample by sample: mismatched
    or duplicate sample ids, different data hashes, a task on one side only."""


class NotTestableError(FastMcNemarError):
    """A metric has no per-sample values a paired test can use (corpus-level
    or list-valued metrics)."""


class PairingWarning(UserWarning):
    """Something about the pairing deserves attention but does not invalidate
    it (for example, prompts differ because the chat template changed)."""


class InputWarning(UserWarning):
    """Something was left out while reading, on purpose and said out loud: an older
    run of a task superseded by a newer one, or a metric with no per-sample values a
    paired test can use (list-valued or corpus-level metrics)."""


class ClusterWarning(UserWarning):
    """Clustered inference is on thin ice: fewer than about 30 clusters, where the
    asymptotic clustered statistics and the cluster-robust interval are unreliable
    (the exact cluster-level sign-flip test stays valid, with little power)."""


__all__ = [
    "ClusterWarning",
    "EmptyInputError",
    "FastMcNemarError",
    "InputFormatError",
    "InputWarning",
    "InvalidArgumentError",
    "InvalidLevelError",
    "LengthMismatchError",
    "NegativeCountError",
    "NonBinaryValueError",
    "NonFiniteValueError",
    "NotTestableError",
    "PairingError",
    "PairingWarning",
]
