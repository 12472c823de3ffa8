"""Assertions for test suites: gate a model change from ``pytest``.

``assert_not_degraded`` runs :func:`~fastmcnemar.compare` and raises ``AssertionError``
with the Markdown report as its message, so a failing CI job shows the per-task table
(and pytest shows it in its failure summary) instead of a bare ``assert False``.
"""

from __future__ import annotations

from typing import Any

from fastmcnemar.compare import Comparison, compare


def assert_not_degraded(
    reference: Any,
    candidate: Any,
    /,
    *,
    fail_on_inconclusive: bool = False,
    **options: Any,
) -> Comparison:
    """Fail unless the candidate is not significantly worse than the reference.

    Parameters
    ----------
    reference, candidate : path or frame
        The two runs, as :func:`~fastmcnemar.compare` takes them.
    fail_on_inconclusive : bool, default False
        Also fail when the suite verdict is "inconclusive" (no significant drop,
        but no evidence either that every task is within the margin): the strict
        release gate, as ``--fail-on-inconclusive`` on the command line.
    **options
        Any keyword argument of :func:`~fastmcnemar.compare` (``alpha``,
        ``margin``, ``metric``, ``tasks``, ``allow_missing``, ``strict``, ...). With
        ``policy=`` (a TOML gate policy) the policy's gate decides instead of
        "degraded": advisory tasks never fail, a required task that was not
        tested does.

    Returns
    -------
    Comparison
        The comparison, for further checks, when the assertion holds.

    Raises
    ------
    AssertionError
        With the comparison's Markdown report as its message.

    Examples
    --------
    >>> from fastmcnemar.data import example_path
    >>> from fastmcnemar.testing import assert_not_degraded
    >>> assert_not_degraded(example_path("reference"), example_path("rerun")).degraded
    False
    >>> try:
    ...     assert_not_degraded(example_path("reference"), example_path("degraded"))
    ... except AssertionError as failure:
    ...     print(str(failure).splitlines()[0])
    candidate is degraded: degraded vs reference
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    result = compare(reference, candidate, **options)
    gate = result.metadata.get("gate")
    if gate is not None:  # a policy decides what blocks
        if not gate["passed"]:
            raise AssertionError(_message(gate["summary"], result))
        if fail_on_inconclusive and result.verdict == "inconclusive":
            raise AssertionError(_message("candidate is not shown equivalent", result))
        return result
    if result.degraded:
        raise AssertionError(_message("candidate is degraded", result))
    if fail_on_inconclusive and result.verdict == "inconclusive":
        raise AssertionError(_message("candidate is not shown equivalent (inconclusive)", result))
    return result


def _message(headline: str, result: Comparison) -> str:
    return f"{headline}: {result.candidate} vs {result.reference}\n\n{result.to_markdown()}"


__all__ = ["assert_not_degraded"]
