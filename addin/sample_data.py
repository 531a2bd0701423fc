"""A fictional company's data, for the template workbook, the demo report and benchmarks.

:func:`generate_company` invents a mid-sized SaaS / e-commerce business -- customers,
their monthly subscriptions, web-shop orders, NPS survey answers, invoices, product usage
and the monthly retention budget -- as pandas DataFrames shaped like the tables an analyst
would paste into the template workbook. Everything is drawn from one random seed, so the
same arguments always give the same tables (with the same numpy version), and a different
seed gives a different but equally plausible company.

The default call gives the sample tables of the template: about 500 customers over the
24 months ending October 2026. The same generator scales to benchmark size, e.g.::

    generate_company(customers=50_000, orders_per_customer=20,
                     nps_answers=200_000, invoices=300_000)

and :func:`write_csv_folder` saves the tables as one CSV file each.

What the data looks like
------------------------
- About 30 % of the customers were already customers when the window opens (their signup
  date lies before it; they all have subscription rows inside it). The others sign up
  during the window, more in January-March and September-October, fewer in July-August
  and December, with the business slowly growing.
- Monthly churn is 1-4 %: highest for SMB, lowest for Enterprise, higher in a customer's
  first months. Some churned customers come back (reactivations).
- Paying customers expand (upsell) and contract (downgrade) their MRR from time to time.
- The web shop sells more in November and December; some buyers order once, most come
  back at irregular intervals; a few orders have returned units.
- NPS lands around +30; customers in their last months before churning answer lower.
- Most invoices are paid on time, a group of late payers pays 30-120 days late, and some
  invoices are still unpaid at the end of the data.

No date lies after the end of ``end_month`` -- except ``Invoices.due_date``: an invoice
issued in the last 30 days is due after the data ends, as in any real ledger.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InvalidInputError

__all__ = ["TABLE_COLUMNS", "generate_company", "write_csv_folder"]

#: The tables :func:`generate_company` returns, in order, each with its columns in order.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Customers": ("customer_id", "name", "segment", "signup_date", "churn_date"),
    "Subscriptions": ("customer_id", "month", "mrr"),
    "Orders": ("order_id", "customer_id", "order_date", "amount", "units", "units_returned"),
    "NPS": ("customer_id", "date", "score"),
    "Invoices": ("invoice_id", "customer_id", "issue_date", "due_date", "amount", "paid_date"),
    "Activity": ("user_id", "date"),
    "Costs": ("month", "retention_spend"),
}

SEGMENTS: tuple[str, ...] = ("SMB", "Mid-Market", "Enterprise")

# --- The company's parameters (one place to tune the story) -------------------------------

_SEGMENT_SHARE = np.array([0.62, 0.28, 0.10])
_MRR_MEDIAN = np.array([120.0, 900.0, 4500.0])  # typical starting MRR per segment
_MRR_SPREAD = 0.45  # sigma of the log-normal around it
_CHURN_HAZARD = np.array([0.034, 0.019, 0.009])  # monthly, before tenure and frailty effects
_EXPANSION_PROB = np.array([0.03, 0.05, 0.06])  # per subscribed month
_CONTRACTION_PROB = np.array([0.02, 0.025, 0.02])
_REACTIVATION_PROB = 0.03  # per month, once 2 months have passed without a subscription
_PRE_WINDOW_SHARE = 0.30  # customers who signed up before the window opens
_DEFAULT_ORDERS_PER_CUSTOMER = 12.0
_NPS_PER_CUSTOMER = 4  # default number of survey answers per customer
_ACTIVITY_PER_CUSTOMER = 90  # target Activity rows per customer (500 customers -> ~45,000)
_RECENT_CHURN_MONTHS = 4  # NPS answers this close before a churn count as "at risk"

# Month-of-year weights (January first).
_SIGNUP_SEASON = np.array([1.30, 1.10, 1.20, 1.00, 1.00, 0.90, 0.75, 0.80, 1.25, 1.15, 1.00, 0.70])
_ORDER_SEASON = np.array([0.80, 0.85, 0.95, 0.95, 1.00, 0.95, 0.90, 0.95, 1.00, 1.05, 1.60, 1.90])

# Word lists for company names: "<prefix><suffix> <trade> [legal form]", e.g.
# "Ashbrook Logistics Ltd". The first three parts are unique per customer.
_NAME_PREFIXES = (
    "North", "South", "East", "West", "Bright", "Stone", "Ash", "Red", "Black", "White",
    "Green", "Silver", "Gold", "Oak", "Elm", "Pine", "Maple", "Cedar", "Willow", "Fair",
    "Glen", "High", "Long", "Clear", "Deep", "Cold", "Wind", "Rain", "Sun", "Star",
    "Moon", "Iron", "Copper", "River", "Lake", "Sea", "Bay", "Kings", "Queens", "Ross",
    "Bell", "Hart", "Wolf", "Fox", "Hawk", "Raven", "Crow", "Swan", "Rose", "Thorn",
    "Briar", "Heather", "Amber", "Blue", "Grey", "Hazel", "Holly", "Ivy", "Lyn", "Birch",
    "Alder", "Brent", "Cran", "Dun",
)
_NAME_SUFFIXES = (
    "field", "wood", "water", "bridge", "stone", "brook", "ford", "gate", "haven", "hill",
    "dale", "moor", "wick", "ton", "ley", "view", "point", "crest", "mont", "shire",
    "side", "well", "worth", "bury", "mere", "land", "vale", "light", "line", "fall",
    "port", "stead", "croft", "ridge", "hurst", "marsh", "shaw", "holm", "combe", "more",
)
_NAME_TRADES = (
    "Analytics", "Logistics", "Software", "Systems", "Solutions", "Labs", "Partners",
    "Consulting", "Design", "Engineering", "Foods", "Bakery", "Brewing", "Coffee Roasters",
    "Apparel", "Outfitters", "Furniture", "Interiors", "Health", "Wellness", "Clinics",
    "Pharma", "Energy", "Electric", "Solar", "Robotics", "Textiles", "Media", "Studio",
    "Publishing", "Print", "Packaging", "Freight", "Marine", "Motors", "Cycles", "Retail",
    "Market", "Goods", "Supply", "Trading", "Holdings", "Capital", "Insurance", "Security",
    "Learning", "Academy", "Travel", "Hotels", "Farms", "Garden Centre", "Pet Supply",
    "Optics", "Audio", "Builders", "Kitchens", "Tools", "Cloud", "Data", "Networks",
)
_NAME_LEGAL = ("", "", "", " Ltd", " Inc.", " LLC", " GmbH", " & Co.", " plc", " B.V.", " AG")

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_TABLE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ .-]*$")


# --- Argument checks ----------------------------------------------------------------------


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise InvalidInputError(f"{name} is {value!r}, expected a whole number")
    if value < minimum:
        raise InvalidInputError(f"{name} is {value}, expected {minimum} or more")
    return int(value)


def _end_month(value: object) -> np.datetime64:
    match = _MONTH_RE.match(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInputError(f"end_month is {value!r}, expected a month as 'YYYY-MM'")
    return np.datetime64(value, "M")


def _rate(name: str, value: object) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidInputError(f"{name} is {value!r}, expected a number")
    result = float(value)
    if not math.isfinite(result) or result < 0:
        raise InvalidInputError(f"{name} is {value!r}, expected a finite number, 0 or more")
    return result


# --- Small vectorised helpers -------------------------------------------------------------


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    """``count`` ids ``prefix`` + zero-padded 1..count, as an object array of str."""
    width = max(width, len(str(count)))
    size = len(prefix) + width
    # Build the characters as a (count, size) grid of code points, read it as fixed-width
    # text, then make Python str objects: ~3x faster than formatting one id at a time.
    codes = np.empty((count, size), dtype="<u4")
    codes[:, : len(prefix)] = [ord(c) for c in prefix]
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    numbers_ = np.arange(1, count + 1, dtype=np.int64)[:, None]
    codes[:, len(prefix) :] = numbers_ // powers % 10 + ord("0")
    return codes.view(f"<U{size}").reshape(count).astype(object)


def _str_column(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """An object array of str as pandas' string dtype, without per-cell inference."""
    return pd.array(values, dtype="str")


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (datetime64[D]) as datetime64[ns], NaT kept."""
    return days.astype("datetime64[D]").astype("datetime64[ns]")


def _money(values: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(values, dtype=np.float64), 2)


def _sample_rows(owner: np.ndarray, weights: np.ndarray, first: np.ndarray, last: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """For each event, a row of its owner drawn with probability proportional to ``weights``.

    The rows are grouped by owner; owner k owns rows ``first[k]`` to ``last[k]`` inclusive
    and every owner of an event must own at least one row of positive weight.
    """
    cum = np.cumsum(weights)
    base = cum[first] - weights[first]
    total = cum[last] - base
    target = base[owner] + rng.random(owner.size) * total[owner]
    row = np.searchsorted(cum, target, side="right")
    row = np.clip(row, first[owner], last[owner])
    # A row of weight 0 can only be hit by rounding at its edge; step to its positive neighbour.
    zero = weights[row] <= 0
    if zero.any():  # pragma: no cover - guard against floating-point edge cases
        row[zero] = np.searchsorted(cum, target[zero], side="left")
        row = np.clip(row, first[owner], last[owner])
    return row


def _company_names(count: int, rng: np.random.Generator) -> np.ndarray:
    n_pre, n_suf, n_trade = len(_NAME_PREFIXES), len(_NAME_SUFFIXES), len(_NAME_TRADES)
    combos = n_pre * n_suf * n_trade
    picks = rng.choice(combos, size=min(count, combos), replace=False)
    legal = rng.integers(0, len(_NAME_LEGAL), size=count)
    names = [
        f"{_NAME_PREFIXES[p // (n_suf * n_trade)]}{_NAME_SUFFIXES[(p // n_trade) % n_suf]} "
        f"{_NAME_TRADES[p % n_trade]}"
        for p in picks.tolist()
    ]
    # Beyond ~150,000 customers the words run out: number the repeats ("... 2", "... 3").
    for k in range(len(names), count):
        names.append(f"{names[k % combos]} {k // combos + 1}")
    return np.array([n + _NAME_LEGAL[g] for n, g in zip(names, legal.tolist())], dtype=object)


# --- The generator ------------------------------------------------------------------------


def generate_company(
    customers: int = 500,
    months: int = 24,
    *,
    seed: int = 2026,
    end_month: str = "2026-10",
    orders_per_customer: float = _DEFAULT_ORDERS_PER_CUSTOMER,
    nps_answers: int | None = None,
    invoices: int | None = None,
) -> dict[str, pd.DataFrame]:
    """A fictional company's tables, seeded and reproducible.

    Arguments
    ---------
    customers
        Number of customers (rows of ``Customers``).
    months
        Length of the data window in months; the window ends with ``end_month`` (included).
    seed
        Random seed: the same arguments and seed always give identical tables.
    end_month
        Last month of the data, as ``"YYYY-MM"``. No date lies after its last day, except
        ``Invoices.due_date`` (see below).
    orders_per_customer
        Average number of web-shop orders per customer (about ``customers *
        orders_per_customer`` orders in all); 0 gives an empty ``Orders`` table.
    nps_answers
        Number of NPS survey answers; default 4 per customer.
    invoices
        Number of invoices. By default every subscribed customer-month is invoiced. A
        smaller number keeps the invoices of a random subset of customers (the ones who pay
        by invoice rather than by card), whole customers first; it cannot exceed the number
        of subscribed customer-months.

    Returns
    -------
    dict of DataFrame
        Keys and columns as in :data:`TABLE_COLUMNS`, in that order:

        ``Customers`` -- one row per customer, ids ``C00001``... in signup order.
        ``signup_date`` is the first day of the subscription (before the window for
        customers who were already customers when it opens). ``churn_date`` is blank (NaT)
        for a customer subscribed in the last month; otherwise it is the date of the
        customer's *latest* churn, a day in the first month without MRR after their last
        subscribed month. So a churn counted from the dates and a churn counted from the
        MRR fall in the same month. A reactivated customer (churned, then came back) keeps
        the original ``signup_date``; their ``churn_date`` is blank if they are still
        subscribed at the end, else the date they left again -- the earlier gap only shows
        in ``Subscriptions``.

        ``Subscriptions`` -- one row per customer per month subscribed (``month`` is the
        first day of the month), ``mrr`` > 0. Rows start in the signup month (the first
        window month for earlier customers), stop at churn and resume at a reactivation.

        ``Orders`` -- web-shop orders, ids ``O0000001``... in date order, placed in months
        the customer is subscribed; ``amount`` is the order total, ``units_returned`` <=
        ``units`` and mostly 0.

        ``NPS`` -- survey answers 0-10 from subscribed customers, in date order; answers
        given in the last four months before a churn are markedly lower.

        ``Invoices`` -- ids ``INV000001``... in issue order; one per invoiced customer-month
        for that month's MRR, issued on the signup date in the signup month and on the
        billing day (signup day, at most the 28th) otherwise; ``due_date`` = issue + 30
        days (so it may fall after the data end); ``paid_date`` blank when still unpaid at
        the data end.

        ``Activity`` -- one row per product user per day they used the product (fewer at
        weekends and before a churn); user ids ``U000001``...; a customer has one to about
        a dozen users (the table does not say whose users they are).

        ``Costs`` -- one row per window month: the money spent on retention (customer
        success, win-back campaigns).

    Raises
    ------
    InvalidInputError
        An argument is out of range (e.g. ``customers=0``, ``end_month="Oct 2026"``).
    """
    n = _whole("customers", customers, 1)
    m = _whole("months", months, 1)
    seed = _whole("seed", seed, 0)
    last_month = _end_month(end_month)
    opc = _rate("orders_per_customer", orders_per_customer)
    n_nps = n * _NPS_PER_CUSTOMER if nps_answers is None else _whole("nps_answers", nps_answers, 0)
    if invoices is not None:
        invoices = _whole("invoices", invoices, 0)

    rng = np.random.default_rng(seed)

    # Calendar of the window.
    month_m = last_month - (m - 1) + np.arange(m)  # datetime64[M]
    month_start = month_m.astype("datetime64[D]")
    month_next = (month_m + 1).astype("datetime64[D]")
    dim = (month_next - month_start).astype(np.int64)  # days in month
    moy = month_m.astype(np.int64) % 12  # 0 = January
    data_end = month_next[-1] - 1

    # --- Customers: signup (sorted, so ids follow signup order), segment, traits --------
    pre = rng.random(n) < _PRE_WINDOW_SHARE
    signup_weight = _SIGNUP_SEASON[moy] * (1.0 + 0.02 * np.arange(m))
    start = np.where(pre, 0, rng.choice(m, size=n, p=signup_weight / signup_weight.sum()))
    months_before = rng.integers(1, 37, size=n)  # pre-window customers: 1-36 months earlier
    signup_m = np.where(pre, month_m[0] - months_before, month_m[start])
    signup_m = signup_m.astype("datetime64[M]")
    signup_dim = ((signup_m + 1).astype("datetime64[D]") - signup_m.astype("datetime64[D]")).astype(
        np.int64
    )
    signup_day = 1 + (rng.random(n) * signup_dim).astype(np.int64)
    signup = signup_m.astype("datetime64[D]") + (signup_day - 1)
    order = np.argsort(signup, kind="stable")
    pre, start, signup, signup_day = pre[order], start[order], signup[order], signup_day[order]
    tenure_before = np.where(pre, (month_m[0] - signup.astype("datetime64[M]")).astype(np.int64), 0)

    segment = rng.choice(3, size=n, p=_SEGMENT_SHARE)
    base_mrr = _MRR_MEDIAN[segment] * rng.lognormal(0.0, _MRR_SPREAD, size=n)
    frailty = rng.gamma(2.0, 0.5, size=n)  # mean 1: some customers are much likelier to churn
    hazard = _CHURN_HAZARD[segment] * frailty

    # --- Subscriptions: month-by-month simulation over all customers at once ------------
    subscribed = np.zeros((n, m), dtype=bool)
    mrr_grid = np.zeros((n, m))
    active = np.zeros(n, dtype=bool)
    churned_before = np.zeros(n, dtype=bool)
    reactivated = np.zeros(n, dtype=bool)
    gap = np.zeros(n, dtype=np.int64)  # months since the latest churn
    tenure = tenure_before.copy()
    mrr = np.zeros(n)
    for t in range(m):
        u_churn, u_move, u_size, u_react = rng.random((4, n))
        # Churn among those subscribed last month.
        tenure_factor = np.where(tenure < 3, 1.6, np.where(tenure < 12, 1.0, 0.8))
        h = hazard * tenure_factor * np.where(reactivated, 1.3, 1.0)
        churn = active & (u_churn < h)
        active &= ~churn
        churned_before |= churn
        gap = np.where(churn, 0, gap)
        # Expansion and contraction among those who stay.
        expand = active & (u_move < _EXPANSION_PROB[segment])
        contract = active & ~expand & (u_move > 1.0 - _CONTRACTION_PROB[segment])
        mrr = np.where(expand, mrr * (1.10 + 0.5 * u_size), mrr)
        mrr = np.where(contract, mrr * (0.60 + 0.32 * u_size), mrr)
        # Win-backs: back after at least two months without a subscription.
        gap = gap + (churned_before & ~active)
        react = churned_before & ~active & ~churn & (gap >= 3) & (u_react < _REACTIVATION_PROB)
        active |= react
        reactivated |= react
        mrr = np.where(react, base_mrr * (0.7 + 0.4 * u_size), mrr)
        tenure = np.where(react, 0, tenure)
        # New customers (and, in the first month, everybody already a customer).
        new = start == t
        active |= new
        mrr = np.where(new, base_mrr, mrr)
        mrr = np.maximum(mrr, 5.0)
        subscribed[:, t] = active
        mrr_grid[:, t] = np.where(active, mrr, 0.0)
        tenure = tenure + active

    cust_of_row, t_of_row = np.nonzero(subscribed)  # rows sorted by customer, then month
    n_rows = cust_of_row.size
    first_row = np.searchsorted(cust_of_row, np.arange(n), side="left")
    last_row = np.searchsorted(cust_of_row, np.arange(n), side="right") - 1
    row_mrr = _money(mrr_grid[cust_of_row, t_of_row])
    # Days of each subscribed month the customer can act in (from the signup day on).
    is_signup_row = (t_of_row == start[cust_of_row]) & ~pre[cust_of_row] & (
        np.arange(n_rows) == first_row[cust_of_row]
    )
    row_lo = np.where(is_signup_row, signup_day[cust_of_row], 1)  # first usable day
    row_days = dim[t_of_row] - row_lo + 1
    row_first_day = month_start[t_of_row] + (row_lo - 1)
    # Months until the next month without a subscription (large if none in the window).
    until_churn = np.full((n, m), m + 1, dtype=np.int64)
    for t in range(m - 2, -1, -1):
        until_churn[:, t] = np.where(subscribed[:, t + 1], until_churn[:, t + 1] + 1, 1)
    row_until_churn = until_churn[cust_of_row, t_of_row]

    def day_in_row(rows: np.ndarray) -> np.ndarray:
        offset = (rng.random(rows.size) * row_days[rows]).astype(np.int64)
        return row_first_day[rows] + offset

    # Churn date: a day in the first month without MRR after the last subscribed month.
    last_t = t_of_row[last_row]
    gone = last_t < m - 1
    churn_t = np.minimum(last_t + 1, m - 1)
    churn_day = month_start[churn_t] + (rng.random(n) * dim[churn_t]).astype(np.int64)
    churn_date = np.where(gone, churn_day, np.datetime64("NaT"))

    customer_ids = _ids("C", n, 5)
    customers_df = pd.DataFrame(
        {
            "customer_id": _str_column(customer_ids),
            "name": _str_column(_company_names(n, rng)),
            "segment": _str_column(np.array(SEGMENTS, dtype=object)[segment]),
            "signup_date": _dates(signup),
            "churn_date": _dates(churn_date),
        }
    )
    subscriptions_df = pd.DataFrame(
        {
            "customer_id": _str_column(customer_ids[cust_of_row]),
            "month": _dates(month_start[t_of_row]),
            "mrr": row_mrr,
        }
    )

    # --- Orders ------------------------------------------------------------------------
    buyer_kind = rng.choice(3, size=n, p=[0.10, 0.15, 0.75])  # none, one-time, repeat
    if opc > 0:
        n_months = last_row - first_row + 1
        appetite = rng.gamma(1.5, 1.0 / 1.5, size=n) * n_months * (buyer_kind == 2)
        wanted = opc * n - np.count_nonzero(buyer_kind == 1)
        scale = max(wanted, 0.0) / max(appetite.sum(), 1e-12)
        n_orders = rng.poisson(appetite * scale)
        n_orders = np.where(buyer_kind == 1, 1, n_orders)
        n_orders = np.where((buyer_kind == 2) & (n_orders == 1), 2, n_orders)
    else:
        n_orders = np.zeros(n, dtype=np.int64)
    order_cust = np.repeat(np.arange(n), n_orders)
    season_w = _ORDER_SEASON[moy[t_of_row]] * row_days / dim[t_of_row]
    order_row = _sample_rows(order_cust, season_w, first_row, last_row, rng)
    order_day = day_in_row(order_row)
    price_level = np.array([55.0, 140.0, 380.0])[segment] * rng.lognormal(0.0, 0.4, size=n)
    unit_mean = np.array([0.6, 1.5, 4.0])[segment]
    units = 1 + rng.poisson(unit_mean[order_cust])
    unit_price = price_level[order_cust] * rng.lognormal(0.0, 0.3, size=order_cust.size)
    amount = _money(units * unit_price)
    return_rate = rng.beta(1.0, 11.0, size=n)  # mean ~8 % of orders see a return
    returns = rng.random(order_cust.size) < return_rate[order_cust]
    units_returned = np.where(returns, 1 + rng.binomial(units - 1, 0.25), 0).astype(np.int64)
    o_sort = np.lexsort((order_cust, order_day))
    orders_df = pd.DataFrame(
        {
            "order_id": _str_column(_ids("O", order_cust.size, 7)),
            "customer_id": _str_column(customer_ids[order_cust[o_sort]]),
            "order_date": _dates(order_day[o_sort]),
            "amount": amount[o_sort],
            "units": units[o_sort].astype(np.int64),
            "units_returned": units_returned[o_sort],
        }
    )

    # --- NPS ---------------------------------------------------------------------------
    nps_row = np.sort(rng.integers(0, n_rows, size=n_nps)) if n_rows else np.zeros(0, np.int64)
    nps_cust = cust_of_row[nps_row]
    at_risk = row_until_churn[nps_row] <= _RECENT_CHURN_MONTHS
    # Churn-prone customers are less happy all along, not only just before they leave.
    tilt = np.clip(0.08 * (frailty[nps_cust] - 1.0), -0.08, 0.12)
    p_promoter = np.where(at_risk, 0.22, 0.52) - tilt
    p_detractor = np.where(at_risk, 0.48, 0.14) + tilt
    u = rng.random(n_nps)
    promoter = u < p_promoter
    detractor = u > 1.0 - p_detractor
    u2 = rng.random(n_nps)
    detractor_scores = np.searchsorted(
        np.cumsum([1, 1, 2, 3, 4, 7, 9]) / 27.0, u2, side="right"
    )  # 0-6, mostly 5-6
    passive_scores = np.where(u2 < 0.45, 7, 8)
    promoter_scores = np.where(u2 < 0.55, 9, 10)
    other_scores = np.where(detractor, detractor_scores, passive_scores)
    score = np.where(promoter, promoter_scores, other_scores)
    score = score.astype(np.int64)
    nps_day = day_in_row(nps_row)
    n_sort = np.lexsort((nps_cust, nps_day))
    nps_df = pd.DataFrame(
        {
            "customer_id": _str_column(customer_ids[nps_cust[n_sort]]),
            "date": _dates(nps_day[n_sort]),
            "score": score[n_sort],
        }
    )

    # --- Invoices ----------------------------------------------------------------------
    if invoices is None:
        inv_row = np.arange(n_rows)
    else:
        if invoices > n_rows:
            raise InvalidInputError(
                f"invoices is {invoices}, but this company has only {n_rows} subscribed "
                f"customer-months to invoice; ask for {n_rows} or fewer"
            )
        rank = rng.permutation(n)  # customers paying by invoice come first
        inv_row = np.sort(np.argsort(rank[cust_of_row] * m + t_of_row, kind="stable")[:invoices])
    inv_cust = cust_of_row[inv_row]
    billing_day = np.minimum(signup_day, 28)[inv_cust]
    on_billing_day = month_start[t_of_row[inv_row]] + (billing_day - 1)
    issue = np.where(is_signup_row[inv_row], row_first_day[inv_row], on_billing_day)
    due = issue + 30
    payer = rng.choice(3, size=n, p=[0.78, 0.17, 0.05])[inv_cust]  # prompt, sometimes late, late
    k = inv_row.size
    u, u2 = rng.random((2, k))
    p_small_late = np.array([0.03, 0.25, 0.30])[payer]
    p_big_late = np.array([0.0, 0.05, 0.50])[payer]
    very_late = due + rng.integers(30, 121, size=k)  # 30-120 days after the due date
    a_bit_late = due + rng.integers(1, 30, size=k)
    on_time = issue + rng.integers(0, 31, size=k)  # by the due date
    paid = np.where(
        u < p_big_late, very_late, np.where(u < p_big_late + p_small_late, a_bit_late, on_time)
    )
    last_invoice = inv_row == last_row[inv_cust]
    bad_debt = u2 < np.where(last_invoice & (t_of_row[inv_row] < m - 1), 0.10, 0.004)
    unpaid = bad_debt | (paid > data_end)
    paid = np.where(unpaid, np.datetime64("NaT"), paid)
    i_sort = np.lexsort((inv_cust, issue))
    invoices_df = pd.DataFrame(
        {
            "invoice_id": _str_column(_ids("INV", k, 6)),
            "customer_id": _str_column(customer_ids[inv_cust[i_sort]]),
            "issue_date": _dates(issue[i_sort]),
            "due_date": _dates(due[i_sort]),
            "amount": row_mrr[inv_row[i_sort]],
            "paid_date": _dates(paid[i_sort]),
        }
    )

    # --- Activity ----------------------------------------------------------------------
    extra_users = rng.poisson(np.array([0.6, 1.5, 4.0])[segment])
    n_users = np.array([1, 2, 3])[segment] + extra_users
    user_cust = np.repeat(np.arange(n), n_users)
    n_u = user_cust.size
    engagement = np.where(row_until_churn <= 2, 0.45, 1.0)  # usage fades before a churn
    use_w = row_days * engagement
    cust_use = np.add.reduceat(use_w, first_row) if n_rows else np.zeros(n)
    user_rate = rng.beta(2.0, 14.0, size=n_u)
    expected = user_rate * cust_use[user_cust]
    weekend_keep = 0.25
    keep_share = (5 + 2 * weekend_keep) / 7
    target = _ACTIVITY_PER_CUSTOMER * n / keep_share
    n_events = rng.poisson(expected * (target / max(expected.sum(), 1e-12)))
    ev_user = np.repeat(np.arange(n_u), n_events)
    ev_row = _sample_rows(user_cust[ev_user], use_w, first_row, last_row, rng)
    ev_day = day_in_row(ev_row)
    weekday = (ev_day.astype(np.int64) + 3) % 7  # Monday = 0
    keep = (weekday < 5) | (rng.random(ev_day.size) < weekend_keep)
    day0 = month_start[0].astype(np.int64)
    key = (ev_day[keep].astype(np.int64) - day0) * n_u + ev_user[keep]
    key.sort()  # by day, then user
    key = key[np.concatenate((key[:1] == key[:1], key[1:] != key[:-1]))]  # one per user-day
    user_ids = _ids("U", n_u, 6)
    activity_df = pd.DataFrame(
        {
            "user_id": _str_column(user_ids[key % n_u]),
            "date": _dates(np.datetime64(month_start[0], "D") + key // n_u),
        }
    )

    # --- Costs -------------------------------------------------------------------------
    mrr_by_month = mrr_grid.sum(axis=0)
    campaign = np.where(np.isin(moy, [0, 8, 10]), 1.25, 1.0)  # Jan, Sep and Nov pushes
    spend = (0.035 * mrr_by_month + 300.0 * n / 500) * campaign * rng.lognormal(0.0, 0.12, size=m)
    costs_df = pd.DataFrame({"month": _dates(month_start), "retention_spend": _money(spend)})

    tables = {
        "Customers": customers_df,
        "Subscriptions": subscriptions_df,
        "Orders": orders_df,
        "NPS": nps_df,
        "Invoices": invoices_df,
        "Activity": activity_df,
        "Costs": costs_df,
    }
    for name, columns in TABLE_COLUMNS.items():
        assert tuple(tables[name].columns) == columns, name
    return tables


def write_csv_folder(tables: dict[str, pd.DataFrame], folder: str | os.PathLike[str], *,
                     overwrite: bool = False) -> list[Path]:
    """Save each table as ``<folder>/<Table>.csv`` and return the paths written.

    The files are UTF-8, comma-separated, with a header row, no index column, dates as
    ISO ``YYYY-MM-DD`` (a blank cell for a missing date) and '.' as the decimal mark, so
    Excel in any locale can import them with *Data > From Text/CSV*. The folder is created
    if needed.

    Raises ``FileExistsError`` (and writes nothing) if any of the files already exists,
    unless ``overwrite=True``; raises ``InvalidInputError`` for a table name that cannot be
    a file name.
    """
    folder = Path(folder)
    paths: dict[str, Path] = {}
    for name in tables:
        if not isinstance(name, str) or not _TABLE_NAME_RE.match(name) or name in (".", ".."):
            raise InvalidInputError(f"table name {name!r} cannot be used as a file name")
        paths[name] = folder / f"{name}.csv"
    if not overwrite:
        existing = [str(p) for p in paths.values() if p.exists()]
        if existing:
            raise FileExistsError(
                f"{existing[0]} already exists; pass overwrite=True to replace it"
                + (f" (and {len(existing) - 1} more)" if len(existing) > 1 else "")
            )
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(
            paths[name],
            index=False,
            date_format="%Y-%m-%d",
            decimal=".",
            encoding="utf-8",
            lineterminator="\n",
            mode="w" if overwrite else "x",
        )
    return list(paths.values())
