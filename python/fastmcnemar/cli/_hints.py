"""Messages raised by the library name keyword arguments (``allow_missing=True``); on the
command line they should name the flags. One place rewrites them, so the library keeps
speaking Python and the CLI speaks its own options."""

from __future__ import annotations

import re

_FLAGS = {
    "allow_missing=True": "--allow-missing",
    "allow_hash_mismatch=True": "--allow-hash-mismatch",
    "fail_on_inconclusive=True": "--fail-on-inconclusive",
    "(left out: allow_missing)": "(left out: --allow-missing)",
    "(paired anyway: allow_hash_mismatch)": "(paired anyway: --allow-hash-mismatch)",
}
_MODEL_HINT = re.compile(r"^(?P<side>reference|candidate)(?P<rest>.*)read with model=\.\.\.", re.S)


def for_cli(message: str, command: str) -> str:
    """``message`` with API keyword hints replaced by the ``command``'s flags.

    Examples
    --------
    >>> for_cli("3 docs only in reference. Pass allow_missing=True to test the rest", "compare")
    '3 docs only in reference. Pass --allow-missing to test the rest'
    >>> for_cli("candidate holds 2 models: choose one (read with model=..., or x)", "compare")
    'candidate holds 2 models: choose one (pick it with --candidate-model, or x)'
    """
    for api, flag in _FLAGS.items():
        message = message.replace(api, flag)
    match = _MODEL_HINT.match(message)
    if match:
        side = match.group("side")
        if command == "compare" or side == "reference":
            hint = f"pick it with --{side}-model"
        else:
            hint = "pass one run directory per candidate"
        message = f"{side}{match.group('rest')}{hint}" + message[match.end() :]
    return message


__all__ = ["for_cli"]
