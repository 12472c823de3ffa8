//! The betting confidence sequence for Δ = mean(reference - candidate), on a
//! grid of candidate values (Waudby-Smith and Ramdas 2023, section 4, with
//! one-sided capitals; without replacement, Waudby-Smith and Ramdas 2020).
//!
//! For every grid value Δ_j (μ_j = (Δ_j + 1)/2 on the x scale) two bettors
//! run: K⁺_j rejects "Δ <= Δ_j" and K⁻_j rejects "Δ >= Δ_j". The sequence at
//! level 1 - α' is {Δ : sup_s K⁺_s(Δ) < 2/α' and sup_s K⁻_s(Δ) < 2/α'}, the
//! running intersection (valid because Ville's inequality holds for the
//! supremum over all times at once).
//!
//! Why a grid is exact here: the bets do not depend on Δ (`bet_size.rs`), so
//! K⁺(Δ) is a product of nonnegative factors that each fall as Δ rises,
//! hence nonincreasing in Δ, and K⁻ nondecreasing. The values K⁺ rejects form
//! a prefix of the grid and K⁻'s a suffix; reporting the last rejected grid
//! value as the bound errs outwards by less than one grid step (2 / (G - 1),
//! 0.001 with the default 2,001 points), never inwards.
//!
//! Cost: each sample multiplies 2G factors. They are kept as linear products
//! since the last fold and folded into logs every `FOLD_EVERY` samples
//! (factors lie in [1/4, 7/4], so 64 of them stay far inside the double
//! range); the per-point running maximum is tracked the same way. A batch of
//! ternary counts (binary data) costs 6 logarithms per point.

use super::capital::Scheme;
use super::without_replacement::Center;

/// Default number of grid points on [-1, 1] (step 0.001).
pub const DEFAULT_GRID_POINTS: usize = 2001;

const FOLD_EVERY: u32 = 64;

/// Capitals of one side on every grid point.
#[derive(Debug, Clone, PartialEq)]
struct SideGrid {
    /// ln K at the last fold (+inf: the data ruled this value out).
    base: Vec<f64>,
    /// Product of factors since the last fold.
    lin: Vec<f64>,
    /// Largest value `lin` reached since the last fold.
    lin_max: Vec<f64>,
    /// ln sup K up to the last fold.
    ln_max: Vec<f64>,
}

impl SideGrid {
    fn new(points: usize) -> Self {
        SideGrid {
            base: vec![0.0; points],
            lin: vec![1.0; points],
            lin_max: vec![1.0; points],
            ln_max: vec![0.0; points],
        }
    }

    fn fold(&mut self) {
        for j in 0..self.base.len() {
            let peak = self.base[j] + self.lin_max[j].ln();
            self.ln_max[j] = self.ln_max[j].max(peak);
            self.base[j] += self.lin[j].ln();
            self.lin[j] = 1.0;
            self.lin_max[j] = 1.0;
        }
    }

    fn ln_sup(&self, j: usize) -> f64 {
        self.ln_max[j].max(self.base[j] + self.lin_max[j].ln())
    }
}

/// The confidence-sequence state for one stream.
#[derive(Debug, Clone, PartialEq)]
pub struct CsGrid {
    /// Grid values of μ = (Δ + 1) / 2.
    mu: Vec<f64>,
    above: SideGrid,
    below: SideGrid,
    since_fold: u32,
}

impl CsGrid {
    /// A fresh grid with `points` values on [-1, 1] (at least 3).
    pub fn new(points: usize) -> Self {
        let points = points.max(3);
        let step = 1.0 / (points - 1) as f64;
        CsGrid {
            mu: (0..points).map(|j| j as f64 * step).collect(),
            above: SideGrid::new(points),
            below: SideGrid::new(points),
            since_fold: 0,
        }
    }

    /// Number of grid points.
    pub fn points(&self) -> usize {
        self.mu.len()
    }

    /// Bets `lambda` on sample `x` at every grid value.
    pub fn update(&mut self, x: f64, lambda: f64, scheme: Scheme) {
        if let Scheme::WithReplacement = scheme {
            self.update_iid(x, lambda);
        } else {
            self.update_scheme(x, lambda, scheme);
        }
        self.since_fold += 1;
        if self.since_fold >= FOLD_EVERY {
            self.fold();
        }
    }

    /// The common case, branch-free so that it vectorises.
    fn update_iid(&mut self, x: f64, lambda: f64) {
        let g = self.mu.len();
        let mu = &self.mu[..g];
        for (lin, lin_max, sign) in [
            (&mut self.above.lin, &mut self.above.lin_max, lambda),
            (&mut self.below.lin, &mut self.below.lin_max, -lambda),
        ] {
            let (lin, lin_max) = (&mut lin[..g], &mut lin_max[..g]);
            for j in 0..g {
                let v = lin[j] * (1.0 + sign * (x - mu[j]));
                lin[j] = v;
                // A plain comparison (not f64::max) so the loop vectorises.
                lin_max[j] = if v > lin_max[j] { v } else { lin_max[j] };
            }
        }
    }

    fn update_scheme(&mut self, x: f64, lambda: f64, scheme: Scheme) {
        for j in 0..self.mu.len() {
            match scheme.center(self.mu[j]) {
                Center::Mean(m) => {
                    let up = 1.0 + lambda * (x - m);
                    let down = 1.0 - lambda * (x - m);
                    self.above.lin[j] *= up;
                    self.above.lin_max[j] = self.above.lin_max[j].max(self.above.lin[j]);
                    self.below.lin[j] *= down;
                    self.below.lin_max[j] = self.below.lin_max[j].max(self.below.lin[j]);
                }
                // Δ_j is below what the data allow: K⁺ rejects, K⁻ stops.
                Center::BelowReach => self.above.base[j] = f64::INFINITY,
                Center::AboveReach => self.below.base[j] = f64::INFINITY,
            }
        }
    }

    /// Bets `lambda` on `counts` = samples at x = 0, 1/2, 1 (with replacement).
    pub fn update_counts(&mut self, counts: [u64; 3], lambda: f64) {
        self.fold();
        let xs = [0.0, 0.5, 1.0];
        for j in 0..self.mu.len() {
            let mut up = 0.0;
            let mut down = 0.0;
            for (x, &k) in xs.iter().zip(&counts) {
                if k > 0 {
                    up += k as f64 * (lambda * (x - self.mu[j])).ln_1p();
                    down += k as f64 * (-lambda * (x - self.mu[j])).ln_1p();
                }
            }
            for (side, add) in [(&mut self.above, up), (&mut self.below, down)] {
                side.base[j] += add;
                side.ln_max[j] = side.ln_max[j].max(side.base[j]);
            }
        }
    }

    fn fold(&mut self) {
        if self.since_fold > 0 {
            self.above.fold();
            self.below.fold();
            self.since_fold = 0;
        }
    }

    /// Appends another shard's grid (same size, with replacement).
    pub fn append(&mut self, other: &CsGrid) {
        self.fold();
        let mut other = other.clone();
        other.fold();
        for (mine, theirs) in [
            (&mut self.above, &other.above),
            (&mut self.below, &other.below),
        ] {
            for j in 0..mine.base.len() {
                mine.ln_max[j] = mine.ln_max[j].max(mine.base[j] + theirs.ln_max[j]);
                mine.base[j] += theirs.base[j];
            }
        }
    }

    /// The running-intersection interval for Δ at threshold `ln_threshold`
    /// per side (ln(2/α') for a two-sided level 1 - α'), as (low, high).
    pub fn interval(&self, ln_threshold: f64) -> (f64, f64) {
        let g = self.mu.len();
        let to_delta = |j: usize| 2.0 * self.mu[j] - 1.0;
        let first_kept = (0..g).find(|&j| self.above.ln_sup(j) < ln_threshold);
        let low = match first_kept {
            Some(0) => -1.0,
            Some(j) => to_delta(j - 1),
            None => 1.0,
        };
        let last_kept = (0..g).rev().find(|&j| self.below.ln_sup(j) < ln_threshold);
        let high = match last_kept {
            Some(j) if j == g - 1 => 1.0,
            Some(j) => to_delta(j + 1),
            None => -1.0,
        };
        (low, high)
    }

    /// Flat state for pickling: mu step count, then the four arrays per side.
    pub fn to_parts(&self) -> (u32, Vec<f64>) {
        let mut flat = Vec::with_capacity(8 * self.mu.len());
        for side in [&self.above, &self.below] {
            flat.extend_from_slice(&side.base);
            flat.extend_from_slice(&side.lin);
            flat.extend_from_slice(&side.lin_max);
            flat.extend_from_slice(&side.ln_max);
        }
        (self.since_fold, flat)
    }

    /// Rebuilds a grid of `points` values from [`CsGrid::to_parts`].
    pub fn from_parts(points: usize, since_fold: u32, flat: &[f64]) -> Option<Self> {
        let mut grid = CsGrid::new(points);
        let g = grid.mu.len();
        if flat.len() != 8 * g {
            return None;
        }
        let mut chunks = flat.chunks_exact(g);
        for side in [&mut grid.above, &mut grid.below] {
            for field in [
                &mut side.base,
                &mut side.lin,
                &mut side.lin_max,
                &mut side.ln_max,
            ] {
                field.copy_from_slice(chunks.next()?);
            }
        }
        grid.since_fold = since_fold;
        Some(grid)
    }
}

#[cfg(test)]
mod tests {
    use super::super::bet_size::BetSizer;
    use super::*;

    fn run(xs: &[f64], points: usize) -> CsGrid {
        let mut grid = CsGrid::new(points);
        let mut sizer = BetSizer::default();
        for &x in xs {
            grid.update(x, sizer.lambda(20f64.ln()), Scheme::WithReplacement);
            sizer.push(x);
        }
        grid
    }

    #[test]
    fn starts_at_the_whole_range() {
        let grid = CsGrid::new(101);
        assert_eq!(grid.interval(40f64.ln()), (-1.0, 1.0));
    }

    #[test]
    fn covers_the_sample_mean_and_shrinks() {
        let xs: Vec<f64> = (0..3000)
            .map(|i| if i % 10 < 3 { 1.0 } else { 0.5 })
            .collect();
        let short = run(&xs[..300], 2001).interval(40f64.ln());
        let long = run(&xs, 2001).interval(40f64.ln());
        // Δ = 2 · 0.65 - 1 = 0.3
        assert!(short.0 < 0.3 && 0.3 < short.1);
        assert!(long.0 < 0.3 && 0.3 < long.1);
        assert!(long.1 - long.0 < short.1 - short.0);
        assert!(long.0 > 0.2 && long.1 < 0.4, "{long:?}");
    }

    #[test]
    fn folding_does_not_change_the_answer() {
        // Same data in 1 and in 70 updates between folds must agree closely.
        let xs: Vec<f64> = (0..130).map(|i| ((i * 37) % 11) as f64 / 10.0).collect();
        let a = run(&xs, 201);
        let mut b = a.clone();
        b.fold();
        for j in 0..201 {
            assert!((a.above.ln_sup(j) - b.above.ln_sup(j)).abs() < 1e-12);
        }
    }

    #[test]
    fn parts_round_trip() {
        let xs = [1.0, 0.5, 0.0, 1.0];
        let grid = run(&xs, 51);
        let (since, flat) = grid.to_parts();
        assert_eq!(CsGrid::from_parts(51, since, &flat), Some(grid));
    }
}
