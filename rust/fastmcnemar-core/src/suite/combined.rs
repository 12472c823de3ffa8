//! The combined rule: flag degradation if any of Pooled, Max-Drop and Fisher
//! rejects.
//!
//! - `Bonferroni` (default): each test at alpha/3. By the union bound the
//!   rule has level alpha under any dependence between the three tests. Its
//!   p-value is min(1, 3 min_j p_j), so it rejects exactly when p <= alpha.
//! - `AnyAtAlpha`: the original rule, each test at alpha. Its false-alarm
//!   rate is only guaranteed to be at most min(1, 3 alpha), which is what the
//!   result states as its level; its "p-value" is the unadjusted min_j p_j.

use super::Alternative;
use super::fisher::{fisher, fisher_monte_carlo};
use super::max_drop::{max_drop_exact, max_drop_monte_carlo};
use super::pooled::pooled;
use super::tasks::{Counts, TaskTail, TestOutcome};
use crate::control::Checkpoint;
use crate::error::Result;

/// How the three component tests are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CombinedRule {
    /// Each test at alpha/3: level alpha (default).
    Bonferroni,
    /// Each test at alpha: level at most 3 alpha.
    AnyAtAlpha,
}

/// Exact null or seeded Monte Carlo for a component test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullMode {
    /// Max-Drop: exact product formula; Fisher: chi-square reference.
    Exact,
    /// Seeded Monte Carlo over the per-task binomials.
    MonteCarlo { n_resamples: u64, seed: u64 },
}

/// The combined rule's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CombinedOutcome {
    /// Statistic: min_j p_j; p-value as described in the module docs.
    pub outcome: TestOutcome,
    /// The false-alarm rate the rule guarantees: alpha, or min(1, 3 alpha).
    pub level: f64,
    pub rejected: bool,
    /// ("pooled", ..), ("max_drop", ..), ("fisher", ..).
    pub components: Vec<(&'static str, TestOutcome)>,
}

/// Max-Drop in the requested mode.
pub fn max_drop_with(
    counts: &Counts,
    alternative: Alternative,
    mode: NullMode,
    checkpoint: &dyn Checkpoint,
) -> Result<TestOutcome> {
    match mode {
        NullMode::Exact => Ok(max_drop_exact(counts, alternative)),
        NullMode::MonteCarlo { n_resamples, seed } => {
            max_drop_monte_carlo(counts, alternative, n_resamples, seed, checkpoint)
        }
    }
}

/// Fisher in the requested mode (`tails`: the per-task tails, one per task).
pub fn fisher_with(
    counts: &Counts,
    alternative: Alternative,
    tails: &[TaskTail],
    mode: NullMode,
    checkpoint: &dyn Checkpoint,
) -> Result<TestOutcome> {
    match mode {
        NullMode::Exact => Ok(fisher(counts, tails)),
        NullMode::MonteCarlo { n_resamples, seed } => {
            fisher_monte_carlo(counts, alternative, n_resamples, seed, checkpoint)
        }
    }
}

/// The rule applied to the smallest of three component p-values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleDecision {
    /// Statistic: min_j p_j; p-value: min(1, 3 min_j p_j) (Bonferroni) or
    /// min_j p_j (any at alpha).
    pub outcome: TestOutcome,
    /// The false-alarm rate the rule guarantees.
    pub level: f64,
    pub rejected: bool,
}

/// Applies `rule` at `alpha` to the smallest of the three component
/// p-values (`min_log_p` its natural log). Shared by the count-based
/// combined rule and the sign-flip suite rule over mixed or clustered tasks.
pub fn rule_decision(min_p: f64, min_log_p: f64, alpha: f64, rule: CombinedRule) -> RuleDecision {
    match rule {
        CombinedRule::Bonferroni => RuleDecision {
            outcome: TestOutcome {
                statistic: min_p,
                pvalue: (3.0 * min_p).min(1.0),
                log_pvalue: (3f64.ln() + min_log_p).min(0.0),
            },
            level: alpha,
            rejected: min_p <= alpha / 3.0,
        },
        CombinedRule::AnyAtAlpha => RuleDecision {
            outcome: TestOutcome {
                statistic: min_p,
                pvalue: min_p,
                log_pvalue: min_log_p,
            },
            level: (3.0 * alpha).min(1.0),
            rejected: min_p <= alpha,
        },
    }
}

/// Runs Pooled, Max-Drop and Fisher and applies the rule at `alpha`.
#[allow(clippy::too_many_arguments)]
pub fn combined(
    counts: &Counts,
    alternative: Alternative,
    tails: &[TaskTail],
    alpha: f64,
    rule: CombinedRule,
    max_drop_mode: NullMode,
    fisher_mode: NullMode,
    checkpoint: &dyn Checkpoint,
) -> Result<CombinedOutcome> {
    crate::error::check_level("alpha", alpha)?;
    let components = vec![
        ("pooled", pooled(counts, alternative)),
        (
            "max_drop",
            max_drop_with(counts, alternative, max_drop_mode, checkpoint)?,
        ),
        (
            "fisher",
            fisher_with(counts, alternative, tails, fisher_mode, checkpoint)?,
        ),
    ];
    let min_log_p = components
        .iter()
        .map(|(_, o)| o.log_pvalue)
        .fold(f64::INFINITY, f64::min);
    let min_p = components
        .iter()
        .map(|(_, o)| o.pvalue)
        .fold(f64::INFINITY, f64::min);
    let decision = rule_decision(min_p, min_log_p, alpha, rule);
    let (outcome, level, rejected) = (decision.outcome, decision.level, decision.rejected);
    Ok(CombinedOutcome {
        outcome,
        level,
        rejected,
        components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::suite::tasks::task_tails;

    #[test]
    fn bonferroni_and_any_rules() {
        let counts = Counts::from_unsigned(&[30, 12, 41, 25], &[22, 13, 18, 24]);
        let tails = task_tails(&counts, Alternative::Greater);
        let run = |rule| {
            combined(
                &counts,
                Alternative::Greater,
                &tails,
                0.01,
                rule,
                NullMode::Exact,
                NullMode::Exact,
                &NeverStop,
            )
            .unwrap()
        };
        let bonf = run(CombinedRule::Bonferroni);
        let min_p = bonf
            .components
            .iter()
            .map(|(_, o)| o.pvalue)
            .fold(1.0, f64::min);
        assert_eq!(bonf.outcome.statistic, min_p);
        assert!((bonf.outcome.pvalue - 3.0 * min_p).abs() < 1e-15);
        assert_eq!(bonf.level, 0.01);
        assert_eq!(bonf.rejected, min_p <= 0.01 / 3.0);
        let any = run(CombinedRule::AnyAtAlpha);
        assert!((any.level - 0.03).abs() < 1e-15);
        assert_eq!(any.outcome.pvalue, min_p);
        assert_eq!(any.rejected, min_p <= 0.01);
    }
}
