"""addin.data: every kind of source, the checks, the drop reasons, the refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import struct
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.table import Table

from addin.data import (
    QUALITY_COLUMNS,
    TABLES,
    RetentionData,
    load_data,
)
from addin.errors import DataError, InvalidInputError
from addin.sample_data import generate_company, write_csv_folder

# --------------------------------------------------------------------------- helpers

DTYPES = {"id": "str", "text": "str", "date": "datetime64[ns]", "month": "datetime64[ns]",
          "money": "float64", "count": "int64", "score": "int64"}


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    return generate_company(customers=40, months=6, seed=11)


def typed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.reset_index(drop=True) for name, frame in tables.items()}


def assert_same_tables(data: RetentionData, expected: dict[str, pd.DataFrame]) -> None:
    assert list(data.tables) == [t for t in TABLES if t in expected]
    for name, frame in expected.items():
        got = data.tables[name]
        assert list(got.columns) == list(TABLES[name])
        for col, kind in TABLES[name].items():
            assert str(got[col].dtype) == DTYPES[kind] or (
                kind in ("id", "text") and isinstance(got[col].dtype, pd.StringDtype)), (name, col)
        pd.testing.assert_frame_equal(got, frame.reset_index(drop=True), check_dtype=False,
                                      check_index_type=False)


def quality_counts(data: RetentionData, table: str) -> dict[str, int]:
    q = data.quality[data.quality["table"] == table]
    return {r: int(d) for r, d in zip(q["reason"], q["rows_dropped"]) if r}


def write_sheets(path: Path, tables: dict[str, pd.DataFrame], *, as_tables: bool = False,
                 origin: tuple[int, int] = (1, 1), title: str | None = None) -> Path:
    """Each table on a sheet of its name; as an Excel Table (ListObject) when as_tables."""
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "Read me"
    readme["A1"] = "Retention template"
    readme["B2"] = "=SUM(1,2)"  # a formula elsewhere: data_only must not matter
    for name, frame in tables.items():
        sheet = book.create_sheet(name)
        row0, col0 = origin
        if title:
            sheet.cell(row=1, column=1, value=title)
        for j, col in enumerate(frame.columns):
            sheet.cell(row=row0, column=col0 + j, value=col)
        for i, record in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(record):
                if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
                    continue
                if isinstance(value, pd.Timestamp):
                    value = value.to_pydatetime()
                elif isinstance(value, np.generic):
                    value = value.item()
                sheet.cell(row=row0 + i, column=col0 + j, value=value)
        if as_tables:
            ref = (f"{get_column_letter(col0)}{row0}:"
                   f"{get_column_letter(col0 + len(frame.columns) - 1)}{row0 + max(len(frame), 1)}")
            sheet.add_table(Table(displayName=name, ref=ref))
    book.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def orders_frame(rows: list[list], columns=None) -> dict[str, pd.DataFrame]:
    columns = columns or list(TABLES["Orders"])
    return {"Orders": pd.DataFrame(rows, columns=columns, dtype=object)}


GOOD_ORDER = ["O1", "C1", "2026-01-05", 10.0, 2, 0]


# --------------------------------------------------------------------------- sources


def test_dataframes_are_typed_and_nothing_dropped(company):
    data = RetentionData.from_frames(company)
    assert_same_tables(data, typed(company))
    assert list(data.quality.columns) == list(QUALITY_COLUMNS)
    assert list(data.quality["table"]) == list(TABLES)
    assert (data.quality["reason"] == "").all()
    assert (data.quality["rows_dropped"] == 0).all()
    assert (data.quality["rows_read"] == data.quality["rows_kept"]).all()
    assert data.segments == ["Enterprise", "Mid-Market", "SMB"]
    assert data.source == "DataFrames" and data.notes == []


def test_load_data_accepts_a_dict(company):
    data = load_data({"orders": company["Orders"], "Not a table": pd.DataFrame({"x": [1]})})
    assert list(data.tables) == ["Orders"]
    assert data.has("Orders") and not data.has("nps") and data.get("NPS") is None


def test_csv_folder(company, tmp_path):
    write_csv_folder(company, tmp_path)
    (tmp_path / "Orders.csv").rename(tmp_path / "orders.csv")  # any case
    (tmp_path / "unrelated.csv").write_text("a,b\n1,2\n")
    data = load_data(tmp_path)
    assert_same_tables(data, typed(company))
    assert data.source == str(tmp_path)
    assert data.notes == ["Ignored unrelated.csv: not a table name (Customers, Subscriptions, "
                          "Orders, NPS, Invoices, Activity, Costs), nor a header holding the "
                          "columns of one of them or of a known export."]


def test_single_csv_file(company, tmp_path):
    write_csv_folder({"NPS": company["NPS"]}, tmp_path)
    data = load_data(tmp_path / "NPS.csv")
    assert_same_tables(data, typed({"NPS": company["NPS"]}))


def test_xlsx_sheets(company, tmp_path):
    path = write_sheets(tmp_path / "data.xlsx", company)
    data = load_data(path)
    assert_same_tables(data, typed(company))


def test_xlsx_tables_not_at_a1(company, tmp_path):
    # like the template: a sheet "Orders" holding a Table "Orders" at C4, a title above it
    path = write_sheets(tmp_path / "template.xlsm", company, as_tables=True, origin=(4, 3),
                        title="Paste your data in the table below")
    data = load_data(path)
    assert_same_tables(data, typed(company))


def test_xlsx_table_named_after_a_table_on_another_sheet(company, tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Survey answers"
    sheet["A1"] = "notes"
    sheet.append([])
    sheet.append(["Customer ID", "Date", "Score", "Comment"])
    sheet.append(["C1", dt.datetime(2026, 3, 1, 14, 30), 9, "great"])
    sheet.append(["C2", 46082, 3, None])  # an Excel serial number: 2026-03-01
    sheet.add_table(Table(displayName="nps", ref="A3:D5"))
    book.save(path)
    data = load_data(path)
    nps = data.get("NPS")
    assert list(nps["customer_id"]) == ["C1", "C2"]
    assert list(nps["date"]) == [pd.Timestamp("2026-03-01")] * 2
    assert list(nps["score"]) == [9, 3]


def test_two_xlsx_tables_naming_one_table_the_first_is_read(tmp_path):
    # the rule of addin.data.sources.locate, as the Refresh button applies it
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    for title, name, user in (("First", "Activity", "U1"), ("Second", "activity_", "U2")):
        sheet = book.create_sheet(title)
        sheet.append(["user_id", "date"])
        sheet.append([user, dt.date(2026, 1, 5)])
        sheet.add_table(Table(displayName=name, ref="A1:B2"))
    book.save(path)
    assert list(load_data(path).get("Activity")["user_id"]) == ["U1"]


def test_sheet_named_after_a_table_with_one_table_of_another_name(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Costs"
    sheet["A1"] = "Budget (the table below is read, not this title)"
    sheet["D5"], sheet["E5"] = "Month", "Retention spend"
    sheet["D6"], sheet["E6"] = dt.date(2026, 1, 1), 1500
    sheet["D7"], sheet["E7"] = "2026-02", "2.500,00 €"  # text whose decimal comma shows
    sheet["D8"], sheet["E8"] = "2026-03", 1700
    sheet.add_table(Table(displayName="Table1", ref="D5:E8"))
    book.save(path)
    data = load_data(path)
    assert list(data.get("Costs")["retention_spend"]) == [1500.0, 2500.0, 1700.0]
    assert data.notes == [
        "book.xlsx (sheet Costs): numbers read with a decimal comma (1.234,56 is 1234.56), as 1 "
        "number shows it, such as '2.500,00 €' (row 7, column E (Retention spend)); if that "
        "is wrong, give the decimal mark (--decimal .)."]
    forced = load_data(path, decimal=".")
    assert list(forced.get("Costs")["retention_spend"]) == [1500.0, 1700.0]
    assert quality_counts(forced, "Costs") == {"not a number in retention_spend": 1}


def test_italian_csv(tmp_path):
    (tmp_path / "Orders.csv").write_bytes(
        "order_id;customer_id;order_date;amount;units;units_returned\r\n"
        "O1;C1;05/01/2026;1.234,56;2;0\r\n"
        "O2;C2;31/01/2026;12,5;1;\r\n"
        "O3;C1;1/2/2026;7;3;1\r\n".encode("cp1252"))
    (tmp_path / "Customers.csv").write_bytes(
        "customer_id;name;segment;signup_date;churn_date\r\n"
        "C1;Caffè Rossi;PMI;01/12/2025;\r\n"
        "C2;Bar Sport;PMI;13/12/2025;-\r\n".encode("cp1252"))
    data = load_data(tmp_path)
    orders = data.get("Orders")
    assert list(orders["amount"]) == [1234.56, 12.5, 7.0]
    assert list(orders["order_date"]) == list(pd.to_datetime(["2026-01-05", "2026-01-31", "2026-02-01"]))
    assert list(orders["units_returned"]) == [0, 0, 1]
    customers = data.get("Customers")
    assert list(customers["name"]) == ["Caffè Rossi", "Bar Sport"]
    assert customers["churn_date"].isna().all()
    assert data.notes == [
        "Customers.csv is not UTF-8: read as Windows-1252 (Western European), as its 1 character "
        "outside ASCII reads as such text, such as 'Caffè' (line 2); if that is wrong, give the file's "
        "encoding (--encoding followed by its name).",
        "Customers.csv: dates read day first (DD/MM/YYYY), as 1 date only makes sense that way, "
        "such as '13/12/2025' (row 3, column D (signup_date)); 1 date that reads either way, such "
        "as '01/12/2025' (row 2, column D (signup_date)), is read so too; if that is "
        "wrong, give the date format (--date-format %m/%d/%Y).",
        "Orders.csv: numbers read with a decimal comma (1.234,56 is 1234.56), as 2 numbers show "
        "it, such as '1.234,56' (row 2, column D (amount)); if that is wrong, give the "
        "decimal mark (--decimal .).",
        "Orders.csv: dates read day first (DD/MM/YYYY), as 1 date only makes sense that way, such "
        "as '31/01/2026' (row 3, column C (order_date)); 2 dates that read either way, such as "
        "'05/01/2026' (row 2, column C (order_date)), are read so too; if that is "
        "wrong, give the date format (--date-format %m/%d/%Y).",
    ]
    with pytest.raises(DataError) as error:
        load_data(tmp_path, decimal=".")
    assert str(error.value) == (
        "Orders.csv, row 2, column D (amount): '1.234,56' is not a number (expected an amount "
        "such as 1234.56); 2 of 3 values in this column cannot be read; if the file uses a "
        "decimal comma, give it (--decimal ,)")


def test_decimal_forced_and_detected_ambiguous(tmp_path):
    (tmp_path / "Costs.csv").write_text("month;retention_spend\n2026-01;1.234\n2026-02;2.000\n")
    with pytest.raises(DataError) as error:  # ';' and nothing else to go by: refused
        load_data(tmp_path)
    assert str(error.value) == (
        "Costs.csv, row 2, column B (retention_spend): '1.234' may be a number with a decimal "
        "comma or with a decimal point, and no number of the table shows which mark it uses "
        "(2 such numbers); give the decimal mark (--decimal , or --decimal .)")
    detected = load_data(tmp_path, decimal=",")
    assert list(detected.get("Costs")["retention_spend"]) == [1234.0, 2000.0]
    assert detected.notes == []
    forced = load_data(tmp_path, decimal=".")
    assert list(forced.get("Costs")["retention_spend"]) == [1.234, 2.0]
    assert forced.notes == []
    (tmp_path / "Costs.csv").write_text('month,retention_spend\n2026-01,"1,234"\n2026-02,"2,000.50"\n')
    english = load_data(tmp_path)
    assert list(english.get("Costs")["retention_spend"]) == [1234.0, 2000.5]
    assert list(english.get("Costs")["month"]) == list(pd.to_datetime(["2026-01-01", "2026-02-01"]))


def test_header_and_table_names_match_loosely(tmp_path):
    (tmp_path / "nps.CSV").write_text(
        " CUSTOMER_ID ,Date,score,Extra column\nC1,2026-01-02,10,x\n C2 ,2026-01-03,0,y\n")
    data = load_data(tmp_path)
    assert list(data.get("nps")["customer_id"]) == ["C1", "C2"]
    frames = {"  Customers ": pd.DataFrame({"Customer ID": ["C1"], "Signup-Date": ["2026-01-01"],
                                            "churn date": [None]})}
    customers = RetentionData.from_frames(frames).get("Customers")
    # the optional name and segment, left out, are absent (not blank)
    assert list(customers.columns) == ["customer_id", "signup_date", "churn_date"]


def test_ids_typed_as_numbers_match_text_ids():
    frames = {
        "Customers": pd.DataFrame({"customer_id": [101.0, 102.0], "signup_date": ["2026-01-01"] * 2,
                                   "churn_date": [None, None], "segment": ["A", "B"]}),
        "NPS": pd.DataFrame({"customer_id": ["101", 102], "date": ["2026-02-01"] * 2, "score": [9, 7]}),
    }
    data = RetentionData.from_frames(frames)
    assert list(data.get("Customers")["customer_id"]) == ["101", "102"]
    assert list(data.get("NPS")["customer_id"]) == ["101", "102"]
    assert quality_counts(data, "NPS") == {}


def test_dates_in_every_accepted_form():
    frames = orders_frame([
        ["O1", "C1", "2026-03-04", 1, 1, 0],
        ["O2", "C1", "2026-03-04 17:45:00", 1, 1, 0],
        ["O3", "C1", "04/03/2026", 1, 1, 0],
        ["O4", "C1", "4/3/2026", 1, 1, 0],
        ["O5", "C1", "04.03.2026", 1, 1, 0],
        ["O6", "C1", 46085, 1, 1, 0],  # Excel serial
        ["O7", "C1", dt.date(2026, 3, 4), 1, 1, 0],
        ["O8", "C1", dt.datetime(2026, 3, 4, 9, 0), 1, 1, 0],
        ["O9", "C1", "25/12/2025", 1, 1, 0],  # makes the column day-first beyond doubt
    ])
    dates = RetentionData.from_frames(frames).get("Orders")["order_date"]
    assert list(dates[:8]) == [pd.Timestamp("2026-03-04")] * 8
    months = RetentionData.from_frames({"Costs": pd.DataFrame({
        "month": ["2026-03", "03/2026", "Mar 2026", "2026-03-17", dt.date(2026, 3, 31)],
        "retention_spend": [1, 2, 3, 4, 5]})}).get("Costs")
    assert list(months["month"]) == [pd.Timestamp("2026-03-01")]
    assert list(months["retention_spend"]) == [15.0]


def test_text_numbers(tmp_path):
    costs = pd.DataFrame({"month": [f"2026-{m:02d}" for m in range(1, 8)],
                          "retention_spend": ["$1,234.50", " 12 ", "1'234.50", "(12.00)", "-", "N/A", 7]})
    data = RetentionData.from_frames({"Costs": costs})
    assert list(data.get("Costs")["retention_spend"]) == [1234.5, 12.0, 1234.5, 0.0, 7.0]
    assert quality_counts(data, "Costs") == {"negative retention_spend": 1, "blank retention_spend": 1}
    italian = RetentionData.from_frames({"Costs": costs.assign(retention_spend=["€ 1.234,50", "12,5", "3"] + [1] * 4)},
                                        decimal=",")
    assert list(italian.get("Costs")["retention_spend"])[:3] == [1234.5, 12.5, 3.0]
    (tmp_path / "Costs.csv").write_text("month;retention_spend\n2026-01;1.234.567,5\n2026-02;1.5\n"
                                        "2026-03;1.2.3\n2026-04;12,25\n2026-05;1.000\n")
    with pytest.raises(DataError, match=r"^Costs.csv: numbers are written with both decimal marks: "
                       r"2 with a comma such as '1.234.567,5' \(row 2, column B \(retention_spend\)\), "
                       r"1 with a point such as '1.5' \(row 3"):
        load_data(tmp_path)
    data = load_data(tmp_path, decimal=",")
    assert list(data.get("Costs")["retention_spend"]) == [1234567.5, 12.25, 1000.0]
    assert quality_counts(data, "Costs") == {"not a number in retention_spend": 2}
    (tmp_path / "Costs.csv").write_text("month,retention_spend\n2026-01,-\n2026-02,N/A\n2026-03,5\n")
    data = load_data(tmp_path)
    assert list(data.get("Costs")["retention_spend"]) == [0.0, 5.0]
    assert quality_counts(data, "Costs") == {"blank retention_spend": 1}


def test_dates_with_times_and_things_that_are_not_dates():
    activity = pd.DataFrame({"user_id": [f"U{i}" for i in range(8)], "date": [
        "2026-01-05T10:00:00", "2026-01-05 23:00:00+02:00", "2026-01-05T23:30:00Z",
        "05/01/2026 10:30 PM", "46027",  # the date as written; a serial number as text
        "2026", "2026-01", "12345678"]})
    data = RetentionData.from_frames({"Activity": activity}, date_format="%d/%m/%Y")
    assert list(data.get("Activity")["date"]) == [pd.Timestamp("2026-01-05")] * 5
    assert quality_counts(data, "Activity") == {"not a date in date": 3}


def test_month_first_dates_detected_and_noted(tmp_path):
    (tmp_path / "Activity.csv").write_text("user_id,date\nU1,12/25/2025\nU1,01/02/2026\n")
    data = load_data(tmp_path)
    assert list(data.get("Activity")["date"]) == list(pd.to_datetime(["2025-12-25", "2026-01-02"]))
    assert data.notes == [
        "Activity.csv: dates read month first (MM/DD/YYYY), as 1 date only makes sense that way, "
        "such as '12/25/2025' (row 2, column B (date)); 1 date that reads either way, such as "
        "'01/02/2026' (row 3, column B (date)), is read so too; if that is "
        "wrong, give the date format (--date-format %d/%m/%Y)."]
    (tmp_path / "Activity.csv").write_text("user_id,date\nU1,03/04/2026\nU2,05/05/2026\n")
    with pytest.raises(DataError) as error:  # nothing tells the order, and it changes a date
        load_data(tmp_path)
    assert str(error.value) == (
        "Activity.csv, row 2, column B (date): '03/04/2026' may be day first or month first, and "
        "no date of the table shows which (1 such date); give the date format "
        "(--date-format %d/%m/%Y or --date-format %m/%d/%Y)")
    data = load_data(tmp_path, date_format="%d/%m/%Y")
    assert list(data.get("Activity")["date"]) == [pd.Timestamp("2026-04-03"), pd.Timestamp("2026-05-05")]
    (tmp_path / "Activity.csv").write_text("user_id,date\nU1,03/04/2026\n")
    data = load_data(tmp_path, date_format="%m/%d/%Y")
    assert list(data.get("Activity")["date"]) == [pd.Timestamp("2026-03-04")]
    assert data.notes == []


# --------------------------------------------------------------------------- drop reasons


def test_every_drop_reason_is_counted():
    orders = orders_frame([
        GOOD_ORDER,
        [None, "C1", "2026-01-05", 1, 1, 0],                 # blank order_id
        ["O2", "  ", "2026-01-05", 1, 1, 0],                 # blank customer_id
        ["O3", "C1", "31/02/2026", 1, 1, 0],                 # impossible date
        ["O4", "C1", "next week", 1, 1, 0],                  # not a date
        ["O5", "C1", "05/01/26", 1, 1, 0],                   # ambiguous (2-digit year)
        ["O6", "C1", "1850-01-01", 1, 1, 0],                 # out of range
        ["O7", "C1", "#N/A", 1, 1, 0],                       # Excel error
        ["O8", "C1", "2026-01-05", "abc", 1, 0],             # not a number
        ["O9", "C1", "2026-01-05", -5, 1, 0],                # negative amount
        ["O10", "C1", "2026-01-05", 1, 2.5, 0],              # units not whole
        ["O11", "C1", "2026-01-05", 1, -1, 0],               # negative units
        ["O12", "C1", "2026-01-05", 1, 1, 3],                # returned > units
        ["O1", "C1", "2026-01-06", 1, 1, 0],                 # duplicate order_id
        ["O13", "C1", "2026-01-05", None, 1, 0],             # blank amount
        ["O14", "C1", "2026-01-05", 1, 1, None],             # blank units_returned: 0, kept
        ["O15", "C1", "2026-01-05", True, 1, 0],             # TRUE is not a number
        [None, None, None, None, None, None],                # an empty row: not data
    ])["Orders"]
    nps = pd.DataFrame({"customer_id": ["C1"] * 4, "date": ["2026-01-01"] * 4, "score": [11, -1, 7.5, 10]})
    customers = pd.DataFrame({"customer_id": ["C1", "C1", "C2"], "name": ["a", "b", "c"],
                              "segment": ["SMB"] * 3,
                              "signup_date": ["2026-01-01", "2026-01-01", "2026-02-01"],
                              "churn_date": [None, None, "2026-01-01"]})
    invoices = pd.DataFrame({"invoice_id": ["I1", "I1", "I2"], "customer_id": ["C1", "C1", "C9"],
                             "issue_date": ["2026-01-01"] * 3, "due_date": ["2026-01-31", "2026-01-31", "2025-12-01"],
                             "amount": [5, 5, 5], "paid_date": [None, None, None]})
    subs = pd.DataFrame({"customer_id": ["C1", "C1", "C1", "C7"], "month": ["2026-01-01", "2026-01-15", "2026-02-01", "2026-01-01"],
                         "mrr": [10, 5, 10, 1]})
    costs = pd.DataFrame({"month": ["2026-01", "2026-01", "2026-02"], "retention_spend": [1, 2, "-"]})
    activity = pd.DataFrame({"user_id": ["U1", "U1", "U2"], "date": ["2026-01-01"] * 3})
    data = RetentionData.from_frames({"Orders": orders, "NPS": nps, "Customers": customers,
                                      "Invoices": invoices, "Subscriptions": subs, "Costs": costs,
                                      "Activity": activity})
    assert quality_counts(data, "Orders") == {
        "blank order_id": 1, "blank customer_id": 1, "impossible date in order_date": 1,
        "not a date in order_date": 1, "ambiguous date in order_date": 1,
        "date out of range in order_date": 1, "Excel error value in order_date": 1,
        "not a number in amount": 2, "negative amount": 1, "blank amount": 1,
        "units not a whole number": 1, "negative units": 1,
        "units_returned more than units": 1, "duplicate order_id": 1,
    }
    q = data.quality.set_index(["table", "reason"])
    assert q.loc[("Orders", "negative amount"), "rows_read"] == 17  # the empty row is not counted
    assert q.loc[("Orders", "negative amount"), "rows_kept"] == 2
    assert list(data.get("Orders")["order_id"]) == ["O1", "O14"]
    assert list(data.get("Orders")["units_returned"]) == [0, 0]
    assert quality_counts(data, "NPS") == {"score outside 0-10": 2, "score not a whole number": 1}
    assert quality_counts(data, "Customers") == {"churn_date before signup_date": 1,
                                                 "duplicate customer_id": 1}
    assert quality_counts(data, "Invoices") == {"due_date before issue_date": 1, "duplicate invoice_id": 1}
    assert quality_counts(data, "Subscriptions") == {
        "repeated customer_id and month (mrr added up)": 1,
        "customer_id not in Customers: 1 row kept": 0}
    subs_out = data.get("Subscriptions")
    assert list(subs_out["mrr"]) == [15.0, 10.0, 1.0]
    assert list(subs_out["month"]) == list(pd.to_datetime(["2026-01-01", "2026-02-01", "2026-01-01"]))
    assert quality_counts(data, "Costs") == {"repeated month (retention_spend added up)": 1}
    assert list(data.get("Costs")["retention_spend"]) == [3.0, 0.0]  # '-' is an accounting zero
    assert quality_counts(data, "Activity") == {"repeated user_id and date": 1}
    # every table: the drops add up
    for table, group in data.quality.groupby("table"):
        read, kept = group["rows_read"].iloc[0], group["rows_kept"].iloc[0]
        assert read - kept == group["rows_dropped"].sum(), table
        assert kept == len(data.tables[table])


def test_ids_missing_from_customers_are_counted_alike_with_and_without_arrow(monkeypatch):
    """Arrow looks the ids up where it is installed; pandas where it is not (xlwings Lite)."""
    import builtins

    from addin.data.model import _missing_from

    ids = pd.Series(pd.array(["a", "b", None, "c", "b"], dtype="str"))
    known = pd.Series(pd.array(["a", "c", "z"], dtype="str"))
    cases = [(ids, known), (ids.iloc[:0], known), (ids, known.iloc[:0])]
    with_arrow = [_missing_from(*case) for case in cases]
    assert with_arrow == [3, 0, 5]  # b, the blank and b again; none; every one
    real_import = builtins.__import__

    def without_arrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_arrow)
    assert [_missing_from(*case) for case in cases] == with_arrow


def test_customer_ids_missing_from_customers_are_kept_and_counted(company):
    frames = dict(company)
    frames["Customers"] = company["Customers"].iloc[5:]
    data = RetentionData.from_frames(frames)
    gone = set(company["Customers"]["customer_id"].iloc[:5])
    for table in ("Subscriptions", "Orders", "NPS", "Invoices"):
        n = int(company[table]["customer_id"].isin(gone).sum())
        rows = data.quality[data.quality["table"] == table]
        assert len(data.get(table)) == len(company[table])
        if n:
            shown = "1 row" if n == 1 else f"{n:,} rows"
            assert list(rows["reason"]) == ["", f"customer_id not in Customers: {shown} kept"]
            assert list(rows["rows_dropped"]) == [0, 0]
    assert data.segments == ["Enterprise", "Mid-Market", "SMB"]


def test_placeholder_dates_and_blank_tokens():
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "signup_date": ["2025-01-01"] * 3,
                              "churn_date": ["9999-12-31", "N/A", ""], "segment": [" SMB ", "", None]})
    data = RetentionData.from_frames({"Customers": customers})
    assert data.get("Customers")["churn_date"].isna().all()
    assert list(data.get("Customers")["segment"]) == ["SMB", "", ""]
    assert data.segments == ["SMB"]


def test_1904_date_system(tmp_path):
    path = tmp_path / "mac.xlsx"
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Activity"
    sheet.append(["user_id", "date"])
    sheet.append(["U1", 44620])  # a plain number: 1904-01-01 + 44620 days
    book.save(path)
    assert list(load_data(path).get("Activity")["date"]) == [pd.Timestamp("2026-03-01")]


# --------------------------------------------------------------------------- refusals (DataError)


def test_missing_column_names_the_columns_found(tmp_path):
    (tmp_path / "Orders.csv").write_text("order_id,customer_id,order_date,units\nO1,C1,2026-01-01,1\n")
    with pytest.raises(DataError) as error:
        load_data(tmp_path)
    assert str(error.value) == ("Orders.csv, row 1: table Orders has no column amount "
                                "(columns found: order_id, customer_id, order_date, units)")
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "NPS"
    book.active.append(["Customer", "Date", "Score"])
    book.save(path)
    with pytest.raises(DataError) as error:
        load_data(path)
    assert str(error.value) == ("book.xlsx, sheet NPS, row 1: table NPS has no column customer_id "
                                "(columns found: Customer, Date, Score)")


def test_two_columns_with_the_same_name():
    with pytest.raises(DataError, match=r"^Activity: two columns are user_id: 'user_id' and 'User ID'; keep one$"):
        RetentionData.from_frames({"Activity": pd.DataFrame([["U1", "2026-01-01", "U2"]],
                                                            columns=["user_id", "date", "User ID"])})


def test_text_in_most_of_a_money_column_names_the_first_bad_cell(tmp_path):
    (tmp_path / "Invoices.csv").write_text(
        "invoice_id,customer_id,issue_date,due_date,amount,paid_date\n"
        "I1,C1,2026-01-01,2026-01-31,100,\n"
        "I2,C1,2026-02-01,2026-03-03,paid,\n"
        "I3,C1,2026-03-01,2026-03-31,paid,\n")
    with pytest.raises(DataError) as error:
        load_data(tmp_path)
    assert str(error.value) == ("Invoices.csv, row 3, column E (amount): 'paid' is not a number "
                                "(expected an amount such as 1234.56); 2 of 3 values in this "
                                "column cannot be read")


def test_error_location_in_a_table_not_at_a1(tmp_path):
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "date": ["2026-01-01", "2026-01-02", "2026-01-03"],
                          "score": ["ten", "nine", 8]})
    path = write_sheets(tmp_path / "book.xlsx", {"NPS": frame}, as_tables=True, origin=(5, 2))
    with pytest.raises(DataError) as error:
        load_data(path)
    assert str(error.value) == ("book.xlsx, sheet NPS, row 6, column D (score): 'ten' is not a number "
                                "(expected a whole number from 0 to 10); 2 of 3 values in this "
                                "column cannot be read")


def test_row_numbers_count_blank_rows_of_a_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Activity"
    sheet["A1"] = "Usage export"
    sheet["A3"], sheet["B3"] = "user_id", "date"
    sheet["A4"], sheet["B4"] = "U1", "2026-02-30"
    sheet["A7"], sheet["B7"] = "U2", "2026-02-31"
    book.save(path)
    with pytest.raises(DataError) as error:
        load_data(path)
    assert str(error.value) == ("book.xlsx, sheet Activity, row 4, column B (date): '2026-02-30' is not "
                                "a real date (expected a date such as 2026-09-30 or 30/09/2026); 2 of 2 "
                                "values in this column cannot be read")


def test_a_few_impossible_dates_drop_but_a_whole_column_refuses(tmp_path):
    rows = [["O%d" % i, "C1", "2026-01-%02d" % (i + 1), 1, 1, 0] for i in range(5)]
    rows[2][2] = "31/02/2026"
    data = RetentionData.from_frames(orders_frame(rows))
    assert quality_counts(data, "Orders") == {"impossible date in order_date": 1}
    with pytest.raises(DataError, match=r"^Orders, row 2, column order_date: '31/02/2026' is not a real date"):
        RetentionData.from_frames(orders_frame([[*GOOD_ORDER[:2], "31/02/2026", *GOOD_ORDER[3:]]]))


def test_an_empty_required_column_refuses(tmp_path):
    (tmp_path / "NPS.csv").write_text("customer_id,date,score\nC1,2026-01-01,\nC2,2026-01-02,\n")
    with pytest.raises(DataError) as error:
        load_data(tmp_path)
    assert str(error.value) == "NPS.csv, column C (score): every value is blank"


def test_no_table_found(tmp_path):
    (tmp_path / "readme.txt").write_text("hi")
    with pytest.raises(DataError, match="no table found: expected CSV files named Customers.csv"):
        load_data(tmp_path)
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DataError, match=r"^other.xlsx: no table found: expected sheets or Tables named "):
        load_data(path)
    with pytest.raises(DataError, match="no table found"):
        load_data({"x": pd.DataFrame()})
    with pytest.raises(DataError, match="no such file or folder"):
        load_data(tmp_path / "missing.xlsx")


def test_ragged_csv_rows(tmp_path):
    (tmp_path / "Activity.csv").write_text("user_id,date\nU1,2026-01-01,\nU2,2026-01-02,x\n")
    with pytest.raises(DataError) as error:
        load_data(tmp_path)
    assert str(error.value) == ("Activity.csv, row 3: the row has more values than the header has "
                                "columns ('x' after the last column 'date'); check the separators "
                                "and quotes")
    (tmp_path / "Activity.csv").write_text("user_id,date\nU1,2026-01-01\nU2,2026-01-02,x,y,z\n")
    with pytest.raises(DataError, match=r"^Activity.csv, row 3: cannot be read as CSV: "
                                        r".*Expected 4 fields in line 3, saw 5$"):
        load_data(tmp_path)
    # trailing separators (an empty extra field) are fine
    (tmp_path / "Activity.csv").write_text("user_id;date\nU1;2026-01-01;\nU2;2026-01-02;;\n")
    assert len(load_data(tmp_path).get("Activity")) == 2


def test_bad_arguments():
    with pytest.raises(InvalidInputError, match="decimal"):
        load_data({}, decimal=";")
    with pytest.raises(InvalidInputError, match="date_format"):
        load_data({}, date_format="dd/mm/yyyy")
    data = RetentionData.from_frames({"Activity": pd.DataFrame({"user_id": [], "date": []})})
    assert data.get("activity") is not None and not data.has("Activity")
    with pytest.raises(KeyError):
        data.get("Order")


# --------------------------------------------------------------------------- hostile or wrong files


def test_not_a_workbook(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("order_id,customer_id\n")
    with pytest.raises(DataError, match=r"^data.xlsx: this looks like a text \(CSV\) file, but its "
                       r"name does not end in .csv: name it after its table, e.g. Orders.csv$"):
        load_data(path)
    path.write_bytes(bytes(range(256)))
    with pytest.raises(DataError, match=r"^data.xlsx: this is not an Excel workbook \(.xlsx/.xlsm\) nor a CSV file$"):
        load_data(path)
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DataError, match=r"^data.xlsx: the workbook is damaged \(not a valid zip file"):
        load_data(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(DataError, match=r"^data.xlsx: this is a zip file but not an Excel workbook$"):
        load_data(path)


def _ole_file(path: Path, encrypted: bool) -> Path:
    sector = bytearray(512)
    if encrypted:  # the directory entry of the EncryptionInfo stream (UTF-16 name)
        sector[:28] = "EncryptionInfo".encode("utf-16-le")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + bytes(sector))
    return path


def test_encrypted_and_old_excel_files(tmp_path):
    with pytest.raises(DataError) as error:
        load_data(_ole_file(tmp_path / "secret.xlsx", encrypted=True))
    assert str(error.value).startswith("secret.xlsx: the workbook is password-protected (encrypted)")
    assert "\n" not in str(error.value)
    with pytest.raises(DataError, match=r"^old.xls: this is an Excel 97-2003 \(.xls\) file"):
        load_data(_ole_file(tmp_path / "old.xls", encrypted=False))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>user_id</t></is></c><c r="B1" t="inlineStr"><is><t>date</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c><c r="B2"><v>46000</v></c></row>
</sheetData></worksheet>"""


def _replace_part(source: Path, target: Path, part: str, content: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, content if name == part else old.read(name))
    return target


def _activity_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Activity"
    book.active.append(["user_id", "date"])
    book.active.append(["U1", dt.date(2026, 1, 1)])
    book.save(path)
    return path


def test_xml_bomb_is_refused(tmp_path):
    from openpyxl import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl parses through defusedxml
    good = _activity_workbook(tmp_path / "good.xlsx")
    assert len(load_data(good).get("Activity")) == 1
    bomb = _replace_part(good, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    with pytest.raises(DataError) as error:
        load_data(bomb)
    assert str(error.value) == "bomb.xlsx: refused: the workbook's XML declares entities (a possible XML bomb)"
    bomb = _replace_part(good, tmp_path / "bomb2.xlsx", "xl/workbook.xml", BILLION_LAUGHS)
    with pytest.raises(DataError, match="possible XML bomb"):
        load_data(bomb)


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    good = _activity_workbook(tmp_path / "good.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, old.read(name))
        new.writestr("xl/media/padding.bin", bytes(20 << 20))  # 20 MiB of zeros: ~1000x
    with pytest.raises(DataError) as error:
        load_data(bomb)
    assert str(error.value).startswith(
        "bomb.xlsx: refused: the part xl/media/padding.bin unpacks to 20 MiB, ")
    assert str(error.value).endswith("times its packed size (more than 100), which looks like a zip bomb")


def test_zip_bomb_by_total_size_is_refused(tmp_path):
    """A zip whose directory announces 3 GiB: refused from the directory alone."""
    good = _activity_workbook(tmp_path / "good.xlsx")
    blob = bytearray(good.read_bytes())
    # every central directory entry: uncompressed size (offset 24) set to 1.5 GiB
    at = blob.find(b"PK\x01\x02")
    patched = 0
    while at >= 0:
        struct.pack_into("<I", blob, at + 24, 3 << 29)
        patched += 1
        at = blob.find(b"PK\x01\x02", at + 4)
    assert patched > 2
    bomb = tmp_path / "big.xlsx"
    bomb.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=r"^big.xlsx: refused: the workbook would unpack to [\d.]+ GiB "
                                        r"\(more than 1 GiB\), which looks like a zip bomb$"):
        load_data(bomb)


def test_xlsb_is_refused(tmp_path):
    path = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x00")
    with pytest.raises(DataError, match=r"\.xlsb\) are not supported"):
        load_data(path)


def test_sources_are_never_written(company, tmp_path):
    book = write_sheets(tmp_path / "data.xlsx", company, as_tables=True, origin=(2, 2))
    folder = tmp_path / "csv"
    write_csv_folder(company, folder)
    files = [book, *sorted(folder.iterdir())]
    before = {p: (digest(p), os.stat(p).st_mtime_ns) for p in files}
    listing = sorted(os.listdir(tmp_path))
    load_data(book)
    load_data(folder)
    assert {p: (digest(p), os.stat(p).st_mtime_ns) for p in files} == before
    assert sorted(os.listdir(tmp_path)) == listing
    assert sorted(os.listdir(folder)) == sorted(p.name for p in files[1:])


def test_repr_is_short(company):
    text = repr(RetentionData.from_frames({"Costs": company["Costs"]}))
    assert text == "RetentionData('DataFrames': Costs 6 rows; 0 rows dropped)"


def test_tables_keep_their_row_order_and_a_fresh_index(company):
    shuffled = company["Orders"].sample(frac=1.0, random_state=3)
    out = RetentionData.from_frames({"Orders": shuffled}).get("Orders")
    assert list(out["order_id"]) == list(shuffled["order_id"])
    assert list(out.index) == list(range(len(shuffled)))


def test_io_string_buffer_is_not_a_source():
    with pytest.raises(DataError, match="cannot read data from a StringIO"):
        load_data(io.StringIO("a,b"))
