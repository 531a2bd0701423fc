"""Writing cells: a worksheet with the template's styles and A1 shortcuts, and Python values as
the cells store them (the value cached beside each formula, or the error a cell would show)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import xlsxwriter

from ...cells import parse_address, serial_of
from ...errors import InvalidInputError, UndefinedResultError
from .book import UDF_CALL
from .styles import Styles
from .xlsx_patches import Worksheet


def safe(function, *args):
    """A metric's value as the cell shows it: a number, or #DIV/0! / #VALUE! (the add-in's and
    Excel's errors) when the data make it undefined or invalid."""
    if any(isinstance(a, str) and a.startswith("#") for a in args):
        return next(a for a in args if isinstance(a, str) and a.startswith("#"))
    try:
        return function(*args)
    except UndefinedResultError:
        return "#DIV/0!"
    except InvalidInputError:
        return "#VALUE!"


def safe_table(make) -> list[list]:
    """A spilled table as its cells show it: the rows ``make()`` returns, or one error cell."""
    try:
        return make()
    except UndefinedResultError:
        return [["#DIV/0!"]]
    except InvalidInputError:
        return [["#VALUE!"]]


def cell_value(value):
    """A Python/pandas value as XlsxWriter writes it (None for blanks)."""
    if value is None:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, np.datetime64)):
        if pd.isna(value):
            return None
        stamp = pd.Timestamp(value)
        return stamp.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


class Sheet:
    """A worksheet with the template's styles and a few writing shortcuts (A1 cells)."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, styles: Styles, formats: dict,
                 *, functions_as_values: bool = False):
        self.ws = book.add_worksheet(name, worksheet_class=Worksheet)
        self.name = name
        self.styles = styles
        self.formats = formats
        # a picture of the sheet as the analyst sees it with the add-in on: the cells that
        # call our functions hold their values (LibreOffice, rendering it, knows no add-in)
        self.functions_as_values = functions_as_values

    def fmt(self, kind: str, number: str | None = None):
        """The cell format of a style and a number format (by meaning, or an Excel format); a
        check cell without one shows TRUE/FALSE in the sheet's language."""
        if kind == "check" and number is None:
            number = "check"
        return self.styles(kind, self.formats.get(number, number) if number else None)

    def put(self, cell: str, value, kind: str = "plain", number: str | None = None, cached=None,
            *, array: bool = False):
        """A value or a formula (a string starting with '=') in a styled cell. ``array``
        writes the formula as a one-cell dynamic array formula: Excel then takes a range
        inside it cell by cell (``IF(Orders[order_date]<…, Orders[customer_id], "")``)."""
        fmt = self.fmt(kind, number)
        if (self.functions_as_values and isinstance(value, str) and value.startswith("=")
                and UDF_CALL.search(value)):
            value = cell_value(cached)
        if isinstance(value, str) and value.startswith("="):
            cached = cell_value(cached)
            if isinstance(cached, dt.datetime):
                cached = serial_of(cached)
            cached = 0 if cached is None else cached
            if array:
                self.ws.write_dynamic_array_formula(f"{cell}:{cell}", value, fmt, cached)
            else:
                self.ws.write_formula(cell, value, fmt, cached)
        elif value is None:
            self.ws.write_blank(cell, None, fmt)
        elif isinstance(value, str):
            self.ws.write_string(cell, value, fmt)
        elif isinstance(value, bool):
            self.ws.write_boolean(cell, value, fmt)
        elif isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
            self.ws.write_datetime(cell, cell_value(value), fmt)
        else:
            self.ws.write_number(cell, value, fmt)

    def text(self, first: str, last: str | None, value: str, kind: str = "text", height_chars: int = 0):
        """Text in one cell or merged across a row range, with a row height fitting it."""
        if last and last != first:
            self.ws.merge_range(f"{first}:{last}", value, self.fmt(kind))
        else:
            self.ws.write_string(first, value, self.fmt(kind))
        if height_chars:
            lines = sum(max(1, math.ceil(len(part) / height_chars)) for part in value.split("\n"))
            if lines > 1:
                self.ws.set_row(parse_address(first)[0] - 1, 15 * lines + 2)

    def page(self, landscape: bool = True, repeat: str | None = None, area: str | None = None,
             scale: int | None = None):
        """Print setup: A4, one page wide (or printed at ``scale`` percent, where the sheet
        sets its own page breaks), sheet name and page number in the footer."""
        ws = self.ws
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        if scale:
            ws.set_print_scale(scale)
        else:
            ws.fit_to_pages(1, 0)  # fit the width, as many pages as needed down
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.set_footer("&L&8&A&R&8&P / &N")
        if repeat:
            ws.repeat_rows(*[int(r) - 1 for r in repeat.split(":")])
        if area:
            ws.print_area(area)
