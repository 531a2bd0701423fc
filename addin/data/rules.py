"""The checks of one table: which rows are kept, which are dropped and why, which columns
refuse the whole input.

Applies the declarations of :mod:`addin.data.schema` to the cells read by
:mod:`addin.data.values`. A row is dropped for the first problem found, column by column in
the order of :data:`~addin.data.schema.TABLES`, then for the checks between columns, then for
repeating the key of an earlier row kept. A column most of whose filled cells cannot be read,
or a required column blank in every row, refuses the input (a one-line DataError).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from ..i18n import Message, counted
from .evidence import day_month_order, decimal_marks
from .schema import (
    BLANK_ALLOWED,
    DATE_RULES,
    EXPECTED,
    FIRST_DATE,
    LAST_DATE,
    NUMBER_CHECKS,
    NUMBER_KINDS,
    NUMBER_LIMIT,
    ORDERED_COLUMNS,
    REASONS,
    REPEATS,
    SIGNUP_FALLBACK,
    TABLES,
    DateFallback,
    RepeatRule,
)
from .sources.base import RawTable
from .values import NOT_TEXT, DateContext, Parsed, parse_dates, parse_ids, parse_numbers, parse_text, show

__all__ = ["CheckedTable", "check_table", "FIRST_ROWS"]

#: How many row numbers the account of a drop reason lists (the first ones).
FIRST_ROWS = 5


@dataclass
class CheckedTable:
    """One table checked: its values by column (every row read), the rows kept, how many rows
    were read (completely empty rows are not counted), the rows dropped by reason and, for
    each reason, the first rows dropped for it (as the user numbers them). ``filled``: the
    rows kept whose date was taken from the customer's rows elsewhere
    (:data:`~addin.data.schema.SIGNUP_FALLBACK`), None when nothing was offered."""

    values: dict[str, np.ndarray]
    keep: np.ndarray
    rows_read: int
    dropped: dict[str, int]
    first_rows: dict[str, tuple[int, ...]]
    filled: np.ndarray | None = None


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

    def first_rows(self, rows: np.ndarray) -> dict[str, tuple[int, ...]]:
        """The first :data:`FIRST_ROWS` row numbers (from ``rows``) dropped for each reason."""
        return {reason: tuple(int(r) for r in rows[np.flatnonzero(self.reason == i)[:FIRST_ROWS]])
                for i, reason in enumerate(self.reasons)}


def check_table(raw: RawTable, decimal: str | None, date_format: str | None, notes: list[str],
                today: _dt.date,
                elsewhere: Callable[[], pd.Series | None] | None = None) -> CheckedTable:
    """Read every column of ``raw``, refuse it or decide each row; notes about the guesses.

    ``decimal`` (``","``, ``"."`` or None: decided on evidence) is the decimal mark of text
    numbers; ``today`` is the run's date, after which most dates cannot be (see
    :data:`~addin.data.schema.DATE_RULES`). ``elsewhere``, for the table of
    :data:`~addin.data.schema.SIGNUP_FALLBACK`: gives each customer's earliest date in the
    other tables (customer id -> date, or None), taken where the row's own date is blank or
    unreadable; called only when some is.
    """
    table, kinds = raw.table, TABLES[raw.table]
    allowed_blank = BLANK_ALLOWED.get(table, ())
    fallback, filled = SIGNUP_FALLBACK, None
    comma = _decide_decimal(raw, decimal, notes)
    order = _decide_order(raw, date_format, notes)

    # 1. read every column
    parsed: dict[str, Parsed] = {}
    for col, kind in kinds.items():
        series = raw.columns[col]
        if series is None:  # optional column left out
            parsed[col] = Parsed(np.full(raw.n, "", dtype=object), np.ones(raw.n, bool))
            continue
        if kind == "text":
            values = parse_text(series, raw.stripped)
            parsed[col] = Parsed(values, values == "")
        elif kind == "id":
            parsed[col] = parse_ids(series, raw.text_blanks, raw.stripped, raw.may_have_errors)
        elif kind in ("date", "month"):
            ctx = DateContext(month=kind == "month", epoch=raw.epoch, date_format=date_format,
                              order=order)
            parsed[col] = parse_dates(series, ctx, optional=col in allowed_blank)
            _date_rules(parsed[col], DATE_RULES[table][col], kind == "month", today)
        else:
            parsed[col] = parse_numbers(series, comma)
        if kind in ("id", "text") and raw.may_have_controls:
            _control_characters(parsed[col])
        formulas = raw.formulas.get(col) if raw.formulas else None
        if formulas is not None and (formulas & parsed[col].blank).any():
            # a formula whose value Excel never saved reads as blank: say which it is
            mask = formulas & parsed[col].blank
            parsed[col].blank = parsed[col].blank & ~mask
            parsed[col].bad = {"formula": mask, **parsed[col].bad}

    # 2. completely empty rows are not data: skipped, not counted
    live = np.zeros(raw.n, bool)
    for col in kinds:
        if raw.columns[col] is not None:
            live |= ~parsed[col].blank
            for mask in parsed[col].bad.values():
                live |= mask
    verdict = _Verdicts(raw.n, live)
    for reason, mask in (raw.dropped or {}).items():  # a known export's own reasons come first
        verdict.drop(mask, reason)

    # 3. columns in order: a column mostly unreadable refuses the table; else bad rows drop
    out: dict[str, np.ndarray] = {}
    for col, kind in kinds.items():
        p = parsed[col]
        out[col] = p.values
        if raw.columns[col] is None:
            continue
        if kind == "text":
            for which, mask in p.bad.items():
                verdict.drop(mask, Message(REASONS[which], col=col))
            continue
        _refuse_column(raw, col, kind, p, live, comma, date_format, today)
        if col in allowed_blank:
            if kind == "count":
                out[col] = np.where(p.blank, 0.0, p.values)
        else:
            if live.any() and not (live & ~p.blank).any():
                _refuse_empty(raw, col)
            if elsewhere is not None and (table, col) == (fallback.table, fallback.column):
                # after the column's refusals: a column mostly unreadable is still refused
                filled = _fall_back(p, parsed[fallback.key].values, elsewhere, fallback, live)
                out[col] = p.values
            verdict.drop(p.blank, Message(REASONS["blank"], col=col))
        for which, mask in p.bad.items():
            values = {"year": _floor(raw, col).year} if which == "floor" else {}
            verdict.drop(mask, Message(REASONS[which], col=col, **values))
        if kind in NUMBER_KINDS:
            values = out[col]
            finite = np.isfinite(values)
            whole = finite & (np.mod(np.where(finite, values, 0), 1) == 0)
            failing = {
                "negative": finite & (values < 0),
                "fraction": finite & ~whole,
                "outside 0-10": finite & ((values < 0) | (values > 10)),
                "too large": finite & (np.abs(values) > NUMBER_LIMIT),
            }
            for check, reason in NUMBER_CHECKS[kind]:
                verdict.drop(failing[check], Message(reason, col=col))

    # 4. rules across columns
    for lower, upper, reason in ORDERED_COLUMNS.get(table, ()):
        if raw.columns[lower] is not None and raw.columns[upper] is not None:
            verdict.drop(out[lower] > out[upper], Message(reason))

    # 5. repeated keys (among the rows still kept, so a bad first row does not hide a good one)
    rule = REPEATS.get(table)
    if rule is not None:
        if rule.add_up is None:
            verdict.drop(_repeated(out, rule.keys, verdict.alive), Message(rule.reason))
        else:
            _merge(verdict, out, rule)

    return CheckedTable(values=out, keep=verdict.alive, rows_read=int(live.sum()),
                        dropped=verdict.counts(), first_rows=verdict.first_rows(raw.rows),
                        filled=None if filled is None else filled & verdict.alive)


def _fall_back(parsed: Parsed, ids: np.ndarray, elsewhere: Callable[[], pd.Series | None],
               rule: DateFallback, live: np.ndarray) -> np.ndarray:
    """Take the date of each row whose cell has one of the rule's problems from ``elsewhere``
    (its customer's earliest date in the other tables), where there is one: those cells are
    no longer blank nor bad. Returns the rows whose date was taken."""
    problem = parsed.blank.copy()
    for which in rule.problems:
        if which in parsed.bad:
            problem |= parsed.bad[which]
    taken = np.zeros(len(problem), bool)
    at = np.flatnonzero(problem & live)
    dates = elsewhere() if len(at) else None
    if dates is None or not len(dates):
        return taken
    found = pd.Series(ids[at], dtype=object).map(dates)
    found = found.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    has = ~np.isnat(found)
    taken[at[has]] = True
    parsed.values = parsed.values.copy()
    parsed.values[at[has]] = found[has]
    parsed.blank = parsed.blank & ~taken
    parsed.bad = {which: mask & ~taken for which, mask in parsed.bad.items()}
    return taken


def _place(raw: RawTable) -> str:
    """Where a table was read, for a note: ``Orders.csv`` or ``data.xlsx (sheet Orders)``."""
    return Message("data_sheet", file=raw.file, sheet=raw.sheet) if raw.sheet else f"{raw.file}"


def _cell(raw: RawTable, col: str, position: int) -> str:
    """A cell's value and where it is: ``'39.345' (row 4, column D (amount))``."""
    return f"{show(raw.columns[col].iloc[position])} (row {int(raw.rows[position])}, " \
           f"column {raw.shown.get(col, col)})"


def _cell_note(raw: RawTable, col: str, position: int) -> Message:
    """:func:`_cell` for a note, said in the report's language."""
    return Message("data_cell", value=show(raw.columns[col].iloc[position]),
                   row=int(raw.rows[position]), column=raw.shown.get(col, col))


def _count(n: int, word: str) -> str:
    """``1 number``, ``2,000 numbers``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _first(found: dict[str, np.ndarray]) -> tuple[str, int]:
    """The column and position of the first cell (in row order) among ``found``."""
    return min(((col, int(idx[0])) for col, idx in found.items()), key=lambda c: c[1])


# the hints name the command line's options, as the notes do (the Python arguments have
# the same names: decimal=, date_format=)
_SET_DECIMAL = "give the decimal mark (--decimal , or --decimal .)"
_SET_ORDER = "give the date format (--date-format %d/%m/%Y or --date-format %m/%d/%Y)"


def _decide_decimal(raw: RawTable, decimal: str | None, notes: list[str]) -> bool:
    """Whether text numbers have a decimal comma: ``decimal`` if given, else what the table's
    text numbers show (:func:`~addin.data.values.decimal_marks`) or, when they show nothing,
    what the source says (a ``,``-separated CSV file cannot use a decimal comma). Refuses the
    table when its numbers show both marks, or when nothing tells and the mark changes some
    number (``39.345``)."""
    if decimal is not None:
        return decimal == ","
    kinds = TABLES[raw.table]
    evidence = decimal_marks({c: raw.columns[c] for c, k in kinds.items()
                              if k in NUMBER_KINDS and raw.columns[c] is not None})
    commas, dots, ambiguous = (evidence.count(w) for w in ("comma", "dot", "ambiguous"))
    if commas and dots:
        c_col, c_at = _first(evidence.comma)
        d_col, d_at = _first(evidence.dot)
        raise DataError(
            f"numbers are written with both decimal marks: {commas:,} with a comma such as "
            f"{_cell(raw, c_col, c_at)}, {dots:,} with a point such as {_cell(raw, d_col, d_at)}; "
            f"{_SET_DECIMAL}", file=raw.file, sheet=raw.sheet)
    if commas or dots:
        which = evidence.comma if commas else evidence.dot
        col, at = _first(which)
        also = ""
        if ambiguous:
            a_col, a_at = _first(evidence.ambiguous)
            also = counted("data_also_numbers", ambiguous, cell=_cell_note(raw, a_col, a_at))
        if commas or ambiguous:
            notes.append(Message("data_decimal_comma" if commas else "data_decimal_point",
                                 place=_place(raw), shown=counted("data_numbers_show", commas or dots),
                                 cell=_cell_note(raw, col, at), also=also))
        return bool(commas)
    if ambiguous and raw.decimal_hint is None:
        col, at = _first(evidence.ambiguous)
        value = str(raw.columns[col].iloc[at]).strip()
        raise DataError(
            f"{show(value)} may be a number with a decimal comma or with a decimal point, and no "
            f"number of the table shows which mark it uses ({_count(ambiguous, 'such number')}); "
            f"{_SET_DECIMAL}", file=raw.file, sheet=raw.sheet, row=int(raw.rows[at]),
            column=raw.shown.get(col, col))
    return raw.decimal_hint == ","


def _decide_order(raw: RawTable, date_format: str | None, notes: list[str]) -> str:
    """``"dmy"`` or ``"mdy"``: the order of day and month in the table's dates written
    ``03/04/2026`` or ``03-04-2026``. ``date_format`` if it says, else what the table's dates
    show (:func:`~addin.data.values.day_month_order`); refuses the table when they show both
    orders, or nothing while some date reads differently each way."""
    if date_format:
        d, m = date_format.find("%d"), date_format.find("%m")
        return "mdy" if 0 <= m < d else "dmy"
    kinds = TABLES[raw.table]
    evidence = day_month_order({c: raw.columns[c] for c, k in kinds.items()
                                if k in ("date", "month") and raw.columns[c] is not None})
    day, month, ambiguous = (evidence.count(w) for w in ("day_first", "month_first", "ambiguous"))
    if day and month:
        d_col, d_at = _first(evidence.day_first)
        m_col, m_at = _first(evidence.month_first)
        raise DataError(
            f"dates are written in both orders: {day:,} day first such as {_cell(raw, d_col, d_at)}, "
            f"{month:,} month first such as {_cell(raw, m_col, m_at)}; {_SET_ORDER}",
            file=raw.file, sheet=raw.sheet)
    if month or (day and ambiguous):
        which = evidence.month_first if month else evidence.day_first
        col, at = _first(which)
        also = ""
        if ambiguous:
            a_col, a_at = _first(evidence.ambiguous)
            also = counted("data_also_dates", ambiguous, cell=_cell_note(raw, a_col, a_at))
        notes.append(Message("data_month_first" if month else "data_day_first", place=_place(raw),
                             shown=counted("data_dates_sense", month or day),
                             cell=_cell_note(raw, col, at), also=also))
        return "mdy" if month else "dmy"
    if ambiguous:
        col, at = _first(evidence.ambiguous)
        raise DataError(
            f"{show(raw.columns[col].iloc[at])} may be day first or month first, and no date of the "
            f"table shows which ({_count(ambiguous, 'such date')}); {_SET_ORDER}",
            file=raw.file, sheet=raw.sheet, row=int(raw.rows[at]), column=raw.shown.get(col, col))
    return "dmy"


def _date_rules(parsed: Parsed, rule, month: bool, today: _dt.date) -> None:
    """Mark the dates the column's :class:`~addin.data.schema.DateRule` refuses: after the
    run's date (month: after its month) where the future is an error, before the floor."""
    days = parsed.values
    valid = ~np.isnat(days)
    if not valid.any():
        return
    if not rule.future:
        limit = np.datetime64(today.replace(day=1) if month else today, "D")
        future = valid & (days > limit)
        if future.any():
            parsed.bad["future"] = future
    elif rule.horizon is not None:
        far = valid & (days > np.datetime64(today, "D") + np.timedelta64(rule.horizon, "D"))
        if far.any():
            parsed.bad["far future"] = far
    if rule.floor > FIRST_DATE:
        early = valid & (days < np.datetime64(rule.floor, "D"))
        if early.any():
            parsed.bad["floor"] = early


def _control_characters(parsed: Parsed) -> None:
    """Mark the ids or texts holding a character that is not text (a control character)."""
    values = parsed.values
    if len(values) == 0:
        return
    mask = pd.Series(values, dtype=object).str.contains(NOT_TEXT, regex=True, na=False)
    mask = mask.to_numpy(dtype=bool)
    if mask.any():
        parsed.bad["control"] = mask & ~parsed.blank


def _refuse_column(raw: RawTable, col: str, kind: str, parsed: Parsed, live: np.ndarray,
                   comma: bool, date_format: str | None, today: _dt.date) -> None:
    """DataError when more than half of the column's filled cells cannot be read (or are
    refused: in the future, before the floor, formulas without a value...)."""
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
        "future": f"{show(value)} is after {today.isoformat()}, the date of this run, and "
                  f"{col} cannot be in the future (check the dates, or the computer's date)",
        "far future": f"{show(value)} is more than {_horizon(raw, col)} days after "
                      f"{today.isoformat()}, the date of this run",
        "floor": f"{show(value)} is before {_floor(raw, col).isoformat()}, the first {col} accepted",
        "formula": "the cell holds a formula whose value was never saved (open the workbook in "
                   "Excel, let it calculate, and save it)",
        "control": f"{show(value)} holds a control character, which is not text",
    }[which]
    hint = ""
    if kind in NUMBER_KINDS and not comma and isinstance(value, str) and re.search(r"\d,\d", value):
        hint = "; if the file uses a decimal comma, give it (--decimal ,)"
    raise DataError(
        f"{what}; {n_bad:,} of {n_filled:,} values in this column cannot be read{hint}",
        file=raw.file, sheet=raw.sheet, row=int(raw.rows[first]), column=raw.shown.get(col, col))


def _horizon(raw: RawTable, col: str) -> int:
    rule = DATE_RULES.get(raw.table, {}).get(col)
    return (rule.horizon or 0) if rule is not None else 0


def _floor(raw: RawTable, col: str) -> _dt.date:
    rule = DATE_RULES.get(raw.table, {}).get(col)
    return rule.floor if rule is not None else FIRST_DATE


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
        verdict.drop(mask, Message(rule.reason))
