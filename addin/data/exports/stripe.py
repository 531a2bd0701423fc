"""Stripe's Dashboard subscriptions export (Billing > Subscriptions > Export) read as
Subscriptions: one row per customer and month, its MRR.

Recognised by the columns ``id``, ``Customer ID``, ``Status``, ``Interval``, ``Amount``,
``Quantity`` and ``Start (UTC)`` (older exports: ``Start Date (UTC)``). Timestamps are taken
as the date written. The rules:

- a subscription counts in month M when on M's last day it has started (Start), any trial
  has ended (Trial End on or before that day), it has not ended (Ended At empty or after that
  day; one whose Status is ``canceled`` with no Ended At ends at Canceled At, while one still
  ``active`` with Cancel At Period End counts until it ends) and its Status is not
  ``incomplete`` or ``incomplete_expired``;
- its MRR is Amount x Quantity per month: ``month`` as is, ``year`` / 12, ``week`` x 52/12,
  ``day`` x 365/12, divided by the interval count where the export has one; Amount is in the
  currency's major units, as the Dashboard writes it;
- a customer's subscriptions in a month add up;
- the months run from the first start to the data's last month: the month of the latest
  event written in the file (Created, Start, Current Period Start, Canceled At, Ended At) not
  after the run's date, or the run's month when there is none.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError
from ..sources.base import RawTable, ReadOptions
from . import Export, ExportRows
from .common import column, dates, number

__all__ = ["PER_MONTH", "STRIPE_SUBSCRIPTIONS", "Spans", "convert_subscriptions", "subscription_spans"]

#: How many times an interval fits in a month.
PER_MONTH = {"month": 1.0, "year": 1 / 12, "week": 52 / 12, "day": 365 / 12}

_START = ("Start (UTC)", "Start Date (UTC)", "Start")
_NOT_COUNTED = ("incomplete", "incomplete_expired")


def _numbers(read: ExportRows, name: str, default: float | None = None) -> np.ndarray:
    values = column(read, name, required=default is None)
    if values is None:
        return np.full(len(read.frame), default)
    numbers = number(values)
    if default is not None:
        numbers = numbers.where(values != "", default)
    bad = numbers.isna()
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{values.iloc[at]!r} in {name} is not a number",
                        file=str(read.files.iloc[at]), row=int(read.rows.iloc[at]))
    return numbers.to_numpy(np.float64)


def monthly_amount(read: ExportRows) -> np.ndarray:
    """Each subscription's MRR: Amount x Quantity per month (see :data:`PER_MONTH`)."""
    interval = column(read, "Interval").str.lower()
    unknown = ~interval.isin(list(PER_MONTH))
    if unknown.any():
        at = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"{interval.iloc[at]!r} in Interval is not an interval "
                        f"({', '.join(PER_MONTH)})", file=str(read.files.iloc[at]),
                        row=int(read.rows.iloc[at]))
    count = _numbers(read, "Interval Count", 1.0) if column(
        read, "Interval Count", required=False) is not None else np.ones(len(interval))
    return (_numbers(read, "Amount") * _numbers(read, "Quantity", 1.0)
            * interval.map(PER_MONTH).to_numpy(np.float64) / np.where(count > 0, count, 1))


@dataclass
class Spans:
    """Each subscription of a Stripe subscriptions export, as the month rule reads it: its
    customer, start and end (NaT: not ended), whether it counts at all, its MRR, and the
    months the data covers with the last day of each."""

    customer: np.ndarray  # object
    start: np.ndarray  # datetime64[ns]
    trial_end: np.ndarray
    end: np.ndarray
    counted: np.ndarray  # bool: started, a countable status, a customer
    mrr: np.ndarray
    months: pd.PeriodIndex
    month_ends: np.ndarray  # datetime64[ns], one per month

    def live(self) -> np.ndarray:
        """Subscriptions x months: on the month's last day, started, out of trial, not ended."""
        day = self.month_ends[None, :]
        return (self.counted[:, None] & (self.start[:, None] <= day)
                & ~(self.trial_end[:, None] > day) & ~(self.end[:, None] <= day))


def subscription_spans(read: ExportRows, today: _dt.date | None = None) -> Spans:
    """The :class:`Spans` of a Stripe subscriptions export (the rules above), the months
    running to the data's last month."""
    today = today or _dt.date.today()
    status = column(read, "Status").str.lower()
    start = dates(read, *_START)
    trial_end = dates(read, "Trial End (UTC)", "Trial End")
    ended = dates(read, "Ended At (UTC)", "Ended At")
    canceled = dates(read, "Canceled At (UTC)", "Canceled At")
    end = ended.where(ended.notna() | (status != "canceled"), canceled)
    mrr = monthly_amount(read)
    customer = column(read, "Customer ID")
    events = pd.concat([start, ended, canceled, dates(read, "Created (UTC)", "Created"),
                        dates(read, "Current Period Start (UTC)", "Current Period Start")])
    events = events[events <= pd.Timestamp(today)]
    last = (events.max() if events.notna().any() else pd.Timestamp(today)).to_period("M")
    counted = start.notna() & ~status.isin(_NOT_COUNTED) & (customer != "")
    first = start[counted].min()
    months = (pd.period_range(first.to_period("M"), last, freq="M")
              if counted.any() and first.to_period("M") <= last else pd.PeriodIndex([], freq="M"))
    return Spans(customer=customer.to_numpy(object), start=start.to_numpy(),
                 trial_end=trial_end.to_numpy(), end=end.to_numpy(), counted=counted.to_numpy(),
                 mrr=mrr, months=months,
                 month_ends=months.to_timestamp(how="end").normalize().to_numpy("datetime64[ns]"))


def convert_subscriptions(read: ExportRows, label: str, options: ReadOptions,
                          today: _dt.date | None = None) -> RawTable:
    """The Subscriptions table of a Stripe subscriptions export (the rules above)."""
    spans = subscription_spans(read, today)
    months = spans.months
    subs, at = np.nonzero(spans.live())  # by subscription, so by row in the file
    # a (customer, month) pair as one integer: adding up needs no text keys
    customers, names = pd.factorize(spans.customer)
    width = max(len(months), 1)
    pair = customers[subs].astype(np.int64) * width + at
    pair, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    mrr = np.bincount(inverse, weights=spans.mrr[subs], minlength=len(pair))
    row = read.rows.to_numpy(np.int64)[subs[first]]  # a pair's first subscription: its lowest row
    month = pair % width
    by_month = np.lexsort((row, month))
    currency = column(read, "Currency", required=False)
    codes = set() if currency is None else set(currency.str.lower().unique()) - {""}
    columns = {
        "customer_id": pd.Series(np.asarray(names, dtype=object)[pair[by_month] // width],
                                 dtype=object),
        "month": pd.Series(months.to_timestamp(how="start").to_numpy("datetime64[ns]")[month[by_month]]),
        "mrr": pd.Series(mrr[by_month].round(6)),
    }
    return RawTable(table="Subscriptions", columns=columns, n=len(pair),
                    rows=row[by_month], file=label, sheet=None,
                    shown={"customer_id": "Customer ID", "month": "Start (UTC)",
                           "mrr": "Amount x Quantity"},
                    stripped=True, text_blanks=True, may_have_errors=False, decimal_hint=".",
                    currency=codes.pop().upper() if len(codes) == 1 else None)


#: Stripe's Dashboard subscriptions export.
STRIPE_SUBSCRIPTIONS = Export(
    name="Stripe subscriptions", table="Subscriptions",
    keys=(("id",), ("Customer ID",), ("Status",), ("Interval",), ("Amount",), ("Quantity",),
          _START),
    convert=convert_subscriptions,
    columns=("Customer ID", "Status", "Interval", "Interval Count", "Amount", "Quantity",
             "Currency", *_START, "Trial End (UTC)", "Trial End", "Ended At (UTC)", "Ended At",
             "Canceled At (UTC)", "Canceled At", "Created (UTC)", "Created",
             "Current Period Start (UTC)", "Current Period Start"),
)
