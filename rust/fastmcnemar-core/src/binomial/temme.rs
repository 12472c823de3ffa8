//! Temme's uniform asymptotic expansion of the regularized incomplete beta
//! function I_x(a, b) for large a and b near the centre (DLMF 8.18.9-8.18.12;
//! N. M. Temme, "Special functions", Wiley 1996, section 11.3.3.2).
//!
//! With r = a + b, x0 = a / r, s = sqrt(x0 (1 - x0)) and u = x - x0, the
//! variable zeta (with the sign of u) is defined by
//!
//! ```text
//! zeta^2 / 2 = x0 phi(u / x0) + (1 - x0) phi(-u / (1 - x0)),  phi(w) = w - ln(1 + w),
//! ```
//!
//! which maps t^a (1 - t)^b onto x0^a (1 - x0)^b e^{-r zeta^2 / 2}.
//! The integral becomes int e^{-r zeta^2/2} g(zeta) d zeta with g = s zeta / u,
//! and repeated integration by parts (g_0 = g, h_k = (g_k - g_k(0)) / zeta,
//! g_{k+1} = d h_k / d zeta) gives, for eta = zeta(x),
//!
//! ```text
//! I_x(a, b) = [Phi(eta sqrt r) S_K - e^{-r eta^2/2} / sqrt(2 pi r) sum_{k<=K} h_k(eta) r^-k] / N,
//! ```
//!
//! with S_K = sum_{k<=K} g_k(0) r^-k and N = e^{stirlerr(a) + stirlerr(b) - stirlerr(r)}
//! the exact normalisation (its asymptotic series is S_infinity). The neglected
//! part is r^-(K+1) int e^{-r zeta^2/2} g_{K+1}, relatively O((r x0 (1 - x0))^-(K+1))
//! uniformly in x; K is chosen per call (up to 8) so that this is below 1e-18,
//! and min(a, b) >= `MIN_PARAM` keeps K small.
//!
//! The functions g_k, h_k are handled as power series in u (no series
//! reversion is needed, since g = s zeta~(u) with zeta = u zeta~(u)): this
//! converges for |u| < min(x0, 1 - x0), and is used for |u| <= `U_FRACTION` of
//! that. r eta^2 / 2 = bd0(a, x r) + bd0(b, (1 - x) r) comes from Loader's
//! deviance terms, so the exponential factor keeps full relative precision
//! and the result is returned in log space (no underflow).
//!
//! Only the small side (u <= 0, where I is at most about 1/2) is computed here;
//! callers use I_x(a, b) = 1 - I_{1-x}(b, a) for the other side.
//!
//! For x = 1/2 (the McNemar null) every g_k(0) and h_k(u) is a function of u
//! alone; `super::temme_half` tabulates them from [`expansion_terms`].

use std::f64::consts::PI;

use super::pmf::bd0;
use crate::special::gamma::stirlerr;
use crate::special::normal::erfcx;

/// Smallest a and b for which the expansion is used.
pub(crate) const MIN_PARAM: f64 = 1000.0;
/// Largest |u| / min(x0, 1 - x0) handled (series ratio).
const U_FRACTION: f64 = 0.3;
/// Most terms of the u-series of g (0.3^30 ~ 2e-16 for h_0, plus 2 per order).
pub(super) const LEN: usize = 48;
/// Most orders of the expansion (h_0 ... h_K).
pub(super) const K_MAX: usize = 8;

/// Orders needed: the k-th term is about (r x0 (1 - x0))^-k = (a b / r)^-k;
/// stop when the first neglected one is below 1e-18. `big` is a b / r.
pub(super) fn orders(big: f64) -> usize {
    // K + 1 = the least m with big^m >= 1e18, i.e. big >= 10^(18/m).
    const THRESHOLDS: [f64; K_MAX] = [
        1e18,
        1e9,
        1e6,
        31_622.776_601_683_792,
        3_981.071_705_534_973,
        1e3,
        372.759_372_031_494_3,
        177.827_941_003_892_3,
    ];
    THRESHOLDS.iter().position(|&t| big >= t).unwrap_or(K_MAX)
}

/// g_k(0) and h_k(u) for k = 0..=k_max at x0 = 1 - y0, from u-series of the
/// given lengths per order (`lens[k]` terms of g_k).
pub(super) fn expansion_terms(
    x0: f64,
    y0: f64,
    u: f64,
    k_max: usize,
    lens: &[usize; K_MAX + 1],
) -> ([f64; K_MAX + 1], [f64; K_MAX + 1]) {
    let len0 = lens[0];
    let s = (x0 * y0).sqrt();
    // Q(u) = zeta^2 / u^2 = 2 sum_{m>=2} beta_m u^(m-2),
    // beta_m = [(-1)^m x0^(1-m) + (1-x0)^(1-m)] / m.
    let (ix0, iy0) = (1.0 / x0, 1.0 / y0);
    let mut q = [0.0; LEN];
    let (mut px, mut py) = (ix0, iy0); // x0^(1-m), (1-x0)^(1-m) at m = 2
    for (j, qj) in q[..len0].iter_mut().enumerate() {
        let m = (j + 2) as f64;
        let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
        *qj = 2.0 * (sign * px + py) / m;
        px *= ix0;
        py *= iy0;
    }
    // zeta~ = sqrt(Q) as a series.
    let mut zt = [0.0; LEN];
    zt[0] = q[0].sqrt();
    let half_inv_zt0 = 0.5 / zt[0];
    for j in 1..len0 {
        let conv: f64 = zt[1..j]
            .iter()
            .zip(zt[1..j].iter().rev())
            .map(|(x, y)| x * y)
            .sum();
        zt[j] = (q[j] - conv) * half_inv_zt0;
    }
    // d zeta / du = sum (j + 1) zeta~_j u^j.
    let mut dzeta = [0.0; LEN];
    for (j, d) in dzeta[..len0].iter_mut().enumerate() {
        *d = (j + 1) as f64 * zt[j];
    }
    // g_0 = s zeta~ ; then h_k = (g_k - g_k(0)) / (u zeta~), g_{k+1} = h_k' / zeta'.
    let mut g = [0.0; LEN];
    for (gj, z) in g[..len0].iter_mut().zip(&zt[..len0]) {
        *gj = s * z;
    }
    let mut g0 = [0.0; K_MAX + 1];
    let mut hu = [0.0; K_MAX + 1];
    let mut h = [0.0; LEN];
    let mut dh = [0.0; LEN];
    for k in 0..=k_max {
        let len = lens[k];
        g0[k] = g[0];
        // h = shift(g) / zeta~.
        let hl = len - 1;
        series_div(&g[1..len], &zt, &mut h[..hl]);
        hu[k] = horner(&h[..hl], u);
        if k == k_max {
            break;
        }
        // next g = h' / zeta'.
        let gl = lens[k + 1];
        for j in 0..gl {
            dh[j] = (j + 1) as f64 * h[j + 1];
        }
        series_div(&dh[..gl], &dzeta, &mut g[..gl]);
    }
    (g0, hu)
}

/// Series lengths per order for rho = |u| / min(x0, 1 - x0) and r = a + b:
/// h_k needs m_k terms with rho^m_k r^-k < 1e-18; g_k needs one more, and
/// two more than g_{k+1}, since each level of the recursion uses up two
/// orders. Lengths above [`LEN`] mean the series is too long to use.
pub(super) fn series_lengths(rho: f64, r: f64, k_max: usize) -> [usize; K_MAX + 1] {
    let ln_rho = rho.max(1e-300).ln();
    let ln_r = r.ln();
    let mut lens = [0usize; K_MAX + 1];
    let mut need = 0usize;
    for k in (0..=k_max).rev() {
        let m_k = ((41.5 - k as f64 * ln_r) / -ln_rho).ceil().max(1.0) as usize;
        need = (m_k + 1).max(need + 2);
        lens[k] = need;
    }
    lens
}

/// ln I from the pieces: r eta^2 / 2, S_K and sum h_k r^-k.
fn assemble(a: f64, b: f64, half_r_eta2: f64, s_k: f64, h_sum: f64) -> Option<f64> {
    let r = a + b;
    // Phi(eta sqrt r) e^{r eta^2 / 2} = erfcx(|eta| sqrt(r / 2)) / 2.
    let y = half_r_eta2.sqrt();
    let sqrt_2pi_r = (2.0 * PI * r).sqrt();
    let bracket = sqrt_2pi_r * 0.5 * erfcx(y) * s_k - h_sum;
    if bracket.is_nan() || bracket <= 0.0 {
        return None;
    }
    let ln_n = stirlerr(a) + stirlerr(b) - stirlerr(r);
    Some(-half_r_eta2 - sqrt_2pi_r.ln() + bracket.ln() - ln_n)
}

/// ln I_x(a, b) for the small side x <= a / (a + b), or None when (a, b, x)
/// is outside the region this expansion serves. `xr` and `yr` are x r and
/// (1 - x) r as unevaluated sums hi + lo (r = a + b).
pub(crate) fn ln_ibeta_small_side(a: f64, b: f64, xr: (f64, f64), yr: (f64, f64)) -> Option<f64> {
    if a < MIN_PARAM || b < MIN_PARAM {
        return None;
    }
    let r = a + b;
    let x0 = a / r;
    let y0 = b / r;
    // u = x - x0 = (x r - a) / r, without cancellation.
    let u = ((xr.0 - a) + xr.1) / r;
    if u > 0.0 || -u > U_FRACTION * x0.min(y0) {
        return None;
    }
    let k_max = orders(a * b / r);
    let lens = series_lengths(-u / x0.min(y0), r, k_max);
    if lens[0] > LEN {
        return None; // series too long: leave it to the sum.
    }
    let (g0, hu) = expansion_terms(x0, y0, u, k_max, &lens);
    let (mut s_k, mut h_sum, mut rk, inv_r) = (0.0, 0.0, 1.0, 1.0 / r);
    for k in 0..=k_max {
        s_k += g0[k] * rk;
        h_sum += hu[k] * rk;
        rk *= inv_r;
    }
    let half_r_eta2 = bd0(a, xr.0, xr.1) + bd0(b, yr.0, yr.1);
    assemble(a, b, half_r_eta2, s_k, h_sum)
}

/// out = num / den as power series (den[0] != 0), truncated to out.len().
fn series_div(num: &[f64], den: &[f64], out: &mut [f64]) {
    let inv = 1.0 / den[0];
    let n = out.len();
    let den = &den[..n];
    for j in 0..n {
        let conv: f64 = den[1..=j]
            .iter()
            .zip(out[..j].iter().rev())
            .map(|(d, o)| d * o)
            .sum();
        out[j] = (num[j] - conv) * inv;
    }
}

fn horner(c: &[f64], u: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &cj| acc * u + cj)
}
