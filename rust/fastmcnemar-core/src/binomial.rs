//! Binomial tails: the heart of the exact McNemar test.
//!
//! The `*_half` functions are for X ~ Binomial(n, 1/2), the null of the
//! McNemar test; the general ones take any success probability `p` (needed
//! for power). Every tail comes in a plain and a natural-log form: the plain
//! one is accurate to a relative 1e-12 wherever it is >= 1e-300, the log one
//! stays finite and accurate (relative 1e-10) far below the double range.
//! Counts are `u64`, so n reaches 2^40 and beyond.

/// P(X = k), X ~ Bin(n, 1/2).
pub fn pmf_half(n: u64, k: u64) -> f64 {
    let _ = (n, k);
    todo!("numerics work")
}

/// ln P(X = k), X ~ Bin(n, 1/2); `-inf` when k > n.
pub fn ln_pmf_half(n: u64, k: u64) -> f64 {
    let _ = (n, k);
    todo!("numerics work")
}

/// Upper tail P(X >= k), X ~ Bin(n, 1/2) (1 when k = 0, 0 when k > n).
pub fn sf_half(n: u64, k: u64) -> f64 {
    let _ = (n, k);
    todo!("numerics work")
}

/// ln P(X >= k), X ~ Bin(n, 1/2).
pub fn ln_sf_half(n: u64, k: u64) -> f64 {
    let _ = (n, k);
    todo!("numerics work")
}

/// Lower tail P(X <= k), X ~ Bin(n, 1/2) (1 when k >= n).
pub fn cdf_half(n: u64, k: u64) -> f64 {
    // Symmetry of Bin(n, 1/2): P(X <= k) = P(X >= n - k).
    if k >= n { 1.0 } else { sf_half(n, n - k) }
}

/// ln P(X <= k), X ~ Bin(n, 1/2).
pub fn ln_cdf_half(n: u64, k: u64) -> f64 {
    if k >= n { 0.0 } else { ln_sf_half(n, n - k) }
}

/// P(X = k), X ~ Bin(n, p).
pub fn pmf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("numerics work")
}

/// ln P(X = k), X ~ Bin(n, p).
pub fn ln_pmf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("numerics work")
}

/// P(X >= k), X ~ Bin(n, p).
pub fn sf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("numerics work")
}

/// ln P(X >= k), X ~ Bin(n, p).
pub fn ln_sf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("numerics work")
}

/// P(X <= k), X ~ Bin(n, p).
pub fn cdf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("numerics work")
}

/// ln P(X <= k), X ~ Bin(n, p).
pub fn ln_cdf(n: u64, k: u64, p: f64) -> f64 {
    let _ = (n, k, p);
    todo!("numerics work")
}
