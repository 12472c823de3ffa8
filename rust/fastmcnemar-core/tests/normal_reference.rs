//! Standard normal cdf / sf / ln sf / ppf against mpmath (50 digits; see
//! `tests/data/generate_reference.py`), including the far tails (x to 38.4
//! for the plain values, 1e150 for ln sf, p down to the smallest subnormal),
//! and ln_gamma from 1e-300 to 1e300 (including next to its zeros at 1 and 2).

mod common;

use common::{BigFloat, Worst, csv_rows};
use fastmcnemar_core::special::gamma::ln_gamma;
use fastmcnemar_core::special::normal::{
    ln_norm_cdf, ln_norm_sf, norm_cdf, norm_isf, norm_ppf, norm_sf,
};

const CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/normal_reference.csv"
);

#[test]
fn normal_matches_mpmath() {
    let text = std::fs::read_to_string(CSV).expect("tests/data/normal_reference.csv");
    let mut cdf = Worst::new("cdf/sf relative");
    let mut log = Worst::new("ln sf / ln cdf relative");
    let mut ppf = Worst::new("ppf relative");
    let mut lgamma = Worst::new("ln_gamma relative");
    for (i, f) in csv_rows(&text, 3) {
        let x: f64 = f[1].parse().unwrap();
        let want = BigFloat::parse(f[2]);
        let label = format!("{} x={x}", f[0]);
        match f[0] {
            "cdf" | "sf" => {
                let (got, mirrored) = if f[0] == "cdf" {
                    (norm_cdf(x), norm_sf(-x))
                } else {
                    (norm_sf(x), norm_cdf(-x))
                };
                assert_eq!(got, mirrored, "{label}: symmetry");
                if let Some(w) = want.plain_if_at_least(1e-300) {
                    cdf.record_rel(got, w, &label);
                }
            }
            "ln_sf" => {
                // The value is ln sf (negative): compare directly, relative to
                // |ln sf| (absolute below 1e-300, where ln sf = -sf underflows).
                let w: f64 = f[2].parse().unwrap();
                let got = ln_norm_sf(x);
                assert_eq!(got, ln_norm_cdf(-x), "{label}: symmetry");
                let err = if got == w {
                    0.0
                } else {
                    (got - w).abs() / w.abs().max(1e-300)
                };
                log.record(err, &format!("{label} got={got:e} want={w:e}"));
            }
            "ppf" => {
                let w: f64 = f[2].parse().unwrap();
                let got = norm_ppf(x);
                assert_eq!(-got, norm_isf(x), "{label}: isf");
                if w == 0.0 {
                    assert_eq!(got, 0.0, "{label}");
                } else {
                    ppf.record_rel(got, w, &label);
                }
            }
            "ln_gamma" => {
                let w: f64 = f[2].parse().unwrap();
                let got = ln_gamma(x);
                if w == 0.0 {
                    assert_eq!(got, 0.0, "{label}");
                } else {
                    lgamma.record_rel(got, w, &label);
                }
            }
            other => panic!("row {i}: unknown kind {other}"),
        }
    }
    for w in [&cdf, &log, &ppf, &lgamma] {
        w.report();
    }
    cdf.assert_below(2e-15);
    log.assert_below(2e-15);
    ppf.assert_below(2e-15);
    lgamma.assert_below(2e-15);
}

#[test]
fn normal_edge_cases() {
    assert!(norm_cdf(f64::NAN).is_nan());
    assert_eq!(norm_cdf(f64::INFINITY), 1.0);
    assert_eq!(norm_cdf(f64::NEG_INFINITY), 0.0);
    assert_eq!(ln_norm_sf(f64::INFINITY), f64::NEG_INFINITY);
    assert_eq!(ln_norm_sf(f64::NEG_INFINITY), 0.0);
    assert!(ln_norm_sf(1e150).is_finite());
    assert_eq!(norm_ppf(0.0), f64::NEG_INFINITY);
    assert_eq!(norm_ppf(1.0), f64::INFINITY);
    assert!(norm_ppf(-0.1).is_nan());
    assert!(norm_ppf(1.1).is_nan());
    assert!(norm_ppf(f64::NAN).is_nan());
    assert_eq!(norm_isf(0.5), 0.0);
}
