"""The numbers the template stores beside its formulas, computed in Python from the sample
data (or the tables given): readers that do not recalculate see them, and the tests check
that LibreOffice's recalculation gives the same. Errors are stored as the cell would show them
(#DIV/0!, #VALUE!)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import metrics as m
from ...cells import spill_rows
from ...errors import UndefinedResultError
from .per_customer import PER_CUSTOMER_ROWS, per_customer_values
from .settings_sheet import GROSS_MARGIN
from .sheet import safe, safe_table


def _month_start(value) -> pd.Timestamp:
    """The first day of ``value``'s month."""
    return pd.Timestamp(value).to_period("M").to_timestamp()


@dataclass
class Company:
    """The sample data and everything the template shows computed from it."""

    tables: dict[str, pd.DataFrame]
    month: pd.Timestamp
    per_customer: pd.DataFrame
    calc: dict[str, object]  # key -> native value (and function value: they are equal)
    spills: dict[str, list[list]]


def _undefined():
    raise UndefinedResultError("undefined")


def company_values(tables: dict[str, pd.DataFrame]) -> Company:
    """The Calculator's values, the Per customer rows and the spilled tables of ``tables``,
    for the report month (the last month of Subscriptions)."""

    subs = tables["Subscriptions"]
    month = _month_start(subs["month"].max())
    prev = month - pd.DateOffset(months=1)
    month_end = month + pd.offsets.MonthEnd(0)
    window_start = month - pd.DateOffset(months=11)
    pc = per_customer_values(tables, month, prev, window_start)
    c: dict[str, object] = {
        "month": month, "prev": prev, "month_end": month_end, "window_start": window_start,
        "coverage": len(pc) <= PER_CUSTOMER_ROWS,
    }
    paying_prev, paying_month = pc["mrr_prev"] > 0, pc["mrr_month"] > 0
    c["S"], c["E"] = int(paying_prev.sum()), int(paying_month.sum())
    c["kept"] = int((paying_prev & paying_month).sum())
    c["N"], c["L"] = c["E"] - c["kept"], c["S"] - c["kept"]
    c["crr"] = safe(m.customer_retention_rate, c["S"], c["E"], c["N"])
    c["churn"] = safe(m.customer_churn_rate, c["S"], c["L"])
    c["annual_churn"] = safe(m.annualized_churn_rate, c["churn"])
    month_of = subs["month"].dt.to_period("M").dt.to_timestamp()
    c["mrr_start"] = float(subs.loc[month_of == prev, "mrr"].sum())
    c["mrr_end"] = float(subs.loc[month_of == month, "mrr"].sum())
    before, after = pc["mrr_prev"], pc["mrr_month"]
    c["new_mrr"] = float(after[before == 0].sum())
    c["expansion"] = float(((after - before)[(before > 0) & (after > before)]).sum())
    c["contraction"] = float(((before - after)[(after > 0) & (after < before)]).sum())
    c["churned_mrr"] = float(before[after == 0].sum())
    c["existing_end"] = float(after[before > 0].sum())
    c["reconciles"] = bool(abs(before.sum() - c["mrr_start"]) < 0.005
                           and abs(after.sum() - c["mrr_end"]) < 0.005)
    c["grc"] = safe(m.gross_revenue_churn_rate, c["mrr_start"], c["churned_mrr"], c["contraction"])
    c["nrc"] = safe(m.net_revenue_churn_rate, c["mrr_start"], c["churned_mrr"], c["contraction"], c["expansion"])
    c["grr"] = safe(m.gross_revenue_retention, c["mrr_start"], c["churned_mrr"], c["contraction"])
    c["nrr"] = safe(m.net_revenue_retention, c["mrr_start"], c["churned_mrr"], c["contraction"], c["expansion"])
    c["quick"] = safe(m.quick_ratio, c["new_mrr"], c["expansion"], c["churned_mrr"], c["contraction"])
    c["growth"] = safe(m.existing_customer_revenue_growth, c["mrr_start"], c["existing_end"])
    c["arpa"] = safe(m.average_revenue_per_account, c["mrr_end"], c["E"])
    c["clv_churn"] = safe(m.customer_lifetime_value_from_churn, c["arpa"], GROSS_MARGIN, c["churn"])
    c["annual_revenue"] = float(subs.loc[(month_of >= window_start) & (month_of <= month), "mrr"].sum())
    c["customers_12"] = int((pc["mrr_12"] > 0).sum())
    c["lifespan"] = safe(lambda x: 1.0 / x if x else _undefined(), c["annual_churn"])
    c["clv"] = safe(m.customer_lifetime_value, c["annual_revenue"], c["customers_12"], c["lifespan"])
    costs = tables["Costs"]
    c["spend"] = float(costs.loc[costs["month"].dt.to_period("M").dt.to_timestamp() == month,
                                 "retention_spend"].sum())
    c["crc"] = safe(m.customer_retention_cost, c["spend"], c["S"])
    orders = tables["Orders"]
    c["ordering"] = int((pc["orders"] >= 1).sum())
    c["repeat"] = int((pc["orders"] >= 2).sum())
    c["rpr"] = safe(m.repeat_purchase_ratio_from_orders, orders["customer_id"])
    c["loyal"] = safe(m.loyal_customer_rate_from_orders, orders["customer_id"])
    c["units"] = int(orders["units"].sum())
    c["returned"] = int(orders["units_returned"].sum())
    c["return_rate"] = safe(m.product_return_rate, c["returned"], c["units"])
    c["tbp"] = safe(m.time_between_purchases, orders["customer_id"], orders["order_date"])
    scores = tables["NPS"]["score"]
    tally = m.count_nps_answers(scores)
    c["answers"] = tally.responses
    c["promoters"], c["passives"], c["detractors"] = tally.promoters, tally.passives, tally.detractors
    c["nps"] = safe(m.nps_from_answers, scores)
    c["nps_moe"] = safe(m.nps_margin_of_error_from_answers, scores)
    inv = tables["Invoices"]
    issued = inv["issue_date"] <= month_end
    open_then = inv["paid_date"].isna() | (inv["paid_date"] > month_end)
    c["receivables"] = float(inv.loc[issued & open_then, "amount"].sum())
    c["sales"] = float(inv.loc[(inv["issue_date"] >= month) & issued, "amount"].sum())
    c["days"] = int(month_end.day)
    c["dso"] = safe(m.days_sales_outstanding, c["receivables"], c["sales"], c["days"])
    activity = tables["Activity"]
    c["dau_mau"] = safe(m.dau_mau_from_activity, activity["user_id"], activity["date"])
    spills = {
        "movements": safe_table(lambda: spill_rows(
            m.mrr_movements(subs["customer_id"], subs["month"], subs["mrr"]), index=False)),
        "cohorts": safe_table(lambda: spill_rows(
            m.cohort_retention(subs["customer_id"], subs["month"]), index=True)),
    }
    return Company(tables, month, pc, c, spills)
