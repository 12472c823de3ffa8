"""``fastmcnemar compare REFERENCE CANDIDATE``: is the candidate worse?"""

from __future__ import annotations

import argparse
from typing import Any

from fastmcnemar.cli._collector import imports_done
from fastmcnemar.cli._common import (
    add_flips_option,
    add_report_options,
    check_output,
    emit,
    exit_status,
    metric_option,
    scaled_inputs,
    scan_reference_early,
    storage_options,
)

NAME = "compare"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="compare one candidate run with a reference run",
        description=(
            "Pair the per-sample scores of two evaluation runs and test, per task and for "
            "the suite, whether the candidate is significantly worse. REFERENCE and "
            "CANDIDATE are lm-eval output directories, results_*.json or samples_*.jsonl "
            "files, Inspect logs (.eval/.json, or a folder of them), lighteval details "
            "(details_*.parquet, or its output folder), or per-sample score files "
            "(CSV, Parquet, JSONL)."
        ),
    )
    parser.add_argument("reference", help="the reference run")
    parser.add_argument("candidate", help="the candidate run")
    parser.add_argument("--reference-model", help="pick this model when REFERENCE holds several")
    parser.add_argument("--candidate-model", help="pick this model when CANDIDATE holds several")
    parser.add_argument(
        "--reference-timestamp", help="pick the lm-eval run with this date_id (or prefix)"
    )
    parser.add_argument(
        "--candidate-timestamp", help="pick the lm-eval run with this date_id (or prefix)"
    )
    add_report_options(parser)
    add_flips_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scan_reference_early(args)  # on the other core, while the imports below run
    from fastmcnemar import _early_scan
    from fastmcnemar.compare import compare

    imports_done()

    inputs = [args.reference, args.candidate, *(args.reference_reruns or [])]
    inputs += [args.policy] if args.policy else []
    check_output(args.output, inputs)
    metric = metric_option(args.metric)
    reference, candidate = scaled_inputs([args.reference, args.candidate], args.scale)
    result = compare(
        reference,
        candidate,
        metric=metric,
        tasks=args.tasks,
        alpha=args.alpha,
        alternative=args.alternative,
        adjust=args.adjust,
        allow_hash_mismatch=args.allow_hash_mismatch,
        allow_missing=args.allow_missing,
        policy=args.policy,
        strict=args.strict,
        reference_model=args.reference_model,
        candidate_model=args.candidate_model,
        margin=args.margin,
        cluster=args.cluster,
        cluster_method=args.cluster_method,
        method=args.method,
        rule=args.rule,
        epochs=args.epochs,
        reference_reruns=args.reference_reruns,
        reference_timestamp=args.reference_timestamp,
        candidate_timestamp=args.candidate_timestamp,
        storage_options=storage_options(args.storage_option),
    )
    _early_scan.stop()
    emit(result, args.format, args.output, inputs, wide=args.wide, show_flips=args.show_flips)
    return exit_status(result, args.fail_on_inconclusive)
