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
