"""A dict of pandas DataFrames keyed by table name (from Python, or the Refresh button).

Keys and column names match like sheet and header names (any case and spacing). A frame whose
columns are a known export's header (:func:`addin.data.exports.recognise`), under any key, is
converted by that export as its CSV file would be (the header rows after the first, for the
survey exports, are the frame's first rows; the frames of one export are joined); other keys
that are not a table are ignored. Row numbers in messages count the header as row 1, as if
the frame were pasted at A1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ...errors import DataError
from ..exports import convert_frames, recognise
from ..schema import TABLES, table_named
from .base import RawTable, ReadOptions, SourceKind
from .locate import match_columns

__all__ = ["FRAMES", "read_frames"]


def read_frames(frames: Mapping[str, pd.DataFrame], source: str = "DataFrames",
                mapping: dict | None = None, notes: list | None = None) -> list[RawTable]:
    """The tables among ``frames`` (and the known exports, converted); ``source`` names them
    in the message when there is none; ``mapping`` (:mod:`addin.data.mapping`) names the
    headers of mapped columns; ``notes`` takes what a conversion has to say."""
    if not isinstance(frames, Mapping):
        raise DataError(f"expected a dict of DataFrames keyed by table name, got {type(frames).__name__}")
    raws: list[RawTable] = []
    seen: dict[str, object] = {}
    exports: dict = {}  # export -> [(key, frame)]
    for key, frame in frames.items():
        if isinstance(frame, pd.DataFrame):
            export = recognise(list(frame.columns))
            if export is not None:
                _one_source(seen, export.table, key, export)
                exports.setdefault(export, []).append((str(key), frame))
                continue
        table = table_named(key)
        if table is None:
            continue
        _one_source(seen, table, key, None)
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"{key!r} is a {type(frame).__name__}, expected a pandas DataFrame")
        headers = [str(c) for c in frame.columns]
        positions = match_columns(table, headers, file=str(key), mapping=mapping)
        columns = {col: _frame_column(frame.iloc[:, pos]) if pos is not None else None
                   for col, pos in positions.items()}
        raws.append(RawTable(
            table=table, columns=columns, n=len(frame),
            rows=np.arange(2, len(frame) + 2, dtype=np.int64),
            file=str(key), sheet=None,
            shown={c: headers[p] for c, p in positions.items() if p is not None},
            text_blanks=True,
        ))
    if exports:
        options = ReadOptions(mapping=mapping or {})
        converted = convert_frames(exports, options, notes if notes is not None else [])
        raws.extend(converted)
        raws.sort(key=lambda raw: list(TABLES).index(raw.table))
    if not raws:
        raise DataError(
            f"{source}: no table found; expected keys named {', '.join(TABLES)}"
            + (f" (got {', '.join(map(repr, frames))})" if frames else "")
        )
    return raws


def _one_source(seen: dict, table: str, key: object, export) -> None:
    """Note that ``key`` gives ``table`` (as ``export``, or as our table): two keys for one
    table are refused naming both, unless both are the same export (their rows are joined,
    as the files of a split export are)."""
    have = seen.get(table)
    if have is not None and not (export is not None and have[1] is export):
        raise DataError(f"two DataFrames for table {table}: {have[0]!r} and {key!r}; keep one")
    seen[table] = (key, export) if have is None else have


def _frame_column(values: pd.Series) -> pd.Series:
    """A DataFrame column with a plain numpy dtype; others (Int64, str, category) as objects."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or (
            isinstance(values.dtype, np.dtype) and values.dtype.kind in "biufmM"):
        return pd.Series(values.to_numpy(), copy=False)
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "O":
        # stated, not inferred: pandas would make Arrow text of it, which refuses a lone
        # surrogate that the checks are there to report
        return pd.Series(values.to_numpy(), dtype=object, copy=False)
    return pd.Series(values.to_numpy(dtype=object, na_value=None), dtype=object)


#: A dict (any mapping) of DataFrames.
FRAMES = SourceKind(
    name="DataFrames",
    accepts=lambda source: isinstance(source, Mapping),
    read=lambda frames, options, notes: read_frames(frames, mapping=options.mapping, notes=notes),
    label=lambda frames: "DataFrames",
)
