"""The data sheets: one Excel Table per sheet (Customers, Subscriptions, Orders, NPS,
Invoices, Activity, Costs), named like its sheet (the NPS answers: ``NPS_answers``), each
column written with its type (dates as serial numbers under a date format, blanks as
formatted blank cells). Printed: the first page only (the header and the first rows), so
that printing the workbook prints the worked examples and the report, not 1,200 pages of
sample rows; clear the print area to print a whole Table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from ...cells import EXCEL_EPOCH
from .book import TABLE_NAMES
from .sheet import Sheet

#: Rows printed of a data sheet: its header and the first rows, one A4 page.
DATA_PRINTED_ROWS = 45
_DATA_FORMATS = {
    "customer_id": ("text", 12), "user_id": ("text", 12), "order_id": ("text", 12),
    "invoice_id": ("text", 12), "name": ("text", 32), "segment": ("text", 12),
    "signup_date": ("date", 12), "churn_date": ("date", 12), "month": ("month", 10),
    "order_date": ("date", 12), "date": ("date", 12), "issue_date": ("date", 12),
    "due_date": ("date", 12), "paid_date": ("date", 12), "mrr": ("money", 12),
    "amount": ("money", 12), "retention_spend": ("money", 15), "units": ("count", 8),
    "units_returned": ("count", 14), "score": ("count", 8),
}


def add_sheet(book, styles, formats, name: str, frame: pd.DataFrame):
    """Write ``frame`` on the sheet ``name`` as the Excel Table :data:`TABLE_NAMES` gives it."""
    s = Sheet(book, name, styles, formats)
    ws = s.ws
    columns = list(frame.columns)
    specs = []
    for j, column in enumerate(columns):
        number, width = _DATA_FORMATS.get(column, (None, 12))
        fmt = s.fmt("plain", number if number != "text" else None)
        specs.append({"header": column, "format": fmt})
        ws.set_column(j, j, width)
        _write_column(ws, j, frame[column], fmt)
    last_row = max(len(frame), 1)
    ws.add_table(0, 0, last_row, len(columns) - 1, {
        "name": TABLE_NAMES[name], "columns": specs, "style": "Table Style Light 9",
    })
    ws.freeze_panes(1, 0)
    s.page(landscape=False, repeat="1:1",
           area=f"A1:{xl_col_to_name(len(columns) - 1)}{min(last_row + 1, DATA_PRINTED_ROWS)}")


def _write_column(ws, col: int, series: pd.Series, fmt) -> None:
    """One Table column from row 2 down, with the typed writer of its dtype (dates as serial
    numbers under a date format, blanks as formatted blank cells)."""
    if series.dtype.kind == "M":
        days = (series.to_numpy(dtype="datetime64[ns]") - np.datetime64(EXCEL_EPOCH, "ns")) \
            / np.timedelta64(1, "D")
        values = [None if math.isnan(v) else v for v in days.tolist()]
    elif series.dtype.kind in "iu":
        values = series.astype(np.int64).tolist()
    elif series.dtype.kind == "f":
        values = [None if math.isnan(v) else v for v in series.tolist()]
    else:
        values = [None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                  else str(v) for v in series.tolist()]
    write_number, write_string, write_blank = ws.write_number, ws.write_string, ws.write_blank
    for i, value in enumerate(values, start=1):
        if value is None:
            write_blank(i, col, None, fmt)
        elif isinstance(value, str):
            write_string(i, col, value, fmt)
        else:
            write_number(i, col, value, fmt)
