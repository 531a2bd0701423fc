"""Reading cells: ids, text, numbers and dates as a spreadsheet or CSV file writes them.

Each parser takes one column of raw cells (a pandas Series of whatever the source gave:
numbers, text, dates, Excel serial numbers, blanks) and returns the typed values, which cells
are blank, and which cells have which problem ("number", "date", "impossible", "ambiguous",
"range", "excel"). Deciding what to do with a problem -- drop the row, refuse the column --
is :mod:`addin.data.rules`' job; the words of the problems are in :mod:`addin.data.schema`.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..cells import EXCEL_EPOCH, NOT_XML_TEXT
from .schema import FIRST_DATE, LAST_DATE, NO_DATE_YEAR

#: Excel's day 0 as numpy counts days (serial number n is this date + n days).
EPOCH = np.datetime64(EXCEL_EPOCH, "D")

#: Cells read as blank in a date or number column (compared in lower case, spaces stripped).
BLANK_TOKENS = frozenset({"", "-", "–", "—", "na", "n/a", "null", "none", "nan", "nat"})
#: A lone dash: blank in a date column, Excel's accounting zero in a number column.
DASHES = frozenset({"-", "–", "—"})
#: Excel's error values, as text.
EXCEL_ERRORS = frozenset({
    "#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!",
    "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})

#: Characters that take no room on screen: an id or a text holding one looks like the same
#: id without it, so they are removed wherever they stand (zero-width space, non-joiner,
#: joiner, word joiner, byte-order mark, soft hyphen).
INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: Characters that are not text: no workbook can hold them (:data:`addin.cells.NOT_XML_TEXT`).
NOT_TEXT = NOT_XML_TEXT


_NOT_TEXT_CHARS = tuple(chr(c) for c in [*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])
_INVISIBLE_CHARS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def holds(text: str, which: str) -> bool:
    """Whether a whole decoded file holds ``"invisible"`` characters or characters that are
    ``"not text"`` (no lone surrogates there: it was decoded strictly). One fast search per
    character, much faster than a pattern over megabytes."""
    chars = _INVISIBLE_CHARS if which == "invisible" else _NOT_TEXT_CHARS
    return any(c in text for c in chars)


def clean(text: str) -> str:
    """``text`` as an id or a label: invisible characters removed, then the spaces around it
    (any Unicode space: the non-breaking space of a web page or of Excel in French too)."""
    return INVISIBLE.sub("", text).strip()


def clean_series(series: pd.Series) -> pd.Series:
    """:func:`clean` on every text of a column of texts."""
    return series.str.replace(INVISIBLE, "", regex=True).str.strip()


_DATE_MIN = np.datetime64(FIRST_DATE, "D")
_DATE_MAX = np.datetime64(LAST_DATE, "D")


#: The longest text a message quotes whole; a longer one is cut, with its length.
SHOWN_CHARACTERS = 60


def show(value: object) -> str:
    """A cell's value as a message quotes it: ``'abc'``, ``12``, ``2026-09-30 00:00:00``; a
    text longer than :data:`SHOWN_CHARACTERS` as its start and length (``'xxxx...' (70,000
    characters)``), so a message stays one readable line."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    if isinstance(value, str):
        if len(value) > SHOWN_CHARACTERS:
            return f"{value[:SHOWN_CHARACTERS - 3] + '...'!r} ({len(value):,} characters)"
        return repr(value)
    text = str(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS - 3] + "..."


@dataclass
class Parsed:
    """One column read: typed values, which cells are blank, which have which problem."""

    values: np.ndarray
    blank: np.ndarray  # bool: the cell is empty (or a blank token)
    bad: dict[str, np.ndarray] = field(default_factory=dict)  # problem kind -> bool mask


def is_numeric_dtype(series: pd.Series) -> bool:
    """A column of numbers (not booleans)."""
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _object_kind(series: pd.Series) -> str:
    if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        return pd.api.types.infer_dtype(series, skipna=True)
    return ""


def parse_ids(series: pd.Series, text_blanks: bool, stripped: bool = False,
              may_have_errors: bool = True) -> Parsed:
    """Ids as text (:func:`clean`: the same id whatever pads it); whole numbers without '.0'
    (Excel's 101 is the CSV's "101"). ``stripped``: the source found nothing to clean."""
    n = len(series)
    if pd.api.types.is_integer_dtype(series.dtype):
        return Parsed(series.astype(str).to_numpy(object), np.zeros(n, bool))
    if pd.api.types.is_float_dtype(series.dtype):
        raw = series.to_numpy(np.float64)
        blank = np.isnan(raw)
        whole = ~blank & np.isfinite(raw) & (np.mod(np.where(blank, 0, raw), 1) == 0)
        out = np.empty(n, dtype=object)
        out[whole] = raw[whole].astype(np.int64).astype(str).astype(object)
        rest = ~whole & ~blank
        out[rest] = [repr(float(v)) for v in raw[rest]]
        out[blank] = ""
        return Parsed(out, blank)
    kind = _object_kind(series)
    if kind in ("string", "empty"):
        text = series if stripped else clean_series(series)
        values = text.to_numpy(object)
        blank = pd.isna(values)
        if not stripped or text_blanks:
            blank |= values == ""
        if blank.any():
            values = values.copy()
            values[blank] = ""
        if may_have_errors:
            error = text.isin(list(EXCEL_ERRORS)).to_numpy(dtype=bool)
        else:
            error = np.zeros(n, bool)
        return Parsed(values, blank, {"excel": error} if error.any() else {})
    values = series.to_numpy(object)
    out = np.empty(n, dtype=object)
    blank = np.zeros(n, bool)
    error = np.zeros(n, bool)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            blank[i], out[i] = True, ""
        elif isinstance(v, str):
            text = clean(v)
            out[i] = text
            blank[i] = text == ""
            error[i] = text.upper() in EXCEL_ERRORS
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
    return Parsed(out, blank, {"excel": error} if error.any() else {})


def parse_text(series: pd.Series, stripped: bool) -> np.ndarray:
    """Free text (names, segments) cleaned like ids, blanks as ``""``; numbers written as ids are."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        return parse_ids(series, True).values
    kind = _object_kind(series)
    if kind in ("string", "empty"):
        return (series if stripped else clean_series(series)).fillna("").to_numpy(object)
    return parse_ids(series, True).values


_CURRENCY = re.compile(r"[€$£¥\s\u00a0\u202f'’]")
_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


#: The longest text read as a number or a date: anything longer is neither (and patterns
#: are never tried on megabytes of one cell).
LONGEST_VALUE = 100


def _number_from_text(text: str, comma: bool) -> float | None:
    """A text number such as '€ 1.234,50', '(12.00)', '1,234.5', '-' -> float, else None."""
    if len(text) > LONGEST_VALUE:
        return None
    t = _CURRENCY.sub("", text)
    negative = t.startswith("(") and t.endswith(")")
    if negative:
        t = t[1:-1]
    if t in DASHES:
        return 0.0
    if comma:
        if _THOUSANDS_COMMA.match(t) or re.match(r"^-?\d+(,\d+)?$", t):
            t = t.replace(".", "").replace(",", ".")
        else:
            return None
    elif _THOUSANDS_DOT.match(t):
        t = t.replace(",", "")
    elif not re.match(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$", t):
        return None
    try:
        value = float(t)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return -value if negative else value


def parse_numbers(series: pd.Series, comma: bool) -> Parsed:
    """Money, counts and scores as floats; text numbers read with a decimal ``comma`` or dot.

    Text may carry a currency sign, spaces, thousands separators or accounting brackets;
    a lone dash is 0; blank tokens ('N/A', 'null') are blank; Excel error values and other
    text are problems ("excel", "number").
    """
    n = len(series)
    if pd.api.types.is_bool_dtype(series.dtype):
        blank = series.isna().to_numpy()
        return Parsed(np.full(n, np.nan), blank, {"number": ~blank})
    if is_numeric_dtype(series):
        values = series.to_numpy(np.float64, na_value=np.nan)
        blank = np.isnan(values)
        inf = np.isinf(values)
        return Parsed(np.where(inf, np.nan, values), blank, {"number": inf} if inf.any() else {})
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
                if cell.lower() in BLANK_TOKENS - DASHES:
                    blank[idx[j]] = True
                elif cell.upper() in EXCEL_ERRORS:
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
    return Parsed(values, blank, out)


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
class DateContext:
    """How one date column is read. ``order`` is the order of the day and the month in
    ``03/04/2026`` and ``03-04-2026`` (``"dmy"`` or ``"mdy"``), decided for the whole table
    by :func:`day_month_order` before the columns are read."""

    month: bool
    epoch: np.datetime64
    date_format: str | None
    order: str = "dmy"


def _attempt_formats(strings: np.ndarray, days: np.ndarray, remaining: np.ndarray,
                     ctx: DateContext) -> None:
    """Parse the ``remaining`` strings with each accepted format in turn (vectorised).

    Exact formats come first (each fails fast on strings of another shape).
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
    first, second = ("%m", "%d") if ctx.order == "mdy" else ("%d", "%m")
    if not ctx.date_format:
        steps.append((f"{first}/{second}/%Y", lambda: attempt(f"{first}/{second}/%Y")))
    for fmt in ("%d.%m.%Y", f"{first}-{second}-%Y", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
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


def _parse_date_strings(strings: np.ndarray, ctx: DateContext
                        ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Text dates -> days, the problem masks, and a mask of blank tokens ('-', 'N/A')."""
    n = len(strings)
    days = np.full(n, _NAT)
    remaining = np.ones(n, bool)
    _attempt_formats(strings, days, remaining, ctx)
    blank = np.zeros(n, bool)
    if not remaining.any():
        return days, {}, blank
    # second chance for the few left: surrounding spaces, a time after the date, a serial
    # number written as text; what is still left is blank, an Excel error or a problem
    cleaned = strings.copy()
    for i in np.flatnonzero(remaining):
        text = strings[i].strip()
        cleaned[i] = _TIME_SUFFIX.sub("", text) if len(text) <= LONGEST_VALUE else text
    _attempt_formats(cleaned, days, remaining, ctx)
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
        if text.lower() in BLANK_TOKENS:
            blank[i] = True
        elif text.upper() in EXCEL_ERRORS:
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


def parse_dates(series: pd.Series, ctx: DateContext, optional: bool) -> Parsed:
    """Dates (or months, with ``ctx.month``) as ``datetime64[D]`` from any cell a source gives.

    Date cells, Excel serial numbers (counted from ``ctx.epoch``) and text dates in the
    accepted formats; dates outside 1900..2261 are a problem ("range"), except a date in
    year 9999 or later in an ``optional`` column, which means "no date yet" (blank).
    """
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
    elif is_numeric_dtype(series):
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
                placeholder = out_of_range & (days.astype("datetime64[Y]").astype(np.int64) + 1970 >= NO_DATE_YEAR)
                blank |= placeholder
                out_of_range &= ~placeholder
            days = np.where(out_of_range | blank, _NAT, days)
            if out_of_range.any():
                problems["range"] = out_of_range
    if ctx.month:
        days = days.astype("datetime64[M]").astype("datetime64[D]")
    problems = {k: v & ~blank for k, v in problems.items() if (v & ~blank).any()}
    return Parsed(days, blank, problems)

