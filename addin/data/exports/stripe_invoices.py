"""Stripe's Dashboard invoices export (Billing > Invoices > Export) read as Invoices, for DSO.

Recognised by the columns ``id``, ``Customer`` (or ``Customer ID``), ``Amount Due``,
``Status`` and ``Date (UTC)`` (or ``Created (UTC)``). Timestamps are taken as the date
written. The rules:

- ``invoice_id`` is ``id`` (``in_...``); ``customer_id`` is ``Customer`` (``cus_...``, the id
  the subscriptions and customers exports use);
- issue date = ``Date (UTC)`` (the invoice's date; ``Created (UTC)`` where there is none);
- due date = ``Due Date (UTC)``; blank (an invoice Stripe charges automatically has none) is
  the issue date: the money is due when the invoice is issued;
- amount = ``Amount Due``, in the currency's major units as the Dashboard writes it (``49.00``);
- paid date = for an invoice whose Status is ``paid``, the date of ``Paid At (UTC)``; where the
  export has no such column or leaves it blank, the due date (a note says how many): paid
  when due; any other Status (``open``, ``uncollectible``) is not paid;
- a ``draft`` invoice (never sent) is dropped as **draft invoice**, a ``void`` one (cancelled
  after it was sent) as **void invoice**: neither was ever owed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...i18n import Message, counted
from ..sources.base import RawTable, ReadOptions
from . import Export, ExportRows
from .common import column, dates

__all__ = ["STRIPE_INVOICES", "convert_invoices"]

_ISSUE = ("Date (UTC)", "Created (UTC)", "Date", "Created")
_CUSTOMER = ("Customer", "Customer ID")


def _iso(days: pd.Series) -> pd.Series:
    """Dates as ISO text for the checks, None where there is none."""
    return pd.Series(days.dt.strftime("%Y-%m-%d").to_numpy(object), dtype=object).where(
        days.notna().to_numpy(), None)


def convert_invoices(read: ExportRows, label: str, options: ReadOptions) -> RawTable:
    """The Invoices table of a Stripe invoices export (the rules above)."""
    status = column(read, "Status").str.lower()
    issue = dates(read, *_ISSUE)
    due = dates(read, "Due Date (UTC)", "Due Date")
    due = due.where(due.notna(), issue)
    paid_at = dates(read, "Paid At (UTC)", "Paid At")
    paid = status == "paid"
    guessed = paid & paid_at.isna() & due.notna()
    paid_date = paid_at.where(paid_at.notna(), due).where(paid)
    if guessed.any():
        read.notes.append(counted("data_paid_when_due", int(guessed.sum()), place=label))
    amount = column(read, "Amount Due")
    dropped = {}
    for state, key in (("draft", "q_draft_invoice"), ("void", "q_void_invoice")):
        if (status == state).any():
            dropped[Message(key)] = (status == state).to_numpy()
    currency = column(read, "Currency", required=False)
    codes = set() if currency is None else {c.lower() for c in currency if c}
    columns = {
        "invoice_id": pd.Series(column(read, "id").to_numpy(object), dtype=object),
        "customer_id": pd.Series(column(read, *_CUSTOMER).to_numpy(object), dtype=object),
        "issue_date": _iso(issue),
        "due_date": _iso(due),
        # an unreadable amount is passed on as written, for the checks to name it
        "amount": pd.Series(amount.to_numpy(object), dtype=object).where(amount.to_numpy() != "", None),
        "paid_date": _iso(paid_date),
    }
    shown = {"invoice_id": "id", "customer_id": "Customer", "issue_date": "Date (UTC)",
             "due_date": "Due Date (UTC)", "amount": "Amount Due", "paid_date": "Paid At (UTC)"}
    return RawTable(table="Invoices", columns=columns, n=len(read.frame),
                    rows=read.rows.to_numpy(np.int64), file=label, sheet=None, shown=shown,
                    stripped=True, text_blanks=True, may_have_errors=False, decimal_hint=".",
                    dropped=dropped or None,
                    currency=codes.pop().upper() if len(codes) == 1 else None)


#: Stripe's Dashboard invoices export.
STRIPE_INVOICES = Export(
    name="Stripe invoices", table="Invoices",
    keys=(("id",), _CUSTOMER, ("Amount Due",), ("Status",), _ISSUE[:2]),
    convert=convert_invoices,
    columns=("id", *_CUSTOMER, *_ISSUE, "Status", "Due Date (UTC)", "Due Date", "Paid At (UTC)",
             "Paid At", "Amount Due", "Currency"),
)
