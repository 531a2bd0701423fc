"""Where the report goes on the template's Report sheet, planned without writing anything: a
band per sheet of the report layout (:mod:`addin.report.layout`), each block at its anchor with the
size the refresh writes, and the layout's charts right of their blocks, bound to the blocks'
ranges. The plan refuses a layout whose places overlap."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...cells import address, parse_address
from ...report import layout

#: Column widths of the Report sheet (characters): A holds labels, the rest numbers.
REPORT_WIDTH_A, REPORT_WIDTH = 36, 14
REPORT_LAST_WIDE_COLUMN = 51  # B:AZ get REPORT_WIDTH
ROW_PX = 20  # pixels of a default row (a table header row is 45 pt: charts fit rows generously)
_CHART_GAP_PX = 10
_CM_PX = 96 / 2.54


def column_px(col: int) -> int:
    """Pixel width of a Report sheet column (0-based), as XlsxWriter and Excel draw it."""
    if col == 0:
        width = REPORT_WIDTH_A
    elif col <= REPORT_LAST_WIDE_COLUMN:
        width = REPORT_WIDTH
    else:
        return 64
    return int(width * 7 + 5)


def _range_ref(top: int, left: int, bottom: int, right: int) -> str:
    """Report!$A$1:$B$2 from 1-based corners."""
    return (f"{REPORT_SHEET_NAME}!{address(top, left, absolute=True)}:"
            f"{address(bottom, right, absolute=True)}")


REPORT_SHEET_NAME = "Report"


@dataclass
class ReportChart:
    """A native chart of the Report sheet: the layout's chart bound to its block's ranges."""

    spec: object  # addin.report.layout.Chart
    block: str
    row: int  # 1-based top-left cell of the chart
    column: int
    width: int  # pixels
    height: int
    series: list[tuple[str, str, str]]  # (key, name cell ref, values range ref)
    categories: str

    def box(self) -> tuple[int, int, int, int]:
        """Rows and columns (1-based, inclusive) the chart covers, counting rows generously."""
        rows = math.ceil(self.height / ROW_PX)
        columns, px, col = 0, 0, self.column - 1
        while px < self.width:
            px += column_px(col + columns)
            columns += 1
        return self.row, self.row + rows, self.column, self.column + columns - 1


@dataclass
class ReportItem:
    """A layout sheet's band or one block of the report on the template's Report sheet, at
    the place :data:`addin.report.layout.REPORT_BANDS` / ``REPORT_ANCHORS`` give it."""

    kind: str  # "sheet" or "block"
    name: str
    title: str
    row: int  # 1-based: the band, or the block's title row (a table's header row is the next)
    columns: tuple = ()  # the layout's listed columns
    max_rows: int = 0
    column: int = 1  # 1-based column of the band or the title
    width: int = 1  # columns the refresh writes
    height: int = 1  # rows the refresh writes (title, header of a table, max_rows rows)
    block: object = None  # addin.report.layout.Block
    charts: list[ReportChart] = field(default_factory=list)

    @property
    def last_row(self) -> int:
        """The last row the refresh writes (1-based)."""
        return self.row + self.height - 1

    @property
    def last_column(self) -> int:
        """The last column the refresh writes (1-based)."""
        return self.column + self.width - 1

    @property
    def ref(self) -> str:
        """The range the refresh writes, as a defined name refers to it."""
        return _range_ref(self.row, self.column, self.last_row, self.last_column)

    @property
    def heatmap_ref(self) -> str | None:
        """The cohort ages' cells (a table's unlisted columns) that carry the colour scale."""
        if self.block is None or not self.block.heatmap:
            return None
        return _range_ref(self.row + 2, self.column + len(self.columns), self.last_row,
                          self.last_column)


def _report_charts(sheet, items: dict[str, ReportItem], stop_row: int) -> list[ReportChart]:
    """The charts of a layout sheet's blocks, right of the sheet's widest block (one blank
    column between), two across when there are more than two, fitting the rows down to
    ``stop_row`` (the next sheet's band)."""
    specs = [(block, chart) for block in sheet.blocks for chart in block.charts]
    if not specs:
        return []
    blocks = [items[b.name] for b in sheet.blocks]
    left = max(item.last_column for item in blocks) + 2
    top = items[specs[0][0].name].row
    across = 2 if len(specs) > 2 else 1
    down = math.ceil(len(specs) / across)
    room = (stop_row - top) * ROW_PX - _CHART_GAP_PX * down
    charts = []
    for index, (block, spec) in enumerate(specs):
        item = items[block.name]
        width = round(spec.width * _CM_PX)
        height = min(round(spec.height * _CM_PX), room // down)
        # place: whole columns for each chart across, rows by pixels down
        col = left
        for _ in range(index % across):
            px = 0
            while px < width + _CHART_GAP_PX:
                px += column_px(col - 1)
                col += 1
        row = top + (index // across) * math.ceil((height + _CHART_GAP_PX) / ROW_PX)
        place = {c.key: item.column + j for j, c in enumerate(block.columns)}
        first, last = item.row + 2, item.row + 1 + block.max_rows
        series = [(key, _range_ref(item.row + 1, place[key], item.row + 1, place[key]).split(":")[0],
                   _range_ref(first, place[key], last, place[key]))
                  for key in spec.series if key in place]
        if not series or spec.category not in place:
            continue
        categories = _range_ref(first, place[spec.category], last, place[spec.category])
        charts.append(ReportChart(spec, block.name, row, col, width, height, series, categories))
    return charts


def plan_report() -> list[ReportItem]:
    """The Report sheet: a band per sheet of the report layout (addin.report.layout) at
    ``layout.REPORT_BANDS``, each block at ``layout.REPORT_ANCHORS`` with the size the refresh
    writes, and the layout's charts right of their blocks. ValueError when the layout's places
    overlap (blocks, bands, the status cell, the button, charts) or miss a sheet or block."""
    if REPORT_SHEET_NAME != layout.REPORT_SHEET:
        raise ValueError(f"the Report sheet is {layout.REPORT_SHEET!r} in addin.report.layout")
    blocks = {b.name for s in layout.LAYOUT for b in s.blocks}
    if set(layout.REPORT_ANCHORS) != blocks:
        raise ValueError(f"layout.REPORT_ANCHORS does not match the layout's blocks: "
                         f"{sorted(set(layout.REPORT_ANCHORS) ^ blocks)}")
    sheets = [s.name for s in layout.LAYOUT]
    if set(layout.REPORT_BANDS) != set(sheets):
        raise ValueError(f"layout.REPORT_BANDS does not match the layout's sheets: "
                         f"{sorted(set(layout.REPORT_BANDS) ^ set(sheets))}")
    items: list[ReportItem] = []
    by_name: dict[str, ReportItem] = {}
    for sheet in layout.LAYOUT:
        row, column = parse_address(layout.REPORT_BANDS[sheet.name])
        items.append(ReportItem("sheet", sheet.name, sheet.name, row, column=column,
                                width=_BAND_COLUMNS, height=1))
        for block in sheet.blocks:
            row, column = parse_address(layout.REPORT_ANCHORS[block.name])
            item = ReportItem("block", block.name, block.title, row,
                              tuple(block.columns) if block.kind != "lines" else (),
                              block.max_rows, column, layout.block_width(block),
                              layout.block_height(block), block)
            items.append(item)
            by_name[block.name] = item
    for sheet in layout.LAYOUT:
        band = [it for it in items if it.kind == "sheet" and it.name == sheet.name][0]
        following = [it.row for it in items if it.kind == "sheet" and it.row > band.row]
        stop = min(following) if following else max(it.last_row for it in items) + 30
        charts = _report_charts(sheet, by_name, stop)
        for chart in charts:
            by_name[chart.block].charts.append(chart)
    _check_report_plan(items)
    return items


_BAND_COLUMNS = 8  # a band's fill spans A:H


def _check_report_plan(items: list[ReportItem]) -> None:
    """ValueError when two things of the Report sheet (blocks, bands, the status cell, the
    button, charts) would cover the same cell."""
    boxes = [(it.row, it.last_row, it.column, it.last_column, f"{it.kind} {it.name}") for it in items]
    status_row, status_col = parse_address(layout.REPORT_STATUS_CELL)
    button_row, button_col = parse_address(layout.REPORT_BUTTON_CELL)
    boxes += [(status_row, status_row, status_col, status_col + 6, "status"),
              (button_row, button_row, button_col, button_col + 1, "button")]
    boxes += [(*chart.box(), f"chart {chart.spec.title}") for it in items for chart in it.charts]
    for i, (r0, r1, c0, c1, a) in enumerate(boxes):
        for s0, s1, d0, d1, b in boxes[i + 1:]:
            if not (r1 < s0 or s1 < r0 or c1 < d0 or d1 < c0):
                raise ValueError(f"Report sheet: {a} overlaps {b} (addin.report.layout.REPORT_ANCHORS, "
                                 "REPORT_BANDS and the blocks' sizes disagree)")
