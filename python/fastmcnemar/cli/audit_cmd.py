"""``fastmcnemar audit REFERENCE CANDIDATE...``: many candidates, one reference."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fastmcnemar.cli._collector import imports_done
from fastmcnemar.cli._common import (
    add_report_options,
    check_output,
    emit,
    exit_status,
    metric_option,
    scaled_inputs,
    scan_reference_early,
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
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="candidates compared at once, 1 to 4 x the cores (default: 2 x the cores)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--reference-model", help="pick this model when REFERENCE holds several")
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
    scan_reference_early(args)  # on the other core, while the imports below run
    # Imported here: _args needs numpy, which --version and --help must not load.
    from fastmcnemar import _args, _early_scan
    from fastmcnemar.compare import audit

    imports_done()

    inputs = [args.reference, *args.candidates, *(args.reference_reruns or [])]
    inputs += [args.policy] if args.policy else []
    check_output(args.output, inputs)
    metric = metric_option(args.metric)
    reference, *given = scaled_inputs([args.reference, *args.candidates], args.scale)
    candidates: Any = given if len(given) > 1 else given[0]
    result = audit(
        reference,
        candidates,
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
        max_workers=_args.threads(args.jobs, "--jobs"),
        progress=False if args.no_progress else None,
        margin=args.margin,
        cluster=args.cluster,
        cluster_method=args.cluster_method,
        method=args.method,
        rule=args.rule,
        epochs=args.epochs,
        reference_reruns=args.reference_reruns,
        engine=args.engine,
        address=args.address,
        keep_going=args.keep_going,
        storage_options=storage_options(args.storage_option),
    )
    _early_scan.stop()
    emit(result, args.format, args.output, inputs, wide=args.wide)
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
