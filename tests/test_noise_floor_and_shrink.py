"""Noise floor from reruns and dataset shrinking, on synthetic score frames."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

import fastmcnemar as fm
from fastmcnemar.exceptions import InputFormatError, InvalidArgumentError, PairingError


def frame(task_scores: dict[str, npt.ArrayLike], metric: str = "acc") -> pl.DataFrame:
    parts = []
    for task, scores in task_scores.items():
        values = np.asarray(scores, dtype=float)
        parts.append(
            pl.DataFrame(
                {
                    "model": "ref",
                    "task": task,
                    "filter": "none",
                    "metric": metric,
                    "doc_id": [str(i) for i in range(values.size)],
                    "score": values,
                    "doc_hash": None,
                    "prompt_hash": None,
                    "target_hash": None,
                    "source": "synthetic",
                },
                schema_overrides={
                    "doc_hash": pl.Utf8,
                    "prompt_hash": pl.Utf8,
                    "target_hash": pl.Utf8,
                },
            )
        )
    return pl.concat(parts)


def reruns(seed: int, n: int = 300, runs: int = 6) -> tuple[list[pl.DataFrame], np.ndarray]:
    """Runs sharing one base outcome; 40 unstable samples per task re-drawn each run."""
    rng = np.random.default_rng(seed)
    base = {task: rng.integers(0, 2, n) for task in ("arc", "mmlu")}
    unstable = {task: rng.choice(n, 40, replace=False) for task in base}
    matrices = {task: np.tile(base[task], (runs, 1)) for task in base}
    for task, idx in unstable.items():
        matrices[task][:, idx] = rng.integers(0, 2, (runs, idx.size))
    frames = [frame({t: matrices[t][r] for t in base}) for r in range(runs)]
    return frames, matrices  # type: ignore[return-value]


def test_noise_floor_is_the_mean_pairwise_flip_rate() -> None:
    frames, matrices = reruns(1)
    floor = fm.noise_floor(frames)
    assert floor.n_runs == 6
    for row in floor.tasks.iter_rows(named=True):
        m = matrices[row["task"]]  # type: ignore[index]
        rates = [np.mean(m[i] != m[j]) for i, j in itertools.combinations(range(6), 2)]
        assert row["noise_flip_rate"] == pytest.approx(np.mean(rates), rel=1e-15)
        assert row["noise_flip_rate_std"] == pytest.approx(np.std(rates, ddof=1), rel=1e-12)
        assert row["noise_flip_rate_min"] == min(rates)
        assert row["noise_flip_rate_max"] == max(rates)
        assert (row["n"], row["n_runs"], row["metric"]) == (300, 6, "acc")
    assert "arc [acc]" in floor.to_text()


def test_shrink_keeps_exactly_the_samples_that_changed(tmp_path: Path) -> None:
    frames, matrices = reruns(2)
    result = fm.shrink(frames, delta=0.02)
    for task, m in matrices.items():  # type: ignore[attr-defined]
        changed = {str(i) for i in np.flatnonzero(np.any(m != m[0], axis=0))}
        assert set(result.doc_ids[task]) == changed
        assert result.doc_ids[task] == sorted(changed, key=int)
    target = tmp_path / "kept.json"
    result.write(target)
    written = json.loads(target.read_text())
    assert written == {t: [int(i) for i in ids] for t, ids in result.doc_ids.items()}
    for row in result.tasks.iter_rows(named=True):
        n, kept, noise = row["n"], row["n_kept"], row["noise_flip_rate"]
        assert row["kept_share"] == kept / n
        assert row["power_before"] == fm.power(n, noise + 0.02, 0.02)
        scale = n / kept
        assert row["power_after"] == fm.power(kept, (noise + 0.02) * scale, 0.02 * scale)
    assert "keep" in result.to_text()


def test_a_sample_counts_as_changed_when_any_metric_changes() -> None:
    run1 = pl.concat([frame({"t": [1, 1, 0]}, "acc"), frame({"t": [1, 0, 0]}, "acc_norm")])
    run2 = pl.concat([frame({"t": [1, 1, 1]}, "acc"), frame({"t": [0, 0, 0]}, "acc_norm")])
    assert fm.shrink([run1, run2]).doc_ids == {"t": ["0", "2"]}
    assert fm.shrink([run1, run2], metric="acc").doc_ids == {"t": ["2"]}
    nothing = fm.shrink([run1, run1])
    assert nothing.doc_ids == {"t": []}
    assert nothing.tasks.row(0, named=True)["power_after"] is None


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: fm.noise_floor([frame({"t": [1]})]), InvalidArgumentError, "at least 2 runs"),
        (lambda: fm.shrink(frame({"t": [1]})), InvalidArgumentError, "at least 2 runs"),  # type: ignore[arg-type]
        (
            lambda: fm.noise_floor([frame({"t": [1, 0]}), frame({"t": [1, 0, 1]})]),
            PairingError,
            "task 't'",
        ),
        (
            lambda: fm.noise_floor([frame({"t": [1]}), frame({"u": [1]})]),
            PairingError,
            "share no",
        ),
        (
            lambda: fm.noise_floor([frame({"t": [1]}), frame({"t": [1]}).drop("score")]),
            InputFormatError,
            "run 2",
        ),
        (
            lambda: fm.noise_floor([frame({"t": [1]}), frame({"t": [1]})], metric="f1"),
            InputFormatError,
            "metric 'f1'",
        ),
        (
            lambda: fm.shrink([frame({"t": [1]}), frame({"t": [1]})], delta=0.0),
            InvalidArgumentError,
            "delta",
        ),
        (
            lambda: fm.shrink([frame({"t": [1]}), frame({"t": [1]})], alpha=1.0),
            fm.InvalidLevelError,
            "alpha",
        ),
    ],
)
def test_bad_inputs_raise_named_errors(call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
