//! Adjusted p-values for "which task degraded?".
//!
//! - Bonferroni, Holm: family-wise error under any dependence.
//! - Šidák, Holm-Šidák: family-wise error under independence or positive
//!   orthant dependence; slightly less conservative than Bonferroni / Holm.
//! - Hochberg: family-wise error under independence or positive dependence (Simes).
//! - Hommel: the same error control as Hochberg (closed Simes tests), and never
//!   less powerful; O(m^2) in the number of tasks.
//! - BH (Benjamini-Hochberg): false discovery rate, independence / PRDS.
//! - BY (Benjamini-Yekutieli): false discovery rate under any dependence.
//!
//! Same definitions as R `p.adjust` (Šidák and Holm-Šidák as statsmodels'
//! `multipletests`, computed without its `1 - (1 - p)^m` cancellation):
//! monotone in the sorted order, capped at 1.

use crate::error::{Error, Result};

/// A multiplicity adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    Holm,
    Hochberg,
    Hommel,
    Bonferroni,
    Sidak,
    HolmSidak,
    BenjaminiHochberg,
    BenjaminiYekutieli,
}

/// Adjusted p-values, in the input order.
pub fn adjust_pvalues(pvalues: &[f64], method: Adjustment) -> Result<Vec<f64>> {
    if pvalues.is_empty() {
        return Err(Error::EmptyInput { what: "pvalues" });
    }
    for (index, &value) in pvalues.iter().enumerate() {
        if value.is_nan() {
            return Err(Error::NonFinite {
                what: "pvalues",
                index,
                value,
            });
        }
        if !(0.0..=1.0).contains(&value) {
            return Err(Error::InvalidArgument(format!(
                "pvalues[{index}] = {value} lies outside [0, 1]"
            )));
        }
    }
    let m = pvalues.len();
    let mf = m as f64;
    // Ascending order; stable so ties keep their input order.
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| pvalues[a].total_cmp(&pvalues[b]));
    let mut adjusted = vec![0.0; m];
    match method {
        Adjustment::Bonferroni => {
            for (slot, &p) in adjusted.iter_mut().zip(pvalues) {
                *slot = (mf * p).min(1.0);
            }
        }
        Adjustment::Sidak => {
            for (slot, &p) in adjusted.iter_mut().zip(pvalues) {
                *slot = sidak(p, mf);
            }
        }
        Adjustment::Holm | Adjustment::HolmSidak => {
            // Step-down: running maximum from the smallest up of (m - i) p_(i),
            // or its Šidák form 1 - (1 - p_(i))^(m - i).
            let mut running = 0.0_f64;
            for (rank, &i) in order.iter().enumerate() {
                let left = mf - rank as f64;
                let step = match method {
                    Adjustment::Holm => left * pvalues[i],
                    _ => sidak(pvalues[i], left),
                };
                running = running.max(step.min(1.0));
                adjusted[i] = running;
            }
        }
        Adjustment::Hommel => {
            let sorted: Vec<f64> = order.iter().map(|&i| pvalues[i]).collect();
            for (value, &i) in hommel_sorted(&sorted).into_iter().zip(&order) {
                adjusted[i] = value;
            }
        }
        Adjustment::Hochberg | Adjustment::BenjaminiHochberg | Adjustment::BenjaminiYekutieli => {
            let harmonic: f64 = (1..=m).map(|k| 1.0 / k as f64).sum();
            // Step-up: running minimum from the largest down.
            let mut running = f64::INFINITY;
            for (rank, &i) in order.iter().enumerate().rev() {
                let r = rank as f64 + 1.0;
                let factor = match method {
                    Adjustment::Hochberg => mf - r + 1.0,
                    Adjustment::BenjaminiHochberg => mf / r,
                    _ => mf * harmonic / r,
                };
                running = running.min((factor * pvalues[i]).min(1.0));
                adjusted[i] = running;
            }
        }
    }
    Ok(adjusted)
}

/// Šidák's 1 - (1 - p)^k, without cancellation for small p.
fn sidak(p: f64, k: f64) -> f64 {
    if p >= 1.0 {
        return 1.0;
    }
    (-(k * (-p).ln_1p()).exp_m1()).min(1.0)
}

/// Hommel-adjusted p-values of ascending `p` (Wright, 1992).
///
/// The adjusted value of hypothesis i is the largest, over the sizes k of the
/// subsets that contain it, of the Simes p-value of the "hardest" such subset:
/// built up here one subset size at a time, from k = m down to 2, by carrying
/// the per-rank bound `bound` and keeping the running maximum in `adjusted`.
fn hommel_sorted(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    // k = m: the Simes p-value of all hypotheses bounds every rank.
    let simes_all = (0..m)
        .map(|j| m as f64 * p[j] / (j + 1) as f64)
        .fold(f64::INFINITY, f64::min);
    let mut adjusted = vec![simes_all; m];
    let mut bound = vec![simes_all; m];
    for k in (2..m).rev() {
        // Subsets of size k: the m - k + 1 smallest ranks each with the k - 1
        // largest, whose Simes bound is shared; the largest ranks take the
        // bound of the first of them.
        let head = m - k + 1;
        let shared = (2..=k)
            .map(|j| k as f64 * p[m - k + j - 1] / j as f64)
            .fold(f64::INFINITY, f64::min);
        for rank in 0..head {
            bound[rank] = (k as f64 * p[rank]).min(shared);
        }
        let tail = bound[head - 1];
        for slot in &mut bound[head..] {
            *slot = tail;
        }
        for (a, &b) in adjusted.iter_mut().zip(&bound) {
            *a = a.max(b);
        }
    }
    adjusted
        .iter()
        .zip(p)
        .map(|(&a, &raw)| a.max(raw).min(1.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= 1e-15 * y.max(1e-300) + 1e-17, "{x} vs {y}");
        }
    }

    // R p.adjust on p = [0.01, 0.2, 0.3] and [1e-20, 0.5, 0.9, 0.04]
    // (../shared/vectors/peer_vectors.json, aggregation_generated_R).
    #[test]
    fn matches_r_p_adjust() {
        let p = [0.01, 0.2, 0.3];
        close(
            &adjust_pvalues(&p, Adjustment::Holm).unwrap(),
            &[0.03, 0.4, 0.4],
        );
        close(
            &adjust_pvalues(&p, Adjustment::Hochberg).unwrap(),
            &[0.03, 0.3, 0.3],
        );
        close(
            &adjust_pvalues(&p, Adjustment::BenjaminiYekutieli).unwrap(),
            &[0.055, 0.55, 0.55],
        );
        let p = [1e-20, 0.5, 0.9, 0.04];
        close(
            &adjust_pvalues(&p, Adjustment::BenjaminiHochberg).unwrap(),
            &[4e-20, 2.0 / 3.0, 0.9, 0.08],
        );
        close(
            &adjust_pvalues(&p, Adjustment::Bonferroni).unwrap(),
            &[4e-20, 1.0, 1.0, 0.16],
        );
    }

    // R p.adjust(method = "hommel") (../shared/vectors/peer_vectors.json,
    // aggregation_generated_R cases metap3 and extreme4).
    #[test]
    fn hommel_matches_r() {
        close(
            &adjust_pvalues(&[0.01, 0.2, 0.3], Adjustment::Hommel).unwrap(),
            &[0.03, 0.3, 0.3],
        );
        close(
            &adjust_pvalues(&[1e-20, 0.5, 0.9, 0.04], Adjustment::Hommel).unwrap(),
            &[4e-20, 0.9, 0.9, 0.12],
        );
        // One hypothesis: nothing to adjust.
        close(&adjust_pvalues(&[0.3], Adjustment::Hommel).unwrap(), &[0.3]);
    }

    #[test]
    fn sidak_keeps_tiny_p_values() {
        // 1 - (1 - 1e-20)^4 is 0 in floating point when computed literally.
        let got = adjust_pvalues(&[1e-20, 0.5], Adjustment::Sidak).unwrap();
        close(&got, &[2e-20, 0.75]);
        let got = adjust_pvalues(&[0.5, 1e-20, 0.2], Adjustment::HolmSidak).unwrap();
        close(&got, &[0.5, 3e-20, 0.36]);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            adjust_pvalues(&[0.1, f64::NAN], Adjustment::Holm),
            Err(Error::NonFinite { index: 1, .. })
        ));
        assert!(adjust_pvalues(&[], Adjustment::Holm).is_err());
        assert!(adjust_pvalues(&[1.5], Adjustment::Holm).is_err());
    }
}
