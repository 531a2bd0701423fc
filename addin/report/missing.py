"""What is missing: a value the data cannot give, as opposed to one the core finds undefined.

A KPI whose table (or column, or segment split) is missing is *unavailable*: it is blank
with the note "n/a — needs the Orders table". A KPI the core computes from a zero
denominator is *undefined* and carries the core's own reason instead. :class:`Missing`
carries the word key of the note and its values; :attr:`Missing.note` is that note, put
into words by the renderer.
"""

from __future__ import annotations

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


def needs(*tables: str) -> Missing:
    """"n/a — needs the Orders table" (or "the Customers or Subscriptions table")."""
    return Missing("needs_table", tables)
