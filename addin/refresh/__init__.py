"""Refresh report: the workbook's data Tables and Settings in, its Report sheet rewritten.

Every way of pressing *Refresh* ends in :func:`refresh_book`, which works on any
:class:`xlwings.Book` whatever engine runs it:

- classic xlwings (Windows, Mac): the ribbon add-in's button runs ``retention_addin.main()``,
  which calls ``addin.main()``, which is :func:`main`. It refreshes the workbook the analyst is
  looking at (``xw.Book.caller()`` is the add-in itself) and shows problems in a message box;
- xlwings Lite and xlwings Server: the script :func:`refresh_report` (task pane, or the sheet
  button on the Report sheet), to which the runtime hands the workbook.

What it does, in this order:

1. read the data (:mod:`.read`): an Excel Table named after each table of
   :data:`addin.data.TABLES` anywhere in the workbook, or else a sheet named after it, by
   the rule ``retention report`` follows for a workbook file
   (:mod:`addin.data.sources.locate`); and the Settings (defined names
   ``Settings_Period``, ``Settings_Segment``, ``Settings_Language``, ``Settings_GrossMargin``,
   ``Settings_ProgramCost``), read by :mod:`addin.settings` as the command line reads them;
   and the column mapping of the *Columns* Table (:mod:`addin.data.mapping`);
2. check it with :meth:`addin.data.RetentionData.from_frames` and build the report with
   :func:`addin.report.build_report`: the data model's and the report's rules and messages;
3. plan every write (:mod:`.plan`: :func:`plan_writes`, a pure function of the Report): the
   cells of the one renderer, :func:`addin.report.render.render_report_sheet`;
4. only then touch the workbook: each block of the Report sheet (at
   :data:`addin.report.layout.REPORT_ANCHORS`) gets one values call, one number-format call per
   rectangle of equal format, and one fill-colour call per change column. The template's
   charts are bound to those ranges and follow by themselves.

A problem in steps 1-3 (bad data, a bad setting) stops there: its message -- the data model's,
placed at the workbook's sheet, row and column as ``retention report`` places it -- goes to
the Report sheet's status cell and to a message box, and the blocks are left as they were.

Nothing here computes a metric or decides how a cell looks: the report computes, the
renderer and the layout decide. The status line's words are :mod:`addin.i18n.refresh_words`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import xlwings as xw

from .. import i18n
from ..data import RetentionData
from ..errors import DataError, MetricError
from ..i18n.refresh_words import status_words
from ..report import Report, build_report, layout
from ..report.layout import block_height, block_width
from ..report.render import excel_input
from .plan import Write, plan_writes
from .read import SETTING_NAMES, placed, read_language, read_mapping, read_settings, read_tables

__all__ = [
    "SETTING_NAMES", "RefreshResult", "Write", "block_height", "block_width", "main",
    "plan_writes", "read_settings", "read_tables", "refresh_book", "refresh_report",
]

# --------------------------------------------------------------------------- results


@dataclass
class RefreshResult:
    """What a refresh did: ``ok``, the status line written, the report (when ok), the calls."""

    ok: bool
    message: str
    report: Report | None = None
    calls: int = 0


def _status_line(report: Report, data: RetentionData) -> str:
    words = status_words(report.lang)
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
    lang = read_language(book)  # for the messages, even when another setting is wrong
    try:
        settings = read_settings(book)
        mapping = read_mapping(book)
        frames, sources = read_tables(book, mapping)
        try:
            data = RetentionData.from_frames(frames, source=book.name, mapping=mapping)
        except DataError as error:
            raise placed(error, book.name, sources) from None
        report = build_report(data, settings["period"], settings["segment"], lang,
                              {"gross_margin": settings["gross_margin"],
                               "program_cost": settings["program_cost"],
                               "currency": settings["currency"]})
        writes = plan_writes(report)
        status = _status_line(report, data)
    except MetricError as error:
        message = " ".join(str(error).split())
        line = status_words(lang)["failed"].format(when=_now(), message=message)
        cell = _status_range(book)
        calls = 0
        if cell is not None:
            cell.value = excel_input(line)
            calls += 1
        if alert:
            book.app.alert(message, title=i18n.text(lang, "title"), buttons="ok", mode="critical")
            calls += 1
        return RefreshResult(False, message, None, calls)

    calls = _apply(book, writes)
    cell = _status_range(book)
    if cell is not None:
        cell.value = excel_input(status)
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
