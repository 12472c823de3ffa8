"""The ``fastmcnemar`` command line.

Each subcommand is its own module ``cli/<name>_cmd.py`` exposing
``add_parser(subparsers)`` and ``run(args) -> int``; register it by adding one
line to :data:`SUBCOMMANDS`. Exit status: 0 = no degradation detected,
1 = degradation detected, 2 = usage or input error (one line on stderr).

No traceback reaches a user: every exception, expected or not, ends as one line
on stderr and exit status 2 (130 on Ctrl-C); ``--debug`` (or
``FASTMCNEMAR_DEBUG=1``) prints the traceback too. Warnings print as one line
each, without the source file and line of the code that raised them.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from types import ModuleType
from typing import NoReturn, TextIO

from fastmcnemar.cli import audit_cmd, compare_cmd, demo_cmd, power_cmd, shrink_cmd, watch_cmd
from fastmcnemar.cli._exit_codes import epilog
from fastmcnemar.cli._hints import for_cli

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
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    for name, sub in subparsers.choices.items():
        # --debug also after the subcommand; every --help ends with its exit codes.
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP
        )
        sub.epilog = epilog(name)
        sub.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


_DEBUG_HELP = "on an error, also print the Python traceback (or set FASTMCNEMAR_DEBUG=1)"


def _one_line(text: str, command: str) -> str:
    """One visible line, naming the CLI's own flags rather than the library's arguments."""
    from fastmcnemar.render._safe import visible

    return visible(for_cli(text.strip(), command))


@contextmanager
def _warnings_as_lines(command: str) -> Iterator[None]:
    """Warnings print (once each, never raised) as ``fastmcnemar CMD: warning: MESSAGE``."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        stream = file if file is not None else sys.stderr
        with suppress(OSError):  # stderr gone: nothing to tell
            text = _one_line(str(message), command)
            stream.write(f"fastmcnemar {command}: warning: {text}\n")

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield


def _report_error(command: str, err: BaseException, debug: bool, *, expected: bool) -> None:
    if debug:
        traceback.print_exception(type(err), err, err.__traceback__, file=sys.stderr)
    message = _one_line(str(err), command) or type(err).__name__
    if not expected:
        hint = "" if debug else "; run with --debug for the traceback"
        message = f"internal error: {type(err).__name__}: {message}{hint}"
    print(f"fastmcnemar {command}: error: {message}", file=sys.stderr)


def _idle_blas() -> None:
    """No BLAS thread pool: OpenBLAS starts one busy-waiting thread per core when NumPy
    is imported, which took a tenth of a core-second from a short audit, and no command
    calls BLAS. Only before NumPy is loaded, and never over a value the user set."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from fastmcnemar.exceptions import FastMcNemarError

    _idle_blas()

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors (already printed)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    debug = bool(getattr(args, "debug", False)) or os.environ.get("FASTMCNEMAR_DEBUG", "") not in (
        "",
        "0",
    )
    command = str(args.command)
    try:
        with _warnings_as_lines(command):
            status: int = args.run(args)
    except (FastMcNemarError, OSError, argparse.ArgumentTypeError) as err:
        _report_error(command, err, debug, expected=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fastmcnemar: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # anything else is a bug, but still one line and status 2
        _report_error(command, err, debug, expected=False)
        return EXIT_USAGE
    return status


def run() -> NoReturn:
    """The ``fastmcnemar`` command: :func:`main`, then end the process at once (exit
    handlers run and output is flushed; the interpreter is not torn down, see
    :mod:`fastmcnemar.cli._process_exit`). The garbage collector pauses while the command
    imports (:mod:`fastmcnemar.cli._collector`)."""
    from fastmcnemar.cli import _collector

    _collector.pause()  # until the command has imported what it needs
    from fastmcnemar.cli._process_exit import exit_process

    exit_process(main())


__all__ = ["EXIT_DEGRADED", "EXIT_OK", "EXIT_USAGE", "SUBCOMMANDS", "build_parser", "main", "run"]
