//! Standard normal distribution: cdf, survival function (also in log space)
//! and quantiles.
//!
//! Methods, by region (y = |x| / sqrt(2)):
//! - y < 0.5: erf(y) = y P(y^2) / Q(y^2), Cody's rational minimax
//!   approximation (W. J. Cody, "Rational Chebyshev approximations for the
//!   error function", Math. Comp. 23 (1969) 631-637), relative error < 1e-18.
//! - 0.5 <= y <= 4: the scaled complement erfcx(y) = e^{y^2} erfc(y) = P(y) / Q(y)
//!   (Cody, same paper).
//! - y > 4: erfcx(y) = (1/sqrt(pi) + P(1/y^2) / (y^2 Q(1/y^2))) / y (Cody).
//!
//! The factor e^{-x^2/2} is evaluated as e^{-h^2/2} e^{-(x-h)(x+h)/2} with
//! h = x rounded down to a multiple of 1/16, so no rounding of x^2 leaks into
//! the deep tail (Cody's trick). Because erfcx is kept separate from the
//! exponential, `ln_norm_sf` is finite and accurate for x up to ~1e150.
//!
//! Quantiles: Acklam's rational initial guess (relative error ~1e-9), refined
//! by Halley steps on Phi(x) - 1/2 (centre, so tiny |x| keeps full relative
//! precision) or Newton steps on ln Phi(x) (tails, down to the smallest
//! subnormal).

use std::f64::consts::FRAC_1_SQRT_2;

/// 1 / sqrt(pi).
const FRAC_1_SQRT_PI: f64 = 0.564_189_583_547_756_3;
/// ln sqrt(2 pi).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_7;

// Cody (1969), erf on |y| < 0.5.
const ERF_A: [f64; 5] = [
    3.161_123_743_870_565_6,
    1.138_641_541_510_501_6e2,
    3.774_852_376_853_02e2,
    3.209_377_589_138_469_5e3,
    1.857_777_061_846_031_5e-1,
];
const ERF_B: [f64; 4] = [
    2.360_129_095_234_412_1e1,
    2.440_246_379_344_441_7e2,
    1.282_616_526_077_372_3e3,
    2.844_236_833_439_171e3,
];
// Cody (1969), erfcx on 0.5 <= y <= 4.
const ERFC_C: [f64; 9] = [
    5.641_884_969_886_701e-1,
    8.883_149_794_388_376,
    6.611_919_063_714_163e1,
    2.986_351_381_974_001e2,
    8.819_522_212_417_69e2,
    1.712_047_612_634_070_6e3,
    2.051_078_377_826_071_5e3,
    1.230_339_354_797_997_2e3,
    2.153_115_354_744_038_5e-8,
];
const ERFC_D: [f64; 8] = [
    1.574_492_611_070_983_5e1,
    1.176_939_508_913_125e2,
    5.371_811_018_620_099e2,
    1.621_389_574_566_690_2e3,
    3.290_799_235_733_459_6e3,
    4.362_619_090_143_247e3,
    3.439_367_674_143_721_6e3,
    1.230_339_354_803_749_4e3,
];
// Cody (1969), erfcx on y > 4 (argument 1/y^2).
const ERFC_P: [f64; 6] = [
    3.053_266_349_612_323_4e-1,
    3.603_448_999_498_044_4e-1,
    1.257_817_261_112_292_5e-1,
    1.608_378_514_874_228e-2,
    6.587_491_615_298_378e-4,
    1.631_538_713_730_209_8e-2,
];
const ERFC_Q: [f64; 5] = [
    2.568_520_192_289_822,
    1.872_952_849_923_467_3,
    5.279_051_029_514_284e-1,
    6.051_834_131_244_132e-2,
    2.335_204_976_268_691_8e-3,
];

/// erf(y) for |y| < 0.5 (full relative precision, also for tiny y).
pub(crate) fn erf_small(y: f64) -> f64 {
    let ysq = y * y;
    let mut num = ERF_A[4] * ysq;
    let mut den = ysq;
    for i in 0..3 {
        num = (num + ERF_A[i]) * ysq;
        den = (den + ERF_B[i]) * ysq;
    }
    y * (num + ERF_A[3]) / (den + ERF_B[3])
}

/// Scaled complementary error function e^{y^2} erfc(y), for y >= 0.5.
fn erfcx_large(y: f64) -> f64 {
    if y <= 4.0 {
        let mut num = ERFC_C[8] * y;
        let mut den = y;
        for i in 0..7 {
            num = (num + ERFC_C[i]) * y;
            den = (den + ERFC_D[i]) * y;
        }
        (num + ERFC_C[7]) / (den + ERFC_D[7])
    } else if y <= 1e20 {
        // The same rational in w = y^2 (numerator and denominator times w^5):
        // with N = y^10 num(1/w) and D = y^10 den(1/w), the tail term is
        // N / (w D) and erfcx = (w D / sqrt(pi) - N) / (w D y), one division
        // instead of three (all terms positive; w^6 y stays finite here).
        let w = y * y;
        let mut num = ERFC_P[4];
        let mut den = ERFC_Q[4];
        for i in (0..4).rev() {
            num = num * w + ERFC_P[i];
            den = den * w + ERFC_Q[i];
        }
        num = num * w + ERFC_P[5];
        den = den * w + 1.0;
        let wd = w * den;
        (wd * FRAC_1_SQRT_PI - num) / (wd * y)
    } else {
        erfcx_in_inverse_square(y)
    }
}

/// Cody's y > 4 rational as written, in 1/y^2 (three divisions; for y > 1e20,
/// where its w = y^2 form would overflow).
fn erfcx_in_inverse_square(y: f64) -> f64 {
    // 1/y^2 underflows harmlessly to 0 for huge y.
    let inv_sq = 1.0 / (y * y);
    let mut num = ERFC_P[5] * inv_sq;
    let mut den = inv_sq;
    for i in 0..4 {
        num = (num + ERFC_P[i]) * inv_sq;
        den = (den + ERFC_Q[i]) * inv_sq;
    }
    let r = inv_sq * (num + ERFC_P[4]) / (den + ERFC_Q[4]);
    (FRAC_1_SQRT_PI - r) / y
}

/// Scaled complementary error function erfcx(y) = e^{y^2} erfc(y), y >= 0
/// (finite and accurate for every y >= 0; ~1/(y sqrt(pi)) for large y).
pub fn erfcx(y: f64) -> f64 {
    if y.is_nan() || y < 0.0 {
        return f64::NAN;
    }
    if y < 0.5 {
        (1.0 - erf_small(y)) * (y * y).exp()
    } else {
        erfcx_large(y)
    }
}

/// e^{-x^2/2} without the rounding error of x^2 (x >= 0).
fn exp_half_square(x: f64) -> f64 {
    let h = (x * 16.0).trunc() / 16.0;
    let del = (x - h) * (x + h);
    (-0.5 * h * h).exp() * (-0.5 * del).exp()
}

/// P(Z >= x) for x >= sqrt(1/2) (so y >= 0.5): (1/2) erfcx(y) e^{-x^2/2}.
fn upper_tail(x: f64) -> f64 {
    0.5 * erfcx_large(x * FRAC_1_SQRT_2) * exp_half_square(x)
}

/// Phi(x) - 1/2, with full relative precision near x = 0.
fn cdf_minus_half(x: f64) -> f64 {
    let y = x * FRAC_1_SQRT_2;
    if y.abs() < 0.5 {
        0.5 * erf_small(y)
    } else if x > 0.0 {
        0.5 - upper_tail(x)
    } else {
        upper_tail(-x) - 0.5
    }
}

/// P(Z <= x) for Z ~ N(0, 1).
pub fn norm_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    let y = x * FRAC_1_SQRT_2;
    if y.abs() < 0.5 {
        0.5 + 0.5 * erf_small(y)
    } else if x < 0.0 {
        upper_tail(-x)
    } else {
        1.0 - upper_tail(x)
    }
}

/// P(Z >= x) for Z ~ N(0, 1).
pub fn norm_sf(x: f64) -> f64 {
    norm_cdf(-x)
}

/// ln P(Z >= x), finite for every finite x (asymptotic series far in the tail).
pub fn ln_norm_sf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x.is_infinite() {
        return if x > 0.0 { f64::NEG_INFINITY } else { 0.0 };
    }
    if x * FRAC_1_SQRT_2 >= 0.5 {
        // ln((1/2) erfcx(y)) - x^2/2: no underflow until x^2 overflows.
        (0.5 * erfcx_large(x * FRAC_1_SQRT_2)).ln() - 0.5 * x * x
    } else if x * FRAC_1_SQRT_2 > -0.5 {
        // sf in (0.24, 0.76): ln is well conditioned.
        norm_sf(x).ln()
    } else {
        // sf close to 1: ln(1 - Phi(x)) with the small Phi(x) kept exact.
        (-norm_cdf(x)).ln_1p()
    }
}

/// ln P(Z <= x).
pub fn ln_norm_cdf(x: f64) -> f64 {
    ln_norm_sf(-x)
}

/// ln of the standard normal density.
fn ln_norm_pdf(x: f64) -> f64 {
    -0.5 * x * x - LN_SQRT_2PI
}

// Acklam's rational approximation of the quantile (relative error 1.15e-9),
// used only as the starting point of the refinement below.
const ACKLAM_A: [f64; 6] = [
    -3.969_683_028_665_376e1,
    2.209_460_984_245_205e2,
    -2.759_285_104_469_687e2,
    1.383_577_518_672_69e2,
    -3.066_479_806_614_716e1,
    2.506_628_277_459_239,
];
const ACKLAM_B: [f64; 5] = [
    -5.447_609_879_822_406e1,
    1.615_858_368_580_409e2,
    -1.556_989_798_598_866e2,
    6.680_131_188_771_972e1,
    -1.328_068_155_288_572e1,
];
const ACKLAM_C: [f64; 6] = [
    -7.784_894_002_430_293e-3,
    -3.223_964_580_411_365e-1,
    -2.400_758_277_161_838,
    -2.549_732_539_343_734,
    4.374_664_141_464_968,
    2.938_163_982_698_783,
];
const ACKLAM_D: [f64; 4] = [
    7.784_695_709_041_462e-3,
    3.224_671_290_700_398e-1,
    2.445_134_137_142_996,
    3.754_408_661_907_416,
];
const ACKLAM_P_LOW: f64 = 0.02425;

/// Acklam's initial guess for the quantile of p in (0, 1/2].
fn acklam_lower(p: f64) -> f64 {
    if p < ACKLAM_P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        let c = &ACKLAM_C;
        let d = &ACKLAM_D;
        (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        let a = &ACKLAM_A;
        let b = &ACKLAM_B;
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
    }
}

/// Quantile of p in (0, 1/2] (so the result is <= 0).
fn ppf_lower(p: f64) -> f64 {
    let mut x = acklam_lower(p);
    if p < ACKLAM_P_LOW {
        // Newton on g(x) = ln Phi(x) - ln p; g' = phi / Phi (a Mills ratio).
        let ln_p = p.ln();
        for _ in 0..3 {
            let ln_cdf = ln_norm_cdf(x);
            let step = (ln_cdf - ln_p) * (ln_cdf - ln_norm_pdf(x)).exp();
            x -= step;
        }
    } else {
        // Halley on Phi(x) - p, written as (Phi(x) - 1/2) - (p - 1/2): both
        // differences are exact or relatively accurate near the centre.
        let target = p - 0.5;
        for _ in 0..2 {
            let e = cdf_minus_half(x) - target;
            let u = e * (-ln_norm_pdf(x)).exp();
            x -= u / (1.0 + 0.5 * x * u);
        }
    }
    x
}

/// Quantile: the x with P(Z <= x) = p, for p in [0, 1] (-inf / +inf at the ends).
pub fn norm_ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        f64::NAN
    } else if p == 0.0 {
        f64::NEG_INFINITY
    } else if p == 1.0 {
        f64::INFINITY
    } else if p <= 0.5 {
        ppf_lower(p)
    } else {
        // 1 - p is exact for p >= 1/2.
        -ppf_lower(1.0 - p)
    }
}

/// Inverse survival function: the x with P(Z >= x) = q.
pub fn norm_isf(q: f64) -> f64 {
    -norm_ppf(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfcx_rational_in_y_squared_matches_cody_form() {
        let mut worst = 0.0f64;
        let mut y = 4.0;
        while y <= 1e20 {
            for f in [1.0, 1.000_000_7, 1.3, 2.1, 3.7] {
                let (got, want) = (erfcx_large(y * f), erfcx_in_inverse_square(y * f));
                worst = worst.max(((got - want) / want).abs());
            }
            y *= 1.9;
        }
        assert!(worst <= 4.5e-16, "{worst:e}");
    }

    #[test]
    fn symmetric_points() {
        assert_eq!(norm_cdf(0.0), 0.5);
        assert_eq!(norm_ppf(0.5), 0.0);
        assert!((norm_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 2.5e-16);
        assert!((norm_ppf(0.975) - 1.959_963_984_540_054).abs() < 1e-15);
        assert_eq!(norm_ppf(0.0), f64::NEG_INFINITY);
        assert_eq!(norm_ppf(1.0), f64::INFINITY);
        assert!(norm_ppf(1.5).is_nan());
        assert!(ln_norm_sf(1e150).is_finite());
    }
}
