"""The data of one segment, prepared once for every period the report counts.

:class:`PreparedData` turns the data model's DataFrames into numpy arrays: dates become day
numbers, months month numbers, customer ids one integer code, Orders and NPS answers are
sorted by day and Subscriptions become a customer × month grid of MRR. Every period's facts
(:mod:`addin.report.facts`) and every table then count on these arrays.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from .. import metrics as M
from ..errors import MetricError
from .period import NAT, NEVER, month_day, month_of_day, months_of


def _days(series: pd.Series) -> np.ndarray:
    """A date column as int64 day numbers, NAT where blank."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series, errors="coerce")
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return series.to_numpy().astype("datetime64[D]").astype(np.int64)


def rows_between(day: np.ndarray, first_day: int, last_day: int) -> slice:
    """The rows of a day-sorted array dated ``first_day`` to ``last_day``, both included."""
    return slice(int(np.searchsorted(day, first_day, "left")),
                 int(np.searchsorted(day, last_day, "right")))


def _by_month(table: pd.DataFrame) -> pd.DataFrame:
    """A core table with a ``month`` column, indexed by month number."""
    table.index = table["month"].to_numpy().astype("datetime64[M]").astype(np.int64)
    return table


def _numbers(series: pd.Series) -> np.ndarray:
    """A number column as float64, NaN where blank or not a number."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


class PreparedData:
    """The data of one segment as numpy arrays, prepared once for every period.

    Dates are day numbers, months month numbers; customer ids of Subscriptions and Orders
    share one integer code; Orders and NPS are sorted by day so that a period is a slice
    found by binary search; Subscriptions are a customer x month grid of MRR.
    """

    def __init__(self, tables: dict[str, pd.DataFrame], segment: str | None):
        self.segment = segment
        # Rows of the segment: its customers, and the other tables' rows of those customers
        # (rows of ids missing from Customers belong to no segment).
        keep: dict[str, np.ndarray] = {}
        if segment is not None:
            customers = tables["Customers"]
            in_segment = (customers["segment"] == segment).to_numpy(dtype=bool, na_value=False)
            keep["Customers"] = in_segment
            chosen = customers["customer_id"][in_segment]
            for name in ("Subscriptions", "Orders", "NPS", "Invoices"):
                if name in tables:
                    keep[name] = tables[name]["customer_id"].isin(chosen).to_numpy(dtype=bool)

        def rows(name: str) -> np.ndarray:
            return keep[name] if name in keep else np.ones(len(tables[name]), dtype=bool)

        # Subscriptions and Orders share one integer code per customer (CLV counts customers
        # with either); the other tables need no codes.
        codes: dict[str, np.ndarray] = {}
        coded = [n for n in ("Subscriptions", "Orders") if n in tables]
        self.n_ids = 0
        self.id_values = np.zeros(0, dtype=object)  # the customer id of each code
        if coded:
            all_codes, uniques = pd.factorize(
                pd.concat([tables[n]["customer_id"][rows(n)] for n in coded], ignore_index=True))
            self.n_ids = len(uniques)
            self.id_values = np.asarray(uniques, dtype=object)
            at = 0
            for name in coded:
                size = int(rows(name).sum())
                codes[name] = all_codes[at:at + size].astype(np.int64)
                at += size
                keep[name] = rows(name).copy()
                keep[name][keep[name]] = codes[name] >= 0  # a blank id cannot be counted
                codes[name] = codes[name][codes[name] >= 0]

        self.customers = self.subs = self.orders = self.nps = self.invoices = None
        self.activity = self.costs = None

        if "Customers" in tables:
            frame, mask = tables["Customers"], rows("Customers")
            signup = _days(frame["signup_date"])[mask]
            churn = _days(frame["churn_date"])[mask] if "churn_date" in frame else np.full(mask.sum(), NAT)
            known = signup != NAT  # a customer without a signup date cannot be placed in time
            signup, churn = signup[known], churn[known]
            names = frame["name"] if "name" in frame else pd.Series("", index=frame.index)
            self.customers = {
                "id": frame["customer_id"].to_numpy(dtype=object)[mask][known],
                "name": names.fillna("").astype(str).to_numpy(dtype=object)[mask][known],
                "signup_day": signup,
                "signup_month": months_of(signup),
                "churn_day": np.where(churn == NAT, NEVER, churn),
                "churn_month": np.where(churn == NAT, NEVER, months_of(churn)),
            }

        if "Subscriptions" in tables:
            frame, mask = tables["Subscriptions"], rows("Subscriptions")
            month = months_of(_days(frame["month"]))[mask]
            mrr = _numbers(frame["mrr"])[mask]
            ids = codes["Subscriptions"]
            ok = (month != NAT) & ~np.isnan(mrr)
            month, mrr, ids = month[ok], mrr[ok], ids[ok]
            if len(month):
                local, owners = pd.factorize(ids)
                origin, n_months = int(month.min()), int(month.max() - month.min()) + 1
                grid = np.bincount((local * n_months + (month - origin)).astype(np.intp), weights=mrr,
                                   minlength=len(owners) * n_months).reshape(len(owners), n_months)
            else:
                owners, origin, grid = np.zeros(0, np.int64), 0, np.zeros((0, 0))
            self.subs = {"ids": ids, "month": month, "mrr": mrr, "owner": np.asarray(owners),
                         "origin": origin, "grid": grid}

        if "Orders" in tables:
            frame, mask = tables["Orders"], rows("Orders")
            day = _days(frame["order_date"])[mask]
            ok = day != NAT
            order = np.argsort(day[ok], kind="stable")
            pick = lambda col: (_numbers(frame[col])[mask][ok][order] if col in frame else None)  # noqa: E731
            self.orders = {
                "day": day[ok][order],
                "ids": codes["Orders"][ok][order],
                "amount": pick("amount"),
                "units": pick("units"),
                "returned": pick("units_returned"),
            }

        if "NPS" in tables:
            frame, mask = tables["NPS"], rows("NPS")
            day = _days(frame["date"])[mask]
            score = _numbers(frame["score"])[mask]
            ok = day != NAT
            order = np.argsort(day[ok], kind="stable")
            self.nps = {"day": day[ok][order], "score": score[ok][order]}

        if "Invoices" in tables:
            frame, mask = tables["Invoices"], rows("Invoices")
            issue = _days(frame["issue_date"])[mask]
            due = _days(frame["due_date"])[mask] if "due_date" in frame else issue
            paid = _days(frame["paid_date"])[mask] if "paid_date" in frame else np.full(len(issue), NAT)
            amount = _numbers(frame["amount"])[mask]
            ok = (issue != NAT) & ~np.isnan(amount)
            self.invoices = {
                "issue": issue[ok],
                "due": np.where(due[ok] == NAT, issue[ok], due[ok]),
                "paid": np.where(paid[ok] == NAT, NEVER, paid[ok]),
                "amount": amount[ok],
            }

        if "Activity" in tables:
            frame = tables["Activity"]
            day = _days(frame["date"])
            users = pd.factorize(frame["user_id"])[0]
            ok = (day != NAT) & (users >= 0)
            self.activity = {"day": day[ok], "users": users[ok]}

        if "Costs" in tables:
            frame = tables["Costs"]
            month = months_of(_days(frame["month"]))
            spend = _numbers(frame["retention_spend"])
            ok = (month != NAT) & ~np.isnan(spend)
            self.costs = pd.Series(spend[ok]).groupby(month[ok]).sum()

    # ------------------------------------------------------------------ extent of the data

    def _date_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(daily event day arrays, monthly tables' month arrays)."""
        daily, monthly = [], []
        if self.orders is not None:
            daily.append(self.orders["day"])
        if self.nps is not None:
            daily.append(self.nps["day"])
        if self.invoices is not None:
            daily += [self.invoices["issue"], self.invoices["paid"][self.invoices["paid"] != NEVER]]
        if self.activity is not None:
            daily.append(self.activity["day"])
        if self.subs is not None:
            monthly.append(self.subs["month"])
        if self.costs is not None:
            monthly.append(self.costs.index.to_numpy(dtype=np.int64))
        return [a for a in daily if len(a)], [a for a in monthly if len(a)]

    @cached_property
    def extent(self) -> tuple[int, int, int, int] | None:
        """(first month, last day, last month, last complete month) of the data, or None.

        The last complete month: with daily data (orders, answers, invoices, activity) the
        month of the latest date if that date is the month's last day, else the month before;
        with only monthly tables (Subscriptions, Costs) their last month. Customers' signup
        and churn dates count only when there is no other table (signups long before the
        other data would stretch the window).
        """
        daily, monthly = self._date_arrays()
        if not daily and not monthly and self.customers is not None:
            churned = self.customers["churn_day"]
            daily = [a for a in (self.customers["signup_day"], churned[churned != NEVER]) if len(a)]
        if not daily and not monthly:
            return None
        first = min([month_of_day(a.min()) for a in daily] + [int(a.min()) for a in monthly])
        last_month = max([month_of_day(a.max()) for a in daily] + [int(a.max()) for a in monthly])
        if daily:
            last_day = max(int(a.max()) for a in daily)
            complete = month_of_day(last_day + 1) - 1
        else:
            complete = last_month
            last_day = month_day(last_month + 1) - 1
        return first, last_day, last_month, complete

    # ------------------------------------------------------------------ helpers

    def open_invoices(self, day: int) -> np.ndarray:
        """Mask of the invoices open at the end of ``day``: issued by then, not yet paid."""
        inv = self.invoices
        return (inv["issue"] <= day) & (inv["paid"] > day)

    def mrr_column(self, month: int) -> np.ndarray:
        """Each subscriber's MRR in ``month`` (0 outside the data)."""
        subs = self.subs
        col = month - subs["origin"]
        if 0 <= col < subs["grid"].shape[1]:
            return subs["grid"][:, col]
        return np.zeros(subs["grid"].shape[0])

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
            # the report already holds this customers × months grid: Excel's memory bound
            # on the function does not apply here
            table = M.mrr_movements(subs["ids"], subs["month"].astype("datetime64[M]"), subs["mrr"],
                                    max_bytes=None)
        except MetricError:  # fewer than two months, or no rows
            table = pd.DataFrame(columns=list(M.MOVEMENT_COLUMNS))
        return _by_month(table)

    @cached_property
    def dau_mau_table(self) -> pd.DataFrame:
        """The core's DAU/MAU of every month of Activity, indexed by month number."""
        act = self.activity
        return _by_month(M.dau_mau_by_month(act["users"], act["day"].astype("datetime64[D]")))
