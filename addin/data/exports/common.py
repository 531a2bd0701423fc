"""What the export modules share: the date part of a timestamp, numbers written plainly,
the column of an export under any of its spellings."""

from __future__ import annotations

import pandas as pd

from ...errors import DataError

__all__ = ["column", "date_part", "number"]


def column(read, *spellings: str, required: bool = True) -> pd.Series | None:
    """The column of ``read`` (an :class:`~addin.data.exports.ExportRows`) under the first
    spelling present; None (or DataError when ``required``) when none is."""
    from . import header_key
    for spelling in spellings:
        key = header_key(spelling)
        if key in read.frame.columns:
            return read.frame[key]
    if required:
        raise DataError(f"the export has no column {spellings[0]}", file=", ".join(read.files.unique()))
    return None


def date_part(values: pd.Series) -> pd.Series:
    """The date as written in a timestamp (``2026-03-04 21:15:09 -0500`` -> ``2026-03-04``):
    the time and zone are dropped, never converted, so the day is the one the export shows."""
    return values.str.split(r"[ T]", n=1, regex=True).str[0].fillna("")


def number(values: pd.Series) -> pd.Series:
    """Numbers as exports write them (``1234.50``, blank for none): floats, NaN where blank
    or unreadable."""
    return pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce")
