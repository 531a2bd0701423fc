"""The Settings cells of a workbook FILE, read as the Refresh button reads them in Excel.

The template's Settings sheet names its cells ``Settings_Period``, ``Settings_Segment``,
``Settings_Language``, ``Settings_GrossMargin``, ``Settings_ProgramCost`` and
``Settings_Currency`` (:data:`addin.settings.SETTING_NAMES`). ``retention report BOOK.xlsx``
reads the values those names point at here (openpyxl, read-only, the values Excel last saved
for formulas) and hands them to :func:`addin.settings.read`, the one reader of settings, so a
workbook gives the command line the report the Refresh button gives inside Excel.

Only raw values come out of this module; what they mean is :mod:`addin.settings`' to say.
A file that is not a workbook (a CSV file, a folder), or a workbook without our names, gives
no values: every setting then takes its default or the command line's flag.

:func:`read_columns_rows` reads the rows of the template's *Columns* Excel Table (the column
mapping), which :func:`addin.data.mapping.mapping_from_rows` reads, as the Refresh button
hands it the same rows.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from pathlib import Path

from ...cells import name_key
from ...settings import SETTING_NAMES
from ..mapping import COLUMNS_TABLE
from .base import shown_name
from .safety import refuse_unsafe_workbook
from .structure import read_structure

__all__ = ["read_settings_cells", "read_columns_rows"]


def read_settings_cells(source: object) -> dict[str, object]:
    """The raw values of the Settings names in the workbook ``source``, keyed like
    :data:`~addin.settings.SETTING_NAMES` (``"gross_margin"`` → ``0.7``); only the names the
    workbook defines. A name over several cells gives its first (top-left) cell; a name that
    points at no cell (``#REF!``) is left out. Anything but a workbook file gives ``{}``.
    """
    if not isinstance(source, (str, bytes, os.PathLike)):
        return {}
    path = Path(os.fsdecode(source))
    if not path.is_file() or not zipfile.is_zipfile(path):
        return {}
    refuse_unsafe_workbook(path)
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    with open(path, "rb") as handle, warnings.catch_warnings():
        # openpyxl warns about features it does not read (data validation...): only values matter
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        try:
            values = {}
            for key, name in SETTING_NAMES.items():
                cell = _first_cell(book, name)
                if cell is None:
                    continue
                sheet, reference = cell
                low_col, low_row, _, _ = range_boundaries(reference.replace("$", ""))
                rows = sheet.iter_rows(min_row=low_row, max_row=low_row, min_col=low_col,
                                       max_col=low_col, values_only=True)
                values[key] = next(iter(rows), (None,))[0]
            return values
        finally:
            book.close()


def _first_cell(book, name: str):
    """(worksheet, reference) of the first destination of the workbook-level ``name``; None
    when the workbook has no such name or it points nowhere (a deleted sheet, a constant)."""
    defined = book.defined_names.get(name)
    if defined is None:
        return None
    try:
        destinations = list(defined.destinations)
    except Exception:  # a name holding a formula or a constant has no cell to read
        return None
    for title, reference in destinations:
        if title in book.sheetnames:
            return book[title], reference
    return None


def read_columns_rows(source: object) -> tuple[list[tuple[int, list[object]]], str, str | None]:
    """The data rows of the *Columns* Excel Table of the workbook ``source``, each (row number
    as Excel shows it, its first three values: Table, Column, Header), with the file's and
    the sheet's names for messages; no rows when it is not a workbook file or has no such
    Table."""
    if not isinstance(source, (str, bytes, os.PathLike)):
        return [], "", None
    path = Path(os.fsdecode(source))
    name = shown_name(path.name)
    if not path.is_file() or not zipfile.is_zipfile(path):
        return [], name, None
    refuse_unsafe_workbook(path)
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    with zipfile.ZipFile(path) as archive:
        structure = read_structure(archive, name)
    table = next((t for t in structure.tables if name_key(t.name) == name_key(COLUMNS_TABLE)), None)
    if table is None:
        return [], name, None
    min_col, min_row, _, max_row = range_boundaries(table.ref)
    first, last = min_row + table.header_rows, max_row - table.totals_rows
    if last < first:
        return [], name, table.sheet
    with open(path, "rb") as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        try:
            sheet = book[table.sheet]
            rows = sheet.iter_rows(min_row=first, max_row=last, min_col=min_col,
                                   max_col=min_col + 2, values_only=True)
            return [(first + i, list(row)) for i, row in enumerate(rows)], name, table.sheet
        finally:
            book.close()
