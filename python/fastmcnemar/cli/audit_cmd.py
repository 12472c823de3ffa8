"""``fastmcnemar audit REFERENCE CANDIDATE...``: many candidates, one reference."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcnemar.cli._common import add_report_options, emit, exit_status, metric_option

NAME = "audit"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="compare many candidate runs with one reference",
        description=(
            "Compare every CANDIDATE with REFERENCE (in parallel, with a progress bar on a "
            "terminal). A single CANDIDATE directory whose sub-directories are runs counts "
            "as one candidate per sub-directory. Exit status 1 if any candidate is degraded."
        ),
    )
    parser.add_argument("reference", help="the reference run")
    parser.add_argument("candidates", nargs="+", metavar="candidate", help="candidate runs")
    parser.add_argument(
        "--jobs", "-j", type=int, default=None, help="candidates compared at once (default: cores)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fastmcnemar.compare import audit

    candidates: Any = args.candidates if len(args.candidates) > 1 else args.candidates[0]
    result = audit(
        args.reference,
        candidates,
        metric=metric_option(args.metric),
        tasks=args.tasks,
        alpha=args.alpha,
        alternative=args.alternative,
        adjust=args.adjust,
        allow_hash_mismatch=args.allow_hash_mismatch,
        max_workers=args.jobs,
        progress=False if args.no_progress else None,
        margin=args.margin,
        cluster=args.cluster,
        cluster_method=args.cluster_method,
        method=args.method,
        rule=args.rule,
        epochs=args.epochs,
        reference_reruns=args.reference_reruns,
    )
    emit(result, args.format, args.output)
    return exit_status(result, args.fail_on_inconclusive)
