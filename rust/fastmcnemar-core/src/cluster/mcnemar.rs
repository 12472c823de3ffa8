//! Clustered McNemar statistics for paired binary outcomes, from the
//! per-cluster discordance counts (b_k, c_k) and cluster sizes n_k.
//!
//! - Obuchowski (1998) in Yang, Sun & Hardin's (2010) simplified form:
//!   X^2 = ((K - 1) / K) (sum_k (b_k - c_k))^2 / sum_k (b_k - c_k)^2.
//!   The sum over clusters of the discordance differences, standardised by
//!   their uncentred empirical variance (the variance under the null).
//! - Durkalski et al. (2003): X^2 = (sum_k (b_k - c_k) / n_k)^2 /
//!   sum_k ((b_k - c_k) / n_k)^2: every cluster weighs the same.
//!
//! Both are referred to chi-square with 1 degree of freedom, i.e. their
//! signed roots z to the standard normal; one-sided tests use z in the
//! degradation direction (b > c is "the candidate is worse", as in the
//! unclustered McNemar test). Asymptotic in the number of clusters K: below
//! about 30 clusters the exact cluster-level sign-flip test is the one to
//! trust. With one pair per cluster Durkalski's X^2 is McNemar's (b - c)^2 /
//! (b + c) exactly, Obuchowski's is that times (K - 1) / K.

use super::table::ClusterTable;
use crate::error::{Error, Result};
use crate::resample::permutation::Alternative;
use crate::special::chi2::chi2_sf;
use crate::special::normal::{norm_cdf, norm_sf};

/// Which clustered statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusteredStatistic {
    Obuchowski,
    Durkalski,
}

impl ClusteredStatistic {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "obuchowski" => Ok(Self::Obuchowski),
            "durkalski" => Ok(Self::Durkalski),
            other => Err(Error::InvalidArgument(format!(
                "clustered McNemar statistic must be 'obuchowski' or 'durkalski', got {other:?}"
            ))),
        }
    }
}

/// A clustered McNemar test's answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusteredMcNemar {
    /// Chi-square statistic (1 degree of freedom).
    pub chi2: f64,
    /// Signed root: positive when b > c (degradation direction).
    pub z: f64,
    pub pvalue: f64,
}

/// Numerator and denominator (sum x_k)^2 and sum x_k^2, with x_k the
/// cluster's (b_k - c_k), divided by n_k for Durkalski.
fn sums(table: &ClusterTable, statistic: ClusteredStatistic) -> (f64, f64) {
    table.clusters.iter().fold((0.0, 0.0), |(s, q), t| {
        let d = t.b as f64 - t.c as f64;
        let x = match statistic {
            ClusteredStatistic::Obuchowski => d,
            ClusteredStatistic::Durkalski => d / t.n as f64,
        };
        (s + x, q + x * x)
    })
}

/// The clustered McNemar test on a binary [`ClusterTable`]. No discordant
/// cluster (all b_k = c_k): X^2 = 0, p = 1.
pub fn clustered_mcnemar(
    table: &ClusterTable,
    statistic: ClusteredStatistic,
    alternative: Alternative,
) -> Result<ClusteredMcNemar> {
    if table.is_empty() {
        return Err(Error::EmptyInput { what: "clusters" });
    }
    if !table.binary {
        return Err(Error::InvalidArgument(
            "the clustered McNemar statistics need 0/1 scores; use the sign-flip test \
             for continuous scores"
                .into(),
        ));
    }
    let (sum, squares) = sums(table, statistic);
    if squares == 0.0 {
        return Ok(ClusteredMcNemar {
            chi2: 0.0,
            z: 0.0,
            pvalue: 1.0,
        });
    }
    let k = table.len() as f64;
    let factor = match statistic {
        ClusteredStatistic::Obuchowski => (k - 1.0) / k,
        ClusteredStatistic::Durkalski => 1.0,
    };
    let z = factor.sqrt() * sum / squares.sqrt();
    let chi2 = z * z;
    let pvalue = match alternative {
        Alternative::Greater => norm_sf(z),
        Alternative::Less => norm_cdf(z),
        Alternative::TwoSided => chi2_sf(chi2, 1),
    };
    Ok(ClusteredMcNemar { chi2, z, pvalue })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(r: &[f64], c: &[f64], k: &[u32]) -> ClusterTable {
        ClusterTable::from_scores(r, c, k).unwrap()
    }

    #[test]
    fn one_pair_per_cluster_is_mcnemar() {
        // b = 7, c = 3, 5 concordant pairs: McNemar chi2 = 16 / 10.
        let mut r = vec![1.0; 7];
        r.extend([0.0; 3]);
        r.extend([1.0, 1.0, 0.0, 0.0, 1.0]);
        let mut c = vec![0.0; 7];
        c.extend([1.0; 3]);
        c.extend([1.0, 1.0, 0.0, 0.0, 1.0]);
        let k: Vec<u32> = (0..15).collect();
        let t = table(&r, &c, &k);
        let d =
            clustered_mcnemar(&t, ClusteredStatistic::Durkalski, Alternative::TwoSided).unwrap();
        assert!((d.chi2 - 1.6).abs() < 1e-15);
        let o =
            clustered_mcnemar(&t, ClusteredStatistic::Obuchowski, Alternative::TwoSided).unwrap();
        assert!((o.chi2 - 1.6 * 14.0 / 15.0).abs() < 1e-14);
        assert!(d.z > 0.0);
        assert!((d.pvalue - chi2_sf(1.6, 1)).abs() < 1e-15);
    }

    #[test]
    fn hand_computed_clusters() {
        // Clusters: (b, c, n) = (2, 0, 3), (0, 1, 2), (1, 1, 2).
        let r = [1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0];
        let c = [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0];
        let k = [0, 0, 0, 1, 1, 2, 2];
        let t = table(&r, &c, &k);
        // Obuchowski: (2/3) (2 - 1)^2 / (4 + 1 + 0) = 2 / 15.
        let o =
            clustered_mcnemar(&t, ClusteredStatistic::Obuchowski, Alternative::Greater).unwrap();
        assert!((o.chi2 - 2.0 / 15.0).abs() < 1e-15);
        assert!((o.pvalue - norm_sf((2.0f64 / 15.0).sqrt())).abs() < 1e-15);
        // Durkalski: (2/3 - 1/2)^2 / (4/9 + 1/4) = (1/36) / (25/36) = 1/25.
        let d = clustered_mcnemar(&t, ClusteredStatistic::Durkalski, Alternative::Less).unwrap();
        assert!((d.chi2 - 0.04).abs() < 1e-15);
        assert!((d.pvalue - norm_cdf(0.2)).abs() < 1e-15);
    }

    #[test]
    fn no_discordance_and_bad_input() {
        let t = table(&[1.0, 0.0], &[1.0, 0.0], &[0, 1]);
        let o =
            clustered_mcnemar(&t, ClusteredStatistic::Obuchowski, Alternative::Greater).unwrap();
        assert_eq!((o.chi2, o.pvalue), (0.0, 1.0));
        let cont = table(&[0.5], &[0.0], &[0]);
        assert!(
            clustered_mcnemar(&cont, ClusteredStatistic::Durkalski, Alternative::Greater).is_err()
        );
        assert!(ClusteredStatistic::parse("eliasziw").is_err());
    }
}
