"""Building the report: one period and one segment of the data, every table, one :class:`Report`.

:func:`build_report` checks the language, the segment and the period, prepares the data
once (:mod:`addin.report.prepared`), shares one period's facts between the KPIs, the trend
and the what-if, and fills every table of the :class:`~addin.report.model.Report`. The
language is only stored in the report, for the renderer: nothing here depends on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import i18n
from ..data.facts import Facts, reduce_tables, typed_frames
from ..errors import InvalidInputError
from . import tables
from .customer_value import most_valuable_customers
from .definitions import definitions
from .facts import PeriodFacts
from .kpis import kpi_table
from .model import Note, Report
from .period import Period, day_date, month_day, month_of_day, month_text, parse_period
from .prepared import PreparedData
from .whatif import retention_whatif

if TYPE_CHECKING:  # pragma: no cover
    from ..data import RetentionData

DEFAULT_SETTINGS: dict[str, object] = {"gross_margin": None, "confidence": 0.95,
                                        "program_cost": None, "currency": None}
#: The source name of the bundled sample company (:func:`addin.export.export_demo`).
SAMPLE_SOURCE = "sample data"
#: The KPIs the three sentences at the top of the first page may speak of, by sentence, in
#: order of preference: the first :data:`SUMMARY_CLAUSES` the data gives are said.
SUMMARY_LINES: tuple[tuple[str, ...], ...] = (
    ("customers_end", "churn", "crr"),
    ("nrr", "mrr", "grr"),
    ("nps", "repeat_purchase_ratio", "dso", "return_rate"),
)
SUMMARY_CLAUSES = 2


def facts_of(data: RetentionData) -> Facts:
    """The reduced facts of ``data``: its own (:attr:`RetentionData.facts`, reduced once), or
    those of its ``tables`` (pandas tables handed over as they are)."""
    facts = getattr(data, "facts", None)
    if isinstance(facts, Facts):
        return facts
    return reduce_tables(typed_frames(dict(getattr(data, "tables", {}) or {})))


def _choose_segment(facts: Facts, segment: str | None) -> str | None:
    """The segment as spelled in Customers.segment (matched ignoring case), or None for all."""
    if segment is None or segment == "":
        return None
    customers = facts.customers
    if customers is None or not facts.has("segment", "customers"):
        raise InvalidInputError(
            f"segment {segment!r} needs the segment column of the Customers table, which the data lacks"
        )
    segments = sorted({str(v) for v in customers["segment"].dropna().unique() if str(v).strip()})
    if segment in segments:
        return segment
    folded = [s for s in segments if s.casefold() == segment.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InvalidInputError(
        f"segment {segment!r} is not in the data; its segments are {', '.join(segments)}"
    )


def build_report(data: RetentionData, period: str | Period | None = None, segment: str | None = None,
                 lang: str = "en", settings: dict | None = None, *,
                 progress: Callable[[str], None] | None = None) -> Report:
    """The retention report of ``period`` (default: the last complete month) for ``segment``.

    ``data`` is a :class:`addin.data.RetentionData` (its reduced ``facts``), or anything
    with a ``tables`` dict of pandas DataFrames and, optionally, ``quality``, ``notes`` and
    ``source``. ``settings``:
    ``gross_margin`` (a fraction, for CLV from churn and the what-if; default 100 % with a
    note), ``program_cost`` (of the retention programme, for the what-if's ROI; default none:
    the ROI is n/a with a note), ``confidence`` (of the NPS margin of error, default 0.95)
    and ``currency`` (the ISO code of the money amounts; default: the data's ``currency``
    when it names one, else none).
    ``progress`` is called with the name of each stage as it starts: ``reducing`` (the rows
    become per-customer facts) and ``computing`` (the tables from the facts), two of
    :data:`addin.export.STAGES`. ``lang`` is the language
    the report is to be rendered in (:mod:`addin.report.render` reads ``Report.lang``).

    Raises InvalidInputError for a bad period, segment or language, or a period outside the
    data.
    """
    lang = i18n.check_language(lang)
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    step = progress or (lambda name: None)

    step("reducing")  # the rows become per-customer facts, once (when not yet)
    reduced = facts_of(data)
    chosen = _choose_segment(reduced, segment)
    prepared = PreparedData(reduced, chosen)
    if prepared.extent is None:
        raise InvalidInputError("the data has no dated rows: nothing to report")
    first, last_day, data_last_month, complete = prepared.extent
    notes: list[Note] = []
    if period is None:
        # never a month that has not ended by the run's date: one mistyped future date (that
        # the reader missed) must not move the whole report
        run_day = ((getattr(data, "today", None) or date.today()) - date(1970, 1, 1)).days
        complete = min(complete, month_of_day(run_day + 1) - 1)
        the_period = Period("month", complete, complete)
        notes.append(Note("default_period", period=the_period.label))
    else:
        the_period = period if isinstance(period, Period) else parse_period(period)
    if the_period.first < first <= the_period.last:
        raise InvalidInputError(
            f"period {the_period.label} starts before the data, which starts in "
            f"{month_text(first)}: choose a period from {month_text(first)} on"
        )
    if the_period.last < first or the_period.first > data_last_month:
        raise InvalidInputError(
            f"period {the_period.label} is outside the data, which runs from "
            f"{month_text(first)} to {month_text(data_last_month)}"
        )
    if the_period.end_day > last_day:
        notes.append(Note("incomplete_period", period=the_period.label,
                          end=day_date(last_day).isoformat()))

    known: dict[Period, PeriodFacts] = {}

    def facts(of: Period) -> PeriodFacts:
        """One PeriodFacts per period: the trend's months reuse the KPIs' counts, and back."""
        if of not in known:
            known[of] = PeriodFacts(prepared, of, settings)
        return known[of]

    step("computing")
    kpis = kpi_table(facts, the_period, settings)
    trend = tables.trend(facts, prepared, the_period)
    logos, revenue, cohort_source, cohort_notes = tables.cohorts(prepared, the_period)
    if cohort_source:
        notes.append(Note("cohort_source", table=cohort_source))
    history = tables.kpi_history(facts, kpis, the_period)
    movements = tables.mrr_movements(prepared, the_period)
    if len(movements) == 0 and prepared.subs is not None:
        notes.append(Note("no_movements"))
    distribution, nps_monthly = tables.nps_tables(facts, prepared, the_period, settings)
    ageing = tables.ageing(prepared, the_period)
    whatif = retention_whatif(facts(the_period), settings)
    top_customers, clv_notes = most_valuable_customers(prepared, the_period)

    source = str(getattr(data, "source", "") or "")
    currency = settings.get("currency") or getattr(data, "currency", None) or None
    data_range = f"{day_date(month_day(first)).isoformat()} / {day_date(last_day).isoformat()}"
    meta = pd.DataFrame({
        "label": [Note(key) for key in
                  ("period", "previous_period", "segment", "source", "data_range")],
        "value": [f"{the_period.label} ({the_period.start.isoformat()} / {the_period.end.isoformat()})",
                  the_period.previous.label,
                  chosen if chosen is not None else Note("all_segments"),
                  _source_note(data, reduced), data_range],
    })
    return Report(
        period=the_period,
        previous=the_period.previous,
        segment=chosen,
        lang=lang,
        source=source,
        data_start=day_date(month_day(first)),
        data_end=day_date(last_day),
        meta=meta,
        kpis=kpis,
        trend=trend,
        cohorts_logos=logos,
        cohorts_revenue=revenue,
        mrr_movements=movements,
        nps_distribution=distribution,
        nps_monthly=nps_monthly,
        ageing=ageing,
        quality=tables.quality(data, reduced.tables),
        definitions=definitions(),
        notes=notes,
        data_notes=[n if isinstance(n, str) else str(n) for n in (getattr(data, "notes", None) or [])],
        retention_whatif=whatif,
        clv_notes=clv_notes,
        top_customers=top_customers,
        currency=currency,
        summary=_summary(kpis),
        kpi_history=history,
        cohort_notes=cohort_notes,
    )


def _summary(kpis: pd.DataFrame) -> list[tuple[str, ...]]:
    """The KPI keys of each sentence at the top of the first page: of SUMMARY_LINES, the
    first SUMMARY_CLAUSES KPIs with a value this period; a sentence with none is left out."""
    current = dict(zip(kpis["key"], kpis["current"]))
    lines = []
    for keys in SUMMARY_LINES:
        said = tuple(k for k in keys if k in current and pd.notna(current[k]))[:SUMMARY_CLAUSES]
        if said:
            lines.append(said)
    return lines


def _source_note(data: RetentionData, facts: Facts) -> Note:
    """What was read, as the reader knows it: the file or folder (its name, not a path
    relative to where the command ran), the tables and the rows read."""
    quality = getattr(data, "quality", None)
    if isinstance(quality, pd.DataFrame) and len(quality) and "rows_read" in quality:
        rows = int(quality.drop_duplicates("table")["rows_read"].sum())
    else:
        rows = sum(facts.rows.values())
    counted = {"tables": len(facts.tables), "rows": rows}
    source = str(getattr(data, "source", "") or "")
    if source == SAMPLE_SOURCE:
        return Note("source_sample", **counted)
    path = Path(source) if source else None
    if path is not None and path.exists():
        place = path.resolve()
        kind = "source_folder" if place.is_dir() else "source_file"
        return Note("source_read", place=Note(kind, name=place.name or str(place)), **counted)
    if source:
        return Note("source_read", place=source, **counted)
    return Note("source_given", **counted)
