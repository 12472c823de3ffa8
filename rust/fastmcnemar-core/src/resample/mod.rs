//! Paired resampling: sign-flip permutation tests and the paired bootstrap
//! for non-binary per-sample scores.
//!
//! - [`differences`]: paired differences, cluster totals, group segments.
//! - [`exact_enumeration`]: all 2^m sign vectors, when few.
//! - [`lattice`]: exact null when |d| lie on a grid (binary -> binomial).
//! - [`monte_carlo`]: seeded, thread-count-invariant random sign flips.
//! - [`permutation`]: the single-vector test choosing among the three paths.
//! - [`grouped`]: per-task, micro, macro, Max-Drop and Fisher from shared resamples.
//! - [`bootstrap`]: percentile, basic and BCa intervals for the mean difference.
//! - [`multi_candidate`]: many candidates vs one reference, Westfall-Young max-T.

pub mod bootstrap;
pub mod differences;
pub mod exact_enumeration;
mod fft;
pub mod grouped;
pub mod lattice;
pub mod monte_carlo;
pub mod multi_candidate;
pub mod permutation;
