"""Excel values in plain Python: serial dates, A1 addresses, name keys.

One definition of each, for every layer: the metric core turns serial numbers into dates with
:data:`EXCEL_EPOCH`, the data loader reads serial dates in workbooks and CSV files, the template
writes them, the Excel functions and the Refresh button turn addresses into rows and columns.
Nothing here imports pandas, openpyxl or xlwings, so the core and the edges may all use it.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "EXCEL_EPOCH",
    "EXCEL_EPOCH_1904",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_TEXT",
    "serial_of",
    "date_of_serial",
    "column_letters",
    "column_number",
    "address",
    "parse_address",
    "range_address",
    "name_key",
    "spill_rows",
]

#: Day 0 of Excel's 1900 date system. Serial 1 is 1900-01-01, and Excel counts the
#: non-existent 1900-02-29, so from 1900-03-01 on serial n is this date + n days.
EXCEL_EPOCH = _dt.date(1899, 12, 30)
#: Day 0 of the 1904 date system (old Mac workbooks: ``<workbookPr date1904="1"/>``).
EXCEL_EPOCH_1904 = _dt.date(1904, 1, 1)

#: Excel's grid and the most characters a cell holds.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767

#: Characters no workbook can hold (XML 1.0 forbids them): the C0 controls but tab, line
#: feed and carriage return; lone surrogates (how Python keeps the bytes of a file name that
#: is not UTF-8); U+FFFE and U+FFFF.
NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


def serial_of(value: _dt.date | _dt.datetime) -> float:
    """The Excel serial number of a date or date-time (1900 date system): 2026-09-30 is 46295."""
    if isinstance(value, _dt.datetime):
        naive = value.replace(tzinfo=None)
        return (naive - _dt.datetime.combine(EXCEL_EPOCH, _dt.time())).total_seconds() / 86400.0
    return float((value - EXCEL_EPOCH).days)


def date_of_serial(serial: float, *, date1904: bool = False) -> _dt.date:
    """The day an Excel serial number stands for (its time of day dropped)."""
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH
    return epoch + _dt.timedelta(days=int(serial // 1))


def column_letters(column: int) -> str:
    """Letters of a 1-based column number: 1 is ``A``, 27 is ``AA``, 16384 is ``XFD``."""
    if not 1 <= column <= MAX_COLUMNS:
        raise ValueError(f"column {column} is outside Excel's 1..{MAX_COLUMNS}")
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def column_number(letters: str) -> int:
    """The 1-based column number of column letters (``A`` is 1; case ignored)."""
    number = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z":
            raise ValueError(f"not column letters: {letters!r}")
        number = number * 26 + ord(letter) - 64
    if not 1 <= number <= MAX_COLUMNS:
        raise ValueError(f"not column letters: {letters!r}")
    return number


def address(row: int, column: int, *, absolute: bool = False) -> str:
    """The A1 address of a 1-based (row, column): ``address(3, 2)`` is ``B3``."""
    dollar = "$" if absolute else ""
    return f"{dollar}{column_letters(column)}{dollar}{row}"


def parse_address(text: str) -> tuple[int, int]:
    """The 1-based (row, column) of an A1 address such as ``B3`` or ``$B$3``."""
    match = _ADDRESS.fullmatch(text.strip())
    if match is None or int(match.group(2)) < 1:
        raise ValueError(f"not a cell address: {text!r}")
    return int(match.group(2)), column_number(match.group(1))


def range_address(top: int, left: int, bottom: int, right: int, *, sheet: str | None = None,
                  absolute: bool = False) -> str:
    """``B3:D9`` (or ``Sheet!$B$3:$D$9``) from 1-based corners; one cell gives ``B3``."""
    first = address(top, left, absolute=absolute)
    ref = first if (top, left) == (bottom, right) else f"{first}:{address(bottom, right, absolute=absolute)}"
    if sheet is None:
        return ref
    quoted = sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{ref}"


def name_key(name: object) -> str:
    """A table, sheet or column name as we compare them: case, spaces and ``_ - .`` ignored,
    so ``Customer ID``, ``customer_id`` and ``CUSTOMER-ID`` are one name."""
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


def spill_rows(frame, *, index: bool) -> list[list]:
    """A pandas DataFrame as the rows of a spilled table: a header row, then one row per record.

    Plain Python values only, for every writer (the Excel functions' spills, the template):
    NaN (e.g. a month not yet observed) becomes None, an empty cell in every runtime (NaN
    itself would be ``#NUM!`` in Office.js); timestamps become datetimes; numpy numbers become
    floats. ``index=True`` puts the index first, its name as the header.
    """
    import numpy as np  # only when called: the rest of this module needs neither

    header = ([frame.index.name] if index else []) + list(frame.columns)
    header = [h.item() if isinstance(h, np.generic) else h for h in header]
    columns = ([frame.index] if index else []) + [frame[c] for c in frame.columns]
    rows = zip(*(_spill_column(c) for c in columns))
    return [header, *map(list, rows)]


def _spill_column(column) -> list:
    import math

    import numpy as np
    import pandas as pd

    values = pd.Series(column)
    if values.dtype.kind == "M":
        return [None if pd.isna(v) else v.to_pydatetime() for v in values]
    if values.dtype.kind in "iuf":
        floats = values.to_numpy(dtype=np.float64)
        return [None if math.isnan(x) else x for x in floats.tolist()]
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in values.tolist()]


def _readable(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        # a byte the file system gave that is not UTF-8 (Python keeps it as U+DC80 + byte):
        # such names come from Windows, so the byte is read in its code page
        return bytes([code - 0xDC00]).decode("cp1252", "replace")
    return "\ufffd"


def readable_text(text: str) -> str:
    """``text`` as valid workbook (XML) text: a byte of a non-UTF-8 file name
    (``caf\\udce9``, a Windows zip unpacked on Linux) is read as Windows-1252 (``café``); any
    other character a workbook cannot hold becomes U+FFFD (�)."""
    return NOT_XML_TEXT.sub(_readable, text) if NOT_XML_TEXT.search(text) else text
