//! Every row of the shared 80-digit mpmath oracle for Bin(n, 1/2) tails
//! (`shared/vectors/binom_tail_reference.csv`, 1,542 rows, n up to 2^31 + 1
//! and 1e9, tails down to 10^-646456994).
//!
//! Plain values: relative error <= 1e-12 wherever the reference is >= 1e-300.
//! Log values: |ln got - ln ref| <= 1e-10 max(|ln ref|, 1) everywhere.

mod common;

use common::{BigFloat, Worst, csv_rows};
use fastmcnemar_core::binomial::{cdf_half, ln_cdf_half, ln_sf_half, sf_half};

const CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/vectors/binom_tail_reference.csv"
);

#[test]
fn half_tails_match_mpmath_oracle() {
    let Ok(text) = std::fs::read_to_string(CSV) else {
        eprintln!("!!!!! SKIPPED: reference file {CSV} is absent (CI always has it) !!!!!");
        return;
    };
    let mut plain = Worst::new("plain");
    let mut log = Worst::new("log");
    let mut rows = 0;
    for (i, f) in csv_rows(&text, 4) {
        let n: u64 = f[0].parse().unwrap();
        let k: u64 = f[1].parse().unwrap();
        let want = BigFloat::parse(f[3]);
        let (got, got_ln) = match f[2] {
            "less" => (cdf_half(n, k), ln_cdf_half(n, k)),
            "greater" => (sf_half(n, k), ln_sf_half(n, k)),
            "two-sided" => {
                let m = k.min(n - k);
                (
                    (2.0 * cdf_half(n, m)).min(1.0),
                    (std::f64::consts::LN_2 + ln_cdf_half(n, m)).min(0.0),
                )
            }
            other => panic!("row {i}: unknown alternative {other}"),
        };
        let label = format!("n={n} k={k} {}", f[2]);
        if let Some(w) = want.plain_if_at_least(1e-300) {
            plain.record_rel(got, w, &label);
        }
        log.record_ln(got_ln, want.ln(), &label);
        rows += 1;
    }
    assert_eq!(rows, 1542, "the oracle has 1,542 rows");
    plain.report();
    log.report();
    plain.assert_below(1e-12);
    log.assert_below(1e-10);
}
