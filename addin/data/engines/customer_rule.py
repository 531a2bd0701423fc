"""One customer, counted in every table or in none, in the engine that holds the rows: the
rules of :mod:`addin.data.customer_rule` (the file reader's) over the checked tables of
:mod:`.checks`, written once as narwhals expressions for every engine.

- A Customers row whose signup date is blank or unreadable takes the customer's earliest
  date among the rows kept of :data:`~addin.data.schema.SIGNUP_FALLBACK`'s sources
  (:func:`wants_fallback` says whether any row could, :func:`earliest_dates` gives the
  dates to :func:`~.checks.check_frame`).
- A customer whose Customers row is dropped anyway (and kept by no other row) loses their
  rows in every table of :data:`~addin.data.schema.CUSTOMER_TABLES` too
  (:func:`match_customers`, which also counts the rows kept of customers Customers does
  not know, in the same pass over each table).

The reasons are the file reader's, word for word, except one: its reason for the rows of
a dropped customer names the Customers rows (``customer_id dropped from Customers row 7``),
and a database has no row numbers, so here it is :data:`DROPPED_UNNUMBERED` with the same
count of customers (``customer_id dropped from Customers``).
"""

from __future__ import annotations

import narwhals as nw

from ...i18n import Message, counted
from ..schema import (
    CUSTOMER_DROPPED_ELSEWHERE,
    CUSTOMER_TABLES,
    REASONS,
    SIGNUP_FALLBACK,
    UNKNOWN_CUSTOMER,
)
from .checks import FALLBACK_DATE, FALLBACK_KEY, CheckedFrame

__all__ = ["DROPPED_UNNUMBERED", "wants_fallback", "earliest_dates", "match_customers"]

#: The engine's words for :data:`~addin.data.schema.CUSTOMER_DROPPED`, the same but for the
#: Customers rows a database cannot number (``{n}``: the customers).
DROPPED_UNNUMBERED = "q_customer_dropped_unnumbered"

_KEY = SIGNUP_FALLBACK.key
# what each row of a table is to Customers: kept there, dropped there, or (null) unknown
_STATUS, _KNOWN, _GONE = "__retention_status", 0, 1


def wants_fallback(customers: CheckedFrame) -> bool:
    """Whether some Customers row was dropped, for its first problem, because its signup date
    is blank or unreadable: only then can dates from elsewhere change what is kept (a row
    whose first problem is elsewhere stays dropped, and a column mostly unreadable has
    already been refused, as the file reader refuses it before taking any date)."""
    rule = SIGNUP_FALLBACK
    taking = {REASONS[which] for which in rule.problems}
    return any(n and message.key in taking and message.values.get("col") == rule.column
               for message, n in customers.dropped.items())


def earliest_dates(checked: dict[str, CheckedFrame]) -> nw.LazyFrame | None:
    """Each customer's earliest date among the rows kept of the fallback's sources
    (Subscriptions' month, Orders' order date), lazy: :data:`~.checks.FALLBACK_KEY` ->
    :data:`~.checks.FALLBACK_DATE`, one row per customer; None when no source table was
    given."""
    parts = [checked[table].frame.select(nw.col(_KEY).alias(FALLBACK_KEY),
                                         nw.col(column).alias(FALLBACK_DATE))
             for table, column in SIGNUP_FALLBACK.sources if table in checked]
    if not parts:
        return None
    dates = nw.concat(parts, how="vertical") if len(parts) > 1 else parts[0]
    dates = dates.filter(~nw.col(FALLBACK_KEY).is_null() & (nw.col(FALLBACK_KEY) != "")
                         & ~nw.col(FALLBACK_DATE).is_null())
    return dates.group_by(FALLBACK_KEY).agg(nw.col(FALLBACK_DATE).min())


def match_customers(checked: dict[str, CheckedFrame]) -> None:
    """Apply the rule across tables to ``checked`` (changed in place), counted in the engine.

    The rows of :data:`~addin.data.schema.CUSTOMER_TABLES` whose customer's Customers row
    was dropped, and kept by no other Customers row, are dropped under
    :data:`DROPPED_UNNUMBERED` (counting those customers); Customers gets the file reader's
    line for them (:data:`~addin.data.schema.CUSTOMER_DROPPED_ELSEWHERE`, 0 rows), after
    the line of the signup dates taken (:data:`~addin.data.schema.SIGNUP_FALLBACK`). Then
    the rows left whose customer_id is not in Customers are counted
    (:data:`~addin.data.schema.UNKNOWN_CUSTOMER`, 0 rows), as the file reader counts them.
    Nothing happens without Customers.
    """
    customers = checked.get(SIGNUP_FALLBACK.table)
    if customers is None:
        return
    if customers.filled:
        customers.dropped[counted(SIGNUP_FALLBACK.reason, customers.filled)] = 0
    known = customers.frame.select(_KEY)  # one row per customer: repeated ids were dropped
    # a customer's dropped rows are not data when completely empty: their id is blank
    gone = (customers.rejected.select(_KEY)
            .filter(~nw.col(_KEY).is_null() & (nw.col(_KEY) != ""))
            .join(known, on=_KEY, how="anti").unique())
    status = nw.concat([known.with_columns(nw.lit(_KNOWN).alias(_STATUS)),
                        gone.with_columns(nw.lit(_GONE).alias(_STATUS))], how="vertical")
    hit_tables = []
    for table in CUSTOMER_TABLES:
        if table not in checked:
            continue
        done = checked[table]
        # one pass over the table: its rows and customers by what Customers says of them
        # (customers counted as groups: n_unique is not one query on every engine)
        counts = {code: (int(rows), int(who)) for code, rows, who in
                  done.frame.select(_KEY).join(status, on=_KEY, how="left")
                  .group_by(_STATUS, _KEY).agg(nw.len().alias("rows"))
                  .group_by(_STATUS).agg(nw.col("rows").sum(), nw.len().alias("who"))
                  .collect().rows()}
        rows, who = counts.get(_GONE, (0, 0))
        if rows:
            hit_tables.append((done.frame, who))
            done.frame = done.frame.join(gone, on=_KEY, how="anti")
            done.rows_kept -= rows
            done.dropped[counted(DROPPED_UNNUMBERED, who)] = rows
        unknown = counts.get(None, (0, 0))[0]
        if unknown:
            done.dropped[Message(UNKNOWN_CUSTOMER, rows=counted("q_rows", unknown))] = 0
    if not hit_tables:
        return
    if len(hit_tables) == 1:
        affected = hit_tables[0][1]
    else:  # a customer with rows in several tables is one customer: counted again, once
        seen = nw.concat([frame.select(_KEY) for frame, _ in hit_tables], how="vertical")
        affected = int(gone.join(seen, on=_KEY, how="semi").select(nw.len()).collect().item())
    customers.dropped[counted(CUSTOMER_DROPPED_ELSEWHERE, affected)] = 0
