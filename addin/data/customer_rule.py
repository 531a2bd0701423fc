"""One customer, counted in every table or in none: the rules across Customers and the tables
that name its customers.

The report counts customers from Customers and MRR, orders, answers and invoices from the
other tables. A Customers row dropped while its customer's other rows were kept left the
customer half counted (ARPA divided by 5 paying accounts while the report showed 4
customers). So, after each table is checked (:mod:`addin.data.rules`):

- a Customers row whose signup date is blank or unreadable takes it from the customer's
  first subscribed month or first order (:data:`~addin.data.schema.SIGNUP_FALLBACK`:
  :func:`earliest_dates` gives :func:`~addin.data.rules.check_table` those dates);
- a customer whose Customers row is dropped anyway loses their rows in every table of
  :data:`~addin.data.schema.CUSTOMER_TABLES` too (:func:`drop_with_customers`), under a
  reason naming the Customers rows (``customer_id dropped from Customers row 7``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import Message, counted
from .rules import FIRST_ROWS, CheckedTable
from .schema import CUSTOMER_DROPPED, CUSTOMER_DROPPED_ELSEWHERE, CUSTOMER_TABLES, SIGNUP_FALLBACK
from .sources.base import RawTable

__all__ = ["earliest_dates", "drop_with_customers", "filled_flag"]


def earliest_dates(checked: dict[str, CheckedTable]) -> pd.Series | None:
    """Each customer's earliest date among the rows kept of the fallback's sources
    (Subscriptions' month, Orders' order date): customer id -> date; None when no source
    table was given."""
    rule = SIGNUP_FALLBACK
    parts = []
    for table, column in rule.sources:
        if table in checked:
            done = checked[table]
            parts.append(pd.DataFrame({
                "id": done.values[rule.key][done.keep],
                "date": done.values[column][done.keep].astype("datetime64[ns]"),
            }))
    if not parts:
        return None
    dates = pd.concat(parts, ignore_index=True)
    dates = dates[(dates["id"] != "") & dates["date"].notna()]
    return dates.groupby("id", sort=False)["date"].min()


def filled_flag(customers: CheckedTable, raw: RawTable) -> tuple[Message, tuple[int, ...]] | None:
    """The quality account's line for the Customers rows kept with a signup date taken from
    elsewhere (``2 signup dates taken from the first subscription or order``) and their
    first rows; None when there are none."""
    if customers.filled is None or not customers.filled.any():
        return None
    at = np.flatnonzero(customers.filled)
    first = tuple(int(r) for r in raw.rows[at[:FIRST_ROWS]])
    return counted(SIGNUP_FALLBACK.reason, len(at)), first


def drop_with_customers(checked: dict[str, CheckedTable],
                        raws: dict[str, RawTable]) -> tuple[Message, tuple[int, ...]] | None:
    """Drop the rows of :data:`~addin.data.schema.CUSTOMER_TABLES` whose customer's
    Customers row was dropped and kept by no other Customers row (a duplicate row dropped
    leaves the first one), counted under ``customer_id dropped from Customers row 7``:
    ``checked`` is changed in place. Returns the Customers table's line for the quality
    account (``1 customer dropped here: their rows in other tables dropped too``) and the
    Customers rows of those customers; None when no other row was dropped (or without
    Customers)."""
    customers = checked.get("Customers")
    if customers is None:
        return None
    ids = customers.values["customer_id"]
    kept = set(ids[customers.keep])
    gone = np.flatnonzero(~customers.keep & (ids != "") & ~pd.Series(ids, dtype=object).isin(kept).to_numpy())
    if not len(gone):
        return None
    # a customer's first dropped Customers row names them (completely empty rows are not
    # dropped, they are not data: their id is blank and they are left out above)
    named = pd.Series(raws["Customers"].rows[gone], index=ids[gone], dtype=np.int64)
    named = named[~named.index.duplicated()]
    affected: set[str] = set()
    for table in CUSTOMER_TABLES:
        if table not in checked:
            continue
        done = checked[table]
        hit = done.keep & pd.Series(done.values["customer_id"], dtype=object).isin(named.index).to_numpy()
        if not hit.any():
            continue
        done.keep = done.keep & ~hit
        who = pd.unique(done.values["customer_id"][hit])
        affected.update(who)
        whose = np.sort(named[who].to_numpy())
        rows = ", ".join(str(int(r)) for r in whose[:FIRST_ROWS]) + (", ..." if len(whose) > FIRST_ROWS else "")
        reason = counted(CUSTOMER_DROPPED, len(whose), rows=rows)
        done.dropped[reason] = int(hit.sum())
        done.first_rows[reason] = tuple(int(r) for r in raws[table].rows[np.flatnonzero(hit)[:FIRST_ROWS]])
    if not affected:
        return None
    rows = np.sort(named[list(affected)].to_numpy())
    return counted(CUSTOMER_DROPPED_ELSEWHERE, len(rows)), tuple(int(r) for r in rows[:FIRST_ROWS])
