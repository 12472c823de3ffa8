"""``fastmcnemar watch REFERENCE CANDIDATE``: follow a run while it is written, stop early.

The command line only; the following, pairing and stopping live in
:mod:`fastmcnemar.watching`, imported when the command runs so that ``--help``
stays free of numpy and polars.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from fastmcnemar.cli._collector import imports_done

NAME = "watch"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="follow a candidate run while it is written; stop as soon as the answer is clear",
        description=(
            "Follow a candidate run while the harness writes it (an lm-eval output "
            "directory or samples file, or an Inspect .eval/.json log), pair each new "
            "sample with the reference, and stop as soon as an anytime-valid test "
            "decides: exit 1 = degraded, 0 = equivalent (needs --margin), 3 = the run "
            "finished undecided, 2 = input error. The tests keep their level however "
            "often they are checked, PROVIDED THE SAMPLES ARRIVE IN RANDOM ORDER: run "
            "the harness on a shuffled benchmark (samples that arrive together are "
            "shuffled with --order-seed, and a warning is printed when doc ids arrive "
            "sorted)."
        ),
        epilog=(
            "Methods: exact beta-binomial mixture e-process on discordant pairs for 0/1 "
            "scores, betting confidence sequences (without replacement, N = the reference's "
            "sample count with --finite) for graded scores and the margin. See docs/sequential.md."
        ),
    )
    parser.add_argument("reference", metavar="REFERENCE", help="the reference run (read once)")
    parser.add_argument("candidate", metavar="CANDIDATE", help="the run being written")
    parser.add_argument("--alpha", type=float, default=0.05, help="level (default 0.05)")
    parser.add_argument(
        "--margin",
        type=float,
        help="equivalence margin on the accuracy drop, e.g. 0.01 (enables exit 0)",
    )
    parser.add_argument(
        "--min-n",
        type=int,
        default=0,
        metavar="N",
        help="stop early only once N pairs are in (default 0; stopping later stays valid; "
        "a decision at the end of the run stands)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="how often to look for new samples (default 1)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="give up after this long and exit 3 if undecided (default: wait for the run to end)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        help="text status line (default on a terminal) or JSON lines (default otherwise)",
    )
    parser.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="NAME",
        help="metric to watch ('acc' or 'exact_match,strict-match', or TASK=METRIC); "
        "default: each task's first metric in the reference",
    )
    parser.add_argument(
        "--tasks", nargs="+", metavar="TASK", help="watch only these tasks (default: all)"
    )
    parser.add_argument(
        "--finite",
        action="store_true",
        help="infer about this benchmark's own accuracy difference (sampling without "
        "replacement, N = the reference's sample count) rather than the models': tighter "
        "near the end, exact once every sample is in",
    )
    parser.add_argument(
        "--order-seed",
        type=int,
        default=0,
        help="seed of the shuffle applied to samples that arrive together (default 0)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Entry point of ``fastmcnemar watch``."""
    from fastmcnemar.watching import EXIT_INPUT, WatchInputError, watch

    imports_done()

    try:
        return watch(args, sys.stdout, sys.stderr)
    except WatchInputError as error:
        print(f"fastmcnemar watch: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INPUT
