"""Built-in example runs, written by lm-evaluation-harness itself.

Three runs of the same three small tasks (a multiple-choice task, a
``generate_until`` task with two filters, and a continuous-score task), made by
``tests/harness/make_example_data.py`` through ``lm_eval.simple_evaluate`` with
deterministic model classes: ``reference``, ``rerun`` (the same answers: a
lossless rerun) and ``degraded`` (a known set of answers flipped, as a broken
quantization would).
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES = ("reference", "rerun", "degraded")
_ROOT = Path(__file__).resolve().parent / "examples"


def example_path(name: str = "reference") -> Path:
    """The directory of one built-in example run (``reference``, ``rerun`` or ``degraded``).

    Examples
    --------
    >>> from fastmcnemar.data import example_path
    >>> example_path("rerun").is_dir()
    True
    """
    if name not in EXAMPLES:
        from fastmcnemar.exceptions import InvalidArgumentError

        raise InvalidArgumentError(f"unknown example {name!r} (examples: {', '.join(EXAMPLES)})")
    return _ROOT / name


__all__ = ["EXAMPLES", "example_path"]
