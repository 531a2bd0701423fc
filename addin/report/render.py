"""How a report looks: a :class:`addin.report.Report` and the layout become grids of cells.

This is the one place that decides, for every cell of the report, its value as a cell holds
it, its number format, its style role and its words in the report's language: the report
holds :class:`~addin.report.model.Note` values (a word key and what to fill in) where it
says something, and they become words here (:func:`text_of`, :func:`in_words`, with
:mod:`addin.report.say`). Number formats are made here from the one table of units
(:data:`addin.report.layout.UNITS`) in the report's language and currency
(:func:`number_format`): "€ 12,340", "27.6 days", "+1.2 pts", "Nov 24". The openpyxl
exporter (:mod:`addin.excel.report_writer`) emits exactly these cells; the Refresh button
(:mod:`addin.refresh`) and the template's Report sheet (:mod:`addin.excel.template`) write
the same cells (``tests/test_render.py`` compares the refresh's writes cell by cell).
Nothing here imports openpyxl, xlwings or XlsxWriter, and nothing is computed: the report
holds the numbers, :mod:`addin.report.layout` says where they go.

A block (one table of the report, see :class:`addin.report.layout.Block`) is rendered in one of two
shapes:

- **fitted** (the exporter's sheets, :func:`render_sheet`): the block at its anchor on its
  own sheet, as big as its content: every row, only the columns the report's table has, a
  number format on numbers and dates only; a block with groups shows its rows by group,
  each under a band row, and a sparkline column (:func:`sparklines` says where each
  sparkline's values are);
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
from . import layout, say
from ..cells import MAX_TEXT, address, parse_address
from .model import python_value

if TYPE_CHECKING:  # pragma: no cover
    from . import Report

__all__ = [
    "BAD", "BODY", "COLOURS", "Cell", "GOOD", "GROUP", "HEADER", "LABEL", "LEAD", "RenderedBlock",
    "Sparkline", "TITLE", "axis_format", "capped", "excel_input", "footer", "in_words",
    "kpi_label", "make_cell", "notes", "number_format", "render_block", "render_report_sheet",
    "render_sheet", "sheet_name", "sparklines", "text_of", "workbook_title", "words",
]

# --------------------------------------------------------------------------- style roles

#: Style roles: how a writer dresses a cell (fonts, fills, borders are the writer's objects).
#: GROUP is a band row naming a group of rows; LEAD a sentence of the first page's summary.
TITLE, HEADER, LABEL, BODY, GOOD, BAD = "title", "header", "label", "body", "good", "bad"
GROUP, LEAD = "group", "lead"
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
    TITLE, HEADER, LABEL, BODY, GOOD, BAD, GROUP, LEAD; ``wrap``: wrap long text; ``quoted``: text that
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


# --------------------------------------------------------------------------- number formats


def number_format(unit: str, lang: str = "en", currency: str | None = None, *,
                  change: bool = False) -> str:
    """Excel's number format of ``unit`` (a key of :data:`addin.report.layout.UNITS`, or
    ``"month"``) in ``lang`` with ``currency``: ``0.0%``, ``"€ "#,##0`` (``#,##0" €"`` in
    Italian), ``0.0" days"``, ``[$-410]mmm yy``; a ``change`` always signed, a rate's in
    points (``+0.0" pts";-0.0" pts";0.0" pts"``), money's in the currency."""
    if unit == "month":
        return layout.MONTH_LOCALES.get(lang, "") + layout.MONTH
    spec = layout.UNITS[unit]
    digits = layout.UNIT_FORMATS[unit]
    if change and spec.percent:  # the change of a rate is in points already
        digits = digits.rstrip("%")
    word = spec.change_suffix if change and spec.change_suffix else spec.suffix
    symbol = say.currency_symbol(currency) if spec.money else None
    if word:
        body = f'{digits}" {_literal(i18n.text(lang, word))}"'
    elif symbol and lang in layout.CURRENCY_AFTER:
        body = f'{digits}" {_literal(symbol)}"'
    elif symbol:
        body = f'"{_literal(symbol)} "{digits}'
    else:
        body = digits
    return f"+{body};-{body};{body}" if change else body


def _literal(text: str) -> str:
    """Text that can stand inside the quotes of a number format."""
    return text.replace('"', "")


def axis_format(report: Report, chart: layout.Chart) -> str:
    """The number format of a chart's value axis: its unit's, in the report's currency."""
    return number_format(chart.unit, report.lang, report.currency)


def _fixed_format(report: Report, spec: layout.Column | None, block: layout.Block) -> str | None:
    """The format of a column for every row (BY_UNIT and CHANGE: the row's unit decides)."""
    if spec is not None and spec.unit is not None:
        return number_format(spec.unit, report.lang, report.currency)
    return spec.number_format if spec is not None else block.default_format


def _resolved(report: Report, number_format_: str | None, unit: object) -> str | None:
    """A column's format for a row: BY_UNIT and CHANGE follow the row's unit."""
    if number_format_ in (layout.BY_UNIT, layout.CHANGE):
        if unit not in layout.UNITS:
            return None
        return number_format(unit, report.lang, report.currency,
                             change=number_format_ == layout.CHANGE)
    return number_format_


# --------------------------------------------------------------------------- words


def words(report: Report, key: str, **values: object) -> str:
    """The text of ``key`` in the report's language; ``{period}`` and ``{previous}`` are the
    report's periods (titles, headers, chart titles)."""
    return i18n.text(report.lang, key, period=report.period.label,
                     previous=report.previous.label, **values)


def workbook_title(report: Report) -> str:
    """The workbook's document title: the report's title and period."""
    return f"{i18n.text(report.lang, 'title')} {report.period.label}"


def sheet_name(report: Report, sheet: layout.Sheet) -> str:
    """The exported sheet's name in the report's language (at most 31 characters, none of
    the characters Excel refuses in a sheet name)."""
    name = words(report, sheet.title) if sheet.title else sheet.name
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or sheet.name


def footer(report: Report) -> tuple[str, str]:
    """(left, right) of every printed page's footer: the report's title and period, and
    "Page 1 of 3" (Excel's page codes)."""
    return workbook_title(report).replace("&", "&&"), words(report, "page_footer")


def _said(report: Report, value: object) -> object:
    """``value`` in words (:func:`addin.report.say.said`)."""
    return say.said(report.lang, report.currency, value)


def text_of(report: Report, value: object) -> object:
    """Any value of ``report`` as its cell shows it, in the report's language: a
    :class:`~addin.report.model.Note` in words, the notes of a KPI or what-if row in words
    joined with "; ", the metric core's and the data reader's messages in the analyst's
    words, any other value unchanged."""
    return _said(report, value)


def notes(report: Report) -> list[str]:
    """The report's notes in words."""
    return [_said(report, note) for note in report.notes]


def kpi_label(report: Report, key: str) -> str:
    """The name of the KPI ``key`` in the report's language, as the kpis block shows it."""
    return _said(report, report.kpi(key)["label"])


def in_words(report: Report, name: str) -> pd.DataFrame | list:
    """The table or list ``name`` of ``report`` (``"kpis"``, ``"clv_notes"`` ...) as its block
    shows it: every Note in words (:func:`text_of`), the notes with :func:`notes`, the
    summary's sentences (:func:`addin.report.say.summary`)."""
    if name == "notes":
        return notes(report)
    if name == "summary":
        return say.summary(report)
    content = getattr(report, name)
    if not isinstance(content, pd.DataFrame):
        return [_said(report, value) for value in content]
    content = content.copy()
    for column in content.columns:
        if not (pd.api.types.is_numeric_dtype(content[column])
                or pd.api.types.is_datetime64_any_dtype(content[column])):  # notes, text
            content[column] = [_said(report, value) for value in content[column]]
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

    ``columns[j]`` is the layout's column shown in grid column j (None for a cohort age, a
    month or an empty column), ``keys[j]`` the report's column (None for an empty column);
    ``data_rows`` counts the rows written under the header (a cut row and group bands
    included); ``row_keys[i]`` is the report's key of data row i (a KPI's), None for a band.
    """

    block: layout.Block
    row: int
    column: int
    cells: list[list[Cell | None]]
    columns: list[layout.Column | None]
    keys: list[object]
    data_rows: int
    present: set = field(default_factory=set)  # keys the report's table has
    row_keys: list = field(default_factory=list)

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
    def last_column(self) -> int:
        """The last column of the block, 1-based."""
        return self.column + max(len(self.columns), 1) - 1

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
    def open_columns(self) -> list[int]:
        """Sheet columns (1-based) of the table's unlisted columns shown: cohort ages, months."""
        if not (self.block.heatmap or self.block.open_columns):
            return []
        listed = {c.key for c in self.block.columns}
        return [self.column + j for j, key in enumerate(self.keys)
                if key is not None and key not in listed and key in self.present]

    @property
    def heatmap_columns(self) -> list[int]:
        """Sheet columns (1-based) under the block's colour scale: the cohort ages shown."""
        return self.open_columns if self.block.heatmap else []

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


def _header(report: Report, spec: layout.Column | None, key: object) -> str | None:
    if key is None:
        return None
    if spec is None and isinstance(key, (int, np.integer)):  # a cohort age
        return i18n.text(report.lang, "months_since", k=int(key))
    if spec is None and isinstance(key, (pd.Timestamp, dt.date)):  # a month of the history
        return say.month(report.lang, key)
    return words(report, (spec.header or spec.key) if spec is not None else str(key))


def _order(frame: pd.DataFrame, block: layout.Block, fixed: bool) -> list[object]:
    """The rows of the block in order: row numbers of ``frame``, and on an exported sheet
    the word key of each group's band before its rows (rows in no group come last)."""
    if fixed or not block.groups or "key" not in frame.columns:
        return list(range(len(frame)))
    where: dict[object, list[int]] = {}
    for i, key in enumerate(frame["key"]):
        where.setdefault(key, []).append(i)
    lines: list[object] = []
    for group, keys in block.groups:
        members = [i for key in keys for i in where.pop(key, [])]
        if members:
            lines += [group, *members]
    return lines + sorted(i for rows in where.values() for i in rows)


def _table(report: Report, block: layout.Block, fixed: bool):
    """(header and data rows of cells, columns, keys, data rows, present keys, row keys)."""
    frame: pd.DataFrame = getattr(report, block.name)
    listed = {c.key: c for c in block.columns}
    if fixed:  # every listed column at its place, the ages after them as far as there is room
        width = layout.block_width(block)
        keys: list[object] = [c.key for c in block.columns]
    else:  # the columns the table has, closed up (and the sparklines' column)
        keys = [c.key for c in block.columns if c.key in frame.columns or c.sparkline]
    if block.heatmap or block.open_columns or not block.columns:
        # the columns named by a number or a month: cohort ages, the history's months
        unlisted = [k for k in frame.columns if k not in listed and not isinstance(k, str)] \
            if block.columns else [k for k in frame.columns if k not in listed]
        keys += unlisted[:width - len(keys)] if fixed else unlisted
    if not fixed:
        width = len(keys)
    keys += [None] * (width - len(keys))
    columns = [listed.get(key) if key is not None else None for key in keys]
    formats = [_fixed_format(report, spec, block) for spec in columns]

    count = len(frame)
    units = frame["unit"].tolist() if "unit" in frame.columns else [None] * count
    better = frame["better"].tolist() if "better" in frame.columns else [0] * count
    row_key = frame["key"].tolist() if "key" in frame.columns else [None] * count
    data = []
    for key, spec in zip(keys, columns):
        values = frame[key].tolist() if key is not None and key in frame.columns else [None] * count
        values = [_said(report, value) for value in values]
        if spec is not None and spec.translate:
            values = [_translated(report, spec.translate, v) for v in values]
        data.append(values)

    def cell(i: int, j: int, value: object) -> Cell:
        if i < count:
            number_format_ = _resolved(report, formats[j], units[i])
        else:  # a blank row of a frame: no unit, so no by-unit format
            number_format_ = None if formats[j] in (layout.BY_UNIT, layout.CHANGE) else formats[j]
        plain, quoted = _safe(value)
        style = BODY
        if formats[j] == layout.CHANGE and i < count and better[i] and isinstance(plain, float):
            direction = plain * better[i]
            style = GOOD if direction > 0 else BAD if direction < 0 else BODY
        if not fixed and not _shows_number(plain):
            # a fitted sheet formats what shows a number; a frame formats its whole column
            number_format_ = None
        spec = columns[j]
        return Cell(plain, number_format_, style, bool(spec is not None and spec.wrap), quoted)

    header = [make_cell(_header(report, spec, key), style=HEADER)
              for spec, key in zip(columns, keys)]
    body, row_keys = [], []
    order = _order(frame, block, fixed)
    rows = [[data[j][i] for j in range(width)] if isinstance(i, int) else i for i in order]
    if fixed:
        rows = capped(rows, block.max_rows, width)
    cut = len(rows) < len(order)  # a frame's last row says how many more there were
    for n, (line, i) in enumerate(zip(rows, order)):
        if isinstance(line, str):  # a group's band
            body.append([make_cell(words(report, line), style=GROUP, runs_over=True)]
                        + [Cell(style=GROUP) for _ in range(width - 1)])
            row_keys.append(None)
            continue
        body.append([cell(i, j, value) for j, value in enumerate(line)])
        row_keys.append(None if cut and n == len(rows) - 1 else row_key[i])
    data_rows = len(body)
    if fixed:  # blank rows down to max_rows, formatted
        body += [[cell(i, j, None) for j in range(width)] for i in range(data_rows, block.max_rows)]
    present = {key for key in keys if key is not None and key in frame.columns}
    return [header, *body], columns, keys, data_rows, present, row_keys


def _translated(report: Report, prefix: str, value: object) -> object:
    """A value given a word by its prefix (a unit's name); money is the currency's code."""
    if not isinstance(value, str):
        return value
    if prefix == "unit_" and value == "money" and report.currency:
        return report.currency
    return i18n.text(report.lang, prefix + value)


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
            body.append([make_cell(line[0], style=LEAD if block.lead else BODY,
                                   wrap=block.span > 1 and not fixed)])
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
    row_keys: list = []
    if block.kind == "table":
        body, columns, keys, data_rows, present, row_keys = _table(report, block, fixed)
    else:
        body, columns, keys, data_rows = _rows(report, block, fixed)
        present = {key for key in keys if key is not None}
    # a fixed frame's title row is all title (the writer dresses it as one band)
    title_row = [title] + [Cell(style=TITLE) if fixed else None for _ in columns[1:]]
    return RenderedBlock(block, row, column, [title_row, *body], columns, keys, data_rows,
                         present, row_keys)


def render_sheet(report: Report, sheet: layout.Sheet) -> list[RenderedBlock]:
    """The blocks of one of the exporter's sheets (``Sheet.sheet_blocks``), fitted, at their
    anchors."""
    return [render_block(report, block) for block in sheet.sheet_blocks]


def render_report_sheet(report: Report) -> list[RenderedBlock]:
    """Every block of the layout, in order, in its fixed frame on the template's Report sheet
    (at :data:`addin.report.layout.REPORT_ANCHORS`): what the Refresh button writes."""
    return [render_block(report, block, layout.REPORT_ANCHORS[block.name], fixed=True)
            for sheet in layout.LAYOUT for block in sheet.blocks]


# --------------------------------------------------------------------------- sparklines


@dataclass(frozen=True)
class Sparkline:
    """A sparkline of a sheet: drawn in ``cell``, from the values of ``values`` (a range of
    the same sheet, one row: the row's KPI in the last 12 months)."""

    cell: str
    values: str


def sparklines(blocks: list[RenderedBlock]) -> list[Sparkline]:
    """The sparklines of a sheet's rendered blocks: each row of a block with a sparkline
    column, drawn from that row's KPI in the block of :data:`addin.report.layout.SPARKLINE_VALUES`."""
    source = next((b for b in blocks if b.block.name == layout.SPARKLINE_VALUES), None)
    if source is None or not source.open_columns:
        return []
    first, last = min(source.open_columns), max(source.open_columns)
    rows = {key: source.first_row + i for i, key in enumerate(source.row_keys) if key is not None}
    found = []
    for rendered in blocks:
        spark = [j for j, spec in enumerate(rendered.columns) if spec is not None and spec.sparkline]
        for j in spark:
            for i, key in enumerate(rendered.row_keys):
                if key in rows:
                    found.append(Sparkline(address(rendered.first_row + i, rendered.column + j),
                                           f"{address(rows[key], first)}:{address(rows[key], last)}"))
    return found
