"""DuckDB, embedded (no server): Parquet files and folders, and DuckDB database files.

- a Parquet file named after a table (``orders.parquet``), or a folder holding such files
  or folders of parts (``orders/part-0.parquet``, read in name order);
- a DuckDB database file (``.duckdb``, ``.db``) whose tables or views are named after ours
  (any case), opened read-only.

The rows stay in DuckDB: the checks and the reduction are queries on them. Each table's
checked rows are kept once in a temporary table of the connection (:func:`_settler`), so
the counts, the rules across tables and the reduction read them there instead of reading
the files and checking every row again.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from ...errors import DataError, EngineMemoryError
from ..schema import table_named
from ..sources.base import shown_name
from .base import EngineKind, EngineOptions, EngineTable, Opened, as_path, parquet_tables

__all__ = ["DUCKDB", "reduce_frames"]

_DATABASE_SUFFIXES = (".duckdb", ".db")
# the columns DuckDB adds to say where each Parquet row was: its file and its row there
_FILE, _ROW = "filename", "file_row_number"
# the file as its number in name order: a small integer per row, not its path (at 10 million
# rows the paths alone took about half a gigabyte of the checked rows kept)
_FILE_NUMBER = "__retention_file_number"


def _accepts(source: object) -> bool:
    path = as_path(source)
    if path is None or not path.exists():
        return False
    if path.is_file() and path.suffix.lower() in _DATABASE_SUFFIXES:
        return True
    return bool(parquet_tables(path))


def _open(source: object, options: EngineOptions) -> Opened:
    import duckdb
    from duckdb import ColumnExpression, ConstantExpression, FunctionExpression

    path = as_path(source)
    label = shown_name(path)
    if path.is_file() and path.suffix.lower() in _DATABASE_SUFFIXES:
        return _open_database(path, label)
    con, close = _connected(None)
    settle = _settler(con)
    tables = {}
    try:
        for table, files in parquet_tables(path).items():
            place = shown_name(files[0] if len(files) == 1 else files[0].parent)
            # paths go to DuckDB as values, never pasted into SQL text
            paths = [str(f) for f in files]
            relation = con.read_parquet(paths, filename=True, file_row_number=True)
            names = [c for c in relation.columns if c not in (_FILE, _ROW)]
            number = FunctionExpression("list_position", ConstantExpression(paths),
                                        ColumnExpression(_FILE)).alias(_FILE_NUMBER)
            relation = relation.select(*(ColumnExpression(c) for c in names + [_ROW]), number)
            tables[table] = EngineTable(relation, names, place, order=[_FILE_NUMBER, _ROW],
                                        settle=settle)
    except duckdb.Error as error:
        close()
        raise DataError(f"cannot be read as Parquet ({_first_line(error)})", file=label) from None
    return Opened(label, tables, close)


def _open_database(path: Path, label: str) -> Opened:
    import duckdb

    try:
        con, close = _connected(path)
    except duckdb.Error as error:
        raise DataError(f"cannot be opened as a DuckDB database ({_first_line(error)})",
                        file=label) from None
    settle = _settler(con)
    tables = {}
    listed = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                         "ORDER BY table_schema = current_schema() DESC, table_schema, table_name"
                         ).fetchall()
    for schema, name in listed:
        table = table_named(name)
        if table is None or table in tables:
            continue
        relation = con.table(f"{_quoted(schema)}.{_quoted(name)}")
        tables[table] = EngineTable(relation, list(relation.columns), f"{label}, table {name}",
                                    settle=settle)
    return Opened(label, tables, close)


#: What DuckDB may hold in memory; past it, the checked rows kept and the reduction's
#: groups go to disk, in a folder of our own (DuckDB's default is ".tmp" in the current
#: folder, and 80 % of the machine's memory). Measured at 10 million orders from Parquet:
#: peak RSS of the reading and reduction 4.3 GB without it, 3.2 GB with it, for ~15 % more
#: CPU time.
MEMORY_LIMIT = "1GB"
#: The environment variable that sets another cap (a size DuckDB reads: ``4GB``, ``512MB``).
MEMORY_VARIABLE = "RETENTION_ENGINE_MEMORY"


def memory_limit() -> str:
    """DuckDB's memory cap for this run: ``RETENTION_ENGINE_MEMORY`` when set, else
    :data:`MEMORY_LIMIT`."""
    import os

    return os.environ.get(MEMORY_VARIABLE, "").strip() or MEMORY_LIMIT


def _explained(error: BaseException) -> BaseException | None:
    """DuckDB's out-of-memory error as an :class:`~addin.errors.EngineMemoryError` saying
    how much it had and how to give it more; None for any other error."""
    import duckdb

    if not isinstance(error, duckdb.OutOfMemoryException):
        return None
    return EngineMemoryError(
        f"the embedded engine (DuckDB) needed more than the {memory_limit()} of memory it is "
        f"allowed, beyond what it could move to disk; give it more with "
        f"{MEMORY_VARIABLE}=4GB (or more) in the environment, or read the data from a "
        f"database or Spark ({_first_line(error)})")


def _connected(path: Path | None):
    """A DuckDB connection (in memory, or ``path`` read-only) whose memory is bounded by
    :func:`memory_limit`, and the function that closes it and removes its scratch folder."""
    import shutil
    import tempfile

    import duckdb

    scratch = tempfile.mkdtemp(prefix="retention-engine-")
    config = {"memory_limit": memory_limit(), "temp_directory": scratch}
    try:
        con = (duckdb.connect(config=config) if path is None
               else duckdb.connect(str(path), read_only=True, config=config))
        # no progress bar of DuckDB's own: it would print into a scheduled run's log, even with -q
        con.execute("SET enable_progress_bar = false")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise

    def close() -> None:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)

    return con, close


def reduce_frames(frames):
    """pandas tables (the file reader's, typed and checked) reduced to the report's facts
    (:func:`addin.data.facts.reduce_tables`) by an in-memory DuckDB under
    :func:`memory_limit`, rather than by pandas itself: at 10 million orders read from CSV
    pandas took 26.8 s, DuckDB 11.2 s, for the same facts (from how many rows:
    :data:`addin.data.model.ENGINE_ROWS`). The frames are handed over as Arrow tables,
    their columns shared, not copied."""
    import pyarrow as pa

    from ..facts import reduce_tables

    con, close = _connected(None)
    try:
        relations = {table: con.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))
                     for table, frame in frames.items() if frame is not None}
        return reduce_tables(relations)
    finally:
        close()


def _settler(con):
    """The connection's ``settle`` (see :func:`~.checks.check_frame`): a relation computed
    once into a temporary table (the connection's own, in memory, gone when it closes; a
    database opened read-only takes them too), and that table handed back. Without it each
    query on the checked rows would read the Parquet files and run every check again."""
    names = (f"__retention_settled_{n}" for n in itertools.count())

    def settle(relation):
        name = next(names)  # our own names, never the data's
        # registered, not made a view: a read-only database refuses CREATE VIEW
        con.register(f"{name}_rows", relation)
        try:
            con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_rows")
        finally:
            con.unregister(f"{name}_rows")
        return con.table(name)

    return settle


def _quoted(name: str) -> str:
    """A name from the database's own catalogue as an SQL identifier (quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


DUCKDB = EngineKind("duckdb", _accepts, _open, _explained)
