//! Grouped data (tasks): per-group tests, the pooled (micro) and macro
//! statistics, and permutation versions of Max-Drop and Fisher across groups.
//!
//! Per-group p-values and the micro p-value use the best single-vector path
//! (exact, lattice, Monte Carlo), so they equal an ungrouped call on the
//! same data. The macro, Max-Drop and Fisher p-values come from one shared
//! set of B Monte Carlo resamples of every group at once:
//! - macro: mean over groups of the group means;
//! - Max-Drop: max over groups of z_g = T_g / sqrt(sum_g d^2) (the sign-flip
//!   null standard deviation of T_g); |z_g| for two-sided;
//! - Fisher: -2 sum_g ln p_g where, for the observed data and for each
//!   resample alike, p_g is the rank p-value of that vector among all B + 1
//!   (Pesarin's non-parametric combination), so no independence is assumed.
//!
//! Every suite p-value is (1 + #{resamples at least as extreme}) / (1 + B).

use super::monte_carlo::{Segment, resample_segments, tie_tolerance};
use super::permutation::{Alternative, Method, SignFlipOutcome, sign_flip_test};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// One group's test.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTest {
    /// Number of samples in the group.
    pub n_samples: u64,
    /// Mean difference in the group.
    pub statistic: f64,
    pub outcome: SignFlipOutcome,
}

/// A suite-level statistic with its permutation p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SuiteTest {
    pub statistic: f64,
    pub pvalue: f64,
}

/// Everything a grouped call returns.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedOutcome {
    pub groups: Vec<GroupTest>,
    /// Pooled mean difference over all samples, tested by the best path.
    pub micro_statistic: f64,
    pub micro: SignFlipOutcome,
    pub macro_test: SuiteTest,
    pub max_drop: SuiteTest,
    pub fisher: SuiteTest,
    /// Shared Monte Carlo resamples behind macro, Max-Drop and Fisher.
    pub n_resamples: u64,
}

/// Mixes a group index into a seed so per-group Monte Carlo runs differ.
fn group_seed(seed: u64, group: usize) -> u64 {
    seed ^ (group as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// Grouped sign-flip tests. `units[u]` are the flipped quantities (sample
/// differences, or cluster totals), `sizes[u]` how many samples each holds,
/// `groups[u]` its group (0..n_groups, every group non-empty).
#[allow(clippy::too_many_arguments)]
pub fn grouped_test(
    units: &[f64],
    sizes: &[u64],
    groups: &[u32],
    n_groups: usize,
    macro_weights: Option<&[f64]>,
    alternative: Alternative,
    method: Method,
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<GroupedOutcome> {
    if units.is_empty() {
        return Err(Error::EmptyInput { what: "reference" });
    }
    let weights = normalized_macro_weights(macro_weights, n_groups)?;
    if n_resamples == 0 {
        return Err(Error::InvalidArgument(
            "n_resamples must be at least 1".into(),
        ));
    }
    let mut members: Vec<Vec<f64>> = vec![Vec::new(); n_groups];
    let mut group_sizes = vec![0u64; n_groups];
    for ((&v, &s), &g) in units.iter().zip(sizes).zip(groups) {
        let g = g as usize;
        if g >= n_groups {
            return Err(Error::InvalidArgument(format!(
                "group label {g} is not below the number of groups {n_groups}"
            )));
        }
        members[g].push(v);
        group_sizes[g] += s;
    }
    if let Some(g) = members.iter().position(|m| m.is_empty()) {
        return Err(Error::InvalidArgument(format!("group {g} has no samples")));
    }
    let total_size: u64 = group_sizes.iter().sum();

    let micro = sign_flip_test(units, alternative, method, n_resamples, seed, checkpoint)?;
    let mut tests = Vec::with_capacity(n_groups);
    for (g, m) in members.iter().enumerate() {
        let outcome = sign_flip_test(
            m,
            alternative,
            method,
            n_resamples,
            group_seed(seed, g),
            checkpoint,
        )?;
        tests.push(GroupTest {
            n_samples: group_sizes[g],
            statistic: outcome.sum / group_sizes[g] as f64,
            outcome,
        });
    }

    // Shared resamples; "less" is "greater" on the negated differences.
    let flip = if alternative == Alternative::Less {
        -1.0
    } else {
        1.0
    };
    let segments = members
        .iter()
        .map(|m| Segment::new(&m.iter().map(|v| flip * v).collect::<Vec<_>>(), false))
        .collect::<Result<Vec<_>>>()?;
    let resampled = resample_segments(
        &segments,
        n_resamples,
        group_seed(seed, usize::MAX - 1),
        checkpoint,
    )?;
    let b = n_resamples as usize;
    // Column 0 is the observed data, columns 1..=B the resamples.
    let sums: Vec<Vec<f64>> = segments
        .iter()
        .zip(&resampled)
        .map(|(s, r)| {
            let mut column = Vec::with_capacity(b + 1);
            column.push(s.observed());
            column.extend_from_slice(r);
            column
        })
        .collect();

    // Weighted mean over groups of the group means (equal weights by default).
    let macro_values: Vec<f64> = (0..=b)
        .map(|j| {
            sums.iter()
                .zip(&group_sizes)
                .zip(&weights)
                .map(|((s, &n), &w)| w * s[j] / n as f64)
                .sum::<f64>()
        })
        .collect();
    let macro_tol = tie_tolerance(
        segments
            .iter()
            .zip(&group_sizes)
            .zip(&weights)
            .map(|((s, &n), &w)| w * s.scale / n as f64)
            .sum::<f64>(),
    );
    let macro_test = SuiteTest {
        statistic: flip * macro_values[0],
        pvalue: match alternative {
            Alternative::TwoSided => {
                let g = tail_pvalue(&macro_values, 1.0, macro_tol);
                let l = tail_pvalue(&macro_values, -1.0, macro_tol);
                (2.0 * g.min(l)).min(1.0)
            }
            _ => tail_pvalue(&macro_values, 1.0, macro_tol),
        },
    };

    // Extremeness per group: T (one-sided, after the flip) or |T|.
    let extremeness = |t: f64| {
        if alternative == Alternative::TwoSided {
            t.abs()
        } else {
            t
        }
    };
    let mut max_values = vec![f64::NEG_INFINITY; b + 1];
    let mut max_scale = 0.0f64;
    let mut fisher_values = vec![0.0f64; b + 1];
    for (s, segment) in sums.iter().zip(&segments) {
        let x: Vec<f64> = s.iter().map(|&t| extremeness(t)).collect();
        if segment.null_variance > 0.0 {
            let sd = segment.null_variance.sqrt();
            max_scale = max_scale.max(segment.scale / sd);
            for (m, &v) in max_values.iter_mut().zip(&x) {
                *m = m.max(v / sd);
            }
        }
        let ranks = rank_pvalues(&x, tie_tolerance(segment.scale));
        for (f, p) in fisher_values.iter_mut().zip(ranks) {
            *f -= 2.0 * p.ln();
        }
    }
    checkpoint.check()?;
    let max_drop = SuiteTest {
        statistic: if max_values[0].is_finite() {
            max_values[0]
        } else {
            0.0
        },
        pvalue: tail_pvalue(&max_values, 1.0, tie_tolerance(max_scale)),
    };
    let fisher = SuiteTest {
        statistic: fisher_values[0],
        pvalue: tail_pvalue(&fisher_values, 1.0, tie_tolerance(fisher_values[0])),
    };
    Ok(GroupedOutcome {
        groups: tests,
        micro_statistic: micro.sum / total_size as f64,
        micro,
        macro_test,
        max_drop,
        fisher,
        n_resamples,
    })
}

/// Macro weights scaled to sum to 1: equal weights when none are given;
/// otherwise one finite, non-negative weight per group with a positive sum.
fn normalized_macro_weights(weights: Option<&[f64]>, n_groups: usize) -> Result<Vec<f64>> {
    let Some(weights) = weights else {
        return Ok(vec![1.0 / n_groups as f64; n_groups]);
    };
    if weights.len() != n_groups {
        return Err(Error::InvalidArgument(format!(
            "macro weights: {} weights given for {n_groups} groups",
            weights.len()
        )));
    }
    if let Some((g, &w)) = weights
        .iter()
        .enumerate()
        .find(|&(_, &w)| !(w.is_finite() && w >= 0.0))
    {
        return Err(Error::InvalidArgument(format!(
            "macro weights: weight of group {g} is {w}; weights must be finite and >= 0"
        )));
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(Error::InvalidArgument(
            "macro weights: all weights are zero".into(),
        ));
    }
    Ok(weights.iter().map(|w| w / total).collect())
}

/// (1 + #{j >= 1 : sign*x_j >= sign*x_0 - tol}) / (1 + B): x_0 is observed.
fn tail_pvalue(x: &[f64], sign: f64, tol: f64) -> f64 {
    let observed = sign * x[0];
    let count = x[1..]
        .iter()
        .filter(|&&v| sign * v >= observed - tol)
        .count();
    (count as f64 + 1.0) / x.len() as f64
}

/// For each entry, the share of all entries at least as large (>= itself,
/// within `tol`).
fn rank_pvalues(x: &[f64], tol: f64) -> Vec<f64> {
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .map(|v| {
            let below = sorted.partition_point(|s| *s < v - tol);
            (n - below as f64) / n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    #[test]
    fn rank_pvalues_count_ties() {
        assert_eq!(
            rank_pvalues(&[1.0, 2.0, 2.0, 0.0], 0.0),
            vec![0.75, 0.5, 0.5, 1.0]
        );
        let near = rank_pvalues(&[1.0, 2.0, 2.0 + 1e-15], 1e-12);
        assert_eq!(near, vec![1.0, 2.0 / 3.0, 2.0 / 3.0]);
    }

    #[test]
    fn macro_weights_are_checked_and_scaled() {
        assert_eq!(normalized_macro_weights(None, 4).unwrap(), vec![0.25; 4]);
        assert_eq!(
            normalized_macro_weights(Some(&[1.0, 3.0]), 2).unwrap(),
            vec![0.25, 0.75]
        );
        for (weights, needle) in [
            (&[1.0][..], "1 weights given for 2 groups"),
            (&[1.0, -1.0][..], "group 1 is -1"),
            (&[f64::NAN, 1.0][..], "group 0 is NaN"),
            (&[0.0, 0.0][..], "all weights are zero"),
        ] {
            let message = normalized_macro_weights(Some(weights), 2)
                .unwrap_err()
                .to_string();
            assert!(message.contains(needle), "{message}");
        }
    }

    #[test]
    fn groups_reproduce_ungrouped_tests() {
        let units: Vec<f64> = (0..60).map(|i| ((i % 5) as f64 - 1.5) / 2.0).collect();
        let groups: Vec<u32> = (0..60).map(|i| (i % 3) as u32).collect();
        let sizes = vec![1u64; 60];
        let out = grouped_test(
            &units,
            &sizes,
            &groups,
            3,
            None,
            Alternative::Greater,
            Method::Auto,
            999,
            4,
            &NeverStop,
        )
        .unwrap();
        let alone = sign_flip_test(
            &units,
            Alternative::Greater,
            Method::Auto,
            999,
            4,
            &NeverStop,
        )
        .unwrap();
        assert_eq!(out.micro, alone);
        assert_eq!(out.groups.len(), 3);
        assert!(out.fisher.pvalue > 0.0 && out.fisher.pvalue <= 1.0);
        assert!(out.max_drop.pvalue > 0.0 && out.max_drop.pvalue <= 1.0);
    }

    #[test]
    fn strong_effect_in_one_group_is_found() {
        let mut units = vec![0.0; 300];
        let mut groups = vec![0u32; 300];
        for i in 0..300 {
            groups[i] = (i / 100) as u32;
            units[i] = if i < 100 {
                0.5 + ((i as f64) * 0.37).sin() * 0.2
            } else {
                ((i as f64) * 0.91).sin()
            };
        }
        let out = grouped_test(
            &units,
            &vec![1; 300],
            &groups,
            3,
            None,
            Alternative::Greater,
            Method::Auto,
            999,
            4,
            &NeverStop,
        )
        .unwrap();
        assert!(out.max_drop.pvalue <= 0.002, "{:?}", out.max_drop);
        // Rank p-values bottom out at 1/(B+1), so Fisher's resolution is limited.
        assert!(out.fisher.pvalue <= 0.05, "{:?}", out.fisher);
    }
}
