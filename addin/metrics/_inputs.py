"""Checks and conversions shared by every metric: the rules of valid input live here once.

Scalars: a number is an int or float (numpy scalars too), never a bool, text or NaN.
Raw data: a sequence, numpy array or pandas Series (a 2-D block is flattened row by row);
blanks -- None, NaN, NaT and empty text -- are skipped and counted, anything else that is
not of the expected kind is invalid and named with its position.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import cells as _cells
from ..errors import InvalidInputError, UndefinedResultError

# Serial dates count days from Excel's epoch (addin.cells says why it is 1899-12-30).
EXCEL_EPOCH = np.datetime64(_cells.EXCEL_EPOCH, "D")


# --------------------------------------------------------------------------- values in messages

#: A value shown in a message is cut to this many characters (an ellipsis and the total
#: length follow), so a cell's message stays one readable line whatever the argument holds.
EXCERPT_CHARS = 60
#: A list or range shown in a message shows its first few values and how many there are.
SHOWN_VALUES = 3


def excerpt(text: str) -> str:
    """``text`` as it is, or its first characters, an ellipsis and its length in characters."""
    cut = len(text) > EXCERPT_CHARS
    head = " ".join((text[:EXCERPT_CHARS - 3] if cut else text).splitlines())  # one line
    return f"{head}… ({len(text):,} characters)" if cut else head


def show(value: object) -> str:
    """The value as the analyst would recognise it in a message, never longer than a line.

    Text is quoted (``'abc'``) and cut to :data:`EXCERPT_CHARS` characters with its length;
    a list, tuple or array shows its first :data:`SHOWN_VALUES` values and its size; a huge
    number is shown in scientific notation (or by its number of digits).
    """
    if isinstance(value, str):
        # repr() of the head only: escapes (\x00) can make a short text's repr long, so the
        # quoted form is cut too
        quoted = repr(value[:EXCERPT_CHARS + 1])
        if len(value) <= EXCERPT_CHARS and len(quoted) <= EXCERPT_CHARS + 2:
            return quoted
        return f"{quoted[:EXCERPT_CHARS - 3]}…{quoted[0]} ({len(value):,} characters)"
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and abs(value) >= 1e15:
        try:
            return f"{float(value):.6g}"
        except OverflowError:
            # str() of an int of more than 4,300 digits raises: count them from the bits
            digits = int(abs(int(value)).bit_length() * math.log10(2)) + 1
            return f"a number of about {digits:,} digits"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        items = value if isinstance(value, (list, tuple)) else np.ravel(np.asarray(value, dtype=object))
        head = [
            "[…]" if isinstance(item, (list, tuple, np.ndarray)) else show(item)
            for item in items[:SHOWN_VALUES]
        ]
        if len(items) > SHOWN_VALUES:
            head.append(f"… ({len(items):,} values)")
        return f"[{', '.join(head)}]"
    return excerpt(str(value))


def number(name: str, value: object) -> float:
    """``value`` as a float, or InvalidInputError naming ``name``."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        raise InvalidInputError(f"{name} is blank, expected a number")
    if isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"{name} is {value}, expected a number, not TRUE/FALSE")
    if isinstance(value, str):
        raise InvalidInputError(f"{name} is text {show(value)}, expected a number")
    if not isinstance(value, numbers.Real):
        raise InvalidInputError(f"{name} is {show(value)}, expected a number")
    try:
        result = float(value)
    except OverflowError:
        raise InvalidInputError(f"{name} is {show(value)}, too large for a number") from None
    if math.isnan(result):
        raise InvalidInputError(f"{name} is not a number (NaN)")
    if math.isinf(result):
        raise InvalidInputError(f"{name} is infinite, expected a finite number")
    return result


def non_negative(name: str, value: object) -> float:
    """A number >= 0 (money, units, days)."""
    result = number(name, value)
    if result < 0:
        raise InvalidInputError(f"{name} is {show(result)}, expected 0 or more")
    return result


def positive(name: str, value: object) -> float:
    """A number > 0 that is invalid (not undefined) when zero, e.g. days in a period."""
    result = number(name, value)
    if result <= 0:
        raise InvalidInputError(f"{name} is {show(result)}, expected more than 0")
    return result


def count(name: str, value: object) -> int:
    """A whole number >= 0 of customers, users, answers or units."""
    result = non_negative(name, value)
    if not result.is_integer():
        raise InvalidInputError(f"{name} is {show(result)}, expected a whole number")
    return int(result)


def fraction(name: str, value: object) -> float:
    """A share between 0 and 1 (give 5 % as 0.05)."""
    result = number(name, value)
    if not 0.0 <= result <= 1.0:
        raise InvalidInputError(
            f"{name} is {show(result)}, expected a fraction between 0 and 1 (5 % is 0.05)"
        )
    return result


def at_most(name: str, value: float, limit_name: str, limit: float) -> None:
    """InvalidInputError when a part is larger than its whole."""
    if value > limit:
        raise InvalidInputError(
            f"{name} ({show(value)}) is more than {limit_name} ({show(limit)})"
        )


def divide(numerator: float, denominator: float, what: str, times: float = 1.0) -> float:
    """numerator / denominator × times; UndefinedResultError ("what is 0") for a zero denominator.

    A quotient too large for a float (1e308 / 1e-300) is InvalidInputError, never infinity:
    no real data gives it, so an input is in the wrong unit or mistyped.
    """
    if denominator == 0:
        raise UndefinedResultError(f"undefined: {what} is 0")
    with np.errstate(over="ignore"):
        result = numerator / denominator * times
    if not math.isfinite(result):
        raise InvalidInputError(
            f"the result is too large to compute ({what} is {show(denominator)}): check the inputs"
        )
    return result


# --------------------------------------------------------------------------- raw data


def flat(name: str, values: object) -> np.ndarray:
    """Raw data as a 1-D numpy array (object or numeric dtype), row-major for 2-D blocks."""
    if isinstance(values, (pd.Series, pd.Index)):
        array = values.to_numpy()
    elif isinstance(values, pd.DataFrame):
        array = values.to_numpy()
    elif isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        array = np.array([values], dtype=object)
    else:
        values = list(values)
        if values and all(isinstance(row, (list, tuple)) for row in values):
            # a 2-D block: rows of any lengths (ragged rows are allowed)
            values = [cell for row in values for cell in row]
        array = np.array(values, dtype=object) if values else np.array([], dtype=object)
    array = np.asarray(array)
    if array.ndim != 1:
        array = array.reshape(-1)
    return array


def _factorized(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of an object array (NA cells get code −1).

    Checks of raw data run on the distinct values only, then map back through the codes:
    a million order rows hold some fifty thousand distinct ids and a few hundred dates.
    """
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def blank_mask(array: np.ndarray) -> np.ndarray:
    """True where a cell is blank: None, NaN, NaT or empty text."""
    if array.dtype.kind == "f":
        return np.isnan(array)
    if array.dtype.kind == "M":
        return np.isnat(array)
    if array.dtype.kind in "iub":
        return np.zeros(array.shape, dtype=bool)
    codes, uniques = _factorized(array)
    blank_unique = np.fromiter(
        (isinstance(u, str) and u.strip() == "" for u in uniques), bool, len(uniques)
    )
    # code −1 (NA) indexes the appended True
    return np.append(blank_unique, True)[codes]


def require_rows(name: str, array: np.ndarray) -> None:
    """InvalidInputError for empty raw data: no rows means nobody typed anything yet."""
    if len(array) == 0:
        raise InvalidInputError(f"{name} is empty")


def same_length(names: tuple[str, ...], arrays: tuple[np.ndarray, ...]) -> None:
    """Paired columns (ids and dates) must have one value per row."""
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        shown = ", ".join(f"{n} has {len(a)}" for n, a in zip(names, arrays))
        raise InvalidInputError(f"the ranges differ in length: {shown} values")


def numbers_array(name: str, array: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """The non-skipped cells as float64; text or booleans are invalid, named by position."""
    if array.dtype.kind in "iuf":
        return array[~skip].astype(np.float64, copy=False)
    if array.dtype.kind == "b":
        raise InvalidInputError(f"{name}[1] is {array[0]}, expected a number, not TRUE/FALSE")
    kept = array[~skip]
    codes, uniques = _factorized(kept)
    bad = np.fromiter(
        (isinstance(u, (bool, np.bool_, str)) or not isinstance(u, numbers.Real) for u in uniques),
        bool,
        len(uniques),
    )
    if bad.any():
        first = int(np.flatnonzero(~skip)[np.argmax(bad[codes])])
        value = array[first]
        kind = "text" if isinstance(value, str) else "value"
        raise InvalidInputError(f"{name}[{first + 1}] is {kind} {show(value)}, expected a number")
    return uniques.astype(np.float64)[codes]


def id_codes(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of every cell's id (−1 for a blank cell) and the distinct ids.

    Whole floats are read as integers, so the id 101 typed as 101.0 by Excel is the same
    customer as the 101 of a CSV.
    """
    whole = array[~np.isnan(array)] if array.dtype.kind == "f" else None
    # whole floats beyond 2**53 are not exact integers: keep them as floats
    if whole is not None and np.all(np.mod(whole, 1) == 0) and np.all(np.abs(whole) < 2**53):
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        return codes.astype(np.int64), np.asarray(uniques).astype(np.int64)
    codes, uniques = pd.factorize(array, use_na_sentinel=True)
    uniques = np.asarray(uniques)
    if uniques.dtype.kind == "O":
        blank = np.fromiter((isinstance(u, str) and u.strip() == "" for u in uniques), bool, len(uniques))
        whole = [int(u) if isinstance(u, float) and u.is_integer() else u for u in uniques]
        merged_codes, merged = pd.factorize(np.array(whole, dtype=object), sort=False)
        merged_codes = np.where(blank, -1, merged_codes)
        codes = np.where(codes >= 0, merged_codes[codes], -1)
        uniques = np.asarray(merged, dtype=object)
    return codes.astype(np.int64, copy=False), uniques


def compact(codes: np.ndarray, uniques: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the kept rows renumbered 0..k-1, and the ids that still occur."""
    kept = codes[keep]
    present = np.bincount(kept.astype(np.intp), minlength=len(uniques)) > 0
    if present.all():
        return kept, uniques
    renumber = np.cumsum(present) - 1
    return renumber[kept], uniques[present]


def _parse_date(name: str, position: int, value: object) -> np.datetime64:
    if isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"{name}[{position}] is {value}, expected a date")
    if isinstance(value, numbers.Real):
        serial = float(value)
        if not 1 <= serial < 2958466:  # Excel's range: 1900-01-01 .. 9999-12-31
            raise InvalidInputError(
                f"{name}[{position}] is {show(value)}, expected a date (an Excel serial "
                "date is a number from 1 to 2958465)"
            )
        return EXCEL_EPOCH + np.timedelta64(int(math.floor(serial)), "D")
    if isinstance(value, (_dt.date, np.datetime64, pd.Timestamp)):
        return np.datetime64(pd.Timestamp(value).date(), "D")
    if isinstance(value, str):
        try:
            return np.datetime64(_dt.date.fromisoformat(value.strip()[:10]), "D")
        except ValueError:
            pass
    raise InvalidInputError(
        f"{name}[{position}] is {show(value)}, expected a date (a date cell, an Excel serial "
        "number or text like 2026-09-30)"
    )


def dates_array(name: str, array: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """The non-skipped cells as datetime64[D].

    Accepts real dates, Excel serial numbers (1900 date system) and ISO text (2026-09-30).
    """
    kept = array[~skip]
    if kept.dtype.kind == "M":
        return kept.astype("datetime64[D]")
    if kept.dtype.kind in "iuf":
        if len(kept) and (kept.min() < 1 or kept.max() >= 2958466):
            bad = int(np.flatnonzero(~skip)[np.argmax((kept < 1) | (kept >= 2958466))])
            _parse_date(name, bad + 1, array[bad])
        return EXCEL_EPOCH + np.floor(kept).astype(np.int64).astype("timedelta64[D]")
    codes, uniques = _factorized(kept)
    parsed = np.empty(len(uniques), dtype="datetime64[D]")
    positions = np.flatnonzero(~skip)
    for i, value in enumerate(uniques):
        try:
            parsed[i] = _parse_date(name, 0, value)
        except InvalidInputError:
            first = int(positions[np.argmax(codes == i)]) + 1
            _parse_date(name, first, value)
    return parsed[codes]


def unique_sorted(keys: np.ndarray) -> np.ndarray:
    """Distinct values of an int64 array, ascending (a sort and a diff: faster than np.unique)."""
    ordered = np.sort(keys)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


MAX_MONTHS = 1200  # a hundred years: a wider span means a mistyped year


def month_span(name: str, months: np.ndarray) -> tuple[int, int]:
    """First month and number of months covered; InvalidInputError beyond MAX_MONTHS."""
    origin, last = int(months.min()), int(months.max())
    if last - origin + 1 > MAX_MONTHS:
        raise InvalidInputError(
            f"{name} run from {month_label(origin):%Y-%m} to {month_label(last):%Y-%m}, more "
            f"than {MAX_MONTHS // 12} years: check for a mistyped year"
        )
    return origin, last - origin + 1


#: The most memory one dense table of the metric core may need, its working copies included:
#: customers × months for MRR movements, cohorts × months for cohort retention. Beyond it,
#: Excel or xlwings Lite (a browser tab) would run out of memory, for data that are almost
#: always a mistyped year: 300,000 customers over 100 years would need 14 GB.
MAX_TABLE_BYTES = 256_000_000


#: "Bound the table by MAX_TABLE_BYTES as it is when called" (the default of the bounded
#: functions; None there means no bound).
EXCEL_BOUND = "MAX_TABLE_BYTES"


def dense_table(what: str, rows: int, rows_word: str, dates_name: str, months: np.ndarray,
                bytes_per_cell: int, limit: int | str | None = EXCEL_BOUND) -> None:
    """Refuse, before anything is allocated, a rows × months table over MAX_TABLE_BYTES.

    ``months`` holds the month of every row (see :func:`month_index`); the table spans its
    first to its last month. ``bytes_per_cell`` is what the caller's computation takes per
    cell of the table, working copies included; ``limit`` None allows any size (a caller
    that already holds the data densely). The one-line InvalidInputError gives the
    size the table would need and the likely cause: a gap of more than a year in the months
    (a mistyped year), or simply too many customers × months for one call.
    """
    origin, last = int(months.min()), int(months.max())
    n_months = last - origin + 1
    need = int(rows) * n_months * bytes_per_cell
    if limit == EXCEL_BOUND:
        limit = MAX_TABLE_BYTES
    if limit is None or need <= limit:
        return
    raise InvalidInputError(
        f"{what} would need a table of {int(rows):,} {rows_word} × {n_months:,} months, about "
        f"{_megabytes(need)}, more than the {_megabytes(limit)} allowed: "
        f"{_likely_cause(dates_name, months)}"
    )


def _megabytes(size: int) -> str:
    return f"{size / 1e9:,.1f} GB" if size >= 1e9 else f"{size / 1e6:,.0f} MB"


def _likely_cause(dates_name: str, months: np.ndarray) -> str:
    present = unique_sorted(months)
    first, last = (f"{month_label(m):%Y-%m}" for m in (present[0], present[-1]))
    empty = np.diff(present) - 1
    if len(empty) and empty.max() > 12:
        # a year or more without a single row, then more rows: one side is a typo
        at = int(np.argmax(empty))
        before, after = (f"{month_label(m):%Y-%m}" for m in present[at:at + 2])
        return (
            f"{dates_name} span {first} to {last} with nothing between {before} and {after}: "
            "a mistyped year?"
        )
    return (
        f"{dates_name} span {first} to {last}: give fewer customers or months at a time "
        "(one segment, or only the years needed)"
    )


def month_index(days: np.ndarray) -> np.ndarray:
    """Calendar month of each datetime64[D] as an integer (months since 1970-01)."""
    return days.astype("datetime64[M]").astype(np.int64)


def month_label(index: int | np.ndarray):
    """The first day of month ``index`` (months since 1970-01) as a pandas Timestamp."""
    return pd.Timestamp(np.datetime64(int(index), "M").astype("datetime64[D]"))


def id_date_rows(ids_name: str, ids, dates_name: str, dates, amounts_name=None, amounts=None):
    """Rows of (id, date[, amount]) with a blank in any of their cells skipped.

    Returns integer id codes, the distinct ids in code order, the dates as datetime64[D],
    the amounts as float64 (None without an amounts column) and the number of rows skipped.
    """
    columns = [(ids_name, flat(ids_name, ids)), (dates_name, flat(dates_name, dates))]
    if amounts_name is not None:
        columns.append((amounts_name, flat(amounts_name, amounts)))
    names, arrays = zip(*columns)
    same_length(names, arrays)
    require_rows(ids_name, arrays[0])
    all_codes, uniques = id_codes(arrays[0])
    skip = all_codes < 0
    for array in arrays[1:]:
        skip |= blank_mask(array)
    codes, uniques = compact(all_codes, uniques, ~skip)
    days = dates_array(dates_name, arrays[1], skip)
    values = numbers_array(amounts_name, arrays[2], skip) if amounts_name is not None else None
    return codes, uniques, days, values, int(skip.sum())


def require_non_negative_values(name: str, values: np.ndarray) -> None:
    """InvalidInputError naming the first negative value (money, MRR, amounts)."""
    negative = values < 0
    if negative.any():
        raise InvalidInputError(
            f"{name} contains {show(float(values[np.argmax(negative)]))}, expected 0 or more"
        )
