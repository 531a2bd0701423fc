"""Cohort retention: monthly cohorts by first activity, followed month by month."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _inputs as v

# The cohort × month table, the retention shares made from it and the frame of the result:
# about 35 bytes a cell at the peak, measured with tracemalloc.
_BYTES_PER_CELL = 40


def cohort_retention(customer_ids, activity_dates, counts=False, values=None) -> pd.DataFrame:
    """Cohort retention matrix: rows are monthly cohorts, columns months since joining.

    A customer's cohort is the calendar month of their first activity (an order, a login, a
    month with MRR). Cell (cohort c, month k) = customers of c active in month c + k / the
    cohort's size, so month 0 is always 100 %. With ``counts`` true the cells are customer
    counts instead. With ``values`` (e.g. MRR per row) the cells are revenue retention: the
    cohort's value in month c + k / its value in month 0 (customers counted from their first
    row with a value above 0).
    Months after the data's last month are empty (not yet observed), not 0 %. Blank rows are
    skipped; ``attrs["skipped"]`` counts them. Index: cohort month; also a ``size`` column
    (customers, or month-0 value). A cohorts × months table that would need more memory than
    :data:`~addin.metrics._inputs.MAX_TABLE_BYTES` is refused.
    """
    if not isinstance(counts, (bool, np.bool_)):
        raise v.InvalidInputError(f"counts is {v.show(counts)}, expected TRUE or FALSE")
    codes, uniques, days, weights, skipped = v.id_date_rows(
        "customer_ids", customer_ids, "activity_dates", activity_dates,
        None if values is None else "values", values,
    )
    months = v.month_index(days)
    if len(months):
        # the observed window is the whole data's, even where a month has only zero values
        origin, span = v.month_span("activity_dates", months)
        last = origin + span - 1
        v.dense_table("cohort retention", span, "cohorts", "activity_dates", months,
                      _BYTES_PER_CELL)
    if weights is not None:
        v.require_non_negative_values("values", weights)
        active = weights > 0
        codes, months, weights = codes[active], months[active], weights[active]
    if len(codes) == 0:
        raise v.UndefinedResultError("undefined: no activity to build cohorts from")

    first_month = np.full(len(uniques), np.iinfo(np.int64).max)
    np.minimum.at(first_month, codes, months)
    cohort = first_month[codes]
    age = months - cohort
    n_cohorts, n_ages = last - origin + 1, last - origin + 1
    cell = (cohort - origin) * n_ages + age
    if weights is None:
        # one customer counts once per month, however many rows it has that month
        keys = v.unique_sorted(codes * (n_cohorts * n_ages) + cell)
        cell = keys % (n_cohorts * n_ages)
        table = np.bincount(cell.astype(np.intp), minlength=n_cohorts * n_ages).astype(np.float64)
    else:
        table = np.bincount(cell.astype(np.intp), weights=weights, minlength=n_cohorts * n_ages)
    table = table.reshape(n_cohorts, n_ages)

    cohort_sizes = table[:, 0].copy()
    observed = np.arange(n_ages)[None, :] <= (n_cohorts - 1 - np.arange(n_cohorts))[:, None]
    keep = cohort_sizes > 0  # months in which nobody started are not cohorts
    if counts:
        result = table.copy()
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            result = table / cohort_sizes[:, None]
    result[~observed] = np.nan
    frame = pd.DataFrame(
        result[keep],
        index=pd.DatetimeIndex([v.month_label(origin + i) for i in np.flatnonzero(keep)], name="cohort"),
        columns=pd.Index(range(n_ages), name="months_since"),
    )
    frame.insert(0, "size", cohort_sizes[keep])
    frame.attrs["skipped"] = skipped
    return frame
