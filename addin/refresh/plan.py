"""The Refresh button's plan: every write of the Report sheet for a computed report.

:func:`plan_writes` is a pure function of an :class:`addin.report.Report`: for each block of
:data:`addin.layout.LAYOUT`, at its place in :data:`addin.layout.REPORT_ANCHORS`, one values
write (title, header, rows, blanks down to the block's maximum rows), its number formats as
few rectangles as possible, and the Good/Bad fills of a change column. Nothing is written
here: :func:`addin.refresh.refresh_book` applies the plan to a workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import i18n, layout
from ..cells import MAX_TEXT, parse_address, range_address
from ..layout import block_height, block_width
from ..report import Report, python_value

__all__ = ["Write", "plan_writes"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text Excel would turn into a formula, number, date or boolean when written as a value:
# written with a leading apostrophe, which keeps it text (and is not shown).
_NOT_PLAIN_TEXT = re.compile(r"^\s*(?:[=+\-@(.$€£\d]|(?:true|false)\s*$)", re.IGNORECASE)


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


def _value(value: object) -> object:
    """A report value as a cell takes it: None for blanks, Python numbers, datetimes, text."""
    value = python_value(value)
    if value is None or isinstance(value, (bool, int, float, dt.datetime)):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = _CONTROL.sub("", str(value))[:MAX_TEXT - 1]
    return "'" + text if _NOT_PLAIN_TEXT.match(text) else text


def _text(report: Report, key: str, **values) -> str:
    return i18n.text(report.lang, key, period=report.period.label,
                     previous=report.previous.label, **values)


def _capped(rows: list[list], block: layout.Block, width: int) -> list[list]:
    """At most max_rows rows; the last says how many more there were (the next block is below)."""
    if len(rows) <= block.max_rows:
        return rows
    more = len(rows) - block.max_rows + 1
    return rows[:block.max_rows - 1] + [[f"… (+{more})"] + [None] * (width - 1)]


def _rectangles(grid: list[list[str | None]], top: int, left: int) -> list[Write]:
    """Number formats of a grid as few rectangles: adjacent columns with the same formats
    top to bottom go together, then runs of equal rows."""
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


def _table_writes(report: Report, block: layout.Block, top: int, left: int) -> list[Write]:
    frame: pd.DataFrame = getattr(report, block.name)
    width = block_width(block)
    listed = {c.key: c for c in block.columns}
    keys: list[object] = [c.key for c in block.columns]
    if block.heatmap or not block.columns:  # the unlisted columns (cohort ages) after them
        keys += [k for k in frame.columns if k not in listed][:width - len(keys)]
    units = frame["unit"].tolist() if "unit" in frame.columns else [None] * len(frame)
    better = frame["better"].tolist() if "better" in frame.columns else [0] * len(frame)

    def spec_of(j: int) -> layout.Column | None:
        return listed.get(keys[j]) if j < len(keys) else None

    def fixed_format(j: int) -> str | None:
        """The column's format; BY_UNIT or CHANGE when the row's unit decides."""
        spec = spec_of(j)
        if spec is None:
            return block.default_format if j >= len(block.columns) else None
        return spec.number_format

    header = []
    for j, key in enumerate(keys):
        spec = spec_of(j)
        if spec is None and isinstance(key, (int, np.integer)):  # a cohort age
            header.append(_value(i18n.text(report.lang, "months_since", k=int(key))))
        else:
            header.append(_value(_text(report, (spec.header or spec.key) if spec else str(key))))
    header += [None] * (width - len(header))

    rows = []
    for i in range(len(frame)):
        row = []
        for j, key in enumerate(keys):
            spec = spec_of(j)
            value = frame[key].iat[i] if key in frame.columns else None
            if spec is not None and spec.translate and isinstance(value, str):
                value = i18n.text(report.lang, spec.translate + value)
            row.append(_value(value))
        rows.append(row + [None] * (width - len(row)))
    rows = _capped(rows, block, width)

    # Formats cover every row a block may have, so a shorter report leaves none behind;
    # by-unit and change formats follow the row's unit, and only data rows have one.
    grid = []
    for i in range(block.max_rows):
        line = []
        for j in range(width):
            fmt = fixed_format(j)
            if fmt == layout.BY_UNIT:
                fmt = layout.UNIT_FORMATS.get(units[i]) if i < len(frame) else None
            elif fmt == layout.CHANGE:
                fmt = layout.CHANGE_FORMATS.get(units[i]) if i < len(frame) else None
            line.append(fmt)
        grid.append(line)

    # Change colours: Excel's Good / Bad fills where the change is for the better / worse,
    # no fill elsewhere (which also clears the last refresh's).
    colours = []
    for j in range(width):
        if fixed_format(j) != layout.CHANGE:
            continue
        column = []
        for i in range(block.max_rows):
            number = rows[i][j] if i < min(len(frame), len(rows)) else None
            direction = number * better[i] if isinstance(number, float) and better[i] else 0
            column.append([f"#{layout.GOOD_FILL}" if direction > 0 else
                           f"#{layout.BAD_FILL}" if direction < 0 else None])
        colours.append(Write("colors", top + 2, left + j, block.max_rows, 1, column))

    values = [[_value(_text(report, block.title))] + [None] * (width - 1), header, *rows]
    values += [[None] * width for _ in range(block_height(block) - len(values))]
    return [Write("values", top, left, len(values), width, values),
            *_rectangles(grid, top + 2, left), *colours]


def _block_writes(report: Report, block: layout.Block) -> list[Write]:
    top, left = parse_address(layout.REPORT_ANCHORS[block.name])
    if block.kind == "table":
        return _table_writes(report, block, top, left)
    width = block_width(block)
    content = getattr(report, block.name)
    if block.kind == "pairs":
        rows = [[_value(a), _value(b)] for a, b in content.itertuples(index=False, name=None)]
    else:
        rows = [[_value(line)] for line in content]
    rows = _capped(rows, block, width)
    values = [[_value(_text(report, block.title))] + [None] * (width - 1), *rows]
    values += [[None] * width for _ in range(block_height(block) - len(values))]
    return [Write("values", top, left, len(values), width, values)]


def plan_writes(report: Report) -> list[Write]:
    """Every write of the Report sheet for ``report``, in order: per block its values (title,
    header, rows, blanks down to max_rows), its number formats, its change colours."""
    writes: list[Write] = []
    for sheet in layout.LAYOUT:
        for block in sheet.blocks:
            writes += _block_writes(report, block)
    return writes
