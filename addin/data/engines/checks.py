"""The typing and checks of one table, written once as narwhals expressions and run IN the
engine that holds the rows (DuckDB, PostgreSQL through ibis, Spark).

The rules are those of :mod:`addin.data.schema`, and each dropped row is counted under the
same reason (the same :class:`~addin.i18n.Message` key) as :mod:`addin.data.rules` gives it,
so the Data quality sheet reads the same whichever source the rows came from. Only the
counts come back from the engine: the rows stay there, typed and filtered, as a lazy native
frame for the reduction that follows.

What an engine source accepts, beside values already of their kind (a date column, a
number column): ids stored as numbers (``101`` is the id ``"101"``), dates and months
written as ISO text (``2026-09-30``, ``2026-09-30 14:02``, a month as ``2026-09``), a
timestamp (its date as written), numbers written as plain text (``1234.56``). The guesses
of the file reader (decimal comma, day/month order, Excel serial numbers, currency signs)
are not made here: a database column has a type, and text that is not in these forms is
dropped as "not a number" / "not a date". A row is dropped for its first problem, column by
column in the order of :data:`~addin.data.schema.TABLES`, then for the checks between
columns, then for repeating a key (see :func:`check_frame`).
"""

from __future__ import annotations

import datetime as _dt
import string
from dataclasses import dataclass

import narwhals as nw

from ...errors import DataError
from ...i18n import Message
from ..schema import (
    BLANK_ALLOWED,
    DATE_RULES,
    FIRST_DATE,
    LAST_DATE,
    NO_DATE_YEAR,
    NUMBER_CHECKS,
    NUMBER_LIMIT,
    ORDERED_COLUMNS,
    REASONS,
    REPEATS,
    SIGNUP_FALLBACK,
    TABLES,
)
from ..values import BLANK_TOKENS, DASHES, EXCEL_ERRORS

__all__ = ["CheckedFrame", "check_frame", "REASON", "ORDER", "FALLBACK_KEY", "FALLBACK_DATE"]

#: The column holding each row's drop reason (its index in the reasons; null: kept).
REASON = "__retention_reason"
#: Reason index of a completely empty row: skipped, not counted (as the file reader does).
_EMPTY = 0

#: The order that decides which of two rows repeating a key is "first": a source that knows
#: its rows' order (Parquet files) passes columns of it; a database has no row order, so the
#: first there is the first in the order of the table's own columns (deterministic).
ORDER = "__retention_order"

#: The columns of the dates offered to :data:`~addin.data.schema.SIGNUP_FALLBACK`'s table
#: (customer id as text -> their earliest date elsewhere; see :func:`check_frame`).
FALLBACK_KEY, FALLBACK_DATE = "__retention_fallback_key", "__retention_fallback_date"
# the rows kept whose date was taken from the fallback (a column of the checked rows)
_FILLED = "__retention_filled"

# Text patterns in the subset every engine's regular expressions share (RE2, POSIX, Java).
_ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$"
_ISO_MONTH = "^[0-9]{4}-[0-9]{2}$"
_DATE_SHAPE = "^[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}$"
_NUMBER = "^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$"
# the characters no workbook can hold (NUL cannot be in a database's text anyway)
_CONTROL = "[" + "".join(chr(c) for c in [*range(1, 9), 11, 12, *range(14, 32)]) + "]"
# text with whitespace to strip at either end (the characters narwhals' strip_chars strips),
# and text that also may hold a control character: only those rows pay for trimming and for
# the control check (trimming every id was a third of the checks of 10 million orders)
_SPACE = "[" + string.whitespace + "]"
_EDGE = f"^{_SPACE}|{_SPACE}$"
_SPECIAL = f"{_CONTROL}|{_EDGE}"


@dataclass
class CheckedFrame:
    """One table checked in its engine: the rows kept, typed, with the canonical columns of
    :data:`~addin.data.schema.TABLES` (a lazy frame: nothing collected), how many rows were
    read and kept, and the rows dropped by reason. ``rejected``: the rows dropped for a
    reason (not those repeating a key, nor empty rows), lazy, for the rules across tables;
    ``filled``: how many rows kept took their date from
    :data:`~addin.data.schema.SIGNUP_FALLBACK` (0 when no dates were offered)."""

    frame: nw.LazyFrame
    rows_read: int
    rows_kept: int
    dropped: dict[Message, int]
    rejected: nw.LazyFrame | None = None
    filled: int = 0


@dataclass
class _Column:
    """One column's typed value, when it is blank, and its problems (reason, mask) in order."""

    value: nw.Expr
    blank: nw.Expr
    problems: list[tuple[Message, nw.Expr]]


class _Steps:
    """Intermediate columns, computed in rounds: an expression names the columns of earlier
    rounds instead of repeating their expressions, so the SQL an engine is sent grows with
    the number of checks, not with their nesting (a date's parts are used many times)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.rounds: list[dict[str, nw.Expr]] = [{}]

    def put(self, name: str, expr: nw.Expr) -> nw.Expr:
        """Compute ``expr`` in this round as a column; the expression naming that column."""
        full = f"{self.prefix}{name}"
        self.rounds[-1][full] = expr
        return nw.col(full)

    def then(self) -> None:
        """Start the next round: its expressions may name this round's columns."""
        self.rounds.append({})


def _text(expr: nw.Expr, dtype) -> nw.Expr:
    """A column as text: whole numbers without ``.0`` (the number 101 is the id ``"101"``)."""
    if dtype.is_integer():
        return expr.cast(nw.String)
    if dtype.is_float():
        whole = expr.is_finite() & (expr.floor() == expr)
        return nw.when(whole).then(expr.cast(nw.Int64).cast(nw.String)).otherwise(expr.cast(nw.String))
    if dtype == nw.String:
        return _stripped(expr)
    return expr.cast(nw.String)


def _stripped(expr: nw.Expr) -> nw.Expr:
    """Text without whitespace at either end, trimmed only where it has some."""
    return nw.when(expr.str.contains(_EDGE)).then(expr.str.strip_chars()).otherwise(expr)


def _blank_number(expr: nw.Expr, dtype) -> nw.Expr:
    return expr.is_null() | expr.is_nan() if dtype.is_float() else expr.is_null()


def _id_or_text(table: str, col: str, kind: str, expr: nw.Expr, dtype, steps: _Steps) -> _Column:
    problems = []
    if dtype == nw.String:
        special = steps.put("special", expr.str.contains(_SPECIAL))
        steps.then()
        value = steps.put("text", nw.when(special).then(expr.str.strip_chars()).otherwise(expr))
        steps.then()
        blank = steps.put("blank", value.is_null() | (value == ""))
        if kind == "id":
            problems.append((Message(REASONS["excel"], col=col), value.is_in(sorted(EXCEL_ERRORS))))
        control = nw.when(special).then(value.str.contains(_CONTROL)).otherwise(nw.lit(False))
        problems.append((Message(REASONS["control"], col=col), control))
    else:
        value = steps.put("text", _text(expr, dtype))
        blank = steps.put("blank", _blank_number(expr, dtype) if dtype.is_numeric()
                          else expr.is_null() | (expr.cast(nw.String).str.strip_chars() == ""))
    if kind == "text":
        value = nw.when(blank).then(nw.lit("")).otherwise(value)
    return _Column(value, blank, problems)


def _days_in_month(year: nw.Expr, month: nw.Expr) -> nw.Expr:
    leap = ((year % 4) == 0) & (((year % 100) != 0) | ((year % 400) == 0))
    return (nw.when(month == 2).then(nw.when(leap).then(nw.lit(29)).otherwise(nw.lit(28)))
            .otherwise(nw.when(month.is_in([4, 6, 9, 11])).then(nw.lit(30)).otherwise(nw.lit(31))))


def _date(table: str, col: str, kind: str, expr: nw.Expr, dtype, today: _dt.date,
          steps: _Steps) -> _Column:
    month = kind == "month"
    optional = col in BLANK_ALLOWED.get(table, ())
    problems: list[tuple[Message, nw.Expr]] = []
    if dtype == nw.Date:
        day, blank = expr, expr.is_null()
    elif dtype == nw.Datetime:
        day, blank = expr.cast(nw.Date), expr.is_null()  # the date as written, time dropped
    elif dtype == nw.String:
        text = steps.put("text", _stripped(expr))
        steps.then()
        if month:  # 2026-09 is the month's 1st
            text = steps.put("month", nw.when(text.str.contains(_ISO_MONTH)).then(
                nw.concat_str([text, nw.lit("-01")])).otherwise(text))
            steps.then()
        blank = steps.put("blank", text.is_null() | text.str.to_lowercase().is_in(sorted(BLANK_TOKENS)))
        shaped = steps.put("shaped", text.str.contains(_ISO_DATE))
        # the parts are read only where the text has the shape, so no engine sees a bad cast
        digits = nw.when(text.str.contains(_ISO_DATE)).then(text)
        year = steps.put("y", digits.str.slice(0, 4).cast(nw.Int64))
        mon = steps.put("m", digits.str.slice(5, 2).cast(nw.Int64))
        dom = steps.put("d", digits.str.slice(8, 2).cast(nw.Int64))
        steps.then()
        real = steps.put("real", shaped & (mon >= 1) & (mon <= 12) & (dom >= 1)
                         & (dom <= _days_in_month(year, mon)))
        steps.then()
        day = nw.when(real).then(text.str.slice(0, 10)).cast(nw.Date)
        excel = text.is_in(sorted(EXCEL_ERRORS))
        problems += [
            (Message(REASONS["excel"], col=col), excel),
            (Message(REASONS["impossible"], col=col), shaped & ~real),
            (Message(REASONS["impossible"], col=col),
             ~shaped & text.str.contains(_DATE_SHAPE) & ~blank),
            (Message(REASONS["date"], col=col), ~shaped & ~blank & ~excel),
        ]
    else:  # a number or a flag is not a date here (no serial numbers in a typed store)
        blank = _blank_number(expr, dtype) if dtype.is_numeric() else expr.is_null()
        day = nw.lit(None, nw.Date)
        problems.append((Message(REASONS["date"], col=col), ~blank))
    day = steps.put("day", day)
    steps.then()
    if optional:  # 9999-12-31: "no date yet"
        blank = blank | (day.dt.year() >= NO_DATE_YEAR)
    blank = steps.put("blank", blank)
    out_of_range = steps.put("range", (day < nw.lit(FIRST_DATE)) | (day > nw.lit(LAST_DATE)))
    steps.then()
    problems.append((Message(REASONS["range"], col=col), out_of_range & ~blank))
    day = nw.when(~blank & ~out_of_range).then(day)  # the rules below see real dates only
    if month:
        day = day.dt.truncate("1mo").cast(nw.Date)
    day = steps.put("value", day)
    steps.then()
    rule = DATE_RULES[table][col]
    if not rule.future:
        limit = today.replace(day=1) if month else today
        problems.append((Message(REASONS["future"], col=col), day > nw.lit(limit)))
    elif rule.horizon is not None:
        problems.append((Message(REASONS["far future"], col=col),
                         day > nw.lit(today + _dt.timedelta(days=rule.horizon))))
    if rule.floor > FIRST_DATE:
        problems.append((Message(REASONS["floor"], col=col, year=rule.floor.year),
                         day < nw.lit(rule.floor)))
    return _Column(day, blank, problems)


def _number(table: str, col: str, kind: str, expr: nw.Expr, dtype, steps: _Steps) -> _Column:
    problems: list[tuple[Message, nw.Expr]] = []
    if dtype.is_numeric():
        blank = _blank_number(expr, dtype)
        value = expr.cast(nw.Float64)
        if dtype.is_float():
            problems.append((Message(REASONS["number"], col=col), ~blank & ~value.is_finite()))
    elif dtype == nw.String:
        text = steps.put("text", _stripped(expr))
        steps.then()
        blank = text.is_null() | text.str.to_lowercase().is_in(sorted(BLANK_TOKENS - DASHES))
        number = steps.put("shaped", text.str.contains(_NUMBER))
        dash = steps.put("dash", text.is_in(sorted(DASHES)))
        excel = steps.put("excel", text.is_in(sorted(EXCEL_ERRORS)))
        # a lone dash is Excel's accounting zero, as the file reader reads it
        value = (nw.when(text.is_in(sorted(DASHES))).then(nw.lit(0.0))
                 .otherwise(nw.when(text.str.contains(_NUMBER)).then(text).cast(nw.Float64)))
        problems += [(Message(REASONS["excel"], col=col), excel),
                     (Message(REASONS["number"], col=col), ~blank & ~excel & ~number & ~dash)]
    else:
        blank = expr.is_null()
        value = nw.lit(None, nw.Float64)
        problems.append((Message(REASONS["number"], col=col), ~blank))
    blank = steps.put("blank", blank)
    value = steps.put("number", value)
    steps.then()
    finite = value.is_finite()
    failing = {
        "negative": finite & (value < 0),
        "fraction": finite & (value.floor() != value),
        "outside 0-10": finite & ((value < 0) | (value > 10)),
        "too large": finite & (value.abs() > NUMBER_LIMIT),
    }
    problems += [(Message(reason, col=col), failing[check]) for check, reason in NUMBER_CHECKS[kind]]
    if kind != "money":
        # only whole numbers within the limit reach the integer type (no engine sees a bad cast)
        ok = finite & (value.abs() <= NUMBER_LIMIT) & (value.floor() == value)
        value = nw.when(ok).then(value).cast(nw.Int64)
        if col in BLANK_ALLOWED.get(table, ()):  # units_returned blank: none returned
            value = nw.when(blank).then(nw.lit(0, nw.Int64)).otherwise(value)
    return _Column(value, blank, problems)


def _column(table: str, col: str, source: str, dtype, today: _dt.date, steps: _Steps) -> _Column:
    kind, expr = TABLES[table][col], nw.col(source)
    if kind in ("id", "text"):
        return _id_or_text(table, col, kind, expr, dtype, steps)
    if kind in ("date", "month"):
        return _date(table, col, kind, expr, dtype, today, steps)
    return _number(table, col, kind, expr, dtype, steps)


def _fall_back(found: _Column, steps: _Steps) -> tuple[_Column, nw.Expr]:
    """The column of :data:`~addin.data.schema.SIGNUP_FALLBACK` with the date offered
    (:data:`FALLBACK_DATE`) taken where the cell has one of the rule's problems: those cells
    are no longer blank nor bad. Also the mask of the rows whose date was taken."""
    taking = {REASONS[which] for which in SIGNUP_FALLBACK.problems}
    steps.then()
    # nulls ignored: a check that cannot tell (a null date compared) is not a problem
    problem = nw.any_horizontal(found.blank, *[mask for message, mask in found.problems
                                               if message.key in taking], ignore_nulls=True)
    taken = steps.put("taken", problem & ~nw.col(FALLBACK_DATE).is_null())
    steps.then()
    return _Column(nw.when(taken).then(nw.col(FALLBACK_DATE)).otherwise(found.value),
                   found.blank & ~taken,
                   [(message, mask & ~taken if message.key in taking else mask)
                    for message, mask in found.problems]), taken


def check_frame(table: str, frame: nw.LazyFrame, columns: dict[str, str | None], *,
                place: str, today: _dt.date, order: list[str] | None = None,
                settle=None, fallback: nw.LazyFrame | None = None) -> CheckedFrame:
    """Type and check ``table`` in its engine; count in the engine what is dropped and why.

    ``columns`` maps each canonical column to the source's column name (None: an optional
    column the source leaves out, blank in every row). ``order``: the source's columns that
    give its rows' order (a file name and a row number), or None when it has none.
    ``settle`` (native frame -> native frame), when given, is applied to the checked rows
    before they are counted and filtered: an engine whose optimiser would otherwise copy
    every check into every filter (Spark) keeps them there once. ``place``
    names the source in an error. Raises DataError when more than half of a column's values
    cannot be read (the file reader refuses such a column too).

    A row repeating the key of an earlier row kept (:data:`~addin.data.schema.REPEATS`) is
    dropped, the first kept -- first in ``order``, or, without one, first in the order of
    the table's columns -- or, for a rule that adds up (Subscriptions' mrr, Costs' spend),
    folded into one row holding the sum.

    ``fallback``, for the table of :data:`~addin.data.schema.SIGNUP_FALLBACK`: each
    customer's earliest date elsewhere (:data:`FALLBACK_KEY` -> :data:`FALLBACK_DATE`, a
    lazy frame of the same engine, one row per customer), taken where the row's own date
    is blank or unreadable (see :mod:`.customer_rule`).
    """
    schema = frame.collect_schema()
    rule = SIGNUP_FALLBACK
    offered = (fallback is not None and table == rule.table
               and columns.get(rule.column) is not None and columns.get(rule.key) is not None)
    taken: nw.Expr | None = None
    if offered:
        key = columns[rule.key]
        frame = frame.with_columns(_text(nw.col(key), schema[key]).alias(FALLBACK_KEY)).join(
            fallback, on=FALLBACK_KEY, how="left")
    checked: dict[str, _Column] = {}
    rounds: list[dict[str, nw.Expr]] = []
    for i, col in enumerate(TABLES[table]):
        source = columns.get(col)
        if source is None:
            checked[col] = _Column(nw.lit("", nw.String), nw.lit(True), [])
            continue
        steps = _Steps(f"__retention_{i}_")
        found = _column(table, col, source, schema[source], today, steps)
        if offered and col == rule.column:
            found, taken = _fall_back(found, steps)
        steps.then()
        value = steps.put("final", found.value)  # named once: the checks across columns use it
        checked[col] = _Column(value, found.blank, found.problems)
        for r, computed in enumerate(steps.rounds):
            if r == len(rounds):
                rounds.append({})
            rounds[r].update(computed)
    for computed in rounds:
        if computed:
            frame = frame.with_columns(**computed)

    reasons: list[Message] = [Message("q_blank", col="")]  # index 0: an empty row, not counted
    codes: list[nw.Expr] = []

    def reason(message: Message, mask: nw.Expr) -> None:
        if message not in reasons:
            reasons.append(message)
        codes.append(nw.when(mask).then(nw.lit(reasons.index(message))))

    present = [c for c in TABLES[table] if columns.get(c) is not None]
    empty = nw.all_horizontal(*[checked[c].blank for c in present], ignore_nulls=False)
    codes.append(nw.when(empty).then(nw.lit(_EMPTY)))
    allowed = BLANK_ALLOWED.get(table, ())
    for col in TABLES[table]:
        if col not in present:
            continue
        if col not in allowed and TABLES[table][col] != "text":
            reason(Message(REASONS["blank"], col=col), checked[col].blank)
        for message, mask in checked[col].problems:
            reason(message, mask)
    for lower, upper, key in ORDERED_COLUMNS.get(table, ()):
        reason(Message(key), checked[lower].value > checked[upper].value)

    staged = frame.select(
        *[checked[c].value.alias(c) for c in TABLES[table]],
        *[nw.col(c).alias(f"{ORDER}{i}") for i, c in enumerate(order or ())],
        nw.coalesce(*codes).alias(REASON) if len(codes) > 1 else codes[0].alias(REASON),
        *([taken.alias(_FILLED)] if taken is not None else []),
    )
    if settle is not None:
        staged = nw.from_native(settle(staged.to_native()))
    tally = dict(staged.group_by(REASON).agg(nw.len().alias("n")).collect().rows())
    rows_read = sum(n for code, n in tally.items() if code != _EMPTY)
    dropped = {reasons[code]: int(n) for code, n in sorted(tally.items(), key=lambda c: (c[0] is None, c[0] or 0))
               if code is not None and code != _EMPTY}
    _refuse_unreadable(table, columns, dropped, rows_read, place)

    kept = staged.filter(nw.col(REASON).is_null())
    rows_kept = int(tally.get(None, 0))
    kept, repeated = _repeats(table, kept, rows_kept, order, settle)
    if repeated:
        dropped[Message(REPEATS[table].reason)] = repeated
    filled = 0
    if taken is not None and rows_kept:  # counted among the rows left once keys repeat
        # counted as 1s, not a flag cast: PostgreSQL casts no boolean to bigint
        ones = nw.when(nw.col(_FILLED)).then(nw.lit(1)).otherwise(nw.lit(0))
        filled = int(kept.select(ones.sum()).collect().item() or 0)
    rejected = staged.filter(~nw.col(REASON).is_null() & (nw.col(REASON) != _EMPTY))
    return CheckedFrame(frame=kept.select(*TABLES[table]), rows_read=rows_read,
                        rows_kept=rows_kept - repeated, dropped=dropped,
                        rejected=rejected.select(*TABLES[table]), filled=filled)


def _repeats(table: str, kept: nw.LazyFrame, n: int, order: list[str] | None, settle=None
             ) -> tuple[nw.LazyFrame, int]:
    """The rows kept once :data:`~addin.data.schema.REPEATS` is applied, and how many rows
    repeated a key (dropped, or added into the first). The keys are counted first: a table
    whose keys are all different (the usual one) is handed back as it is, and only one that
    has repeats pays for choosing the first of each (kept once through ``settle``, as the
    rows before it were)."""
    rule = REPEATS.get(table)
    if rule is None or n == 0:
        return kept, 0
    keys = list(rule.keys)
    groups = int(kept.group_by(keys).agg(nw.len()).select(nw.len()).collect().item())
    if groups == n:
        return kept, 0
    if rule.add_up is not None:
        merged = kept.group_by(keys).agg(nw.col(rule.add_up).sum())
    else:
        ranks = [f"{ORDER}{i}" for i in range(len(order))] if order else \
            [c for c in TABLES[table] if c not in keys]
        merged = kept.unique(keys, keep="first", order_by=ranks or keys)
    if settle is not None:
        merged = nw.from_native(settle(merged.to_native()))
    return merged, n - groups


#: The reasons that say a value could not be read at all (not refused by a rule).
_UNREADABLE = ("q_number", "q_date", "q_impossible", "q_excel")


def _refuse_unreadable(table: str, columns: dict[str, str | None], dropped: dict[Message, int],
                       rows_read: int, place: str) -> None:
    """DataError when more than half of the rows read were dropped because one column's
    values cannot be read: a column of the wrong kind (text where dates belong), not a few
    bad rows."""
    for col, source in columns.items():
        if source is None:
            continue
        bad = sum(n for m, n in dropped.items() if m.key in _UNREADABLE and m.values.get("col") == col)
        if bad and bad * 2 > rows_read:
            kind = TABLES[table][col]
            raise DataError(f"{bad:,} of {rows_read:,} values cannot be read as {kind} "
                            f"(expected {_EXPECTED_HERE[kind]})", file=place, column=source)


#: What an engine source's column should hold, by kind, as a refusal says it.
_EXPECTED_HERE = {
    "id": "an id", "text": "text",
    "date": "a date column, or text such as 2026-09-30",
    "month": "a date column, or text such as 2026-09 or 2026-09-01",
    "money": "a number column, or text such as 1234.56",
    "count": "a whole number", "score": "a whole number from 0 to 10",
}
