//! Adjusted p-values for "which task degraded?".
//!
//! - Bonferroni, Holm: family-wise error under any dependence.
//! - Hochberg: family-wise error under independence or positive dependence (Simes).
//! - BH (Benjamini-Hochberg): false discovery rate, independence / PRDS.
//! - BY (Benjamini-Yekutieli): false discovery rate under any dependence.
//!
//! Same definitions as R `p.adjust`: monotone in the sorted order, capped at 1.

use crate::error::{Error, Result};

/// A multiplicity adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    Holm,
    Hochberg,
    Bonferroni,
    BenjaminiHochberg,
    BenjaminiYekutieli,
}

impl Adjustment {
    /// Parses "holm", "hochberg", "bonferroni", "bh", "by".
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "holm" => Ok(Self::Holm),
            "hochberg" => Ok(Self::Hochberg),
            "bonferroni" => Ok(Self::Bonferroni),
            "bh" => Ok(Self::BenjaminiHochberg),
            "by" => Ok(Self::BenjaminiYekutieli),
            other => Err(Error::InvalidArgument(format!(
                "method must be 'holm', 'hochberg', 'bonferroni', 'bh' or 'by', got {other:?}"
            ))),
        }
    }
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
        Adjustment::Holm => {
            // Step-down: running maximum of (m - i) p_(i) from the smallest up.
            let mut running = 0.0_f64;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max(((mf - rank as f64) * pvalues[i]).min(1.0));
                adjusted[i] = running;
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

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            adjust_pvalues(&[0.1, f64::NAN], Adjustment::Holm),
            Err(Error::NonFinite { index: 1, .. })
        ));
        assert!(adjust_pvalues(&[], Adjustment::Holm).is_err());
        assert!(adjust_pvalues(&[1.5], Adjustment::Holm).is_err());
        assert!(Adjustment::parse("hommel").is_err());
    }
}
