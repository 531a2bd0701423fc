"""Customer value: the predictive CLV of each customer and the most valuable customers.

A BG/NBD purchase model and a Gamma-Gamma spend model (:mod:`addin.metrics.predictive`) are
fitted to the Orders up to the period end and forecast each customer's value over the next
:data:`CLV_HORIZON_WEEKS` weeks; the report lists the :data:`TOP_CUSTOMERS` largest, with
notes on the fit or the reason there is none (:class:`~addin.report.model.Note` values that
carry the numbers; the renderer says them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import metrics as M
from ..errors import MetricError
from .missing import Missing, needs
from .model import TOP_COLUMNS, Note, Quantity, empty
from .period import Period, day_date, month_of_day
from .prepared import PreparedData

TOP_CUSTOMERS = 20  # rows of the most valuable customers
CLV_HORIZON_WEEKS = 52  # the predictive CLV's horizon


def _shown(data: PreparedData, customer: object) -> str:
    """A customer as the reader knows them: "Ann Smith (C0042)" where Customers names them,
    else the id."""
    name = data.names.get(customer)
    return f"{name} ({customer})" if name else str(customer)


def _rfm_summary(data: PreparedData, stop: int, sold: np.ndarray, end: str) -> pd.DataFrame:
    """The core's RFM table of the customers' sales in the first ``stop`` monthly order
    facts (those ``sold``): each customer's first and last sale day, sale days, the amount
    of their first sale day (of their first month with a sale) and of all their sales."""
    orders = data.orders
    pick = {k: orders[k][:stop][sold] for k in ("ids", "first_sale_day", "last_sale_day",
                                                  "sale_days", "first_sale_day_amount",
                                                  "sale_amount")}
    # by customer, then by month: a customer's first row is their first month with a sale
    order = np.lexsort((pick["first_sale_day"], pick["ids"]))
    pick = {k: v[order] for k, v in pick.items()}
    ids = pick["ids"]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    return M.rfm_summary_from_customers(
        data.id_values[ids[starts]], pick["first_sale_day"][starts],
        np.maximum.reduceat(pick["last_sale_day"], starts),
        np.add.reduceat(pick["sale_days"], starts), pick["first_sale_day_amount"][starts],
        np.add.reduceat(pick["sale_amount"], starts), end, time_unit="W")


def most_valuable_customers(data: PreparedData,
                            period: Period) -> tuple[pd.DataFrame, list[Note]]:
    """(the TOP_CUSTOMERS customers by predicted CLV, notes): BG/NBD + Gamma-Gamma fitted to
    the Orders up to the period end (or the data's last day, if earlier), forecast over
    CLV_HORIZON_WEEKS weeks. An empty table and the reason when it cannot be fitted."""
    no_table = empty(TOP_COLUMNS)
    if data.orders is None:
        return no_table, [needs("Orders").note]
    orders = data.orders
    if orders["amount"] is None:
        return no_table, [Missing("needs_columns", columns="amount", table="Orders").note]
    end_day = min(period.end_day, data.extent[1])
    end = day_date(end_day).isoformat()
    stop = int(np.searchsorted(orders["month"], month_of_day(end_day), "right"))
    notes = []
    refunds = int(orders["refunds"][:stop].sum())
    if refunds:  # a refund is not a purchase: the model fits the orders of 0 or more
        notes.append(Note("clv_negative", n=refunds))
    sold = orders["sale_days"][:stop] > 0
    if not sold.any():
        return no_table, [Note("clv_no_orders", end=end), *notes]
    summary = None
    try:
        summary = _rfm_summary(data, stop, sold, end)
        model = M.fit_clv_model_from_summary(summary)
        forecast = M.forecast_clv(model, CLV_HORIZON_WEEKS)
    except MetricError as error:
        repeat = None if summary is None else int((summary["frequency"] > 0).sum())
        if repeat is not None and repeat < M.MIN_REPEAT_BUYERS:
            reason = Note("clv_too_few", needed=M.MIN_REPEAT_BUYERS, end=end, have=repeat,
                          customers=len(summary))
        else:
            reason = Note("clv_no_model", reason=str(error))
        return no_table, [reason, *notes]
    total = float(forecast["clv"].sum())
    top = forecast.head(TOP_CUSTOMERS).reset_index(drop=True)
    share = top["clv"] / total if total > 0 else pd.Series(np.nan, index=top.index)
    table = pd.DataFrame({
        "customer_id": top["customer_id"],
        "customer": [_shown(data, customer) for customer in top["customer_id"]],
        "clv": top["clv"],
        "share": share,
        "cumulative_share": share.cumsum(),
        "p_alive": top["p_alive"],
        "expected_purchases": top["expected_purchases"],
        "expected_spend": top["expected_spend"],
    }, columns=TOP_COLUMNS)
    bg = model.bg_nbd
    lines = [Note("clv_model_note", end=end, customers=bg.customers, repeat=bg.repeat_buyers)]
    if total > 0:
        held = float(top["clv"].sum())
        lines.append(Note("clv_top_share", n=len(top), percent=100 * held / total,
                          top=Quantity(held, "money"), total=Quantity(total, "money")))
    if model.spend_excluded:
        lines.append(Note("clv_spend_excluded", n=model.spend_excluded))
    if model.skipped:
        lines.append(Note("clv_skipped", n=model.skipped))
    return table, lines + notes
