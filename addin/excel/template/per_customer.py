"""The Per customer sheet: one row per customer (up to :data:`PER_CUSTOMER_ROWS`) with the
helper columns the Calculator's native formulas sum and count -- last and previous month's
MRR, twelve months' MRR, orders, distinct purchase days, first and last order and the gap
between purchases. No native formula LibreOffice 7.4 also knows can count distinct days or
join two Tables in one cell, so the native side needs these columns."""

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

PC_COLUMNS = {  # Per customer columns (letter) by meaning
    "k": "A", "id": "B", "segment": "C", "mrr_prev": "D", "mrr_month": "E", "mrr_12": "F",
    "orders": "G", "days": "H", "first": "I", "last": "J", "gap": "K",
}


def pc_range(column: str) -> str:
    """A helper column as an absolute range (``'Per customer'!$D$5:$D$1004``)."""
    letter = PC_COLUMNS[column]
    return f"'Per customer'!${letter}${PC_FIRST}:${letter}${PC_LAST}"


def per_customer_values(tables, month, prev, window_start) -> pd.DataFrame:
    """The helper columns computed in Python from the data ``tables`` (the values the sheet
    stores with its formulas), one row per customer in the Customers Table's order."""
    customers = tables["Customers"]
    subs, orders = tables["Subscriptions"], tables["Orders"]
    ids = customers["customer_id"].astype(object).tolist()
    month_of = subs["month"].dt.to_period("M").dt.to_timestamp()

    def mrr(mask):
        return subs[mask].groupby("customer_id", observed=True)["mrr"].sum().reindex(ids, fill_value=0.0)

    frame = pd.DataFrame({
        "customer_id": ids,
        "segment": customers["segment"].astype(object).tolist(),
        "mrr_prev": mrr(month_of == prev).to_numpy(),
        "mrr_month": mrr(month_of == month).to_numpy(),
        "mrr_12": mrr((month_of >= window_start) & (month_of <= month)).to_numpy(),
    })
    grouped = orders.groupby("customer_id", observed=True)["order_date"]
    frame["orders"] = grouped.size().reindex(ids, fill_value=0).to_numpy()
    frame["days"] = grouped.agg(lambda d: d.dt.normalize().nunique()).reindex(ids, fill_value=0).to_numpy()
    frame["first"] = grouped.min().reindex(ids).to_numpy()
    frame["last"] = grouped.max().reindex(ids).to_numpy()
    span = (frame["last"] - frame["first"]).dt.days
    frame["gap"] = np.where(frame["days"] >= 2, span / (frame["days"] - 1).clip(lower=1), np.nan)
    return frame


def add_sheet(book, styles, formats, lang, company: Company):
    """Write the Per customer sheet: formulas over the data Tables, ``company``'s values cached."""
    t = text(lang)
    s = Sheet(book, "Per customer", styles, formats)
    ws = s.ws
    s.put("A1", t["pc_title"], "title")
    ws.set_row(0, 24)
    s.text("A2", "K2", t["pc_subtitle"], "subtitle", 140)
    widths = (6, 12, 12, 12, 12, 12, 9, 10, 12, 12, 12)
    for i, (head, width) in enumerate(zip(t["pc_head"], widths)):
        ws.set_column(i, i, width)
        s.put(xl_rowcol_to_cell(3, i), head, "colhead")
    ws.freeze_panes(4, 2)
    pc = company.per_customer
    n = len(pc)
    native = s.fmt("native")
    for k in range(1, PER_CUSTOMER_ROWS + 1):
        r = PC_FIRST + k - 1
        i = k - 1
        have = i < n
        rec = pc.iloc[i] if have else None
        B = f"$B{r}"
        ws.write_number(f"A{r}", k, s.fmt("plain"))
        ws.write_formula(f"B{r}", f'=IF($A{r}>ROWS(Customers[customer_id]),"",INDEX(Customers[customer_id],$A{r}))',
                         native, rec["customer_id"] if have else "")
        ws.write_formula(f"C{r}", f'=IF({B}="","",INDEX(Customers[segment],$A{r}))', native,
                         rec["segment"] if have else "")
        money = s.fmt("native", "money")
        subs = "SUMIFS(Subscriptions[mrr],Subscriptions[customer_id],{B},Subscriptions[month],{m})"
        ws.write_formula(f"D{r}", f'=IF({B}="",0,{subs.format(B=B, m="Calc_PrevMonth")})', money,
                         float(rec["mrr_prev"]) if have else 0)
        ws.write_formula(f"E{r}", f'=IF({B}="",0,{subs.format(B=B, m="Calc_Month")})', money,
                         float(rec["mrr_month"]) if have else 0)
        ws.write_formula(
            f"F{r}",
            f'=IF({B}="",0,SUMIFS(Subscriptions[mrr],Subscriptions[customer_id],{B},'
            f'Subscriptions[month],">="&Calc_WindowStart,Subscriptions[month],"<="&Calc_Month))',
            money, float(rec["mrr_12"]) if have else 0)
        count = s.fmt("native", "count")
        ws.write_formula(f"G{r}", f'=IF({B}="",0,COUNTIF(Orders[customer_id],{B}))', count,
                         int(rec["orders"]) if have else 0)
        ws.write_array_formula(
            f"H{r}:H{r}",
            f"{{=IF($G{r}<2,$G{r},SUM(--(FREQUENCY(IF(Orders[customer_id]={B},Orders[order_date]),"
            f"Orders[order_date])>0)))}}",
            count, int(rec["days"]) if have else 0)
        date = s.fmt("native", "date")
        first = serial_of(rec["first"]) if have and not pd.isna(rec["first"]) else ""
        last = serial_of(rec["last"]) if have and not pd.isna(rec["last"]) else ""
        ws.write_formula(f"I{r}", f'=IF($G{r}=0,"",_xlfn.MINIFS(Orders[order_date],Orders[customer_id],{B}))',
                         date, first)
        ws.write_formula(f"J{r}", f'=IF($G{r}=0,"",_xlfn.MAXIFS(Orders[order_date],Orders[customer_id],{B}))',
                         date, last)
        gap = float(rec["gap"]) if have and not pd.isna(rec["gap"]) else ""
        ws.write_formula(f"K{r}", f'=IF($H{r}>=2,($J{r}-$I{r})/($H{r}-1),"")', s.fmt("native", "ratio"), gap)
    for key in PC_COLUMNS:
        if key != "k":
            book.define_name(f"PerCustomer_{key}", "=" + pc_range(key))
    s.page(landscape=False, repeat="4:4", area=f"A1:K{PC_LAST}")
