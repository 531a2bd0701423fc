"""Retention economics: what keeping customers longer is worth, and what it costs.

Rates are fractions per period (0.05 is 5 % a month when the period is a month); the period
of ``churn_rate``, ``arpa`` and ``discount_rate`` must be the same. Money is in the inputs'
unit. Invalid input raises :class:`~addin.errors.InvalidInputError`; a result that does not
exist for valid input (an infinite lifetime, a zero cost) raises
:class:`~addin.errors.UndefinedResultError`.

Sources: Gupta & Lehmann (2003), "Customers as assets", Journal of Interactive Marketing
17(1) -- margin multiple of a customer; Reichheld & Sasser (1990), "Zero defections",
Harvard Business Review, and Reichheld (1996), "The Loyalty Effect" -- profit uplift from
a retention gain, profit per customer growing with tenure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import _inputs as v

__all__ = [
    "customer_lifetime",
    "customer_value",
    "retention_value",
    "retention_roi",
    "profit_uplift",
    "customer_base_path",
    "ltv_cac",
    "cac_payback",
]


def customer_lifetime(churn_rate) -> float:
    """Expected customer lifetime in periods: 1 / churn.

    With a constant churn c per period, lifetimes are geometric with mean 1 / c (counting the
    period the customer joins). Example: 5 % a month → 20 months. Churn 0 is undefined (the
    lifetime is infinite).
    """
    churn = v.fraction("churn_rate", churn_rate)
    if churn == 0:
        raise v.UndefinedResultError(
            "undefined: churn_rate is 0, so customers never leave (infinite lifetime)"
        )
    return 1.0 / churn


def _clv(margin: float, churn: float, discount: float) -> float:
    """m (1 + i) / (1 + i − r) with r = 1 − churn, i.e. m (1 + i) / (i + churn)."""
    denominator = discount + churn
    if denominator == 0:
        raise v.UndefinedResultError(
            "undefined: churn is 0 and discount_rate is 0, so the customer value is infinite "
            "(customers never leave and future margin is not discounted)"
        )
    return margin * (1.0 + discount) / denominator


def customer_value(arpa, gross_margin, churn_rate, discount_rate=0) -> float:
    """Customer lifetime value from a constant churn rate (Gupta & Lehmann 2003).

    CLV = m (1 + i) / (1 + i − r), with m = arpa × gross_margin the margin a customer
    brings each period (received at the start of the period, the first one now),
    r = 1 − churn_rate the retention per period and i the discount rate per period.
    With i = 0 it is m / churn (margin × expected lifetime). Example: ARPA 100, margin 0.8,
    churn 0.05 → 80 / 0.05 = 1,600. Churn 0 with i = 0 is undefined (infinite value).
    """
    arpa_ = v.non_negative("arpa", arpa)
    margin = v.fraction("gross_margin", gross_margin)
    churn = v.fraction("churn_rate", churn_rate)
    discount = v.non_negative("discount_rate", discount_rate)
    return _clv(arpa_ * margin, churn, discount)


def retention_value(
    customers, arpa, gross_margin, churn_rate, churn_reduction, discount_rate=0
) -> float:
    """Value of a churn reduction: the extra lifetime margin of today's customers.

    value = customers × (CLV(churn − reduction) − CLV(churn)), per-customer
    CLV = m (1 + i) / (1 + i − r) (Gupta & Lehmann 2003) with m = arpa × gross_margin
    received at the start of each period, r = 1 − churn and i = discount_rate; with i = 0
    CLV = m / churn. All rates are per period (the period of arpa).

    Example: 1,000 customers, ARPA 100, margin 0.8, churn 0.05 cut by 0.01 to 0.04:
    CLV 1,600 → 2,000, value 1,000 × 400 = 400,000.

    Edges: a reduction larger than the churn is invalid (churn cannot be negative). A
    reduction equal to the churn with i = 0 is undefined (customers would never leave:
    infinite lifetime); with i > 0 the value is finite. Churn 0 with i = 0 is undefined.
    """
    n = v.non_negative("customers", customers)
    arpa_ = v.non_negative("arpa", arpa)
    margin = v.fraction("gross_margin", gross_margin)
    churn = v.fraction("churn_rate", churn_rate)
    reduction = v.fraction("churn_reduction", churn_reduction)
    discount = v.non_negative("discount_rate", discount_rate)
    v.at_most("churn_reduction", reduction, "churn_rate", churn)
    m = arpa_ * margin
    before = _clv(m, churn, discount)
    after_churn = churn - reduction
    if after_churn + discount == 0:
        raise v.UndefinedResultError(
            f"undefined: churn_reduction ({v.show(reduction)}) equals churn_rate "
            f"({v.show(churn)}) and discount_rate is 0, so customers would never leave "
            "(infinite lifetime)"
        )
    after = _clv(m, after_churn, discount)
    return n * (after - before)


def retention_roi(
    customers, arpa, gross_margin, churn_rate, churn_reduction, program_cost, discount_rate=0
) -> float:
    """Return on a retention programme: (value − cost) / cost.

    value is :func:`retention_value` (customers × the gain in CLV = m (1 + i) / (1 + i − r)
    from the lower churn). Example: value 400,000 for a programme costing 100,000 →
    (400,000 − 100,000) / 100,000 = 3.0 (300 %). A cost of 0 is undefined.
    """
    cost = v.non_negative("program_cost", program_cost)
    value = retention_value(
        customers, arpa, gross_margin, churn_rate, churn_reduction, discount_rate
    )
    return v.divide(value - cost, cost, "program_cost")


# --------------------------------------------------------------------------- profit uplift


def _geometric_sum(q: float, n: int) -> float:
    """1 + q + … + q^(n−1)."""
    if q == 1.0:
        return float(n)
    return (1.0 - q**n) / (1.0 - q)


def _uplift_inputs(retention_rate, retention_gain, years):
    r = v.fraction("retention_rate", retention_rate)
    gain = v.fraction("retention_gain", retention_gain)
    t = v.count("years", years)
    if r + gain > 1.0 + 1e-12:
        raise v.InvalidInputError(
            f"retention_rate + retention_gain is {v.show(r + gain)}, expected at most 1 "
            f"(retention_rate {v.show(r)}, retention_gain {v.show(gain)})"
        )
    return r, min(r + gain, 1.0), t


def profit_uplift(retention_rate, retention_gain, years, profit_growth=0) -> float:
    """How much more profit a retention gain brings after ``years`` years (Reichheld).

    The business has reached its steady state under today's yearly retention r: A new
    customers join every year, so a cohort of age k has A r^k customers and the base is
    A / (1 − r). From now on retention is r' = r + gain: base_t = r' base_(t−1) + A. A
    customer of tenure k earns π (1 + g)^k, g = profit_growth (Reichheld's profit per
    customer growing with tenure; g = 0 means every customer earns the same). Tracking
    the cohorts by age, after t years

        profit_t = A π [ Σ_(k<t) (r'(1+g))^k  +  (r'(1+g))^t / (1 − r(1+g)) ],
        profit_0 = A π / (1 − r(1+g)),

    and the function returns profit_t / profit_0 − 1 (A and π cancel).

    Examples (g = 0): r = 0.80, gain 0.05 → after 5 years +18.5 %; in the long run the base
    goes from 1 / 0.20 to 1 / 0.15, +33.3 %.

    Invalid: r + gain above 1. Undefined: r (1 + g) ≥ 1 (today's base, or its profit, would
    be infinite: no steady state).
    """
    r, r_new, t = _uplift_inputs(retention_rate, retention_gain, years)
    g = v.number("profit_growth", profit_growth)
    if g <= -1:
        raise v.InvalidInputError(
            f"profit_growth is {v.show(g)}, expected more than -1 (-0.1 is a 10 % yearly fall)"
        )
    q = r * (1.0 + g)
    if q >= 1.0:
        if g == 0:
            raise v.UndefinedResultError(
                "undefined: retention_rate is 1, so today's customer base has no steady state "
                "(nobody ever leaves)"
            )
        raise v.UndefinedResultError(
            f"undefined: retention_rate × (1 + profit_growth) is {v.show(q)}, at least 1, so "
            "today's profit has no steady state (each cohort's profit grows faster than it "
            "shrinks)"
        )
    q_new = r_new * (1.0 + g)
    today = 1.0 / (1.0 - q)
    try:
        later = _geometric_sum(q_new, t) + q_new**t * today
    except OverflowError:  # float ** float raises instead of giving inf
        later = math.inf
    if not math.isfinite(later):
        raise v.UndefinedResultError(
            f"undefined: the profit after {t} years overflows (retention × (1 + profit_growth) "
            f"is {v.show(q_new)})"
        )
    return later / today - 1.0


def customer_base_path(retention_rate, retention_gain, years) -> pd.DataFrame:
    """The customer base year by year, with today's retention and with the improved one.

    One new customer a year (A = 1; scale by your yearly acquisitions). Today's steady state
    is 1 / (1 − r) every year; with retention r' = r + gain from year 1 on,
    base_t = r' base_(t−1) + 1, base_0 = 1 / (1 − r), i.e.
    base_t = (1 − r'^t) / (1 − r') + r'^t / (1 − r) (= t + 1 / (1 − r) when r' = 1).

    Returns a DataFrame indexed by ``year`` (0 … years) with columns ``current_retention``
    and ``improved_retention``; their ratio minus 1 is :func:`profit_uplift` with
    profit_growth 0. r = 1 is undefined.
    """
    r, r_new, t = _uplift_inputs(retention_rate, retention_gain, years)
    if r >= 1.0:
        raise v.UndefinedResultError(
            "undefined: retention_rate is 1, so today's customer base has no steady state "
            "(nobody ever leaves)"
        )
    steady = 1.0 / (1.0 - r)
    base = np.empty(t + 1)
    base[0] = steady
    for year in range(1, t + 1):
        base[year] = r_new * base[year - 1] + 1.0
    return pd.DataFrame(
        {"current_retention": np.full(t + 1, steady), "improved_retention": base},
        index=pd.RangeIndex(t + 1, name="year"),
    )


# --------------------------------------------------------------------------- acquisition


def ltv_cac(ltv, cac) -> float:
    """LTV : CAC ratio, lifetime value over the cost of acquiring the customer.

    ratio = LTV / CAC. Example: LTV 1,600, CAC 400 → 4.0 (3 or more is the usual rule of
    thumb for a healthy subscription business). CAC 0 is undefined.
    """
    value = v.non_negative("ltv", ltv)
    cost = v.non_negative("cac", cac)
    return v.divide(value, cost, "cac")


def cac_payback(cac, arpa, gross_margin) -> float:
    """CAC payback: periods (months with a monthly ARPA) to earn back the acquisition cost.

    payback = CAC / (ARPA × gross margin). Example: CAC 400, ARPA 100 a month, margin 0.8 →
    400 / 80 = 5 months. It ignores churn during the payback. A zero margin per period
    (ARPA or margin 0) is undefined.
    """
    cost = v.non_negative("cac", cac)
    arpa_ = v.non_negative("arpa", arpa)
    margin = v.fraction("gross_margin", gross_margin)
    return v.divide(cost, arpa_ * margin, "arpa × gross_margin")
