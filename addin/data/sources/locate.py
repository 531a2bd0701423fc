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
3. :func:`match_columns`: which header is which column of the table (any case and spacing,
   or the header a column mapping names: :mod:`addin.data.mapping`); a required column
   missing, a mapped header not there, or two headers naming one column, refuse the table.

A CSV file named after no table is recognised by its header (:func:`tables_in_header`): the
table whose required columns (or their mapped headers) it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...cells import name_key
from ...errors import DataError
from ..mapping import ColumnMapping, describe, required_columns
from ..schema import TABLES, table_named
from ..values import INVISIBLE
from .base import shown_name

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Place",
    "locate_tables",
    "no_tables",
    "filled_rows",
    "pick_header",
    "find_header",
    "match_columns",
    "tables_in_header",
    "no_table_fits",
]

#: How many rows holding something are searched for the header of a sheet.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Place:
    """Where a table is: its sheet, and the Excel Table to read there (None: the cells)."""

    sheet: str
    excel_table: str | None


def locate_tables(sheets: Sequence[tuple[str, Sequence[str]]], *, file: str | None = None,
                  required: bool = True) -> dict[str, Place]:
    """Where each table given is, from each sheet's name and its Excel Tables' names.

    ``sheets`` lists, in the workbook's order, every sheet's name with the names of the Excel
    Tables on it. The answer maps each table found (in the order of :data:`TABLES`) to its
    :class:`Place`. When two Excel Tables name the same table (``Orders`` and ``orders_``),
    the first in workbook order is read. When no table is found: DataError (with ``file``;
    :func:`no_tables`), or {} with ``required=False`` (a reader that may find pasted exports
    instead raises :func:`no_tables` itself when it finds nothing either).
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
    if not found and required:
        raise no_tables(sheets, file)
    return {table: found[table] for table in TABLES if table in found}


def no_tables(sheets: Sequence[tuple[str, Sequence[str]]], file: str | None = None) -> DataError:
    """The refusal of a workbook holding none of our tables, naming its sheets."""
    return DataError(
        f"no table found: expected sheets or Tables named {', '.join(TABLES)} "
        f"(sheets: {', '.join(sheet for sheet, _ in sheets)})", file=file)


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


def pick_header(candidates: Sequence[tuple[int, Sequence[object]]], table: str,
                mapping: ColumnMapping | None = None) -> int | None:
    """Which of ``candidates`` (from :func:`filled_rows`) is the header of ``table``: the first
    naming most of its columns (by their names or the headers ``mapping`` gives them). None
    when there are no candidates (an empty sheet)."""
    if not candidates:
        return None
    wanted = {name_key(c) for c in TABLES[table]}
    wanted |= {_header_key(h) for h in (mapping or {}).get(table, {}).values()}
    scores = [sum(1 for v in row if v is not None and _header_key(v) in wanted) for _, row in candidates]
    return scores.index(max(scores))


def find_header(rows: Sequence[Sequence[object]], table: str,
                mapping: ColumnMapping | None = None) -> int | None:
    """The 0-based position in ``rows`` (a sheet's rows of values) of the header of ``table``,
    or None when no row holds anything."""
    candidates = filled_rows(rows)
    best = pick_header(candidates, table, mapping)
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


def _found(headers: Sequence[object]) -> str:
    listed = [_short(h) for h in headers if h is not None and str(h).strip()]
    return ", ".join(listed) if listed else "none"


def match_columns(table: str, headers: Sequence[object], *, file: str | None,
                  sheet: str | None = None, row: int | None = None,
                  mapping: ColumnMapping | None = None) -> dict[str, int | None]:
    """The 0-based position among ``headers`` of each column of ``table`` (None: an optional
    column left out).

    A column ``mapping`` maps (:mod:`addin.data.mapping`) is the header it names, whatever
    else is there; the others are the header of their own name. DataError, placed at
    ``file``, ``sheet`` and ``row``, when a mapped header is not there or a required column
    is missing (both messages list the headers found), or two headers name the same column.
    """
    keys = [None if h is None else _header_key(h) for h in headers]
    found: dict[str, int] = {}
    mapped = (mapping or {}).get(table, {})
    for col, header in mapped.items():
        at = [pos for pos, key in enumerate(keys) if key == _header_key(header)]
        if not at:
            raise DataError(f"the mapping {describe(table, col, header)} names a header that is not "
                            f"there (headers found: {_found(headers)})", file=file, sheet=sheet, row=row)
        if len(at) > 1:
            raise DataError(f"the mapping {describe(table, col, header)} fits {len(at)} headers; "
                            "rename one", file=file, sheet=sheet, row=row)
        found[col] = at[0]
    taken = set(found.values())
    wanted = {name_key(c): c for c in TABLES[table] if c not in mapped}
    for pos, key in enumerate(keys):
        if key is None or pos in taken:
            continue
        col = wanted.get(key)
        if col is None:
            continue
        if col in found:
            raise DataError(
                f"two columns are {col}: {_short(headers[found[col]])!r} and "
                f"{_short(headers[pos])!r}; keep one", file=file, sheet=sheet, row=row)
        found[col] = pos
    missing = [c for c in required_columns(table) if c not in found]
    if missing:
        raise DataError(
            f"table {table} has no column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(columns found: {_found(headers)})", file=file, sheet=sheet, row=row)
    return {c: found.get(c) for c in TABLES[table]}


def tables_in_header(headers: Sequence[object], mapping: ColumnMapping | None = None) -> list[str]:
    """The tables whose every required column ``headers`` hold, under its own name or the
    header ``mapping`` gives it; when several fit, those the mapping names, if any."""
    keys = {_header_key(h) for h in headers if h is not None}
    mapping = mapping or {}
    fits = [table for table in TABLES
            if all(_header_key(mapping.get(table, {}).get(col, col)) in keys
                   for col in required_columns(table))]
    mapped = [table for table in fits if table in mapping]
    return mapped or fits


def no_table_fits(headers: Sequence[object], exports: Sequence[str],
                  mapping: ColumnMapping | None = None) -> str:
    """The refusal of a file named after no table whose header fits none of them nor a known
    export: a mapped header that is not there, else the tables and the columns each needs,
    the exports; and the headers found."""
    keys = {_header_key(h) for h in headers if h is not None}
    absent = []
    for table, columns in (mapping or {}).items():
        if len(columns) == 1 or any(_header_key(h) in keys for h in columns.values()):
            # the file is meant for this table (it holds some of its mapped headers)
            absent += [describe(table, col, header) for col, header in columns.items()
                       if _header_key(header) not in keys]
    if absent:
        return (f"the mapping {', '.join(absent)} names {'a header that is' if len(absent) == 1 else 'headers that are'} "
                f"not there (headers found: {_found(headers)})")
    needs = "; ".join(f"{t} ({', '.join(required_columns(t))})" for t in TABLES)
    return (f"the file name should be a table name, or its header hold the columns a table "
            f"needs -- {needs} -- or map them with --map TABLE.COLUMN=HEADER; or the file be a "
            f"known export ({', '.join(exports)}) (headers found: {_found(headers)})")
