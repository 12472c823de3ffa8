//! One sequential test: the state of one (candidate, task) stream and its
//! decision. Which e-process decides what:
//!
//! | question | binary outcomes (method Mixture) | scores in [0, 1] (method Betting) |
//! |---|---|---|
//! | "degraded" (H0: Δ <= 0) | beta-binomial mixture on discordant pairs (`mixture.rs`) | betting capital at Δ = 0 (`capital.rs`) |
//! | "equivalent" (H0: Δ >= margin) | betting capital at Δ = margin | same |
//! | confidence sequence for Δ | betting grid (`grid.rs`) | same |
//!
//! With a known benchmark size N (`population`) every betting part uses the
//! without-replacement centers (`without_replacement.rs`) and covers the
//! benchmark's own Δ; the mixture keeps its super-population meaning.
//! "degraded" is declared once the running maximum of the e-process reaches
//! 1/α (anytime p-value = min(1, 1 / running max) <= α), "equivalent" once
//! the capital against Δ >= margin does. Each holds its level α at any
//! stopping time, however often the state is looked at.
//!
//! Internally Δ is oriented so that the tested alternative is "positive":
//! with direction Less the two models swap roles at the input.

use super::bet_size::BetSizer;
use super::capital::{Capital, Scheme, Side};
use super::grid::CsGrid;
use super::mixture::{self, check_prior};
use crate::error::{Error, Result, check_level};

/// Which way the tested alternative points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The candidate is worse (Δ = reference - candidate > 0).
    Greater,
    /// The candidate is better.
    Less,
}

/// The e-process behind "degraded".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Decided by the first update: Mixture for 0/1 data, else Betting.
    Auto,
    /// Beta-binomial mixture on discordant pairs (0/1 outcomes only).
    Mixture,
    /// Betting capital on the paired differences (any scores in [0, 1]).
    Betting,
}

impl Method {
    /// Parses "auto", "mixture" or "betting".
    pub fn parse(name: &str) -> Result<Method> {
        match name {
            "auto" => Ok(Method::Auto),
            "mixture" => Ok(Method::Mixture),
            "betting" => Ok(Method::Betting),
            other => Err(Error::InvalidArgument(format!(
                "unknown method {other:?}: expected 'auto', 'mixture' or 'betting'"
            ))),
        }
    }

    /// The name [`Method::parse`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Mixture => "mixture",
            Method::Betting => "betting",
        }
    }
}

/// The state of the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Keep sampling.
    Continue,
    /// The e-process crossed 1/α: the alternative direction holds.
    Degraded,
    /// Δ < margin with confidence 1 - α.
    Equivalent,
}

/// Options fixed for the life of a test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Level of each decision.
    pub alpha: f64,
    /// Equivalence margin on Δ, in (0, 1).
    pub margin: Option<f64>,
    /// Direction of the alternative.
    pub direction: Direction,
    /// The e-process for "degraded".
    pub method: Method,
    /// Benchmark size N, for the without-replacement versions.
    pub population: Option<u64>,
    /// Beta(a, a) prior parameter of the mixture.
    pub prior: u32,
    /// Grid points of the confidence sequence (0: no confidence sequence).
    pub grid_points: usize,
}

impl Settings {
    /// Checks every option.
    pub fn check(&self) -> Result<()> {
        check_level("alpha", self.alpha)?;
        if let Some(m) = self.margin {
            if !(m > 0.0 && m < 1.0) {
                return Err(Error::InvalidArgument(format!(
                    "margin must lie strictly between 0 and 1 (a drop in accuracy as a fraction), got {m}"
                )));
            }
        }
        if self.population == Some(0) {
            return Err(Error::InvalidArgument(
                "population (the benchmark size N) must be at least 1".into(),
            ));
        }
        check_prior(self.prior)?;
        if self.grid_points == 1 || self.grid_points == 2 || self.grid_points > 1_000_001 {
            return Err(Error::InvalidArgument(format!(
                "grid_points must be 0 (no confidence sequence) or from 3 to 1000001, got {}",
                self.grid_points
            )));
        }
        Ok(())
    }
}

/// The state of one sequential test.
#[derive(Debug, Clone, PartialEq)]
pub struct SequentialState {
    settings: Settings,
    /// The method in force (Auto until the first update resolves it).
    method: Method,
    n: u64,
    /// Samples where the reference scored higher (b) and lower (c), in the
    /// caller's orientation.
    b: u64,
    c: u64,
    /// Σ (reference - candidate), caller's orientation.
    sum_d: f64,
    /// Σ x on the internal (oriented) scale, for the without-replacement centers.
    sum_x: f64,
    sizer: BetSizer,
    /// ln of the mixture e-value at the current counts (cached).
    mixture_ln_now: f64,
    mixture_ln_max: f64,
    degrade: Capital,
    equivalence: Option<Capital>,
    grid: Option<CsGrid>,
}

/// Number of scalars in [`SequentialState::to_parts`].
const PARTS: usize = 20;

impl SequentialState {
    /// A fresh test.
    pub fn new(settings: Settings) -> Result<Self> {
        settings.check()?;
        Ok(SequentialState {
            settings,
            method: settings.method,
            n: 0,
            b: 0,
            c: 0,
            sum_d: 0.0,
            sum_x: 0.0,
            sizer: BetSizer::default(),
            mixture_ln_now: 0.0,
            mixture_ln_max: 0.0,
            degrade: Capital::new(0.5, Side::Above),
            equivalence: settings
                .margin
                .map(|m| Capital::new((m + 1.0) / 2.0, Side::Below)),
            grid: (settings.grid_points > 0).then(|| CsGrid::new(settings.grid_points)),
        })
    }

    /// The options.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The method in force ("auto" before the first update).
    pub fn method(&self) -> Method {
        self.method
    }

    /// Paired samples seen.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Samples where the reference scored higher.
    pub fn b(&self) -> u64 {
        self.b
    }

    /// Samples where the candidate scored higher.
    pub fn c(&self) -> u64 {
        self.c
    }

    /// Mean of reference - candidate (NaN before any sample).
    pub fn delta(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum_d / self.n as f64
        }
    }

    fn oriented_counts(&self) -> (u64, u64) {
        match self.settings.direction {
            Direction::Greater => (self.b, self.c),
            Direction::Less => (self.c, self.b),
        }
    }

    fn ln_inv_alpha(&self) -> f64 {
        -self.settings.alpha.ln()
    }

    /// ln of the current e-value for "no degradation" (an e-value at any
    /// stopping time).
    pub fn ln_evalue(&self) -> f64 {
        match self.method {
            Method::Betting => self.degrade.ln_now,
            _ => self.mixture_ln_now,
        }
    }

    /// ln of the running maximum of the e-process.
    pub fn ln_evalue_max(&self) -> f64 {
        match self.method {
            Method::Betting => self.degrade.ln_max,
            _ => self.mixture_ln_max,
        }
    }

    /// Anytime-valid p-value: min(1, 1 / running max).
    pub fn pvalue(&self) -> f64 {
        (-self.ln_evalue_max()).exp().min(1.0)
    }

    /// ln of the current e-value against "Δ >= margin" (None without a margin).
    pub fn ln_equivalence_evalue(&self) -> Option<f64> {
        self.equivalence.map(|c| c.ln_now)
    }

    /// Anytime-valid p-value against "Δ >= margin" (None without a margin).
    pub fn equivalence_pvalue(&self) -> Option<f64> {
        self.equivalence.map(|c| (-c.ln_max).exp().min(1.0))
    }

    /// The decision now.
    pub fn decision(&self) -> Decision {
        let threshold = self.ln_inv_alpha();
        if self.ln_evalue_max() >= threshold {
            Decision::Degraded
        } else if self.equivalence.is_some_and(|c| c.ln_max >= threshold) {
            Decision::Equivalent
        } else {
            Decision::Continue
        }
    }

    /// The confidence sequence for Δ at two-sided level `level`, in the
    /// caller's orientation (None when the test keeps no grid).
    pub fn confidence_sequence(&self, level: f64) -> Result<Option<(f64, f64)>> {
        check_level("level", level)?;
        let Some(grid) = &self.grid else {
            return Ok(None);
        };
        let (mut low, mut high) = grid.interval((2.0 / (1.0 - level)).ln());
        if let Some(big_n) = self.settings.population {
            // What the items left could still do: Δ is known exactly at t = N.
            let big = big_n as f64;
            let x_low = self.sum_x / big;
            let x_high = (self.sum_x + (big_n - self.n) as f64) / big;
            low = low.max(2.0 * x_low - 1.0);
            high = high.min(2.0 * x_high - 1.0);
        }
        Ok(Some(match self.settings.direction {
            Direction::Greater => (low, high),
            Direction::Less => (-high, -low),
        }))
    }

    fn check_room(&self, more: u64) -> Result<()> {
        if let Some(big_n) = self.settings.population {
            if self.n + more > big_n {
                return Err(Error::InvalidArgument(format!(
                    "{} samples would exceed the population of {big_n} items \
                     (a benchmark item can be drawn only once)",
                    self.n + more
                )));
            }
        }
        Ok(())
    }

    fn resolve_method(&mut self, binary: bool) {
        if self.method == Method::Auto {
            self.method = if binary {
                Method::Mixture
            } else {
                Method::Betting
            };
        }
    }

    /// Checks paired outcomes or scores without adding them; returns
    /// whether they are all 0 or 1.
    pub fn check_update(&self, reference: &[f64], candidate: &[f64]) -> Result<bool> {
        if reference.len() != candidate.len() {
            return Err(Error::LengthMismatch {
                left: "reference",
                left_len: reference.len(),
                right: "candidate",
                right_len: candidate.len(),
            });
        }
        let mut binary = true;
        for (what, values) in [("reference", reference), ("candidate", candidate)] {
            for (index, &value) in values.iter().enumerate() {
                if !value.is_finite() {
                    return Err(Error::NonFinite { what, index, value });
                }
                if !(0.0..=1.0).contains(&value) {
                    return Err(Error::InvalidArgument(format!(
                        "{what}[{index}] = {value} lies outside [0, 1]; scores must be in [0, 1]"
                    )));
                }
                if value != 0.0 && value != 1.0 {
                    if self.method == Method::Mixture {
                        return Err(Error::NonBinary { what, index, value });
                    }
                    binary = false;
                }
            }
        }
        self.check_room(reference.len() as u64)?;
        Ok(binary)
    }

    /// Adds paired outcomes or scores (each in [0, 1]); checks everything
    /// before changing anything.
    pub fn update(&mut self, reference: &[f64], candidate: &[f64]) -> Result<()> {
        let binary = self.check_update(reference, candidate)?;
        if reference.is_empty() {
            return Ok(());
        }
        self.resolve_method(binary);
        let sign = match self.settings.direction {
            Direction::Greater => 1.0,
            Direction::Less => -1.0,
        };
        for (&r, &c) in reference.iter().zip(candidate) {
            self.step(r - c, sign);
        }
        Ok(())
    }

    fn scheme(&self) -> Scheme {
        match self.settings.population {
            None => Scheme::WithReplacement,
            Some(population) => Scheme::WithoutReplacement {
                population,
                seen: self.n,
                sum: self.sum_x,
            },
        }
    }

    fn step(&mut self, d: f64, sign: f64) {
        let x = (sign * d + 1.0) / 2.0;
        let lambda = self.sizer.lambda(self.ln_inv_alpha());
        let scheme = self.scheme();
        self.degrade.update(x, lambda, scheme);
        if let Some(eq) = &mut self.equivalence {
            eq.update(x, lambda, scheme);
        }
        if let Some(grid) = &mut self.grid {
            grid.update(x, lambda, scheme);
        }
        self.sizer.push(x);
        self.sum_x += x;
        self.sum_d += d;
        self.n += 1;
        if d > 0.0 {
            self.b += 1;
        } else if d < 0.0 {
            self.c += 1;
        }
        if d != 0.0 && self.method == Method::Mixture {
            self.refresh_mixture();
        }
    }

    /// Adds a batch of 0/1 pairs given as counts: `b` with only the
    /// reference right, `c` with only the candidate right, `n` pairs in all.
    /// The bets are fixed over the batch and the running maxima are looked at
    /// only at its end (both valid). Not available without replacement,
    /// where the order inside the batch matters.
    pub fn update_counts(&mut self, b: u64, c: u64, n: u64) -> Result<()> {
        let discordant = b
            .checked_add(c)
            .filter(|&s| s <= n)
            .ok_or_else(|| Error::InvalidArgument(format!("b + c = {b} + {c} exceeds n = {n}")))?;
        if self.settings.population.is_some() {
            return Err(Error::InvalidArgument(
                "update_counts cannot be used with a population: the without-replacement \
                 version needs the samples one by one, in their order (use update)"
                    .into(),
            ));
        }
        if n == 0 {
            return Ok(());
        }
        self.resolve_method(true);
        let (up, down) = match self.settings.direction {
            Direction::Greater => (b, c),
            Direction::Less => (c, b),
        };
        let counts = [down, n - discordant, up]; // x = 0, 1/2, 1
        let lambda = self.sizer.lambda(self.ln_inv_alpha());
        self.degrade.update_counts(counts, lambda);
        if let Some(eq) = &mut self.equivalence {
            eq.update_counts(counts, lambda);
        }
        if let Some(grid) = &mut self.grid {
            grid.update_counts(counts, lambda);
        }
        for (x, k) in [0.0, 0.5, 1.0].into_iter().zip(counts) {
            self.sizer.push_repeated(x, k);
        }
        self.sum_x += up as f64 + 0.5 * (n - discordant) as f64;
        self.sum_d += b as f64 - c as f64;
        self.n += n;
        self.b += b;
        self.c += c;
        if self.method == Method::Mixture && discordant > 0 {
            self.refresh_mixture();
        }
        Ok(())
    }

    /// Recomputes the mixture e-value from the counts and its running maximum.
    fn refresh_mixture(&mut self) {
        let (losses, wins) = self.oriented_counts();
        self.mixture_ln_now = mixture::ln_evalue(losses, wins, self.settings.prior);
        self.mixture_ln_max = self.mixture_ln_max.max(self.mixture_ln_now);
    }

    /// Appends the samples of another shard (same settings, with
    /// replacement): counts add, betting capitals multiply (the merged state
    /// is that of the concatenated stream), and the mixture's running
    /// maximum is the larger of this shard's and the merged value.
    pub fn merge(&mut self, other: &SequentialState) -> Result<()> {
        if self.settings != other.settings {
            return Err(Error::InvalidArgument(
                "cannot merge sequential tests with different settings".into(),
            ));
        }
        if self.settings.population.is_some() {
            return Err(Error::InvalidArgument(
                "cannot merge without-replacement tests: their bets depend on the position \
                 of each sample in one stream"
                    .into(),
            ));
        }
        let method = match (self.method, other.method) {
            (Method::Auto, m) | (m, Method::Auto) => m,
            (a, b) if a == b => a,
            (a, b) => {
                return Err(Error::InvalidArgument(format!(
                    "cannot merge a {} test with a {} test",
                    a.name(),
                    b.name()
                )));
            }
        };
        self.method = method;
        self.n += other.n;
        self.b += other.b;
        self.c += other.c;
        self.sum_d += other.sum_d;
        self.sum_x += other.sum_x;
        self.sizer.merge(&other.sizer);
        self.degrade.append(&other.degrade);
        if let (Some(mine), Some(theirs)) = (&mut self.equivalence, &other.equivalence) {
            mine.append(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.grid, &other.grid) {
            mine.append(theirs);
        }
        if self.method == Method::Mixture {
            self.refresh_mixture();
        }
        Ok(())
    }

    /// Everything but the settings and the grid, as numbers (for pickling),
    /// and the grid's own parts.
    pub fn to_parts(&self) -> (Vec<f64>, Option<(u32, Vec<f64>)>) {
        let eq = self.equivalence.unwrap_or(Capital::new(0.0, Side::Below));
        let method = match self.method {
            Method::Auto => 0.0,
            Method::Mixture => 1.0,
            Method::Betting => 2.0,
        };
        let scalars = vec![
            method,
            self.n as f64,
            self.b as f64,
            self.c as f64,
            self.sum_d,
            self.sum_x,
            self.sizer.count as f64,
            self.sizer.mean,
            self.sizer.m2,
            self.mixture_ln_max,
            self.degrade.mu0,
            self.degrade.ln_now,
            self.degrade.ln_max,
            f64::from(u8::from(self.degrade.frozen)),
            eq.mu0,
            eq.ln_now,
            eq.ln_max,
            f64::from(u8::from(eq.frozen)),
            self.mixture_ln_now,
            1.0, // format version
        ];
        debug_assert_eq!(scalars.len(), PARTS);
        (scalars, self.grid.as_ref().map(CsGrid::to_parts))
    }

    /// Rebuilds a state from [`SequentialState::to_parts`].
    pub fn from_parts(
        settings: Settings,
        scalars: &[f64],
        grid: Option<(u32, &[f64])>,
    ) -> Result<Self> {
        let bad = || Error::InvalidArgument("corrupt sequential-test state".into());
        let mut state = SequentialState::new(settings)?;
        if scalars.len() != PARTS || scalars[PARTS - 1] != 1.0 {
            return Err(bad());
        }
        let count = |v: f64| -> Result<u64> {
            if v >= 0.0 && v <= 2f64.powi(53) && v.fract() == 0.0 {
                Ok(v as u64)
            } else {
                Err(bad())
            }
        };
        state.method = match scalars[0] {
            0.0 => Method::Auto,
            1.0 => Method::Mixture,
            2.0 => Method::Betting,
            _ => return Err(bad()),
        };
        state.n = count(scalars[1])?;
        state.b = count(scalars[2])?;
        state.c = count(scalars[3])?;
        state.sum_d = scalars[4];
        state.sum_x = scalars[5];
        state.sizer = BetSizer {
            count: count(scalars[6])?,
            mean: scalars[7],
            m2: scalars[8],
        };
        state.mixture_ln_max = scalars[9];
        state.mixture_ln_now = scalars[18];
        state.degrade = Capital {
            mu0: scalars[10],
            side: Side::Above,
            ln_now: scalars[11],
            ln_max: scalars[12],
            frozen: scalars[13] != 0.0,
        };
        if let Some(eq) = &mut state.equivalence {
            *eq = Capital {
                mu0: scalars[14],
                side: Side::Below,
                ln_now: scalars[15],
                ln_max: scalars[16],
                frozen: scalars[17] != 0.0,
            };
        }
        state.grid = match (settings.grid_points, grid) {
            (0, None) => None,
            (points, Some((since, flat))) if points > 0 => {
                Some(CsGrid::from_parts(points, since, flat).ok_or_else(bad)?)
            }
            _ => return Err(bad()),
        };
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(margin: Option<f64>) -> Settings {
        Settings {
            alpha: 0.05,
            margin,
            direction: Direction::Greater,
            method: Method::Auto,
            population: None,
            prior: mixture::DEFAULT_PRIOR,
            grid_points: 201,
        }
    }

    #[test]
    fn auto_picks_the_mixture_for_binary_data() {
        let mut s = SequentialState::new(settings(None)).unwrap();
        s.update(&[1.0, 1.0, 0.0], &[0.0, 1.0, 1.0]).unwrap();
        assert_eq!(s.method(), Method::Mixture);
        assert_eq!((s.n(), s.b(), s.c()), (3, 1, 1));
        assert!(s.update(&[0.5], &[0.0]).is_err());
        let mut t = SequentialState::new(settings(None)).unwrap();
        t.update(&[0.5], &[0.0]).unwrap();
        assert_eq!(t.method(), Method::Betting);
    }

    #[test]
    fn counts_and_samples_agree_on_the_mixture() {
        let mut a = SequentialState::new(settings(Some(0.02))).unwrap();
        let r: Vec<f64> = (0..50).map(|i| f64::from(i % 3 != 0)).collect();
        let c: Vec<f64> = (0..50).map(|i| f64::from(i % 4 != 0)).collect();
        a.update(&r, &c).unwrap();
        let mut b = SequentialState::new(settings(Some(0.02))).unwrap();
        b.update_counts(a.b(), a.c(), a.n()).unwrap();
        assert_eq!(a.ln_evalue(), b.ln_evalue());
        assert!((a.delta() - b.delta()).abs() < 1e-15);
    }

    #[test]
    fn a_clear_drop_is_found_and_a_clean_run_is_equivalent() {
        let mut bad = SequentialState::new(settings(Some(0.05))).unwrap();
        let mut good = SequentialState::new(settings(Some(0.05))).unwrap();
        for i in 0..3000u32 {
            let lost = i % 10 == 0 || i % 70 == 5;
            bad.update(&[1.0], &[f64::from(!lost)]).unwrap();
            let (r, c) = match i % 20 {
                0 => (1.0, 0.0),
                10 => (0.0, 1.0),
                _ => (1.0, 1.0),
            };
            good.update(&[r], &[c]).unwrap();
        }
        assert_eq!(bad.decision(), Decision::Degraded);
        assert_eq!(good.decision(), Decision::Equivalent);
        let (lo, hi) = good.confidence_sequence(0.9).unwrap().unwrap();
        assert!(lo <= good.delta() && good.delta() <= hi && hi < 0.05);
    }

    #[test]
    fn merge_equals_the_concatenated_stream_for_betting() {
        let xs: Vec<f64> = (0..200).map(|i| ((i * 7) % 10) as f64 / 10.0).collect();
        let ys: Vec<f64> = (0..200).map(|i| ((i * 3) % 10) as f64 / 10.0).collect();
        let mut whole = SequentialState::new(settings(Some(0.1))).unwrap();
        whole.update(&xs, &ys).unwrap();
        let mut left = SequentialState::new(settings(Some(0.1))).unwrap();
        left.update(&xs[..80], &ys[..80]).unwrap();
        let mut right = SequentialState::new(settings(Some(0.1))).unwrap();
        right.update(&xs[80..], &ys[80..]).unwrap();
        left.merge(&right).unwrap();
        assert_eq!(
            (left.n(), left.b(), left.c()),
            (whole.n(), whole.b(), whole.c())
        );
        assert!((left.delta() - whole.delta()).abs() < 1e-12);
    }

    #[test]
    fn parts_round_trip() {
        let mut s = SequentialState::new(settings(Some(0.1))).unwrap();
        s.update(&[1.0, 0.0, 0.5], &[0.0, 0.0, 1.0]).unwrap();
        let (scalars, grid) = s.to_parts();
        let back = SequentialState::from_parts(
            *s.settings(),
            &scalars,
            grid.as_ref().map(|(k, g)| (*k, g.as_slice())),
        )
        .unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn without_replacement_reaches_the_exact_mean() {
        let mut st = settings(None);
        st.population = Some(400);
        let mut s = SequentialState::new(st).unwrap();
        let r: Vec<f64> = (0..400).map(|i| f64::from(i % 5 != 0)).collect();
        let c: Vec<f64> = (0..400).map(|i| f64::from(i % 4 != 0)).collect();
        s.update(&r, &c).unwrap();
        let (lo, hi) = s.confidence_sequence(0.95).unwrap().unwrap();
        let truth = s.delta();
        assert!(
            (lo - truth).abs() < 1e-12 && (hi - truth).abs() < 1e-12,
            "{lo} {hi} {truth}"
        );
        assert!(s.update(&[1.0], &[1.0]).is_err());
    }
}
