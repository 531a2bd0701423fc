"""Known exports of billing and shop systems, recognised by their headers, read as our tables.

Each format is one small module stating the header columns that recognise it
(:attr:`Export.keys`) and how its rows become one of our tables (:attr:`Export.convert`).
:data:`EXPORTS` lists them; adding the next one (Chargebee, Paddle, HubSpot) is one module
and one line here. The CSV reader (:mod:`addin.data.sources.csv`) asks :func:`recognise`
about every file whose header matches none of our tables, and :func:`read_export` reads the
files of one export together (Shopify splits a big export into ``orders_export_1.csv``,
``orders_export_2.csv``: their rows are joined).

Two things an export may state besides its keys: :attr:`Export.header_rows`, when its header
takes more than one row (Qualtrics writes three, SurveyMonkey two: the rows after the first
reach the conversion as :attr:`ExportRows.extra_headers`, and data rows keep the numbers they
have in the file), and :attr:`Export.needs`, the other exports whose rows its conversion reads
when they are given in the same run (:func:`read_exports`: Stripe's customers export takes its
signup and churn dates from the subscriptions export). Every export's rows are read before any
is converted, so the order of the files does not matter.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...cells import name_key
from ...errors import DataError
from ..sources.base import RawTable, ReadOptions, regular_file, shown_name
from ..sources.encoding import decode
from ..values import INVISIBLE, holds

__all__ = [
    "EXPORTS",
    "Export",
    "ExportRows",
    "cell_text",
    "convert_frames",
    "header_key",
    "read_export",
    "read_exports",
    "recognise",
]


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
    # file -> its header rows after the first, each as header_key -> cell (header_rows > 1)
    extra_headers: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # the rows of the exports this one needs (Export.needs) that the run gives, by export name
    given: dict[str, ExportRows] = field(default_factory=dict)
    notes: list = field(default_factory=list)  # where a conversion adds what the report should say
    read_only: frozenset[str] | None = None  # the header keys read (Export.columns), None: all
    controls: bool = True  # some cell may hold a character that is not text


@dataclass(frozen=True)
class Export:
    """One known export: its name, the table it gives, the columns that recognise it (each a
    tuple of the spellings seen across versions) and its conversion to a :class:`RawTable`.

    ``header_rows``: how many rows its header takes (the first holds the column names the keys
    are matched against). ``needs``: the names of other exports whose rows the conversion
    reads from :attr:`ExportRows.given` when the run gives them (it decides what to do when
    they are not given). ``columns``: every spelling of every column the conversion reads;
    only those are read from the file (a Shopify export has 67 columns, its conversion reads
    8: reading them all takes most of the time). Empty: all columns are read (a survey's
    questions are found among them). :func:`~.common.column` refuses a spelling not listed,
    so the list cannot fall behind the conversion unnoticed."""

    name: str
    table: str
    keys: tuple[tuple[str, ...], ...]
    convert: Callable[[ExportRows, str, ReadOptions], RawTable]
    header_rows: int = 1
    needs: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()

    def matches(self, headers: Sequence[object]) -> bool:
        """Whether ``headers`` hold one spelling of every key column."""
        found = {header_key(h) for h in headers if h is not None}
        return all(any(header_key(s) in found for s in spellings) for spellings in self.keys)


def _exports() -> tuple[Export, ...]:
    from .qualtrics import QUALTRICS_RESPONSES
    from .shopify import SHOPIFY_ORDERS
    from .stripe import STRIPE_SUBSCRIPTIONS
    from .stripe_customers import STRIPE_CUSTOMERS
    from .stripe_invoices import STRIPE_INVOICES
    from .surveymonkey import SURVEYMONKEY_RESPONSES
    return (SHOPIFY_ORDERS, STRIPE_SUBSCRIPTIONS, STRIPE_INVOICES, STRIPE_CUSTOMERS,
            QUALTRICS_RESPONSES, SURVEYMONKEY_RESPONSES)


#: The known exports, in the order they are tried.
EXPORTS: tuple[Export, ...] = _exports()


def recognise(headers: Sequence[object]) -> Export | None:
    """The known export whose key columns ``headers`` hold, or None."""
    return next((export for export in EXPORTS if export.matches(headers)), None)


def _read_one(path: Path, options: ReadOptions, notes: list[str],
              wanted: frozenset[str] | None) -> tuple[pd.DataFrame, bool]:
    """The file's cells as text, and whether it holds a character that is not text."""
    name = shown_name(path.name)
    regular_file(path, name)
    text = decode(path.read_bytes(), name, options.encoding, notes)
    controls = holds(text, "not text")  # one search of the file spares a check of every cell
    try:
        # bytes, not text: pandas' C parser reads them directly, twice as fast on a big export
        frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), encoding="utf-8", dtype=str,
                            keep_default_na=False, na_filter=False, index_col=False,
                            skip_blank_lines=True, engine="c",
                            usecols=None if wanted is None else (lambda h: header_key(h) in wanted))
    except (pd.errors.ParserError, ValueError) as error:
        raise DataError(f"cannot be read as CSV: {' '.join(str(error).split())}", file=name) from None
    return frame, controls


def _part(export: Export, frame: pd.DataFrame, place: str, wanted: frozenset[str] | None):
    """One file's or sheet's cells (text, its header the columns) as the conversion reads
    them: columns keyed by :func:`header_key`, cells trimmed, the header rows after the first
    set apart, each data row numbered as the user sees it (the header is row 1)."""
    columns = list(frame.columns)
    keys = [header_key(c) for c in columns]
    headers = {k: str(c).strip() for k, c in zip(keys, columns)}
    frame = frame.set_axis(keys, axis=1)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if wanted is not None:
        frame = frame.loc[:, [k in wanted for k in frame.columns]]
    frame = frame.apply(lambda cells: cells.str.strip()) if len(frame) else frame
    more = export.header_rows - 1  # header rows after the first: not data
    extra = {place: frame.iloc[:more].to_dict("records")}
    frame = frame.iloc[more:].reset_index(drop=True)
    # the header rows are rows 1..header_rows: data rows keep their numbers in the file
    first = export.header_rows + 1
    rows = pd.Series(range(first, len(frame) + first))
    files = pd.Series([place] * len(frame), dtype=object)
    return frame, rows, files, headers, extra


def _join(parts: list, wanted: frozenset[str] | None, notes: list, controls: bool) -> ExportRows:
    """The parts of one export (:func:`_part`, in order) as one :class:`ExportRows`."""
    headers, extra = {}, {}
    for frame, rows, files, shown, more in parts:
        headers.update(shown)
        extra.update(more)
    frame = pd.concat([p[0] for p in parts], ignore_index=True).fillna("")
    return ExportRows(frame=frame, rows=pd.concat([p[1] for p in parts], ignore_index=True),
                      files=pd.concat([p[2] for p in parts], ignore_index=True), headers=headers,
                      extra_headers=extra, notes=notes, read_only=wanted, controls=controls)


def _wanted(export: Export) -> frozenset[str] | None:
    return frozenset(map(header_key, export.columns)) if export.columns else None


def _read_rows(export: Export, paths: Sequence[Path], options: ReadOptions,
               notes: list[str]) -> ExportRows:
    """The files ``paths`` of ``export``, read as text and joined in order."""
    wanted = _wanted(export)
    parts, controls = [], False
    for path in paths:
        frame, has_controls = _read_one(path, options, notes, wanted)
        controls |= has_controls
        parts.append(_part(export, frame, shown_name(path.name), wanted))
    return _join(parts, wanted, notes, controls)


def cell_text(value: object) -> str:
    """A cell as an export writes it, from the value a workbook gives (Excel reads a pasted
    export's numbers and dates as such): blank ``""``, ``2.0`` as ``2``, a date or datetime
    as ``YYYY-MM-DD`` (with its time when it has one), anything else as its text."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value).lower()  # as the exports write them (Stripe: true, false)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.time() != _dt.time() else "%Y-%m-%d")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell of ``frame`` as text (:func:`cell_text`), its header as written."""
    return pd.DataFrame({i: pd.Series([cell_text(v) for v in frame.iloc[:, i].tolist()], dtype=object)
                         for i in range(frame.shape[1])}).set_axis(
        [cell_text(c) for c in frame.columns], axis=1)


def read_exports(groups: Mapping[Export, Sequence[Path]], options: ReadOptions,
                 notes: list[str]) -> list[RawTable]:
    """Each export of ``groups`` (an export -> its files, joined in order) converted to its
    table. All are read first, so that a conversion is given the rows of the exports it
    :attr:`~Export.needs` when the run has them."""
    reads = {export: _read_rows(export, paths, options, notes) for export, paths in groups.items()}
    labels = {export: ", ".join(shown_name(p.name) for p in paths) for export, paths in groups.items()}
    return _convert(reads, labels, options)


def convert_frames(groups: Mapping[Export, Sequence[tuple[str, pd.DataFrame]]],
                   options: ReadOptions, notes: list[str]) -> list[RawTable]:
    """As :func:`read_exports`, for exports pasted in a workbook: each export of ``groups``
    -> its (place, frame) pairs, a frame's columns the header's first row and its rows the
    cells below (Excel's values: numbers and dates are written back as the export writes
    them); messages name the place (a sheet) and the row as if the frame were pasted at A1."""
    reads = {}
    for export, frames in groups.items():
        wanted = _wanted(export)
        reads[export] = _join([_part(export, _text_frame(frame), place, wanted)
                               for place, frame in frames], wanted, notes, True)
    labels = {export: ", ".join(place for place, _ in frames) for export, frames in groups.items()}
    return _convert(reads, labels, options)


def _convert(reads: dict[Export, ExportRows], labels: dict[Export, str],
             options: ReadOptions) -> list[RawTable]:
    by_name = {export.name: read for export, read in reads.items()}
    tables = []
    for export, read in reads.items():
        read.given = {name: by_name[name] for name in export.needs if name in by_name}
        table = export.convert(read, labels[export], options)
        table.may_have_controls = read.controls
        tables.append(table)
    return tables


def read_export(export: Export, paths: Sequence[Path], options: ReadOptions,
                notes: list[str]) -> RawTable:
    """The files ``paths`` of ``export``, read as text and joined in order, converted to the
    export's table (alone: no other export's rows are given)."""
    return read_exports({export: paths}, options, notes)[0]
