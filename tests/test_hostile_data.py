"""Messy and hostile input (issue 14, items 1 to 6 for the loader): never a silently wrong number.

Each case builds its input in the test from the clean 40-customer company
(tests/hostile_inputs.py) and asserts the outcome: the clean tables and KPIs, with the bad rows
dropped and counted, or a one-line refusal naming the file, row or line, and column.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.table import Table

from addin.data import DATE_RULES, RetentionData, load_data
from addin.errors import DataError
from addin.report import build_report

sys.path.insert(0, str(Path(__file__).parent))
from hostile_inputs import (  # noqa: E402
    PERIOD, TODAY, clean_folder, company, dropped, same_numbers, same_tables,
    sweep, valid_text,
)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return company()


@pytest.fixture(scope="module")
def clean(tables, tmp_path_factory) -> RetentionData:
    return load_data(clean_folder(tmp_path_factory.mktemp("clean"), tables), today=TODAY)


@pytest.fixture
def folder(tables, tmp_path) -> Path:
    return clean_folder(tmp_path / "data", tables)


def csv_text(frame: pd.DataFrame, **options) -> str:
    options = {"index": False, "date_format": "%Y-%m-%d", "lineterminator": "\n", **options}
    return frame.to_csv(**options)


def refusal(path, **kwargs) -> str:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(DataError) as error:
        load_data(path, **kwargs)
    message = str(error.value)
    assert "\n" not in message and valid_text(message)
    return message


# --------------------------------------------------------------------------- 1. the rule

def test_clean_company_reads_with_nothing_dropped(clean, tables):
    assert list(clean.tables) == list(tables)
    assert dropped(clean) == {} and clean.notes == []
    assert clean.today == TODAY
    assert clean.summary()[2] == "Orders (Orders.csv): 485 rows read, 485 kept, 0 dropped"


def test_three_decimals_in_a_semicolon_file_is_refused_not_multiplied(folder, tables, clean):
    # 39.345 in a ';' file: a decimal point, or a thousands dot? Nothing tells: refused
    orders = tables["Orders"]
    small = orders.assign(amount=orders["amount"].clip(upper=999))
    (folder / "Orders.csv").write_text(csv_text(small, sep=";", float_format="%.3f"))
    message = refusal(folder)
    assert message.startswith("Orders.csv, row 2, column D (amount): '157.310' may be a number with "
                              "a decimal comma or with a decimal point")
    assert message.endswith("; give the decimal mark (--decimal , or --decimal .)")
    data = load_data(folder, decimal=".", today=TODAY)
    assert list(data.tables["Orders"]["amount"]) == list(small["amount"])
    assert data.notes == []


def test_decimal_comma_on_evidence_says_so_and_keeps_the_numbers(folder, tables, clean):
    (folder / "Orders.csv").write_text(csv_text(tables["Orders"], sep=";", decimal=","))
    data = load_data(folder, today=TODAY)
    assert same_tables(data, clean) and same_numbers(data, clean)
    assert len(data.notes) == 1 and data.notes[0].startswith(
        "Orders.csv: numbers read with a decimal comma (1.234,56 is 1234.56), as ")
    assert re.search(r"as [\d,]+ numbers show it, such as '157,31' \(row 2, column D \(amount\)\)",
                     data.notes[0])


def test_decimal_marks_split_is_refused(folder, tables):
    text = csv_text(tables["Orders"], sep=";", decimal=",").split("\n")
    text[40] = text[40].replace(",", ".")
    (folder / "Orders.csv").write_text("\n".join(text))
    message = refusal(folder)
    assert message.startswith("Orders.csv: numbers are written with both decimal marks: ")
    assert "(row 41, column D (amount))" in message


def test_day_month_order_needs_evidence(folder, tables, clean):
    activity = tables["Activity"]
    (folder / "Activity.csv").write_text(csv_text(activity, date_format="%m/%d/%Y"))
    data = load_data(folder, today=TODAY)  # 05/13/2026: month first, said with the count
    assert same_tables(data, clean)
    assert re.match(r"Activity.csv: dates read month first \(MM/DD/YYYY\), as [\d,]+ dates only "
                    r"make sense that way, such as '05/13/2026' \(row \d+, column B \(date\)\); "
                    r"[\d,]+ dates that read either way, such as '05/01/2026'", data.notes[0])
    early = activity[activity["date"].dt.day <= 12]
    (folder / "Activity.csv").write_text(csv_text(early, date_format="%m/%d/%Y"))
    message = refusal(folder)
    assert message.startswith("Activity.csv, row 2, column B (date): '05/01/2026' may be day first "
                              "or month first")
    mixed = csv_text(activity, date_format="%d/%m/%Y").replace("13/05/2026", "05/13/2026")
    (folder / "Activity.csv").write_text(mixed)
    assert refusal(folder).startswith("Activity.csv: dates are written in both orders")


def test_summary_line_per_table_with_first_rows(folder, tables):
    orders = tables["Orders"].astype({"amount": object}).copy()
    orders.loc[[4, 9, 30], "amount"] = -1.0
    orders.loc[12, "order_date"] = pd.Timestamp("2099-06-15")
    (folder / "Orders.csv").write_text(csv_text(orders))
    data = load_data(folder, today=TODAY)
    row = data.quality[(data.quality["table"] == "Orders") & (data.quality["reason"] == "negative amount")]
    assert list(row["first_rows"]) == [(6, 11, 32)]
    assert data.summary()[2] == (
        "Orders (Orders.csv): 485 rows read, 481 kept, 4 dropped: 1 date in the future in "
        "order_date (row 14); 3 negative amount (rows 6, 11, 32)")


# --------------------------------------------------------------------------- 2. ids

@pytest.mark.parametrize("pad", [" ", "\t", "\u00a0", "\u200b", "\ufeff", "\u3000 "])
def test_padded_ids_are_one_customer_wherever_they_stand(folder, tables, clean, pad):
    subs = tables["Subscriptions"].copy()  # customer_id is the first column: the line's start
    ids = subs["customer_id"].astype(object).to_numpy().copy()
    ids[::3] = [pad + i for i in ids[::3]]
    ids[1::3] = [i + pad for i in ids[1::3]]
    subs["customer_id"] = ids
    (folder / "Subscriptions.csv").write_text(csv_text(subs))
    customers = tables["Customers"].copy()
    cids = customers["customer_id"].astype(object).to_numpy().copy()
    cids[5] = cids[5][:3] + "\u200b" + cids[5][3:]  # invisible inside: the same id on screen
    customers["customer_id"] = cids
    (folder / "Customers.csv").write_text(csv_text(customers, sep=";"))
    data = load_data(folder, today=TODAY)
    assert same_tables(data, clean) and same_numbers(data, clean)
    report = build_report(data, PERIOD)
    assert report.kpi("churn")["current"] == build_report(clean, PERIOD).kpi("churn")["current"]


@pytest.mark.parametrize("first_line", ["sep=,", "\ufeff", "\ufeff\ufeff\ufeff", "quoted", "padded",
                                        "invisible"])
def test_ids_trimmed_whatever_the_first_line(folder, tables, clean, first_line):
    subs = tables["Subscriptions"].assign(customer_id=lambda f: " " + f["customer_id"])
    text = csv_text(subs)
    head, rest = text.split("\n", 1)
    if first_line == "quoted":
        head = ",".join(f'"{h}"' for h in head.split(","))
    elif first_line == "padded":
        head = ",".join(f" {h}\u00a0" for h in head.split(","))
    elif first_line == "invisible":
        head = ",".join(f"{h[:2]}\u200b{h[2:]}" for h in head.split(","))
    else:
        head = (first_line + "\n" if first_line.startswith("sep") else first_line) + head
    (folder / "Subscriptions.csv").write_text(head + "\n" + rest)
    data = load_data(folder, today=TODAY)
    assert same_tables(data, clean) and same_numbers(data, clean)


def test_padded_ids_in_a_workbook(tmp_path, tables, clean):
    path = tmp_path / "data.xlsx"
    frames = {name: frame.copy() for name, frame in tables.items()}
    frames["Orders"]["customer_id"] = "\u00a0" + frames["Orders"]["customer_id"] + "\u200b"
    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    data = load_data(path, today=TODAY)
    assert same_tables(data, clean) and same_numbers(data, clean)


# --------------------------------------------------------------------------- 3. time

@pytest.mark.parametrize("table, column, when", [
    ("Orders", "order_date", "2099-06-15"), ("NPS", "date", "2200-01-01"),
    ("Invoices", "paid_date", "2030-01-10"), ("Invoices", "issue_date", "2026-11-16"),
    ("Activity", "date", "2027-01-01"), ("Subscriptions", "month", "2026-12-01"),
    ("Costs", "month", "2027-05-01"), ("Customers", "signup_date", "2099-01-01"),
    ("Orders", "order_date", "1969-12-31"), ("NPS", "date", "1900-01-01"),
])
def test_dates_that_cannot_have_happened_are_dropped_and_counted(folder, tables, clean, table, column, when):
    frame = tables[table].copy()
    extra = frame.iloc[[3]].copy()
    extra[column] = pd.Timestamp(when)
    for key in ("order_id", "invoice_id"):
        if key in extra:
            extra[key] = "hostile"
    if table == "Customers":
        extra["customer_id"] = "C-hostile"
    if column == "issue_date":
        extra["due_date"], extra["paid_date"] = pd.Timestamp("2026-12-16"), pd.NaT
    at = min(7, len(frame))
    frame = pd.concat([frame.iloc[:at], extra, frame.iloc[at:]], ignore_index=True)
    (folder / f"{table}.csv").write_text(csv_text(frame))
    data = load_data(folder, today=TODAY)
    reason = f"date before 1970 in {column}" if when < "1970" else f"date in the future in {column}"
    assert dropped(data) == {(table, reason): 1}
    assert data.quality.loc[data.quality["reason"] == reason, "first_rows"].iloc[0] == (at + 2,)
    assert same_tables(data, clean) and same_numbers(data, clean)
    # the default period is the clean data's: the typo moved nothing
    assert build_report(data).period == build_report(clean).period


def test_future_is_legitimate_for_due_and_churn_dates(folder, tables, clean):
    assert DATE_RULES["Invoices"]["due_date"].future and DATE_RULES["Customers"]["churn_date"].future
    customers = tables["Customers"].copy()
    customers.loc[0, "churn_date"] = pd.Timestamp("2027-03-31")  # notice given, not yet gone
    (folder / "Customers.csv").write_text(csv_text(customers))
    data = load_data(folder, today=TODAY)
    assert dropped(data) == {}
    assert data.tables["Customers"]["churn_date"].iloc[0] == pd.Timestamp("2027-03-31")
    assert (data.tables["Invoices"]["due_date"] > pd.Timestamp(TODAY)).any()  # from the clean data
    assert same_numbers(data, clean)
    # but not a typo decades ahead: an invoice due in 2099 would never be overdue
    invoices = tables["Invoices"].copy()
    invoices.loc[20, "due_date"] = pd.Timestamp("2099-06-30")
    customers.loc[1, "churn_date"] = pd.Timestamp("2200-01-31")
    (folder / "Invoices.csv").write_text(csv_text(invoices))
    (folder / "Customers.csv").write_text(csv_text(customers))
    data = load_data(folder, today=TODAY)
    # the customer of the Customers row dropped (row 3) is counted nowhere: their rows in
    # the other tables are dropped too, under their own reason
    gone = customers.loc[1, "customer_id"]
    theirs = {(name, "customer_id dropped from Customers row 3"): int((clean.tables[name]["customer_id"] == gone).sum())
              for name in ("Subscriptions", "Orders", "NPS", "Invoices")}
    assert sum(theirs.values()) > 0  # the case is the one it means to be
    theirs = {key: n for key, n in theirs.items() if n}
    assert dropped(data) == {("Invoices", "date too far in the future in due_date"): 1,
                             ("Customers", "date too far in the future in churn_date"): 1, **theirs}


def test_today_is_the_run_date_and_a_wrong_clock_is_refused(folder):
    message = refusal(folder, today="2026-01-31")  # most signups and every event after it
    assert message.startswith("Customers.csv, row 17, column D (signup_date): '2026-05-02' is after "
                              "2026-01-31, the date of this run, and signup_date cannot be in the "
                              "future (check the dates, or the computer's date); 25 of 40 values in "
                              "this column cannot be read")
    assert load_data(folder).today == dt.date.today()


# --------------------------------------------------------------------------- 4. encodings

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252",
                                      "latin-1", "utf-32"])
def test_encodings_read_right(folder, tables, clean, encoding):
    text = csv_text(tables["Customers"], sep="\t")  # Excel's "Unicode Text" is tab-separated
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    (folder / "Customers.csv").write_bytes(data)
    loaded = load_data(folder, today=TODAY)
    assert same_tables(loaded, clean) and same_numbers(loaded, clean)
    assert list(loaded.tables["Customers"]["name"][:3]) == ["Café Müller GmbH", "Crème Brûlée SàRL",
                                                            "Ørsted & Søn"]
    if encoding in ("cp1252", "latin-1"):
        assert loaded.notes == [
            "Customers.csv is not UTF-8: read as Windows-1252 (Western European), as its 8 "
            "characters outside ASCII read as such text, such as 'Café' (line 2); if that is "
            "wrong, give the file's encoding (--encoding followed by its name)."]
    else:
        assert loaded.notes == []


@pytest.mark.parametrize("encoding, name, line", [
    ("shift_jis", "東京商事株式会社", 12), ("gbk", "北京贸易有限公司", 12), ("big5", "台北貿易", 12),
    ("cp1251", "Торговый дом", 12), ("euc-kr", "서울무역", 12),
])
def test_other_encodings_are_refused_naming_the_line(folder, tables, encoding, name, line):
    customers = tables["Customers"].copy()
    names = customers["name"].astype(object).to_numpy().copy()
    names[:3] = ["Cafe", "Creme", "Orsted"]
    names[10] = name
    customers["name"] = names
    (folder / "Customers.csv").write_bytes(csv_text(customers).encode(encoding))
    message = refusal(folder)
    assert message.startswith(f"Customers.csv: line {line}: byte 0x")
    assert message.endswith("save the file as UTF-8, or give its encoding, e.g. "
                            "--encoding shift_jis (encoding='shift_jis' from Python)")
    data = load_data(folder, encoding=encoding, today=TODAY)
    assert data.tables["Customers"]["name"].iloc[10] == name


def test_a_stray_byte_after_64_kib_is_refused_not_a_silent_reread(folder, tables):
    activity = pd.concat([tables["Activity"]] * 2, ignore_index=True)
    text = csv_text(tables["Customers"]).encode("utf-8")
    padding = b"".join(b"C%05d,x,SMB,2026-01-01,\n" % i for i in range(100, 3100))
    head = text + padding
    assert len(head) > 1 << 16
    data = head + b"C99999,Caf\xe9 Bar,SMB,2026-01-01,\n"
    (folder / "Customers.csv").write_bytes(data)
    message = refusal(folder)
    line = head.count(b"\n") + 1
    assert message == (f"Customers.csv: line {line}: byte 0xE9 is not UTF-8, while line 2 is "
                       "UTF-8: the file mixes two encodings; save the file as UTF-8, or give its "
                       "encoding, e.g. --encoding shift_jis (encoding='shift_jis' from Python)")
    del activity


def test_utf16_without_a_mark_and_unknown_encodings_are_refused(folder, tables):
    (folder / "Costs.csv").write_bytes(csv_text(tables["Costs"]).encode("utf-16-le"))
    assert refusal(folder).startswith("Costs.csv: line 1: the file holds zero bytes, so it is not text")
    assert refusal(folder, encoding="klingon").startswith(
        "Customers.csv: encoding 'klingon' is not an encoding Python knows")
    assert load_data(folder / "Costs.csv", encoding="utf-16-le", today=TODAY).tables["Costs"].shape == (6, 2)
    # a byte-order mark says it all, whatever encoding= says
    (folder / "Costs.csv").write_bytes(csv_text(tables["Costs"]).encode("utf-8-sig"))
    customers = tables["Customers"]
    (folder / "Customers.csv").write_bytes(csv_text(customers).encode("utf-16"))
    data = load_data(folder, encoding="shift_jis", today=TODAY)
    assert list(data.tables["Customers"]["name"]) == list(customers["name"])


# --------------------------------------------------------------------------- 5. numbers, names

@pytest.mark.parametrize("table, column, value", [
    ("Orders", "units", "1e20"), ("Orders", "units", str(2 ** 63)), ("Orders", "amount", "1e300"),
    ("Invoices", "amount", "1e16"), ("Costs", "retention_spend", "1e308"),
])
def test_numbers_beyond_the_limit_are_dropped_not_wrapped(folder, tables, clean, table, column, value):
    frame = tables[table].astype({column: object}).copy()
    extra = frame.iloc[[0]].copy()
    extra[column] = value
    for key in ("order_id", "invoice_id"):
        if key in extra:
            extra[key] = "hostile"
    if table == "Costs":
        extra["month"] = pd.Timestamp("2026-03-01")  # a month of its own
    frame = pd.concat([frame, extra], ignore_index=True)
    (folder / f"{table}.csv").write_text(csv_text(frame))
    data = load_data(folder, today=TODAY)
    assert dropped(data) == {(table, f"{column} too large"): 1}
    assert same_tables(data, clean) and same_numbers(data, clean)


def test_infinite_mrr_sums_are_refused_with_the_row(folder, tables, clean):
    subs = tables["Subscriptions"].copy()
    extra = pd.DataFrame({"customer_id": ["C99999", "C99999"], "month": [pd.Timestamp("2026-10-01")] * 2,
                          "mrr": [1e308, 1e308]})
    subs = pd.concat([subs, extra], ignore_index=True)
    (folder / "Subscriptions.csv").write_text(csv_text(subs, float_format="%.17g"))
    data = load_data(folder, today=TODAY)
    assert dropped(data) == {("Subscriptions", "mrr too large"): 2}
    assert np.isfinite(data.tables["Subscriptions"]["mrr"]).all()
    assert same_numbers(data, clean)


def test_names_that_are_not_utf8_become_valid_text(tmp_path, tables, clean):
    if sys.platform == "darwin":
        pytest.skip("macOS file names are always UTF-8")
    folder = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9")))
    clean_folder(folder, tables)
    (folder / os.fsdecode(b"r\xe9sum\xe9.csv")).write_text("a,b\n1,2\n")
    data = load_data(folder, today=TODAY)
    # a byte that is not UTF-8 is read as Windows-1252 (addin.cells.readable_text)
    assert valid_text(data.source) and data.source.endswith("café")
    assert data.notes[-1].startswith("Ignored résumé.csv: not a table name")
    report = build_report(data, PERIOD)
    assert valid_text(report.source) and all(valid_text(n) for n in report.data_notes)
    assert same_numbers(data, clean)
    only = folder / os.fsdecode(b"Orders\xff.csv")
    only.write_text("x\n")
    message = refusal(only)
    assert message.startswith("Ordersÿ.csv: the file name should be a table name")


def test_control_characters_and_lone_surrogates_in_text_are_dropped(tables):
    customers = tables["Customers"].copy()
    segments = customers["segment"].astype(object).to_numpy().copy()
    segments[3], segments[4] = "SMB\udce9", "Mid\x01Market"
    # object dtype: pandas' Arrow-backed text refuses a lone surrogate, a Python str holds it
    customers["segment"] = pd.Series(segments, index=customers.index, dtype=object)
    data = RetentionData.from_frames({"Customers": customers}, today=TODAY)
    assert dropped(data) == {("Customers", "control character in segment"): 2}
    assert all(valid_text(s) for s in data.segments)


# --------------------------------------------------------------------------- 6. workbooks

def save_workbook(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def test_merged_cells_fill_their_range(tmp_path, tables, clean):
    customers = tables["Customers"].sort_values("segment", kind="stable").reset_index(drop=True)
    path = tmp_path / "merged.xlsx"
    save_workbook(path, {**tables, "Customers": customers})
    book = openpyxl.load_workbook(path)
    sheet = book["Customers"]
    column = list(customers.columns).index("segment") + 1
    start = 0
    segments = list(customers["segment"])
    for i in range(1, len(segments) + 1):  # one merged block per segment, as analysts do
        if i == len(segments) or segments[i] != segments[start]:
            if i - start > 1:
                sheet.merge_cells(start_row=start + 2, start_column=column, end_row=i + 1, end_column=column)
            start = i
    book.save(path)
    data = load_data(path, today=TODAY)
    assert list(data.tables["Customers"]["segment"]) == segments
    for segment in clean.segments:
        assert same_numbers(data, clean, segment=segment)


def far_right_workbook(path: Path, orders: pd.DataFrame, rows: int) -> Path:
    """Orders, then ``rows`` rows holding one cell in column XFD; the sheet declares A1:XFD."""
    save_workbook(path, {"Orders": orders})
    far = "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(2000, 2000 + rows))
    edit_part(path, "xl/worksheets/sheet1.xml", lambda x: re.sub(
        r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:XFD{2000 + rows}"/>', x)
        .replace("</sheetData>", far + "</sheetData>"))
    return path


@pytest.fixture
def cells_made(monkeypatch) -> list[int]:
    """The width of every row of values openpyxl hands out (the cost that ran away)."""
    from openpyxl.worksheet import _read_only

    made: list[int] = []
    original = _read_only.ReadOnlyWorksheet._get_row

    def counted(self, row, min_col=1, max_col=None, values_only=False):
        out = original(self, row, min_col, max_col, values_only)
        made.append(len(out))
        return out

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_get_row", counted)
    return made


def test_a_small_workbook_of_cells_in_column_xfd_is_refused_before_reading(tmp_path, tables, cells_made):
    path = far_right_workbook(tmp_path / "wide.xlsx", tables["Orders"], 200_000)
    assert path.stat().st_size < 1 << 20  # a small file, 8 MiB of XML unpacked
    assert refusal(path) == ("wide.xlsx, sheet Orders: refused: the sheet stores 200,000 cells "
                             "right of column ZZ, where no table is read (more than 100,000); "
                             "delete those columns, or copy the table to a new sheet")
    assert cells_made == []  # refused from a scan of the bytes, before any cell was parsed


def test_cells_far_right_cost_what_they_are_not_16384_columns_each(tmp_path, tables, cells_made):
    path = far_right_workbook(tmp_path / "wide.xlsx", tables["Orders"], 50_000)
    data = load_data(path, today=TODAY)
    assert len(data.tables["Orders"]) == len(tables["Orders"])
    # bounded by the rows stored times the table's six columns (and 20 rows of A:IV for the
    # header), not times the 16,384 columns the rows reach
    assert sum(cells_made) <= 52_000 * 6 + 20 * 256


def edit_part(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_what_cannot_be_read_is_said(tmp_path, tables, clean):
    path = save_workbook(tmp_path / "data.xlsx", tables)
    # a sheet whose relationship points outside the package: openpyxl would skip it
    outside = tmp_path / "outside.xlsx"
    shutil.copy(path, outside)
    edit_part(outside, "xl/_rels/workbook.xml.rels",
              lambda x: x.replace('Target="worksheets/sheet3.xml"', 'Target="../../../etc/passwd"')
              .replace('Target="/xl/worksheets/sheet3.xml"', 'Target="../../../etc/passwd"'))
    assert refusal(outside) == ("outside.xlsx, sheet Orders: the sheet cannot be read: the workbook "
                                "points it to a part outside the workbook (../../etc/passwd)")
    # Strict Open XML
    strict = tmp_path / "strict.xlsx"
    shutil.copy(path, strict)
    edit_part(strict, "xl/workbook.xml", lambda x: x.replace(
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main"))
    assert refusal(strict) == ("strict.xlsx: this workbook is saved as Strict Open XML Spreadsheet, "
                               "which cannot be read; save it as an Excel Workbook (.xlsx)")
    # a workbook without an extension is a workbook; a CSV without one is told so
    bare = tmp_path / "retention"
    shutil.copy(path, bare)
    data = load_data(bare, today=TODAY)
    assert same_tables(data, clean)
    (tmp_path / "Orders").write_text(csv_text(tables["Orders"]))
    assert refusal(tmp_path / "Orders") == ("Orders: this looks like a text (CSV) file, but its name "
                                            "does not end in .csv: name it Orders.csv")


def test_two_tables_differing_only_by_case_are_refused(tmp_path):
    path = tmp_path / "tables.xlsx"
    book = openpyxl.Workbook()
    for title, name in (("First", "Orders"), ("Second", "ORDERS")):
        sheet = book.create_sheet(title)
        sheet.append(["order_id", "customer_id", "order_date", "amount", "units", "units_returned"])
        sheet.append(["O1", "C1", dt.date(2026, 1, 5), 10, 1, 0])
        sheet.add_table(Table(displayName=f"T{title}", ref="A1:F2"))
    book.save(path)
    edit_part(path, "xl/tables/table2.xml", lambda x: x.replace('"TSecond"', '"ORDERS"'))
    edit_part(path, "xl/tables/table1.xml", lambda x: x.replace('"TFirst"', '"Orders"'))
    assert refusal(path) == ("tables.xlsx: two Excel Tables are named 'Orders' (sheet First) and "
                             "'ORDERS' (sheet Second), which Excel does not allow (Table names ignore "
                             "case); rename one")


def test_formulas_without_a_saved_value_are_named(tmp_path, tables):
    path = save_workbook(tmp_path / "formulas.xlsx", {"Orders": tables["Orders"]})
    book = openpyxl.load_workbook(path)
    sheet = book["Orders"]
    for row in (5, 9):
        sheet.cell(row=row, column=4).value = f"=E{row}*10"  # openpyxl saves no value
    book.save(path)
    data = load_data(path, today=TODAY)
    assert dropped(data) == {("Orders", "formula without a saved value in amount"): 2}
    assert data.notes == [
        "formulas.xlsx (sheet Orders): 2 cells hold a formula whose value was never saved, such as "
        "row 5, column D (amount): open the workbook in Excel, let it calculate, and save it."]


def test_long_header_and_sep_line(folder, tables, clean):
    orders = tables["Orders"].assign(**{"note " + "x" * 70_000: ""})
    (folder / "Orders.csv").write_text("sep=;\n" + csv_text(orders, sep=";", decimal=","))
    data = load_data(folder, today=TODAY)
    assert same_tables(data, clean) and same_numbers(data, clean)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_read(tmp_path, folder):
    pipe = tmp_path / "Orders.csv"
    os.mkfifo(pipe)
    assert refusal(pipe) == f"{pipe}: this is a named pipe (FIFO), not a file: give a workbook or CSV file"
    (folder / "Orders.csv").unlink()
    os.mkfifo(folder / "Orders.csv")
    assert refusal(folder) == ("Orders.csv: this is a named pipe (FIFO), not a file: give a workbook "
                               "or CSV file")
    assert refusal(Path("/dev/zero")).endswith("this is a device, not a file: give a workbook or CSV file")


# --------------------------------------------------------------------------- the sweep

def test_a_hostile_sweep_is_never_silently_wrong(tmp_path, capsys):
    totals = sweep(variants=48, seed=14, folder=tmp_path)
    assert totals["silently wrong"] == 0, capsys.readouterr().out
    assert totals["read right"] > 0 and totals["refused clearly"] > 0


def test_a_long_value_is_quoted_short_in_a_refusal(folder, tables):
    costs = tables["Costs"].astype({"retention_spend": object}).copy()
    costs["retention_spend"] = "9" * 50_000 + "x"
    (folder / "Costs.csv").write_text(csv_text(costs))
    message = refusal(folder)
    assert len(message) < 300
    assert message.startswith("Costs.csv, row 2, column B (retention_spend): '99999")
    assert "...' (50,001 characters) is not a number" in message
