"""The checks of one table: which rows are kept, which are dropped and why, which columns
refuse the whole input.

Applies the declarations of :mod:`addin.data.schema` to the cells read by
:mod:`addin.data.values`. A row is dropped for the first problem found, column by column in
the order of :data:`~addin.data.schema.TABLES`, then for the checks between columns, then for
repeating the key of an earlier row kept. A column most of whose filled cells cannot be read,
or a required column blank in every row, refuses the input (a one-line DataError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .schema import (
    BLANK_ALLOWED,
    EXPECTED,
    FIRST_DATE,
    LAST_DATE,
    NUMBER_CHECKS,
    NUMBER_KINDS,
    ORDERED_COLUMNS,
    REASONS,
    REPEATS,
    TABLES,
    RepeatRule,
)
from .sources.base import RawTable
from .values import (
    DateContext,
    Parsed,
    parse_dates,
    parse_ids,
    parse_numbers,
    parse_text,
    show,
)

__all__ = ["CheckedTable", "check_table"]


@dataclass
class CheckedTable:
    """One table checked: its values by column (every row read), the rows kept, how many rows
    were read (completely empty rows are not counted) and the rows dropped by reason."""

    values: dict[str, np.ndarray]
    keep: np.ndarray
    rows_read: int
    dropped: dict[str, int]


class _Verdicts:
    """Row-by-row verdicts for one table: the first reason found for a row is its reason."""

    def __init__(self, n: int, keep: np.ndarray):
        self.keep_input = keep  # rows that are not completely blank
        self.reason = np.full(n, -1, dtype=np.int64)
        self.reasons: list[str] = []

    def drop(self, mask: np.ndarray, reason: str) -> None:
        """Drop the rows of ``mask`` not dropped yet, for ``reason``."""
        mask = mask & (self.reason < 0) & self.keep_input
        if mask.any():
            if reason not in self.reasons:
                self.reasons.append(reason)
            self.reason[mask] = self.reasons.index(reason)

    @property
    def alive(self) -> np.ndarray:
        """The rows kept so far."""
        return self.keep_input & (self.reason < 0)

    def counts(self) -> dict[str, int]:
        """Rows dropped by reason, in the order the reasons were first met."""
        if not self.reasons:
            return {}
        tally = np.bincount(self.reason[self.reason >= 0].astype(np.intp), minlength=len(self.reasons))
        return {reason: int(tally[i]) for i, reason in enumerate(self.reasons)}


def check_table(raw: RawTable, decimal: str, date_format: str | None, notes: list[str]) -> CheckedTable:
    """Read every column of ``raw``, refuse it or decide each row; notes about date orders."""
    table, kinds = raw.table, TABLES[raw.table]
    comma = raw.comma if raw.comma is not None else decimal == ","
    allowed_blank = BLANK_ALLOWED.get(table, ())

    # 1. read every column
    parsed: dict[str, Parsed] = {}
    for col, kind in kinds.items():
        series = raw.columns[col]
        if series is None:  # optional column left out
            parsed[col] = Parsed(np.full(raw.n, "", dtype=object), np.ones(raw.n, bool))
        elif kind == "text":
            values = parse_text(series, raw.stripped)
            parsed[col] = Parsed(values, values == "")
        elif kind == "id":
            parsed[col] = parse_ids(series, raw.text_blanks, raw.stripped, raw.may_have_errors)
        elif kind in ("date", "month"):
            ctx = DateContext(month=kind == "month", epoch=raw.epoch, date_format=date_format)
            parsed[col] = parse_dates(series, ctx, optional=col in allowed_blank)
            if ctx.order_note:
                notes.append(_date_order_note(raw, col, ctx.order_note))
        else:
            parsed[col] = parse_numbers(series, comma)

    # 2. completely empty rows are not data: skipped, not counted
    live = np.zeros(raw.n, bool)
    for col in kinds:
        if raw.columns[col] is not None:
            live |= ~parsed[col].blank
            for mask in parsed[col].bad.values():
                live |= mask
    verdict = _Verdicts(raw.n, live)

    # 3. columns in order: a column mostly unreadable refuses the table; else bad rows drop
    out: dict[str, np.ndarray] = {}
    for col, kind in kinds.items():
        p = parsed[col]
        out[col] = p.values
        if kind == "text" or raw.columns[col] is None:
            continue
        _refuse_column(raw, col, kind, p, live, comma, date_format)
        if col in allowed_blank:
            if kind == "count":
                out[col] = np.where(p.blank, 0.0, p.values)
        else:
            if live.any() and not (live & ~p.blank).any():
                _refuse_empty(raw, col)
            verdict.drop(p.blank, REASONS["blank"].format(col=col))
        for which, mask in p.bad.items():
            verdict.drop(mask, REASONS[which].format(col=col))
        if kind in NUMBER_KINDS:
            values = out[col]
            finite = np.isfinite(values)
            whole = finite & (np.mod(np.where(finite, values, 0), 1) == 0)
            failing = {
                "negative": finite & (values < 0),
                "fraction": finite & ~whole,
                "outside 0-10": finite & ((values < 0) | (values > 10)),
            }
            for check, reason in NUMBER_CHECKS[kind]:
                verdict.drop(failing[check], reason.format(col=col))

    # 4. rules across columns
    for lower, upper, reason in ORDERED_COLUMNS.get(table, ()):
        verdict.drop(out[lower] > out[upper], reason)

    # 5. repeated keys (among the rows still kept, so a bad first row does not hide a good one)
    rule = REPEATS.get(table)
    if rule is not None:
        if rule.add_up is None:
            verdict.drop(_repeated(out, rule.keys, verdict.alive), rule.reason)
        else:
            _merge(verdict, out, rule)

    return CheckedTable(values=out, keep=verdict.alive, rows_read=int(live.sum()), dropped=verdict.counts())


def _date_order_note(raw: RawTable, col: str, order_note: str) -> str:
    place = (f"{raw.file}" + (f" (sheet {raw.sheet})" if raw.sheet else "")
             + f", column {raw.shown.get(col, col)}")
    if order_note == "month-first":
        return (f"{place}: dates read month first (MM/DD/YYYY), as some only make "
                "sense that way; pass date_format='%d/%m/%Y' if that is wrong.")
    return (f"{place}: dates such as 03/04/2026 read day first (DD/MM/YYYY), "
            "as nothing in the column tells the order; pass "
            "date_format='%m/%d/%Y' if they are month first.")


def _refuse_column(raw: RawTable, col: str, kind: str, parsed: Parsed, live: np.ndarray,
                   comma: bool, date_format: str | None) -> None:
    """DataError when more than half of the column's filled cells cannot be read."""
    filled = live & ~parsed.blank
    if not parsed.bad:
        return
    bad = np.zeros(raw.n, bool)
    for mask in parsed.bad.values():
        bad |= mask
    bad &= filled
    n_bad, n_filled = int(bad.sum()), int(filled.sum())
    if n_bad == 0 or n_bad * 2 <= n_filled:
        return
    first = int(np.flatnonzero(bad)[0])
    value = raw.columns[col].iloc[first]
    which = next(k for k, m in parsed.bad.items() if m[first])
    expected = EXPECTED[kind].format(example="1234,56" if comma else "1234.56")
    if kind in ("date", "month") and date_format:
        expected = f"a date as {date_format} or YYYY-MM-DD"
    what = {
        "number": f"{show(value)} is not a number (expected {expected})",
        "date": f"{show(value)} is not a date (expected {expected})",
        "impossible": f"{show(value)} is not a real date (expected {expected})",
        "ambiguous": f"{show(value)} has a 2-digit year (expected {expected}, with a 4-digit year)",
        "range": f"{show(value)} is out of range (expected a date between "
                 f"{FIRST_DATE.year} and {LAST_DATE.year})",
        "excel": f"{show(value)} is an Excel error value (expected {expected})",
    }[which]
    hint = ""
    if kind in NUMBER_KINDS and not comma and isinstance(value, str) and re.search(r"\d,\d", value):
        hint = "; if the file uses a decimal comma, pass decimal=','"
    raise DataError(
        f"{what}; {n_bad:,} of {n_filled:,} values in this column cannot be read{hint}",
        file=raw.file, sheet=raw.sheet, row=int(raw.rows[first]), column=raw.shown.get(col, col))


def _refuse_empty(raw: RawTable, col: str) -> None:
    hint = ""
    if raw.sheet is not None:
        hint = " (if it holds formulas, open and save the workbook in Excel so their values are stored)"
    raise DataError(f"every value is blank{hint}", file=raw.file, sheet=raw.sheet,
                    column=raw.shown.get(col, col))


def _group_codes(out: dict[str, np.ndarray], cols: tuple[str, ...], idx: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of ``cols`` among rows ``idx``."""
    key = np.zeros(len(idx), dtype=np.int64)
    for col in cols:
        values = out[col][idx]
        if values.dtype.kind == "M":
            values = values.astype(np.int64)
        codes, uniques = pd.factorize(values)
        key = key * max(len(uniques), 1) + codes
    return key


def _repeated(out: dict[str, np.ndarray], cols: tuple[str, ...], alive: np.ndarray) -> np.ndarray:
    """Rows (among ``alive``) whose ``cols`` repeat an earlier alive row's."""
    idx = np.flatnonzero(alive)
    dup = np.zeros(len(alive), bool)
    if len(idx) == 0:
        return dup
    if len(cols) == 1:
        values = out[cols[0]][idx]
        dup[idx] = pd.Series(values.astype(np.int64) if values.dtype.kind == "M" else values,
                             copy=False).duplicated().to_numpy()
    else:
        dup[idx] = pd.Series(_group_codes(out, cols, idx)).duplicated().to_numpy()
    return dup


def _merge(verdict: _Verdicts, out: dict[str, np.ndarray], rule: RepeatRule) -> None:
    """Rows repeating the rule's keys are folded into the first: its ``add_up`` column becomes
    their sum."""
    idx = np.flatnonzero(verdict.alive)
    if len(idx) == 0:
        return
    value = rule.add_up
    group = _group_codes(out, rule.keys, idx)
    dup = pd.Series(group).duplicated().to_numpy()
    if dup.any():
        group = pd.factorize(group)[0]
        totals = np.bincount(group.astype(np.intp), weights=out[value][idx])
        first = ~dup
        out[value] = out[value].copy()
        out[value][idx[first]] = totals[group[first]]
        mask = np.zeros(len(verdict.reason), bool)
        mask[idx[dup]] = True
        verdict.drop(mask, rule.reason)
