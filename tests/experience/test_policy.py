"""Gate policies: parsing, validation messages, rule precedence and the gate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.policy import Policy, TaskRule, load_policy

POLICY = """
alpha = 0.01
adjust = "bh"

[defaults]
margin = 0.02

[tasks.mmlu]
margin = 0.005
gate = "inconclusive"

[tasks."arc_*"]
margin = 0.03

[tasks.arc_challenge]
gate = "never"

[tasks."*"]
gate = "degraded"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_exact_name_beats_patterns_and_defaults_fill_in(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, POLICY))
    assert policy.alpha == 0.01
    assert policy.adjust == "bh"
    assert policy.rule_for("mmlu") == TaskRule(margin=0.005, gate="inconclusive")
    assert policy.rule_for("arc_easy") == TaskRule(margin=0.03, gate="degraded")
    # exact entry wins over the earlier pattern; its margin falls back to [defaults]
    assert policy.rule_for("arc_challenge") == TaskRule(margin=0.02, gate="never")
    assert policy.rule_for("gsm8k") == TaskRule(margin=0.02, gate="degraded")
    assert policy.margins(["mmlu", "gsm8k"]) == {"mmlu": 0.005, "gsm8k": 0.02}


@pytest.mark.parametrize(
    ("verdicts", "passed", "blocking"),
    [
        ({"mmlu": "equivalent", "gsm8k": "inconclusive"}, True, ()),
        ({"mmlu": "inconclusive", "gsm8k": "equivalent"}, False, (("mmlu", "inconclusive"),)),
        ({"mmlu": "equivalent", "gsm8k": "degraded"}, False, (("gsm8k", "degraded"),)),
        ({"mmlu": "equivalent", "arc_challenge": "degraded"}, True, ()),
        ({"gsm8k": "equivalent"}, False, (("mmlu", "not tested"),)),
    ],
)
def test_gate_outcome(
    tmp_path: Path, verdicts: dict[str, str], passed: bool, blocking: tuple[object, ...]
) -> None:
    outcome = load_policy(_write(tmp_path, POLICY)).evaluate(verdicts)
    assert outcome.passed is passed
    assert outcome.blocking == blocking
    assert outcome.exit_status == (0 if passed else 1)


def test_advisory_tasks_are_listed_not_blocking(tmp_path: Path) -> None:
    outcome = load_policy(_write(tmp_path, POLICY)).evaluate(
        {"mmlu": "equivalent", "arc_challenge": "degraded", "gsm8k": "inconclusive"}
    )
    assert outcome.advisory == (("arc_challenge", "degraded"), ("gsm8k", "inconclusive"))
    assert outcome.summary() == "gate passed"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("margin = 0.01\n", "unknown key 'margin'"),
        ("[defaults]\nmargins = 0.01\n", "[defaults] unknown key 'margins'"),
        ("[defaults]\nmargin = 1.5\n", "[defaults] margin = 1.5: expected a number"),
        ("[defaults]\nmargin = -0.1\n", "margin = -0.1"),
        ("[defaults]\nmargin = nan\n", "margin = nan"),
        ("[defaults]\nmargin = true\n", "margin = True"),
        ('[tasks.mmlu]\ngate = "block"\n', "[mmlu] gate = 'block': expected one of"),
        ("alpha = 0\n", "alpha = 0: expected a number with 0 < x < 1"),
        ('adjust = "bonferonni"\n', "adjust = 'bonferonni': expected one of"),
        ("tasks = 3\n", "[tasks] must be a table"),
        ("[tasks\n", "not a valid TOML policy"),
    ],
)
def test_bad_policies_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputFormatError) as err:
        load_policy(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_missing_policy_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="cannot read the policy"):
        load_policy(tmp_path / "absent.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_as_policy_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "policy.toml"
    os.mkfifo(fifo)
    with pytest.raises(InputFormatError, match=r"cannot read the policy \(a FIFO"):
        load_policy(fifo)


def test_unknown_verdict_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown verdict 'ok'"):
        Policy().evaluate({"t": "ok"})
