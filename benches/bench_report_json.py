"""Benchmark: writing an audit's JSON report, the core's tables against Python's ``json``.

Audits K = 10 candidates of the lm-eval corpus of ``bench_audit.py`` (written once under
``--root``; 60 tasks, about 950 flipped samples per candidate), then times, interleaved,
``--repeats`` times each:

- ``audit_json_chunks`` as the CLI writes it: the flipped samples, task rows and summary
  written by ``fastmcnemar_core::json_out`` from the columns in place, the nesting above
  them by ``json``'s C encoder;
- the same document with those tables as Python rows (``audit_dict``: ``plain_rows``)
  through the same indented writer, i.e. ``json``'s C encoder for the records.

Both texts must be equal byte for byte (the script stops otherwise). Prints the medians per
candidate.

Usage: ``.venv/bin/python benches/bench_report_json.py [--root DIR] [--repeats 9]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit_corpus
import fastmcnemar
from fastmcnemar.render._json_text import dumps
from fastmcnemar.render.json import audit_dict, audit_json_chunks

K = 10


def python_rows_text(audit: fastmcnemar.Audit) -> str:
    """The indented report with every table turned into Python rows first."""
    return dumps(audit_dict(audit), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(tempfile.gettempdir()) / "fmn-audit-bench"))
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    ref, candidates, _ = audit_corpus.write_corpus(Path(args.root), K)
    audit = fastmcnemar.audit(ref, candidates[:K])
    flips = sum(c.flips.height for c in audit.comparisons.values())
    core, python = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        fast = "".join(audit_json_chunks(audit))
        core.append(time.perf_counter() - start)
        start = time.perf_counter()
        slow = python_rows_text(audit)
        python.append(time.perf_counter() - start)
        if fast != slow:
            sys.exit("the two reports differ")
    per = 1e3 / K
    print(
        f"JSON report of an audit of {K} candidates ({flips // K} flipped samples each, "
        f"{len(fast) / 1e6:.1f} MB), medians of {args.repeats} interleaved runs, per candidate:"
    )
    print(f"  core tables:           {statistics.median(core) * per:6.2f} ms")
    print(f"  Python rows + json:    {statistics.median(python) * per:6.2f} ms")
    print(f"  same text byte for byte; {statistics.median(python) / statistics.median(core):.1f}x")


if __name__ == "__main__":
    main()
