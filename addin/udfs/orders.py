"""Orders: repeat purchases, returns, time between purchases, days to be paid.

=RPR(), =RETURN_RATE(), =LOYAL_RATE(), =DSO() and =TBP(). Each converts the Excel values
(:mod:`addin.udfs.values`) and calls the metric core (:mod:`addin.metrics`).
"""

from __future__ import annotations

import xlwings as xw

from .. import metrics as m
from . import values as ev
from .values import CATEGORY, Cells, Result, excel_function

__all__ = ["RPR", "RETURN_RATE", "LOYAL_RATE", "DSO", "TBP"]


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
