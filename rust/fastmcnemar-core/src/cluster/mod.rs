//! Clustered samples: several paired samples share one unit of randomness
//! (questions about one passage, epochs of one Inspect sample), so their
//! flips are correlated and tests that treat samples as independent are too
//! liberal.
//!
//! Which method covers which region, and why:
//! - [`table`]: per-cluster totals (b_k, c_k, n_k, D_k); everything below
//!   needs only these additive counts, so partial runs merge by summing.
//! - The exact test is the sign-flip permutation test on the cluster sums
//!   D_k (the existing [`crate::resample::permutation`] engine: exact
//!   enumeration for few clusters, the lattice null when the sums lie on a
//!   grid, seeded Monte Carlo otherwise). Exact for any number of clusters
//!   under within-cluster exchangeability; the default.
//! - [`mcnemar`]: the clustered McNemar statistics of Obuchowski (Yang's
//!   form) and Durkalski, referred to the normal distribution. Asymptotic in
//!   the number of clusters K; offered as options for comparison with the
//!   literature, unreliable below about 30 clusters.
//! - [`robust`]: the cluster-robust (CR1) standard error and interval for
//!   the mean difference, the design effect and the effective sample size.
//!   Also asymptotic in K.
//!
//! With one sample per cluster every statistic here reduces to its
//! unclustered form (Obuchowski keeps its finite-K factor (K-1)/K).

pub mod mcnemar;
pub mod robust;
pub mod table;

/// Fewer clusters than this make the asymptotic statistics and the
/// cluster-robust interval unreliable (Cameron & Miller; the warning
/// threshold the Python layer uses).
pub const FEW_CLUSTERS: usize = 30;
