//! The one `Alternative` of the crate: which departure from "no difference"
//! a test looks for. The McNemar test, the sign-flip tests, the suite tests
//! and the power calculations all read this type.

/// Which tail is evidence against "no difference". With b = samples only the
/// reference got right (or d = reference - candidate), `Greater` is the
/// degradation test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// The candidate is worse (degradation): the reference is better. The default.
    Greater,
    /// The candidate is better (the mirror image).
    Less,
    /// Either direction: min(1, 2 x the smaller tail).
    TwoSided,
}

impl Alternative {
    /// The p-value from the two one-sided tails (scipy's two-sided rule).
    pub fn combine(self, greater: f64, less: f64) -> f64 {
        match self {
            Alternative::Greater => greater,
            Alternative::Less => less,
            Alternative::TwoSided => (2.0 * greater.min(less)).min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sided_doubles_the_smaller_tail_and_caps_at_one() {
        assert_eq!(Alternative::Greater.combine(0.1, 0.9), 0.1);
        assert_eq!(Alternative::Less.combine(0.1, 0.9), 0.9);
        assert_eq!(Alternative::TwoSided.combine(0.1, 0.9), 0.2);
        assert_eq!(Alternative::TwoSided.combine(0.7, 0.6), 1.0);
    }
}
