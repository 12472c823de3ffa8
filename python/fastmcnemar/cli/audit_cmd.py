"""``fastmcnemar audit REFERENCE CANDIDATE...``: many candidates, one reference."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fastmcnemar.cli._common import (
    add_report_options,
    emit,
    exit_status,
    metric_option,
    storage_options,
)

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
    parser.add_argument(
        "--engine",
        choices=("local", "ray", "dask"),
        default="local",
        help="where candidates are read: local threads (default), one Ray task or one Dask "
        "future per candidate (pip install 'fastmcnemar[ray]' / 'fastmcnemar[dask]')",
    )
    parser.add_argument(
        "--address",
        metavar="ADDR",
        help="the Ray or Dask cluster (ray: 'auto', 'ray://head:10001'; dask: "
        "'tcp://scheduler:8786'); default: a local cluster for this audit",
    )
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="list a candidate that cannot be read as failed in the report and go on "
        "(exit status 2: the audit is incomplete) instead of stopping",
    )
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
        reference_reruns=args.reference_reruns,
        engine=args.engine,
        address=args.address,
        keep_going=args.keep_going,
        storage_options=storage_options(args.storage_option),
    )
    emit(result, args.format, args.output)
    if result.failed:
        names = ", ".join(result.failed)
        print(
            f"fastmcnemar audit: incomplete: {len(result.failed)} candidate(s) could not be "
            f"read ({names}); they are listed in the report",
            file=sys.stderr,
        )
        return EXIT_INCOMPLETE
    return exit_status(result, args.fail_on_inconclusive)


# An audit with candidates missing is never reported as a pass or a plain failure.
EXIT_INCOMPLETE = 2
