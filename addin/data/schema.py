"""The rules of the retention data, declared as data: tables, columns, kinds and row checks.

Everything the loader checks is listed here, apart from the code that checks it
(:mod:`addin.data.rules` applies these tables row by row). To allow a new column, a blank, a
repeated key or a check between two columns, change the declarations below. Each drop
reason is named here by its word key (``q_negative``); its words, in English and Italian,
are in :mod:`addin.i18n.report_messages`, and :attr:`RetentionData.quality` holds it as an
:class:`addin.i18n.Message` (its English as text). The user's
view of the same rules is ``docs/data-format.md``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ..cells import name_key

__all__ = [
    "TABLES",
    "BLANK_ALLOWED",
    "OPTIONAL_COLUMNS",
    "QUALITY_COLUMNS",
    "NUMBER_KINDS",
    "NUMBER_CHECKS",
    "ORDERED_COLUMNS",
    "RepeatRule",
    "REPEATS",
    "CUSTOMER_TABLES",
    "FIRST_DATE",
    "LAST_DATE",
    "NO_DATE_YEAR",
    "DateRule",
    "DATE_RULES",
    "EVENT_FLOOR",
    "NUMBER_LIMIT",
    "REASONS",
    "UNKNOWN_CUSTOMER",
    "DateFallback",
    "SIGNUP_FALLBACK",
    "CUSTOMER_DROPPED",
    "CUSTOMER_DROPPED_ELSEWHERE",
    "EXPECTED",
    "TABLE_ALIASES",
    "table_named",
]

#: Every table the add-in reads: table -> column -> kind. Kinds: ``id`` (text key),
#: ``text``, ``date``, ``month`` (kept as the 1st of the month), ``money`` (a number >= 0),
#: ``count`` (a whole number >= 0) and ``score`` (a whole number 0..10).
TABLES: dict[str, dict[str, str]] = {
    "Customers": {
        "customer_id": "id", "name": "text", "segment": "text",
        "signup_date": "date", "churn_date": "date",
    },
    "Subscriptions": {"customer_id": "id", "month": "month", "mrr": "money"},
    "Orders": {
        "order_id": "id", "customer_id": "id", "order_date": "date",
        "amount": "money", "units": "count", "units_returned": "count",
    },
    "NPS": {"customer_id": "id", "date": "date", "score": "score"},
    "Invoices": {
        "invoice_id": "id", "customer_id": "id", "issue_date": "date",
        "due_date": "date", "amount": "money", "paid_date": "date",
    },
    "Activity": {"user_id": "id", "date": "date"},
    "Costs": {"month": "month", "retention_spend": "money"},
}

#: Columns that may be blank in a row that is kept (text columns are always allowed blank).
BLANK_ALLOWED: dict[str, tuple[str, ...]] = {
    "Customers": ("name", "segment", "churn_date"),
    "Orders": ("units_returned",),  # blank means none returned: read as 0
    "Invoices": ("paid_date",),
}

#: Columns that may be missing from a table altogether: the table is read without them
#: and the column is absent from it (not blank, not zero), so that a KPI needing it says
#: which column is missing (the return rate without ``units_returned``). Every other column
#: is required: the table is refused without it.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "Customers": ("name", "segment", "churn_date"),
    "Orders": ("units", "units_returned"),
    "Invoices": ("paid_date",),
}

#: The columns of :attr:`RetentionData.quality` (``first_rows``: the first rows dropped for the
#: reason, as the user numbers them).
QUALITY_COLUMNS = ("table", "rows_read", "rows_kept", "rows_dropped", "reason", "first_rows")

#: The kinds held as numbers.
NUMBER_KINDS = ("money", "count", "score")

#: The checks of a number column, in the order they are tried (a row is counted under the
#: first that fails): kind -> (check, reason key). ``negative``: below 0; ``fraction``: not a
#: whole number; ``outside 0-10``: below 0 or above 10.
NUMBER_CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "money": (("negative", "q_negative"), ("too large", "q_too_large")),
    "count": (("negative", "q_negative"), ("fraction", "q_fraction"), ("too large", "q_too_large")),
    "score": (("fraction", "q_fraction"), ("outside 0-10", "q_outside")),
}

#: The largest money amount or count accepted (10^15): every sum of the report stays exact
#: to the cent and finite, and every count a whole number an int64 holds exactly. Above it,
#: the row is dropped as ``<column> too large`` (``units`` of ``1e20``, an mrr of ``1e308``).
NUMBER_LIMIT = 1e15

#: Two columns of a row that must be in order: table -> ((lower, upper, reason), ...). A row
#: whose ``lower`` is above its ``upper`` is dropped; a blank in either passes.
ORDERED_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Orders": (("units_returned", "units", "q_units_returned"),),
    "Customers": (("signup_date", "churn_date", "q_churn_before"),),
    "Invoices": (("issue_date", "due_date", "q_due_before"),),
}


@dataclass(frozen=True)
class RepeatRule:
    """What happens to rows repeating the ``keys`` of an earlier row kept.

    With ``add_up`` (a money column) they become one row, the first, whose ``add_up`` is
    their sum; without, the first row is kept and the others are dropped.
    """

    keys: tuple[str, ...]
    reason: str
    add_up: str | None = None


#: The keys that may not repeat within a table (checked among the rows still kept, so a bad
#: first row does not hide a good one).
REPEATS: dict[str, RepeatRule] = {
    "Customers": RepeatRule(("customer_id",), "q_duplicate_customer"),
    "Subscriptions": RepeatRule(("customer_id", "month"), "q_repeated_subscription",
                                add_up="mrr"),
    "Orders": RepeatRule(("order_id",), "q_duplicate_order"),
    "Invoices": RepeatRule(("invoice_id",), "q_duplicate_invoice"),
    "Activity": RepeatRule(("user_id", "date"), "q_repeated_activity"),
    "Costs": RepeatRule(("month",), "q_repeated_costs", add_up="retention_spend"),
}

#: Tables whose ``customer_id`` should be in Customers (rows that are not are kept, counted).
CUSTOMER_TABLES = ("Subscriptions", "Orders", "NPS", "Invoices")

#: The dates accepted (pandas' nanosecond dates end in April 2262).
FIRST_DATE = _dt.date(1900, 1, 1)
LAST_DATE = _dt.date(2261, 12, 31)
#: A date in this year or later in a column that may be blank means "no date yet" (9999-12-31).
NO_DATE_YEAR = 9999
#: Events (orders, answers, invoices, payments, activity, subscribed months, spend) before
#: this date are data errors: the 1 January 1970 of an empty Unix time stamp is still read,
#: a 1900-01-01 placeholder or a mistyped 1026 is not.
EVENT_FLOOR = _dt.date(1970, 1, 1)


@dataclass(frozen=True)
class DateRule:
    """What one date or month column accepts besides any real date.

    ``future``: whether a date after the run's date (for a month column: a month after the
    run's month) can be right -- a due date, a cancellation already notified -- or is a data
    error, dropped as ``date in the future in <column>``. ``horizon``: when the future can be
    right, how many days ahead at most (a due date in 2099 is a typo that would keep an
    invoice "not yet due" for ever), beyond which the row is dropped as ``date too far in the
    future in <column>``. ``floor``: the earliest date accepted; an earlier one is dropped
    as ``date before <year> in <column>``.
    """

    future: bool
    floor: _dt.date = FIRST_DATE
    horizon: int | None = None


#: Every date and month column: table -> column -> :class:`DateRule`. Signup and churn dates
#: may be as old as any real date (a customer since 1955); a churn date in the future is a
#: cancellation notified now that takes effect later (still a customer until then: up to
#: three years ahead, a contract's notice), and a due date is a promise (up to two years
#: ahead): both legitimate. Everything else records what has happened.
DATE_RULES: dict[str, dict[str, DateRule]] = {
    "Customers": {"signup_date": DateRule(future=False),
                  "churn_date": DateRule(future=True, horizon=3 * 366)},
    "Subscriptions": {"month": DateRule(future=False, floor=EVENT_FLOOR)},
    "Orders": {"order_date": DateRule(future=False, floor=EVENT_FLOOR)},
    "NPS": {"date": DateRule(future=False, floor=EVENT_FLOOR)},
    "Invoices": {
        "issue_date": DateRule(future=False, floor=EVENT_FLOOR),
        "due_date": DateRule(future=True, floor=EVENT_FLOOR, horizon=2 * 366),
        "paid_date": DateRule(future=False, floor=EVENT_FLOOR),
    },
    "Activity": {"date": DateRule(future=False, floor=EVENT_FLOOR)},
    "Costs": {"month": DateRule(future=False, floor=EVENT_FLOOR)},
}

#: The drop reason of each problem a cell can have (its word key; ``{col}`` the column).
REASONS: dict[str, str] = {
    "blank": "q_blank",
    "number": "q_number",
    "date": "q_date",
    "impossible": "q_impossible",
    "ambiguous": "q_ambiguous",
    "range": "q_range",
    "excel": "q_excel",
    "future": "q_future",
    "far future": "q_far_future",
    "floor": "q_floor",
    "formula": "q_formula",
    "control": "q_control",
}

#: The quality row of rows kept whose customer_id is not in Customers (its word key;
#: ``{rows}``: "3 rows").
UNKNOWN_CUSTOMER = "q_unknown_customer"



@dataclass(frozen=True)
class DateFallback:
    """A required date of a customer that, blank or unreadable, is taken from their rows
    elsewhere rather than dropping a customer the other tables count.

    The row's ``column`` of ``table``, when its cell has one of the ``problems`` (keys of
    :data:`REASONS`), becomes the earliest date of the customer among the rows kept of each
    ``(table, column)`` of ``sources`` (a month counts from its 1st day), matched on ``key``;
    a customer with no such row is dropped as before. The rows so kept are counted in the
    quality account under ``reason`` (with ``rows_dropped`` 0).
    """

    table: str
    column: str
    sources: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]
    reason: str
    key: str = "customer_id"


#: A Customers row without a readable signup date keeps its customer when they have
#: Subscriptions or Orders rows: the signup is their first subscribed month or first order.
#: A date that was read but refused (in the future) is no fallback's: it is a wrong value.
SIGNUP_FALLBACK = DateFallback(
    "Customers", "signup_date",
    sources=(("Subscriptions", "month"), ("Orders", "order_date")),
    problems=("blank", "date", "impossible", "ambiguous", "range", "excel", "formula"),
    reason="q_signup_filled",
)

#: The drop reason of the rows of :data:`CUSTOMER_TABLES` whose customer's Customers row
#: was dropped (and no other row of Customers keeps them): a customer is counted in every
#: table or in none. Its words name the Customers rows (``{rows}``).
CUSTOMER_DROPPED = "q_customer_dropped"
#: The Customers table's line for the same customers (rows_dropped 0: their Customers rows
#: are counted under their own reasons), ``{n}`` of them, with their Customers rows.
CUSTOMER_DROPPED_ELSEWHERE = "q_customer_dropped_elsewhere"

#: What a cell of each kind should hold, as the refusal of a column says it.
EXPECTED: dict[str, str] = {
    "money": "an amount such as {example}",
    "count": "a whole number such as 3",
    "score": "a whole number from 0 to 10",
    "date": "a date such as 2026-09-30 or 30/09/2026",
    "month": "a month such as 2026-09 or a date such as 2026-09-01",
    "id": "an id",
}

#: Other names a table goes by: the template's survey Table is ``NPS_answers``, because an
#: Excel Table named ``NPS`` beside the function =NPS( is read as the Table by LibreOffice.
TABLE_ALIASES: dict[str, str] = {"NPS_answers": "NPS"}

_TABLE_KEYS = {name_key(t): t for t in TABLES} | {name_key(a): t for a, t in TABLE_ALIASES.items()}


def table_named(name: object) -> str | None:
    """The table a sheet, file, Excel Table or dict key names (any case and spacing; an alias
    of :data:`TABLE_ALIASES` too), or None."""
    return _TABLE_KEYS.get(name_key(name))
