"""The facts every report KPI needs, reduced from the rows once, on whatever engine holds them.

However many rows the data has, the report counts only per-customer and
per-customer-per-month facts (first and last order, orders and their sum, MRR per month,
answers per month...): they are bounded by customers × months. :func:`reduce_tables` writes
that reduction once, with narwhals expressions, so the same code runs on pandas (small
data, the Refresh button, xlwings Lite), DuckDB (the embedded engine), PySpark and ibis
(PostgreSQL and the other ibis backends). Its result, :class:`Facts`, is small pandas
DataFrames whatever engine ran, their rows sorted by their keys (:data:`MONTH_FIRST`).

The facts are declared as data in :data:`FACTS` (fact -> column -> kind), like the tables
in :mod:`addin.data.schema`; :data:`SOURCES` says which table each is reduced from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["FACTS", "SOURCES", "BOUND_COLUMNS", "MONTHLY_TABLES", "MONTH_FIRST", "Facts",
           "reduce_tables", "typed_frames"]

#: Every fact: fact -> column -> kind. Kinds: ``id`` and ``text`` (text), ``day`` (a date at
#: midnight), ``month`` (the 1st of a month), ``money`` (a float sum), ``count`` (an int).
FACTS: dict[str, dict[str, str]] = {
    # one row per customer, as given
    "customers": {"customer_id": "id", "name": "text", "segment": "text",
                  "signup_date": "day", "churn_date": "day"},
    # one row per customer and month: MRR summed
    "subscriptions": {"customer_id": "id", "month": "month", "mrr": "money"},
    # one row per customer and month. orders: rows; days: distinct order days; first_day /
    # last_day: the first and last of them; amount, units, units_returned: sums (NaN when
    # the column is absent); refunds: orders with a negative amount. The sale_ columns count
    # only the orders with an amount of 0 or more (what the CLV model fits). Without an
    # amount column the sums are NaN and no order is a sale: distinct days,
    # first and last of them, the amount summed over the first one, and their amount.
    "orders": {"customer_id": "id", "month": "month", "orders": "count", "days": "count",
               "first_day": "day", "last_day": "day", "amount": "money", "units": "money",
               "units_returned": "money", "refunds": "count", "sale_days": "count",
               "first_sale_day": "day", "last_sale_day": "day",
               "first_sale_day_amount": "money", "sale_amount": "money"},
    # one row per customer, month and score: the answers
    "nps": {"customer_id": "id", "month": "month", "score": "count", "answers": "count"},
    # one row per customer, month issued, due date (the issue date when blank) and month
    # paid (NaT: not paid): the invoices and their amount
    "invoices": {"customer_id": "id", "issue_month": "month", "due_date": "day",
                 "paid_month": "month", "invoices": "count", "amount": "money"},
    # one row per user and day active
    "activity": {"user_id": "id", "date": "day"},
    # one row per month: the spend summed
    "costs": {"month": "month", "retention_spend": "money"},
}

#: The facts whose rows come sorted by month first (then by customer), not customer first.
MONTH_FIRST = ("orders", "nps")

#: The table each fact is reduced from.
SOURCES: dict[str, str] = {
    "customers": "Customers", "subscriptions": "Subscriptions", "orders": "Orders",
    "nps": "NPS", "invoices": "Invoices", "activity": "Activity", "costs": "Costs",
}

#: The dates whose first and last make a table's extent (:attr:`Facts.bounds`), and the
#: columns a row needs to count (a row without them is in no fact either).
BOUND_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Customers": (("signup_date", "churn_date"), ("signup_date",)),
    "Subscriptions": (("month",), ("customer_id", "month", "mrr")),
    "Orders": (("order_date",), ("customer_id", "order_date")),
    "NPS": (("date",), ("date",)),
    "Invoices": (("issue_date", "paid_date"), ("issue_date", "amount")),
    "Activity": (("date",), ("user_id", "date")),
    "Costs": (("month",), ("month", "retention_spend")),
}

#: Tables that say only months: their extent ends with their last month's last day.
MONTHLY_TABLES = ("Subscriptions", "Costs")


@dataclass
class Facts:
    """The reduced data: one small pandas DataFrame per fact of :data:`FACTS`.

    A fact is None when its table was not given. ``absent``: fact -> the optional columns
    its table lacked (their fact columns are NaN, or blank text). ``bounds``: table -> (first,
    last) date of its rows (:data:`BOUND_COLUMNS`), computed on the whole data -- a segment
    never moves the report's extent; a table without a dated row has none. ``rows``: table
    -> rows given.
    """

    customers: pd.DataFrame | None = None
    subscriptions: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    nps: pd.DataFrame | None = None
    invoices: pd.DataFrame | None = None
    activity: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bounds: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def tables(self) -> list[str]:
        """The tables given, in the order of :data:`SOURCES`."""
        return [table for fact, table in SOURCES.items() if getattr(self, fact) is not None]

    def has(self, column: str, fact: str) -> bool:
        """Whether the table of ``fact`` gave ``column`` (an optional column may be absent)."""
        return getattr(self, fact) is not None and column not in self.absent.get(fact, ())


# ---------------------------------------------------------------------------- the reduction


def reduce_tables(tables: Mapping[str, object]) -> Facts:
    """Reduce the retention tables to the report's :class:`Facts`, on the tables' own engine.

    ``tables``: table name (``"Customers"``, ``"Subscriptions"``, ``"Orders"``, ``"NPS"``,
    ``"Invoices"``, ``"Activity"``, ``"Costs"``; others are ignored) -> a frame narwhals
    accepts: a pandas DataFrame, a DuckDB relation, an ibis Table, a PySpark DataFrame (or a
    polars one). The contract of each frame:

    - columns named as in :data:`addin.data.schema.TABLES`; the optional ones (Customers'
      ``name``, ``segment``, ``churn_date``; Orders' ``amount``, ``units``, ``units_returned``;
      Invoices' ``paid_date``, ``due_date``) may be absent, every other is required;
    - already typed and checked: ids and text as strings, dates and months as dates or
      datetimes (a time of day is ignored; months may be any day of the month), money as
      floats, counts and scores as integers; a blank is null (NaN/NaT in pandas);
    - rows as the data gives them: repeated Subscriptions months of a customer add up, a
      row without its key date (or a Subscriptions row without mrr, an Invoices row without
      amount) counts in no fact and no bound.

    The engine runs one grouped query per table and hands back the facts only (customers ×
    months rows), collected into pandas. Raises KeyError naming a missing required column.
    """
    import narwhals as nw

    facts = Facts()
    for fact, table in SOURCES.items():
        if table not in tables or tables[table] is None:
            continue
        frame = nw.from_native(tables[table])
        if isinstance(frame, nw.DataFrame):
            frame = frame.lazy()
        present = set(frame.collect_schema().names())
        if frame.implementation is nw.Implementation.PANDAS:
            reduced, absent = _REDUCERS[fact](nw, frame, present)
            collected = _collected(reduced)
        else:
            parts = []
            for part in _spans(nw, frame, fact, present):
                reduced, absent = _REDUCERS[fact](nw, part, present)
                # sorted where the rows are: an engine sorts in parallel, pandas sorting text
                # ids after collection took a third of the reduction at 10 million orders
                parts.append(_collected(reduced.sort(*_keys(fact), nulls_last=True)))
            collected = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        setattr(facts, fact, _normalised(fact, collected))
        if absent:
            facts.absent[fact] = absent
        first, last, rows = _bounds(nw, frame, table, present)
        facts.rows[table] = rows
        if first is not None and not pd.isna(first):
            facts.bounds[table] = (first, last)
    return facts


#: Orders reduced at a time by an engine: more are reduced a span of whole months at a time.
#: A customer's days and months never cross a month's end, so the spans' facts are the
#: facts; the engine's groupings per customer and day then fit in its memory (at 100 million
#: orders, reduced at once, they did not fit in DuckDB's 1 GB even with its disk).
ORDERS_AT_A_TIME = 2_000_000


def _spans(nw, frame, fact: str, present: set[str]) -> list:
    """``frame``, or (Orders of more than :data:`ORDERS_AT_A_TIME` rows) its rows in spans
    of whole months, in month order: the order facts are sorted month first
    (:data:`MONTH_FIRST`), so the spans' facts one after the other are in order too. Rows
    without a date are in no span (they are in no fact either)."""
    if fact != "orders" or "order_date" not in present:
        return [frame]
    month = _month(nw, "order_date").alias("month")
    counts = _collected(frame.filter(~nw.col("order_date").is_null()).select(month)
                        .group_by("month").agg(nw.len().alias("rows")).sort("month"))
    if counts["rows"].sum() <= ORDERS_AT_A_TIME:
        return [frame]
    months = [_naive(m).date() for m in counts["month"]]
    spans, rows, start = [], 0, months[0]
    for first, n in zip(months, counts["rows"]):
        if rows and rows + n > ORDERS_AT_A_TIME:
            spans.append((start, first))
            start, rows = first, 0
        rows += int(n)
    spans.append((start, None))
    date = nw.col("order_date")
    return [frame.filter(date >= nw.lit(lo), *([date < nw.lit(hi)] if hi else []))
            for lo, hi in spans]


def _collected(frame) -> pd.DataFrame:
    """A lazy narwhals frame computed and handed back as pandas."""
    import narwhals as nw

    done = frame.collect()
    if done.implementation is nw.Implementation.PYARROW:
        # dates straight into datetime64[ns] columns, not one Python date object per value
        # nor a second conversion; a block per column, not copied into one block per dtype
        return done.to_native().to_pandas(date_as_object=False, coerce_temporal_nanoseconds=True,
                                          split_blocks=True)
    return done.to_pandas()


def _require(table: str, present: set[str], *columns: str) -> None:
    missing = [c for c in columns if c not in present]
    if missing:
        raise KeyError(f"the {table} table has no {', '.join(missing)} column")


def _day(nw, column: str):
    return nw.col(column).dt.truncate("1d")


def _month(nw, column: str):
    return nw.col(column).dt.truncate("1mo")


def _customers(nw, frame, present):
    _require("Customers", present, "customer_id", "signup_date")
    absent = tuple(c for c in ("name", "segment", "churn_date") if c not in present)
    columns = [nw.col("customer_id"), _day(nw, "signup_date").alias("signup_date")]
    if "name" in present:
        columns.append(nw.col("name"))
    if "segment" in present:
        columns.append(nw.col("segment"))
    if "churn_date" in present:
        columns.append(_day(nw, "churn_date").alias("churn_date"))
    return frame.select(*columns), absent


def _subscriptions(nw, frame, present):
    _require("Subscriptions", present, "customer_id", "month", "mrr")
    return (frame.filter(~nw.col("customer_id").is_null(), ~nw.col("month").is_null(),
                         ~nw.col("mrr").is_null())
            .with_columns(_month(nw, "month").alias("month"))
            .group_by("customer_id", "month").agg(nw.col("mrr").sum())), ()


def _orders(nw, frame, present):
    _require("Orders", present, "customer_id", "order_date")
    absent = tuple(c for c in ("amount", "units", "units_returned") if c not in present)
    counted = [c for c in ("units", "units_returned") if c in present]
    if "amount" not in present:  # no money: orders still count (repeat customers, gaps)
        frame = frame.with_columns(nw.lit(None, dtype=nw.Float64()).alias("amount"))
    sale = nw.col("amount") >= 0
    # counts are summed as floats (exact far beyond any count of orders): an engine sums
    # integers into 128-bit or decimal numbers, about a second more of this reduction at
    # 10 million orders in DuckDB
    one, zero = nw.lit(1.0, nw.Float64), nw.lit(0.0, nw.Float64)
    # one row per customer and day first: the CLV model's transaction is a customer's day
    daily = (frame.filter(~nw.col("customer_id").is_null(), ~nw.col("order_date").is_null())
             .with_columns(_day(nw, "order_date").alias("day"),
                           nw.when(sale).then(nw.col("amount")).otherwise(zero).alias("sale_amount"),
                           nw.when(sale).then(one).otherwise(zero).alias("sales"),
                           nw.when(nw.col("amount") < 0).then(one).otherwise(zero).alias("refunds"),
                           one.alias("order"),
                           *(nw.col(c).cast(nw.Float64) for c in counted))
             .group_by("customer_id", "day")
             .agg(nw.col("order").sum().alias("orders"), nw.col("amount").sum(),
                  *(nw.col(c).sum() for c in counted),
                  nw.col("sale_amount").sum(), nw.col("sales").sum(), nw.col("refunds").sum())
             .with_columns(_month(nw, "day").alias("month"),
                           nw.when(nw.col("sales") > 0).then(nw.col("day")).alias("sale_day")))
    monthly = (daily.group_by("customer_id", "month")
               .agg(nw.col("orders").sum(), nw.len().alias("days"),
                    nw.col("day").min().alias("first_day"), nw.col("day").max().alias("last_day"),
                    nw.col("amount").sum(), *(nw.col(c).sum() for c in counted),
                    nw.col("refunds").sum(), nw.col("sales").sum().alias("sale_orders"),
                    nw.col("sale_day").count().alias("sale_days"),
                    nw.col("sale_day").min().alias("first_sale_day"),
                    nw.col("sale_day").max().alias("last_sale_day"),
                    nw.col("sale_amount").sum()))
    first_sale = daily.filter(nw.col("sales") > 0).select(
        "customer_id", nw.col("day").alias("first_sale_day"),
        nw.col("sale_amount").alias("first_sale_day_amount"))
    # sums of whole numbers come back from DuckDB and PostgreSQL as wide decimals: typed in
    # the engine, so pandas gets numbers rather than one Python object per value
    return (monthly.join(first_sale, on=["customer_id", "first_sale_day"], how="left")
            .drop("sale_orders")
            .with_columns(nw.col("orders", "refunds").cast(nw.Int64),
                          *(nw.col(c).cast(nw.Float64) for c in counted))), absent


def _nps(nw, frame, present):
    _require("NPS", present, "customer_id", "date", "score")
    return (frame.filter(~nw.col("date").is_null(), ~nw.col("score").is_null())
            .with_columns(_month(nw, "date").alias("month"))
            .group_by("customer_id", "month", "score").agg(nw.len().alias("answers"))), ()


def _invoices(nw, frame, present):
    _require("Invoices", present, "customer_id", "issue_date", "amount")
    absent = tuple(c for c in ("due_date", "paid_date") if c not in present)
    issue = _day(nw, "issue_date")
    due = (nw.coalesce(_day(nw, "due_date"), issue) if "due_date" in present else issue)
    paid = (_month(nw, "paid_date") if "paid_date" in present
            else nw.lit(None, dtype=nw.Datetime()))
    return (frame.filter(~nw.col("issue_date").is_null(), ~nw.col("amount").is_null())
            .with_columns(_month(nw, "issue_date").alias("issue_month"), due.alias("due_date"),
                          paid.alias("paid_month"))
            .group_by("customer_id", "issue_month", "due_date", "paid_month")
            .agg(nw.len().alias("invoices"), nw.col("amount").sum())), absent


def _activity(nw, frame, present):
    _require("Activity", present, "user_id", "date")
    return (frame.filter(~nw.col("user_id").is_null(), ~nw.col("date").is_null())
            .select("user_id", _day(nw, "date").alias("date")).unique()), ()


def _costs(nw, frame, present):
    _require("Costs", present, "month", "retention_spend")
    return (frame.filter(~nw.col("month").is_null(), ~nw.col("retention_spend").is_null())
            .with_columns(_month(nw, "month").alias("month"))
            .group_by("month").agg(nw.col("retention_spend").sum())), ()


_REDUCERS = {"customers": _customers, "subscriptions": _subscriptions, "orders": _orders,
             "nps": _nps, "invoices": _invoices, "activity": _activity, "costs": _costs}


def _bounds(nw, frame, table: str, present: set[str]):
    """(first date, last date, rows) of a table: the dates of :data:`BOUND_COLUMNS`, over
    the rows that have what a fact needs."""
    dates, needed = BOUND_COLUMNS[table]
    dates = [c for c in dates if c in present]
    rows = frame.select(nw.len().alias("rows"))
    kept = frame.filter(*(~nw.col(c).is_null() for c in needed if c in present))
    ends = kept.select(*(nw.col(c).min().alias(f"{c}_first") for c in dates),
                       *(nw.col(c).max().alias(f"{c}_last") for c in dates))
    counted = int(_collected(rows)["rows"].iloc[0])
    values = _collected(ends).iloc[0]
    firsts = [_naive(values[f"{c}_first"]) for c in dates if pd.notna(values[f"{c}_first"])]
    lasts = [_naive(values[f"{c}_last"]) for c in dates if pd.notna(values[f"{c}_last"])]
    if not firsts:
        return None, None, counted
    return min(firsts).floor("D"), max(lasts).floor("D"), counted


def _naive(value) -> pd.Timestamp:
    """A date as a Timestamp without a time zone (Spark hands back its session's)."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _normalised(fact: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A collected fact in the dtypes of its kinds, its columns in :data:`FACTS` order and
    its rows sorted by its keys: the same frame whichever engine ran. A column already in
    its dtype is taken as it is, not copied (at 10 million orders each copy of the facts was
    about a second, most of it the machine handing out fresh memory)."""
    columns = {}
    for column, kind in FACTS[fact].items():
        values = frame[column] if column in frame else None
        if kind in ("id", "text"):
            if values is None:
                values = pd.Series("" if kind == "text" else None, index=frame.index,
                                   dtype=object)
            textual = values.dtype == object or isinstance(values.dtype, pd.StringDtype)
            columns[column] = values if textual else values.astype(object)
        elif kind in ("day", "month"):
            if values is None:
                values = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            if values.dtype != "datetime64[ns]":
                values = pd.to_datetime(values)
                if getattr(values.dt, "tz", None) is not None:
                    values = values.dt.tz_localize(None)
                values = _as(values, "datetime64[ns]")
            columns[column] = values
        elif kind == "money":
            columns[column] = (np.nan if values is None
                               else _as(pd.to_numeric(values), np.float64))
        else:
            if values is not None and values.dtype != np.int64:
                values = _as(pd.to_numeric(values).fillna(0), np.int64)
            columns[column] = 0 if values is None else values
    out = pd.DataFrame(columns, index=frame.index, copy=False)
    if fact == "orders":  # sums over no value: 0 on every engine (pandas says 0, SQL null)
        out["sale_amount"] = out["sale_amount"].fillna(0.0)
    keys = _keys(fact)
    if not _in_order(out, keys):  # an engine's text order may differ (a database collation)
        out = out.sort_values(keys, kind="stable", na_position="last", ignore_index=True)
    out.index = pd.RangeIndex(len(out))
    return out


def _as(values: pd.Series, dtype) -> pd.Series:
    """``values`` in ``dtype``: converted only when not in it already (no copy)."""
    return values if values.dtype == dtype else values.astype(dtype)


def _keys(fact: str) -> list[str]:
    """The columns whose order sorts a fact's rows: its ids and dates (and NPS's score); the
    facts the report reads a month at a time (orders, NPS) month first, so that it finds
    them in month order (:mod:`addin.report.prepared`) instead of sorting them again."""
    keys = [c for c, kind in FACTS[fact].items() if kind in ("id", "day", "month")]
    if fact in MONTH_FIRST:
        keys.remove("month")
        keys.insert(0, "month")
    return keys + ["score"] if fact == "nps" else keys


def _flags(compared) -> np.ndarray:
    """A comparison of text arrays as plain booleans (a blank compared is False)."""
    if hasattr(compared, "fillna"):  # a nullable boolean array (strings with pd.NA)
        compared = compared.fillna(False)
    return np.asarray(compared, dtype=bool)


def _in_order(frame: pd.DataFrame, keys: list[str]) -> bool:
    """Whether ``frame``'s rows are already as ``sort_values(keys, na_position="last")``
    orders them: each row's keys, compared left to right, are not before the previous
    row's (blanks after every value)."""
    if len(frame) < 2:
        return True
    after = np.ones(len(frame) - 1, dtype=bool)  # rows whose keys are all equal are in order
    for key in reversed(keys):
        values = frame[key].array
        blank = np.asarray(pd.isna(values), dtype=bool)
        prev_blank, next_blank = blank[:-1], blank[1:]
        try:
            if isinstance(values.dtype, pd.StringDtype):  # compared by the string array itself
                less = _flags(values[:-1] < values[1:])
                equal = _flags(values[:-1] == values[1:])
            else:
                values = values.to_numpy()
                if values.dtype == object:
                    values = np.where(blank, "", values)
                less, equal = values[:-1] < values[1:], values[:-1] == values[1:]
        except TypeError:  # mixed kinds of ids: let pandas decide
            return False
        less = (~prev_blank & next_blank) | (~prev_blank & ~next_blank & less)
        equal = (prev_blank & next_blank) | (~prev_blank & ~next_blank & equal)
        after = less | (equal & after)
    return bool(after.all())


# ---------------------------------------------------------------------------- pandas input


def typed_frames(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """pandas tables given as they are (not through the loader) in the types
    :func:`reduce_tables` expects: their date columns as datetimes (NaT where a value is not a
    date), their money and count columns as numbers (NaN where not a number)."""
    from .schema import TABLES, table_named

    out = {}
    for name, frame in tables.items():
        table = table_named(name)
        if table is None or not isinstance(frame, pd.DataFrame):
            continue
        frame = frame.copy(deep=False)
        for column, kind in TABLES[table].items():
            if column not in frame:
                continue
            values = frame[column]
            if kind in ("date", "month") and not pd.api.types.is_datetime64_any_dtype(values):
                frame[column] = pd.to_datetime(values, errors="coerce")
            elif kind in ("money", "count", "score") and not pd.api.types.is_numeric_dtype(values):
                frame[column] = pd.to_numeric(values, errors="coerce")
            elif kind in ("money", "count", "score"):
                frame[column] = values.astype(np.float64) if kind == "money" else values
        out[table] = frame
    return out
