"""Benchmarks time the package as it runs once installed: with its bytecode compiled.

pip compiles every module of a wheel when it installs it, but a development install
(``maturin develop``) leaves compiling to the first import, which writes nothing when
``PYTHONDONTWRITEBYTECODE`` is set: then every process compiles the package's ~100
modules from source again (about 0.27 s on a 2-core VM, more than the rest of start-up).
"""

from __future__ import annotations

import compileall
from pathlib import Path

import fastmcnemar


def compile_package() -> None:
    """Writes the package's ``__pycache__`` files, as pip does at install time."""
    compileall.compile_dir(Path(fastmcnemar.__file__).parent, quiet=1)
