//! Several candidates against one reference on the same samples: one shared
//! set of sign flips for all of them (the flip matrix applied to every
//! candidate's difference vector) and Westfall-Young step-down max-T
//! adjusted p-values across candidates x groups, which control the
//! family-wise error under any dependence between candidates without
//! Bonferroni's loss of power.
//!
//! Hypothesis h = (candidate c, group g) has statistic z_h = T_h / sqrt(sum
//! d^2) (the standardised group sum; |z| for two-sided). A resample flips
//! the sign of sample i for every candidate at once: each candidate replays
//! the chunk's random stream over the same sample order. The flip matrix is
//! never stored: counts are accumulated chunk by chunk.

use rayon::prelude::*;

use super::differences::{GroupSegments, check_finite, check_labels};
use super::monte_carlo::{CHUNK, Segment, monte_carlo_pvalue, tie_tolerance};
use super::permutation::Alternative;
use crate::control::Checkpoint;
use crate::error::{Error, Result};
use crate::rng;

/// Per-hypothesis results, index h = candidate * n_groups + group.
#[derive(Debug, Clone, PartialEq)]
pub struct ManyOutcome {
    pub n_candidates: usize,
    pub n_groups: usize,
    /// Mean difference (reference - candidate) in the group.
    pub statistics: Vec<f64>,
    /// Standardised statistic z_h.
    pub z: Vec<f64>,
    /// Unadjusted Monte Carlo p-values (shared resamples).
    pub pvalues: Vec<f64>,
    /// Westfall-Young step-down max-T adjusted p-values.
    pub adjusted: Vec<f64>,
    pub n_resamples: u64,
}

/// Tests every candidate (rows of `candidates`, each `reference.len()` long)
/// in every group against the reference with shared sign flips.
#[allow(clippy::too_many_arguments)]
pub fn many_candidates(
    reference: &[f64],
    candidates: &[f64],
    n_candidates: usize,
    groups: Option<(&[u32], usize)>,
    alternative: Alternative,
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<ManyOutcome> {
    let n = reference.len();
    if n == 0 {
        return Err(Error::EmptyInput { what: "reference" });
    }
    if n_candidates == 0 {
        return Err(Error::EmptyInput { what: "candidates" });
    }
    if candidates.len() != n * n_candidates {
        return Err(Error::InvalidArgument(format!(
            "candidates must hold {n_candidates} rows of {n} scores (one per reference \
             sample), got {} values",
            candidates.len()
        )));
    }
    if n_resamples == 0 {
        return Err(Error::InvalidArgument(
            "n_resamples must be at least 1".into(),
        ));
    }
    check_finite("reference", reference)?;
    check_finite("candidates", candidates)?;
    let single = vec![0u32; n];
    let (labels, n_groups) = groups.unwrap_or((&single, 1));
    check_labels("groups", labels, n)?;
    let flip = if alternative == Alternative::Less {
        -1.0
    } else {
        1.0
    };

    // segments[c][g]: candidate c's differences in group g, samples aligned.
    let mut segments: Vec<Vec<Segment>> = Vec::with_capacity(n_candidates);
    let mut sizes = vec![0u64; n_groups];
    for (c, row) in candidates.chunks_exact(n).enumerate() {
        let d: Vec<f64> = reference
            .iter()
            .zip(row)
            .map(|(r, x)| flip * (r - x))
            .collect();
        let grouped = GroupSegments::new(&d, labels, n_groups)?;
        if c == 0 {
            for (g, size) in sizes.iter_mut().enumerate() {
                *size = grouped.segment(g).len() as u64;
            }
            if let Some(g) = sizes.iter().position(|&s| s == 0) {
                return Err(Error::InvalidArgument(format!("group {g} has no samples")));
            }
        }
        segments.push(
            (0..n_groups)
                .map(|g| Segment::new(grouped.segment(g), true))
                .collect::<Result<_>>()?,
        );
    }
    let hypotheses = n_candidates * n_groups;
    let scale: Vec<f64> = segments
        .iter()
        .flatten()
        .map(|s| {
            if s.null_variance > 0.0 {
                1.0 / s.null_variance.sqrt()
            } else {
                0.0
            }
        })
        .collect();
    let extremeness = |t: f64, h: usize| {
        let z = t * scale[h];
        if alternative == Alternative::TwoSided {
            z.abs()
        } else {
            z
        }
    };
    let observed: Vec<f64> = segments
        .iter()
        .flatten()
        .enumerate()
        .map(|(h, s)| extremeness(s.observed(), h))
        .collect();
    let tolerance: Vec<f64> = segments
        .iter()
        .flatten()
        .enumerate()
        .map(|(h, s)| tie_tolerance(s.scale * scale[h]))
        .collect();
    // Step-down order: most extreme observed first.
    let mut order: Vec<usize> = (0..hypotheses).collect();
    order.sort_by(|&a, &b| observed[b].total_cmp(&observed[a]));

    let n_chunks = n_resamples.div_ceil(CHUNK as u64);
    let (raw_counts, step_counts) = (0..n_chunks)
        .into_par_iter()
        .map(|chunk| {
            checkpoint.check()?;
            let used = (n_resamples - chunk * CHUNK as u64).min(CHUNK as u64) as usize;
            let mut x = vec![[0.0f64; CHUNK]; hypotheses];
            for (c, row) in segments.iter().enumerate() {
                // Same stream, same sample order: the same signs for every candidate.
                let mut stream = rng::stream(seed, chunk);
                for (g, segment) in row.iter().enumerate() {
                    let h = c * n_groups + g;
                    segment.resample_chunk(&mut stream, &mut x[h]);
                    for v in x[h].iter_mut() {
                        *v = extremeness(*v, h);
                    }
                }
            }
            let mut raw = vec![0u64; hypotheses];
            let mut step = vec![0u64; hypotheses];
            // x is indexed [hypothesis][resample]; b walks the inner index.
            #[allow(clippy::needless_range_loop)]
            for b in 0..used {
                let mut running = f64::NEG_INFINITY;
                for &h in order.iter().rev() {
                    let v = x[h][b];
                    running = running.max(v);
                    raw[h] += u64::from(v >= observed[h] - tolerance[h]);
                    step[h] += u64::from(running >= observed[h] - tolerance[h]);
                }
            }
            Ok((raw, step))
        })
        .try_reduce(
            || (vec![0u64; hypotheses], vec![0u64; hypotheses]),
            |mut a, b| {
                for (x, y) in a.0.iter_mut().zip(&b.0) {
                    *x += y;
                }
                for (x, y) in a.1.iter_mut().zip(&b.1) {
                    *x += y;
                }
                Ok(a)
            },
        )?;
    let pvalues: Vec<f64> = raw_counts
        .iter()
        .map(|&c| monte_carlo_pvalue(c, n_resamples))
        .collect();
    let mut adjusted = vec![0.0; hypotheses];
    let mut floor = 0.0f64;
    for &h in &order {
        floor = floor.max(monte_carlo_pvalue(step_counts[h], n_resamples));
        adjusted[h] = floor;
    }
    let statistics: Vec<f64> = segments
        .iter()
        .flatten()
        .enumerate()
        .map(|(h, s)| flip * s.observed() / sizes[h % n_groups] as f64)
        .collect();
    let z: Vec<f64> = segments
        .iter()
        .flatten()
        .enumerate()
        .map(|(h, s)| flip * s.observed() * scale[h])
        .collect();
    Ok(ManyOutcome {
        n_candidates,
        n_groups,
        statistics,
        z,
        pvalues,
        adjusted,
        n_resamples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::resample::monte_carlo::monte_carlo_counts;

    fn scores(seed: u64, n: usize, shift: f64) -> Vec<f64> {
        (0..n)
            .map(|i| (((i as u64 * 2654435761 + seed * 97) % 1000) as f64) / 1000.0 + shift)
            .collect()
    }

    #[test]
    fn one_candidate_matches_the_single_test_with_the_same_seed() {
        let reference = scores(1, 500, 0.0);
        let candidate = scores(2, 500, -0.01);
        let out = many_candidates(
            &reference,
            &candidate,
            1,
            None,
            Alternative::Greater,
            999,
            8,
            &NeverStop,
        )
        .unwrap();
        let d: Vec<f64> = reference
            .iter()
            .zip(&candidate)
            .map(|(r, c)| r - c)
            .collect();
        let alone = monte_carlo_counts(&d, 999, 8, &NeverStop).unwrap();
        // Same distribution; exact equality of counts is not promised (zeros
        // are kept here), but both are valid estimates of one tail.
        let p_alone = monte_carlo_pvalue(alone.count_ge, 999);
        assert!(
            (out.pvalues[0] - p_alone).abs() < 0.08,
            "{} {}",
            out.pvalues[0],
            p_alone
        );
        assert_eq!(out.adjusted[0], out.pvalues[0]);
    }

    #[test]
    fn adjusted_pvalues_dominate_raw_and_identical_candidates_share_flips() {
        let reference = scores(1, 400, 0.0);
        let cand = scores(3, 400, 0.0);
        let mut both = cand.clone();
        both.extend_from_slice(&cand);
        let out = many_candidates(
            &reference,
            &both,
            2,
            None,
            Alternative::TwoSided,
            499,
            2,
            &NeverStop,
        )
        .unwrap();
        // Identical candidates see identical flips: identical raw p-values,
        // and max-T over two copies equals the single-copy p-value.
        assert_eq!(out.pvalues[0], out.pvalues[1]);
        assert_eq!(out.adjusted[0], out.pvalues[0]);
        for h in 0..2 {
            assert!(out.adjusted[h] >= out.pvalues[h]);
        }
    }
}
