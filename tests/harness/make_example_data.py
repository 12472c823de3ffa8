"""Regenerate the built-in example runs in python/fastmcnemar/data/examples/ through lm-eval.

Usage: ``.venv/bin/python tests/harness/make_example_data.py`` (needs the ``harness``
extra). Runs lm-evaluation-harness's own ``simple_evaluate`` + ``EvaluationTracker`` on the
small local tasks of ``lm_eval_demo.py`` for three deterministic models: ``reference``,
``rerun`` (identical answers: a lossless rerun) and ``degraded`` (a known set of answers
flipped), exactly as ``lm_eval --log_samples --output_path`` would write them.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lm_eval_demo  # noqa: E402

TARGET = HERE.parent.parent / "python" / "fastmcnemar" / "data" / "examples"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fastmcnemar-demo-") as tmp:
        root = Path(tmp)
        tasks_dir = lm_eval_demo.write_tasks(root)
        out = root / "out"
        for variant in ("reference", "rerun", "degraded"):
            lm_eval_demo.run_variant(variant, tasks_dir, out, lm_eval_demo.ALL_TASKS)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(out, TARGET)
    total = sum(p.stat().st_size for p in TARGET.rglob("*") if p.is_file())
    print(f"wrote {TARGET} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
