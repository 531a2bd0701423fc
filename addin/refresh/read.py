"""Reading the live workbook: its data Tables (or sheets) and its Settings cells.

:func:`read_tables` finds each table of :data:`addin.data.TABLES` by the rule every workbook
reader follows (:mod:`addin.data.sources.locate`: an Excel Table of that name anywhere, else a
sheet of that name, and on a plain sheet the row that names most columns as the header) and
gives raw DataFrames for
:meth:`addin.data.RetentionData.from_frames`, with where each was read, so that the data
model's messages can name the sheet, the row as Excel numbers it and the column
(:func:`placed`). :func:`read_settings` reads the cells of the ``Settings_*`` names with
:mod:`addin.settings`, the one reader of settings for every edge; :func:`read_mapping` the
rows of the *Columns* Table with :func:`addin.data.mapping.mapping_from_rows`, as
``retention report BOOK.xlsx`` reads them. Works on any xlwings Book
(classic, Lite, Server); nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import i18n, settings
from ..cells import column_letters
from ..cells import name_key
from ..data.exports import recognise
from ..data.mapping import COLUMNS_TABLE, mapping_from_rows
from ..data.sources.locate import find_header, locate_tables, no_header, no_tables
from ..errors import DataError
from ..report import layout
from ..settings import SETTING_NAMES

__all__ = ["SETTING_NAMES", "placed", "read_language", "read_mapping", "read_settings", "read_tables"]


@dataclass(frozen=True)
class _Source:
    """Where a table was read: to place the data model's messages in the workbook."""

    sheet: str
    header_row: int  # 1-based row of the header
    first_column: int  # 1-based column of the first header
    headers: tuple[str, ...]


def _rows(rng) -> list[list]:
    if rng is None:
        return []
    values = rng.options(ndim=2).value
    return [list(row) for row in values] if values else []


def _frame(headers: list[str], rows: list[list]) -> pd.DataFrame:
    width = len(headers)
    rows = [(row + [None] * width)[:width] for row in rows]
    frame = pd.DataFrame(rows, columns=range(width)) if rows else pd.DataFrame(
        {i: pd.Series([], dtype=object) for i in range(width)})
    frame.columns = headers  # duplicates allowed: the data model reports them
    return frame


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_table(book_name: str, sheet, table) -> tuple[pd.DataFrame, _Source]:
    if not table.show_headers:
        raise DataError(f"Table {table.name} has no header row; turn on its Header Row",
                        file=book_name, sheet=sheet.name)
    header = table.header_row_range
    headers = [_header_text(v) for v in _rows(header)[0]]
    body = _rows(table.data_body_range)
    return _frame(headers, body), _Source(sheet.name, header.row, header.column, tuple(headers))


def _read_sheet(book_name: str, sheet, table: str, mapping: dict | None = None
                ) -> tuple[pd.DataFrame, _Source]:
    """A plain sheet: its used range, the header where
    :func:`~addin.data.sources.locate.find_header` finds it, the rows below it as the data."""
    used = sheet.used_range
    rows = _rows(used)
    best = find_header(rows, table, mapping)
    if best is None:  # refused as the workbook file reader refuses it
        raise no_header(table, file=book_name, sheet=sheet.name)
    headers = [_header_text(v) for v in rows[best]]
    source = _Source(sheet.name, used.row + best, used.column, tuple(headers))
    return _frame(headers, rows[best + 1:]), source


def read_tables(book, mapping: dict | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, _Source]]:
    """The data tables of ``book`` as raw DataFrames keyed by table name, and where each was.

    Found as ``retention report`` finds them in a workbook file
    (:func:`~addin.data.sources.locate.locate_tables`): a Table (Insert > Table) named after a
    table wins, wherever it is; else a sheet named after the table (its one Table if it has
    exactly one, else its cells). Besides them, every other sheet or Table whose first row is
    a known export's header, keyed by the sheet's (or Table's) name: ``from_frames``
    converts it. DataError when there is none at all, or when a sheet named
    after a table is empty. ``mapping`` (:func:`read_mapping`) helps find the header row of a
    plain sheet whose headers are not ours.
    """
    sheets = [(sheet, list(sheet.tables)) for sheet in book.sheets]
    listed = [(sheet.name, [t.name for t in tables]) for sheet, tables in sheets]
    # none of our tables may be found: the exports may be all there is
    places = locate_tables(listed, file=book.name, required=False)
    by_name = {sheet.name: (sheet, {t.name: t for t in tables}) for sheet, tables in sheets}
    frames: dict[str, pd.DataFrame] = {}
    sources: dict[str, _Source] = {}
    for table, place in places.items():
        sheet, excel_tables = by_name[place.sheet]
        if place.excel_table is not None:
            found = _read_table(book.name, sheet, excel_tables[place.excel_table])
        else:
            found = _read_sheet(book.name, sheet, table, mapping)
        frames[table], sources[table] = found
    used = {(place.sheet, place.excel_table) for place in places.values()}
    for key, found in _exports(book, sheets, used):
        frames[key], sources[key] = found
    if not frames:
        raise no_tables(listed, book.name)
    return frames, sources


#: Sheets never read for an export: the template's own (its Settings, the report's sheets).
_NOT_DATA = {name_key(name) for name in ("Settings", *(sheet.name for sheet in layout.LAYOUT))}


def _exports(book, sheets, used: set) -> list[tuple[str, tuple[pd.DataFrame, _Source]]]:
    """The known exports pasted in ``book`` (:func:`~addin.data.exports.recognise`), each as
    (a key for :func:`~addin.data.sources.frames.read_frames`, its frame and place): every
    Excel Table not read as one of our tables, and every other sheet without Tables whose
    used range starts with an export's header. Only a header row is read before an export is
    recognised, so the other sheets cost one row each."""
    found = []
    for sheet, tables in sheets:
        if name_key(sheet.name) in _NOT_DATA:
            continue
        for table in tables:
            if (sheet.name, table.name) in used or not table.show_headers:
                continue
            header = table.header_row_range
            if recognise([_header_text(v) for v in _rows(header)[0]]) is not None:
                found.append((table.name, _read_table(book.name, sheet, table)))
        if tables or (sheet.name, None) in used:
            continue
        whole = sheet.used_range
        first = _rows(whole.resize(row_size=1))
        if not first or recognise([_header_text(v) for v in first[0]]) is None:
            continue
        rows = _rows(whole)
        headers = [_header_text(v) for v in rows[0]]
        source = _Source(sheet.name, whole.row, whole.column, tuple(headers))
        found.append((sheet.name, (_frame(headers, rows[1:]), source)))
    return found


def read_mapping(book) -> dict[str, dict[str, str]]:
    """The column mapping of the *Columns* Table (Table, Column, Header) wherever it is in
    ``book`` (the template's is on Settings): {} when there is none or it is empty; a row
    naming an unknown table or column is a DataError placed at its sheet and row."""
    for sheet in book.sheets:
        for table in sheet.tables:
            if name_key(table.name) != name_key(COLUMNS_TABLE):
                continue
            body = table.data_body_range
            rows = [(body.row + i, row) for i, row in enumerate(_rows(body))] if body is not None else []
            return mapping_from_rows(rows, file=book.name, sheet=sheet.name)
    return {}


def placed(error: DataError, book_name: str, sources: dict[str, _Source]) -> DataError:
    """The data model's message for DataFrames, placed in the workbook as for a workbook file:
    file, sheet, row as numbered in Excel, column letter and header."""
    source = sources.get(error.file) if error.file else None
    if source is None:
        return error
    column = error.column
    if column is not None and column in source.headers:
        letter = column_letters(source.first_column + source.headers.index(column))
        column = f"{letter} ({column.strip()})"
    if error.row is not None:
        row = error.row + source.header_row - 1  # from_frames counts the header as row 1
    elif error.column is None:
        row = source.header_row  # a problem with the headers (a missing column): their row
    else:
        row = None
    return DataError(error.problem, file=book_name, sheet=source.sheet, row=row, column=column)


def _setting(book, name: str) -> object:
    """The value of the cell a defined name points at, as xlwings reads it; None when the
    name is missing. Blank text and the rest are :mod:`addin.settings`' to read."""
    try:
        value = book.names[name].refers_to_range.value
    except Exception:  # a missing name: KeyError (Office.js), a COM error (classic)
        return None
    while isinstance(value, list):  # a name over several cells: its first
        value = value[0] if value else None
    return value


def read_settings(book) -> dict[str, object]:
    """build_report's arguments from the Settings names (:data:`SETTING_NAMES`): period,
    segment, lang, gross_margin, program_cost, each read by :mod:`addin.settings`.

    Blank or missing names give the defaults (the last complete month, all segments,
    English, a gross margin of 100 % with a note, no programme cost); a bad value is a
    :class:`~addin.settings.SettingError` naming the setting by its defined name.
    """
    values = {key: _setting(book, name) for key, name in SETTING_NAMES.items()}
    return settings.read(values, SETTING_NAMES)


def read_language(book) -> str:
    """The language of the Settings, for the messages of a refresh that fails: English when
    it is missing or wrong (that error is reported with the others)."""
    try:
        return settings.language(_setting(book, SETTING_NAMES["lang"]), SETTING_NAMES["lang"])
    except settings.SettingError:
        return i18n.DEFAULT_LANGUAGE

