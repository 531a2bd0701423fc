"""The report's tables beside the KPIs: trend, KPI history, cohorts, MRR movements, NPS,
ageing, quality.

Each function fills one table of the :class:`~addin.report.model.Report` from the prepared
data (:mod:`addin.report.prepared`) and the periods' facts; a table whose source table is
missing is empty, with its columns. The monthly tables cover up to :data:`TREND_MONTHS`
months ending with the report's period. Words (NPS groups, ageing buckets, the reason of a
table not provided) are :class:`~addin.report.model.Note` values the renderer says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import metrics as M
from ..errors import MetricError, UndefinedResultError
from .facts import PeriodFacts
from .kpis import KPIS, SPECS, evaluate
from .missing import Missing
from .model import (AGEING_COLUMNS, COHORT_COLUMNS, KPI_HISTORY_MONTHS, MRR_MOVEMENT_COLUMNS,
                    NPS_DISTRIBUTION_COLUMNS, NPS_MONTHLY_COLUMNS, QUALITY_COLUMNS, Note,
                    Quantity, empty)
from .period import Period, month_dates
from .prepared import PreparedData

if TYPE_CHECKING:  # pragma: no cover
    from ..data import RetentionData

TREND_MONTHS = 24  # months of trend, cohorts, MRR movements and NPS by month


def window(data: PreparedData, period: Period) -> range:
    """The months of the monthly tables: up to TREND_MONTHS ending with the period."""
    return range(max(period.last - TREND_MONTHS + 1, data.extent[0]), period.last + 1)


def trend(facts: Callable[[Period], PeriodFacts], data: PreparedData,
          period: Period) -> pd.DataFrame:
    """The trend table: the trend's KPIs (those the data can give) month by month."""
    specs = [s for s in KPIS if s.trend]
    probe = facts(period)
    available = []
    for spec in specs:  # leave out the KPIs whose table (or segment split) is missing
        try:
            spec.compute(probe)
        except Missing:
            continue
        except MetricError:
            pass
        available.append(spec)
    months = window(data, period)
    columns: dict[str, list] = {"month": month_dates(months)}
    for spec in available:
        columns[spec.key] = []
    for month in months:
        month_facts = facts(Period("month", month, month))
        for spec in available:
            columns[spec.key].append(evaluate(spec, month_facts)[0])
    return pd.DataFrame(columns)


def cohorts(data: PreparedData,
            period: Period) -> tuple[pd.DataFrame, pd.DataFrame, str | None, list[Note]]:
    """(logos, revenue, source table, notes) cohort matrices up to the period end.

    The first cohort of the source table holds every customer already there when the table
    starts, whatever their sign-up: it is labelled as such ("Nov 24 or earlier", a Note in
    the ``cohort`` column), and a note says so (with how many signed up before, when
    Customers has their sign-up dates).
    """
    if data.subs is not None and len(data.subs["month"]):
        subs = data.subs
        keep = (subs["month"] <= period.last) & (subs["mrr"] > 0)
        ids, when = subs["ids"][keep], subs["month"][keep].astype("datetime64[M]")
        values, source = subs["mrr"][keep], "Subscriptions"
    elif data.orders is not None and len(data.orders["month"]):
        orders = data.orders
        keep = orders["month"] <= period.last
        ids, when = orders["ids"][keep], orders["month"][keep].astype("datetime64[M]")
        values = orders["amount"][keep] if orders["amount"] is not None else None
        source = "Orders"
    else:
        return empty(COHORT_COLUMNS), empty(COHORT_COLUMNS), None, []
    months = when.astype("datetime64[M]")
    first = pd.Timestamp(months.min()) if len(months) else None

    def matrix(**kwargs) -> pd.DataFrame:
        try:
            table = M.cohort_retention(ids, when, **kwargs)
        except MetricError:
            return empty(COHORT_COLUMNS)
        table = table.iloc[-TREND_MONTHS:]
        ages = [c for c in table.columns if c != "size"][:TREND_MONTHS]
        table = table[["size", *ages]].reset_index()
        table = table.dropna(axis=1, how="all")
        if len(table) and table["cohort"].iloc[0] == first:  # customers already there
            table["cohort"] = [Note("cohort_open", month=Quantity(first, "month")),
                               *table["cohort"].iloc[1:]]
        return table

    logos = matrix()
    revenue = matrix(values=values) if values is not None else empty(COHORT_COLUMNS)
    notes = []
    if len(logos) and isinstance(logos["cohort"].iloc[0], Note):
        members = np.unique(ids[months == np.datetime64(first, "M")])
        notes.append(Note("cohort_open_note", month=Quantity(first, "month"),
                          size=len(members), table=source))
        before = _signed_up_before(data, members, first)
        if before is not None:
            notes.append(Note("cohort_open_before", month=Quantity(first, "month"),
                              before=before, size=len(members)))
    return logos, revenue, source, notes


def _signed_up_before(data: PreparedData, codes: np.ndarray, month: pd.Timestamp) -> int | None:
    """How many of the customers ``codes`` signed up before ``month`` (None without their
    sign-up dates)."""
    if data.customers is None or not len(codes):
        return None
    start = int(np.datetime64(month, "D").astype(np.int64))
    earlier = set(data.customers["id"][data.customers["signup_day"] < start])
    return sum(1 for customer in data.id_values[codes] if customer in earlier)


def kpi_history(facts: Callable[[Period], PeriodFacts], kpis: pd.DataFrame,
                period: Period) -> pd.DataFrame:
    """Each KPI of the board in each of the KPI_HISTORY_MONTHS months up to the period's
    last month (blank before the data): key, label, unit, then one column per month."""
    months = range(period.last - KPI_HISTORY_MONTHS + 1, period.last + 1)
    table = kpis[["key", "label", "unit"]].reset_index(drop=True).copy()
    for month, day in zip(months, month_dates(months)):
        month_facts = facts(Period("month", month, month))
        table[day] = [evaluate(SPECS[key], month_facts)[0] for key in table["key"]]
    return table


def mrr_movements(data: PreparedData, period: Period) -> pd.DataFrame:
    """The MRR movements of each month up to the period end, losses as negative numbers."""
    if data.subs is None:
        return empty(MRR_MOVEMENT_COLUMNS)
    table = data.monthly_movements
    table = table[table.index <= period.last].iloc[-TREND_MONTHS:].reset_index(drop=True)
    # losses as negative numbers: the stacked chart shows them below the axis and
    # start + the movements = end reads straight across a row
    table["contraction"] = -table["contraction"]
    table["churned"] = -table["churned"]
    return table[MRR_MOVEMENT_COLUMNS]


def nps_tables(facts: Callable[[Period], PeriodFacts], data: PreparedData, period: Period,
               settings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the period's answers by score, NPS by month with its margin of error)."""
    if data.nps is None:
        return empty(NPS_DISTRIBUTION_COLUMNS), empty(NPS_MONTHLY_COLUMNS)
    try:
        total = facts(period).nps_counts.responses  # the core checks every answer is 0-10
    except MetricError:
        distribution = empty(NPS_DISTRIBUTION_COLUMNS)
    else:
        tally = facts(period).nps_tally
        groups = ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
        distribution = pd.DataFrame({
            "score": np.arange(11),
            "group": [Note(g) for g in groups],
            "answers": tally,
            "share": tally / total if total else np.full(11, np.nan),
        })
    rows = []
    for month in window(data, period):
        try:
            counts = facts(Period("month", month, month)).nps_counts
        except MetricError:
            continue
        try:
            score, moe = counts.score, counts.margin_of_error(settings["confidence"])
        except UndefinedResultError:
            score = moe = np.nan
        rows.append({"month": month_dates([month])[0], "promoters": counts.promoters,
                     "passives": counts.passives, "detractors": counts.detractors,
                     "answers": counts.responses, "nps": score, "nps_moe": moe})
    return distribution, pd.DataFrame(rows, columns=NPS_MONTHLY_COLUMNS)


_BUCKETS = (("bucket_current", None, 0), ("bucket_1_30", 1, 30), ("bucket_31_60", 31, 60),
            ("bucket_61_90", 61, 90), ("bucket_90", 91, None))


def ageing(data: PreparedData, period: Period) -> pd.DataFrame:
    """The invoices open at the period end by days past due, and their total."""
    inv = data.invoices
    if inv is None:
        return empty(AGEING_COLUMNS)
    open_ = data.open_invoices(period.last)
    late = period.end_day - inv["due"][open_]
    amount, count = inv["amount"][open_], inv["count"][open_]
    total = float(amount.sum())
    rows = []
    for key, low, high in _BUCKETS:
        mask = np.ones(len(late), dtype=bool)
        if low is not None:
            mask &= late >= low
        if high is not None:
            mask &= late <= high
        money = float(amount[mask].sum())
        rows.append({"bucket": Note(key), "invoices": int(count[mask].sum()),
                     "amount": money, "share": money / total if total else np.nan})
    rows.append({"bucket": Note("total"), "invoices": int(count.sum()),
                 "amount": total, "share": 1.0 if total else np.nan})
    return pd.DataFrame(rows, columns=AGEING_COLUMNS)


_TABLES = ("Customers", "Subscriptions", "Orders", "NPS", "Invoices", "Activity", "Costs")


def quality(data: RetentionData, present: list[str]) -> pd.DataFrame:
    """The data reader's account, table by table, then the tables not provided (those not
    among ``present``).

    A table's rows read and kept are on its first line only (they are the table's, not a
    reason's); each reason has its rows dropped and its first rows (``17, 230``, ending
    ``…`` when more were dropped). A line about rows kept (a signup date taken from the
    first subscription or order, customer ids missing from Customers) has no rows dropped
    and, where the reader gives them, the first of those rows.
    """
    columns = QUALITY_COLUMNS
    given = getattr(data, "quality", None)
    rows = []
    if isinstance(given, pd.DataFrame) and len(given):
        seen: set[str] = set()
        first_rows = given["first_rows"] if "first_rows" in given else [()] * len(given)
        for table, read, kept, dropped, reason, first in zip(
                given["table"], given["rows_read"], given["rows_kept"], given["rows_dropped"],
                given["reason"], first_rows):
            first = tuple(first) if isinstance(first, (tuple, list)) else ()
            kept_line = bool(reason) and not dropped
            more = "" if kept_line or dropped <= len(first) else ", …"
            rows.append({"table": table,
                         "rows_read": np.nan if table in seen else read,
                         "rows_kept": np.nan if table in seen else kept,
                         "rows_dropped": np.nan if kept_line else dropped,
                         "reason": reason,
                         "first_rows": ", ".join(map(str, first)) + more if first else ""})
            seen.add(table)
    present = set(present)
    rows += [{"table": t, "rows_read": 0, "rows_kept": 0, "rows_dropped": 0,
              "reason": Note("not_provided"), "first_rows": ""} for t in _TABLES if t not in present]
    if not rows:
        return empty(columns)
    frame = pd.DataFrame(rows, columns=columns)
    # the reasons stay what the reader gave (Messages, said in the report's language)
    frame["reason"] = pd.Series([row["reason"] for row in rows], dtype=object)
    return frame
