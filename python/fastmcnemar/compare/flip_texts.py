"""The prompt, target and both responses of each flipped sample, from lm-eval logs.

:func:`attach_texts` fills the text columns of a flips frame from the runs' lm-eval
``samples_*.jsonl`` files. Only the flipped lines are read again: where the first reading
recorded where each line starts (the lean candidate reader always, the reference's
reader when texts are wanted), every flipped line of both runs is read at its start in one
parallel call, without the keys no text comes from, and checked to be its flip's doc and
filter; the core makes the texts of the shapes lm-eval writes
(``fastmcnemar_core::jsonl::flip_texts``) and hands any other line back to be parsed
here, where :func:`_texts_of` makes them from the record. The other files (a run given
as a frame, a file rewritten since it was read) are searched for the flips' doc ids by
the Rust key scanner. Only the flipped lines are parsed. Texts are a courtesy: a file
that cannot be read leaves its flips without texts.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from fastmcnemar.compare import frame_ops
from fastmcnemar.ingest.jsonl import LINE_START

#: The keys of a flip (a flips frame's first columns).
_KEYS = ["task", "filter", "metric", "doc_id"]


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
    ref_texts = _by_flip(ref_jobs, lines[: len(ref_jobs)])
    cand_texts = _by_flip(cand_jobs, lines[len(ref_jobs) :])
    prompts, targets, ref_resps, cand_resps = [], [], [], []
    for row in flips.select(_KEYS).iter_rows():
        ref = ref_texts.get(row)
        cand = cand_texts.get(row)
        either = ref or cand
        prompts.append(either.prompt if either else None)
        targets.append(either.target if either else None)
        ref_resps.append(ref.response if ref else None)
        cand_resps.append(cand.response if cand else None)
    return flips.with_columns(
        pl.Series("prompt", prompts, dtype=pl.Utf8),
        pl.Series("target", targets, dtype=pl.Utf8),
        pl.Series("reference_response", ref_resps, dtype=pl.Utf8),
        pl.Series("candidate_response", cand_resps, dtype=pl.Utf8),
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


class _Located(NamedTuple):
    """A flip and the samples file holding its line (and where the line starts, if known)."""

    task: str
    filter: str
    metric: str
    doc_id: str
    source: str
    start: int | None


class _Texts(NamedTuple):
    """What a report shows of one samples line, and which line it is."""

    doc_id: str
    filter: str
    prompt: str | None
    target: str | None
    response: str | None


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
        located.extend(_Located(*row) for row in at.rows())  # the six columns, in order
        flipped = flipped.join(at, on=_KEYS, how="anti")  # lines of files read otherwise
    if flipped.height:
        starts = LINE_START in scores.columns
        where = flipped.join(
            scores.select(*_KEYS, "source", *([LINE_START] if starts else [])),
            on=_KEYS,
            how="inner",
        )
        for task, filt, metric, doc_id, source, *start in where.rows():
            known = start[0] if start else None
            located.append(_Located(task, filt, metric, doc_id, source, known))
    groups: dict[str, list[_Located]] = {}
    for flip in located:
        if flip.source is not None:
            groups.setdefault(flip.source, []).append(flip)
    jobs = [(Path(source), group) for source, group in groups.items()]
    return [(path, group) for path, group in jobs if _is_samples_file(path)]


def _is_samples_file(path: Path) -> bool:
    """An lm-eval samples file (JSON lines): the only files texts are read from."""
    return path.suffix == ".jsonl" and path.name.startswith("samples_")


def _read_lines(jobs: list[_Job]) -> list[list[_Texts]]:
    """Each job's flipped lines: the files whose line starts are all known read at
    those starts, in one parallel call without the interpreter (each line checked to
    be its flip's doc and filter); the others, and any file that changed since it was
    scanned, searched for the flips' doc ids (two files in flight)."""
    from fastmcnemar._core import flip_texts_at_starts_many

    found: list[list[_Texts] | None] = [None] * len(jobs)
    # one read per line: {start: (doc, filter)}
    expected = [{f.start: (str(f.doc_id), str(f.filter)) for f in group} for _, group in jobs]
    at_starts = [i for i, lines in enumerate(expected) if None not in lines]
    read = flip_texts_at_starts_many(
        [jobs[i][0] for i in at_starts],
        [[int(start) for start in expected[i] if start is not None] for i in at_starts],
        _UNUSED_KEYS,
    )
    for i, lines in zip(at_starts, read, strict=True):
        if lines is not None:
            found[i] = _checked(lines, list(expected[i].values()))
    searched = [i for i, got in enumerate(found) if got is None]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, got in zip(searched, pool.map(lambda i: _search(jobs[i]), searched), strict=True):
            found[i] = got
    return [got or [] for got in found]


def _checked(
    lines: list[tuple[str, str, str | None, str | None, str | None] | bytes],
    wanted: list[tuple[str, str]],
) -> list[_Texts] | None:
    """The lines read at the flips' starts as texts, or None (search the file instead)
    when one is not its flip's doc and filter or cannot be parsed."""
    from fastmcnemar.ingest.jsonl import parse_records

    out = []
    for line, (doc, filt) in zip(lines, wanted, strict=True):
        if isinstance(line, bytes):
            records = parse_records([line])
            if records is None or not _is_line_of(records[0], doc, filt):
                return None
            out.append(_texts_of(records[0], doc))
        elif line[0] == doc and line[1] == filt:
            out.append(_Texts(*line))
        else:
            return None
    return out


def _search(job: _Job) -> list[_Texts]:
    """The lines of one samples file whose doc ids are among the job's flips."""
    from fastmcnemar.ingest.jsonl import records_where

    path, group = job
    try:
        found = records_where(path, "doc_id", {str(f.doc_id) for f in group}, _UNUSED_KEYS)
    except (OSError, ValueError):
        return []  # texts are a courtesy: the scores were read from this file already
    return [_texts_of(record, doc) for doc, record in found]


def _texts_of(record: dict[str, Any], doc_id: str | None = None) -> _Texts:
    """The texts of a parsed samples line (``doc_id``: its doc id as the scanner read it)."""
    name = record.get("filter")
    return _Texts(
        str(record.get("doc_id")) if doc_id is None else doc_id,
        "none" if name is None else str(name),
        _prompt(record),
        _text(record.get("target")),
        _response(record),
    )


def _by_flip(
    jobs: list[_Job], lines: list[list[_Texts]]
) -> dict[tuple[str, str, str, str], _Texts]:
    """Each flip's texts, by (task, filter, metric, doc_id): its doc's line of the flip's
    own filter (the last if repeated), else the doc's first line."""
    out: dict[tuple[str, str, str, str], _Texts] = {}
    for (_, group), found in zip(jobs, lines, strict=True):
        exact: dict[tuple[str, str], _Texts] = {}
        any_filter: dict[str, _Texts] = {}
        for texts in found:
            exact[(texts.doc_id, texts.filter)] = texts
            any_filter.setdefault(texts.doc_id, texts)
        for flip in group:
            doc, filt = str(flip.doc_id), str(flip.filter)
            line = exact.get((doc, filt)) or any_filter.get(doc)
            if line is not None:
                out[(flip.task, flip.filter, flip.metric, flip.doc_id)] = line
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


__all__ = ["attach_texts"]
