"""Process start: ``fastmcnemar --version``, ``--help`` and ``import fastmcnemar``
beside a bare interpreter and ``import numpy, polars`` (what they cost before the
package loaded its names lazily). Medians of 9 interleaved runs.

Run: ``.venv/bin/python benches/bench_startup.py``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bytecode import compile_package

CLI = "import sys; from fastmcnemar.cli import main; sys.exit(main([{!r}]))"
CASES = {
    "python -c pass": "pass",
    "import fastmcnemar": "import fastmcnemar",
    "fastmcnemar --version": CLI.format("--version"),
    "fastmcnemar --help": CLI.format("--help"),
    "import numpy, polars": "import numpy, polars",
}


def main(runs: int = 9) -> None:
    compile_package()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, code in CASES.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    print(f"process start, medians of {runs} interleaved runs")
    for name, values in times.items():
        print(f"{name:<24}{statistics.median(values):>8.3f} s")


if __name__ == "__main__":
    main()
