"""Doc ids coded in Rust (``code_doc_ids``, ``lookup_doc_ids``) give the Polars path's codes.

The Polars path: :func:`columnar.doc_order` (unique, ``str.to_integer``, sort) and a cast
to an enum of that order. The kernel must agree on every id Polars reads as a number or
not (signs, leading zeros, overflow, digits of other scripts), on long ids, repeats,
chunked and sliced columns, and decline (None) where the Polars path decides.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from fastmcnemar import _core
from fastmcnemar.compare import columnar

TRICKY = [
    "10", "9", "+9", "09", "-1", "-0", "0", "+0", "007", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", " 7", "7 ",
    "", "+", "-", "1e3", "5.0", "0x10", "1_000", "\u0661\u0662", "abc", "Zed", "é", "a\x00",
    "a", "twelve bytes", "thirteen bytes", "a doc id much longer than a string view inlines",
]  # fmt: skip


def polars_codes(ids: pl.Series) -> tuple[list[str], list[int]]:
    """The order and row codes by the Polars path alone."""
    order = columnar.doc_order(ids)
    codes = ids.cast(pl.Enum(order)).to_physical().to_list()
    return order.to_list(), codes


def kernel_codes(ids: pl.Series) -> tuple[list[str], list[int]]:
    found = _core.code_doc_ids(ids)
    assert found is not None
    first_rows, row_codes = found
    assert first_rows.dtype == np.uint32
    assert row_codes.dtype == np.uint32
    return ids.gather(first_rows.astype(np.int64)).to_list(), row_codes.tolist()


def shuffled_repeats(seed: int) -> pl.Series:
    rng = np.random.default_rng(seed)
    ids = [TRICKY[i] for i in rng.integers(0, len(TRICKY), 400)]
    # blocks of one sequence, as frames hold them, then departures from it
    return pl.Series("doc_id", TRICKY * 3 + ids + TRICKY[::-1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kernel_orders_and_codes_as_polars(seed: int) -> None:
    ids = shuffled_repeats(seed)
    assert kernel_codes(ids) == polars_codes(ids)
    order, codes = columnar.coded_docs(ids)
    assert order.name == "doc_id"
    assert order.dtype == pl.Utf8
    assert (order.to_list(), codes.tolist()) == polars_codes(ids)
    assert codes.dtype == np.int64


def test_numbers_first_by_value_then_text_by_bytes() -> None:
    order, _ = kernel_codes(pl.Series(["b", "10", "+9", "09", "9", "-1", "a", "", "1e3"]))
    assert order == ["-1", "+9", "09", "9", "10", "", "1e3", "a", "b"]


def test_chunked_and_sliced_columns() -> None:
    ids = shuffled_repeats(3)
    chunked = pl.concat([ids.slice(0, 100), ids.slice(100, 7), ids.slice(107)], rechunk=False)
    assert chunked.n_chunks() == 3
    assert kernel_codes(chunked) == polars_codes(chunked)
    sliced = chunked.slice(50, 200)
    assert kernel_codes(sliced) == polars_codes(sliced)


def test_lookup_gives_the_enum_cast_codes() -> None:
    ids = shuffled_repeats(4)
    order = columnar.doc_order(ids)
    found = _core.lookup_doc_ids(order, ids)
    assert found is not None
    assert found.tolist() == ids.cast(pl.Enum(order)).to_physical().to_list()
    assert columnar.doc_codes(ids, order) is not None


def test_unknown_ids_have_no_codes() -> None:
    order = pl.Series("doc_id", ["1", "2"])
    assert _core.lookup_doc_ids(order, pl.Series(["1", "3"])) is None
    assert columnar.doc_codes(pl.Series(["1", "3"]), order) is None
    assert columnar.doc_codes(pl.Series(["2", "1"]), order).tolist() == [1, 0]  # type: ignore[union-attr]


def test_kernel_declines_and_polars_decides() -> None:
    with_null = pl.Series("doc_id", ["1", None, "a"])
    assert _core.code_doc_ids(with_null) is None
    assert _core.lookup_doc_ids(pl.Series(["1", "a"]), with_null) is None
    # The fallback is the Polars path, error included.
    with pytest.raises(TypeError, match="null"):
        polars_codes(with_null)
    with pytest.raises(TypeError, match="null"):
        columnar.coded_docs(with_null)
    # Not text: numbers, categoricals.
    assert _core.code_doc_ids(pl.Series([1, 2])) is None
    assert _core.code_doc_ids(pl.Series(["a", "b"]).cast(pl.Categorical)) is None
    assert _core.lookup_doc_ids(pl.Series([1]), pl.Series(["1"])) is None
    # A dictionary that repeats an id: the enum cast refuses it, as before.
    repeated = pl.Series(["a", "a"])
    assert _core.lookup_doc_ids(repeated, pl.Series(["a"])) is None
    with pytest.raises(ValueError, match="unique"):
        columnar.doc_codes(pl.Series(["a"]), repeated)
    # Empty columns.
    empty = pl.Series("doc_id", [], dtype=pl.Utf8)
    first, codes = _core.code_doc_ids(empty)  # type: ignore[misc]
    assert first.size == 0
    assert codes.size == 0
    assert columnar.coded_docs(empty)[0].len() == 0


def test_arrow_layouts_other_than_views() -> None:
    pa = pytest.importorskip("pyarrow")
    for kind in (pa.string(), pa.large_string(), pa.string_view()):
        column = pa.chunked_array(
            [pa.array(TRICKY[:10], type=kind), pa.array(TRICKY[10:], type=kind)]
        )
        first, codes = _core.code_doc_ids(column)  # type: ignore[misc]
        ids = pl.Series(TRICKY)
        assert (ids.gather(first.astype(np.int64)).to_list(), codes.tolist()) == polars_codes(ids)
    nulls = pa.chunked_array([pa.array(["1", None], type=pa.large_string())])
    assert _core.code_doc_ids(nulls) is None


def test_reference_coded_by_either_path_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = shuffled_repeats(5)
    n = ids.len()
    scores = pl.DataFrame(
        {
            "model": ["m"] * n,
            "task": [f"t{i % 3}" for i in range(n)],
            "filter": ["none"] * n,
            "metric": ["acc"] * n,
            "doc_id": ids,
            "score": np.arange(n) % 2 * 1.0,
            "doc_hash": [None] * n,
            "prompt_hash": [None] * n,
            "target_hash": [None] * n,
        },
        schema_overrides={h: pl.Utf8 for h in ("doc_hash", "prompt_hash", "target_hash")},
    )
    fast = columnar.code_reference(scores)
    monkeypatch.setattr(columnar, "code_doc_ids", lambda ids: None)
    monkeypatch.setattr(columnar, "lookup_doc_ids", lambda dictionary, ids: None)
    slow = columnar.code_reference(scores)
    assert fast.docs.equals(slow.docs)
    np.testing.assert_array_equal(fast.row_docs, slow.row_docs)
    np.testing.assert_array_equal(fast.pair_code, slow.pair_code)
    assert fast.clean == slow.clean
