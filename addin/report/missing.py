"""What is missing: a value the data cannot give, as opposed to one the core finds undefined.

A KPI whose table (or column, or segment split) is missing is *unavailable*: it is blank
with the note "n/a — needs the Orders table". A KPI the core computes from a zero
denominator is *undefined* and carries the core's own reason instead. :class:`Missing`
carries the word key of the note and its values; :attr:`Missing.note` is that note, put
into words by the renderer. :func:`measured` is the one rule by which a value that cannot
be computed becomes a blank with its reason; :class:`Undefined` is an undefined value of the
report's own counting, whose reason is a note too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..errors import MetricError, UndefinedResultError
from .model import Note


class Missing(Exception):
    """A KPI cannot be computed from the data given: not undefined, unavailable.

    ``key`` names the note (an :data:`addin.i18n.TEXTS` key), ``tables`` the tables of which
    any one would do, ``values`` the note's other fields.
    """

    def __init__(self, key: str, tables: tuple[str, ...] = (), **values: str):
        super().__init__(key)
        self.key, self.tables, self.values = key, tables, values

    @property
    def note(self) -> Note:
        """"n/a — needs the Orders table" and the other notes of a value the data cannot give."""
        if self.tables:
            return Note(self.key, **self.values, tables=self.tables)
        return Note(self.key, **self.values)


class Undefined(UndefinedResultError):
    """A value the report's own counting finds undefined (no orders in the period, fewer
    than 12 months of revenue...): the core's kind of error, with the reason as a Note."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.note = Note(key, **values)


def measured(compute: Callable[[], float]) -> tuple[float, Note | str | None]:
    """(value, None), or (NaN, why it is blank): the note of what is missing, or the metric
    core's own text when it finds the value undefined or its input invalid."""
    try:
        return float(compute()), None
    except (Missing, Undefined) as reason:
        return np.nan, reason.note
    except MetricError as error:
        return np.nan, str(error)


def needs(*tables: str) -> Missing:
    """"n/a — needs the Orders table" (or "the Customers or Subscriptions table")."""
    return Missing("needs_table", tables)
