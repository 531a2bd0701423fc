"""Known exports (Shopify orders, Stripe subscriptions) read as our tables, on sample files
made with the exports' real headers (tests/data/exports/)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from addin.cli import main as cli_main
from addin.data import load_data
from addin.data.exports import recognise

EXPORTS = Path(__file__).parent / "data" / "exports"
SHOPIFY = EXPORTS / "shopify"
STRIPE = EXPORTS / "stripe"


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(round(v, 2) if isinstance(v, float) else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v)
                  for v in row) for row in frame.itertuples(index=False)]


# Shopify, orders_export_1.csv + orders_export_2.csv (one export split in two):
#   #1001  " Ann@Example.com "  2026-01-15 10:00 -0500  Total 50 - Refunded 10 = 40, units 2 + 1 = 3
#   #1002  bob@example.com      2026-02-03 23:30 +0100  Total 20 - Refunded 0 = 20, units 1
#   #1003  cancelled (Cancelled at filled): dropped as "cancelled order" (row 5 of file 1)
#   #1004  ann@example.com      2026-03-10 (file 2)     Total 80, Refunded blank = 80, units 4 + 2 = 6
# (no units_returned column: the export has no returns)
SHOPIFY_ORDERS = [
    ("#1001", "ann@example.com", "2026-01-15", 40.0, 3),
    ("#1002", "bob@example.com", "2026-02-03", 20.0, 1),
    ("#1004", "ann@example.com", "2026-03-10", 80.0, 6),
]


def test_shopify_orders_split_in_two_files_join():
    data = load_data(SHOPIFY, today="2026-06-30")
    assert list(data.tables) == ["Orders"]
    assert "units_returned" not in data.tables["Orders"]
    assert _rows(data.tables["Orders"]) == SHOPIFY_ORDERS
    assert data.currency == "USD"
    quality = data.quality
    cancelled = quality[quality["reason"] == "cancelled order"]
    assert cancelled["rows_dropped"].tolist() == [1]
    assert cancelled["first_rows"].tolist() == [(5,)]
    assert "1 cancelled order (row 5)" in data.summary()[0]


def test_shopify_one_file_alone(tmp_path):
    data = load_data(SHOPIFY / "orders_export_2.csv", today="2026-06-30")
    assert _rows(data.tables["Orders"]) == SHOPIFY_ORDERS[2:]


# Stripe subscriptions.csv (month ends checked; the last event written is 2026-06-10, so the
# months run January..June 2026):
#   sub_1 cus_A month 10.00 x 2, active from 01-10            -> 20 a month, Jan..Jun
#   sub_2 cus_A year 120.00, active from 03-05                -> 120/12 = 10, Mar..Jun (A: 30)
#   sub_3 cus_B month 50, trial to 02-20                      -> not Jan (in trial on 01-31), Feb..Jun
#   sub_4 cus_C week 10, canceled 04-15, no Ended At          -> 10 x 52/12 = 43.33, Feb, Mar (ends 04-15)
#   sub_5 cus_D month 30, active, Cancel At Period End        -> counts until it ends: Apr..Jun
#   sub_6 cus_E month 99, incomplete                           -> never
#   sub_7 cus_F month 25, canceled, Ended At 03-10            -> Jan, Feb
STRIPE_SUBSCRIPTIONS = [
    ("cus_A", "2026-01-01", 20.0), ("cus_F", "2026-01-01", 25.0),
    ("cus_A", "2026-02-01", 20.0), ("cus_B", "2026-02-01", 50.0), ("cus_C", "2026-02-01", 43.33),
    ("cus_F", "2026-02-01", 25.0),
    ("cus_A", "2026-03-01", 30.0), ("cus_B", "2026-03-01", 50.0), ("cus_C", "2026-03-01", 43.33),
    ("cus_A", "2026-04-01", 30.0), ("cus_B", "2026-04-01", 50.0), ("cus_D", "2026-04-01", 30.0),
    ("cus_A", "2026-05-01", 30.0), ("cus_B", "2026-05-01", 50.0), ("cus_D", "2026-05-01", 30.0),
    ("cus_A", "2026-06-01", 30.0), ("cus_B", "2026-06-01", 50.0), ("cus_D", "2026-06-01", 30.0),
]


def test_stripe_subscriptions_by_month():
    data = load_data(STRIPE, today="2026-06-30")
    assert list(data.tables) == ["Subscriptions"]
    assert _rows(data.tables["Subscriptions"]) == STRIPE_SUBSCRIPTIONS
    assert data.currency == "USD"


def _stripe(tmp_path: Path, changes: dict[str, dict[str, str]], *, header: dict[str, str] | None = None) -> Path:
    """The sample Stripe export with some cells changed (by subscription id), headers renamed."""
    with open(STRIPE / "subscriptions.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row.update(changes.get(row["id"], {}))
    names = list(rows[0])
    folder = tmp_path / "stripe"
    folder.mkdir()
    with open(folder / "subscriptions.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([(header or {}).get(n, n) for n in names])
        writer.writerows([[row[n] for n in names] for row in rows])
    return folder


def _months(data, customer: str) -> list[str]:
    table = data.tables["Subscriptions"]
    return [m.strftime("%Y-%m") for m in table[table["customer_id"] == customer]["month"]]


def test_stripe_month_rule_edges(tmp_path):
    folder = _stripe(tmp_path, {
        # a trial ending on the month's last day counts that month
        "sub_3": {"Trial End (UTC)": "2026-01-31 23:59"},
        # canceled without Ended At, on a month's last day: ended that day, so not counted
        "sub_4": {"Canceled At (UTC)": "2026-03-31 10:00"},
        # an incomplete_expired subscription never counts; incomplete is in the sample
        "sub_6": {"Status": "incomplete_expired"},
    }, header={"Start (UTC)": "Start Date (UTC)"})  # an older export's spelling
    data = load_data(folder, today="2026-06-30")
    assert _months(data, "cus_B") == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert _months(data, "cus_C") == ["2026-02"]
    assert _months(data, "cus_E") == []
    # still active with Cancel At Period End, Canceled At filled: counts until it ends
    assert _months(data, "cus_D") == ["2026-04", "2026-05", "2026-06"]


def test_stripe_interval_count_divides(tmp_path):
    with open(STRIPE / "subscriptions.csv", newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append("Interval Count")
    for row in rows[1:]:
        row.append("3" if row[0] == "sub_1" else "")  # 10 x 2 every 3 months: 6.67 a month
    folder = tmp_path / "s"
    folder.mkdir()
    with open(folder / "export.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    table = load_data(folder, today="2026-06-30").tables["Subscriptions"]
    january = table[(table["customer_id"] == "cus_A") & (table["month"] == "2026-01-01")]
    assert january["mrr"].round(2).tolist() == [6.67]


def test_recognised_by_key_columns_not_by_name():
    with open(SHOPIFY / "orders_export_1.csv", newline="") as f:
        header = next(csv.reader(f))
    assert recognise(header).table == "Orders"
    assert recognise([h.upper() for h in header]).table == "Orders"  # any case
    assert recognise([h for h in header if h != "Lineitem quantity"]) is None
    assert recognise(["customer_id", "month", "mrr"]) is None


def test_export_and_our_table_for_one_table_refused(tmp_path):
    folder = tmp_path / "both"
    shutil.copytree(SHOPIFY, folder)
    (folder / "Orders.csv").write_text("order_id,customer_id,order_date,amount,units,units_returned\n"
                                       "1,a,2026-01-02,5,1,0\n")
    with pytest.raises(Exception, match="two sources for table Orders"):
        load_data(folder, today="2026-06-30")


@pytest.mark.parametrize("folder", [SHOPIFY, STRIPE], ids=["shopify", "stripe"])
def test_report_from_an_export(folder, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    assert cli_main(["report", str(folder), "-o", str(out)]) == 0
    assert out.exists()


def test_report_keeps_the_export_currency(tmp_path):
    folder = tmp_path / "eur"
    folder.mkdir()
    for name in ("orders_export_1.csv", "orders_export_2.csv"):
        text = (SHOPIFY / name).read_text().replace(",USD,", ",EUR,")
        (folder / name).write_text(text)
    assert load_data(folder, today="2026-06-30").currency == "EUR"
    out = tmp_path / "out.xlsx"
    assert cli_main(["report", str(folder), "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    formats = {cell.number_format for sheet in book for row in sheet.iter_rows() for cell in row}
    assert any("€" in f for f in formats)
