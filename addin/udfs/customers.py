"""Customers: who stays, who leaves, how active they are, by cohort.

=CRR(), =CHURN_RATE(), =ANNUALIZED_CHURN(), =DAU_MAU() and the spilled =COHORT_RETENTION()
table. Each converts the Excel values (:mod:`addin.udfs.values`) and calls the metric core
(:mod:`addin.metrics`).
"""

from __future__ import annotations

import xlwings as xw

from .. import metrics as m
from ..cells import spill_rows
from . import values as ev
from .values import CATEGORY, MONTHS, Cells, Result, excel_function

__all__ = ["CRR", "CHURN_RATE", "ANNUALIZED_CHURN", "DAU_MAU", "COHORT_RETENTION"]

_S = "S: customers at the start of the period."


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


# --------------------------------------------------------------------------- cohorts


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
    return spill_rows(frame, index=True)
