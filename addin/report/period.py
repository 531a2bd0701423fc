"""Report periods and the calendar arithmetic behind them.

A period is a calendar month, quarter or year: ``"2026-09"``, ``"2026-Q3"``, ``"2026"``.
Inside the report every date is a *day number* (days since 1970-01-01) and every month a
*month number* (months since 1970-01, the metric core's month index), so that a period is
two integers and finding its rows is a comparison or a binary search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..errors import InvalidInputError
from ..settings import PERIOD_TEXT  # the one rule of how a period is written

NAT = np.iinfo(np.int64).min  # a missing date as a day number
NEVER = np.iinfo(np.int64).max  # "not churned", "not paid": after every day



def month_number(year: int, month: int) -> int:
    """Months since 1970-01 (the core's month index)."""
    return (year - 1970) * 12 + (month - 1)


def month_day(month: int) -> int:
    """Day number (days since 1970-01-01) of the first day of month ``month``."""
    return int(np.datetime64(int(month), "M").astype("datetime64[D]").astype(np.int64))


def month_text(month: int) -> str:
    """A month number as ISO text: ``"2026-09"``."""
    return str(np.datetime64(int(month), "M"))


def day_date(day: int) -> date:
    """A day number as a :class:`datetime.date`."""
    return np.datetime64(int(day), "D").astype(date)


def months_of(days: np.ndarray) -> np.ndarray:
    """Month numbers of day numbers (NAT stays NAT)."""
    out = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.where(days == NAT, NAT, out)


def month_of_day(day: int) -> int:
    """The month number of one day number."""
    return int(months_of(np.array([day], dtype=np.int64))[0])


def month_dates(months) -> list[pd.Timestamp]:
    """Month numbers as the first day of each month: the ``month`` column of the tables."""
    return [pd.Timestamp(day_date(month_day(m))) for m in months]


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year, as month numbers (months since 1970-01)."""

    kind: str  # "month" | "quarter" | "year"
    first: int
    last: int

    @property
    def label(self) -> str:
        """The period as the user writes it: ``2026-09``, ``2026-Q3`` or ``2026``."""
        year, month = divmod(self.first, 12)
        year += 1970
        if self.kind == "year":
            return f"{year}"
        if self.kind == "quarter":
            return f"{year}-Q{month // 3 + 1}"
        return f"{year}-{month + 1:02d}"

    @property
    def months(self) -> int:
        """Months in the period: 1, 3 or 12."""
        return self.last - self.first + 1

    @property
    def periods_per_year(self) -> int:
        """Periods of this kind in a year: 12, 4 or 1."""
        return 12 // self.months

    @property
    def start_day(self) -> int:
        """Day number of the period's first day."""
        return month_day(self.first)

    @property
    def end_day(self) -> int:
        """Day number of the period's last day."""
        return month_day(self.last + 1) - 1

    @property
    def start(self) -> date:
        """The period's first day."""
        return day_date(self.start_day)

    @property
    def end(self) -> date:
        """The period's last day."""
        return day_date(self.end_day)

    @property
    def days(self) -> int:
        """Days in the period."""
        return self.end_day - self.start_day + 1

    @property
    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return Period(self.kind, self.first - self.months, self.last - self.months)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> Period:
    """``"2026-09"`` (a month), ``"2026-Q3"`` (a quarter) or ``"2026"`` (a year)."""
    match = PERIOD_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidInputError(
            f"period is {text!r}, expected a month (2026-09), a quarter (2026-Q3) or a year (2026)"
        )
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise InvalidInputError(f"period is {text!r}: month {month} is not 1 to 12")
        first = month_number(year, month)
        return Period("month", first, first)
    if match.group(3):
        first = month_number(year, 3 * (int(match.group(3)) - 1) + 1)
        return Period("quarter", first, first + 2)
    first = month_number(year, 1)
    return Period("year", first, first + 11)
