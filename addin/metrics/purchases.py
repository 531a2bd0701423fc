"""Order lists: repeat purchase ratio, loyal customer rate and time between purchases.

An order list has one row per order with the customer's id (and the order date for time
between purchases). Blank rows are skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _inputs as v
from .customers import loyal_customer_rate, repeat_purchase_ratio


@dataclass(frozen=True)
class RepeatCustomers:
    """Customers of an order list: how many, how many ordered twice or more, blanks skipped."""

    repeat: int
    total: int
    skipped: int = 0


def count_repeat_customers(customer_ids) -> RepeatCustomers:
    """Count the distinct customers of an order list and those with two or more orders."""
    array = v.flat("customer_ids", customer_ids)
    v.require_rows("customer_ids", array)
    codes, uniques = v.id_codes(array)
    orders = np.bincount(codes[codes >= 0].astype(np.intp), minlength=len(uniques))
    return RepeatCustomers(int((orders >= 2).sum()), int((orders > 0).sum()), int((codes < 0).sum()))


def repeat_purchase_ratio_from_orders(customer_ids) -> float:
    """Repeat purchase ratio of an order list: customers with 2+ orders / customers.

    RPR = returning customers / total customers (guide 004), counted on the customer id of
    each order (one row per order; blanks skipped).
    """
    tally = count_repeat_customers(customer_ids)
    return repeat_purchase_ratio(tally.repeat, tally.total)


def loyal_customer_rate_from_orders(customer_ids) -> float:
    """Loyal customer rate of an order list: customers who bought more than once / customers.

    loyal rate = repeat customers / total customers in the period (guide 004); give the
    period's customers' orders (all their orders up to the period end).
    """
    tally = count_repeat_customers(customer_ids)
    return loyal_customer_rate(tally.repeat, tally.total)


def purchase_gaps(customer_ids, purchase_dates) -> pd.Series:
    """Each repeat customer's average gap between consecutive purchases, in days.

    Purchases of one customer on the same day count as one; dates need not be sorted.
    One-time buyers are left out. The mean of consecutive gaps is (last − first) / (purchase
    days − 1), which is how it is computed. ``attrs["skipped"]`` counts blank rows and
    ``attrs["one_time_buyers"]`` the customers left out.
    """
    codes, uniques, days, _, skipped = v.id_date_rows(
        "customer_ids", customer_ids, "purchase_dates", purchase_dates
    )
    day_numbers = days.astype(np.int64)
    if len(day_numbers):
        span = int(day_numbers.max() - day_numbers.min()) + 1
        keys = v.unique_sorted(codes * span + (day_numbers - day_numbers.min()))
        customer = keys // span
        day = keys % span
    else:
        customer = day = np.array([], dtype=np.int64)
    purchase_days = np.bincount(customer.astype(np.intp), minlength=len(uniques))
    starts = np.r_[0, np.cumsum(purchase_days)[:-1]]
    repeat = purchase_days >= 2
    first = day[starts[repeat]]
    last = day[starts[repeat] + purchase_days[repeat] - 1]
    gaps = pd.Series(
        _average_gaps(first, last, purchase_days[repeat]),
        index=pd.Index(uniques[repeat], name="customer_id"),
        name="average_gap_days",
    )
    gaps.attrs["skipped"] = skipped
    gaps.attrs["one_time_buyers"] = int((purchase_days == 1).sum())
    return gaps


def _average_gaps(first, last, purchase_days) -> np.ndarray:
    """Each customer's average gap between consecutive purchase days: (last − first) /
    (purchase days − 1); give only customers with two purchase days or more."""
    return (last - first) / (purchase_days - 1)


def time_between_purchases_from_spans(first_days, last_days, purchase_days) -> float:
    """Time between purchases, in days, from each customer's first and last purchase day
    and their number of distinct purchase days (what a database reduces orders to).

    The same number as :func:`time_between_purchases` on the orders: per repeat customer
    (two purchase days or more) (last − first) / (purchase days − 1), averaged over the
    repeat customers; one-time buyers are left out; no repeat customer is undefined. Days
    are day numbers or dates, one row per customer.
    """
    first = np.asarray(first_days).astype("datetime64[D]").astype(np.int64)
    last = np.asarray(last_days).astype("datetime64[D]").astype(np.int64)
    count = np.asarray(purchase_days, dtype=np.int64)
    v.same_length(("first_days", "last_days", "purchase_days"), (first, last, count))
    repeat = count >= 2
    gaps = _average_gaps(first[repeat], last[repeat], count[repeat])
    return v.divide(float(gaps.sum()), len(gaps), "the number of repeat customers")


def time_between_purchases(customer_ids, purchase_dates) -> float:
    """Time between purchases, in days, the way guide 004 computes it.

    Per customer, the average gap between consecutive purchases (7 then 14 days → 10.5);
    overall, the sum of the repeat customers' average gaps / the number of repeat customers.
    One-time buyers are excluded; no repeat customer at all is undefined.
    """
    gaps = purchase_gaps(customer_ids, purchase_dates)
    return v.divide(float(gaps.sum()), len(gaps), "the number of repeat customers")
