"""The columnar pass: a candidate's scores become TaskStats rows in a few array operations.

The reference is coded once (:func:`code_reference`): its (task, filter, metric)
triples become key codes, its doc ids doc codes in the harness's order, and its
rows are kept sorted by (key, doc) with their hashes and per-key offsets. A
candidate is coded the same way (its rows come in runs of one triple, so the
key is looked up once per run, not per row), sorted by (key, doc) when it is
not already, and then *aligned* with the reference: when the two (key, doc)
sequences are equal, pairing is positional, every check (duplicates, missing
docs, non-finite scores, scores outside [0, 1] against a 0/1 side, differing
hashes) is a vector comparison, and the per-task counts are segment sums.

Every check here only *detects*: when anything is off, :func:`paired_stats`
returns None and the caller runs the row-by-row pairing
(:func:`fastmcnemar.pair_report`), which raises or warns with the exact message
naming the task, the doc ids and the files. Clean runs, the usual case, never
pay for the explanations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fastmcnemar._core import (
    ReferenceLookup,
    code_doc_ids,
    lookup_doc_ids,
    paired_segment_tallies,
    text_run_starts,
)
from fastmcnemar.compare import frame_ops
from fastmcnemar.compare.frame_ops import columns, one_value
from fastmcnemar.compare.metrics import Choice
from fastmcnemar.compare.task_stats import STATS_COLUMNS
from fastmcnemar.ingest.schema import HASH_COLUMNS

_TRIPLES = ["task", "filter", "metric"]
# Columns of paired_segment_tallies: per task, scores 0 or 1 and scores outside [0, 1]
# on each side, pairs where each side is higher, ones on each side.
_REF_BINARY, _CAND_BINARY, _REF_OUTSIDE, _CAND_OUTSIDE = 0, 1, 2, 3
_REF_HIGHER, _CAND_HIGHER, _REF_ONES, _CAND_ONES = 4, 5, 6, 7

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class HashCheck:
    """The scanner's verdict on a candidate's hashes (see ``scan_chosen``): whether
    one differs from the reference's where both have it, and how many doc hashes
    were compared."""

    differ: bool
    checked: int


@dataclass(frozen=True)
class Runs:
    """A score frame's runs of one (task, filter, metric): start row, length, triple."""

    starts: IntArray
    lengths: IntArray
    triples: list[tuple[str, str, str]]


@dataclass(frozen=True, eq=False)
class CodedReference:
    """The reference's rows under integer codes (picklable).

    ``keys``: task, filter, metric, key (UInt32) in order of appearance;
    ``docs``: doc_id, doc (UInt32) in the harness's order (numeric ids by value,
    then text), so a doc's code orders docs as :func:`fastmcnemar.pair` does;
    ``pair_code``: key * 2**32 + doc of every row, ascending; ``scores`` and
    ``hashes`` in that order; ``offsets``: where each key's rows start;
    ``clean``: one model and no duplicate (key, doc), so the fast pairing applies;
    ``runs`` and ``row_docs``: the frame's runs of one triple and each row's doc code,
    in the frame's own row order (a candidate laid out like the reference reuses them,
    see :func:`same_layout`).
    """

    keys: pl.DataFrame
    docs: pl.DataFrame
    pair_code: IntArray
    scores: FloatArray
    hashes: pl.DataFrame
    offsets: IntArray
    clean: bool
    runs: Runs
    row_docs: IntArray

    def key_of(self) -> dict[tuple[str, str, str], int]:
        """(task, filter, metric) -> key code (a copy: the caller may change it)."""
        return dict(self._key_codes)

    @cached_property
    def _key_codes(self) -> dict[tuple[str, str, str], int]:
        # Read from ``keys`` once: a compare asks for it twice, an audit per candidate.
        return {(t, f, m): k for t, f, m, k in frame_ops.rows(self.keys, *_TRIPLES, "key")}

    @cached_property
    def lookup(self) -> ReferenceLookup:
        """The doc dictionary and the rows' hashes for the scanner (``scan_chosen``),
        built when first asked, once per process."""
        return ReferenceLookup(
            self.docs.get_column("doc_id").to_list(),
            self.pair_code,
            self.offsets,
            (
                self.hashes.get_column(HASH_COLUMNS[0]).cast(pl.Utf8),
                self.hashes.get_column(HASH_COLUMNS[1]).cast(pl.Utf8),
                self.hashes.get_column(HASH_COLUMNS[2]).cast(pl.Utf8),
            ),
        )

    def __getstate__(self) -> dict[str, Any]:
        # The lookup lives in Rust: each process builds its own when it reads (and
        # its own key codes, derived values like the lookup).
        return {k: v for k, v in self.__dict__.items() if k not in ("lookup", "_key_codes")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def doc_order(doc_ids: pl.Series) -> pl.Series:
    """Distinct doc ids in the order pairing sorts them: numeric ids by value, then text."""
    distinct = doc_ids.unique(maintain_order=True)
    numbers = distinct.str.to_integer(strict=False).alias("_num")
    frame = pl.DataFrame([distinct.alias("doc_id"), numbers])
    return frame.sort(["_num", "doc_id"], nulls_last=True).get_column("doc_id")


def frame_runs(frame: pl.DataFrame) -> Runs:
    """The runs of one (task, filter, metric) in ``frame`` (a reader writes one file,
    one filter at a time, so there are few): where they start, from one pass over the
    three columns in Rust (``text_run_starts``, a third of a run-length encoding's
    cost), and their triples gathered from those rows; a run-length encoding of the
    triples where the kernel declines (a null)."""
    starts = text_run_starts([frame.get_column(c) for c in _TRIPLES])
    if starts is not None:
        first_rows = columns(frame, _TRIPLES)[starts]
        return Runs(
            starts,
            np.diff(starts, append=frame.height),
            list(zip(*(first_rows.get_column(c).to_list() for c in _TRIPLES), strict=True)),
        )
    runs = frame.select(pl.struct(_TRIPLES).rle().alias("run")).to_series().struct.unnest()
    lengths = runs.get_column("len").to_numpy().astype(np.int64)
    starts = np.cumsum(lengths) - lengths
    values = runs.get_column("value").struct.unnest()
    triples = list(zip(*(values.get_column(c).to_list() for c in _TRIPLES), strict=True))
    return Runs(starts, lengths, triples)


def coded_docs(doc_ids: pl.Series) -> tuple[pl.Series, IntArray]:
    """:func:`doc_order` of ``doc_ids`` and each id's position in it (its doc code),
    from one pass in Rust over the column's own buffers (``code_doc_ids``); Polars
    computes them when the kernel declines (a null id, a column that is not text)."""
    found = code_doc_ids(doc_ids)
    if found is None:
        order = doc_order(doc_ids)
        codes = doc_codes(doc_ids, order)
        assert codes is not None  # every doc id is in its own dictionary
        return order, codes
    first_rows, row_codes = found
    # Frame indexing: a gather without Series.gather's query.
    order = doc_ids.to_frame("doc_id")[first_rows.astype(np.int64)].to_series()
    return order, row_codes.astype(np.int64)


def doc_codes(doc_ids: pl.Series, categories: pl.Series) -> IntArray | None:
    """The position of each doc id among ``categories``; None if one is not there.
    A hash lookup in Rust (``lookup_doc_ids``); a cast to an enum of ``categories``
    where it declines (a null, a column that is not text, repeated categories)."""
    found = lookup_doc_ids(categories, doc_ids)
    if found is not None:
        out: IntArray = found.astype(np.int64)
        return out
    try:
        codes = doc_ids.cast(pl.Enum(categories)).to_physical()
    except pl.exceptions.InvalidOperationError:
        return None
    cast: IntArray = codes.to_numpy().astype(np.int64)
    return cast


def code_reference(scores: pl.DataFrame, *, one_model: bool = False) -> CodedReference:
    """Code the reference's score frame once (see :class:`CodedReference`);
    ``one_model``: its model column is known to hold one value (not checked again)."""
    runs = frame_runs(scores)
    lengths, triples = runs.lengths, runs.triples
    key_of: dict[tuple[str, str, str], int] = {}
    for triple in triples:
        key_of.setdefault(triple, len(key_of))
    keys = pl.DataFrame(
        [(*t, k) for t, k in key_of.items()],
        schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8, "key": pl.UInt32},
        orient="row",
    )
    order, row_docs = coded_docs(scores.get_column("doc_id"))
    docs = pl.DataFrame([order, pl.Series("doc", np.arange(order.len(), dtype=np.uint32))])
    key = np.repeat(np.asarray([key_of[t] for t in triples], dtype=np.int64), lengths)
    pair_code = key * (1 << 32) + row_docs
    values = scores.get_column("score").to_numpy().astype(np.float64)
    hashes = columns(scores, HASH_COLUMNS)
    if pair_code.size > 1 and not bool(np.all(pair_code[1:] >= pair_code[:-1])):
        sort = np.argsort(pair_code, kind="stable")
        pair_code, values, hashes = pair_code[sort], values[sort], hashes[sort]
    offsets = np.searchsorted(pair_code >> 32, np.arange(keys.height + 1), side="left")
    duplicated = bool(pair_code.size > 1 and np.any(pair_code[1:] == pair_code[:-1]))
    return CodedReference(
        keys=keys,
        docs=docs,
        pair_code=pair_code,
        scores=values,
        hashes=hashes,
        offsets=offsets.astype(np.int64),
        clean=(one_model or _at_most_one(scores.get_column("model"))) and not duplicated,
        runs=runs,
        row_docs=row_docs,
    )


def same_layout(reference: pl.DataFrame, candidate: pl.DataFrame) -> bool:
    """Whether ``candidate`` holds the reference's (task, filter, metric, doc_id) row
    for row (two runs of one harness on one suite, the usual case): its runs and doc
    codes are then the reference's (:attr:`CodedReference.runs`, ``row_docs``), and
    four column comparisons replace a run-length encoding and a dictionary lookup."""
    return reference.height == candidate.height and all(
        reference.get_column(c).equals(candidate.get_column(c)) for c in (*_TRIPLES, "doc_id")
    )


def _at_most_one(column: pl.Series) -> bool:
    """``column.n_unique() <= 1`` (a null counting as a value), without hashing."""
    return column.null_count() == column.len() or one_value(column)


@dataclass(frozen=True)
class CodedCandidate:
    """A candidate's rows of the chosen keys, row-aligned: key codes, doc ids, scores
    and hashes. From a score frame (:func:`code_frame`): doc ids as text (and their
    codes when known already) and hashes as a frame; straight from the scanner: doc
    codes only (``docs``, ``doc_id`` None) and the hashes already compared
    (:class:`HashCheck`)."""

    key: IntArray
    doc_id: pl.Series | None
    scores: FloatArray
    hashes: pl.DataFrame | HashCheck
    models: int = 1
    docs: IntArray | None = None  # the doc codes, when known already
    # where each row's line starts in its samples file (rows read by the lean reader)
    starts: npt.NDArray[np.uint64] | None = None

    def doc_ids(self, reference_ids: pl.Series) -> pl.Series:
        """The rows' doc ids as text (``reference_ids``: the reference's, by code)."""
        if self.doc_id is not None:
            return self.doc_id
        assert self.docs is not None
        return reference_ids.gather(self.docs).alias("doc_id")


def code_frame(
    frame: pl.DataFrame,
    chosen: dict[tuple[str, str, str], int],
    runs: Runs | None = None,
    row_docs: IntArray | None = None,
    one_model: bool = False,
) -> CodedCandidate:
    """The rows of ``frame`` (a score frame) whose (task, filter, metric) is chosen,
    keyed by the reference's codes. Rows come in runs of one triple (one file, one
    filter), so each run's key is looked up once; ``row_docs`` are the doc codes of
    every row when known (a frame laid out like the reference); ``one_model``: its
    model column is known to hold one value (so does any subset of its rows)."""
    runs = runs or frame_runs(frame)
    run_keys = np.asarray([chosen.get(triple, -1) for triple in runs.triples], dtype=np.int64)
    key = np.repeat(run_keys, runs.lengths)
    keep = key >= 0
    picked = frame.filter(pl.Series(keep)) if not keep.all() else frame
    models = picked.get_column("model")
    return CodedCandidate(
        key=key[keep],
        doc_id=picked.get_column("doc_id"),
        scores=picked.get_column("score").to_numpy().astype(np.float64),
        hashes=columns(picked, HASH_COLUMNS),
        models=1 if one_model or one_value(models) else models.n_unique(),
        docs=None if row_docs is None else row_docs[keep],
    )


@dataclass(frozen=True)
class Paired:
    """What the aligned pass gives: the TaskStats rows, the pairs whose doc hashes were
    compared, and the pairs whose scores differ (key code, doc code, both scores), in
    (key, doc) order: the flipped samples, found without a join."""

    rows: pl.DataFrame
    hashes_checked: int
    changed_key: IntArray
    changed_doc: IntArray
    changed_reference: FloatArray
    changed_candidate: FloatArray


def paired_stats(
    coded: CodedReference,
    candidate: pl.DataFrame | CodedCandidate,
    choices: Sequence[Choice],
    label: str,
    *,
    runs: Runs | None = None,
    row_docs: IntArray | None = None,
    one_model: bool = False,
) -> Paired | None:
    """The TaskStats rows of ``candidate`` for ``choices``, the number of pairs whose
    doc hashes were compared and the changed pairs; None when any pairing check fails
    (see the module notes). ``runs`` and ``row_docs`` (of a frame ``candidate``) are
    its runs and doc codes when known already, ``one_model`` whether its model column
    is known to hold one value."""
    if not coded.clean:
        return None
    key_of = coded.key_of()
    chosen: dict[tuple[str, str, str], int] = {}
    for choice in choices:
        found = key_of.get((choice.task, choice.filter, choice.metric))
        if found is None:
            return None
        chosen[(choice.task, choice.filter, choice.metric)] = found
    cand = (
        candidate
        if isinstance(candidate, CodedCandidate)
        else code_frame(candidate, chosen, runs, row_docs, one_model)
    )
    if cand.models > 1 or cand.key.size == 0:
        return None
    # Doc codes through the reference's dictionary; an unknown doc is a missing pair.
    docs = cand.docs
    if docs is None:
        assert cand.doc_id is not None  # a frame's candidate has its doc ids
        docs = doc_codes(cand.doc_id, coded.docs.get_column("doc_id"))
    if docs is None:
        return None
    pair_code = cand.key * (1 << 32) + docs
    order: IntArray | None = None
    if pair_code.size > 1 and not bool(np.all(pair_code[1:] > pair_code[:-1])):
        order = np.argsort(pair_code, kind="stable")
        pair_code = pair_code[order]
    keys = np.asarray(sorted(chosen.values()), dtype=np.int64)
    ref_rows: slice | IntArray
    if keys.size and bool(np.all(np.diff(keys) == 1)):
        # Consecutive keys (the usual case): the reference's rows are one slice, no copy.
        ref_rows = slice(int(coded.offsets[keys[0]]), int(coded.offsets[keys[-1] + 1]))
        ref_size = ref_rows.stop - ref_rows.start
    else:
        ref_rows = np.concatenate(
            [np.arange(coded.offsets[k], coded.offsets[k + 1]) for k in keys.tolist()]
        ).astype(np.int64)
        ref_size = ref_rows.size
    # Equal sequences: same docs on both sides, no duplicates; pairing is positional.
    if ref_size != pair_code.size or not np.array_equal(coded.pair_code[ref_rows], pair_code):
        return None
    cand_scores = np.ascontiguousarray(cand.scores if order is None else cand.scores[order])
    ref_scores = np.ascontiguousarray(coded.scores[ref_rows])
    sizes = np.diff(coded.offsets)[keys]
    bounds = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    # Every task's counts in one pass in Rust; None: a score is not finite.
    tallies = paired_segment_tallies(ref_scores, cand_scores, bounds)
    if tallies is None:
        return None
    differ, checked = _hashes_differ(coded, ref_rows, cand.hashes, order)
    if differ:
        return None
    ref_binary = tallies[:, _REF_BINARY] == sizes
    cand_binary = tallies[:, _CAND_BINARY] == sizes
    ref_out, cand_out = tallies[:, _REF_OUTSIDE] > 0, tallies[:, _CAND_OUTSIDE] > 0
    if np.any((ref_binary & cand_out) | (cand_binary & ref_out)):
        return None  # one side 0/1, the other outside [0, 1]: different metrics
    binary = ref_binary & cand_binary
    rows = _reduce(keys, bounds, pair_code, ref_scores, cand_scores, tallies, binary, choices,
                   chosen, label)  # fmt: skip
    changed = np.flatnonzero(ref_scores != cand_scores)  # one scan; the gathers are small
    codes = pair_code[changed]
    return Paired(
        rows, checked, codes >> 32, codes & 0xFFFFFFFF, ref_scores[changed], cand_scores[changed]
    )  # fmt: skip


def _hashes_differ(
    coded: CodedReference,
    ref_rows: slice | IntArray,
    cand: pl.DataFrame | HashCheck,
    order: IntArray | None,
) -> tuple[bool, int]:
    """(any hash differs where both sides have it, pairs with both doc hashes), for
    the reference's ``ref_rows`` against the candidate's rows in ``order``."""
    if isinstance(cand, HashCheck):
        return cand.differ, cand.checked  # compared by the scanner, row by row
    ref = (
        coded.hashes.slice(ref_rows.start, ref_rows.stop - ref_rows.start)
        if isinstance(ref_rows, slice)
        else coded.hashes[ref_rows]
    )
    return _hash_checks(ref, cand if order is None else cand[order])


def _hash_checks(ref: pl.DataFrame, cand: pl.DataFrame) -> tuple[bool, int]:
    """(any hash differs where both sides have it, pairs with both doc hashes).

    A hash column that is null throughout on either side (frames built in memory,
    score files) compares nothing and is left out of the query (null counts are
    free: Arrow keeps them)."""
    n = ref.height
    present = [
        h
        for h in HASH_COLUMNS
        if ref.get_column(h).null_count() < n and cand.get_column(h).null_count() < n
    ]
    if not present:
        return False, 0
    both = pl.DataFrame(
        {**{h: ref.get_column(h) for h in present},
         **{f"{h}_c": cand.get_column(h) for h in present}}
    )  # fmt: skip
    both_doc = pl.col("doc_hash").is_not_null() & pl.col("doc_hash_c").is_not_null()
    found = both.select(
        pl.any_horizontal(
            [(pl.col(h).is_not_null() & pl.col(f"{h}_c").is_not_null()
              & (pl.col(h) != pl.col(f"{h}_c"))).any() for h in present]
        ).alias("differ"),
        (both_doc.sum() if "doc_hash" in present else pl.lit(0)).alias("n"),
    ).row(0)  # fmt: skip
    return bool(found[0]), int(found[1])


def _reduce(
    keys: IntArray,
    bounds: IntArray,
    pair_code: IntArray,
    ref: FloatArray,
    cand: FloatArray,
    tallies: IntArray,
    binary: npt.NDArray[np.bool_],
    choices: Sequence[Choice],
    chosen: dict[tuple[str, str, str], int],
    label: str,
) -> pl.DataFrame:
    """Per task: n, b, c and sums, oriented so that higher is better.

    Counts are every task's segment ``tallies`` (one pass in Rust); a binary task's sums
    are its counts of ones (exact, as any sum of zeros and ones is). Orienting a lower-is-better
    task (1 - x for binary scores, -x for continuous ones) swaps b and c; a continuous
    task's sums and scores are taken from its oriented slice, one task at a time."""
    position = {int(k): i for i, k in enumerate(keys.tolist())}
    at = np.asarray(
        [position[chosen[(c.task, c.filter, c.metric)]] for c in choices], dtype=np.int64
    )
    lower = np.asarray([c.lower_is_better for c in choices], dtype=bool)
    size = np.diff(bounds)[at]
    worse = tallies[at, _REF_HIGHER]
    better = tallies[at, _CAND_HIGHER]
    ref_ones = tallies[at, _REF_ONES].astype(np.float64)
    cand_ones = tallies[at, _CAND_ONES].astype(np.float64)
    is_binary = binary[at]
    out: dict[str, Any] = {
        "candidate": [label] * len(choices),
        "task": [c.task for c in choices],
        "filter": [c.filter for c in choices],
        "metric": [c.metric for c in choices],
        "lower_is_better": lower,
        "kind": np.where(is_binary, "binary", "continuous").tolist(),
        "n": size,
        "b": np.where(lower, better, worse),
        "c": np.where(lower, worse, better),
        "reference_sum": np.where(lower, size - ref_ones, ref_ones),
        "candidate_sum": np.where(lower, size - cand_ones, cand_ones),
        "doc_codes": [None] * len(choices),
        "reference_scores": [None] * len(choices),
        "candidate_scores": [None] * len(choices),
        "clusters": [None] * len(choices),
    }
    for row in np.flatnonzero(~is_binary).tolist():
        i = int(at[row])
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        r, c = ref[lo:hi], cand[lo:hi]
        if lower[row]:
            r, c = -r, -c
        out["reference_sum"][row] = float(r.sum())
        out["candidate_sum"][row] = float(c.sum())
        out["doc_codes"][row] = (pair_code[lo:hi] & 0xFFFFFFFF).tolist()
        out["reference_scores"][row] = r.tolist()
        out["candidate_scores"][row] = c.tolist()
    return frame_ops.typed_frame(out, STATS_COLUMNS)


def stats_rows(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """TaskStats rows from Python dicts."""
    return pl.DataFrame(rows, schema=STATS_COLUMNS)


__all__ = [
    "CodedCandidate",
    "CodedReference",
    "HashCheck",
    "Paired",
    "Runs",
    "code_frame",
    "code_reference",
    "coded_docs",
    "doc_codes",
    "doc_order",
    "frame_runs",
    "paired_stats",
    "same_layout",
    "stats_rows",
]
