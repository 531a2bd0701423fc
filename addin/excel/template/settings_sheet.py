"""The Settings sheet: the report period, granularity, segment, language, gross margin and
programme cost, one input cell each with its defined name (``Settings_*``) and the
validation Excel applies when an analyst types there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...i18n.template_words import LANGUAGES, text
from .sheet import Sheet

if TYPE_CHECKING:
    from .company import Company

GROSS_MARGIN = 0.8  # Settings_GrossMargin as built


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
    }
    row = 5
    for name, (label, meaning) in t["settings"].items():
        value, number = defaults[name]
        s.put(f"A{row}", label, "label")
        s.put(f"B{row}", value, "input", number)
        s.put(f"C{row}", name, "muted")
        s.put(f"D{row}", meaning, "text")
        book.define_name(name, f"=Settings!$B${row}")
        cell = f"B{row}"
        if name == "Settings_Language":
            ws.data_validation(cell, {"validate": "list", "source": list(LANGUAGES),
                                      "error_message": t["settings_language_error"]})
        elif name == "Settings_Granularity":
            ws.data_validation(cell, {"validate": "list", "source": list(t["granularities"])})
        elif name == "Settings_GrossMargin":
            ws.data_validation(cell, {"validate": "decimal", "criteria": "between",
                                      "minimum": 0, "maximum": 1})
        elif name == "Settings_ProgramCost":
            ws.data_validation(cell, {"validate": "decimal", "criteria": ">=", "value": 0})
        elif name == "Settings_Period":
            ws.data_validation(cell, {
                "validate": "custom",
                "value": f'=OR(TRIM({cell})="",AND(LEN(TRIM({cell}))=7,MID(TRIM({cell}),5,1)="-"))',
                "input_message": t["settings_period_help"],
                "error_message": t["settings_period_help"],
            })
        row += 1
    s.page(landscape=True)
