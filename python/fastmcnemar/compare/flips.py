"""Which samples flipped: the paired docs whose score changed, with their texts.

After a red banner the first question is "which samples broke?". For every tested
(task, filter, metric), :func:`find_flips` keeps the paired docs whose reference and
candidate scores differ: the candidate's losses first (largest drop first), then its
gains. :func:`attach_texts` then adds the prompt, the target and both responses when the
logs carry them (lm-eval ``samples_*.jsonl``): it scans the doc ids of only the files
that hold a flip (the same Rust key scanner as the reader) and parses only the flipped
lines, so a run with few flips costs a few parsed lines, never a second full parse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.compare import frame_ops
from fastmcnemar.ingest.jsonl import LINE_START

#: Columns of ``Comparison.flips`` (``TaskStats.flips`` adds ``candidate`` first).
FLIP_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "doc_id": pl.Utf8(),
    "reference_score": pl.Float64(),
    "candidate_score": pl.Float64(),
    "prompt": pl.Utf8(),
    "target": pl.Utf8(),
    "reference_response": pl.Utf8(),
    "candidate_response": pl.Utf8(),
}
STATS_FLIP_COLUMNS: dict[str, pl.DataType] = {"candidate": pl.Utf8(), **FLIP_COLUMNS}
_TEXT = ("prompt", "target", "reference_response", "candidate_response")
_KEYS = ["task", "filter", "metric", "doc_id"]


def empty_flips(*, with_candidate: bool = False) -> pl.DataFrame:
    """A flips frame with no rows."""
    return pl.DataFrame(schema=STATS_FLIP_COLUMNS if with_candidate else FLIP_COLUMNS)


def find_flips(paired: pl.DataFrame, *, lower_is_better: Iterable[tuple[str, str, str]] = ()) -> (
    pl.DataFrame
):  # fmt: skip
    """The paired rows (task, filter, metric, doc_id, reference, candidate) whose scores
    differ, as a flips frame without texts: losses first, the largest drop first.

    ``lower_is_better`` names the (task, filter, metric) whose metric is better when lower;
    their drop is ``candidate - reference``.
    """
    lower_keys = list(lower_is_better)
    changed = paired.filter(pl.col("reference") != pl.col("candidate"))
    if changed.height == 0:
        return empty_flips()
    drop = pl.col("reference") - pl.col("candidate")
    if lower_keys:
        lower = pl.DataFrame(
            lower_keys,
            schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
            orient="row",
        ).with_columns(pl.lit(True).alias("_lower"))
        changed = changed.join(
            lower, on=["task", "filter", "metric"], how="left", maintain_order="left"
        )
        drop = (
            pl.when(pl.col("_lower").fill_null(False))
            .then(pl.col("candidate") - pl.col("reference"))
            .otherwise(drop)
        )
    ordered = changed.with_columns(drop.alias("_drop")).sort(
        ["task", "filter", "metric", "_drop"], descending=[False, False, False, True],
        maintain_order=True,
    )  # fmt: skip
    return ordered.select(
        "task", "filter", "metric", "doc_id",
        pl.col("reference").alias("reference_score"),
        pl.col("candidate").alias("candidate_score"),
        *(pl.lit(None, dtype=pl.Utf8).alias(c) for c in _TEXT),
    )  # fmt: skip


def attach_texts(
    flips: pl.DataFrame,
    reference: pl.DataFrame,
    candidate: pl.DataFrame,
    reference_starts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``flips`` with prompt, target and responses from the runs' lm-eval samples files.

    ``reference`` / ``candidate`` are the runs' score frames (their ``source`` column
    names the file of each doc). A line is read again alone where its start is known:
    ``reference_starts`` (the reference's
    :attr:`~fastmcnemar.compare.loading.LoadedRun.line_starts`), or a ``_line_start``
    column of ``candidate`` (a candidate read lean); otherwise each file with flips is
    searched once. Docs from other formats keep null texts.
    """
    if flips.height == 0 or not (_has_samples_files(reference) or _has_samples_files(candidate)):
        return flips  # frames built in memory, score files, Inspect: no texts to look up
    ref_jobs = _locate(flips, reference, reference_starts)
    cand_jobs = _locate(flips, candidate)
    lines = _read_lines([*ref_jobs, *cand_jobs])
    ref_records = _records(ref_jobs, lines[: len(ref_jobs)])
    cand_records = _records(cand_jobs, lines[len(ref_jobs) :])
    prompts, targets, ref_resps, cand_resps = [], [], [], []
    for row in flips.select(_KEYS).iter_rows():
        ref = ref_records.get(row)
        cand = cand_records.get(row)
        prompts.append(_prompt(ref) if ref else _prompt(cand) if cand else None)
        targets.append(_text((ref or cand or {}).get("target")))
        ref_resps.append(_response(ref))
        cand_resps.append(_response(cand))
    return flips.with_columns(
        pl.Series("prompt", prompts, dtype=pl.Utf8),
        pl.Series("target", targets, dtype=pl.Utf8),
        pl.Series("reference_response", ref_resps, dtype=pl.Utf8),
        pl.Series("candidate_response", cand_resps, dtype=pl.Utf8),
    )


def flips_of(
    index: Any, candidate: pl.DataFrame | None, choices: Iterable[Any], rows: pl.DataFrame
) -> pl.DataFrame:
    """The flips of one candidate against the indexed reference, texts attached.

    ``candidate`` is its score frame (None: no per-doc scores were kept); ``choices``
    the tested (task, filter, metric); ``rows`` its TaskStats rows (tasks without any
    discordant pair are skipped without a join)."""
    if candidate is None or candidate.height == 0:
        return empty_flips()
    changed = _tasks_with_flips(rows)
    chosen = [c for c in choices if c.task in changed]
    if not chosen:
        return empty_flips()
    keys = pl.DataFrame(
        [(c.task, c.filter, c.metric) for c in chosen],
        schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
        orient="row",
    )
    ref = index.run.scores.join(keys, on=["task", "filter", "metric"], how="semi")
    cand = candidate.join(keys, on=["task", "filter", "metric"], how="semi")
    paired = ref.select(*_KEYS, pl.col("score").alias("reference")).join(
        cand.select(*_KEYS, pl.col("score").alias("candidate")), on=_KEYS, how="inner"
    )
    flips = find_flips(paired, lower_is_better=_lower_is_better(chosen))
    if not index.flip_texts:
        return flips
    return attach_texts(flips, index.run.scores, candidate, index.run.line_starts)


def flips_from_pairs(index: Any, paired: Any, choices: Iterable[Any]) -> pl.DataFrame:
    """The flips frame (without texts) of the changed pairs the aligned pass found
    (:class:`~fastmcnemar.compare.columnar.Paired`), ordered as :func:`find_flips`
    orders them, by array operations: the pairs come in (key, doc) order, so a stable
    sort on (the key's rank by task, filter, metric; the drop, descending) is that
    order, and the names, doc ids and empty texts are gathered, never joined."""
    if paired.changed_key.size == 0:
        return empty_flips()
    key_of = index.coded.key_of()
    by_key = {key_of[(c.task, c.filter, c.metric)]: c for c in choices}
    # Each changed pair's slot among the chosen keys, by a lookup table (every changed
    # key is a chosen one); slots are numbered in (task, filter, metric) order.
    ranked = sorted(by_key.items(), key=lambda kc: (kc[1].task, kc[1].filter, kc[1].metric))
    slot_of = np.full(max(by_key) + 1, -1, dtype=np.int64)
    slot_of[[k for k, _ in ranked]] = np.arange(len(ranked))
    slot = slot_of[paired.changed_key.astype(np.int64)]
    lower = np.asarray([c.lower_is_better for _, c in ranked], dtype=bool)[slot]
    ref, cand = paired.changed_reference, paired.changed_candidate
    drop = np.where(lower, cand - ref, ref - cand)
    order = np.lexsort((-drop, slot))  # stable: equal drops keep their doc order
    # Frame indexing gathers every column at once (Series.gather costs ~60 us a call):
    # the names from the reference's keys (row k holds key code k's names).
    names = frame_ops.columns(index.coded.keys, _KEYS[:3])[paired.changed_key[order]]
    doc_ids = index.doc_ids.to_frame("doc_id")[paired.changed_doc[order].astype(np.int64)]
    no_text = frame_ops.typed_series("", [None] * order.size, pl.Utf8())
    return pl.DataFrame(
        [
            *names.get_columns(),
            doc_ids.to_series(),
            frame_ops.typed_series("reference_score", ref[order], pl.Float64()),
            frame_ops.typed_series("candidate_score", cand[order], pl.Float64()),
            *(no_text.alias(column) for column in _TEXT),
        ]
    )


def chosen_scores(
    found: Any,
    choices: Iterable[Any],
    rows: pl.DataFrame,
    coded: Any,
    key_of: Mapping[tuple[str, str, str], int],
    reference_ids: pl.Series,
) -> pl.DataFrame | None:
    """The per-doc scores of an lm-eval candidate read lean (see
    :mod:`fastmcnemar.compare.candidate_read`), as a score frame, for the tasks with a
    discordant pair only: taken from the rows the lean reader already holds (``coded``,
    a :class:`~fastmcnemar.compare.columnar.CodedCandidate` whose doc codes index
    ``reference_ids``), never read again."""
    changed = _tasks_with_flips(rows)
    wanted = {
        key_of[(c.task, c.filter, c.metric)]: c
        for c in choices
        if c.task in changed and c.task in found.files
    }
    if not wanted:
        return None
    mask = np.isin(coded.key, np.fromiter(wanted, dtype=np.int64))
    if not mask.any():
        return None
    sources = pl.Series("source", [str(found.files[c.task].path) for c in wanted.values()])
    frame = pl.DataFrame(
        {
            "_key": coded.key[mask].astype(np.int64),
            "doc_id": coded.doc_ids(reference_ids).filter(pl.Series(mask)),
            "score": coded.scores[mask],
        }
    )
    starts = [] if coded.starts is None else [pl.Series(LINE_START, coded.starts[mask])]
    names = _key_names(wanted).with_columns(sources)
    return frame.with_columns(starts).join(names, on="_key", how="left", maintain_order="left")[
        ["task", "filter", "metric", "doc_id", "score", "source", *(s.name for s in starts)]
    ]


def _tasks_with_flips(rows: pl.DataFrame) -> set[str]:
    """The tasks of TaskStats ``rows`` with at least one discordant pair."""
    return {str(t) for t, b, c in frame_ops.rows(rows, "task", "b", "c") if b + c}


def _lower_is_better(choices: Iterable[Any]) -> list[tuple[str, str, str]]:
    return [(c.task, c.filter, c.metric) for c in choices if c.lower_is_better]


def _key_names(by_key: dict[int, Any]) -> pl.DataFrame:
    """Key codes with the (task, filter, metric) of their choices."""
    return pl.DataFrame(
        {
            "_key": list(by_key),
            "task": [c.task for c in by_key.values()],
            "filter": [c.filter for c in by_key.values()],
            "metric": [c.metric for c in by_key.values()],
        },
        schema={"_key": pl.Int64, "task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
    )


def _has_samples_files(scores: pl.DataFrame) -> bool:
    """Whether any doc was read from an lm-eval ``samples_*.jsonl`` file (a Series
    check: no query plan for the frames built in memory that have none)."""
    if "source" not in scores.columns:
        return False
    source = scores.get_column("source")
    if source.dtype != pl.Utf8:
        return False
    if frame_ops.one_value(source):  # frames in memory: one label, tested once
        return str(source[0]).endswith(".jsonl")
    return bool(source.str.ends_with(".jsonl").any())


#: A flip located in a samples file: (task, filter, metric, doc_id, source, line start
#: or None).
_Located = tuple[str, str, str, str, str, int | None]
#: One samples file's flips.
_Job = tuple[Path, list[_Located]]
#: Keys of a samples line that no text comes from: walked in Rust, not parsed here.
_UNUSED_KEYS = ["doc", "doc_hash", "prompt_hash", "target_hash", "metrics"]


def _locate(
    flips: pl.DataFrame, scores: pl.DataFrame, line_starts: pl.DataFrame | None = None
) -> list[_Job]:
    """The flips by the samples file holding their lines, each with its line's start where
    it is known (a ``_line_start`` column of ``scores``, or ``line_starts``)."""
    flipped = flips.select(_KEYS)
    located: list[_Located] = []
    if line_starts is not None:
        at = flipped.join(
            line_starts.select("task", "filter", "doc_id", "source", LINE_START),
            on=["task", "filter", "doc_id"],
            how="inner",
        )
        located.extend(at.rows())
        flipped = flipped.join(at, on=_KEYS, how="anti")  # lines of files read otherwise
    if flipped.height:
        starts = LINE_START in scores.columns
        where = flipped.join(
            scores.select(*_KEYS, "source", *([LINE_START] if starts else [])),
            on=_KEYS,
            how="inner",
        )
        located.extend(row if starts else (*row, None) for row in where.rows())
    groups: dict[str, list[_Located]] = {}
    for flip in located:
        source = flip[4]
        path = Path(str(source))
        if source is not None and path.suffix == ".jsonl" and path.name.startswith("samples_"):
            groups.setdefault(source, []).append(flip)
    return [(Path(source), group) for source, group in groups.items()]


def _read_lines(jobs: list[_Job]) -> list[list[tuple[str, dict[str, Any]]]]:
    """Each job's flipped lines as (doc id, record): the files whose line starts are all
    known read at those starts, in one parallel call without the interpreter (each line
    checked to be its flip's doc and filter); the others, and any file that changed since
    it was scanned, searched for the flips' doc ids (two files in flight)."""
    from fastmcnemar._core import outline_at_starts_many
    from fastmcnemar.ingest.jsonl import parse_records

    found: list[list[tuple[str, dict[str, Any]]] | None] = [None] * len(jobs)
    # one read per line: {start: (doc, filter)}
    expected = [{flip[5]: (str(flip[3]), str(flip[1])) for flip in group} for _, group in jobs]
    at_starts = [i for i, lines in enumerate(expected) if None not in lines]
    texts = outline_at_starts_many(
        [jobs[i][0] for i in at_starts],
        [[int(start) for start in expected[i] if start is not None] for i in at_starts],
        _UNUSED_KEYS,
    )
    for i, read in zip(at_starts, texts, strict=True):
        records = None if read is None else parse_records(read)
        wanted = list(expected[i].values())
        if records is not None and all(
            _is_line_of(record, doc, filt)
            for record, (doc, filt) in zip(records, wanted, strict=True)
        ):
            found[i] = [(doc, record) for (doc, _), record in zip(wanted, records, strict=True)]
    searched = [i for i, got in enumerate(found) if got is None]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, got in zip(searched, pool.map(lambda i: _search(jobs[i]), searched), strict=True):
            found[i] = got
    return [got or [] for got in found]


def _search(job: _Job) -> list[tuple[str, dict[str, Any]]]:
    """The lines of one samples file whose doc ids are among the job's flips."""
    from fastmcnemar.ingest.jsonl import records_where

    path, group = job
    try:
        return records_where(path, "doc_id", {str(flip[3]) for flip in group}, _UNUSED_KEYS)
    except (OSError, ValueError):
        return []  # texts are a courtesy: the scores were read from this file already


def _records(
    jobs: list[_Job], lines: list[list[tuple[str, dict[str, Any]]]]
) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Each flip's record, by (task, filter, metric, doc_id): its doc's line of the flip's
    own filter (the last if repeated), else the doc's first line."""
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for (_, group), found in zip(jobs, lines, strict=True):
        exact: dict[tuple[str, str], dict[str, Any]] = {}
        any_filter: dict[str, dict[str, Any]] = {}
        for doc, rec in found:
            name = rec.get("filter")
            exact[(doc, "none" if name is None else str(name))] = rec
            any_filter.setdefault(doc, rec)
        for task, filt, metric, doc, _, _ in group:
            record = exact.get((str(doc), str(filt))) or any_filter.get(str(doc))
            if record is not None:
                out[(task, filt, metric, doc)] = record
    return out


def _is_line_of(record: dict[str, Any], doc: str, filt: str) -> bool:
    """Whether ``record`` is the samples line of doc ``doc`` (its id as the scanner reads
    it) under filter ``filt``."""
    name = record.get("filter")
    doc_id = record.get("doc_id")
    texts = {str(doc_id)}
    if isinstance(doc_id, float) and doc_id.is_integer():
        texts.add(str(int(doc_id)))  # 16.0 reads as "16"
    return doc in texts and ("none" if name is None else str(name)) == filt


def _text(value: Any, limit: int = 4000) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prompt(record: dict[str, Any]) -> str | None:
    args = record.get("arguments")
    first: Any = None
    if isinstance(args, dict) and args:
        first = next(iter(args.values()))
        first = first.get("arg_0") if isinstance(first, dict) else first
    elif isinstance(args, list) and args:
        first = args[0][0] if isinstance(args[0], list) and args[0] else args[0]
    return _text(first)


def _response(record: dict[str, Any] | None) -> str | None:
    if record is None:
        return None
    resps = record.get("filtered_resps", record.get("resps"))
    if isinstance(resps, list) and len(resps) == 1:
        resps = resps[0]
    if isinstance(resps, list) and resps and all(_is_loglikelihood(r) for r in resps):
        # multiple choice: the option the model ranked first
        best = max(range(len(resps)), key=lambda i: float(_flat(resps[i])[0]))
        option = _option(record, best)
        return f"choice {best}" + (f": {option.strip()}" if option else "")
    return _text(resps)


def _option(record: dict[str, Any], index: int) -> str | None:
    """The text of multiple-choice option ``index`` (the continuation scored)."""
    args = record.get("arguments")
    entry: Any = None
    if isinstance(args, dict):
        entry = args.get(f"gen_args_{index}")
        entry = entry.get("arg_1") if isinstance(entry, dict) else None
    elif isinstance(args, list) and index < len(args) and isinstance(args[index], list):
        entry = args[index][1] if len(args[index]) > 1 else None
    return entry if isinstance(entry, str) else None


def _flat(item: Any) -> list[Any]:
    while isinstance(item, list) and len(item) == 1 and isinstance(item[0], list):
        item = item[0]
    return item if isinstance(item, list) else [item]


def _is_loglikelihood(item: Any) -> bool:
    flat = _flat(item)
    if len(flat) != 2:
        return False
    try:
        float(flat[0])
    except (TypeError, ValueError):
        return False
    return str(flat[1]) in ("True", "False", "true", "false")


__all__ = [
    "FLIP_COLUMNS",
    "STATS_FLIP_COLUMNS",
    "attach_texts",
    "chosen_scores",
    "empty_flips",
    "find_flips",
    "flips_of",
]
