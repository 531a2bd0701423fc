"""The loaded data (:class:`RetentionData`) and the loader (:func:`load_data`).

:func:`load_data` asks :mod:`addin.data.sources` for the raw tables, has each checked by
:mod:`addin.data.rules`, and builds the typed tables and the account of what was dropped.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import DataError, InvalidInputError
from ..i18n import Message, counted
from .customer_rule import drop_with_customers, earliest_dates, filled_flag
from .facts import Facts, reduce_tables
from .mapping import describe, parse_mapping, required_columns
from .rules import CheckedTable, check_table
from .schema import (
    CUSTOMER_TABLES,
    QUALITY_COLUMNS,
    SIGNUP_FALLBACK,
    TABLES,
    UNKNOWN_CUSTOMER,
    table_named,
)
from .sources import RawTable, ReadOptions, read_source, shown_name
from .sources.frames import read_frames

__all__ = ["RetentionData", "check_today", "load_data"]


#: Rows (all tables) from which the file reader's tables are reduced by the embedded engine
#: (DuckDB) rather than by pandas. Measured on the benchmark's tables: at 2 million rows
#: (1 million orders) both took 1.2-1.5 s, the engine started included; at 20 million rows
#: pandas took 26.8 s, DuckDB 11.2 s.
ENGINE_ROWS = 3_000_000


@dataclass
class RetentionData:
    """The retention tables, typed and checked, and an account of what was dropped.

    ``tables`` holds only the tables given (an empty table given with just its header is
    there, with no rows). Columns are those of :data:`TABLES`, in that order, but for an
    optional column (:data:`~.schema.OPTIONAL_COLUMNS`) the source left out, which is
    absent (``"units_returned" not in data.get("Orders")``): ids and text
    as ``str`` (ids stripped of surrounding spaces; an id typed as the number 101 is
    ``"101"``), dates as ``datetime64[ns]`` at midnight (months on the 1st), money as
    ``float64``, counts and scores as ``int64``. Blank text is ``""``; an optional blank
    date is ``NaT``. Rows keep the order of the source; the index is 0..n-1.

    ``quality`` has the columns ``table, rows_read, rows_kept, rows_dropped, reason,
    first_rows``: one row per table and reason, ``rows_read`` and ``rows_kept`` being the
    table's totals (repeated on each of its rows), ``rows_dropped`` the rows dropped for that
    reason, so a table's ``rows_dropped`` add up to ``rows_read - rows_kept``, and
    ``first_rows`` a tuple of the first row numbers dropped for it (as the user numbers
    them: Excel's rows, or a CSV file's with the header as row 1). A table with nothing
    dropped has one row with reason ``""``. Rows kept but worth knowing about (customer ids
    missing from Customers; signup dates taken from the customer's first subscription or
    order, with their ``first_rows``) have their own row with ``rows_dropped`` 0. A customer
    is counted in every table or in none: the rows of a customer whose Customers row was
    dropped are dropped too (see :mod:`addin.data.customer_rule`). A reason is an
    :class:`addin.i18n.Message`: its English as text, said in the report's language.
    :meth:`summary` says the same in one line per table.

    ``notes`` are sentences for the report about how the data was read, each guess with
    the evidence it rests on (a decimal comma, a date order, a CSV file read as
    Windows-1252...): each an :class:`addin.i18n.Message`, English as text. ``places`` says where each table was read (``Orders.csv``,
    ``data.xlsx, sheet Orders``); ``today`` is the run's date, after which events were
    refused.
    """

    tables: dict[str, pd.DataFrame]
    quality: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)
    today: _dt.date | None = None
    currency: str | None = None  # the currency a known export names, when all its rows agree
    #: The reduced facts, when a source hands them over itself (an engine that reduced the
    #: rows where they live): then ``tables`` may be empty and :attr:`facts` is these.
    given_facts: Facts | None = None

    @cached_property
    def facts(self) -> Facts:
        """The per-customer and per-customer-month facts every report KPI counts on
        (:mod:`addin.data.facts`): those a source handed over, else ``tables`` reduced once,
        in process: by the embedded engine from :data:`ENGINE_ROWS` rows, by pandas below
        it (or where the engine is not installed)."""
        if self.given_facts is not None:
            return self.given_facts
        if sum(len(frame) for frame in self.tables.values()) >= ENGINE_ROWS:
            from .engines import reduce_in_engine

            reduced = reduce_in_engine(self.tables)
            if reduced is not None:
                return reduced
        return reduce_tables(self.tables)

    def get(self, name: str) -> pd.DataFrame | None:
        """The table (any case/spacing of its name), or None when it was not given."""
        return self.tables.get(self._canonical(name))

    def has(self, name: str) -> bool:
        """True when the table was given and has at least one row kept."""
        table = self.get(name)
        return table is not None and len(table) > 0

    @property
    def segments(self) -> list[str]:
        """The distinct non-blank Customers.segment values, sorted; [] without Customers."""
        customers = self.tables.get("Customers")
        if customers is None and self.given_facts is not None:  # an engine's: its facts
            customers = self.given_facts.customers
        if customers is None or "segment" not in customers:
            return []
        values = customers["segment"].dropna().unique().tolist()
        return sorted((v for v in values if v != ""), key=lambda v: (v.casefold(), v))

    def summary(self) -> list[str]:
        """One line per table for a terminal: rows read, kept and dropped, by reason with the
        first rows dropped, e.g. ``Orders (Orders.csv): 487 rows read, 485 kept, 2 dropped:
        1 negative amount (row 12); 1 date in the future in order_date (row 45)``."""
        lines = []
        for name in dict.fromkeys(self.quality["table"]):  # the tables read, in order
            rows = self.quality[self.quality["table"] == name]
            if not len(rows):
                continue
            read, kept = int(rows["rows_read"].iloc[0]), int(rows["rows_kept"].iloc[0])
            place = f" ({self.places[name]})" if name in self.places else ""
            line = f"{name}{place}: {read:,} rows read, {kept:,} kept, {read - kept:,} dropped"
            parts = []
            for reason, dropped, first in zip(rows["reason"], rows["rows_dropped"], rows["first_rows"]):
                if not reason:
                    continue
                which = ("row " if len(first) == 1 else "rows ") + ", ".join(map(str, first))
                if dropped and not first:  # a database has no row numbers
                    parts.append(f"{int(dropped):,} {reason}")
                elif dropped:
                    more = ", ..." if dropped > len(first) else ""
                    parts.append(f"{int(dropped):,} {reason} ({which}{more})")
                else:  # kept, worth knowing: its first rows when it has them
                    parts.append(f"{reason} ({which})" if first else reason)
            lines.append(line + (": " + "; ".join(parts) if parts else ""))
        return lines

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], source: str = "DataFrames", *,
                    decimal: str | None = None, date_format: str | None = None,
                    today: _dt.date | str | None = None, mapping=None) -> RetentionData:
        """Check and type tables given as DataFrames keyed by table name.

        Keys and column names match like sheet and header names (any case and spacing); a
        frame whose columns are a known export's header is converted by that export, under
        any key; other keys that are not a table are ignored. Values may be text, numbers, dates or
        datetimes as Excel or pandas give them. Row numbers in messages count the header as
        row 1, as if the frame were pasted at A1. ``decimal``, ``date_format``, ``today`` and
        ``mapping`` as for :func:`load_data`.
        """
        decimal = _check_decimal(decimal)
        mapping = parse_mapping(mapping)
        notes: list = []
        raws = read_frames(frames, source, mapping, notes)
        _check_mapped_tables(mapping, raws)
        return _build(raws, shown_name(source), notes, decimal=decimal,
                      date_format=_check_date_format(date_format), today=check_today(today))

    @staticmethod
    def _canonical(name: str) -> str:
        table = table_named(name)
        if table is None:
            raise KeyError(f"{name!r} is not a table; the tables are {', '.join(TABLES)}")
        return table

    def __repr__(self) -> str:
        shown = ", ".join(f"{name} {len(frame):,} rows" for name, frame in self.tables.items())
        dropped = int(self.quality["rows_dropped"].sum()) if len(self.quality) else 0
        return f"RetentionData({self.source!r}: {shown}; {dropped:,} rows dropped)"


def load_data(source: str | os.PathLike | Sequence[str | os.PathLike] | Mapping[str, pd.DataFrame], *,
              decimal: str | None = None, date_format: str | None = None,
              encoding: str | None = None, today: _dt.date | str | None = None,
              mapping: Mapping | Sequence[str] | None = None, schema: str | None = None,
              spark_conf: Mapping[str, str] | None = None) -> RetentionData:
    """Read, check and type the retention tables from workbooks, CSV files and folders,
    DataFrames, Parquet files, a DuckDB file, a PostgreSQL database or Spark.

    Arguments
    ---------
    source
        An ``.xlsx``/``.xlsm`` workbook, a folder of CSV files, one CSV file, a list of
        such paths, or a dict of DataFrames keyed by table name. Read by a query engine, the
        rows checked and reduced to facts where they live (``tables`` is then empty, the
        report counts on :attr:`RetentionData.facts`; docs/scale.md): a Parquet file named
        after a table or a folder of them (``orders.parquet``, ``orders/*.parquet``), a
        DuckDB database file (``.duckdb``), ``postgresql://user@host/db`` (password from the
        URL, ``PGPASSWORD`` or ``~/.pgpass``, never shown) or ``spark:`` / ``spark:PATH``.
        A CSV file is a known export
        (Shopify orders, Stripe subscriptions) by its header, else the table it is named
        after (``Orders.csv``), else the table whose columns its header holds. One table
        given twice is refused, naming both, unless both are files of one export (joined).
    decimal
        ``","`` or ``"."``: the decimal mark of numbers written as text (``--decimal`` on
        the command line). By default each table's text numbers decide (``1.234,56``,
        ``12,5`` show a comma; a ``,``-separated CSV file cannot use one), with a note; a
        table whose numbers show both marks, or none while one changes a number
        (``39.345``), is refused until this is given.
    date_format
        A ``strftime`` format such as ``"%m/%d/%Y"`` for dates written as text, tried
        before ISO ``YYYY-MM-DD``. By default ``03/04/2026`` is read in the order the
        table's dates show (``25/04/2026``: day first), with a note; a table showing both
        orders, or none while some date reads two ways, is refused until this is given.
    encoding
        The encoding of CSV files, any name Python knows (``"shift_jis"``, ``"gbk"``,
        ``"cp1250"``; ``--encoding`` on the command line). By default UTF-8, UTF-16 with a
        byte-order mark, or Western European text (Windows-1252, Latin-1) when the file
        shows it, with a note; anything else is refused, naming the line.
    today
        The run's date (default: the computer's date today), a ``datetime.date`` or
        ``"YYYY-MM-DD"``. Events after it (an order, an answer, a payment, a month of
        subscription after its month...) cannot have happened: those rows are dropped as
        ``date in the future in <column>``; see ``DATE_RULES`` in :mod:`.schema`.
    mapping
        The headers that hold our columns when a file does not use our names:
        ``{"Orders.customer_id": "Kunde", "Orders.order_date": "Datum"}`` (or
        ``["Orders.customer_id=Kunde", ...]``, as ``--map`` takes them); see
        :mod:`addin.data.mapping`. A mapped header that is not in its table's file, or a
        mapped table no input gives, is refused.
    schema, spark_conf
        For a database: the schema holding the tables (default: the search path's first);
        for Spark: the session's settings (``{"spark.executor.memory": "4g"}``).

    Raises
    ------
    DataError
        The source cannot be used: a missing column, a column mostly unreadable, a damaged,
        encrypted or hostile file... (one line saying where). Rows with a bad cell are not
        an error: they are dropped and counted in ``quality``.
    """
    decimal = _check_decimal(decimal)
    date_format = _check_date_format(date_format)
    if encoding is not None and not isinstance(encoding, str):
        raise InvalidInputError(f"encoding is {encoding!r}, expected a name such as 'cp1252'")
    today = check_today(today)
    mapping = parse_mapping(mapping)
    if isinstance(source, (list, tuple)) and len(source) == 1:  # one input is read as itself
        source = source[0]
    engine = _from_engine(source, mapping, today, schema, spark_conf)
    if engine is not None:
        return engine
    if schema is not None or spark_conf:
        raise InvalidInputError("schema and spark_conf are for a database or Spark source "
                                "(postgresql://..., spark:)")
    notes: list[str] = []
    raws, label = read_source(source, ReadOptions(decimal=decimal, encoding=encoding, mapping=mapping),
                              notes)
    _check_mapped_tables(mapping, raws)
    return _build(raws, label, notes, decimal=decimal, date_format=date_format, today=today)


def _check_mapped_tables(mapping: dict, raws: list[RawTable]) -> None:
    """DataError when the mapping names a table that no input gave: its file was named after
    no table and its header did not hold the mapped headers."""
    given = {raw.table for raw in raws}
    for table, columns in mapping.items():
        if table not in given:
            entries = ", ".join(describe(table, c, h) for c, h in columns.items())
            raise DataError(f"the mapping {entries} names table {table}, which no input gives: no "
                            f"file or sheet is named {table}, and no file's header holds "
                            f"{', '.join(columns.values())} with the other columns {table} needs "
                            f"({', '.join(required_columns(table))})")


def _check_date_format(date_format: object) -> str | None:
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        raise InvalidInputError(f"date_format is {date_format!r}, expected a format such as '%d/%m/%Y'")
    return date_format  # type: ignore[return-value]


def check_today(today: object) -> _dt.date:
    """The run's date: ``today`` (a date, a datetime or ISO text), by default the computer's."""
    if today is None:
        return _dt.date.today()
    if isinstance(today, _dt.datetime):
        return today.date()
    if isinstance(today, _dt.date):
        return today
    if isinstance(today, str):
        try:
            return _dt.date.fromisoformat(today.strip())
        except ValueError:
            pass
    raise InvalidInputError(f"today is {today!r}, expected a date such as '2026-09-30'")


def _check_decimal(decimal: object) -> str | None:
    """InvalidInputError unless ``decimal`` is None, ``"."`` or ``","``."""
    if decimal not in (None, ".", ","):
        raise InvalidInputError(f"decimal is {decimal!r}, expected '.' or ','")
    return decimal  # type: ignore[return-value]


def _typed_frame(table: str, out: dict[str, np.ndarray], keep: np.ndarray,
                 absent: set[str]) -> pd.DataFrame:
    """The rows ``keep`` of a checked table, each column in the dtype of its kind; the
    optional columns ``absent`` from the source are left out."""
    columns = {}
    everything = bool(keep.all())
    for col, kind in TABLES[table].items():
        if col in absent:
            continue
        values = out[col] if everything else out[col][keep]
        if kind in ("id", "text"):
            columns[col] = pd.array(values.astype(object), dtype="str")
        elif kind in ("date", "month"):
            columns[col] = values.astype("datetime64[ns]")
        elif kind == "money":
            columns[col] = values.astype(np.float64)
        else:
            columns[col] = values.astype(np.int64)
    return pd.DataFrame(columns)


def _missing_from(ids: pd.Series, known: pd.Series) -> int:
    """How many of ``ids`` (blanks included) are not among ``known``: looked up by Arrow in
    the text as the typed tables hold it (1.1 s for 10 million order rows, where pandas took
    3.3 s on the same Arrow text and 4.6 s on Python strings), by pandas where Arrow is not
    installed (xlwings Lite)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return int((~pd.Series(ids.to_numpy(object), dtype=object, copy=False)
                    .isin(known.to_numpy(object))).sum())
    values, value_set = pa.array(ids.array), pa.array(known.array)
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.is_in(values, value_set=value_set.cast(values.type))
    return len(ids) - int(pc.sum(found).as_py() or 0)


def _build(raws: list[RawTable], source: str, notes: list[str], *, decimal: str | None,
           date_format: str | None, today: _dt.date) -> RetentionData:
    """Check every raw table and gather the typed tables and the quality account."""
    tables: dict[str, pd.DataFrame] = {}
    places: dict[str, str] = {}
    by_table = {raw.table: raw for raw in raws}
    # a signup date Customers lacks may be taken from the other tables' rows kept
    # (customer_rule): those are checked first when it comes to that, so refusals and notes
    # still come in the order of the tables
    checked: dict[str, CheckedTable] = {}
    table_notes: dict[str, list[str]] = {raw.table: [] for raw in raws}

    def check(raw: RawTable) -> CheckedTable:
        if raw.table not in checked:
            fallback = earliest if raw.table == SIGNUP_FALLBACK.table else None
            checked[raw.table] = check_table(raw, decimal, date_format, table_notes[raw.table],
                                             today, fallback)
        return checked[raw.table]

    def earliest() -> pd.Series | None:
        return earliest_dates({table: check(by_table[table])
                               for table, _ in SIGNUP_FALLBACK.sources if table in by_table})

    for raw in raws:
        check(raw)
    for raw in raws:
        notes.extend(table_notes[raw.table])
    elsewhere_flag = drop_with_customers(checked, by_table)
    for raw in raws:
        absent = {col for col, values in raw.columns.items() if values is None}
        tables[raw.table] = _typed_frame(raw.table, checked[raw.table].values,
                                         checked[raw.table].keep, absent)
        if raw.file:
            places[raw.table] = raw.file + (f", sheet {raw.sheet}" if raw.sheet else "")
    # rows kept but worth knowing about: (reason, first rows), rows_dropped 0
    flags: dict[str, list[tuple[Message, tuple[int, ...]]]] = {name: [] for name in tables}
    if "Customers" in tables:
        filled = filled_flag(checked["Customers"], by_table["Customers"])
        flags["Customers"] += [flag for flag in (filled, elsewhere_flag) if flag is not None]
        known = tables["Customers"]["customer_id"]
        for name in CUSTOMER_TABLES:
            if name in tables:
                missing = _missing_from(tables[name]["customer_id"], known)
                if missing:
                    flags[name].append((Message(UNKNOWN_CUSTOMER, rows=counted("q_rows", missing)), ()))
    records = []
    for name in TABLES:
        if name not in tables:
            continue
        done = checked[name]
        rows_read, counts, first_rows = done.rows_read, done.dropped, done.first_rows
        kept = len(tables[name])
        if not counts:
            records.append((name, rows_read, kept, 0, "", ()))
        for reason, dropped in counts.items():
            records.append((name, rows_read, kept, dropped, reason, first_rows.get(reason, ())))
        for reason, first in flags[name]:
            records.append((name, rows_read, kept, 0, reason, first))
    currencies = {raw.currency for raw in raws if raw.currency}
    return RetentionData(tables=tables, quality=_quality_frame(records), source=source, notes=notes,
                         places=places, today=today,
                         currency=currencies.pop() if len(currencies) == 1 else None)


def _quality_frame(records: list[tuple]) -> pd.DataFrame:
    """:attr:`RetentionData.quality` from its rows (table, read, kept, dropped, reason, first)."""
    # built column by column: pandas 3 would infer text for the reasons and lose the
    # Message each is (its key, said in the report's language)
    columns = list(zip(*records)) if records else [()] * len(QUALITY_COLUMNS)
    dtypes = ("str", np.int64, np.int64, np.int64, object, object)
    return pd.DataFrame({name: pd.Series(list(values), dtype=dtype)
                         for name, values, dtype in zip(QUALITY_COLUMNS, columns, dtypes)})


def _from_engine(source: object, mapping: dict, today: _dt.date, schema: str | None,
                 spark_conf: Mapping[str, str] | None) -> RetentionData | None:
    """The data of a source a query engine reads (a Parquet file or folder, a DuckDB file, a
    PostgreSQL URL, ``spark:``), checked and reduced to facts where the rows live: only the
    counts and the facts come back (:mod:`addin.data.engines`, :mod:`addin.data.facts`).
    None when ``source`` is not such a source (the file reader reads it)."""
    if not isinstance(source, (str, os.PathLike)):
        return None
    from .engines import open_engine_source

    opened = open_engine_source(source, mapping=mapping, schema=schema, spark_conf=spark_conf,
                                today=today)
    if opened is None:
        return None
    with opened:  # the tables are lazy: reduced before the engine lets them go
        facts = opened.reduced()
    records = []
    for table, read, kept, dropped in opened.quality:
        if not any(dropped.values()):
            records.append((table, read, kept, 0, "", ()))
        records += [(table, read, kept, count, reason, ()) for reason, count in dropped.items()]
    return RetentionData(tables={}, quality=_quality_frame(records), source=opened.label,
                         places=dict(opened.places), today=today, given_facts=facts)
