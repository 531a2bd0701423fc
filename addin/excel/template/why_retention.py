"""The Why retention pays sheet: the guides' figures on what retention is worth, quoted; a
what-if (type your customers, ARPA, margin, churn, the churn reduction and the programme's
cost, and see the value, the ROI and the profit uplift of keeping customers longer), with the
customer base year by year and its chart; and the worked examples, each checked.

Every result is our function beside a native formula, like the other sheets.
:func:`plan_why_retention` lays the sheet out without writing anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ... import metrics as m
from ...cells import parse_address
from ...i18n.template_words import text
from .formulas import same_formula
from .sheet import Sheet, safe
from .styles import add_check_formats

WHY_SHEET = "Why retention pays"
WHY_PATH_YEARS = 40  # rows of the year-by-year customer base (years 0 … 40)

#: The what-if's inputs as built (the issue's hand example): key, value, number format.
WHY_INPUTS: tuple[tuple[str, float, str], ...] = (
    ("customers", 1000, "count"),
    ("arpa", 100, "money0"),
    ("gross_margin", 0.8, "pct0"),
    ("churn", 0.05, "pct2"),
    ("reduction", 0.01, "pct2"),
    ("program_cost", 100_000, "money0"),
    ("discount", 0, "pct2"),
    ("cac", 400, "money0"),
    ("periods_per_year", 12, "count"),
    ("years", 5, "count"),
)

#: The what-if's results: key, number format, our function, native formula. {key} is the cell
#: of an input (column B) or of a result's native formula (column C); {path_today} and
#: {path_after} the year-by-year columns.
_WHY_RESULTS: tuple[tuple[str, str, str | None, str], ...] = (
    ("churn_after", "pct2", None, "={churn}-{reduction}"),
    ("lifetime", "periods1", "=CUSTOMER_LIFETIME({churn})", "=1/{churn}"),
    ("lifetime_after", "periods1", "=CUSTOMER_LIFETIME({churn_after})", "=1/{churn_after}"),
    ("clv", "money0", None, "={arpa}*{gross_margin}*(1+{discount})/({discount}+{churn})"),
    ("clv_after", "money0", None,
     "={arpa}*{gross_margin}*(1+{discount})/({discount}+{churn_after})"),
    ("value", "money0",
     "=RETENTION_VALUE({customers},{arpa},{gross_margin},{churn},{reduction},{discount})",
     "={customers}*({clv_after}-{clv})"),
    ("roi", "pct1",
     "=RETENTION_ROI({customers},{arpa},{gross_margin},{churn},{reduction},{program_cost},"
     "{discount})",
     "=({value}-{program_cost})/{program_cost}"),
    ("ltv_cac", "ratio", "=LTV_CAC({clv},{cac})", "={clv}/{cac}"),
    ("ltv_cac_after", "ratio", "=LTV_CAC({clv_after},{cac})", "={clv_after}/{cac}"),
    ("payback", "periods1", "=CAC_PAYBACK({cac},{arpa},{gross_margin})",
     "={cac}/({arpa}*{gross_margin})"),
    ("retention", "pct1", None, "=(1-{churn})^{periods_per_year}"),
    ("retention_after", "pct1", None, "=(1-{churn_after})^{periods_per_year}"),
    ("gain", "pct2", None, "={retention_after}-{retention}"),
    ("uplift", "pct1", "=PROFIT_UPLIFT({retention},{gain},{years})",
     "=INDEX({path_after},{years}+1)/INDEX({path_today},{years}+1)-1"),
    ("uplift_long_run", "pct1", None, "=(1-{retention})/(1-{retention_after})-1"),
)

def _uplift_closed_form(years: int) -> str:
    """The profit uplift of 80 % -> 85 % retention after ``years``, as a native formula."""
    return (f"=((1-0.85^{years})/(1-0.85)+0.85^{years}/(1-0.8))*(1-0.8)-1")


#: The issue's worked examples: key, our function, native formula, the example's number,
#: number format, decimals of the check (in % for percentages), the value in Python.
_WHY_EXAMPLES: tuple[tuple[str, str, str, float, str, int, object], ...] = (
    ("value", "=RETENTION_VALUE(1000,100,0.8,0.05,0.01)", "=1000*(100*0.8/0.04-100*0.8/0.05)",
     400_000, "money0", 0, lambda: m.retention_value(1000, 100, 0.8, 0.05, 0.01)),
    ("clv", "=CLV_CHURN(100,0.8,0.05)", "=100*0.8/0.05", 1_600, "money0", 0,
     lambda: m.customer_value(100, 0.8, 0.05)),
    ("clv_after", "=CLV_CHURN(100,0.8,0.04)", "=100*0.8/0.04", 2_000, "money0", 0,
     lambda: m.customer_value(100, 0.8, 0.04)),
    ("roi", "=RETENTION_ROI(1000,100,0.8,0.05,0.01,100000)",
     "=(1000*(100*0.8/0.04-100*0.8/0.05)-100000)/100000", 3.0, "pct1", 1,
     lambda: m.retention_roi(1000, 100, 0.8, 0.05, 0.01, 100_000)),
    ("lifetime", "=CUSTOMER_LIFETIME(0.05)", "=1/0.05", 20, "periods1", 1,
     lambda: m.customer_lifetime(0.05)),
    ("uplift_5", "=PROFIT_UPLIFT(0.8,0.05,5)", _uplift_closed_form(5), 0.185, "pct1", 1,
     lambda: m.profit_uplift(0.8, 0.05, 5)),
    ("uplift_200", "=PROFIT_UPLIFT(0.8,0.05,200)", _uplift_closed_form(200), 0.333, "pct1", 1,
     lambda: m.profit_uplift(0.8, 0.05, 200)),
    ("ltv_cac", "=LTV_CAC(1600,400)", "=1600/400", 4.0, "ratio", 2, lambda: m.ltv_cac(1600, 400)),
    ("payback", "=CAC_PAYBACK(400,100,0.8)", "=400/(100*0.8)", 5.0, "periods1", 1,
     lambda: m.cac_payback(400, 100, 0.8)),
)

_WHY_CLAIMS_FIRST = 6  # 1-based row of the first claim


@dataclass
class WhyRow:
    """One row of the Why retention pays sheet: a result of the what-if or a worked example."""

    key: str
    row: int
    fmt: str
    function: str | None  # our function's formula (cells filled in)
    native: str  # the native formula (cells filled in)
    expected: float | None = None  # a worked example's number
    decimals: int = 0
    value: object = None  # the value computed in Python (the metric core)

    @property
    def function_cell(self) -> str:
        """Our function's cell (column B)."""
        return f"B{self.row}"

    @property
    def native_cell(self) -> str:
        """The native formula's cell (column C)."""
        return f"C{self.row}"

    @property
    def same_cell(self) -> str:
        """The "Function = native" check (column D)."""
        return f"D{self.row}"

    @property
    def expected_cell(self) -> str:
        """A worked example's printed number (column E)."""
        return f"E{self.row}"

    @property
    def check_cell(self) -> str:
        """A worked example's check against its number (column F)."""
        return f"F{self.row}"


@dataclass
class WhyPlan:
    """Where everything lives on the Why retention pays sheet (A1 cells)."""

    claim_rows: list[int]
    inputs: dict[str, str]  # key -> cell (column B)
    results: list[WhyRow]
    path_rows: tuple[int, int]  # first and last row of years 0 … WHY_PATH_YEARS (columns I:K)
    chart_anchor: str
    examples: list[WhyRow]
    last_row: int

    def result(self, key: str) -> WhyRow:
        """The what-if's result ``key``."""
        return next(r for r in self.results if r.key == key)

    def example(self, key: str) -> WhyRow:
        """The worked example ``key``."""
        return next(r for r in self.examples if r.key == key)

    @property
    def path_today(self) -> str:
        """The customer base by year at today's retention (column J)."""
        return f"$J${self.path_rows[0]}:$J${self.path_rows[1]}"

    @property
    def path_after(self) -> str:
        """The customer base by year after the programme (column K)."""
        return f"$K${self.path_rows[0]}:$K${self.path_rows[1]}"

    @property
    def path_years(self) -> str:
        """The years 0 … WHY_PATH_YEARS (column I)."""
        return f"$I${self.path_rows[0]}:$I${self.path_rows[1]}"


def plan_why_retention() -> WhyPlan:
    """The layout of the Why retention pays sheet (the same in both languages)."""
    claims = [_WHY_CLAIMS_FIRST + i for i in range(5)]
    row = claims[-1] + 2  # the what-if band
    whatif_band = row
    row += 2  # the inputs' column heads, then the inputs
    inputs = {}
    for key, _, _ in WHY_INPUTS:
        inputs[key] = f"$B${row}"
        row += 1
    row += 1  # a blank row, then the results' column heads
    results_head = row
    row += 1
    path_rows = (whatif_band + 2, whatif_band + 2 + WHY_PATH_YEARS)
    cells = dict(inputs, path_today=f"$J${path_rows[0]}:$J${path_rows[1]}",
                 path_after=f"$K${path_rows[0]}:$K${path_rows[1]}")
    results = []
    for key, fmt, _, _ in _WHY_RESULTS:
        cells[key] = f"$C${row}"
        row += 1
    row = results_head + 1
    values, _ = _why_values()
    for key, fmt, function, native in _WHY_RESULTS:
        results.append(WhyRow(key, row, fmt, function.format(**cells) if function else None,
                              native.format(**cells), value=values[key]))
        row += 1
    chart_anchor = f"A{row + 1}"
    row += 1 + 20  # the chart: 380 pixels, about 19 rows, and a blank row
    row += 2  # the examples' band and column heads
    examples = []
    for key, function, native, expected, fmt, decimals, compute in _WHY_EXAMPLES:
        examples.append(WhyRow(key, row, fmt, function, native, expected, decimals,
                               safe(compute)))
        row += 1
    return WhyPlan(claims, inputs, results, path_rows, chart_anchor, examples, row - 1)


def _why_values() -> tuple[dict[str, object], list[tuple[float, float]]]:
    """The what-if's results and the year-by-year base as the metric core computes them
    (the values stored with the formulas; LibreOffice recomputes the native ones)."""
    x = {key: value for key, value, _ in WHY_INPUTS}
    v: dict[str, object] = {}
    v["churn_after"] = x["churn"] - x["reduction"]
    v["lifetime"] = safe(m.customer_lifetime, x["churn"])
    v["lifetime_after"] = safe(m.customer_lifetime, v["churn_after"])
    v["clv"] = safe(m.customer_value, x["arpa"], x["gross_margin"], x["churn"], x["discount"])
    v["clv_after"] = safe(m.customer_value, x["arpa"], x["gross_margin"], v["churn_after"],
                           x["discount"])
    v["value"] = safe(m.retention_value, x["customers"], x["arpa"], x["gross_margin"],
                       x["churn"], x["reduction"], x["discount"])
    v["roi"] = safe(m.retention_roi, x["customers"], x["arpa"], x["gross_margin"], x["churn"],
                     x["reduction"], x["program_cost"], x["discount"])
    v["ltv_cac"] = safe(m.ltv_cac, v["clv"], x["cac"])
    v["ltv_cac_after"] = safe(m.ltv_cac, v["clv_after"], x["cac"])
    v["payback"] = safe(m.cac_payback, x["cac"], x["arpa"], x["gross_margin"])
    periods = x["periods_per_year"]
    v["retention"] = 1 - m.annualized_churn_rate(x["churn"], periods)
    v["retention_after"] = 1 - m.annualized_churn_rate(v["churn_after"], periods)
    v["gain"] = v["retention_after"] - v["retention"]
    v["uplift"] = safe(m.profit_uplift, v["retention"], v["gain"], x["years"])
    v["uplift_long_run"] = (1 - v["retention"]) / (1 - v["retention_after"]) - 1
    base = m.customer_base_path(v["retention"], v["gain"], WHY_PATH_YEARS)
    new_per_year = x["customers"] * (1 - v["retention"])
    path = list(zip((base["current_retention"] * new_per_year).tolist(),
                    (base["improved_retention"] * new_per_year).tolist()))
    return v, path


def add_sheet(book, styles, formats, lang, *, functions_as_values: bool = False) -> WhyPlan:
    """Write the Why retention pays sheet in ``lang``; returns its plan.
    ``functions_as_values`` stores our functions' results instead of their formulas (the
    picture of the sheet, which LibreOffice renders without the add-in)."""
    t = text(lang)
    s = Sheet(book, WHY_SHEET, styles, formats, functions_as_values=functions_as_values)
    ws = s.ws
    ws.hide_gridlines(2)
    for cols, width in (("A:A", 50), ("B:C", 15), ("D:D", 17), ("E:E", 13), ("F:F", 9),
                        ("G:G", 46), ("H:H", 3), ("I:I", 7), ("J:K", 19)):
        ws.set_column(cols, width)
    s.put("A1", t["why_title"], "title")
    ws.set_row(0, 24)
    s.text("A2", "G2", t["why_subtitle"], "subtitle", 150)
    plan = plan_why_retention()

    def band(row: int, title: str, first: str = "A", last: str = "G"):
        s.put(f"{first}{row}", title, "band")
        for col in range(ord(first) + 1, ord(last) + 1):
            s.put(f"{chr(col)}{row}", None, "band")

    def heads(row: int, titles, first: str = "A", last: str | None = None, tall: bool = True):
        """Column heads from ``first``; the last one merged up to ``last``."""
        for offset, title in enumerate(titles):
            cell = f"{chr(ord(first) + offset)}{row}"
            if last and offset == len(titles) - 1:
                ws.merge_range(f"{cell}:{last}{row}", title, s.fmt("colhead"))
            else:
                s.put(cell, title or None, "colhead")
        if tall:
            ws.set_row(row - 1, 30)

    # what the guides say
    band(plan.claim_rows[0] - 2, t["why_claims_band"])
    head = t["why_claims_head"]
    s.put(f"A{plan.claim_rows[0] - 1}", head[0], "colhead")
    s.put(f"B{plan.claim_rows[0] - 1}", head[1], "colhead")
    s.put(f"C{plan.claim_rows[0] - 1}", None, "colhead")
    s.put(f"D{plan.claim_rows[0] - 1}", head[2], "colhead")
    ws.merge_range(f"E{plan.claim_rows[0] - 1}:G{plan.claim_rows[0] - 1}", head[3], s.fmt("colhead"))
    for row, (quote, figure, guide, note) in zip(plan.claim_rows, t["why_claims"]):
        s.put(f"A{row}", quote, "text")
        ws.merge_range(f"B{row}:C{row}", figure, s.fmt("bold"))
        s.put(f"D{row}", guide, "text")
        ws.merge_range(f"E{row}:G{row}", note, s.fmt("muted"))
        lines = max(math.ceil(len(quote) / 48), math.ceil(len(note) / 72))
        ws.set_row(row - 1, 15 * lines + 3)

    # the what-if: inputs
    first_input = parse_address(next(iter(plan.inputs.values())))[0]
    band(first_input - 2, t["why_whatif_band"])
    heads(first_input - 1, t["why_inputs_head"], last="G", tall=False)
    validations = {
        "customers": {"validate": "decimal", "criteria": ">=", "value": 0},
        "arpa": {"validate": "decimal", "criteria": ">=", "value": 0},
        "gross_margin": {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
        "churn": {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
        "reduction": {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
        "program_cost": {"validate": "decimal", "criteria": ">=", "value": 0},
        "discount": {"validate": "decimal", "criteria": ">=", "value": 0},
        "cac": {"validate": "decimal", "criteria": ">=", "value": 0},
        "periods_per_year": {"validate": "integer", "criteria": "between", "minimum": 1,
                             "maximum": 366},
        "years": {"validate": "integer", "criteria": "between", "minimum": 1,
                  "maximum": WHY_PATH_YEARS},
    }
    for key, value, fmt in WHY_INPUTS:
        cell = plan.inputs[key].replace("$", "")
        label, help_text = t["why_inputs"][key]
        row = parse_address(cell)[0]
        s.put(f"A{row}", label, "label")
        s.put(cell, value, "input", fmt)
        s.text(f"C{row}", f"G{row}", help_text, "aside", 100)  # indented: clear of the number
        ws.data_validation(cell, validations[key])
        book.define_name(f"Why_{key}", f"='{WHY_SHEET}'!{plan.inputs[key]}")

    # the what-if: results
    _, path = _why_values()
    heads(plan.results[0].row - 1, t["why_results_head"], last="G", tall=False)
    for r in plan.results:
        label, how = t["why_results"][r.key]
        s.put(f"A{r.row}", label, "label")
        s.put(r.native_cell, r.native, "native", r.fmt, cached=r.value)
        if r.function:
            s.put(r.function_cell, r.function, "function", r.fmt, cached=r.value)
            s.put(r.same_cell, same_formula(r.function_cell, r.native_cell, t["addin_off"]),
                  "check", cached=True)
            add_check_formats(ws, styles, r.same_cell)
        s.text(f"E{r.row}", f"G{r.row}", how, "muted", 68)
        book.define_name(f"Why_{r.key}", f"='{WHY_SHEET}'!$C${r.row}")

    # the customer base by year, and its chart
    first, last = plan.path_rows
    band(first - 2, t["why_path_band"], "I", "K")
    heads(first - 1, t["why_path_head"], "I", tall=False)
    for year in range(WHY_PATH_YEARS + 1):
        row = first + year
        today, after = path[year]
        s.put(f"I{row}", year, "plain", "count")
        if year == 0:
            s.put(f"J{row}", f"={plan.inputs['customers']}", "native", "money0", cached=today)
            s.put(f"K{row}", f"={plan.inputs['customers']}", "native", "money0", cached=after)
        else:
            new = f"{plan.inputs['customers']}*(1-{plan.result('retention').native_cell})"
            s.put(f"J{row}", f"={plan.result('retention').native_cell}*J{row - 1}+{new}",
                  "native", "money0", cached=today)
            s.put(f"K{row}", f"={plan.result('retention_after').native_cell}*K{row - 1}+{new}",
                  "native", "money0", cached=after)
    s.text(f"I{last + 1}", f"K{last + 1}", t["why_path_note"], "muted", 36)
    chart = book.add_chart({"type": "line"})
    sheet_ref = f"'{WHY_SHEET}'"
    for column, colour in (("J", "#7F7F7F"), ("K", "#2E7D32")):
        chart.add_series({
            "name": [WHY_SHEET, first - 2, ord(column) - 65],
            "categories": f"={sheet_ref}!$I${first}:$I${last}",
            "values": f"={sheet_ref}!${column}${first}:${column}${last}",
            "line": {"color": colour, "width": 2.25},
            "marker": {"type": "none"},
        })
    chart.set_title({"name": t["why_chart_title"], "name_font": {"size": 12}})
    chart.set_x_axis({"name": t["why_chart_x"], "interval_unit": 5, "interval_tick": 5})
    chart.set_y_axis({"name": t["why_chart_y"], "num_format": "#,##0",
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 1100, "height": 380})
    ws.insert_chart(plan.chart_anchor, chart, {"x_offset": 4, "y_offset": 4})

    # the worked examples
    band(plan.examples[0].row - 2, t["why_examples_band"])
    heads(plan.examples[0].row - 1, t["why_examples_head"])
    for r in plan.examples:
        label, how = t["why_examples"][r.key]
        value = r.value
        s.put(f"A{r.row}", label, "text")
        s.put(r.function_cell, r.function, "function", r.fmt, cached=value)
        s.put(r.native_cell, r.native, "native", r.fmt, cached=value)
        s.put(r.same_cell, same_formula(r.function_cell, r.native_cell, t["addin_off"]),
              "check", cached=True)
        add_check_formats(ws, styles, r.same_cell)
        s.put(r.expected_cell, r.expected, "guide", r.fmt)
        scale = "*100" if r.fmt.startswith("pct") else ""
        s.put(r.check_cell,
              f"=ROUND({r.native_cell}{scale},{r.decimals})=ROUND({r.expected_cell}{scale},"
              f"{r.decimals})", "check", cached=True)
        add_check_formats(ws, styles, r.check_cell)
        s.put(f"G{r.row}", how, "muted")
    ws.freeze_panes(3, 0)
    # one portrait page, the chart whole; the year table beside it is the chart's data
    s.page(landscape=False, area=f"A1:G{plan.last_row}")
    ws.fit_to_pages(1, 1)
    return plan
