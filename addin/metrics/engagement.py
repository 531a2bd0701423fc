"""Engagement from raw activity: DAU/MAU (guide 002)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _inputs as v
from .customers import dau_mau


def dau_mau_by_month(user_ids, dates) -> pd.DataFrame:
    """Average DAU, MAU and DAU/MAU for each calendar month of (user, date) activity.

    DAU is averaged over the month's calendar days (days nobody used the product count as 0),
    up to the last date of the data in the final month; MAU is the distinct users of the
    month. A user active several times a day counts once. ``attrs["skipped"]`` counts blanks.
    """
    codes, _, days, _, skipped = v.id_date_rows("user_ids", user_ids, "dates", dates)
    if len(days) == 0:
        raise v.UndefinedResultError("undefined: no activity")
    day_numbers = days.astype(np.int64)
    first_day, last_day = int(day_numbers.min()), int(day_numbers.max())
    span = last_day - first_day + 1
    user_days = v.unique_sorted(codes * span + (day_numbers - first_day))
    active_day = user_days % span + first_day
    user = user_days // span
    month_of_day = v.month_index(active_day.astype("datetime64[D]"))
    origin, n_months = v.month_span("dates", month_of_day)
    user_day_count = np.bincount((month_of_day - origin).astype(np.intp), minlength=n_months)
    monthly_users = v.unique_sorted(user * n_months + (month_of_day - origin)) % n_months
    mau = np.bincount(monthly_users.astype(np.intp), minlength=n_months)
    month_starts = (np.arange(n_months) + origin).astype("datetime64[M]").astype("datetime64[D]")
    month_ends = (np.arange(n_months) + origin + 1).astype("datetime64[M]").astype("datetime64[D]")
    first = np.maximum(month_starts.astype(np.int64), first_day)
    last = np.minimum(month_ends.astype(np.int64) - 1, last_day)
    n_days = np.maximum(last - first + 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        average_dau = user_day_count / n_days
        ratio = np.where(mau > 0, average_dau / np.where(mau > 0, mau, 1), np.nan)
    frame = pd.DataFrame({
        "month": [v.month_label(origin + i) for i in range(n_months)],
        "days": n_days,
        "average_dau": average_dau,
        "mau": mau,
        "dau_mau": ratio,
    })
    frame.attrs["skipped"] = skipped
    return frame


def dau_mau_from_activity(user_ids, dates) -> float:
    """DAU/MAU of the latest calendar month in (user, date) activity.

    Average daily active users of the month (days up to the latest date) / distinct users of
    the month. Give one month of activity for that month's figure.
    """
    table = dau_mau_by_month(user_ids, dates)
    last = table.iloc[-1]
    return dau_mau(float(last["average_dau"]), int(last["mau"]))
