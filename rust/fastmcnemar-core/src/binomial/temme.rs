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

use std::f64::consts::PI;

use super::pmf::bd0;
use crate::special::gamma::stirlerr;
use crate::special::normal::erfcx;

/// Smallest a and b for which the expansion is used.
pub(crate) const MIN_PARAM: f64 = 1000.0;
/// Largest |u| / min(x0, 1 - x0) handled (series ratio).
const U_FRACTION: f64 = 0.3;
/// Most terms of the u-series of g (0.3^30 ~ 2e-16 for h_0, plus 2 per order).
const LEN: usize = 48;
/// Most orders of the expansion (h_0 ... h_K).
const K_MAX: usize = 8;

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
    let s = (a * b).sqrt() / r;
    // Orders: the k-th term is about (r x0 (1 - x0))^-k = (a b / r)^-k; stop
    // when the first neglected one is below 1e-18.
    let big = a * b / r;
    let k_max = ((18.0 / big.log10()).ceil() as usize).clamp(1, K_MAX + 1) - 1;
    // Series lengths: h_k needs m_k terms with rho^m_k r^-k < 1e-18
    // (rho = |u| / min(x0, 1 - x0)); g_k needs one more, and two more than
    // g_{k+1}, since each level of the recursion uses up two orders.
    let rho = (-u / x0.min(y0)).max(1e-300);
    let ln_rho = rho.ln();
    let ln_r = r.ln();
    let mut lens = [0usize; K_MAX + 1];
    let mut need = 0usize;
    for k in (0..=k_max).rev() {
        let m_k = ((41.5 - k as f64 * ln_r) / -ln_rho).ceil().max(1.0) as usize;
        need = (m_k + 1).max(need + 2);
        lens[k] = need.min(LEN);
    }
    let len0 = lens[0];
    if len0 < lens[1..=k_max].iter().copied().max().unwrap_or(0) + 2 && k_max > 0 {
        return None; // series too long for LEN: leave it to the sum.
    }

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
    let inv_r = 1.0 / r;
    let mut rk = 1.0;
    let mut s_k = 0.0;
    let mut h_sum = 0.0;
    let mut h = [0.0; LEN];
    let mut dh = [0.0; LEN];
    for k in 0..=k_max {
        let len = lens[k];
        s_k += g[0] * rk;
        // h = shift(g) / zeta~.
        let hl = len - 1;
        series_div(&g[1..len], &zt, &mut h[..hl]);
        h_sum += horner(&h[..hl], u) * rk;
        if k == k_max {
            break;
        }
        // next g = h' / zeta'.
        let gl = lens[k + 1];
        for j in 0..gl {
            dh[j] = (j + 1) as f64 * h[j + 1];
        }
        series_div(&dh[..gl], &dzeta, &mut g[..gl]);
        rk *= inv_r;
    }

    // r eta^2 / 2 and the scaled normal tail Phi(eta sqrt r) e^{r eta^2 / 2}.
    let half_r_eta2 = bd0(a, xr.0, xr.1) + bd0(b, yr.0, yr.1);
    let y = half_r_eta2.sqrt(); // |eta| sqrt(r / 2)
    let sqrt_2pi_r = (2.0 * PI * r).sqrt();
    let bracket = sqrt_2pi_r * 0.5 * erfcx(y) * s_k - h_sum;
    if bracket.is_nan() || bracket <= 0.0 {
        return None;
    }
    let ln_n = stirlerr(a) + stirlerr(b) - stirlerr(r);
    Some(-half_r_eta2 - sqrt_2pi_r.ln() + bracket.ln() - ln_n)
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
