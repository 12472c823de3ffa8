//! Inverting the exact power: sample size and minimum detectable drop.
//!
//! Exact power is not monotone in N (the critical value jumps in whole
//! counts, a saw-tooth). [`sample_size`] returns the plain smallest N whose
//! exact power ([`super::power::power`], bit for bit) reaches the target:
//! every smaller N falls short. It finds it without scanning from 1: a bound
//! on the exact power that never decreases with N (the monotone envelope of
//! `super::n_search`) is bisected for an N_0 below which no N can reach the
//! target, and a scan upwards from N_0 finds the first N that does (each N
//! screened by a binomial-weight recurrence; only the N the screen cannot rule
//! out get the direct power).
//!
//! Power is monotone in the drop delta at fixed N, so
//! [`minimum_detectable_delta`] is a plain bisection.

use crate::control::Checkpoint;
use crate::error::{Error, Result, check_level};
use crate::special::normal::norm_isf;

use super::n_search::{ConditionalTable, SLACK, Screen};
use super::power::{
    Alternative, BinomialWindow, Setup, check_flip_rate, check_n, check_window, dot,
    exact_power_in, power_and_bound, power_checked,
};

/// Largest sample size searched: the scan above the envelope's bound costs
/// O(N) (about 4 s at N = 3e8, 24 s near 2^31), and no evaluation has 2^31
/// samples. Beyond it the answer is "more than 2^31", proven by the envelope.
pub const SEARCH_MAX_N: u64 = 1 << 31;

/// The answer of [`sample_size`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleSize {
    /// The smallest N whose exact power reaches the target.
    pub n: u64,
    /// The exact power at that N.
    pub power: f64,
    /// The normal-approximation N = p (z_{1-a} + z_{1-b})^2 / delta^2 (real).
    pub normal_approximation: f64,
}

/// The rule of thumb N = p (z_{1-alpha} + z_{power})^2 / delta^2 (z_{1-alpha/2}
/// for two-sided), as a real number.
pub fn normal_approx_sample_size(
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    power: f64,
    alternative: Alternative,
) -> Result<f64> {
    let setup = directional_setup(flip_rate, delta, alpha, alternative)?;
    let power = check_level("power", power)?;
    let z = norm_isf(setup.level) + norm_isf(1.0 - power);
    Ok(flip_rate * z * z / (delta * delta))
}

/// The rule-of-thumb smallest drop sqrt(p / n) (z_{1-alpha} + z_{power}), with the
/// sign convention of [`minimum_detectable_delta`]; `None` when it exceeds the
/// flip rate.
pub fn normal_approx_minimum_detectable_delta(
    n: u64,
    flip_rate: f64,
    alpha: f64,
    power: f64,
    alternative: Alternative,
) -> Result<Option<f64>> {
    check_n(n)?;
    let setup = Setup::new(flip_rate, 0.0, alpha, alternative)?;
    let power = check_level("power", power)?;
    let z = norm_isf(setup.level) + norm_isf(1.0 - power);
    let drop = (flip_rate / n as f64).sqrt() * z;
    let sign = if alternative == Alternative::Less {
        -1.0
    } else {
        1.0
    };
    Ok((drop <= flip_rate).then_some(sign * drop.max(0.0)))
}

/// A setup whose delta points the way the alternative tests.
fn directional_setup(
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Alternative,
) -> Result<Setup> {
    let setup = Setup::new(flip_rate, delta, alpha, alternative)?;
    if setup.q <= 0.5 {
        let wanted = match alternative {
            Alternative::Greater => "delta > 0 (a drop) for alternative 'greater'",
            Alternative::Less => "delta < 0 (an improvement) for alternative 'less'",
            Alternative::TwoSided => "delta != 0 for alternative 'two-sided'",
        };
        return Err(Error::InvalidArgument(format!(
            "no sample size gives power against delta = {delta}: need {wanted}"
        )));
    }
    Ok(setup)
}

/// The first step of the bracket around the normal approximation `start`:
/// start / 64, but at most about sqrt(start). Why: the exact answer lies about
/// one sqrt(N) from the approximation (the discreteness the approximation
/// ignores: 1,996 above at N ~ 3e6, 19,983 at 3e8), and the table of
/// conditional powers covers every m of every N the bracket probes, so a
/// step of N / 64 would tabulate O(N) counts where O(sqrt N) suffice (at
/// N ~ 3e10, gigabytes and minutes instead of a second).
fn bracket_step(start: u64) -> u64 {
    let root = (start as f64).sqrt().ceil() as u64;
    (start / 64).min(root).max(1)
}

/// The error for a sample size beyond [`SEARCH_MAX_N`], with the approximation.
fn beyond_search(power: f64, delta: f64, flip_rate: f64, normal_approximation: f64) -> Error {
    Error::InvalidArgument(format!(
        "the sample size for power {power} against delta = {delta} at flip rate {flip_rate} \
         is about {normal_approximation:.3e} (normal approximation), beyond the exact search \
         (at most 2^31)"
    ))
}

/// The smallest N whose exact power against `delta` reaches `power`; an
/// error naming the normal approximation when it is beyond [`SEARCH_MAX_N`].
pub fn sample_size(
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    power: f64,
    alternative: Alternative,
    checkpoint: &dyn Checkpoint,
) -> Result<SampleSize> {
    sample_size_within_search(flip_rate, delta, alpha, power, alternative, checkpoint)?.map_err(
        |normal_approximation| beyond_search(power, delta, flip_rate, normal_approximation),
    )
}

/// [`sample_size`], with `Err(normal approximation)` inside the result when
/// no N up to [`SEARCH_MAX_N`] reaches the power (proven: the monotone
/// envelope at 2^31 falls short), for callers that report "more than 2^31"
/// instead of failing (the verdict columns).
pub fn sample_size_within_search(
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    power: f64,
    alternative: Alternative,
    checkpoint: &dyn Checkpoint,
) -> Result<std::result::Result<SampleSize, f64>> {
    check_flip_rate(flip_rate)?;
    let normal_approximation =
        normal_approx_sample_size(flip_rate, delta, alpha, power, alternative)?;
    let setup = directional_setup(flip_rate, delta, alpha, alternative)?;
    let target = power;
    let mut table = ConditionalTable::new(setup);
    // Whether N may reach the target: false rules out N and every smaller N.
    let mut may_reach = |n: u64| -> bool {
        let window = BinomialWindow::new(n, flip_rate);
        let envelope = table.envelope(window.lo, window.hi());
        dot(&window.weights, envelope.iter().copied()) >= target - SLACK
    };

    // Bracket the first N the envelope lets through, in growing steps around
    // the normal approximation (so the tabulated range of m stays narrow).
    let start = (normal_approximation.ceil() as u64).clamp(1, SEARCH_MAX_N);
    let first_step = bracket_step(start);
    let (mut lo, mut hi);
    if may_reach(start) {
        hi = start;
        let mut step = first_step;
        loop {
            checkpoint.check()?;
            let below = hi.saturating_sub(step);
            if below == 0 {
                lo = 0; // N = 0 counts as below the target
                break;
            }
            if !may_reach(below) {
                lo = below;
                break;
            }
            hi = below;
            step *= 2;
        }
    } else {
        lo = start;
        let mut step = first_step;
        loop {
            checkpoint.check()?;
            if lo >= SEARCH_MAX_N {
                // The envelope at 2^31 falls short: so does every N up to it.
                return Ok(Err(normal_approximation));
            }
            let above = (lo + step).min(SEARCH_MAX_N);
            if may_reach(above) {
                hi = above;
                break;
            }
            lo = above;
            step *= 2;
        }
    }
    while hi - lo > 1 {
        checkpoint.check()?;
        let mid = lo + (hi - lo) / 2;
        if may_reach(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }

    // No N below `hi` can reach the target; scan upwards, deciding each N the
    // screen lets through by the exact power itself.
    let mut screen = Screen::new(hi, flip_rate);
    let mut n = hi;
    loop {
        if (n - hi) % 64 == 0 {
            checkpoint.check()?;
        }
        if screen.power(&mut table) >= target - SLACK {
            let exact = power_checked(n, flip_rate, delta, alpha, alternative, checkpoint)?;
            if exact >= target {
                return Ok(Ok(SampleSize {
                    n,
                    power: exact,
                    normal_approximation,
                }));
            }
        }
        screen.advance();
        n += 1;
    }
}

/// The smallest drop with exact power at least `power` for `n` samples at flip
/// rate `flip_rate`: positive for "greater" and "two-sided" (a magnitude),
/// negative for "less". `None` when even delta = +-flip_rate (every flip in the
/// tested direction) falls short.
pub fn minimum_detectable_delta(
    n: u64,
    flip_rate: f64,
    alpha: f64,
    power: f64,
    alternative: Alternative,
    checkpoint: &dyn Checkpoint,
) -> Result<Option<f64>> {
    check_n(n)?;
    let flip_rate = check_flip_rate(flip_rate)?;
    check_window(n, flip_rate)?;
    check_level("alpha", alpha)?;
    let target = check_level("power", power)?;
    let sign = if alternative == Alternative::Less {
        -1.0
    } else {
        1.0
    };
    // The binomial window of n flips at this rate serves every delta tried.
    let window = BinomialWindow::new(n, flip_rate);
    let power_at = |magnitude: f64| -> Result<f64> {
        let setup = Setup::new(flip_rate, sign * magnitude, alpha, alternative)?;
        Ok(exact_power_in(&setup, &window))
    };
    let at_most = power_at(flip_rate)?;
    if at_most < target {
        return Ok(None);
    }
    let at_zero = power_at(0.0)?;
    if at_zero >= target {
        return Ok(Some(0.0));
    }
    // Bracket the root near the normal-approximation answer, then narrow it
    // by the Illinois variant of regula falsi (power is smooth in delta).
    let (mut lo, mut hi) = (0.0f64, flip_rate);
    let (mut f_lo, mut f_hi) = (at_zero - target, at_most - target);
    if let Some(guess) =
        normal_approx_minimum_detectable_delta(n, flip_rate, alpha, power, Alternative::Greater)?
    {
        let mut x = guess.clamp(1e-3 * flip_rate, 0.999 * flip_rate);
        let mut fx = power_at(x)? - target;
        let up = fx < 0.0;
        for _ in 0..64 {
            checkpoint.check()?;
            if fx >= 0.0 {
                (hi, f_hi) = (x, fx);
            } else {
                (lo, f_lo) = (x, fx);
            }
            let next = if up { x * 1.05 } else { x / 1.05 };
            if (up && (fx >= 0.0 || next >= hi)) || (!up && (fx < 0.0 || next <= lo)) {
                break;
            }
            x = next;
            fx = power_at(x)? - target;
        }
    }
    let mut kept_side = 0i8;
    for _ in 0..400 {
        if hi - lo <= 1e-12 * flip_rate {
            break;
        }
        checkpoint.check()?;
        let mut x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let fx = power_at(x)? - target;
        if fx >= 0.0 {
            (hi, f_hi) = (x, fx);
            if kept_side == -1 {
                f_lo *= 0.5;
            }
            kept_side = -1;
        } else {
            (lo, f_lo) = (x, fx);
            if kept_side == 1 {
                f_hi *= 0.5;
            }
            kept_side = 1;
        }
    }
    Ok(Some(sign * hi))
}

/// The largest flip rate at which `n` samples still give exact power `power`
/// against a drop `delta` (> 0; "greater"): power falls as the flips that are
/// not the drop grow, so this is a bisection on [delta, 1] (near flip rate 1
/// the saw-tooth in the number of flips makes power wiggle by ~0.002, so a
/// target in that band has several crossings and this returns one of them).
/// `None` when even the smallest possible flip rate (every flip a degradation)
/// falls short.
pub fn maximum_flip_rate(
    n: u64,
    delta: f64,
    alpha: f64,
    power: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<Option<f64>> {
    check_n(n)?;
    let target = check_level("power", power)?;
    if !(delta > 0.0 && delta <= 1.0) {
        return Err(Error::InvalidArgument(format!(
            "delta must lie in (0, 1] (a drop), got {delta}"
        )));
    }
    // The widest window of the rates searched, [delta, 1]: at 1/2 if it is inside.
    check_window(n, delta.max(0.5))?;
    let power_at = |p: f64| -> Result<f64> {
        let setup = Setup::new(p, delta, alpha, Alternative::Greater)?;
        Ok(power_and_bound(&setup, n).0)
    };
    if power_at(delta)? < target {
        return Ok(None);
    }
    if power_at(1.0)? >= target {
        return Ok(Some(1.0));
    }
    let (mut lo, mut hi) = (delta, 1.0f64);
    while hi - lo > 1e-12 {
        checkpoint.check()?;
        let mid = 0.5 * (lo + hi);
        if power_at(mid)? >= target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Some(lo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::planning::power::power;

    #[test]
    fn sample_size_is_the_first_n_reaching_the_power() {
        for (p, delta, alpha, target) in [
            (0.1, 0.05, 0.05, 0.8),
            (0.05, 0.02, 0.05, 0.8),
            (0.3, 0.1, 0.01, 0.9),
            (0.2, 0.2, 0.05, 0.5),
        ] {
            for alt in [Alternative::Greater, Alternative::TwoSided] {
                let found = sample_size(p, delta, alpha, target, alt, &NeverStop).unwrap();
                let at = power(found.n, p, delta, alpha, alt).unwrap();
                assert!(at >= target);
                assert_eq!(at.to_bits(), found.power.to_bits());
                // Every smaller N falls short (checked exhaustively).
                for smaller in 1..found.n {
                    let pw = power(smaller, p, delta, alpha, alt).unwrap();
                    assert!(
                        pw < target,
                        "p={p} delta={delta} {alt:?}: N={smaller} reaches"
                    );
                }
            }
        }
    }

    /// The search before the envelope and the screen: bisection on the UMP
    /// bound (power_and_bound's second value, monotone in N), then every N's
    /// exact power in turn.
    fn scan_from_the_ump_bound(
        p: f64,
        delta: f64,
        alpha: f64,
        target: f64,
        alt: Alternative,
    ) -> (u64, f64) {
        let setup = Setup::new(p, delta, alpha, alt).unwrap();
        let (mut lo, mut hi) = (0u64, 1u64);
        while power_and_bound(&setup, hi).1 < target {
            (lo, hi) = (hi, hi * 2);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if power_and_bound(&setup, mid).1 >= target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        (hi..)
            .map(|n| (n, power(n, p, delta, alpha, alt).unwrap()))
            .find(|&(_, at)| at >= target)
            .unwrap()
    }

    #[test]
    fn the_envelope_and_screen_find_what_the_plain_scan_finds() {
        let mut cases = 0;
        for p in [0.004, 0.016, 0.03, 0.048, 0.11, 0.25, 0.5, 0.8, 1.0] {
            for share in [0.05, 0.2, 0.5, 1.0] {
                let delta = p * share;
                for (alpha, target) in [(0.05, 0.8), (0.01, 0.9), (0.1, 0.5)] {
                    for alt in [Alternative::Greater, Alternative::TwoSided] {
                        let rough = normal_approx_sample_size(p, delta, alpha, target, alt);
                        if rough.unwrap() > 4000.0 {
                            continue; // the plain scan is slow in a debug build
                        }
                        let found = sample_size(p, delta, alpha, target, alt, &NeverStop).unwrap();
                        let (n, at) = scan_from_the_ump_bound(p, delta, alpha, target, alt);
                        assert_eq!(
                            (found.n, found.power.to_bits()),
                            (n, at.to_bits()),
                            "p={p} delta={delta} alpha={alpha} power={target} {alt:?}"
                        );
                        cases += 1;
                    }
                }
            }
        }
        assert!(cases > 100, "{cases}");
    }

    #[test]
    fn less_mirrors_greater() {
        let g = sample_size(0.1, 0.03, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap();
        let l = sample_size(0.1, -0.03, 0.05, 0.8, Alternative::Less, &NeverStop).unwrap();
        assert_eq!(g.n, l.n);
    }

    #[test]
    fn large_n_agrees_with_the_normal_approximation() {
        let found = sample_size(0.05, 0.002, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap();
        let ratio = found.n as f64 / found.normal_approximation;
        assert!((ratio - 1.0).abs() < 0.02, "ratio {ratio}");
    }

    #[test]
    fn wrong_direction_is_refused() {
        let e = sample_size(0.1, -0.01, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap_err();
        assert!(e.to_string().contains("delta > 0"));
        let e = sample_size(0.1, 0.01, 0.05, 1.0, Alternative::Greater, &NeverStop).unwrap_err();
        assert!(e.to_string().contains("power"));
    }

    #[test]
    fn maximum_flip_rate_is_where_power_falls_below_the_target() {
        let p = maximum_flip_rate(5000, 0.01, 0.05, 0.8, &NeverStop)
            .unwrap()
            .unwrap();
        assert!(power(5000, p, 0.01, 0.05, Alternative::Greater).unwrap() >= 0.8);
        assert!(power(5000, p + 1e-9, 0.01, 0.05, Alternative::Greater).unwrap() < 0.8);
        // Power falls with the flip rate on a grid (the bisection's premise; near
        // flip rate 1 the number of flips hardly varies and the saw-tooth in m
        // shows as wiggles of ~0.002, far below any useful power).
        let mut last = 1.0;
        for i in 1..=200 {
            let rate = 0.01 + 0.49 * f64::from(i) / 200.0;
            let pw = power(5000, rate, 0.01, 0.05, Alternative::Greater).unwrap();
            assert!(pw <= last + 1e-12, "rate {rate}");
            last = pw;
        }
        assert_eq!(
            maximum_flip_rate(100, 0.01, 0.05, 0.8, &NeverStop).unwrap(),
            None
        );
    }

    #[test]
    fn minimum_detectable_delta_inverts_power() {
        for (n, p) in [(500u64, 0.1), (5000, 0.03), (80, 0.5)] {
            let d = minimum_detectable_delta(n, p, 0.05, 0.8, Alternative::Greater, &NeverStop)
                .unwrap()
                .unwrap();
            let at = power(n, p, d, 0.05, Alternative::Greater).unwrap();
            let below = power(n, p, d * (1.0 - 1e-9), 0.05, Alternative::Greater).unwrap();
            assert!(at >= 0.8 && below < 0.8 + 1e-9, "n={n} p={p} d={d}");
            let less = minimum_detectable_delta(n, p, 0.05, 0.8, Alternative::Less, &NeverStop)
                .unwrap()
                .unwrap();
            assert!((less + d).abs() < 1e-15);
        }
        // Three samples cannot show anything at 5%.
        assert_eq!(
            minimum_detectable_delta(3, 0.5, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap(),
            None
        );
    }

    /// The bracket's first step is about sqrt(N), not N / 64: the table then
    /// covers O(sqrt N) counts (at N ~ 3e8, megabytes instead of gigabytes).
    #[test]
    fn bracket_steps_grow_like_the_square_root() {
        assert_eq!(bracket_step(1), 1);
        assert_eq!(bracket_step(640), 10);
        assert_eq!(bracket_step(10_000), 100);
        assert_eq!(bracket_step(309_147_862), 17_583);
    }

    /// Beyond 2^31 the search is refused at once, naming the approximation;
    /// just inside it the answer comes (N ~ 3.1e8 at flip rate 1/2).
    #[test]
    fn sample_sizes_beyond_the_search_are_refused_with_the_approximation() {
        let e = sample_size(0.5, 1e-5, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains("3.091e10") && message.contains("2^31"),
            "{message}"
        );
        let e = sample_size(0.05, 1e-9, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap_err();
        assert!(e.to_string().contains("2^31"));
    }

    /// Windows past 2^23 counts are refused before anything is allocated.
    #[test]
    fn huge_windows_are_refused() {
        let huge = 1u64 << 53;
        let e = power_checked(huge, 0.5, 0.01, 0.05, Alternative::Greater, &NeverStop).unwrap_err();
        assert!(e.to_string().contains("2^23"), "{e}");
        let e = minimum_detectable_delta(huge, 0.05, 0.05, 0.8, Alternative::Greater, &NeverStop);
        assert!(e.unwrap_err().to_string().contains("9007199254740992"));
        let e = maximum_flip_rate(huge, 0.01, 0.05, 0.8, &NeverStop).unwrap_err();
        assert!(e.to_string().contains("flip rate 0.5"), "{e}");
        // The limit is wide: n = 1e11 at flip rate 1/2 still has an exact power.
        check_window(100_000_000_000, 0.5).unwrap();
        check_window(huge, 1.0).unwrap();
    }
}
