"""The Python side of tests/lite_pyodide.mjs: runs inside Pyodide, as xlwings Lite's runtime.

Transcribed from xlwings-server's ``xlwings_server/wasm/wasm_runtime.py`` (the code xlwings
Lite shares): the runtime sets ``XLWINGS_ON_SERVER`` before xlwings is imported, makes a
module named ``main`` from the main.py string (``create_module_from_string``) and asks
``xlwings.server`` for the functions and scripts it declares, then calls them with the
payloads Office.js sends. Lite reads main.py again for each of these steps, so it is made
twice here. The licence key "noncommercial" is for our noncommercial testing only; Lite
supplies its own. ``REQUEST`` (JSON) is set by the Node script, which then awaits
:func:`main` and takes its result as JSON.
"""

import contextlib
import importlib.util
import io
import json
import os
import sys
import traceback

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"

import js  # noqa: E402
import numpy  # noqa: E402
import pandas  # noqa: E402
import scipy  # noqa: E402
import xlwings as xw  # noqa: E402
import xlwings.server  # noqa: E402
from xlwings.server import Caller, caller_from_address  # noqa: E402


def create_module_from_string(module_string, module_name):
    spec = importlib.util.spec_from_loader(module_name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(module_string, module.__dict__)
    sys.modules[module_name] = module
    return module


async def call_function(module, call):
    data = {
        "func_name": call["name"],
        "args": call["args"],
        "caller_address": "[Book1.xlsx]Sheet1!A1",
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "date_format": None,
        "culture_info_name": "en-US",
    }
    try:
        caller = caller_from_address(data["caller_address"])
    except xw.XlwingsError:
        caller = None
    try:
        return await xlwings.server.custom_functions_call(
            data, module=module, typehint_to_value={Caller: caller})
    except Exception as error:  # Lite answers str(e): the cell shows #VALUE! with it
        return {"error": str(error), "details": traceback.format_exc()}


async def run_script(module, run):
    printed = io.StringIO()
    book = xw.Book(json=run["book"])
    try:
        with contextlib.redirect_stdout(printed):
            book = await xlwings.server.custom_scripts_call(
                module=module, script_name=run["script"], typehint_to_value={xw.Book: book})
        final = book.json()["actions"]
        error = None
    except Exception as exc:
        final, error = [], f"{exc}\n{traceback.format_exc()}"
    # actions flushed to Excel before a read (runActions), then those returned at the end
    flushed = [action for batch in js.liteFlushed.splice(0) for action in json.loads(batch)]
    return {"actions": flushed + final, "printed": printed.getvalue(), "error": error}


async def main():
    request = json.loads(REQUEST)  # noqa: F821 - set by the Node script
    module = create_module_from_string(request["main_py"], "main")
    functions = xlwings.server.custom_functions_meta(module)
    scripts = xlwings.server.custom_scripts_meta(module)
    module = create_module_from_string(request["main_py"], "main")
    return {
        "platform": {
            "sys.platform": sys.platform,
            "python": sys.version.split()[0],
            "numpy": numpy.__version__,
            "pandas": pandas.__version__,
            "scipy": scipy.__version__,
            "xlwings": xw.__version__,
            "numpy.int_": numpy.dtype(numpy.int_).itemsize * 8,
            "addin": sys.modules["addin"].__file__,
        },
        "functions": functions,
        "scripts": scripts,
        "calls": [await call_function(module, call) for call in request["calls"]],
        "runs": [await run_script(module, run) for run in request["scripts"]],
    }

