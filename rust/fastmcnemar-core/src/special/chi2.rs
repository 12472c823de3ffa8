//! Chi-square survival function P(X > x), X ~ chi2(dof), for integer dof,
//! plain and in natural-log space.
//!
//! Integer degrees of freedom have finite closed forms, evaluated term by
//! term in log space so nothing under- or overflows:
//! - even dof = 2m: P(X > x) = P(Poisson(x/2) <= m - 1), a finite Poisson sum.
//!   When that probability is close to 1 the complementary (upper Poisson)
//!   tail is summed instead and subtracted with `ln_1p`, so both the value
//!   and its logarithm keep full relative accuracy.
//! - odd dof = 2m + 1: P(X > x) = 2 P(Z > sqrt(x)) + e^(-x/2) sum_{j<m}
//!   (x/2)^(j+1/2) / Gamma(j + 3/2), all terms positive.
//!
//! Fisher's combination (-2 sum ln p against chi2 with 2K dof) only needs the
//! even case; the odd case completes the function.

use crate::special::gamma::ln_gamma;
use crate::special::normal::ln_norm_sf;

/// P(X > x) for X ~ chi-square with `dof` degrees of freedom.
pub fn chi2_sf(x: f64, dof: u64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if dof == 0 {
        return 0.0;
    }
    ln_chi2_sf(x, dof).exp()
}

/// ln P(X > x) for X ~ chi-square with `dof` degrees of freedom.
pub fn ln_chi2_sf(x: f64, dof: u64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if dof == 0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::NEG_INFINITY;
    }
    if dof % 2 == 0 {
        ln_poisson_cdf(x / 2.0, dof / 2 - 1)
    } else {
        ln_odd_dof_sf(x, (dof - 1) / 2)
    }
}

/// ln P(Poisson(y) <= k), y > 0.
fn ln_poisson_cdf(y: f64, k: u64) -> f64 {
    let ln_y = y.ln();
    if (k as f64) < y {
        // Left of the mode: the terms j = k, k-1, ... shrink geometrically.
        ln_sum_downwards(y, ln_y, k)
    } else {
        // At or right of the mode: P(Poisson <= k) >= about 1/2, so take
        // the complement, an upper tail whose terms shrink geometrically.
        let ln_upper = ln_poisson_upper(y, ln_y, k + 1);
        if ln_upper < -0.693 {
            (-ln_upper.exp()).ln_1p()
        } else {
            ln_sum_downwards(y, ln_y, k)
        }
    }
}

/// ln of the Poisson(y) log-pmf at j: j ln y - y - ln j!.
fn ln_poisson_pmf(y: f64, ln_y: f64, j: u64) -> f64 {
    j as f64 * ln_y - y - ln_factorial(j)
}

/// ln sum_{j=0}^{k} pmf(j), summed from j = k downwards with a running
/// log-term (term_{j-1} = term_j + ln j - ln y) and stopping once the
/// remaining terms cannot change the sum.
fn ln_sum_downwards(y: f64, ln_y: f64, k: u64) -> f64 {
    let top = ln_poisson_pmf(y, ln_y, k);
    // Sum exp(term - top), starting at 1 for j = k.
    let mut sum = 1.0_f64;
    let mut rel = 0.0_f64;
    let mut j = k;
    while j > 0 {
        rel += (j as f64).ln() - ln_y;
        let term = rel.exp();
        sum += term;
        j -= 1;
        // Once terms fall geometrically (ratio j / y < 1), stop when the
        // remaining geometric series is negligible.
        let ratio = j as f64 / y;
        if ratio < 1.0 && term * ratio / (1.0 - ratio) < sum * 1e-17 {
            break;
        }
        if term == 0.0 {
            break;
        }
    }
    top + sum.ln()
}

/// ln sum_{j>=start} pmf(j) for start > y (terms decrease from the start).
fn ln_poisson_upper(y: f64, ln_y: f64, start: u64) -> f64 {
    let first = ln_poisson_pmf(y, ln_y, start);
    let mut sum = 1.0_f64;
    let mut rel = 0.0_f64;
    let mut j = start;
    loop {
        j += 1;
        rel += ln_y - (j as f64).ln();
        let term = rel.exp();
        sum += term;
        let ratio = y / (j as f64 + 1.0);
        if term * ratio / (1.0 - ratio) < sum * 1e-17 || term == 0.0 {
            break;
        }
    }
    first + sum.ln()
}

/// ln j! (exact summation for small j, the shared ln Gamma beyond).
fn ln_factorial(j: u64) -> f64 {
    if j < 2 {
        return 0.0;
    }
    if j <= 64 {
        return (2..=j).map(|i| (i as f64).ln()).sum();
    }
    ln_gamma(j as f64 + 1.0)
}

/// ln P(X > x) for odd dof 2m + 1.
fn ln_odd_dof_sf(x: f64, m: u64) -> f64 {
    let ln_two_tail = std::f64::consts::LN_2 + ln_norm_sf(x.sqrt());
    if m == 0 {
        return ln_two_tail;
    }
    let y = x / 2.0;
    let ln_y = y.ln();
    // term_j = (j + 1/2) ln y - y - ln Gamma(j + 3/2); Gamma(3/2) = sqrt(pi)/2.
    let mut term = 0.5 * ln_y - y - (std::f64::consts::PI.sqrt() / 2.0).ln();
    let mut terms = Vec::with_capacity(m as usize + 1);
    terms.push(ln_two_tail);
    terms.push(term);
    for j in 1..m {
        term += ln_y - (j as f64 + 0.5).ln();
        terms.push(term);
    }
    log_sum_exp(&terms)
}

/// ln sum exp(v) over a slice, stable for any magnitudes.
pub(crate) fn log_sum_exp(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY || max.is_nan() {
        return max;
    }
    if max == f64::INFINITY {
        return f64::INFINITY;
    }
    let sum: f64 = values.iter().map(|v| (v - max).exp()).sum();
    max + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    // Reference values: mpmath gammainc(dof/2, x/2, regularized=True, upper)
    // at 50 digits, and closed forms.
    #[test]
    fn two_dof_is_exponential() {
        for &x in &[1e-300_f64, 1e-10, 0.5, 1.0, 10.0, 700.0, 1e4] {
            let expect = -x / 2.0;
            assert!((ln_chi2_sf(x, 2) - expect).abs() <= 1e-15 * expect.abs().max(1e-300));
        }
    }

    #[test]
    fn four_dof_closed_form() {
        for &x in &[0.01_f64, 1.0, 3.0, 20.0, 500.0] {
            let expect = (-x / 2.0).exp() * (1.0 + x / 2.0);
            assert!(rel(chi2_sf(x, 4), expect) < 1e-14, "x={x}");
        }
    }

    #[test]
    fn fisher_reference_from_scipy_suite() {
        // R metap::sumlog on p = [0.01, 0.2, 0.3]: X = 14.837..., p = 0.02156...
        let p = chi2_sf(14.83716180549625, 6);
        assert!(rel(p, 0.02156175132483465) < 1e-13, "{p}");
    }

    #[test]
    fn odd_dof_against_mpmath() {
        // mpmath gammainc(7/2, 6.25, inf, regularized=True), and the log at dof 101, x 4000.
        assert!(rel(chi2_sf(12.5, 7), 0.085_269_275_158_269_28) < 1e-13);
        assert!(rel(ln_chi2_sf(4000.0, 101), -1_770.249_535_310_128) < 1e-13);
    }

    #[test]
    fn tails_near_one_keep_relative_accuracy() {
        // chi2(200) at x = 10: sf = 1 - cdf with cdf ~ 1e-100ish; ln sf ~ -cdf.
        let ln_sf = ln_chi2_sf(10.0, 200);
        assert!(ln_sf < 0.0 && ln_sf > -1e-60, "{ln_sf}");
        // mpmath: gammainc(100, 0, 5, regularized=True) = 5.99187830353565e-91 = -ln sf
        assert!(rel(-ln_sf, 5.991_878_303_535_65e-91) < 1e-12, "{ln_sf}");
    }

    #[test]
    fn deep_tail_in_log_space() {
        // mpmath: log(gammainc(30, 5000, inf, regularized=True))
        let v = ln_chi2_sf(10000.0, 60);
        assert!(rel(v, -4_824.252_620_703_874) < 1e-13, "{v}");
    }

    #[test]
    fn edge_cases() {
        assert_eq!(chi2_sf(0.0, 4), 1.0);
        assert_eq!(chi2_sf(-1.0, 4), 1.0);
        assert_eq!(chi2_sf(f64::INFINITY, 4), 0.0);
        assert!(chi2_sf(f64::NAN, 4).is_nan());
        assert_eq!(chi2_sf(1.0, 0), 0.0);
    }
}
