//! General-p binomial tails and n near 2^40 against mpmath (50 digits; see
//! `tests/data/generate_reference.py`, which checks its two independent
//! methods, summation and incomplete-beta quadrature, against each other).
//!
//! Plain values: relative error <= 1e-12 wherever the reference is >= 1e-300.
//! Log values: |ln got - ln ref| <= 1e-10 max(|ln ref|, 1) everywhere.

mod common;

use common::{BigFloat, Worst, csv_rows};
use fastmcnemar_core::binomial::{
    cdf, cdf_half, ln_cdf, ln_cdf_half, ln_sf, ln_sf_half, sf, sf_half,
};

const CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/binom_general_reference.csv"
);

#[test]
fn general_tails_match_mpmath() {
    let text = std::fs::read_to_string(CSV).expect("tests/data/binom_general_reference.csv");
    let mut plain = Worst::new("plain");
    let mut log = Worst::new("log");
    let mut plain_half = Worst::new("plain (p = 1/2 entry points)");
    let mut log_half = Worst::new("log (p = 1/2 entry points)");
    let mut rows = 0;
    for (i, f) in csv_rows(&text, 5) {
        let n: u64 = f[0].parse().unwrap();
        let k: u64 = f[1].parse().unwrap();
        let p: f64 = f[2].parse().unwrap();
        let want = BigFloat::parse(f[4]);
        let (got, got_ln) = match f[3] {
            "upper" => (sf(n, k, p), ln_sf(n, k, p)),
            "lower" => (cdf(n, k, p), ln_cdf(n, k, p)),
            other => panic!("row {i}: unknown tail {other}"),
        };
        let label = format!("n={n} k={k} p={p} {}", f[3]);
        if let Some(w) = want.plain_if_at_least(1e-300) {
            plain.record_rel(got, w, &label);
        }
        log.record_ln(got_ln, want.ln(), &label);
        if p == 0.5 {
            let (got, got_ln) = match f[3] {
                "upper" => (sf_half(n, k), ln_sf_half(n, k)),
                _ => (cdf_half(n, k), ln_cdf_half(n, k)),
            };
            if let Some(w) = want.plain_if_at_least(1e-300) {
                plain_half.record_rel(got, w, &label);
            }
            log_half.record_ln(got_ln, want.ln(), &label);
        }
        rows += 1;
    }
    assert!(rows > 1000, "only {rows} rows");
    for w in [&plain, &log, &plain_half, &log_half] {
        w.report();
    }
    plain.assert_below(1e-12);
    plain_half.assert_below(1e-12);
    log.assert_below(1e-10);
    log_half.assert_below(1e-10);
}
