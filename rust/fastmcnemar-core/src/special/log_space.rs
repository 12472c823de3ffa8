//! Sums of numbers held as natural logs. Tail probabilities far below the
//! double range (1e-400 and smaller) stay finite as logs, so every p-value
//! sum of the crate (McNemar mid-p, Max-Drop, Cauchy, HMP) goes through here.

/// ln(e^x + e^y) without overflow or underflow; exact when either is -inf.
pub fn ln_add_exp(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_far_below_the_double_range_and_exact_at_minus_infinity() {
        assert!((ln_add_exp(-1000.0, -1000.0) - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(ln_add_exp(f64::NEG_INFINITY, -3.0), -3.0);
        assert_eq!(ln_add_exp(-3.0, f64::NEG_INFINITY), -3.0);
        assert_eq!(
            ln_add_exp(f64::NEG_INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
    }
}
