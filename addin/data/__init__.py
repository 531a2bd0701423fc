"""The retention data: the tables you give the add-in, how they are read and checked.

Give the data as an Excel workbook (a sheet or an Excel Table per table), a folder of CSV
files (named after the tables, or holding their columns, or known exports), several such
paths in a list, or a dict of pandas DataFrames, and call :func:`load_data`::

    from addin.data import load_data

    data = load_data("retention.xlsx")      # or a CSV folder, or {"Orders": df, ...}
    data.tables["Orders"]                   # typed DataFrame
    data.quality                            # rows read, kept, dropped, by table and reason

The tables, the accepted values, the rows dropped and the problems that refuse the input
are described for the analyst in ``docs/data-format.md``. The package, by layer:

- :mod:`.schema`: the tables, columns and kinds, what may be blank or left out, the checks
  and the drop reasons -- the rules, declared as data;
- :mod:`.sources`: one module per kind of input (CSV, workbook, DataFrames), the encoding
  of text files, the workbook safety checks and structure, and :mod:`.sources.locate`, the
  rule of which Excel Table or sheet holds a table and which row is its header;
- :mod:`.values`: reading cells (ids, text, numbers, dates, Excel serial dates);
- :mod:`.mapping`: the column mapping (``--map Orders.customer_id=Kunde``, the template's
  Columns table): which header holds which of our columns;
- :mod:`.evidence`: what a table's cells say about its decimal mark and its order of day
  and month (the loader guesses only on evidence, or refuses);
- :mod:`.rules`: applying the schema to a table's rows: the guesses, verdicts, refusals,
  merges;
- :mod:`.model`: :class:`RetentionData` and :func:`load_data`;
- :mod:`.facts`: the per-customer and per-customer-month facts every report KPI counts on,
  and :func:`~.facts.reduce_tables`, the one reduction of the rows to them, run by whatever
  engine holds the rows (pandas, DuckDB, Spark, ibis).
"""

from __future__ import annotations

from .model import RetentionData, load_data
from .schema import BLANK_ALLOWED, DATE_RULES, OPTIONAL_COLUMNS, QUALITY_COLUMNS, TABLES

__all__ = [
    "TABLES",
    "DATE_RULES",
    "BLANK_ALLOWED",
    "OPTIONAL_COLUMNS",
    "QUALITY_COLUMNS",
    "RetentionData",
    "load_data",
]
