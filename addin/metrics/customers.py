"""Customer counts: retention, churn, repeat purchases, loyalty, returns.

Notation of the guides: S = customers at the start of the period, E = at the end,
N = acquired during the period, L = lost during the period (from the starting base).
Every rate is a fraction (0.95 is shown as 95 % by the cell's number format).
"""

from __future__ import annotations

from . import _inputs as v


def customer_retention_rate(start_customers, end_customers, new_customers) -> float:
    """Customer retention rate: the share of the starting customers still with you at the end.

    CRR = (E − N) / S  (guides 000 and 001), with S customers at the start, E at the end and
    N acquired during the period. Example (guide 000): S = 20, N = 5, E = 24 → 95 %.

    The naive E / S of guide 001 counts new customers as retained and can pass 100 %: it is
    not offered. Invalid: E below N (new customers lost within the period make E − N
    meaningless; count E on the starting base instead) and E above S + N. S = 0 is undefined.
    """
    s = v.count("start_customers", start_customers)
    e = v.count("end_customers", end_customers)
    n = v.count("new_customers", new_customers)
    if e < n:
        raise v.InvalidInputError(
            f"end_customers ({e}) is less than new_customers ({n}): (E − N) / S needs E to "
            "include every new customer; new customers lost within the period make it meaningless"
        )
    v.at_most("end_customers", e, "start_customers + new_customers", s + n)
    return v.divide(e - n, s, "start_customers")


def customer_churn_rate(start_customers, lost_customers) -> float:
    """Customer churn rate: the share of the starting customers lost in the period.

    churn = L / S  (guide 002; guide 004's (S − E) / S with E counted on the starting base
    only). Example (guide 004): S = 10,000, L = 500 → 5 %. L above S is invalid; S = 0 is
    undefined.
    """
    s = v.count("start_customers", start_customers)
    lost = v.count("lost_customers", lost_customers)
    v.at_most("lost_customers", lost, "start_customers", s)
    return v.divide(lost, s, "start_customers")


def annualized_churn_rate(periodic_rate, periods_per_year=12) -> float:
    """Annualised churn from a churn rate per period (a month by default).

    annual churn = 1 − (1 − m)^k, m the churn per period and k the periods in a year (12 for
    months, 4 for quarters). Example: 2 % a month → 1 − 0.98^12 = 21.5 % a year (not 24 %).
    """
    m = v.fraction("periodic_rate", periodic_rate)
    k = v.positive("periods_per_year", periods_per_year)
    return 1.0 - (1.0 - m) ** k


def repeat_purchase_ratio(returning_customers, total_customers) -> float:
    """Repeat purchase ratio: the share of customers who bought again.

    RPR = returning customers / total customers  (guide 004). Example: 4,000 of 5,000 → 80 %.
    """
    returning = v.count("returning_customers", returning_customers)
    total = v.count("total_customers", total_customers)
    v.at_most("returning_customers", returning, "total_customers", total)
    return v.divide(returning, total, "total_customers")


def loyal_customer_rate(repeat_customers, total_customers) -> float:
    """Loyal customer rate: customers (existing and new) who bought more than once, over all.

    loyal rate = repeat customers / total customers in the period  (guide 004). Example:
    20,000 customers of whom 2,000 existing and 3,000 new bought again → 5,000 / 20,000 = 25 %
    (the guide says "averaging"; it is a sum).
    """
    repeat = v.count("repeat_customers", repeat_customers)
    total = v.count("total_customers", total_customers)
    v.at_most("repeat_customers", repeat, "total_customers", total)
    return v.divide(repeat, total, "total_customers")


def product_return_rate(units_returned, units_sold) -> float:
    """Product return rate: units returned over units sold.

    return rate = units returned / units sold  (guide 004). Example: 7,000 of 10,000 → 70 %.
    Reference rates quoted by the guide: about 9 % in store and 20 % online (B2C).
    More units returned than sold is invalid: count returns of the units sold in the period.
    """
    returned = v.non_negative("units_returned", units_returned)
    sold = v.non_negative("units_sold", units_sold)
    v.at_most("units_returned", returned, "units_sold", sold)
    return v.divide(returned, sold, "units_sold")


def dau_mau(dau, mau) -> float:
    """Engagement (stickiness): daily active users over monthly active users.

    DAU / MAU  (guide 002): the share of the month's users who use the product on a given day.
    DAU above MAU is invalid (a day's users are part of the month's).
    """
    daily = v.non_negative("dau", dau)
    monthly = v.non_negative("mau", mau)
    v.at_most("dau", daily, "mau", monthly)
    return v.divide(daily, monthly, "mau")
