"""``fastmcnemar demo``: compare the built-in example runs, offline."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcnemar.cli._collector import imports_done
from fastmcnemar.cli._common import FORMATS, add_flips_option, check_output, emit

NAME = "demo"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="run compare on the built-in example data",
        description=(
            "Compare the built-in example runs (written by lm-evaluation-harness): the "
            "reference against a degraded candidate (default) or against a lossless rerun."
        ),
    )
    parser.add_argument(
        "--candidate",
        choices=("degraded", "rerun"),
        default="degraded",
        help="which example candidate to compare with the reference",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here")
    parser.add_argument("--wide", action="store_true", help="text report: every column")
    add_flips_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fastmcnemar.compare import compare
    from fastmcnemar.data import example_path

    imports_done()

    inputs = [example_path("reference"), example_path(args.candidate)]
    check_output(args.output, inputs)
    result = compare(*inputs)
    emit(result, args.format, args.output, inputs, wide=args.wide, show_flips=args.show_flips)
    # The demo demonstrates a verdict; reaching it is success.
    return 0
