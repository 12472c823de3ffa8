"""The ``fastmcnemar`` command line.

Each subcommand is its own module ``cli/<name>_cmd.py`` exposing
``add_parser(subparsers)`` and ``run(args) -> int``; register it by adding one
line to :data:`SUBCOMMANDS`. Exit status: 0 = no degradation detected,
1 = degradation detected, 2 = usage or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from fastmcnemar.cli import audit_cmd, compare_cmd, demo_cmd, power_cmd, shrink_cmd, watch_cmd

#: Subcommand modules, in the order ``--help`` lists them. One line per subcommand.
SUBCOMMANDS: list[ModuleType] = [
    compare_cmd,
    audit_cmd,
    demo_cmd,
    power_cmd,
    shrink_cmd,
    watch_cmd,
]

EXIT_OK = 0
EXIT_DEGRADED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    from fastmcnemar import __version__

    parser = _Parser(
        prog="fastmcnemar",
        description="Is the changed model significantly worse than its reference?",
    )
    parser.add_argument("--version", action="version", version=f"fastmcnemar {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from fastmcnemar.exceptions import FastMcNemarError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors (already printed)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        status: int = args.run(args)
    except (FastMcNemarError, OSError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"fastmcnemar {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fastmcnemar: interrupted", file=sys.stderr)
        return 130
    return status


__all__ = ["EXIT_DEGRADED", "EXIT_OK", "EXIT_USAGE", "SUBCOMMANDS", "build_parser", "main"]
