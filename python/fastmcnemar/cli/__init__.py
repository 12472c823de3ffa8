"""The ``fastmcnemar`` command line.

Each subcommand is its own module ``cli/<name>_cmd.py`` exposing
``add_parser(subparsers)`` and ``run(args) -> int``; register it by adding one
line to :data:`SUBCOMMANDS`. Exit status: 0 = no degradation detected,
1 = degradation detected, 2 = usage or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import NoReturn

from fastmcnemar.cli import audit_cmd, compare_cmd, demo_cmd, power_cmd, shrink_cmd
from fastmcnemar.cli._exit_codes import epilog
from fastmcnemar.cli._hints import for_cli

#: Subcommand modules, in the order ``--help`` lists them. One line per subcommand.
SUBCOMMANDS: list[ModuleType] = [
    compare_cmd,
    audit_cmd,
    demo_cmd,
    power_cmd,
    shrink_cmd,
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
    for name, sub in subparsers.choices.items():
        # Every subcommand's --help ends with its exit codes, laid out as written.
        sub.epilog = epilog(name)
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _one_line_warning(command: str) -> Callable[..., None]:
    """Show a warning raised under the CLI as one line naming the CLI's own flags."""

    def show(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
        text = for_cli(str(message), command)
        print(f"fastmcnemar {command}: warning: {text}", file=sys.stderr)

    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from fastmcnemar.exceptions import FastMcNemarError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors (already printed)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        with warnings.catch_warnings():
            # A command line shows warnings (once each) rather than raising them.
            warnings.simplefilter("default")
            warnings.showwarning = _one_line_warning(args.command)
            status: int = args.run(args)
    except (FastMcNemarError, OSError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(
            f"fastmcnemar {args.command}: error: {for_cli(message, args.command)}", file=sys.stderr
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fastmcnemar: interrupted", file=sys.stderr)
        return 130
    return status


__all__ = ["EXIT_DEGRADED", "EXIT_OK", "EXIT_USAGE", "SUBCOMMANDS", "build_parser", "main"]
