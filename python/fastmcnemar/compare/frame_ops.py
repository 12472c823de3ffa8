"""Query-free column access for the frames of the compare path.

A polars ``select``, ``drop`` or ``iter_rows`` builds and runs a query plan: 0.03 to
0.1 ms each, however few the rows, which adds up over the few dozen such steps of one
``compare``. Taking the columns themselves costs microseconds and gives the same
values, names and types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import polars as pl

# NumPy types whose Series, built without a dtype, already has the Polars type:
# the constructor's dtype checks (a dozen DataType comparisons a column) are skipped.
_NATIVE: dict[np.dtype[Any], pl.DataType] = {
    np.dtype(np.int64): pl.Int64(),
    np.dtype(np.float64): pl.Float64(),
    np.dtype(np.bool_): pl.Boolean(),
}
# Types without parameters, whose class and instance name one type.
_PLAIN = frozenset({pl.String, pl.Int64, pl.UInt32, pl.Float64, pl.Boolean})


def columns(frame: pl.DataFrame, names: Iterable[str]) -> pl.DataFrame:
    """``frame.select(names)`` for plain column names."""
    return pl.DataFrame([frame.get_column(name) for name in names])


def typed_frame(values: Mapping[str, Any], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """``pl.DataFrame(values, schema=schema)`` built one typed Series per column: the
    dict constructor's per-column checks cost ~25 us a column (half a millisecond for
    the 25 columns of a compare's task table), a typed Series a few."""
    return pl.DataFrame([typed_series(name, values[name], dtype) for name, dtype in schema.items()])


def typed_series(name: str, values: Any, dtype: pl.DataType) -> pl.Series:
    """``pl.Series(name, values, dtype=dtype)``, built without the constructor's dtype
    checks where they can be skipped: a NumPy array of the matching type is taken as it
    is, a list of ``None`` is cast from the Null type, and a plain type is passed as its
    class (``pl.Utf8``, not ``pl.Utf8()``: an instance costs the constructor a dozen
    DataType comparisons, a third of a 60-row column's time)."""
    if isinstance(values, pl.Series):
        return (values if values.dtype == dtype else values.cast(dtype)).alias(name)
    if isinstance(values, np.ndarray):
        if _NATIVE.get(values.dtype) == dtype:
            return pl.Series(name, values)
    elif isinstance(values, list) and values.count(None) == len(values):
        nulls: pl.Series = pl.Series(name, values).cast(dtype)  # from the Null type
        return nulls
    plain = type(dtype)
    return pl.Series(name, values, dtype=plain if plain in _PLAIN else dtype)


def one_value(column: pl.Series) -> bool:
    """Whether ``column`` holds one value throughout, no nulls (an equality test with
    the first element: a fifth of the cost of ``n_unique`` on 30,000 strings)."""
    return column.len() > 0 and column.null_count() == 0 and bool((column == column[0]).all())


def rows(frame: pl.DataFrame, *names: str) -> list[tuple[Any, ...]]:
    """``frame.select(names).iter_rows()`` as a list of tuples."""
    return list(zip(*(frame.get_column(name).to_list() for name in names), strict=True))


__all__ = ["columns", "one_value", "rows", "typed_frame", "typed_series"]
