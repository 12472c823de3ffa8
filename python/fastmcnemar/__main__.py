"""``python -m fastmcnemar``: the same as the ``fastmcnemar`` command."""

from __future__ import annotations

import sys

from fastmcnemar.cli import main

if __name__ == "__main__":
    sys.exit(main())
