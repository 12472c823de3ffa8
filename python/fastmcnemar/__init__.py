"""fastmcnemar: is the changed model significantly worse than its reference?

Exact paired tests (McNemar, sign-flip permutation, paired bootstrap) on the
per-sample scores evaluation harnesses log, with a Rust core.

The public names load on first use (PEP 562 ``__getattr__``): ``import
fastmcnemar`` and ``fastmcnemar --version`` do not import NumPy or Polars.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from fastmcnemar._core import __version__
from fastmcnemar.exceptions import (
    ClusterWarning,
    EmptyInputError,
    FastMcNemarError,
    InputFormatError,
    InputWarning,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
    NotTestableError,
    OutputError,
    PairingError,
    PairingWarning,
    UnsafeForkError,
    WorkerPanicError,
)

if TYPE_CHECKING:
    # The function ``compare`` deliberately shadows the package ``fastmcnemar.compare`` as an
    # attribute: ``fastmcnemar.compare(...)`` is the API; submodules import by full name.
    from fastmcnemar.clustered import (
        ClusteredTestResult,
        clustered_mcnemar,
        clustered_mcnemar_counts,
        clustered_test,
    )
    from fastmcnemar.compare import Audit, Comparison, TaskStats, compare
    from fastmcnemar.compare.audit import audit
    from fastmcnemar.ingest import lm_eval_metrics, read_lm_eval, read_scores
    from fastmcnemar.ingest.embedding import from_inspect_logs, from_lm_eval_results
    from fastmcnemar.ingest.inspect_logs import read_inspect
    from fastmcnemar.ingest.lighteval import read_lighteval
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
    from fastmcnemar.pairing import pair
    from fastmcnemar.planning import (
        effective_sample_size,
        minimum_detectable_delta,
        power,
        sample_size,
    )
    from fastmcnemar.rerun_noise import NoiseFloor, noise_floor
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
    from fastmcnemar.sequential import SequentialBatch, SequentialSuite, SequentialTest
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
    from fastmcnemar.suite_resampling import SuiteSignFlipResult, suite_sign_flip

#: Where each lazily loaded public name lives.
_LAZY_MODULES: dict[str, tuple[str, ...]] = {
    "fastmcnemar.clustered": (
        "ClusteredTestResult",
        "clustered_mcnemar",
        "clustered_mcnemar_counts",
        "clustered_test",
    ),
    "fastmcnemar.compare": ("Audit", "Comparison", "TaskStats", "audit", "compare"),
    "fastmcnemar.ingest": ("lm_eval_metrics", "read_lm_eval", "read_scores"),
    "fastmcnemar.ingest.embedding": ("from_inspect_logs", "from_lm_eval_results"),
    "fastmcnemar.ingest.inspect_logs": ("read_inspect",),
    "fastmcnemar.ingest.lighteval": ("read_lighteval",),
    "fastmcnemar.non_inferiority": (
        "NonInferiorityResult",
        "noninferiority",
        "noninferiority_counts",
    ),
    "fastmcnemar.paired_test": (
        "McNemarCountsResult",
        "McNemarResult",
        "mcnemar",
        "mcnemar_counts",
        "mcnemar_table",
    ),
    "fastmcnemar.pairing": ("pair",),
    "fastmcnemar.planning": (
        "effective_sample_size",
        "minimum_detectable_delta",
        "power",
        "sample_size",
    ),
    "fastmcnemar.rerun_noise": ("NoiseFloor", "noise_floor"),
    "fastmcnemar.resampling": (
        "BootstrapResult",
        "GroupPermutationResult",
        "ManyPermutationResult",
        "PermutationResult",
        "SuitePermutationResult",
        "bootstrap",
        "permutation_test",
        "permutation_test_many",
    ),
    "fastmcnemar.sequential": ("SequentialBatch", "SequentialSuite", "SequentialTest"),
    "fastmcnemar.shrinking": ("ShrinkResult", "shrink"),
    "fastmcnemar.suite": (
        "AggregateManyResult",
        "AggregateResult",
        "CombinedPvalue",
        "ComponentResult",
        "adjust_pvalues",
        "aggregate",
        "aggregate_many",
        "combine_pvalues",
    ),
    "fastmcnemar.suite_resampling": ("SuiteSignFlipResult", "suite_sign_flip"),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Loads a public name (or a submodule, ``fastmcnemar.planning``) on first use."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package module. Importing the subpackage ``fastmcnemar.compare``
    binds it here under its own name; the public ``fastmcnemar.compare`` is
    its function ``compare``, whichever is imported first."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "compare" and isinstance(value, types.ModuleType):
            value = value.compare
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "AggregateManyResult",
    "AggregateResult",
    "Audit",
    "BootstrapResult",
    "ClusterWarning",
    "ClusteredTestResult",
    "CombinedPvalue",
    "Comparison",
    "ComponentResult",
    "EmptyInputError",
    "FastMcNemarError",
    "GroupPermutationResult",
    "InputFormatError",
    "InputWarning",
    "InvalidArgumentError",
    "InvalidLevelError",
    "LengthMismatchError",
    "ManyPermutationResult",
    "McNemarCountsResult",
    "McNemarResult",
    "NegativeCountError",
    "NoiseFloor",
    "NonBinaryValueError",
    "NonFiniteValueError",
    "NonInferiorityResult",
    "NotTestableError",
    "OutputError",
    "PairingError",
    "PairingWarning",
    "PermutationResult",
    "SequentialBatch",
    "SequentialSuite",
    "SequentialTest",
    "ShrinkResult",
    "SuitePermutationResult",
    "SuiteSignFlipResult",
    "TaskStats",
    "UnsafeForkError",
    "WorkerPanicError",
    "__version__",
    "adjust_pvalues",
    "aggregate",
    "aggregate_many",
    "audit",
    "bootstrap",
    "clustered_mcnemar",
    "clustered_mcnemar_counts",
    "clustered_test",
    "combine_pvalues",
    "compare",
    "effective_sample_size",
    "from_inspect_logs",
    "from_lm_eval_results",
    "lm_eval_metrics",
    "mcnemar",
    "mcnemar_counts",
    "mcnemar_table",
    "minimum_detectable_delta",
    "noise_floor",
    "noninferiority",
    "noninferiority_counts",
    "pair",
    "permutation_test",
    "permutation_test_many",
    "power",
    "read_inspect",
    "read_lighteval",
    "read_lm_eval",
    "read_scores",
    "sample_size",
    "shrink",
    "suite_sign_flip",
]
