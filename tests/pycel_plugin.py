"""pycel plugin: our Excel functions, so pycel can evaluate the template's function cells.

``ExcelCompiler(..., plugins=["pycel_plugin"])`` resolves an Excel function FOO to ``foo`` in
this module. Each one forwards to the upper-case function of :mod:`addin.udfs`, converting
pycel's shapes to what xlwings' Office.js runtime hands a custom function (a range is a list
of row lists, a date a serial number, an error cell an error value) and the result back to
pycel's (an error is its text, a spilled table a tuple of row tuples).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from addin import udfs
from addin.cells import serial_of
from addin.errors import InvalidInputError, UndefinedResultError
from addin.excel.template import UDF_NAMES
from addin.udfs.values import ExcelError

_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _arg(value):
    """A pycel argument as Office.js sends it: ranges as lists of row lists."""
    if isinstance(value, (tuple, list)):
        return [_arg(v) for v in value]
    if isinstance(value, str) and value in _ERRORS:
        return ExcelError(value)
    if isinstance(value, dt.datetime):
        return serial_of(value)
    return value


def _cell(value):
    if isinstance(value, ExcelError):
        return value.text
    if isinstance(value, (dt.datetime, dt.date)):
        return serial_of(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _result(value):
    if isinstance(value, (list, tuple)):
        rows = [row if isinstance(row, (list, tuple)) else [row] for row in value]
        width = max(len(row) for row in rows)
        return tuple(tuple(_cell(c) for c in row) + (None,) * (width - len(row)) for row in rows)
    return _cell(value)


def _forward(name: str):
    def call(*args):
        try:
            return _result(getattr(udfs, name)(*(_arg(a) for a in args)))
        except UndefinedResultError:
            return "#DIV/0!"
        except (InvalidInputError, ValueError, TypeError):
            return "#VALUE!"
        except Exception as error:  # noqa: BLE001 - xlwings' input errors (ExcelInputError)
            if type(error).__name__ == "ExcelInputError":
                return "#VALUE!"
            raise

    call.__name__ = name.lower()
    return call


for _name in UDF_NAMES:  # every function the template calls
    globals()[_name.lower()] = _forward(_name)


def error_type(value):
    """Excel's ERROR.TYPE, which pycel lacks (the template's "Function = native" cells use it)."""
    codes = {"#NULL!": 1, "#DIV/0!": 2, "#VALUE!": 3, "#REF!": 4, "#NAME?": 5, "#NUM!": 6,
             "#N/A": 7}
    return codes.get(value, "#N/A") if isinstance(value, str) else "#N/A"
