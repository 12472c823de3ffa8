//! Anytime-valid sequential tests: look after every sample, stop when the
//! answer is clear, and still hold the level.
//!
//! A fixed-N test looked at repeatedly inflates its false alarms; an
//! e-process (a nonnegative supermartingale under the null, started at 1)
//! does not, by Ville's inequality: P(ever >= 1/α) <= α. Which method covers
//! which case, and why:
//!
//! - [`mixture`]: 0/1 outcomes. Only discordant pairs carry information and,
//!   given discordance, a loss is a Bernoulli(q) draw; "no degradation" is
//!   q <= 1/2. Robbins' beta-binomial mixture (Howard et al. 2021) with its
//!   prior folded onto q >= 1/2 is a supermartingale for the whole composite
//!   null, needs O(1) state and is computed exactly from (b, c) in log space.
//!   Turner and Grünwald's safe tests for 2x2 tables (2023) target two
//!   independent groups; the paired case reduces to this one-sample test.
//! - [`capital`] with [`bet_size`]: graded scores in [0, 1], and margins.
//!   Δ = (2q - 1) · P(discordant) cannot be tested through q alone, so
//!   "Δ <= 0" for scores and "Δ >= margin" (equivalence) use the betting
//!   capital on the paired differences (Waudby-Smith and Ramdas 2023).
//! - [`grid`]: the betting confidence sequence for Δ (same bets, every null).
//! - [`without_replacement`]: a benchmark of known size N read in random
//!   order; betting against the mean of the items left (Waudby-Smith and
//!   Ramdas 2020) covers the benchmark's own Δ and closes at t = N.
//! - [`combine`]: suites: average (any dependence) or product (independent
//!   tasks) of e-values, and e-BH (Wang and Ramdas 2022) to name tasks.
//! - [`state`]: one stream and its decision; [`batch`]: many streams per call.
//!
//! Every guarantee assumes the samples arrive in an order that does not
//! depend on their outcomes (a random order of the benchmark).

pub mod batch;
pub mod bet_size;
pub mod capital;
pub mod combine;
pub mod grid;
pub mod mixture;
pub mod state;
pub mod without_replacement;

pub use state::{Decision, Direction, Method, SequentialState, Settings};
