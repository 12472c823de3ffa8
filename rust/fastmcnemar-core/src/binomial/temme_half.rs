//! Temme's expansion of I_{1/2}(a, b) (the McNemar null) from tables in u.
//!
//! Region: a >= b >= [`HALF_MIN_PARAM`] and u = 1/2 - a/(a + b) in
//! [-[`HALF_U_MAX`], 0], the small side of the centre of n = a + b - 1 >= 799
//! (the caller, `super::temme_half_split`, takes it only where the direct sum
//! would need more than ~60 terms). Why: there the sum costs O(sqrt n) terms,
//! and the expansion is O(1).
//!
//! The expansion is `super::temme`'s (DLMF 8.18.9-8.18.12; N. M. Temme,
//! "Special functions", Wiley 1996, 11.3.3.2):
//!
//! ```text
//! N I = e^{-E} [ erfcx(sqrt E) S_K / 2 - (2 pi r)^{-1/2} H_K ] + R_K,
//! S_K = sum_{k<=K} g_k(0) r^-k,  H_K = sum_{k<=K} h_k(u) r^-k,
//! ```
//!
//! with r = a + b, E = r eta^2 / 2, N = e^{stirlerr(a) + stirlerr(b) - stirlerr(r)}
//! and R_K of relative order r^-(K+1). S_K is the truncated asymptotic series
//! of N itself (let eta -> infinity), so here S_K is replaced by N: the change,
//! Phi(.) sum_{k>K} g_k(0) r^-k, is of the same order as R_K, which the
//! a b / r rule of `super::temme` keeps below 1e-18 (measured: the oracle grid
//! moved from 1.9e-15 to 1.2e-15 at worst). What remains is
//!
//! ```text
//! I = e^{-E} [ erfcx(sqrt E) / 2 - (2 pi r)^{-1/2} H_K / N ],
//! ```
//!
//! 1/N = e^{-ln N} by four Taylor terms (0 < ln N < 5e-4 for a, b >= 400).
//! At x = 1/2 every h_k(u) depends on u alone, so each is tabulated once (on
//! first use, ~450 evaluations of `super::temme`'s u-series, each as long as
//! r = 800 needs): u in [-0.12, 0] is cut into [`PIECES`] pieces, with an
//! interpolating polynomial of degree [`DEGREES`]`[k]` per piece (Chebyshev
//! nodes, stored as monomials in s in [-1, 1]). The nearest singularities
//! are at |u| = 1/4, at least 0.13 away, so on a piece of half-width
//! 0.12 / 128 the interpolants converge like (1/270)^degree: degree 6
//! reaches ~1e-16 for orders 0 and 1, and order k, which enters multiplied
//! by r^-k <= 800^-k, keeps fewer (tested against the series). A call then
//! costs one short Horner sum per order (K + 1 <= 9), one erfcx, one ln, one
//! exp (by the caller) and three terms of Stirling's series per parameter.
//!
//! The log is returned as hi + lo (-E plus a small rest, summed with its
//! rounding error), so
//! the caller's exp keeps p accurate to a few ulps even near 1e-300, where a
//! single rounded ln p would cost |ln p| / 2 ulps (~4e-14).
//!
//! E = bd0(a, r/2) + bd0(b, r/2) has the closed series
//! E = (d^2 / 2r) (1 + sum_{j>=2} v^{2(j-1)} / (j (2j - 1))), d = a - b, v = d / r,
//! with v^2 <= 0.0576 here (12 terms: the first omitted is < 2e-19); d^2 / 2r is carried with
//! its rounding error (FMA), so E is within about one rounding of exact.

use std::f64::consts::PI;
use std::sync::OnceLock;

use super::pmf::{HALF_DEVIANCE_SERIES, half_deviance_leading, two_sum};
use super::temme::{K_MAX, LEN, expansion_terms, orders, series_lengths};
use crate::special::normal::erfcx;

/// Width of the tabulated u-range (singularities at |u| = 1/4).
pub(crate) const HALF_U_MAX: f64 = 0.12;
/// Smallest a and b (the tables carry all [`K_MAX`] + 1 orders, enough here).
pub(crate) const HALF_MIN_PARAM: f64 = 400.0;
/// Pieces of the u-range.
const PIECES: usize = 64;
/// Polynomial degree per piece (of orders 0 and 1; see [`DEGREES`]).
const DEGREE: usize = 6;
/// Coefficients per piece and function.
const COEFFS: usize = DEGREE + 1;
/// Degree kept for order k: order k enters multiplied by r^-k <= 800^-k, so
/// higher orders need fewer digits (the test checks each against its budget).
const DEGREES: [usize; K_MAX + 1] = [6, 6, 5, 4, 3, 3, 2, 2, 2];

/// One piece: monomial coefficients in s in [-1, 1] of h_k(u), k = 0..=K_MAX.
#[derive(Clone, Copy)]
struct Piece {
    hu: [[f64; COEFFS]; K_MAX + 1],
}

static TABLES: OnceLock<Box<[Piece]>> = OnceLock::new();

fn tables() -> &'static [Piece] {
    TABLES.get_or_init(build_tables)
}

/// h_k(u), k = 0..=K_MAX, from the u-series (x = 1/2 = x0 + u), as long as
/// the smallest r served (2 [`HALF_MIN_PARAM`]) needs.
fn terms_at(u: f64) -> [f64; K_MAX + 1] {
    let x0 = 0.5 - u;
    let y0 = 1.0 - x0;
    let lens = series_lengths(-u / x0.min(y0), 2.0 * HALF_MIN_PARAM, K_MAX);
    debug_assert!(lens[0] <= LEN);
    expansion_terms(x0, y0, u, K_MAX, &lens).1
}

/// Interpolates the series at the Chebyshev nodes of every piece.
fn build_tables() -> Box<[Piece]> {
    let width = HALF_U_MAX / PIECES as f64;
    (0..PIECES)
        .map(|p| {
            let lo = -HALF_U_MAX + p as f64 * width;
            // h_k at the nodes of the piece, then each order's interpolant.
            let at_nodes: [[f64; K_MAX + 1]; COEFFS] = std::array::from_fn(|m| {
                terms_at(lo + 0.5 * width * (chebyshev_node::<COEFFS>(m) + 1.0))
            });
            Piece {
                hu: std::array::from_fn(|k| {
                    let values = std::array::from_fn(|m| at_nodes[m][k]);
                    truncated_monomial(&cheb_fit(&values), DEGREES[k])
                }),
            }
        })
        .collect()
}

/// Node i of N: cos(pi (i + 1/2) / N).
fn chebyshev_node<const N: usize>(i: usize) -> f64 {
    (PI * (i as f64 + 0.5) / N as f64).cos()
}

/// Chebyshev coefficients from values at the N nodes.
fn cheb_fit<const N: usize>(vals: &[f64; N]) -> [f64; N] {
    let mut c = [0.0; N];
    let n = N as f64;
    for (j, cj) in c.iter_mut().enumerate() {
        let mut acc = 0.0;
        for (i, v) in vals.iter().enumerate() {
            acc += v * (PI * j as f64 * (i as f64 + 0.5) / n).cos();
        }
        *cj = 2.0 * acc / n;
    }
    c[0] *= 0.5;
    c
}

/// The same polynomial in the monomial basis (low degree: no loss that matters,
/// the coefficients fall fast).
fn to_monomial(c: &[f64; COEFFS]) -> [f64; COEFFS] {
    let mut out = [0.0; COEFFS];
    // T_{j-1} and T_j as monomial coefficients.
    let mut prev = [0.0; COEFFS];
    let mut cur = [0.0; COEFFS];
    prev[0] = 1.0;
    cur[1] = 1.0;
    out[0] = c[0];
    for (o, &t) in out.iter_mut().zip(&cur) {
        *o += c[1] * t;
    }
    for &cj in &c[2..] {
        // T_{j+1} = 2 s T_j - T_{j-1}.
        let mut next = [0.0; COEFFS];
        for i in 0..COEFFS {
            let shifted = if i > 0 { 2.0 * cur[i - 1] } else { 0.0 };
            next[i] = shifted - prev[i];
        }
        prev = cur;
        cur = next;
        for (o, &t) in out.iter_mut().zip(&cur) {
            *o += cj * t;
        }
    }
    out
}

/// The Chebyshev series cut after degree `degree`, in the monomial basis
/// (zeros above it).
fn truncated_monomial(c: &[f64; COEFFS], degree: usize) -> [f64; COEFFS] {
    let mut cut = *c;
    cut[degree + 1..].fill(0.0);
    to_monomial(&cut)
}

/// The polynomial at s, by plain multiply-adds (`mul_add` is a library call
/// without a target FMA; a fixed length unrolls, and the zeros above a
/// truncated order's degree cost less than a loop's bookkeeping).
fn horner(c: &[f64; COEFFS], s: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &cj| acc * s + cj)
}

/// E = r eta^2 / 2 = bd0(a, r/2) + bd0(b, r/2) for d = a - b >= 0, 1/r = `rho`
/// (see the module notes), as an unevaluated sum hi + lo.
fn exponent(d: f64, r: f64, rho: f64) -> (f64, f64) {
    let (q, q_lo) = half_deviance_leading(d, r, 0.5 * rho);
    let v = d * rho;
    let t = v * v;
    // Estrin's scheme over the first 12 terms: four short chains instead of one.
    let c = &HALF_DEVIANCE_SERIES;
    let (t2, t4) = (t * t, (t * t) * (t * t));
    let low = (c[0] + c[1] * t) + t2 * (c[2] + c[3] * t);
    let mid = (c[4] + c[5] * t) + t2 * (c[6] + c[7] * t);
    let high = (c[8] + c[9] * t) + t2 * (c[10] + c[11] * t);
    let series = low + t4 * (mid + t4 * high);
    (q, q_lo + q * (t * series))
}

/// Loader's stirlerr(x) = ln Gamma(x + 1) - (x + 1/2) ln x + x - ln sqrt(2 pi)
/// for x >= 400 from `inv` = 1/x: 1/(12 x) - 1/(360 x^3) + 1/(1260 x^5); the
/// next term, 1/(1680 x^7), is below 4e-22 (`crate::special::gamma::stirlerr`
/// stops one term earlier above 500, where that term is below 3e-17).
fn stirlerr_large(inv: f64) -> f64 {
    let inv2 = inv * inv;
    (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0))) * inv
}

/// ln I_{1/2}(a, b) for a >= b (the small side) as hi + lo (|lo| <= ulp(hi),
/// the rounding error of hi), or None outside the tabulated region.
pub(crate) fn ln_ibeta_half_small_side(a: f64, b: f64) -> Option<(f64, f64)> {
    if b < HALF_MIN_PARAM || a < b {
        return None;
    }
    let r = a + b;
    let rho = 1.0 / r;
    let d = a - b;
    // u = (b - a) / 2r.
    let u = -0.5 * d * rho;
    if u < -HALF_U_MAX {
        return None;
    }
    let k_max = orders(a * b * rho);
    let pos = (u + HALF_U_MAX) * (PIECES as f64 / HALF_U_MAX);
    let index = (pos as usize).min(PIECES - 1);
    let s = 2.0 * (pos - index as f64) - 1.0;
    let piece = &tables()[index];
    let mut h_sum = 0.0f64;
    for k in (0..=k_max).rev() {
        h_sum = h_sum * rho + horner(&piece.hu[k], s);
    }
    let (e_hi, e_lo) = exponent(d, r, rho);
    let e = e_hi + e_lo;
    // (2 pi r)^{-1/2}.
    let inv_sqrt = (rho * (0.5 / PI)).sqrt();
    // 1 / N = e^-x with 0 < x = ln N < 5e-4 here: four terms leave < 1e-19.
    let x = stirlerr_large(1.0 / a) + stirlerr_large(1.0 / b) - stirlerr_large(rho);
    let inv_n = 1.0 - x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0))));
    let bracket = 0.5 * erfcx(e.sqrt()) - h_sum * inv_sqrt * inv_n;
    if bracket.is_nan() || bracket <= 0.0 {
        return None;
    }
    // -E (exact in e_hi) plus the small rest, with the rounding error of the sum.
    let rest = bracket.ln() - e_lo;
    Some(two_sum(-e_hi, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binomial::pmf::bd0;

    /// The pieces reproduce the series they interpolate, at points between the nodes.
    #[test]
    fn pieces_match_the_series() {
        let pieces = tables();
        let mut worst = [0.0f64; K_MAX + 1];
        for i in 0..=3_000 {
            let u = -HALF_U_MAX * f64::from(i) / 3_000.0;
            let pos = (u + HALF_U_MAX) * (PIECES as f64 / HALF_U_MAX);
            let index = (pos as usize).min(PIECES - 1);
            let s = 2.0 * (pos - index as f64) - 1.0;
            for (k, want) in terms_at(u).into_iter().enumerate() {
                let got = horner(&pieces[index].hu[k], s);
                worst[k] = worst[k].max((got - want).abs() / want.abs().max(1.0));
            }
        }
        println!("pieces vs series, by order: {worst:?}");
        // Order k enters multiplied by r^-k <= 800^-k, next to S_0 = 1.
        for (k, w) in worst.iter().enumerate() {
            assert!(w * 800f64.powi(-(k as i32)) < 2e-15, "order {k}: {w:e}");
        }
    }

    /// The three-term Stirling error agrees with the library's (which keeps
    /// one more term below 500).
    #[test]
    fn stirlerr_large_matches_stirlerr() {
        for x in [400.0, 401.0, 499.0, 500.0, 501.0, 1e3, 12_345.0, 1e6, 1e12] {
            let (got, want) = (stirlerr_large(1.0 / x), crate::special::gamma::stirlerr(x));
            assert!(
                (got - want).abs() <= 3e-17 + 2e-16 * want,
                "x={x}: {got:e} vs {want:e}"
            );
        }
    }

    /// The closed series for E agrees with Loader's deviance terms.
    #[test]
    fn exponent_matches_bd0() {
        for (a, b) in [
            (400.0, 400.0),
            (401.0, 400.0),
            (700.0, 400.0),
            (62_000.0, 38_001.0),
            (5e8 + 7.0, 5e8 - 11.0),
            (6.2e11, 3.8e11 + 1.0),
        ] {
            let r: f64 = a + b;
            let (hi, lo) = exponent(a - b, r, 1.0 / r);
            let want = bd0(a, 0.5 * r, 0.0) + bd0(b, 0.5 * r, 0.0);
            assert!(
                (hi + lo - want).abs() <= 4e-16 * want + 1e-300,
                "a={a} b={b}: {} vs {want}",
                hi + lo
            );
        }
    }
}
