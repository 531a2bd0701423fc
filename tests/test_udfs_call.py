"""The Excel functions called through xlwings' Office.js code path, as xlwings Lite and Server run them.

Payloads are shaped like Office.js': every argument a 2-D list, ``None`` for blanks and omitted
arguments, serial numbers for date cells, text as strings, error cells as error objects. The
last part tests the classic (Windows COM) branches, which can't run here, by calling the
functions and converters directly with what classic xlwings hands over.
"""

import datetime as dt
import json
import math
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from udf_helpers import Shown, call, call_raw, col, shown, udfs, unwrap

from addin import metrics as m
from addin.cells import EXCEL_EPOCH, serial_of
from addin.errors import InvalidInputError, UndefinedResultError
from addin.guides import EXAMPLES
from addin.udfs import values as ev

NA_CELL = {"type": "Error", "basicType": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
DIV0_CELL = {"type": "Error", "basicType": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"}


def serial(day: str) -> float:
    """The Excel serial number of an ISO date, as Office.js sends a date cell."""
    return serial_of(dt.date.fromisoformat(day))


def core_message(function, *args) -> str:
    with pytest.raises(InvalidInputError) as error:
        function(*args)
    return str(error.value)


def invalid(message: str) -> Shown:
    return Shown("#VALUE!", message)


# --------------------------------------------------------------------------- guide examples

# Each example's core function -> the Excel function and how its inputs become arguments.
def _positional(name):
    return lambda inputs: (name, [inputs[k] for k in inputs])


def _answers(counts):
    """A column of 0–10 answers with the given numbers of promoters, passives, detractors."""
    return col(*([10] * counts["promoters"] + [8] * counts["passives"] + [0] * counts["detractors"]))


EXCEL = {
    m.customer_retention_rate: _positional("CRR"),
    m.customer_churn_rate: _positional("CHURN_RATE"),
    m.revenue_churn_rate: _positional("REVENUE_CHURN"),
    m.gross_revenue_churn_rate: _positional("GROSS_REVENUE_CHURN"),
    m.net_revenue_churn_rate: _positional("NET_REVENUE_CHURN"),
    m.gross_revenue_retention: _positional("GRR"),
    m.net_revenue_retention: _positional("NRR"),
    m.existing_customer_revenue_growth: _positional("REVENUE_GROWTH"),
    m.repeat_purchase_ratio: _positional("RPR"),
    m.product_return_rate: _positional("RETURN_RATE"),
    m.days_sales_outstanding: _positional("DSO"),
    m.net_promoter_score: _positional("NPS"),
    m.loyal_customer_rate: _positional("LOYAL_RATE"),
    m.nps_margin_of_error: lambda i: ("NPS_MOE", [_answers(i), i["confidence"]]),
    m.time_between_purchases: lambda i: (
        "TBP",
        [col(*i["customer_ids"]), col(*(serial(d) for d in i["purchase_dates"]))],
    ),
}


def test_every_example_function_has_an_excel_function():
    functions = {ex.function for ex in EXAMPLES}
    functions |= {ex.correction.function for ex in EXAMPLES if ex.correction}
    assert functions <= set(EXCEL), functions - set(EXCEL)


@pytest.mark.parametrize("example", EXAMPLES, ids=[ex.id for ex in EXAMPLES])
def test_guide_example_through_excel(example):
    name, args = EXCEL[example.function](example.inputs)
    value = unwrap(call(name, *args))
    assert value == pytest.approx(example.value, rel=1e-12)
    # rounded as the guide rounds, the cell shows the guide's number
    assert example.shown(value) == example.shown(example.guide_value) or not example.matches
    if example.correction:
        corrected_name, corrected_args = EXCEL[example.correction.function](
            example.correction.inputs
        )
        corrected = unwrap(call(corrected_name, *corrected_args))
        assert corrected == pytest.approx(example.correction.value, rel=1e-12)


def test_nps_example_from_raw_answers_and_from_counts():
    assert unwrap(call("NPS", 50, 25, 10)) == pytest.approx(47.0588, abs=1e-4)
    answers = _answers({"promoters": 50, "passives": 25, "detractors": 10})
    assert unwrap(call("NPS", answers)) == pytest.approx(47.0588, abs=1e-4)
    assert unwrap(call("NPS_MOE", answers)) == pytest.approx(14.796, abs=1e-3)


def test_tbp_examples_with_date_cells_serials_and_iso_text():
    ids = col("A", "A", "A")
    iso = col("2026-03-02", "2026-03-09", "2026-03-23")
    serials = col(*(serial(d[0]) for d in iso))
    formatted = [[{"type": "FormattedNumber", "basicValue": s[0], "numberFormat": "d/m/yyyy"}]
                 for s in serials]
    for dates in (iso, serials, formatted):
        assert unwrap(call("TBP", ids, dates)) == 10.5


# --------------------------------------------------------------------------- one value per function

VALUES = [
    ("CRR", (20, 24, 5), 0.95),
    ("CHURN_RATE", (10_000, 500), 0.05),
    ("ANNUALIZED_CHURN", (0.02, None), 1 - 0.98**12),
    ("ANNUALIZED_CHURN", (0.05, 4), 1 - 0.95**4),
    ("REVENUE_CHURN", (100, 90, 10), 0.0),
    ("GROSS_REVENUE_CHURN", (100, 10, 10), 0.20),
    ("GRR", (100, 10, 10), 0.80),
    ("NET_REVENUE_CHURN", (100, 10, 10, 10), 0.10),
    ("NRR", (100, 10, 10, 30), 1.10),
    ("QUICK_RATIO", (30, 10, 5, 5), 4.0),
    ("REVENUE_GROWTH", (50_000, 45_000), -0.10),
    ("RPR", (4_000, 5_000), 0.80),
    ("RPR", (col("a", "b", "a", None, "c", "b"),), 2 / 3),
    ("RETURN_RATE", (7_000, 10_000), 0.70),
    ("LOYAL_RATE", (5_000, 20_000), 0.25),
    ("LOYAL_RATE", (col(101, 102, 101, 103),), 1 / 3),
    ("DSO", (25_000, 100_000, None), 91.25),
    ("DSO", (25_000, 100_000 / 12, 31), 93.0),
    ("NPS", (col(9, 10, 7, 3, None, ""),), 100 * (2 - 1) / 4),
    ("NPS", (50, 25, 10), 100 * 40 / 85),
    ("NPS_MOE", (_answers({"promoters": 50, "passives": 25, "detractors": 10}), 0.95), 14.7961),
    ("TBP", (col("A", "A", "B", "B", "C"), col(46000, 46010, 46000, 46004, 46001)), 7.0),
    ("CLV", (1_200_000, 1_000, 3), 3_600.0),
    ("CLV_CHURN", (100, 0.8, 0.05), 1_600.0),
    ("ARPA", (50_000, 400), 125.0),
    ("CRC", (12_000, 400), 30.0),
    ("DAU_MAU", (250, 1_000), 0.25),
    # the hand examples of the retention economics
    ("CUSTOMER_LIFETIME", (0.05,), 20.0),
    ("RETENTION_VALUE", (1_000, 100, 0.8, 0.05, 0.01), 400_000.0),
    ("RETENTION_VALUE", (1_000, 100, 0.8, 0.05, 0.01, None), 400_000.0),
    ("RETENTION_ROI", (1_000, 100, 0.8, 0.05, 0.01, 100_000), 3.0),
    ("PROFIT_UPLIFT", (0.80, 0.05, 5), 0.185431),
    ("PROFIT_UPLIFT", (0.80, 0.05, 200), 1 / 3),
    ("LTV_CAC", (1_600, 400), 4.0),
    ("CAC_PAYBACK", (400, 100, 0.8), 5.0),
]


@pytest.mark.parametrize("name, args, expected", VALUES, ids=[v[0] for v in VALUES])
def test_value(name, args, expected):
    assert unwrap(call(name, *args)) == pytest.approx(expected, rel=1e-4)


def test_dau_mau_from_activity_ranges():
    # March 2026 (31 days): u1 active on 2 days, u2 on 1 day; the month runs to the 3rd
    users = col("u1", "u1", "u2", "u1")
    days = col(serial("2026-03-01"), serial("2026-03-01"), serial("2026-03-02"), serial("2026-03-03"))
    expected = m.dau_mau_from_activity(["u1", "u1", "u2", "u1"], [d[0] for d in days])
    assert unwrap(call("DAU_MAU", users, days)) == pytest.approx(expected)
    assert expected == pytest.approx((3 / 3) / 2)


# --------------------------------------------------------------------------- ranges

ANSWERS = [9, 10, None, 7, 3, "", 10, 0]
EXPECTED_NPS = m.nps_from_answers(np.array([9, 10, np.nan, 7, 3, np.nan, 10, 0], dtype=float))


@pytest.mark.parametrize("shape", ["column", "row", "block", "ragged", "table column"])
def test_range_shapes_give_the_same_nps(shape):
    if shape in ("column", "table column"):
        answers = col(*ANSWERS)  # a Table column arrives as its data body, a column
    elif shape == "row":
        answers = [ANSWERS]
    elif shape == "block":
        answers = [ANSWERS[0:4], ANSWERS[4:8]]
    else:
        answers = [ANSWERS[0:3], ANSWERS[3:4], [], ANSWERS[4:8]]
    assert unwrap(call("NPS", answers)) == pytest.approx(EXPECTED_NPS)


def test_a_one_cell_range_is_one_value():
    assert unwrap(call("CRR", [[20]], [[24]], [[5]])) == 0.95
    assert unwrap(call("NPS", [[9]])) == 100.0  # one answer, a promoter


def test_blank_optional_arguments_take_their_defaults():
    for days in (None, [[None]], [[""]]):
        assert unwrap(call_raw("DSO", [[[25_000]], [[100_000]], days])) == 91.25
    assert unwrap(call_raw("NPS_MOE", [col(10, 10, 0), None])) == pytest.approx(
        m.nps_margin_of_error(2, 0, 1, 0.95)
    )


def test_integers_and_floats_alike():
    assert unwrap(call("CRR", 20.0, 24.0, 5.0)) == unwrap(call("CRR", 20, 24, 5))


# --------------------------------------------------------------------------- tables

ORDERS_IDS = col("a", "b", "c", "a", "b", "a", None, "d")
ORDERS_DAYS = col(
    serial("2026-01-05"), serial("2026-01-20"), serial("2026-02-03"), serial("2026-02-10"),
    serial("2026-03-01"), serial("2026-03-15"), serial("2026-03-20"), None,
)


def test_cohort_retention_spills_a_table_with_headers():
    table = call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, None)
    fmt = {"type": "FormattedNumber", "numberFormat": "yyyy-mm"}
    assert table == [
        ["cohort", "size", 0, 1, 2],
        [{**fmt, "basicValue": serial("2026-01-01")}, 2.0, 1.0, 0.5, 1.0],
        [{**fmt, "basicValue": serial("2026-02-01")}, 1.0, 1.0, 0.0, ""],
    ]
    # the same as the core's matrix, months not yet observed empty (NaN would be #NUM!)
    frame = m.cohort_retention(
        [r[0] for r in ORDERS_IDS], [r[0] for r in ORDERS_DAYS]
    )
    assert [row[2:] for row in unwrap(table)[1:]] == [
        [("" if math.isnan(x) else x) for x in row] for row in frame.drop(columns="size").to_numpy()
    ]


def test_cohort_counts():
    table = unwrap(call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, True))
    assert table[1][1:] == [2.0, 2.0, 1.0, 2.0]


def test_tables_give_plain_serials_before_runtime_1_4():
    table = call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, runtime="1.3")
    assert table[1][0] == serial("2026-01-01")


def test_mrr_movements_spills_a_table_with_headers():
    ids = col("a", "b", "a", "b", "c", "a")
    months = col(*(serial(d) for d in ("2026-01-01", "2026-01-01", "2026-02-01", "2026-02-01",
                                       "2026-02-15", "2026-03-01")))
    mrr = col(100, 50, 120, 0, 30, 90)
    table = unwrap(call("MRR_MOVEMENTS", ids, months, mrr))
    assert table[0] == ["month", "start_mrr", "new", "expansion", "contraction", "churned",
                        "reactivation", "end_mrr"]
    assert table[1] == [serial("2026-02-01"), 150.0, 30.0, 20.0, 0.0, 50.0, 0.0, 150.0]
    assert table[2] == [serial("2026-03-01"), 150.0, 0.0, 0.0, 30.0, 30.0, 0.0, 90.0]


def test_tables_are_rectangular_and_json_clean():
    for table in (
        call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS),
        call("MRR_MOVEMENTS", col("a", "a"), col(46000, 46040), col(1, 2)),
    ):
        assert len({len(row) for row in table}) == 1
        json.dumps(table, allow_nan=False)


# --------------------------------------------------------------------------- errors

UNDEFINED = [
    ("CRR", (0, 0, 0)),
    ("CHURN_RATE", (0, 0)),
    ("REVENUE_CHURN", (0, 0, 0)),
    ("GROSS_REVENUE_CHURN", (0, 0, 0)),
    ("GRR", (0, 0, 0)),
    ("NET_REVENUE_CHURN", (0, 0, 0, 0)),
    ("NRR", (0, 0, 0, 0)),
    ("QUICK_RATIO", (10, 5, 0, 0)),
    ("REVENUE_GROWTH", (0, 10)),
    ("RPR", (0, 0)),
    ("RPR", (col(None, ""),)),
    ("RETURN_RATE", (0, 0)),
    ("LOYAL_RATE", (0, 0)),
    ("DSO", (100, 0)),
    ("NPS", (col(None, None),)),
    ("NPS", (0, 0, 0)),
    ("NPS_MOE", (col(None),)),
    ("TBP", (col("a", "b"), col(46000, 46001))),
    ("CLV", (1000, 0, 3)),
    ("CLV_CHURN", (100, 0.8, 0)),
    ("ARPA", (100, 0)),
    ("CRC", (100, 0)),
    ("DAU_MAU", (0, 0)),
    ("COHORT_RETENTION", (col("a", None), col(None, 46000))),
    ("MRR_MOVEMENTS", (col("a", "b"), col(46000, 46001), col(1, 2))),  # one month only
    ("CUSTOMER_LIFETIME", (0,)),
    ("RETENTION_VALUE", (1_000, 100, 0.8, 0.05, 0.05)),  # churn cut to 0: infinite lifetime
    ("RETENTION_ROI", (1_000, 100, 0.8, 0.05, 0.01, 0)),
    ("PROFIT_UPLIFT", (1, 0, 5)),
    ("LTV_CAC", (1_600, 0)),
    ("CAC_PAYBACK", (400, 0, 0.8)),
]

#: The model fits show an undefined result with its reason (tested below), never a bare #DIV/0!.
EXPLAINED = {"CLV_MODEL", "CLV_FORECAST"}


@pytest.mark.parametrize("name, args", UNDEFINED, ids=[u[0] for u in UNDEFINED])
def test_undefined_result_is_div0(name, args):
    assert call(name, *args) == [[{"type": "Error", "errorType": "Div0"}]]
    assert call(name, *args, runtime="1.3") == [["#DIV/0!"]]  # no error objects before 1.4


def test_every_function_has_an_undefined_case():
    assert {u[0] for u in UNDEFINED} == set(udfs.__all__) - {"ANNUALIZED_CHURN"} - EXPLAINED


INVALID = [
    # (Excel function, arguments, the core function and its arguments giving the same message)
    ("CRR", ("x", 24, 5), m.customer_retention_rate, ("x", 24, 5)),
    ("CRR", ("12", 24, 5), m.customer_retention_rate, ("12", 24, 5)),  # text in a number cell
    ("CRR", (20, 4, 5), m.customer_retention_rate, (20, 4, 5)),
    ("CRR", (None, 24, 5), m.customer_retention_rate, (None, 24, 5)),
    ("CRR", (True, 24, 5), m.customer_retention_rate, (True, 24, 5)),
    ("CHURN_RATE", (-1, 0), m.customer_churn_rate, (-1, 0)),
    ("CHURN_RATE", (10, 11), m.customer_churn_rate, (10, 11)),
    ("ANNUALIZED_CHURN", (1.5, None), m.annualized_churn_rate, (1.5, 12)),
    ("ANNUALIZED_CHURN", (0.02, 0), m.annualized_churn_rate, (0.02, 0)),
    ("GRR", (100, 80, 30), m.gross_revenue_retention, (100, 80, 30)),
    ("QUICK_RATIO", (10, -5, 1, 1), m.quick_ratio, (10, -5, 1, 1)),
    ("RPR", (5, 4), m.repeat_purchase_ratio, (5, 4)),
    ("LOYAL_RATE", (2.5, 4), m.loyal_customer_rate, (2.5, 4)),
    ("DSO", (1, 1, -3), m.days_sales_outstanding, (1, 1, -3)),
    ("NPS", (col(9, 11),), m.nps_from_answers, ([9, 11],)),
    ("NPS", (col(9, "nine"),), m.nps_from_answers, ([9, "nine"],)),
    ("NPS", (50, 25, None), m.net_promoter_score, (50, 25, None)),
    ("NPS_MOE", (col(9, 10), 1.5), m.nps_margin_of_error_from_answers, ([9, 10], 1.5)),
    ("TBP", (col("a", "a", "b"), col(46000, 46001)), m.time_between_purchases,
     (["a", "a", "b"], [46000, 46001])),
    ("TBP", (col("a", "a"), col(46000, "soon")), m.time_between_purchases,
     (["a", "a"], [46000, "soon"])),
    ("CLV_CHURN", (100, 80, 0.05), m.customer_lifetime_value_from_churn, (100, 80, 0.05)),
    ("DAU_MAU", (2000, 1000), m.dau_mau, (2000, 1000)),
    ("MRR_MOVEMENTS", (col("a", "a"), col(46000, 46040), col(1, -2)), m.mrr_movements,
     (["a", "a"], [46000, 46040], [1, -2])),
    ("CUSTOMER_LIFETIME", (1.5,), m.customer_lifetime, (1.5,)),
    ("RETENTION_VALUE", (1_000, 100, 0.8, 0.05, 0.06), m.retention_value,
     (1_000, 100, 0.8, 0.05, 0.06)),
    ("RETENTION_VALUE", (1_000, 100, 80, 0.05, 0.01), m.retention_value,
     (1_000, 100, 80, 0.05, 0.01)),
    ("RETENTION_ROI", (1_000, 100, 0.8, 0.05, 0.01, -5), m.retention_roi,
     (1_000, 100, 0.8, 0.05, 0.01, -5)),
    ("PROFIT_UPLIFT", (0.8, 0.3, 5), m.profit_uplift, (0.8, 0.3, 5)),
    ("PROFIT_UPLIFT", (0.8, 0.05, 2.5), m.profit_uplift, (0.8, 0.05, 2.5)),
    ("LTV_CAC", ("x", 400), m.ltv_cac, ("x", 400)),
    ("CAC_PAYBACK", (400, 100, 1.2), m.cac_payback, (400, 100, 1.2)),
    ("CLV_MODEL", (col(1, 1, 2), col("2024-01-01", "2024-02-01", "2024-01-05"), col(10, -10, 5)),
     m.fit_clv_model, ([1, 1, 2], ["2024-01-01", "2024-02-01", "2024-01-05"], [10, -10, 5])),
    ("CLV_FORECAST", (col(1, 1), col(46000, 46010), col(1, 2), None, None, None, "Y"),
     m.fit_clv_model, ([1, 1], [46000, 46010], [1, 2], None, "Y")),
]


@pytest.mark.parametrize("name, args, core, core_args", INVALID, ids=[i[0] for i in INVALID])
def test_invalid_input_shows_the_core_message(name, args, core, core_args):
    message = core_message(core, *core_args)
    with pytest.raises(ev.ExcelInputError) as error:
        call(name, *args)
    assert str(error.value) == message
    # what the cell shows: #VALUE! with the message, in xlwings Server and in xlwings Lite
    assert shown(name, *args, host="server") == invalid(message)
    assert shown(name, *args, host="lite") == invalid(message)
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("cell", [NA_CELL, DIV0_CELL, {"type": "Error", "errorType": "Value"}])
def test_error_cell_as_a_value(cell):
    text = ev._OFFICEJS_ERROR_TYPES[cell["errorType"]]
    assert shown("CRR", [[cell]], 24, 5) == invalid(
        f"start_customers is the error {text}: correct that cell"
    )
    # an error cell in an optional argument is not a blank: no silent default
    assert shown("DSO", 1, 2, [[cell]]) == invalid(f"days is the error {text}: correct that cell")


def test_error_cell_in_a_range_is_named_by_position():
    assert shown("NPS", [[9, 10], [NA_CELL, 3]]) == invalid(
        "answers[3] is the error #N/A: correct that cell or leave it blank"
    )
    assert shown("RPR", col("a", DIV0_CELL)) == invalid(
        "customer_ids[2] is the error #DIV/0!: correct that cell or leave it blank"
    )
    assert shown("TBP", col("a", "a"), col(46000, NA_CELL)) == invalid(
        "purchase_dates[2] is the error #N/A: correct that cell or leave it blank"
    )


def test_a_range_where_one_value_belongs():
    assert shown("CRR", col(20, 21), 24, 5) == invalid(
        "start_customers is a range of 2 cells, expected a single value"
    )


def test_counts_flag_reads_like_excel():
    base = unwrap(call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, False))
    counted = unwrap(call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, True))
    assert unwrap(call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, 0)) == base
    assert unwrap(call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, 1)) == counted
    assert unwrap(call("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, "true")) == counted
    assert shown("COHORT_RETENTION", ORDERS_IDS, ORDERS_DAYS, "yes") == invalid(
        "counts is text 'yes', expected TRUE or FALSE"
    )


def test_a_result_too_large_for_a_float_shows_the_cores_message_never_infinity():
    # inf is not JSON (xlwings Server would answer 500): the core refuses such inputs instead
    with pytest.raises(InvalidInputError) as core:
        m.days_sales_outstanding(1e308, 1e-300)
    assert shown("DSO", 1e308, 1e-300) == invalid(str(core.value))


def test_other_data_types_are_refused():
    entity = {"type": "Entity", "text": "Microsoft", "basicType": "Error", "basicValue": "#VALUE!"}
    assert shown("CRR", [[entity]], 1, 1) == invalid(
        "start_customers is a data type (Entity), expected a plain cell value"
    )


def test_pyodide_jsnull_is_a_blank(monkeypatch):
    class JsNull:  # what Pyodide >= 0.28 hands over for JS null inside lists
        pass

    monkeypatch.setattr(ev, "_JsNull", JsNull)
    assert unwrap(call("NPS", col(9, JsNull(), 0))) == 0.0
    assert unwrap(call("DSO", 25_000, 100_000, [[JsNull()]])) == 91.25


# --------------------------------------------------------------------------- xlwings facts pinned

def test_what_xlwings_officejs_does_with_nan_none_and_error_strings():
    """The facts docs/excel-functions.md relies on; an xlwings upgrade that changes them fails here."""
    from xlwings.pro._xlofficejs import engine

    def prepare(value, runtime):
        return engine.prepare_xl_data_element(value, {"runtime": runtime, "date_format": None})

    assert prepare(None, "1.4") == ""
    assert prepare(math.nan, "1.4") == {"type": "Error", "errorType": "Num"}
    assert prepare(math.nan, "1.3") == "#NUM!"
    assert prepare("#DIV/0!", "1.4") == {"type": "Error", "errorType": "Div0"}
    assert prepare("#N/A", "1.4") == {"type": "Error", "errorType": "NotAvailable"}
    assert prepare("#DIV/0!", "1.3") == "#DIV/0!"
    assert prepare(math.inf, "1.4") == math.inf  # not mapped: hence Result maps it


def test_what_classic_xlwings_does_read_from_its_source():
    """Classic can't run here; these are the lines of xlwings 0.37.8 the design rests on."""
    from importlib.util import find_spec
    from pathlib import Path

    package = Path(find_spec("xlwings").submodule_search_locations[0])
    windows = (package / "_xlwindows.py").read_text(encoding="utf-8")
    # results: NaN and None become "" (an empty cell); strings, "#DIV/0!" included, stay text
    prepare = windows[windows.index("def prepare_xl_data_element"):]
    prepare = prepare[: prepare.index("@staticmethod")]
    assert 'elif pd and pd.isna(x):\n            return ""' in prepare
    assert 'elif x is None:\n            return ""' in prepare
    assert "#" not in prepare  # no error strings are mapped
    # arguments: error cells arrive as these COM codes (ev.ExcelError.COM_CODES)
    for text, code in ev.ExcelError.COM_CODES.items():
        assert f'{code}: "{text}"' in windows
    # exceptions: the generated VBA writes Err.Description into the cell
    udfs_source = (package / "udfs.py").read_text(encoding="utf-8")
    assert 'vba.writeln(fname + " = Err.Description")' in udfs_source


def test_xlwings_default_converter_would_turn_error_cells_into_blanks():
    # why every argument is declared with ev.Cells
    from xlwings import conversion

    assert conversion.read(None, [[NA_CELL]], {}, engine_name="officejs") is None


# --------------------------------------------------------------------------- classic (COM) branches


class FakeEngine:
    def __init__(self, name):
        self.name = name


class Ctx:
    def __init__(self, value, engine):
        self.value, self.engine, self.range, self.meta = value, FakeEngine(engine), None, {}


@pytest.fixture
def fake_pywin32(monkeypatch):
    """Just enough of pywin32 for the classic result path: VARIANT(VT_ERROR, code)."""

    class VARIANT:
        def __init__(self, varianttype, value):
            self.varianttype, self.value = varianttype, value

    pythoncom = types.SimpleNamespace(VT_ERROR=10)
    client = types.ModuleType("win32com.client")
    client.VARIANT = VARIANT
    package = types.ModuleType("win32com")
    package.client = client
    monkeypatch.setitem(sys.modules, "pythoncom", pythoncom)
    monkeypatch.setitem(sys.modules, "win32com", package)
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    return VARIANT


def test_classic_reads_com_error_codes_and_dates():
    utc = dt.timezone.utc
    raw = ((9.0, -2146826246), (dt.datetime(2026, 3, 2, tzinfo=utc), None))  # COM raw_value
    ctx = Ctx(raw, "excel")
    ev._CellsStage()(ctx)
    assert ctx.value == [[9.0, ev.ExcelError("#N/A")], [serial("2026-03-02"), None]]
    with pytest.raises(InvalidInputError, match=r"answers\[2\] is the error #N/A"):
        ev.cells("answers", ctx.value)
    # Office.js values are left alone
    ctx = Ctx([[-2146826246.0]], "officejs")
    ev._CellsStage()(ctx)
    assert ctx.value == [[-2146826246.0]]


def test_classic_call_gives_values_and_the_div0_sentinel():
    # classic calls the decorated function with the converted arguments
    assert udfs.CRR(20.0, 24.0, 5.0) == 0.95
    assert udfs.CRR(0.0, 0.0, 0.0) is ev.DIV0
    assert udfs.NPS(((9.0,), (None,), (0.0,))) == 0.0
    with pytest.raises(ev.ExcelInputError, match="start_customers is the error #N/A"):
        udfs.CRR(ev.ExcelError("#N/A"), 24.0, 5.0)


def test_classic_results_are_com_errors_never_text(fake_pywin32):
    ctx = Ctx(ev.DIV0, "excel")
    ev._ResultStage()(ctx)
    assert isinstance(ctx.value, fake_pywin32)
    assert (ctx.value.varianttype, ctx.value.value) == (10, -2146826281)  # CVErr(xlErrDiv0)
    ctx = Ctx([["a", math.inf], [None, 1.0]], "excel")
    ev._ResultStage()(ctx)
    assert ctx.value[0][1].value == -2146826252  # #NUM!
    assert ctx.value[1] == [None, 1.0]  # None is an empty cell in classic


def test_officejs_results_are_error_strings_for_xlwings():
    ctx = Ctx([[ev.DIV0, math.nan, None, 2.0]], "officejs")
    ev._ResultStage()(ctx)
    assert ctx.value == [["#DIV/0!", "#NUM!", None, 2.0]]


def test_classic_exception_is_a_com_exception_carrying_the_message():
    class COMException(Exception):  # the constructor of win32com.server.exception.COMException
        def __init__(self, description=None, scode=None, source=None):
            self.description, self.scode, self.source = description, scode, source
            Exception.__init__(self, scode, description, None, -1)

    import xlwings as xw

    cls = ev._input_error_class(COMException)
    error = cls("start_customers is 3.5, expected a whole number")
    # pywin32 reads .description into the COM error; xlwings' VBA writes it into the cell
    assert error.description == "start_customers is 3.5, expected a whole number"
    assert str(error) == error.description  # Lite / Server still show the message
    assert isinstance(error, xw.XlwingsError) and isinstance(error, COMException)


def test_the_exception_here_is_an_xlwings_error():
    import xlwings as xw

    error = ev.ExcelInputError("x is blank, expected a number")
    assert isinstance(error, xw.XlwingsError) and str(error) == "x is blank, expected a number"


def test_excel_function_maps_only_the_two_core_errors():
    @ev.excel_function
    def undefined():
        raise UndefinedResultError("undefined: start_customers is 0")

    @ev.excel_function
    def bug():
        raise KeyError("a bug stays a bug")

    assert undefined() is ev.DIV0
    with pytest.raises(KeyError):
        bug()


# --------------------------------------------------------------------------- why retention pays


def test_retention_value_hand_example_step_by_step():
    # 1,000 customers, ARPA 100, margin 0.8, churn 5 % → 4 %: CLV 1,600 → 2,000, value 400,000
    assert unwrap(call("CLV_CHURN", 100, 0.8, 0.05)) == pytest.approx(1_600)
    assert unwrap(call("CLV_CHURN", 100, 0.8, 0.04)) == pytest.approx(2_000)
    assert unwrap(call("CUSTOMER_LIFETIME", 0.04)) == pytest.approx(25)
    value = unwrap(call("RETENTION_VALUE", 1_000, 100, 0.8, 0.05, 0.01, 0))
    assert value == pytest.approx(1_000 * (2_000 - 1_600), rel=1e-12)
    roi = unwrap(call("RETENTION_ROI", 1_000, 100, 0.8, 0.05, 0.01, 100_000, None))
    assert roi == pytest.approx((400_000 - 100_000) / 100_000, rel=1e-12)
    assert unwrap(call("LTV_CAC", 2_000, 400)) == pytest.approx(5.0)


def test_retention_functions_equal_the_core_with_a_discount_rate():
    args = (1_200, 85.5, 0.72, 0.031, 0.006, 0.008)
    assert unwrap(call("RETENTION_VALUE", *args)) == m.retention_value(*args)
    assert unwrap(call("RETENTION_ROI", *args[:5], 50_000, args[5])) == \
        m.retention_roi(*args[:5], 50_000, args[5])
    assert unwrap(call("PROFIT_UPLIFT", 0.7, 0.1, 12, 0.05)) == m.profit_uplift(0.7, 0.1, 12, 0.05)


def test_profit_uplift_hand_examples_as_the_cell_shows_them():
    five = unwrap(call("PROFIT_UPLIFT", 0.80, 0.05, 5))
    long_run = unwrap(call("PROFIT_UPLIFT", 0.80, 0.05, 200))
    assert round(five * 100, 1) == 18.5  # 0.0% format: +18.5 %
    assert round(long_run * 100, 1) == 33.3  # the base goes from 1 / 0.20 to 1 / 0.15
    # with profit per customer growing with tenure (Reichheld), the uplift is larger
    assert unwrap(call("PROFIT_UPLIFT", 0.80, 0.05, 5, 0.1)) > five


# --------------------------------------------------------------------------- predictive CLV

CDNOW = Path(__file__).parent / "data" / "CDNOW_sample.txt"


@pytest.fixture(scope="module")
def cdnow_cells():
    """The CDNOW sample as Office.js hands it over: columns, dates as serial numbers."""
    import pandas as pd

    table = pd.read_csv(CDNOW, sep=r"\s+", header=None,
                        names=["master_id", "customer_id", "date", "cds", "amount"],
                        dtype={"date": str})
    days = (pd.to_datetime(table["date"], format="%Y%m%d") - pd.Timestamp(EXCEL_EPOCH)).dt.days
    return (col(*table["customer_id"].astype(float)), col(*days.astype(float)),
            col(*table["amount"].astype(float)))


def test_clv_model_reproduces_the_published_cdnow_fit(cdnow_cells):
    table = unwrap(call("CLV_MODEL", *cdnow_cells, serial("1997-09-30"), "W"))
    values = dict(table[1:])
    assert table[0] == ["parameter", "value"]
    assert [row[0] for row in table[1:8]] == ["r", "alpha", "a", "b", "p", "q", "gamma"]
    # Fader, Hardie & Lee (2005); Fader & Hardie (2013), to the published digits
    for name, published in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426),
                            ("p", 6.25), ("q", 3.74), ("gamma", 15.44)):
        assert values[name] == pytest.approx(published, rel=2e-3), name
    assert values["BG/NBD log-likelihood"] == pytest.approx(-9582.4, abs=0.1)
    assert values["customers"] == 2357 and values["repeat buyers"] == 946
    assert values["spend model customers"] == 946
    assert values["left out of spend model (repeat spend 0)"] == 0
    assert values["orders after calibration_end"] == 6919 - 4960  # orders to 1997-09-30
    assert values["calibration_end"] == serial("1997-09-30")  # a date cell (yyyy-mm-dd)
    assert values["time unit"] == "W"
    # an ISO text date and the default unit give the same fit
    same = unwrap(call("CLV_MODEL", *cdnow_cells, "1997-09-30"))
    assert same == table


def test_clv_forecast_equals_the_core_forecast(cdnow_cells):
    ids, days, amounts = ([row[0] for row in c] for c in cdnow_cells)
    model = m.fit_clv_model(ids, days, amounts, calibration_end="1997-09-30")
    for horizon, discount in ((None, None), (39, 0.01)):
        table = unwrap(call("CLV_FORECAST", *cdnow_cells, horizon, discount, "1997-09-30"))
        core = m.forecast_clv(model, horizon or 52, discount or 0)
        assert table[0] == ["customer_id", "p_alive", "expected_purchases", "expected_spend", "clv"]
        assert len(table) == 2357 + 1
        assert [row[0] for row in table[1:]] == core["customer_id"].tolist()
        assert np.allclose(np.array([row[1:] for row in table[1:]], dtype=float),
                           core[["p_alive", "expected_purchases", "expected_spend", "clv"]].to_numpy(),
                           rtol=1e-12)
        clv = [row[4] for row in table[1:]]
        assert clv == sorted(clv, reverse=True)  # largest first
    json.dumps(call("CLV_FORECAST", *cdnow_cells, None, None, "1997-09-30"), allow_nan=False)


def _one_line(result: Shown, *fragments: str) -> None:
    assert result.error == "#VALUE!" and "\n" not in result.message, result
    for fragment in fragments:
        assert fragment in result.message, result.message


@pytest.mark.parametrize("name", ["CLV_MODEL", "CLV_FORECAST"])
def test_clv_functions_explain_why_there_is_no_model(name, cdnow_cells):
    # one purchase each: nobody to learn repeat buying from
    ids = col(*range(30))
    dates = col(*(serial(f"2024-01-{1 + i % 28:02d}") for i in range(30)))
    for host in ("server", "lite"):
        _one_line(shown(name, ids, dates, col(*[10.0] * 30), serial("2024-06-30"), host=host),
                  "needs at least 10 repeat buyers", "the data have 0 of 30 customers")
    # everyone on the same day
    _one_line(shown(name, ids, col(*[serial("2024-03-01")] * 30), col(*[10.0] * 30)),
              "nobody has had time to buy again")
    # a negative amount: a refund is not a purchase
    _one_line(shown(name, col(1, 1, 2), col(45292, 45323, 45296), col(10, -10, 5)),
              "amounts[2] is -10, expected 0 or more")
    # twelve customers buying twice, 30 days apart: the same history, nothing to learn from
    twice_ids = col(*[i for i in range(12) for _ in range(2)])
    twice_days = col(*[45292.0 + i + 30 * k for i in range(12) for k in range(2)])
    _one_line(shown(name, twice_ids, twice_days, col(*[10.0] * 24)),
              "the BG/NBD fit is degenerate", "cannot pin the model down")
    # every order free (zero amounts): no spend model, and the message says why
    ids, days, _ = cdnow_cells
    _one_line(shown(name, ids, days, col(*[0.0] * len(ids)), "1997-09-30"),
              "the Gamma-Gamma model needs at least 10 repeat buyers", "spent more than 0",
              "the data have 0 of 2357 customers")


@pytest.mark.parametrize("name", ["CLV_MODEL", "CLV_FORECAST"])
def test_clv_functions_report_an_optimiser_failure(name, cdnow_cells, monkeypatch):
    from scipy import optimize

    from addin.metrics import predictive

    def failing(fun, x0, **kwargs):
        return optimize.OptimizeResult(x=np.full_like(x0, np.nan), fun=np.nan, success=False,
                                       message="ABNORMAL", jac=x0 * 0)

    monkeypatch.setattr(predictive.optimize, "minimize", failing)
    _one_line(shown(name, *cdnow_cells), "the BG/NBD fit did not converge (optimiser: ABNORMAL)")


def test_clv_model_counts_repeat_buyers_left_out_of_the_spend_model(cdnow_cells):
    ids, days, amounts = ([row[0] for row in c] for c in cdnow_cells)
    # make the repeat orders of three calibration-period repeat buyers free
    model = m.fit_clv_model(ids, days, amounts, calibration_end="1997-09-30")
    chosen = model.summary.index[model.summary["frequency"] > 0][:3]
    first_day = {}
    for cid, day in zip(ids, days):
        first_day[cid] = min(first_day.get(cid, day), day)
    free = [0.0 if cid in set(chosen) and day > first_day[cid] else a
            for cid, day, a in zip(ids, days, amounts)]
    table = unwrap(call("CLV_MODEL", cdnow_cells[0], cdnow_cells[1], col(*free), "1997-09-30"))
    values = dict(table[1:])
    assert values["left out of spend model (repeat spend 0)"] == 3
    assert values["spend model customers"] == 946 - 3
    forecast = unwrap(call("CLV_FORECAST", cdnow_cells[0], cdnow_cells[1], col(*free), None,
                           None, "1997-09-30"))
    assert len(forecast) == 2357 + 1  # they still get a forecast
    assert all(isinstance(v, float) and math.isfinite(v) for row in forecast[1:] for v in row[1:])


def test_clv_forecast_blank_rows_are_skipped(cdnow_cells):
    ids, days, amounts = cdnow_cells
    with_blanks = (ids + [[None], [7.0]], days + [[35500.0], [None]], amounts + [[4.0], [5.0]])
    plain = unwrap(call("CLV_FORECAST", ids, days, amounts, 26, None, "1997-09-30"))
    assert unwrap(call("CLV_FORECAST", *with_blanks, 26, None, "1997-09-30")) == plain
    model = dict(unwrap(call("CLV_MODEL", *with_blanks, "1997-09-30"))[1:])
    assert model["rows skipped (blank)"] == 2
