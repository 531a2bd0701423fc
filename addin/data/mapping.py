"""The column mapping: which header of the analyst's file holds which column of our tables.

Data straight out of another system rarely uses our column names: a German shop's orders
say ``Kunde``, ``Datum``, ``Betrag``. A mapping says, per table and column, the header that
holds it. It comes in three ways, all read here and nowhere else:

- the command line: ``--map Orders.customer_id=Kunde`` (repeatable), read by
  :func:`parse_mapping`;
- Python: ``load_data(..., mapping={"Orders.customer_id": "Kunde"})`` or
  ``{"Orders": {"customer_id": "Kunde"}}``, also :func:`parse_mapping`;
- the template: the *Columns* Excel Table on the Settings sheet (columns Table, Column,
  Header), whose rows :func:`mapping_from_rows` reads, for the Refresh button and for
  ``retention report BOOK.xlsx`` alike; :func:`merge_mappings` lets the command line win.

The answer is always a plain ``{table: {column: header}}`` in our spelling of the tables and
columns (any case and spacing is accepted: ``orders.Customer ID=Kunde``). Where a mapped
header must be found among a file's headers is :func:`addin.data.sources.locate.match_columns`:
it refuses a header that is not there, listing the headers found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..cells import name_key
from ..errors import DataError
from .schema import OPTIONAL_COLUMNS, TABLES, table_named

__all__ = ["ColumnMapping", "COLUMNS_TABLE", "COLUMNS_HEADERS", "parse_mapping", "mapping_from_rows",
           "merge_mappings", "required_columns", "describe"]

#: A mapping: table -> column -> the header that holds it.
ColumnMapping = dict[str, dict[str, str]]

#: The name of the Excel Table on the Settings sheet that holds the mapping, and its columns.
COLUMNS_TABLE = "Columns"
COLUMNS_HEADERS = ("Table", "Column", "Header")


def required_columns(table: str) -> list[str]:
    """The columns ``table`` cannot be read without (those of :data:`~.schema.TABLES` that
    :data:`~.schema.OPTIONAL_COLUMNS` does not list)."""
    return [c for c in TABLES[table] if c not in OPTIONAL_COLUMNS.get(table, ())]


def describe(table: str, column: str, header: str) -> str:
    """One entry as the analyst types it: ``Orders.customer_id=Kunde``."""
    return f"{table}.{column}={header}"


def _column(table: str, column: object) -> str | None:
    wanted = name_key(column)
    return next((c for c in TABLES[table] if name_key(c) == wanted), None)


def _entry(table_text: object, column_text: object, header: object, where: dict) -> tuple[str, str, str]:
    """(table, column, header) in our spelling, or DataError (placed at ``where``) naming the
    tables or the columns that are known."""
    table = table_named(table_text)
    if table is None:
        raise DataError(f"the mapping names table {str(table_text).strip()!r}, which is not one of "
                        f"ours: the tables are {', '.join(TABLES)}", **where)
    column = _column(table, column_text)
    if column is None:
        raise DataError(f"the mapping names column {str(column_text).strip()!r} of {table}, which "
                        f"has no such column: its columns are {', '.join(TABLES[table])}", **where)
    text = "" if header is None else str(header).strip()
    if not text:
        raise DataError(f"the mapping of {table}.{column} names no header", **where)
    return table, column, text


def _add(mapping: ColumnMapping, entry: tuple[str, str, str], where: dict) -> None:
    table, column, header = entry
    given = mapping.setdefault(table, {})
    if column in given and name_key(given[column]) != name_key(header):
        raise DataError(f"{table}.{column} is mapped twice: to {given[column]!r} and to {header!r}; "
                        "keep one", **where)
    given[column] = header


def parse_mapping(given: Iterable[str] | Mapping[str, object] | None) -> ColumnMapping:
    """A mapping given on the command line or in Python, checked.

    ``given`` is None (no mapping), entries ``"TABLE.COLUMN=HEADER"`` (``--map`` values), a
    dict ``{"TABLE.COLUMN": "HEADER"}`` or a dict ``{"TABLE": {"COLUMN": "HEADER"}}``.
    DataError when an entry is not of that form, names a table or a column we do not have
    (the message lists the known ones), or maps one column to two headers.
    """
    mapping: ColumnMapping = {}
    if given is None:
        return mapping
    if isinstance(given, str):
        given = [given]
    if isinstance(given, Mapping):
        items: list[tuple[object, object, object]] = []
        for key, value in given.items():
            if isinstance(value, Mapping):
                items += [(key, column, header) for column, header in value.items()]
            else:
                table, dot, column = str(key).partition(".")
                if not dot:
                    raise DataError(f"the mapping key {str(key)!r} should be TABLE.COLUMN, e.g. "
                                    "Orders.customer_id")
                items.append((table, column, value))
    else:
        items = []
        for text in given:
            left, equals, header = str(text).partition("=")
            table, dot, column = left.partition(".")
            if not (equals and dot):
                raise DataError(f"the mapping {str(text)!r} should be TABLE.COLUMN=HEADER, e.g. "
                                "Orders.customer_id=Kunde")
            items.append((table, column, header))
    for table, column, header in items:
        _add(mapping, _entry(table, column, header, {}), {})
    return mapping


def mapping_from_rows(rows: Sequence[tuple[int, Sequence[object]]], *, file: str | None,
                      sheet: str | None) -> ColumnMapping:
    """The mapping of the template's *Columns* table: ``rows`` are (row number as Excel shows
    it, (table, column, header)) for each of its data rows. Blank rows are skipped; a row
    half filled, an unknown table or column, or a column mapped twice is refused naming the
    ``file``, ``sheet`` and row."""
    mapping: ColumnMapping = {}
    for number, cells in rows:
        values = (list(cells) + [None, None, None])[:3]
        texts = ["" if v is None else str(v).strip() for v in values]
        if not any(texts):
            continue
        where = {"file": file, "sheet": sheet, "row": number}
        if not all(texts):
            missing = [h for h, t in zip(COLUMNS_HEADERS, texts) if not t]
            raise DataError(f"the {COLUMNS_TABLE} table's row needs {', '.join(COLUMNS_HEADERS)}; "
                            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} blank",
                            **where)
        _add(mapping, _entry(*values, where), where)
    return mapping


def merge_mappings(base: ColumnMapping, over: ColumnMapping) -> ColumnMapping:
    """``base`` with every entry of ``over`` put in (``over`` wins for a column in both): the
    command line's ``--map`` over a workbook's Columns table."""
    merged = {table: dict(columns) for table, columns in base.items()}
    for table, columns in over.items():
        merged.setdefault(table, {}).update(columns)
    return merged
