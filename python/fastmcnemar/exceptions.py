"""Exception classes of fastmcnemar.

Every error fastmcnemar raises derives from :class:`FastMcNemarError`, which is
also a :class:`ValueError`, so ``except ValueError`` keeps working. The
classes the Rust core raises are created in Rust (``fastmcnemar._core``) and
re-exported here; pairing and testability classes are defined in Python.
:class:`WorkerPanicError` reports a bug in fastmcnemar (a panicked worker
thread), never a problem with the input.
"""

from __future__ import annotations

from fastmcnemar._core import (
    EmptyInputError,
    FastMcNemarError,
    InputFormatError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
    WorkerPanicError,
)


class OutputError(FastMcNemarError):
    """A report or file cannot be written where asked: the path is one of the
    inputs, or the write failed (the message names the path; a previous file
    there is left unchanged)."""


class UnsafeForkError(FastMcNemarError):
    """Runs cannot be read in this process: it was forked after its parent started
    Polars' thread pool, which does not survive ``fork()``. Use the ``spawn`` or
    ``forkserver`` start method."""


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
    "OutputError",
    "PairingError",
    "PairingWarning",
    "UnsafeForkError",
    "WorkerPanicError",
]
