"""Value and cost: what a customer is worth, what keeping one costs, why retention pays.

=CLV(), =CLV_CHURN(), =ARPA(), =CRC(), and the retention economics =CUSTOMER_LIFETIME(),
=RETENTION_VALUE(), =RETENTION_ROI(), =PROFIT_UPLIFT(), =LTV_CAC(), =CAC_PAYBACK(). Each
converts the Excel values (:mod:`addin.udfs.values`) and calls the metric core
(:mod:`addin.metrics`).
"""

from __future__ import annotations

import xlwings as xw

from .. import metrics as m
from . import values as ev
from .values import CATEGORY, Cells, Result, excel_function

__all__ = ["CLV", "CLV_CHURN", "ARPA", "CRC", "CUSTOMER_LIFETIME", "RETENTION_VALUE", "RETENTION_ROI", "PROFIT_UPLIFT", "LTV_CAC", "CAC_PAYBACK"]

_CUSTOMERS_NOW = "Customers today, the base the lower churn applies to."
_ARPA = "Average revenue per account per period (a month with monthly churn)."
_MARGIN = "Gross margin as a fraction (80 % is 0.8)."
_CHURN = "Churn per period as a fraction, the period of arpa (5 % a month is 0.05)."
_REDUCTION = "How much lower churn gets, in the same unit: 0.01 takes 5 % to 4 %."
_DISCOUNT = "Discount rate per period, 0 (the default) for none."


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
