"""Known exports of billing and shop systems, recognised by their headers, read as our tables.

Each format is one small module stating the header columns that recognise it
(:attr:`Export.keys`) and how its rows become one of our tables (:attr:`Export.convert`).
:data:`EXPORTS` lists them; adding the next one (Chargebee, Paddle, HubSpot) is one module
and one line here. The CSV reader (:mod:`addin.data.sources.csv`) asks :func:`recognise`
about every file whose header matches none of our tables, and :func:`read_export` reads the
files of one export together (Shopify splits a big export into ``orders_export_1.csv``,
``orders_export_2.csv``: their rows are joined).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...cells import name_key
from ...errors import DataError
from ..sources.base import RawTable, ReadOptions, regular_file, shown_name
from ..sources.encoding import decode
from ..values import INVISIBLE

__all__ = ["Export", "EXPORTS", "ExportRows", "recognise", "read_export", "header_key"]


def header_key(header: object) -> str:
    """A header as compared with an export's columns: any case and spacing, no invisible
    characters (a byte-order mark)."""
    return name_key(INVISIBLE.sub("", str(header)))


@dataclass
class ExportRows:
    """The rows of one export as read: every cell as text (blank: ``""``), the row number the
    user sees for each row and the file it came from (the files of one export, joined)."""

    frame: pd.DataFrame  # columns keyed by header_key
    rows: pd.Series  # row number in its file (the header is row 1)
    files: pd.Series  # the file each row came from
    headers: dict[str, str]  # header_key -> the header as written (for messages)


@dataclass(frozen=True)
class Export:
    """One known export: its name, the table it gives, the columns that recognise it (each a
    tuple of the spellings seen across versions) and its conversion to a :class:`RawTable`."""

    name: str
    table: str
    keys: tuple[tuple[str, ...], ...]
    convert: Callable[[ExportRows, str, ReadOptions], RawTable]

    def matches(self, headers: Sequence[object]) -> bool:
        """Whether ``headers`` hold one spelling of every key column."""
        found = {header_key(h) for h in headers if h is not None}
        return all(any(header_key(s) in found for s in spellings) for spellings in self.keys)


def _exports() -> tuple[Export, ...]:
    from .shopify import SHOPIFY_ORDERS
    from .stripe import STRIPE_SUBSCRIPTIONS
    return (SHOPIFY_ORDERS, STRIPE_SUBSCRIPTIONS)


#: The known exports, in the order they are tried.
EXPORTS: tuple[Export, ...] = _exports()


def recognise(headers: Sequence[object]) -> Export | None:
    """The known export whose key columns ``headers`` hold, or None."""
    return next((export for export in EXPORTS if export.matches(headers)), None)


def _read_one(path: Path, options: ReadOptions, notes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    name = shown_name(path.name)
    regular_file(path, name)
    text = decode(path.read_bytes(), name, options.encoding, notes)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            index_col=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, ValueError) as error:
        raise DataError(f"cannot be read as CSV: {' '.join(str(error).split())}", file=name) from None
    return frame, list(frame.columns)


def read_export(export: Export, paths: Sequence[Path], options: ReadOptions,
                notes: list[str]) -> RawTable:
    """The files ``paths`` of ``export``, read as text and joined in order, converted to the
    export's table."""
    frames, rows, files, headers = [], [], [], {}
    for path in paths:
        frame, columns = _read_one(path, options, notes)
        keys = [header_key(c) for c in columns]
        headers.update({k: str(c).strip() for k, c in zip(keys, columns)})
        frame.columns = keys
        frame = frame.loc[:, ~frame.columns.duplicated()]
        frames.append(frame.map(str.strip) if len(frame) else frame)
        rows.append(pd.Series(range(2, len(frame) + 2)))
        files.append(pd.Series([shown_name(path.name)] * len(frame), dtype=object))
    frame = pd.concat(frames, ignore_index=True).fillna("")
    read = ExportRows(frame=frame, rows=pd.concat(rows, ignore_index=True),
                      files=pd.concat(files, ignore_index=True), headers=headers)
    label = ", ".join(shown_name(p.name) for p in paths)
    return export.convert(read, label, options)
