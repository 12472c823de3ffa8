//! The three-way verdict and its planning columns for every task of an
//! audit, in one call.
//!
//! Per task (the rule of `fastmcnemar.verdicts`, documented there):
//! - `degraded` when the degradation test rejected;
//! - else `equivalent` when the candidate is shown at most `margin` worse:
//!   Tango's non-inferiority test at `alpha` for binary scores
//!   ([`super::noninferiority`]); for continuous scores the upper limit of
//!   the task's interval on delta is at most `margin` (only when that
//!   interval's confidence is at least 1 - 2 alpha, `interval_usable`);
//! - else `inconclusive`.
//!
//! The planning columns, at `power` (0.8 in the reports): the drop the run
//! could detect, for every task with n > 0 and a flip rate in (0, 1]; and for
//! inconclusive tasks, the samples needed against a drop of `margin` at
//! flip rate max(flip rate, margin) (a drop of `margin` needs at least that
//! share of flips) and the largest flip rate at which the run's n would do.
//! Every value is the scalar search's own answer ([`super::batch`] computes
//! each distinct input once, in parallel; a compare's few short searches
//! serially, see [`runs_serially`]).

use crate::control::Checkpoint;
use crate::error::{Error, Result, check_level};
use crate::special::normal::norm_isf;

use super::batch::{SERIAL_BELOW, check_lengths, join_or_serial, memoised_rows};
use super::noninferiority;
use super::power::Alternative;
use super::sample_size;

/// A task's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Verdict {
    /// The degradation test rejected.
    Degraded = 0,
    /// Shown to be at most `margin` worse.
    Equivalent = 1,
    /// Neither.
    Inconclusive = 2,
}

/// Per-task inputs, one element per task (all slices of one length).
#[derive(Debug, Clone, Copy)]
pub struct TaskColumns<'a> {
    /// Paired samples.
    pub n: &'a [u64],
    /// Samples only the reference got right (binary tasks).
    pub b: &'a [u64],
    /// Samples only the candidate got right (binary tasks).
    pub c: &'a [u64],
    /// Share of samples whose score changed; NaN when unknown (read as 0).
    pub flip_rate: &'a [f64],
    /// Binary (0/1) scores: the Tango test decides equivalence.
    pub binary: &'a [bool],
    /// The degradation test rejected.
    pub degraded: &'a [bool],
    /// Upper limit of the interval on delta (continuous tasks); NaN when none.
    pub ci_high: &'a [f64],
}

/// The verdict and the planning columns, one element per task; `None` where
/// a column does not apply.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictColumns {
    /// Tango's non-inferiority p-value (binary tasks with n > 0).
    pub noninferiority_pvalue: Vec<Option<f64>>,
    /// The smallest drop with power `power` (None: none up to the flip rate).
    pub detectable_drop: Vec<Option<f64>>,
    /// Samples needed for power `power` against a drop of `margin` (inconclusive
    /// tasks); 2^31 + 1 stands for "more than 2^31", where the exact search
    /// stops (a margin of a thousandth of a point), so a report never fails on it.
    pub n_needed: Vec<Option<u64>>,
    /// Largest flip rate at which n gives that power (inconclusive tasks with n > 0).
    pub flip_rate_needed: Vec<Option<f64>>,
    /// The three-way verdict.
    pub verdict: Vec<Verdict>,
}

/// The settings shared by every task.
#[derive(Debug, Clone, Copy)]
pub struct VerdictSettings {
    /// Largest acceptable drop, in (0, 1).
    pub margin: f64,
    /// Level of the tests.
    pub alpha: f64,
    /// Power the planning columns refer to.
    pub power: f64,
    /// The continuous tasks' intervals have confidence >= 1 - 2 alpha.
    pub interval_usable: bool,
}

/// The largest n, and sample size a drop of `margin` needs, for which a
/// call may run serially (each search then takes well under a millisecond).
pub const SERIAL_MAX_N: f64 = 1e5;

/// A flip rate, NaN (unknown) read as 0.
fn rate_of(p: f64) -> f64 {
    if p.is_nan() { 0.0 } else { p }
}

/// Whether [`verdict_columns`] runs on the calling thread, never touching
/// rayon (the glue then runs it inline): fewer than
/// [`super::batch::SERIAL_BELOW`] tasks (a compare's), each search short: n
/// and the normal-approximation sample size at the margin (flip rate
/// max(rate, margin)) at most [`SERIAL_MAX_N`].
pub fn runs_serially(tasks: TaskColumns<'_>, settings: VerdictSettings) -> bool {
    let z = norm_isf(settings.alpha) + norm_isf(1.0 - settings.power);
    let rate = tasks
        .flip_rate
        .iter()
        .map(|&p| rate_of(p).max(settings.margin).min(1.0))
        .fold(settings.margin, f64::max);
    let needed = rate * z * z / (settings.margin * settings.margin);
    let largest = tasks.n.iter().copied().max().unwrap_or(0);
    tasks.n.len() < SERIAL_BELOW && needed <= SERIAL_MAX_N && (largest as f64) <= SERIAL_MAX_N
}

/// Verdicts and planning columns for every task.
pub fn verdict_columns(
    tasks: TaskColumns<'_>,
    settings: VerdictSettings,
    checkpoint: &dyn Checkpoint,
) -> Result<VerdictColumns> {
    let len = check_lengths(&[
        ("n", tasks.n.len()),
        ("b", tasks.b.len()),
        ("c", tasks.c.len()),
        ("flip_rate", tasks.flip_rate.len()),
        ("binary", tasks.binary.len()),
        ("degraded", tasks.degraded.len()),
        ("ci_high", tasks.ci_high.len()),
    ])?;
    let VerdictSettings {
        margin,
        alpha,
        power,
        interval_usable,
    } = settings;
    if !(margin > 0.0 && margin < 1.0) {
        return Err(Error::InvalidArgument(format!(
            "margin must lie in (0, 1) (an accuracy drop, 0.01 = one point), got {margin}"
        )));
    }
    check_level("alpha", alpha)?;
    check_level("power", power)?;
    let rate = |i: usize| rate_of(tasks.flip_rate[i]);
    let serial = runs_serially(tasks, settings);

    // Stage 1: the non-inferiority tests and the detectable drops.
    let tested: Vec<usize> = (0..len)
        .filter(|&i| tasks.binary[i] && tasks.n[i] > 0)
        .collect();
    let planned: Vec<usize> = (0..len)
        .filter(|&i| tasks.n[i] > 0 && rate(i) > 0.0 && rate(i) <= 1.0)
        .collect();
    let (tests, drops) = join_or_serial(
        serial,
        || {
            let keys: Vec<_> = tested
                .iter()
                .map(|&i| (tasks.b[i], tasks.c[i], tasks.n[i]))
                .collect();
            memoised_rows(
                &keys,
                |k| tested[k],
                serial,
                checkpoint,
                |(b, c, n)| noninferiority::score_test(b, c, n, margin, alpha),
            )
        },
        || {
            let keys: Vec<_> = planned
                .iter()
                .map(|&i| (tasks.n[i], rate(i).to_bits()))
                .collect();
            memoised_rows(
                &keys,
                |k| planned[k],
                serial,
                checkpoint,
                |(n, p)| {
                    sample_size::minimum_detectable_delta(
                        n,
                        f64::from_bits(p),
                        alpha,
                        power,
                        Alternative::Greater,
                        checkpoint,
                    )
                },
            )
        },
    );
    let mut noninferiority_pvalue = vec![None; len];
    let mut equivalent: Vec<bool> = (0..len)
        .map(|i| interval_usable && tasks.ci_high[i] <= margin)
        .collect();
    for (&i, (_, pvalue)) in tested.iter().zip(tests?) {
        noninferiority_pvalue[i] = Some(pvalue);
        equivalent[i] = pvalue <= alpha; // the rule of noninferiority::noninferiority
    }
    let mut detectable_drop = vec![None; len];
    for (&i, drop) in planned.iter().zip(drops?) {
        detectable_drop[i] = drop;
    }
    let verdict: Vec<Verdict> = (0..len)
        .map(|i| {
            if tasks.degraded[i] {
                Verdict::Degraded
            } else if equivalent[i] {
                Verdict::Equivalent
            } else {
                Verdict::Inconclusive
            }
        })
        .collect();

    // Stage 2: what an inconclusive task would need.
    let open: Vec<usize> = (0..len)
        .filter(|&i| verdict[i] == Verdict::Inconclusive)
        .collect();
    let sized: Vec<usize> = open.iter().copied().filter(|&i| tasks.n[i] > 0).collect();
    let (needed, rates) = join_or_serial(
        serial,
        || {
            let keys: Vec<u64> = open
                .iter()
                .map(|&i| rate(i).max(margin).min(1.0).to_bits())
                .collect();
            memoised_rows(
                &keys,
                |k| open[k],
                serial,
                checkpoint,
                |p| {
                    let found = sample_size::sample_size_within_search(
                        f64::from_bits(p),
                        margin,
                        alpha,
                        power,
                        Alternative::Greater,
                        checkpoint,
                    )?;
                    Ok(found.map_or(sample_size::SEARCH_MAX_N + 1, |found| found.n))
                },
            )
        },
        || {
            let keys: Vec<u64> = sized.iter().map(|&i| tasks.n[i]).collect();
            memoised_rows(
                &keys,
                |k| sized[k],
                serial,
                checkpoint,
                |n| sample_size::maximum_flip_rate(n, margin, alpha, power, checkpoint),
            )
        },
    );
    let mut n_needed = vec![None; len];
    for (&i, n) in open.iter().zip(needed?) {
        n_needed[i] = Some(n);
    }
    let mut flip_rate_needed = vec![None; len];
    for (&i, found) in sized.iter().zip(rates?) {
        flip_rate_needed[i] = found;
    }
    Ok(VerdictColumns {
        noninferiority_pvalue,
        detectable_drop,
        n_needed,
        flip_rate_needed,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    const SETTINGS: VerdictSettings = VerdictSettings {
        margin: 0.02,
        alpha: 0.05,
        power: 0.8,
        interval_usable: true,
    };

    #[test]
    fn each_kind_of_task_gets_its_verdict_and_columns() {
        // Degraded binary; equivalent binary; inconclusive binary; continuous
        // equivalent by its interval; continuous inconclusive with an unknown
        // flip rate; an empty task.
        let n = [1000, 20_000, 200, 500, 500, 0];
        let b = [60, 30, 6, 0, 0, 0];
        let c = [10, 25, 3, 0, 0, 0];
        let flip_rate = [0.07, 0.00275, 0.045, 0.3, f64::NAN, f64::NAN];
        let binary = [true, true, true, false, false, true];
        let degraded = [true, false, false, false, false, false];
        let ci_high = [f64::NAN, f64::NAN, f64::NAN, 0.01, f64::NAN, f64::NAN];
        let tasks = TaskColumns {
            n: &n,
            b: &b,
            c: &c,
            flip_rate: &flip_rate,
            binary: &binary,
            degraded: &degraded,
            ci_high: &ci_high,
        };
        let got = verdict_columns(tasks, SETTINGS, &NeverStop).unwrap();
        use Verdict::*;
        assert_eq!(
            got.verdict,
            [
                Degraded,
                Equivalent,
                Inconclusive,
                Equivalent,
                Inconclusive,
                Inconclusive
            ]
        );
        let pvalues: Vec<bool> = got
            .noninferiority_pvalue
            .iter()
            .map(Option::is_some)
            .collect();
        assert_eq!(pvalues, [true, true, true, false, false, false]);
        let drops: Vec<bool> = got.detectable_drop.iter().map(Option::is_some).collect();
        assert_eq!(drops, [true, true, true, true, false, false]);
        let needed: Vec<bool> = got.n_needed.iter().map(Option::is_some).collect();
        assert_eq!(needed, [false, false, true, false, true, true]);
        // The unknown flip rate plans at the margin.
        let at_margin =
            sample_size::sample_size(0.02, 0.02, 0.05, 0.8, Alternative::Greater, &NeverStop)
                .unwrap();
        assert_eq!(got.n_needed[4], Some(at_margin.n));
        assert_eq!(got.n_needed[5], Some(at_margin.n));
        let rates: Vec<bool> = got.flip_rate_needed.iter().map(Option::is_some).collect();
        assert_eq!(rates, [false, false, false, false, true, false]);
        let want = sample_size::maximum_flip_rate(500, 0.02, 0.05, 0.8, &NeverStop).unwrap();
        assert_eq!(got.flip_rate_needed[4], want);
        // An interval below 1 - 2 alpha confidence cannot show equivalence.
        let loose = VerdictSettings {
            interval_usable: false,
            ..SETTINGS
        };
        let got = verdict_columns(tasks, loose, &NeverStop).unwrap();
        assert_eq!(got.verdict[3], Inconclusive);
    }

    #[test]
    fn serial_and_parallel_runs_give_the_same_columns() {
        // 100 tasks run on the pool; their first 50 alone run serially.
        let n: Vec<u64> = (0..100).map(|i| 300 + 37 * i).collect();
        let b: Vec<u64> = (0..100).map(|i| 2 + i % 7).collect();
        let c: Vec<u64> = (0..100).map(|i| 1 + i % 5).collect();
        let flip_rate: Vec<f64> = (0..100)
            .map(|i| (b[i] + c[i]) as f64 / n[i] as f64)
            .collect();
        let binary = [true; 100];
        let degraded: Vec<bool> = (0..100).map(|i| i % 11 == 0).collect();
        let ci_high = [f64::NAN; 100];
        let columns = |len: usize| TaskColumns {
            n: &n[..len],
            b: &b[..len],
            c: &c[..len],
            flip_rate: &flip_rate[..len],
            binary: &binary[..len],
            degraded: &degraded[..len],
            ci_high: &ci_high[..len],
        };
        assert!(!runs_serially(columns(100), SETTINGS));
        assert!(runs_serially(columns(50), SETTINGS));
        let all = verdict_columns(columns(100), SETTINGS, &NeverStop).unwrap();
        let few = verdict_columns(columns(50), SETTINGS, &NeverStop).unwrap();
        assert_eq!(few.verdict, all.verdict[..50]);
        assert_eq!(few.n_needed, all.n_needed[..50]);
        let bits = |v: &[Option<f64>]| -> Vec<Option<u64>> {
            v.iter().map(|x| x.map(f64::to_bits)).collect()
        };
        assert_eq!(bits(&few.detectable_drop), bits(&all.detectable_drop[..50]));
        assert_eq!(
            bits(&few.flip_rate_needed),
            bits(&all.flip_rate_needed[..50])
        );
        assert_eq!(
            bits(&few.noninferiority_pvalue),
            bits(&all.noninferiority_pvalue[..50])
        );
        // Long searches go to the pool however few the tasks: a large n, a tiny margin.
        let big = [2_000_000u64];
        let one = TaskColumns {
            n: &big,
            b: &[10],
            c: &[8],
            flip_rate: &[0.01],
            binary: &[true],
            degraded: &[false],
            ci_high: &[f64::NAN],
        };
        assert!(!runs_serially(one, SETTINGS));
        let tiny = VerdictSettings {
            margin: 0.001,
            ..SETTINGS
        };
        assert!(!runs_serially(columns(10), tiny));
    }

    #[test]
    fn errors_name_the_task() {
        let n = [10, 10];
        let tasks = TaskColumns {
            n: &n,
            b: &[1, 8],
            c: &[1, 8],
            flip_rate: &[0.2, 1.6],
            binary: &[true, true],
            degraded: &[false, false],
            ci_high: &[f64::NAN, f64::NAN],
        };
        let err = verdict_columns(tasks, SETTINGS, &NeverStop)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("element 1: b + c"), "{err}");
        let bad = VerdictSettings {
            margin: 1.0,
            ..SETTINGS
        };
        let err = verdict_columns(tasks, bad, &NeverStop)
            .unwrap_err()
            .to_string();
        assert!(err.contains("margin"), "{err}");
    }

    /// A margin so small that the samples needed pass 2^31: the column says
    /// "more than 2^31" (2^31 + 1) at once instead of failing the report.
    #[test]
    fn a_vanishing_margin_needs_more_than_the_search() {
        let tasks = TaskColumns {
            n: &[200],
            b: &[6],
            c: &[3],
            flip_rate: &[0.045],
            binary: &[true],
            degraded: &[false],
            ci_high: &[f64::NAN],
        };
        let settings = VerdictSettings {
            margin: 1e-5,
            ..SETTINGS
        };
        let got = verdict_columns(tasks, settings, &NeverStop).unwrap();
        assert_eq!(got.verdict, [Verdict::Inconclusive]);
        assert_eq!(got.n_needed, [Some(sample_size::SEARCH_MAX_N + 1)]);
    }
}
