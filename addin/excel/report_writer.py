"""Write a :class:`addin.report.Report` as an Excel workbook with openpyxl. Computes nothing.

Every cell (value, number format, style role, words) comes from the one renderer,
:mod:`addin.report.render`, fitted to each sheet of :mod:`addin.report.layout`; this module dresses
the roles in openpyxl's fonts and fills, sizes the columns, draws the charts, sets up the
printed pages (orientation, fit, repeated header rows, page breaks, the footer) and saves;
the sparklines the renderer places are added to the saved file as Excel 2010's extension
XML, which openpyxl does not write.
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
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..cells import parse_address
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

_HEADER_ONE_LINE = 10  # headers up to this wide (or their values' width) stay on one line


# --------------------------------------------------------------------------- cells


_THIN = Side(style="thin", color="8EA9DB")
_GOOD_FONT, _GOOD_FILL = render.COLOURS[render.GOOD]
_BAD_FONT, _BAD_FILL = render.COLOURS[render.BAD]
#: The one font family of the report (a font without a name is a viewer's default, often a
#: serif one), and openpyxl's dress of each of the renderer's style roles.
_FONT = "Calibri"
_STYLES = {
    render.TITLE: dict(font=Font(name=_FONT, bold=True, size=13, color="1F3864")),
    render.HEADER: dict(font=Font(name=_FONT, bold=True),
                        fill=PatternFill("solid", fgColor=layout.HEADER_FILL),
                        alignment=Alignment(wrap_text=True, vertical="center"),
                        border=Border(bottom=_THIN)),
    render.LABEL: dict(font=Font(name=_FONT, bold=True), alignment=Alignment(vertical="top")),
    render.BODY: dict(font=Font(name=_FONT), alignment=Alignment(vertical="top")),
    render.GOOD: dict(font=Font(name=_FONT, color=_GOOD_FONT),
                      fill=PatternFill("solid", fgColor=_GOOD_FILL),
                      alignment=Alignment(vertical="top")),
    render.BAD: dict(font=Font(name=_FONT, color=_BAD_FONT),
                     fill=PatternFill("solid", fgColor=_BAD_FILL),
                     alignment=Alignment(vertical="top")),
    render.GROUP: dict(font=Font(name=_FONT, bold=True, color="1F3864"),
                       fill=PatternFill("solid", fgColor=layout.GROUP_FILL),
                       alignment=Alignment(vertical="center")),
    render.LEAD: dict(font=Font(name=_FONT, size=12), alignment=Alignment(vertical="top")),
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_LINE_PT = 15.0  # a line of 11-point text
_PX_PER_CM = 96 / 2.54  # a chart's size is in cm, a column's in pixels at 96 dpi
_CHART_GAP_PX = 8


@dataclass
class _Sheet:
    """A sheet's content before it touches openpyxl: the rendered cells by (row, column),
    fixed widths, colour scales, charts, sparklines and what prints where."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)  # fixed widths
    heatmaps: list[str] = field(default_factory=list)
    charts: list[tuple[layout.Chart, dict[object, int], int, int]] = field(default_factory=list)
    spans: dict[tuple[int, int], int] = field(default_factory=dict)  # a line across columns
    sparklines: list[render.Sparkline] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # rows printing starts a page before
    print_area: str | None = None


def _shown_length(value: object, number_format: str | None) -> int:
    """About how many characters a value takes on screen with its number format."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, (dt.date, dt.datetime)):
        return 7 if number_format and number_format.endswith(layout.MONTH) else 10
    if isinstance(value, (int, float)):
        fmt = (number_format or "General").split(";")[0]
        literal = sum(len(part) for part in fmt.split('"')[1::2])  # "€ ", " days"
        digits = "".join(fmt.split('"')[0::2])
        signed = 1 if digits.startswith("+") else 0
        if "%" in digits:
            decimals = len(digits.split(".")[1].rstrip("%")) if "." in digits else 0
            return len(f"{value * 100:,.{decimals}f}") + 1 + signed + literal
        if fmt == "General":
            return len(f"{value:.10g}")
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        return len(f"{value:,.{decimals}f}") + signed + literal
    return len(str(value))


# --------------------------------------------------------------------------- blocks


def _sheet_content(report, sheet_layout: layout.Sheet) -> _Sheet:
    """The rendered blocks of a sheet, placed; the layout's widths, colour scales, charts,
    sparklines, page breaks and print area."""
    sheet = _Sheet(render.sheet_name(report, sheet_layout))
    blocks = render.render_sheet(report, sheet_layout)
    printed: list[tuple[int, int]] = []
    for block in blocks:
        for i, line in enumerate(block.cells):
            for j, cell in enumerate(line):
                if cell is not None:
                    sheet.cells[(block.row + i, block.column + j)] = cell
                    if block.block.printed:
                        printed.append((block.row + i, block.column + j))
                    if j == 0 and i > 0 and block.block.span > 1:
                        sheet.spans[(block.row + i, block.column)] = block.block.span
        for j, column in enumerate(block.columns):
            if column is not None and column.width:
                sheet.widths[block.column + j] = column.width
        heat = block.heatmap_columns
        if heat and block.data_rows:
            sheet.heatmaps.append(f"{get_column_letter(min(heat))}{block.first_row}:"
                                  f"{get_column_letter(max(heat))}{block.last_row}")
        for chart in block.block.charts:
            sheet.charts.append((chart, block.column_of, block.header_row, block.last_row))
        if block.block.new_page and block.row > 1:
            sheet.breaks.append(block.row)
        charts_below = [parse_address(c.anchor)[0] for c in block.block.charts
                        if parse_address(c.anchor)[0] > block.last_row]
        if charts_below:  # charts after a table start a page: a chart is never cut in two
            sheet.breaks.append(min(charts_below) - 1)
    sheet.sparklines = render.sparklines(blocks)
    if printed and any(not b.block.printed for b in blocks):
        last_row = max(r for r, _ in printed)
        last_col = max(c + sheet.spans.get((r, c), 1) - 1 for r, c in printed)
        sheet.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    return sheet


# --------------------------------------------------------------------------- openpyxl


def _column_widths(sheet: _Sheet) -> dict[int, float]:
    """Widths that fit: the widest value of each column, within limits; a header wider than
    its column's values wraps at its words (the row is made taller) instead of widening it.
    The heatmaps' columns are packed closer, so that a cohort table prints large enough."""
    widest: dict[int, int] = {}
    headers: dict[int, list[str]] = {}
    for (row, col), cell in sheet.cells.items():
        if cell.runs_over or (row, col) in sheet.spans:
            continue  # titles, meta lines and sentences run over the cells to their right
        if cell.style == render.HEADER:
            if cell.value is not None:
                headers.setdefault(col, []).append(str(cell.value))
            continue
        length = _shown_length(cell.value, cell.number_format)
        if cell.number_format and '"' in cell.number_format:
            length += 1  # a currency or a word: wider letters than the digits a width counts
        widest[col] = max(widest.get(col, 0), length)
    packed = {c for cells in sheet.heatmaps for c in _columns_of(cells)}
    widths = {}
    for col in set(widest) | set(headers):
        values = widest.get(col, 0)
        # bold: about 15 % wider than the "0"s a width counts
        header = max((math.ceil(len(h) * 1.15) for h in headers.get(col, [])), default=0)
        if header > max(values, _HEADER_ONE_LINE):  # wrapped at its words
            words = max((math.ceil(len(w) * 1.15) for h in headers[col] for w in h.split()),
                        default=0)
            header = max(words, min(header, max(values, 10)))
        widths[col] = min(max(values, header, 5) + (1 if col in packed else 2), 60)
    widths.update(sheet.widths)
    return widths


def _columns_of(cells: str) -> range:
    """The columns (1-based) of a range "C3:Z26"."""
    first, last = (parse_address(part)[1] for part in cells.split(":"))
    return range(first, last + 1)


def _row_heights(sheet: _Sheet, widths: dict[int, float]) -> dict[int, float]:
    """Heights of rows with wrapped text (headers, notes, sentences), so nothing is cut."""
    lines: dict[int, int] = {}
    for (row, col), cell in sheet.cells.items():
        if not isinstance(cell.value, str) or not (cell.wrap or cell.style == render.HEADER):
            continue
        span = sheet.spans.get((row, col), 1)
        room = sum(widths.get(c, 10) for c in range(col, col + span))
        # a width counts "0"s: text averages narrower ones, bold headers and the larger
        # lead sentences wider ones
        scale = 1.15 if cell.style == render.HEADER else 0.95 if cell.style == render.LEAD else 0.87
        width = max(int((room - 1) / scale), 1)
        needed = sum(max(1, len(textwrap.wrap(part, width))) for part in cell.value.split("\n"))
        lines[row] = max(lines.get(row, 1), needed)
    return {row: _LINE_PT * count + 1 for row, count in lines.items() if count > 1}


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
    chart.y_axis.number_format = render.axis_format(report, spec)
    if spec.category == "month":
        chart.x_axis.number_format = render.number_format("month", report.lang)
    chart.x_axis.tickLblPos = "low"  # labels below the plot, not on a zero line inside it
    # openpyxl 3.1 marks axes deleted unless told otherwise: Excel would hide them
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    if len(series) == 1 and spec.kind != "stacked_bar":
        chart.legend = None
    chart.width, chart.height = spec.width, spec.height
    return chart


def _chart_anchors(charts: list[layout.Chart], widths: dict[int, float]) -> list[str]:
    """Where each chart goes: its layout anchor, moved right as far as it takes for it to
    start after the chart left of it in the same row (the columns fit their content, so a
    fixed column may fall under the chart before it)."""
    def left_px(col: int) -> int:  # Excel draws a column (width w characters) w × 7 + 5 pixels
        return sum(int(widths.get(c, 8.43) * 7 + 5) for c in range(1, col))

    anchors, right_edge = [], {}
    for chart in charts:
        row, col = parse_address(chart.anchor)
        edge = right_edge.get(row)
        while edge is not None and left_px(col) < edge + _CHART_GAP_PX:
            col += 1
        anchors.append(f"{get_column_letter(col)}{row}")
        right_edge[row] = left_px(col) + round(chart.width * _PX_PER_CM)
    return anchors


def _fill_sheet(ws, report, sheet: _Sheet, sheet_layout: layout.Sheet, write_only: bool) -> None:
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
    for (row, col), span in sheet.spans.items():
        ws.merged_cells.add(f"{get_column_letter(col)}{row}:{get_column_letter(col + span - 1)}{row}")
    for cells in sheet.heatmaps:
        low, mid, high = layout.HEATMAP_COLOURS
        ws.conditional_formatting.add(cells, ColorScaleRule(
            start_type="min", start_color=low, mid_type="percentile", mid_value=50,
            mid_color=mid, end_type="max", end_color=high))
    anchors = _chart_anchors([spec for spec, *_ in sheet.charts], widths)
    for (spec, col_of, header_row, last_row), anchor in zip(sheet.charts, anchors):
        chart = _chart(ws, report, spec, col_of, header_row, last_row)
        if chart is not None:
            ws.add_chart(chart, anchor)
    if sheet_layout.freeze:
        ws.freeze_panes = sheet_layout.freeze
    _print_setup(ws, report, sheet, sheet_layout)


def _print_setup(ws, report, sheet: _Sheet, sheet_layout: layout.Sheet) -> None:
    """A4 (Letter prints it too, the margins leave room), portrait for the KPI page and
    landscape for the tables, fit to one page or to the width, header rows repeated, page
    breaks before a new table or a row of charts, the footer: report, period, page."""
    ws.page_setup.orientation = "portrait" if sheet_layout.portrait else "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if sheet_layout.one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.25
    if sheet_layout.print_titles:
        ws.print_title_rows = sheet_layout.print_titles
    if sheet.print_area:
        ws.print_area = sheet.print_area
    for row in sorted(set(sheet.breaks)):
        ws.row_breaks.append(Break(id=row - 1))
    left, right = render.footer(report)
    ws.oddFooter.left.text, ws.oddFooter.left.size = left, 8
    ws.oddFooter.right.text, ws.oddFooter.right.size = right, 8


class _ReportWorkbook(Workbook):
    """An openpyxl workbook that adds the sheets' sparklines to the file it saves (openpyxl
    writes no sparklines: they are Excel 2010's extension XML, added to each sheet)."""

    sparklines: dict[str, list[render.Sparkline]]

    def save(self, filename):
        super().save(filename)
        if any(self.sparklines.values()):
            _add_sparklines(filename, self.sparklines)


def build_workbook(report, *, write_only: bool = False) -> Workbook:
    """The report as an openpyxl Workbook (not saved; saving it adds the sparklines).
    ``write_only`` streams the cells."""
    wb = _ReportWorkbook(write_only=write_only)
    wb.sparklines = {}
    if not write_only:
        wb.remove(wb.active)
    for sheet_layout in layout.LAYOUT:
        content = _sheet_content(report, sheet_layout)
        ws = wb.create_sheet(content.name)
        _fill_sheet(ws, report, content, sheet_layout, write_only)
        wb.sparklines[content.name] = content.sparklines
    wb.properties.title = _text(render.workbook_title(report))
    wb.properties.creator = f"retention-addin {__version__}"
    wb.custom_doc_props.append(StringProperty(name=MARKER, value=f"retention-addin {__version__}"))
    wb.custom_doc_props.append(StringProperty(name=FINGERPRINT, value=UNSTAMPED))
    return wb


# --------------------------------------------------------------------------- sparklines

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SPARKLINE_EXT = "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}"


def _sparkline_xml(sheet: str, sparklines: list[render.Sparkline]) -> str:
    """A sheet's sparklines as Excel 2010's ``x14:sparklineGroups`` extension: one group of
    column sparklines (LibreOffice draws columns; its lines do not print), the last month
    marked, empty months as gaps."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    colour = lambda rgb: f'rgb="FF{rgb}"'  # noqa: E731
    lines = "".join(f"<x14:sparkline><xm:f>{escape(quoted)}!{s.values}</xm:f>"
                    f"<xm:sqref>{s.cell}</xm:sqref></x14:sparkline>" for s in sparklines)
    series, last = layout.SPARK_COLOUR, layout.SPARK_LAST_COLOUR
    return (
        f'<extLst><ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        f'uri="{_SPARKLINE_EXT}"><x14:sparklineGroups '
        f'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        f'<x14:sparklineGroup type="column" displayEmptyCellsAs="gap" last="1">'
        f'<x14:colorSeries {colour(series)}/><x14:colorNegative {colour("C00000")}/>'
        f'<x14:colorAxis {colour("000000")}/><x14:colorMarkers {colour(last)}/>'
        f'<x14:colorFirst {colour(series)}/><x14:colorLast {colour(last)}/>'
        f'<x14:colorHigh {colour(series)}/><x14:colorLow {colour(series)}/>'
        f'<x14:sparklines>{lines}</x14:sparklines></x14:sparklineGroup>'
        f'</x14:sparklineGroups></ext></extLst>'
    )


def _add_sparklines(path, sparklines: dict[str, list[render.Sparkline]]) -> None:
    """Add each sheet's sparklines to the saved workbook ``path`` (rewritten in place)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    content = {info.filename: data for info, data in parts}
    book = ElementTree.fromstring(content["xl/workbook.xml"])
    rels = ElementTree.fromstring(content["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_RELS}}}Relationship")}
    files = {}
    for element in book.iter(f"{{{_MAIN}}}sheet"):
        target = targets[element.get(f"{{{_DOC_RELS}}}id")].lstrip("/")
        files["xl/" + target if not target.startswith("xl/") else target] = element.get("name")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            name = files.get(info.filename)
            if name and sparklines.get(name):
                xml = data.decode("utf-8")
                ext = _sparkline_xml(name, sparklines[name])
                if "<extLst>" in xml:  # openpyxl wrote one: the group joins it
                    ext = ext[len("<extLst>"):-len("</extLst>")]
                    xml = xml.replace("</extLst>", ext + "</extLst>", 1)
                else:
                    xml = xml.replace("</worksheet>", ext + "</worksheet>", 1)
                data = xml.encode("utf-8")
            archive.writestr(info, data)


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
