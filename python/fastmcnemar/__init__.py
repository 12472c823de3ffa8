"""fastmcnemar: is the changed model significantly worse than its reference?

Exact paired tests (McNemar, sign-flip permutation, paired bootstrap) on the
per-sample scores evaluation harnesses log, with a Rust core.
"""

from __future__ import annotations

from fastmcnemar._core import __version__
from fastmcnemar.clustered import (
    ClusteredTestResult,
    clustered_mcnemar,
    clustered_mcnemar_counts,
    clustered_test,
)

# The function ``compare`` deliberately shadows the package ``fastmcnemar.compare`` as an
# attribute: ``fastmcnemar.compare(...)`` is the API; submodules import by full name.
from fastmcnemar.compare import Audit, Comparison, TaskStats, audit, compare
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
    PairingError,
    PairingWarning,
    WorkerPanicError,
)
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
    "PairingError",
    "PairingWarning",
    "PermutationResult",
    "ShrinkResult",
    "SuitePermutationResult",
    "SuiteSignFlipResult",
    "TaskStats",
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
