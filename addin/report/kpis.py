"""The KPIs: which ones the report shows, how each is computed, and the KPI table.

:data:`KPIS` is the catalogue: one :class:`KpiSpec` per KPI with its unit, its direction,
the metric functions that define it and the facts it is computed from. A KPI is evaluated
on one period's facts (:mod:`addin.report.facts`); a blank value carries the reason, as a
:class:`~addin.report.model.Note` or the metric core's own text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import metrics as M
from ..data.schema import CUSTOMER_DROPPED_ELSEWHERE, SIGNUP_FALLBACK
from ..metrics.roi import customer_lifetime
from .facts import PeriodFacts
from .missing import measured
from .model import KPI_COLUMNS, Note, Quantity
from .period import Period, month_dates


@dataclass(frozen=True)
class KpiSpec:
    """One KPI: its key (also the i18n label key), unit, direction and how it is computed.

    ``functions`` are the metric functions whose docstrings define it (the Definitions sheet
    quotes them) and ``excel`` the add-in's Excel functions that compute it; ``trend`` says
    whether it is in the monthly trend. ``board``: a row of the report's KPI table (the
    first page); a KPI off the board is still defined in the Definitions. ``also``: KPIs
    that are this one by definition (the same counts): while their values are this one's,
    this row stands for them, labelled ``label`` and saying so in its note.
    """

    key: str
    unit: str
    better: int
    compute: Callable[[PeriodFacts], float]
    functions: tuple[Callable, ...] = ()
    trend: bool = False
    caution: str | None = None  # i18n key of a note shown beside the value
    definition: str | None = None  # i18n key of the definition when no function defines it
    excel: tuple[str, ...] = ()
    board: bool = True
    also: tuple[str, ...] = ()
    label: str | None = None


def _mv(f: PeriodFacts) -> dict[str, float]:
    return f.movements


# In the order of the first page's groups (addin.report.layout.KPI_GROUPS): customers,
# revenue, orders, satisfaction, cash.
KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("customers_start", "count", 0, lambda f: f.S, definition="def_customers"),
    KpiSpec("customers_new", "count", 1, lambda f: f.N, definition="def_customers"),
    KpiSpec("customers_end", "count", 1, lambda f: f.E, trend=True, definition="def_customers"),
    KpiSpec("customers_lost", "count", -1, lambda f: f.L, definition="def_customers"),
    KpiSpec("crr", "%", 1, lambda f: M.customer_retention_rate(f.S, f.E, f.N_at_end),
            (M.customer_retention_rate,), trend=True, excel=("CRR",)),
    KpiSpec("churn", "%", -1, lambda f: f.churn, (M.customer_churn_rate,), trend=True,
            excel=("CHURN_RATE",)),
    KpiSpec("churn_annualised", "%", -1,
            lambda f: M.annualized_churn_rate(f.churn, f.p.periods_per_year),
            (M.annualized_churn_rate,), excel=("ANNUALIZED_CHURN",)),
    KpiSpec("mrr", "money", 1, lambda f: f.mrr, trend=True, definition="def_mrr"),
    KpiSpec("arpa", "money", 1, lambda f: f.arpa, (M.average_revenue_per_account,), trend=True,
            excel=("ARPA",)),
    KpiSpec("revenue_churn_guide", "%", -1,
            lambda f: M.revenue_churn_rate(_mv(f)["start_mrr"], f.existing_end_mrr, _mv(f)["expansion"]),
            (M.revenue_churn_rate,), caution="erratum_revenue_churn", excel=("REVENUE_CHURN",),
            board=False),
    KpiSpec("gross_revenue_churn", "%", -1,
            lambda f: M.gross_revenue_churn_rate(_mv(f)["start_mrr"], _mv(f)["churned"], _mv(f)["contraction"]),
            (M.gross_revenue_churn_rate,), trend=True, excel=("GROSS_REVENUE_CHURN",)),
    KpiSpec("net_revenue_churn", "%", -1,
            lambda f: M.net_revenue_churn_rate(_mv(f)["start_mrr"], _mv(f)["churned"],
                                               _mv(f)["contraction"], _mv(f)["expansion"]),
            (M.net_revenue_churn_rate,), trend=True, excel=("NET_REVENUE_CHURN",)),
    KpiSpec("grr", "%", 1,
            lambda f: M.gross_revenue_retention(_mv(f)["start_mrr"], _mv(f)["churned"], _mv(f)["contraction"]),
            (M.gross_revenue_retention,), trend=True, excel=("GRR",)),
    KpiSpec("nrr", "%", 1,
            lambda f: M.net_revenue_retention(_mv(f)["start_mrr"], _mv(f)["churned"],
                                              _mv(f)["contraction"], _mv(f)["expansion"]),
            (M.net_revenue_retention,), trend=True, excel=("NRR",)),
    KpiSpec("existing_revenue_growth", "%", 1,
            lambda f: M.existing_customer_revenue_growth(_mv(f)["start_mrr"], f.existing_end_mrr),
            (M.existing_customer_revenue_growth,), excel=("REVENUE_GROWTH",)),
    KpiSpec("quick_ratio", "ratio", 1,
            lambda f: M.quick_ratio(_mv(f)["new"] + _mv(f)["reactivation"], _mv(f)["expansion"],
                                    _mv(f)["churned"], _mv(f)["contraction"]),
            (M.quick_ratio,), trend=True, excel=("QUICK_RATIO",)),
    KpiSpec("clv", "money", 1, lambda f: f.clv_guide(), (M.customer_lifetime_value, customer_lifetime),
            excel=("CLV", "CUSTOMER_LIFETIME")),
    KpiSpec("clv_churn", "money", 1, lambda f: f.clv_churn(), (M.customer_lifetime_value_from_churn,),
            excel=("CLV_CHURN",)),
    KpiSpec("repeat_purchase_ratio", "%", 1,
            lambda f: M.repeat_purchase_ratio(f.repeat.repeat, f.repeat.total),
            (M.repeat_purchase_ratio,), trend=True, excel=("RPR",),
            also=("loyal_customer_rate",), label="repeat_and_loyal"),
    KpiSpec("loyal_customer_rate", "%", 1,
            lambda f: M.loyal_customer_rate(f.repeat.repeat, f.repeat.total),
            (M.loyal_customer_rate,), excel=("LOYAL_RATE",), board=False),
    KpiSpec("time_between_purchases", "days", -1, lambda f: f.time_between_purchases(),
            (M.time_between_purchases,), excel=("TBP",)),
    KpiSpec("return_rate", "%", -1, lambda f: f.return_rate(), (M.product_return_rate,), trend=True,
            excel=("RETURN_RATE",)),
    KpiSpec("nps", "points", 1, lambda f: f.nps_counts.score, (M.net_promoter_score,), trend=True,
            excel=("NPS",)),
    KpiSpec("nps_moe", "points", 0,
            lambda f: f.nps_counts.margin_of_error(f.settings["confidence"]), (M.nps_margin_of_error,),
            excel=("NPS_MOE",)),
    KpiSpec("nps_answers", "answers", 0, lambda f: f.nps_counts.responses,
            definition="def_nps_answers"),
    KpiSpec("dau_mau", "%", 1, lambda f: f.dau_mau(), (M.dau_mau,), trend=True, excel=("DAU_MAU",)),
    KpiSpec("dso", "days", -1,
            lambda f: M.days_sales_outstanding(*f.receivables, f.days_in_data),
            (M.days_sales_outstanding,), trend=True, excel=("DSO",)),
    KpiSpec("retention_cost", "money", 0, lambda f: f.retention_cost(), (M.customer_retention_cost,),
            excel=("CRC",)),
)
SPECS: dict[str, KpiSpec] = {spec.key: spec for spec in KPIS}


def change_of(unit: str, now: float, before: float) -> float:
    """current − previous, in the change's unit: a rate's change in points (× 100)."""
    return (now - before) * (100.0 if unit == "%" else 1.0)


def evaluate(spec: KpiSpec, facts: PeriodFacts) -> tuple[float, Note | str | None]:
    """(value, None) or (NaN, the reason it is blank: a Note, or the core's text).

    A period that starts before the data (the previous period of the data's first month, the
    trend's early months) is blank: counting it would make zeros up.
    """
    data_first = facts.d.extent[0]
    if facts.p.first < data_first:
        return np.nan, Note("before_data", start=Quantity(month_dates([data_first])[0], "month"))
    return measured(lambda: spec.compute(facts))


def kpi_table(facts: Callable[[Period], PeriodFacts], period: Period,
              settings: dict) -> pd.DataFrame:
    """The kpis table: every KPI of the board for the period and the previous period, with
    notes; a KPI that another is by definition shares its row while their values agree.

    ``facts`` gives the facts of a period (shared with the trend and the what-if).
    """
    current, previous = facts(period), facts(period.previous)
    measured = {spec.key: (evaluate(spec, current), evaluate(spec, previous)) for spec in KPIS}

    def row(spec: KpiSpec, label: str | None = None, extra: tuple = ()) -> dict:
        (now, note_now), (before, note_before) = measured[spec.key]
        notes = list(extra)
        if note_now:
            notes.append(note_now)
        if note_before and note_before != note_now:
            notes.append(Note("previous_note", note=note_before))
        if spec.caution and not note_now:
            notes.append(Note(spec.caution))
        if spec.key == "clv_churn" and settings.get("gross_margin") is None and not note_now:
            notes.append(Note("default_margin"))
        return {
            "key": spec.key,
            "label": Note(label or spec.key),
            "unit": spec.unit,
            "better": spec.better,
            "current": now,
            "previous": before,
            "change": change_of(spec.unit, now, before),  # NaN when either is blank
            "note": tuple(notes),
        }

    rows = []
    for spec in KPIS:
        if not spec.board:
            continue
        same = [key for key in spec.also if _same_values(measured[key], measured[spec.key])]
        if same and len(same) == len(spec.also):
            rows.append(row(spec, spec.label, tuple(Note("same_by_definition", other=Note(key))
                                                    for key in same)))
        else:
            rows.append(row(spec))
            rows += [row(SPECS[key]) for key in spec.also]
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


def _same_values(a, b) -> bool:
    """Two KPIs' (current, previous) the same: equal numbers or both blank."""
    return all((x == y) or (np.isnan(x) and np.isnan(y)) for (x, _), (y, _) in zip(a, b))


#: The KPIs that count customers or divide by them: their notes say when the data reader
#: changed who is counted, so that a customer is counted in every table or in none
#: (:mod:`addin.data.customer_rule`).
CUSTOMER_RULE_KPIS = ("customers_start", "customers_new", "customers_end", "customers_lost", "arpa")
#: The quality account's line on Customers -> the note of those KPIs.
_CUSTOMER_RULE_NOTES = {SIGNUP_FALLBACK.reason: "kpi_signup_filled",
                        CUSTOMER_DROPPED_ELSEWHERE: "kpi_customer_dropped"}


def customer_rule_notes(quality: pd.DataFrame) -> tuple[Note, ...]:
    """What the data reader's customer rule did, from its quality account: "2 customers
    counted from their first subscription or order...", "1 customer left out of every
    table..."; () when it did nothing."""
    notes = []
    if isinstance(quality, pd.DataFrame) and len(quality) and "reason" in quality:
        for table, reason in zip(quality["table"], quality["reason"]):
            key = getattr(reason, "key", None)
            if table != "Customers" or not isinstance(key, str):
                continue
            note = _CUSTOMER_RULE_NOTES.get(key.removesuffix("_one"))
            if note is not None:
                n = int(reason.values["n"])
                notes.append(Note(f"{note}_one" if n == 1 else note, n=n))
    return tuple(notes)


def with_customer_rule(kpis: pd.DataFrame, quality: pd.DataFrame) -> pd.DataFrame:
    """The KPI table with :func:`customer_rule_notes` added to the notes of
    :data:`CUSTOMER_RULE_KPIS` (a copy; ``kpis`` itself when there is nothing to say)."""
    notes = customer_rule_notes(quality)
    if not notes or not len(kpis):
        return kpis
    kpis = kpis.copy()
    kpis["note"] = [tuple(note) + tuple(n for n in notes if n not in note)  # said once
                    if key in CUSTOMER_RULE_KPIS else note
                    for key, note in zip(kpis["key"], kpis["note"])]
    return kpis
