"""The retention data: the tables you give the add-in, how they are read and checked.

Give the data as one of
- an Excel workbook (``.xlsx`` / ``.xlsm``) with a sheet per table named after it
  (``Orders``), or an Excel Table (Insert > Table) named after it anywhere in the workbook;
  a Table wins over a sheet of the same name and may start anywhere (``B3``);
- a folder of CSV files named after the tables (``Orders.csv``, ``orders.csv``);
- a dict of pandas DataFrames keyed by table name (from Python).

Every table is optional: the report shows what the tables given allow. Table and column
names match whatever their case and spacing (``Customer ID``, ``customer_id`` and
``CUSTOMER_ID`` are the same column); other sheets, files and columns are ignored.

The tables and their columns (see :data:`TABLES`)::

    Customers      customer_id, name, segment, signup_date, churn_date (blank: still a customer)
    Subscriptions  customer_id, month, mrr
    Orders         order_id, customer_id, order_date, amount, units, units_returned
    NPS            customer_id, date, score (whole number 0-10)
    Invoices       invoice_id, customer_id, issue_date, due_date, amount, paid_date (blank: unpaid)
    Activity       user_id, date
    Costs          month, retention_spend

``name`` and ``segment`` may be left out of Customers; a blank ``units_returned`` is 0.

Values
------
- Dates: date cells, Excel serial numbers (5 digits when written as text),
  ``2026-09-30`` (a time or time zone after it is ignored),
  ``30/09/2026`` or ``30.09.2026`` (day first; a column whose dates only make sense month
  first, like ``09/30/2026``, is read month first and a note says so). ``date_format=``
  (e.g. ``"%m/%d/%Y"``) sets the order for text dates. Years need 4 digits.
- Months (``month``): any date of the month, ``2026-09``, ``09/2026`` or ``Sep 2026``;
  kept as the 1st of the month.
- Money and counts: numbers; text numbers may carry a currency sign, spaces or thousands
  separators. CSV files with ``;`` between columns and a decimal comma (``1.234,56``, the
  Italian, German, French... Excel export) are recognised and a note says so (``.`` then
  only groups thousands: ``1.5`` is not a number there); ``decimal=","`` or ``decimal="."``
  forces the decimal mark. A lone ``-`` (accounting zero) is 0.
- Blank cells: empty, ``-``, ``N/A``, ``NA``, ``null`` in a date or number column.
  Completely empty rows are skipped and not counted.

What happens to a bad row
-------------------------
A row with a problem in one of its cells is *dropped* and counted, by reason, in
:attr:`RetentionData.quality` (a row with several problems is counted once, under the
first in column order). The reasons::

    blank <column>                    a required cell is empty (ids, required dates, numbers)
    not a number in <column>          text such as 'abc' in a money, count or score column
    not a date in <column>            text such as 'soon' in a date column
    impossible date in <column>       31/02/2026, 2026-13-01
    ambiguous date in <column>        a 2-digit year: 05/01/26
    date out of range in <column>     before 1900 or after 2261 (9999-12-31 in churn_date or
                                      paid_date is read as blank)
    Excel error value in <column>     #N/A, #VALUE!, #REF!, ...
    negative <column>                 money or units below 0 (zero is fine)
    <column> not a whole number       2.5 units, a score of 7.5
    score outside 0-10                11, -1
    units_returned more than units
    churn_date before signup_date
    due_date before issue_date
    duplicate order_id / invoice_id / customer_id   the first row is kept
    repeated customer_id and month (mrr added up)   Subscriptions: the rows become one row
                                                    whose mrr is their sum (a customer
                                                    with two plans)
    repeated month (retention_spend added up)       Costs: likewise
    repeated user_id and date                        Activity: one row per user and day

Rows whose ``customer_id`` is not in Customers (when Customers is given) are *kept* and
counted in a quality row ``customer_id not in Customers: N rows kept`` (rows_dropped 0):
they count in totals but belong to no segment.

What refuses the whole input
----------------------------
A :class:`~addin.errors.DataError` (one line saying where: file, sheet, row as numbered in
Excel -- the header is row 1 of a CSV file --, column and value) is raised, and nothing is
loaded, when
- a table lacks a required column (the message lists the columns found), or two columns
  match the same name;
- more than half of a column's filled cells cannot be read (text in a money column, dates
  in an unknown format, a whole column of impossible dates): the message names the first;
- a required column is empty in every row;
- a CSV row has more values than the header has columns;
- no table is found at all;
- the file is not an Excel workbook or CSV file, is damaged, is password-protected
  (encrypted), is an old ``.xls`` or ``.xlsb`` workbook, or looks like an attack: an XML
  entity bomb, or a zip bomb (more than 1 GiB uncompressed, more than 10,000 parts, or a
  part over 10 MiB that is more than 100 times its compressed size).

The source is only ever read, never written.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import math
import numbers
import os
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, InvalidInputError
from .metrics._inputs import EXCEL_EPOCH

__all__ = [
    "TABLES",
    "BLANK_ALLOWED",
    "OPTIONAL_COLUMNS",
    "QUALITY_COLUMNS",
    "RetentionData",
    "load_data",
]

# --------------------------------------------------------------------------- the model

#: Every table the add-in reads: table -> column -> kind. Kinds: ``id`` (text key),
#: ``text``, ``date``, ``month`` (kept as the 1st of the month), ``money`` (a number >= 0),
#: ``count`` (a whole number >= 0) and ``score`` (a whole number 0..10).
TABLES: dict[str, dict[str, str]] = {
    "Customers": {
        "customer_id": "id", "name": "text", "segment": "text",
        "signup_date": "date", "churn_date": "date",
    },
    "Subscriptions": {"customer_id": "id", "month": "month", "mrr": "money"},
    "Orders": {
        "order_id": "id", "customer_id": "id", "order_date": "date",
        "amount": "money", "units": "count", "units_returned": "count",
    },
    "NPS": {"customer_id": "id", "date": "date", "score": "score"},
    "Invoices": {
        "invoice_id": "id", "customer_id": "id", "issue_date": "date",
        "due_date": "date", "amount": "money", "paid_date": "date",
    },
    "Activity": {"user_id": "id", "date": "date"},
    "Costs": {"month": "month", "retention_spend": "money"},
}

#: Columns that may be blank in a row that is kept (text columns are always allowed blank).
BLANK_ALLOWED: dict[str, tuple[str, ...]] = {
    "Customers": ("name", "segment", "churn_date"),
    "Orders": ("units_returned",),  # blank means none returned: read as 0
    "Invoices": ("paid_date",),
}

#: Columns that may be missing from a table altogether (then blank in every row).
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"Customers": ("name", "segment")}

#: The columns of :attr:`RetentionData.quality`.
QUALITY_COLUMNS = ("table", "rows_read", "rows_kept", "rows_dropped", "reason")

_UNIQUE_ID = {"Orders": "order_id", "Invoices": "invoice_id", "Customers": "customer_id"}
_CUSTOMER_TABLES = ("Subscriptions", "Orders", "NPS", "Invoices")

_DATE_MIN = np.datetime64("1900-01-01", "D")
_DATE_MAX = np.datetime64("2261-12-31", "D")  # datetime64[ns] ends in April 2262
_PLACEHOLDER_YEAR = 9999  # 9999-12-31 = "no date yet" in optional date columns

_BLANK_TOKENS = frozenset({"", "-", "–", "—", "na", "n/a", "null", "none", "nan", "nat"})
_EXCEL_ERRORS = frozenset({
    "#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!",
    "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})
_CSV_NA_TOKENS = sorted({"", "-", "–", "—", "NA", "N/A", "n/a", "na", "NULL", "null",
                         "None", "none", "NaN", "nan", "NaT"})
_CSV_NA_NUMBERS = [t for t in _CSV_NA_TOKENS if t not in ("-", "–", "—")]  # '-' is 0 in money

# --- refusal limits for workbooks (zip bombs) ---
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB in all
MAX_RATIO = 100  # uncompressed / compressed, for a part larger than RATIO_MIN_SIZE
RATIO_MIN_SIZE = 10 << 20
MAX_PARTS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def _key(name: object) -> str:
    """Name as compared: case, spaces, underscores, hyphens and dots ignored."""
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


_TABLE_KEYS = {_key(t): t for t in TABLES}


def _table_named(name: object) -> str | None:
    return _TABLE_KEYS.get(_key(name))


@dataclass
class RetentionData:
    """The retention tables, typed and checked, and an account of what was dropped.

    ``tables`` holds only the tables given (an empty table given with just its header is
    there, with no rows). Columns are those of :data:`TABLES`, in that order: ids and text
    as ``str`` (ids stripped of surrounding spaces; an id typed as the number 101 is
    ``"101"``), dates as ``datetime64[ns]`` at midnight (months on the 1st), money as
    ``float64``, counts and scores as ``int64``. Blank text is ``""``; an optional blank
    date is ``NaT``. Rows keep the order of the source; the index is 0..n-1.

    ``quality`` has the columns ``table, rows_read, rows_kept, rows_dropped, reason``: one
    row per table and reason, ``rows_read`` and ``rows_kept`` being the table's totals
    (repeated on each of its rows) and ``rows_dropped`` the rows dropped for that reason,
    so a table's ``rows_dropped`` add up to ``rows_read - rows_kept``. A table with nothing
    dropped has one row with reason ``""``. Rows kept but worth knowing about (customer ids
    missing from Customers) have their own row with ``rows_dropped`` 0.

    ``notes`` are sentences for the report about how the data was read (a decimal comma or
    a month-first date order detected, a CSV file read as Windows-1252...).
    """

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> pd.DataFrame | None:
        """The table (any case/spacing of its name), or None when it was not given."""
        return self.tables.get(self._canonical(name))

    def has(self, name: str) -> bool:
        """True when the table was given and has at least one row kept."""
        table = self.get(name)
        return table is not None and len(table) > 0

    @property
    def segments(self) -> list[str]:
        """The distinct non-blank Customers.segment values, sorted; [] without Customers."""
        customers = self.tables.get("Customers")
        if customers is None:
            return []
        values = customers["segment"].dropna().unique().tolist()
        return sorted((v for v in values if v != ""), key=lambda v: (v.casefold(), v))

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], source: str = "DataFrames", *,
                    decimal: str | None = None, date_format: str | None = None) -> RetentionData:
        """Check and type tables given as DataFrames keyed by table name.

        Keys and column names match like sheet and header names (any case and spacing);
        keys that are not a table are ignored. Values may be text, numbers, dates or
        datetimes as Excel or pandas give them. Row numbers in messages count the header as
        row 1, as if the frame were pasted at A1.
        """
        decimal = _check_decimal(decimal)
        if not isinstance(frames, Mapping):
            raise DataError(f"expected a dict of DataFrames keyed by table name, got {type(frames).__name__}")
        raws: list[_Raw] = []
        seen: dict[str, object] = {}
        for key, frame in frames.items():
            table = _table_named(key)
            if table is None:
                continue
            if table in seen:
                raise DataError(f"two DataFrames for table {table}: {seen[table]!r} and {key!r}")
            seen[table] = key
            if not isinstance(frame, pd.DataFrame):
                raise DataError(f"{key!r} is a {type(frame).__name__}, expected a pandas DataFrame")
            headers = [str(c) for c in frame.columns]
            positions = _match_columns(table, headers, file=str(key))
            columns = {col: _frame_column(frame.iloc[:, pos]) if pos is not None else None
                       for col, pos in positions.items()}
            raws.append(_Raw(
                table=table, columns=columns, n=len(frame),
                rows=np.arange(2, len(frame) + 2, dtype=np.int64),
                file=str(key), sheet=None,
                shown={c: headers[p] for c, p in positions.items() if p is not None},
                text_blanks=True,
            ))
        if not raws:
            raise DataError(
                f"{source}: no table found; expected keys named {', '.join(TABLES)}"
                + (f" (got {', '.join(map(repr, frames))})" if frames else "")
            )
        return _build(raws, source, [], decimal=decimal, date_format=date_format)

    @staticmethod
    def _canonical(name: str) -> str:
        table = _table_named(name)
        if table is None:
            raise KeyError(f"{name!r} is not a table; the tables are {', '.join(TABLES)}")
        return table

    def __repr__(self) -> str:
        shown = ", ".join(f"{name} {len(frame):,} rows" for name, frame in self.tables.items())
        dropped = int(self.quality["rows_dropped"].sum()) if len(self.quality) else 0
        return f"RetentionData({self.source!r}: {shown}; {dropped:,} rows dropped)"


def _frame_column(values: pd.Series) -> pd.Series:
    """A DataFrame column with a plain numpy dtype; others (Int64, str, category) as objects."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or (
            isinstance(values.dtype, np.dtype) and values.dtype.kind in "biufmMO"):
        return pd.Series(values.to_numpy(), copy=False)
    return pd.Series(values.to_numpy(dtype=object, na_value=None), dtype=object)


def load_data(source: str | os.PathLike | Mapping[str, pd.DataFrame], *,
              decimal: str | None = None, date_format: str | None = None) -> RetentionData:
    """Read, check and type the retention tables from a workbook, a CSV folder or DataFrames.

    Arguments
    ---------
    source
        An ``.xlsx``/``.xlsm`` workbook, a folder of ``<Table>.csv`` files, one such CSV
        file, or a dict of DataFrames keyed by table name.
    decimal
        ``","`` or ``"."``: the decimal mark of numbers written as text. By default CSV
        files are inspected (a ``;``-separated file with numbers like ``1.234,56`` is read
        with a decimal comma, and a note says so); text in workbooks uses ``"."``.
    date_format
        A ``strftime`` format such as ``"%m/%d/%Y"`` for dates written as text, tried
        before ISO ``YYYY-MM-DD``. By default day-first ``DD/MM/YYYY`` unless a column's
        dates only make sense month first.

    Raises
    ------
    DataError
        The source cannot be used: a missing column, a column mostly unreadable, a damaged,
        encrypted or hostile file... (one line saying where). Rows with a bad cell are not
        an error: they are dropped and counted in ``quality``.
    """
    decimal = _check_decimal(decimal)
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        raise InvalidInputError(f"date_format is {date_format!r}, expected a format such as '%d/%m/%Y'")
    if isinstance(source, Mapping):
        return RetentionData.from_frames(source, decimal=decimal, date_format=date_format)
    if not isinstance(source, (str, os.PathLike)):
        raise DataError(f"cannot read data from a {type(source).__name__}: give a workbook, "
                        "a folder of CSV files or a dict of DataFrames")
    path = Path(source)
    if not path.exists():
        raise DataError("no such file or folder", file=str(path))
    notes: list[str] = []
    if path.is_dir():
        raws = _read_csv_folder(path, decimal, notes)
    elif path.suffix.lower() == ".csv":
        table = _table_named(path.stem)
        if table is None:
            raise DataError(f"the file name should be a table name ({', '.join(TABLES)})",
                            file=path.name)
        raws = [_read_csv(path, table, decimal, notes)]
        _note_csv(notes, raws)
    else:
        raws = _read_workbook(path)
    return _build(raws, str(path), notes, decimal=decimal or ".", date_format=date_format)


def _check_decimal(decimal: object) -> str | None:
    if decimal not in (None, ".", ","):
        raise InvalidInputError(f"decimal is {decimal!r}, expected '.' or ','")
    return decimal  # type: ignore[return-value]


# --------------------------------------------------------------------------- raw tables


@dataclass
class _Raw:
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
    epoch: np.datetime64 = EXCEL_EPOCH  # serial number 0 (1904 date system: 1904-01-01)
    comma_detected: bool = False  # a CSV file found to use a decimal comma


def _match_columns(table: str, headers: list[object], *, file: str | None, sheet: str | None = None,
                   row: int | None = None) -> dict[str, int | None]:
    """Position of each column of ``table`` among ``headers``; DataError when one is missing."""
    found: dict[str, int] = {}
    wanted = {_key(c): c for c in TABLES[table]}
    for pos, header in enumerate(headers):
        if header is None:
            continue
        col = wanted.get(_key(header))
        if col is None:
            continue
        if col in found:
            raise DataError(
                f"two columns are {col}: {str(headers[found[col]]).strip()!r} and "
                f"{str(header).strip()!r}; keep one", file=file, sheet=sheet, row=row)
        found[col] = pos
    missing = [c for c in TABLES[table] if c not in found and c not in OPTIONAL_COLUMNS.get(table, ())]
    if missing:
        listed = [str(h).strip() for h in headers if h is not None and str(h).strip()]
        raise DataError(
            f"table {table} has no column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (columns found: "
            f"{', '.join(listed) if listed else 'none'})", file=file, sheet=sheet, row=row)
    return {c: found.get(c) for c in TABLES[table]}


def _letter(pos: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(pos + 1)


# --------------------------------------------------------------------------- CSV


def _read_csv_folder(folder: Path, decimal: str | None, notes: list[str]) -> list[_Raw]:
    files: dict[str, Path] = {}
    ignored = []
    for entry in sorted(folder.iterdir()):
        if not entry.is_file() or entry.suffix.lower() != ".csv":
            continue
        table = _table_named(entry.stem)
        if table is None:
            ignored.append(entry.name)
            continue
        if table in files:
            raise DataError(f"two files for table {table}: {files[table].name} and {entry.name}; keep one",
                            file=str(folder))
        files[table] = entry
    if not files:
        raise DataError(f"no table found: expected CSV files named {', '.join(t + '.csv' for t in TABLES)}",
                        file=str(folder))
    raws = [_read_csv(files[t], t, decimal, notes) for t in TABLES if t in files]
    _note_csv(notes, raws)
    if ignored:
        notes.append(f"Ignored {', '.join(ignored)}: not a table name ({', '.join(TABLES)}).")
    return raws


def _note_csv(notes: list[str], raws: list[_Raw]) -> None:
    comma = [r.file for r in raws if r.comma_detected]
    if comma:
        notes.insert(0,
            f"{', '.join(comma)}: numbers read with a decimal comma (1.234,56 is 1234.56), "
            "as detected from the file; pass decimal='.' if that is wrong.")


def _sniff_separator(header: str) -> str:
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


_COMMA_NUMBER = re.compile(r"^[-+(]?[^\d,.]*\d[\d.\s']*,(\d{1,2}|\d{4,})\D*$")
_DOT_NUMBER = re.compile(r"^[-+(]?[^\d,.]*\d[\d,\s']*\.(\d{1,2}|\d{4,})\D*$")


def _looks_comma_decimal(samples: Iterable[str], sep: str) -> bool:
    """True when text numbers use a decimal comma; ',ddd' and '.ddd' alone tell nothing."""
    comma = dot = 0
    for text in samples:
        text = text.strip()
        if _COMMA_NUMBER.match(text):
            comma += 1
        elif _DOT_NUMBER.match(text):
            dot += 1
    if comma != dot:
        return comma > dot
    return sep == ";"


def _read_csv(path: Path, table: str, decimal: str | None, notes: list[str]) -> _Raw:
    name = path.name
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    encoding = "utf-8-sig"
    try:  # the head may end inside a UTF-8 character: decode it as a stream
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < (1 << 16))
    except UnicodeDecodeError:
        encoding = "cp1252"
    text_head = head.decode(encoding, errors="replace")
    lines = text_head.splitlines()
    if not lines or not lines[0].strip():
        raise DataError("the file is empty or its first line (the header) is blank", file=name)
    sep = _sniff_separator(lines[0])
    headers = next(csv.reader([lines[0]], delimiter=sep))
    positions = _match_columns(table, headers, file=name, row=1)
    kinds = TABLES[table]
    used = {c: p for c, p in positions.items() if p is not None}
    numeric = [p for c, p in used.items() if kinds[c] in ("money", "count", "score")]

    detected = False
    if decimal is None and numeric:
        try:
            sample = _csv(path, name, encoding, sep, usecols=numeric, dtype=object, nrows=5000)
        except UnicodeDecodeError:
            encoding = "cp1252"
            sample = _csv(path, name, encoding, sep, usecols=numeric, dtype=object, nrows=5000)
        values = [v for col in sample.columns for v in sample[col].dropna().tolist()]
        comma = detected = _looks_comma_decimal(values, sep)
    else:
        comma = decimal == ","

    # every column is read (a row with more values than the header is an error, which
    # pandas only sees without usecols); two spare columns take trailing separators
    width = len(headers)
    numeric_positions = set(numeric)
    dtype = {p: object for p in range(width + 2) if p not in numeric_positions}
    na_values = {p: [""] for p in range(width + 2)}
    na_values.update({p: _CSV_NA_TOKENS for c, p in used.items() if kinds[c] in ("date", "month")})
    na_values.update({p: _CSV_NA_NUMBERS for c, p in used.items() if kinds[c] in ("money", "count", "score")})
    # (no thousands= for pandas: it would read '1.5' as 15; text numbers are checked later)
    options = dict(names=list(range(width + 2)), dtype=dtype, na_values=na_values,
                   decimal="," if comma else ".")
    try:
        frame = _csv(path, name, encoding, sep, **options)
    except UnicodeDecodeError:
        encoding = "cp1252"
        frame = _csv(path, name, encoding, sep, **options)
    spare = frame[width].notna().to_numpy() | frame[width + 1].notna().to_numpy()
    if spare.any():
        first = int(np.flatnonzero(spare)[0])
        value = frame.at[first, width] if pd.notna(frame.at[first, width]) else frame.at[first, width + 1]
        raise DataError(f"the row has more values than the header has columns ({_show(value)} "
                        f"after the last column {headers[-1].strip()!r}); check the separators "
                        "and quotes", file=name, row=first + 2)
    if encoding == "cp1252":
        notes.append(f"{name} is not UTF-8: read as Windows-1252 (Western European) text.")
    columns = {c: (frame[p] if p is not None else None) for c, p in positions.items()}
    padding, hashes = _scan_bytes(path, sep)
    return _Raw(
        table=table, columns=columns, n=len(frame),
        rows=np.arange(2, len(frame) + 2, dtype=np.int64),
        file=name, sheet=None,
        shown={c: f"{_letter(p)} ({headers[p].strip()})" for c, p in used.items()},
        comma=comma, comma_detected=detected, stripped=not padding, may_have_errors=hashes,
    )


def _scan_bytes(path: Path, sep: str) -> tuple[bool, bool]:
    """(some field may start or end with a space, some field may hold '#'): a fast scan."""
    data = path.read_bytes()
    s = sep.encode()
    hashes = b"#" in data
    if b" " not in data and b"\xa0" not in data and (sep == "\t" or b"\t" not in data):
        return False, hashes
    return any(data.find(p) >= 0 for p in (
        b" " + s, s + b" ", b" \n", b" \r", b'" ', b' "', b"\t" + s, s + b"\t", b"\xa0")), hashes


def _csv(path: Path, name: str, encoding: str, sep: str, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(
            path, sep=sep, header=None, skiprows=1, encoding=encoding, index_col=False,
            keep_default_na=False, skip_blank_lines=False, engine="c", **options,
        )
    except UnicodeDecodeError:
        raise
    except pd.errors.EmptyDataError:
        return pd.DataFrame({p: pd.Series([], dtype=object)
                             for p in options.get("usecols", options.get("names", []))})
    except (pd.errors.ParserError, ValueError) as error:
        text = " ".join(str(error).split())
        match = re.search(r"line (\d+)", text)
        raise DataError(f"cannot be read as CSV: {text}", file=name,
                        row=int(match.group(1)) if match else None) from None


# --------------------------------------------------------------------------- workbooks


def _refuse_unsafe_workbook(path: Path) -> None:
    """DataError unless ``path`` is a zip that is safe to open as a workbook."""
    name = path.name
    with open(path, "rb") as handle:
        magic = handle.read(8)
        if magic == _OLE_MAGIC:
            handle.seek(0)
            blob = handle.read(64 << 20)
            if _ENCRYPTION_INFO in blob:
                raise DataError(
                    "the workbook is password-protected (encrypted) and cannot be read; save a "
                    "copy without a password (File > Info > Protect Workbook > Encrypt with "
                    "Password, clear it)", file=name)
            raise DataError("this is an Excel 97-2003 (.xls) file or another non-.xlsx format; "
                            "save it as an Excel Workbook (.xlsx)", file=name)
    if not magic.startswith(b"PK"):
        raise DataError("this is not an Excel workbook (.xlsx/.xlsm) nor a CSV file", file=name)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise DataError(f"the workbook is damaged (not a valid zip file: {error})", file=name) from None
    if len(infos) > MAX_PARTS:
        raise DataError(f"refused: the workbook has {len(infos):,} parts (more than {MAX_PARTS:,}), "
                        "which looks like a zip bomb", file=name)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise DataError(f"refused: the workbook would unpack to {total / (1 << 30):.1f} GiB "
                        f"(more than {MAX_UNCOMPRESSED >> 30} GiB), which looks like a zip bomb", file=name)
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DataError(
                f"refused: the part {info.filename} unpacks to {info.file_size / (1 << 20):,.0f} MiB, "
                f"{info.file_size / max(info.compress_size, 1):,.0f} times its packed size "
                f"(more than {MAX_RATIO}), which looks like a zip bomb", file=name)
    if "xl/workbook.bin" in names:
        raise DataError("binary workbooks (.xlsb) are not supported; save it as an Excel "
                        "Workbook (.xlsx)", file=name)
    if "[Content_Types].xml" not in names:
        raise DataError("this is a zip file but not an Excel workbook", file=name)


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class _TableDef:
    name: str
    sheet: str
    ref: str
    header_rows: int
    totals_rows: int
    columns: list[str]


def _xml(archive: zipfile.ZipFile, part: str):
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(part))


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part``."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in archive.namelist():
        return {}
    out = {}
    for rel in _xml(archive, rels_part).iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), target)
    return out


def _workbook_tables(archive: zipfile.ZipFile) -> tuple[list[_TableDef], bool]:
    """The Excel Tables (ListObjects) of the workbook, and whether it uses the 1904 date system."""
    main = next((t for kind, t in _rels(archive, "").values() if kind.endswith("/officeDocument")),
                "xl/workbook.xml")
    root = _xml(archive, main)
    pr = root.find(f"{_NS_MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
    rels = _rels(archive, main)
    tables = []
    for sheet in root.iter(f"{_NS_MAIN}sheet"):
        rel = rels.get(sheet.get(f"{_NS_REL}id"))
        if rel is None or not rel[0].endswith("/worksheet"):
            continue
        for kind, target in _rels(archive, rel[1]).values():
            if not kind.endswith("/table") or target not in archive.namelist():
                continue
            node = _xml(archive, target)
            tables.append(_TableDef(
                name=node.get("displayName") or node.get("name") or "",
                sheet=sheet.get("name", ""),
                ref=node.get("ref", ""),
                header_rows=int(node.get("headerRowCount", "1")),
                totals_rows=int(node.get("totalsRowCount", "0")),
                columns=[c.get("name", "") for c in node.iter(f"{_NS_MAIN}tableColumn")],
            ))
    return tables, date1904


def _read_workbook(path: Path) -> list[_Raw]:
    # openpyxl warns about workbook features it does not read (data validation, slicers...):
    # noise for the analyst, since only the cell values matter here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _read_workbook_values(path)


def _read_workbook_values(path: Path) -> list[_Raw]:
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.utils.cell import range_boundaries

    _refuse_unsafe_workbook(path)
    name = path.name
    hostile = "refused: the workbook's XML declares entities (a possible XML bomb)"
    try:
        with zipfile.ZipFile(path) as archive:
            table_defs, date1904 = _workbook_tables(archive)
    except DefusedXmlException:
        raise DataError(hostile, file=name) from None
    except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError) as error:
        text = " ".join(str(error).split())
        raise DataError(f"the workbook is damaged ({type(error).__name__}: {text})", file=name) from None
    epoch = np.datetime64("1904-01-01", "D") if date1904 else EXCEL_EPOCH

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        if _caused_by(error, DefusedXmlException):
            raise DataError(hostile, file=name) from None
        cause = error.__cause__ or error
        text = " ".join(f"{type(cause).__name__}: {cause}".split())
        raise DataError(f"the workbook is damaged and cannot be opened ({text})", file=name) from None
    try:
        sources: dict[str, tuple[str, _TableDef | None]] = {}
        for definition in table_defs:
            table = _table_named(definition.name)
            if table is not None:
                sources[table] = (definition.sheet, definition)
        for title in book.sheetnames:
            table = _table_named(title)
            if table is None or table in sources:
                continue
            on_sheet = [d for d in table_defs if d.sheet == title and _table_named(d.name) is None]
            sources[table] = (title, on_sheet[0] if len(on_sheet) == 1 else None)
        if not sources:
            raise DataError(
                f"no table found: expected sheets or Tables named {', '.join(TABLES)} "
                f"(sheets: {', '.join(book.sheetnames)})", file=name)
        raws = []
        for table in TABLES:
            if table not in sources:
                continue
            title, definition = sources[table]
            sheet = book[title]
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            try:
                if definition is not None:
                    bounds = range_boundaries(definition.ref)
                    raw = _read_table_region(sheet, table, definition, bounds, name)
                else:
                    raw = _read_sheet(sheet, table, name)
            except DataError:
                raise
            except Exception as error:
                if _caused_by(error, DefusedXmlException):
                    raise DataError(hostile, file=name, sheet=title) from None
                text = " ".join(f"{type(error).__name__}: {error}".split())
                raise DataError(f"the sheet cannot be read ({text})", file=name, sheet=title) from None
            raw.epoch = epoch
            raws.append(raw)
        return raws
    finally:
        book.close()


def _caused_by(error: BaseException, kind: type) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _columns_from_rows(rows: list[tuple], positions: dict[str, int | None], width: int) -> dict:
    if rows:
        transposed = list(zip(*rows))
    else:
        transposed = [()] * width
    return {
        col: (pd.Series(np.array(transposed[pos], dtype=object), dtype=object) if pos is not None else None)
        for col, pos in positions.items()
    }


def _read_table_region(sheet, table: str, definition: _TableDef, bounds, file: str) -> _Raw:
    min_col, min_row, max_col, max_row = bounds
    if definition.header_rows < 1:
        raise DataError(f"Table {definition.name} has no header row; turn on its Header Row",
                        file=file, sheet=definition.sheet)
    width = max_col - min_col + 1
    headers = definition.columns if len(definition.columns) == width else None
    first = min_row + definition.header_rows
    last = max_row - definition.totals_rows
    if headers is None:
        header_row = next(sheet.iter_rows(min_row=min_row, max_row=min_row, min_col=min_col,
                                          max_col=max_col, values_only=True), ())
        headers = list(header_row) + [None] * (width - len(header_row))
    positions = _match_columns(table, headers, file=file, sheet=definition.sheet, row=min_row)
    rows = []
    if last >= first:
        rows = [tuple(r) + (None,) * (width - len(r)) if len(r) < width else tuple(r[:width])
                for r in sheet.iter_rows(min_row=first, max_row=last, min_col=min_col,
                                         max_col=max_col, values_only=True)]
    columns = _columns_from_rows(rows, positions, width)
    n = len(rows)
    return _Raw(
        table=table, columns=columns, n=n,
        rows=np.arange(first, first + n, dtype=np.int64),
        file=file, sheet=definition.sheet,
        shown={c: f"{_letter(min_col - 1 + p)} ({str(headers[p]).strip()})"
               for c, p in positions.items() if p is not None},
        text_blanks=True,
    )


def _read_sheet(sheet, table: str, file: str) -> _Raw:
    """A plain sheet: the header is the row among the first 20 filled ones naming most columns."""
    sheet.reset_dimensions()  # trust the cells, not the sheet's stated size
    iterator = iter(sheet.iter_rows(values_only=True))
    head: list[tuple[int, tuple]] = []
    number = 0
    for row in iterator:
        number += 1
        if any(v is not None and str(v).strip() for v in row):
            head.append((number, row))
            if len(head) >= 20:
                break
    if not head:
        raise DataError(f"the sheet is empty; table {table} needs a header row "
                        f"({', '.join(TABLES[table])})", file=file, sheet=sheet.title)
    wanted = {_key(c) for c in TABLES[table]}
    scores = [sum(1 for v in row if v is not None and _key(v) in wanted) for _, row in head]
    best = scores.index(max(scores))
    header_number, header = head[best]
    positions = _match_columns(table, list(header), file=file, sheet=sheet.title, row=header_number)
    used = [p for p in positions.values() if p is not None]
    needed = max(used) + 1
    data_rows: list[tuple] = []
    numbers_: list[int] = []

    def take(row_number: int, row: tuple) -> None:
        if len(row) < needed:
            row = tuple(row) + (None,) * (needed - len(row))
        data_rows.append(row[:needed])
        numbers_.append(row_number)

    # rows already read after the header, then the rest of the sheet
    buffered = [(n, r) for n, r in head[best + 1:]]
    # head skipped empty rows; they are blank anyway
    for n, r in buffered:
        take(n, r)
    for row in iterator:
        number += 1
        take(number, row)
    columns = _columns_from_rows(data_rows, positions, needed)
    return _Raw(
        table=table, columns=columns, n=len(data_rows),
        rows=np.array(numbers_, dtype=np.int64),
        file=file, sheet=sheet.title,
        shown={c: f"{_letter(p)} ({str(header[p]).strip()})" for c, p in positions.items() if p is not None},
        text_blanks=True,
    )


# --------------------------------------------------------------------------- values


@dataclass
class _Parsed:
    values: np.ndarray
    blank: np.ndarray  # bool: the cell is empty (or a blank token)
    bad: dict[str, np.ndarray] = field(default_factory=dict)  # problem kind -> bool mask


def _is_numeric_dtype(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _object_kind(series: pd.Series) -> str:
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        return pd.api.types.infer_dtype(series, skipna=True)
    return ""


def _text_cells(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For an object array: stripped text, blank-token mask, Excel-error mask (text cells only)."""
    stripped = np.array([v.strip() if isinstance(v, str) else v for v in values], dtype=object)
    lowered = [v.lower() if isinstance(v, str) else None for v in stripped]
    blank = np.fromiter((v in _BLANK_TOKENS if v is not None else False for v in lowered), bool, len(values))
    error = np.fromiter((isinstance(v, str) and v.upper() in _EXCEL_ERRORS for v in stripped), bool, len(values))
    return stripped, blank, error


def _parse_ids(series: pd.Series, text_blanks: bool, stripped: bool = False,
               may_have_errors: bool = True) -> _Parsed:
    """Ids as stripped text; whole numbers without '.0' (Excel's 101 is the CSV's "101")."""
    n = len(series)
    if pd.api.types.is_integer_dtype(series.dtype):
        return _Parsed(series.astype(str).to_numpy(object), np.zeros(n, bool))
    if pd.api.types.is_float_dtype(series.dtype):
        raw = series.to_numpy(np.float64)
        blank = np.isnan(raw)
        whole = ~blank & np.isfinite(raw) & (np.mod(np.where(blank, 0, raw), 1) == 0)
        out = np.empty(n, dtype=object)
        out[whole] = raw[whole].astype(np.int64).astype(str).astype(object)
        rest = ~whole & ~blank
        out[rest] = [repr(float(v)) for v in raw[rest]]
        out[blank] = ""
        return _Parsed(out, blank)
    kind = _object_kind(series)
    if kind in ("string", "empty"):
        text = series if stripped else series.str.strip()
        values = text.to_numpy(object)
        blank = pd.isna(values)
        if not stripped or text_blanks:
            blank |= values == ""
        if blank.any():
            values = values.copy()
            values[blank] = ""
        if may_have_errors:
            error = text.isin(list(_EXCEL_ERRORS)).to_numpy(dtype=bool)
        else:
            error = np.zeros(n, bool)
        return _Parsed(values, blank, {"excel": error} if error.any() else {})
    values = series.to_numpy(object)
    out = np.empty(n, dtype=object)
    blank = np.zeros(n, bool)
    error = np.zeros(n, bool)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            blank[i], out[i] = True, ""
        elif isinstance(v, str):
            text = v.strip()
            out[i] = text
            blank[i] = text == ""
            error[i] = text.upper() in _EXCEL_ERRORS
        elif isinstance(v, (bool, np.bool_)):
            out[i] = str(v).upper()
        elif isinstance(v, numbers.Integral):
            out[i] = str(int(v))
        elif isinstance(v, numbers.Real) and float(v).is_integer():
            out[i] = str(int(v))
        elif isinstance(v, (_dt.datetime, _dt.date)):
            out[i] = v.isoformat()
        else:
            out[i] = str(v)
    return _Parsed(out, blank, {"excel": error} if error.any() else {})


def _parse_text(series: pd.Series, stripped: bool) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(series.dtype):
        return _parse_ids(series, True).values
    kind = _object_kind(series)
    if kind in ("string", "empty"):
        return (series if stripped else series.str.strip()).fillna("").to_numpy(object)
    return _parse_ids(series, True).values


_CURRENCY = re.compile(r"[€$£¥\s\u00a0\u202f'’]")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def _number_from_text(text: str, comma: bool) -> float | None:
    """A text number such as '€ 1.234,50', '(12.00)', '1,234.5', '-' -> float, else None."""
    t = _CURRENCY.sub("", text)
    negative = t.startswith("(") and t.endswith(")")
    if negative:
        t = t[1:-1]
    if t in ("-", "–", "—"):
        return 0.0
    if comma:
        if _THOUSANDS_COMMA.match(t) or re.match(r"^-?\d+(,\d+)?$", t):
            t = t.replace(".", "").replace(",", ".")
        else:
            return None
    elif _THOUSANDS_DOT.match(t):
        t = t.replace(",", "")
    elif not re.match(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$", t):
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return -value if negative else value


def _parse_numbers(series: pd.Series, comma: bool) -> _Parsed:
    n = len(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        blank = series.isna().to_numpy()
        return _Parsed(np.full(n, np.nan), blank, {"number": ~blank})
    if _is_numeric_dtype(series):
        values = series.to_numpy(np.float64, na_value=np.nan)
        blank = np.isnan(values)
        inf = np.isinf(values)
        return _Parsed(np.where(inf, np.nan, values), blank, {"number": inf} if inf.any() else {})
    kind = _object_kind(series)
    raw = series.to_numpy(object)
    values = np.full(n, np.nan)
    blank = pd.isna(raw)
    bad = np.zeros(n, bool)
    error = np.zeros(n, bool)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        values = pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    else:
        is_text = np.fromiter((isinstance(v, str) for v in raw), bool, n) if kind != "string" else ~blank
        is_number = np.fromiter(
            (isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in raw), bool, n)
        if is_number.any():
            values[is_number] = raw[is_number].astype(np.float64)
        other = ~blank & ~is_text & ~is_number
        bad |= other
        if is_text.any():
            idx = np.flatnonzero(is_text)
            text = pd.Series(raw[idx], dtype=object)
            if comma:  # '.' only as a thousands separator (1.234.567,89): '1.5' is not a number
                has_dot = text.str.contains(".", regex=False).to_numpy(dtype=bool)
                if has_dot.any():
                    grouped = text.str.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+(,\d+)?").to_numpy(dtype=bool)
                    text = text.where(~grouped, text.str.replace(".", "", regex=False))
                    text = text.where(~(has_dot & ~grouped), "?")
                quick = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
            else:
                quick = pd.to_numeric(text, errors="coerce")
            quick = quick.to_numpy(np.float64, na_value=np.nan)
            values[idx] = quick
            for j in np.flatnonzero(~np.isfinite(quick)):
                cell = raw[idx[j]].strip()
                if cell.lower() in _BLANK_TOKENS - {"-", "–", "—"}:
                    blank[idx[j]] = True
                elif cell.upper() in _EXCEL_ERRORS:
                    error[idx[j]] = True
                else:
                    number = _number_from_text(cell, comma)
                    if number is None:
                        bad[idx[j]] = True
                        values[idx[j]] = np.nan
                    else:
                        values[idx[j]] = number
    nonfinite = ~blank & ~bad & ~error & ~np.isfinite(values)
    bad |= nonfinite
    values = np.where(np.isfinite(values), values, np.nan)
    out = {}
    if bad.any():
        out["number"] = bad
    if error.any():
        out["excel"] = error
    return _Parsed(values, blank, out)


_NAT = np.datetime64("NaT", "D")
_ISO_DATE_TIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}.*)?$")
_TIME_SUFFIX = re.compile(r"[ T]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?$")
_DATE_SHAPES = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})$")
_MONTH_SHAPES = re.compile(r"^(\d{4}[-/]\d{1,2}|\d{1,2}/\d{4})$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_MONTH_FORMATS = ("%Y-%m", "%m/%Y", "%Y/%m", "%b %Y", "%B %Y", "%b-%Y", "%B-%Y", "%b-%y", "%b %y")


_TZ_SUFFIX = re.compile(r"\s*(Z|UTC|[+-]\d{2}:?\d{2})$")


def _to_days(strings: np.ndarray, fmt: str) -> np.ndarray:
    """Strings -> days with one format (NaT where it does not fit); the date as written."""
    try:
        parsed = pd.to_datetime(pd.Series(strings, dtype=object), format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):  # e.g. time zones mixed with none
        local = np.array([_TZ_SUFFIX.sub("", s) for s in strings], dtype=object)
        try:
            parsed = pd.to_datetime(pd.Series(local, dtype=object), format=fmt, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            return np.array([_to_days(np.array([s], dtype=object), fmt)[0] if s else _NAT
                             for s in local], dtype="datetime64[D]") if len(local) > 1 else \
                np.array([_NAT], dtype="datetime64[D]")
    if getattr(parsed.dtype, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.to_numpy().astype("datetime64[D]")


def _serial_days(values: np.ndarray, epoch: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial numbers -> days; second result marks numbers that cannot be dates."""
    ok = np.isfinite(values) & (values >= 1) & (values < 2958466)
    days = np.full(len(values), _NAT)
    days[ok] = epoch + np.floor(values[ok]).astype(np.int64).astype("timedelta64[D]")
    return days, ~ok


@dataclass
class _DateContext:
    month: bool
    epoch: np.datetime64
    date_format: str | None
    order_note: str = ""  # "month-first" or "ambiguous" when slash dates decided it


def _attempt_formats(strings: np.ndarray, days: np.ndarray, remaining: np.ndarray,
                     ctx: _DateContext, detect_order: bool) -> None:
    """Parse the ``remaining`` strings with each accepted format in turn (vectorised).

    Exact formats come first (each fails fast on strings of another shape); the slash order
    (day or month first) is decided once per column, on its first pass.
    """
    def attempt(fmt: str, guard: re.Pattern | None = None) -> None:
        idx = np.flatnonzero(remaining)
        if len(idx) and guard is not None:
            idx = idx[np.fromiter((bool(guard.match(s)) for s in strings[idx]), bool, len(idx))]
        if len(idx) == 0:
            return
        got = _to_days(strings[idx], fmt)
        ok = ~np.isnat(got)
        days[idx[ok]] = got[ok]
        remaining[idx[ok]] = False

    steps: list[tuple[str, object]] = []  # (format tried on a sample, what to run)
    if ctx.date_format:
        steps.append((ctx.date_format, lambda: attempt(ctx.date_format)))
    steps.append(("%Y-%m-%d", lambda: attempt("%Y-%m-%d")))
    if not ctx.date_format:
        if detect_order:
            steps.append(("%d/%m/%Y", lambda: _slash_dates(strings, days, remaining, ctx)))
        else:
            slash = "%m/%d/%Y" if ctx.order_note == "month-first" else "%d/%m/%Y"
            steps.append((slash, lambda: attempt(slash)))
    for fmt in ("%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        steps.append((fmt, lambda fmt=fmt: attempt(fmt)))
    # ISO with a time; not '2026' or '2026-01' (a year or month alone)
    steps.append(("", lambda: attempt("ISO8601", _ISO_DATE_TIME)))
    for fmt in (_MONTH_FORMATS if ctx.month else ()):
        steps.append((fmt, lambda fmt=fmt: attempt(fmt)))
    # failing is slow: run first the format that fits the first values of the column
    idx = np.flatnonzero(remaining)[:32]
    if len(idx) and not ctx.date_format:
        sample = strings[idx]
        for position, (fmt, step) in enumerate(steps):
            if fmt and (~np.isnat(_to_days(sample, fmt))).sum() * 2 > len(sample):
                steps.insert(0, steps.pop(position))
                break
    for _, step in steps:
        if not remaining.any():
            break
        step()


def _slash_dates(strings: np.ndarray, days: np.ndarray, remaining: np.ndarray, ctx: _DateContext) -> None:
    """DD/MM/YYYY, or MM/DD/YYYY when more of the column's dates make sense that way."""
    idx = np.flatnonzero(remaining)
    dmy = _to_days(strings[idx], "%d/%m/%Y")
    ok_dmy = ~np.isnat(dmy)
    chosen, ok = dmy, ok_dmy
    if not ok_dmy.all():
        mdy = _to_days(strings[idx], "%m/%d/%Y")
        ok_mdy = ~np.isnat(mdy)
        if ok_mdy.sum() > ok_dmy.sum():
            chosen, ok = mdy, ok_mdy
            ctx.order_note = "month-first"
    if ok.any() and chosen is dmy and not ctx.order_note:
        parsed = dmy[ok]
        day_of_month = (parsed - parsed.astype("datetime64[M]")).astype(np.int64) + 1
        if (day_of_month <= 12).all():  # every one also reads as MM/DD/YYYY
            ctx.order_note = "ambiguous"
    days[idx[ok]] = chosen[ok]
    remaining[idx[ok]] = False


def _parse_date_strings(strings: np.ndarray, ctx: _DateContext
                        ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Text dates -> days, the problem masks, and a mask of blank tokens ('-', 'N/A')."""
    n = len(strings)
    days = np.full(n, _NAT)
    remaining = np.ones(n, bool)
    _attempt_formats(strings, days, remaining, ctx, detect_order=True)
    blank = np.zeros(n, bool)
    if not remaining.any():
        return days, {}, blank
    # second chance for the few left: surrounding spaces, a time after the date, a serial
    # number written as text; what is still left is blank, an Excel error or a problem
    cleaned = strings.copy()
    for i in np.flatnonzero(remaining):
        cleaned[i] = _TIME_SUFFIX.sub("", strings[i].strip())
    _attempt_formats(cleaned, days, remaining, ctx, detect_order=False)
    for i in np.flatnonzero(remaining):
        if re.fullmatch(r"\d{5}(\.\d+)?", cleaned[i]):  # 10000 (1927) .. 99999 (2173)
            got, not_date = _serial_days(np.array([float(cleaned[i])]), ctx.epoch)
            if not not_date[0]:
                days[i], remaining[i] = got[0], False
    return days, _classify_dates(cleaned, remaining, blank, ctx.month), blank


def _classify_dates(strings: np.ndarray, failed: np.ndarray, blank: np.ndarray,
                    month: bool) -> dict[str, np.ndarray]:
    n = len(strings)
    kinds = {k: np.zeros(n, bool) for k in ("excel", "ambiguous", "impossible", "date")}
    for i in np.flatnonzero(failed):
        text = strings[i]
        if text.lower() in _BLANK_TOKENS:
            blank[i] = True
        elif text.upper() in _EXCEL_ERRORS:
            kinds["excel"][i] = True
        elif _TWO_DIGIT_YEAR.match(text):
            kinds["ambiguous"][i] = True
        elif _DATE_SHAPES.match(text) or (month and _MONTH_SHAPES.match(text)):
            kinds["impossible"][i] = True
        else:
            kinds["date"][i] = True
    return {k: v for k, v in kinds.items() if v.any()}


def _datetimes_to_days(values: np.ndarray) -> np.ndarray:
    """datetime/date/Timestamp objects -> days (time of day and time zone dropped)."""
    out = np.empty(len(values), dtype="datetime64[D]")
    for i, v in enumerate(values):
        if isinstance(v, _dt.datetime):
            v = v.date()
        out[i] = np.datetime64(v, "D") if isinstance(v, _dt.date) else np.datetime64(v).astype("datetime64[D]")
    return out


def _parse_dates(series: pd.Series, ctx: _DateContext, optional: bool) -> _Parsed:
    n = len(series)
    problems: dict[str, np.ndarray] = {}
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        s = series
        if getattr(s.dtype, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        days = s.to_numpy().astype("datetime64[D]")
        blank = np.isnat(days)
    elif pd.api.types.is_bool_dtype(series.dtype):
        blank = series.isna().to_numpy()
        days = np.full(n, _NAT)
        problems["date"] = ~blank
    elif _is_numeric_dtype(series):
        values = series.to_numpy(np.float64, na_value=np.nan)
        blank = np.isnan(values)
        days, not_date = _serial_days(values, ctx.epoch)
        if (not_date & ~blank).any():
            problems["date"] = not_date & ~blank
    else:
        raw = series.to_numpy(object)
        kind = _object_kind(series)
        blank = np.asarray(pd.isna(raw), dtype=bool)
        days = np.full(n, _NAT)
        if kind in ("datetime", "datetime64", "date"):
            days[~blank] = _datetimes_to_days(raw[~blank])
        elif kind in ("string", "empty"):
            idx = np.flatnonzero(~blank)
            got, sub_problems, sub_blank = _parse_date_strings(raw[idx].astype(object), ctx)
            days[idx] = got
            blank[idx[sub_blank]] = True
            for k, mask in sub_problems.items():
                full = np.zeros(n, bool)
                full[idx[mask]] = True
                problems[k] = full
        else:
            is_text = np.fromiter((isinstance(v, str) for v in raw), bool, n)
            is_when = np.fromiter((isinstance(v, (_dt.date, np.datetime64)) for v in raw), bool, n)
            is_number = np.fromiter(
                (isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in raw), bool, n)
            is_when &= ~blank
            if is_when.any():
                days[is_when] = _datetimes_to_days(raw[is_when])
            if is_number.any():
                got, not_date = _serial_days(raw[is_number].astype(np.float64), ctx.epoch)
                days[is_number] = got
                bad = np.zeros(n, bool)
                bad[np.flatnonzero(is_number)[not_date]] = True
                problems["date"] = bad
            if is_text.any():
                idx = np.flatnonzero(is_text)
                got, sub_problems, sub_blank = _parse_date_strings(raw[idx].astype(object), ctx)
                days[idx] = got
                blank[idx[sub_blank]] = True
                for k, mask in sub_problems.items():
                    full = problems.get(k, np.zeros(n, bool))
                    full[idx[mask]] = True
                    problems[k] = full
            other = ~blank & ~is_text & ~is_when & ~is_number
            if other.any():
                problems["date"] = problems.get("date", np.zeros(n, bool)) | other
    # range: 1900 .. 2261 (9999 in an optional column means "no date yet")
    valid = ~np.isnat(days)
    if valid.any():
        out_of_range = valid & ((days < _DATE_MIN) | (days > _DATE_MAX))
        if out_of_range.any():
            if optional:
                placeholder = out_of_range & (days.astype("datetime64[Y]").astype(np.int64) + 1970 >= _PLACEHOLDER_YEAR)
                blank |= placeholder
                out_of_range &= ~placeholder
            days = np.where(out_of_range | blank, _NAT, days)
            if out_of_range.any():
                problems["range"] = out_of_range
    if ctx.month:
        days = days.astype("datetime64[M]").astype("datetime64[D]")
    problems = {k: v & ~blank for k, v in problems.items() if (v & ~blank).any()}
    return _Parsed(days, blank, problems)


# --------------------------------------------------------------------------- checks

_EXPECTED = {
    "money": "an amount such as {example}",
    "count": "a whole number such as 3",
    "score": "a whole number from 0 to 10",
    "date": "a date such as 2026-09-30 or 30/09/2026",
    "month": "a month such as 2026-09 or a date such as 2026-09-01",
    "id": "an id",
}
_REASON = {
    "number": "not a number in {col}",
    "date": "not a date in {col}",
    "impossible": "impossible date in {col}",
    "ambiguous": "ambiguous date in {col}",
    "range": "date out of range in {col}",
    "excel": "Excel error value in {col}",
}


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    if isinstance(value, str):
        return repr(value)
    return str(value)


class _Table:
    """Row-by-row verdicts for one table: the first reason found for a row is its reason."""

    def __init__(self, raw: _Raw, keep: np.ndarray):
        self.raw = raw
        self.keep_input = keep  # rows that are not completely blank
        self.reason = np.full(raw.n, -1, dtype=np.int64)
        self.reasons: list[str] = []

    def drop(self, mask: np.ndarray, reason: str) -> None:
        mask = mask & (self.reason < 0) & self.keep_input
        if mask.any():
            if reason not in self.reasons:
                self.reasons.append(reason)
            self.reason[mask] = self.reasons.index(reason)

    @property
    def alive(self) -> np.ndarray:
        return self.keep_input & (self.reason < 0)


def _refuse_column(raw: _Raw, col: str, kind: str, parsed: _Parsed, live: np.ndarray,
                   comma: bool, date_format: str | None) -> None:
    """DataError when more than half of the column's filled cells cannot be read."""
    filled = live & ~parsed.blank
    if not parsed.bad:
        return
    bad = np.zeros(raw.n, bool)
    for mask in parsed.bad.values():
        bad |= mask
    bad &= filled
    n_bad, n_filled = int(bad.sum()), int(filled.sum())
    if n_bad == 0 or n_bad * 2 <= n_filled:
        return
    first = int(np.flatnonzero(bad)[0])
    value = raw.columns[col].iloc[first]
    which = next(k for k, m in parsed.bad.items() if m[first])
    expected = _EXPECTED[kind].format(example="1234,56" if comma else "1234.56")
    if kind in ("date", "month") and date_format:
        expected = f"a date as {date_format} or YYYY-MM-DD"
    what = {
        "number": f"{_show(value)} is not a number (expected {expected})",
        "date": f"{_show(value)} is not a date (expected {expected})",
        "impossible": f"{_show(value)} is not a real date (expected {expected})",
        "ambiguous": f"{_show(value)} has a 2-digit year (expected {expected}, with a 4-digit year)",
        "range": f"{_show(value)} is out of range (expected a date between 1900 and 2261)",
        "excel": f"{_show(value)} is an Excel error value (expected {expected})",
    }[which]
    hint = ""
    if kind in ("money", "count", "score") and not comma and isinstance(value, str) and re.search(r"\d,\d", value):
        hint = "; if the file uses a decimal comma, pass decimal=','"
    raise DataError(
        f"{what}; {n_bad:,} of {n_filled:,} values in this column cannot be read{hint}",
        file=raw.file, sheet=raw.sheet, row=int(raw.rows[first]), column=raw.shown.get(col, col))


def _refuse_empty(raw: _Raw, col: str) -> None:
    hint = ""
    if raw.sheet is not None:
        hint = " (if it holds formulas, open and save the workbook in Excel so their values are stored)"
    raise DataError(f"every value is blank{hint}", file=raw.file, sheet=raw.sheet,
                    column=raw.shown.get(col, col))


def _normalise(raw: _Raw, decimal: str, date_format: str | None, notes: list[str]):
    """One raw table -> (typed frame, rows read, {reason: rows dropped})."""
    table, kinds = raw.table, TABLES[raw.table]
    comma = raw.comma if raw.comma is not None else decimal == ","
    allowed_blank = BLANK_ALLOWED.get(table, ())

    # 1. read every column
    parsed: dict[str, _Parsed] = {}
    for col, kind in kinds.items():
        series = raw.columns[col]
        if series is None:  # optional column left out
            parsed[col] = _Parsed(np.full(raw.n, "", dtype=object), np.ones(raw.n, bool))
        elif kind == "text":
            values = _parse_text(series, raw.stripped)
            parsed[col] = _Parsed(values, values == "")
        elif kind == "id":
            parsed[col] = _parse_ids(series, raw.text_blanks, raw.stripped, raw.may_have_errors)
        elif kind in ("date", "month"):
            ctx = _DateContext(month=kind == "month", epoch=raw.epoch, date_format=date_format)
            parsed[col] = _parse_dates(series, ctx, optional=col in allowed_blank)
            if ctx.order_note:
                place = (f"{raw.file}" + (f" (sheet {raw.sheet})" if raw.sheet else "")
                         + f", column {raw.shown.get(col, col)}")
                if ctx.order_note == "month-first":
                    notes.append(f"{place}: dates read month first (MM/DD/YYYY), as some only make "
                                 "sense that way; pass date_format='%d/%m/%Y' if that is wrong.")
                else:
                    notes.append(f"{place}: dates such as 03/04/2026 read day first (DD/MM/YYYY), "
                                 "as nothing in the column tells the order; pass "
                                 "date_format='%m/%d/%Y' if they are month first.")
        else:
            parsed[col] = _parse_numbers(series, comma)

    # 2. completely empty rows are not data: skipped, not counted
    live = np.zeros(raw.n, bool)
    for col in kinds:
        if raw.columns[col] is not None:
            live |= ~parsed[col].blank
            for mask in parsed[col].bad.values():
                live |= mask
    verdict = _Table(raw, live)

    # 3. columns in order: a column mostly unreadable refuses the table; else bad rows drop
    out: dict[str, np.ndarray] = {}
    for col, kind in kinds.items():
        p = parsed[col]
        out[col] = p.values
        if kind == "text" or raw.columns[col] is None:
            continue
        _refuse_column(raw, col, kind, p, live, comma, date_format)
        if col in allowed_blank:
            if kind == "count":
                out[col] = np.where(p.blank, 0.0, p.values)
        else:
            if live.any() and not (live & ~p.blank).any():
                _refuse_empty(raw, col)
            verdict.drop(p.blank, f"blank {col}")
        for which, mask in p.bad.items():
            verdict.drop(mask, _REASON[which].format(col=col))
        if kind in ("money", "count", "score"):
            values = out[col]
            finite = np.isfinite(values)
            whole = finite & (np.mod(np.where(finite, values, 0), 1) == 0)
            if kind == "score":
                verdict.drop(finite & ~whole, f"{col} not a whole number")
                verdict.drop(finite & ((values < 0) | (values > 10)), f"{col} outside 0-10")
            else:
                verdict.drop(finite & (values < 0), f"negative {col}")
                if kind == "count":
                    verdict.drop(finite & ~whole, f"{col} not a whole number")

    # 4. rules across columns
    if table == "Orders":
        verdict.drop(out["units_returned"] > out["units"], "units_returned more than units")
    elif table == "Customers":
        verdict.drop(out["churn_date"] < out["signup_date"], "churn_date before signup_date")
    elif table == "Invoices":
        verdict.drop(out["due_date"] < out["issue_date"], "due_date before issue_date")

    # 5. repeated keys (among the rows still kept, so a bad first row does not hide a good one)
    if table in _UNIQUE_ID:
        col = _UNIQUE_ID[table]
        verdict.drop(_repeated(out, (col,), verdict.alive), f"duplicate {col}")
    elif table == "Subscriptions":
        _merge(verdict, out, ("customer_id", "month"), "mrr",
               "repeated customer_id and month (mrr added up)")
    elif table == "Costs":
        _merge(verdict, out, ("month",), "retention_spend",
               "repeated month (retention_spend added up)")
    elif table == "Activity":
        verdict.drop(_repeated(out, ("user_id", "date"), verdict.alive), "repeated user_id and date")

    frame = _typed_frame(table, out, verdict.alive)
    counts = {}
    if verdict.reasons:
        tally = np.bincount(verdict.reason[verdict.reason >= 0], minlength=len(verdict.reasons))
        counts = {reason: int(tally[i]) for i, reason in enumerate(verdict.reasons)}
    return frame, int(live.sum()), counts


def _group_codes(out: dict[str, np.ndarray], cols: tuple[str, ...], idx: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of ``cols`` among rows ``idx``."""
    key = np.zeros(len(idx), dtype=np.int64)
    for col in cols:
        values = out[col][idx]
        if values.dtype.kind == "M":
            values = values.astype(np.int64)
        codes, uniques = pd.factorize(values)
        key = key * max(len(uniques), 1) + codes
    return key


def _repeated(out: dict[str, np.ndarray], cols: tuple[str, ...], alive: np.ndarray) -> np.ndarray:
    """Rows (among ``alive``) whose ``cols`` repeat an earlier alive row's."""
    idx = np.flatnonzero(alive)
    dup = np.zeros(len(alive), bool)
    if len(idx) == 0:
        return dup
    if len(cols) == 1:
        values = out[cols[0]][idx]
        dup[idx] = pd.Series(values.astype(np.int64) if values.dtype.kind == "M" else values,
                             copy=False).duplicated().to_numpy()
    else:
        dup[idx] = pd.Series(_group_codes(out, cols, idx)).duplicated().to_numpy()
    return dup


def _merge(verdict: _Table, out: dict[str, np.ndarray], cols: tuple[str, ...], value: str,
           reason: str) -> None:
    """Rows repeating ``cols`` are folded into the first: its ``value`` becomes their sum."""
    idx = np.flatnonzero(verdict.alive)
    if len(idx) == 0:
        return
    group = _group_codes(out, cols, idx)
    dup = pd.Series(group).duplicated().to_numpy()
    if dup.any():
        group = pd.factorize(group)[0]
        totals = np.bincount(group, weights=out[value][idx])
        first = ~dup
        out[value] = out[value].copy()
        out[value][idx[first]] = totals[group[first]]
        mask = np.zeros(len(verdict.reason), bool)
        mask[idx[dup]] = True
        verdict.drop(mask, reason)


def _typed_frame(table: str, out: dict[str, np.ndarray], keep: np.ndarray) -> pd.DataFrame:
    columns = {}
    everything = bool(keep.all())
    for col, kind in TABLES[table].items():
        values = out[col] if everything else out[col][keep]
        if kind in ("id", "text"):
            columns[col] = pd.array(values.astype(object), dtype="str")
        elif kind in ("date", "month"):
            columns[col] = values.astype("datetime64[ns]")
        elif kind == "money":
            columns[col] = values.astype(np.float64)
        else:
            columns[col] = values.astype(np.int64)
    return pd.DataFrame(columns)


def _build(raws: list[_Raw], source: str, notes: list[str], *, decimal: str | None,
           date_format: str | None) -> RetentionData:
    tables: dict[str, pd.DataFrame] = {}
    summary: dict[str, tuple[int, dict[str, int]]] = {}
    for raw in raws:
        frame, rows_read, counts = _normalise(raw, decimal or ".", date_format, notes)
        tables[raw.table] = frame
        summary[raw.table] = (rows_read, counts)
    flags: dict[str, tuple[str, int]] = {}
    if "Customers" in tables:
        known = tables["Customers"]["customer_id"].to_numpy(object)
        for name in _CUSTOMER_TABLES:
            if name in tables:
                ids = pd.Series(tables[name]["customer_id"].to_numpy(object), dtype=object, copy=False)
                missing = int((~ids.isin(known)).sum())
                if missing:
                    rows = "1 row" if missing == 1 else f"{missing:,} rows"
                    flags[name] = (f"customer_id not in Customers: {rows} kept", missing)
    records = []
    for name in TABLES:
        if name not in tables:
            continue
        rows_read, counts = summary[name]
        kept = len(tables[name])
        if not counts:
            records.append((name, rows_read, kept, 0, ""))
        for reason, dropped in counts.items():
            records.append((name, rows_read, kept, dropped, reason))
        if name in flags:
            records.append((name, rows_read, kept, 0, flags[name][0]))
    quality = pd.DataFrame.from_records(records, columns=list(QUALITY_COLUMNS))
    quality = quality.astype({"table": "str", "rows_read": np.int64, "rows_kept": np.int64,
                              "rows_dropped": np.int64, "reason": "str"})
    return RetentionData(tables=tables, quality=quality, source=source, notes=notes)
