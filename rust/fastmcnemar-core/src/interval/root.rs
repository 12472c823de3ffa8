//! Bisection to the last bit, for limits defined by a monotone condition.
//!
//! Interval limits here are where a monotone test statistic crosses a
//! critical value. Bisection on the condition (rather than on the value)
//! needs no derivative, tolerates infinite values at the ends of the
//! bracket, and stops only when the bracket is two adjacent doubles.

/// The point in `(lo, hi)` where `inside` switches from true (towards `lo`)
/// to false (towards `hi`), to within one unit in the last place.
/// `inside` is never called at `lo` or `hi` themselves.
pub fn boundary(mut lo: f64, mut hi: f64, inside: impl Fn(f64) -> bool) -> f64 {
    // Each step shrinks the bracket to a strictly smaller set of doubles, so
    // this ends after at most ~2100 steps (about 60 for limits of order 1e-3).
    loop {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            return mid;
        }
        if inside(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_square_roots_to_the_last_bit() {
        for x in [2.0f64, 0.5, 1e-10, 3.0] {
            let r = boundary(0.0, 2.0, |t| t * t < x);
            assert!(
                (r - x.sqrt()).abs() <= 2.0 * f64::EPSILON * x.sqrt(),
                "{x}: {r}"
            );
        }
        let r = boundary(-1.0, 1.0, |t| t < -0.25);
        assert!((r + 0.25).abs() <= f64::EPSILON);
    }
}
