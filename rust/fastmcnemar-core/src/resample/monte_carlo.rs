//! Monte Carlo sign-flip null: random sign vectors, p = (1 + #{T* >= T}) / (1 + B)
//! (scipy's convention; ties within 100 eps sum |d|, see [`tie_tolerance`]).
//!
//! Work is cut into fixed chunks of [`CHUNK`] resamples; chunk c draws from
//! `rng::stream(seed, c)` and walks the data in a fixed order, so a seed
//! gives the same resamples, bit for bit, on any number of threads. Between
//! chunks the caller's checkpoint may stop the work.
//!
//! Sign flips are bit-sliced: one 64-bit random word gives the signs of one
//! sample in 32 resamples (two samples per word). Writing s = 2 beta - 1 with
//! beta in {0, 1}, a resampled sum is T* = 2 U* - D with U* = sum beta_i d_i,
//! a mask-and-add with no branch and no multiply; data are tiled so a tile
//! stays in L1 while every block of resamples of the chunk passes over it.
//! When the differences take few distinct magnitudes (J * 512 <= n), U* is
//! instead drawn as sum_j v_j Binomial(m_j, 1/2): cost per resample J, not n.

use rand::Rng;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use super::differences::{Magnitudes, few_distinct_magnitudes};
use crate::control::Checkpoint;
use crate::error::{Error, Result};
use crate::rng::{self, StreamRng};

/// Resamples per chunk (the unit of parallel work and of RNG streams).
pub const CHUNK: usize = 256;
/// Resamples per bit-sliced block (half a random word per sample).
const LANES: usize = 32;
/// Samples per cache tile (16 KiB of f64).
const TILE: usize = 2048;
/// Use per-magnitude binomial draws when distinct magnitudes * this <= n.
const DISTINCT_FACTOR: usize = 512;

/// Where a segment's resampled sums come from.
#[derive(Debug, Clone)]
pub enum FlipSource {
    /// Signed differences, one random sign each (zeros may be kept so that
    /// samples stay aligned across candidates).
    Samples(Vec<f64>),
    /// Distinct magnitudes v_j with multiplicities m_j.
    Distinct {
        values: Vec<f64>,
        binomials: Vec<Binomial>,
    },
}

/// A segment ready for resampling, with its observed "U" and offset so that
/// T = 2 U - offset for the observed and every resampled sign vector.
#[derive(Debug, Clone)]
pub struct Segment {
    pub source: FlipSource,
    pub observed_u: f64,
    pub offset: f64,
    /// sum d_i^2: the null variance of T (used to standardise).
    pub null_variance: f64,
    /// sum |d_i|: the scale of every resampled sum (sets the tie tolerance).
    pub scale: f64,
}

impl Segment {
    /// Picks the cheaper source for `d`. With `keep_alignment` every sample
    /// keeps its own sign (needed when signs are shared across candidates).
    pub fn new(d: &[f64], keep_alignment: bool) -> Result<Segment> {
        let null_variance = d.iter().map(|v| v * v).sum();
        let scale = d.iter().map(|v| v.abs()).sum();
        if !keep_alignment && few_distinct_magnitudes(d, d.len() / DISTINCT_FACTOR) {
            let m = Magnitudes::of(d);
            if m.values.len() * DISTINCT_FACTOR <= d.len() {
                let binomials = m
                    .counts
                    .iter()
                    .map(|&c| {
                        Binomial::new(c, 0.5).map_err(|e| {
                            Error::InvalidArgument(format!("binomial sampler for {c} items: {e}"))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let weighted = |counts: &[u64]| -> f64 {
                    m.values
                        .iter()
                        .zip(counts)
                        .map(|(v, &c)| v * c as f64)
                        .sum()
                };
                return Ok(Segment {
                    observed_u: weighted(&m.positive),
                    offset: weighted(&m.counts),
                    source: FlipSource::Distinct {
                        values: m.values.clone(),
                        binomials,
                    },
                    null_variance,
                    scale,
                });
            }
        }
        let values: Vec<f64> = if keep_alignment {
            d.to_vec()
        } else {
            d.iter().copied().filter(|v| *v != 0.0).collect()
        };
        // The all-ones mask, summed in the kernel's order.
        let total = values.iter().fold(0.0, |acc, v| acc + v);
        Ok(Segment {
            source: FlipSource::Samples(values),
            observed_u: total,
            offset: total,
            null_variance,
            scale,
        })
    }

    /// The observed statistic T (a sum of differences).
    pub fn observed(&self) -> f64 {
        2.0 * self.observed_u - self.offset
    }

    /// Fills `out` with T* for CHUNK resamples, drawing from `rng`.
    pub fn resample_chunk(&self, rng: &mut StreamRng, out: &mut [f64; CHUNK]) {
        out.fill(0.0);
        match &self.source {
            FlipSource::Samples(values) => masked_sums(values, rng, out),
            FlipSource::Distinct { values, binomials } => {
                for slot in out.iter_mut() {
                    let mut u = 0.0;
                    for (v, b) in values.iter().zip(binomials) {
                        u += v * b.sample(rng) as f64;
                    }
                    *slot = u;
                }
            }
        }
        for slot in out.iter_mut() {
            *slot = 2.0 * *slot - self.offset;
        }
    }
}

/// `out[b] += sum_i beta_ib * values[i]` for CHUNK resamples.
fn masked_sums(values: &[f64], rng: &mut StreamRng, out: &mut [f64; CHUNK]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { masked_sums_avx2(values, rng, out) };
            return;
        }
    }
    masked_sums_portable(values, rng, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn masked_sums_avx2(values: &[f64], rng: &mut StreamRng, out: &mut [f64; CHUNK]) {
    masked_sums_portable(values, rng, out);
}

#[inline(always)]
fn masked_sums_portable(values: &[f64], rng: &mut StreamRng, out: &mut [f64; CHUNK]) {
    for tile in values.chunks(TILE) {
        for block in out.chunks_exact_mut(LANES) {
            let out_block: &mut [f64; LANES] = block.try_into().expect("LANES-wide block");
            // A local copy lets the compiler keep the accumulators in registers.
            let mut acc = *out_block;
            let mut pairs = tile.chunks_exact(2);
            for pair in &mut pairs {
                let word = rng.next_u64();
                add_masked(&mut acc, pair[0], word);
                add_masked(&mut acc, pair[1], word >> LANES);
            }
            if let [last] = pairs.remainder() {
                add_masked(&mut acc, *last, rng.next_u64());
            }
            *out_block = acc;
        }
    }
}

#[inline(always)]
fn add_masked(acc: &mut [f64; LANES], value: f64, word: u64) {
    let bits = value.to_bits();
    for (lane, slot) in acc.iter_mut().enumerate() {
        let mask = 0u64.wrapping_sub((word >> lane) & 1);
        *slot += f64::from_bits(bits & mask);
    }
}

/// Resampled statistics of every segment: `out[g][b]`, b < n_resamples.
/// All segments see one shared sign vector per resample only in the sense
/// that they are drawn from the same stream; samples in different segments
/// get independent signs.
pub fn resample_segments(
    segments: &[Segment],
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Vec<f64>>> {
    let n_chunks = n_resamples.div_ceil(CHUNK as u64);
    let per_chunk: Vec<Vec<[f64; CHUNK]>> = (0..n_chunks)
        .into_par_iter()
        .map(|chunk| {
            checkpoint.check()?;
            let mut rng = rng::stream(seed, chunk);
            let mut sums = vec![[0.0; CHUNK]; segments.len()];
            for (segment, out) in segments.iter().zip(sums.iter_mut()) {
                segment.resample_chunk(&mut rng, out);
            }
            Ok(sums)
        })
        .collect::<Result<_>>()?;
    let mut out = vec![Vec::with_capacity(n_resamples as usize); segments.len()];
    for (chunk, sums) in per_chunk.iter().enumerate() {
        let used = (n_resamples as usize - chunk * CHUNK).min(CHUNK);
        for (g, s) in sums.iter().enumerate() {
            out[g].extend_from_slice(&s[..used]);
        }
    }
    Ok(out)
}

/// Counts of resamples at least as large / as small as the observed T.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonteCarloCounts {
    pub count_ge: u64,
    pub count_le: u64,
    pub n_resamples: u64,
}

/// Monte Carlo tail counts for one vector of differences; memory O(threads).
pub fn monte_carlo_counts(
    d: &[f64],
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<MonteCarloCounts> {
    let segment = Segment::new(d, false)?;
    let observed = segment.observed();
    let gamma = tie_tolerance(segment.scale);
    let n_chunks = n_resamples.div_ceil(CHUNK as u64);
    let (ge, le) = (0..n_chunks)
        .into_par_iter()
        .map(|chunk| {
            checkpoint.check()?;
            let mut rng = rng::stream(seed, chunk);
            let mut sums = [0.0; CHUNK];
            segment.resample_chunk(&mut rng, &mut sums);
            let used = (n_resamples - chunk * CHUNK as u64).min(CHUNK as u64) as usize;
            let ge = sums[..used]
                .iter()
                .filter(|&&t| t >= observed - gamma)
                .count() as u64;
            let le = sums[..used]
                .iter()
                .filter(|&&t| t <= observed + gamma)
                .count() as u64;
            Ok((ge, le))
        })
        .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
    Ok(MonteCarloCounts {
        count_ge: ge,
        count_le: le,
        n_resamples,
    })
}

/// Tie tolerance for sums whose terms have absolute values adding up to `scale`.
///
/// scipy uses `100 eps |T|`; that vanishes when the observed sum is 0 and
/// then splits ties that exist in exact arithmetic (-0.1 - 0.1 + 0.2 is not
/// 0.0 in floating point). Rounding in these sums is bounded by a small
/// multiple of `eps * sum |d|`, so that is the scale used here; it only ever
/// adds ties that are exact in the reals (distinct sums of real data differ
/// by far more than 1e-14 of their scale).
pub fn tie_tolerance(scale: f64) -> f64 {
    100.0 * f64::EPSILON * scale.abs()
}

/// (1 + count) / (1 + B).
pub fn monte_carlo_pvalue(count: u64, n_resamples: u64) -> f64 {
    (count as f64 + 1.0) / (n_resamples as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    #[test]
    fn observed_pattern_is_reproduced_bit_for_bit() {
        // Every sample positive: the all-ones mask is the observed vector and
        // only it reaches T; with 3 samples 1/8 of resamples hit it.
        let d = [0.1, 0.2, 0.7];
        let c = monte_carlo_counts(&d, 80_000, 5, &NeverStop).unwrap();
        let share = c.count_ge as f64 / 80_000.0;
        assert!((share - 0.125).abs() < 0.006, "{share}");
    }

    #[test]
    fn same_seed_same_counts_different_seed_differs() {
        let d: Vec<f64> = (0..1000)
            .map(|i| ((i * 37) % 101) as f64 / 101.0 - 0.5)
            .collect();
        let a = monte_carlo_counts(&d, 3000, 11, &NeverStop).unwrap();
        let b = monte_carlo_counts(&d, 3000, 11, &NeverStop).unwrap();
        let c = monte_carlo_counts(&d, 3000, 12, &NeverStop).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn thread_count_does_not_change_results() {
        let d: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919) % 1009) as f64 / 1009.0 - 0.49)
            .collect();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| monte_carlo_counts(&d, 2000, 3, &NeverStop).unwrap())
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn binomial_draws_match_the_exact_tail() {
        // Binary-like data: 20 differences of 1, 14 positive; exact
        // P(Bin(20, 1/2) >= 14) = 0.057659149169921875.
        let mut d = vec![0.0; 20_000];
        for (i, v) in d.iter_mut().take(20).enumerate() {
            *v = if i < 14 { 1.0 } else { -1.0 };
        }
        let seg = Segment::new(&d, false).unwrap();
        assert!(matches!(seg.source, FlipSource::Distinct { .. }));
        let c = monte_carlo_counts(&d, 200_000, 9, &NeverStop).unwrap();
        let p = c.count_ge as f64 / 200_000.0;
        let sd = (0.0577f64 * 0.9423 / 200_000.0).sqrt();
        assert!((p - 0.057659149169921875).abs() < 4.0 * sd, "{p}");
    }

    #[test]
    #[ignore = "throughput probe: cargo test --release -- --ignored --nocapture"]
    fn throughput() {
        let n = 1_000_000usize;
        let d: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 10007) as f64 / 10007.0 - 0.5)
            .collect();
        let start = std::time::Instant::now();
        let b = 2048;
        monte_carlo_counts(&d, b, 1, &NeverStop).unwrap();
        let secs = start.elapsed().as_secs_f64();
        println!("{:.3e} sample-resamples/s", n as f64 * b as f64 / secs);
    }
}
