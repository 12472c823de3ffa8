"""Set-up of the reports tests: this folder's report fixtures on the import path
(the Inspect logs fixture, ``inspect_runs``, is shared from ``tests/conftest.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
