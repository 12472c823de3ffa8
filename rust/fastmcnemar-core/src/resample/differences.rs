//! Paired differences and the forms the engines consume: cluster totals,
//! distinct magnitudes with counts, and samples sorted into group segments.

use crate::error::{Error, Result, check_paired};

/// `reference[i] - candidate[i]`, refusing empty, unpaired or non-finite input.
pub fn paired_differences(reference: &[f64], candidate: &[f64]) -> Result<Vec<f64>> {
    check_paired(reference.len(), candidate.len())?;
    check_finite("reference", reference)?;
    check_finite("candidate", candidate)?;
    Ok(reference
        .iter()
        .zip(candidate)
        .map(|(r, c)| r - c)
        .collect())
}

/// Errors on the first NaN or infinity, naming its index.
pub fn check_finite(what: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Checks that a label array (groups, clusters) pairs with the samples.
pub fn check_labels(what: &'static str, labels: &[u32], n_samples: usize) -> Result<()> {
    if labels.len() != n_samples {
        return Err(Error::LengthMismatch {
            left: what,
            left_len: labels.len(),
            right: "reference",
            right_len: n_samples,
        });
    }
    Ok(())
}

/// Per-cluster totals of `values` (clusters are labelled 0..n_clusters) and
/// the number of samples in each; signs flip, and bootstraps draw, per cluster.
pub fn cluster_totals(values: &[f64], clusters: &[u32]) -> Result<(Vec<f64>, Vec<u64>)> {
    check_labels("clusters", clusters, values.len())?;
    let n_clusters = clusters.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut totals = vec![0.0; n_clusters];
    let mut sizes = vec![0u64; n_clusters];
    for (&v, &c) in values.iter().zip(clusters) {
        totals[c as usize] += v;
        sizes[c as usize] += 1;
    }
    // Labels with no member (a gap in the numbering) are dropped.
    let keep: Vec<usize> = (0..n_clusters).filter(|&k| sizes[k] > 0).collect();
    Ok((
        keep.iter().map(|&k| totals[k]).collect(),
        keep.iter().map(|&k| sizes[k]).collect(),
    ))
}

/// The group of each cluster (in [`cluster_totals`] order), refusing a
/// cluster whose samples fall in different groups.
pub fn cluster_groups(clusters: &[u32], groups: &[u32]) -> Result<Vec<u32>> {
    check_labels("groups", groups, clusters.len())?;
    let n_clusters = clusters.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut group_of: Vec<Option<u32>> = vec![None; n_clusters];
    for (index, (&c, &g)) in clusters.iter().zip(groups).enumerate() {
        match group_of[c as usize] {
            None => group_of[c as usize] = Some(g),
            Some(seen) if seen != g => {
                return Err(Error::InvalidArgument(format!(
                    "cluster of sample {index} spans groups {seen} and {g}: clusters must \
                     lie within one group"
                )));
            }
            Some(_) => {}
        }
    }
    Ok(group_of.into_iter().flatten().collect())
}

/// Whether the non-zero |d| take at most `limit` distinct values; stops
/// early, so continuous data cost O(limit), not a sort.
pub fn few_distinct_magnitudes(d: &[f64], limit: usize) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(limit.min(1 << 16) + 1);
    for v in d {
        if *v != 0.0 && seen.insert(v.abs().to_bits()) && seen.len() > limit {
            return false;
        }
    }
    true
}

/// Distinct values of a slice, exact float equality, ascending, with counts.
pub fn distinct_with_counts(values: &[f64]) -> Vec<(f64, u64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, u64)> = Vec::new();
    for v in sorted {
        match out.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => out.push((v, 1)),
        }
    }
    out
}

/// Distinct non-zero magnitudes |d| (ascending), how often each occurs and
/// how many of those occurrences are positive: all a sign-flip null needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Magnitudes {
    pub values: Vec<f64>,
    pub counts: Vec<u64>,
    pub positive: Vec<u64>,
}

impl Magnitudes {
    /// Groups the non-zero entries of `d` by exact |d|.
    pub fn of(d: &[f64]) -> Magnitudes {
        let mut pairs: Vec<(f64, bool)> = d
            .iter()
            .filter(|v| **v != 0.0)
            .map(|v| (v.abs(), *v > 0.0))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut m = Magnitudes {
            values: Vec::new(),
            counts: Vec::new(),
            positive: Vec::new(),
        };
        for (v, pos) in pairs {
            if m.values.last() != Some(&v) {
                m.values.push(v);
                m.counts.push(0);
                m.positive.push(0);
            }
            let j = m.values.len() - 1;
            m.counts[j] += 1;
            m.positive[j] += u64::from(pos);
        }
        m
    }

    /// Number of non-zero differences.
    pub fn n_nonzero(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Samples reordered so each group is one contiguous segment.
#[derive(Debug, Clone)]
pub struct GroupSegments {
    /// Values in group order.
    pub values: Vec<f64>,
    /// `starts[g]..starts[g + 1]` is group g.
    pub starts: Vec<usize>,
}

impl GroupSegments {
    /// Stable counting sort of `values` by `groups` (labels 0..n_groups).
    pub fn new(values: &[f64], groups: &[u32], n_groups: usize) -> Result<GroupSegments> {
        check_labels("groups", groups, values.len())?;
        if let Some(index) = groups.iter().position(|&g| g as usize >= n_groups) {
            return Err(Error::InvalidArgument(format!(
                "groups[{index}] = {} is not below the number of groups {n_groups}",
                groups[index]
            )));
        }
        let mut starts = vec![0usize; n_groups + 1];
        for &g in groups {
            starts[g as usize + 1] += 1;
        }
        for g in 0..n_groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut ordered = vec![0.0; values.len()];
        for (&v, &g) in values.iter().zip(groups) {
            ordered[next[g as usize]] = v;
            next[g as usize] += 1;
        }
        Ok(GroupSegments {
            values: ordered,
            starts,
        })
    }

    pub fn n_groups(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn segment(&self, g: usize) -> &[f64] {
        &self.values[self.starts[g]..self.starts[g + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_validate_their_input() {
        assert_eq!(
            paired_differences(&[1.0, 0.5], &[0.0, 1.0]).unwrap(),
            vec![1.0, -0.5]
        );
        assert!(matches!(
            paired_differences(&[1.0], &[1.0, 2.0]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            paired_differences(&[], &[]),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            paired_differences(&[1.0, f64::NAN], &[0.0, 0.0]),
            Err(Error::NonFinite { index: 1, .. })
        ));
    }

    #[test]
    fn magnitudes_count_signs() {
        let m = Magnitudes::of(&[1.0, -1.0, 0.0, 2.0, 1.0]);
        assert_eq!(m.values, vec![1.0, 2.0]);
        assert_eq!(m.counts, vec![3, 1]);
        assert_eq!(m.positive, vec![2, 1]);
    }

    #[test]
    fn clusters_and_groups() {
        let (t, s) = cluster_totals(&[1.0, 2.0, 3.0], &[2, 0, 2]).unwrap();
        assert_eq!(t, vec![2.0, 4.0]);
        assert_eq!(s, vec![1, 2]);
        let g = GroupSegments::new(&[1.0, 2.0, 3.0], &[1, 0, 1], 2).unwrap();
        assert_eq!(g.segment(0), &[2.0]);
        assert_eq!(g.segment(1), &[1.0, 3.0]);
        assert!(GroupSegments::new(&[1.0], &[3], 2).is_err());
    }
}
