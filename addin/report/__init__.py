"""The retention report: for one period and one segment, every KPI and the tables behind it.

:func:`build_report` is the only place that decides what the report contains; the openpyxl
exporter (:mod:`addin.excel.report_writer`) and the ribbon refresh only write a
:class:`Report`. Every number comes from a function of :mod:`addin.metrics`: this module
counts (customers, orders, answers, money per period) and hands the counts to the core.

Every table is optional. A KPI whose table is missing gets a blank value and the note
"n/a — needs the Orders table"; a KPI the core finds undefined (a zero denominator) or
invalid gets a blank value and the core's one-line reason. Never a made-up number.

Periods are calendar months, quarters or years: ``"2026-09"``, ``"2026-Q3"``, ``"2026"``.
The rules by which a period is counted are in :data:`addin.i18n.TEXTS` (``rule_*``) and are
written into the report's definitions.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import i18n
from .. import metrics as M
from ..errors import InvalidInputError, MetricError, UndefinedResultError
from ..metrics.roi import customer_lifetime

if TYPE_CHECKING:  # pragma: no cover
    from ..data import RetentionData

__all__ = ["KPIS", "KpiSpec", "Period", "Report", "build_report", "parse_period", "TREND_MONTHS"]

TREND_MONTHS = 24  # months of trend, cohorts, MRR movements and NPS by month
NAT = np.iinfo(np.int64).min  # a missing date as a day number
NEVER = np.iinfo(np.int64).max  # "not churned", "not paid": after every day
DEFAULT_SETTINGS: dict[str, object] = {"gross_margin": None, "confidence": 0.95,
                                        "program_cost": None}
WHATIF_CUTS = (0.10, 0.20, 0.30)  # the what-if's scenarios: shares of the period's churn cut
UPLIFT_YEARS = (5, 10)  # the what-if's profit uplift horizons, in years
TOP_CUSTOMERS = 20  # rows of the most valuable customers
CLV_HORIZON_WEEKS = 52  # the predictive CLV's horizon

# --------------------------------------------------------------------------- periods

_PERIOD_RE = re.compile(r"^\s*(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?\s*$")


def _month_number(year: int, month: int) -> int:
    """Months since 1970-01 (the core's month index)."""
    return (year - 1970) * 12 + (month - 1)


def _month_day(month: int) -> int:
    """Day number (days since 1970-01-01) of the first day of month ``month``."""
    return int(np.datetime64(int(month), "M").astype("datetime64[D]").astype(np.int64))


def _month_text(month: int) -> str:
    return str(np.datetime64(int(month), "M"))


def _day_date(day: int) -> date:
    return np.datetime64(int(day), "D").astype(date)


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year, as month numbers (months since 1970-01)."""

    kind: str  # "month" | "quarter" | "year"
    first: int
    last: int

    @property
    def label(self) -> str:
        year, month = divmod(self.first, 12)
        year += 1970
        if self.kind == "year":
            return f"{year}"
        if self.kind == "quarter":
            return f"{year}-Q{month // 3 + 1}"
        return f"{year}-{month + 1:02d}"

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    @property
    def periods_per_year(self) -> int:
        return 12 // self.months

    @property
    def start_day(self) -> int:
        return _month_day(self.first)

    @property
    def end_day(self) -> int:
        return _month_day(self.last + 1) - 1

    @property
    def start(self) -> date:
        return _day_date(self.start_day)

    @property
    def end(self) -> date:
        return _day_date(self.end_day)

    @property
    def days(self) -> int:
        return self.end_day - self.start_day + 1

    @property
    def previous(self) -> Period:
        return Period(self.kind, self.first - self.months, self.last - self.months)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> Period:
    """``"2026-09"`` (a month), ``"2026-Q3"`` (a quarter) or ``"2026"`` (a year)."""
    match = _PERIOD_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidInputError(
            f"period is {text!r}, expected a month (2026-09), a quarter (2026-Q3) or a year (2026)"
        )
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise InvalidInputError(f"period is {text!r}: month {month} is not 1 to 12")
        first = _month_number(year, month)
        return Period("month", first, first)
    if match.group(3):
        first = _month_number(year, 3 * (int(match.group(3)) - 1) + 1)
        return Period("quarter", first, first + 2)
    first = _month_number(year, 1)
    return Period("year", first, first + 11)


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    """A computed report: plain values and DataFrames, nothing to compute left.

    ``kpis`` has one row per KPI: key, label, unit, better (+1 higher is better, −1 lower,
    0 neither), current, previous, change (current − previous), note (why a value is blank,
    or a caution). Blank values are NaN. The other tables are ready to write as they are.
    """

    period: Period
    previous: Period
    segment: str | None
    lang: str
    source: str
    data_start: date | None
    data_end: date | None
    meta: pd.DataFrame
    kpis: pd.DataFrame
    trend: pd.DataFrame
    cohorts_logos: pd.DataFrame
    cohorts_revenue: pd.DataFrame
    mrr_movements: pd.DataFrame
    nps_distribution: pd.DataFrame
    nps_monthly: pd.DataFrame
    ageing: pd.DataFrame
    quality: pd.DataFrame
    definitions: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    data_notes: list[str] = field(default_factory=list)
    #: The what-if of the period: one row per item (key, label, unit, today, cut_10, cut_20,
    #: cut_30, note); the scenarios cut the period's churn by WHATIF_CUTS.
    retention_whatif: pd.DataFrame = field(default_factory=lambda: _empty(_WHATIF_COLUMNS))
    #: The predictive CLV's notes (how it was fitted, the top customers' share, or why n/a).
    clv_notes: list[str] = field(default_factory=list)
    #: The TOP_CUSTOMERS customers of the largest predicted CLV, largest first.
    top_customers: pd.DataFrame = field(default_factory=lambda: _empty(_TOP_COLUMNS))

    def kpi(self, key: str) -> pd.Series:
        """The row of one KPI (current, previous, change, note, ...)."""
        rows = self.kpis.index[self.kpis["key"] == key]
        if len(rows) == 0:
            raise KeyError(key)
        return self.kpis.loc[rows[0]]


# --------------------------------------------------------------------------- what is missing


class _Missing(Exception):
    """A KPI cannot be computed from the data given: not undefined, unavailable."""

    def __init__(self, key: str, tables: tuple[str, ...] = (), **values: str):
        super().__init__(key)
        self.key, self.tables, self.values = key, tables, values

    def note(self, lang: str) -> str:
        values = dict(self.values)
        if self.tables:
            values["tables"] = i18n.text(lang, "table_or").join(self.tables)
        return i18n.text(lang, self.key, **values)


def _needs(*tables: str) -> _Missing:
    """"n/a — needs the Orders table" (or "the Customers or Subscriptions table")."""
    return _Missing("needs_table", tables)


def python_value(value: object) -> object:
    """A report cell value as plain Python, for the writers: None for a blank (None, NaN, NaT,
    infinity), bool, int, float, datetime; anything else (text) unchanged."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


# --------------------------------------------------------------------------- prepared data


def _days(series: pd.Series) -> np.ndarray:
    """A date column as int64 day numbers, NAT where blank."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series, errors="coerce")
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return series.to_numpy().astype("datetime64[D]").astype(np.int64)


def _months_of(days: np.ndarray) -> np.ndarray:
    """Month numbers of day numbers (NAT stays NAT)."""
    out = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.where(days == NAT, NAT, out)


def _month_of_day(day: int) -> int:
    return int(_months_of(np.array([day], dtype=np.int64))[0])


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


class _Data:
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
            self.customers = {
                "signup_day": signup,
                "signup_month": _months_of(signup),
                "churn_day": np.where(churn == NAT, NEVER, churn),
                "churn_month": np.where(churn == NAT, NEVER, _months_of(churn)),
            }

        if "Subscriptions" in tables:
            frame, mask = tables["Subscriptions"], rows("Subscriptions")
            month = _months_of(_days(frame["month"]))[mask]
            mrr = _numbers(frame["mrr"])[mask]
            ids = codes["Subscriptions"]
            ok = (month != NAT) & ~np.isnan(mrr)
            month, mrr, ids = month[ok], mrr[ok], ids[ok]
            if len(month):
                local, owners = pd.factorize(ids)
                origin, n_months = int(month.min()), int(month.max() - month.min()) + 1
                grid = np.bincount(local * n_months + (month - origin), weights=mrr,
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
            month = _months_of(_days(frame["month"]))
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
        first = min([_month_of_day(a.min()) for a in daily] + [int(a.min()) for a in monthly])
        last_month = max([_month_of_day(a.max()) for a in daily] + [int(a.max()) for a in monthly])
        if daily:
            last_day = max(int(a.max()) for a in daily)
            complete = _month_of_day(last_day + 1) - 1
        else:
            complete = last_month
            last_day = _month_day(last_month + 1) - 1
        return first, last_day, last_month, complete

    # ------------------------------------------------------------------ monthly helpers

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
    def monthly_movements(self) -> pd.DataFrame:
        """The core's MRR movements of every month of Subscriptions, indexed by month number."""
        subs = self.subs
        try:
            table = M.mrr_movements(subs["ids"], subs["month"].astype("datetime64[M]"), subs["mrr"])
        except MetricError:  # fewer than two months, or no rows
            table = pd.DataFrame(columns=list(M.MOVEMENT_COLUMNS))
        table.index = table["month"].to_numpy().astype("datetime64[M]").astype(np.int64)
        return table

    @cached_property
    def dau_mau_table(self) -> pd.DataFrame:
        act = self.activity
        table = M.dau_mau_by_month(act["users"], act["day"].astype("datetime64[D]"))
        table.index = table["month"].to_numpy().astype("datetime64[M]").astype(np.int64)
        return table


# --------------------------------------------------------------------------- one period's facts


class _Facts:
    """Counts of one period, computed on first use and handed to the metric core."""

    def __init__(self, data: _Data, period: Period, settings: dict):
        self.d, self.p, self.settings = data, period, settings

    # ------------------------------------------------------------------ customers
    @cached_property
    def counts(self) -> tuple[int, int, int, int]:
        """(S, N, E, L) of the period."""
        a, b = self.p.first, self.p.last
        c = self.d.customers
        if c is not None:
            sm, cm = c["signup_month"], c["churn_month"]
            start = (sm < a) & (cm >= a)
            new = (sm >= a) & (sm <= b)
            end = (sm <= b) & (cm > b)
            lost = start & (cm <= b)
            self.new_at_end = int((new & end).sum())
            return int(start.sum()), int(new.sum()), int(end.sum()), int(lost.sum())
        if self.d.subs is not None:
            start = self.d.mrr_column(a - 1) > 0
            end = self.d.mrr_column(b) > 0
            during = np.zeros_like(start)
            for month in range(a, b + 1):
                during |= self.d.mrr_column(month) > 0
            new = during & ~start
            lost = start & ~end
            self.new_at_end = int((new & end).sum())
            return int(start.sum()), int(new.sum()), int(end.sum()), int(lost.sum())
        raise _needs("Customers", "Subscriptions")

    S = property(lambda self: self.counts[0])
    N = property(lambda self: self.counts[1])
    E = property(lambda self: self.counts[2])
    L = property(lambda self: self.counts[3])

    @property
    def N_at_end(self) -> int:
        """New customers still active at the period end: the N of CRR = (E − N) / S.

        E counts only customers active at the end, so new customers lost within the period
        must leave N too, or (E − N) / S counts them as lost starting customers.
        """
        self.counts
        return self.new_at_end

    @cached_property
    def churn(self) -> float:
        return M.customer_churn_rate(self.S, self.L)

    @property
    def days_in_data(self) -> int:
        """Days of the period the data covers: a period running past the data's last day
        counts only the days up to it (its invoices stop there too)."""
        return min(self.p.end_day, self.d.extent[1]) - self.p.start_day + 1

    def lifespan_years(self) -> float:
        return customer_lifetime(self.churn) / self.p.periods_per_year

    # ------------------------------------------------------------------ MRR
    def _subs(self) -> dict:
        if self.d.subs is None:
            raise _needs("Subscriptions")
        return self.d.subs

    @cached_property
    def movements(self) -> dict[str, float]:
        """MRR movements from the month before the period to its last month (the core's).

        A month's are a row of the core's monthly table; a quarter's or a year's come from
        the core run on three columns per customer: any MRR before the month before the
        period (so a comeback is a reactivation, not new), the month before, the last month.
        """
        self._subs()
        if self.p.months == 1 and self.p.last in self.d.monthly_movements.index:
            row = self.d.monthly_movements.loc[self.p.last]
            return {k: float(row[k]) for k in M.MOVEMENT_COLUMNS[1:]}
        before, after = self.d.mrr_column(self.p.first - 1), self.d.mrr_column(self.p.last)
        history = self.d.mrr_before(self.p.first - 1)
        n = len(before)
        if n == 0:
            return dict.fromkeys(M.MOVEMENT_COLUMNS[1:], 0.0)
        owners = np.tile(np.arange(n), 3)
        months = np.repeat(np.array([0, 1, 2], dtype="datetime64[M]"), n)
        table = M.mrr_movements(owners, months, np.concatenate([history, before, after]))
        row = table.iloc[-1]
        return {k: float(row[k]) for k in M.MOVEMENT_COLUMNS[1:]}

    @cached_property
    def existing_end_mrr(self) -> float:
        """MRR in the last month of the customers who paid in the month before the period."""
        self._subs()
        paying = self.d.mrr_column(self.p.first - 1) > 0
        return float(self.d.mrr_column(self.p.last)[paying].sum())

    @cached_property
    def paying_end(self) -> int:
        self._subs()
        return int((self.d.mrr_column(self.p.last) > 0).sum())

    @property
    def mrr(self) -> float:
        return self.movements["end_mrr"]

    @property
    def arpa(self) -> float:
        return M.average_revenue_per_account(self.mrr, self.paying_end)

    # ------------------------------------------------------------------ orders
    def _orders(self, *columns: str) -> dict:
        if self.d.orders is None:
            raise _needs("Orders")
        missing = [c for c in columns if self.d.orders[c] is None]
        if missing:
            raise _Missing("needs_columns", columns=", ".join(missing), table="Orders")
        return self.d.orders

    @cached_property
    def order_slice(self) -> slice:
        day = self._orders()["day"]
        return slice(int(np.searchsorted(day, self.p.start_day, "left")),
                     int(np.searchsorted(day, self.p.end_day, "right")))

    @cached_property
    def buyers_orders(self) -> np.ndarray:
        """Mask over the orders up to the period end: the orders of the period's buyers."""
        orders, cut = self._orders(), self.order_slice
        bought = np.zeros(self.d.n_ids, dtype=bool)
        bought[orders["ids"][cut]] = True
        return bought[orders["ids"][:cut.stop]]

    @cached_property
    def repeat(self) -> M.RepeatCustomers:
        mask, stop = self.buyers_orders, self.order_slice.stop
        ids = self.d.orders["ids"][:stop][mask]
        return M.count_repeat_customers(ids) if len(ids) else M.RepeatCustomers(0, 0)

    def time_between_purchases(self) -> float:
        mask, stop = self.buyers_orders, self.order_slice.stop
        if not mask.any():
            raise UndefinedResultError("undefined: no orders in the period")
        orders = self.d.orders
        return M.time_between_purchases(orders["ids"][:stop][mask],
                                        orders["day"][:stop][mask].astype("datetime64[D]"))

    def return_rate(self) -> float:
        orders = self._orders("units", "returned")
        cut = self.order_slice
        return M.product_return_rate(float(np.nansum(orders["returned"][cut])),
                                     float(np.nansum(orders["units"][cut])))

    def order_revenue(self, first_day: int, last_day: int) -> tuple[float, np.ndarray]:
        orders = self._orders("amount")
        lo = int(np.searchsorted(orders["day"], first_day, "left"))
        hi = int(np.searchsorted(orders["day"], last_day, "right"))
        return float(np.nansum(orders["amount"][lo:hi])), orders["ids"][lo:hi]

    # ------------------------------------------------------------------ NPS
    @cached_property
    def nps_scores(self) -> np.ndarray:
        """The answers dated within the period."""
        if self.d.nps is None:
            raise _needs("NPS")
        day = self.d.nps["day"]
        lo = int(np.searchsorted(day, self.p.start_day, "left"))
        hi = int(np.searchsorted(day, self.p.end_day, "right"))
        return self.d.nps["score"][lo:hi]

    @cached_property
    def nps_counts(self) -> M.NpsCounts:
        scores = self.nps_scores
        return M.count_nps_answers(scores) if len(scores) else M.NpsCounts(0, 0, 0)

    # ------------------------------------------------------------------ invoices
    @cached_property
    def receivables(self) -> tuple[float, float]:
        """(open at the period end, issued in the period)."""
        inv = self.d.invoices
        if inv is None:
            raise _needs("Invoices")
        end = self.p.end_day
        open_ = (inv["issue"] <= end) & (inv["paid"] > end)
        issued = (inv["issue"] >= self.p.start_day) & (inv["issue"] <= end)
        return float(inv["amount"][open_].sum()), float(inv["amount"][issued].sum())

    # ------------------------------------------------------------------ CLV, cost, activity
    def clv_guide(self) -> float:
        """Revenue of the 12 months ending with the period / customers with revenue × lifespan."""
        if self.d.subs is None and self.d.orders is None:
            raise _needs("Subscriptions", "Orders")
        first = self.p.last - 11
        data_first = self.d.extent[0]
        if first < data_first:
            raise UndefinedResultError(
                f"undefined: needs 12 months of revenue up to {_month_text(self.p.last)}, "
                f"the data starts in {_month_text(data_first)}"
            )
        revenue, paid = 0.0, np.zeros(self.d.n_ids, dtype=bool)
        if self.d.subs is not None:
            for month in range(first, self.p.last + 1):
                column = self.d.mrr_column(month)
                revenue += float(column.sum())
                paid[self.d.subs["owner"][column > 0]] = True
        if self.d.orders is not None and self.d.orders["amount"] is not None:
            amount, ids = self.order_revenue(_month_day(first), self.p.end_day)
            revenue += amount
            paid[ids] = True
        return M.customer_lifetime_value(revenue, int(paid.sum()), self.lifespan_years())

    def gross_margin(self) -> float:
        margin = self.settings.get("gross_margin")
        return 1.0 if margin is None else margin

    def clv_churn(self) -> float:
        arpa = M.average_revenue_per_account(self.mrr * self.p.months, self.paying_end)
        return M.customer_lifetime_value_from_churn(arpa, self.gross_margin(), self.churn)

    def retention_cost(self) -> float:
        if self.d.costs is None:
            raise _needs("Costs")
        if self.d.segment is not None:
            raise _Missing("no_segment_costs")
        months = range(self.p.first, self.p.last + 1)
        absent = [m for m in months if m not in self.d.costs.index]
        if absent:
            raise UndefinedResultError(f"undefined: Costs has no row for {_month_text(absent[0])}")
        spend = float(self.d.costs.loc[list(months)].sum())
        return M.customer_retention_cost(spend, self.S + self.N)

    def dau_mau(self) -> float:
        if self.d.activity is None:
            raise _needs("Activity")
        if self.d.segment is not None:
            raise _Missing("no_segment_activity")
        if len(self.d.activity["day"]) == 0:
            raise UndefinedResultError("undefined: no activity")
        table = self.d.dau_mau_table
        if self.p.last not in table.index:
            raise UndefinedResultError(f"undefined: no Activity in {_month_text(self.p.last)}")
        row = table.loc[self.p.last]
        return M.dau_mau(float(row["average_dau"]), int(row["mau"]))


# --------------------------------------------------------------------------- the KPIs


@dataclass(frozen=True)
class KpiSpec:
    """One KPI: its key (also the i18n label key), unit, direction and how it is computed.

    ``functions`` are the metric functions whose docstrings define it (the Definitions sheet
    quotes them); ``trend`` says whether it is in the monthly trend.
    """

    key: str
    unit: str
    better: int
    compute: Callable[[_Facts], float]
    functions: tuple[Callable, ...] = ()
    trend: bool = False
    caution: str | None = None  # i18n key of a note shown beside the value
    definition: str | None = None  # i18n key of the definition when no function defines it


def _mv(f: _Facts) -> dict[str, float]:
    return f.movements


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("customers_start", "count", 0, lambda f: f.S, definition="def_customers"),
    KpiSpec("customers_new", "count", 1, lambda f: f.N, definition="def_customers"),
    KpiSpec("customers_end", "count", 1, lambda f: f.E, trend=True, definition="def_customers"),
    KpiSpec("customers_lost", "count", -1, lambda f: f.L, definition="def_customers"),
    KpiSpec("crr", "%", 1, lambda f: M.customer_retention_rate(f.S, f.E, f.N_at_end),
            (M.customer_retention_rate,), trend=True),
    KpiSpec("churn", "%", -1, lambda f: f.churn, (M.customer_churn_rate,), trend=True),
    KpiSpec("churn_annualised", "%", -1,
            lambda f: M.annualized_churn_rate(f.churn, f.p.periods_per_year),
            (M.annualized_churn_rate,)),
    KpiSpec("mrr", "money", 1, lambda f: f.mrr, trend=True, definition="def_mrr"),
    KpiSpec("arpa", "money", 1, lambda f: f.arpa, (M.average_revenue_per_account,), trend=True),
    KpiSpec("revenue_churn_guide", "%", -1,
            lambda f: M.revenue_churn_rate(_mv(f)["start_mrr"], f.existing_end_mrr, _mv(f)["expansion"]),
            (M.revenue_churn_rate,), caution="erratum_revenue_churn"),
    KpiSpec("gross_revenue_churn", "%", -1,
            lambda f: M.gross_revenue_churn_rate(_mv(f)["start_mrr"], _mv(f)["churned"], _mv(f)["contraction"]),
            (M.gross_revenue_churn_rate,), trend=True),
    KpiSpec("net_revenue_churn", "%", -1,
            lambda f: M.net_revenue_churn_rate(_mv(f)["start_mrr"], _mv(f)["churned"],
                                               _mv(f)["contraction"], _mv(f)["expansion"]),
            (M.net_revenue_churn_rate,), trend=True),
    KpiSpec("grr", "%", 1,
            lambda f: M.gross_revenue_retention(_mv(f)["start_mrr"], _mv(f)["churned"], _mv(f)["contraction"]),
            (M.gross_revenue_retention,), trend=True),
    KpiSpec("nrr", "%", 1,
            lambda f: M.net_revenue_retention(_mv(f)["start_mrr"], _mv(f)["churned"],
                                              _mv(f)["contraction"], _mv(f)["expansion"]),
            (M.net_revenue_retention,), trend=True),
    KpiSpec("existing_revenue_growth", "%", 1,
            lambda f: M.existing_customer_revenue_growth(_mv(f)["start_mrr"], f.existing_end_mrr),
            (M.existing_customer_revenue_growth,)),
    KpiSpec("quick_ratio", "ratio", 1,
            lambda f: M.quick_ratio(_mv(f)["new"] + _mv(f)["reactivation"], _mv(f)["expansion"],
                                    _mv(f)["churned"], _mv(f)["contraction"]),
            (M.quick_ratio,), trend=True),
    KpiSpec("repeat_purchase_ratio", "%", 1,
            lambda f: M.repeat_purchase_ratio(f.repeat.repeat, f.repeat.total),
            (M.repeat_purchase_ratio,), trend=True),
    KpiSpec("loyal_customer_rate", "%", 1,
            lambda f: M.loyal_customer_rate(f.repeat.repeat, f.repeat.total),
            (M.loyal_customer_rate,)),
    KpiSpec("time_between_purchases", "days", -1, lambda f: f.time_between_purchases(),
            (M.time_between_purchases,)),
    KpiSpec("return_rate", "%", -1, lambda f: f.return_rate(), (M.product_return_rate,), trend=True),
    KpiSpec("dso", "days", -1,
            lambda f: M.days_sales_outstanding(*f.receivables, f.days_in_data),
            (M.days_sales_outstanding,), trend=True),
    KpiSpec("nps", "points", 1, lambda f: f.nps_counts.score, (M.net_promoter_score,), trend=True),
    KpiSpec("nps_moe", "points", 0,
            lambda f: f.nps_counts.margin_of_error(f.settings["confidence"]), (M.nps_margin_of_error,)),
    KpiSpec("nps_answers", "answers", 0, lambda f: f.nps_counts.responses,
            definition="def_nps_answers"),
    KpiSpec("clv", "money", 1, lambda f: f.clv_guide(), (M.customer_lifetime_value, customer_lifetime)),
    KpiSpec("clv_churn", "money", 1, lambda f: f.clv_churn(), (M.customer_lifetime_value_from_churn,)),
    KpiSpec("retention_cost", "money", 0, lambda f: f.retention_cost(), (M.customer_retention_cost,)),
    KpiSpec("dau_mau", "%", 1, lambda f: f.dau_mau(), (M.dau_mau,), trend=True),
)


def _evaluate(spec: KpiSpec, facts: _Facts, lang: str) -> tuple[float, str | None]:
    """(value, None) or (NaN, the reason it is blank).

    A period that starts before the data (the previous period of the data's first month, the
    trend's early months) is blank: counting it would make zeros up.
    """
    data_first = facts.d.extent[0]
    if facts.p.first < data_first:
        return np.nan, i18n.text(lang, "before_data", start=_month_text(data_first))
    try:
        return float(spec.compute(facts)), None
    except _Missing as missing:
        return np.nan, missing.note(lang)
    except MetricError as error:
        return np.nan, str(error)


# --------------------------------------------------------------------------- definitions

_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


def definition_of(function: Callable) -> str:
    """A metric function's definition in one line: its summary and its formula sentence.

    The formula sentence is the first sentence of the first paragraph after the summary
    that writes a formula (has ``=`` or ``/``); a summary that already holds the formula
    (``ARPA: revenue / customers``) stands alone.
    """
    doc = inspect.getdoc(function) or ""
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    if not paragraphs:
        return ""
    summary = paragraphs[0]
    for paragraph in paragraphs[1:]:
        if "=" in paragraph or " / " in paragraph:
            sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
            return f"{summary} {sentence}"
    return summary


def _definitions(lang: str) -> pd.DataFrame:
    rows = []
    for spec in KPIS:
        if spec.functions:
            text = " ".join(definition_of(fn) for fn in spec.functions)
            source = ", ".join(f"{fn.__module__}.{fn.__name__}" for fn in spec.functions)
        else:
            text, source = i18n.text(lang, spec.definition), "addin.report"
        rows.append({"label": i18n.text(lang, spec.key), "definition": text,
                     "source_function": source})
    for rule in ("rule_customers", "rule_mrr", "rule_orders", "rule_nps_dso", "rule_other",
                 "rule_whatif", "rule_clv"):
        rows.append({
            "label": i18n.text(lang, f"{rule}_label"),
            "definition": i18n.text(lang, rule),
            "source_function": "addin.report",
        })
    return pd.DataFrame(rows, columns=["label", "definition", "source_function"])


# --------------------------------------------------------------------------- the tables


def _month_dates(months) -> list[pd.Timestamp]:
    return [pd.Timestamp(_day_date(_month_day(m))) for m in months]


def _kpi_table(facts: Callable[[Period], _Facts], period: Period, lang: str,
               settings: dict) -> pd.DataFrame:
    current, previous = facts(period), facts(period.previous)
    rows = []
    for spec in KPIS:
        now, note_now = _evaluate(spec, current, lang)
        before, note_before = _evaluate(spec, previous, lang)
        notes = []
        if note_now:
            notes.append(note_now)
        if note_before and note_before != note_now:
            notes.append(i18n.text(lang, "previous_prefix") + note_before)
        if spec.caution and not note_now:
            notes.append(i18n.text(lang, spec.caution))
        if spec.key == "clv_churn" and settings.get("gross_margin") is None and not note_now:
            notes.append(i18n.text(lang, "default_margin"))
        rows.append({
            "key": spec.key,
            "label": i18n.text(lang, spec.key),
            "unit": spec.unit,
            "better": spec.better,
            "current": now,
            "previous": before,
            "change": now - before,  # NaN when either is blank
            "note": "; ".join(notes),
        })
    return pd.DataFrame(rows, columns=["key", "label", "unit", "better", "current", "previous",
                                       "change", "note"])


def _window(data: _Data, period: Period) -> range:
    """The months of the monthly tables: up to TREND_MONTHS ending with the period."""
    return range(max(period.last - TREND_MONTHS + 1, data.extent[0]), period.last + 1)


def _trend(facts: Callable[[Period], _Facts], data: _Data, period: Period, lang: str) -> pd.DataFrame:
    specs = [s for s in KPIS if s.trend]
    probe = facts(period)
    available = []
    for spec in specs:  # leave out the KPIs whose table (or segment split) is missing
        try:
            spec.compute(probe)
        except _Missing:
            continue
        except MetricError:
            pass
        available.append(spec)
    months = _window(data, period)
    columns: dict[str, list] = {"month": _month_dates(months)}
    for spec in available:
        columns[spec.key] = []
    for month in months:
        month_facts = facts(Period("month", month, month))
        for spec in available:
            columns[spec.key].append(_evaluate(spec, month_facts, lang)[0])
    return pd.DataFrame(columns)


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def _cohorts(data: _Data, period: Period) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """(logos, revenue, source table) cohort matrices up to the period end."""
    if data.subs is not None and len(data.subs["month"]):
        subs = data.subs
        keep = (subs["month"] <= period.last) & (subs["mrr"] > 0)
        ids, when = subs["ids"][keep], subs["month"][keep].astype("datetime64[M]")
        values, source = subs["mrr"][keep], "Subscriptions"
    elif data.orders is not None and len(data.orders["day"]):
        orders = data.orders
        keep = orders["day"] <= period.end_day
        ids, when = orders["ids"][keep], orders["day"][keep].astype("datetime64[D]")
        values = orders["amount"][keep] if orders["amount"] is not None else None
        source = "Orders"
    else:
        return _empty(["cohort", "size"]), _empty(["cohort", "size"]), None

    def matrix(**kwargs) -> pd.DataFrame:
        try:
            table = M.cohort_retention(ids, when, **kwargs)
        except MetricError:
            return _empty(["cohort", "size"])
        table = table.iloc[-TREND_MONTHS:]
        ages = [c for c in table.columns if c != "size"][:TREND_MONTHS]
        table = table[["size", *ages]].reset_index()
        table = table.dropna(axis=1, how="all")
        return table

    logos = matrix()
    revenue = matrix(values=values) if values is not None else _empty(["cohort", "size"])
    return logos, revenue, source


def _mrr_movements(data: _Data, period: Period) -> pd.DataFrame:
    columns = ["month", "start_mrr", "new", "expansion", "reactivation", "contraction", "churned",
               "end_mrr"]
    if data.subs is None:
        return _empty(columns)
    table = data.monthly_movements
    table = table[table.index <= period.last].iloc[-TREND_MONTHS:].reset_index(drop=True)
    # losses as negative numbers: the stacked chart shows them below the axis and
    # start + the movements = end reads straight across a row
    table["contraction"] = -table["contraction"]
    table["churned"] = -table["churned"]
    return table[columns]


def _nps_tables(facts: Callable[[Period], _Facts], data: _Data, period: Period, lang: str,
                settings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    distribution_columns = ["score", "group", "answers", "share"]
    monthly_columns = ["month", "promoters", "passives", "detractors", "answers", "nps", "nps_moe"]
    if data.nps is None:
        return _empty(distribution_columns), _empty(monthly_columns)
    try:
        total = facts(period).nps_counts.responses  # the core checks every answer is 0-10
    except MetricError:
        distribution = _empty(distribution_columns)
    else:
        scores = facts(period).nps_scores
        tally = np.bincount(scores[~np.isnan(scores)].astype(np.int64), minlength=11)
        groups = ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
        distribution = pd.DataFrame({
            "score": np.arange(11),
            "group": [i18n.text(lang, g) for g in groups],
            "answers": tally,
            "share": tally / total if total else np.full(11, np.nan),
        })
    rows = []
    for month in _window(data, period):
        try:
            counts = facts(Period("month", month, month)).nps_counts
        except MetricError:
            continue
        try:
            score, moe = counts.score, counts.margin_of_error(settings["confidence"])
        except UndefinedResultError:
            score = moe = np.nan
        rows.append({"month": _month_dates([month])[0], "promoters": counts.promoters,
                     "passives": counts.passives, "detractors": counts.detractors,
                     "answers": counts.responses, "nps": score, "nps_moe": moe})
    return distribution, pd.DataFrame(rows, columns=monthly_columns)


_BUCKETS = (("bucket_current", None, 0), ("bucket_1_30", 1, 30), ("bucket_31_60", 31, 60),
            ("bucket_61_90", 61, 90), ("bucket_90", 91, None))


def _ageing(data: _Data, period: Period, lang: str) -> pd.DataFrame:
    columns = ["bucket", "invoices", "amount", "share"]
    inv = data.invoices
    if inv is None:
        return _empty(columns)
    end = period.end_day
    open_ = (inv["issue"] <= end) & (inv["paid"] > end)
    late = end - inv["due"][open_]
    amount = inv["amount"][open_]
    total = float(amount.sum())
    rows = []
    for key, low, high in _BUCKETS:
        mask = np.ones(len(late), dtype=bool)
        if low is not None:
            mask &= late >= low
        if high is not None:
            mask &= late <= high
        money = float(amount[mask].sum())
        rows.append({"bucket": i18n.text(lang, key), "invoices": int(mask.sum()), "amount": money,
                     "share": money / total if total else np.nan})
    rows.append({"bucket": i18n.text(lang, "total"), "invoices": int(open_.sum()), "amount": total,
                 "share": 1.0 if total else np.nan})
    return pd.DataFrame(rows, columns=columns)


_TABLES = ("Customers", "Subscriptions", "Orders", "NPS", "Invoices", "Activity", "Costs")


def _quality(data: RetentionData, lang: str) -> pd.DataFrame:
    columns = ["table", "rows_read", "rows_kept", "rows_dropped", "reason"]
    quality = getattr(data, "quality", None)
    frame = (quality[[c for c in columns if c in quality.columns]].copy()
             if isinstance(quality, pd.DataFrame) and len(quality) else _empty(columns))
    for column in columns:
        if column not in frame:
            frame[column] = np.nan
    present = set(data.tables)
    missing = [t for t in _TABLES if t not in present]
    extra = pd.DataFrame([{"table": t, "rows_read": 0, "rows_kept": 0, "rows_dropped": 0,
                           "reason": i18n.text(lang, "not_provided")} for t in missing],
                         columns=columns)
    return pd.concat([frame[columns], extra], ignore_index=True) if missing else frame[columns]


# --------------------------------------------------------------------------- why retention pays

_WHATIF_COLUMNS = ["key", "label", "unit", "today", "cut_10", "cut_20", "cut_30", "note"]
_TOP_COLUMNS = ["customer_id", "clv", "share", "cumulative_share", "p_alive",
                "expected_purchases", "expected_spend"]


def _retention_whatif(facts: _Facts, lang: str, settings: dict) -> pd.DataFrame:
    """The template's what-if on the period's numbers: the value, ROI and profit uplift of
    cutting the period's churn by each of WHATIF_CUTS (every number from addin.metrics)."""
    t = lambda key: i18n.text(lang, key)  # noqa: E731
    periods = facts.p.periods_per_year

    def measured(compute: Callable[[], float]) -> tuple[float, str | None]:
        try:
            return float(compute()), None
        except _Missing as missing:
            return np.nan, missing.note(lang)
        except MetricError as error:
            return np.nan, str(error)

    base, base_note = measured(lambda: facts.E)
    churn, churn_note = measured(lambda: facts.churn)
    arpa, arpa_note = measured(
        lambda: M.average_revenue_per_account(facts.mrr * facts.p.months, facts.paying_end))
    margin = facts.gross_margin()
    cost = settings.get("program_cost")
    cost = np.nan if cost is None else float(cost)

    def safe(compute: Callable[[], float], *inputs: float) -> tuple[float, str | None]:
        if any(np.isnan(x) for x in inputs):
            return np.nan, None
        return measured(compute)

    def retention(c: float) -> tuple[float, str | None]:
        return safe(lambda: 1.0 - M.annualized_churn_rate(c, periods), c)

    cuts = [(churn * k, churn * (1.0 - k)) if not np.isnan(churn) else (np.nan, np.nan)
            for k in WHATIF_CUTS]
    r_today, _ = retention(churn)
    rows: list[tuple[str, str, list[tuple[float, str | None]], str | None]] = []

    def row(key: str, unit: str, cells: list[tuple[float, str | None]], note: str | None):
        rows.append((key, unit, cells, note))

    blank = (np.nan, None)
    row("customers", "count", [(base, base_note)], None)
    row("churn", "%", [(churn, churn_note)] + [(after, None) for _, after in cuts],
        t("whatif_note_churn"))
    row("retention", "%", [(r_today, None)] + [retention(after) for _, after in cuts],
        t("whatif_note_retention"))
    margin_note = t("whatif_note_margin") if settings.get("gross_margin") is not None \
        else t("default_margin")
    row("margin", "%", [(margin, None)], margin_note)
    row("arpa", "money", [(arpa, arpa_note)], t("whatif_note_arpa"))
    row("clv", "money",
        [safe(lambda: M.customer_value(arpa, margin, churn), arpa, churn)]
        + [safe(lambda a=after: M.customer_value(arpa, margin, a), arpa, after)
           for _, after in cuts],
        t("whatif_note_clv"))
    values = [safe(lambda r=cut: M.retention_value(base, arpa, margin, churn, r),
                   base, arpa, churn) for cut, _ in cuts]
    row("value", "money", [blank] + values, t("whatif_note_value"))
    row("cost", "money", [(cost, None)],
        t("no_program_cost") if np.isnan(cost) else t("whatif_note_cost"))
    rois = [safe(lambda r=cut: M.retention_roi(base, arpa, margin, churn, r, cost),
                 base, arpa, churn, cost) for cut, _ in cuts]
    row("roi", "%", [blank] + rois, t("whatif_note_roi"))
    for years in UPLIFT_YEARS:
        uplifts = []
        for _, after in cuts:
            r_after, _ = retention(after)
            uplifts.append(safe(lambda ra=r_after: M.profit_uplift(r_today, ra - r_today, years),
                                r_today, r_after))
        row(f"uplift_{years}", "%", [blank] + uplifts, t("whatif_note_uplift"))

    records = []
    for key, unit, cells, note in rows:
        cells = cells + [blank] * (1 + len(WHATIF_CUTS) - len(cells))
        reasons = [why for _, why in cells if why]
        records.append({
            "key": key,
            "label": t(f"whatif_{key}"),
            "unit": unit,
            "today": cells[0][0],
            **{f"cut_{round(k * 100)}": cells[1 + i][0] for i, k in enumerate(WHATIF_CUTS)},
            "note": reasons[0] if reasons else (note or ""),
        })
    return pd.DataFrame(records, columns=_WHATIF_COLUMNS)


def _number_text(lang: str, value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "it" else text


def _customer_value(data: _Data, period: Period, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """(the TOP_CUSTOMERS customers by predicted CLV, notes): BG/NBD + Gamma-Gamma fitted to
    the Orders up to the period end (or the data's last day, if earlier), forecast over
    CLV_HORIZON_WEEKS weeks. An empty table and the reason when it cannot be fitted."""
    t = lambda key, **values: i18n.text(lang, key, **values)  # noqa: E731
    empty = _empty(_TOP_COLUMNS)
    if data.orders is None:
        return empty, [_needs("Orders").note(lang)]
    orders = data.orders
    if orders["amount"] is None:
        return empty, [_Missing("needs_columns", columns="amount", table="Orders").note(lang)]
    end_day = min(period.end_day, data.extent[1])
    end = _day_date(end_day).isoformat()
    stop = int(np.searchsorted(orders["day"], end_day, "right"))
    amount = orders["amount"][:stop]
    negative = amount < 0  # NaN compares False: a blank amount is the core's to skip
    keep = ~negative
    notes = []
    if negative.any():
        notes.append(t("clv_negative", n=int(negative.sum())))
    if not keep.any():
        return empty, [t("clv_no_orders", end=end), *notes]
    ids = data.id_values[orders["ids"][:stop][keep]]
    days = orders["day"][:stop][keep].astype("datetime64[D]")
    amount = amount[keep]
    try:
        model = M.fit_clv_model(ids, days, amount, calibration_end=end, time_unit="W")
        forecast = M.forecast_clv(model, CLV_HORIZON_WEEKS)
    except MetricError as error:
        try:
            summary = M.rfm_summary(ids, days, amount, calibration_end=end, time_unit="W")
        except MetricError:
            summary = None
        repeat = None if summary is None else int((summary["frequency"] > 0).sum())
        if repeat is not None and repeat < M.MIN_REPEAT_BUYERS:
            reason = t("clv_too_few", needed=M.MIN_REPEAT_BUYERS, end=end, have=repeat,
                       customers=len(summary))
        else:
            reason = t("clv_no_model", reason=str(error))
        return empty, [reason, *notes]
    total = float(forecast["clv"].sum())
    top = forecast.head(TOP_CUSTOMERS).reset_index(drop=True)
    share = top["clv"] / total if total > 0 else pd.Series(np.nan, index=top.index)
    table = pd.DataFrame({
        "customer_id": top["customer_id"],
        "clv": top["clv"],
        "share": share,
        "cumulative_share": share.cumsum(),
        "p_alive": top["p_alive"],
        "expected_purchases": top["expected_purchases"],
        "expected_spend": top["expected_spend"],
    }, columns=_TOP_COLUMNS)
    bg = model.bg_nbd
    lines = [t("clv_model_note", end=end, customers=_number_text(lang, bg.customers),
               repeat=_number_text(lang, bg.repeat_buyers))]
    if total > 0:
        held = float(top["clv"].sum())
        lines.append(t("clv_top_share", n=len(top),
                       share=_number_text(lang, 100 * held / total, 1) + " %",
                       top=_number_text(lang, held), total=_number_text(lang, total)))
    if model.spend_excluded:
        lines.append(t("clv_spend_excluded", n=model.spend_excluded))
    if model.skipped:
        lines.append(t("clv_skipped", n=model.skipped))
    return table, lines + notes


# --------------------------------------------------------------------------- entry point


def _choose_segment(tables: dict[str, pd.DataFrame], segment: str | None) -> str | None:
    """The segment as spelled in Customers.segment (matched ignoring case), or None for all."""
    if segment is None or segment == "":
        return None
    customers = tables.get("Customers")
    if customers is None or "segment" not in customers.columns:
        raise InvalidInputError(
            f"segment {segment!r} needs the segment column of the Customers table, which the data lacks"
        )
    segments = sorted({str(v) for v in customers["segment"].dropna().unique() if str(v).strip()})
    if segment in segments:
        return segment
    folded = [s for s in segments if s.casefold() == segment.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InvalidInputError(
        f"segment {segment!r} is not in the data; its segments are {', '.join(segments)}"
    )


def build_report(data: RetentionData, period: str | Period | None = None, segment: str | None = None,
                 lang: str = "en", settings: dict | None = None, *,
                 progress: Callable[[str], None] | None = None) -> Report:
    """The retention report of ``period`` (default: the last complete month) for ``segment``.

    ``data`` is a :class:`addin.data.RetentionData` (anything with a ``tables`` dict of
    DataFrames and, optionally, ``quality``, ``notes`` and ``source``). ``settings``:
    ``gross_margin`` (a fraction, for CLV from churn and the what-if; default 100 % with a
    note), ``program_cost`` (of the retention programme, for the what-if's ROI; default none:
    the ROI is n/a with a note) and ``confidence`` (of the NPS margin of error, default 0.95). ``progress`` is called with
    the name of each step as it starts.

    Raises InvalidInputError for a bad period, segment or language, or a period outside the
    data.
    """
    lang = i18n.check_language(lang)
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    step = progress or (lambda name: None)

    step("prepare")
    tables = dict(getattr(data, "tables", {}) or {})
    chosen = _choose_segment(tables, segment)
    prepared = _Data(tables, chosen)
    if prepared.extent is None:
        raise InvalidInputError("the data has no dated rows: nothing to report")
    first, last_day, data_last_month, complete = prepared.extent
    notes: list[str] = [] if lang == "en" else [i18n.text(lang, "language_note")]
    if period is None:
        the_period = Period("month", complete, complete)
        notes.append(i18n.text(lang, "default_period", period=the_period.label))
    else:
        the_period = period if isinstance(period, Period) else parse_period(period)
    if the_period.first < first <= the_period.last:
        raise InvalidInputError(
            f"period {the_period.label} starts before the data, which starts in "
            f"{_month_text(first)}: choose a period from {_month_text(first)} on"
        )
    if the_period.last < first or the_period.first > data_last_month:
        raise InvalidInputError(
            f"period {the_period.label} is outside the data, which runs from "
            f"{_month_text(first)} to {_month_text(data_last_month)}"
        )
    if the_period.end_day > last_day:
        notes.append(i18n.text(lang, "incomplete_period", period=the_period.label,
                               end=_day_date(last_day).isoformat()))

    known: dict[Period, _Facts] = {}

    def facts(of: Period) -> _Facts:
        """One _Facts per period: the trend's months reuse the KPIs' counts and the reverse."""
        if of not in known:
            known[of] = _Facts(prepared, of, settings)
        return known[of]

    step("KPIs")
    kpis = _kpi_table(facts, the_period, lang, settings)
    step("trend")
    trend = _trend(facts, prepared, the_period, lang)
    step("cohorts")
    logos, revenue, cohort_source = _cohorts(prepared, the_period)
    if cohort_source:
        notes.append(i18n.text(lang, "cohort_source", table=cohort_source))
    step("MRR movements")
    movements = _mrr_movements(prepared, the_period)
    if len(movements) == 0 and prepared.subs is not None:
        notes.append(i18n.text(lang, "no_movements"))
    step("NPS")
    distribution, nps_monthly = _nps_tables(facts, prepared, the_period, lang, settings)
    step("ageing")
    ageing = _ageing(prepared, the_period, lang)
    step("retention ROI")
    whatif = _retention_whatif(facts(the_period), lang, settings)
    step("predictive CLV")
    top_customers, clv_notes = _customer_value(prepared, the_period, lang)

    source = str(getattr(data, "source", "") or "")
    t = lambda key: i18n.text(lang, key)  # noqa: E731
    data_range = f"{_day_date(_month_day(first)).isoformat()} / {_day_date(last_day).isoformat()}"
    meta = pd.DataFrame({
        "label": [t("period"), t("previous_period"), t("segment"), t("source"), t("data_range")],
        "value": [f"{the_period.label} ({the_period.start.isoformat()} / {the_period.end.isoformat()})",
                  the_period.previous.label, chosen if chosen is not None else t("all_segments"),
                  source, data_range],
    })
    return Report(
        period=the_period,
        previous=the_period.previous,
        segment=chosen,
        lang=lang,
        source=source,
        data_start=_day_date(_month_day(first)),
        data_end=_day_date(last_day),
        meta=meta,
        kpis=kpis,
        trend=trend,
        cohorts_logos=logos,
        cohorts_revenue=revenue,
        mrr_movements=movements,
        nps_distribution=distribution,
        nps_monthly=nps_monthly,
        ageing=ageing,
        quality=_quality(data, lang),
        definitions=_definitions(lang),
        notes=notes,
        data_notes=[str(n) for n in (getattr(data, "notes", None) or [])],
        retention_whatif=whatif,
        clv_notes=clv_notes,
        top_customers=top_customers,
    )
