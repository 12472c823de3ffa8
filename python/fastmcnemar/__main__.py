"""``python -m fastmcnemar``: the same as the ``fastmcnemar`` command."""

from __future__ import annotations

from fastmcnemar.cli import run

if __name__ == "__main__":
    run()
