//! One decision for a whole suite of tasks, and which tasks degraded.
//!
//! Inputs are per-task discordant counts: `b[i]` samples only the reference
//! got right, `c[i]` samples only the candidate got right. Under "no
//! degradation", given n_i = b_i + c_i, the b_i are independent
//! Binomial(n_i, 1/2). Tasks without flips (n_i = 0) carry no information
//! and are left out of every global test.
//!
//! - [`tasks`]: input checks, the alternative, per-task exact p-values.
//! - [`pooled`]: one exact test on the summed counts.
//! - [`max_drop`]: the largest per-task z, exact null and Monte Carlo.
//! - [`fisher`]: -2 sum ln p against chi-square, and its discrete null.
//! - [`stouffer`], [`cauchy`], [`hmp`]: further p-value combinations.
//! - [`combined`]: "any of pooled / max-drop / Fisher rejects".
//! - [`adjust`]: Holm, Hochberg, Bonferroni, BH, BY adjusted p-values.
//! - [`aggregate`]: one entry point by method name, for one or many candidates.

pub mod adjust;
pub mod aggregate;
pub mod cauchy;
pub mod combined;
pub mod fisher;
pub mod hmp;
pub mod landau;
pub mod max_drop;
pub mod monte_carlo;
pub mod pooled;
pub mod stouffer;
pub mod tasks;

pub use tasks::{Alternative, TestOutcome};
