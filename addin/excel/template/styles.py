"""How the template looks: its colours, the cell styles every sheet uses (input, our function,
native formula, the guide's number, a check), the number formats by meaning, and the green
and red of a check cell."""

from __future__ import annotations

import xlsxwriter

from ...guides import Example
from ...i18n.template_words import text

COLORS = {
    "navy": "#1F3864", "band": "#1F4E79", "input": "#FFF2CC", "input_font": "#1F4E9D",
    "function": "#E4DFEC", "native": "#DDEBF7", "guide": "#EDEDED", "grid": "#BFBFBF",
    "head": "#D9E1F2", "muted": "#595959", "ok_fill": "#C6EFCE", "ok_font": "#006100",
    "bad_fill": "#FFC7CE", "bad_font": "#9C0006",
}

STYLE = {
    "title": {"bold": True, "font_size": 16, "font_color": COLORS["navy"]},
    "subtitle": {"italic": True, "font_color": COLORS["muted"], "text_wrap": True, "valign": "top"},
    "h2": {"bold": True, "font_size": 12, "font_color": COLORS["navy"], "bottom": 1},
    "band": {"bold": True, "font_color": "#FFFFFF", "bg_color": COLORS["band"]},
    "colhead": {"bold": True, "bg_color": COLORS["head"], "border": 1, "border_color": COLORS["grid"],
                "text_wrap": True, "valign": "top"},
    "label": {"valign": "top"},
    "bold": {"bold": True, "valign": "top"},
    "text": {"text_wrap": True, "valign": "top"},
    "muted": {"italic": True, "font_color": COLORS["muted"], "text_wrap": True, "valign": "top"},
    "aside": {"italic": True, "font_color": COLORS["muted"], "text_wrap": True, "valign": "top",
              "align": "left", "indent": 1},
    # numbers sit at the top of their row, beside their labels, when a note makes it taller
    "input": {"bg_color": COLORS["input"], "font_color": COLORS["input_font"], "border": 1,
              "border_color": COLORS["grid"], "valign": "top"},
    "function": {"bg_color": COLORS["function"], "border": 1, "border_color": COLORS["grid"],
                 "valign": "top"},
    "native": {"bg_color": COLORS["native"], "border": 1, "border_color": COLORS["grid"],
               "valign": "top"},
    "guide": {"bg_color": COLORS["guide"], "italic": True, "border": 1, "border_color": COLORS["grid"],
              "valign": "top"},
    # shrink: a status word ("add-in off") is never cut off by the cell beside it
    "check": {"bold": True, "align": "center", "border": 1, "border_color": COLORS["grid"],
              "shrink": True, "valign": "top"},
    "plain": {},
}


class Styles:
    """XlsxWriter formats made once per (style, number format)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict = {}

    def __call__(self, kind: str, num_format: str | None = None):
        key = (kind, num_format)
        if key not in self.cache:
            props = dict(STYLE[kind])
            if num_format:
                props["num_format"] = num_format
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]


def number_formats(lang: str) -> dict[str, str]:
    """Number formats by meaning (``money``, ``pct2``, ``days1`` …); days carry the word of
    ``lang``."""
    t = text(lang)
    return {
        "count": "#,##0",
        "number": "#,##0.##########",
        "money": "#,##0.00",
        "money0": "#,##0",
        "periods1": "0.0",
        "dollars": "$#,##0",
        "dollars2": "$#,##0.00",
        "pct0": "0%", "pct1": "0.0%", "pct2": "0.00%", "pct3": "0.000%",
        "ratio": "0.00",
        "points0": "0", "points1": "0.0", "points2": "0.00",
        "days0": f'0 "{t["days"]}"', "days1": f'0.0 "{t["days"]}"', "days2": f'0.00 "{t["days"]}"',
        "years": "0.00",
        "date": "yyyy-mm-dd",
        "month": "yyyy-mm",
        "text": "@",
        # TRUE/FALSE as the language writes them. Excel shows a logical its own way whatever
        # the format; LibreOffice takes the format, and without one its PDF export stops on a
        # logical cell with a conditional format beside text ("Unspecified Application Error")
        "check": f'"{t["true"]}";"{t["true"]}";"{t["false"]}"',
    }


def guide_format(example: Example, decimals: int) -> str:
    """The number format of a worked example's result, to ``decimals`` places at most."""
    unit = {"%": "pct", "days": "days", "points": "points"}[example.unit]
    return f"{unit}{min(decimals, 3 if unit == 'pct' else 2)}"


def check_rule(styles: Styles, ok: bool) -> dict:
    """The conditional format that paints a check cell green (TRUE) or red (FALSE)."""
    fill, font = ("ok_fill", "ok_font") if ok else ("bad_fill", "bad_font")
    key = ("cf", ok)
    if key not in styles.cache:
        styles.cache[key] = styles.book.add_format(
            {"bg_color": COLORS[fill], "font_color": COLORS[font], "bold": True})
    return {"type": "cell", "criteria": "==", "value": "TRUE" if ok else "FALSE",
            "format": styles.cache[key]}


def add_check_formats(ws, styles, cells: str):
    """Green where ``cells`` hold TRUE, red where they hold FALSE."""
    ws.conditional_format(cells, check_rule(styles, True))
    ws.conditional_format(cells, check_rule(styles, False))
