"""The two ways a metric can refuse to give a number.

Every function of the package raises one of these, never a bare ``ValueError`` or a
``ZeroDivisionError`` from deep inside numpy, so each edge (Excel cell, CLI, report) can
show the message as it is: one line naming the argument and the value at fault.

- :class:`InvalidInputError` -- the input cannot be right (a negative customer count, an NPS
  answer of 11, text where a number belongs). Excel shows it as ``#VALUE!`` with the message.
- :class:`UndefinedResultError` -- the input is valid but the metric has no value (no customers
  at the start of the period, nobody answered the survey). Excel shows ``#DIV/0!``.
"""

from __future__ import annotations


class MetricError(Exception):
    """Base class of the package's errors; its message is one line meant for the analyst."""


class InvalidInputError(MetricError, ValueError):
    """An argument has a value the metric cannot accept; the message names both."""


class UndefinedResultError(MetricError, ArithmeticError):
    """The inputs are valid but the metric is undefined for them (a zero denominator)."""


class DataError(MetricError, ValueError):
    """Input data that cannot be read: says where (file, sheet, row, column) and what is wrong.

    ``str(error)`` is one line such as
    ``orders.csv, row 14, column order_date: '31/02/2026' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)``.
    """

    def __init__(self, problem: str, *, file: str | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None):
        self.problem, self.file, self.sheet, self.row, self.column = problem, file, sheet, row, column
        where = [
            part for part in (
                file,
                f"sheet {sheet}" if sheet else None,
                f"row {row}" if row is not None else None,
                f"column {column}" if column else None,
            ) if part
        ]
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)


class SourceUnreachableError(DataError):
    """A database or engine named as the source cannot be reached (a host that does not
    answer, a refused login, a Spark session that does not start): the message names the
    host and the cause, never a password. The CLI exits with its own code, so a scheduler
    can tell "try again later" from "fix the data"."""


class EngineMemoryError(MetricError):
    """The query engine needed more memory than the run allows it (DuckDB's cap, which
    ``RETENTION_ENGINE_MEMORY`` sets): the message says how much it had and how to give it
    more. The CLI exits with its own code, so a scheduler can tell it from bad data."""
