"""Gate policies: per-task margins and which task verdicts block a release.

A policy is a small TOML file, in the spirit of NeMo Evaluator's per-benchmark gate
(critical / supporting / advisory tiers), mapped onto fastmcnemar's three verdicts::

    # fastmcnemar gate policy
    alpha = 0.05                 # optional: the level of every test
    adjust = "holm"              # optional: the per-task adjustment

    [defaults]
    margin = 0.01                # non-inferiority margin (0.01 = one accuracy point)
    gate = "degraded"            # what blocks: "degraded", "inconclusive" or "never"

    [tasks.mmlu]
    margin = 0.005               # a tighter margin for the task that matters most
    gate = "inconclusive"        # critical: not shown equivalent blocks too

    [tasks."arc_*"]              # shell-style patterns match several tasks
    margin = 0.02

    [tasks.toxigen]
    gate = "never"               # advisory: reported, never blocks

``gate`` says which verdicts of a task fail the gate: ``"degraded"`` (the default:
a significant drop), ``"inconclusive"`` (a drop, or no evidence that the task is within its
margin) or ``"never"`` (advisory). A task named exactly (not by a pattern) whose gate is not
``"never"`` must be present: a gating task that was not tested fails the gate, so a missing
samples file can never pass a release silently. An exact name wins over patterns; among
patterns, the first in the file wins.

The decision itself is not changed by a policy: per-task margins feed the non-inferiority
verdicts (equivalent vs inconclusive), and the gate reads the verdicts the comparison
reached at its level.
"""

from __future__ import annotations

import fnmatch
import math
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from fastmcnemar.exceptions import InputFormatError, InvalidArgumentError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

Gate = Literal["degraded", "inconclusive", "never"]
GATES: tuple[Gate, ...] = ("degraded", "inconclusive", "never")
VERDICTS = ("degraded", "equivalent", "inconclusive")
_TOP_KEYS = {"alpha", "adjust", "defaults", "tasks"}
_RULE_KEYS = {"margin", "gate"}


@dataclass(frozen=True)
class TaskRule:
    """What the policy says about one task.

    Attributes
    ----------
    margin : float
        Non-inferiority margin on the accuracy (or mean-score) drop, as a fraction.
    gate : {"degraded", "inconclusive", "never"}
        The weakest verdict that fails the gate for this task.
    """

    margin: float = 0.01
    gate: Gate = "degraded"

    def blocks(self, verdict: str) -> bool:
        """Whether ``verdict`` fails the gate under this rule.

        Examples
        --------
        >>> TaskRule(gate="inconclusive").blocks("inconclusive")
        True
        >>> TaskRule(gate="never").blocks("degraded")
        False
        """
        if verdict not in VERDICTS:
            raise InvalidArgumentError(f"unknown verdict {verdict!r} (one of {VERDICTS})")
        if self.gate == "never":
            return False
        if self.gate == "inconclusive":
            return verdict != "equivalent"
        return verdict == "degraded"


@dataclass(frozen=True)
class GateOutcome:
    """The policy applied to a comparison's task verdicts.

    Attributes
    ----------
    passed : bool
        True when no task fails the gate.
    blocking : tuple of (task, reason)
        The tasks that fail the gate and why, in task order.
    advisory : tuple of (task, verdict)
        Tasks that are degraded or inconclusive but do not block.
    """

    passed: bool
    blocking: tuple[tuple[str, str], ...]
    advisory: tuple[tuple[str, str], ...]

    @property
    def exit_status(self) -> int:
        """0 when the gate passes, 1 when it fails (the CLI's convention)."""
        return 0 if self.passed else 1

    def summary(self) -> str:
        """One line: ``gate passed`` or ``gate failed: task (reason); ...``."""
        if self.passed:
            return "gate passed"
        return "gate failed: " + "; ".join(f"{task} ({why})" for task, why in self.blocking)


@dataclass(frozen=True)
class Policy:
    """A gate policy: defaults, per-task rules, and optionally the level and adjustment.

    Build one with :func:`load_policy` (from TOML) or :meth:`Policy.from_dict`.

    Examples
    --------
    >>> policy = Policy.from_dict(
    ...     {"defaults": {"margin": 0.02}, "tasks": {"mmlu": {"gate": "inconclusive"},
    ...      "arc_*": {"margin": 0.05}, "toxigen": {"gate": "never"}}}
    ... )
    >>> policy.rule_for("arc_easy").margin, policy.rule_for("mmlu").gate
    (0.05, 'inconclusive')
    >>> outcome = policy.evaluate(
    ...     {"mmlu": "equivalent", "arc_easy": "inconclusive", "toxigen": "degraded"}
    ... )
    >>> outcome.passed, outcome.advisory
    (True, (('arc_easy', 'inconclusive'), ('toxigen', 'degraded')))
    >>> policy.evaluate({"arc_easy": "equivalent"}).summary()
    'gate failed: mmlu (not tested)'
    """

    default: TaskRule = TaskRule()
    rules: tuple[tuple[str, TaskRule], ...] = ()
    alpha: float | None = None
    adjust: str | None = None
    source: str = field(default="<policy>", compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<policy>") -> Policy:
        """Validate a parsed policy document; errors name ``source`` and the key."""
        _no_unknown(data, _TOP_KEYS, source, "")
        alpha = data.get("alpha")
        if alpha is not None:
            alpha = _fraction(alpha, source, "alpha", open_low=True)
        adjust = data.get("adjust")
        if adjust is not None:
            from fastmcnemar.suite import ADJUSTMENTS

            if adjust not in ADJUSTMENTS:
                raise InputFormatError(
                    f"{source}: adjust = {adjust!r}: expected one of {', '.join(ADJUSTMENTS)}"
                )
        defaults = _table(data.get("defaults", {}), source, "defaults")
        default = _rule(defaults, TaskRule(), source, "defaults")
        tasks = _table(data.get("tasks", {}), source, "tasks")
        rules = tuple(
            (str(name), _rule(_table(body, source, f"tasks.{name}"), default, source, name))
            for name, body in tasks.items()
        )
        return cls(default=default, rules=rules, alpha=alpha, adjust=adjust, source=source)

    def rule_for(self, task: str) -> TaskRule:
        """The rule for ``task``: its exact entry, else the first matching pattern, else
        the defaults."""
        for name, rule in self.rules:
            if name == task:
                return rule
        for name, rule in self.rules:
            if _is_pattern(name) and fnmatch.fnmatchcase(task, name):
                return rule
        return self.default

    def margin_map(self) -> Mapping[str, float]:
        """A mapping whose ``get(task, default)`` is the task's margin under this policy."""
        return _Margins(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (for report metadata)."""
        return {
            "source": self.source,
            "defaults": {"margin": self.default.margin, "gate": self.default.gate},
            "tasks": {n: {"margin": r.margin, "gate": r.gate} for n, r in self.rules},
        }

    def margins(self, tasks: list[str] | tuple[str, ...]) -> dict[str, float]:
        """The margin of each task, for the non-inferiority verdicts."""
        return {task: self.rule_for(task).margin for task in tasks}

    def required_tasks(self) -> tuple[str, ...]:
        """Tasks named exactly whose gate can block: they must have been tested."""
        return tuple(n for n, r in self.rules if not _is_pattern(n) and r.gate != "never")

    def evaluate(self, verdicts: Mapping[str, str]) -> GateOutcome:
        """Apply the gate to ``{task: verdict}`` (verdicts of the tested tasks)."""
        blocking: list[tuple[str, str]] = []
        advisory: list[tuple[str, str]] = []
        for task, verdict in verdicts.items():
            rule = self.rule_for(task)
            if rule.blocks(verdict):
                blocking.append((task, verdict))
            elif verdict != "equivalent":
                advisory.append((task, verdict))
        blocking.extend((t, "not tested") for t in self.required_tasks() if t not in verdicts)
        return GateOutcome(not blocking, tuple(blocking), tuple(advisory))


class _Margins(Mapping[str, float]):
    """Every task's margin under a policy (exact names listed; any task answers)."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy

    def __getitem__(self, task: str) -> float:
        return self._policy.rule_for(task).margin

    def __iter__(self) -> Iterator[str]:
        return iter(n for n, _ in self._policy.rules if not _is_pattern(n))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def as_policy(policy: Policy | str | Path | None) -> Policy | None:
    """A :class:`Policy` from a policy, a TOML path, or None."""
    if policy is None or isinstance(policy, Policy):
        return policy
    return load_policy(policy)


def gate_comparison(comparison: Any, policy: Policy) -> GateOutcome:
    """Apply ``policy`` to a comparison's task verdicts and record the outcome in its
    metadata (key ``gate``), where the reports and the exit status read it."""
    verdicts = dict(comparison.tasks.select("task", "verdict").iter_rows())
    outcome = policy.evaluate(verdicts)
    comparison.metadata["gate"] = {
        "policy": policy.source,
        "passed": outcome.passed,
        "blocking": [list(b) for b in outcome.blocking],
        "advisory": [list(a) for a in outcome.advisory],
        "summary": outcome.summary(),
    }
    return outcome


def load_policy(path: str | Path) -> Policy:
    """Read a TOML gate policy (see the module documentation for the format).

    Raises
    ------
    InputFormatError
        When the file is not valid TOML or a key or value is not understood; the
        message names the file and the key.
    """
    from fastmcnemar.ingest.safe_io import read_bounded

    target = Path(path)
    try:
        # Bounded, and never a plain open(): a FIFO given as the policy would block it.
        raw = read_bounded(target)
    except InputFormatError as err:
        why = str(err).removeprefix(f"{target}: ")
        raise InputFormatError(f"{target}: cannot read the policy ({why})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputFormatError(f"{target}: not a valid TOML policy: {err}") from None
    return Policy.from_dict(data, source=str(target))


def _is_pattern(name: str) -> bool:
    return any(ch in name for ch in "*?[")


def _no_unknown(data: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        at = f"[{where}] " if where else ""
        raise InputFormatError(
            f"{source}: {at}unknown key {unknown[0]!r} (expected {', '.join(sorted(allowed))})"
        )


def _table(value: object, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputFormatError(f"{source}: [{where}] must be a table, got {value!r}")
    return cast(Mapping[str, Any], value)


def _fraction(value: object, source: str, key: str, *, open_low: bool) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    number = float(cast(float, value)) if ok else math.nan
    low_ok = number > 0 if open_low else number >= 0
    if not (ok and math.isfinite(number) and low_ok and number < 1):
        bound = "0 < x < 1" if open_low else "0 <= x < 1"
        raise InputFormatError(f"{source}: {key} = {value!r}: expected a number with {bound}")
    return number


def _rule(body: Mapping[str, Any], base: TaskRule, source: str, where: str) -> TaskRule:
    _no_unknown(body, _RULE_KEYS, source, where)
    margin = base.margin
    if "margin" in body:
        margin = _fraction(body["margin"], source, f"[{where}] margin", open_low=False)
    gate = body.get("gate", base.gate)
    if gate not in GATES:
        raise InputFormatError(
            f"{source}: [{where}] gate = {gate!r}: expected one of {', '.join(GATES)}"
        )
    return TaskRule(margin=margin, gate=cast(Gate, gate))


__all__ = [
    "GATES",
    "GateOutcome",
    "Policy",
    "TaskRule",
    "as_policy",
    "gate_comparison",
    "load_policy",
]
