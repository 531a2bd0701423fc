"""The Excel functions: =CRR(), =NPS(), =DSO() … for classic xlwings, xlwings Lite and xlwings Server.

One decorated function per metric, named in upper case (classic xlwings registers the Python
name as written, Lite and Server upper-case it, so upper case gives the same name everywhere).
The docstring is the help text of Excel's Insert Function dialog (kept under the 255 characters
classic Excel accepts) and ``@xw.arg(doc=…)`` describes each argument.

Each body converts the Excel values (:mod:`addin.excel_values`) and calls the metric core
(:mod:`addin.metrics`): no formula lives here. Errors, the same in every runtime:

- an undefined result (a zero denominator) shows ``#DIV/0!``;
- invalid input shows an error whose text is the core's one-line message.

Registration: classic xlwings — "UDF Modules" ``addin.udfs`` and Import Functions;
xlwings Lite — ``from addin.udfs import *`` in main.py; xlwings Server — the same line in
``app/custom_functions/__init__.py``. See docs/excel-functions.md.
"""

from __future__ import annotations

import xlwings as xw

from . import excel_values as ev
from . import metrics as m
from .excel_values import Cells, Result, excel_function

__all__ = [
    "CRR", "CHURN_RATE", "ANNUALIZED_CHURN",
    "REVENUE_CHURN", "GROSS_REVENUE_CHURN", "GRR", "NET_REVENUE_CHURN", "NRR",
    "QUICK_RATIO", "REVENUE_GROWTH",
    "RPR", "RETURN_RATE", "LOYAL_RATE", "DSO",
    "NPS", "NPS_MOE", "TBP",
    "CLV", "CLV_CHURN", "ARPA", "CRC", "DAU_MAU",
    "COHORT_RETENTION", "MRR_MOVEMENTS",
    "CUSTOMER_LIFETIME", "RETENTION_VALUE", "RETENTION_ROI", "PROFIT_UPLIFT",
    "LTV_CAC", "CAC_PAYBACK",
    "CLV_MODEL", "CLV_FORECAST",
]

CATEGORY = "Retention metrics"  # classic xlwings: the Insert Function category
MONTHS = "yyyy-mm"  # Lite/Server: number format of the month column of spilled tables
DAYS = "yyyy-mm-dd"  # Lite/Server: number format of a date in a spilled table

_S = "S: customers at the start of the period."
_MRR_START = "MRR at the start of the period, existing customers."
_CHURNED = "MRR of customers who left during the period."
_CONTRACTION = "MRR lost to downgrades of customers who stayed."
_EXPANSION = "MRR gained from upgrades of existing customers."
_CUSTOMERS_NOW = "Customers today, the base the lower churn applies to."
_ARPA = "Average revenue per account per period (a month with monthly churn)."
_MARGIN = "Gross margin as a fraction (80 % is 0.8)."
_CHURN = "Churn per period as a fraction, the period of arpa (5 % a month is 0.05)."
_REDUCTION = "How much lower churn gets, in the same unit: 0.01 takes 5 % to 4 %."
_DISCOUNT = "Discount rate per period, 0 (the default) for none."
_ORDER_IDS = "Customer id of each order (one row per order; rows with a blank are skipped)."
_ORDER_DATES = "Date of each order, same rows: date cells, serial numbers or text like 2026-09-30."
_AMOUNTS = "Amount of each order, same rows, 0 or more (net refunds off their orders)."
_CALIBRATION = "Last day of the history the model learns from; later orders are ignored. Blank: the latest order."
_TIME_UNIT = "Time unit of the model: W weeks (the default), D days or M months."


# --------------------------------------------------------------------------- customers


@xw.func(category=CATEGORY)
@xw.arg("start_customers", Cells, doc=_S)
@xw.arg("end_customers", Cells, doc="E: customers at the end of the period, new ones included.")
@xw.arg("new_customers", Cells, doc="N: customers acquired during the period.")
@xw.ret(Result)
@excel_function
def CRR(start_customers, end_customers, new_customers):
    """Customer retention rate: (E − N) / S, the share of the starting customers still there at the end (guides 000, 001). Example: S 20, E 24, N 5 → 95 %."""
    return m.customer_retention_rate(
        ev.scalar("start_customers", start_customers),
        ev.scalar("end_customers", end_customers),
        ev.scalar("new_customers", new_customers),
    )


@xw.func(category=CATEGORY)
@xw.arg("start_customers", Cells, doc=_S)
@xw.arg("lost_customers", Cells, doc="L: starting customers lost during the period.")
@xw.ret(Result)
@excel_function
def CHURN_RATE(start_customers, lost_customers):
    """Customer churn rate: L / S, the share of the starting customers lost in the period (guides 002, 004). Example: 500 lost of 10,000 → 5 %."""
    return m.customer_churn_rate(
        ev.scalar("start_customers", start_customers),
        ev.scalar("lost_customers", lost_customers),
    )


@xw.func(category=CATEGORY)
@xw.arg("periodic_rate", Cells, doc="Churn per period as a fraction (2 % is 0.02).")
@xw.arg("periods_per_year", Cells, doc="Periods in a year: 12 for months (the default), 4 for quarters.")
@xw.ret(Result)
@excel_function
def ANNUALIZED_CHURN(periodic_rate, periods_per_year=12):
    """Annual churn from a churn rate per period: 1 − (1 − rate)^periods. Example: 2 % a month → 21.5 % a year (not 24 %)."""
    return m.annualized_churn_rate(
        ev.scalar("periodic_rate", periodic_rate),
        ev.scalar("periods_per_year", periods_per_year, 12),
    )


# --------------------------------------------------------------------------- revenue


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("mrr_end", Cells, doc="MRR at the end of the period, same customers, before upgrades.")
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.ret(Result)
@excel_function
def REVENUE_CHURN(mrr_start, mrr_end, expansion_mrr):
    """Revenue churn as guide 004 prints it: ((MRR start − MRR end) − expansion) / MRR start. Right only if MRR end excludes upgrades: prefer NET_REVENUE_CHURN. Example: 100, 90, 10 → 0 %."""
    return m.revenue_churn_rate(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("mrr_end", mrr_end),
        ev.scalar("expansion_mrr", expansion_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.ret(Result)
@excel_function
def GROSS_REVENUE_CHURN(mrr_start, churned_mrr, contraction_mrr):
    """Gross revenue churn: (churned + contraction MRR) / MRR at the start, existing customers only. Example: 100, 10, 10 → 20 %."""
    return m.gross_revenue_churn_rate(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.ret(Result)
@excel_function
def GRR(mrr_start, churned_mrr, contraction_mrr):
    """Gross revenue retention: 1 − gross revenue churn, the share of starting MRR kept, expansion ignored. Example: 100, 10, 10 → 80 %."""
    return m.gross_revenue_retention(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.ret(Result)
@excel_function
def NET_REVENUE_CHURN(mrr_start, churned_mrr, contraction_mrr, expansion_mrr):
    """Net revenue churn: (churned + contraction − expansion MRR) / MRR at the start; negative means expansion outgrew losses. Example: 100, 10, 10, 10 → 10 %."""
    return m.net_revenue_churn_rate(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
        ev.scalar("expansion_mrr", expansion_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.ret(Result)
@excel_function
def NRR(mrr_start, churned_mrr, contraction_mrr, expansion_mrr):
    """Net revenue retention: 1 − net revenue churn, above 100 % when expansion outgrows losses. Example: 100, 10, 10, 10 → 90 %."""
    return m.net_revenue_retention(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
        ev.scalar("expansion_mrr", expansion_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("new_mrr", Cells, doc="MRR of customers acquired during the period.")
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.ret(Result)
@excel_function
def QUICK_RATIO(new_mrr, expansion_mrr, churned_mrr, contraction_mrr):
    """SaaS quick ratio: (new + expansion MRR) / (churned + contraction MRR), MRR gained per unit lost; above 4 is commonly read as efficient growth. No losses gives #DIV/0!."""
    return m.quick_ratio(
        ev.scalar("new_mrr", new_mrr),
        ev.scalar("expansion_mrr", expansion_mrr),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("mrr_end", Cells, doc="MRR at the end of the period, same customers (new customers left out).")
@xw.ret(Result)
@excel_function
def REVENUE_GROWTH(mrr_start, mrr_end):
    """Existing-customer revenue growth: (MRR end − MRR start) / MRR start, new customers' MRR left out (guide 004). Example: 50,000 → 45,000 gives −10 %."""
    return m.existing_customer_revenue_growth(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("mrr_end", mrr_end),
    )


# --------------------------------------------------------------------------- orders


@xw.func(category=CATEGORY)
@xw.arg("returning_or_customer_ids", Cells, doc="Customers who bought again; or, with total_customers left out, the customer id of each order of an order list (blanks skipped).")
@xw.arg("total_customers", Cells, doc="All customers of the period. Leave it out to give an order list instead.")
@xw.ret(Result)
@excel_function
def RPR(returning_or_customer_ids, total_customers=None):
    """Repeat purchase ratio: returning customers / total customers (guide 004); or, from one range of the customer id of each order, customers with 2+ orders / customers. Example: 4,000 of 5,000 → 80 %."""
    if total_customers is None:
        return m.repeat_purchase_ratio_from_orders(
            ev.cells("customer_ids", returning_or_customer_ids)
        )
    return m.repeat_purchase_ratio(
        ev.scalar("returning_customers", returning_or_customer_ids),
        ev.scalar("total_customers", total_customers),
    )


@xw.func(category=CATEGORY)
@xw.arg("units_returned", Cells, doc="Units returned, of the units sold in the period.")
@xw.arg("units_sold", Cells, doc="Units sold in the period.")
@xw.ret(Result)
@excel_function
def RETURN_RATE(units_returned, units_sold):
    """Product return rate: units returned / units sold (guide 004). Example: 7,000 of 10,000 → 70 %; about 9 % in store and 20 % online are typical (B2C)."""
    return m.product_return_rate(
        ev.scalar("units_returned", units_returned),
        ev.scalar("units_sold", units_sold),
    )


@xw.func(category=CATEGORY)
@xw.arg("repeat_or_customer_ids", Cells, doc="Customers (existing and new) who bought more than once; or, with total_customers left out, the customer id of each order (blanks skipped).")
@xw.arg("total_customers", Cells, doc="All customers of the period. Leave it out to give an order list instead.")
@xw.ret(Result)
@excel_function
def LOYAL_RATE(repeat_or_customer_ids, total_customers=None):
    """Loyal customer rate: customers who bought more than once / all customers of the period (guide 004); or give one range, the customer id of each order. Example: 5,000 of 20,000 → 25 %."""
    if total_customers is None:
        return m.loyal_customer_rate_from_orders(
            ev.cells("customer_ids", repeat_or_customer_ids)
        )
    return m.loyal_customer_rate(
        ev.scalar("repeat_customers", repeat_or_customer_ids),
        ev.scalar("total_customers", total_customers),
    )


@xw.func(category=CATEGORY)
@xw.arg("receivables", Cells, doc="Accounts receivable: sales not yet collected at the end of the period.")
@xw.arg("revenue", Cells, doc="Credit sales of the period.")
@xw.arg("days", Cells, doc="Days in the period: 365 for a year (the default), the month's days for a month.")
@xw.ret(Result)
@excel_function
def DSO(receivables, revenue, days=365):
    """Days sales outstanding: receivables / revenue × days, revenue and days of the same period (guide 004). Example: 25,000 not yet collected on 100,000 a year → 91.25 days."""
    return m.days_sales_outstanding(
        ev.scalar("receivables", receivables),
        ev.scalar("revenue", revenue),
        ev.scalar("days", days, 365),
    )


# --------------------------------------------------------------------------- surveys


@xw.func(category=CATEGORY)
@xw.arg("answers_or_promoters", Cells, doc="A range of 0–10 answers (blanks skipped); or the number of promoters (answers 9–10), with passives and detractors given.")
@xw.arg("passives", Cells, doc="Number of passives (answers 7–8). Leave out with a range of answers.")
@xw.arg("detractors", Cells, doc="Number of detractors (answers 0–6). Leave out with a range of answers.")
@xw.ret(Result)
@excel_function
def NPS(answers_or_promoters, passives=None, detractors=None):
    """Net Promoter Score, −100 to +100: % promoters (9–10) − % detractors (0–6), from a range of 0–10 answers or from the three counts (guides 002, 004). Example: 50, 25, 10 → 47.06."""
    if passives is None and detractors is None:
        return m.nps_from_answers(ev.cells("answers", answers_or_promoters))
    return m.net_promoter_score(
        ev.scalar("promoters", answers_or_promoters),
        ev.scalar("passives", passives),
        ev.scalar("detractors", detractors),
    )


@xw.func(category=CATEGORY)
@xw.arg("answers", Cells, doc="A range of 0–10 answers (blanks skipped).")
@xw.arg("confidence", Cells, doc="Confidence level between 0 and 1: 0.95 (the default) is 95 %.")
@xw.ret(Result)
@excel_function
def NPS_MOE(answers, confidence=0.95):
    """Margin of error of the NPS, in points: z × √((p + d − (p − d)²) / n) × 100, p and d the promoter and detractor shares. Example: 50 promoters, 25 passives, 10 detractors → ±14.8 at 95 %."""
    return m.nps_margin_of_error_from_answers(
        ev.cells("answers", answers),
        ev.scalar("confidence", confidence, 0.95),
    )


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc="Customer id of each purchase (one row per purchase; blanks skipped).")
@xw.arg("purchase_dates", Cells, doc="Date of each purchase, same rows as customer_ids: date cells, serial numbers or text like 2026-09-30.")
@xw.ret(Result)
@excel_function
def TBP(customer_ids, purchase_dates):
    """Time between purchases, in days: each repeat customer's average gap between purchase days, averaged over repeat customers; one-time buyers left out (guide 004). Example: days 0, 7, 21 → 10.5."""
    return m.time_between_purchases(
        ev.cells("customer_ids", customer_ids),
        ev.cells("purchase_dates", purchase_dates),
    )


# --------------------------------------------------------------------------- value and cost


@xw.func(category=CATEGORY)
@xw.arg("annual_revenue", Cells, doc="Gross sales of the year.")
@xw.arg("customers", Cells, doc="Unique customers of the year.")
@xw.arg("lifespan_years", Cells, doc="Average customer lifespan, in years.")
@xw.ret(Result)
@excel_function
def CLV(annual_revenue, customers, lifespan_years):
    """Customer lifetime value (guides 002, 004): annual revenue / unique customers of the year × average lifespan in years. A falling CLV means lower-value customers or faster losses."""
    return m.customer_lifetime_value(
        ev.scalar("annual_revenue", annual_revenue),
        ev.scalar("customers", customers),
        ev.scalar("lifespan_years", lifespan_years),
    )


@xw.func(category=CATEGORY)
@xw.arg("arpa", Cells, doc="Average revenue per account per period.")
@xw.arg("gross_margin", Cells, doc="Gross margin as a fraction (80 % is 0.8).")
@xw.arg("churn_rate", Cells, doc="Churn per period as a fraction, the period of arpa (monthly with monthly).")
@xw.ret(Result)
@excel_function
def CLV_CHURN(arpa, gross_margin, churn_rate):
    """Customer lifetime value from churn: ARPA × gross margin / churn rate, all of the same period. Example: 100 a month, 0.8, 5 % a month → 1,600. Churn 0 gives #DIV/0!."""
    return m.customer_lifetime_value_from_churn(
        ev.scalar("arpa", arpa),
        ev.scalar("gross_margin", gross_margin),
        ev.scalar("churn_rate", churn_rate),
    )


@xw.func(category=CATEGORY)
@xw.arg("revenue", Cells, doc="Revenue of the period (MRR for a monthly ARPA).")
@xw.arg("customers", Cells, doc="Customers (accounts) of the same period.")
@xw.ret(Result)
@excel_function
def ARPA(revenue, customers):
    """Average revenue per account (ARPU): revenue / customers of the same period; MRR and the month's active customers give monthly ARPA."""
    return m.average_revenue_per_account(
        ev.scalar("revenue", revenue),
        ev.scalar("customers", customers),
    )


@xw.func(category=CATEGORY)
@xw.arg("retention_spend", Cells, doc="Spend on keeping customers during the period.")
@xw.arg("customers", Cells, doc="Customers of the same period.")
@xw.ret(Result)
@excel_function
def CRC(retention_spend, customers):
    """Customer retention cost (guide 002): retention spend / customers in the period."""
    return m.customer_retention_cost(
        ev.scalar("retention_spend", retention_spend),
        ev.scalar("customers", customers),
    )


# --------------------------------------------------------------------------- engagement


@xw.func(category=CATEGORY)
@xw.arg("dau_or_user_ids", Cells, doc="Daily active users; or a range with the user id of each activity.")
@xw.arg("mau_or_dates", Cells, doc="Monthly active users; or a range with the date of each activity, same rows as the user ids.")
@xw.ret(Result)
@excel_function
def DAU_MAU(dau_or_user_ids, mau_or_dates):
    """Engagement: daily / monthly active users (guide 002). Give the two counts, or two ranges, user id and date of each activity, for the latest month's average DAU / MAU."""
    if ev.is_range(dau_or_user_ids) or ev.is_range(mau_or_dates):
        return m.dau_mau_from_activity(
            ev.cells("user_ids", dau_or_user_ids),
            ev.cells("dates", mau_or_dates),
        )
    return m.dau_mau(ev.scalar("dau", dau_or_user_ids), ev.scalar("mau", mau_or_dates))


# --------------------------------------------------------------------------- tables


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc="Customer id of each activity: an order, a login, a month with MRR (blanks skipped).")
@xw.arg("activity_dates", Cells, doc="Date of each activity, same rows as customer_ids.")
@xw.arg("counts", Cells, doc="FALSE (the default) for the share of each cohort still active; TRUE for customer counts.")
@xw.ret(Result, date_format=MONTHS)
@excel_function
def COHORT_RETENTION(customer_ids, activity_dates, counts=False):
    """Monthly cohort retention. Spills a table: a header row, then one row per cohort (month of first activity) with its size and, by months since joining, the share still active. Unobserved months are empty."""
    frame = m.cohort_retention(
        ev.cells("customer_ids", customer_ids),
        ev.cells("activity_dates", activity_dates),
        ev.flag("counts", counts, False),
    )
    return ev.table(frame, index=True)


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc="Customer id of each row.")
@xw.arg("months", Cells, doc="Month of each row: any date in the month.")
@xw.arg("mrr", Cells, doc="MRR of each row; a customer's rows in one month are added up.")
@xw.ret(Result, date_format=MONTHS)
@excel_function
def MRR_MOVEMENTS(customer_ids, months, mrr):
    """MRR movements. Spills a table: a header row, then per month start MRR, new, expansion, contraction, churned, reactivation and end MRR. The first month is the baseline: needs two months."""
    frame = m.mrr_movements(
        ev.cells("customer_ids", customer_ids),
        ev.cells("months", months),
        ev.cells("mrr", mrr),
    )
    return ev.table(frame, index=False)


# --------------------------------------------------------------------------- why retention pays


@xw.func(category=CATEGORY)
@xw.arg("churn_rate", Cells, doc=_CHURN)
@xw.ret(Result)
@excel_function
def CUSTOMER_LIFETIME(churn_rate):
    """Expected customer lifetime in periods: 1 / churn rate per period. Example: 5 % a month → 20 months. Churn 0 gives #DIV/0! (customers would never leave)."""
    return m.customer_lifetime(ev.scalar("churn_rate", churn_rate))


@xw.func(category=CATEGORY)
@xw.arg("customers", Cells, doc=_CUSTOMERS_NOW)
@xw.arg("arpa", Cells, doc=_ARPA)
@xw.arg("gross_margin", Cells, doc=_MARGIN)
@xw.arg("churn_rate", Cells, doc=_CHURN)
@xw.arg("churn_reduction", Cells, doc=_REDUCTION)
@xw.arg("discount_rate", Cells, doc=_DISCOUNT)
@xw.ret(Result)
@excel_function
def RETENTION_VALUE(customers, arpa, gross_margin, churn_rate, churn_reduction, discount_rate=0):
    """Value of a churn reduction: customers × (CLV at the lower churn − CLV today), CLV = ARPA × margin × (1 + i) / (i + churn). Example: 1,000, 100, 0.8, 5 % → 4 %: CLV 1,600 → 2,000, value 400,000."""
    return m.retention_value(
        ev.scalar("customers", customers),
        ev.scalar("arpa", arpa),
        ev.scalar("gross_margin", gross_margin),
        ev.scalar("churn_rate", churn_rate),
        ev.scalar("churn_reduction", churn_reduction),
        ev.scalar("discount_rate", discount_rate, 0),
    )


@xw.func(category=CATEGORY)
@xw.arg("customers", Cells, doc=_CUSTOMERS_NOW)
@xw.arg("arpa", Cells, doc=_ARPA)
@xw.arg("gross_margin", Cells, doc=_MARGIN)
@xw.arg("churn_rate", Cells, doc=_CHURN)
@xw.arg("churn_reduction", Cells, doc=_REDUCTION)
@xw.arg("program_cost", Cells, doc="Cost of the retention programme that brings the churn reduction.")
@xw.arg("discount_rate", Cells, doc=_DISCOUNT)
@xw.ret(Result)
@excel_function
def RETENTION_ROI(customers, arpa, gross_margin, churn_rate, churn_reduction, program_cost,
                  discount_rate=0):
    """Return on a retention programme: (RETENTION_VALUE − cost) / cost. Example: value 400,000 for a programme costing 100,000 → 300 %. A cost of 0 gives #DIV/0!."""
    return m.retention_roi(
        ev.scalar("customers", customers),
        ev.scalar("arpa", arpa),
        ev.scalar("gross_margin", gross_margin),
        ev.scalar("churn_rate", churn_rate),
        ev.scalar("churn_reduction", churn_reduction),
        ev.scalar("program_cost", program_cost),
        ev.scalar("discount_rate", discount_rate, 0),
    )


@xw.func(category=CATEGORY)
@xw.arg("retention_rate", Cells, doc="Yearly retention today as a fraction (80 % is 0.8).")
@xw.arg("retention_gain", Cells, doc="Points of yearly retention gained: 0.05 takes 80 % to 85 %.")
@xw.arg("years", Cells, doc="Years after the gain, a whole number: 5 for the profit in five years.")
@xw.arg("profit_growth", Cells, doc="Yearly growth of a customer's profit with tenure, 0 (the default) for flat.")
@xw.ret(Result)
@excel_function
def PROFIT_UPLIFT(retention_rate, retention_gain, years, profit_growth=0):
    """Extra profit a retention gain brings after some years (Reichheld): profit then / profit today − 1, same new customers each year. Example: 80 % + 5 points → +18.5 % after 5 years, +33.3 % after 200."""
    return m.profit_uplift(
        ev.scalar("retention_rate", retention_rate),
        ev.scalar("retention_gain", retention_gain),
        ev.scalar("years", years),
        ev.scalar("profit_growth", profit_growth, 0),
    )


@xw.func(category=CATEGORY)
@xw.arg("ltv", Cells, doc="Lifetime value of a customer (e.g. from CLV_CHURN).")
@xw.arg("cac", Cells, doc="Customer acquisition cost: what winning one customer costs.")
@xw.ret(Result)
@excel_function
def LTV_CAC(ltv, cac):
    """LTV : CAC ratio, lifetime value / acquisition cost. Example: LTV 1,600, CAC 400 → 4.0 (3 or more is the usual rule of thumb). CAC 0 gives #DIV/0!."""
    return m.ltv_cac(ev.scalar("ltv", ltv), ev.scalar("cac", cac))


@xw.func(category=CATEGORY)
@xw.arg("cac", Cells, doc="Customer acquisition cost: what winning one customer costs.")
@xw.arg("arpa", Cells, doc=_ARPA)
@xw.arg("gross_margin", Cells, doc=_MARGIN)
@xw.ret(Result)
@excel_function
def CAC_PAYBACK(cac, arpa, gross_margin):
    """CAC payback in periods (months with a monthly ARPA): CAC / (ARPA × gross margin). Example: 400, 100 a month, 0.8 → 5 months. It ignores churn. A zero margin gives #DIV/0!."""
    return m.cac_payback(
        ev.scalar("cac", cac), ev.scalar("arpa", arpa), ev.scalar("gross_margin", gross_margin)
    )


# --------------------------------------------------------------------------- predictive CLV


def _fit(customer_ids, order_dates, amounts, calibration_end, time_unit):
    return m.fit_clv_model(
        ev.cells("customer_ids", customer_ids),
        ev.cells("order_dates", order_dates),
        ev.cells("amounts", amounts),
        ev.scalar("calibration_end", calibration_end),
        ev.scalar("time_unit", time_unit, "W"),
    )


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc=_ORDER_IDS)
@xw.arg("order_dates", Cells, doc=_ORDER_DATES)
@xw.arg("amounts", Cells, doc=_AMOUNTS)
@xw.arg("calibration_end", Cells, doc=_CALIBRATION)
@xw.arg("time_unit", Cells, doc=_TIME_UNIT)
@xw.ret(Result, date_format=DAYS)
@excel_function(explain_undefined=True)
def CLV_MODEL(customer_ids, order_dates, amounts, calibration_end=None, time_unit="W"):
    """Fits BG/NBD (purchases) and Gamma-Gamma (spend) to an order list. Spills the parameters r, alpha, a, b, p, q, gamma with their names, log-likelihoods and counts. Needs 10+ repeat buyers; else the reason."""
    model = _fit(customer_ids, order_dates, amounts, calibration_end, time_unit)
    bg, gg = model.bg_nbd, model.gamma_gamma
    return [
        ["parameter", "value"],
        ["r", bg.r],
        ["alpha", bg.alpha],
        ["a", bg.a],
        ["b", bg.b],
        ["p", gg.p],
        ["q", gg.q],
        ["gamma", gg.gamma],
        ["BG/NBD log-likelihood", bg.log_likelihood],
        ["Gamma-Gamma log-likelihood", gg.log_likelihood],
        ["customers", bg.customers],
        ["repeat buyers", bg.repeat_buyers],
        ["spend model customers", gg.customers],
        ["left out of spend model (repeat spend 0)", model.spend_excluded],
        ["rows skipped (blank)", model.skipped],
        ["orders after calibration_end", model.ignored_orders],
        ["calibration_end", model.calibration_end.to_pydatetime()],
        ["time unit", model.time_unit],
    ]


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc=_ORDER_IDS)
@xw.arg("order_dates", Cells, doc=_ORDER_DATES)
@xw.arg("amounts", Cells, doc=_AMOUNTS)
@xw.arg("horizon", Cells, doc="Time units to forecast, a whole number: 52 weeks (the default) is a year.")
@xw.arg("discount_rate", Cells, doc="Discount rate per time unit, 0 (the default) for none: 10 % a year is about 0.0018 a week.")
@xw.arg("calibration_end", Cells, doc=_CALIBRATION)
@xw.arg("time_unit", Cells, doc=_TIME_UNIT)
@xw.ret(Result)
@excel_function(explain_undefined=True)
def CLV_FORECAST(customer_ids, order_dates, amounts, horizon=52, discount_rate=None,
                 calibration_end=None, time_unit="W"):
    """Predictive CLV per customer (BG/NBD + Gamma-Gamma). Spills a header, then one row per customer by CLV, largest first: id, P(alive), expected purchases and spend per purchase in the horizon, CLV."""
    model = _fit(customer_ids, order_dates, amounts, calibration_end, time_unit)
    frame = m.forecast_clv(
        model,
        ev.scalar("horizon", horizon, 52),
        ev.scalar("discount_rate", discount_rate, 0),
    )
    return ev.table(frame, index=False)
