"""Helpers for the Excel-function tests: call addin.udfs through xlwings' Office.js code path.

``xlwings.server.custom_functions_call`` is what xlwings Lite (in Pyodide) and xlwings Server
(behind FastAPI) run for every formula; here it gets payloads shaped like the ones Office.js
sends: each argument a 2-D list (``[[5]]`` for one cell), ``None`` (JSON null) for blanks and
omitted arguments, serial numbers for dates, strings for text, and error cells as
``{"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}``.

:func:`shown` goes one step further and returns what the cell shows, applying the two hosts'
exception handling (transcribed from xlwings-server: ``app/main.py`` and ``app/lite/main.py``):
xlwings Server answers ``str(e)`` for an ``XlwingsError`` and "An error ocurred." for anything
else; Lite answers ``str(e)``; the add-in's JavaScript then throws
``CustomFunctions.Error(invalidValue, message)``, i.e. ``#VALUE!`` with that message.

Run ``python tests/udf_helpers.py`` to rewrite the function list in docs/excel-functions.md.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

# xlwings picks its decorators when first imported; tests/conftest.py sets these already.
os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # noncommercial testing only

import xlwings as xw  # noqa: E402
from xlwings import server  # noqa: E402

# xlwings tries `from pyodide.ffi import JsNull` for every argument of every call (to_scalar,
# is_jsnull); outside Pyodide each failed import searches sys.path (~0.1 ms). Marking the
# module absent makes the same ImportError immediate; behaviour is unchanged.
sys.modules.setdefault("pyodide", None)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "excel-functions.md"
DOC_START = "<!-- functions: generated from addin.udfs by tests/udf_helpers.py; do not edit -->"
DOC_END = "<!-- end of functions -->"


def _load_udfs():
    import addin.udfs as udfs

    if "required_roles" in getattr(udfs.CRR, "__xlfunc__", {}):
        return udfs
    # xlwings was imported before the variables above were set, so xw.func is the no-op
    # (Linux) variant: decorate the functions again with the Office.js decorators. They live
    # in the package's modules by concept, so those are reloaded, then the package itself.
    with mock.patch.multiple(xw, func=server.func, arg=server.arg, ret=server.ret):
        for name in sorted(sys.modules):
            module = sys.modules[name]
            if name.startswith("addin.udfs.") and name != "addin.udfs.values" and module:
                importlib.reload(module)
        return importlib.reload(udfs)


udfs = _load_udfs()
FUNCTION_NAMES = list(udfs.__all__)

_loop = asyncio.new_event_loop()


def payload(name: str, args, runtime: str = "1.4", date_format: str | None = None) -> dict:
    return {
        "func_name": name,
        "args": list(args),
        "caller_address": "[Book1.xlsx]Sheet1!B2",
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": runtime,
        "date_format": date_format,
        "culture_info_name": "en-US",
    }


def as_cell(value):
    """A Python value as Office.js sends an argument: a 2-D list; None stays None."""
    if value is None or isinstance(value, list):
        return value
    return [[value]]


def col(*values) -> list[list]:
    """A one-column range."""
    return [[v] for v in values]


def call(name: str, *args, runtime: str = "1.4", date_format: str | None = None):
    """The result of ``custom_functions_call``; exceptions propagate as xlwings lets them."""
    data = payload(name, [as_cell(a) for a in args], runtime, date_format)
    return _loop.run_until_complete(server.custom_functions_call(data, udfs))


def call_raw(name: str, args, runtime: str = "1.4"):
    """Like :func:`call` with the argument list exactly as given (no wrapping)."""
    return _loop.run_until_complete(server.custom_functions_call(payload(name, args, runtime), udfs))


@dataclass(frozen=True)
class Shown:
    """An error cell: ``#DIV/0!``, ``#NUM!`` or ``#VALUE!`` with the message of its tooltip."""

    error: str
    message: str | None = None


DIV0 = Shown("#DIV/0!")
NUM = Shown("#NUM!")
_ERROR_TYPES = {"Div0": "#DIV/0!", "Num": "#NUM!", "NotAvailable": "#N/A", "Value": "#VALUE!"}


def host_message(error: Exception, host: str = "server") -> str:
    """The message the add-in receives from each host for an exception from the function."""
    if host == "lite":
        return str(error)
    return str(error) if isinstance(error, xw.XlwingsError) else "An error ocurred."


def shown(name: str, *args, host: str = "server"):
    """What the cell shows: a number, a 2-D table (list of rows) or a :class:`Shown` error."""
    try:
        result = call(name, *args)
    except Exception as error:  # noqa: BLE001 - the host turns any exception into #VALUE!
        return Shown("#VALUE!", host_message(error, host))
    return unwrap(result)


def unwrap(result):
    """A custom-function result as the cell shows it: a scalar for 1×1, error objects as Shown."""
    rows = [[_cell(v) for v in row] for row in result]
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    return rows


def _cell(value):
    if isinstance(value, dict) and value.get("type") == "Error":
        return Shown(_ERROR_TYPES.get(value["errorType"], value["errorType"]))
    if isinstance(value, dict) and value.get("type") == "FormattedNumber":
        return value["basicValue"]
    return value


# --------------------------------------------------------------------------- the catalogue


def signature(function) -> str:
    """``CRR(start_customers, end_customers, new_customers)``, optional arguments in brackets."""
    parts = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.default is inspect.Parameter.empty:
            parts.append(parameter.name)
        else:
            default = parameter.default
            shown_default = "" if default is None else f"={_excel_literal(default)}"
            parts.append(f"[{parameter.name}{shown_default}]")
    return f"{function.__name__}({', '.join(parts)})"


def _excel_literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def functions_markdown() -> str:
    """The function reference of docs/excel-functions.md, generated from addin.udfs."""
    lines = [DOC_START, ""]
    for name in FUNCTION_NAMES:
        function = getattr(udfs, name)
        lines.append(f"### `={signature(function)}`")
        lines.append("")
        lines.append(function.__doc__.strip())
        lines.append("")
        for arg in function.__xlfunc__["args"]:
            optional = " (optional)" if "optional" in arg else ""
            lines.append(f"- `{arg['name']}`{optional}: {arg['doc']}")
        lines.append("")
    lines.append(DOC_END)
    return "\n".join(lines)


def documented_functions(text: str) -> str:
    match = re.search(re.escape(DOC_START) + r".*?" + re.escape(DOC_END), text, re.S)
    return match.group(0) if match else ""


def write_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    current = documented_functions(text)
    if not current:
        raise SystemExit(f"{DOC} has no generated section between the markers")
    DOC.write_text(text.replace(current, functions_markdown()), encoding="utf-8")


if __name__ == "__main__":
    write_docs()
    print(f"rewrote the function list of {DOC}")
