"""What the export modules share: the date part of a timestamp, numbers written plainly,
the column of an export under any of its spellings, a 0-10 answer, a refusal at a row."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...errors import DataError

__all__ = ["column", "date_part", "dates", "number", "refuse_at", "score_text"]


def column(read, *spellings: str, required: bool = True) -> pd.Series | None:
    """The column of ``read`` (an :class:`~addin.data.exports.ExportRows`) under the first
    spelling present; None (or DataError when ``required``) when none is."""
    from . import header_key
    for spelling in spellings:
        key = header_key(spelling)
        if read.read_only is not None and key not in read.read_only:
            raise AssertionError(f"{spelling!r} is not among the columns its export reads")
        if key in read.frame.columns:
            return read.frame[key]
    if required:
        raise DataError(f"the export has no column {spellings[0]}", file=", ".join(read.files.unique()))
    return None


def date_part(values: pd.Series) -> pd.Series:
    """The date as written in a timestamp (``2026-03-04 21:15:09 -0500`` -> ``2026-03-04``):
    the time and zone are dropped, never converted, so the day is the one the export shows."""
    return values.str.replace(r"(?s)[ T].*", "", regex=True).fillna("")


def number(values: pd.Series) -> pd.Series:
    """Numbers as exports write them (``1234.50``, blank for none): floats, NaN where blank
    or unreadable."""
    text = values.str.replace(",", "", regex=False)
    filled = (text != "").to_numpy(bool)
    out = np.full(len(text), np.nan)
    try:  # every filled cell a plain number, as exports write them: one fast cast
        out[filled] = text[filled].astype(np.float64).to_numpy(np.float64)
    except (ValueError, TypeError):
        return pd.to_numeric(text, errors="coerce")
    return pd.Series(out, index=values.index)


def refuse_at(read, bad: pd.Series, problem) -> None:
    """DataError at the first row of ``read`` where ``bad`` holds: ``problem(position)`` says
    what is wrong there; the message names the file and the row as the user numbers it."""
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(problem(at), file=str(read.files.iloc[at]), row=int(read.rows.iloc[at]))


def dates(read, *spellings: str) -> pd.Series:
    """A timestamp column (its first spelling present) as dates, NaT where blank or where
    the export has no such column; DataError naming the first one that is not a date."""
    values = column(read, *spellings, required=False)
    if values is None:
        return pd.Series(pd.NaT, index=read.frame.index, dtype="datetime64[ns]")
    text = date_part(values)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    refuse_at(read, parsed.isna() & (text != ""),
              lambda at: f"{values.iloc[at]!r} in {spellings[0]} is not a date (YYYY-MM-DD)")
    return parsed


_SCORE = re.compile(r"^(\d{1,2})(?:\s*[-\u2013:]\s*\D.*)?$")


def score_text(values: pd.Series) -> pd.Series:
    """A 0-10 answer as survey tools write it: ``9``, or with its label ``10 - Extremely
    likely``; the number as text, anything else as written (for the checks to name it)."""
    number = values.str.extract(_SCORE, expand=False)
    return number.where(number.notna(), values)
