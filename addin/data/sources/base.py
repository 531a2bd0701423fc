"""What every kind of source hands to the checks: one :class:`RawTable` per table found.

A source reads the cells as they are -- no parsing, no checks -- and says where each came
from, so that the checks (:mod:`addin.data.rules`) can name the file, sheet, row and column
of a problem the way the user sees them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...cells import column_letters, readable_text
from ...errors import DataError
from ..values import EPOCH

__all__ = ["Found", "RawTable", "ReadOptions", "SourceKind", "column_label", "shown_name", "regular_file"]


@dataclass
class RawTable:
    """One table as read, before checks: raw values by column, and where they came from."""

    table: str
    columns: dict[str, pd.Series | None]  # canonical column -> raw values (None: optional, absent)
    n: int
    rows: np.ndarray  # the row number the user sees for each raw row
    file: str | None
    sheet: str | None
    shown: dict[str, str]  # canonical column -> how messages name it
    text_blanks: bool = False  # "" or whitespace may stand for a blank cell (not a CSV read)
    stripped: bool = False  # no text cell has spaces around it (so no need to strip)
    may_have_errors: bool = True  # some cell may be an Excel error value such as #N/A
    may_have_controls: bool = True  # some text may hold a control character (not text)
    decimal_hint: str | None = None  # the decimal mark the source implies when numbers do not
    epoch: np.datetime64 = EPOCH  # serial number 0 (1904 date system: 1904-01-01)
    formulas: dict[str, np.ndarray] | None = None  # column -> cells holding a formula not saved
    dropped: dict | None = None  # reason (a Message) -> rows a known export drops before any check
    currency: str | None = None  # the currency a known export names (upper case), when one


@dataclass(frozen=True)
class ReadOptions:
    """What :func:`addin.data.load_data` was told about reading files: the ``decimal`` mark of
    text numbers and the ``encoding`` of text files (None: decided on evidence), and the
    column ``mapping`` (:mod:`addin.data.mapping`: table -> column -> header)."""

    decimal: str | None = None
    encoding: str | None = None
    mapping: dict = field(default_factory=dict, hash=False)


@dataclass
class Found:
    """One table an input gives, before it is read (a workbook's tables are read already):
    so that two inputs giving one table are refused, or joined when they are the files of one
    known export, before the slow part."""

    table: str
    name: str  # the file (or workbook and sheet) as a refusal names it
    paths: tuple[Path, ...] = ()  # a CSV file of the table, or the files of an export
    export: object | None = None  # the known export (addin.data.exports.Export) the files are
    raw: RawTable | None = None  # the table, already read


@dataclass(frozen=True)
class SourceKind:
    """One kind of input :func:`addin.data.load_data` can read.

    ``accepts`` is given what the user passed (an existing path as a :class:`~pathlib.Path`);
    ``read(source, options, notes)`` (:class:`ReadOptions`) returns the tables found, adding to ``notes`` what the
    report should say about how they were read, and raises DataError when the input cannot be
    used. ``label`` names the source in :attr:`RetentionData.source`.
    """

    name: str
    accepts: Callable[[object], bool]
    read: Callable[[object, ReadOptions, list[str]], list[RawTable]]
    label: Callable[[object], str] = str


def shown_name(name: object) -> str:
    """A file, folder or sheet name as messages, notes and reports show it: always valid text.

    A name the file system gave as bytes that are not UTF-8 (a Windows zip unpacked on Linux:
    ``café.csv`` in Windows-1252) arrives with lone surrogates, which no workbook can hold
    and no terminal can print: each such byte is read as Windows-1252 (``café``), and
    control characters are shown as U+FFFD (�) (:func:`addin.cells.readable_text`).
    """
    text = os.fspath(name) if isinstance(name, os.PathLike) else name
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return readable_text(str(text))


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def regular_file(path: Path, shown: str | None = None) -> None:
    """DataError (naming the file ``shown``, by default its path) unless ``path`` is a regular
    file or a link to one: a named pipe or a device would be read forever or block, a broken
    link cannot be opened."""
    shown = shown_name(path) if shown is None else shown
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise DataError(f"cannot be opened ({error.strerror or error})", file=shown) from None
    if stat.S_ISREG(mode):
        return
    what = next((label for test, label in _KINDS if test(mode)), "not a regular file")
    raise DataError(f"this is {what}, not a file: give a workbook or CSV file", file=shown)


def column_label(position: int, header: object) -> str:
    """How a message names a column: its letter and header, ``B (order_date)`` (0-based)."""
    return f"{column_letters(position + 1)} ({str(header).strip()})"
