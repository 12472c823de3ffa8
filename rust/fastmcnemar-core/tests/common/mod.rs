//! Shared helpers for the reference-vector tests: their CSV rows, numbers far
//! outside the double range, and worst-error bookkeeping.

#![allow(dead_code)]

/// The data rows of a reference CSV (the header skipped), each split into
/// its `width` fields, with the row number for messages.
pub fn csv_rows(text: &str, width: usize) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().skip(1).map(move |(i, line)| {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), width, "row {i}: {line}");
        (i, fields)
    })
}

/// A positive reference value written as `mantissa e exponent`, possibly far
/// below the double range (e.g. `1.234e-646456994`).
#[derive(Clone, Copy, Debug)]
pub struct BigFloat {
    mantissa: f64,
    exponent: i64,
}

impl BigFloat {
    pub fn parse(s: &str) -> BigFloat {
        let s = s.trim();
        match s.split_once(['e', 'E']) {
            Some((m, e)) => BigFloat {
                mantissa: m.parse().unwrap_or_else(|_| panic!("bad mantissa in {s}")),
                exponent: e.parse().unwrap_or_else(|_| panic!("bad exponent in {s}")),
            },
            None => BigFloat {
                mantissa: s.parse().unwrap_or_else(|_| panic!("bad number {s}")),
                exponent: 0,
            },
        }
    }

    /// Natural log of the value.
    pub fn ln(&self) -> f64 {
        if self.mantissa == 0.0 {
            return f64::NEG_INFINITY;
        }
        self.mantissa.ln() + self.exponent as f64 * std::f64::consts::LN_10
    }

    /// The value as a double, when it is at least `floor` (else None).
    pub fn plain_if_at_least(&self, floor: f64) -> Option<f64> {
        if self.exponent < -305 {
            return None;
        }
        let v: f64 = format!("{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap();
        (v >= floor).then_some(v)
    }
}

/// Tracks the largest error seen and where.
pub struct Worst {
    what: &'static str,
    max: f64,
    at: String,
    count: usize,
}

impl Worst {
    pub fn new(what: &'static str) -> Worst {
        Worst {
            what,
            max: 0.0,
            at: String::new(),
            count: 0,
        }
    }

    /// Records an error computed by the caller.
    pub fn record(&mut self, err: f64, label: &str) {
        self.count += 1;
        // NaN counts as the worst possible error.
        if err.is_nan() || err > self.max {
            self.max = if err.is_nan() { f64::INFINITY } else { err };
            self.at = label.to_string();
        }
    }

    /// Relative error of a plain value.
    pub fn record_rel(&mut self, got: f64, want: f64, label: &str) {
        let err = if got == want {
            0.0
        } else {
            ((got - want) / want).abs()
        };
        self.record(err, &format!("{label} got={got:e} want={want:e}"));
    }

    /// Error of a natural-log value: relative to |ln want|, or absolute when
    /// |ln want| < 1 (p > 1/e, where the plain check is the sharper one and
    /// a 17-digit reference of p ~ 1 carries no relative information on ln p).
    pub fn record_ln(&mut self, got: f64, want: f64, label: &str) {
        let err = if got == want {
            0.0
        } else {
            (got - want).abs() / want.abs().max(1.0)
        };
        self.record(err, &format!("{label} ln got={got:e} want={want:e}"));
    }

    /// Absolute error (for quantities near zero such as quantiles at 1/2).
    pub fn record_abs(&mut self, got: f64, want: f64, label: &str) {
        let err = if got == want { 0.0 } else { (got - want).abs() };
        self.record(err, &format!("{label} got={got:e} want={want:e}"));
    }

    /// Values recorded.
    pub fn count(&self) -> usize {
        self.count
    }

    pub fn report(&self) {
        println!(
            "max {} error over {} rows: {:.3e} at {}",
            self.what, self.count, self.max, self.at
        );
    }

    pub fn assert_below(&self, tol: f64) {
        assert!(
            self.max <= tol,
            "max {} error {:e} > {:e} at {}",
            self.what,
            self.max,
            tol,
            self.at
        );
    }
}
