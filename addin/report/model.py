"""The computed report: the :class:`Report` type, its tables' columns, notes, plain values.

A :class:`Report` is what :func:`addin.report.build_report` returns and what the renderer
(:mod:`addin.report.render`) turns into cells for every writer (the exporter, the Refresh
button, the template's Report sheet). Its fields and the columns below are a contract with
the renderer: change them together.

The report holds no words. Where a value is to be read as words (a KPI's name, why a value
is blank, a note on the data) it holds a :class:`Note`: a word key of
:data:`addin.i18n.TEXTS` and the values to fill in. The renderer says them in the report's
language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .period import Period


@dataclass(frozen=True, init=False)
class Note:
    """Something the report says, to be put into words by the renderer.

    ``key`` is a word key of :data:`addin.i18n.TEXTS`; ``values`` fill its placeholders, as
    (name, value) pairs. A value is text or a number as it is (numbers are written with the
    language's marks where the words give a format, ``{customers:,.0f}``), another Note (said
    first), or a tuple of texts: alternatives, said "Customers or Subscriptions".
    ``Note("needs_table", tables=("Orders",))`` says "n/a — needs the Orders table".
    """

    key: str
    values: tuple[tuple[str, object], ...]

    def __init__(self, key: str, **values: object):
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", tuple(values.items()))


@dataclass(frozen=True)
class Quantity:
    """A number in a note, with its unit: the renderer writes it as the report's cells show
    that unit (its decimals, the language's marks, the currency, "days"); ``change`` writes
    it as a change, signed (a rate's change is in points already). A ``"month"`` quantity is
    a month (a Timestamp), written "Nov 24"."""

    value: object
    unit: str
    change: bool = False


#: A table cell of notes (kpis.note, retention_whatif.note): the notes in order, each a
#: :class:`Note` or text as it is (the metric core's reasons, in English); empty when none.
Notes = tuple[Note | str, ...]

WHATIF_CUTS = (0.10, 0.20, 0.30)  # the what-if's scenarios: shares of the period's churn cut


def cut_column(share: float) -> str:
    """The what-if's column of the scenario cutting churn by ``share``: ``cut_10`` for 0.10."""
    return f"cut_{round(share * 100)}"


# The columns of each table of a Report. The trend (month, then one column per KPI key of
# the trend that the data can give) and the cohort matrices (cohort, size, then one column
# per age in months) have columns that depend on the data.
KPI_COLUMNS = ["key", "label", "unit", "better", "current", "previous", "change", "note"]
COHORT_COLUMNS = ["cohort", "size"]  # an empty matrix's; a filled one adds the ages
MRR_MOVEMENT_COLUMNS = ["month", "start_mrr", "new", "expansion", "reactivation", "contraction",
                        "churned", "end_mrr"]
NPS_DISTRIBUTION_COLUMNS = ["score", "group", "answers", "share"]
NPS_MONTHLY_COLUMNS = ["month", "promoters", "passives", "detractors", "answers", "nps",
                       "nps_moe"]
AGEING_COLUMNS = ["bucket", "invoices", "amount", "share"]
QUALITY_COLUMNS = ["table", "rows_read", "rows_kept", "rows_dropped", "reason", "first_rows"]
DEFINITION_COLUMNS = ["label", "definition", "source_function"]
WHATIF_COLUMNS = ["key", "label", "unit", "today", *map(cut_column, WHATIF_CUTS), "note"]
KPI_HISTORY_MONTHS = 12  # months of each KPI behind the KPI sheet's sparklines
TOP_COLUMNS = ["customer_id", "customer", "clv", "share", "cumulative_share", "p_alive",
               "expected_purchases", "expected_spend"]


def empty(columns) -> pd.DataFrame:
    """A table with these columns and no rows (a table the data cannot fill)."""
    return pd.DataFrame({c: [] for c in columns})


@dataclass
class Report:
    """A computed report: plain values and DataFrames, nothing to compute left, no words.

    ``kpis`` has one row per KPI of the board (the first page): key, label, unit, better (+1
    higher is better, −1 lower, 0 neither), current, previous, change (current − previous;
    for a rate, in points: × 100), note (why a value is blank, or a caution). Blank values
    are NaN. ``kpi_history`` has the same KPIs' values in each of the last
    :data:`KPI_HISTORY_MONTHS` months (key, label, unit, then one column per month).
    ``summary`` is the KPI keys the three sentences at the top of the first page speak of,
    one tuple per sentence. ``currency`` is the ISO code of the money amounts, or None.

    The fields that hold :class:`Note` values instead of words: ``meta.label`` (and
    ``meta.value`` when no segment is chosen), ``kpis.label`` (``Note(key)``),
    ``kpis.note`` and ``retention_whatif.note`` (:data:`Notes`), ``retention_whatif.label``,
    ``nps_distribution.group``, ``ageing.bucket``, ``quality.reason`` of the tables not
    provided, the first cohort's label when it holds the customers already there when the
    data starts, ``meta.value`` of the data source, ``definitions.label`` and the ``definitions.definition`` of the counting rules
    and of the KPIs no metric function defines, ``notes`` and ``clv_notes``. Every other
    value is a number, a date, a key (``unit``) or text from the data or the metric core;
    numbers inside notes may be :class:`Quantity` values.

    ``lang`` is the language the report is to be rendered in: :func:`build_report` checks
    and stores it, nothing computed depends on it, and :mod:`addin.report.render` reads it.
    """

    period: Period
    previous: Period
    segment: str | None
    lang: str
    source: str
    data_start: date | None
    data_end: date | None
    meta: pd.DataFrame
    kpis: pd.DataFrame
    trend: pd.DataFrame
    cohorts_logos: pd.DataFrame
    cohorts_revenue: pd.DataFrame
    mrr_movements: pd.DataFrame
    nps_distribution: pd.DataFrame
    nps_monthly: pd.DataFrame
    ageing: pd.DataFrame
    quality: pd.DataFrame
    definitions: pd.DataFrame
    notes: list[Note] = field(default_factory=list)
    data_notes: list[str] = field(default_factory=list)
    #: The what-if of the period: one row per item (key, label, unit, today, cut_10, cut_20,
    #: cut_30, note); the scenarios cut the period's churn by WHATIF_CUTS.
    retention_whatif: pd.DataFrame = field(default_factory=lambda: empty(WHATIF_COLUMNS))
    #: The predictive CLV's notes (how it was fitted, the top customers' share, or why n/a).
    clv_notes: list[Note] = field(default_factory=list)
    #: The TOP_CUSTOMERS customers of the largest predicted CLV, largest first.
    top_customers: pd.DataFrame = field(default_factory=lambda: empty(TOP_COLUMNS))
    #: The ISO 4217 code of the money amounts (``--currency``, or the data's), or None.
    currency: str | None = None
    #: The KPI keys of the three sentences at the top of the first page, one tuple each.
    summary: list[tuple[str, ...]] = field(default_factory=list)
    #: Each board KPI in each of the last KPI_HISTORY_MONTHS months (the sparklines).
    kpi_history: pd.DataFrame = field(default_factory=lambda: empty(["key", "label", "unit"]))
    #: What the cohort tables hold that a reader must know (their first cohort).
    cohort_notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        # who the data reader counted (a signup taken from the first subscription, a
        # customer left out of every table) is said beside the KPIs that count customers,
        # from the quality account the report carries; kpis builds on this module
        from .kpis import with_customer_rule

        self.kpis = with_customer_rule(self.kpis, self.quality)

    def kpi(self, key: str) -> pd.Series:
        """The row of one KPI (current, previous, change, note, ...)."""
        rows = self.kpis.index[self.kpis["key"] == key]
        if len(rows) == 0:
            raise KeyError(key)
        return self.kpis.loc[rows[0]]


def python_value(value: object) -> object:
    """A report cell value as plain Python, for the writers: None for a blank (None, NaN, NaT,
    infinity), bool, int, float, datetime; anything else (text) unchanged."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
