"""The ``tasks=`` selection every reader and compare() accept, checked once."""

from __future__ import annotations

from collections.abc import Sequence

from fastmcnemar.exceptions import InvalidArgumentError


def task_list(tasks: str | Sequence[str] | None) -> list[str] | None:
    """``tasks`` as a list of names (None: every task).

    An empty selection is an error rather than "no task found": ``tasks=[]``
    almost always comes from a filter that matched nothing upstream.

    Examples
    --------
    >>> task_list("arc"), task_list(None)
    (['arc'], None)
    >>> task_list([])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fastmcnemar.InvalidArgumentError: tasks=[] selects no task: pass None (the default) ...
    """
    if tasks is None:
        return None
    wanted = [tasks] if isinstance(tasks, str) else list(tasks)
    if not wanted:
        raise InvalidArgumentError(
            "tasks=[] selects no task: pass None (the default) for every task, or name at least one"
        )
    for name in wanted:
        if not isinstance(name, str) or not name:
            raise InvalidArgumentError(
                f"tasks: expected task names (non-empty strings), got {name!r}"
            )
    return wanted


__all__ = ["task_list"]
