"""The retention report (addin.report) on a small hand-made company, every KPI worked by hand.

The company (period 2026-09, previous period 2026-08):

Customers            signup       churn        segment
  C1                 2025-01-10   -            A
  C2                 2025-03-05   2026-09-15   A
  C3                 2026-02-01   -            B
  C4                 2026-08-20   -            B
  C5                 2026-09-03   -            A
  C6                 2025-06-01   2026-08-10   B
  C7                 2026-07-01   -            A   (no MRR in August, back in September)
  C8                 2025-05-01   2026-09-20   B

Subscriptions (MRR)  Jun   Jul   Aug   Sep
  C1                 100   100   100   150
  C2                 200   200   200     -
  C3                  50    50    80    60
  C4                   -     -    40    40
  C5                   -     -     -    70
  C6                  30    30     -     -
  C7                   -    20     -    25
  C8                  10    10    10     -
  total              390   410   430   345

Costs: 2025-10 100 (only to open the data window 12 months before September), 2026-08 300,
2026-09 240. Orders, NPS answers, invoices and activity are listed where they are used.
"""

from __future__ import annotations

import math
import types

import numpy as np
import pandas as pd
import pytest

from addin import i18n
from addin.data import RetentionData
from addin.errors import InvalidInputError, MetricError
from addin.report import (DEFAULT_SETTINGS, KPIS, Note, Period, Quantity, build_report,
                          definition_of, parse_period, render)
from addin.report.facts import PeriodFacts
from addin.report.kpis import SPECS, evaluate
from addin.report.prepared import PreparedData

# ---------------------------------------------------------------------------- the data


def hand_frames() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"],
        "name": ["Ann", "Bob", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"],
        "segment": ["A", "A", "B", "B", "A", "B", "A", "B"],
        "signup_date": ["2025-01-10", "2025-03-05", "2026-02-01", "2026-08-20", "2026-09-03",
                        "2025-06-01", "2026-07-01", "2025-05-01"],
        "churn_date": [None, "2026-09-15", None, None, None, "2026-08-10", None, "2026-09-20"],
    })
    mrr = {
        "C1": {"06": 100, "07": 100, "08": 100, "09": 150},
        "C2": {"06": 200, "07": 200, "08": 200},
        "C3": {"06": 50, "07": 50, "08": 80, "09": 60},
        "C4": {"08": 40, "09": 40},
        "C5": {"09": 70},
        "C6": {"06": 30, "07": 30},
        "C7": {"07": 20, "09": 25},
        "C8": {"06": 10, "07": 10, "08": 10},
    }
    subscriptions = pd.DataFrame(
        [(c, f"2026-{m}-01", v) for c, months in mrr.items() for m, v in months.items()],
        columns=["customer_id", "month", "mrr"],
    )
    orders = pd.DataFrame([
        ("O1", "C1", "2026-06-05", 100.0, 2, 0),
        ("O2", "C1", "2026-08-10", 50.0, 1, 0),
        ("O3", "C1", "2026-09-02", 80.0, 2, 1),
        ("O4", "C3", "2026-09-10", 40.0, 1, 0),
        ("O5", "C3", "2026-09-10", 60.0, 3, 0),
        ("O6", "C4", "2026-09-20", 30.0, 1, 0),
        ("O7", "C5", "2026-09-05", 20.0, 2, 1),
        ("O8", "C5", "2026-09-25", 20.0, 2, 0),
        ("O9", "C2", "2026-08-15", 70.0, 1, 1),
    ], columns=["order_id", "customer_id", "order_date", "amount", "units", "units_returned"])
    nps = pd.DataFrame([
        ("C1", "2026-09-03", 10), ("C3", "2026-09-12", 9), ("C4", "2026-09-15", 7),
        ("C5", "2026-09-20", 3), ("C7", "2026-09-28", 10),
        ("C6", "2026-08-02", 0), ("C1", "2026-08-05", 8), ("C2", "2026-08-20", 6),
        ("C3", "2026-08-25", 9),
    ], columns=["customer_id", "date", "score"])
    invoices = pd.DataFrame([
        ("I1", "C1", "2026-07-01", "2026-07-31", 100.0, "2026-07-20"),
        ("I2", "C2", "2026-08-01", "2026-08-31", 200.0, None),
        ("I3", "C1", "2026-08-01", "2026-08-31", 100.0, "2026-09-10"),
        ("I4", "C3", "2026-08-15", "2026-09-14", 80.0, "2026-08-30"),
        ("I5", "C1", "2026-09-01", "2026-10-01", 150.0, "2026-09-25"),
        ("I6", "C3", "2026-09-15", "2026-10-15", 60.0, None),
        ("I7", "C4", "2026-09-20", "2026-10-20", 40.0, "2026-10-05"),
        ("I8", "C6", "2026-06-10", "2026-07-10", 30.0, None),
    ], columns=["invoice_id", "customer_id", "issue_date", "due_date", "amount", "paid_date"])
    # Activity: U1 every day of August and September, U2 on 1-10 August and on 15 days of
    # September (1-15), U3 on 1 August only.
    days = [("U1", d) for d in pd.date_range("2026-08-01", "2026-09-30")]
    days += [("U2", d) for d in pd.date_range("2026-08-01", "2026-08-10")]
    days += [("U2", d) for d in pd.date_range("2026-09-01", "2026-09-15")]
    days += [("U3", pd.Timestamp("2026-08-01"))]
    activity = pd.DataFrame(days, columns=["user_id", "date"])
    costs = pd.DataFrame({"month": ["2025-10-01", "2026-08-01", "2026-09-01"],
                          "retention_spend": [100.0, 300.0, 240.0]})
    return {"Customers": customers, "Subscriptions": subscriptions, "Orders": orders,
            "NPS": nps, "Invoices": invoices, "Activity": activity, "Costs": costs}


def hand_data(*tables: str, frames: dict | None = None) -> RetentionData:
    frames = frames or hand_frames()
    if tables:
        frames = {name: frames[name] for name in tables}
    return RetentionData.from_frames(frames, source="hand-made")


@pytest.fixture(scope="module")
def report():
    return build_report(hand_data(), "2026-09")


# The report holds Notes (word keys and values), not words: the renderer says them. These
# read a table or list as its block says it, in the report's language.


def said(report, name: str):
    """The table or list ``name`` of ``report`` in words."""
    return render.in_words(report, name)


def kpi_said(report, key: str) -> pd.Series:
    """The row of one KPI in words (label, note)."""
    kpis = said(report, "kpis")
    return kpis.loc[kpis["key"] == key].iloc[0]


def value(report, key, column="current"):
    return report.kpi(key)[column]


def catalogue_value(key: str, period: str, data=None) -> float:
    """A KPI of the catalogue computed on its own, on or off the report's KPI table."""
    frames = dict((data or hand_data()).tables)
    facts = PeriodFacts(PreparedData(frames, None), parse_period(period), DEFAULT_SETTINGS)
    return evaluate(SPECS[key], facts)[0]


# ---------------------------------------------------------------------------- KPIs by hand

# (key, September, August), each worked out below.
HAND_KPIS = [
    # Customers. September: S = signed up before 1 Sep, not churned before it = C1 C2 C3 C4
    # C7 C8 = 6; N = signed up in Sep = C5 = 1; E = active on 30 Sep = C1 C3 C4 C5 C7 = 5;
    # L = of S churned in Sep = C2 (15 Sep) C8 (20 Sep) = 2.
    # August: S = C1 C2 C3 C6 C7 C8 = 6 (C6 churns 10 Aug, after the start); N = C4 = 1;
    # E = C1 C2 C3 C4 C7 C8 = 6; L = C6 = 1.
    ("customers_start", 6, 6),
    ("customers_new", 1, 1),
    ("customers_end", 5, 6),
    ("customers_lost", 2, 1),
    # CRR = (E - N) / S: Sep (5 - 1) / 6, Aug (6 - 1) / 6
    ("crr", 4 / 6, 5 / 6),
    # churn = L / S: Sep 2 / 6, Aug 1 / 6
    ("churn", 2 / 6, 1 / 6),
    # annualised: 1 - (1 - m)^12
    ("churn_annualised", 1 - (4 / 6) ** 12, 1 - (5 / 6) ** 12),
    # MRR of the month: Sep 150 + 60 + 40 + 70 + 25 = 345; Aug 100 + 200 + 80 + 40 + 10 = 430
    ("mrr", 345, 430),
    # ARPA = MRR / paying accounts: Sep 345 / 5 (C1 C3 C4 C5 C7); Aug 430 / 5 (C1 C2 C3 C4 C8)
    ("arpa", 69, 86),
    # Movements Aug -> Sep: start 430; new C5 70; reactivation C7 25 (paid in July);
    # expansion C1 +50; contraction C3 -20; churned C2 200 + C8 10 = 210; end 345.
    # Existing customers (paying in Aug) in Sep: C1 150 + C3 60 + C4 40 = 250.
    # Movements Jul -> Aug: start 410; new C4 40; expansion C3 +30; churned C6 30 + C7 20 = 50;
    # end 430. Existing (paying in Jul) in Aug: C1 100 + C2 200 + C3 80 + C8 10 = 390.
    # Guide 004 as printed: ((start - end_existing) - expansion) / start
    ("revenue_churn_guide", ((430 - 250) - 50) / 430, ((410 - 390) - 30) / 410),
    # gross = (churned + contraction) / start
    ("gross_revenue_churn", (210 + 20) / 430, (50 + 0) / 410),
    # net = (churned + contraction - expansion) / start
    ("net_revenue_churn", (210 + 20 - 50) / 430, (50 - 30) / 410),
    ("grr", 1 - 230 / 430, 1 - 50 / 410),
    ("nrr", 1 - 180 / 430, 1 - 20 / 410),
    # existing-customer growth = (end_existing - start) / start
    ("existing_revenue_growth", (250 - 430) / 430, (390 - 410) / 410),
    # quick ratio = (new + reactivation + expansion) / (churned + contraction)
    ("quick_ratio", (70 + 25 + 50) / 230, (40 + 30) / 50),
    # Orders. Sep buyers: C1 (O3), C3 (O4, O5), C4 (O6), C5 (O7, O8) = 4; orders up to 30 Sep:
    # C1 3, C3 2, C4 1, C5 2 -> 3 repeat customers. Aug buyers: C1 (O2), C2 (O9); up to 31
    # Aug C1 has 2 orders, C2 1 -> 1 of 2.
    ("repeat_purchase_ratio", 3 / 4, 1 / 2),
    ("loyal_customer_rate", 3 / 4, 1 / 2),
    # Time between purchases (purchase days up to the period end): Sep: C1 5 Jun, 10 Aug,
    # 2 Sep -> (89 days) / 2 = 44.5; C3 bought twice on one day -> one purchase day, left
    # out; C4 once; C5 5 Sep, 25 Sep -> 20. (44.5 + 20) / 2 = 32.25. Aug: C1 5 Jun -> 10 Aug
    # = 66 days; C2 once -> 66.
    ("time_between_purchases", (44.5 + 20) / 2, 66),
    # Return rate, orders of the period: Sep units 2+1+3+1+2+2 = 11, returned 1+1 = 2;
    # Aug units 1 + 1 = 2, returned 1.
    ("return_rate", 2 / 11, 1 / 2),
    # DSO. 30 Sep: open I2 200 (unpaid), I6 60 (unpaid), I7 40 (paid 5 Oct), I8 30 (unpaid)
    # = 330; issued in Sep I5 150 + I6 60 + I7 40 = 250; x 30 days.
    # 31 Aug: open I2 200, I3 100 (paid 10 Sep), I8 30 = 330; issued in Aug 200 + 100 + 80
    # = 380; x 31 days.
    ("dso", 330 / 250 * 30, 330 / 380 * 31),
    # NPS. Sep answers 10, 9, 7, 3, 10: 3 promoters, 1 passive, 1 detractor -> (3 - 1) / 5.
    # Aug answers 0, 8, 6, 9: 1 promoter, 1 passive, 2 detractors -> (1 - 2) / 4.
    ("nps", 40.0, -25.0),
    # MOE = z * sqrt((p + d - (p - d)^2) / n) * 100, z = 1.959964 (95 %)
    # Sep p = .6, d = .2: sqrt(.64 / 5); Aug p = .25, d = .5: sqrt(.6875 / 4)
    ("nps_moe", 1.959964 * math.sqrt(0.64 / 5) * 100, 1.959964 * math.sqrt(0.6875 / 4) * 100),
    ("nps_answers", 5, 4),
    # CLV (guides), Sep: revenue Oct 2025 - Sep 2026 = MRR 390 + 410 + 430 + 345 = 1575 plus
    # orders 470 = 2045; customers with revenue: C1..C8 = 8; lifespan 1 / (2/6) = 3 months
    # = 0.25 years -> 2045 / 8 * 0.25. August's 12 months start before the data: blank.
    ("clv", 2045 / 8 * 0.25, None),
    # CLV from churn = ARPA x gross margin (100 % by default) / churn: 69 / (2/6); 86 / (1/6)
    ("clv_churn", 69 * 3, 86 * 6),
    # Retention cost = spend / (S + N): Sep 240 / 7, Aug 300 / 7
    ("retention_cost", 240 / 7, 300 / 7),
    # DAU/MAU. Sep: user-days 30 (U1) + 15 (U2) over 30 days = 1.5 a day, 2 users -> 0.75.
    # Aug: 31 + 10 + 1 = 42 user-days over 31 days, 3 users -> 42 / 31 / 3.
    ("dau_mau", 0.75, 42 / 31 / 3),
]


@pytest.mark.parametrize("key, september, august", HAND_KPIS, ids=[k[0] for k in HAND_KPIS])
def test_every_kpi_matches_the_hand_calculation(report, key, september, august):
    if not SPECS[key].board:  # off the first page: computed all the same
        assert key not in set(report.kpis["key"])
        assert catalogue_value(key, "2026-09") == pytest.approx(september, rel=1e-6)
        assert catalogue_value(key, "2026-08") == pytest.approx(august, rel=1e-6)
        return
    row = report.kpi(key)
    assert row["current"] == pytest.approx(september, rel=1e-6)
    if august is None:
        assert math.isnan(row["previous"])
        assert math.isnan(row["change"])
    else:
        assert row["previous"] == pytest.approx(august, rel=1e-6)
        # a change of a rate is in points
        points = 100 if row["unit"] == "%" else 1
        assert row["change"] == pytest.approx((september - august) * points, rel=1e-6, abs=1e-9)


def test_every_kpi_of_the_catalogue_is_checked_by_hand():
    assert sorted(k for k, *_ in HAND_KPIS) == sorted(spec.key for spec in KPIS)


def test_the_board_leaves_out_the_guides_revenue_churn_and_says_one_rate_once(report):
    # the guide's revenue churn "as printed" is in the Definitions, not on the first page
    keys = list(report.kpis["key"])
    assert "revenue_churn_guide" not in keys and "loyal_customer_rate" not in keys
    labels = list(said(report, "definitions")["label"])
    assert "Revenue churn (guide 004, as printed)" in labels and "Loyal customer rate" in labels
    # repeat purchase ratio and loyal customer rate count the same buyers: one row says so
    row = report.kpi("repeat_purchase_ratio")
    assert row["label"] == Note("repeat_and_loyal")
    assert Note("same_by_definition", other=Note("loyal_customer_rate")) in row["note"]
    assert kpi_said(report, "repeat_purchase_ratio")["label"] == \
        "Repeat purchase ratio = loyal customer rate"
    assert row["current"] == catalogue_value("loyal_customer_rate", "2026-09")
    # the board's rows are the layout's groups, in order
    from addin.report import layout

    assert keys == [key for _, group in layout.KPI_GROUPS for key in group]


def test_kpi_table_shape_labels_and_notes(report):
    assert list(report.kpis.columns) == ["key", "label", "unit", "better", "current", "previous",
                                         "change", "note"]
    assert report.kpi("crr")["label"] == Note("crr")
    assert kpi_said(report, "crr")["label"] == "Customer retention rate (CRR)"
    assert render.kpi_label(report, "crr") == "Customer retention rate (CRR)"
    assert report.kpi("crr")["unit"] == "%" and report.kpi("churn")["better"] == -1
    # August's CLV needs 12 months of revenue the data does not have: blank with the reason,
    # a note of the report's own counting
    (previous,) = report.kpi("clv")["note"]
    assert previous.key == "previous_note"
    assert dict(previous.values)["note"] == Note(
        "undefined_12_months", end=Quantity(pd.Timestamp("2026-08-01"), "month"),
        start=Quantity(pd.Timestamp("2025-10-01"), "month"))
    assert kpi_said(report, "clv")["note"] == (
        "previous period: undefined: needs 12 months of revenue up to Aug 26; the data starts "
        "in Oct 25")
    assert report.kpi("clv_churn")["note"] == (Note("default_margin"),)
    assert "gross margin 100 %" in kpi_said(report, "clv_churn")["note"]
    assert report.kpi("crr")["note"] == () and kpi_said(report, "crr")["note"] == ""


def test_gross_margin_setting():
    report = build_report(hand_data(), "2026-09", settings={"gross_margin": 0.8})
    # 69 x 0.8 / (2/6)
    assert report.kpi("clv_churn")["current"] == pytest.approx(165.6)
    assert report.kpi("clv_churn")["note"] == ()


# ---------------------------------------------------------------------------- the other tables


def test_trend_is_monthly_and_agrees_with_the_kpis(report):
    trend = report.trend
    # the data opens in 2025-10 (Costs), so 12 months up to September
    assert trend["month"].iloc[0] == pd.Timestamp("2025-10-01")
    assert trend["month"].iloc[-1] == pd.Timestamp("2026-09-01")
    assert len(trend) == 12
    last, before = trend.iloc[-1], trend.iloc[-2]
    for key in ("crr", "churn", "mrr", "arpa", "gross_revenue_churn", "nrr", "quick_ratio",
                "repeat_purchase_ratio", "return_rate", "dso", "nps", "dau_mau"):
        assert last[key] == pytest.approx(report.kpi(key)["current"]), key
        assert before[key] == pytest.approx(report.kpi(key)["previous"]), key
    # no NPS answers in July: undefined, so blank
    assert math.isnan(trend.set_index("month").loc["2026-07-01", "nps"])


def test_mrr_movements_per_month(report):
    moves = report.mrr_movements.set_index("month")
    sep = moves.loc["2026-09-01"]
    # losses are negative so that start + movements = end across the row
    assert sep.to_dict() == {"start_mrr": 430, "new": 70, "expansion": 50, "reactivation": 25,
                             "contraction": -20, "churned": -210, "end_mrr": 345}
    aug = moves.loc["2026-08-01"]
    assert (aug["new"], aug["expansion"], aug["churned"]) == (40, 30, -50)
    assert (moves.drop(columns="end_mrr").sum(axis=1) == moves["end_mrr"]).all()


def test_cohorts_logos_and_revenue(report):
    # First month with MRR: June C1 C2 C3 C6 C8, July C7, August C4, September C5. June is
    # the first month of Subscriptions: its cohort holds every customer already paying then.
    first = Note("cohort_open", month=Quantity(pd.Timestamp("2026-06-01"), "month"))
    assert report.cohorts_logos["cohort"].iloc[0] == first
    assert report.cohorts_revenue["cohort"].iloc[0] == first
    assert said(report, "cohorts_logos")["cohort"].iloc[0] == "Jun 26 or earlier"
    # C1 C2 C3 C6 C8 signed up in 2025 or before June 2026: all five before June
    assert report.cohort_notes == [
        Note("cohort_open_note", month=first.values[0][1], size=5, table="Subscriptions"),
        Note("cohort_open_before", month=first.values[0][1], before=5, size=5)]
    assert said(report, "cohort_notes")[1] == "Of its 5 customers, 5 signed up before Jun 26."
    logos = report.cohorts_logos.replace({first: pd.Timestamp("2026-06-01")}).set_index("cohort")
    june = logos.loc[pd.Timestamp("2026-06-01")]
    # June cohort active: Jun 5, Jul 5, Aug 4 (C6 gone), Sep 2 (C2, C8 gone)
    assert june["size"] == 5
    assert [june[k] for k in (0, 1, 2, 3)] == pytest.approx([1.0, 1.0, 0.8, 0.4])
    july = logos.loc[pd.Timestamp("2026-07-01")]  # C7: paying, not, paying again
    assert [july[k] for k in (0, 1, 2)] == pytest.approx([1.0, 0.0, 1.0])
    assert math.isnan(july[3])  # not observed yet
    revenue = report.cohorts_revenue.set_index("cohort")
    # June cohort MRR: 390, 390, 390 (100 + 200 + 80 + 10), 210 (150 + 60)
    assert revenue.loc[first, "size"] == 390
    assert revenue.loc[first, 3] == pytest.approx(210 / 390)


def test_nps_distribution_and_months(report):
    dist = report.nps_distribution.set_index("score")
    assert dist["answers"].to_dict() == {0: 0, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0,
                                         9: 1, 10: 2}
    assert dist.loc[10, "share"] == pytest.approx(2 / 5)
    assert dist.loc[3, "group"] == Note("detractor") and dist.loc[9, "group"] == Note("promoter")
    groups = said(report, "nps_distribution")["group"]
    assert groups[3] == "detractor" and groups[7] == "passive" and groups[9] == "promoter"
    months = report.nps_monthly.set_index("month")
    assert months.loc["2026-08-01", ["promoters", "passives", "detractors", "answers"]].tolist() == [1, 1, 2, 4]
    assert months.loc["2026-08-01", "nps"] == pytest.approx(-25)


def test_ageing_at_the_period_end(report):
    # Open on 30 Sep: I6 60 and I7 40 not yet due; I2 due 31 Aug -> 30 days late; I8 due
    # 10 Jul -> 82 days late.
    ageing = report.ageing
    assert ageing["invoices"].tolist() == [2, 1, 0, 1, 0, 4]
    assert ageing["amount"].tolist() == [100, 200, 0, 30, 0, 330]
    assert ageing["amount"].iloc[-1] == pytest.approx(330)  # = DSO's receivables
    assert ageing["bucket"].iloc[-1] == Note("total")
    assert said(report, "ageing")["bucket"].tolist() == ["not yet due", "1-30", "31-60", "61-90",
                                                         "over 90", "Total"]


def test_quality_lists_every_table(report):
    quality = report.quality
    assert list(quality.columns) == ["table", "rows_read", "rows_kept", "rows_dropped", "reason",
                                     "first_rows"]
    assert set(quality["table"]) == {"Customers", "Subscriptions", "Orders", "NPS", "Invoices",
                                     "Activity", "Costs"}
    partial = build_report(hand_data("Customers", "Subscriptions"), "2026-09")
    assert partial.quality.set_index("table").loc["Orders", "reason"] == Note("not_provided")
    assert "not provided" in said(partial, "quality").set_index("table").loc["Orders", "reason"]


def test_definitions_quote_the_docstrings(report):
    assert report.definitions["label"].iloc[0] == Note(KPIS[0].key)
    definitions = said(report, "definitions").set_index("label")
    crr = definitions.loc["Customer retention rate (CRR)", "definition"]
    assert crr.startswith("Customer retention rate: the share of the starting customers")
    assert "CRR = (E − N) / S" in crr
    assert "\n" not in crr
    # the source is the Excel function that computes it, never a Python name
    assert definitions.loc["Customer retention rate (CRR)", "source_function"] == "Excel function CRR"
    assert definitions.loc["MRR", "source_function"] == "the report's counting (rules below)"
    assert not any("addin." in text for text in definitions["source_function"])
    # in Italian, the definitions in Italian words
    italian = said(build_report(hand_data(), "2026-09", lang="it"), "definitions").set_index("label")
    assert italian.loc["Tasso di fidelizzazione (CRR)", "definition"].startswith(
        "Tasso di fidelizzazione: la quota dei clienti")
    # the counting rules are written too
    assert "S = customers active at the period start" in definitions.loc["Customers S, N, E, L", "definition"]
    from addin import metrics

    for function in (metrics.gross_revenue_churn_rate, metrics.days_sales_outstanding,
                     metrics.net_promoter_score):
        first_line = function.__doc__.strip().splitlines()[0]
        assert definition_of(function).startswith(first_line)
    assert "DSO = accounts receivable / revenue × days" in definition_of(metrics.days_sales_outstanding)


# ---------------------------------------------------------------------------- n/a and undefined


def test_missing_tables_show_na_never_a_number():
    report = build_report(hand_data("Customers", "Subscriptions"), "2026-09")
    for key in ("repeat_purchase_ratio", "time_between_purchases", "return_rate"):
        row = report.kpi(key)
        assert math.isnan(row["current"]) and math.isnan(row["previous"])
        assert Note("needs_table", tables=("Orders",)) in row["note"]
        assert kpi_said(report, key)["note"].endswith("n/a — needs the Orders table")
    assert kpi_said(report, "nps")["note"] == "n/a — needs the NPS table"
    assert kpi_said(report, "dso")["note"] == "n/a — needs the Invoices table"
    assert kpi_said(report, "dau_mau")["note"] == "n/a — needs the Activity table"
    assert kpi_said(report, "retention_cost")["note"] == "n/a — needs the Costs table"
    assert report.kpi("crr")["current"] == pytest.approx(4 / 6)
    # the trend leaves out what cannot be computed
    assert "nps" not in report.trend.columns and "crr" in report.trend.columns
    assert report.nps_distribution.empty and report.ageing.empty


def test_only_orders_gives_order_kpis_and_na_elsewhere():
    report = build_report(hand_data("Orders"), "2026-09")
    assert report.kpi("repeat_purchase_ratio")["current"] == pytest.approx(0.75)
    assert kpi_said(report, "crr")["note"] == "n/a — needs the Customers or Subscriptions table"
    assert kpi_said(report, "mrr")["note"] == "n/a — needs the Subscriptions table"
    # cohorts fall back on orders
    assert not report.cohorts_logos.empty
    assert Note("cohort_source", table="Orders") in report.notes
    assert "Orders" in " ".join(render.notes(report))


def test_italian_labels_and_notes():
    report = build_report(hand_data("Customers", "Subscriptions"), "2026-09", lang="it")
    assert report.lang == "it"
    assert kpi_said(report, "crr")["label"] == "Tasso di fidelizzazione (CRR)"
    assert kpi_said(report, "nps")["note"] == "n/d — serve la tabella NPS"
    assert kpi_said(report, "crr")["note"] == ""
    assert set(i18n.TEXTS["it"]) == set(i18n.TEXTS["en"])
    assert render.notes(report) == [i18n.text("it", "cohort_source", table="Subscriptions")]
    english = build_report(hand_data("Customers", "Subscriptions"), "2026-09")
    assert render.notes(english) == [i18n.text("en", "cohort_source", table="Subscriptions")]


def test_the_language_changes_no_computed_value():
    # the computation attaches keys and Notes; only the renderer knows the language
    english = build_report(hand_data(), "2026-09", "A", lang="en")
    italian = build_report(hand_data(), "2026-09", "A", lang="it")
    for name, value in vars(english).items():
        if name == "lang":
            assert (value, italian.lang) == ("en", "it")
        elif isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, getattr(italian, name), obj=name)
        else:
            assert value == getattr(italian, name), name


def test_undefined_kpis_are_blank_with_the_core_reason():
    report = build_report(hand_data(), "2026-07")
    # no NPS answers in July (and none in June): the core says the answers are 0
    row = report.kpi("nps")
    assert math.isnan(row["current"]) and "undefined: the number of answers is 0" in row["note"]
    assert "undefined: the number of answers is 0" in kpi_said(report, "nps")["note"]
    # no costs in July
    assert "undefined: Costs has no row for Jul 26" in kpi_said(report, "retention_cost")["note"]
    # the core's names never reach the page: said in the analyst's words, in each language
    frames = hand_frames()
    frames["Subscriptions"] = frames["Subscriptions"][frames["Subscriptions"]["customer_id"] == "C1"]
    flat = build_report(hand_data(frames=frames), "2026-08")  # C1 paid 100 in Jul and Aug
    assert flat.kpi("quick_ratio")["note"] == ("undefined: churned_mrr + contraction_mrr is 0",)
    assert kpi_said(flat, "quick_ratio")["note"] == \
        "undefined: lost MRR (churned + contraction) is 0"
    italian = build_report(hand_data(frames=frames), "2026-08", lang="it")
    assert kpi_said(italian, "quick_ratio")["note"] == \
        "non definito: l'MRR perso (abbandoni + contrazioni) è 0"


# ---------------------------------------------------------------------------- MRR-only customers


def test_customers_counted_from_mrr_without_a_customers_table():
    # Active = MRR > 0. Sep: S = paying in Aug = C1 C2 C3 C4 C8 = 5; E = paying in Sep =
    # C1 C3 C4 C5 C7 = 5; N = paying in Sep, not in Aug = C5 C7 = 2; L = of S not paying in
    # Sep = C2 C8 = 2. CRR = (5 - 2) / 5, churn = 2 / 5.
    report = build_report(hand_data("Subscriptions"), "2026-09")
    assert [report.kpi(k)["current"] for k in
            ("customers_start", "customers_new", "customers_end", "customers_lost")] == [5, 2, 5, 2]
    assert report.kpi("crr")["current"] == pytest.approx(0.6)
    assert report.kpi("churn")["current"] == pytest.approx(0.4)


# ---------------------------------------------------------------------------- periods


@pytest.mark.parametrize("text, kind, first, last", [
    ("2026-09", "month", "2026-09", "2026-09"),
    ("2026-9", "month", "2026-09", "2026-09"),
    ("2026-Q3", "quarter", "2026-07", "2026-09"),
    ("2026-q1", "quarter", "2026-01", "2026-03"),
    ("2026", "year", "2026-01", "2026-12"),
])
def test_parse_period(text, kind, first, last):
    period = parse_period(text)
    month = lambda m: str(np.datetime64(m, "M"))  # noqa: E731
    assert (period.kind, month(period.first), month(period.last)) == (kind, first, last)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "Sep 2026", "26-09", "", "2026-09-01"])
def test_parse_period_rejects(text):
    with pytest.raises(InvalidInputError, match="period"):
        parse_period(text)


def test_period_labels_and_previous():
    assert parse_period("2026-Q3").label == "2026-Q3"
    assert parse_period("2026-Q1").previous.label == "2025-Q4"
    assert parse_period("2026-01").previous.label == "2025-12"
    assert parse_period("2026").previous.label == "2025"
    assert parse_period("2026-02").days == 28 and parse_period("2026-Q3").days == 92


def test_quarter_kpis_by_hand():
    # Q3 (Jul-Sep). S = signed up before 1 Jul, not churned before: C1 C2 C3 C6 C8 = 5;
    # N = C4 C5 C7 = 3; E = C1 C3 C4 C5 C7 = 5; L = C2 C6 C8 = 3. CRR = (5 - 3) / 5.
    # churn 3/5, annualised over 4 quarters 1 - 0.4^4.
    # MRR: June 390 -> September 345, per customer: new C4 40 + C5 70 + C7 25 (no MRR before
    # June) = 135, expansion C1 50 + C3 10 = 60, churned C2 200 + C6 30 + C8 10 = 240.
    # DSO: open on 30 Sep 330 / issued in Q3 730 x 92 days.
    report = build_report(hand_data(), "2026-Q3")
    assert report.period.label == "2026-Q3" and report.previous.label == "2026-Q2"
    assert report.kpi("crr")["current"] == pytest.approx(2 / 5)
    assert report.kpi("churn")["current"] == pytest.approx(3 / 5)
    assert report.kpi("churn_annualised")["current"] == pytest.approx(1 - 0.4 ** 4)
    assert report.kpi("mrr")["current"] == 345
    assert report.kpi("gross_revenue_churn")["current"] == pytest.approx(240 / 390)
    assert report.kpi("quick_ratio")["current"] == pytest.approx((135 + 60) / 240)
    assert report.kpi("dso")["current"] == pytest.approx(330 / 730 * 92)
    # the trend still ends with the quarter's last month
    assert report.trend["month"].iloc[-1] == pd.Timestamp("2026-09-01")


def test_year_period_is_marked_incomplete():
    report = build_report(hand_data(), "2026")
    assert report.period.kind == "year" and report.previous.label == "2025"
    assert Note("incomplete_period", period="2026", end="2026-10-05") in report.notes
    assert any("2026 is not complete" in note for note in render.notes(report))
    assert report.kpi("churn_annualised")["current"] == pytest.approx(report.kpi("churn")["current"])


def test_default_period_is_the_last_complete_month():
    # the latest date is 5 Oct (I7 paid): October is not complete, September is
    report = build_report(hand_data())
    assert report.period.label == "2026-09"
    assert report.notes[0] == Note("default_period", period="2026-09")
    assert any("last complete month" in note for note in render.notes(report))
    # with monthly tables only, their last month
    assert build_report(hand_data("Subscriptions")).period.label == "2026-09"


def test_period_outside_the_data_is_refused():
    with pytest.raises(InvalidInputError, match="outside the data"):
        build_report(hand_data(), "2030-01")


# ---------------------------------------------------------------------------- segments


def test_segment_filter_by_hand():
    # Segment A = C1 C2 C5 C7. Sep: S = C1 C2 C7 = 3, N = C5, E = C1 C5 C7 = 3, L = C2.
    # MRR Sep = 150 + 70 + 25 = 245; Aug = 100 + 200 = 300. NPS Sep: C1 10, C5 3, C7 10.
    report = build_report(hand_data(), "2026-09", segment="A")
    assert report.segment == "A"
    assert report.kpi("crr")["current"] == pytest.approx((3 - 1) / 3)
    assert report.kpi("churn")["current"] == pytest.approx(1 / 3)
    assert report.kpi("mrr")["current"] == 245 and report.kpi("mrr")["previous"] == 300
    assert report.kpi("nps")["current"] == pytest.approx((2 - 1) / 3 * 100)
    # spend and activity are not split by segment: n/a, never the company's number
    assert math.isnan(report.kpi("retention_cost")["current"])
    assert "not split by segment" in kpi_said(report, "retention_cost")["note"]
    assert "no segment" in kpi_said(report, "dau_mau")["note"]
    assert said(report, "meta")["value"][2] == "A"
    meta = said(build_report(hand_data(), "2026-09", lang="it"), "meta")
    assert meta["label"][2] == i18n.text("it", "segment")
    assert meta["value"][2] == "tutti i segmenti"
    assert "dau_mau" not in report.trend.columns


def test_segment_matching_and_refusals():
    assert build_report(hand_data(), "2026-09", segment="b").segment == "B"
    with pytest.raises(InvalidInputError, match="segments are A, B"):
        build_report(hand_data(), "2026-09", segment="Enterprise")
    with pytest.raises(InvalidInputError, match="Customers"):
        build_report(hand_data("Subscriptions"), "2026-09", segment="A")


def test_bad_language_is_refused():
    with pytest.raises(MetricError, match="lang"):
        build_report(hand_data(), "2026-09", lang="fr")


# ---------------------------------------------------------------------------- consistency on sample data


def test_sample_company_period_movements_match_the_monthly_table():
    from addin.sample_data import generate_company

    data = RetentionData.from_frames(generate_company(customers=300, seed=7))
    report = build_report(data, "2026-06")
    moves = report.mrr_movements.set_index("month").loc["2026-06-01"]
    assert report.kpi("mrr")["current"] == pytest.approx(moves["end_mrr"])
    assert report.kpi("gross_revenue_churn")["current"] == pytest.approx(
        (-moves["churned"] - moves["contraction"]) / moves["start_mrr"])
    assert len(report.trend) == 20  # the window opens in 2024-11
    assert len(report.cohorts_logos) <= 24 and len(report.mrr_movements) <= 24
    assert report.kpis["current"].notna().all(), report.kpis[report.kpis["current"].isna()]


def test_period_object_is_accepted():
    period = Period("month", parse_period("2026-09").first, parse_period("2026-09").first)
    assert build_report(hand_data(), period).period.label == "2026-09"


# ---------------------------------------------------------------------------- why retention pays


def whatif(report) -> pd.DataFrame:
    """The what-if of ``report`` in words, by key."""
    return said(report, "retention_whatif").set_index("key")


def test_whatif_by_hand_is_retention_value_with_the_periods_numbers():
    from addin import metrics as M

    report = build_report(hand_data(), "2026-09", settings={"gross_margin": 0.8, "program_cost": 50})
    w = whatif(report)
    assert list(report.retention_whatif.columns) == [
        "key", "label", "unit", "today", "cut_10", "cut_20", "cut_30", "note"]
    # September: E = 5 customers, churn = L / S = 2 / 6, ARPA = MRR 345 / 5 paying = 69
    assert w.loc["customers", "today"] == 5
    assert w.loc["churn", "today"] == pytest.approx(2 / 6)
    assert w.loc["arpa", "today"] == pytest.approx(69)
    assert w.loc["margin", "today"] == 0.8 and w.loc["cost", "today"] == 50
    # the scenarios cut churn by 10, 20, 30 %: 1/3 -> 0.3, 0.2667, 0.2333
    assert list(w.loc["churn", ["cut_10", "cut_20", "cut_30"]]) == pytest.approx([0.3, 0.8 / 3, 0.7 / 3])
    # CLV = ARPA x margin / churn: 69 x 0.8 / (1/3) = 165.6 (the KPI's CLV from churn), 184 at 0.3
    assert w.loc["clv", "today"] == pytest.approx(165.6)
    assert w.loc["clv", "today"] == pytest.approx(report.kpi("clv_churn")["current"])
    assert w.loc["clv", "cut_10"] == pytest.approx(184)
    # value = 5 x (184 - 165.6) = 92: retention_value called with the period's numbers
    assert w.loc["value", "cut_10"] == pytest.approx(92)
    for k, column in ((0.1, "cut_10"), (0.2, "cut_20"), (0.3, "cut_30")):
        assert w.loc["value", column] == pytest.approx(
            M.retention_value(5, 69, 0.8, 2 / 6, 2 / 6 * k), rel=1e-12)
        assert w.loc["roi", column] == pytest.approx(
            M.retention_roi(5, 69, 0.8, 2 / 6, 2 / 6 * k, 50), rel=1e-12)
        # profit uplift: yearly retention (1 - churn)^12 today and after the cut
        r, r_after = (1 - 2 / 6) ** 12, (1 - 2 / 6 * (1 - k)) ** 12
        assert w.loc["retention", column] == pytest.approx(r_after)
        assert w.loc["uplift_5", column] == pytest.approx(M.profit_uplift(r, r_after - r, 5))
        assert w.loc["uplift_10", column] == pytest.approx(M.profit_uplift(r, r_after - r, 10))
    assert w.loc["roi", "cut_10"] == pytest.approx((92 - 50) / 50)
    # today has no value, ROI or uplift; the inputs have no scenarios
    assert np.isnan(w.loc["value", "today"]) and np.isnan(w.loc["customers", "cut_10"])
    assert w.loc["margin", "note"] == "from the settings"
    assert w.loc["value", "unit"] == "money" and w.loc["roi", "unit"] == "%"
    keyed = report.retention_whatif.set_index("key")
    assert keyed.loc["margin", "label"] == Note("whatif_margin")
    assert keyed.loc["margin", "note"] == (Note("whatif_note_margin"),)
    assert keyed.loc["customers", "note"] == ()
    assert w.loc["margin", "label"] == "Gross margin" and w.loc["customers", "note"] == ""


def test_whatif_of_a_quarter_uses_quarterly_churn_and_arpa():
    from addin import metrics as M

    report = build_report(hand_data(), "2026-Q3", settings={"gross_margin": 0.5})
    w = whatif(report)
    churn, customers = report.kpi("churn")["current"], report.kpi("customers_end")["current"]
    arpa = 345 * 3 / 5  # MRR of September x 3 months / paying customers
    assert w.loc["churn", "today"] == pytest.approx(churn)
    assert w.loc["arpa", "today"] == pytest.approx(arpa)
    assert w.loc["clv", "today"] == pytest.approx(report.kpi("clv_churn")["current"])
    assert w.loc["value", "cut_20"] == pytest.approx(
        M.retention_value(customers, arpa, 0.5, churn, churn * 0.2))
    r, r_after = (1 - churn) ** 4, (1 - churn * 0.8) ** 4  # 4 quarters a year
    assert w.loc["uplift_5", "cut_20"] == pytest.approx(M.profit_uplift(r, r_after - r, 5))


def test_whatif_without_programme_cost_or_margin_says_so():
    w = whatif(build_report(hand_data(), "2026-09"))
    assert w[["cut_10", "cut_20", "cut_30"]].loc["roi"].isna().all()
    assert w.loc["cost", "note"].startswith("n/a — no programme cost given")
    assert np.isnan(w.loc["cost", "today"])
    assert w.loc["margin", "today"] == 1.0
    assert w.loc["margin", "note"] == "gross margin 100 % (no gross margin given)"
    assert w.loc["value", "cut_10"] == pytest.approx(5 * (69 / 0.3 - 69 / (1 / 3)))


def test_whatif_never_makes_up_a_number():
    # only Orders: no customers, churn or ARPA -> every value blank, and why
    w = whatif(build_report(hand_data("Orders"), "2026-09"))
    numbers = w[["today", "cut_10", "cut_20", "cut_30"]].drop(index=["margin"])
    assert numbers.isna().all().all()
    assert w.loc["customers", "note"] == "n/a — needs the Customers or Subscriptions table"
    assert w.loc["arpa", "note"] == "n/a — needs the Subscriptions table"
    # nobody lost in the period: churn 0, so CLV is infinite: blank with the core's reason
    frames = hand_frames()
    frames["Customers"]["churn_date"] = None
    w = whatif(build_report(hand_data(frames=frames), "2026-09"))
    assert w.loc["churn", "today"] == 0
    assert np.isnan(w.loc["clv", "today"])
    assert w.loc["clv", "note"].startswith("undefined: churn is 0, so the customer value is infinite")


def test_most_valuable_customers_na_with_too_few_repeat_buyers(report):
    # Orders up to 30 Sep: C1 (3 days), C3 (two orders on one day: one transaction),
    # C4, C5 (2 days), C2 -> 2 repeat buyers of 5 customers
    assert report.top_customers.empty
    assert list(report.top_customers.columns) == [
        "customer_id", "customer", "clv", "share", "cumulative_share", "p_alive", "expected_purchases",
        "expected_spend"]
    assert report.clv_notes == [Note("clv_too_few", needed=10, end="2026-09-30", have=2,
                                     customers=5)]
    assert said(report, "clv_notes") == [
        "n/a — too few repeat buyers to fit the model: it needs at least 10 customers who bought "
        "on 2 or more days; the Orders up to 2026-09-30 have 2 (of 5 customers)."]
    italian = build_report(hand_data(), "2026-09", lang="it")
    assert said(italian, "clv_notes")[0].startswith("n/d — troppo pochi clienti")
    assert said(build_report(hand_data("Customers"), "2026-09"), "clv_notes") == [
        "n/a — needs the Orders table"]


@pytest.fixture(scope="module")
def sample():
    from addin.sample_data import generate_company

    frames = generate_company()
    return frames, build_report(RetentionData.from_frames(frames), "2026-09")


def _forecast(orders: pd.DataFrame, end: str) -> pd.DataFrame:
    from addin import metrics as M

    orders = orders[orders["order_date"] <= end]
    model = M.fit_clv_model(orders["customer_id"], orders["order_date"], orders["amount"],
                            calibration_end=end, time_unit="W")
    return M.forecast_clv(model, 52)


def test_most_valuable_customers_equal_the_forecast_on_the_orders_to_the_period_end(sample):
    frames, report = sample
    expected = _forecast(frames["Orders"], "2026-09-30")
    top = report.top_customers
    assert len(top) == 20
    assert list(top["customer_id"]) == list(expected["customer_id"][:20])
    for column in ("clv", "p_alive", "expected_purchases", "expected_spend"):
        assert np.allclose(top[column], expected[column][:20], rtol=1e-9), column
    total = expected["clv"].sum()
    assert np.allclose(top["share"], expected["clv"][:20] / total)
    assert top["cumulative_share"].iloc[-1] == pytest.approx(expected["clv"][:20].sum() / total)
    assert top["clv"].is_monotonic_decreasing
    share = f"{100 * expected['clv'][:20].sum() / total:.1f} %"
    assert report.clv_notes[1].key == "clv_top_share"
    assert dict(report.clv_notes[1].values)["percent"] == pytest.approx(
        100 * expected["clv"][:20].sum() / total)
    notes = said(report, "clv_notes")
    assert notes[1].startswith(f"The top 20 customers hold {share} of the total")
    assert "fitted to the Orders up to 2026-09-30" in notes[0]


def test_most_valuable_customers_leave_out_refunds_and_count_them(sample):
    frames, _ = sample
    frames = {k: v.copy() for k, v in frames.items()}
    orders = frames["Orders"]
    refunds = orders.index[orders["order_date"] <= "2026-09-30"][[5, 50, 500]]
    orders.loc[refunds, "amount"] = -orders.loc[refunds, "amount"]
    expected = _forecast(orders.drop(index=refunds), "2026-09-30")
    # the data loader drops them (Data quality counts them) ...
    loaded = build_report(RetentionData.from_frames(frames), "2026-09")
    assert list(loaded.top_customers["customer_id"]) == list(expected["customer_id"][:20])
    assert "negative amount" in " ".join(said(loaded, "quality")["reason"].dropna())
    # ... and tables handed over as they are (build_report takes any object with tables) get
    # the same forecast, the refunds left out and counted, never a failed model
    raw = build_report(types.SimpleNamespace(tables=frames, source="raw"), "2026-09")
    assert list(raw.top_customers["customer_id"]) == list(expected["customer_id"][:20])
    assert np.allclose(raw.top_customers["clv"], expected["clv"][:20])
    assert Note("clv_negative", n=3) in raw.clv_notes
    assert "3 order(s) with a negative amount (refunds) are left out." in said(raw, "clv_notes")


def test_most_valuable_customers_of_a_segment(sample):
    frames, _ = sample
    segment = frames["Customers"]["segment"].iloc[0]
    report = build_report(RetentionData.from_frames(frames), "2026-09", segment=segment)
    ours = set(frames["Customers"].loc[frames["Customers"]["segment"] == segment, "customer_id"])
    assert len(report.top_customers) and set(report.top_customers["customer_id"]) <= ours
    orders = frames["Orders"][frames["Orders"]["customer_id"].isin(ours)]
    expected = _forecast(orders, "2026-09-30")
    assert list(report.top_customers["customer_id"]) == list(expected["customer_id"][:20])


def test_definitions_explain_the_new_blocks(report):
    labels = list(said(report, "definitions")["label"])
    assert "What-if: the value of lower churn" in labels
    assert "Most valuable customers (predictive CLV)" in labels
    assert len(report.definitions) <= 40  # the layout's rows for it


def test_most_valuable_customers_say_why_a_fit_fails(sample, monkeypatch):
    from scipy import optimize

    from addin.metrics import predictive

    frames, _ = sample

    def failing(fun, x0, **kwargs):
        return optimize.OptimizeResult(x=np.full_like(x0, np.nan), fun=np.nan, success=False,
                                       message="ABNORMAL", jac=x0 * 0)

    monkeypatch.setattr(predictive.optimize, "minimize", failing)
    report = build_report(RetentionData.from_frames(frames), "2026-09")
    assert report.top_customers.empty
    assert said(report, "clv_notes")[0].startswith(
        "n/a — the model could not be fitted: the BG/NBD fit did not converge (optimiser: ABNORMAL)")
    # the rest of the report is there
    assert not np.isnan(report.kpi("crr")["current"])


def test_most_valuable_customers_count_free_repeat_buyers_and_need_amounts(sample):
    frames, _ = sample
    frames = {k: v.copy() for k, v in frames.items()}
    orders = frames["Orders"]
    # every order of three repeat buyers free: left out of the spend model, still forecast
    counts = orders[orders["order_date"] <= "2026-09-30"]["customer_id"].value_counts()
    free = list(counts[counts >= 3].index[:3])
    orders.loc[orders["customer_id"].isin(free), "amount"] = 0.0
    report = build_report(types.SimpleNamespace(tables=frames, source="raw"), "2026-09")
    assert "3 repeat buyer(s) whose repeat orders total 0 are left out of the spend model " \
           "(they still get a forecast)." in said(report, "clv_notes")
    expected = _forecast(orders, "2026-09-30")
    assert list(report.top_customers["customer_id"]) == list(expected["customer_id"][:20])
    frames["Orders"] = orders.drop(columns="amount")
    report = build_report(types.SimpleNamespace(tables=frames, source="raw"), "2026-09")
    assert report.clv_notes == [Note("needs_columns", columns="amount", table="Orders")]
    assert said(report, "clv_notes") == ["n/a — needs the amount column(s) of Orders"]


# ---------------------------------------------------------------------------- period edges


def test_crr_leaves_out_new_customers_lost_within_the_period():
    # C9 signs up on 5 Sep and leaves on 25 Sep: N grows by one, E and L do not change.
    # Retention of the starting base is unchanged: CRR = (E − new customers still active at
    # the end) / S, the same 4 / 6 as in the September hand calculation.
    frames = hand_frames()
    frames["Customers"] = pd.concat([frames["Customers"], pd.DataFrame({
        "customer_id": ["C9"], "name": ["Ivy"], "segment": ["A"],
        "signup_date": ["2026-09-05"], "churn_date": ["2026-09-25"]})], ignore_index=True)
    before = build_report(hand_data(), "2026-09")
    after = build_report(hand_data(frames=frames), "2026-09")
    assert after.kpi("customers_new")["current"] == before.kpi("customers_new")["current"] + 1
    assert after.kpi("customers_end")["current"] == before.kpi("customers_end")["current"]
    assert after.kpi("crr")["current"] == pytest.approx(4 / 6)


def test_a_period_starting_before_the_data_is_refused():
    # the hand data starts in October 2025 (the Costs row)
    with pytest.raises(InvalidInputError, match="starts before the data, which starts in 2025-10"):
        build_report(hand_data(), "2025")


def test_the_previous_period_before_the_data_is_blank_not_zero():
    report = build_report(hand_data(), "2025-10")
    mrr = report.kpi("mrr")
    assert math.isnan(mrr["previous"]) and math.isnan(mrr["change"])
    assert all(math.isnan(v) for v in report.kpis["previous"])


def test_dso_of_a_period_past_the_data_counts_the_days_the_data_covers():
    # 2026: open at the period end I2 200 + I6 60 + I8 30 = 290; issued in 2026: all eight
    # invoices, 760; the data ends on 5 Oct (I7 paid), so 1 Jan – 5 Oct = 278 days, not 365.
    report = build_report(hand_data(), "2026")
    assert report.kpi("dso")["current"] == pytest.approx(290 / 760 * 278)


# ---------------------------------------------------------------------------- the package's rooms


def test_the_report_imports_no_writer_and_no_excel_library():
    import subprocess
    import sys

    code = ("import sys, addin.report; print(' '.join(sorted(m for m in sys.modules if "
            "m.split('.')[0] in ('xlwings', 'openpyxl', 'xlsxwriter') or m.startswith("
            "('addin.excel', 'addin.udfs', 'addin.refresh', 'addin.report.layout')))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []


def test_only_the_renderer_translates():
    # Compute decides what the report says, the renderer the words: no compute module calls
    # i18n.text or reads i18n.TEXTS (nor imports them from addin.i18n), none takes a
    # language but build_report (which stores it in the report), none imports the renderer
    # (the renderer's modules: render and say, the words).
    import ast
    from pathlib import Path

    import addin.report

    translating, taking_lang, importing_render = set(), set(), set()
    for path in sorted(Path(addin.report.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("text", "TEXTS")
                    and isinstance(node.value, ast.Name) and node.value.id == "i18n"):
                translating.add(path.name)
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("i18n") and \
                    {alias.name for alias in node.names} & {"text", "TEXTS", "report_words"}:
                translating.add(path.name)
            if isinstance(node, ast.ImportFrom) and "render" in (
                    [node.module or ""] + [alias.name for alias in node.names]):
                importing_render.add(path.name)
            if isinstance(node, (ast.FunctionDef, ast.Lambda)) and path.name != "render.py":
                if "lang" in [a.arg for a in node.args.args + node.args.kwonlyargs]:
                    taking_lang.add(f"{path.name}:{getattr(node, 'name', 'lambda')}")
    assert translating == {"render.py", "say.py"}
    assert {name for name in taking_lang if not name.startswith("say.py:")} == {
        "build.py:build_report"}
    assert importing_render == set()


def test_the_report_is_not_held_to_excels_memory_bound(monkeypatch):
    # The Excel functions refuse a customers × months table over MAX_TABLE_BYTES (Excel and
    # Lite must not die); the report already holds that grid, so its MRR movements stay.
    from addin import metrics as M
    from addin.sample_data import generate_company

    from addin.metrics import _inputs

    monkeypatch.setattr(_inputs, "MAX_TABLE_BYTES", 100)
    with pytest.raises(InvalidInputError, match="more than the"):
        M.mrr_movements(["a", "b"] * 12, [f"2025-{m:02d}-01" for m in range(1, 13)] * 2, [1.0] * 24)
    report = build_report(RetentionData.from_frames(generate_company(customers=60, seed=3)))
    assert len(report.mrr_movements) > 0


def test_currency_from_the_settings_else_the_data():
    # --currency wins; else the data's, when it names one (an export's currency column);
    # else none: amounts without a symbol
    frames = hand_frames()
    named = types.SimpleNamespace(tables=frames, source="export", currency="USD")
    assert build_report(named, "2026-09").currency == "USD"
    assert build_report(named, "2026-09", settings={"currency": "EUR"}).currency == "EUR"
    assert build_report(hand_data(), "2026-09").currency is None
    # nothing computed depends on it
    a, b = build_report(named, "2026-09"), build_report(hand_data(), "2026-09")
    pd.testing.assert_frame_equal(a.kpis, b.kpis)


def test_the_default_period_is_never_after_the_runs_date():
    # a date the reader let through (a Customers churn date in the future is legitimate)
    # must not make the default period a month that has not ended yet
    import datetime as dt

    frames = hand_frames()
    later = build_report(types.SimpleNamespace(tables=frames, source="x", today=None))
    early = build_report(types.SimpleNamespace(tables=frames, source="x",
                                               today=dt.date(2026, 6, 15)))
    assert early.period.label == "2026-05"
    assert later.period.label == "2026-09"
