"""``fastmcnemar shrink RUN... --output FILE``: keep only the samples that flip."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fastmcnemar.cli._collector import imports_done

NAME = "shrink"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="from reruns of the reference, write the samples worth evaluating",
        description=(
            "Given several reruns of the reference model (lm-eval output directories or "
            "files, or per-sample score files), keep per task only the samples whose score "
            "changed in at least one run, write their doc ids as {task: [ids]} JSON (the "
            "format of lm-eval's --samples) and report the expected power before and after. "
            "Build the reduced set from reference reruns only, never from the comparison "
            "being tested."
        ),
    )
    parser.add_argument("runs", nargs="+", metavar="RUN", help="reruns of the reference (>= 2)")
    parser.add_argument(
        "--output", "-o", required=True, metavar="FILE", help="where to write the kept doc ids"
    )
    parser.add_argument(
        "--delta",
        type=float,
        default=0.01,
        help="drop the reported power refers to (default 0.01 = one accuracy point)",
    )
    parser.add_argument("--alpha", type=float, default=0.05, help="level (default 0.05)")
    parser.add_argument(
        "--metric", help="decide on this metric only (default: any per-sample metric)"
    )
    parser.add_argument("--tasks", nargs="+", metavar="TASK", help="only these tasks")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fastmcnemar.cli._common import check_output
    from fastmcnemar.shrinking import shrink

    imports_done()

    check_output(args.output, args.runs)
    result = shrink(
        args.runs, delta=args.delta, alpha=args.alpha, metric=args.metric, tasks=args.tasks
    )
    result.write(args.output, inputs=args.runs)
    from fastmcnemar.render._safe import visible_lines

    report = result.to_text() + f"\n\nkept doc ids written to {args.output}\n"
    sys.stdout.write(visible_lines(report))  # task names from the runs: no raw bidi controls
    return 0
