"""Excel values in, Excel values out: what xlwings hands a custom function, made into core inputs.

The Excel functions of :mod:`addin.udfs` run in three runtimes, and each hands the same cell
over differently:

==================  ==========================  ===========================  =======================
cell                classic xlwings (COM)        xlwings Lite / Server         what the core gets
                                                 (Office.js)
==================  ==========================  ===========================  =======================
blank               None                         None (JSON null; Pyodide      None (a blank)
                                                 may give ``JsNull``)
number              float                        float or int                  the number
date cell           ``datetime`` (pywintypes)    serial number                 serial number
text                str                          str                           str
TRUE / FALSE        bool                         bool                          bool
error (#N/A ...)    int COM code (-2146826246)   ``{"type": "Error", ...}``    InvalidInputError
range               tuple of row tuples          list of row lists             flat numpy array
==================  ==========================  ===========================  =======================

and takes results back differently (verified in xlwings 0.37.8, ``pro/_xlofficejs.py`` and
``_xlwindows.py``): NaN is an empty cell in classic but ``#NUM!`` in Office.js; None is an
empty cell in both; the *string* ``"#DIV/0!"`` is an error in Office.js (runtime 1.4) but plain
text in classic, where only a COM ``VT_ERROR`` variant is an error.

So every argument is declared with :class:`Cells` (the raw cells, no xlwings cleaning: its
default turns error cells into blanks) and every result with :class:`Result`, whose write stage
knows the runtime from the conversion engine and writes errors, NaN and infinity the way that
runtime shows them. :func:`excel_function` maps the core's two errors: an undefined result
returns :data:`DIV0`; invalid input raises :class:`ExcelInputError`, whose text is the core's
one-line message (Lite shows ``str(e)``, xlwings Server shows ``str(e)`` of an ``XlwingsError``,
classic writes the COM description into the cell).

A spilled table is a DataFrame made into rows by :func:`addin.cells.spill_rows` (the template
writes the same rows); this module only writes those rows' errors for the runtime.

Nothing here computes a metric: that is :mod:`addin.metrics`' job.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from itertools import chain

import numpy as np
import pandas as pd
import xlwings as xw
from pandas.api.types import infer_dtype
from xlwings.conversion import Accessor, RawValueAccessor, ValueAccessor

from ..cells import serial_of
from ..errors import InvalidInputError, UndefinedResultError
from ..metrics._inputs import excerpt, show

try:  # xlwings Lite (Pyodide >= 0.28) hands blanks inside ranges over as JsNull
    from pyodide.ffi import JsNull as _JsNull  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - CPython
    _JsNull = None

#: What every function is declared with: classic xlwings' Insert Function category, and the
#: number formats Lite and Server give the dates of a spilled table (a month, a day).
CATEGORY = "Retention metrics"
MONTHS = "yyyy-mm"
DAYS = "yyyy-mm-dd"


# --------------------------------------------------------------------------- Excel errors


class ExcelError:
    """An Excel error value such as ``#DIV/0!``: read from a cell, or returned as a result."""

    __slots__ = ("text",)

    # The COM (VT_ERROR) codes of classic Excel, as xlwings' _xlwindows.cell_errors lists them.
    COM_CODES = {
        "#NULL!": -2146826288,
        "#DIV/0!": -2146826281,
        "#VALUE!": -2146826273,
        "#REF!": -2146826265,
        "#NAME?": -2146826259,
        "#NUM!": -2146826252,
        "#N/A": -2146826246,
    }

    def __init__(self, text: str):
        self.text = text

    @property
    def com_code(self) -> int:
        return self.COM_CODES.get(self.text, self.COM_CODES["#VALUE!"])

    def __eq__(self, other) -> bool:
        return isinstance(other, ExcelError) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"ExcelError({self.text!r})"


DIV0 = ExcelError("#DIV/0!")  # an undefined result (a zero denominator)
NUM = ExcelError("#NUM!")  # a number Excel cannot hold (infinite, NaN)

_CODE_TO_ERROR = {code: ExcelError(text) for text, code in ExcelError.COM_CODES.items()}

# Office.js ErrorCellValue.errorType -> the text Excel shows
_OFFICEJS_ERROR_TYPES = {
    "Blocked": "#BLOCKED!", "Busy": "#BUSY!", "Calc": "#CALC!", "Connect": "#CONNECT!",
    "Div0": "#DIV/0!", "External": "#EXTERNAL!", "Field": "#FIELD!",
    "GettingData": "#GETTING_DATA", "NotAvailable": "#N/A", "Name": "#NAME?", "Null": "#NULL!",
    "Num": "#NUM!", "Ref": "#REF!", "Spill": "#SPILL!", "Value": "#VALUE!",
}


def _cell_error(value: dict) -> ExcelError:
    text = value.get("basicValue")
    if not isinstance(text, str) or not text.startswith("#"):
        text = _OFFICEJS_ERROR_TYPES.get(value.get("errorType"), "#VALUE!")
    return ExcelError(text)


# --------------------------------------------------------------------------- invalid input


def _input_error_class(com_exception: type | None) -> type:
    """The exception that carries the core's one-line message to the cell, in every runtime.

    - xlwings Lite shows ``str(error)``; xlwings Server shows ``str(error)`` only for an
      ``XlwingsError`` ("An error ocurred." for anything else in production): so it is one.
    - Classic xlwings: pywin32 turns any other exception into the COM description
      "Unexpected Python Error: Traceback ...", which xlwings' VBA wrapper writes into the
      cell. A ``win32com.server.exception.COMException`` instead carries its ``description``
      as it is, so on Windows the class is one of those too.
    """
    bases = (xw.XlwingsError,) if com_exception is None else (xw.XlwingsError, com_exception)

    def __init__(self, message: str):
        if com_exception is None:
            Exception.__init__(self, message)
        else:
            com_exception.__init__(self, description=message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    cls = type("ExcelInputError", bases, {
        "__init__": __init__,
        "__str__": __str__,
        "__module__": __name__,
        "__doc__": "Invalid input to an Excel function; ``str()`` is the core's message.",
    })
    return cls


try:  # classic xlwings runs on Windows with pywin32
    from win32com.server.exception import COMException as _COMException  # type: ignore
except ImportError:
    _COMException = None

ExcelInputError = _input_error_class(_COMException)


def excel_function(function=None, *, explain_undefined: bool = False):
    """Map the core's errors for Excel: undefined → ``#DIV/0!``, invalid → the message.

    Put it right above ``def`` (below the xlwings decorators); ``functools.wraps`` keeps the
    name, the docstring and the signature that xlwings reads.

    ``@excel_function(explain_undefined=True)`` shows an undefined result with its reason,
    like invalid input (``#VALUE!`` and the message in Lite/Server, the message in classic):
    for the model fits (CLV_MODEL, CLV_FORECAST), where "too few repeat buyers: needs 10, the
    data have 4" or "the fit did not converge" tells the analyst what to do and a bare
    ``#DIV/0!`` would not.
    """

    def decorate(function):
        @functools.wraps(function)
        def call(*args):
            try:
                return function(*args)
            except UndefinedResultError as error:
                if explain_undefined:
                    raise ExcelInputError(str(error)) from error
                return DIV0
            except InvalidInputError as error:
                raise ExcelInputError(str(error)) from error

        return call

    return decorate if function is None else decorate(function)


# --------------------------------------------------------------------------- arguments


def _classic_value(value):
    """A classic (COM) cell as the Office.js runtimes would send it: error codes marked,
    dates as serial numbers. Ranges arrive as tuples of row tuples."""
    if isinstance(value, (tuple, list)):
        return [_classic_value(v) for v in value]
    if type(value) is int and value in _CODE_TO_ERROR:  # VT_ERROR arrives as an int
        return _CODE_TO_ERROR[value]
    if isinstance(value, _dt.datetime):  # pywintypes.datetime, tz-aware UTC
        return serial_of(value)
    return value


class _CellsStage:
    """Leaves Office.js values as they are; rewrites classic COM values (see above)."""

    def __call__(self, ctx):
        if ctx.engine.name == "excel":
            ctx.value = _classic_value(ctx.value)


class Cells(Accessor):
    """Argument converter: the cells as Excel sent them, with no cleaning by xlwings.

    xlwings' default converter would turn an error cell into a blank and, in Office.js, costs a
    Python call per cell; this one hands the raw 2-D list (or scalar) to the function, which
    converts it with :func:`scalar` or :func:`cells`.
    """

    @classmethod
    def reader(cls, options):
        return RawValueAccessor.reader(options).append_stage(_CellsStage())


def _special(name: str, position: int | None, value):
    """A dict (Office.js data type or error), an ExcelError or JsNull, as a plain cell value."""
    where = name if position is None else f"{name}[{position}]"
    if isinstance(value, ExcelError) or (type(value) is dict and value.get("type") == "Error"):
        error = value if isinstance(value, ExcelError) else _cell_error(value)
        advice = "correct that cell" if position is None else "correct that cell or leave it blank"
        raise InvalidInputError(f"{where} is the error {excerpt(error.text)}: {advice}")
    if type(value) is dict:
        if "basicValue" in value and value.get("basicType") != "Error":
            return value["basicValue"]  # e.g. a FormattedNumber (a date data type)
        kind = value.get("type", "unknown")
        raise InvalidInputError(
            f"{where} is a data type ({excerpt(str(kind))}), expected a plain cell value"
        )
    if _JsNull is not None and isinstance(value, _JsNull):
        return None
    raise InvalidInputError(f"{where} is a range inside a cell, expected a plain cell value")


def _flatten(value) -> list:
    """Cells of a range row by row (ragged rows allowed); a single value as one cell."""
    if not isinstance(value, (list, tuple)):
        return [value]
    if not value:
        return []
    row_types = set(map(type, value))
    if row_types <= {list, tuple}:
        return list(chain.from_iterable(value))
    if not row_types & {list, tuple}:
        return list(value)  # a single row given as a 1-D list
    flat: list = []
    for item in value:
        if isinstance(item, (list, tuple)):
            flat.extend(item)
        else:
            flat.append(item)
    return flat


_NUMBERS_OR_BLANK = {float, int, type(None)}
_PLAIN = {float, int, type(None), str, bool, _dt.datetime, _dt.date, pd.Timestamp}
# pandas' infer_dtype (one pass in C, blanks skipped) of cells the fast path takes as they are
_NUMERIC_KINDS = {"integer", "floating", "mixed-integer-float", "empty"}
_PLAIN_KINDS = {"string", "boolean"}


def cells(name: str, value) -> np.ndarray:
    """A range argument (column, row, 2-D block, Table column) as a flat array for the core.

    Cells are read row by row. Numbers and blanks give a float64 array (blanks NaN); text gives
    an object array; both without a Python loop over the cells. Anything else takes the careful
    path: error cells are raised as invalid input naming their position
    (``answers[7] is the error #N/A``), data types give their value. Blank cells are left for
    the core to skip. Numpy arrays and pandas objects from Python callers are passed through.
    """
    if isinstance(value, (np.ndarray, pd.Series, pd.Index, pd.DataFrame)):
        return value
    if isinstance(value, list) and value and type(value[0]) is list:
        fast = _uniform_rows(value)
        if fast is not None:
            return fast
    flat = _flatten(value)
    kinds = set(map(type, flat))
    if kinds <= _NUMBERS_OR_BLANK:
        try:  # None becomes NaN, which the core skips as blank
            return np.array(flat, dtype=np.float64)
        except OverflowError:  # an int beyond a double (never from Excel)
            pass
    if not kinds <= _PLAIN:
        flat = [
            _special(name, position, v) if _is_special(v) else v
            for position, v in enumerate(flat, start=1)
        ]
    return np.fromiter(flat, dtype=object, count=len(flat))


def _uniform_rows(rows: list) -> np.ndarray | None:
    """The fast path for a list of row lists (what Office.js sends): all numbers/blanks, or all
    text/blanks. None when the cells are mixed or special (the careful path decides)."""
    try:
        flat = np.fromiter(chain.from_iterable(rows), dtype=object)
    except TypeError:  # a row that is not a list: not a 2-D range
        return None
    kind = infer_dtype(flat, skipna=True)
    if kind in _NUMERIC_KINDS:
        try:
            return flat.astype(np.float64)  # None becomes NaN
        except (OverflowError, TypeError, ValueError):
            return None
    if kind in _PLAIN_KINDS and set(map(type, rows)) <= {list, tuple}:
        return flat  # (a text row would have been split into characters: checked)
    return None


def is_range(value) -> bool:
    """True when an argument holds more than one cell (Office.js sends one cell as a scalar)."""
    if isinstance(value, (np.ndarray, pd.Series, pd.Index, pd.DataFrame)):
        return value.size > 1
    return isinstance(value, (list, tuple)) and len(_flatten(value)) > 1


def scalar(name: str, value, default=None):
    """A single-value argument for the core: one cell, unwrapped; blank gives ``default``.

    Text, booleans and the like are passed on, for the core to accept or refuse with its own
    message; an error cell or a range of several cells is invalid here.
    """
    if isinstance(value, (list, tuple)):
        flat = _flatten(value)
        if len(flat) > 1:
            raise InvalidInputError(
                f"{name} is a range of {len(flat)} cells, expected a single value"
            )
        value = flat[0] if flat else None
    if type(value) not in _PLAIN and _is_special(value):
        value = _special(name, None, value)
    if value is None or (isinstance(value, str) and value == ""):
        return default
    return value


def _is_special(value) -> bool:
    return (
        isinstance(value, (ExcelError, dict, list, tuple))
        or (_JsNull is not None and isinstance(value, _JsNull))
    )


def flag(name: str, value, default: bool) -> bool:
    """A TRUE/FALSE argument the way Excel reads one: a logical, a number (0 is FALSE) or the
    text TRUE/FALSE; blank gives ``default``."""
    value = scalar(name, value, default)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        if value.strip().upper() in ("TRUE", "FALSE"):
            return value.strip().upper() == "TRUE"
        raise InvalidInputError(f"{name} is text {show(value)}, expected TRUE or FALSE")
    if isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(value):
        return value != 0
    raise InvalidInputError(f"{name} is {show(value)}, expected TRUE or FALSE")


# --------------------------------------------------------------------------- results


def _engine_cell(value, classic: bool):
    """One result cell for the runtime: errors as that runtime shows them."""
    if isinstance(value, float) and not math.isfinite(value):
        value = NUM  # NaN is blank in classic and #NUM! in Office.js; inf is not JSON
    if isinstance(value, ExcelError):
        return _com_error(value) if classic else value.text  # Office.js maps "#..." strings
    return value


def _com_error(error: ExcelError):
    """A VT_ERROR variant: what classic Excel shows as an error value (CVErr in VBA)."""
    import pythoncom  # type: ignore[import-not-found]  # classic xlwings: Windows + pywin32
    from win32com.client import VARIANT  # type: ignore[import-not-found]

    return VARIANT(pythoncom.VT_ERROR, error.com_code)


class _ResultStage:
    def __call__(self, ctx):
        classic = ctx.engine.name == "excel"
        value = ctx.value
        if isinstance(value, list):
            ctx.value = [
                [_engine_cell(cell, classic) for cell in row] if isinstance(row, list)
                else _engine_cell(row, classic)
                for row in value
            ]
        else:
            ctx.value = _engine_cell(value, classic)


class Result(Accessor):
    """Return converter: xlwings' value writer, after writing errors for the runtime.

    ``#DIV/0!`` and ``#NUM!`` become the error strings that xlwings' Office.js engine turns into
    error objects, or the VT_ERROR variants classic Excel shows as errors; a NaN or infinite
    number becomes ``#NUM!`` in every runtime.
    """

    @classmethod
    def writer(cls, options):
        return ValueAccessor.writer(options).prepend_stage(_ResultStage())
