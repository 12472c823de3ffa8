"""Plain-text tables that fit a width: long text columns are shortened with an ellipsis
first, then the least important columns are left out (``--wide`` shows them all)."""

from __future__ import annotations

from dataclasses import dataclass

_GAP = 2
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """One table column.

    Attributes
    ----------
    header : str
    right : bool
        Right-aligned (numbers).
    shrink : bool
        May be shortened with an ellipsis (names), never below ``min_width``.
    keep : int
        Importance: columns with the lowest ``keep`` are left out first when the
        table still does not fit; 0 means never left out.
    """

    header: str
    right: bool = False
    shrink: bool = False
    keep: int = 0
    min_width: int = 8


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + _ELLIPSIS


def _floor(column: Column) -> int:
    return max(column.min_width, len(column.header))


def fit_table(columns: list[Column], rows: list[list[str]], width: int | None) -> list[str]:
    """The table as lines no longer than ``width`` (None: no limit).

    Examples
    --------
    >>> cols = [Column("name", shrink=True), Column("n", right=True), Column("note", keep=1)]
    >>> rows = [["a_rather_long_task_name", "12", "something"]]
    >>> print("\\n".join(fit_table(cols, rows, 24)))
    name        n  note
    ---------  --  ---------
    a_rather…  12  something
    >>> print("\\n".join(fit_table(cols, rows, 18)))
    name             n
    --------------  --
    a_rather_long…  12
    """
    keep = list(range(len(columns)))
    natural = [max(len(c.header), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    widths = list(natural)

    def total() -> int:
        return sum(widths[i] for i in keep) + _GAP * (len(keep) - 1)

    if width is not None:
        while total() > width:
            shrinkable = [i for i in keep if columns[i].shrink and widths[i] > _floor(columns[i])]
            if shrinkable:
                i = max(shrinkable, key=lambda j: widths[j])
                widths[i] = max(_floor(columns[i]), widths[i] - (total() - width))
                continue
            droppable = [i for i in keep if columns[i].keep > 0]
            if not droppable:
                break
            keep.remove(min(droppable, key=lambda j: (columns[j].keep, -j)))
        # Room freed by a left-out column goes back to the shortened names.
        for i in keep:
            widths[i] = min(natural[i], widths[i] + max(width - total(), 0))

    def line(cells: list[str]) -> str:
        out = []
        for i in keep:
            cell = _cut(cells[i], widths[i])
            out.append(cell.rjust(widths[i]) if columns[i].right else cell.ljust(widths[i]))
        return (" " * _GAP).join(out).rstrip()

    return [
        line([c.header for c in columns]),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
    ]


__all__ = ["Column", "fit_table"]
