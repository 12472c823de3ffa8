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
//! each distinct input once, in parallel from [`super::batch::SERIAL_BELOW`]
//! tasks up, serially below).

use crate::control::Checkpoint;
use crate::error::{Error, Result, check_level};

use super::batch::{check_lengths, join_unless_small, memoised_rows};
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
    /// Samples needed for power `power` against a drop of `margin` (inconclusive tasks).
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
    let rate = |i: usize| {
        let p = tasks.flip_rate[i];
        if p.is_nan() { 0.0 } else { p }
    };

    // Stage 1: the non-inferiority tests and the detectable drops.
    let tested: Vec<usize> = (0..len)
        .filter(|&i| tasks.binary[i] && tasks.n[i] > 0)
        .collect();
    let planned: Vec<usize> = (0..len)
        .filter(|&i| tasks.n[i] > 0 && rate(i) > 0.0 && rate(i) <= 1.0)
        .collect();
    let (tests, drops) = join_unless_small(
        len,
        || {
            let keys: Vec<_> = tested
                .iter()
                .map(|&i| (tasks.b[i], tasks.c[i], tasks.n[i]))
                .collect();
            memoised_rows(
                &keys,
                |k| tested[k],
                checkpoint,
                |(b, c, n)| noninferiority::noninferiority(b, c, n, margin, alpha),
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
    for (&i, test) in tested.iter().zip(tests?) {
        noninferiority_pvalue[i] = Some(test.pvalue);
        equivalent[i] = test.noninferior;
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
    let (needed, rates) = join_unless_small(
        len,
        || {
            let keys: Vec<u64> = open
                .iter()
                .map(|&i| rate(i).max(margin).min(1.0).to_bits())
                .collect();
            memoised_rows(
                &keys,
                |k| open[k],
                checkpoint,
                |p| {
                    sample_size::sample_size(
                        f64::from_bits(p),
                        margin,
                        alpha,
                        power,
                        Alternative::Greater,
                        checkpoint,
                    )
                },
            )
        },
        || {
            let keys: Vec<u64> = sized.iter().map(|&i| tasks.n[i]).collect();
            memoised_rows(
                &keys,
                |k| sized[k],
                checkpoint,
                |n| sample_size::maximum_flip_rate(n, margin, alpha, power, checkpoint),
            )
        },
    );
    let mut n_needed = vec![None; len];
    for (&i, found) in open.iter().zip(needed?) {
        n_needed[i] = Some(found.n);
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
}
