"""The Refresh button's plan: every write of the Report sheet for a computed report.

:func:`plan_writes` is a pure function of an :class:`addin.report.Report`. The cells are the
renderer's (:func:`addin.report.render.render_report_sheet`: each block of
:data:`addin.report.layout.LAYOUT` in its fixed frame at :data:`addin.report.layout.REPORT_ANCHORS`); this
module only says how to write them with few calls: per block one values write (title,
header, rows, blanks down to the block's maximum rows), its number formats as few
rectangles as possible, and the Good/Bad fills of its change columns. Nothing is written
here: :func:`addin.refresh.refresh_book` applies the plan to a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cells import range_address
from ..report import Report, render

__all__ = ["Write", "plan_writes"]


@dataclass(frozen=True)
class Write:
    """One call on the Report sheet: the values, a number format or the fill colours of a
    rectangle (1-based top-left ``row``/``column``, ``rows`` x ``columns`` cells)."""

    kind: str  # "values" | "number_format" | "colors"
    row: int
    column: int
    rows: int
    columns: int
    payload: object  # 2-D list of values | format text | 2-D list of "#RRGGBB" or None

    @property
    def address(self) -> str:
        """``B3`` for one cell, ``B3:D9`` for a rectangle."""
        return range_address(self.row, self.column, self.row + self.rows - 1,
                             self.column + self.columns - 1)


def _rectangles(grid: list[list[str | None]], top: int, left: int) -> list[Write]:
    """Number formats of a grid as few rectangles: adjacent columns with the same formats
    top to bottom go together, then runs of equal rows (each Excel call is slow)."""
    if not grid:
        return []
    columns = list(zip(*grid))
    writes = []
    start = 0
    while start < len(columns):
        end = start
        while end + 1 < len(columns) and columns[end + 1] == columns[start]:
            end += 1
        run_start = 0
        vector = columns[start]
        while run_start < len(vector):
            fmt = vector[run_start]
            run_end = run_start
            while run_end + 1 < len(vector) and vector[run_end + 1] == fmt:
                run_end += 1
            if fmt is not None:
                writes.append(Write("number_format", top + run_start, left + start,
                                    run_end - run_start + 1, end - start + 1, fmt))
            run_start = run_end + 1
        start = end + 1
    return writes


def plan_writes(report: Report) -> list[Write]:
    """Every write of the Report sheet for ``report``, in order: per block its values (title,
    header, rows, blanks down to max_rows), its number formats, its change colours.

    A change column gets a fill on every row under its header, blank or not (no fill where
    a change is neither good nor bad), which also clears the last refresh's fills.
    """
    writes: list[Write] = []
    for rendered in render.render_report_sheet(report):
        top, left = rendered.row, rendered.column
        values = rendered.entered_values()
        writes.append(Write("values", top, left, len(values), len(values[0]), values))
        writes += _rectangles(rendered.formats(), top, left)
        fills = rendered.fills()[2:]  # under the title and the header
        writes += [Write("colors", top + 2, left + j, len(fills), 1, [[line[j]] for line in fills])
                   for j in rendered.change_columns]
    return writes
