"""pycel plugin: our Excel functions, so pycel can evaluate the template's function cells.

``ExcelCompiler(..., plugins=["pycel_plugin"])`` resolves an Excel function FOO to ``foo`` in
this module. Each one forwards to the upper-case function of :mod:`addin.udfs`, converting
pycel's shapes to what xlwings' Office.js runtime hands a custom function (a range is a list
of row lists, a date a serial number, an error cell an error value) and the result back to
pycel's (an error is its text, a spilled table a tuple of row tuples).

Without :mod:`addin.udfs` (it did not exist when the template was first written) each name
falls back to the metric core in :mod:`addin.metrics`.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from addin.errors import InvalidInputError, UndefinedResultError

try:
    from addin import udfs
    from addin.udfs.values import ExcelError
except ImportError:  # pragma: no cover - before addin.udfs existed
    udfs = None
    ExcelError = None

_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
_EPOCH = dt.datetime(1899, 12, 30)


def _arg(value):
    """A pycel argument as Office.js sends it: ranges as lists of row lists."""
    if isinstance(value, (tuple, list)):
        return [_arg(v) for v in value]
    if isinstance(value, str) and value in _ERRORS and ExcelError is not None:
        return ExcelError(value)
    if isinstance(value, dt.datetime):
        return (value - _EPOCH).total_seconds() / 86400.0
    return value


def _cell(value):
    if ExcelError is not None and isinstance(value, ExcelError):
        return value.text
    if isinstance(value, (dt.datetime, dt.date)):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        return (value - _EPOCH).total_seconds() / 86400.0
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _result(value):
    if isinstance(value, (list, tuple)):
        rows = [row if isinstance(row, (list, tuple)) else [row] for row in value]
        width = max(len(row) for row in rows)
        return tuple(tuple(_cell(c) for c in row) + (None,) * (width - len(row)) for row in rows)
    return _cell(value)


def _forward(name: str):
    def call(*args):
        try:
            if udfs is not None:
                return _result(getattr(udfs, name)(*(_arg(a) for a in args)))
            return _result(_CORE[name](*(_arg(a) for a in args)))
        except UndefinedResultError:
            return "#DIV/0!"
        except (InvalidInputError, ValueError, TypeError):
            return "#VALUE!"
        except Exception as error:  # noqa: BLE001 - xlwings' input errors (ExcelInputError)
            if type(error).__name__ == "ExcelInputError":
                return "#VALUE!"
            raise

    call.__name__ = name.lower()
    return call


def _core():
    """Fallback: the same names on the metric core (scalars, or flat lists for ranges)."""
    from addin import metrics as m
    from addin.cells import spill_rows as table

    def flat(value):
        if isinstance(value, list):
            return [c for row in value for c in (row if isinstance(row, list) else [row])]
        return value

    def one(value):
        value = flat(value)
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    def ranged(value):
        return isinstance(value, list) and len(flat(value)) > 1

    return {
        "CRR": lambda s, e, n: m.customer_retention_rate(one(s), one(e), one(n)),
        "CHURN_RATE": lambda s, lost: m.customer_churn_rate(one(s), one(lost)),
        "ANNUALIZED_CHURN": lambda r, k=12: m.annualized_churn_rate(one(r), one(k)),
        "REVENUE_CHURN": lambda a, b, c: m.revenue_churn_rate(one(a), one(b), one(c)),
        "GROSS_REVENUE_CHURN": lambda a, b, c: m.gross_revenue_churn_rate(one(a), one(b), one(c)),
        "GRR": lambda a, b, c: m.gross_revenue_retention(one(a), one(b), one(c)),
        "NET_REVENUE_CHURN": lambda a, b, c, d: m.net_revenue_churn_rate(one(a), one(b), one(c), one(d)),
        "NRR": lambda a, b, c, d: m.net_revenue_retention(one(a), one(b), one(c), one(d)),
        "QUICK_RATIO": lambda a, b, c, d: m.quick_ratio(one(a), one(b), one(c), one(d)),
        "REVENUE_GROWTH": lambda a, b: m.existing_customer_revenue_growth(one(a), one(b)),
        "RPR": lambda a, b=None: (m.repeat_purchase_ratio_from_orders(flat(a)) if b is None
                                  else m.repeat_purchase_ratio(one(a), one(b))),
        "LOYAL_RATE": lambda a, b=None: (m.loyal_customer_rate_from_orders(flat(a)) if b is None
                                         else m.loyal_customer_rate(one(a), one(b))),
        "RETURN_RATE": lambda a, b: m.product_return_rate(one(a), one(b)),
        "DSO": lambda a, b, d=365: m.days_sales_outstanding(one(a), one(b), one(d)),
        "NPS": lambda a, b=None, c=None: (m.nps_from_answers(flat(a)) if b is None and c is None
                                          else m.net_promoter_score(one(a), one(b), one(c))),
        "NPS_MOE": lambda a, conf=0.95: m.nps_margin_of_error_from_answers(flat(a), one(conf)),
        "TBP": lambda ids, dates: m.time_between_purchases(flat(ids), flat(dates)),
        "CLV": lambda a, b, c: m.customer_lifetime_value(one(a), one(b), one(c)),
        "CLV_CHURN": lambda a, b, c: m.customer_lifetime_value_from_churn(one(a), one(b), one(c)),
        "ARPA": lambda a, b: m.average_revenue_per_account(one(a), one(b)),
        "CRC": lambda a, b: m.customer_retention_cost(one(a), one(b)),
        "DAU_MAU": lambda a, b: (m.dau_mau_from_activity(flat(a), flat(b)) if ranged(a)
                                 else m.dau_mau(one(a), one(b))),
        "COHORT_RETENTION": lambda ids, dates, counts=False: table(
            m.cohort_retention(flat(ids), flat(dates), bool(one(counts))), index=True),
        "MRR_MOVEMENTS": lambda ids, months, mrr: table(
            m.mrr_movements(flat(ids), flat(months), flat(mrr)), index=False),
        "CUSTOMER_LIFETIME": lambda c: m.customer_lifetime(one(c)),
        "RETENTION_VALUE": lambda *a: m.retention_value(*map(one, a)),
        "RETENTION_ROI": lambda *a: m.retention_roi(*map(one, a)),
        "PROFIT_UPLIFT": lambda *a: m.profit_uplift(*map(one, a)),
        "LTV_CAC": lambda a, b: m.ltv_cac(one(a), one(b)),
        "CAC_PAYBACK": lambda a, b, c: m.cac_payback(one(a), one(b), one(c)),
    }


_CORE = _core() if udfs is None else {}

FUNCTIONS = (
    "CRR", "CHURN_RATE", "ANNUALIZED_CHURN", "REVENUE_CHURN", "GROSS_REVENUE_CHURN", "GRR",
    "NET_REVENUE_CHURN", "NRR", "QUICK_RATIO", "REVENUE_GROWTH", "RPR", "RETURN_RATE",
    "LOYAL_RATE", "DSO", "NPS", "NPS_MOE", "TBP", "CLV", "CLV_CHURN", "ARPA", "CRC", "DAU_MAU",
    "COHORT_RETENTION", "MRR_MOVEMENTS", "CUSTOMER_LIFETIME", "RETENTION_VALUE", "RETENTION_ROI",
    "PROFIT_UPLIFT", "LTV_CAC", "CAC_PAYBACK",
)

for _name in FUNCTIONS:
    globals()[_name.lower()] = _forward(_name)


def error_type(value):
    """Excel's ERROR.TYPE, which pycel lacks (the template's "Function = native" cells use it)."""
    codes = {"#NULL!": 1, "#DIV/0!": 2, "#VALUE!": 3, "#REF!": 4, "#NAME?": 5, "#NUM!": 6,
             "#N/A": 7}
    return codes.get(value, "#N/A") if isinstance(value, str) else "#N/A"
