"""Shopify's orders export (Orders > Export, ``orders_export_1.csv``) read as Orders.

Recognised by the columns ``Name``, ``Email``, ``Financial Status``, ``Created at``,
``Lineitem quantity`` and ``Total``. The rules:

- one order is the rows sharing ``Name`` (the first row holds the order's fields, later rows
  only line items); ``order_id`` is ``Name``;
- customer = ``Email`` trimmed and lower-cased;
- order date = the date written in ``Created at`` (its time and zone are dropped);
- amount = ``Total`` - ``Refunded Amount`` (blank: nothing refunded);
- units = the sum of ``Lineitem quantity`` over the order's rows;
- an order with ``Cancelled at`` filled is dropped, counted as ``cancelled order``;
- returned units are not in this export: Orders has no ``units_returned`` column, and the
  return rate says it needs that column (a blank read as 0 would show a 0 % return rate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...i18n import Message
from ..sources.base import RawTable, ReadOptions
from . import Export, ExportRows
from .common import column, date_part, number

__all__ = ["SHOPIFY_ORDERS", "convert_orders"]


def convert_orders(read: ExportRows, label: str, options: ReadOptions) -> RawTable:
    """The Orders table of a Shopify orders export (the rules above)."""
    names = column(read, "Name")
    first = ~names.duplicated() & (names != "")
    quantity = number(column(read, "Lineitem quantity")).fillna(0)
    units = quantity.groupby(names.to_numpy(), sort=False).transform("sum")  # each row: its order's
    orders = read.frame.loc[first]
    name = names[first]
    total_text = column(read, "Total")[first]
    total = number(total_text)
    refunded_col = column(read, "Refunded Amount", required=False)
    refunded = number(refunded_col[first]).fillna(0) if refunded_col is not None else 0.0
    # an unreadable Total is passed on as written, for the checks to name it
    amount = (total - refunded).round(2)
    if (total.isna() & (total_text != "")).any():
        amount = pd.Series(np.where(total.notna(), amount, total_text),
                           index=orders.index, dtype=object).where(total_text != "", None)
    cancelled = column(read, "Cancelled at", required=False)
    dropped = None
    if cancelled is not None and (cancelled[first] != "").any():
        dropped = {Message("q_cancelled"): (cancelled[first] != "").to_numpy()}
    currency = column(read, "Currency", required=False)
    codes = set() if currency is None else set(currency[first].str.upper().unique()) - {""}
    order_date = date_part(column(read, "Created at")[first])
    columns = {
        "order_id": name.reset_index(drop=True).astype(object),
        "customer_id": column(read, "Email")[first].str.lower().reset_index(drop=True).astype(object),
        "order_date": order_date.where(order_date != "", None).reset_index(drop=True).astype(object),
        "amount": amount.reset_index(drop=True),
        "units": units[first].reset_index(drop=True),
        "units_returned": None,  # not in the export: the column is absent
    }
    shown = {"order_id": "Name", "customer_id": "Email", "order_date": "Created at",
             "amount": "Total - Refunded Amount", "units": "Lineitem quantity"}
    return RawTable(table="Orders", columns=columns, n=len(name),
                    rows=read.rows[first].to_numpy(np.int64), file=label, sheet=None,
                    shown=shown, stripped=True, text_blanks=True, may_have_errors=False,
                    decimal_hint=".", dropped=dropped,
                    currency=codes.pop() if len(codes) == 1 else None)


#: Shopify's orders export.
SHOPIFY_ORDERS = Export(
    name="Shopify orders", table="Orders",
    keys=(("Name",), ("Email",), ("Financial Status",), ("Created at",), ("Lineitem quantity",),
          ("Total",)),
    convert=convert_orders,
    columns=("Name", "Email", "Created at", "Lineitem quantity", "Total", "Refunded Amount",
             "Cancelled at", "Currency"),
)
