"""The Start here sheet: what the workbook does, a link to every sheet with what it holds,
the colour legend, what to expect without the add-in, and how to use your own data."""

from __future__ import annotations

from ...i18n.template_words import text
from ...version import __version__
from .book import SHEETS
from .per_customer import PER_CUSTOMER_ROWS
from .sheet import Sheet
from .styles import check_rule


def add_sheet(book, styles, formats, lang):
    """Write the Start here sheet in ``lang`` and make it the sheet the workbook opens on."""
    t = text(lang)
    s = Sheet(book, "Start here", styles, formats)
    ws = s.ws
    ws.hide_gridlines(2)
    ws.set_column("A:A", 2)
    ws.set_column("B:B", 30)
    ws.set_column("C:C", 100)
    s.put("B1", t["start_title"], "title")
    ws.set_row(0, 24)
    s.text("B2", "C2", t["start_subtitle"], "subtitle", 120)
    row = 4

    def section(title, lines, extra=None):
        nonlocal row
        s.put(f"B{row}", title, "h2")
        s.put(f"C{row}", None, "h2")
        row += 1
        for line in lines:
            s.text(f"B{row}", f"C{row}", "• " + line.format(**(extra or {})), "text", 120)
            row += 1
        row += 1

    section(t["start_what"], t["start_what_lines"])
    s.put(f"B{row}", t["start_sheets"], "h2")
    s.put(f"C{row}", None, "h2")
    row += 1
    for name in SHEETS:
        ws.write_url(f"B{row}", f"internal:'{name}'!A1", s.fmt("label"), string=name)
        s.put(f"C{row}", t["sheet_desc"][name], "text")
        row += 1
    row += 1
    section(t["start_functions"], t["start_functions_lines"])
    s.put(f"B{row}", t["start_legend"], "h2")
    s.put(f"C{row}", None, "h2")
    row += 1
    for kind, (name, meaning) in t["legend"].items():
        if kind == "check":
            s.put(f"B{row}", True, "check")
            ws.conditional_format(f"B{row}", check_rule(styles, True))
        else:
            s.put(f"B{row}", name, kind)
        s.put(f"C{row}", f"{name}: {meaning}" if kind == "check" else meaning, "text")
        row += 1
    row += 1
    section(t["start_noaddin"], t["start_noaddin_lines"])
    section(t["start_own_data"], t["start_own_data_lines"], {"rows": f"{PER_CUSTOMER_ROWS:,}"})
    s.text(f"B{row}", f"C{row}", t["start_generated"].format(version=__version__), "muted", 120)
    s.page(landscape=False)
    ws.activate()
