//! Planning an evaluation and reading a non-significant result.
//!
//! - [`power`]: exact power of the exact McNemar test for N paired samples,
//!   flip rate p and accuracy drop delta (summed over the binomial number of
//!   flips, never the normal approximation).
//! - [`sample_size`]: the smallest N reaching a power, and the smallest drop
//!   detectable at a given N (inversions of [`power`]).
//! - `walk`: conditional powers over a range of m by binomial recurrences;
//!   `n_search`: the monotone envelope and screened scan [`sample_size`] uses.
//! - [`noninferiority`]: the Tango score test of "the candidate is at most
//!   `margin` worse", with its matching interval; [`exact_noninferiority`]:
//!   its exact unconditional p-value.
//! - [`batch`]: all of the above for arrays of inputs, each distinct input
//!   computed once, in parallel; [`verdict_columns`]: an audit's three-way
//!   verdicts and planning columns in one call.

pub mod batch;
pub mod exact_noninferiority;
mod n_search;
pub mod noninferiority;
pub mod power;
pub mod sample_size;
pub mod verdict_columns;
mod walk;
