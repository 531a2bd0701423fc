"""The one reduction (addin.data.facts): facts checked by hand, the same facts on every engine
(pandas, DuckDB, Spark), the report's KPIs from facts equal to those counted on the rows, and
the default period (the last complete month of the whole data)."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin import metrics as M
from addin.data import RetentionData
from addin.data.facts import FACTS, SOURCES, reduce_tables
from addin.report import build_report
from addin.report.facts import PeriodFacts
from addin.report.period import parse_period
from addin.report.prepared import PreparedData
from addin.report.build import DEFAULT_SETTINGS

D = pd.Timestamp


def hand_tables() -> dict[str, pd.DataFrame]:
    """A small company, typed as the loader types it."""
    return {
        "Customers": pd.DataFrame({
            "customer_id": ["A", "B", "C"],
            "name": ["Ann", "Bob", ""],
            "segment": ["X", "Y", "X"],
            "signup_date": pd.to_datetime(["2026-01-10", "2026-02-01", "2026-03-05"]),
            "churn_date": pd.to_datetime([None, "2026-03-20", None]),
        }),
        "Subscriptions": pd.DataFrame({
            "customer_id": ["A", "A", "B", "B"],
            "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-02-01", "2026-03-01"]),
            "mrr": [100.0, 120.0, 50.0, 50.0],
        }),
        "Orders": pd.DataFrame({
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "customer_id": ["A", "A", "A", "A", "B", "C"],
            "order_date": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-20",
                                          "2026-02-03", "2026-02-10", "2026-03-31"]),
            "amount": [10.0, 5.0, 20.0, 40.0, 7.5, 0.0],
            "units": [1, 2, 3, 4, 1, 1],
            "units_returned": [0, 1, 0, 2, 0, 0],
        }),
        "NPS": pd.DataFrame({
            "customer_id": ["A", "A", "B", "B"],
            "date": pd.to_datetime(["2026-01-02", "2026-01-30", "2026-02-14", "2026-02-15"]),
            "score": [9, 9, 3, 7],
        }),
        "Invoices": pd.DataFrame({
            "invoice_id": ["i1", "i2", "i3"],
            "customer_id": ["A", "A", "B"],
            "issue_date": pd.to_datetime(["2026-01-01", "2026-01-15", "2026-02-01"]),
            "due_date": pd.to_datetime(["2026-01-31", "2026-01-31", "2026-03-03"]),
            "amount": [100.0, 30.0, 50.0],
            "paid_date": pd.to_datetime(["2026-02-02", None, "2026-02-20"]),
        }),
        "Activity": pd.DataFrame({
            "user_id": ["u1", "u1", "u2"],
            "date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-02"]),
        }),
        "Costs": pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
                               "retention_spend": [300.0, 200.0]}),
    }


def test_the_facts_by_hand():
    facts = reduce_tables(hand_tables())
    orders = facts.orders.set_index(["customer_id", "month"])
    # A in January: o1 + o2 on the 5th (one day, 15.00), o3 on the 20th: 3 orders on 2 days;
    # the first day's amount is 10 + 5 = 15, the month's 10 + 5 + 20 = 35
    a_jan = orders.loc[("A", D("2026-01-01"))]
    assert (a_jan["orders"], a_jan["days"]) == (3, 2)
    assert (a_jan["first_day"], a_jan["last_day"]) == (D("2026-01-05"), D("2026-01-20"))
    assert a_jan["first_sale_day_amount"] == 15.0 and a_jan["amount"] == 35.0
    assert (a_jan["units"], a_jan["units_returned"]) == (1 + 2 + 3, 0 + 1 + 0)
    # A in February: o4 alone; B: o5; C: o6 (an amount of 0 is a sale: 0 or more)
    assert orders.loc[("A", D("2026-02-01")), "amount"] == 40.0
    assert orders.loc[("C", D("2026-03-01")), "sale_days"] == 1
    assert len(orders) == 4 and orders["refunds"].sum() == 0
    # MRR per customer and month, as given (no month repeated here)
    assert facts.subscriptions["mrr"].tolist() == [100.0, 120.0, 50.0, 50.0]
    # NPS: A gave two 9s in January (2 answers), B a 3 and a 7 in February
    nps = facts.nps.set_index(["customer_id", "month", "score"])["answers"]
    assert nps.to_dict() == {("A", D("2026-01-01"), 9): 2, ("B", D("2026-02-01"), 3): 1,
                             ("B", D("2026-02-01"), 7): 1}
    # Invoices: i1 and i2 share A, January, due 31 Jan, but i1 was paid in February and i2
    # is not paid (NaT): two rows
    inv = facts.invoices
    assert len(inv) == 3 and inv["invoices"].sum() == 3
    unpaid = inv[inv["paid_month"].isna()]
    assert unpaid["amount"].tolist() == [30.0]
    # Activity: u1 twice on 1 Jan is one user-day
    assert len(facts.activity) == 2
    assert facts.costs["retention_spend"].tolist() == [300.0, 200.0]
    # bounds: the whole data's, per table
    assert facts.bounds["Orders"] == (D("2026-01-05"), D("2026-03-31"))
    assert facts.bounds["Invoices"] == (D("2026-01-01"), D("2026-02-20"))  # paid 20 Feb
    assert facts.bounds["Costs"] == (D("2026-01-01"), D("2026-02-01"))
    assert facts.rows == {"Customers": 3, "Subscriptions": 4, "Orders": 6, "NPS": 4,
                          "Invoices": 3, "Activity": 3, "Costs": 2}
    assert facts.absent == {}


def test_the_kpis_of_the_facts_by_hand():
    prepared = PreparedData(reduce_tables(hand_tables()), None)
    february = PeriodFacts(prepared, parse_period("2026-02"), DEFAULT_SETTINGS)
    # February's buyers: A (o4; 4 orders up to February: a repeat customer) and B (o5: 1)
    assert february.repeat == M.RepeatCustomers(1, 2)
    # A's order days up to February: 5 Jan, 20 Jan, 3 Feb: (3 Feb - 5 Jan) / 2 = 29 / 2
    assert february.time_between_purchases() == 14.5
    # February's units: 4 + 1, returned 2
    assert february.return_rate() == pytest.approx(2 / 5)
    # open at the end of February: i2 (30, unpaid); issued in February: i3 (50)
    assert february.receivables == (30.0, 50.0)
    # answers of February: a 3 (detractor) and a 7 (passive): NPS = (0 - 1) / 2 = -50
    assert february.nps_counts.score == -50.0
    # the extent: orders to 31 Mar (a month's last day): March is complete
    assert prepared.extent[3] == parse_period("2026-03").last


def test_absent_optional_columns():
    tables = hand_tables()
    tables["Orders"] = tables["Orders"].drop(columns=["units", "units_returned"])
    tables["Customers"] = tables["Customers"].drop(columns=["name", "segment", "churn_date"])
    tables["Invoices"] = tables["Invoices"].drop(columns=["paid_date"])
    facts = reduce_tables(tables)
    assert facts.absent == {"customers": ("name", "segment", "churn_date"),
                            "orders": ("units", "units_returned"), "invoices": ("paid_date",)}
    assert facts.orders["units"].isna().all() and facts.customers["churn_date"].isna().all()
    assert facts.invoices["paid_month"].isna().all()  # nothing paid: all open
    report = build_report(RetentionData(tables=tables, quality=pd.DataFrame(), source="t",
                                        today=dt.date(2026, 4, 10)), "2026-02")
    assert math.isnan(report.kpi("return_rate")["current"])
    assert report.kpi("repeat_purchase_ratio")["current"] == pytest.approx(1 / 2)


# ---------------------------------------------------------------------------- engines


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    from addin.sample_data import generate_company

    return RetentionData.from_frames(generate_company(), today="2026-10-15").tables


def assert_same_facts(one, other):
    for fact in SOURCES:
        a, b = getattr(one, fact), getattr(other, fact)
        assert (a is None) == (b is None), fact
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=fact)
    assert one.bounds == other.bounds and one.rows == other.rows and one.absent == other.absent


def test_pandas_and_duckdb_give_the_same_facts(company):
    connection = duckdb.connect()
    on_duckdb = reduce_tables({name: connection.from_df(frame) for name, frame in company.items()})
    on_pandas = reduce_tables(company)
    assert_same_facts(on_pandas, on_duckdb)
    assert list(on_pandas.orders.columns) == list(FACTS["orders"])


def test_many_rows_read_from_files_are_reduced_by_the_embedded_engine(company, monkeypatch):
    """The file reader's tables are reduced by DuckDB from ENGINE_ROWS rows (pandas below,
    or where DuckDB is not installed): the same facts either way, and the same report."""
    import builtins
    import sys

    from addin.data import model
    from addin.data.engines import duckdb as engine

    given = RetentionData(tables=company, quality=pd.DataFrame(), source="t",
                          today=dt.date(2026, 10, 15))
    handed = []
    reduce_frames = engine.reduce_frames
    monkeypatch.setattr(engine, "reduce_frames", lambda frames: handed.append(frames)
                        or reduce_frames(frames))
    monkeypatch.setattr(model, "ENGINE_ROWS", sum(len(f) for f in company.values()))
    on_engine = given.facts
    assert len(handed) == 1 and handed[0] is company  # DuckDB did reduce them
    on_pandas = reduce_tables(company)
    assert_same_facts(on_pandas, on_engine)
    for table in company:  # the tables are left as they were
        assert company[table] is given.tables[table]

    # one row fewer than the threshold: pandas
    monkeypatch.setattr(model, "ENGINE_ROWS", sum(len(f) for f in company.values()) + 1)
    below = RetentionData(tables=company, quality=pd.DataFrame(), source="t").facts
    assert len(handed) == 1
    assert_same_facts(on_pandas, below)

    # no DuckDB (xlwings Lite): pandas, the same facts
    monkeypatch.setattr(model, "ENGINE_ROWS", 1)
    real_import = builtins.__import__

    def without_duckdb(name, *args, **kwargs):
        if name == "duckdb":
            raise ImportError("No module named 'duckdb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "duckdb")
    monkeypatch.setattr(builtins, "__import__", without_duckdb)
    lite = RetentionData(tables=company, quality=pd.DataFrame(), source="t").facts
    monkeypatch.undo()
    assert len(handed) == 1
    assert_same_facts(on_pandas, lite)


def test_the_embedded_engine_out_of_memory_on_the_file_readers_tables_is_explained(
        company, monkeypatch):
    from addin.data.engines import reduce_in_engine
    from addin.errors import EngineMemoryError

    monkeypatch.setenv("RETENTION_ENGINE_MEMORY", "1MB")
    with pytest.raises(EngineMemoryError, match="RETENTION_ENGINE_MEMORY=4GB"):
        reduce_in_engine(company)
    monkeypatch.setenv("RETENTION_ENGINE_MEMORY", "256MB")
    assert_same_facts(reduce_tables(company), reduce_in_engine(company))


@pytest.mark.parametrize("at_a_time", [1, 50, 400])
def test_orders_reduced_a_span_of_months_at_a_time_are_the_same_facts(company, monkeypatch,
                                                                      at_a_time):
    """Many orders are reduced by the engine a span of whole months at a time (so that its
    groupings fit in its memory): the facts are those of the orders reduced at once, in
    the same order, however the months are cut (a month alone past the limit included)."""
    import narwhals as nw

    from addin.data import facts as facts_module

    connection = duckdb.connect()
    tables = {name: connection.from_df(frame) for name, frame in company.items()}
    at_once = reduce_tables(tables)
    monkeypatch.setattr(facts_module, "ORDERS_AT_A_TIME", at_a_time)
    spans = facts_module._spans(nw, nw.from_native(tables["Orders"]), "orders",
                                set(company["Orders"]))
    assert len(spans) > 1
    assert_same_facts(at_once, reduce_tables(tables))


@pytest.fixture(scope="module")
def spark():
    pyspark = pytest.importorskip("pyspark.sql")
    session = (pyspark.SparkSession.builder.master("local[1]")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()


def test_spark_gives_the_same_facts(spark):
    tables = hand_tables()
    on_spark = reduce_tables({name: spark.createDataFrame(frame) for name, frame in tables.items()})
    assert_same_facts(reduce_tables(tables), on_spark)


# ---------------------------------------------------------------------------- KPIs from facts


orders_logs = st.lists(
    st.tuples(st.sampled_from(["c1", "c2", "c3", "c4", "c5"]), st.integers(0, 120),
              st.sampled_from([0.0, 0.1, 1.25, 9.99, 20.0, 1234.56]), st.integers(0, 5)),
    min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(orders_logs, st.sampled_from(["2026-01", "2026-02", "2026-03", "2026-Q1", "2026-04"]))
def test_kpis_from_facts_equal_the_kpis_of_the_rows(log, period_text):
    ids, day, amount, units = map(list, zip(*log))
    dates = pd.Timestamp("2026-01-01") + pd.to_timedelta(day, unit="D")
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(len(log))], "customer_id": ids,
                           "order_date": dates, "amount": amount, "units": units,
                           "units_returned": [u // 2 for u in units]})
    period = parse_period(period_text)
    facts = PeriodFacts(PreparedData(reduce_tables({"Orders": orders}), None), period,
                        DEFAULT_SETTINGS)
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    in_period = orders[(orders["order_date"] >= start) & (orders["order_date"] <= end)]
    to_end = orders[orders["order_date"] <= end]
    buyers = to_end[to_end["customer_id"].isin(in_period["customer_id"])]
    # revenue of the period, return rate of its units
    assert facts.order_revenue(period.first, period.last)[0] == pytest.approx(
        in_period["amount"].sum(), rel=1e-12)
    if in_period["units"].sum():
        assert facts.return_rate() == pytest.approx(
            in_period["units_returned"].sum() / in_period["units"].sum(), rel=1e-12)
    # repeat customers: buyers of the period with 2+ orders up to its end
    if len(in_period):
        assert facts.repeat == M.count_repeat_customers(buyers["customer_id"])
    else:
        assert facts.repeat == M.RepeatCustomers(0, 0)
    # time between purchases of the buyers' orders up to the period end
    try:
        expected = M.time_between_purchases(buyers["customer_id"], buyers["order_date"])
    except M.MetricError:
        expected = None
    if expected is None:
        with pytest.raises(M.MetricError):
            facts.time_between_purchases()
    else:
        assert facts.time_between_purchases() == pytest.approx(expected, rel=1e-12)
    # the RFM summary of every order up to the period end
    if len(to_end):
        from addin.report.customer_value import _rfm_summary

        d = facts.d
        stop = int(np.searchsorted(d.orders["month"], period.last, "right"))
        sold = d.orders["sale_days"][:stop] > 0
        ours = _rfm_summary(d, stop, sold, period.end.isoformat())
        rows = M.rfm_summary(to_end["customer_id"], to_end["order_date"], to_end["amount"],
                             calibration_end=period.end.isoformat(), time_unit="W")
        pd.testing.assert_frame_equal(ours, rows, check_exact=False, rtol=1e-12)


# ---------------------------------------------------------------------------- default period


def monthly_only(last_month: str) -> dict[str, pd.DataFrame]:
    months = pd.date_range("2026-01-01", last_month, freq="MS")
    return {"Subscriptions": pd.DataFrame({"customer_id": ["A"] * len(months), "month": months,
                                           "mrr": [10.0] * len(months)})}


def data_of(tables, today: str) -> RetentionData:
    return RetentionData.from_frames(tables, today=today)


def test_default_period_with_monthly_tables_is_never_the_current_month():
    # the last month given is the run's own month: not complete yet, the month before
    assert build_report(data_of(monthly_only("2026-05-01"), "2026-05-20")).period.label == "2026-04"
    # an earlier last month is complete: that month, never one after the data
    assert build_report(data_of(monthly_only("2026-03-01"), "2026-05-20")).period.label == "2026-03"


def test_default_period_with_daily_tables_is_the_last_complete_month():
    tables = hand_tables()
    # orders to 31 Mar, a month's last day: March is complete (the run is in April)
    assert build_report(data_of(tables, "2026-04-10")).period.label == "2026-03"
    # an order on 1 Apr: April has started, not ended: March
    more = tables["Orders"].iloc[[0]].assign(order_id="o7", order_date=D("2026-04-01"))
    tables["Orders"] = pd.concat([tables["Orders"], more], ignore_index=True)
    assert build_report(data_of(tables, "2026-04-10")).period.label == "2026-03"


def test_a_segment_never_changes_the_period():
    tables = hand_tables()
    # segment X's own dates end with C's order of 31 Mar; segment Y's (B) in February:
    # the period is the whole data's all the same
    data = data_of(tables, "2026-04-10")
    assert build_report(data).period.label == "2026-03"
    assert build_report(data, segment="Y").period.label == "2026-03"
    assert build_report(data, segment="X").period.label == "2026-03"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "B", "é", "a ", None]),
                          st.sampled_from([None, "2026-01-01", "2026-02-01", "2025-12-01"]),
                          st.integers(0, 2)), min_size=0, max_size=8),
       st.sampled_from(["str", object]))
def test_facts_already_in_order_are_recognised_as_such(rows, text):
    """A fact collected in order is not sorted again; one that is not is: the check agrees
    with pandas' own order (text by code point, blanks last) on every kind of key."""
    from addin.data.facts import _in_order

    frame = pd.DataFrame(rows, columns=["customer_id", "month", "score"])
    frame["month"] = pd.to_datetime(frame["month"])
    frame["customer_id"] = frame["customer_id"].astype(text)  # Arrow-backed text, or objects
    if text == "str":
        frame.loc[frame["customer_id"] == "None", "customer_id"] = None
    keys = ["customer_id", "month", "score"]
    ordered = frame.sort_values(keys, kind="stable", na_position="last", ignore_index=True)
    assert _in_order(ordered, keys)
    if _in_order(frame, keys):  # when it says in order, pandas' sort moves nothing
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), ordered)
