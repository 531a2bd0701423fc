"""What every engine hands over, and the rules they share: which columns of a source table
are ours (:func:`resolve_columns`), which Parquet files hold which table
(:func:`parquet_tables`).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ...cells import name_key
from ...errors import DataError
from ..schema import OPTIONAL_COLUMNS, TABLES, table_named
from ..sources.base import shown_name

__all__ = ["EngineOptions", "EngineTable", "Opened", "EngineKind", "resolve_columns",
           "parquet_tables", "as_path"]


@dataclass(frozen=True)
class EngineOptions:
    """What the user said about an engine source: ``mapping`` (table -> {our column: the
    source's column}), the database ``schema`` to read, ``spark_conf`` (key -> value for
    the Spark session's builder) and the run's date ``today``."""

    mapping: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    schema: str | None = None
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    today: _dt.date = field(default_factory=_dt.date.today)

    def columns_of(self, table: str) -> Mapping[str, str]:
        """The mapping given for ``table`` (its key in any case and spacing), or {}."""
        for key, value in self.mapping.items():
            if table_named(key) == table:
                return value
        return {}


@dataclass
class EngineTable:
    """One table found in an engine source, before checks: the native frame (a DuckDB
    relation, an ibis table, a Spark DataFrame), its column names, the columns giving its
    rows' order (None: it has none), how errors name it, and what to apply to the checked
    rows before they are counted (see :func:`~.checks.check_frame`)."""

    native: object
    columns: list[str]
    place: str
    order: list[str] | None = None
    settle: Callable[[object], object] | None = None


@dataclass
class Opened:
    """An engine source opened: its label (never a password), its tables and how to let it go."""

    label: str
    tables: dict[str, EngineTable]
    close: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class EngineKind:
    """One kind of engine source: whether it ``accepts`` what the user named (a text or a
    path), how it ``opens`` it (:class:`Opened`, or an error saying why not), and how it
    ``explains`` an error its queries raise later (an error of ours saying what to do, or
    None to let the error through)."""

    name: str
    accepts: Callable[[object], bool]
    open: Callable[[object, EngineOptions], Opened]
    explain: Callable[[BaseException], BaseException | None] = lambda error: None


def as_path(source: object) -> Path | None:
    """``source`` as a path, when it is one (text or a path object), else None."""
    if isinstance(source, (str, os.PathLike)):
        return Path(os.fspath(source))
    return None


def resolve_columns(table: str, found: list[str], options: EngineOptions, place: str
                    ) -> dict[str, str | None]:
    """Our column -> the source's column that holds it: the one the mapping names (matched
    exactly: a name is data, never SQL), else the one whose name matches ours in any case
    and spacing. An optional column not found is None; a required one not found is a
    DataError listing the columns found."""
    mapped = options.columns_of(table)
    by_key: dict[str, str] = {}
    for name in found:
        by_key.setdefault(name_key(name), name)
    out: dict[str, str | None] = {}
    missing = []
    for col in TABLES[table]:
        wanted = next((v for k, v in mapped.items() if name_key(k) == name_key(col)), None)
        if wanted is not None:
            out[col] = wanted if wanted in found else None
            if out[col] is None:
                missing.append(f"{col} (mapped to {wanted!r})")
            continue
        out[col] = by_key.get(name_key(col))
        if out[col] is None and col not in OPTIONAL_COLUMNS.get(table, ()):
            missing.append(col)
    if missing:
        raise DataError(f"no column {', '.join(missing)}; the columns found are "
                        f"{', '.join(repr(n) for n in found) or 'none'}", file=place)
    return out


def parquet_tables(path: Path) -> dict[str, list[Path]]:
    """The Parquet files of each table at ``path``: a file named after a table
    (``orders.parquet``), or a folder holding such files or folders of parts
    (``orders/part-0.parquet``...; files in name order, which is their rows' order).
    {} when there is none. Two that name the same table are a DataError."""
    if path.is_file():
        table = table_named(path.stem) if path.suffix.lower() == ".parquet" else None
        return {table: [path]} if table else {}
    if not path.is_dir():
        return {}
    found: dict[str, list[Path]] = {}
    for entry in sorted(path.iterdir()):
        if entry.is_file() and entry.suffix.lower() == ".parquet":
            table, files = table_named(entry.stem), [entry]
        elif entry.is_dir():
            table = table_named(entry.name)
            files = sorted(p for p in entry.rglob("*") if p.is_file() and p.suffix.lower() == ".parquet")
        else:
            continue
        if table is None or not files:
            continue
        if table in found:
            raise DataError(f"two sources for the table {table}: {shown_name(found[table][0].name)} "
                            f"and {shown_name(entry.name)}; keep one", file=shown_name(path))
        found[table] = files
    return found
