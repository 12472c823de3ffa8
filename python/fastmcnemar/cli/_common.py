"""Options and output handling shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fastmcnemar.suite import ADJUSTMENTS

FORMATS = ("text", "markdown", "json", "csv", "html")


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """--format, --output, --alpha, --adjust, --metric, --tasks, hash override, verdict options."""
    parser.add_argument(
        "--margin",
        type=float,
        default=0.01,
        help="non-inferiority margin: a task not degraded is 'equivalent' when its drop is "
        "shown to be below this (default 0.01 = one point), else 'inconclusive'",
    )
    parser.add_argument(
        "--fail-on-inconclusive",
        action="store_true",
        help="exit 1 also when the verdict is 'inconclusive' (release gates)",
    )
    parser.add_argument(
        "--reference-reruns",
        nargs="+",
        metavar="RUN",
        help="other runs of the reference: report their flip rate (noise floor) per task",
    )
    parser.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="[TASK=]METRIC",
        help="metric to test, for every task (METRIC) or one task (TASK=METRIC); repeatable",
    )
    parser.add_argument(
        "--tasks", nargs="+", metavar="TASK", help="only these tasks (default: all paired tasks)"
    )
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="significance level (default 0.05)"
    )
    parser.add_argument(
        "--alternative",
        choices=("greater", "two-sided", "less"),
        default="greater",
        help="'greater' (default): is the candidate worse than the reference",
    )
    parser.add_argument(
        "--adjust",
        choices=tuple(ADJUSTMENTS),
        default="holm",
        help="adjustment of the per-task p-values (default holm: family-wise error; "
        "bh: false discovery rate)",
    )
    parser.add_argument(
        "--cluster",
        metavar="KEY",
        help="samples come in clusters: doc.FIELD (lm-eval doc, dotted path), "
        "metadata.FIELD or id (Inspect), a file of doc_id,cluster[,task] (CSV/JSON/"
        "Parquet), or a column of a score file; clusters become the test units",
    )
    parser.add_argument(
        "--epochs",
        choices=("cluster", "mean"),
        default="cluster",
        help="Inspect logs with several epochs: test each epoch with a sample's epochs "
        "as one cluster (default), or average each sample's epochs first",
    )
    parser.add_argument(
        "--cluster-method",
        choices=("sign-flip", "obuchowski", "durkalski"),
        default="sign-flip",
        help="per-task clustered test (default sign-flip: exact; the others are "
        "asymptotic clustered McNemar statistics)",
    )
    parser.add_argument(
        "--method",
        choices=("exact", "midp"),
        default="exact",
        help="per-task McNemar p-value (default exact; midp has more power but its "
        "level is not guaranteed)",
    )
    parser.add_argument(
        "--rule",
        choices=("bonferroni", "any"),
        default="bonferroni",
        help="suite rule: Pooled, Max-Drop and Fisher each at alpha/3 (default, level "
        "alpha), or each at alpha ('any': the original rule, level at most 3 alpha)",
    )
    parser.add_argument(
        "--allow-hash-mismatch",
        action="store_true",
        help="pair samples even where doc_hash/target_hash differ (different data)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the report here (default stdout)"
    )


def exit_status(report: Any, fail_on_inconclusive: bool) -> int:
    """1 for a degraded verdict (or an inconclusive one with --fail-on-inconclusive), else 0."""
    if report.degraded:
        return 1
    if fail_on_inconclusive:
        comparisons = getattr(report, "comparisons", None)
        verdicts = [c.verdict for c in comparisons.values()] if comparisons else [report.verdict]
        if any(v == "inconclusive" for v in verdicts):
            return 1
    return 0


def metric_option(values: list[str]) -> str | dict[str, str] | None:
    """Turn repeated ``--metric`` values into compare()'s ``metric=`` argument."""
    if not values:
        return None
    per_task: dict[str, str] = {}
    default: str | None = None
    for value in values:
        if "=" in value:
            task, _, metric = value.partition("=")
            if not task or not metric:
                raise argparse.ArgumentTypeError(f"--metric {value!r}: expected TASK=METRIC")
            per_task[task] = metric
        else:
            default = value
    if default is not None and not per_task:
        return default
    if default is not None:
        per_task.setdefault("*", default)
    return per_task


def emit(report: Any, fmt: str, output: str | None) -> None:
    """Render ``report`` (a Comparison or Audit) and write it."""
    text: str = {
        "text": report.to_text,
        "markdown": report.to_markdown,
        "json": report.to_json,
        "csv": report.to_csv,
        "html": report.to_html,
    }[fmt]()
    if not text.endswith("\n"):
        text += "\n"
    if output is None or output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
