"""Qualtrics survey responses exported as CSV (Data & Analysis > Export > CSV) read as NPS.

Recognised by the columns ``StartDate``, ``EndDate``, ``RecordedDate`` and ``ResponseId``.
Qualtrics writes three header rows: the column ids (``Q1``, ``RecipientEmail``), the question
texts, and each column's ``{"ImportId":...}``; responses start on row 4, and rows keep that
numbering in every message. The rules:

- the NPS question is the column that has a ``<Q>_NPS_GROUP`` sibling (Qualtrics adds it to
  every Net Promoter Score question): its 0-10 answers are column ``<Q>``; a survey with
  none or several is refused, naming them (give the column with ``--map NPS.score=<header>``);
- customer = an embedded-data customer id column when the survey has one (``customer_id``,
  ``CustomerID``, ``Customer ID``), otherwise ``RecipientEmail`` lower-cased;
- date = the date written in ``RecordedDate`` (``EndDate`` where it is blank);
- a preview or test response (``Status`` ``Survey Preview``, ``Survey Test`` or their codes
  1, 2 and 17) is dropped as **survey preview or test**;
- a response without a score (the question was skipped or the survey left unfinished) is
  dropped as a blank score, as in any NPS table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import DataError
from ...i18n import Message
from ..sources.base import RawTable, ReadOptions
from . import Export, ExportRows, header_key
from .common import column, date_part, score_text

__all__ = ["CUSTOMER_ID_COLUMNS", "QUALTRICS_RESPONSES", "convert_responses"]

#: The embedded-data columns taken as the customer's id, before the recipient's email.
CUSTOMER_ID_COLUMNS = ("customer_id", "CustomerID", "Customer ID")

_GROUP = header_key("_NPS_GROUP")
_NOT_ANSWERS = {"surveypreview", "surveytest", "offlinesurveypreview", "1", "2", "17"}


def _check_header(read: ExportRows) -> None:
    """Refuse a file whose second and third rows are not Qualtrics' header rows."""
    for file, rows in read.extra_headers.items():
        third = rows[1].values() if len(rows) > 1 else ()
        if not any(cell.startswith('{"ImportId"') for cell in third):
            second = rows[0].values() if rows else ()
            lost = ("the question texts (row 2)" if any(c.startswith('{"ImportId"') for c in second)
                    else "the ImportId row (row 3)")
            raise DataError(f"this Qualtrics export lacks a header row: {lost}. Qualtrics writes "
                            "three: the column ids, the question texts, the ImportIds; export "
                            "the responses again as CSV, unedited", file=file)


def nps_column(read: ExportRows) -> str:
    """The key of the NPS question's 0-10 column: the one with a ``_NPS_GROUP`` sibling."""
    found = [key[: -len(_GROUP)] for key in read.frame.columns
             if key.endswith(_GROUP) and key[: -len(_GROUP)] in read.frame.columns]
    if len(found) == 1:
        return found[0]
    files = ", ".join(read.files.unique()) or ", ".join(read.extra_headers)
    if not found:
        raise DataError("this Qualtrics export has no Net Promoter Score question (a column "
                        "with a _NPS_GROUP sibling); name the 0-10 column with "
                        "--map NPS.score=<header>", file=files)
    raise DataError(f"this Qualtrics export has {len(found)} Net Promoter Score questions "
                    f"({', '.join(read.headers[k] for k in found)}); name the one to use with "
                    "--map NPS.score=<header>", file=files)


def convert_responses(read: ExportRows, label: str, options: ReadOptions) -> RawTable:
    """The NPS table of a Qualtrics responses export (the rules above)."""
    _check_header(read)
    score_key = nps_column(read)
    customer = next(((c, column(read, c)) for c in CUSTOMER_ID_COLUMNS
                     if column(read, c, required=False) is not None), None)
    if customer is None:
        customer = ("RecipientEmail", column(read, "RecipientEmail").str.lower())
    recorded = date_part(column(read, "RecordedDate"))
    date = recorded.where(recorded != "", date_part(column(read, "EndDate")))
    status = column(read, "Status", required=False)
    dropped = None
    if status is not None:
        test = status.map(header_key).isin(_NOT_ANSWERS)
        if test.any():
            dropped = {Message("q_survey_test"): test.to_numpy()}
    columns = {
        "customer_id": pd.Series(customer[1].to_numpy(object), dtype=object),
        "date": pd.Series(date.to_numpy(object), dtype=object).where(date.to_numpy() != "", None),
        "score": pd.Series(score_text(read.frame[score_key]).to_numpy(object), dtype=object),
    }
    shown = {"customer_id": customer[0], "date": "RecordedDate", "score": read.headers[score_key]}
    return RawTable(table="NPS", columns=columns, n=len(read.frame),
                    rows=read.rows.to_numpy(np.int64), file=label, sheet=None, shown=shown,
                    stripped=True, text_blanks=True, may_have_errors=False, decimal_hint=".",
                    dropped=dropped)


#: Qualtrics' CSV export of survey responses.
QUALTRICS_RESPONSES = Export(
    name="Qualtrics responses", table="NPS",
    keys=(("StartDate",), ("EndDate",), ("RecordedDate",), ("ResponseId",)),
    convert=convert_responses,
    header_rows=3,
)
