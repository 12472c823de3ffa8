//! Bin(n, 1/2) upper tails across the region of the tabulated x = 1/2 Temme
//! expansion and its borders with the other methods, against mpmath (50
//! digits; `tests/data/generate_half_temme_grid.py`): n from 801 to 10^7 + 19,
//! k over |u| <= 0.13 on both sides of n/2 (seeded uniform), plus the
//! centre, the parameter floor b = 400, the edge |u| = 0.12, the switch from
//! the direct sum (~60 terms) and n = 1024 / 1025 (per-n tables vs direct);
//! through both entry points (`sf_half`, and `sf` with p = 1/2, which takes
//! the expansion from n = 800).
//!
//! Rows the expansion serves (its region, as `binomial::temme_split` draws
//! it): plain values within a relative 4e-15 wherever the reference is at
//! least 1e-300 (the log is carried as hi + lo, so exp adds no |ln p| x ulp
//! rounding), logs within 1e-15 max(|ln ref|, 1). The other rows (per-n
//! tables, direct sums just outside the region): plain 2e-13 (a sum's log
//! is one double, so p ~ 1e-263 loses ~|ln p| / 2 ulps in exp), logs 1e-15.

mod common;

use common::{BigFloat, Worst, csv_rows};
use fastmcnemar_core::binomial::{ln_sf, ln_sf_half, sf, sf_half, sf_half_with_ln};

const CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/binom_half_temme_reference.csv"
);

#[test]
fn half_tails_match_mpmath_across_the_temme_region() {
    let text = std::fs::read_to_string(CSV).expect("tests/data/binom_half_temme_reference.csv");
    let mut plain = Worst::new("plain, Temme x = 1/2 region");
    let mut log = Worst::new("log, Temme x = 1/2 region");
    let mut plain_other = Worst::new("plain, other methods");
    let mut log_other = Worst::new("log, other methods");
    let mut rows = 0;
    for (_, f) in csv_rows(&text, 3) {
        let n: u64 = f[0].parse().unwrap();
        let k: u64 = f[1].parse().unwrap();
        let want = BigFloat::parse(f[2]);
        let (got, got_ln) = (sf_half(n, k), ln_sf_half(n, k));
        assert_eq!(sf_half_with_ln(n, k), (got, got_ln), "n={n} k={k}");
        // The general entry point takes the expansion from n = 800 on (the
        // p = 1/2 one uses its per-n tables up to 1024).
        let general = (sf(n, k, 0.5), ln_sf(n, k, 0.5));
        for ((got, got_ln), min_n, entry) in [((got, got_ln), 1025, "half"), (general, 800, "p")] {
            let label = format!("n={n} k={k} ({entry})");
            let (plain, log) = if in_region(n, k, min_n) {
                (&mut plain, &mut log)
            } else {
                (&mut plain_other, &mut log_other)
            };
            if let Some(w) = want.plain_if_at_least(1e-300) {
                plain.record_rel(got, w, &label);
            }
            log.record_ln(got_ln, want.ln(), &label);
        }
        rows += 1;
    }
    assert!(rows > 1000, "only {rows} rows");
    for w in [&plain, &log, &plain_other, &log_other] {
        w.report();
    }
    assert!(plain.count() > 500 && plain_other.count() > 100);
    plain.assert_below(4e-15);
    log.assert_below(1e-15);
    plain_other.assert_below(2e-13);
    log_other.assert_below(1e-15);
}

/// Whether P(X >= k) comes from the tabulated expansion: n >= `min_n` (else
/// the per-n tables or the sum), both parameters a = k, b = n - k + 1 at
/// least 400, |u| = |a - b| / 2(a + b) <= 0.12, and more than ~60 summation
/// terms from k (|k - n/2| <= (19.5 n - 60^2) / 120).
fn in_region(n: u64, k: u64, min_n: u64) -> bool {
    let (a, b) = (k as f64, (n - k + 1) as f64);
    let nf = n as f64;
    n >= min_n
        && a.min(b) >= 400.0
        && (a - b).abs() / (2.0 * (a + b)) <= 0.12
        && (a - 0.5 * nf).abs() <= (19.5 * nf - 3600.0) / 120.0
}
