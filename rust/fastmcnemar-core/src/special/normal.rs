//! Standard normal distribution: cdf, survival function (also in log space)
//! and quantiles.

/// P(Z <= x) for Z ~ N(0, 1).
pub fn norm_cdf(x: f64) -> f64 {
    let _ = x;
    todo!("numerics work: accurate to ~1 ulp in both tails")
}

/// P(Z >= x) for Z ~ N(0, 1).
pub fn norm_sf(x: f64) -> f64 {
    norm_cdf(-x)
}

/// ln P(Z >= x), finite for every finite x (asymptotic series far in the tail).
pub fn ln_norm_sf(x: f64) -> f64 {
    let _ = x;
    todo!("numerics work")
}

/// ln P(Z <= x).
pub fn ln_norm_cdf(x: f64) -> f64 {
    ln_norm_sf(-x)
}

/// Quantile: the x with P(Z <= x) = p, for p in [0, 1] (-inf / +inf at the ends).
pub fn norm_ppf(p: f64) -> f64 {
    let _ = p;
    todo!("numerics work")
}

/// Inverse survival function: the x with P(Z >= x) = q.
pub fn norm_isf(q: f64) -> f64 {
    -norm_ppf(q)
}
