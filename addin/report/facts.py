"""One period's facts: the counts the metric core needs, computed once and on first use.

:class:`PeriodFacts` counts customers at the start, new, at the end and lost; MRR and its
movements; the period's orders, NPS answers and receivables; revenue for CLV; the retention
spend and DAU/MAU. Each count is computed the first time a KPI asks for it, so that the KPIs,
the trend and the what-if share them. A count whose table is missing raises
:class:`~addin.report.missing.Missing`; the core raises its own errors.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .. import metrics as M
from ..metrics.roi import customer_lifetime
from .missing import Missing, Undefined, needs
from .model import Quantity
from .period import Period, month_dates
from .prepared import PreparedData, rows_between


def _month(month: int) -> Quantity:
    """A month number as a month in a note ("Sep 26")."""
    return Quantity(month_dates([month])[0], "month")


class PeriodFacts:
    """Counts of one period, computed on first use and handed to the metric core."""

    def __init__(self, data: PreparedData, period: Period, settings: dict):
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
        raise needs("Customers", "Subscriptions")

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
        """Customer churn rate of the period: L / S."""
        return M.customer_churn_rate(self.S, self.L)

    @property
    def days_in_data(self) -> int:
        """Days of the period the data covers: a period running past the data's last day
        counts only the days up to it (its invoices stop there too)."""
        return min(self.p.end_day, self.d.extent[1]) - self.p.start_day + 1

    def lifespan_years(self) -> float:
        """Expected customer lifetime in years, from the period's churn."""
        return customer_lifetime(self.churn) / self.p.periods_per_year

    # ------------------------------------------------------------------ MRR
    def _subs(self) -> dict:
        if self.d.subs is None:
            raise needs("Subscriptions")
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
        """Subscribers paying in the period's last month."""
        self._subs()
        return int((self.d.mrr_column(self.p.last) > 0).sum())

    @property
    def mrr(self) -> float:
        """MRR of the period's last month."""
        return self.movements["end_mrr"]

    @property
    def arpa(self) -> float:
        """Average MRR per paying account in the period's last month."""
        return M.average_revenue_per_account(self.mrr, self.paying_end)

    def period_arpa(self) -> float:
        """Revenue per paying account over the whole period (the MRR × its months): the ARPA
        of CLV from churn and of the what-if, whose churn is the period's."""
        return M.average_revenue_per_account(self.mrr * self.p.months, self.paying_end)

    # ------------------------------------------------------------------ orders
    def _orders(self, *columns: str) -> dict:
        if self.d.orders is None:
            raise needs("Orders")
        missing = [c for c in columns if self.d.orders[c] is None]
        if missing:
            # the note names the table's columns (prepared.py keeps units_returned as "returned")
            named = ["units_returned" if c == "returned" else c for c in missing]
            raise Missing("needs_columns", columns=", ".join(named), table="Orders")
        return self.d.orders

    @cached_property
    def order_slice(self) -> slice:
        """The monthly order facts of the period's months (sorted by month)."""
        return rows_between(self._orders()["month"], self.p.first, self.p.last)

    @cached_property
    def buyers_orders(self) -> np.ndarray:
        """Mask over the order facts up to the period end: those of the period's buyers."""
        orders, cut = self._orders(), self.order_slice
        bought = np.zeros(self.d.n_ids, dtype=bool)
        bought[orders["ids"][cut]] = True
        return bought[orders["ids"][:cut.stop]]

    def _buyers(self, column: str) -> np.ndarray:
        """``column`` of the order facts of the period's buyers, up to the period end."""
        orders, stop = self._orders(), self.order_slice.stop
        return orders[column][:stop][self.buyers_orders]

    @cached_property
    def buyer_codes(self) -> np.ndarray:
        """Mask over the customer codes: the period's buyers (counted over the codes, not
        with np.unique: no sort of the buyers' facts each period)."""
        return np.bincount(self._buyers("ids").astype(np.intp), minlength=self.d.n_ids) > 0

    @cached_property
    def repeat(self) -> M.RepeatCustomers:
        """The period's buyers (total) and those with two or more orders up to the period end."""
        ids = self._buyers("ids").astype(np.intp)
        orders = np.bincount(ids, weights=self._buyers("orders"), minlength=self.d.n_ids)
        return M.RepeatCustomers(int((orders >= 2).sum()), int(self.buyer_codes.sum()))

    def time_between_purchases(self) -> float:
        """Days between purchases (the core's) of the period's buyers, over their orders up to
        the period end: each buyer's first and last order day and their order days."""
        ids = self._buyers("ids")
        if not len(ids):
            raise Undefined("undefined_no_orders")
        # one slot per customer code (the buyers are those with a fact), in code order
        ids = ids.astype(np.intp)
        first = np.full(self.d.n_ids, np.iinfo(np.int64).max)
        last = np.full(self.d.n_ids, np.iinfo(np.int64).min)
        np.minimum.at(first, ids, self._buyers("first_day"))
        np.maximum.at(last, ids, self._buyers("last_day"))
        buyers = self.buyer_codes
        days = np.bincount(ids, weights=self._buyers("days"), minlength=self.d.n_ids)
        return M.time_between_purchases_from_spans(first[buyers], last[buyers],
                                                   days[buyers].astype(np.int64))

    def return_rate(self) -> float:
        """Units returned / units sold, of the period's orders."""
        orders = self._orders("units", "returned")
        cut = self.order_slice
        return M.product_return_rate(float(np.nansum(orders["returned"][cut])),
                                     float(np.nansum(orders["units"][cut])))

    def order_revenue(self, first: int, last: int) -> tuple[float, np.ndarray]:
        """(Orders' amount, the buyers' codes) of the months ``first`` to ``last``."""
        orders = self._orders("amount")
        rows = rows_between(orders["month"], first, last)
        return float(np.nansum(orders["amount"][rows])), orders["ids"][rows]

    # ------------------------------------------------------------------ NPS
    @cached_property
    def nps_tally(self) -> np.ndarray:
        """The period's answers of each score 0..10 (the core checks every score is 0-10)."""
        if self.d.nps is None:
            raise needs("NPS")
        nps = self.d.nps
        rows = rows_between(nps["month"], self.p.first, self.p.last)
        return M.nps_tally(nps["score"][rows], nps["answers"][rows])

    @cached_property
    def nps_counts(self) -> M.NpsCounts:
        """Promoters, passives and detractors of the period's answers."""
        tally = self.nps_tally
        return M.count_nps_tally(np.arange(11), tally)

    # ------------------------------------------------------------------ invoices
    @cached_property
    def receivables(self) -> tuple[float, float]:
        """(open at the period end, issued in the period)."""
        inv = self.d.invoices
        if inv is None:
            raise needs("Invoices")
        open_ = self.d.open_invoices(self.p.last)
        issued = (inv["issue_month"] >= self.p.first) & (inv["issue_month"] <= self.p.last)
        return float(inv["amount"][open_].sum()), float(inv["amount"][issued].sum())

    # ------------------------------------------------------------------ CLV, cost, activity
    def clv_guide(self) -> float:
        """Revenue of the 12 months ending with the period / customers with revenue × lifespan."""
        if self.d.subs is None and self.d.orders is None:
            raise needs("Subscriptions", "Orders")
        first = self.p.last - 11
        data_first = self.d.extent[0]
        if first < data_first:
            raise Undefined("undefined_12_months", end=_month(self.p.last),
                            start=_month(data_first))
        revenue, paid = 0.0, np.zeros(self.d.n_ids, dtype=bool)
        if self.d.subs is not None:
            months = self.d.mrr_months(first, self.p.last)
            revenue += float(months.sum())
            paid[self.d.subs["owner"][(months > 0).any(axis=1)]] = True
        if self.d.orders is not None and self.d.orders["amount"] is not None:
            amount, ids = self.order_revenue(first, self.p.last)
            revenue += amount
            paid[ids] = True
        return M.customer_lifetime_value(revenue, int(paid.sum()), self.lifespan_years())

    def gross_margin(self) -> float:
        """The gross margin setting, 100 % when none is given."""
        margin = self.settings.get("gross_margin")
        return 1.0 if margin is None else margin

    def clv_churn(self) -> float:
        """CLV from churn: period ARPA × gross margin / the period's churn."""
        return M.customer_lifetime_value_from_churn(self.period_arpa(), self.gross_margin(),
                                                    self.churn)

    def retention_cost(self) -> float:
        """Retention spend of the period's months / customers served (S + N)."""
        if self.d.costs is None:
            raise needs("Costs")
        if self.d.segment is not None:
            raise Missing("no_segment_costs")
        months = range(self.p.first, self.p.last + 1)
        absent = [m for m in months if m not in self.d.costs.index]
        if absent:
            raise Undefined("undefined_no_costs", month=_month(absent[0]))
        spend = float(self.d.costs.loc[list(months)].sum())
        return M.customer_retention_cost(spend, self.S + self.N)

    def dau_mau(self) -> float:
        """DAU / MAU of the period's last month."""
        if self.d.activity is None:
            raise needs("Activity")
        if self.d.segment is not None:
            raise Missing("no_segment_activity")
        if len(self.d.activity["day"]) == 0:
            raise Undefined("undefined_no_activity")
        table = self.d.dau_mau_table
        if self.p.last not in table.index:
            raise Undefined("undefined_no_activity_in", month=_month(self.p.last))
        row = table.loc[self.p.last]
        return M.dau_mau(float(row["average_dau"]), int(row["mau"]))
