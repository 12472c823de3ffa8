"""Reports stay inert whatever the names in the inputs: no spreadsheet formula in
CSV (OWASP's rule), no HTML, link or broken table in Markdown, and no
bidirectional control character shown raw in any format."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fastmcnemar.render._safe import BIDI_CONTROLS, csv_cell, markdown_code, markdown_text

HOSTILE_TASKS = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\tTAB",
    "<img src=x onerror=alert(1)>",
    "[link](http://evil)",
    "two\nlines",
    "rtl\u202eexe.txt",
]
HOSTILE_MODEL = "=cmd|x <b>m</b> \u202eledom"


def _write_run(path: Path, flip: bool) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["model", "task", "doc_id", "score"])
    for t, task in enumerate(HOSTILE_TASKS):
        for i in range(12):
            score = 0 if flip and (i + t) % 4 == 0 else 1
            writer.writerow([HOSTILE_MODEL, task, f"d{i}", score])
    path.write_text(rows.getvalue())


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hostile_names")
    _write_run(root / "ref.csv", flip=False)
    _write_run(root / "cand.csv", flip=True)
    out: dict[str, str] = {}
    for fmt in ("text", "markdown", "csv", "json", "html"):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "fastmcnemar",
                "compare",
                "ref.csv",
                "cand.csv",
                "--format",
                fmt,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode in (0, 1), proc.stderr
        out[fmt] = proc.stdout
    return out


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "json", "html"])
def test_no_raw_bidi_control_in_any_report(reports: dict[str, str], fmt: str) -> None:
    assert not BIDI_CONTROLS & set(reports[fmt])
    if fmt != "json":  # JSON keeps the name, written as the escape \u202e
        assert "\\u202e" in reports[fmt]


def test_csv_cells_are_never_formulas(reports: dict[str, str]) -> None:
    rows = list(csv.reader(io.StringIO(reports["csv"])))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
            float(cell)  # only numbers may start like a formula
    tasks = {row[rows[0].index("task")] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil","x")' in tasks
    assert "'+cmd|' /C calc'!A0" in tasks
    assert "'@SUM(1+1)" in tasks
    assert "'-2+3" in tasks
    assert any(row[0].startswith("'=cmd") for row in rows[1:])  # the model (reference) column


def test_markdown_has_no_html_links_or_broken_rows(reports: dict[str, str]) -> None:
    # Code spans show their content literally; everything else must be inert text.
    text = re.sub(r"(`+) .*? \1|`[^`]*`", "CODE", reports["markdown"])
    assert "<img" not in text
    assert "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link or image: brackets are escaped
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(HOSTILE_TASKS)  # a newline in a name does not split a row
    assert all(line.endswith("|") for line in table)
    assert "two\\\\nlines" in text


def test_text_and_html_reports(reports: dict[str, str]) -> None:
    assert "two\\nlines" in reports["text"]
    assert "<img src=x" not in reports["html"]
    assert "&lt;img src=x" in reports["html"]


def test_cell_helpers() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("-1.5e-3") == "-1.5e-3"
    assert csv_cell("plain") == "plain"
    assert markdown_text("a|b*c*") == "a\\|b\\*c\\*"
    assert markdown_text("![x](y)") == "!\\[x\\](y)"
    assert markdown_text("demo_mc") == "demo_mc"
    assert markdown_text("_x_") == "\\_x\\_"
    assert markdown_code("`x`") == "`` `x` ``"
