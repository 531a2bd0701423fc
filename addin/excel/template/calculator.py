"""The Calculator sheet: the guides' metrics of the data Tables for the Settings month, our
functions in column B beside native formulas in column C and a "Function = native" check in
D, then the spilled tables (MRR movements, cohorts) to the right.

:data:`_CALC_SPEC` is the sheet as data, one row per entry; :func:`plan_calculator` gives
each its row without writing anything (the tests use it to find the cells).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell

from ...cells import parse_address
from ...i18n.template_words import text
from .formulas import same_formula
from .per_customer import PER_CUSTOMER_ROWS, pc_range
from .sheet import Sheet, cell_value
from .styles import add_check_formats

if TYPE_CHECKING:
    from .company import Company


@dataclass
class CalcRow:
    """One Calculator row: a native value, a metric (function beside native), or a check."""

    key: str
    kind: str  # "value", "metric", "check", "function", "section"
    fmt: str = ""
    function: str | None = None  # our function's formula template
    native: str | None = None  # the native formula template
    row: int = 0

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


_PREV, _MON, _M12 = pc_range("mrr_prev"), pc_range("mrr_month"), pc_range("mrr_12")

_CALC_SPEC: tuple[tuple, ...] = (
    ("period", "section"),
    ("month", "value", "month", None,
     '=IF(ISNUMBER(Settings_Period),DATE(YEAR(Settings_Period),MONTH(Settings_Period),1),'
     'IF(TRIM(Settings_Period)="",MAX(Subscriptions[month]),'
     'DATE(VALUE(LEFT(TRIM(Settings_Period),4)),VALUE(MID(TRIM(Settings_Period),6,2)),1)))'),
    ("prev", "value", "month", None, "=EDATE({month},-1)"),
    ("month_end", "value", "date", None, "=EOMONTH({month},0)"),
    ("window_start", "value", "month", None, "=EDATE({month},-11)"),
    ("coverage", "check", "", None, f"=ROWS(Customers[customer_id])<={PER_CUSTOMER_ROWS}"),
    ("customers", "section"),
    ("S", "value", "count", None, f'=COUNTIF({_PREV},">0")'),
    ("E", "value", "count", None, f'=COUNTIF({_MON},">0")'),
    ("kept", "value", "count", None, f'=COUNTIFS({_PREV},">0",{_MON},">0")'),
    ("N", "value", "count", None, "={E}-{kept}"),
    ("L", "value", "count", None, "={S}-{kept}"),
    ("crr", "metric", "pct2", "=CRR({S},{E},{N})", "=({E}-{N})/{S}"),
    ("churn", "metric", "pct2", "=CHURN_RATE({S},{L})", "={L}/{S}"),
    ("annual_churn", "metric", "pct2", "=ANNUALIZED_CHURN({fn:churn})", "=1-(1-{churn})^12"),
    ("revenue", "section"),
    ("mrr_start", "value", "money", None, "=SUMIFS(Subscriptions[mrr],Subscriptions[month],{prev})"),
    ("mrr_end", "value", "money", None, "=SUMIFS(Subscriptions[mrr],Subscriptions[month],{month})"),
    ("new_mrr", "value", "money", None, f"=SUMIFS({_MON},{_PREV},0)"),
    ("expansion", "value", "money", None,
     f"=SUMPRODUCT(({_PREV}>0)*({_MON}>{_PREV})*({_MON}-{_PREV}))"),
    ("contraction", "value", "money", None,
     f"=SUMPRODUCT(({_MON}>0)*({_MON}<{_PREV})*({_PREV}-{_MON}))"),
    ("churned_mrr", "value", "money", None, f"=SUMIFS({_PREV},{_MON},0)"),
    ("existing_end", "value", "money", None, f'=SUMIFS({_MON},{_PREV},">0")'),
    ("reconciles", "check", "", None,
     f"=AND(ABS(SUM({_PREV})-{{mrr_start}})<0.005,ABS(SUM({_MON})-{{mrr_end}})<0.005)"),
    ("grc", "metric", "pct2", "=GROSS_REVENUE_CHURN({mrr_start},{churned_mrr},{contraction})",
     "=({churned_mrr}+{contraction})/{mrr_start}"),
    ("nrc", "metric", "pct2",
     "=NET_REVENUE_CHURN({mrr_start},{churned_mrr},{contraction},{expansion})",
     "=({churned_mrr}+{contraction}-{expansion})/{mrr_start}"),
    ("grr", "metric", "pct2", "=GRR({mrr_start},{churned_mrr},{contraction})",
     "=1-({churned_mrr}+{contraction})/{mrr_start}"),
    ("nrr", "metric", "pct2", "=NRR({mrr_start},{churned_mrr},{contraction},{expansion})",
     "=1-({churned_mrr}+{contraction}-{expansion})/{mrr_start}"),
    ("quick", "metric", "ratio", "=QUICK_RATIO({new_mrr},{expansion},{churned_mrr},{contraction})",
     "=({new_mrr}+{expansion})/({churned_mrr}+{contraction})"),
    ("growth", "metric", "pct2", "=REVENUE_GROWTH({mrr_start},{existing_end})",
     "=({existing_end}-{mrr_start})/{mrr_start}"),
    ("arpa", "metric", "money", "=ARPA({mrr_end},{E})", "={mrr_end}/{E}"),
    ("clv_churn", "metric", "money", "=CLV_CHURN({fn:arpa},Settings_GrossMargin,{fn:churn})",
     "={arpa}*Settings_GrossMargin/{churn}"),
    ("annual_revenue", "value", "money", None,
     '=SUMIFS(Subscriptions[mrr],Subscriptions[month],">="&{window_start},'
     'Subscriptions[month],"<="&{month})'),
    ("customers_12", "value", "count", None, f'=COUNTIF({_M12},">0")'),
    ("lifespan", "value", "years", None, "=1/{annual_churn}"),
    ("clv", "metric", "money", "=CLV({annual_revenue},{customers_12},{lifespan})",
     "={annual_revenue}/{customers_12}*{lifespan}"),
    ("spend", "value", "money", None, "=SUMIFS(Costs[retention_spend],Costs[month],{month})"),
    ("crc", "metric", "money", "=CRC({spend},{S})", "={spend}/{S}"),
    ("orders", "section"),
    ("ordering", "value", "count", None, f'=COUNTIF({pc_range("orders")},">=1")'),
    ("repeat", "value", "count", None, f'=COUNTIF({pc_range("orders")},">=2")'),
    ("rpr", "metric", "pct2", "=RPR(Orders[customer_id])", "={repeat}/{ordering}"),
    ("loyal", "metric", "pct2", "=LOYAL_RATE(Orders[customer_id])", "={repeat}/{ordering}"),
    ("units", "value", "count", None, "=SUM(Orders[units])"),
    ("returned", "value", "count", None, "=SUM(Orders[units_returned])"),
    ("return_rate", "metric", "pct2", "=RETURN_RATE({returned},{units})", "={returned}/{units}"),
    ("tbp", "metric", "days2", "=TBP(Orders[customer_id],Orders[order_date])",
     f'=AVERAGEIF({pc_range("days")},">=2",{pc_range("gap")})'),
    ("nps", "section"),
    ("answers", "value", "count", None, "=COUNT(NPS[score])"),
    ("promoters", "value", "count", None, '=COUNTIF(NPS[score],">=9")'),
    ("passives", "value", "count", None, '=COUNTIFS(NPS[score],">=7",NPS[score],"<=8")'),
    ("detractors", "value", "count", None, '=COUNTIF(NPS[score],"<=6")'),
    ("nps", "metric", "points1", "=NPS(NPS[score])",
     "=({promoters}-{detractors})/{answers}*100"),
    ("nps_moe", "metric", "points1", "=NPS_MOE(NPS[score])",
     "=NORMSINV(0.975)*SQRT(({promoters}+{detractors})/{answers}"
     "-(({promoters}-{detractors})/{answers})^2)/SQRT({answers})*100"),
    ("invoices", "section"),
    ("receivables", "value", "money", None,
     '=SUMIFS(Invoices[amount],Invoices[issue_date],"<="&{month_end},Invoices[paid_date],"")'
     '+SUMIFS(Invoices[amount],Invoices[issue_date],"<="&{month_end},'
     'Invoices[paid_date],">"&{month_end})'),
    ("sales", "value", "money", None,
     '=SUMIFS(Invoices[amount],Invoices[issue_date],">="&{month},'
     'Invoices[issue_date],"<="&{month_end})'),
    ("days", "value", "count", None, "=DAY({month_end})"),
    ("dso", "metric", "days1", "=DSO({receivables},{sales},{days})",
     "={receivables}/{sales}*{days}"),
    ("engagement", "section"),
    ("dau_mau", "function", "pct2", "=DAU_MAU(Activity[user_id],Activity[date])", None),
)

_CALC_FIRST = 5  # 1-based row of the first Calculator row (below the column headers)

#: The spilled tables, right of the metrics side by side (they grow down and right with the
#: months of data, into empty cells): (key, formula, anchor cell of the formula)
_CALC_SPILLS = (
    ("movements", "=MRR_MOVEMENTS(Subscriptions[customer_id],Subscriptions[month],Subscriptions[mrr])",
     "G7"),
    ("cohorts", "=COHORT_RETENTION(Subscriptions[customer_id],Subscriptions[month])", "P7"),
)


@dataclass
class CalcPlan:
    """Where every Calculator row and spilled table lives."""

    rows: list[CalcRow]
    spills: dict[str, str]  # key -> the cell of the spilling formula (top left of its range)

    def row(self, key: str) -> CalcRow:
        """The row of ``key`` (KeyError if there is none)."""
        for r in self.rows:
            if r.key == key and r.kind != "section":
                return r
        raise KeyError(key)

    def resolve(self, template: str) -> str:
        """A formula template with {key} (native cell) and {fn:key} (function cell) filled."""
        def cell(match: re.Match) -> str:
            key = match.group(1)
            if key.startswith("fn:"):
                return self.row(key[3:]).function_cell
            return self.row(key).native_cell
        return re.sub(r"\{([a-zA-Z_:0-9]+)\}", cell, template)


def plan_calculator() -> CalcPlan:
    """The layout of the Calculator sheet (the same in both languages)."""
    rows, row = [], _CALC_FIRST
    for spec in _CALC_SPEC:
        key, kind = spec[0], spec[1]
        if kind == "section":
            if rows:
                row += 1
            rows.append(CalcRow(key, kind, row=row))
        else:
            fmt, function, native = spec[2], spec[3], spec[4]
            rows.append(CalcRow(key, kind, fmt, function, native, row=row))
        row += 1
    return CalcPlan(rows, {key: anchor for key, _, anchor in _CALC_SPILLS})


def add_sheet(book, styles, formats, lang, company: Company) -> CalcPlan:
    """Write the Calculator sheet in ``lang`` with ``company``'s values cached; returns its plan."""
    t = text(lang)
    s = Sheet(book, "Calculator", styles, formats)
    ws = s.ws
    ws.hide_gridlines(2)
    ws.set_column("A:A", 60)
    ws.set_column("B:C", 15)
    ws.set_column("D:D", 14)
    ws.set_column("E:E", 70)
    ws.set_column("F:F", 3)
    ws.set_column("G:N", 12)
    ws.set_column("O:O", 3)
    ws.set_column("P:P", 10)
    ws.set_column("Q:AZ", 7)
    s.put("A1", t["calc_title"], "title")
    ws.set_row(0, 24)
    s.text("A2", "E2", t["calc_subtitle"], "subtitle", 150)
    for col, head in zip("ABCDE", t["calc_head"]):
        s.put(f"{col}4", head, "colhead")
    ws.set_row(3, 30)
    ws.freeze_panes(4, 1)
    plan = plan_calculator()
    values = company.calc
    names = {"month": "Calc_Month", "prev": "Calc_PrevMonth", "month_end": "Calc_MonthEnd",
             "window_start": "Calc_WindowStart"}
    last_metric_row = 4
    for r in plan.rows:
        if r.kind == "section":
            if r.key in t["calc_sections"]:
                s.put(f"A{r.row}", t["calc_sections"][r.key], "band")
                for col in "BCDE":
                    s.put(f"{col}{r.row}", None, "band")
            continue
        label, how = t["calc"][r.key]
        s.put(f"A{r.row}", label, "label")
        s.put(f"E{r.row}", how, "muted")
        value = values[r.key]
        if r.kind in ("value", "check", "metric"):
            kind = {"value": "native", "check": "check", "metric": "native"}[r.kind]
            s.put(r.native_cell, plan.resolve(r.native), kind, r.fmt or None, cached=value)
            if r.kind == "check":
                add_check_formats(ws, styles, r.native_cell)
        if r.kind in ("metric", "function"):
            s.put(r.function_cell, plan.resolve(r.function), "function", r.fmt, cached=value)
        if r.kind == "metric":
            s.put(r.same_cell, same_formula(r.function_cell, r.native_cell, t["addin_off"]), "check",
                  cached=True)
            add_check_formats(ws, styles, r.same_cell)
        if r.key in names:
            book.define_name(names[r.key], f"=Calculator!${r.native_cell[0]}${r.row}")
        last_metric_row = r.row
    # spilled tables
    for key, formula, anchor in _CALC_SPILLS:
        row, col = _rowcol(anchor)
        cells = company.spills[key]
        width = max(len(r) for r in cells)
        s.put(xl_rowcol_to_cell(row - 2, col), t["calc_sections"][key], "band")
        for j in range(1, max(width, 8)):
            ws.write_blank(row - 2, col + j, None, s.fmt("band"))
        ws.write_string(row - 1, col, t["calc_spill_note"], s.fmt("label"))
        _write_spill(s, anchor, formula, cells, key)
    s.page(landscape=True, repeat="4:4", area=f"A1:E{last_metric_row}")
    return plan


def _rowcol(cell: str) -> tuple[int, int]:
    """Zero-based (row, column) of an A1 cell, as XlsxWriter counts."""
    row, column = parse_address(cell)
    return row - 1, column - 1


def _write_spill(s: Sheet, anchor: str, formula: str, cells: list[list], key: str):
    """A dynamic-array formula at ``anchor`` with the spilled values cached in its range."""
    n_rows, n_cols = len(cells), max(len(r) for r in cells)
    first_row, first_col = _rowcol(anchor)
    value_format = "pct1" if key == "cohorts" else "money"

    def fmt_for(i, j):
        if i == 0:
            return s.fmt("colhead")
        if j == 0:
            return s.fmt("function", "month")
        if key == "cohorts" and j == 1:
            return s.fmt("function", "count")
        return s.fmt("function", value_format)

    top_left = cell_value(cells[0][0])
    s.ws.write_dynamic_array_formula(first_row, first_col, first_row + n_rows - 1,
                                     first_col + n_cols - 1, formula, fmt_for(0, 0),
                                     top_left if top_left is not None else "")
    for i, row in enumerate(cells):
        for j in range(n_cols):
            if i == 0 and j == 0:
                continue
            value = cell_value(row[j]) if j < len(row) else None
            fmt = fmt_for(i, j)
            r, c = first_row + i, first_col + j
            if value is None:
                s.ws.write_blank(r, c, None, fmt)
            elif isinstance(value, str):
                s.ws.write_string(r, c, value, fmt)
            elif isinstance(value, dt.datetime):
                s.ws.write_datetime(r, c, value, fmt)
            else:
                s.ws.write_number(r, c, value, fmt)
