"""Where a table is in a workbook: which Excel Table or sheet holds it, which row is its header,
which column is which.

The one rule, for every reader of workbooks (the ``.xlsx`` reader here, and the Refresh button
reading the open workbook through Excel). Pure functions over plain values -- sheet names,
Table names, rows of cell values, header texts -- so each reader only fetches the values its
own way:

1. :func:`locate_tables`: an Excel Table (Insert > Table) named after a table wins, on any
   sheet; else a sheet named after the table, read through its one Table if it holds exactly
   one Table of another name, else through its cells.
2. :func:`find_header` (or :func:`filled_rows` then :func:`pick_header`, to read a sheet as a
   stream): on a sheet read through its cells, the header is the row, among the first 20 rows
   holding something, that names most of the table's columns (the first such row on a tie).
3. :func:`match_columns`: which header is which column of the table (any case and spacing);
   a required column missing, or two headers naming one column, refuse the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...cells import name_key
from ...errors import DataError
from ..schema import OPTIONAL_COLUMNS, TABLES, table_named
from ..values import INVISIBLE
from .base import shown_name

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Place",
    "locate_tables",
    "filled_rows",
    "pick_header",
    "find_header",
    "match_columns",
]

#: How many rows holding something are searched for the header of a sheet.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Place:
    """Where a table is: its sheet, and the Excel Table to read there (None: the cells)."""

    sheet: str
    excel_table: str | None


def locate_tables(sheets: Sequence[tuple[str, Sequence[str]]], *, file: str | None = None
                  ) -> dict[str, Place]:
    """Where each table given is, from each sheet's name and its Excel Tables' names.

    ``sheets`` lists, in the workbook's order, every sheet's name with the names of the Excel
    Tables on it. The answer maps each table found (in the order of :data:`TABLES`) to its
    :class:`Place`. When two Excel Tables name the same table (``Orders`` and ``orders_``),
    the first in workbook order is read. DataError (with ``file``) when no table is found.
    """
    found: dict[str, Place] = {}
    for sheet, excel_tables in sheets:
        for excel_table in excel_tables:
            table = table_named(excel_table)
            if table is not None and table not in found:
                found[table] = Place(sheet, excel_table)
    for sheet, excel_tables in sheets:
        table = table_named(sheet)
        if table is None or table in found:
            continue
        others = [t for t in excel_tables if table_named(t) is None]
        found[table] = Place(sheet, others[0] if len(others) == 1 else None)
    if not found:
        raise DataError(
            f"no table found: expected sheets or Tables named {', '.join(TABLES)} "
            f"(sheets: {', '.join(sheet for sheet, _ in sheets)})", file=file)
    return {table: found[table] for table in TABLES if table in found}


def _filled(row: Sequence[object]) -> bool:
    return any(v is not None and str(v).strip() for v in row)


def filled_rows(rows: Iterable[Sequence[object]], limit: int = HEADER_SEARCH_ROWS
                ) -> list[tuple[int, Sequence[object]]]:
    """The first ``limit`` rows holding something, with their 0-based positions in ``rows``.

    Reads ``rows`` no further than the last row returned, so a reader may go on from there.
    """
    out: list[tuple[int, Sequence[object]]] = []
    for position, row in enumerate(rows):
        if _filled(row):
            out.append((position, row))
            if len(out) >= limit:
                break
    return out


def pick_header(candidates: Sequence[tuple[int, Sequence[object]]], table: str) -> int | None:
    """Which of ``candidates`` (from :func:`filled_rows`) is the header of ``table``: the first
    naming most of its columns. None when there are no candidates (an empty sheet)."""
    if not candidates:
        return None
    wanted = {name_key(c) for c in TABLES[table]}
    scores = [sum(1 for v in row if v is not None and _header_key(v) in wanted) for _, row in candidates]
    return scores.index(max(scores))


def find_header(rows: Sequence[Sequence[object]], table: str) -> int | None:
    """The 0-based position in ``rows`` (a sheet's rows of values) of the header of ``table``,
    or None when no row holds anything."""
    candidates = filled_rows(rows)
    best = pick_header(candidates, table)
    return None if best is None else candidates[best][0]


def no_header(table: str, *, file: str | None, sheet: str | None, searched: str = "") -> DataError:
    """The refusal of a sheet named after ``table`` in which no header row is found (the file
    reader and the Refresh button say it alike); ``searched`` says where it was looked for."""
    where = f" ({searched})" if searched else ""
    return DataError(f"the sheet is empty{where}; table {table} needs a header row "
                     f"({', '.join(TABLES[table])})", file=file, sheet=sheet)


def _header_key(header: object) -> str:
    """A header as compared with the columns' names: :func:`~addin.cells.name_key`, after the
    invisible characters (a byte-order mark, a zero-width space) are gone."""
    return name_key(INVISIBLE.sub("", str(header)))


def _short(header: object, limit: int = 60) -> str:
    """A header as a message shows it: stripped, valid text, cut to ``limit`` characters."""
    text = shown_name(str(header)).strip()
    return text if len(text) <= limit else text[:limit - 3] + "..."


def match_columns(table: str, headers: Sequence[object], *, file: str | None,
                  sheet: str | None = None, row: int | None = None) -> dict[str, int | None]:
    """The 0-based position among ``headers`` of each column of ``table`` (None: an optional
    column left out).

    DataError, placed at ``file``, ``sheet`` and ``row``, when a required column is missing
    (the message lists the columns found) or two headers name the same column.
    """
    found: dict[str, int] = {}
    wanted = {name_key(c): c for c in TABLES[table]}
    for pos, header in enumerate(headers):
        if header is None:
            continue
        col = wanted.get(_header_key(header))
        if col is None:
            continue
        if col in found:
            raise DataError(
                f"two columns are {col}: {_short(headers[found[col]])!r} and "
                f"{_short(header)!r}; keep one", file=file, sheet=sheet, row=row)
        found[col] = pos
    missing = [c for c in TABLES[table] if c not in found and c not in OPTIONAL_COLUMNS.get(table, ())]
    if missing:
        listed = [_short(h) for h in headers if h is not None and str(h).strip()]
        raise DataError(
            f"table {table} has no column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (columns found: "
            f"{', '.join(listed) if listed else 'none'})", file=file, sheet=sheet, row=row)
    return {c: found.get(c) for c in TABLES[table]}
