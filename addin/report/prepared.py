"""The data of one segment, prepared once for every period the report counts.

:class:`PreparedData` turns the reduced data (:class:`addin.data.facts.Facts`: per-customer
and per-customer-per-month facts, whatever engine reduced them) into numpy arrays: dates
become day numbers, months month numbers, customer ids one integer code, the monthly facts
of Orders and NPS are sorted by month and Subscriptions become a customer × month grid of
MRR. Every period's counts (:mod:`addin.report.facts`) and every table then count on these
arrays; a period is whole months, so its rows are a slice found by binary search.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import numpy as np
import pandas as pd

from .. import metrics as M
from ..data.facts import MONTHLY_TABLES, Facts, reduce_tables, typed_frames
from ..errors import MetricError
from .period import NAT, NEVER, month_day, month_of_day, months_of


def _days(series: pd.Series) -> np.ndarray:
    """A date column as int64 day numbers, NAT where blank."""
    return series.to_numpy().astype("datetime64[D]").astype(np.int64)


def _months(series: pd.Series) -> np.ndarray:
    """A month column (1st of the month) as int64 month numbers, NAT where blank."""
    return months_of(_days(series))


def rows_between(sorted_values: np.ndarray, first: int, last: int) -> slice:
    """The rows of a sorted array valued ``first`` to ``last``, both included."""
    return slice(int(np.searchsorted(sorted_values, first, "left")),
                 int(np.searchsorted(sorted_values, last, "right")))


def _by_month(table: pd.DataFrame) -> pd.DataFrame:
    """A core table with a ``month`` column, indexed by month number."""
    table.index = table["month"].to_numpy().astype("datetime64[M]").astype(np.int64)
    return table


def _numbers(series: pd.Series) -> np.ndarray:
    """A number column as float64, NaN where blank."""
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _in_month_order(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    """A monthly fact sorted by month (stable: each month keeps the fact's order). The
    reduction hands them over in month order already: then the frame is kept as it is."""
    months = _months(frame[month])
    if np.all(months[:-1] <= months[1:]):
        return frame
    return frame.iloc[np.argsort(months, kind="stable")]


class PreparedData:
    """The data of one segment as numpy arrays, prepared once for every period.

    Built from the reduced :class:`~addin.data.facts.Facts` of the whole data: the segment's
    customers and the facts of those customers (ids missing from Customers belong to no
    segment); the extent is always the whole data's, so a segment never moves the period.
    Customer ids of Subscriptions and Orders share one integer code.
    """

    def __init__(self, facts: Facts | Mapping[str, pd.DataFrame], segment: str | None):
        if not isinstance(facts, Facts):  # pandas tables as they are: reduced here
            facts = reduce_tables(typed_frames(facts))
        self.segment = segment
        self.facts = facts
        frames = {name: getattr(facts, name) for name in
                  ("customers", "subscriptions", "orders", "nps", "invoices")}
        if segment is not None and frames["customers"] is not None:
            customers = frames["customers"]
            frames["customers"] = customers = customers[customers["segment"] == segment]
            chosen = customers["customer_id"]
            for name in ("subscriptions", "orders", "nps", "invoices"):
                if frames[name] is not None:
                    frames[name] = frames[name][frames[name]["customer_id"].isin(chosen)]
        if frames["orders"] is not None:
            frames["orders"] = _in_month_order(frames["orders"], "month")
        if frames["nps"] is not None:
            frames["nps"] = _in_month_order(frames["nps"], "month")

        # Subscriptions and Orders share one integer code per customer (CLV counts customers
        # with either); the other facts need no codes.
        codes: dict[str, np.ndarray] = {}
        coded = [n for n in ("subscriptions", "orders") if frames[n] is not None]
        self.n_ids = 0
        self.id_values = np.zeros(0, dtype=object)  # the customer id of each code
        if coded:
            all_codes, uniques = pd.factorize(
                pd.concat([frames[n]["customer_id"] for n in coded], ignore_index=True))
            self.n_ids = len(uniques)
            self.id_values = np.asarray(uniques, dtype=object)
            at = 0
            for name in coded:
                size = len(frames[name])
                codes[name] = all_codes[at:at + size].astype(np.int64)
                at += size

        self.customers = self.subs = self.orders = self.nps = self.invoices = None
        self.activity = self.costs = None

        if frames["customers"] is not None:
            frame = frames["customers"]
            signup = _days(frame["signup_date"])
            churn = _days(frame["churn_date"])
            known = signup != NAT  # a customer without a signup date cannot be placed in time
            signup, churn = signup[known], churn[known]
            self.customers = {
                "id": frame["customer_id"].to_numpy(dtype=object)[known],
                "name": frame["name"].fillna("").astype(str).to_numpy(dtype=object)[known],
                "signup_day": signup,
                "signup_month": months_of(signup),
                "churn_day": np.where(churn == NAT, NEVER, churn),
                "churn_month": np.where(churn == NAT, NEVER, months_of(churn)),
            }

        if frames["subscriptions"] is not None:
            frame = frames["subscriptions"]
            month, mrr, ids = _months(frame["month"]), _numbers(frame["mrr"]), codes["subscriptions"]
            if len(month):
                local, owners = pd.factorize(ids)
                origin, n_months = int(month.min()), int(month.max() - month.min()) + 1
                grid = np.bincount((local * n_months + (month - origin)).astype(np.intp), weights=mrr,
                                   minlength=len(owners) * n_months).reshape(len(owners), n_months)
            else:
                owners, origin, grid = np.zeros(0, np.int64), 0, np.zeros((0, 0))
            self.subs = {"ids": ids, "month": month, "mrr": mrr, "owner": np.asarray(owners),
                         "origin": origin, "grid": grid}

        if frames["orders"] is not None:
            frame = frames["orders"]
            self.orders = {
                "month": _months(frame["month"]),
                "ids": codes["orders"],
                "orders": frame["orders"].to_numpy(np.int64),
                "days": frame["days"].to_numpy(np.int64),
                "first_day": _days(frame["first_day"]),
                "last_day": _days(frame["last_day"]),
                "amount": _numbers(frame["amount"]) if facts.has("amount", "orders") else None,
                "units": _numbers(frame["units"]) if facts.has("units", "orders") else None,
                "returned": (_numbers(frame["units_returned"])
                             if facts.has("units_returned", "orders") else None),
                "refunds": frame["refunds"].to_numpy(np.int64),
                "sale_days": frame["sale_days"].to_numpy(np.int64),
                "first_sale_day": _days(frame["first_sale_day"]),
                "last_sale_day": _days(frame["last_sale_day"]),
                "first_sale_day_amount": _numbers(frame["first_sale_day_amount"]),
                "sale_amount": _numbers(frame["sale_amount"]),
            }

        if frames["nps"] is not None:
            frame = frames["nps"]
            self.nps = {"month": _months(frame["month"]), "score": _numbers(frame["score"]),
                        "answers": frame["answers"].to_numpy(np.int64)}

        if frames["invoices"] is not None:
            frame = frames["invoices"]
            paid = _months(frame["paid_month"])
            self.invoices = {
                "issue_month": _months(frame["issue_month"]),
                "due": _days(frame["due_date"]),
                "paid_month": np.where(paid == NAT, NEVER, paid),
                "count": frame["invoices"].to_numpy(np.int64),
                "amount": _numbers(frame["amount"]),
            }

        if facts.activity is not None:
            frame = facts.activity
            self.activity = {"day": _days(frame["date"]),
                             "users": pd.factorize(frame["user_id"])[0]}

        if facts.costs is not None:
            frame = facts.costs
            self.costs = pd.Series(_numbers(frame["retention_spend"]),
                                   index=_months(frame["month"]))

    # ------------------------------------------------------------------ extent of the data

    @cached_property
    def extent(self) -> tuple[int, int, int, int] | None:
        """(first month, last day, last month, last complete month) of the whole data (never
        a segment's: the report's period does not move with the segment), or None.

        The last complete month: with daily data (orders, answers, invoices, activity) the
        month of the latest date if that date is the month's last day, else the month before;
        with only monthly tables (Subscriptions, Costs) their last month. Customers' signup
        and churn dates count only when there is no other table (signups long before the
        other data would stretch the window).
        """
        bounds = dict(self.facts.bounds)
        if len(bounds) > 1 or "Customers" not in bounds:
            bounds.pop("Customers", None)
        if not bounds:
            return None
        days = {t: (int(_days(pd.Series([a]))[0]), int(_days(pd.Series([b]))[0]))
                for t, (a, b) in bounds.items()}
        daily = [d for t, d in days.items() if t not in MONTHLY_TABLES]
        monthly = [(month_of_day(a), month_of_day(b)) for t, (a, b) in days.items()
                   if t in MONTHLY_TABLES]
        first = min([month_of_day(a) for a, _ in daily] + [a for a, _ in monthly])
        last_month = max([month_of_day(b) for _, b in daily] + [b for _, b in monthly])
        if daily:
            last_day = max(b for _, b in daily)
            complete = month_of_day(last_day + 1) - 1
        else:
            complete = last_month
            last_day = month_day(last_month + 1) - 1
        return first, last_day, last_month, complete

    # ------------------------------------------------------------------ helpers

    def open_invoices(self, month: int) -> np.ndarray:
        """Mask of the invoices open at the end of ``month``: issued by then, not yet paid."""
        inv = self.invoices
        return (inv["issue_month"] <= month) & (inv["paid_month"] > month)

    def mrr_column(self, month: int) -> np.ndarray:
        """Each subscriber's MRR in ``month`` (0 outside the data)."""
        subs = self.subs
        col = month - subs["origin"]
        if 0 <= col < subs["grid"].shape[1]:
            return subs["grid"][:, col]
        return np.zeros(subs["grid"].shape[0])

    def mrr_months(self, first: int, last: int) -> np.ndarray:
        """Each subscriber's MRR in the months ``first`` to ``last`` (a column per month, 0
        outside the data)."""
        subs = self.subs
        grid = subs["grid"]
        start, stop = first - subs["origin"], last - subs["origin"] + 1
        out = np.zeros((grid.shape[0], max(stop - start, 0)))
        lo, hi = max(start, 0), min(stop, grid.shape[1])
        if lo < hi:
            out[:, lo - start:hi - start] = grid[:, lo:hi]
        return out

    def mrr_before(self, month: int) -> np.ndarray:
        """Each subscriber's highest MRR in any month before ``month``."""
        subs = self.subs
        cols = min(max(month - subs["origin"], 0), subs["grid"].shape[1])
        if cols == 0:
            return np.zeros(subs["grid"].shape[0])
        return subs["grid"][:, :cols].max(axis=1)

    @cached_property
    def names(self) -> dict[object, str]:
        """Each customer's name where Customers gives one: customer id → name."""
        if self.customers is None:
            return {}
        return {i: n.strip() for i, n in zip(self.customers["id"], self.customers["name"])
                if n.strip()}

    @cached_property
    def monthly_movements(self) -> pd.DataFrame:
        """The core's MRR movements of every month of Subscriptions, indexed by month number."""
        subs = self.subs
        try:
            # from the customers × months grid the report already holds, not from the rows
            table = M.mrr_movements_of_grid(subs["grid"], subs["origin"])
        except MetricError:  # fewer than two months, or no rows
            table = pd.DataFrame(columns=list(M.MOVEMENT_COLUMNS))
        return _by_month(table)

    @cached_property
    def dau_mau_table(self) -> pd.DataFrame:
        """The core's DAU/MAU of every month of Activity, indexed by month number."""
        act = self.activity
        return _by_month(M.dau_mau_by_month(act["users"], act["day"].astype("datetime64[D]")))
