"""Real Inspect logs with epochs: the epochs of one sample are one cluster by default,
``epochs="mean"`` averages them; clusters from sample metadata."""

from __future__ import annotations

import warnings

import pytest
from inspect_mock import EPOCHS, EXPECTED_B, EXPECTED_C, N_SAMPLES, InspectRuns

import fastmcnemar as fm
from fastmcnemar.cli import main


def quiet_compare(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ClusterWarning)
        return fm.compare(*args, **kwargs)


def test_epochs_of_a_sample_form_one_cluster(inspect_runs: InspectRuns) -> None:
    with pytest.warns(fm.ClusterWarning, match=f"only {N_SAMPLES} clusters"):
        res = fm.compare(inspect_runs.reference_eval, inspect_runs.candidate_json)
    row = res.tasks.row(0, named=True)
    assert (row["n"], row["b"], row["c"]) == (EPOCHS * N_SAMPLES, EPOCHS * EXPECTED_B,
                                               EPOCHS * EXPECTED_C)  # fmt: skip
    info = res.metadata["clusters"]
    assert info["key"] == "epochs of each Inspect sample"
    assert info["tasks"][0]["n_clusters"] == N_SAMPLES
    # The mock models answer every epoch alike: each cluster sum is +-2 or 0, so the
    # cluster sign-flip p-value is the exact McNemar p-value of the reduced run.
    mean = fm.compare(inspect_runs.reference_eval, inspect_runs.candidate_json, epochs="mean")
    assert row["pvalue"] == pytest.approx(mean.tasks["pvalue"][0], rel=1e-14)
    assert mean.tasks["b"][0] == EXPECTED_B
    assert "clusters" not in mean.metadata
    assert info["tasks"][0]["design_effect"] > 1.5  # identical epochs: no new information


def test_clusters_from_sample_id_and_metadata(inspect_runs: InspectRuns) -> None:
    by_id = quiet_compare(inspect_runs.reference_eval, inspect_runs.candidate_json, cluster="id")
    default = quiet_compare(inspect_runs.reference_eval, inspect_runs.candidate_json)
    assert by_id.tasks["pvalue"][0] == default.tasks["pvalue"][0]
    assert by_id.metadata["clusters"]["tasks"][0]["n_clusters"] == N_SAMPLES
    with pytest.raises(fm.InputFormatError, match=r"no 'metadata\.passage' for --cluster"):
        fm.compare(
            inspect_runs.reference_eval, inspect_runs.candidate_json, cluster="metadata.passage"
        )


def test_cli_epochs_option(inspect_runs: InspectRuns, capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ClusterWarning)
        main(["compare", str(inspect_runs.reference_eval), str(inspect_runs.candidate_json)])
    out = capsys.readouterr().out
    assert "clusters (epochs of each Inspect sample" in out
    main(["compare", str(inspect_runs.reference_eval), str(inspect_runs.candidate_json),
          "--epochs", "mean"])  # fmt: skip
    out = capsys.readouterr().out
    assert "clusters (" not in out
