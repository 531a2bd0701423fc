"""Predictive CLV: the BG/NBD and Gamma-Gamma models fitted to an order list.

=CLV_MODEL() spills the fitted parameters, =CLV_FORECAST() the value of each customer. When
no model can be fitted they show the reason, not a bare ``#DIV/0!``. Each converts the Excel
values (:mod:`addin.udfs.values`) and calls the metric core (:mod:`addin.metrics`).
"""

from __future__ import annotations

import xlwings as xw

from .. import metrics as m
from ..cells import spill_rows
from . import values as ev
from .values import CATEGORY, DAYS, Cells, Result, excel_function

__all__ = ["CLV_MODEL", "CLV_FORECAST"]

_ORDER_IDS = "Customer id of each order (one row per order; rows with a blank are skipped)."
_ORDER_DATES = "Date of each order, same rows: date cells, serial numbers or text like 2026-09-30."
_AMOUNTS = "Amount of each order, same rows, 0 or more (net refunds off their orders)."
_CALIBRATION = "Last day of the history the model learns from; later orders are ignored. Blank: the latest order."
_TIME_UNIT = "Time unit of the model: W weeks (the default), D days or M months."


def _fit(customer_ids, order_dates, amounts, calibration_end, time_unit):
    return m.fit_clv_model(
        ev.cells("customer_ids", customer_ids),
        ev.cells("order_dates", order_dates),
        ev.cells("amounts", amounts),
        ev.scalar("calibration_end", calibration_end),
        ev.scalar("time_unit", time_unit, "W"),
    )


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc=_ORDER_IDS)
@xw.arg("order_dates", Cells, doc=_ORDER_DATES)
@xw.arg("amounts", Cells, doc=_AMOUNTS)
@xw.arg("calibration_end", Cells, doc=_CALIBRATION)
@xw.arg("time_unit", Cells, doc=_TIME_UNIT)
@xw.ret(Result, date_format=DAYS)
@excel_function(explain_undefined=True)
def CLV_MODEL(customer_ids, order_dates, amounts, calibration_end=None, time_unit="W"):
    """Fits BG/NBD (purchases) and Gamma-Gamma (spend) to an order list. Spills the parameters r, alpha, a, b, p, q, gamma with their names, log-likelihoods and counts. Needs 10+ repeat buyers; else the reason."""
    model = _fit(customer_ids, order_dates, amounts, calibration_end, time_unit)
    bg, gg = model.bg_nbd, model.gamma_gamma
    return [
        ["parameter", "value"],
        ["r", bg.r],
        ["alpha", bg.alpha],
        ["a", bg.a],
        ["b", bg.b],
        ["p", gg.p],
        ["q", gg.q],
        ["gamma", gg.gamma],
        ["BG/NBD log-likelihood", bg.log_likelihood],
        ["Gamma-Gamma log-likelihood", gg.log_likelihood],
        ["customers", bg.customers],
        ["repeat buyers", bg.repeat_buyers],
        ["spend model customers", gg.customers],
        ["left out of spend model (repeat spend 0)", model.spend_excluded],
        ["rows skipped (blank)", model.skipped],
        ["orders after calibration_end", model.ignored_orders],
        ["calibration_end", model.calibration_end.to_pydatetime()],
        ["time unit", model.time_unit],
    ]


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc=_ORDER_IDS)
@xw.arg("order_dates", Cells, doc=_ORDER_DATES)
@xw.arg("amounts", Cells, doc=_AMOUNTS)
@xw.arg("horizon", Cells, doc="Time units to forecast, a whole number: 52 weeks (the default) is a year.")
@xw.arg("discount_rate", Cells, doc="Discount rate per time unit, 0 (the default) for none: 10 % a year is about 0.0018 a week.")
@xw.arg("calibration_end", Cells, doc=_CALIBRATION)
@xw.arg("time_unit", Cells, doc=_TIME_UNIT)
@xw.ret(Result)
@excel_function(explain_undefined=True)
def CLV_FORECAST(customer_ids, order_dates, amounts, horizon=52, discount_rate=None,
                 calibration_end=None, time_unit="W"):
    """Predictive CLV per customer (BG/NBD + Gamma-Gamma). Spills a header, then one row per customer by CLV, largest first: id, P(alive), expected purchases and spend per purchase in the horizon, CLV."""
    model = _fit(customer_ids, order_dates, amounts, calibration_end, time_unit)
    frame = m.forecast_clv(
        model,
        ev.scalar("horizon", horizon, 52),
        ev.scalar("discount_rate", discount_rate, 0),
    )
    return spill_rows(frame, index=False)
