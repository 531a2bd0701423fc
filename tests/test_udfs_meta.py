"""The catalogue of Excel functions as xlwings Lite and xlwings Server register it.

``xlwings.server.custom_functions_meta(addin.udfs)`` is the JSON the Office.js add-in hands
Excel: every function of the issue's table, with its description (the docstring) and every
parameter's description. Classic xlwings registers the same names and texts (Import
Functions), cut at the 255 characters Excel's MacroOptions accepts, so they are kept shorter.
"""

import ast
import inspect
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from udf_helpers import (
    DOC,
    FUNCTION_NAMES,
    documented_functions,
    functions_markdown,
    server,
    signature,
    udfs,
)

ROOT = Path(__file__).resolve().parents[1]

# The table: Excel name -> parameters, optional ones in brackets.
CATALOGUE = {
    "CRR": ["start_customers", "end_customers", "new_customers"],
    "CHURN_RATE": ["start_customers", "lost_customers"],
    "ANNUALIZED_CHURN": ["periodic_rate", "[periods_per_year]"],
    "REVENUE_CHURN": ["mrr_start", "mrr_end", "expansion_mrr"],
    "GROSS_REVENUE_CHURN": ["mrr_start", "churned_mrr", "contraction_mrr"],
    "GRR": ["mrr_start", "churned_mrr", "contraction_mrr"],
    "NET_REVENUE_CHURN": ["mrr_start", "churned_mrr", "contraction_mrr", "expansion_mrr"],
    "NRR": ["mrr_start", "churned_mrr", "contraction_mrr", "expansion_mrr"],
    "QUICK_RATIO": ["new_mrr", "expansion_mrr", "churned_mrr", "contraction_mrr"],
    "REVENUE_GROWTH": ["mrr_start", "mrr_end"],
    "RPR": ["returning_or_customer_ids", "[total_customers]"],
    "RETURN_RATE": ["units_returned", "units_sold"],
    "LOYAL_RATE": ["repeat_or_customer_ids", "[total_customers]"],
    "DSO": ["receivables", "revenue", "[days]"],
    "NPS": ["answers_or_promoters", "[passives]", "[detractors]"],
    "NPS_MOE": ["answers", "[confidence]"],
    "TBP": ["customer_ids", "purchase_dates"],
    "CLV": ["annual_revenue", "customers", "lifespan_years"],
    "CLV_CHURN": ["arpa", "gross_margin", "churn_rate"],
    "ARPA": ["revenue", "customers"],
    "CRC": ["retention_spend", "customers"],
    "DAU_MAU": ["dau_or_user_ids", "mau_or_dates"],
    "COHORT_RETENTION": ["customer_ids", "activity_dates", "[counts]"],
    "MRR_MOVEMENTS": ["customer_ids", "months", "mrr"],
    "CUSTOMER_LIFETIME": ["churn_rate"],
    "RETENTION_VALUE": ["customers", "arpa", "gross_margin", "churn_rate", "churn_reduction",
                        "[discount_rate]"],
    "RETENTION_ROI": ["customers", "arpa", "gross_margin", "churn_rate", "churn_reduction",
                      "program_cost", "[discount_rate]"],
    "PROFIT_UPLIFT": ["retention_rate", "retention_gain", "years", "[profit_growth]"],
    "LTV_CAC": ["ltv", "cac"],
    "CAC_PAYBACK": ["cac", "arpa", "gross_margin"],
    "CLV_MODEL": ["customer_ids", "order_dates", "amounts", "[calibration_end]", "[time_unit]"],
    "CLV_FORECAST": ["customer_ids", "order_dates", "amounts", "[horizon]", "[discount_rate]",
                     "[calibration_end]", "[time_unit]"],
}

DEFAULTS = {
    ("ANNUALIZED_CHURN", "periods_per_year"): 12,
    ("DSO", "days"): 365,
    ("NPS_MOE", "confidence"): 0.95,
    ("COHORT_RETENTION", "counts"): False,
    ("RPR", "total_customers"): None,
    ("LOYAL_RATE", "total_customers"): None,
    ("NPS", "passives"): None,
    ("NPS", "detractors"): None,
    ("RETENTION_VALUE", "discount_rate"): 0,
    ("RETENTION_ROI", "discount_rate"): 0,
    ("PROFIT_UPLIFT", "profit_growth"): 0,
    ("CLV_MODEL", "calibration_end"): None,
    ("CLV_MODEL", "time_unit"): "W",
    ("CLV_FORECAST", "horizon"): 52,
    ("CLV_FORECAST", "discount_rate"): None,
    ("CLV_FORECAST", "calibration_end"): None,
    ("CLV_FORECAST", "time_unit"): "W",
}


def expected_entry(name, parameters):
    function = getattr(udfs, name)
    docs = {arg["name"]: arg["doc"] for arg in function.__xlfunc__["args"]}
    entry = {
        "description": function.__doc__,
        "id": name,
        "name": name,
        "options": {"requiresAddress": True, "requiresParameterAddresses": True},
        "result": {"dimensionality": "matrix", "type": "any"},
        "parameters": [],
    }
    for parameter in parameters:
        optional = parameter.startswith("[")
        parameter = parameter.strip("[]")
        item = {
            "description": docs[parameter],
            "name": parameter,
            "dimensionality": "matrix",
            "type": "any",
        }
        if optional:
            item["optional"] = True
        entry["parameters"].append(item)
    return entry


@pytest.fixture(scope="module")
def meta():
    return server.custom_functions_meta(udfs)


def test_the_whole_catalogue(meta):
    expected = {
        "allowCustomDataForDataTypeAny": True,
        "allowErrorForDataTypeAny": True,
        "functions": [expected_entry(name, CATALOGUE[name]) for name in sorted(CATALOGUE)],
    }
    assert meta == expected


def test_module_exports_exactly_the_catalogue():
    assert sorted(FUNCTION_NAMES) == sorted(CATALOGUE)
    decorated = sorted(n for n, f in inspect.getmembers(udfs) if hasattr(f, "__xlfunc__"))
    assert decorated == sorted(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_same_name_in_every_runtime(name):
    # classic registers the Python name as written, Lite and Server upper-case it
    function = getattr(udfs, name)
    assert function.__name__ == name == name.upper()
    assert function.__xlfunc__["name"] == name


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_help_texts(name, meta):
    entry = next(f for f in meta["functions"] if f["name"] == name)
    description = entry["description"]
    assert description == getattr(udfs, name).__doc__
    # one paragraph that the Insert Function dialog shows whole, classic included (255 max)
    assert description.strip() == description and "\n" not in description
    assert 40 <= len(description) <= 255, len(description)
    for parameter in entry["parameters"]:
        text = parameter["description"]
        assert not text.startswith("Positional argument"), (name, parameter["name"])
        assert text.endswith(".") and 10 <= len(text) <= 255, (name, parameter["name"])


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_optional_arguments_have_defaults(name):
    parameters = inspect.signature(getattr(udfs, name)).parameters
    for parameter in CATALOGUE[name]:
        if parameter.startswith("["):
            key = parameter.strip("[]")
            assert parameters[key].default == DEFAULTS[(name, key)]
            assert getattr(udfs, name).__xlfunc__["args"][list(parameters).index(key)][
                "optional"
            ] == DEFAULTS[(name, key)]
        else:
            assert parameters[parameter].default is inspect.Parameter.empty


def test_every_argument_reads_raw_cells_and_every_result_is_converted_for_the_runtime():
    from addin.udfs.values import Cells, Result

    for name in CATALOGUE:
        xlfunc = getattr(udfs, name).__xlfunc__
        assert all(arg["options"]["convert"] is Cells for arg in xlfunc["args"]), name
        assert xlfunc["ret"]["options"]["convert"] is Result, name


def test_tables_spill_and_never_write_outside_their_range():
    # no legacy expand="table" (classic writes outside the formula's cell with it)
    for name in CATALOGUE:
        assert "expand" not in getattr(udfs, name).__xlfunc__["ret"]["options"]


def test_signatures_as_documented():
    assert signature(udfs.DSO) == "DSO(receivables, revenue, [days=365])"
    assert signature(udfs.COHORT_RETENTION) == (
        "COHORT_RETENTION(customer_ids, activity_dates, [counts=FALSE])"
    )
    assert signature(udfs.NPS) == "NPS(answers_or_promoters, [passives], [detractors])"
    # the signatures of the retention-economics and predictive-CLV functions
    assert signature(udfs.CUSTOMER_LIFETIME) == "CUSTOMER_LIFETIME(churn_rate)"
    assert signature(udfs.RETENTION_VALUE) == (
        "RETENTION_VALUE(customers, arpa, gross_margin, churn_rate, churn_reduction, "
        "[discount_rate=0])"
    )
    assert signature(udfs.RETENTION_ROI) == (
        "RETENTION_ROI(customers, arpa, gross_margin, churn_rate, churn_reduction, "
        "program_cost, [discount_rate=0])"
    )
    assert signature(udfs.PROFIT_UPLIFT) == (
        "PROFIT_UPLIFT(retention_rate, retention_gain, years, [profit_growth=0])"
    )
    assert signature(udfs.LTV_CAC) == "LTV_CAC(ltv, cac)"
    assert signature(udfs.CAC_PAYBACK) == "CAC_PAYBACK(cac, arpa, gross_margin)"
    assert signature(udfs.CLV_MODEL) == (
        'CLV_MODEL(customer_ids, order_dates, amounts, [calibration_end], [time_unit="W"])'
    )
    assert signature(udfs.CLV_FORECAST) == (
        "CLV_FORECAST(customer_ids, order_dates, amounts, [horizon=52], [discount_rate], "
        '[calibration_end], [time_unit="W"])'
    )


def test_docs_list_every_function_as_the_module_defines_it():
    # docs/excel-functions.md carries a generated list; `python tests/udf_helpers.py` rewrites it
    documented = documented_functions(DOC.read_text(encoding="utf-8"))
    assert documented == functions_markdown(), "run: python tests/udf_helpers.py"


def test_no_formula_in_the_udf_layer():
    # every number comes from addin.metrics: no arithmetic in the modules of the functions
    # (values.py, the conversion, is left out: its `|` and `&` are type and set unions)
    modules = sorted(p for p in Path(udfs.__file__).parent.glob("*.py") if p.stem != "values")
    assert {p.stem for p in modules} >= {"__init__", "customers", "predictive"}
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        arithmetic = [
            node.lineno for node in ast.walk(tree) if isinstance(node, (ast.BinOp, ast.AugAssign))
        ]
        assert arithmetic == [], path.name


def test_every_function_is_an_attribute_of_the_configured_module():
    # classic xlwings (UDF Modules = addin.udfs) generates its VBA wrappers from dir(module)
    # and calls getattr(module, name); Lite and Server scan the module the same way
    found = sorted(n for n in dir(udfs) if hasattr(getattr(udfs, n), "__xlfunc__"))
    assert found == sorted(CATALOGUE)
    for name in CATALOGUE:
        function = getattr(udfs, name)
        assert function.__module__.startswith("addin.udfs."), name
        assert getattr(udfs, function.__xlfunc__["name"]) is function


def test_classic_import_functions_finds_every_function(tmp_path):
    # Import Functions (classic xlwings, Windows) writes one VBA wrapper per function found on
    # the module named in UDF Modules, and each wrapper calls it by that module's name. Run in
    # a fresh Python, pywin32 stubbed (no COM here), with classic's decorators.
    code = textwrap.dedent('''
        import io, re, sys
        from unittest import mock
        for name in ["pythoncom", "pywintypes", "win32api", "win32con", "win32com",
                     "win32com.client", "win32com.server", "win32com.server.util",
                     "win32com.server.exception"]:
            sys.modules[name] = mock.MagicMock()
        class COMException(Exception):
            def __init__(self, description=None, scode=None):
                Exception.__init__(self, description)
                self.description = description
        sys.modules["win32com.server.exception"].COMException = COMException
        import xlwings, xlwings.udfs
        xlwings.func, xlwings.arg, xlwings.ret = (
            xlwings.udfs.xlfunc, xlwings.udfs.xlarg, xlwings.udfs.xlret)
        import addin.udfs as udfs
        out = io.StringIO()
        xlwings.udfs.generate_vba_wrapper("addin.udfs", udfs, out,
                                          mock.MagicMock(Name="Book1.xlsm"))
        calls = re.findall(r'= XLPy.CallUDF\\("addin.udfs", "(\\w+)", Array', out.getvalue())
        print(" ".join(sorted(set(calls))))
    ''')
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == sorted(CATALOGUE)


def test_office_js_decorators_reach_every_module_when_xlwings_came_first(tmp_path):
    # udf_helpers re-decorates the functions when xlwings was imported before the Office.js
    # variables were set: every module of the package, not only its __init__
    code = textwrap.dedent('''
        import os, sys
        import xlwings
        sys.path.insert(0, os.environ["TESTS"])
        from udf_helpers import udfs
        missing = [n for n in udfs.__all__ if "required_roles" not in getattr(udfs, n).__xlfunc__]
        print("missing:", missing)
    ''')
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["TESTS"] = str(ROOT / "tests")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "missing: []"
