"""How the report says things: its notes, numbers and sentences in the report's language.

The computation attaches :class:`~addin.report.model.Note` values (a word key and what to
fill in) and :class:`~addin.report.model.Quantity` values (a number and its unit); this
module puts them into words for the renderer (:mod:`addin.report.render`):

- a Note is its words of :data:`addin.i18n.TEXTS`, its values said first;
- a Quantity is written as the report's cells show its unit: the decimals of
  :data:`addin.report.layout.UNITS`, the language's marks, the currency, "days", a change
  signed ("+1.2 pts"), a month "Nov 24";
- a note or drop reason of the data reader is a :class:`~addin.i18n.Message`, said in the
  report's language from its key;
- a text the metric core wrote in English (``undefined: mrr_start is 0``) is matched
  against its known messages and said in the report's language, in the analyst's words (no
  Python names); a text matching none is kept as it is;
- the three sentences at the top of the first page are written from the KPIs' numbers.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import pandas as pd

from .. import i18n
from ..i18n import Message
from ..i18n.report_words import number_text
from . import layout
from .model import Note, Quantity

if TYPE_CHECKING:  # pragma: no cover
    from . import Report

__all__ = ["amount", "currency_symbol", "data_text", "month", "said", "summary"]


# --------------------------------------------------------------------------- numbers


def currency_symbol(code: str | None) -> str | None:
    """The symbol written for a currency code (€ for EUR), the code itself where no symbol
    is usual, None without a currency."""
    if not code:
        return None
    return layout.CURRENCY_SYMBOLS.get(code, code)


def month(lang: str, value: object) -> str:
    """A month as the report writes it: "Nov 24" (English), "nov 24" (Italian)."""
    stamp = pd.Timestamp(value)
    names = i18n.text(lang, "month_names").split()
    return f"{names[stamp.month - 1]} {stamp.year % 100:02d}"


def amount(lang: str, currency: str | None, value: float, unit: str, *,
           change: bool = False) -> str:
    """``value`` of ``unit`` as its cells show it: "97.9 %", "€ 460,409", "27.6 days",
    "4.76"; a ``change`` signed, a rate's in points ("+1.2 pts", the value already in
    points). A blank is "n/a"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if unit == "month":
        return month(lang, value)
    spec = layout.UNITS[unit]
    shown = value * 100 if spec.percent and not change else value
    text = number_text(lang, shown, spec.decimals, sign=change)
    suffix = spec.change_suffix if change and spec.change_suffix else spec.suffix
    if spec.percent and not change:
        return f"{text} %"
    if suffix:
        return f"{text} {i18n.text(lang, suffix)}"
    symbol = currency_symbol(currency) if spec.money else None
    if symbol is None:
        return text
    if lang in layout.CURRENCY_AFTER:
        return f"{text} {symbol}"
    sign = text[0] if text[:1] in "+−" else ""
    return f"{sign}{symbol} {text[len(sign):]}"


# --------------------------------------------------------------------------- notes


def said(lang: str, currency: str | None, value: object) -> object:
    """``value`` in words: a Note said, a Quantity written, a tuple of notes said and joined
    with "; ", a message of the data reader or a known English one of the core in the language, any
    other value (a number, a date, text from the data) as it is."""
    if isinstance(value, Note):
        return i18n.text(lang, value.key,
                         **{name: _filled(lang, currency, v) for name, v in value.values})
    if isinstance(value, Quantity):
        return amount(lang, currency, value.value, value.unit, change=value.change)
    if isinstance(value, tuple):
        return "; ".join(str(said(lang, currency, item)) for item in value)
    if isinstance(value, str):
        return data_text(lang, value)
    return value


def _filled(lang: str, currency: str | None, value: object) -> object:
    """A value filled into a note: a Note said, a tuple of alternatives "A or B"."""
    if isinstance(value, tuple):
        return i18n.text(lang, "table_or").join(map(str, value))
    return said(lang, currency, value)


# --------------------------------------------------------------------------- English messages

#: The metric core's names of a zero denominator ("undefined: mrr_start is 0"), by word key.
_CORE_ZERO: dict[str, str] = {
    "start_customers": "what_start_customers",
    "total_customers": "what_total_customers",
    "units_sold": "what_units_sold",
    "mau": "what_mau",
    "the number of answers": "what_answers",
    "the number of repeat customers": "what_repeat_customers",
    "mrr_start": "what_mrr_start",
    "churned_mrr + contraction_mrr": "what_lost_mrr",
    "revenue": "what_revenue",
    "customers": "what_customers",
    "churn_rate": "what_churn",
    "program_cost": "what_program_cost",
    "cac": "what_cac",
    "arpa × gross_margin": "what_margin_arpa",
}
#: The core's messages that are said whole, by word key.
_WHOLE: dict[str, str] = {
    "undefined: churn_rate is 0, so customers never leave (infinite lifetime)": "core_no_churn",
    "undefined: MRR movements need at least two months of data": "core_two_months",
    "undefined: churn is 0 and discount_rate is 0, so the customer value is infinite "
    "(customers never leave and future margin is not discounted)": "core_infinite_value",
    "undefined: retention_rate is 1, so today's customer base has no steady state "
    "(nobody ever leaves)": "core_no_steady_state",
}
_SNAKE = re.compile(r"\b([a-z]+(?:_[a-z]+)+)\b")


def data_text(lang: str, text: str) -> str:
    """A text the data reader or the metric core wrote, said in ``lang``: the reader's
    :class:`~addin.i18n.Message` (a note, a drop reason) from its key; the core's English
    (``undefined: mrr_start is 0``) in the analyst's words when it is one of its known
    messages; any other text as it is."""
    if isinstance(text, Message):
        return text.said(lang)
    if not text or not text[0].isascii():
        return text
    if text in _WHOLE:
        return i18n.text(lang, _WHOLE[text])
    if text.startswith("undefined: "):
        rest = text[len("undefined: "):]
        if rest.endswith(" is 0") and rest[:-5] in _CORE_ZERO:
            return i18n.text(lang, "core_zero", what=i18n.text(lang, _CORE_ZERO[rest[:-5]]))
        # a message not known by heart: at least no Python names in it
        return "undefined: " + _SNAKE.sub(lambda m: m.group(1).replace("_", " "), rest)
    return text


# --------------------------------------------------------------------------- the summary


def summary(report: Report) -> list[str]:
    """The sentences at the top of the first page, from the KPIs ``report.summary`` names:
    "Net revenue retention fell to 99.3 % (−1.7 pts); MRR rose to € 460,409 (+€ 32,978)."
    A value is said to rise or fall when its change shows as not zero."""
    lang, currency = report.lang, report.currency
    rows = {row.key: row for row in report.kpis.itertuples()}
    lines = []
    for keys in report.summary:
        clauses = []
        for key in keys:
            row = rows.get(key)
            if row is None or pd.isna(row.current):
                continue
            what = i18n.text(lang, f"say_{key}")
            value = amount(lang, currency, row.current, row.unit)
            if pd.isna(row.change):
                clauses.append(i18n.text(lang, "summary_is", what=what, value=value))
                continue
            shown = round(row.change, layout.UNITS[row.unit].decimals)
            verb = "summary_rose" if shown > 0 else "summary_fell" if shown < 0 else "summary_held"
            clauses.append(i18n.text(lang, verb, what=what, value=value,
                                     change=amount(lang, currency, row.change, row.unit,
                                                   change=True)))
        if clauses:
            line = "; ".join(clauses)
            lines.append(line[0].upper() + line[1:] + ".")
    return lines
