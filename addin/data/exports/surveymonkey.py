"""SurveyMonkey survey responses exported as CSV (Analyze Results > Save as > CSV) read as NPS.

Recognised by the columns ``Respondent ID``, ``Collector ID``, ``Start Date`` and
``End Date``. SurveyMonkey writes two header rows: the question texts (after the respondent's
columns: ``IP Address``, ``Email Address``, ``First Name``, ``Last Name``, ``Custom Data 1``...)
and, under them, each answer column's label (``Response`` for a single answer); responses
start on row 3, and rows keep that numbering in every message. The rules:

- the NPS question is the column whose question text asks how likely ... recommend (any case):
  its answers are the 0-10 score (``10 - Extremely likely`` is read as 10); a survey with no
  such question, or several, is refused, listing its questions (give the column with
  ``--map NPS.score=<header>``);
- customer = ``Email Address`` lower-cased (filled by email invitation collectors; the
  ``Custom Data`` columns hold whatever the survey's owner put there, so they are not taken
  as ids unless mapped: ``--map NPS.customer_id="Custom Data 1"``);
- date = the date of ``End Date``, which SurveyMonkey writes month first with a 12-hour
  clock (``03/14/2026 09:05:31 PM``): read in that order, never guessed;
- a response without a score (a partial response, or the question skipped) is dropped as a
  blank score, as in any NPS table.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...errors import DataError
from ..sources.base import RawTable, ReadOptions
from . import Export, ExportRows, header_key
from .common import column, refuse_at, score_text

__all__ = ["SURVEYMONKEY_RESPONSES", "convert_responses", "nps_column"]

#: The respondent's columns SurveyMonkey writes before the questions (and Custom Data N).
RESPONDENT_COLUMNS = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                      "Email Address", "First Name", "Last Name")
_RESPONDENT_KEYS = {header_key(c) for c in RESPONDENT_COLUMNS}
_NPS_QUESTION = re.compile(r"how likely.*recommend", re.IGNORECASE | re.DOTALL)
_BLANK_HEADER = re.compile(r"Unnamed: \d+")  # how a blank header cell is read
#: How SurveyMonkey writes a date: month first, 12-hour clock; a bare date where no time.
DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y")


def _questions(read: ExportRows) -> list[str]:
    return [key for key in read.frame.columns
            if key not in _RESPONDENT_KEYS and not key.startswith(header_key("Custom Data"))
            and not _BLANK_HEADER.fullmatch(read.headers[key])]


def _check_header(read: ExportRows) -> None:
    """Refuse a file whose second row is a response, not SurveyMonkey's second header row."""
    for file, rows in read.extra_headers.items():
        if not rows or rows[0].get(header_key("Respondent ID"), "") != "":
            raise DataError("this SurveyMonkey export lacks its second header row (row 2: "
                            "'Response', 'Open-Ended Response' under the questions); row 2 "
                            "holds a response instead. Export the responses again as CSV, "
                            "unedited", file=file)


def nps_column(read: ExportRows) -> str:
    """The key of the one question asking how likely the respondent is to recommend."""
    questions = _questions(read)
    found = [key for key in questions if _NPS_QUESTION.search(read.headers[key])]
    if len(found) == 1:
        return found[0]
    listed = "; ".join(repr(read.headers[k]) for k in questions) or "none"
    what = "no question asking how likely ... recommend" if not found else \
        f"{len(found)} questions asking how likely ... recommend"
    raise DataError(f"this SurveyMonkey export has {what}; its questions: {listed}. Name the "
                    "0-10 column with --map NPS.score=<header>",
                    file=", ".join(read.extra_headers))


def end_dates(read: ExportRows) -> pd.Series:
    """``End Date`` as ISO dates (None: blank), read in SurveyMonkey's order (DATE_FORMATS);
    DataError naming the first one written otherwise."""
    text = column(read, "End Date")
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        parsed = parsed.fillna(pd.to_datetime(text, format=fmt, errors="coerce"))
    refuse_at(read, parsed.isna() & (text != ""),
              lambda at: f"{text.iloc[at]!r} in End Date is not a date as SurveyMonkey writes "
                         "it (MM/DD/YYYY HH:MM:SS AM)")
    return pd.Series(parsed.dt.strftime("%Y-%m-%d").to_numpy(object), dtype=object).where(
        parsed.notna().to_numpy(), None)


def convert_responses(read: ExportRows, label: str, options: ReadOptions) -> RawTable:
    """The NPS table of a SurveyMonkey responses export (the rules above)."""
    _check_header(read)
    score_key = nps_column(read)
    columns = {
        "customer_id": pd.Series(column(read, "Email Address").str.lower().to_numpy(object),
                                 dtype=object),
        "date": end_dates(read),
        "score": pd.Series(score_text(read.frame[score_key]).to_numpy(object), dtype=object),
    }
    shown = {"customer_id": "Email Address", "date": "End Date", "score": read.headers[score_key]}
    return RawTable(table="NPS", columns=columns, n=len(read.frame),
                    rows=read.rows.to_numpy(np.int64), file=label, sheet=None, shown=shown,
                    stripped=True, text_blanks=True, may_have_errors=False, decimal_hint=".")


#: SurveyMonkey's CSV export of survey responses.
SURVEYMONKEY_RESPONSES = Export(
    name="SurveyMonkey responses", table="NPS",
    keys=(("Respondent ID",), ("Collector ID",), ("Start Date",), ("End Date",)),
    convert=convert_responses,
    header_rows=2,
)
