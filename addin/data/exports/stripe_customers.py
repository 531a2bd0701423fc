"""Stripe's Dashboard customers export (Customers > Export) read as Customers.

Recognised by the columns ``id``, ``Email``, ``Created (UTC)`` and ``Delinquent``. The
customers export says who the customers are, not when they paid: their dates come from the
Stripe subscriptions export of the same run (:attr:`Export.needs`), read with its month rule
(:mod:`.stripe`), joined on the customer's id (``id`` here, ``Customer ID`` there, both
``cus_...``). The rules:

- ``customer_id`` is ``id``; ``name`` is ``Name``; there is no segment;
- signup date = the first day of the first month the customer paid (a month in which one of
  their subscriptions counts with an MRR above 0): ``Created (UTC)`` is when the record was
  made, often long before a first payment;
- churn date = when none of their subscriptions is still running at the data's end (the last
  day of the subscriptions' last month), the latest day one of them ended; otherwise blank;
- a customer who never paid (only trials, free plans, incomplete payments, or no subscription
  at all) is no customer: the row is dropped as **never paid**.

Without the subscriptions export the file is refused, saying so: ``Created (UTC)`` as the
signup date and no churn date would count every free sign-up as a customer kept for ever.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError
from ...i18n import Message
from ..sources.base import RawTable, ReadOptions
from . import Export, ExportRows
from .common import column
from .stripe import STRIPE_SUBSCRIPTIONS, subscription_spans

__all__ = ["STRIPE_CUSTOMERS", "convert_customers"]


def customer_dates(subscriptions: ExportRows) -> tuple[pd.Series, pd.Series]:
    """From a Stripe subscriptions export: each paying customer's signup date (the first day
    of their first paid month) and churn date (NaT while a subscription still runs at the
    data's end), both indexed by customer id."""
    spans = subscription_spans(subscriptions)
    if not len(spans.months):  # no subscription counts in any month: nobody paid
        nobody = pd.Series([], index=pd.Index([], dtype=object), dtype="datetime64[ns]")
        return nobody, nobody
    live = spans.live() & (spans.mrr > 0)[:, None]
    paid = live.any(axis=1)
    first = pd.Series(live.argmax(axis=1)[paid]).groupby(spans.customer[paid]).min()
    signup = pd.Series(spans.months.to_timestamp(how="start")[first.to_numpy()], index=first.index)
    # a subscription still runs at the data's end when it counts and has not ended by then
    running = spans.counted & ~(spans.end <= spans.month_ends[-1])
    counted = pd.DataFrame({"customer": spans.customer[spans.counted],
                            "end": spans.end[spans.counted],
                            "running": running[spans.counted]}).groupby("customer")
    ended = counted["end"].max().where(~counted["running"].any())
    return signup, ended.reindex(signup.index)


def convert_customers(read: ExportRows, label: str, options: ReadOptions) -> RawTable:
    """The Customers table of a Stripe customers export (the rules above)."""
    subscriptions = read.given.get(STRIPE_SUBSCRIPTIONS.name)
    if subscriptions is None:
        raise DataError("this is a Stripe customers export: its customers' signup and churn "
                        "dates come from the Stripe subscriptions export, which was not given; "
                        "give the subscriptions export too (the two files in one folder)",
                        file=label)
    signup, churn = customer_dates(subscriptions)
    ids = column(read, "id")
    never_paid = (ids != "") & ~ids.isin(signup.index)
    if never_paid.any() and never_paid.sum() == (ids != "").sum():
        raise DataError(f"none of its {int(never_paid.sum()):,} customers ever paid, by the Stripe "
                        f"subscriptions export ({', '.join(subscriptions.files.unique())}): no "
                        "subscription of theirs counts in any month (only trials, free plans or "
                        "incomplete payments); check that the two exports are of one account",
                        file=label)
    name = column(read, "Name", required=False)

    def iso(dates: pd.Series) -> pd.Series:
        day = ids.map(dates.dt.strftime("%Y-%m-%d"))
        return pd.Series(day.to_numpy(object), dtype=object).where(day.notna().to_numpy(), None)

    columns = {
        "customer_id": pd.Series(ids.to_numpy(object), dtype=object),
        "name": None if name is None else pd.Series(name.to_numpy(object), dtype=object),
        "segment": None,
        "signup_date": iso(signup),
        "churn_date": iso(churn),
    }
    return RawTable(table="Customers", columns=columns, n=len(ids),
                    rows=read.rows.to_numpy(np.int64), file=label, sheet=None,
                    shown={"customer_id": "id", "name": "Name",
                           "signup_date": "first paid month (subscriptions export)",
                           "churn_date": "last subscription's end (subscriptions export)"},
                    stripped=True, text_blanks=True, may_have_errors=False, decimal_hint=".",
                    dropped={Message("q_never_paid"): never_paid.to_numpy()} if never_paid.any() else None)


#: Stripe's Dashboard customers export.
STRIPE_CUSTOMERS = Export(
    name="Stripe customers", table="Customers",
    keys=(("id",), ("Email",), ("Created (UTC)", "Created"), ("Delinquent",)),
    convert=convert_customers,
    needs=(STRIPE_SUBSCRIPTIONS.name,),
    columns=("id", "Name"),
)
