//! fastmcnemar-core: exact paired tests for "is the changed model worse?".
//!
//! Pure Rust, no Python: every statistic here is testable with `cargo test`.
//! The PyO3 glue lives in the sibling crate `fastmcnemar-py`.
//!
//! Where things live:
//! - [`alternative`]: the one `Alternative` (greater, less, two-sided) every test reads.
//! - [`special`]: normal distribution and other special functions.
//! - [`binomial`]: exact binomial tails (plain and log space), the McNemar null.
//! - [`cluster`]: clustered samples: cluster totals, clustered McNemar, CR1 interval, design effect.
//! - [`mcnemar`]: paired 2x2 counts and exact / mid-p / asymptotic McNemar p-values, bulk.
//! - [`interval`]: intervals for the paired difference (Tango, Newcombe, ...) and Clopper-Pearson.
//! - [`error`]: typed errors, mapped one-to-one to Python exception classes.
//! - [`control`]: cooperative cancellation between chunks of long work.
//! - [`rng`]: seeded per-chunk random streams (thread-count invariant).
//! - [`planning`]: exact power, sample size, minimum detectable drop, non-inferiority.
//! - [`resample`]: sign-flip permutation tests (exact, lattice, Monte Carlo) and the paired bootstrap.
//! - [`jsonl`]: pulling a few top-level keys out of big JSON-lines logs.
//! - [`json_out`]: report tables of flat records as Python's `json` writes them.
//! - [`coding`]: a score frame's doc ids and (task, filter, metric) runs as integer codes.
//! - [`suite`]: one decision for a suite of tasks (Pooled, Max-Drop, Fisher,
//!   Stouffer, Cauchy, HMP, the combined rule) and adjusted p-values.
//! - [`sequential`]: anytime-valid e-processes and confidence sequences, to stop early.

pub mod alternative;
pub mod binomial;
pub mod cluster;
pub mod coding;
pub mod control;
pub mod error;
pub mod interval;
pub mod json_out;
pub mod jsonl;
pub mod mcnemar;
pub mod planning;
pub mod resample;
pub mod rng;
pub mod sequential;
pub mod special;
pub mod suite;

pub use alternative::Alternative;
pub use error::{Error, Result};
