//! Edge cases and structural properties of the binomial tails: n = 0, k = 0,
//! k = n, k > n, p in {0, 1}, invalid p, symmetry, complements, monotonicity,
//! and agreement with exact rational arithmetic for small n.

use fastmcnemar_core::binomial::*;

#[test]
fn empty_and_boundary_counts() {
    // n = 0: X = 0 surely.
    assert_eq!(sf_half(0, 0), 1.0);
    assert_eq!(sf_half(0, 1), 0.0);
    assert_eq!(ln_sf_half(0, 1), f64::NEG_INFINITY);
    assert_eq!(cdf_half(0, 0), 1.0);
    assert_eq!(pmf_half(0, 0), 1.0);
    assert_eq!(pmf(0, 0, 0.3), 1.0);
    assert_eq!(sf(0, 0, 0.3), 1.0);
    assert_eq!(cdf(0, 5, 0.3), 1.0);
    // k = 0 and k > n.
    for n in [1u64, 7, 5000, 1 << 40] {
        assert_eq!(sf_half(n, 0), 1.0);
        assert_eq!(ln_sf_half(n, 0), 0.0);
        assert_eq!(sf_half(n, n + 1), 0.0);
        assert_eq!(ln_sf_half(n, n + 1), f64::NEG_INFINITY);
        assert_eq!(cdf_half(n, n), 1.0);
        assert_eq!(ln_cdf_half(n, n + 3), 0.0);
        assert_eq!(pmf_half(n, n + 1), 0.0);
        assert_eq!(ln_pmf_half(n, n + 1), f64::NEG_INFINITY);
        assert_eq!(sf(n, 0, 0.3), 1.0);
        assert_eq!(sf(n, n + 1, 0.3), 0.0);
        assert_eq!(cdf(n, n, 0.3), 1.0);
    }
    // k = n: P(X >= n) = P(X = n) = 2^-n; ln stays exact far below underflow.
    assert_eq!(sf_half(10, 10), 2f64.powi(-10));
    let ln = ln_sf_half(1 << 40, 1 << 40);
    let want = -((1u64 << 40) as f64) * std::f64::consts::LN_2;
    assert!(((ln - want) / want).abs() < 1e-15, "{ln} vs {want}");
    assert_eq!(cdf_half(10, 0), 2f64.powi(-10));
}

#[test]
fn degenerate_and_invalid_p() {
    for n in [0u64, 1, 10, 1 << 35] {
        // p = 0: X = 0.
        assert_eq!(sf(n, 0, 0.0), 1.0);
        assert_eq!(cdf(n, 0, 0.0), 1.0);
        assert_eq!(ln_cdf(n, 0, 0.0), 0.0);
        assert_eq!(pmf(n, 0, 0.0), 1.0);
        if n > 0 {
            assert_eq!(sf(n, 1, 0.0), 0.0);
            assert_eq!(ln_sf(n, 1, 0.0), f64::NEG_INFINITY);
            assert_eq!(pmf(n, 1, 0.0), 0.0);
            // p = 1: X = n.
            assert_eq!(sf(n, n, 1.0), 1.0);
            assert_eq!(cdf(n, n - 1, 1.0), 0.0);
            assert_eq!(ln_cdf(n, n - 1, 1.0), f64::NEG_INFINITY);
            assert_eq!(pmf(n, n, 1.0), 1.0);
            assert_eq!(pmf(n, n - 1, 1.0), 0.0);
        }
    }
    for p in [f64::NAN, -0.1, 1.5, f64::INFINITY] {
        assert!(sf(10, 3, p).is_nan(), "p={p}");
        assert!(ln_sf(10, 3, p).is_nan(), "p={p}");
        assert!(cdf(10, 3, p).is_nan(), "p={p}");
        assert!(ln_cdf(10, 3, p).is_nan(), "p={p}");
        assert!(pmf(10, 3, p).is_nan(), "p={p}");
        assert!(ln_pmf(10, 3, p).is_nan(), "p={p}");
    }
}

/// Exact tails for small n by integer arithmetic: C(n, j) in u128.
fn exact_sf_half(n: u64, k: u64) -> f64 {
    let mut c: u128 = 1; // C(n, 0)
    let mut total: u128 = 0;
    for j in 0..=n {
        if j >= k {
            total += c;
        }
        c = c * u128::from(n - j) / u128::from(j + 1);
    }
    // total / 2^n with one rounding (n <= 100 keeps total exact in u128).
    total as f64 * 2f64.powi(-(n as i32))
}

#[test]
fn exact_for_small_n() {
    let mut worst = 0.0f64;
    for n in 0..=100u64 {
        for k in 0..=n + 1 {
            let want = exact_sf_half(n, k);
            let got = sf_half(n, k);
            let err = if want == 0.0 {
                got
            } else {
                ((got - want) / want).abs()
            };
            worst = worst.max(err);
            // The general-p path for p = 1/2 too (it bypasses the table).
            let got_general = sf(n, k, 0.5);
            let err_general = if want == 0.0 {
                got_general
            } else {
                ((got_general - want) / want).abs()
            };
            worst = worst.max(err_general);
            assert!(
                err < 1e-13 && err_general < 1e-13,
                "n={n} k={k}: {got} {got_general} vs {want}"
            );
        }
    }
    println!("max relative error vs exact integers, n <= 100: {worst:e}");
}

#[test]
fn symmetry_complement_and_monotonicity() {
    for &n in &[
        1u64,
        2,
        3,
        50,
        1023,
        1024,
        1025,
        4_999,
        70_001,
        3_000_000,
        1 << 33,
    ] {
        let step = (n / 97).max(1);
        let mut prev = 1.0f64;
        let mut k = 0;
        while k <= n {
            let up = sf_half(n, k);
            // P(X <= k) = P(X >= n - k) for p = 1/2.
            assert_eq!(cdf_half(n, k), sf_half(n, n - k), "n={n} k={k}");
            // Complement: P(X >= k) + P(X <= k - 1) = 1.
            if k > 0 {
                let total = up + cdf_half(n, k - 1);
                assert!((total - 1.0).abs() < 4e-15, "n={n} k={k}: {total}");
                let total_general = sf(n, k, 0.3) + cdf(n, k - 1, 0.3);
                assert!(
                    (total_general - 1.0).abs() < 4e-15,
                    "n={n} k={k}: {total_general}"
                );
            }
            // Monotone non-increasing in k.
            assert!(up <= prev, "n={n} k={k}: {up} > {prev}");
            prev = up;
            // ln form agrees with the plain one where the plain one is normal
            // (compared as logs: deep tails are no longer e^ln, which would carry
            // the rounding of |ln| ~ 700 into the value).
            if up > 1e-300 {
                let ln = ln_sf_half(n, k);
                assert!(
                    (ln - up.ln()).abs() <= 2e-15 * ln.abs().max(1.0),
                    "n={n} k={k}: {ln} vs ln {up:e}"
                );
            }
            k += step;
        }
    }
}

#[test]
fn pmf_sums_to_one_and_matches_tail_differences() {
    for &(n, p) in &[(30u64, 0.5), (200, 0.3), (1000, 0.001), (5000, 0.77)] {
        let total: f64 = (0..=n).map(|k| pmf(n, k, p)).sum();
        assert!((total - 1.0).abs() < 1e-13, "n={n} p={p}: {total}");
        for k in [0, 1, n / 3, n / 2, n - 1] {
            let diff = sf(n, k, p) - sf(n, k + 1, p);
            let want = pmf(n, k, p);
            assert!(
                (diff - want).abs() <= 1e-13 * want.max(1e-300) + 1e-16,
                "n={n} k={k} p={p}"
            );
        }
    }
    assert!((pmf_half(2, 1) - 0.5).abs() < 2e-16);
    assert_eq!(ln_pmf_half(1, 0), -std::f64::consts::LN_2);
}

#[test]
fn huge_counts_stay_finite_and_fast() {
    // Beyond 2^53 counts are rounded to f64, but nothing panics or hangs.
    let n = 1u64 << 53;
    let centre = sf_half(n, n / 2);
    assert!((centre - 0.5).abs() < 1e-7, "{centre}");
    for n in [1u64 << 53, u64::MAX] {
        for k in [0, 1, n / 3, n / 2, n / 2 + 1, n - 1, n] {
            let v = sf_half(n, k);
            assert!((0.0..=1.0).contains(&v), "n={n} k={k}: {v}");
            assert!(ln_sf_half(n, k) <= 0.0, "n={n} k={k}");
            let g = cdf(n, k, 0.3);
            assert!((0.0..=1.0).contains(&g), "n={n} k={k}: {g}");
        }
    }
}
