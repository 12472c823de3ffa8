"""Every ``python`` block of the README runs as written (in a clean namespace)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
BLOCKS = BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # a block may write files; never into the checkout
    exec(compile(source, str(README), "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    # A comment "# value" after a print(...) is what the line prints first.
    for line in source.splitlines():
        said = re.match(r"print\((\w+)\.verdict\)\s+#\s*(\w+)$", line.strip())
        if said:
            assert said.group(2) in out.split()
