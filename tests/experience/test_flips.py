"""Which samples flipped: ``Comparison.flips``, ``--show-flips``, JSON ``flips``, HTML list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

import fastmcnemar as fm
from fastmcnemar.cli import main
from fastmcnemar.compare.engine import candidate_stats, index_reference
from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.data import example_path

REF, DEGRADED, RERUN = (example_path(n) for n in ("reference", "degraded", "rerun"))


@pytest.fixture(scope="module")
def comp() -> fm.Comparison:
    return fm.compare(REF, DEGRADED)


def _samples(run: Path, task: str) -> list[dict[str, object]]:
    (path,) = run.glob(f"samples_{task}_*.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_flips_are_exactly_the_discordant_pairs(comp: fm.Comparison) -> None:
    counts = comp.flips.group_by("task", "filter", "metric").len()
    expected = comp.tasks.select("task", "filter", "metric", (pl.col("b") + pl.col("c")).alias("n"))
    joined = expected.join(counts, on=["task", "filter", "metric"], how="left")
    assert joined.get_column("len").cast(pl.Int64).to_list() == joined.get_column("n").to_list()
    assert (comp.flips["reference_score"] != comp.flips["candidate_score"]).all()


def test_flips_match_the_logs_independently(comp: fm.Comparison) -> None:
    # read the samples files with json, independently of the reader
    ref = {(r["doc_id"], r.get("filter")): r for r in _samples(REF, "demo_arith")}
    cand = {(r["doc_id"], r.get("filter")): r for r in _samples(DEGRADED, "demo_arith")}
    mine = comp.flips.filter(pl.col("task") == "demo_arith")
    (filt,) = set(mine["filter"])
    expected = {
        str(doc)
        for (doc, f), r in ref.items()
        if f == filt and r["exact_match"] != cand[(doc, f)]["exact_match"]
    }
    assert set(mine["doc_id"]) == expected
    for row in mine.iter_rows(named=True):
        r, c = ref[(int(row["doc_id"]), filt)], cand[(int(row["doc_id"]), filt)]
        assert row["reference_score"] == float(r["exact_match"])
        assert row["candidate_score"] == float(c["exact_match"])
        assert row["target"] == str(r["target"])
        assert row["prompt"] == r["arguments"]["gen_args_0"]["arg_0"]
        assert row["reference_response"] == str(r["filtered_resps"][0])
        assert row["candidate_response"] == str(c["filtered_resps"][0])
    # losses first: every 1 -> 0 before any 0 -> 1
    drops = (mine["reference_score"] - mine["candidate_score"]).to_list()
    assert drops == sorted(drops, reverse=True)


def test_texts_are_read_at_the_line_starts_the_scans_reported(
    comp: fm.Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both runs' flipped lines are read again at the offsets their scans reported (the
    # reference's by the general reader, the candidate's by the lean one), not found by a
    # second scan; also past a byte-order mark and with CRLF line ends.
    import fastmcnemar._core as core
    import fastmcnemar.ingest.jsonl as jsonl

    cand = tmp_path / "degraded"
    shutil.copytree(DEGRADED, cand)
    for path in cand.glob("samples_*.jsonl"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    read_at: list[Path] = []
    real = core.flip_texts_at_starts_many

    def spy(paths: list[Path], starts: list[list[int]], skip: list[str]) -> object:
        read_at.extend(Path(p) for p in paths)
        return real(paths, starts, skip)

    def no_search(*args: object) -> None:
        raise AssertionError(f"searched: {args}")

    monkeypatch.setattr(core, "flip_texts_at_starts_many", spy)
    monkeypatch.setattr(jsonl, "records_where", no_search)
    flips = fm.compare(REF, cand).flips
    assert {p.parent for p in read_at} == {cand, REF}
    assert flips["candidate_response"].null_count() == 0
    assert flips.equals(comp.flips)


def test_a_file_rewritten_since_its_scan_is_searched_instead(tmp_path: Path) -> None:
    # The line at a recorded start is another doc's (the file changed after its scan):
    # its texts are not taken from there; the file is searched for the flip's doc.
    import importlib

    flip_texts = importlib.import_module("fastmcnemar.compare.flip_texts")
    path = tmp_path / "samples_t_2026.jsonl"
    lines = [{"doc_id": d, "filter": "none", "target": f"t{d}"} for d in (0, 1, 2)]
    text = "".join(json.dumps(line) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    second = text.index('{"doc_id": 1')

    def lines(doc: str, filt: str, start: int) -> list[tuple[str, object]]:
        flip = flip_texts._Located("t", filt, "acc", doc, str(path), start)
        (found,) = flip_texts._read_lines([(path, [flip])])
        return [(texts.doc_id, texts.target) for texts in found]

    assert lines("1", "none", second) == [("1", "t1")]
    assert lines("2", "none", second) == [("2", "t2")]  # doc 1's line: searched for doc 2
    assert lines("1", "strict", 0) == [("1", "t1")]  # another filter: found by its doc id
    assert lines("1", "none", len(text) + 10) == [("1", "t1")]  # past the end: searched


def test_texts_of_lines_without_a_known_start_are_searched_for(comp: fm.Comparison) -> None:
    # A reference given as a score frame with lm-eval sources has no line starts: its
    # files are searched, and the texts are the same.
    with pytest.warns(fm.InputWarning, match="left out"):
        reference = fm.read_lm_eval(REF)
    assert fm.compare(reference, DEGRADED).flips.equals(comp.flips)


def test_a_lossless_rerun_has_no_flips() -> None:
    rerun = fm.compare(REF, RERUN)
    assert rerun.flips.height == 0
    assert "flipped samples: none" in rerun.to_text(show_flips=5)


def test_flips_survive_task_stats_arrow_and_merge() -> None:
    index = index_reference(REF)
    stats = candidate_stats(index, DEGRADED, label="int4")
    assert stats.flips.height > 0
    back = TaskStats.from_arrow(stats.to_arrow())
    assert back.flips.equals(stats.flips)
    other = candidate_stats(index, RERUN, label="rerun")
    merged = stats + other
    assert merged.select("int4").flips.equals(stats.flips)


def test_show_flips_text_markdown_json_html(
    comp: fm.Comparison, capsys: pytest.CaptureFixture[str]
) -> None:
    text = comp.to_text(show_flips=2)
    section = text[text.index("flipped samples (first 2 per task") :]
    assert "demo_arith [strict-match] exact_match: 17 lost, 2 gained" in section
    assert section.count("    doc ") == 2 * comp.tasks.height
    assert max(len(x) for x in text.splitlines()) <= 100
    assert "flipped samples" not in comp.to_text()

    markdown = comp.to_markdown(show_flips=3)
    assert "<details><summary>demo_mc acc: 15 lost, 1 gained</summary>" in markdown
    assert "| doc | reference | candidate | target |" in markdown

    doc = json.loads(comp.to_json())
    assert len(doc["flips"]) == comp.flips.height
    assert set(doc["flips"][0]) >= {"task", "doc_id", "reference_score", "candidate_score"}

    html = comp.to_html()
    assert html.count('<table class="flips">') == comp.tasks.height
    assert "Which samples flipped" in html

    assert main(["compare", str(REF), str(DEGRADED), "--show-flips"]) == 1
    out = capsys.readouterr().out
    assert "flipped samples (first 10 per task" in out
    assert (
        main(["compare", str(REF), str(DEGRADED), "--show-flips", "1", "--format", "markdown"]) == 1
    )
    assert "**Flipped samples** (first 1 per task" in capsys.readouterr().out
    assert main(["compare", str(REF), str(DEGRADED), "--show-flips", "-1"]) == 2
