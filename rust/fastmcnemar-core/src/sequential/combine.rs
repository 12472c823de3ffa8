//! Suite-level evidence from per-task e-values, and e-BH to name the
//! degraded tasks.
//!
//! - The **average** of e-values is an e-value whatever the dependence
//!   between tasks (linearity of expectation); the average of e-processes on
//!   one filtration is again an e-process, so its running maximum may be
//!   checked against 1/α after every update. This is the default.
//! - The **product** is an e-value only when the tasks' evidence is
//!   independent (disjoint samples, models that do not share state across
//!   tasks); it is far more powerful when many tasks degrade a little.
//! - **e-BH** (Wang and Ramdas 2022, "False discovery rate control with
//!   e-values", JRSS-B): with K e-values sorted decreasingly, reject the k*
//!   largest, k* = max{k : e_(k) >= K / (α k)}. It controls the false
//!   discovery rate at α under *any* dependence, and works with e-processes
//!   stopped at any stopping time (use their current values, not running
//!   maxima, which are not e-values).

/// ln of the mean of exp(`ln_e`), computed without overflow.
pub fn ln_mean(ln_e: &[f64]) -> f64 {
    if ln_e.is_empty() {
        return 0.0;
    }
    let top = ln_e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if top == f64::INFINITY {
        return f64::INFINITY;
    }
    if top == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    let sum: f64 = ln_e.iter().map(|v| (v - top).exp()).sum();
    top + sum.ln() - (ln_e.len() as f64).ln()
}

/// ln of the product of exp(`ln_e`) (valid only for independent tasks).
pub fn ln_product(ln_e: &[f64]) -> f64 {
    ln_e.iter().sum()
}

/// e-BH rejections at level `alpha` for log e-values `ln_e`.
pub fn e_bh(ln_e: &[f64], alpha: f64) -> Vec<bool> {
    let k_total = ln_e.len();
    let mut order: Vec<usize> = (0..k_total).collect();
    // Decreasing e-values; NaN never occurs (callers pass finite or +inf).
    order.sort_by(|&a, &b| ln_e[b].total_cmp(&ln_e[a]).then(a.cmp(&b)));
    let ln_k = (k_total as f64).ln();
    let ln_alpha = alpha.ln();
    let mut k_star = 0;
    for (rank, &i) in order.iter().enumerate() {
        let k = (rank + 1) as f64;
        if ln_e[i] >= ln_k - ln_alpha - k.ln() {
            k_star = rank + 1;
        }
    }
    let mut rejected = vec![false; k_total];
    for &i in &order[..k_star] {
        rejected[i] = true;
    }
    rejected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_product() {
        let e = [2f64.ln(), 4f64.ln(), 0.5f64.ln()];
        assert!((ln_mean(&e) - (6.5f64 / 3.0).ln()).abs() < 1e-15);
        assert!((ln_product(&e) - 4f64.ln()).abs() < 1e-15);
        assert_eq!(ln_mean(&[f64::INFINITY, 0.0]), f64::INFINITY);
    }

    #[test]
    fn e_bh_by_hand() {
        // K = 4, α = 0.1: thresholds K/(αk) = 40, 20, 13.3, 10.
        let e: Vec<f64> = [50.0, 1.0, 15.0, 12.0]
            .iter()
            .map(|v: &f64| v.ln())
            .collect();
        // sorted: 50 (>=40), 15 (<20), 12 (<13.3), 1: k* = 1 ... but 12 >= 10? k=4 needs e_(4) = 1.
        assert_eq!(e_bh(&e, 0.1), vec![true, false, false, false]);
        let e2: Vec<f64> = [50.0, 1.0, 15.0, 14.0]
            .iter()
            .map(|v: &f64| v.ln())
            .collect();
        // 14 >= 13.3 at k = 3: reject the three largest.
        assert_eq!(e_bh(&e2, 0.1), vec![true, false, true, true]);
        assert_eq!(e_bh(&[], 0.1), Vec::<bool>::new());
    }
}
