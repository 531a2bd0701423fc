"""The Report sheet: bands, block titles and headers, the empty ranges the Refresh button
fills (named ``Report_<block>``), the charts bound to them, the cohorts' colour scales, the
status line and the Refresh report button -- all where :func:`.report_plan.plan_report`
puts them. Built with a report (pictures, tests), the blocks are filled as the refresh
fills them."""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_rowcol_to_cell

from ... import i18n
from ...cells import parse_address
from ...i18n.refresh_words import status_words
from ...i18n.template_words import text
from ...report import layout, render
from . import paging
from .report_plan import (REPORT_LAST_WIDE_COLUMN, REPORT_SHEET_NAME, REPORT_WIDTH,
                          REPORT_WIDTH_A, ROW_PX, ReportChart, column_px, plan_report)
from .sheet import Sheet
from .styles import STYLE


def add_sheet(book, styles, formats, lang, report=None):
    """The Report sheet: bands, block titles and headers, the ranges the refresh writes
    (named ``Report_<block>``), the charts bound to them, the cohorts' colour scales and the
    Refresh report button. ``report`` (an addin.report.Report) fills the blocks with its
    values as the refresh writes them: for pictures and tests, never for the committed files."""
    t = text(lang)
    s = Sheet(book, REPORT_SHEET_NAME, styles, formats)
    ws = s.ws
    ws.hide_gridlines(2)
    ws.set_column(0, 0, REPORT_WIDTH_A)
    ws.set_column(1, REPORT_LAST_WIDE_COLUMN, REPORT_WIDTH)
    s.put("A1", t["report_title"], "title")
    ws.set_row(0, 24)
    s.put("A3", t["report_status_label"], "bold")
    status = t["report_status"] if report is None else _report_status(report)
    ws.merge_range("B3:H3", status, s.fmt("muted"))
    book.define_name("Report_Status", "=Report!$B$3")
    s.text("A5", "H5", t["report_layout_note"], "muted", 120)
    _report_button(s, lang)
    for item in plan_report():
        top, left = item.row - 1, item.column - 1  # 0-based
        if item.kind == "sheet":
            s.put(xl_rowcol_to_cell(top, left), item.title, "band")
            for col in range(left + 1, left + item.width):
                ws.write_blank(top, col, None, s.fmt("band"))
            continue
        block = item.block
        s.put(xl_rowcol_to_cell(top, left), _report_text(lang, item.title), "h2")
        if item.width > 1:
            s.put(xl_rowcol_to_cell(top, left + 1), t["report_rows"].format(n=item.max_rows), "muted")
        first = top + 1  # 0-based first row under the title
        if block.kind == "table":
            ws.set_row(top + 1, 45)  # three lines of a long header
            for j in range(item.width):
                column = item.columns[j] if j < len(item.columns) else None
                header = (_report_text(lang, column.header or column.key) if column is not None
                          else "…" if j == len(item.columns) else None)
                s.put(xl_rowcol_to_cell(top + 1, left + j), header, "colhead")
            first = top + 2
        for j in range(item.width):
            column = item.columns[j] if j < len(item.columns) else None
            number = column.number_format if column is not None else block.default_format
            if number in (layout.BY_UNIT, layout.CHANGE):
                number = None
            for k in range(first, item.last_row):
                ws.write_blank(k, left + j, None, s.fmt("plain", number))
        book.define_name(f"Report_{item.name}", f"={item.ref}")
        if item.heatmap_ref:
            low, mid, high = layout.HEATMAP_COLOURS
            ws.conditional_format(item.heatmap_ref.split("!")[1].replace("$", ""), {
                "type": "3_color_scale", "min_type": "min", "min_color": f"#{low}",
                "mid_type": "percentile", "mid_value": 50, "mid_color": f"#{mid}",
                "max_type": "max", "max_color": f"#{high}"})
        for chart in item.charts:
            _report_chart(book, ws, lang, chart)
    if report is not None:
        _fill_report(book, s, report)
    _print_setup(s, plan_report())


#: Printable width and height of a landscape A4 page within the margins Sheet.page sets, in
#: the pixels Excel measures columns and rows in (96 per inch).
_PAGE_PX = ((11.69 - 0.8) * 96, (8.27 - 1.0 - 0.3) * 96)


def _print_setup(s: Sheet, items) -> None:
    """Landscape A4 pages: each of the report's sheets (a band) starts a page; the tables
    print on the left pages and the charts right of the widest table on the pages beside
    them (printed across, then down), at the one scale that fits both widths -- so no chart
    is cut by a page edge. Manual breaks and a fixed scale, not "fit to width": Excel
    ignores page breaks under "fit to"."""
    ws = s.ws
    blocks = [it for it in items if it.kind == "block"]
    left = max(it.last_column for it in blocks if not it.heatmap_ref) + 1  # and a gap column
    charts = [c for it in items for c in it.charts]
    boxes = [c.box() for c in charts]
    widths = [column_px(c) * paging.FONT_ROOM for c in range(max(b[3] for b in boxes))]
    right = max(sum(widths[left:c.column - 1]) + c.width for c in charts)
    scale = int(_PAGE_PX[0] * 100 // max(sum(widths[:left]), right))
    last_row = max(it.last_row for it in items) + 1
    heights = [ws.row_sizes.get(r, [ws.default_row_height])[0] * 4 / 3 for r in range(last_row)]
    s.page(landscape=True, scale=scale)
    ws.print_across()
    ws.set_h_pagebreaks(paging.page_breaks(
        heights, _PAGE_PX[1] * 100 / scale, keep=[(b[0] - 1, b[1] - 1) for b in boxes],
        forced=[it.row - 1 for it in items if it.kind == "sheet"][1:]))
    ws.set_v_pagebreaks(paging.page_breaks(
        widths, _PAGE_PX[0] * 100 / scale, keep=[(b[2] - 1, b[3] - 1) for b in boxes],
        forced=[left]))


def _report_button(s: Sheet, lang: str) -> None:
    """xlwings Lite's sheet button: a shape named layout.REPORT_BUTTON_SHAPE over
    layout.REPORT_BUTTON_CELL, hyperlinked to that cell (the script's ``button=`` binding).

    A drawing shape, not a form control (``insert_button``): Office.js, which xlwings Lite
    runs on, sees drawing shapes and their hyperlinks but not VML form controls, and a form
    button wants a macro (an .xlsm). XlsxWriter names text boxes "TextBox N": the name is
    given by :class:`Worksheet`."""
    row, column = parse_address(layout.REPORT_BUTTON_CELL)
    sheet = layout.REPORT_SHEET
    s.ws.insert_textbox(row - 1, column - 1, text(lang)["report_button"], {
        "name": layout.REPORT_BUTTON_SHAPE,
        "width": 2 * column_px(column - 1) - 6, "height": 2 * ROW_PX - 4,
        "x_offset": 3, "y_offset": 2, "object_position": 1,
        "url": f"internal:'{sheet}'!{layout.REPORT_BUTTON_CELL}",
        "tip": text(lang)["report_button"],
        "fill": {"color": "#1F4E79"}, "line": {"color": "#17375E", "width": 1},
        "font": {"bold": True, "color": "#FFFFFF", "size": 11},
        "align": {"vertical": "middle", "horizontal": "center"},
    })


def _report_chart(book, ws, lang: str, plan: ReportChart) -> None:
    """A native chart of the layout, bound to its block's ranges, placed as planned."""
    spec = plan.spec
    if spec.kind == "line":
        chart = book.add_chart({"type": "line"})
    else:
        chart = book.add_chart({"type": "column",
                                **({"subtype": "stacked"} if spec.kind == "stacked_bar" else {})})
    colours = dict(zip(spec.series, spec.colours))
    for key, name, values in plan.series:
        series = {"name": f"={name}", "categories": f"={plan.categories}", "values": f"={values}"}
        colour = colours.get(key)
        if spec.kind == "line":
            series["line"] = {"width": 1.75, **({"color": f"#{colour}"} if colour else {})}
            series["marker"] = {"type": "none"}
        else:
            if colour:
                series["fill"] = {"color": f"#{colour}"}
                series["border"] = {"color": f"#{colour}"}
            series["gap"] = 60
            if spec.kind == "stacked_bar":
                series["overlap"] = 100
        chart.add_series(series)
    chart.set_title({"name": _report_text(lang, spec.title), "name_font": {"size": 12}})
    x_axis = {"label_position": "low"}
    if spec.category == "month":
        x_axis["num_format"] = layout.MONTH
        x_axis["num_font"] = {"rotation": -45}
    chart.set_x_axis(x_axis)
    chart.set_y_axis({"num_format": spec.y_format,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    if len(plan.series) == 1 and spec.kind != "stacked_bar":
        chart.set_legend({"none": True})
    else:
        chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    chart.set_size({"width": plan.width, "height": plan.height})
    ws.insert_chart(plan.row - 1, plan.column - 1, chart, {"x_offset": 4, "y_offset": 4,
                                                          "object_position": 1})


def _fill_report(book, s: Sheet, report) -> None:
    """The Report sheet's blocks as the refresh writes them for ``report``: the renderer's
    cells (:func:`addin.report.render.render_report_sheet`) with their number formats and
    change colours, titles and headers dressed as the empty template dresses them."""
    cache: dict = {}

    def fmt(kind: str, number: str | None, fill: str | None):
        # one XlsxWriter format per look: a format per cell would bloat the file
        key = (kind, number, fill)
        if key not in cache:
            props = dict(STYLE[kind])
            if number:
                props["num_format"] = number
            if fill:
                props["bg_color"] = fill
            cache[key] = book.add_format(props)
        return cache[key]

    ws = s.ws
    for rendered in render.render_report_sheet(report):
        for i, line in enumerate(rendered.cells):
            for j, cell in enumerate(line):
                row, col = rendered.row + i - 1, rendered.column + j - 1  # 0-based
                kind = {render.TITLE: "h2", render.HEADER: "colhead"}.get(cell.style, "plain")
                cell_format = fmt(kind, cell.number_format, cell.fill)
                value = cell.value
                if value is None or value == "":  # Excel keeps no empty text
                    ws.write_blank(row, col, None, cell_format)
                elif isinstance(value, str):  # quoted text stays text: write_string keeps it so
                    ws.write_string(row, col, value, cell_format)
                elif isinstance(value, bool):
                    ws.write_boolean(row, col, value, cell_format)
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(row, col, value, cell_format)
                else:
                    ws.write_number(row, col, value, cell_format)


def _report_status(report) -> str:
    """The status line a refresh of ``report`` writes (its time: today)."""
    segment = report.segment if report.segment is not None else _report_text(report.lang, "all_segments")
    return status_words(report.lang)["done"].format(
        when=dt.date.today().isoformat(), period=report.period.label, segment=segment)


def _report_text(lang: str, key: str) -> str:
    t = text(lang)
    try:
        return i18n.text(lang, key, period=t["period_placeholder"],
                         previous=t["previous_placeholder"], k="k")
    except Exception:  # noqa: BLE001 - a header that is not an i18n key is shown as it is
        return key
