"""Sources read by a query engine: the rows are read, typed and checked where they live, and
only counts (and, later, the reduced facts) come back.

One module per engine, each an :class:`~.base.EngineKind` in :data:`ENGINES`:

- :mod:`.postgres`: ``postgresql://user@host:port/db`` (or ``postgres://``), through ibis;
- :mod:`.spark`: ``spark:`` (tables of the session's catalogue) or ``spark:PATH`` (Parquet);
- :mod:`.duckdb`: embedded, the default: Parquet files and folders, DuckDB database files.

:mod:`.checks` types and checks a table once for every engine (narwhals expressions);
:mod:`.base` holds what they share. A CSV folder or a workbook is not an engine source:
:func:`open_engine_source` says None and the file reader (:mod:`addin.data.sources`) reads it.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ...i18n import Message
from ..schema import SIGNUP_FALLBACK, TABLES
from .base import EngineKind, EngineOptions
from .duckdb import DUCKDB
from .postgres import POSTGRES
from .spark import SPARK

__all__ = ["ENGINES", "EngineSource", "open_engine_source", "reduce_in_engine"]

#: The engines, in the order they are asked whether they take a source.
ENGINES: tuple[EngineKind, ...] = (POSTGRES, SPARK, DUCKDB)


@dataclass
class EngineSource:
    """An engine source opened and checked.

    ``label`` names the source as the report does (a database URL without its password);
    ``tables`` holds each table found as a native lazy frame of the engine (a DuckDB
    relation, an ibis table, a Spark DataFrame) with the rows kept only, our column names
    and types: ids and text as text, dates as dates (months on the 1st), money as floats,
    counts and scores as integers. ``quality``: one ``(table, rows_read, rows_kept,
    {reason: rows dropped})`` per table, counted in the engine, the reasons the same
    :class:`~addin.i18n.Message` keys as the file reader's (no row numbers: a database has
    none, so the rows of a customer dropped from Customers are counted under
    :data:`~.customer_rule.DROPPED_UNNUMBERED`, the file reader's reason without the
    Customers rows); the lines of the customer rule and of the rows kept whose customer_id
    is not in Customers are reasons with 0 rows dropped, as there (:mod:`.customer_rule`). ``places`` says where each table was read. :meth:`close` lets the
    engine go (the tables cannot be read after it).
    """

    label: str
    tables: dict[str, Any]
    quality: list[tuple[str, int, int, dict[Message, int]]]
    places: dict[str, str] = field(default_factory=dict)
    _close: Any = None
    _explain: Any = None

    def reduced(self):
        """The tables reduced to the report's facts (:func:`addin.data.facts.reduce_tables`)
        in the engine; an error it raises explained as in the checks (DuckDB out of memory)."""
        from ..facts import reduce_tables

        with _explaining(self._explain):
            return reduce_tables(self.tables)

    def close(self) -> None:
        """Close the connection or session this source opened (a shared one is left open)."""
        if self._close is not None:
            closing, self._close = self._close, None
            closing()

    def __enter__(self) -> EngineSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_engine_source(source: str | os.PathLike, *,
                       mapping: Mapping[str, Mapping[str, str]] | None = None,
                       schema: str | None = None, spark_conf: Mapping[str, str] | None = None,
                       today: _dt.date | None = None) -> EngineSource | None:
    """Open ``source`` in its engine and check its tables there, or None when it is not an
    engine source (a CSV folder, a workbook: the file reader reads those).

    Arguments
    ---------
    source
        ``postgresql://user@host:port/db`` (password from the URL, else ``PGPASSWORD``,
        else ``~/.pgpass``); ``spark:`` or ``spark:PATH``; a Parquet file or folder, or a
        DuckDB database file.
    mapping
        table -> {our column: the source's column name}, for columns named otherwise.
    schema
        The database schema holding the tables (default: the search path's first).
    spark_conf
        Settings of the Spark session (``{"spark.executor.memory": "4g"}``).
    today
        The run's date (default: the computer's), after which events are refused.

    Raises
    ------
    SourceUnreachableError
        A database or Spark session that cannot be reached (naming the host and the cause).
    DataError
        A table the source cannot give: a column missing, a column mostly unreadable.
    EngineMemoryError
        The embedded engine needed more memory than it is allowed.
    """
    for kind in ENGINES:
        if kind.accepts(source):
            break
    else:
        return None
    options = EngineOptions(mapping=dict(mapping or {}), schema=schema,
                            spark_conf=dict(spark_conf or {}), today=_check_today(today))
    opened = kind.open(source, options)
    try:
        with _explaining(kind.explain):
            return _checked(opened, options, kind.explain)
    except BaseException:
        opened.close()
        raise


def reduce_in_engine(frames):
    """pandas tables (the file reader's) reduced to the report's facts by the embedded engine
    (:func:`.duckdb.reduce_frames`), its errors explained as for its own sources; None where
    the engine is not installed (xlwings Lite's Pyodide): pandas reduces them there."""
    try:
        import duckdb  # noqa: F401  (only whether it is there)
    except ImportError:
        return None
    from .duckdb import reduce_frames

    with _explaining(DUCKDB.explain):
        return reduce_frames(frames)


@contextmanager
def _explaining(explain):
    """Errors of the engine's queries as ``explain`` words them (an error of ours saying
    what to do), the others as they are."""
    try:
        yield
    except Exception as error:
        better = explain(error) if explain is not None else None
        if better is None:
            raise
        raise better from None


def _check_today(today: object) -> _dt.date:
    """The run's date, read as :func:`addin.data.load_data` reads it (one rule)."""
    from ..model import check_today  # here: the model imports this package when it reads

    return check_today(today)


def _checked(opened, options: EngineOptions, explain) -> EngineSource:
    import narwhals as nw

    from .base import resolve_columns
    from .checks import check_frame
    from .customer_rule import earliest_dates, match_customers, wants_fallback

    checked, places = {}, {}

    def check(table: str, fallback=None):
        found = opened.tables[table]
        columns = resolve_columns(table, found.columns, options, found.place)
        return check_frame(table, nw.from_native(found.native), columns, place=found.place,
                           today=options.today, order=found.order, settle=found.settle,
                           fallback=fallback)

    for table in TABLES:
        if table in opened.tables:
            checked[table] = check(table)
            places[table] = opened.tables[table].place
    # signup dates taken from the other tables: Customers checked again with them, only when
    # some row needs one (the usual source pays nothing for the rule)
    customers = SIGNUP_FALLBACK.table
    if customers in checked and wants_fallback(checked[customers]):
        dates = earliest_dates(checked)
        if dates is not None:
            checked[customers] = check(customers, dates)
    match_customers(checked)
    quality = [(table, done.rows_read, done.rows_kept, done.dropped) for table, done in checked.items()]
    return EngineSource(label=opened.label,
                        tables={table: done.frame.to_native() for table, done in checked.items()},
                        quality=quality, places=places, _close=opened.close, _explain=explain)
