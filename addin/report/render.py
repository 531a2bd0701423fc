"""How a report looks: a :class:`addin.report.Report` and the layout become grids of cells.

This is the one place that decides, for every cell of the report, its value as a cell holds
it, its number format, its style role and its words in the report's language: the report
holds :class:`~addin.report.model.Note` values (a word key and what to fill in) where it
says something, and they become words here (:func:`text_of`, :func:`in_words`). The openpyxl
exporter (:mod:`addin.excel.report_writer`) emits exactly these cells; the Refresh button
(:mod:`addin.refresh`) and the template's Report sheet (:mod:`addin.excel.template`) write
the same cells (``tests/test_render.py`` compares the refresh's writes cell by cell).
Nothing here imports openpyxl, xlwings or XlsxWriter, and nothing is computed: the report
holds the numbers, :mod:`addin.report.layout` says where they go.

A block (one table of the report, see :class:`addin.report.layout.Block`) is rendered in one of two
shapes:

- **fitted** (the exporter's sheets, :func:`render_sheet`): the block at its anchor on its
  own sheet, as big as its content: every row, only the columns the report's table has, a
  number format on numbers and dates only;
- **fixed** (the template's Report sheet, :func:`render_report_sheet`): the block in a frame
  of :func:`addin.report.layout.block_height` rows and :func:`addin.report.layout.block_width` columns
  that a refresh rewrites in place. A column without data stays blank at its place (charts
  and formulas are bound to it), rows beyond ``max_rows`` are cut with a last row saying how
  many more there were (:func:`capped`), and every row of a column carries its format, so
  the rows a longer report fills later are formatted already.

Values are plain Python: None (a blank), bool, int, float, ``datetime`` or text. Text loses
the control characters a cell cannot hold and is cut to Excel's 32,767 characters; text that
Excel would read as something else (a formula, a number, a date, TRUE/FALSE) is marked
``quoted``: the writers keep it text (an apostrophe typed before it, or the cell's quote
prefix), so no value from the data ever runs as a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import i18n
from ..cells import MAX_TEXT, address, parse_address
from . import layout
from .model import Note, python_value

if TYPE_CHECKING:  # pragma: no cover
    from . import Report

__all__ = [
    "BAD", "BODY", "COLOURS", "Cell", "GOOD", "HEADER", "LABEL", "RenderedBlock",
    "TITLE", "capped", "excel_input", "in_words", "kpi_label", "make_cell", "notes",
    "render_block", "render_report_sheet", "render_sheet", "text_of", "workbook_title", "words",
]

# --------------------------------------------------------------------------- style roles

#: Style roles: how a writer dresses a cell (fonts, fills, borders are the writer's objects).
TITLE, HEADER, LABEL, BODY, GOOD, BAD = "title", "header", "label", "body", "good", "bad"
#: (font, fill) colours, RGB hex, of a change for the better / the worse: Excel's Good / Bad.
COLOURS: dict[str, tuple[str, str]] = {
    GOOD: (layout.GOOD_FONT, layout.GOOD_FILL),
    BAD: (layout.BAD_FONT, layout.BAD_FILL),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters a cell cannot hold
# Text Excel would turn into a formula, number, date or boolean when typed in (a tab or a
# carriage return first too: spreadsheet injection guides list them), kept text by a quote.
_NOT_PLAIN_TEXT = re.compile(r"^(?:[\t\r]|\s*(?:[=+\-@(.$€£\d]|(?:true|false)\s*$))",
                             re.IGNORECASE)


# --------------------------------------------------------------------------- cells


@dataclass(frozen=True)
class Cell:
    """One rendered cell.

    ``value``: None, bool, int, float, datetime or text (safe, see :func:`make_cell`);
    ``number_format``: Excel's format code or None (General); ``style``: one of the roles
    TITLE, HEADER, LABEL, BODY, GOOD, BAD; ``wrap``: wrap long text; ``quoted``: text that
    must be kept text; ``runs_over``: text meant to run over the empty cells to its right
    (titles, the meta values), which does not size its column.
    """

    value: object = None
    number_format: str | None = None
    style: str = BODY
    wrap: bool = False
    quoted: bool = False
    runs_over: bool = False

    @property
    def entered(self) -> object:
        """The value as typed into Excel (xlwings): quoted text gets a leading apostrophe."""
        return "'" + self.value if self.quoted else self.value

    @property
    def fill(self) -> str | None:
        """The fill colour, ``#RRGGBB``, of a good or bad change; None otherwise."""
        return f"#{COLOURS[self.style][1]}" if self.style in COLOURS else None

    @property
    def font(self) -> str | None:
        """The font colour, ``#RRGGBB``, of a good or bad change; None otherwise."""
        return f"#{COLOURS[self.style][0]}" if self.style in COLOURS else None


def _safe(value: object) -> tuple[object, bool]:
    """(value as a cell holds it, whether it is text to keep as text)."""
    value = python_value(value)
    if value is None or isinstance(value, (bool, int, float, dt.datetime)):
        return value, False
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), False
    text = _CONTROL.sub("", str(value))[:MAX_TEXT]
    quoted = bool(_NOT_PLAIN_TEXT.match(text))
    # with its apostrophe, quoted text still fits in a cell
    return (text[:MAX_TEXT - 1] if quoted else text), quoted


def make_cell(value: object, number_format: str | None = None, style: str = BODY, *,
              wrap: bool = False, runs_over: bool = False) -> Cell:
    """A cell of ``value`` (any report value: numpy numbers, Timestamps, NaN, text).

    Blanks (None, NaN, NaT, infinity) become None, numbers Python numbers, days and
    timestamps ``datetime``; text loses control characters and is cut to fit a cell. A
    number format is kept for numbers and dates; text and blanks have none.
    """
    plain, quoted = _safe(value)
    return Cell(plain, number_format if _shows_number(plain) else None, style, wrap, quoted,
                runs_over)


def _shows_number(value: object) -> bool:
    """A number format shows on numbers (bools too, as in Excel) and dates only."""
    return isinstance(value, (int, float, dt.datetime))


def excel_input(value: object) -> object:
    """``value`` as typed into a cell by xlwings (the status line, for instance)."""
    return make_cell(value).entered


# --------------------------------------------------------------------------- words


def words(report: Report, key: str, **values: object) -> str:
    """The text of ``key`` in the report's language; ``{period}`` and ``{previous}`` are the
    report's periods (titles, headers, chart titles)."""
    return i18n.text(report.lang, key, period=report.period.label,
                     previous=report.previous.label, **values)


def workbook_title(report: Report) -> str:
    """The workbook's document title: the report's title and period."""
    return f"{i18n.text(report.lang, 'title')} {report.period.label}"


def _said(lang: str, value: object) -> object:
    """``value`` in words: a Note said, a tuple of notes said and joined with "; ", any other
    value (a number, a date, text from the data or the metric core) as it is."""
    if isinstance(value, Note):
        return i18n.text(lang, value.key, **{name: _filled(lang, v) for name, v in value.values})
    if isinstance(value, tuple):
        return "; ".join(str(_said(lang, item)) for item in value)
    return value


def _filled(lang: str, value: object) -> object:
    """A value filled into a note: a Note said, a tuple of alternatives "A or B"."""
    if isinstance(value, Note):
        return _said(lang, value)
    if isinstance(value, tuple):
        return i18n.text(lang, "table_or").join(map(str, value))
    return value


def text_of(report: Report, value: object) -> object:
    """Any value of ``report`` as its cell shows it, in the report's language: a
    :class:`~addin.report.model.Note` in words, the notes of a KPI or what-if row in words
    joined with "; ", any other value unchanged."""
    return _said(report.lang, value)


def notes(report: Report) -> list[str]:
    """The report's notes in words. In a language other than English, first a note that the
    definitions quoted from the metric functions stay English."""
    said = [_said(report.lang, note) for note in report.notes]
    if report.lang == "en":  # the metric functions' docstrings are English
        return said
    return [i18n.text(report.lang, "language_note"), *said]


def kpi_label(report: Report, key: str) -> str:
    """The name of the KPI ``key`` in the report's language, as the kpis block shows it."""
    return _said(report.lang, report.kpi(key)["label"])


def in_words(report: Report, name: str) -> pd.DataFrame | list:
    """The table or list ``name`` of ``report`` (``"kpis"``, ``"clv_notes"`` ...) as its block
    shows it: every Note in words (:func:`text_of`), the notes with :func:`notes`."""
    if name == "notes":
        return notes(report)
    content = getattr(report, name)
    if not isinstance(content, pd.DataFrame):
        return [_said(report.lang, value) for value in content]
    content = content.copy()
    for column in content.columns:
        if content[column].dtype == object:  # numbers and dates hold no notes
            content[column] = [_said(report.lang, value) for value in content[column]]
    return content


def capped(rows: list[list], max_rows: int, width: int) -> list[list]:
    """At most ``max_rows`` rows; when there were more, the last says how many: "… (+N)"."""
    if len(rows) <= max_rows:
        return rows
    more = len(rows) - max_rows + 1
    return rows[:max_rows - 1] + [[f"… (+{more})"] + [None] * (width - 1)]


# --------------------------------------------------------------------------- blocks


@dataclass
class RenderedBlock:
    """A block as cells: ``cells[i][j]`` is the cell at (``row`` + i, ``column`` + j), 1-based,
    the title at the top-left; None where nothing is written (a fitted block's title row).

    ``columns[j]`` is the layout's column shown in grid column j (None for a cohort age or
    an empty column), ``keys[j]`` the report's column (None for an empty column);
    ``data_rows`` counts the rows written under the header (a cut row included).
    """

    block: layout.Block
    row: int
    column: int
    cells: list[list[Cell | None]]
    columns: list[layout.Column | None]
    keys: list[object]
    data_rows: int
    present: set = field(default_factory=set)  # keys the report's table has

    @property
    def address(self) -> str:
        """The A1 address of the top-left (title) cell."""
        return address(self.row, self.column)

    @property
    def header_row(self) -> int | None:
        """The header row (tables only), 1-based."""
        return self.row + 1 if self.block.kind == "table" else None

    @property
    def first_row(self) -> int:
        """The first row under the title and header, 1-based."""
        return self.row + (2 if self.block.kind == "table" else 1)

    @property
    def last_row(self) -> int:
        """The last data row written (``first_row - 1`` when there is none)."""
        return self.first_row + self.data_rows - 1

    @property
    def column_of(self) -> dict[object, int]:
        """The sheet column (1-based) of each report column shown with data."""
        return {key: self.column + j for j, key in enumerate(self.keys) if key in self.present}

    @property
    def change_columns(self) -> list[int]:
        """Grid columns (0-based) of changes, coloured good or bad (a fixed block's writer
        sets every fill of these, which also clears the last refresh's)."""
        return [j for j, spec in enumerate(self.columns)
                if spec is not None and spec.number_format == layout.CHANGE]

    @property
    def heatmap_columns(self) -> list[int]:
        """Sheet columns (1-based) under the block's colour scale: the cohort ages shown."""
        if not self.block.heatmap:
            return []
        listed = {c.key for c in self.block.columns}
        return [self.column + j for j, key in enumerate(self.keys)
                if key is not None and key not in listed and key in self.present]

    def values(self) -> list[list]:
        """The grid of values (None where blank or not written)."""
        return [[c.value if c is not None else None for c in line] for line in self.cells]

    def entered_values(self) -> list[list]:
        """The grid of values as typed into Excel (xlwings): quoted text with an apostrophe."""
        return [[c.entered if c is not None else None for c in line] for line in self.cells]

    def formats(self) -> list[list[str | None]]:
        """The grid of number formats (None: General)."""
        return [[c.number_format if c is not None else None for c in line] for line in self.cells]

    def fills(self) -> list[list[str | None]]:
        """The grid of fill colours, ``#RRGGBB`` (None: no fill)."""
        return [[c.fill if c is not None else None for c in line] for line in self.cells]

    def fonts(self) -> list[list[str | None]]:
        """The grid of font colours, ``#RRGGBB`` (None: the style's)."""
        return [[c.font if c is not None else None for c in line] for line in self.cells]


def _resolved(number_format: str | None, unit: object) -> str | None:
    """A column's format for a row: BY_UNIT and CHANGE follow the row's unit."""
    if number_format == layout.BY_UNIT:
        return layout.UNIT_FORMATS.get(unit)
    if number_format == layout.CHANGE:
        return layout.CHANGE_FORMATS.get(unit)
    return number_format


def _header(report: Report, spec: layout.Column | None, key: object) -> str | None:
    if key is None:
        return None
    if spec is None and isinstance(key, (int, np.integer)):  # a cohort age
        return i18n.text(report.lang, "months_since", k=int(key))
    return words(report, (spec.header or spec.key) if spec is not None else str(key))


def _table(report: Report, block: layout.Block, fixed: bool):
    """(header and data rows of cells, columns, keys, data rows, present keys) of a table."""
    frame: pd.DataFrame = getattr(report, block.name)
    listed = {c.key: c for c in block.columns}
    if fixed:  # every listed column at its place, the ages after them as far as there is room
        width = layout.block_width(block)
        keys: list[object] = [c.key for c in block.columns]
    else:  # the columns the table has, closed up
        keys = [c.key for c in block.columns if c.key in frame.columns]
    if block.heatmap or not block.columns:
        unlisted = [k for k in frame.columns if k not in listed]
        keys += unlisted[:width - len(keys)] if fixed else unlisted
    if not fixed:
        width = len(keys)
    keys += [None] * (width - len(keys))
    columns = [listed.get(key) if key is not None else None for key in keys]
    # an unlisted column (a cohort age, or room for one) has the block's default format
    formats = [spec.number_format if spec is not None else block.default_format
               for spec in columns]

    count = len(frame)
    units = frame["unit"].tolist() if "unit" in frame.columns else [None] * count
    better = frame["better"].tolist() if "better" in frame.columns else [0] * count
    data = []
    for key, spec in zip(keys, columns):
        values = frame[key].tolist() if key is not None and key in frame.columns else [None] * count
        values = [_said(report.lang, value) for value in values]
        if spec is not None and spec.translate:
            values = [i18n.text(report.lang, spec.translate + v) if isinstance(v, str) else v
                      for v in values]
        data.append(values)
    rows = [[data[j][i] for j in range(width)] for i in range(count)]
    if fixed:
        rows = capped(rows, block.max_rows, width)

    def cell(i: int, j: int, value: object) -> Cell:
        if i < count:
            number_format = _resolved(formats[j], units[i])
        else:  # a blank row of a frame: no unit, so no by-unit format
            number_format = None if formats[j] in (layout.BY_UNIT, layout.CHANGE) else formats[j]
        plain, quoted = _safe(value)
        style = BODY
        if formats[j] == layout.CHANGE and i < count and better[i] and isinstance(plain, float):
            direction = plain * better[i]
            style = GOOD if direction > 0 else BAD if direction < 0 else BODY
        if not fixed and not _shows_number(plain):
            # a fitted sheet formats what shows a number; a frame formats its whole column
            number_format = None
        spec = columns[j]
        return Cell(plain, number_format, style, bool(spec is not None and spec.wrap), quoted)

    header = [make_cell(_header(report, spec, key), style=HEADER)
              for spec, key in zip(columns, keys)]
    body = [[cell(i, j, value) for j, value in enumerate(line)] for i, line in enumerate(rows)]
    data_rows = len(body)
    if fixed:  # blank rows down to max_rows, formatted
        body += [[cell(i, j, None) for j in range(width)] for i in range(data_rows, block.max_rows)]
    present = {key for key in keys if key is not None and key in frame.columns}
    return [header, *body], columns, keys, data_rows, present


def _rows(report: Report, block: layout.Block, fixed: bool):
    """(rows of cells, columns, keys, data rows) of a "pairs" or "lines" block."""
    content = in_words(report, block.name)
    if block.kind == "pairs":
        width = 2
        rows = [[label, value] for label, value in content.itertuples(index=False, name=None)]
        columns: list[layout.Column | None] = list(block.columns[:2]) or [None, None]
        keys: list[object] = [c.key for c in block.columns[:2]] or ["label", "value"]
    else:
        width = 1
        rows = [[line] for line in content]
        columns, keys = [None], [None]
    if fixed:
        rows = capped(rows, block.max_rows, width)
    body = []
    for line in rows:
        if block.kind == "pairs":
            label, value = line
            body.append([make_cell(label, style=LABEL), make_cell(value, runs_over=True)])
        else:
            body.append([make_cell(line[0])])
    data_rows = len(body)
    if fixed:
        body += [[Cell() for _ in range(width)] for _ in range(data_rows, block.max_rows)]
    return body, columns, keys, data_rows


def render_block(report: Report, block: layout.Block, anchor: str | None = None, *,
                 fixed: bool = False) -> RenderedBlock:
    """``block`` of ``report`` as cells, its title at ``anchor`` (default: the block's own
    anchor on its sheet); ``fixed``: in its frame on the Report sheet (see the module's
    docstring), else fitted to its content."""
    row, column = parse_address(anchor or block.anchor)
    title = make_cell(words(report, block.title), style=TITLE, runs_over=True)
    if block.kind == "table":
        body, columns, keys, data_rows, present = _table(report, block, fixed)
    else:
        body, columns, keys, data_rows = _rows(report, block, fixed)
        present = {key for key in keys if key is not None}
    # a fixed frame's title row is all title (the writer dresses it as one band)
    title_row = [title] + [Cell(style=TITLE) if fixed else None for _ in columns[1:]]
    return RenderedBlock(block, row, column, [title_row, *body], columns, keys, data_rows,
                         present)


def render_sheet(report: Report, sheet: layout.Sheet) -> list[RenderedBlock]:
    """The blocks of one of the exporter's sheets, fitted, at their anchors."""
    return [render_block(report, block) for block in sheet.blocks]


def render_report_sheet(report: Report) -> list[RenderedBlock]:
    """Every block of the layout, in order, in its fixed frame on the template's Report sheet
    (at :data:`addin.report.layout.REPORT_ANCHORS`): what the Refresh button writes."""
    return [render_block(report, block, layout.REPORT_ANCHORS[block.name], fixed=True)
            for sheet in layout.LAYOUT for block in sheet.blocks]
