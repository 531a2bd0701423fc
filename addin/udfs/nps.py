"""Surveys: the Net Promoter Score and its margin of error.

=NPS() and =NPS_MOE(). Each converts the Excel values (:mod:`addin.udfs.values`) and calls
the metric core (:mod:`addin.metrics`).
"""

from __future__ import annotations

import xlwings as xw

from .. import metrics as m
from . import values as ev
from .values import CATEGORY, Cells, Result, excel_function

__all__ = ["NPS", "NPS_MOE"]


@xw.func(category=CATEGORY)
@xw.arg("answers_or_promoters", Cells, doc="A range of 0–10 answers (blanks skipped); or the number of promoters (answers 9–10), with passives and detractors given.")
@xw.arg("passives", Cells, doc="Number of passives (answers 7–8). Leave out with a range of answers.")
@xw.arg("detractors", Cells, doc="Number of detractors (answers 0–6). Leave out with a range of answers.")
@xw.ret(Result)
@excel_function
def NPS(answers_or_promoters, passives=None, detractors=None):
    """Net Promoter Score, −100 to +100: % promoters (9–10) − % detractors (0–6), from a range of 0–10 answers or from the three counts (guides 002, 004). Example: 50, 25, 10 → 47.06."""
    if passives is None and detractors is None:
        return m.nps_from_answers(ev.cells("answers", answers_or_promoters))
    return m.net_promoter_score(
        ev.scalar("promoters", answers_or_promoters),
        ev.scalar("passives", passives),
        ev.scalar("detractors", detractors),
    )


@xw.func(category=CATEGORY)
@xw.arg("answers", Cells, doc="A range of 0–10 answers (blanks skipped).")
@xw.arg("confidence", Cells, doc="Confidence level between 0 and 1: 0.95 (the default) is 95 %.")
@xw.ret(Result)
@excel_function
def NPS_MOE(answers, confidence=0.95):
    """Margin of error of the NPS, in points: z × √((p + d − (p − d)²) / n) × 100, p and d the promoter and detractor shares. Example: 50 promoters, 25 passives, 10 detractors → ±14.8 at 95 %."""
    return m.nps_margin_of_error_from_answers(
        ev.cells("answers", answers),
        ev.scalar("confidence", confidence, 0.95),
    )
