"""Why retention pays: the what-if of cutting the period's churn.

The template's what-if on the report's numbers: for each share of the period's churn cut
(:data:`WHATIF_CUTS`), the churn and retention after the cut, the customer value, the value
and ROI of the retention programme and the profit uplift over :data:`UPLIFT_YEARS`. Every
number comes from :mod:`addin.metrics`; a blank carries the reason. Labels and notes are
:class:`~addin.report.model.Note` values: the renderer says them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import metrics as M
from .facts import PeriodFacts
from .missing import measured
from .model import WHATIF_COLUMNS, WHATIF_CUTS, Note, cut_column

UPLIFT_YEARS = (5, 10)  # the what-if's profit uplift horizons, in years


def _how(key: str) -> Note:
    """How a what-if row is computed (its note when nothing is blank)."""
    return Note(f"whatif_note_{key}")


def retention_whatif(facts: PeriodFacts, settings: dict) -> pd.DataFrame:
    """The template's what-if on the period's numbers: the value, ROI and profit uplift of
    cutting the period's churn by each of WHATIF_CUTS (every number from addin.metrics)."""
    periods = facts.p.periods_per_year

    base, base_note = measured(lambda: facts.E)
    churn, churn_note = measured(lambda: facts.churn)
    arpa, arpa_note = measured(facts.period_arpa)
    margin = facts.gross_margin()
    cost = settings.get("program_cost")
    cost = np.nan if cost is None else float(cost)

    def safe(compute: Callable[[], float], *inputs: float) -> tuple[float, Note | str | None]:
        if any(np.isnan(x) for x in inputs):
            return np.nan, None
        return measured(compute)

    def retention(c: float) -> tuple[float, Note | str | None]:
        return safe(lambda: 1.0 - M.annualized_churn_rate(c, periods), c)

    cuts = [(churn * k, churn * (1.0 - k)) if not np.isnan(churn) else (np.nan, np.nan)
            for k in WHATIF_CUTS]
    r_today, _ = retention(churn)
    rows: list[tuple[str, str, list[tuple[float, Note | str | None]], Note | None]] = []

    def row(key: str, unit: str, cells: list[tuple[float, Note | str | None]], note: Note | None):
        rows.append((key, unit, cells, note))

    blank = (np.nan, None)
    row("customers", "count", [(base, base_note)], None)
    row("churn", "%", [(churn, churn_note)] + [(after, None) for _, after in cuts],
        _how("churn"))
    row("retention", "%", [(r_today, None)] + [retention(after) for _, after in cuts],
        _how("retention"))
    margin_note = _how("margin") if settings.get("gross_margin") is not None \
        else Note("default_margin")
    row("margin", "%", [(margin, None)], margin_note)
    row("arpa", "money", [(arpa, arpa_note)], _how("arpa"))
    row("clv", "money",
        [safe(lambda: M.customer_value(arpa, margin, churn), arpa, churn)]
        + [safe(lambda a=after: M.customer_value(arpa, margin, a), arpa, after)
           for _, after in cuts],
        _how("clv"))
    values = [safe(lambda r=cut: M.retention_value(base, arpa, margin, churn, r),
                   base, arpa, churn) for cut, _ in cuts]
    row("value", "money", [blank] + values, _how("value"))
    row("cost", "money", [(cost, None)],
        Note("no_program_cost") if np.isnan(cost) else _how("cost"))
    rois = [safe(lambda r=cut: M.retention_roi(base, arpa, margin, churn, r, cost),
                 base, arpa, churn, cost) for cut, _ in cuts]
    row("roi", "%", [blank] + rois, _how("roi"))
    for years in UPLIFT_YEARS:
        uplifts = []
        for _, after in cuts:
            r_after, _ = retention(after)
            uplifts.append(safe(lambda ra=r_after: M.profit_uplift(r_today, ra - r_today, years),
                                r_today, r_after))
        row(f"uplift_{years}", "%", [blank] + uplifts, _how("uplift"))

    records = []
    for key, unit, cells, note in rows:
        cells = cells + [blank] * (1 + len(WHATIF_CUTS) - len(cells))
        reasons = [why for _, why in cells if why]
        records.append({
            "key": key,
            "label": Note(f"whatif_{key}"),
            "unit": unit,
            "today": cells[0][0],
            **{cut_column(k): cells[1 + i][0] for i, k in enumerate(WHATIF_CUTS)},
            "note": (reasons[0],) if reasons else (note,) if note else (),
        })
    return pd.DataFrame(records, columns=WHATIF_COLUMNS)
