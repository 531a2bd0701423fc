"""The Calculator sheet: the guides' metrics of the data Tables for the Settings period, our
functions in column B beside native formulas in column C and a "Function = native" check in
D, then the spilled tables (MRR movements, cohorts) to the right.

Every figure is counted as the report counts it (:mod:`addin.report.facts`, the rules of the
report's Definitions), so a Calculator cell and the report show the same number for the same
period and data: customers S, N, E, L from the Customers Table's signup and churn dates; MRR
movements from the month before the period to its last month; repeat purchases and time
between purchases over the orders, up to the period end, of the customers who ordered in the
period; returns, NPS answers and invoices of the period; CLV from the 12 months to the
period end (Subscriptions and Orders) and the lifespan (1 / churn) periods; retention cost
per customer served (S + N). Settings_Period and Settings_GrossMargin are read as
:mod:`addin.settings` reads them (a year, a quarter, a month, a date; 0.8, 80 % or 80).
The segment is not applied here (the Report applies it).

Our functions that take lists (RPR, TBP, NPS …) get the period's rows through
``IF(condition, range, "")`` inside a one-cell dynamic array formula, blanks being skipped.

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
_P, _T = "Settings_Period", "TRIM(Settings_Period)"
_AFTER = "({month_end}+1)"  # the first day after the period: any time of its last day counts
#: Dated rows of the data (the report's extent: its last day, its first month).
_DAILY = "Orders[order_date],NPS_answers[date],Invoices[issue_date],Invoices[paid_date],Activity[date]"
_MONTHLY = "Subscriptions[month],Costs[month]"


def _within(column: str) -> str:
    """COUNTIFS/SUMIFS criteria: ``column`` dated within the period."""
    return f'{column},">="&{{first}},{column},"<"&{_AFTER}'


def _customers(*criteria: str) -> str:
    """COUNTIFS over Customers with signup (``s``) and churn (``c``) criteria."""
    columns = {"s": "Customers[signup_date]", "c": "Customers[churn_date]"}
    return "COUNTIFS(" + ",".join(f"{columns[c[0]]},{c[1:]}" for c in criteria) + ")"


_BEFORE_START, _BY_END = '"<"&{first}', f'"<"&{_AFTER}'
#: The orders the report counts for repeat purchases: up to the period end, of the customers
#: who ordered in the period (their ids are in Per customer's buyer column).
_BUYERS_ORDERS = (f"IF(ISNUMBER(MATCH(Orders[customer_id],PerCustomer_buyer,0))"
                  f"*(Orders[order_date]<{_AFTER}),Orders[customer_id],\"\")")
_ANSWERS = f'IF((NPS_answers[date]>={{first}})*(NPS_answers[date]<{_AFTER}),NPS_answers[score],"")'

_CALC_SPEC: tuple[tuple, ...] = (
    ("period", "section"),
    # Settings_Period read as addin.settings.period reads it: a whole number 1900-9999 is a
    # year, another number a date; text 2026, 2026-Q3 (or q), 2026-03 (or 2026-3); blank is
    # the last complete month of the data
    ("months", "value", "count", None,
     f'=IF(ISNUMBER({_P}),IF(AND({_P}=INT({_P}),{_P}>=1900,{_P}<=9999),12,1),'
     f'IF(LEN({_T})=4,12,IF(UPPER(MID({_T},6,1))="Q",3,1)))'),
    ("first", "value", "month", None,
     f'=IF(ISNUMBER({_P}),IF({{months}}=12,DATE({_P},1,1),DATE(YEAR({_P}),MONTH({_P}),1)),'
     f'IF({_T}="",{{complete}},DATE(VALUE(LEFT({_T},4)),IF({{months}}=12,1,IF({{months}}=3,'
     f'3*VALUE(MID({_T},7,1))-2,VALUE(MID({_T},6,2)))),1)))'),
    ("month", "value", "month", None, "=EDATE({first},{months}-1)"),
    ("prev", "value", "month", None, "=EDATE({first},-1)"),
    ("month_end", "value", "date", None, "=EOMONTH({month},0)"),
    ("window_start", "value", "month", None, "=EDATE({month},-11)"),
    ("data_first", "value", "month", None,
     f"=DATE(YEAR(MIN({_DAILY},{_MONTHLY})),MONTH(MIN({_DAILY},{_MONTHLY})),1)"),
    ("last_day", "value", "date", None,
     f"=IF(MAX({_DAILY})>0,INT(MAX({_DAILY})),EOMONTH(MAX({_MONTHLY}),0))"),
    ("complete", "value", "month", None,
     "=EDATE(DATE(YEAR({last_day}+1),MONTH({last_day}+1),1),-1)"),
    ("margin", "value", "pct0", None,
     '=IF(ISNUMBER(Settings_GrossMargin),IF(Settings_GrossMargin>1,Settings_GrossMargin/100,'
     'Settings_GrossMargin),IF(TRIM(Settings_GrossMargin)="",1,NA()))'),
    ("currency", "value", "text", None, "=UPPER(TRIM(Settings_Currency))"),
    ("coverage", "check", "", None, f"=ROWS(Customers[customer_id])<={PER_CUSTOMER_ROWS}"),
    ("customers", "section"),
    ("S", "value", "count", None,
     "=" + _customers(f"s{_BEFORE_START}") + "-" + _customers(f"s{_BEFORE_START}", f"c{_BEFORE_START}")),
    ("N", "value", "count", None, "=" + _customers('s">="&{first}', f"s{_BY_END}")),
    ("E", "value", "count", None,
     "=" + _customers(f"s{_BY_END}") + "-" + _customers(f"s{_BY_END}", f"c{_BY_END}")),
    ("L", "value", "count", None,
     "=" + _customers(f"s{_BEFORE_START}", 'c">="&{first}', f"c{_BY_END}")),
    ("new_end", "value", "count", None,
     "={N}-" + _customers('s">="&{first}', f"s{_BY_END}", f"c{_BY_END}")),
    ("crr", "metric", "pct2", "=CRR({S},{E},{new_end})", "=({E}-{new_end})/{S}"),
    ("churn", "metric", "pct2", "=CHURN_RATE({S},{L})", "={L}/{S}"),
    ("annual_churn", "metric", "pct2", "=ANNUALIZED_CHURN({fn:churn},12/{months})",
     "=1-(1-{churn})^(12/{months})"),
    ("revenue", "section"),
    ("mrr_start", "value", "money", None, "=SUMIFS(Subscriptions[mrr],Subscriptions[month],{prev})"),
    ("mrr_end", "value", "money", None, "=SUMIFS(Subscriptions[mrr],Subscriptions[month],{month})"),
    ("paying", "value", "count", None, f'=COUNTIF({_MON},">0")'),
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
    ("arpa", "metric", "money", "=ARPA({mrr_end},{paying})", "={mrr_end}/{paying}"),
    ("clv_churn", "metric", "money", "=CLV_CHURN({fn:arpa}*{months},{margin},{fn:churn})",
     "={arpa}*{months}*{margin}/{churn}"),
    ("annual_revenue", "value", "money", None,
     '=SUMIFS(Subscriptions[mrr],Subscriptions[month],">="&{window_start},'
     'Subscriptions[month],"<="&{month})'
     '+SUMIFS(Orders[amount],Orders[order_date],">="&{window_start},Orders[order_date],'
     f'"<"&{_AFTER})'),
    ("customers_12", "value", "count", None,
     f'=SUMPRODUCT(--(({_M12}>0)+({pc_range("orders_12")}>0)>0))'),
    ("lifespan", "value", "years", None, "=1/{churn}*{months}/12"),
    ("clv", "metric", "money",
     "=IF({window_start}<{data_first},NA(),CLV({annual_revenue},{customers_12},{lifespan}))",
     "=IF({window_start}<{data_first},NA(),{annual_revenue}/{customers_12}*{lifespan})"),
    ("spend", "value", "money", None,
     '=SUMIFS(Costs[retention_spend],Costs[month],">="&{first},Costs[month],"<="&{month})'),
    ("costs_months", "value", "count", None,
     '=COUNTIFS(Costs[month],">="&{first},Costs[month],"<="&{month})'),
    ("crc", "metric", "money", "=IF({costs_months}<{months},NA(),CRC({spend},{S}+{N}))",
     "=IF({costs_months}<{months},NA(),{spend}/({S}+{N}))"),
    ("orders", "section"),
    ("ordering", "value", "count", None, f'=COUNTIF({pc_range("orders_period")},">=1")'),
    ("repeat", "value", "count", None,
     f'=COUNTIFS({pc_range("orders_period")},">=1",{pc_range("orders_to_end")},">=2")'),
    ("rpr", "metric", "pct2", f"=RPR({_BUYERS_ORDERS})", "={repeat}/{ordering}"),
    ("loyal", "metric", "pct2", f"=LOYAL_RATE({_BUYERS_ORDERS})", "={repeat}/{ordering}"),
    ("units", "value", "count", None, f"=SUMIFS(Orders[units],{_within('Orders[order_date]')})"),
    ("returned", "value", "count", None,
     f"=SUMIFS(Orders[units_returned],{_within('Orders[order_date]')})"),
    ("return_rate", "metric", "pct2", "=RETURN_RATE({returned},{units})", "={returned}/{units}"),
    ("tbp", "metric", "days2", f"=TBP({_BUYERS_ORDERS},Orders[order_date])",
     f'=AVERAGE({pc_range("gap")})'),
    ("nps", "section"),
    ("answers", "value", "count", None,
     f'=COUNTIFS(NPS_answers[score],">=0",{_within("NPS_answers[date]")})'),
    ("promoters", "value", "count", None,
     f'=COUNTIFS(NPS_answers[score],">=9",{_within("NPS_answers[date]")})'),
    ("passives", "value", "count", None,
     f'=COUNTIFS(NPS_answers[score],">=7",NPS_answers[score],"<=8",{_within("NPS_answers[date]")})'),
    ("detractors", "value", "count", None,
     f'=COUNTIFS(NPS_answers[score],"<=6",{_within("NPS_answers[date]")})'),
    ("nps", "metric", "points1", f"=NPS({_ANSWERS})",
     "=({promoters}-{detractors})/{answers}*100"),
    ("nps_moe", "metric", "points1", f"=NPS_MOE({_ANSWERS})",
     "=NORMSINV(0.975)*SQRT(({promoters}+{detractors})/{answers}"
     "-(({promoters}-{detractors})/{answers})^2)/SQRT({answers})*100"),
    ("invoices", "section"),
    ("receivables", "value", "money", None,
     f'=SUMIFS(Invoices[amount],Invoices[issue_date],"<"&{_AFTER},Invoices[paid_date],"")'
     f'+SUMIFS(Invoices[amount],Invoices[issue_date],"<"&{_AFTER},'
     f'Invoices[paid_date],">="&{_AFTER})'),
    ("sales", "value", "money", None, f"=SUMIFS(Invoices[amount],{_within('Invoices[issue_date]')})"),
    ("days", "value", "count", None, "=MIN({month_end},{last_day})-{first}+1"),
    ("dso", "metric", "days1", "=DSO({receivables},{sales},{days})",
     "={receivables}/{sales}*{days}"),
    ("engagement", "section"),
    ("dau_mau", "function", "pct2",
     f'=DAU_MAU(IF((Activity[date]>={{month}})*(Activity[date]<{_AFTER}),Activity[user_id],""),'
     "Activity[date])", None),
)

#: Function cells that take a range element by element (written as dynamic array formulas).
_ARRAY_ROWS = frozenset({"rpr", "loyal", "tbp", "nps", "nps_moe", "dau_mau"})

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
    ws.set_column("D:D", 16)
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
    names = {"first": "Calc_First", "month": "Calc_Month", "prev": "Calc_PrevMonth",
             "month_end": "Calc_MonthEnd", "window_start": "Calc_WindowStart"}
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
        s.text(f"E{r.row}", None, how, "muted", 88)  # column E holds about 88 characters
        value = values[r.key]
        if r.kind in ("value", "check", "metric"):
            kind = {"value": "native", "check": "check", "metric": "native"}[r.kind]
            s.put(r.native_cell, plan.resolve(r.native), kind, r.fmt or None, cached=value)
            if r.kind == "check":
                add_check_formats(ws, styles, r.native_cell)
        if r.kind in ("metric", "function"):
            s.put(r.function_cell, plan.resolve(r.function), "function", r.fmt, cached=value,
                  array=r.key in _ARRAY_ROWS)
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
