"""The template's own main.py, run in real Pyodide under Node, the way xlwings Lite runs it.

The committed template's ``main.py`` and ``requirements.txt`` are read back out of the xlsx
(Lite's part), every line of requirements.txt is installed offline from the folder
``tests/lite_fetch.py`` prepared (Pyodide 0.27.7, its official numpy 2.0.2 / pandas 2.2.3 /
scipy 1.14.1 wheels, sha256-checked, and pure-Python wheels from PyPI), and
tests/lite_pyodide.mjs + tests/lite_runtime.py run it as Lite's runtime does. Then:

- the functions Lite would register are exactly ``addin.udfs.__all__``, with no namespace
  (cells call =CRR(), not =SOMETHING.CRR()), and the scripts are Refresh report and
  Activate functions;
- every function gives, on the guides' worked examples and on ranges of the sample company
  (scalars and ranges: wasm32 is a 32-bit platform, numpy's default integer is 32 bits),
  what the same call gives in CPython through xlwings' Office.js code path -- and the
  guides' numbers;
- Refresh report on the template's own Tables (xlwings' book JSON) gives the writes the
  CPython refresh gives (tests/test_refresh.py checks those against the report);
- Activate functions, on the template as Excel shows it before Lite registered the
  functions (every function cell #NAME?), re-enters exactly the template's function cells.

Pyodide 314 (pandas 3, Lite's current default for new workbooks) has no offline source
here; pandas 3 is covered by the CPython tests. Without the runtime folder this test is
skipped, unless ``RETENTION_LITE_RUNTIME`` names it (as .ci/run does): then it must exist.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from book_json import book_json, run_script
from test_udfs_call import EXCEL, VALUES
from udf_helpers import call, col

from addin import refresh
from addin.cells import parse_address, serial_of
from addin.guides import EXAMPLES
from addin.lite.activate import reentered
from addin.lite.bundle import requirement_names
from addin.lite.part import read_lite_part
from addin.sample_data import generate_company
from addin.udfs import __all__ as FUNCTION_NAMES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_templates" / "retention_template.xlsx"
RUNTIME = Path(os.environ.get("RETENTION_LITE_RUNTIME", ROOT / ".ci" / "cache" / "lite"))

if not (RUNTIME / "READY").exists():
    if os.environ.get("RETENTION_LITE_RUNTIME"):
        raise RuntimeError(f"RETENTION_LITE_RUNTIME={RUNTIME} is not ready: "
                           "run `python tests/lite_fetch.py` with that folder")
    pytest.skip(f"no Pyodide runtime in {RUNTIME}: run `python tests/lite_fetch.py {RUNTIME}`",
                allow_module_level=True)
if shutil.which("node") is None:
    pytest.fail("node is not installed (.ci/run installs it)", pytrace=False)

pytestmark = pytest.mark.slow

PREDICTIVE = {"CLV_MODEL", "CLV_FORECAST"}  # fitted by scipy's optimiser: 1e-6, not 1e-9


# --------------------------------------------------------------------------- the calls


def _serials(values) -> list[list]:
    return col(*(serial_of(v.date()) if hasattr(v, "date") else v for v in values))


def _calls() -> list[dict]:
    """Every function: the guides' examples, one value each, and ranges of sample data."""
    calls = []
    for ex in EXAMPLES:
        for function, inputs, value in ((ex.function, ex.inputs, ex.value),) + (
                ((ex.correction.function, ex.correction.inputs, ex.correction.value),)
                if ex.correction else ()):
            name, args = EXCEL[function](inputs)
            calls.append({"id": ex.id, "name": name, "args": args, "guide": value})
    calls += [{"id": f"value {name}", "name": name, "args": list(args), "guide": expected}
              for name, args, expected in VALUES]
    tables = generate_company(customers=60)
    orders, subs = tables["Orders"], tables["Subscriptions"]
    ids, days, amounts = (col(*orders["customer_id"]), _serials(orders["order_date"]),
                          col(*orders["amount"]))
    ranges = {
        "COHORT_RETENTION": [ids, days],
        "MRR_MOVEMENTS": [col(*subs["customer_id"]), _serials(subs["month"]), col(*subs["mrr"])],
        "CLV_MODEL": [ids, days, amounts],
        "CLV_FORECAST": [ids, days, amounts, [[26]]],
        "NPS": [col(*tables["NPS"]["score"])],
        "NPS_MOE": [col(*tables["NPS"]["score"])],
        "TBP": [ids, days],
        "RPR": [ids],
        "LOYAL_RATE": [ids],
        "DAU_MAU": [col(*tables["Activity"]["user_id"]), _serials(tables["Activity"]["date"])],
        "ARPA": [[[float(subs["mrr"].sum())]], [[60]]],
    }
    calls += [{"id": f"range {name}", "name": name, "args": args} for name, args in ranges.items()]
    calls += [  # errors: #DIV/0! as a value, invalid input as #VALUE! with the message
        {"id": "div0", "name": "CHURN_RATE", "args": [[[0]], [[0]]]},
        {"id": "invalid", "name": "CRR", "args": [[[-20]], [[24]], [[5]]]},
    ]
    for c in calls:
        c["args"] = [a if a is None or isinstance(a, list) else [[a]] for a in c["args"]]
    return calls


def _cpython(c: dict):
    try:
        return call(c["name"], *c["args"])
    except Exception as error:  # noqa: BLE001 - Lite answers str(e)
        return {"error": str(error)}


# --------------------------------------------------------------------------- the run


def _function_cells(path: Path) -> dict[str, dict[str, str]]:
    """sheet -> cell -> formula of every formula of the workbook (what Lite's client reads)."""
    wb = openpyxl.load_workbook(path)
    cells: dict[str, dict[str, str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = getattr(c.value, "text", c.value)
                if isinstance(value, str) and value.startswith("="):
                    cells.setdefault(ws.title, {})[c.coordinate] = value
    return cells


def _before_activation(payload: dict, formulas: dict) -> dict:
    """The book as Excel shows it before Lite registered our functions: #NAME? in their cells."""
    shown = copy.deepcopy(payload)
    for sheet in shown["sheets"]:
        for address, formula in formulas.get(sheet["name"], {}).items():
            if reentered(formula):
                row, column = parse_address(address)
                sheet["values"][row - 1][column - 1] = "#NAME?"
    return shown


def _offline() -> list[str]:
    """``unshare -n`` (no network at all) where this machine allows it: proof of offline."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"],
                                                  capture_output=True).returncode == 0:
        return ["unshare", "-n"]
    return []


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    part = read_lite_part(TEMPLATE)
    assert part is not None, f"{TEMPLATE.name} carries no xlwings Lite part"
    formulas = _function_cells(TEMPLATE)
    payload = book_json(openpyxl.load_workbook(TEMPLATE, data_only=True), TEMPLATE.name)
    calls = _calls()
    request = {
        "main_py": part["main.py"],
        "requirements": requirement_names(part["requirements.txt"]),
        "calls": [{"name": c["name"], "args": c["args"]} for c in calls],
        "scripts": [{"script": "refresh_report", "book": payload},
                    {"script": "activate_functions", "book": _before_activation(payload, formulas)}],
        "formulas": formulas,
    }
    folder = tmp_path_factory.mktemp("lite")
    (folder / "request.json").write_text(json.dumps(request))
    run = subprocess.run(
        [*_offline(), "node", str(ROOT / "tests" / "lite_pyodide.mjs"), str(RUNTIME),
         str(folder / "request.json"), str(folder / "result.json")],
        capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads((folder / "result.json").read_text())
    print("Pyodide seconds:", result["seconds"])
    return {"calls": calls, "result": result["result"], "payload": payload,
            "formulas": formulas, "seconds": result["seconds"]}


# --------------------------------------------------------------------------- comparing


def _same(a, b, rel: float) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            return False
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel, abs_tol=rel)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rel) for k in a)
    return a == b


_WHEN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _timeless(actions: list[dict]) -> list[dict]:
    """Actions with the status line's time of day blanked (the two runs differ by seconds)."""
    return json.loads(_WHEN.sub("<time>", json.dumps(actions)))


# --------------------------------------------------------------------------- the tests


def test_runs_in_pyodide_0_27_7_from_the_archive(lite):
    platform = lite["result"]["platform"]
    assert platform["sys.platform"] == "emscripten"
    assert (platform["python"], platform["numpy"], platform["pandas"], platform["scipy"],
            platform["xlwings"]) == ("3.12.7", "2.0.2", "2.2.3", "1.14.1", "0.37.8")
    assert platform["numpy.int_"] == 32  # wasm32: the 32-bit platform the ranges run on
    assert platform["addin"].startswith("/tmp/retention-addin/")  # imported from main.py's zip
    assert platform["addin"].endswith(".zip/addin/__init__.py")


def test_registers_every_function_without_a_namespace(lite):
    functions = lite["result"]["functions"]["functions"]
    assert sorted(f["name"] for f in functions) == sorted(FUNCTION_NAMES)
    assert all("." not in f["name"] for f in functions)


def test_offers_the_two_scripts(lite):
    scripts = {s["function_name"]: s for s in lite["result"]["scripts"]}
    assert set(scripts) == {"refresh_report", "activate_functions"}
    assert scripts["refresh_report"]["name"] == "Refresh report"
    assert scripts["refresh_report"]["button"] == "[Refresh_Report]Report!J2"
    assert scripts["activate_functions"]["name"] == "Activate functions"


def test_every_function_gives_what_cpython_gives(lite):
    results = lite["result"]["calls"]
    assert len(results) == len(lite["calls"])
    called = {c["name"] for c in lite["calls"]}
    assert called == set(FUNCTION_NAMES), set(FUNCTION_NAMES) - called
    differ = []
    for c, got in zip(lite["calls"], results):
        rel = 1e-6 if c["name"] in PREDICTIVE else 1e-9
        details = got.pop("details", "") if isinstance(got, dict) else ""
        if not _same(got, _cpython(c), rel):
            differ.append((c["id"], str(got)[:300], details[-600:]))
    assert not differ, differ


def test_the_guides_numbers(lite):
    for c, got in zip(lite["calls"], lite["result"]["calls"]):
        if "guide" in c:
            assert got == [[pytest.approx(c["guide"], rel=1e-4)]], c["id"]


def test_errors_as_lite_shows_them(lite):
    by_id = {c["id"]: got for c, got in zip(lite["calls"], lite["result"]["calls"])}
    assert by_id["div0"][0][0]["errorType"] == "Div0"
    assert "start_customers" in by_id["invalid"]["error"]


def test_refresh_report_on_the_templates_tables(lite):
    run = lite["result"]["runs"][0]
    assert run["error"] is None, run["error"]
    expected = run_script(refresh, "refresh_report", lite["payload"])
    assert len(run["actions"]) == len(expected)
    # the predictive CLV blocks come from scipy's optimiser: equal to 1e-6, the rest exactly
    assert _same(_timeless(run["actions"]), _timeless(expected), 1e-6)
    values = [a for a in run["actions"] if a["func"] == "setValues"]
    assert len(values) > 10  # the Report sheet's blocks, not just the status line


def test_activate_functions_reenters_the_templates_function_cells(lite):
    run = lite["result"]["runs"][1]
    assert run["error"] is None, run["error"]
    sheets = [s["name"] for s in lite["payload"]["sheets"]]
    written = {(sheets[a["sheet_position"]], a["start_row"] + 1, a["start_column"] + 1):
               a["values"] for a in run["actions"] if a["func"] == "setFormula"}
    expected = {(sheet, *parse_address(cell)): [[formula]]
                for sheet, cells in lite["formulas"].items()
                for cell, formula in cells.items() if reentered(formula)}
    assert len(expected) == 60
    assert written == expected
    assert "re-entered 60 formulas" in run["printed"]
