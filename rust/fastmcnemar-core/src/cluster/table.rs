//! Per-cluster totals of paired samples: the additive summaries every
//! clustered statistic is built from.

use crate::error::{Error, Result, check_count_lengths, check_paired};
use crate::resample::differences::{check_finite, check_labels};

/// Totals of one cluster.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClusterTotals {
    /// Paired samples in the cluster (n_k).
    pub n: u64,
    /// Sum of the differences reference - candidate (D_k). For binary
    /// scores D_k = b_k - c_k.
    pub sum: f64,
    /// Sum of the squared differences (for the naive variance).
    pub squares: f64,
    /// Samples only the reference got right (b_k; binary scores only).
    pub b: u64,
    /// Samples only the candidate got right (c_k; binary scores only).
    pub c: u64,
}

/// Every non-empty cluster's totals, in label order (labels 0..K-1; a label
/// with no sample is dropped, as in the resampling engine).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterTable {
    pub clusters: Vec<ClusterTotals>,
    /// True when every score was 0 or 1 (b_k, c_k are then meaningful).
    pub binary: bool,
}

impl ClusterTable {
    /// Builds the table from per-sample scores and cluster labels.
    pub fn from_scores(reference: &[f64], candidate: &[f64], clusters: &[u32]) -> Result<Self> {
        check_paired(reference.len(), candidate.len())?;
        if reference.is_empty() {
            return Err(Error::EmptyInput { what: "reference" });
        }
        check_finite("reference", reference)?;
        check_finite("candidate", candidate)?;
        check_labels("clusters", clusters, reference.len())?;
        let k = clusters.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let mut totals = vec![ClusterTotals::default(); k];
        let is01 = |v: f64| v == 0.0 || v == 1.0;
        let binary = reference.iter().chain(candidate).all(|&v| is01(v));
        for ((&r, &c), &label) in reference.iter().zip(candidate).zip(clusters) {
            let t = &mut totals[label as usize];
            t.n += 1;
            t.sum += r - c;
            t.squares += (r - c) * (r - c);
            if binary {
                t.b += u64::from(r > c);
                t.c += u64::from(c > r);
            }
        }
        Ok(Self {
            clusters: totals.into_iter().filter(|t| t.n > 0).collect(),
            binary,
        })
    }

    /// Builds a binary table from per-cluster counts: `n[k]` pairs of which
    /// `b[k]` only the reference and `c[k]` only the candidate got right.
    /// The additive form partial runs merge into (see the engine's TaskStats).
    pub fn from_counts(n: &[i64], b: &[i64], c: &[i64]) -> Result<Self> {
        check_count_lengths(b, c)?;
        check_count_lengths(n, b)?;
        if n.is_empty() {
            return Err(Error::EmptyInput { what: "clusters" });
        }
        let mut clusters = Vec::with_capacity(n.len());
        for k in 0..n.len() {
            for (what, v) in [("n", n[k]), ("b", b[k]), ("c", c[k])] {
                if v < 0 {
                    return Err(Error::NegativeCount {
                        what,
                        index: k,
                        value: v,
                    });
                }
            }
            if n[k] == 0 || b[k] + c[k] > n[k] {
                return Err(Error::InvalidArgument(format!(
                    "cluster {k}: n = {} must be positive and at least b + c = {}",
                    n[k],
                    b[k] + c[k]
                )));
            }
            let d = (b[k] - c[k]) as f64;
            clusters.push(ClusterTotals {
                n: n[k] as u64,
                sum: d,
                squares: (b[k] + c[k]) as f64,
                b: b[k] as u64,
                c: c[k] as u64,
            });
        }
        Ok(Self {
            clusters,
            binary: true,
        })
    }

    /// Number of clusters K.
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    /// True when there is no cluster.
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// Number of paired samples N.
    pub fn n_samples(&self) -> u64 {
        self.clusters.iter().map(|t| t.n).sum()
    }

    /// The cluster sums D_k (the units the sign-flip test flips).
    pub fn sums(&self) -> Vec<f64> {
        self.clusters.iter().map(|t| t.sum).collect()
    }

    /// Total b and c over clusters (binary scores).
    pub fn discordant(&self) -> (u64, u64) {
        self.clusters
            .iter()
            .fold((0, 0), |(b, c), t| (b + t.b, c + t.c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_per_cluster() {
        let r = [1.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let c = [0.0, 1.0, 1.0, 0.0, 0.0, 0.0];
        let k = [0, 0, 0, 2, 2, 3];
        let t = ClusterTable::from_scores(&r, &c, &k).unwrap();
        assert!(t.binary);
        assert_eq!(t.len(), 3);
        assert_eq!(t.n_samples(), 6);
        assert_eq!(
            t.clusters[0],
            ClusterTotals {
                n: 3,
                sum: 0.0,
                squares: 2.0,
                b: 1,
                c: 1
            }
        );
        assert_eq!(t.sums(), vec![0.0, 1.0, 1.0]);
        assert_eq!(t.discordant(), (3, 1));
    }

    #[test]
    fn counts_give_the_same_table_as_scores() {
        let r = [1.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let c = [0.0, 1.0, 1.0, 0.0, 0.0, 0.0];
        let from_scores = ClusterTable::from_scores(&r, &c, &[0, 0, 0, 2, 2, 3]).unwrap();
        let from_counts = ClusterTable::from_counts(&[3, 2, 1], &[1, 1, 1], &[1, 0, 0]).unwrap();
        assert_eq!(from_scores, from_counts);
        assert!(ClusterTable::from_counts(&[1], &[1], &[1]).is_err());
        assert!(ClusterTable::from_counts(&[1], &[-1], &[0]).is_err());
        assert!(ClusterTable::from_counts(&[], &[], &[]).is_err());
    }

    #[test]
    fn refuses_bad_input() {
        assert!(ClusterTable::from_scores(&[], &[], &[]).is_err());
        assert!(ClusterTable::from_scores(&[1.0], &[0.0], &[0, 1]).is_err());
        assert!(ClusterTable::from_scores(&[f64::NAN], &[0.0], &[0]).is_err());
        let t = ClusterTable::from_scores(&[0.5], &[0.0], &[0]).unwrap();
        assert!(!t.binary);
    }
}
