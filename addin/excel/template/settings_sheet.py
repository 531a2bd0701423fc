"""The Settings sheet: the report period, granularity, segment, language, gross margin,
programme cost and currency, one input cell each with its defined name (``Settings_*``) and
the validation Excel applies when an analyst types there.

The validation lets through what :mod:`addin.settings` (the one reader of settings, for the
command line, the Refresh button and this sheet) accepts, and its message says which forms
those are: the period by :func:`addin.settings.period_validation_formula`, the language from
:data:`addin.i18n.LANGUAGES`, the gross margin and the programme cost as the numbers
:func:`addin.settings.gross_margin` and :func:`addin.settings.program_cost` take. Text in
the two number cells is refused: Excel has already read a number typed in the analyst's own
way (``80%``, ``50,000``), and the rule for numbers written as text lives in addin.settings
alone rather than a second time in an Excel formula. The currency takes the codes
:func:`addin.settings.currency` takes, in any case: they are listed on the sheet (right of
the settings, named ``Settings_Currencies``): :data:`addin.settings.CURRENCIES`.

Below the settings, the *Columns* Excel Table (Table, Column, Header), empty, holds the column
mapping of files that do not use our column names (:mod:`addin.data.mapping`), read by the
Refresh button and by ``retention report BOOK.xlsx``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import i18n, settings
from ...data.mapping import COLUMNS_HEADERS, COLUMNS_TABLE
from ...i18n.template_words import text
from .sheet import Sheet

if TYPE_CHECKING:
    from .company import Company

GROSS_MARGIN = 0.8  # Settings_GrossMargin as built
#: The numbers Settings_GrossMargin takes (addin.settings.gross_margin): a share from 0 to 1,
#: or, over 1, a percentage up to 100.
MARGIN_RANGE = (0, 100)
_CODES_COLUMN = "F"  # the currency codes, right of the settings (outside the print area)


def currency_codes() -> tuple[str, ...]:
    """The currency codes :func:`addin.settings.currency` accepts."""
    return settings.CURRENCIES


def currency_validation_formula(cell: str, codes: str = "Settings_Currencies") -> str:
    """An Excel data-validation formula (type *custom*) for the currency cell ``cell``: TRUE
    for blank (or spaces) and for a code of the range ``codes`` in any case, as
    :func:`addin.settings.currency` reads it. EXACT after UPPER, not MATCH or COUNTIF: those
    take ``*`` and ``?`` as wildcards."""
    return f'=OR(TRIM({cell})="",SUMPRODUCT(--EXACT(UPPER(TRIM({cell})),{codes}))>0)'


def add_sheet(book, styles, formats, lang, company: Company):
    """Write the Settings sheet in ``lang``; the programme cost defaults to ``company``'s last
    twelve months of retention spend, to the thousand."""
    t = text(lang)
    s = Sheet(book, "Settings", styles, formats)
    ws = s.ws
    ws.hide_gridlines(2)
    ws.set_column("A:A", 36)
    ws.set_column("B:B", 16)
    ws.set_column("C:C", 24)
    ws.set_column("D:D", 72)
    s.put("A1", t["settings_title"], "title")
    ws.set_row(0, 24)
    s.text("A2", "D2", t["settings_subtitle"], "subtitle")
    for col, head in zip("ABCD", t["settings_head"]):
        s.put(f"{col}4", head, "colhead")
    costs = company.tables["Costs"]
    program_cost = float(round(costs["retention_spend"].tail(12).sum(), -3))
    defaults = {
        "Settings_Period": (None, "text"),
        "Settings_Granularity": ("month", None),
        "Settings_Segment": (None, "text"),
        "Settings_Language": (lang, None),
        "Settings_GrossMargin": (GROSS_MARGIN, "pct0"),
        "Settings_ProgramCost": (program_cost, "money"),
        "Settings_Currency": (None, "text"),
    }
    row = 5
    for name, (label, meaning) in t["settings"].items():
        value, number = defaults[name]
        s.put(f"A{row}", label, "label")
        s.put(f"B{row}", value, "input", number)
        s.put(f"C{row}", name, "aside")  # indented: clear of the value beside it
        s.text(f"D{row}", None, meaning, "text", 80)  # column D holds about 80 characters
        book.define_name(name, f"=Settings!$B${row}")
        cell = f"B{row}"
        if name == "Settings_Language":
            ws.data_validation(cell, {"validate": "list", "source": list(i18n.LANGUAGES),
                                      "error_message": t["settings_language_error"]})
        elif name == "Settings_Granularity":
            ws.data_validation(cell, {"validate": "list", "source": list(t["granularities"])})
        elif name == "Settings_GrossMargin":
            ws.data_validation(cell, {"validate": "decimal", "criteria": "between",
                                      "minimum": MARGIN_RANGE[0], "maximum": MARGIN_RANGE[1],
                                      "input_message": t["settings_margin_help"],
                                      "error_message": t["settings_margin_help"]})
        elif name == "Settings_ProgramCost":
            ws.data_validation(cell, {"validate": "decimal", "criteria": ">=", "value": 0,
                                      "input_message": t["settings_cost_help"],
                                      "error_message": t["settings_cost_help"]})
        elif name == "Settings_Currency":
            ws.data_validation(cell, {"validate": "custom",
                                      "value": currency_validation_formula(cell),
                                      "input_message": t["settings_currency_help"],
                                      "error_message": t["settings_currency_help"]})
        elif name == "Settings_Period":
            ws.data_validation(cell, {
                "validate": "custom",
                "value": settings.period_validation_formula(cell),
                "input_message": t["settings_period_help"],
                "error_message": t["settings_period_help"],
            })
        row += 1
    codes = currency_codes()
    ws.set_column(f"{_CODES_COLUMN}:{_CODES_COLUMN}", 12)
    s.put(f"{_CODES_COLUMN}4", t["settings_currencies"], "colhead")
    for i, code in enumerate(codes):
        s.put(f"{_CODES_COLUMN}{5 + i}", code, "muted")
    book.define_name("Settings_Currencies",
                     f"=Settings!${_CODES_COLUMN}$5:${_CODES_COLUMN}${4 + len(codes)}")
    last = _columns_table(s, t, row + 1)
    s.page(landscape=True, area=f"A1:D{last}")


def _columns_table(s: Sheet, t: dict, top: int) -> int:
    """The *Columns* Excel Table (Table, Column, Header: the column mapping that
    :func:`addin.data.mapping.mapping_from_rows` reads), empty, under a line of help from
    row ``top``; returns its last row."""
    s.put(f"A{top}", t["settings_columns_title"], "label")
    s.text(f"A{top + 1}", f"D{top + 1}", t["settings_columns_help"], "text", 150)
    header, last = top + 2, top + 3  # an Excel Table has at least one row: left blank
    s.ws.add_table(f"A{header}:C{last}", {
        "name": COLUMNS_TABLE, "style": "Table Style Light 9", "autofilter": False,
        "columns": [{"header": h, "format": s.fmt("input")} for h in COLUMNS_HEADERS],
    })
    return last
