"""What a user installs: the wheel and the sdist, built as a release would build them.

Builds both with maturin (reusing the project's cargo ``target/`` so a warm build takes
seconds), checks what is inside them, installs the wheel into a fresh virtual environment
with its runtime dependencies only (pip may use its cache or PyPI) and runs
``fastmcnemar demo`` from there, outside the source tree.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LICENSES = ("LICENSE-MIT", "LICENSE-APACHE")
# Packages a user gets from `pip install fastmcnemar` (besides pip itself).
RUNTIME = {"fastmcnemar", "numpy", "polars", "polars-runtime-32", "polars-runtime-64"}


def _maturin() -> list[str]:
    beside = Path(sys.executable).parent / "maturin"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("maturin")
    if found is None:
        pytest.skip("maturin is not installed (pip install -r requirements-test.txt)")
    return [found]


def _run(cmd: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "CARGO_TERM_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    _run([*_maturin(), "build", "--release", "-q", "-o", str(out)], REPO, 1800, env)
    _run([*_maturin(), "sdist", "-o", str(out)], REPO, 300, env)
    return out


def _wheel(dist: Path) -> Path:
    wheels = list(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _sections(elf: bytes) -> set[str]:
    """Section names of a 64-bit little-endian ELF shared object."""
    assert elf[:6] == b"\x7fELF\x02\x01", "not a 64-bit little-endian ELF file"
    shoff = struct.unpack_from("<Q", elf, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    names_off = struct.unpack_from("<Q", elf, shoff + shstrndx * shentsize + 0x18)[0]
    names = set()
    for i in range(shnum):
        name_at = struct.unpack_from("<I", elf, shoff + i * shentsize)[0]
        end = elf.index(b"\0", names_off + name_at)
        names.add(elf[names_off + name_at : end].decode())
    return names


def test_wheel_is_abi3_stripped_and_carries_both_licences(dist: Path) -> None:
    wheel = _wheel(dist)
    assert "-cp310-abi3-" in wheel.name, wheel.name
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        for licence in LICENSES:
            assert any(n.endswith(f".dist-info/licenses/{licence}") for n in names), licence
        (ext,) = [n for n in names if n.startswith("fastmcnemar/_core.") and "pyi" not in n]
        assert ext.endswith((".abi3.so", ".pyd")), ext
        assert "fastmcnemar/py.typed" in names
        assert "fastmcnemar/_core.pyi" in names
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        if ext.endswith(".so") and sys.platform.startswith("linux"):
            assert ".symtab" not in _sections(zf.read(ext)), "extension is not stripped"
    assert "License-Expression: MIT OR Apache-2.0" in metadata
    assert "Project-URL: Documentation" in metadata
    assert "Provides-Extra: plot" in metadata
    # Test and harness tools are never a user-facing extra.
    for tool in ("pytest", "lm-eval", "inspect-ai", "scipy"):
        assert f"Requires-Dist: {tool}" not in metadata, tool


def test_sdist_carries_sources_lockfile_and_both_licences(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    for needed in (
        *LICENSES,
        "pyproject.toml",
        "Cargo.lock",
        "rust/fastmcnemar-core/Cargo.toml",
        "rust/fastmcnemar-py/src/lib.rs",
        "python/fastmcnemar/__init__.py",
    ):
        assert needed in names, needed


def _installed(bindir: Path, cwd: Path, env: dict[str, str]) -> set[str]:
    listed = _run([str(bindir / "python"), "-m", "pip", "list", "--format=freeze"], cwd, 120, env)
    return {line.split("==")[0].lower() for line in listed.split()}


def test_wheel_installs_in_a_fresh_venv_and_runs_the_demo(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, 300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    seeded = _installed(bindir, tmp_path, env)  # pip (and setuptools on older Pythons)
    _run(
        [str(bindir / "python"), "-m", "pip", "install", "-q", str(_wheel(dist))],
        tmp_path,
        600,
        env,
    )
    added = _installed(bindir, tmp_path, env) - seeded
    assert added <= RUNTIME, f"more than the runtime dependencies: {added - RUNTIME}"

    where = _run(
        [str(bindir / "python"), "-c", "import fastmcnemar; print(fastmcnemar.__file__)"],
        tmp_path,
        60,
        env,
    )
    assert Path(where.strip()).is_relative_to(venv), where
    report = _run([str(bindir / "fastmcnemar"), "demo"], tmp_path, 300, env)
    assert "demo_arith" in report
    assert "DEGRADED" in report.upper()
