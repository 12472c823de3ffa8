"""What a user reads first: the decision on line one, one vocabulary in every format,
a table that fits the terminal, delta and its interval in one unit, short reprs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

import fastmcnemar as fm
from fastmcnemar.cli import main
from fastmcnemar.data import example_path

REF, RERUN, DEGRADED = (example_path(n) for n in ("reference", "rerun", "degraded"))
STATES = {"degraded", "equivalent", "inconclusive"}
OLD_WORDS = ("not degraded", "no significant degradation", ">ok<", "| ok |", " ok ")


@pytest.fixture(scope="module")
def degraded() -> fm.Comparison:
    return fm.compare(REF, DEGRADED)


@pytest.fixture(scope="module")
def rerun() -> fm.Comparison:
    return fm.compare(REF, RERUN)


def _scores(path: Path, scores: list[int]) -> Path:
    rows = "".join(f"t,{i},{s}\n" for i, s in enumerate(scores))
    path.write_text("task,doc_id,score\n" + rows, encoding="utf-8")
    return path


def test_first_line_is_the_decision(degraded: fm.Comparison, rerun: fm.Comparison) -> None:
    assert degraded.to_text().splitlines()[0] == (
        "DEGRADED: degraded is significantly worse than reference (4 of 5 tasks degraded)"
    )
    assert (
        rerun.to_text()
        .splitlines()[0]
        .startswith(
            "INCONCLUSIVE: rerun is not significantly worse than reference, but 4 of 5 tasks"
        )
    )
    assert degraded.to_markdown().splitlines()[0] == "### DEGRADED: `degraded` vs `reference`"


def test_a_big_drop_on_three_samples_is_inconclusive_everywhere(tmp_path: Path) -> None:
    comp = fm.compare(
        _scores(tmp_path / "r.csv", [1, 1, 1]), _scores(tmp_path / "c.csv", [0, 1, 1])
    )
    assert comp.verdict == "inconclusive"
    assert not comp.degraded
    assert comp.to_markdown().startswith("### INCONCLUSIVE")
    assert comp.to_text().startswith("INCONCLUSIVE")
    assert "INCONCLUSIVE" in comp.to_html()
    for report in (comp.to_text(), comp.to_markdown(), comp.to_html()):
        assert "no significant degradation" not in report.lower()


def test_one_vocabulary_in_every_renderer(degraded: fm.Comparison, rerun: fm.Comparison) -> None:
    audit = fm.audit(REF, {"degraded": DEGRADED, "rerun": RERUN}, progress=False)
    assert set(audit.summary["verdict"]) <= STATES
    for obj in (degraded, rerun, audit):
        for report in (obj.to_text(), obj.to_markdown(), obj.to_html()):
            for old in OLD_WORDS:
                assert old not in report, (type(obj).__name__, old)
        doc = json.loads(obj.to_json())
        comps = doc["comparisons"].values() if "comparisons" in doc else [doc]
        for c in comps:
            assert c["verdict"] in STATES
            assert {t["verdict"] for t in c["tasks"]} <= STATES
        csv = pl.read_csv(obj.to_csv().encode())
        assert set(csv["verdict"]) <= STATES
    assert audit.to_text().splitlines()[0].startswith("DEGRADED: 1 of 2 candidates")


def test_default_table_fits_100_columns_and_narrower(degraded: fm.Comparison) -> None:
    for width in (100, 80, 60):
        lines = degraded.to_text(width=width).splitlines()
        assert max(len(line) for line in lines) <= width, width
        table = lines[lines.index(next(x for x in lines if x.startswith("task"))) :]
        assert any("demo_group_add" in x or "demo_group…" in x for x in table)
        assert any(x.rstrip().endswith("inconclusive") for x in table)  # verdict never dropped
    wide = degraded.to_text(wide=True)
    assert max(len(line) for line in wide.splitlines()) > 100
    header = next(x for x in wide.splitlines() if x.startswith("task"))
    for column in ("filter", "metric", " b ", " c ", "flips", "NI p", "N needed"):
        assert column in header + " ", column


def test_delta_and_interval_share_one_unit(degraded: fm.Comparison) -> None:
    row = degraded.tasks.row(0, named=True)
    text = degraded.to_text()
    cell = f"{100 * row['delta']:+.2f} [{100 * row['ci_low']:+.2f}, {100 * row['ci_high']:+.2f}]"
    assert cell in text
    assert "delta pt [95% CI]" in text
    assert not re.search(r"[+-]\d+\.\d\d% \[", text)  # no percent beside an interval in points


def test_short_reprs(degraded: fm.Comparison) -> None:
    assert (
        repr(degraded) == "<Comparison 'degraded' vs 'reference': degraded, 5 tasks, 2 not tested>"
    )
    audit = fm.audit(REF, {"a": DEGRADED, "b": RERUN}, progress=False)
    assert repr(audit) == "<Audit of 2 candidates against 'reference': 1 degraded, 1 inconclusive>"


def test_cli_wide_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(REF), str(DEGRADED)]) == 1
    narrow = capsys.readouterr().out
    assert max(len(x) for x in narrow.splitlines()) <= 100
    assert main(["compare", str(REF), str(DEGRADED), "--wide"]) == 1
    assert "flips" in capsys.readouterr().out


def test_audit_progress_shows_rate_and_eta(capsys: pytest.CaptureFixture[str]) -> None:
    fm.audit(REF, {"a": DEGRADED, "b": RERUN}, progress=True, max_workers=1)
    err = capsys.readouterr().err
    final = err.rstrip("\n").rsplit("\r", 1)[-1]
    assert final.startswith("audit [##############################] 2/2  ")
    assert re.search(r"  [\d.e+]+ candidates/s  \d+:\d\d", final)
    partial = [x for x in err.split("\r") if " 1/2 " in x]
    assert partial
    assert "ETA" in partial[-1]
