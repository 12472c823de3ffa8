//! The cluster-robust (CR1) standard error and interval of the mean paired
//! difference, the design effect and the effective sample size.
//!
//! With N samples in K clusters, cluster sums D_k and sizes n_k, and the
//! mean difference d = sum_k D_k / N:
//! - CR1 variance (Liang-Zeger with the K / (K - 1) finite-cluster factor,
//!   as Inspect's clustered stderr and Stata's `vce(cluster)`):
//!   V_CR = K / (K - 1) sum_k (D_k - n_k d)^2 / N^2;
//! - naive variance (samples independent): V_0 = s^2 / N, s^2 the sample
//!   variance (N - 1 denominator) of the differences;
//! - design effect DEFF = V_CR / V_0 and effective sample size N / DEFF;
//! - implied intra-cluster correlation (DEFF - 1) / (m - 1), m = N / K, the
//!   inverse of the planning formula DEFF = 1 + (m - 1) ICC.
//!
//! With one sample per cluster V_CR = V_0, DEFF = 1. The interval is
//! d +- z_{1 - (1 - level)/2} sqrt(V_CR), the normal reference Inspect and
//! Miller (2024) use: asymptotic in K, unreliable below about 30 clusters.

use super::table::ClusterTable;
use crate::error::{Error, Result, check_level};
use crate::special::normal::norm_ppf;

/// Cluster-robust summary of the mean difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterDesign {
    pub n_samples: u64,
    pub n_clusters: usize,
    /// Mean difference reference - candidate.
    pub estimate: f64,
    /// CR1 standard error (NaN with one cluster).
    pub standard_error: f64,
    /// Standard error treating samples as independent (NaN with one sample).
    pub naive_standard_error: f64,
    /// V_CR / V_0; 1 when the differences do not vary at all.
    pub design_effect: f64,
    /// N / DEFF.
    pub effective_n: f64,
    /// (DEFF - 1) / (N / K - 1); NaN when every cluster has one sample.
    pub icc: f64,
    pub low: f64,
    pub high: f64,
}

/// The CR1 summary at two-sided `confidence_level`.
pub fn cluster_design(table: &ClusterTable, confidence_level: f64) -> Result<ClusterDesign> {
    check_level("confidence_level", confidence_level)?;
    if table.is_empty() {
        return Err(Error::EmptyInput { what: "clusters" });
    }
    let n = table.n_samples() as f64;
    let k = table.len() as f64;
    let total: f64 = table.clusters.iter().map(|t| t.sum).sum();
    let mean = total / n;
    let between: f64 = table
        .clusters
        .iter()
        .map(|t| (t.sum - t.n as f64 * mean).powi(2))
        .sum();
    // Sum of squared deviations, sum d^2 - N d^2, floored at 0 against
    // rounding; recomputed from the centred cluster terms when tiny.
    let squares: f64 = table.clusters.iter().map(|t| t.squares).sum();
    let within_total = (squares - n * mean * mean).max(0.0);
    let variance_cr = if k > 1.0 {
        k / (k - 1.0) * between / (n * n)
    } else {
        f64::NAN
    };
    let variance_naive = if n > 1.0 {
        within_total / (n - 1.0) / n
    } else {
        f64::NAN
    };
    let design_effect = if variance_naive == 0.0 && variance_cr == 0.0 {
        1.0
    } else {
        variance_cr / variance_naive
    };
    let m = n / k;
    let icc = if m > 1.0 {
        (design_effect - 1.0) / (m - 1.0)
    } else {
        f64::NAN
    };
    let se = variance_cr.sqrt();
    let half = norm_ppf(0.5 + confidence_level / 2.0) * se;
    Ok(ClusterDesign {
        n_samples: table.n_samples(),
        n_clusters: table.len(),
        estimate: mean,
        standard_error: se,
        naive_standard_error: variance_naive.sqrt(),
        design_effect,
        effective_n: n / design_effect,
        icc,
        low: mean - half,
        high: mean + half,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_per_cluster_has_no_design_effect() {
        let r = [1.0, 0.0, 1.0, 1.0, 0.5, 0.25];
        let c = [0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let k = [0, 1, 2, 3, 4, 5];
        let t = ClusterTable::from_scores(&r, &c, &k).unwrap();
        let d = cluster_design(&t, 0.95).unwrap();
        assert!((d.design_effect - 1.0).abs() < 1e-12);
        assert!((d.standard_error - d.naive_standard_error).abs() < 1e-15);
        assert!(d.icc.is_nan());
    }

    #[test]
    fn hand_computed() {
        // d = (1, 1, 0 | 0, -1 | 1), clusters of 3, 2, 1: N = 6, mean 1/3.
        let r = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        let c = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        let k = [0, 0, 0, 1, 1, 2];
        let t = ClusterTable::from_scores(&r, &c, &k).unwrap();
        let d = cluster_design(&t, 0.95).unwrap();
        // D = (2, -1, 1); D - n mean = (1, -5/3, 2/3); squares 1 + 25/9 + 4/9 = 38/9.
        let v_cr: f64 = 1.5 * (38.0 / 9.0) / 36.0;
        assert!((d.standard_error - v_cr.sqrt()).abs() < 1e-15);
        // sum d^2 = 4, N mean^2 = 2/3: s^2 = (10/3) / 5 = 2/3, V0 = 1/9.
        assert!((d.naive_standard_error - (1.0f64 / 9.0).sqrt()).abs() < 1e-15);
        assert!((d.design_effect - v_cr * 9.0).abs() < 1e-13);
        assert!((d.effective_n - 6.0 / (v_cr * 9.0)).abs() < 1e-12);
        assert!((d.icc - (v_cr * 9.0 - 1.0) / 1.0).abs() < 1e-13);
        let half = 1.959_963_984_540_054 * v_cr.sqrt();
        assert!((d.low - (1.0 / 3.0 - half)).abs() < 1e-14);
    }

    #[test]
    fn constant_differences_and_one_cluster() {
        let t = ClusterTable::from_scores(&[1.0, 1.0], &[0.0, 0.0], &[0, 1]).unwrap();
        let d = cluster_design(&t, 0.9).unwrap();
        assert_eq!((d.design_effect, d.standard_error), (1.0, 0.0));
        let one = ClusterTable::from_scores(&[1.0, 0.0], &[0.0, 0.0], &[0, 0]).unwrap();
        let d = cluster_design(&one, 0.9).unwrap();
        assert!(d.standard_error.is_nan() && d.design_effect.is_nan());
        assert!(cluster_design(&one, 1.5).is_err());
    }
}
