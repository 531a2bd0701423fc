"""Test helpers: an openpyxl workbook as the JSON xlwings' Office.js client sends.

xlwings Lite and xlwings Server run a script on ``xw.Book(json=...)``, the workbook as the
add-in's JavaScript (``getBookData`` in xlwings.js) sends it: per sheet its values from A1 to
the end of the used range (empty cells as ``""``, date cells as ISO text such as
``"2024-01-31T00:00:00.000Z"``), its Tables with their range addresses, and the defined
names. :func:`book_json` builds that from an openpyxl workbook; load the workbook with
``data_only=True`` so formula cells give their cached values, as Excel would send them.

:func:`run_script` runs a ``@script`` of a module on such a book with
``xlwings.server.custom_scripts_call`` and returns the actions xlwings would apply in Excel.

:func:`data_workbook` builds a small workbook shaped like the template (data sheets with
Excel Tables, a Settings sheet with the ``Settings_*`` names, a Report sheet with the
``Report_Status`` cell) from DataFrames.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import math

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo

from addin.report import layout

SETTINGS_CELLS = {  # as the template lays them out
    "Settings_Period": "B5",
    "Settings_Granularity": "B6",
    "Settings_Segment": "B7",
    "Settings_Language": "B8",
    "Settings_GrossMargin": "B9",
    "Settings_ProgramCost": "B10",
}


def _cell_json(value: object) -> object:
    """A cell value as Office.js sends it (Range.values, dates converted by xlwings.js)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day).isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _address(ref: str) -> str:
    return ref.replace("$", "")


def _rows(min_row: int, max_row: int, min_col: int, max_col: int) -> str:
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


def _table_json(table: Table) -> dict:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = 1 if table.headerRowCount is None else int(table.headerRowCount)
    totals = int(table.totalsRowCount or 0)
    body_first, body_last = min_row + headers, max_row - totals
    style = table.tableStyleInfo.name if table.tableStyleInfo is not None else None
    return {
        "name": table.displayName or table.name,
        "range_address": _address(table.ref),
        "header_row_range_address": _rows(min_row, min_row, min_col, max_col) if headers else None,
        "data_body_range_address": (_rows(body_first, body_last, min_col, max_col)
                                    if body_last >= body_first else None),
        "total_row_range_address": _rows(max_row, max_row, min_col, max_col) if totals else None,
        "show_headers": bool(headers),
        "show_totals": bool(totals),
        "table_style": style,
        "show_autofilter": table.autoFilter is not None,
        "row_count": max(body_last - body_first + 1, 0),
        "column_count": max_col - min_col + 1,
    }


def _names_json(wb: openpyxl.Workbook) -> list[dict]:
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    names = []

    def add(defined: DefinedName, scope: str | None) -> None:
        try:
            destinations = list(defined.destinations)
        except Exception:  # a constant or a formula: not a range
            return
        if len(destinations) != 1 or destinations[0][0] not in index:
            return
        sheet, ref = destinations[0]
        names.append({
            "name": defined.name,
            "sheet_index": index[sheet],
            "address": _address(ref),
            "scope_sheet_name": scope,
            "scope_sheet_index": index[scope] if scope else None,
            "book_scope": scope is None,
        })

    for defined in wb.defined_names.values():
        add(defined, None)
    for ws in wb.worksheets:
        for defined in ws.defined_names.values():
            add(defined, ws.title)
    return names


def book_json(wb: openpyxl.Workbook, name: str = "Book1.xlsx", *, active_sheet: str | None = None,
              selection: str = "A1") -> dict:
    """The workbook as the JSON xlwings' Office.js client sends to a script."""
    sheets = []
    for ws in wb.worksheets:
        width, height = max(ws.max_column, 1), max(ws.max_row, 1)
        values = [[_cell_json(v) for v in row]
                  for row in ws.iter_rows(min_row=1, max_row=height, min_col=1, max_col=width,
                                          values_only=True)]
        sheets.append({
            "name": ws.title,
            "values": values or [[""]],
            "tables": [_table_json(t) for t in ws.tables.values()],
            "pictures": [],
            "used_range_address": f"A1:{get_column_letter(width)}{height}",
        })
    titles = [ws.title for ws in wb.worksheets]
    return {
        "client": "Office.js",
        "version": "0.37.8",
        "book": {
            "name": name,
            "active_sheet_index": titles.index(active_sheet) if active_sheet else wb.index(wb.active),
            "selection": selection,
        },
        "names": _names_json(wb),
        "sheets": sheets,
    }


def run_script(module, script: str, payload: dict) -> list[dict]:
    """Run ``module.script`` on the book ``payload`` as xlwings Lite / Server do: the actions."""
    import xlwings as xw
    from xlwings import server

    book = xw.Book(json=copy.deepcopy(payload))  # xlwings keeps (and edits) the dict
    book = asyncio.run(server.custom_scripts_call(module, script, typehint_to_value={xw.Book: book}))
    return book.json()["actions"]


# --------------------------------------------------------------------------- a small template


def data_workbook(frames: dict[str, pd.DataFrame], settings: dict[str, object] | None = None
                  ) -> openpyxl.Workbook:
    """A workbook shaped like the template: Report (status cell), Settings (names), then one
    sheet per DataFrame holding an Excel Table of the same name from A1."""
    wb = openpyxl.Workbook()
    report = wb.active
    report.title = layout.REPORT_SHEET
    report["A1"] = "Retention report"
    report["A3"] = "Status"
    report[layout.REPORT_STATUS_CELL] = "Not refreshed yet"
    wb.defined_names[layout.REPORT_STATUS] = DefinedName(
        layout.REPORT_STATUS, attr_text=f"{layout.REPORT_SHEET}!${layout.REPORT_STATUS_CELL[0]}"
                                        f"${layout.REPORT_STATUS_CELL[1:]}")
    ws = wb.create_sheet("Settings")
    ws["A1"] = "Settings"
    values = {"Settings_Granularity": "month", "Settings_Language": "en",
              "Settings_GrossMargin": 0.8, **(settings or {})}
    for name, cell in SETTINGS_CELLS.items():
        ws[f"A{cell[1:]}"] = name
        ws[cell] = values.get(name)
        wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!${cell[0]}${cell[1:]}")
    for table, frame in frames.items():
        ws = wb.create_sheet(table)
        ws.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([_openpyxl_value(v) for v in row])
        ref = f"A1:{get_column_letter(max(len(frame.columns), 1))}{max(len(frame), 1) + 1}"
        item = Table(displayName=table, ref=ref)
        item.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(item)
    return wb


def _openpyxl_value(value: object) -> object:
    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
