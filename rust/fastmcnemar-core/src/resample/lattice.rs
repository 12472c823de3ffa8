//! Exact sign-flip null of the sum when the non-zero |d| lie on a grid
//! `h * k` with small integers k (binary scores, means over R reruns, judge
//! scores, anything with few distinct values).
//!
//! With m_j differences of size h * k_j, the sum of the positively signed
//! magnitudes is P = sum_j k_j B_j, B_j ~ Binomial(m_j, 1/2) independent, and
//! the test statistic is h * (2P - K) with K = sum_j m_j k_j. So the null is
//! a convolution of scaled binomials, computed without sampling:
//! - one distinct magnitude (binary scores): P / k is Binomial(m, 1/2), the
//!   tails come from [`crate::binomial`] exactly: the exact McNemar p-value;
//! - small problems: dynamic programming over the support of P, each entry a
//!   sum of non-negative terms (relative rounding ~ m * eps);
//! - otherwise: the characteristic function of P is known in closed form,
//!   `exp(-i w K / 2) prod_j cos(w k_j / 2)^m_j`; it is evaluated with exact
//!   integer phase reduction and inverted with one FFT over a window of
//!   +-sqrt(21.1 V) around the mean (V = sum_j m_j k_j^2), outside which
//!   Hoeffding's inequality leaves less than 1e-18 of mass. The absolute
//!   error of a tail is below 1e-12 (checked against the dynamic programme
//!   in the tests); p-values are never reported below 2^-m, the probability
//!   of the observed sign vector itself.
//!
//! Grid detection snaps each |d| to the nearest multiple of h when it lies
//! within a relative 1e-11 of it; smaller discrepancies are floating-point
//! noise from averaging (0.1 + 0.2 != 0.3), which scipy's tie tolerance
//! (100 eps |T|) also absorbs.

use rayon::prelude::*;

use super::differences::Magnitudes;
use super::fft::{Complex, inverse_dft_in_place};
use crate::binomial;

/// Largest multiplier q tried when looking for a grid step h = min|d| / q.
const MAX_GRID_DIVISOR: u64 = 10_000;
/// Relative distance to a grid point still treated as on the grid.
const GRID_TOLERANCE: f64 = 1e-11;
/// Dynamic programming when (items) x (support) stays below this.
const MAX_DP_WORK: u128 = 40_000_000;
/// Largest FFT length (16 bytes per point).
const MAX_FFT_LEN: usize = 1 << 22;
/// Largest (distinct magnitudes) x (FFT length / 2) characteristic-function terms.
const MAX_CF_WORK: u128 = 80_000_000;
/// Half-width of the FFT window in units of sqrt(V): Hoeffding gives
/// P(|P - K/2| >= t) <= 2 exp(-2 t^2 / V) = 1e-18 at t^2 = V ln(2e18) / 2.
const WINDOW_FACTOR: f64 = 21.1;

/// Differences on a grid: `|d| = unit * steps[j]` occurs `counts[j]` times,
/// `positive[j]` of them with a positive sign.
#[derive(Debug, Clone, PartialEq)]
pub struct Lattice {
    pub unit: f64,
    pub steps: Vec<u64>,
    pub counts: Vec<u64>,
    pub positive: Vec<u64>,
}

/// Upper and lower tail probabilities of the null at the observed statistic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tails {
    /// P(T* >= T).
    pub greater: f64,
    /// P(T* <= T).
    pub less: f64,
}

/// How the lattice tails were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatticeAlgorithm {
    Binomial,
    DynamicProgramming,
    Fourier,
}

impl Lattice {
    /// Finds a grid for the magnitudes, if one with small integers exists.
    pub fn detect(m: &Magnitudes) -> Option<Lattice> {
        let smallest = *m.values.first()?;
        'divisor: for q in 1..=MAX_GRID_DIVISOR {
            let mut steps = Vec::with_capacity(m.values.len());
            for &v in &m.values {
                let x = v / smallest * q as f64;
                let k = x.round();
                if (x - k).abs() > GRID_TOLERANCE * k || k > 1e12 {
                    continue 'divisor;
                }
                steps.push(k as u64);
            }
            return Some(Lattice {
                unit: smallest / q as f64,
                steps,
                counts: m.counts.clone(),
                positive: m.positive.clone(),
            });
        }
        None
    }

    fn total(&self) -> u128 {
        self.steps
            .iter()
            .zip(&self.counts)
            .map(|(&k, &c)| k as u128 * c as u128)
            .sum()
    }

    fn variance_units(&self) -> f64 {
        self.steps
            .iter()
            .zip(&self.counts)
            .map(|(&k, &c)| (k as f64) * (k as f64) * c as f64)
            .sum()
    }

    fn observed(&self) -> u128 {
        self.steps
            .iter()
            .zip(&self.positive)
            .map(|(&k, &c)| k as u128 * c as u128)
            .sum()
    }

    fn n_items(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// FFT length and window start, or None when the transform is too big.
    fn fourier_plan(&self) -> Option<(usize, u128)> {
        let total = self.total();
        let half_width = (WINDOW_FACTOR * self.variance_units()).sqrt().ceil() as u128 + 1;
        let needed = (total + 1).min(2 * half_width + 2);
        if needed > MAX_FFT_LEN as u128 {
            return None;
        }
        let len = (needed as usize).next_power_of_two().max(2);
        if self.steps.len() as u128 * (len as u128 / 2 + 1) > MAX_CF_WORK {
            return None;
        }
        let start = if (len as u128) > total {
            0
        } else {
            (total / 2).saturating_sub(len as u128 / 2)
        };
        Some((len, start))
    }

    /// The algorithm [`Lattice::tails`] will use, or None if the grid is too fine.
    pub fn algorithm(&self) -> Option<LatticeAlgorithm> {
        if self.steps.len() == 1 {
            return Some(LatticeAlgorithm::Binomial);
        }
        if self.n_items() as u128 * (self.total() + 1) <= MAX_DP_WORK {
            return Some(LatticeAlgorithm::DynamicProgramming);
        }
        self.fourier_plan().map(|_| LatticeAlgorithm::Fourier)
    }

    /// Exact tails at the observed sign vector; None when the grid is too fine.
    pub fn tails(&self) -> Option<Tails> {
        let tails = match self.algorithm()? {
            LatticeAlgorithm::Binomial => {
                let (m, k) = (self.counts[0], self.positive[0]);
                return Some(Tails {
                    greater: binomial::sf_half(m, k),
                    less: binomial::cdf_half(m, k),
                });
            }
            LatticeAlgorithm::DynamicProgramming => self.tails_by_dp(),
            LatticeAlgorithm::Fourier => self.tails_by_fourier()?,
        };
        // The observed sign vector alone has probability 2^-m.
        let floor = 0.5f64.powi(self.n_items().min(2000) as i32);
        Some(Tails {
            greater: tails.greater.clamp(floor, 1.0),
            less: tails.less.clamp(floor, 1.0),
        })
    }

    /// Distribution of P by adding one item at a time (each term >= 0).
    pub fn tails_by_dp(&self) -> Tails {
        let total = self.total() as usize;
        let mut dist = vec![0.0f64; total + 1];
        dist[0] = 1.0;
        let mut top = 0usize;
        for (&k, &count) in self.steps.iter().zip(&self.counts) {
            let k = k as usize;
            for _ in 0..count {
                top += k;
                for x in (k..=top).rev() {
                    dist[x] = 0.5 * (dist[x] + dist[x - k]);
                }
                for value in dist.iter_mut().take(k.min(top + 1)) {
                    *value *= 0.5;
                }
            }
        }
        let observed = self.observed() as usize;
        Tails {
            greater: dist[observed..].iter().sum(),
            less: dist[..=observed].iter().sum(),
        }
    }

    /// Distribution of P by inverting its characteristic function.
    pub fn tails_by_fourier(&self) -> Option<Tails> {
        let (len, start) = self.fourier_plan()?;
        let total = self.total();
        let two_len = 2 * len as u128;
        let half = len / 2;
        let mut spectrum: Vec<Complex> = vec![(0.0, 0.0); len];
        spectrum[..=half]
            .par_chunks_mut(4096)
            .enumerate()
            .for_each(|(chunk, out)| {
                for (offset, value) in out.iter_mut().enumerate() {
                    let r = (chunk * 4096 + offset) as u128;
                    *value = self.characteristic(r, len, two_len, total);
                }
            });
        for r in 1..half {
            let (re, im) = spectrum[r];
            spectrum[len - r] = (re, -im);
        }
        inverse_dft_in_place(&mut spectrum);
        let scale = 1.0 / len as f64;
        let pmf = |p: u128| spectrum[(p % len as u128) as usize].0 * scale;
        let end = (start + len as u128 - 1).min(total);
        let observed = self.observed();
        let greater: f64 = (observed.max(start)..=end).map(pmf).sum();
        let less: f64 = if observed >= start {
            (start..=observed.min(end)).map(pmf).sum()
        } else {
            0.0
        };
        Some(Tails { greater, less })
    }

    /// E[exp(-2 pi i r P / L)] with integer-exact angle reduction.
    fn characteristic(&self, r: u128, len: usize, two_len: u128, total: u128) -> Complex {
        let len_u = len as u128;
        let mut log_magnitude = 0.0f64;
        let mut negative = false;
        for (&k, &count) in self.steps.iter().zip(&self.counts) {
            // cos(pi * t / L) with t = r k mod 2L, folded to [0, L].
            let t = (r * k as u128) % two_len;
            let t = t.min(two_len - t);
            let z = t.min(len_u - t);
            if 2 * z == len_u {
                return (0.0, 0.0);
            }
            if 2 * t > len_u && count % 2 == 1 {
                negative = !negative;
            }
            let s = (std::f64::consts::PI * z as f64 / len as f64 / 2.0).sin();
            log_magnitude += count as f64 * (-2.0 * s * s).ln_1p();
            if log_magnitude < -745.0 {
                return (0.0, 0.0);
            }
        }
        let magnitude = if negative {
            -log_magnitude.exp()
        } else {
            log_magnitude.exp()
        };
        let phase_units = (r * total) % two_len;
        let (s, c) = (-std::f64::consts::PI * phase_units as f64 / len as f64).sin_cos();
        (magnitude * c, magnitude * s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::resample::exact_enumeration::exact_counts;

    fn lattice_of(d: &[f64]) -> Lattice {
        Lattice::detect(&Magnitudes::of(d)).expect("a grid")
    }

    #[test]
    fn detects_rerun_means() {
        let d: Vec<f64> = [3.0, -7.0, 10.0, 2.0, -3.0]
            .iter()
            .map(|x| x / 10.0)
            .collect();
        let lat = lattice_of(&d);
        assert_eq!(lat.steps, vec![2, 3, 7, 10]);
        assert!((lat.unit - 0.1).abs() < 1e-15);
        assert!(Lattice::detect(&Magnitudes::of(&[1.0, std::f64::consts::PI])).is_none());
    }

    #[test]
    fn dp_equals_enumeration() {
        let d = [
            3.0, -1.0, 4.0, 1.0, -5.0, 9.0, 2.0, -6.0, 5.0, 3.0, -5.0, 8.0, 9.0, -7.0,
        ];
        let lat = lattice_of(&d);
        assert_eq!(lat.algorithm(), Some(LatticeAlgorithm::DynamicProgramming));
        let t = lat.tails().unwrap();
        let e = exact_counts(&d, &NeverStop).unwrap();
        assert_eq!(t.greater, e.count_ge as f64 / e.total as f64);
        assert_eq!(t.less, e.count_le as f64 / e.total as f64);
        // peer vector: 3024 / 16384
        assert_eq!(t.greater, 0.1845703125);
    }

    #[test]
    fn fourier_equals_dp_to_1e_13() {
        // Several shapes: full support and a windowed transform.
        for (steps, counts, positive) in [
            (
                vec![1u64, 2, 3, 5],
                vec![40u64, 30, 20, 10],
                vec![25u64, 12, 11, 6],
            ),
            (
                vec![1, 4, 7, 10],
                vec![300, 250, 200, 150],
                vec![160, 140, 90, 70],
            ),
            (vec![2, 3], vec![2000, 1500], vec![1080, 700]),
        ] {
            let lat = Lattice {
                unit: 1.0,
                steps,
                counts,
                positive,
            };
            let dp = lat.tails_by_dp();
            let ft = lat.tails_by_fourier().unwrap();
            assert!((dp.greater - ft.greater).abs() < 1e-13, "{dp:?} {ft:?}");
            assert!((dp.less - ft.less).abs() < 1e-13, "{dp:?} {ft:?}");
        }
    }

    #[test]
    fn fourier_handles_a_million_rerun_means() {
        let lat = Lattice {
            unit: 0.1,
            steps: (1..=10).collect(),
            counts: vec![100_000; 10],
            positive: vec![50_100; 10],
        };
        assert_eq!(lat.algorithm(), Some(LatticeAlgorithm::Fourier));
        let t = lat.tails().unwrap();
        // Normal approximation: z = 2 * 100 * 55 / sqrt(V) with V = 3.85e7.
        let z = 2.0 * 100.0 * 55.0 / (3.85e7f64).sqrt();
        assert!(t.greater < 0.05 && t.greater > 0.01, "{t:?} z={z}");
        assert!((t.greater + t.less - 1.0) > 0.0);
    }
}
