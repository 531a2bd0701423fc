"""Known exports pasted into a workbook: read by the Refresh button (through xlwings' remote
Book, as xlwings Lite runs it) as the CSV files are read by ``retention report``.

An export is pasted as Excel pastes it: numbers become numbers and plain dates datetimes,
what Excel does not read as either (a timestamp with its zone) stays text.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from addin import refresh
from addin.data import load_data
from addin.errors import DataError
from addin.report import build_report, layout
from book_json import book_json, data_workbook, run_script

EXPORTS = Path(__file__).parent / "data" / "exports"
SHOPIFY = [EXPORTS / "shopify" / "orders_export_1.csv", EXPORTS / "shopify" / "orders_export_2.csv"]
STRIPE = EXPORTS / "stripe" / "subscriptions.csv"
_DATE = re.compile(r"\d{4}-\d\d-\d\d( \d\d:\d\d(:\d\d)?)?")


def _as_excel_reads(cell: str) -> object:
    """A CSV cell as Excel keeps it once pasted."""
    if cell == "":
        return None
    if cell in ("true", "false"):
        return cell == "true"
    if _DATE.fullmatch(cell):
        return dt.datetime.fromisoformat(cell)
    try:
        return float(cell)
    except ValueError:
        return cell


def _pasted(paths: list[Path]) -> list[list[object]]:
    """The files' header once, then all their rows, as Excel holds them once pasted."""
    rows: list[list[object]] = []
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle))
        rows += ([lines[0]] if not rows else []) + [[_as_excel_reads(c) for c in r] for r in lines[1:]]
    return rows


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0])


def _book(sheets: dict[str, list[list[object]]], tables: dict[str, pd.DataFrame] | None = None):
    wb = data_workbook(tables or {})
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    return wb


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False)


def test_pasted_exports_as_dataframes_give_the_csv_tables():
    csv_data = load_data([*SHOPIFY, STRIPE])
    frames = {"Shopify": _frame(_pasted(SHOPIFY)), "Stripe": _frame(_pasted([STRIPE]))}
    data = load_data(frames)
    assert set(data.tables) == set(csv_data.tables)
    for table in csv_data.tables:
        _same(data.tables[table], csv_data.tables[table])
    assert len(data.tables["Orders"]) > 0 and len(data.tables["Subscriptions"]) > 0


def test_an_export_and_our_table_for_one_table_are_refused_naming_both():
    orders = load_data(SHOPIFY[0]).tables["Orders"]
    with pytest.raises(DataError, match="two DataFrames for table Orders: 'Orders' and 'Shopify'"):
        load_data({"Orders": orders, "Shopify": _frame(_pasted(SHOPIFY))})


def test_an_error_in_a_pasted_export_names_its_sheet_and_row():
    rows = _pasted([STRIPE])
    rows[3][rows[0].index("Interval")] = "fortnight"
    with pytest.raises(DataError) as caught:
        load_data({"Stripe paste": _frame(rows)})
    assert caught.value.file == "Stripe paste" and caught.value.row == 4


def _kpis(actions: list[dict], payload: dict) -> list[list]:
    sheet = [s["name"] for s in payload["sheets"]].index(layout.REPORT_SHEET)
    from addin.cells import parse_address
    row, column = parse_address(layout.REPORT_ANCHORS["kpis"])
    for action in actions:
        if (action["func"] == "setValues" and action["sheet_position"] == sheet
                and action["start_row"] == row - 1 and action["start_column"] == column - 1):
            return action["values"]
    raise AssertionError("the refresh wrote no KPIs")


def test_refresh_button_reads_pasted_exports_as_the_cli_reads_the_files(tmp_path):
    wb = _book({"Shopify orders": _pasted(SHOPIFY), "Stripe": _pasted([STRIPE]),
                "Notes": [["Pasted from the shop and billing on 1 June"]]})
    payload = book_json(wb, "pasted.xlsx")
    actions = run_script(refresh, "refresh_report", payload)
    expected = build_report(load_data([*SHOPIFY, STRIPE]), None, None, "en", {"gross_margin": 0.8})
    written = _kpis(actions, payload)
    assert written[1][2] == f"Current ({expected.period.label})"
    checked = 0
    for i, row in enumerate(expected.kpis.itertuples()):
        for j, key in ((2, "current"), (3, "previous"), (4, "change")):
            want = getattr(row, key)
            if isinstance(want, float) and math.isnan(want):
                assert written[2 + i][j] == "", (row.key, key)
            else:
                assert written[2 + i][j] == pytest.approx(want, rel=1e-12, abs=1e-12), (row.key, key)
                checked += 1
    assert checked > 10
    assert expected.kpi("mrr")["current"] > 0


def test_refresh_refuses_a_pasted_export_beside_our_table_for_it(tmp_path):
    orders = load_data(SHOPIFY[0]).tables["Orders"]
    wb = _book({"Shopify orders": _pasted(SHOPIFY)}, tables={"Orders": orders})
    payload = book_json(wb, "both.xlsx")
    actions = run_script(refresh, "refresh_report", payload)
    texts = [str(v) for a in actions if a["func"] == "setValues" for r in a["values"] for v in r]
    assert any("two DataFrames for table Orders" in t and "Shopify orders" in t for t in texts), texts


def test_retention_report_on_a_workbook_reads_its_pasted_exports(tmp_path):
    wb = _book({"Shopify orders": _pasted(SHOPIFY), "Stripe": _pasted([STRIPE]),
                "Notes": [["Pasted from the shop and billing on 1 June"]]})
    book = tmp_path / "pasted.xlsx"
    wb.save(book)
    csv_data = load_data([*SHOPIFY, STRIPE])
    data = load_data(book)
    assert set(data.tables) == set(csv_data.tables)
    for table in csv_data.tables:
        _same(data.tables[table], csv_data.tables[table])


def test_a_workbook_with_our_sheet_and_a_pasted_export_for_one_table_is_refused(tmp_path):
    orders = load_data(SHOPIFY[0]).tables["Orders"]
    wb = _book({"Shopify orders": _pasted(SHOPIFY)}, tables={"Orders": orders})
    book = tmp_path / "both.xlsx"
    wb.save(book)
    with pytest.raises(DataError, match="two sources for table Orders: sheet Orders and sheet "
                                        "Shopify orders"):
        load_data(book)


def test_an_error_in_a_pasted_export_names_the_workbook_sheet_and_row(tmp_path):
    rows = _pasted([STRIPE])
    rows[3][rows[0].index("Interval")] = "fortnight"
    book = tmp_path / "bad.xlsx"
    _book({"Stripe paste": rows}).save(book)
    with pytest.raises(DataError) as caught:
        load_data(book)
    assert (caught.value.file, caught.value.sheet, caught.value.row) == ("bad.xlsx", "Stripe paste", 4)
