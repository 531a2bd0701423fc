"""Revenue: what recurring revenue (MRR) is kept, lost and gained.

=REVENUE_CHURN(), =GROSS_REVENUE_CHURN(), =GRR(), =NET_REVENUE_CHURN(), =NRR(),
=QUICK_RATIO(), =REVENUE_GROWTH() and the spilled =MRR_MOVEMENTS() table. Each converts the
Excel values (:mod:`addin.udfs.values`) and calls the metric core (:mod:`addin.metrics`).
"""

from __future__ import annotations

import xlwings as xw

from .. import metrics as m
from ..cells import spill_rows
from . import values as ev
from .values import CATEGORY, MONTHS, Cells, Result, excel_function

__all__ = ["REVENUE_CHURN", "GROSS_REVENUE_CHURN", "GRR", "NET_REVENUE_CHURN", "NRR", "QUICK_RATIO", "REVENUE_GROWTH", "MRR_MOVEMENTS"]

_MRR_START = "MRR at the start of the period, existing customers."
_CHURNED = "MRR of customers who left during the period."
_CONTRACTION = "MRR lost to downgrades of customers who stayed."
_EXPANSION = "MRR gained from upgrades of existing customers."


# --------------------------------------------------------------------------- revenue


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("mrr_end", Cells, doc="MRR at the end of the period, same customers, before upgrades.")
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.ret(Result)
@excel_function
def REVENUE_CHURN(mrr_start, mrr_end, expansion_mrr):
    """Revenue churn as guide 004 prints it: ((MRR start − MRR end) − expansion) / MRR start. Right only if MRR end excludes upgrades: prefer NET_REVENUE_CHURN. Example: 100, 90, 10 → 0 %."""
    return m.revenue_churn_rate(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("mrr_end", mrr_end),
        ev.scalar("expansion_mrr", expansion_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.ret(Result)
@excel_function
def GROSS_REVENUE_CHURN(mrr_start, churned_mrr, contraction_mrr):
    """Gross revenue churn: (churned + contraction MRR) / MRR at the start, existing customers only. Example: 100, 10, 10 → 20 %."""
    return m.gross_revenue_churn_rate(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.ret(Result)
@excel_function
def GRR(mrr_start, churned_mrr, contraction_mrr):
    """Gross revenue retention: 1 − gross revenue churn, the share of starting MRR kept, expansion ignored. Example: 100, 10, 10 → 80 %."""
    return m.gross_revenue_retention(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.ret(Result)
@excel_function
def NET_REVENUE_CHURN(mrr_start, churned_mrr, contraction_mrr, expansion_mrr):
    """Net revenue churn: (churned + contraction − expansion MRR) / MRR at the start; negative means expansion outgrew losses. Example: 100, 10, 10, 10 → 10 %."""
    return m.net_revenue_churn_rate(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
        ev.scalar("expansion_mrr", expansion_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.ret(Result)
@excel_function
def NRR(mrr_start, churned_mrr, contraction_mrr, expansion_mrr):
    """Net revenue retention: 1 − net revenue churn, above 100 % when expansion outgrows losses. Example: 100, 10, 10, 10 → 90 %."""
    return m.net_revenue_retention(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
        ev.scalar("expansion_mrr", expansion_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("new_mrr", Cells, doc="MRR of customers acquired during the period.")
@xw.arg("expansion_mrr", Cells, doc=_EXPANSION)
@xw.arg("churned_mrr", Cells, doc=_CHURNED)
@xw.arg("contraction_mrr", Cells, doc=_CONTRACTION)
@xw.ret(Result)
@excel_function
def QUICK_RATIO(new_mrr, expansion_mrr, churned_mrr, contraction_mrr):
    """SaaS quick ratio: (new + expansion MRR) / (churned + contraction MRR), MRR gained per unit lost; above 4 is commonly read as efficient growth. No losses gives #DIV/0!."""
    return m.quick_ratio(
        ev.scalar("new_mrr", new_mrr),
        ev.scalar("expansion_mrr", expansion_mrr),
        ev.scalar("churned_mrr", churned_mrr),
        ev.scalar("contraction_mrr", contraction_mrr),
    )


@xw.func(category=CATEGORY)
@xw.arg("mrr_start", Cells, doc=_MRR_START)
@xw.arg("mrr_end", Cells, doc="MRR at the end of the period, same customers (new customers left out).")
@xw.ret(Result)
@excel_function
def REVENUE_GROWTH(mrr_start, mrr_end):
    """Existing-customer revenue growth: (MRR end − MRR start) / MRR start, new customers' MRR left out (guide 004). Example: 50,000 → 45,000 gives −10 %."""
    return m.existing_customer_revenue_growth(
        ev.scalar("mrr_start", mrr_start),
        ev.scalar("mrr_end", mrr_end),
    )


# --------------------------------------------------------------------------- movements


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", Cells, doc="Customer id of each row.")
@xw.arg("months", Cells, doc="Month of each row: any date in the month.")
@xw.arg("mrr", Cells, doc="MRR of each row; a customer's rows in one month are added up.")
@xw.ret(Result, date_format=MONTHS)
@excel_function
def MRR_MOVEMENTS(customer_ids, months, mrr):
    """MRR movements. Spills a table: a header row, then per month start MRR, new, expansion, contraction, churned, reactivation and end MRR. The first month is the baseline: needs two months."""
    frame = m.mrr_movements(
        ev.cells("customer_ids", customer_ids),
        ev.cells("months", months),
        ev.cells("mrr", mrr),
    )
    return spill_rows(frame, index=False)
