"""The Per customer sheet: one row per customer (up to :data:`PER_CUSTOMER_ROWS`) with the
helper columns the Calculator's native formulas sum and count, for the Settings period as the
report counts it -- MRR of the month before the period, of its last month and of the 12
months to it, orders in those 12 months and in the period, orders and distinct purchase days
up to the period's end, first and last order and the average gap between purchase days.
No native formula LibreOffice 7.4 also knows can count distinct days or join two Tables in
one cell, so the native side needs these columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from ...cells import serial_of
from ...i18n.template_words import text
from .sheet import Sheet

if TYPE_CHECKING:
    from .company import Company

PER_CUSTOMER_ROWS = 1000  # rows of the Per customer helper sheet
PC_FIRST = 5  # first data row (1-based) of Per customer
PC_LAST = PC_FIRST + PER_CUSTOMER_ROWS - 1
#: Rows printed: the header and the first customers, one page (the rest is the same formulas).
PC_PRINTED_ROWS = 75

PC_COLUMNS = {  # Per customer columns (letter) by meaning
    "k": "A", "id": "B", "segment": "C", "mrr_prev": "D", "mrr_month": "E", "mrr_12": "F",
    "orders_12": "G", "orders_period": "H", "buyer": "I", "orders_to_end": "J", "days": "K",
    "first": "L", "last": "M", "gap": "N",
}
_WIDTHS = (6, 12, 12, 12, 12, 12, 10, 10, 12, 10, 10, 12, 12, 11)

#: Orders dated up to the period's last day (any time of that day), as a criterion pair.
UP_TO_END = 'Orders[order_date],"<"&(Calc_MonthEnd+1)'


def pc_range(column: str) -> str:
    """A helper column as an absolute range (``'Per customer'!$D$5:$D$1004``)."""
    letter = PC_COLUMNS[column]
    return f"'Per customer'!${letter}${PC_FIRST}:${letter}${PC_LAST}"


def per_customer_values(tables, first, month, window_start) -> pd.DataFrame:
    """The helper columns computed in Python from the data ``tables`` for the period of the
    months ``first`` to ``month`` (the values the sheet stores with its formulas), one row
    per customer in the Customers Table's order."""
    customers = tables["Customers"]
    subs, orders = tables["Subscriptions"], tables["Orders"]
    ids = customers["customer_id"].astype(object).tolist()
    month_of = subs["month"].dt.to_period("M").dt.to_timestamp()
    prev = first - pd.DateOffset(months=1)
    after = month + pd.DateOffset(months=1)  # the first day after the period

    def mrr(mask):
        return subs[mask].groupby("customer_id", observed=True)["mrr"].sum().reindex(ids, fill_value=0.0)

    def count(mask):
        return orders[mask].groupby("customer_id", observed=True).size().reindex(ids, fill_value=0)

    day = orders["order_date"]
    to_end = day < after
    frame = pd.DataFrame({
        "customer_id": ids,
        "segment": customers["segment"].astype(object).tolist(),
        "mrr_prev": mrr(month_of == prev).to_numpy(),
        "mrr_month": mrr(month_of == month).to_numpy(),
        "mrr_12": mrr((month_of >= window_start) & (month_of <= month)).to_numpy(),
        "orders_12": count((day >= window_start) & to_end).to_numpy(),
        "orders_period": count((day >= first) & to_end).to_numpy(),
        "orders_to_end": count(to_end).to_numpy(),
    })
    buyer = frame["orders_period"] >= 1
    frame["buyer"] = np.where(buyer, frame["customer_id"], "")
    grouped = orders[to_end].groupby("customer_id", observed=True)["order_date"]
    days = grouped.agg(lambda d: d.dt.normalize().nunique()).reindex(ids, fill_value=0).to_numpy()
    frame["days"] = np.where(buyer, days, np.nan)
    frame["first"] = orders.groupby("customer_id", observed=True)["order_date"].min().reindex(ids).where(
        buyer.to_numpy()).to_numpy()
    frame["last"] = grouped.max().reindex(ids).where(buyer.to_numpy()).to_numpy()
    span = (frame["last"] - frame["first"]).dt.days
    frame["gap"] = np.where(frame["days"] >= 2, span / (frame["days"] - 1).clip(lower=1), np.nan)
    return frame


def _formulas(r: int) -> dict[str, str]:
    """The helper formulas of sheet row ``r`` by column key (H: an array formula)."""
    B = f"$B{r}"
    subs = "SUMIFS(Subscriptions[mrr],Subscriptions[customer_id],{B},Subscriptions[month],{m})"
    orders = f"COUNTIFS(Orders[customer_id],{B},{{since}}{UP_TO_END})"
    return {
        "id": f'=IF($A{r}>ROWS(Customers[customer_id]),"",INDEX(Customers[customer_id],$A{r}))',
        "segment": f'=IF({B}="","",INDEX(Customers[segment],$A{r}))',
        "mrr_prev": f'=IF({B}="",0,{subs.format(B=B, m="Calc_PrevMonth")})',
        "mrr_month": f'=IF({B}="",0,{subs.format(B=B, m="Calc_Month")})',
        "mrr_12": f'=IF({B}="",0,SUMIFS(Subscriptions[mrr],Subscriptions[customer_id],{B},'
                  f'Subscriptions[month],">="&Calc_WindowStart,Subscriptions[month],"<="&Calc_Month))',
        "orders_12": f'=IF({B}="",0,'
                     + orders.format(since='Orders[order_date],">="&Calc_WindowStart,') + ")",
        "orders_period": f'=IF({B}="",0,'
                         + orders.format(since='Orders[order_date],">="&Calc_First,') + ")",
        "buyer": f'=IF($H{r}>=1,{B},"")',
        "orders_to_end": f'=IF({B}="",0,' + orders.format(since="") + ")",
        # distinct purchase days up to the period end, of the period's buyers only (the slow
        # FREQUENCY runs for them alone)
        "days": f'{{=IF($H{r}<1,"",IF($J{r}<2,$J{r},SUM(--(FREQUENCY(IF((Orders[customer_id]={B})'
                f'*(Orders[order_date]<Calc_MonthEnd+1),Orders[order_date]),Orders[order_date])>0))))}}',
        "first": f'=IF($H{r}<1,"",_xlfn.MINIFS(Orders[order_date],Orders[customer_id],{B}))',
        "last": f'=IF($H{r}<1,"",_xlfn.MAXIFS(Orders[order_date],Orders[customer_id],{B},{UP_TO_END}))',
        "gap": f'=IF(N($K{r})>=2,($M{r}-$L{r})/($K{r}-1),"")',
    }


def add_sheet(book, styles, formats, lang, company: Company):
    """Write the Per customer sheet: formulas over the data Tables, ``company``'s values cached."""
    t = text(lang)
    s = Sheet(book, "Per customer", styles, formats)
    ws = s.ws
    s.put("A1", t["pc_title"], "title")
    ws.set_row(0, 24)
    last_column = PC_COLUMNS["gap"]
    s.text("A2", f"{last_column}2", t["pc_subtitle"], "subtitle", 150)
    for i, (head, width) in enumerate(zip(t["pc_head"], _WIDTHS)):
        ws.set_column(i, i, width)
        s.put(xl_rowcol_to_cell(3, i), head, "colhead")
    ws.set_row(3, 15 * 4)  # four lines of header: it does not run into the first row
    ws.freeze_panes(4, 2)
    pc = company.per_customer
    n = len(pc)
    number = {"mrr_prev": "money", "mrr_month": "money", "mrr_12": "money", "orders_12": "count",
              "orders_period": "count", "orders_to_end": "count", "days": "count",
              "first": "date", "last": "date", "gap": "ratio"}
    cell_formats = {key: s.fmt("native", number.get(key)) for key in PC_COLUMNS}
    for k in range(1, PER_CUSTOMER_ROWS + 1):
        r = PC_FIRST + k - 1
        rec = pc.iloc[k - 1] if k - 1 < n else None
        ws.write_number(f"A{r}", k, s.fmt("plain"))
        for key, formula in _formulas(r).items():
            cell = f"{PC_COLUMNS[key]}{r}"
            value = _cached(key, rec)
            if formula.startswith("{"):
                ws.write_array_formula(f"{cell}:{cell}", formula, cell_formats[key], value)
            else:
                ws.write_formula(cell, formula, cell_formats[key], value)
    for key in PC_COLUMNS:
        if key != "k":
            book.define_name(f"PerCustomer_{key}", "=" + pc_range(key))
    s.page(landscape=False, repeat="4:4", area=f"A1:{last_column}{PC_FIRST + PC_PRINTED_ROWS - 1}")


def _cached(key: str, rec) -> object:
    """The value stored with a helper formula: the row's value, or what the formula shows for
    a row without a customer (blank text or 0)."""
    if rec is None:
        return "" if key in ("id", "segment", "buyer", "days", "first", "last", "gap") else 0
    value = rec[key if key != "id" else "customer_id"]
    if key in ("first", "last"):
        return "" if pd.isna(value) else serial_of(value)
    if key in ("days", "gap"):
        return "" if pd.isna(value) else (int(value) if key == "days" else float(value))
    if key in ("mrr_prev", "mrr_month", "mrr_12"):
        return float(value)
    if key in ("orders_12", "orders_period", "orders_to_end"):
        return int(value)
    return value
