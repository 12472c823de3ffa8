"""The exit status of each subcommand, shown at the end of its ``--help``."""

from __future__ import annotations

_GATE = (
    "exit status:\n"
    "  0    no degradation detected{extra}\n"
    "  1    degradation detected (with --fail-on-inconclusive, also a verdict of\n"
    "       'inconclusive': no evidence that the drop is below the margin)\n"
    "  2    usage or input error (one line on stderr naming the file and field)\n"
    "  130  interrupted (Ctrl-C)"
)
_PLAIN = (
    "exit status:\n"
    "  0    done{extra}\n"
    "  2    usage or input error (one line on stderr)\n"
    "  130  interrupted (Ctrl-C)"
)

EXIT_CODES: dict[str, str] = {
    "compare": _GATE.format(extra=""),
    "audit": _GATE.format(extra=" for any candidate").replace(
        "1    degradation detected", "1    some candidate is degraded"
    ),
    "demo": _PLAIN.format(extra=" (whatever the verdict: the demo shows one)"),
    "power": _PLAIN.format(extra=""),
    "shrink": _PLAIN.format(extra=" (the kept doc ids are written)"),
    "watch": (
        "exit status:\n"
        "  0    equivalent: the drop is shown to be below --margin\n"
        "  1    degraded: the candidate is shown to be worse\n"
        "  2    usage or input error (one line on stderr naming the file and field)\n"
        "  3    the run finished (or --timeout passed) without a decision\n"
        "  130  interrupted (Ctrl-C)"
    ),
}


def epilog(command: str) -> str:
    """The exit-status paragraph for ``command`` (every registered one has its own)."""
    return EXIT_CODES[command]


__all__ = ["EXIT_CODES", "epilog"]
