"""What every kind of source hands to the checks: one :class:`RawTable` per table found.

A source reads the cells as they are -- no parsing, no checks -- and says where each came
from, so that the checks (:mod:`addin.data.rules`) can name the file, sheet, row and column
of a problem the way the user sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...cells import column_letters
from ..values import EPOCH

__all__ = ["RawTable", "SourceKind", "column_label"]


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
    comma: bool | None = None  # decimal comma for text numbers (None: the load_data default)
    epoch: np.datetime64 = EPOCH  # serial number 0 (1904 date system: 1904-01-01)
    comma_detected: bool = False  # a CSV file found to use a decimal comma


@dataclass(frozen=True)
class SourceKind:
    """One kind of input :func:`addin.data.load_data` can read.

    ``accepts`` is given what the user passed (an existing path as a :class:`~pathlib.Path`);
    ``read(source, decimal, notes)`` returns the tables found, adding to ``notes`` what the
    report should say about how they were read, and raises DataError when the input cannot be
    used. ``label`` names the source in :attr:`RetentionData.source`.
    """

    name: str
    accepts: Callable[[object], bool]
    read: Callable[[object, str | None, list[str]], list[RawTable]]
    label: Callable[[object], str] = str


def column_label(position: int, header: object) -> str:
    """How a message names a column: its letter and header, ``B (order_date)`` (0-based)."""
    return f"{column_letters(position + 1)} ({str(header).strip()})"
