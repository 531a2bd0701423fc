"""The numbers the template stores beside its formulas, computed in Python from the sample
data (or the tables given): readers that do not recalculate see them, and the tests check
that LibreOffice's recalculation gives the same. Errors are stored as the cell would show them
(#DIV/0!, #VALUE!, #N/A).

The Calculator's figures are the report's: every KPI is taken from the report's own counts
(:class:`addin.report.facts.PeriodFacts` and the KPI catalogue :data:`addin.report.KPIS`)
for the period the Settings sheet names when it is built (blank: the last complete month),
so the number stored in a Calculator cell is the number ``retention report`` prints for that
month, and the native formula that recomputes it is checked against both."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import metrics as m
from ...cells import spill_rows
from ...data.facts import reduce_tables
from ...report import DEFAULT_SETTINGS, KPIS
from ...report.facts import PeriodFacts
from ...report.period import Period, day_date, month_dates
from ...report.prepared import PreparedData
from .per_customer import PER_CUSTOMER_ROWS, per_customer_values
from .settings_sheet import GROSS_MARGIN
from .sheet import safe, safe_table

#: Calculator row -> the report's KPI of the same figure (addin.report.KPIS keys).
CALC_KPIS = {
    "crr": "crr", "churn": "churn", "annual_churn": "churn_annualised",
    "grc": "gross_revenue_churn", "nrc": "net_revenue_churn", "grr": "grr", "nrr": "nrr",
    "quick": "quick_ratio", "growth": "existing_revenue_growth", "arpa": "arpa",
    "clv_churn": "clv_churn", "clv": "clv", "crc": "retention_cost",
    "rpr": "repeat_purchase_ratio", "loyal": "loyal_customer_rate", "return_rate": "return_rate",
    "tbp": "time_between_purchases", "nps": "nps", "nps_moe": "nps_moe", "dso": "dso",
    "dau_mau": "dau_mau", "S": "customers_start", "N": "customers_new", "E": "customers_end",
    "L": "customers_lost", "answers": "nps_answers", "mrr_end": "mrr",
}


@dataclass
class Company:
    """The sample data and everything the template shows computed from it."""

    tables: dict[str, pd.DataFrame]
    month: pd.Timestamp  # the period's last month
    per_customer: pd.DataFrame
    calc: dict[str, object]  # key -> native value (and function value: they are equal)
    spills: dict[str, list[list]]


def company_values(tables: dict[str, pd.DataFrame]) -> Company:
    """The Calculator's values, the Per customer rows and the spilled tables of ``tables``,
    for the report's default period: the last complete month of the data."""
    prepared = PreparedData(reduce_tables(tables), None)
    data_first, last_day, _, complete = prepared.extent
    period = Period("month", complete, complete)
    facts = PeriodFacts(prepared, period, {**DEFAULT_SETTINGS, "gross_margin": GROSS_MARGIN})
    specs = {spec.key: spec for spec in KPIS}

    first, month = month_dates([period.first, period.last])
    prev = first - pd.DateOffset(months=1)
    month_end = month + pd.offsets.MonthEnd(0)
    window_start = month - pd.DateOffset(months=11)
    pc = per_customer_values(tables, first, month, window_start)
    c: dict[str, object] = {
        "first": first, "months": period.months, "month": month, "prev": prev,
        "month_end": month_end, "window_start": window_start,
        "data_first": month_dates([data_first])[0], "last_day": pd.Timestamp(day_date(last_day)),
        "complete": month_dates([complete])[0], "margin": GROSS_MARGIN, "currency": "",
        "coverage": len(pc) <= PER_CUSTOMER_ROWS,
    }
    for key, kpi in CALC_KPIS.items():
        c[key] = safe(lambda spec=specs[kpi]: spec.compute(facts))
    c["new_end"] = facts.N_at_end

    movements = facts.movements
    c["mrr_start"] = movements["start_mrr"]
    c["new_mrr"] = movements["new"] + movements["reactivation"]
    c["expansion"], c["contraction"] = movements["expansion"], movements["contraction"]
    c["churned_mrr"] = movements["churned"]
    c["existing_end"] = facts.existing_end_mrr
    c["paying"] = facts.paying_end
    c["reconciles"] = bool(abs(pc["mrr_prev"].sum() - c["mrr_start"]) < 0.005
                           and abs(pc["mrr_month"].sum() - c["mrr_end"]) < 0.005)

    subs, orders = tables["Subscriptions"], tables["Orders"]
    after = month_end + pd.Timedelta(days=1)
    month_of = subs["month"].dt.to_period("M").dt.to_timestamp()
    in_window = (orders["order_date"] >= window_start) & (orders["order_date"] < after)
    c["annual_revenue"] = float(subs.loc[(month_of >= window_start) & (month_of <= month), "mrr"].sum()
                                + orders.loc[in_window, "amount"].sum())
    c["customers_12"] = int(((pc["mrr_12"] > 0) | (pc["orders_12"] > 0)).sum())
    c["lifespan"] = safe(facts.lifespan_years)
    if window_start < c["data_first"]:  # the report leaves CLV blank: not 12 months of data
        c["clv"] = "#N/A"
    costs = tables["Costs"]
    cost_month = costs["month"].dt.to_period("M").dt.to_timestamp()
    in_period = (cost_month >= first) & (cost_month <= month)
    c["spend"] = float(costs.loc[in_period, "retention_spend"].sum())
    c["costs_months"] = int(in_period.sum())
    if c["costs_months"] < period.months:  # the report leaves it blank: a month without costs
        c["crc"] = "#N/A"

    repeat = facts.repeat
    c["ordering"], c["repeat"] = repeat.total, repeat.repeat
    of_period = (orders["order_date"] >= first) & (orders["order_date"] < after)
    c["units"] = int(orders.loc[of_period, "units"].sum())
    c["returned"] = int(orders.loc[of_period, "units_returned"].sum())
    tally = facts.nps_counts
    c["promoters"], c["passives"], c["detractors"] = tally.promoters, tally.passives, tally.detractors
    c["receivables"], c["sales"] = facts.receivables
    c["days"] = facts.days_in_data
    spills = {
        "movements": safe_table(lambda: spill_rows(
            m.mrr_movements(subs["customer_id"], subs["month"], subs["mrr"]), index=False)),
        "cohorts": safe_table(lambda: spill_rows(
            m.cohort_retention(subs["customer_id"], subs["month"]), index=True)),
    }
    return Company(tables, month, pc, c, spills)
