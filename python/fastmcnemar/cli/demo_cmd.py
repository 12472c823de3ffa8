"""``fastmcnemar demo``: compare the built-in example runs, offline."""

from __future__ import annotations

import argparse
from typing import Any

from fastmcnemar.cli._common import FORMATS, emit

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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from fastmcnemar.compare import compare
    from fastmcnemar.data import example_path

    result = compare(example_path("reference"), example_path(args.candidate))
    emit(result, args.format, args.output)
    # The demo demonstrates a verdict; reaching it is success.
    return 0
