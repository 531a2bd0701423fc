"""MRR movements: how recurring revenue moved from one month to the next."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _inputs as v

# The customer × month grid (8 bytes a cell) and the month-to-month comparisons made from it:
# about 37 bytes a cell at the peak, measured with tracemalloc.
_BYTES_PER_CELL = 40

MOVEMENT_COLUMNS = (
    "month", "start_mrr", "new", "expansion", "contraction", "churned", "reactivation", "end_mrr",
)


def mrr_movements(customer_ids, months, mrr, *,
                  max_bytes: int | str | None = v.EXCEL_BOUND) -> pd.DataFrame:
    """MRR movements per month: start, new, expansion, contraction, churned, reactivation, end.

    From rows of (customer, month, MRR); rows of one customer in one month are added up, and
    a month without a row is MRR 0. Comparing each customer's MRR with the month before:
    new = first MRR ever; reactivation = MRR again after a month at 0; expansion / contraction
    = the rise / fall of a paying customer; churned = the MRR of a customer who dropped to 0.
    Every month reconciles: start + new + expansion + reactivation − contraction − churned = end.
    The first month of the data is the baseline (its MRR is the second month's start), so at
    least two months are needed. ``attrs["skipped"]`` counts rows with a blank. The work is a
    customers × months table: one that would need more memory than ``max_bytes`` (default
    :data:`~addin.metrics._inputs.MAX_TABLE_BYTES`, for Excel; None: no limit) is refused
    (usually a mistyped year).
    """
    codes, uniques, days, amounts, skipped = v.id_date_rows(
        "customer_ids", customer_ids, "months", months, "mrr", mrr
    )
    v.require_non_negative_values("mrr", amounts)
    month_numbers = v.month_index(days)
    if len(amounts) == 0:
        raise v.UndefinedResultError("undefined: every row has a blank")
    origin, n_months = v.month_span("months", month_numbers)
    _two_months(n_months)  # before the table is made
    v.dense_table("MRR movements", len(uniques), "customers", "months", month_numbers,
                  _BYTES_PER_CELL, max_bytes)

    grid = np.bincount(
        (codes * n_months + (month_numbers - origin)).astype(np.intp),
        weights=amounts,
        minlength=len(uniques) * n_months,
    ).reshape(len(uniques), n_months)
    frame = _movements(grid, origin)
    frame.attrs["skipped"] = skipped
    return frame


def mrr_movements_of_grid(grid: np.ndarray, origin: int) -> pd.DataFrame:
    """The MRR movements of :func:`mrr_movements` from its customers × months table already
    made: ``grid[c, m]`` the MRR (0 or more) of customer ``c`` in month ``origin + m``
    (months since 1970-01), every month from the first to the last, at least two."""
    v.require_non_negative_values("mrr", np.ravel(grid))
    _two_months(grid.shape[1])
    frame = _movements(grid, origin)
    frame.attrs["skipped"] = 0
    return frame


def _movements(grid: np.ndarray, origin: int) -> pd.DataFrame:
    """The movements of a checked customers × months table (MRR 0 or more, two months or
    more): each month compared with the one before."""
    n_months = grid.shape[1]
    paying = grid > 0
    before, after = grid[:, :-1], grid[:, 1:]
    # "ever paid" up to the previous month decides between new and reactivation
    paid_before = np.logical_or.accumulate(paying, axis=1)[:, :-1]
    starts_paying = (before == 0) & (after > 0)
    stays = (before > 0) & (after > 0)
    delta = after - before
    frame = pd.DataFrame({
        "month": [v.month_label(origin + i) for i in range(1, n_months)],
        "start_mrr": before.sum(axis=0),
        "new": np.where(starts_paying & ~paid_before, after, 0).sum(axis=0),
        "expansion": np.where(stays & (delta > 0), delta, 0).sum(axis=0),
        "contraction": np.where(stays & (delta < 0), -delta, 0).sum(axis=0),
        "churned": np.where((before > 0) & (after == 0), before, 0).sum(axis=0),
        "reactivation": np.where(starts_paying & paid_before, after, 0).sum(axis=0),
        "end_mrr": after.sum(axis=0),
    }, columns=list(MOVEMENT_COLUMNS))
    return frame


def _two_months(n_months: int) -> None:
    """The first month is only the baseline: movements need a second."""
    if n_months < 2:
        raise v.UndefinedResultError("undefined: MRR movements need at least two months of data")
