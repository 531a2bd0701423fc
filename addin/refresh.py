"""Refresh report: the workbook's data Tables and Settings in, its Report sheet rewritten.

Every way of pressing *Refresh* ends in :func:`refresh_book`, which works on any
:class:`xlwings.Book` whatever engine runs it:

- classic xlwings (Windows, Mac): the ribbon add-in's button runs ``retention_addin.main()``,
  which calls ``addin.main()``, which is :func:`main`. It refreshes the workbook the analyst is
  looking at (``xw.Book.caller()`` is the add-in itself) and shows problems in a message box;
- xlwings Lite and xlwings Server: the script :func:`refresh_report` (task pane, or the sheet
  button on the Report sheet), to which the runtime hands the workbook.

What it does, in this order:

1. read the data: an Excel Table named after each table of :data:`addin.data.TABLES`
   anywhere in the workbook, or else a sheet named after it, as ``retention report`` reads a
   workbook file; and the Settings (defined names ``Settings_Period``, ``Settings_Segment``,
   ``Settings_Language``, ``Settings_GrossMargin``);
2. check it with :meth:`addin.data.RetentionData.from_frames` and build the report with
   :func:`addin.report.build_report`: the data model's and the report's rules and messages;
3. plan every write (:func:`plan_writes`, a pure function of the Report);
4. only then touch the workbook: each block of the Report sheet (at
   :data:`addin.layout.REPORT_ANCHORS`) gets one values call, one number-format call per
   rectangle of equal format, and one fill-colour call for the change column. The template's
   charts are bound to those ranges and follow by themselves.

A problem in steps 1-3 (bad data, a bad setting) stops there: its message -- the data model's,
placed at the workbook's sheet, row and column as ``retention report`` places it -- goes to
the Report sheet's status cell and to a message box, and the blocks are left as they were.

Nothing here computes a metric: the report does, the layout says where it goes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xlwings as xw

from . import i18n, layout
from .layout import block_height, block_width
from .data import TABLES, RetentionData
from .errors import DataError, InvalidInputError, MetricError
from .report import Report, build_report, parse_period, python_value

__all__ = [
    "SETTING_NAMES", "RefreshResult", "Write", "block_height", "block_width", "main",
    "plan_writes", "read_settings", "read_tables", "refresh_book", "refresh_report",
]

#: The defined names of the Settings the refresh reads, by build_report's argument.
SETTING_NAMES = {
    "period": "Settings_Period",
    "segment": "Settings_Segment",
    "lang": "Settings_Language",
    "gross_margin": "Settings_GrossMargin",
    "program_cost": "Settings_ProgramCost",
}

_STATUS = {
    "en": {
        "done": "Refreshed {when}: {period}, {segment}.",
        "dropped": " {rows} data rows dropped: see Data quality.",
        "failed": "Not refreshed ({when}): {message}",
    },
    "it": {
        "done": "Aggiornato {when}: {period}, {segment}.",
        "dropped": " {rows} righe di dati scartate: vedi Qualità dei dati.",
        "failed": "Non aggiornato ({when}): {message}",
    },
}
_MAX_TEXT = 32_767  # characters in a cell
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text Excel would turn into a formula, number, date or boolean when written as a value:
# written with a leading apostrophe, which keeps it text (and is not shown).
_NOT_PLAIN_TEXT = re.compile(r"^\s*(?:[=+\-@(.$€£\d]|(?:true|false)\s*$)", re.IGNORECASE)


# --------------------------------------------------------------------------- results


@dataclass
class RefreshResult:
    """What a refresh did: ``ok``, the status line written, the report (when ok), the calls."""

    ok: bool
    message: str
    report: Report | None = None
    calls: int = 0


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
        first = f"{_letters(self.column)}{self.row}"
        if self.rows == 1 and self.columns == 1:
            return first
        return f"{first}:{_letters(self.column + self.columns - 1)}{self.row + self.rows - 1}"


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(address: str) -> tuple[int, int]:
    """(row, column), 1-based, of an A1 address."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", address.strip())
    if match is None:
        raise ValueError(f"not a cell address: {address!r}")
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


# --------------------------------------------------------------------------- reading


def _key(name: object) -> str:
    """A table or column name as :mod:`addin.data` compares them (case, spaces, _ - . ignored)."""
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


_TABLE_KEYS = {_key(name): name for name in TABLES}


@dataclass(frozen=True)
class _Source:
    """Where a table was read: to place the data model's messages in the workbook."""

    sheet: str
    header_row: int  # 1-based row of the header
    first_column: int  # 1-based column of the first header
    headers: tuple[str, ...]


def _rows(rng) -> list[list]:
    if rng is None:
        return []
    values = rng.options(ndim=2).value
    return [list(row) for row in values] if values else []


def _frame(headers: list[str], rows: list[list]) -> pd.DataFrame:
    width = len(headers)
    rows = [(row + [None] * width)[:width] for row in rows]
    frame = pd.DataFrame(rows, columns=range(width)) if rows else pd.DataFrame(
        {i: pd.Series([], dtype=object) for i in range(width)})
    frame.columns = headers  # duplicates allowed: the data model reports them
    return frame


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_table(book_name: str, sheet, table) -> tuple[pd.DataFrame, _Source]:
    if not table.show_headers:
        raise DataError(f"Table {table.name} has no header row; turn on its Header Row",
                        file=book_name, sheet=sheet.name)
    header = table.header_row_range
    headers = [_header_text(v) for v in _rows(header)[0]]
    body = _rows(table.data_body_range)
    return _frame(headers, body), _Source(sheet.name, header.row, header.column, tuple(headers))


def _read_sheet(sheet, table: str) -> tuple[pd.DataFrame, _Source] | None:
    """A plain sheet: the header is the row among the first 20 filled ones naming most columns."""
    used = sheet.used_range
    rows = _rows(used)
    wanted = {_key(c) for c in TABLES[table]}
    best, best_hits, seen = None, -1, 0
    for i, row in enumerate(rows):
        if not any(v is not None and str(v).strip() for v in row):
            continue
        hits = sum(_key(_header_text(v)) in wanted for v in row)
        if hits > best_hits:
            best, best_hits = i, hits
        seen += 1
        if seen >= 20:
            break
    if best is None:
        return None
    headers = [_header_text(v) for v in rows[best]]
    source = _Source(sheet.name, used.row + best, used.column, tuple(headers))
    return _frame(headers, rows[best + 1:]), source


def read_tables(book) -> tuple[dict[str, pd.DataFrame], dict[str, _Source]]:
    """The data tables of ``book`` as raw DataFrames keyed by table name, and where each was.

    A Table (Insert > Table) named after a table wins, wherever it is; else a sheet named
    after the table (its one Table if it has exactly one, else its cells). DataError when
    there is none at all.
    """
    frames: dict[str, pd.DataFrame] = {}
    sources: dict[str, _Source] = {}
    sheets = list(book.sheets)
    for sheet in sheets:
        for table in sheet.tables:
            name = _TABLE_KEYS.get(_key(table.name))
            if name is not None and name not in frames:
                frames[name], sources[name] = _read_table(book.name, sheet, table)
    for sheet in sheets:
        name = _TABLE_KEYS.get(_key(sheet.name))
        if name is None or name in frames:
            continue
        others = [t for t in sheet.tables if _key(t.name) not in _TABLE_KEYS]
        found = _read_table(book.name, sheet, others[0]) if len(others) == 1 else _read_sheet(sheet, name)
        if found is not None:
            frames[name], sources[name] = found
    if not frames:
        raise DataError(
            f"no table found: expected sheets or Tables named {', '.join(TABLES)} "
            f"(sheets: {', '.join(s.name for s in sheets)})", file=book.name)
    return frames, sources


def _placed(error: DataError, book_name: str, sources: dict[str, _Source]) -> DataError:
    """The data model's message for DataFrames, placed in the workbook as for a workbook file:
    file, sheet, row as numbered in Excel, column letter and header."""
    source = sources.get(error.file) if error.file else None
    if source is None:
        return error
    column = error.column
    if column is not None and column in source.headers:
        letter = _letters(source.first_column + source.headers.index(column))
        column = f"{letter} ({column.strip()})"
    if error.row is not None:
        row = error.row + source.header_row - 1  # from_frames counts the header as row 1
    elif error.column is None:
        row = source.header_row  # a problem with the headers (a missing column): their row
    else:
        row = None
    return DataError(error.problem, file=book_name, sheet=source.sheet, row=row, column=column)


def _setting(book, name: str) -> object:
    """The value of the cell a defined name points at; None when the name is missing."""
    try:
        value = book.names[name].refers_to_range.value
    except Exception:  # a missing name: KeyError (Office.js), a COM error (classic)
        return None
    while isinstance(value, list):  # a name over several cells: its first
        value = value[0] if value else None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _period(value: object) -> str | None:
    name = SETTING_NAMES["period"]
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date)):  # Excel made a date of "2026-09"
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 9999:
            return str(int(value))  # a year
        if 1 <= value < 2_958_466:  # an Excel date serial in a cell not formatted as a date
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
            return f"{day.year:04d}-{day.month:02d}"
    text = str(value).strip()
    try:
        parse_period(text)
    except InvalidInputError as error:
        raise InvalidInputError(f"{name}: {error}") from None
    return text


def _segment(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def _language(value: object) -> str:
    lang = "en" if value is None else str(value).strip().lower()
    if lang not in i18n.LANGUAGES:
        raise InvalidInputError(f"{SETTING_NAMES['lang']} is {value!r}, expected one of "
                                f"{', '.join(i18n.LANGUAGES)}")
    return lang


def _gross_margin(value: object) -> float | None:
    if value is None:
        return None
    problem = InvalidInputError(
        f"{SETTING_NAMES['gross_margin']} is {value!r}, expected a share of revenue such as "
        "0.8 or 80%")
    if isinstance(value, bool):
        raise problem
    if isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip().replace(",", "."))
        except ValueError:
            raise problem from None
        if percent:
            number /= 100
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        raise problem
    if number > 1:
        number /= 100  # 80 means 80 %
    if not (0 <= number <= 1):
        raise problem
    return number


def _program_cost(value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise InvalidInputError(
            f"{SETTING_NAMES['program_cost']} is {value!r}, expected the retention programme's "
            "cost, a number of 0 or more")
    return float(value)


def read_settings(book) -> dict[str, object]:
    """build_report's arguments from the Settings names: period, segment, lang, gross_margin,
    program_cost.

    Blank or missing names give the defaults (the last complete month, all segments,
    English, a gross margin of 100 % with a note, no programme cost); a bad value is an
    InvalidInputError naming the setting.
    """
    return {
        "period": _period(_setting(book, SETTING_NAMES["period"])),
        "segment": _segment(_setting(book, SETTING_NAMES["segment"])),
        "lang": _language(_setting(book, SETTING_NAMES["lang"])),
        "gross_margin": _gross_margin(_setting(book, SETTING_NAMES["gross_margin"])),
        "program_cost": _program_cost(_setting(book, SETTING_NAMES["program_cost"])),
    }


# --------------------------------------------------------------------------- planning


def _value(value: object) -> object:
    """A report value as a cell takes it: None for blanks, Python numbers, datetimes, text."""
    value = python_value(value)
    if value is None or isinstance(value, (bool, int, float, dt.datetime)):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = _CONTROL.sub("", str(value))[:_MAX_TEXT - 1]
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
    top, left = _cell(layout.REPORT_ANCHORS[block.name])
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


def _status_line(report: Report, data: RetentionData) -> str:
    words = _STATUS.get(report.lang, _STATUS["en"])
    segment = report.segment if report.segment is not None else i18n.text(report.lang, "all_segments")
    line = words["done"].format(when=_now(), period=report.period.label, segment=segment)
    quality = getattr(data, "quality", None)
    dropped = int(quality["rows_dropped"].sum()) if isinstance(quality, pd.DataFrame) and len(quality) else 0
    if dropped:
        line += words["dropped"].format(rows=f"{dropped:,}")
    return line


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------- writing


def _report_sheet(book):
    for sheet in book.sheets:
        if sheet.name.casefold() == layout.REPORT_SHEET.casefold():
            return sheet
    return None


def _status_range(book):
    try:
        return book.names[layout.REPORT_STATUS].refers_to_range
    except Exception:  # no such name: the template's cell, if there is a Report sheet
        sheet = _report_sheet(book)
        return sheet[layout.REPORT_STATUS_CELL] if sheet is not None else None


def _apply(book, writes: list[Write]) -> int:
    sheet = _report_sheet(book)
    if sheet is None:
        sheet = book.sheets.add(layout.REPORT_SHEET, after=book.sheets[len(book.sheets) - 1])
    for write in writes:
        target = sheet.range((write.row, write.column),
                             (write.row + write.rows - 1, write.column + write.columns - 1))
        if write.kind == "values":
            target.value = write.payload
        elif write.kind == "number_format":
            target.number_format = write.payload
        else:
            target.set_colors(write.payload)
    return len(writes)


def refresh_book(book, *, alert: bool = True) -> RefreshResult:
    """Refresh the Report sheet of ``book`` (any xlwings Book) from its Tables and Settings.

    Everything is read, checked, computed and planned before the first write. Bad data or
    settings (a :class:`~addin.errors.MetricError`) write nothing but the status cell, and
    show the message in a message box (``alert=True``); the result says what happened.
    Anything else (a bug, Excel refusing a write) is raised.
    """
    try:  # the language of the messages, even when another setting is wrong
        lang = _language(_setting(book, SETTING_NAMES["lang"]))
    except InvalidInputError:
        lang = "en"
    try:
        settings = read_settings(book)
        frames, sources = read_tables(book)
        try:
            data = RetentionData.from_frames(frames, source=book.name)
        except DataError as error:
            raise _placed(error, book.name, sources) from None
        report = build_report(data, settings["period"], settings["segment"], lang,
                              {"gross_margin": settings["gross_margin"],
                               "program_cost": settings["program_cost"]})
        writes = plan_writes(report)
        status = _status_line(report, data)
    except MetricError as error:
        message = " ".join(str(error).split())
        line = _STATUS.get(lang, _STATUS["en"])["failed"].format(when=_now(), message=message)
        cell = _status_range(book)
        calls = 0
        if cell is not None:
            cell.value = _value(line)
            calls += 1
        if alert:
            book.app.alert(message, title=i18n.text(lang, "title"), buttons="ok", mode="critical")
            calls += 1
        return RefreshResult(False, message, None, calls)

    calls = _apply(book, writes)
    cell = _status_range(book)
    if cell is not None:
        cell.value = _value(status)
        calls += 1
    sheet = _report_sheet(book)
    if sheet is not None:
        sheet.activate()
        calls += 1
    return RefreshResult(True, status, report, calls)


# --------------------------------------------------------------------------- entry points


def _active_book():
    """The workbook the analyst is looking at, in the Excel that ran the button."""
    try:
        app = xw.Book.caller().app  # the caller is the add-in: its Excel instance
    except Exception:  # not called from Excel (or no add-in): the active Excel
        book = xw.books.active
    else:
        book = app.books.active
    if book is None:
        raise RuntimeError("No workbook is open: open the workbook with your data Tables, "
                           "then press Refresh report.")
    return book


def main() -> RefreshResult:
    """The ribbon button (classic xlwings ``RunPython``): refresh the active workbook.

    Problems with the data or the Settings are shown in a message box and in the Report
    sheet's status cell.
    """
    return refresh_book(_active_book())


_BUTTON = f"[{layout.REPORT_BUTTON_SHAPE}]{layout.REPORT_SHEET}!{layout.REPORT_BUTTON_CELL}"


@xw.script(name="Refresh report", button=_BUTTON)
def refresh_report(book: xw.Book):
    """Refresh the Report sheet from this workbook's data Tables and Settings.

    Problems with the data or the Settings are shown in a message box and in the Report
    sheet's status cell; the report blocks are then left as they were.
    """
    refresh_book(book)
