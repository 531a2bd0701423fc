"""Several inputs at once, the column mapping (--map and the template's Columns table) and
optional columns: read through load_data, the command line and the Refresh button."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwings as xw
from openpyxl.worksheet.table import Table

from addin import refresh
from addin.cli import main
from addin.data import TABLES, load_data
from addin.data.mapping import mapping_from_rows, parse_mapping
from addin.errors import DataError
from addin.export import export_report
from addin.report import build_report, render
from addin.sample_data import generate_company, write_csv_folder
from book_json import book_json, data_workbook
from test_exporter import anchor, kpi_rows

ROOT = Path(__file__).resolve().parents[1]
SHOPIFY = ROOT / "tests" / "data" / "exports" / "shopify"
TEMPLATE = ROOT / "workbook_templates" / "retention_template.xlsx"
TODAY = "2026-11-15"


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    return generate_company(customers=40, months=6, seed=11)


def _workbook(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def _kpi(report, key: str) -> float:
    return float(report.kpis.set_index("key").at[key, "current"])


# --------------------------------------------------------------------------- several inputs


def test_a_folder_a_csv_file_and_a_workbook_read_together(company, tmp_path):
    folder = tmp_path / "billing"
    write_csv_folder({t: company[t] for t in ("Customers", "Subscriptions")}, folder)
    # named after no table: recognised by its header (the columns of NPS)
    survey = tmp_path / "survey answers.csv"
    company["NPS"].to_csv(survey, index=False, date_format="%Y-%m-%d")
    book = _workbook(tmp_path / "shop.xlsx", {"Orders": company["Orders"]})
    data = load_data([folder, survey, book], today=TODAY)
    assert list(data.tables) == ["Customers", "Subscriptions", "Orders", "NPS"]
    alone = {**load_data(folder, today=TODAY).tables, **load_data(book, today=TODAY).tables,
             "NPS": load_data(survey, today=TODAY).tables["NPS"]}
    for name, frame in data.tables.items():
        _same(frame, alone[name])
    assert data.places["NPS"] == "survey answers.csv"
    assert data.places["Orders"] == "shop.xlsx, sheet Orders"
    assert data.source == f"{folder}, {survey}, {book}"

    out = tmp_path / "report.xlsx"
    assert main(["report", str(folder), str(survey), str(book), "-o", str(out), "-q"]) == 0
    report = build_report(data)
    ws = openpyxl.load_workbook(out, data_only=True)["KPIs"]
    _, left = anchor("KPIs", "kpis")
    rows = kpi_rows(ws)
    for key in ("mrr", "nps", "repeat_purchase_ratio"):
        assert ws.cell(rows[render.kpi_label(report, key)], left + 1).value == pytest.approx(_kpi(report, key))


def test_one_table_from_two_inputs_is_refused_naming_both(company, tmp_path, capsys):
    folder = tmp_path / "csv"
    write_csv_folder({"Orders": company["Orders"]}, folder)
    book = _workbook(tmp_path / "book.xlsx", {"Orders": company["Orders"]})
    with pytest.raises(DataError) as error:
        load_data([folder, book], today=TODAY)
    assert str(error.value) == (f"two sources for table Orders: {folder / 'Orders.csv'} and "
                                f"{book}, sheet Orders; keep one")
    out = tmp_path / "report.xlsx"
    assert main(["report", str(folder), str(book), "-o", str(out)]) == 3  # bad data
    assert "two sources for table Orders" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(DataError, match="an input is given twice"):
        load_data([book, book])


def test_the_files_of_one_shopify_export_given_apart_are_joined(tmp_path):
    files = sorted(SHOPIFY.glob("*.csv"))
    assert len(files) == 2
    apart = load_data(files, today="2026-06-30")
    together = load_data(SHOPIFY, today="2026-06-30")
    _same(apart.tables["Orders"], together.tables["Orders"])
    assert apart.quality.equals(together.quality)
    assert len(apart.tables["Orders"]) == 3  # 2 + 1 orders after the cancelled one


def test_a_file_that_fits_no_table_lists_the_tables_and_their_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Kunde,Datum,Betrag\nK1,2026-01-05,12.5\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_data(path)
    message = str(error.value)
    assert message.startswith("export.csv: the file name should be a table name")
    assert "Orders (order_id, customer_id, order_date, amount)" in message
    assert "Customers (customer_id, signup_date)" in message
    assert "units_returned" not in message  # optional: not needed
    assert message.endswith("(headers found: Kunde, Datum, Betrag)")


# --------------------------------------------------------------------------- the mapping

UMSATZ = ("Beleg;Kunde;Datum;Betrag\n"
          "B1;K1;05.01.2026;12,50\n"
          "B2;K2;10.01.2026;30,00\n"
          "B3;K1;20.01.2026;7,25\n"
          "B4;K3;31.01.2026;100,00\n")
MAP = ["Orders.order_id=Beleg", "Orders.customer_id=Kunde", "Orders.order_date=Datum",
       "Orders.amount=Betrag"]


def test_german_headers_mapped_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "umsatz.csv"
    path.write_text(UMSATZ, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    argv = ["report", str(path), "-o", str(out), "-q"]
    for entry in MAP:
        argv += ["--map", entry]
    assert main(argv) == 0, capsys.readouterr().err
    data = load_data(path, mapping=MAP)
    assert list(data.tables["Orders"]["amount"]) == [12.5, 30.0, 7.25, 100.0]
    assert list(data.tables["Orders"].columns) == ["order_id", "customer_id", "order_date", "amount"]
    report = build_report(data)
    ws = openpyxl.load_workbook(out, data_only=True)["KPIs"]
    _, left = anchor("KPIs", "kpis")
    rows = kpi_rows(ws)
    # January 2026: K1 bought twice (5th and 20th), K2 and K3 once
    assert ws.cell(rows[render.kpi_label(report, "repeat_purchase_ratio")], left + 1).value == \
        pytest.approx(1 / 3)
    assert ws.cell(rows[render.kpi_label(report, "time_between_purchases")], left + 1).value == \
        pytest.approx(15)
    # no units in the file: the return rate says which columns it needs
    note = ws.cell(rows[render.kpi_label(report, "return_rate")], left + 5).value
    assert ws.cell(rows[render.kpi_label(report, "return_rate")], left + 1).value is None
    assert "units, units_returned" in note


def test_a_mapping_to_an_absent_header_is_refused_listing_the_headers(tmp_path, capsys):
    path = tmp_path / "umsatz.csv"
    path.write_text(UMSATZ, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    argv = ["report", str(path), "-o", str(out), "--map", "Orders.customer_id=Client"]
    for entry in MAP[:1] + MAP[2:]:
        argv += ["--map", entry]
    assert main(argv) == 3  # bad data: the file holds no such header
    err = capsys.readouterr().err
    assert err == ("retention: umsatz.csv: the mapping Orders.customer_id=Client names a header "
                   "that is not there (headers found: Beleg, Kunde, Datum, Betrag)\n")
    assert not out.exists()
    # a file named after its table: the same refusal, placed at its header row
    named = tmp_path / "Orders.csv"
    named.write_text(UMSATZ, encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_data(named, mapping={"Orders": {"customer_id": "Client"}})
    assert str(error.value) == ("Orders.csv, row 1: the mapping Orders.customer_id=Client names a "
                                "header that is not there (headers found: Beleg, Kunde, Datum, Betrag)")


def test_a_mapping_naming_an_unknown_table_or_column_lists_the_known_ones(tmp_path, capsys):
    with pytest.raises(DataError) as error:
        parse_mapping(["Sales.customer_id=Kunde"])
    assert str(error.value).endswith("the tables are " + ", ".join(TABLES))
    with pytest.raises(DataError) as error:
        parse_mapping({"Orders.client": "Kunde"})
    assert str(error.value) == ("the mapping names column 'client' of Orders, which has no such "
                                "column: its columns are order_id, customer_id, order_date, amount, "
                                "units, units_returned")
    with pytest.raises(DataError, match="should be TABLE.COLUMN=HEADER"):
        parse_mapping(["Orders.customer_id"])
    with pytest.raises(DataError, match="mapped twice"):
        parse_mapping(["Orders.customer_id=Kunde", "orders.Customer ID=Client"])
    # any case and spacing of our names
    assert parse_mapping(["orders.Customer ID=Kunde"]) == {"Orders": {"customer_id": "Kunde"}}
    out = tmp_path / "report.xlsx"
    assert main(["report", str(SHOPIFY), "-o", str(out), "--map", "Sales.x=y"]) == 3  # a mapping refused, as data the run cannot read
    assert "not one of ours" in capsys.readouterr().err and not out.exists()


def test_a_mapped_table_no_input_gives_is_refused(tmp_path):
    path = tmp_path / "umsatz.csv"
    path.write_text(UMSATZ, encoding="utf-8")
    with pytest.raises(DataError, match="names table NPS, which no input gives"):
        load_data(path, mapping=MAP + ["NPS.score=Note"])


def test_a_survey_csv_with_a_0_to_10_column_is_mapped_as_nps(tmp_path):
    path = tmp_path / "survey_results.csv"
    path.write_text("Respondent,Email,Submitted,How likely are you to recommend us? (0-10)\n"
                    "1,ann@example.com,2026-03-02,10\n"
                    "2,bob@example.com,2026-03-09,9\n"
                    "3,cy@example.com,2026-03-20,7\n"
                    "4,dee@example.com,2026-03-31,2\n", encoding="utf-8")
    mapping = {"NPS.customer_id": "Email", "NPS.date": "Submitted",
               "NPS.score": "How likely are you to recommend us? (0-10)"}
    data = load_data(path, mapping=mapping, today="2026-04-30")
    assert list(data.tables) == ["NPS"]
    assert list(data.tables["NPS"]["score"]) == [10, 9, 7, 2]
    # 2 promoters, 1 passive, 1 detractor of 4 answers: (2 - 1) / 4 = 25 points
    assert _kpi(build_report(data), "nps") == pytest.approx(25)


# --------------------------------------------------------------------------- optional columns


def test_optional_columns_left_out_are_absent_and_the_report_says_what_is_missing(company):
    frames = {
        "Customers": company["Customers"].drop(columns=["churn_date", "name", "segment"]),
        "Orders": company["Orders"].drop(columns=["units", "units_returned"]),
        "Invoices": company["Invoices"].drop(columns=["paid_date"]),
    }
    data = load_data(frames, today=TODAY)
    assert list(data.tables["Customers"].columns) == ["customer_id", "signup_date"]
    assert list(data.tables["Orders"].columns) == ["order_id", "customer_id", "order_date", "amount"]
    assert "paid_date" not in data.tables["Invoices"]
    assert data.segments == []
    report = build_report(data)
    kpis = report.kpis.set_index("key")
    # no churn date: nobody is lost
    assert kpis.at["customers_lost", "current"] == 0 and kpis.at["churn", "current"] == 0
    # without units the return rate needs them, named
    assert np.isnan(kpis.at["return_rate", "current"])
    assert [(n.key, dict(n.values)) for n in kpis.at["return_rate", "note"]] == [
        ("needs_columns", {"columns": "units, units_returned", "table": "Orders"})]
    assert kpis.at["repeat_purchase_ratio", "current"] >= 0
    # without paid dates every invoice is open: DSO counts them all as receivable
    assert kpis.at["dso", "current"] > 0
    with_paid = build_report(load_data({**frames, "Invoices": company["Invoices"]}, today=TODAY))
    assert kpis.at["dso", "current"] > with_paid.kpis.set_index("key").at["dso", "current"]


def test_the_return_rate_of_a_shopify_export_says_the_column_is_missing(tmp_path):
    out = tmp_path / "shop.xlsx"
    report, _ = export_report(SHOPIFY, out)
    note = report.kpis.set_index("key").at["return_rate", "note"]
    assert [(n.key, dict(n.values)) for n in note] == [
        ("needs_columns", {"columns": "units_returned", "table": "Orders"})]
    ws = openpyxl.load_workbook(out, data_only=True)["KPIs"]
    _, left = anchor("KPIs", "kpis")
    row = kpi_rows(ws)[render.kpi_label(report, "return_rate")]
    assert ws.cell(row, left + 1).value is None  # not 0 %
    assert ws.cell(row, left + 5).value == "n/a — needs the units_returned column(s) of Orders"


# --------------------------------------------------------------------------- the Columns table


def _columns_table(wb: openpyxl.Workbook, rows: list[tuple[str, str, str]]) -> None:
    """A Columns Table (Table, Column, Header) on the Settings sheet, as the template has it."""
    ws = wb["Settings"]
    ws["A15"], ws["B15"], ws["C15"] = "Table", "Column", "Header"
    for i, row in enumerate(rows or [(None, None, None)]):
        for j, value in enumerate(row):
            ws.cell(16 + i, 1 + j, value)
    ws.add_table(Table(displayName="Columns", ref=f"A15:C{15 + max(len(rows), 1)}"))


def test_the_columns_table_is_read_by_the_refresh_button_and_the_report(company, tmp_path):
    frames = {name: company[name] for name in ("Customers", "Subscriptions", "Orders")}
    frames["Orders"] = frames["Orders"].rename(columns={"customer_id": "Kunde", "amount": "Betrag"})
    wb = data_workbook(frames)
    _columns_table(wb, [("Orders", "customer_id", "Kunde"), ("orders", "Amount", " Betrag")])
    path = tmp_path / "mapped.xlsx"
    wb.save(path)
    book = xw.Book(json=book_json(openpyxl.load_workbook(path, data_only=True), path.name))
    result = refresh.refresh_book(book, alert=False)
    assert result.ok, result.message
    exported, _ = export_report(path, tmp_path / "report.xlsx")
    plain, _ = export_report({**company}, tmp_path / "plain.xlsx")  # our own headers
    for key in ("repeat_purchase_ratio", "clv", "mrr", "crr"):
        a, b = _kpi(result.report, key), _kpi(exported, key)
        assert a == pytest.approx(b) or (np.isnan(a) and np.isnan(b)), key
    assert _kpi(exported, "repeat_purchase_ratio") == pytest.approx(_kpi(plain, "repeat_purchase_ratio"))
    # a --map wins over the table's row for the same column
    with pytest.raises(DataError, match="Orders.amount=Total names a header that is not there"):
        export_report(path, tmp_path / "again.xlsx", mapping=["Orders.amount=Total"])


def test_a_bad_row_of_the_columns_table_is_refused_where_it_is(company, tmp_path):
    wb = data_workbook({"Orders": company["Orders"]})
    _columns_table(wb, [("Orders", "customer", "Kunde")])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    book = xw.Book(json=book_json(openpyxl.load_workbook(path, data_only=True), path.name))
    result = refresh.refresh_book(book, alert=False)
    assert not result.ok
    expected = ("bad.xlsx, sheet Settings, row 16: the mapping names column 'customer' of Orders, "
                "which has no such column: its columns are order_id, customer_id, order_date, "
                "amount, units, units_returned")
    assert result.message == expected
    with pytest.raises(DataError) as error:
        export_report(path, tmp_path / "report.xlsx")
    assert str(error.value) == expected
    with pytest.raises(DataError, match="row 3: the Columns table's row needs Table, Column, Header; "
                                        "Header is blank"):
        mapping_from_rows([(2, ["", None, ""]), (3, ["Orders", "customer_id", None])],
                          file="x.xlsx", sheet="Settings")


def test_the_templates_columns_table_maps_its_data(tmp_path):
    """The committed template has an empty Columns table; filled, `retention report` reads it."""
    wb = openpyxl.load_workbook(TEMPLATE)
    assert "Columns" in wb["Settings"].tables
    ws = wb["Orders"]
    table = ws.tables["Orders"]
    position = [c.name for c in table.tableColumns].index("customer_id")
    table.tableColumns[position].name = "Cliente"
    ws.cell(1, 1 + position, "Cliente")
    ref = wb["Settings"].tables["Columns"].ref
    first = openpyxl.utils.cell.range_boundaries(ref)[1] + 1
    wb["Settings"].cell(first, 1, "Orders")
    wb["Settings"].cell(first, 2, "customer_id")
    wb["Settings"].cell(first, 3, "Cliente")
    mapped = tmp_path / "template.xlsx"
    wb.save(mapped)
    original = tmp_path / "original.xlsx"
    shutil.copy(TEMPLATE, original)
    out = tmp_path / "report.xlsx"
    assert main(["report", str(mapped), "-o", str(out), "-q"]) == 0
    a, _ = export_report(mapped, tmp_path / "a.xlsx")
    b, _ = export_report(original, tmp_path / "b.xlsx")
    for key in ("repeat_purchase_ratio", "time_between_purchases", "return_rate", "clv"):
        assert _kpi(a, key) == pytest.approx(_kpi(b, key)), key
    wb["Settings"].cell(first, 3, "Kunde")
    wb.save(mapped)
    assert main(["report", str(mapped), "-o", str(tmp_path / "c.xlsx")]) == 3  # the Columns table maps a header not there
