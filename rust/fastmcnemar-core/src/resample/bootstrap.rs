//! Paired bootstrap of the mean difference: percentile, basic and BCa
//! intervals (conventions of `scipy.stats.bootstrap`) and the standard error.
//!
//! Resampling works on sufficient statistics where it can: when the
//! differences take few distinct values (J * 64 <= n; three for binary
//! scores), a resample is a Multinomial(n; m_j / n) count vector drawn as J
//! conditional binomials, so its cost does not grow with n. Otherwise the n
//! uniform draws are made cache-friendly without changing their law: the
//! data are cut into tiles of `GATHER_TILE` values, the number of draws
//! landing in each tile is drawn first (multinomial, as conditional
//! binomials), then each tile, while it sits in L1, serves its draws for
//! every resample of the chunk (uniform positions by Lemire's unbiased
//! multiply-and-reject). With clusters, whole clusters are drawn and the
//! estimate is (sum of drawn totals) / (sum of drawn sizes).
//!
//! BCa's acceleration uses the closed-form leave-one-out values of a mean,
//! theta_dot - theta_(i) = (d_i - mean) / (n - 1), so it costs O(n) (scipy's
//! generic jackknife is O(n^2)); with clusters, the leave-one-cluster-out
//! ratios are O(K). Resampling runs in fixed chunks with per-chunk streams,
//! so a seed gives the same interval on any number of threads.

use rand::Rng;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use super::differences::distinct_with_counts;
use crate::control::Checkpoint;
use crate::error::{Error, Result, check_level};
use crate::rng::{self, StreamRng};
use crate::special::normal::{norm_cdf, norm_ppf};

/// Bootstrap resamples per chunk.
const CHUNK: usize = 64;
/// Draw multinomial counts when distinct values * this <= n.
const DISTINCT_FACTOR: usize = 64;
/// Values per cache tile of the gather resampler (32 KiB of f64).
const GATHER_TILE: usize = 4096;

/// Interval construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalMethod {
    Percentile,
    Basic,
    Bca,
}

/// A bootstrap interval and standard error for the mean difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapOutcome {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    pub standard_error: f64,
    pub n_resamples: u64,
}

/// What one resample draws from.
enum Resampler<'a> {
    Multinomial {
        values: Vec<f64>,
        probabilities: Vec<f64>,
        n: u64,
    },
    Tiled {
        values: &'a [f64],
    },
    Clusters {
        values: &'a [f64],
        sizes: &'a [u64],
    },
}

/// An unbiased uniform integer in 0..n (Lemire 2019).
fn below(rng: &mut StreamRng, n: u64, threshold: u64) -> usize {
    loop {
        let product = rng.next_u64() as u128 * n as u128;
        if (product as u64) >= threshold {
            return (product >> 64) as usize;
        }
    }
}

impl Resampler<'_> {
    fn draw(&self, rng: &mut StreamRng) -> Result<f64> {
        match self {
            Resampler::Multinomial {
                values,
                probabilities,
                n,
            } => {
                // Sequential conditional binomials give exact multinomial counts.
                let mut left = *n;
                let mut mass_left = 1.0f64;
                let mut sum = 0.0;
                for (j, (&v, &p)) in values.iter().zip(probabilities).enumerate() {
                    if left == 0 {
                        break;
                    }
                    let count = if j + 1 == values.len() {
                        left
                    } else {
                        let q = (p / mass_left).clamp(0.0, 1.0);
                        Binomial::new(left, q)
                            .map_err(|e| Error::InvalidArgument(format!("binomial draw: {e}")))?
                            .sample(rng)
                    };
                    sum += v * count as f64;
                    left -= count;
                    mass_left -= p;
                }
                Ok(sum / *n as f64)
            }
            Resampler::Clusters { values, sizes } => {
                let n = values.len() as u64;
                let threshold = n.wrapping_neg() % n;
                let mut sum = 0.0;
                let mut size = 0u64;
                for _ in 0..n {
                    let k = below(rng, n, threshold);
                    sum += values[k];
                    size += sizes[k];
                }
                Ok(sum / size as f64)
            }
            Resampler::Tiled { .. } => unreachable!("tiled resamples are drawn per chunk"),
        }
    }

    /// Fills `out` with resampled estimates.
    fn draw_chunk(&self, rng: &mut StreamRng, out: &mut [f64]) -> Result<()> {
        match self {
            Resampler::Tiled { values } => tiled_gather_means(values, rng, out),
            _ => {
                for slot in out.iter_mut() {
                    *slot = self.draw(rng)?;
                }
                Ok(())
            }
        }
    }
}

/// An unbiased uniform integer in 0..n for n < 2^32, from 32 random bits.
#[inline(always)]
fn below32(bits: u32, n: u32, threshold: u32) -> Option<u32> {
    let product = u64::from(bits) * u64::from(n);
    ((product as u32) >= threshold).then_some((product >> 32) as u32)
}

/// Means of `out.len()` plain bootstrap resamples of `values`, tile by tile.
fn tiled_gather_means(values: &[f64], rng: &mut StreamRng, out: &mut [f64]) -> Result<()> {
    let n = values.len() as u64;
    let tiles: Vec<&[f64]> = values.chunks(GATHER_TILE).collect();
    // counts[b * tiles + t]: draws of resample b that land in tile t.
    let mut counts = vec![0u64; out.len() * tiles.len()];
    for row in counts.chunks_exact_mut(tiles.len()) {
        let mut left = n;
        let mut size_left = n;
        for (count, tile) in row.iter_mut().zip(&tiles) {
            let len = tile.len() as u64;
            *count = if size_left == len {
                left
            } else if left == 0 {
                0
            } else {
                Binomial::new(left, len as f64 / size_left as f64)
                    .map_err(|e| Error::InvalidArgument(format!("binomial draw: {e}")))?
                    .sample(rng)
            };
            left -= *count;
            size_left -= len;
        }
    }
    out.fill(0.0);
    for (t, tile) in tiles.iter().enumerate() {
        let len = tile.len() as u32;
        let threshold = len.wrapping_neg() % len;
        for (b, slot) in out.iter_mut().enumerate() {
            let mut need = counts[b * tiles.len() + t];
            let mut acc = [0.0f64; 4];
            while need >= 4 {
                // Two indices per word; a group of four is kept only if all
                // pass Lemire's test, which keeps them independent and uniform.
                let (w0, w1) = (rng.next_u64(), rng.next_u64());
                let (Some(i0), Some(i1), Some(i2), Some(i3)) = (
                    below32(w0 as u32, len, threshold),
                    below32((w0 >> 32) as u32, len, threshold),
                    below32(w1 as u32, len, threshold),
                    below32((w1 >> 32) as u32, len, threshold),
                ) else {
                    continue;
                };
                acc[0] += tile[i0 as usize];
                acc[1] += tile[i1 as usize];
                acc[2] += tile[i2 as usize];
                acc[3] += tile[i3 as usize];
                need -= 4;
            }
            while need > 0 {
                if let Some(i) = below32(rng.next_u64() as u32, len, threshold) {
                    acc[0] += tile[i as usize];
                    need -= 1;
                }
            }
            *slot += (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
    }
    for slot in out.iter_mut() {
        *slot /= n as f64;
    }
    Ok(())
}

/// Linear-interpolation quantile (Hyndman-Fan type 7, numpy's default) of sorted data.
fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Bootstrap interval for the mean of `values` (paired differences), or
/// with `sizes` for the ratio estimator over cluster totals.
pub fn bootstrap_mean(
    values: &[f64],
    sizes: Option<&[u64]>,
    confidence_level: f64,
    method: IntervalMethod,
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<BootstrapOutcome> {
    check_level("confidence_level", confidence_level)?;
    if values.is_empty() {
        return Err(Error::EmptyInput { what: "reference" });
    }
    if n_resamples < 2 {
        return Err(Error::InvalidArgument(
            "n_resamples must be at least 2 for a bootstrap interval".into(),
        ));
    }
    let total_size = sizes.map_or(values.len() as f64, |s| s.iter().sum::<u64>() as f64);
    let estimate = values.iter().sum::<f64>() / total_size;
    let resampler = match sizes {
        None => {
            let distinct = distinct_with_counts(values);
            if distinct.len() * DISTINCT_FACTOR <= values.len() {
                let n = values.len() as u64;
                Resampler::Multinomial {
                    values: distinct.iter().map(|d| d.0).collect(),
                    probabilities: distinct.iter().map(|d| d.1 as f64 / n as f64).collect(),
                    n,
                }
            } else {
                Resampler::Tiled { values }
            }
        }
        Some(sizes) => Resampler::Clusters { values, sizes },
    };

    let n_chunks = n_resamples.div_ceil(CHUNK as u64);
    let chunks: Vec<Vec<f64>> = (0..n_chunks)
        .into_par_iter()
        .map(|chunk| {
            checkpoint.check()?;
            let mut rng = rng::stream(seed, chunk);
            let used = (n_resamples - chunk * CHUNK as u64).min(CHUNK as u64);
            let mut out = vec![0.0; used as usize];
            resampler.draw_chunk(&mut rng, &mut out)?;
            Ok(out)
        })
        .collect::<Result<_>>()?;
    let mut theta: Vec<f64> = chunks.into_iter().flatten().collect();

    let b = theta.len() as f64;
    let mean_b = theta.iter().sum::<f64>() / b;
    let standard_error =
        (theta.iter().map(|t| (t - mean_b).powi(2)).sum::<f64>() / (b - 1.0)).sqrt();
    let below_count = theta.iter().filter(|&&t| t < estimate).count() as f64;
    let at_or_below = theta.iter().filter(|&&t| t <= estimate).count() as f64;
    theta.sort_by(f64::total_cmp);

    let alpha = (1.0 - confidence_level) / 2.0;
    let (low, high) = match method {
        IntervalMethod::Percentile => (
            quantile_sorted(&theta, alpha),
            quantile_sorted(&theta, 1.0 - alpha),
        ),
        IntervalMethod::Basic => (
            2.0 * estimate - quantile_sorted(&theta, 1.0 - alpha),
            2.0 * estimate - quantile_sorted(&theta, alpha),
        ),
        // Identical resamples (all differences equal): the interval is that point.
        IntervalMethod::Bca if theta[0] == theta[theta.len() - 1] => (theta[0], theta[0]),
        IntervalMethod::Bca => {
            let z0 = norm_ppf((below_count + at_or_below) / (2.0 * b));
            let a = acceleration(values, sizes, estimate);
            let z_alpha = norm_ppf(alpha);
            let adjusted = |z: f64| {
                let num = z0 + z;
                norm_cdf(z0 + num / (1.0 - a * num))
            };
            let (p_low, p_high) = (adjusted(z_alpha), adjusted(-z_alpha));
            if !(p_low.is_finite() && p_high.is_finite()) {
                return Err(Error::InvalidArgument(
                    "the BCa interval cannot be computed: every bootstrap resample lies on \
                     one side of the estimate (too few resamples?); use more resamples or \
                     method='percentile'"
                        .into(),
                ));
            }
            (
                quantile_sorted(&theta, p_low),
                quantile_sorted(&theta, p_high),
            )
        }
    };
    Ok(BootstrapOutcome {
        estimate,
        low,
        high,
        standard_error,
        n_resamples,
    })
}

/// BCa acceleration from leave-one-out (or leave-one-cluster-out) values.
fn acceleration(values: &[f64], sizes: Option<&[u64]>, estimate: f64) -> f64 {
    // u_i = theta_dot - theta_(i), up to a positive factor that cancels.
    let u: Vec<f64> = match sizes {
        None => values.iter().map(|d| d - estimate).collect(),
        Some(sizes) => {
            let total: f64 = values.iter().sum();
            let size: f64 = sizes.iter().map(|&s| s as f64).sum();
            let loo: Vec<f64> = values
                .iter()
                .zip(sizes)
                .map(|(&v, &s)| {
                    if size - s as f64 > 0.0 {
                        (total - v) / (size - s as f64)
                    } else {
                        estimate
                    }
                })
                .collect();
            let dot = loo.iter().sum::<f64>() / loo.len() as f64;
            loo.iter().map(|t| dot - t).collect()
        }
    };
    let num: f64 = u.iter().map(|x| x * x * x).sum();
    let den: f64 = u.iter().map(|x| x * x).sum();
    if den > 0.0 {
        num / (6.0 * den.powf(1.5))
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_is_numpy_linear() {
        let s = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile_sorted(&s, 0.5), 3.0);
        assert_eq!(quantile_sorted(&s, 0.0), 1.0);
        assert_eq!(quantile_sorted(&s, 1.0), 8.0);
        assert!((quantile_sorted(&s, 0.9) - 6.8).abs() < 1e-12);
    }

    #[test]
    fn closed_form_acceleration_equals_the_jackknife() {
        let d = [0.3, -1.2, 2.5, 0.7, 0.1, -0.4, 3.3];
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let loo: Vec<f64> = (0..d.len())
            .map(|i| (d.iter().sum::<f64>() - d[i]) / (n - 1.0))
            .collect();
        let dot = loo.iter().sum::<f64>() / n;
        let num: f64 = loo.iter().map(|t| (dot - t).powi(3)).sum();
        let den: f64 = loo.iter().map(|t| (dot - t).powi(2)).sum();
        let jack = num / (6.0 * den.powf(1.5));
        assert!((acceleration(&d, None, mean) - jack).abs() < 1e-14);
        // Clusters of size one are the plain jackknife too.
        assert!((acceleration(&d, Some(&[1; 7]), mean) - jack).abs() < 1e-12);
    }

    #[test]
    fn tiled_gather_has_the_bootstrap_variance() {
        // 10_000 values span three tiles (the last one partial).
        let d: Vec<f64> = (0..10_000)
            .map(|i| ((i * 7919) % 10_007) as f64 / 10_007.0)
            .collect();
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        let r = bootstrap_mean(
            &d,
            None,
            0.95,
            IntervalMethod::Percentile,
            4000,
            3,
            &crate::control::NeverStop,
        )
        .unwrap();
        let se = (var / n).sqrt();
        assert!(
            (r.standard_error / se - 1.0).abs() < 0.05,
            "{} vs {se}",
            r.standard_error
        );
        let centre = 0.5 * (r.low + r.high);
        assert!((centre - mean).abs() < 0.2 * se);
    }

    #[test]
    #[ignore = "throughput probe: cargo test --release -- --ignored --nocapture"]
    fn gather_throughput() {
        let n = 1_000_000usize;
        let d: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 10_007) as f64 / 10_007.0)
            .collect();
        let b = 512;
        let start = std::time::Instant::now();
        bootstrap_mean(
            &d,
            None,
            0.95,
            IntervalMethod::Percentile,
            b,
            1,
            &crate::control::NeverStop,
        )
        .unwrap();
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:.3e} sample-resamples/s (bootstrap)",
            n as f64 * b as f64 / secs
        );
    }
}
