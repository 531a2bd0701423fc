"""Write a :class:`addin.report.Report` as an Excel workbook with openpyxl. Computes nothing.

Every cell (value, number format, style role, words) comes from the one renderer,
:mod:`addin.report.render`, fitted to each sheet of :mod:`addin.report.layout`; this module dresses
the roles in openpyxl's fonts and fills, sizes the columns, draws the charts and saves.
Values are written as values (no formulas), so the workbook reads right in any viewer; text
the renderer marks ``quoted`` (it would read as a formula, a number or a date) is written as
text with Excel's quote prefix, never as a formula.

Where the file may go, which previous report may be replaced and how it is written
(atomically, stamped with a fingerprint of what was written) are the rules of
:mod:`addin.excel.output`; its public names are re-exported here. Every text cell passes
through :func:`addin.excel.output.xml_text`, the last line of defence against names the file
system gave as bytes that are not UTF-8.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..report import layout, render
from ..report.render import Cell
from ..version import __version__
from .output import (
    FINGERPRINT,
    MARKER,
    UNSTAMPED,
    OutputRefused,
    check_output,
    is_previous_report,
    write_atomically,
    xml_text,
)

__all__ = ["MARKER", "OutputRefused", "check_output", "is_previous_report", "write_report",
           "build_workbook"]

_HEADER_ONE_LINE = 18  # headers up to this many characters are not wrapped


# --------------------------------------------------------------------------- cells


_THIN = Side(style="thin", color="8EA9DB")
_GOOD_FONT, _GOOD_FILL = render.COLOURS[render.GOOD]
_BAD_FONT, _BAD_FILL = render.COLOURS[render.BAD]
#: openpyxl's dress of each of the renderer's style roles.
_STYLES = {
    render.TITLE: dict(font=Font(bold=True, size=13, color="1F3864")),
    render.HEADER: dict(font=Font(bold=True), fill=PatternFill("solid", fgColor=layout.HEADER_FILL),
                        alignment=Alignment(wrap_text=True, vertical="center"),
                        border=Border(bottom=_THIN)),
    render.LABEL: dict(font=Font(bold=True), alignment=Alignment(vertical="top")),
    render.BODY: dict(alignment=Alignment(vertical="top")),
    render.GOOD: dict(font=Font(color=_GOOD_FONT), fill=PatternFill("solid", fgColor=_GOOD_FILL),
                      alignment=Alignment(vertical="top")),
    render.BAD: dict(font=Font(color=_BAD_FONT), fill=PatternFill("solid", fgColor=_BAD_FILL),
                     alignment=Alignment(vertical="top")),
}
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class _Sheet:
    """A sheet's content before it touches openpyxl: the rendered cells by (row, column),
    fixed widths, colour scales and charts."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)  # fixed widths
    heatmaps: list[str] = field(default_factory=list)
    charts: list[tuple[layout.Chart, dict[object, int], int, int]] = field(default_factory=list)


def _shown_length(value: object, number_format: str | None) -> int:
    """About how many characters a value takes on screen with its number format."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, (dt.date, dt.datetime)):
        return 7 if number_format == layout.MONTH else 10
    if isinstance(value, (int, float)):
        fmt = number_format or "General"
        signed = 1 if fmt.startswith("+") else 0
        if "%" in fmt:
            decimals = fmt.split(";")[0].count("0") - 1
            return len(f"{value * 100:,.{max(decimals, 0)}f}") + 1 + signed
        decimals = len(fmt.split(";")[0].split(".")[1]) if "." in fmt else 0
        if fmt == "General":
            return len(f"{value:.10g}")
        return len(f"{value:,.{decimals}f}") + signed
    return len(str(value))


# --------------------------------------------------------------------------- blocks


def _sheet_content(report, sheet_layout: layout.Sheet) -> _Sheet:
    """The rendered blocks of a sheet, placed; the layout's widths, colour scales, charts."""
    sheet = _Sheet(sheet_layout.name)
    for block in render.render_sheet(report, sheet_layout):
        for i, line in enumerate(block.cells):
            for j, cell in enumerate(line):
                if cell is not None:
                    sheet.cells[(block.row + i, block.column + j)] = cell
        for j, column in enumerate(block.columns):
            if column is not None and column.width:
                sheet.widths[block.column + j] = column.width
        heat = block.heatmap_columns
        if heat and block.data_rows:
            sheet.heatmaps.append(f"{get_column_letter(min(heat))}{block.first_row}:"
                                  f"{get_column_letter(max(heat))}{block.last_row}")
        for chart in block.block.charts:
            sheet.charts.append((chart, block.column_of, block.header_row, block.last_row))
    return sheet


# --------------------------------------------------------------------------- openpyxl


def _column_widths(sheet: _Sheet) -> dict[int, float]:
    """Widths that fit: the widest value of each column (headers wrap), within limits."""
    widest: dict[int, int] = {}
    header_widest: dict[int, int] = {}
    for (row, col), cell in sheet.cells.items():
        if cell.runs_over:
            continue  # titles and meta lines run over the empty cells to their right
        length = _shown_length(cell.value, cell.number_format)
        if cell.style == "header":
            # bold: about 15 % wider than the "0"s a width counts; a short header stays on
            # one line, a long one wraps (the row is made taller)
            if length > _HEADER_ONE_LINE:
                length = max(max((len(w) for w in str(cell.value).split()), default=0), 12)
            header_widest[col] = max(header_widest.get(col, 0), math.ceil(length * 1.15))
        else:
            widest[col] = max(widest.get(col, 0), length)
    widths = {}
    for col in set(widest) | set(header_widest):
        widths[col] = min(max(widest.get(col, 0), header_widest.get(col, 0), 6) + 2, 60)
    widths.update(sheet.widths)
    return widths


def _row_heights(sheet: _Sheet, widths: dict[int, float]) -> dict[int, float]:
    """Heights of rows with wrapped text (headers, notes), so nothing is cut."""
    lines: dict[int, int] = {}
    for (row, col), cell in sheet.cells.items():
        if not isinstance(cell.value, str) or not (cell.wrap or cell.style == "header"):
            continue
        # bold headers are wider than the width's "0" characters
        width = max(int((widths.get(col, 10) - 1) / (1.15 if cell.style == "header" else 1.0)), 1)
        needed = sum(max(1, len(textwrap.wrap(part, width))) for part in cell.value.split("\n"))
        lines[row] = max(lines.get(row, 1), needed)
    return {row: 15.0 * count for row, count in lines.items() if count > 1}


def _text(value):
    """A value as written: text made valid XML text (see :func:`addin.excel.output.xml_text`)."""
    return xml_text(value) if isinstance(value, str) else value


def _styled(cell, spec: Cell) -> None:
    for attribute, value in _STYLES[spec.style].items():
        setattr(cell, attribute, value)
    if spec.wrap:
        cell.alignment = _WRAP
    if spec.number_format:
        cell.number_format = spec.number_format
    if spec.quoted:
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _chart(ws, report, spec: layout.Chart, col_of: dict, header_row: int, last_row: int):
    series = [key for key in spec.series if key in col_of]
    if not series or spec.category not in col_of or last_row <= header_row:
        return None
    if spec.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "col"
        chart.gapWidth = 60
        if spec.kind == "stacked_bar":
            chart.grouping = "stacked"
            chart.overlap = 100
    for key in series:
        chart.add_data(Reference(ws, min_col=col_of[key], min_row=header_row, max_row=last_row),
                       titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col_of[spec.category], min_row=header_row + 1,
                                   max_row=last_row))
    if spec.kind == "line":
        for line in chart.series:
            line.smooth = False
            line.marker.symbol = "none"
            line.graphicalProperties.line.width = 22000  # EMU: about 1.75 pt
    for key, item in zip(series, chart.series):
        colour = dict(zip(spec.series, spec.colours)).get(key)
        if colour and spec.kind == "line":
            item.graphicalProperties.line.solidFill = colour
        elif colour:
            item.graphicalProperties.solidFill = colour
            item.graphicalProperties.line.solidFill = colour
    chart.title = _text(render.words(report, spec.title))
    chart.y_axis.number_format = spec.y_format
    if spec.category == "month":
        chart.x_axis.number_format = layout.MONTH
    chart.x_axis.tickLblPos = "low"  # labels below the plot, not on a zero line inside it
    # openpyxl 3.1 marks axes deleted unless told otherwise: Excel would hide them
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    if len(series) == 1 and spec.kind != "stacked_bar":
        chart.legend = None
    chart.width, chart.height = spec.width, spec.height
    return chart


def _fill_sheet(ws, report, sheet: _Sheet, freeze: str | None, write_only: bool) -> None:
    widths = _column_widths(sheet)
    heights = _row_heights(sheet, widths)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    if write_only:
        for row, height in heights.items():
            ws.row_dimensions[row].height = height
        last_row = max((r for r, _ in sheet.cells), default=0)
        by_row: dict[int, dict[int, Cell]] = {}
        for (row, col), spec in sheet.cells.items():
            by_row.setdefault(row, {})[col] = spec
        for row in range(1, last_row + 1):
            specs = by_row.get(row, {})
            values = []
            for col in range(1, max(specs, default=0) + 1):
                spec = specs.get(col)
                if spec is None:
                    values.append(None)
                    continue
                cell = WriteOnlyCell(ws, _text(spec.value))
                _styled(cell, spec)
                values.append(cell)
            ws.append(values)
    else:
        for (row, col), spec in sorted(sheet.cells.items()):
            _styled(ws.cell(row=row, column=col, value=_text(spec.value)), spec)
        for row, height in heights.items():
            ws.row_dimensions[row].height = height
    for cells in sheet.heatmaps:
        low, mid, high = layout.HEATMAP_COLOURS
        ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="min", start_color=low, mid_type="percentile", mid_value=50,
            mid_color=mid, end_type="max", end_color=high))
    for spec, col_of, header_row, last_row in sheet.charts:
        chart = _chart(ws, report, spec, col_of, header_row, last_row)
        if chart is not None:
            ws.add_chart(chart, spec.anchor)
    if freeze:
        ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def build_workbook(report, *, write_only: bool = False) -> Workbook:
    """The report as an openpyxl Workbook (not saved). ``write_only`` streams the cells."""
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    for sheet_layout in layout.LAYOUT:
        content = _sheet_content(report, sheet_layout)
        ws = wb.create_sheet(sheet_layout.name)
        _fill_sheet(ws, report, content, sheet_layout.freeze, write_only)
    wb.properties.title = _text(render.workbook_title(report))
    wb.properties.creator = f"retention-addin {__version__}"
    wb.custom_doc_props.append(StringProperty(name=MARKER, value=f"retention-addin {__version__}"))
    wb.custom_doc_props.append(StringProperty(name=FINGERPRINT, value=UNSTAMPED))
    return wb


# --------------------------------------------------------------------------- saving


def write_report(report, path: str | os.PathLike, *, force: bool = False,
                 protect: Iterable[str | os.PathLike] = (), write_only: bool = False) -> Path:
    """Write ``report`` to ``path`` (an .xlsx file), atomically; returns the path.

    Refusals are :func:`addin.excel.output.check_output`'s (the report's own source is always
    protected). Nothing is left behind on failure or on a signal: the workbook is saved to a
    temporary file beside the output, stamped with its fingerprint and renamed over it only
    when complete (:func:`addin.excel.output.write_atomically`).
    """
    protected = [*protect, report.source] if report.source else list(protect)
    out = check_output(path, force=force, protect=protected)
    workbook = build_workbook(report, write_only=write_only)
    return write_atomically(out, workbook.save, stamp=True)
