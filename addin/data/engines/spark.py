"""Spark (PySpark), for data past one machine: ``spark:`` reads the tables and views of the
session's catalogue named after ours (in ``schema`` when given); ``spark:PATH`` reads Parquet
files and folders laid out as for DuckDB (``orders.parquet``, ``orders/part-*.parquet``).

The session is the one already running in this process, if any (left running at the end),
else a new one: ``master local[*]`` unless ``spark_conf`` says otherwise (``spark.master``,
``spark.executor.memory``...), stopped when the source is closed. The checks and the
reduction are Spark expressions; only their results come back to the driver.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import DataError, InvalidInputError, SourceUnreachableError
from ..schema import table_named
from ..sources.base import shown_name
from .base import EngineKind, EngineOptions, EngineTable, Opened, parquet_tables

__all__ = ["SPARK"]

_PREFIX = "spark:"


def _accepts(source: object) -> bool:
    return isinstance(source, str) and source.strip().lower().startswith(_PREFIX)


def _session(options: EngineOptions, label: str):
    """The running session (and False: not ours to stop), or a new one (and True)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SourceUnreachableError(f"Spark needs the spark extra (pip install "
                                     f"'retention-addin[spark]'): {error}", file=label) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        for key, value in options.spark_conf.items():
            try:
                active.conf.set(key, value)
            except Exception as error:
                raise InvalidInputError(f"the running Spark session refuses {key}={value}: "
                                        f"{_first_line(error)}") from None
        return active, False
    builder = SparkSession.builder.master("local[*]").appName("retention")
    for key, value in options.spark_conf.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate(), True
    except Exception as error:
        raise SourceUnreachableError(f"the Spark session does not start: {_first_line(error)}",
                                     file=label) from None


def _open(source: object, options: EngineOptions) -> Opened:
    text = str(source).strip()
    path = text[len(_PREFIX):]
    label = f"spark:{shown_name(path)}" if path else "spark:"
    if path:
        found = parquet_tables(Path(path))
        if not found:
            raise DataError("no Parquet file or folder named after a table (orders.parquet, "
                            "orders/part-0.parquet...)", file=shown_name(path))
    session, ours = _session(options, label)
    close = session.stop if ours else (lambda: None)
    try:
        tables = _parquet(session, found) if path else _catalogue(session, options, label)
    except Exception:
        close()
        raise
    return Opened(label, tables, close)


def _parquet(session, found: dict[str, list[Path]]) -> dict[str, EngineTable]:
    tables = {}
    for table, files in found.items():
        place = shown_name(files[0] if len(files) == 1 else files[0].parent)
        try:
            frame = session.read.parquet(*[str(f) for f in files])
        except Exception as error:  # e.g. pandas' nanosecond timestamps, which Spark refuses
            raise DataError(f"Spark cannot read it: {_first_line(error)}", file=place) from None
        tables[table] = EngineTable(frame, list(frame.columns), place, settle=_settle)
    return tables


def _catalogue(session, options: EngineOptions, label: str) -> dict[str, EngineTable]:
    schema = options.schema
    listed = session.catalog.listTables(schema) if schema else session.catalog.listTables()
    tables: dict[str, EngineTable] = {}
    for entry in sorted(listed, key=lambda t: t.name):
        table = table_named(entry.name)
        if table is None or table in tables:
            continue
        # a name from the catalogue, as an identifier (backquotes doubled), never as SQL text
        name = _quoted(entry.name)
        if schema and not entry.isTemporary:
            name = f"{_quoted(schema)}.{name}"
        frame = session.table(name)
        tables[table] = EngineTable(frame, list(frame.columns), f"{label} table {entry.name}",
                                    settle=_settle)
    if not tables:
        raise DataError("no table or view named after ours in the Spark catalogue"
                        + (f" (schema {schema})" if schema else ""), file=label)
    return tables


def _settle(frame):
    """The checked rows kept by the executors (memory, else their disk) the first time they
    are counted: Spark's optimiser would otherwise copy every check into every filter and
    aggregation after it (plans that take minutes to compile), and each later query (the
    counts, the repeated keys, the reduction) would read and check the rows again."""
    return frame.localCheckpoint(eager=False)


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


SPARK = EngineKind("spark", _accepts, _open)
