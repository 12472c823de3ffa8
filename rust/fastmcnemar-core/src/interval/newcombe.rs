//! Newcombe's (1998) hybrid score interval for paired proportions, method 10.
//!
//! Wilson score limits for each model's accuracy, p1 = (n11 + b)/N and
//! p2 = (n11 + c)/N, are combined "square-and-add" style with a correction
//! phi for the correlation of the pair:
//! L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2 - 2 phi (p1 - l1)(u2 - p2)),
//! U = d + sqrt((p2 - l2)^2 + (u1 - p1)^2 - 2 phi (p2 - l2)(u1 - p1)).

use super::{Interval, clamp_unit};
use crate::mcnemar::PairedCounts;

/// Wilson score limits for x successes out of n.
fn wilson(x: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let denominator = n + z2;
    let centre = (x + 0.5 * z2) / denominator;
    let half = z * (x * (n - x) / n + 0.25 * z2).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Newcombe's correlation correction phi (0 when any margin is empty).
fn phi(t: PairedCounts) -> f64 {
    let (n11, b, c, n22) = (
        t.both_correct as f64,
        t.b as f64,
        t.c as f64,
        t.both_wrong as f64,
    );
    let n = n11 + b + c + n22;
    let margins = [n11 + b, c + n22, n11 + c, b + n22];
    if margins.contains(&0.0) {
        return 0.0;
    }
    let scale = margins.iter().product::<f64>().sqrt();
    let a = n11 * n22 - b * c;
    if a > 0.5 * n {
        (a - 0.5 * n) / scale
    } else if a >= 0.0 {
        0.0
    } else {
        a / scale
    }
}

/// Newcombe's method-10 interval at critical value `z`.
pub fn interval(t: PairedCounts, z: f64) -> Interval {
    let n = t.total() as f64;
    let x1 = (t.both_correct + t.b) as f64;
    let x2 = (t.both_correct + t.c) as f64;
    let (p1, p2) = (x1 / n, x2 / n);
    let (l1, u1) = wilson(x1, n, z);
    let (l2, u2) = wilson(x2, n, z);
    let d = (t.b as f64 - t.c as f64) / n;
    let phi = phi(t);
    let (dl1, du2) = (p1 - l1, u2 - p2);
    let (dl2, du1) = (p2 - l2, u1 - p1);
    let below = (dl1 * dl1 + du2 * du2 - 2.0 * phi * dl1 * du2)
        .max(0.0)
        .sqrt();
    let above = (dl2 * dl2 + du1 * du1 - 2.0 * phi * dl2 * du1)
        .max(0.0)
        .sqrt();
    Interval {
        low: clamp_unit(d - below),
        high: clamp_unit(d + above),
    }
}
