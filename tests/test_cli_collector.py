"""The ``fastmcnemar`` process pauses the garbage collector while a command imports, then
freezes what the imports made and collects as usual; ``main`` called in-process leaves the
collector alone (:mod:`fastmcnemar.cli._collector`)."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fastmcnemar.cli import SUBCOMMANDS, _collector, main
from fastmcnemar.data import example_path

#: An argv per subcommand that gets past argument parsing (``OUT`` is a file in a fresh
#: folder); the missing runs end it with status 2 after its imports (``demo`` and ``power``
#: run for real).
_ARGV = {
    "compare": ["compare", "missing-reference", "missing-candidate"],
    "audit": ["audit", "missing-reference", "missing-candidate"],
    "demo": ["demo", "--format", "json"],
    "power": ["power", "--flip-rate", "0.05", "--n", "100"],
    "shrink": ["shrink", "missing-a", "missing-b", "--output", "OUT"],
    "watch": ["watch", "missing-reference", "missing-candidate", "--timeout", "1"],
}


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """Whatever a test does to the collector is undone."""
    frozen = gc.get_freeze_count()
    yield
    if gc.get_freeze_count() != frozen:
        gc.unfreeze()
    _collector._State.paused = False
    gc.enable()


def test_every_subcommand_is_covered() -> None:
    assert {module.NAME for module in SUBCOMMANDS} == set(_ARGV)


@pytest.mark.parametrize("name", sorted(_ARGV))
@pytest.mark.usefixtures("collector_restored")
def test_each_command_restarts_the_collector_after_its_imports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(tmp_path / "out") if arg == "OUT" else arg for arg in _ARGV[name]]
    _collector.pause()
    assert not gc.isenabled()
    status = main(argv)
    capsys.readouterr()
    assert status in (0, 1, 2, 3)
    assert gc.isenabled(), f"{name} left the garbage collector paused"
    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("collector_restored")
def test_main_in_process_leaves_the_collector_alone(capsys: pytest.CaptureFixture[str]) -> None:
    frozen = gc.get_freeze_count()
    reference, degraded = example_path("reference"), example_path("degraded")
    assert main(["compare", str(reference), str(degraded), "--format", "json"]) == 1
    capsys.readouterr()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_process_collects_nothing_while_importing_and_collects_afterwards(
    tmp_path: Path,
) -> None:
    code = """
        import atexit, gc, sys
        from fastmcnemar.cli import run

        def imported() -> bool:  # the package's import has finished
            return hasattr(sys.modules.get("fastmcnemar.compare"), "compare")

        early = []
        gc.callbacks.append(lambda phase, info: phase == "start" and early.append(imported()))

        def report() -> None:
            print("early", early.count(False), "enabled", gc.isenabled(),
                  "frozen", gc.get_freeze_count(), file=sys.stderr)
            gc.collect()
            print("late", early.count(True), file=sys.stderr)

        atexit.register(report)
        sys.argv = ["fastmcnemar", *sys.argv[1:]]
        run()
        """
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(code),
            "compare",
            str(example_path("reference")),
            str(example_path("degraded")),
            "--output",
            str(tmp_path / "report.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    words = done.stderr.split()
    counts = dict(zip(words[::2], words[1::2], strict=True))
    assert counts["early"] == "0"  # no collection before the command's imports were done
    assert counts["enabled"] == "True"
    assert int(counts["frozen"]) > 10_000  # the imports' objects, out of every collection
    assert int(counts["late"]) >= 1  # and the collector runs again
