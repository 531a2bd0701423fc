"""What the cells of a table say about how to read them, where the loader must choose.

Two choices change numbers and are made for a whole table, on evidence only (the rule in
``docs/data-format.md``): the decimal mark of numbers written as text (:func:`decimal_marks`:
``1.234,56`` shows a comma, ``1,234.5`` a point, ``39.345`` nothing though the mark changes
it) and the order of day and month in ``03/04/2026`` (:func:`day_month_order`: ``25/04/2026``
shows day first, ``04/25/2026`` month first, ``03/04/2026`` nothing). Each function counts
the cells of each kind and where they are; :mod:`addin.data.rules` decides, notes the choice
with its evidence, or refuses the table. (The third guess, a file's encoding, is made on its
bytes by :mod:`addin.data.sources.encoding`.) Each distinct value is looked at once: a
column's dates and amounts repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .values import is_numeric_dtype

__all__ = ["DecimalEvidence", "decimal_marks", "OrderEvidence", "day_month_order"]


def _distinct_texts(series: pd.Series) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """(code of each cell, the distinct texts, which codes are texts), or None when the column
    holds no text: a column's distinct values are few (dates, amounts), so each is looked at
    once."""
    if series is None or len(series) == 0 or is_numeric_dtype(series) \
            or pd.api.types.is_datetime64_any_dtype(series.dtype) \
            or pd.api.types.is_bool_dtype(series.dtype):
        return None
    codes, uniques = pd.factorize(series.to_numpy(object), use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    is_text = np.fromiter((isinstance(v, str) for v in uniques), bool, len(uniques))
    if not is_text.any():
        return None
    return codes, [v if t else "" for v, t in zip(uniques, is_text)], is_text


def _positions(codes: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The cells whose code is one of the ``chosen`` (a mask over the distinct values)."""
    return np.flatnonzero(chosen[codes] & (codes >= 0)) if chosen.any() else np.zeros(0, np.int64)


#: What a text number says about its decimal mark, once signs, currency, spaces and
#: brackets are gone: a comma (``1.234,5``, ``12,50``, ``0,125``, ``1234,567``,
#: ``1.234.567``), a dot (the same with the marks swapped), or nothing though the mark
#: changes the number (``39.345``, ``1,234``: one mark, three digits after it, up to three
#: before, not a lone 0). Numbers without a mark tell nothing and need none.
_SAYS_COMMA = re.compile(r"\d{1,3}(\.\d{3})+,\d*|\d*,(\d{1,2}|\d{4,})|0,\d+|\d{4,},\d+|\d{1,3}(\.\d{3}){2,}")
_SAYS_DOT = re.compile(r"\d{1,3}(,\d{3})+\.\d*|\d*\.(\d{1,2}|\d{4,})|0\.\d+|\d{4,}\.\d+|\d{1,3}(,\d{3}){2,}")
_SAYS_NOTHING = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")
_NUMBER_DRESS = re.compile(r"[€$£¥\s'’()+\-]")


@dataclass
class DecimalEvidence:
    """What the text numbers of a table say about their decimal mark: for each of ``comma``,
    ``dot`` and ``ambiguous`` (see ``_SAYS_*``), column -> the positions of such cells."""

    comma: dict[str, np.ndarray] = field(default_factory=dict)
    dot: dict[str, np.ndarray] = field(default_factory=dict)
    ambiguous: dict[str, np.ndarray] = field(default_factory=dict)

    def count(self, which: str) -> int:
        """How many cells of the table are of kind ``which`` (a field name)."""
        return sum(len(v) for v in getattr(self, which).values())


def decimal_marks(columns: dict[str, pd.Series]) -> DecimalEvidence:
    """The evidence, in the text cells of ``columns`` (a table's number columns), about the
    decimal mark of its numbers."""
    evidence = DecimalEvidence()
    for col, series in columns.items():
        distinct = _distinct_texts(series)
        if distinct is None:
            continue
        codes, texts, is_text = distinct
        text = pd.Series(texts, dtype=object)
        marked = is_text & text.str.contains(r"[.,]", regex=True).to_numpy(dtype=bool)
        if not marked.any():
            continue
        text = text.str.replace(_NUMBER_DRESS, "", regex=True)
        for which, pattern in (("comma", _SAYS_COMMA), ("dot", _SAYS_DOT),
                               ("ambiguous", _SAYS_NOTHING)):
            cells = _positions(codes, marked & text.str.fullmatch(pattern).to_numpy(dtype=bool))
            if len(cells):
                getattr(evidence, which)[col] = cells
    return evidence


#: A date written day and month first, in either order: ``03/04/2026``, ``3-4-2026 10:00``.
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/-](\d{1,2})[/-]\d{4}(?:\s*$|[ T])")


@dataclass
class OrderEvidence:
    """What the dates written ``03/04/2026`` of one table say about the order of day and month.

    Each field holds the positions (cell indexes, per column) of the dates that can only be
    read one way -- ``day_first`` (``25/04/2026``), ``month_first`` (``04/25/2026``) -- or
    that read as two different dates (``ambiguous``: ``03/04/2026``; ``05/05/2026`` reads the
    same either way and counts nowhere).
    """

    day_first: dict[str, np.ndarray] = field(default_factory=dict)
    month_first: dict[str, np.ndarray] = field(default_factory=dict)
    ambiguous: dict[str, np.ndarray] = field(default_factory=dict)

    def count(self, which: str) -> int:
        """How many dates of the table are of kind ``which`` (a field name)."""
        return sum(len(v) for v in getattr(self, which).values())


def day_month_order(columns: dict[str, pd.Series]) -> OrderEvidence:
    """The evidence, in the text cells of ``columns`` (a table's date columns), about the
    order of day and month in dates such as ``03/04/2026``."""
    evidence = OrderEvidence()
    for col, series in columns.items():
        distinct = _distinct_texts(series)
        if distinct is None:
            continue
        codes, texts, _ = distinct
        got = pd.Series(texts, dtype=object).str.extract(_DAY_MONTH)
        a = pd.to_numeric(got[0], errors="coerce").to_numpy(np.float64)
        b = pd.to_numeric(got[1], errors="coerce").to_numpy(np.float64)
        found = ~np.isnan(a)
        if not found.any():
            continue
        for which, mask in (("day_first", found & (a > 12) & (b <= 12)),
                            ("month_first", found & (b > 12) & (a <= 12)),
                            ("ambiguous", found & (a <= 12) & (b <= 12) & (a != b) & (a > 0) & (b > 0))):
            cells = _positions(codes, mask)
            if len(cells):
                getattr(evidence, which)[col] = cells
    return evidence
