"""One customer, counted in every table or in none (issue 16, "what a newcomer stumbled on").

A Customers row dropped for a blank signup date used to remove the customer from the counts
but keep their MRR: ARPA divided by 5 paying accounts while the report showed 4 customers.
Now a blank or unreadable signup is taken from the customer's first subscribed month or first
order, and a customer whose Customers row is dropped anyway loses their other rows too.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from addin.data import load_data
from addin.errors import DataError
from addin.export import export_report
from addin.report import build_report, render

TODAY = "2025-07-15"
PERIOD = "2025-06"
#: Five subscribers: first month and MRR (all different, so ARPA tells who it divides by).
SUBSCRIBERS = {"C1": ("2025-01", 100.0), "C2": ("2025-02", 200.0), "C3": ("2025-02", 300.0),
               "C4": ("2025-03", 400.0), "C5": ("2025-03", 500.0)}
SIGNUPS = {"C1": "2025-01-10", "C2": "2025-02-01", "C3": "2025-02-03", "C4": "2025-03-02",
           "C5": "2025-03-01"}


def write_folder(folder: Path, customers: list[tuple[str, str, str]], orders: list[str] = (),
                 nps: list[str] = ()) -> Path:
    """A CSV folder: Customers (id, signup, churn), Subscriptions of SUBSCRIBERS up to June
    2025, and the Orders and NPS lines given."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["customer_id,name,segment,signup_date,churn_date"]
    lines += [f"{cid},Name {cid},SMB,{signup},{churn}" for cid, signup, churn in customers]
    (folder / "Customers.csv").write_text("\n".join(lines) + "\n")
    lines = ["customer_id,month,mrr"]
    for cid, (first, mrr) in SUBSCRIBERS.items():
        for month in pd.period_range(first, PERIOD, freq="M"):
            lines.append(f"{cid},{month},{mrr:g}")
    (folder / "Subscriptions.csv").write_text("\n".join(lines) + "\n")
    if orders:
        (folder / "Orders.csv").write_text("order_id,customer_id,order_date,amount,units,units_returned\n"
                                           + "\n".join(orders) + "\n")
    if nps:
        (folder / "NPS.csv").write_text("customer_id,date,score\n" + "\n".join(nps) + "\n")
    return folder


def every_customer(**signups: str) -> list[tuple[str, str, str]]:
    """Customers rows of the five subscribers, with the signups given instead of SIGNUPS."""
    return [(cid, signups.get(cid, SIGNUPS[cid]), "") for cid in SUBSCRIBERS]


def quality_rows(data, table: str) -> list[tuple[str, int, tuple[int, ...]]]:
    q = data.quality[data.quality["table"] == table]
    return [(str(r), int(d), tuple(f)) for r, d, f in zip(q["reason"], q["rows_dropped"], q["first_rows"])]


def kpi(report, key: str) -> float:
    return float(report.kpi(key)["current"])


def consistent(report) -> None:
    """The counts agree: ARPA divides the MRR by the customers the report shows."""
    assert kpi(report, "arpa") * kpi(report, "customers_end") == pytest.approx(kpi(report, "mrr"))


# --------------------------------------------------------------------------- a blank signup


def test_a_blank_signup_is_taken_from_the_first_subscribed_month(tmp_path):
    folder = write_folder(tmp_path / "data", every_customer(C2=""))
    data = load_data(folder, today=TODAY)
    customers = data.tables["Customers"].set_index("customer_id")
    assert len(customers) == 5
    assert customers.loc["C2", "signup_date"] == pd.Timestamp("2025-02-01")  # its first month, 1st day
    assert customers.loc["C3", "signup_date"] == pd.Timestamp("2025-02-03")  # its own, untouched
    # kept, not dropped: a line of its own, with 0 rows dropped and the row (header = row 1)
    assert quality_rows(data, "Customers") == [
        ("", 0, ()), ("1 signup date taken from the first subscription or order", 0, (3,))]
    assert data.summary()[0] == ("Customers (Customers.csv): 5 rows read, 5 kept, 0 dropped: "
                                 "1 signup date taken from the first subscription or order (row 3)")

    report = build_report(data, PERIOD)
    assert kpi(report, "customers_end") == 5
    assert kpi(report, "mrr") == 1500
    assert kpi(report, "arpa") == 300  # over 5 paying accounts, and 5 customers shown
    consistent(report)
    words = render.in_words(report, "kpis").set_index("key")["note"]
    said = ("1 customer whose signup date was blank or unreadable is counted from their first "
            "subscription or order (see Data quality)")
    for key in ("customers_start", "customers_new", "customers_end", "customers_lost", "arpa"):
        assert said in words[key]
    assert said not in words["mrr"] and said not in words["nps"]
    italian = render.in_words(build_report(data, PERIOD, lang="it"), "kpis").set_index("key")["note"]
    assert italian["arpa"].startswith("1 cliente con la data di iscrizione vuota o illeggibile")


def test_the_signup_is_the_earlier_of_the_first_month_and_the_first_order(tmp_path):
    orders = ["O1,C2,2025-01-20,50,1,0",  # before C2's first subscribed month
              "O2,C4,2025-04-11,50,1,0",  # after C4's
              "O3,C6,2025-05-05,80,2,0"]  # C6 orders only
    customers = every_customer(C2="", C4="next week") + [("C6", "", ""), ("C7", "", "")]
    data = load_data(write_folder(tmp_path / "data", customers, orders), today=TODAY)
    signup = data.tables["Customers"].set_index("customer_id")["signup_date"]
    assert signup["C2"] == pd.Timestamp("2025-01-20")
    assert signup["C4"] == pd.Timestamp("2025-03-01")  # an unreadable date: taken too
    assert signup["C6"] == pd.Timestamp("2025-05-05")
    # C7 has no other row: dropped as before, and no other table loses anything
    assert "C7" not in signup.index
    assert quality_rows(data, "Customers") == [
        ("blank signup_date", 1, (8,)),
        ("3 signup dates taken from the first subscription or order", 0, (3, 5, 7))]
    assert quality_rows(data, "Orders") == [("", 0, ())]
    assert len(data.tables["Subscriptions"]) == sum(
        len(pd.period_range(first, PERIOD, freq="M")) for first, _ in SUBSCRIBERS.values())


def test_a_column_of_wrong_dates_is_still_refused_not_filled(tmp_path):
    """The fallback is for a few rows: a signup column mostly unreadable is still refused
    (the dates are wrong, or in another order), not silently replaced."""
    folder = write_folder(tmp_path / "data", every_customer(C1="soon", C2="later", C3="never"))
    with pytest.raises(DataError, match=r"Customers\.csv, row 2, column D \(signup_date\): 'soon' is not a date"):
        load_data(folder, today=TODAY)


# --------------------------------------------------------------------------- a dropped customer


def test_a_customer_dropped_from_customers_is_counted_nowhere(tmp_path):
    customers = every_customer()
    customers[1] = ("C2", SIGNUPS["C2"], "2024-12-31")  # churn before signup: row 3 dropped
    customers.append(("C3", SIGNUPS["C3"], ""))  # a duplicate (row 7): C3 keeps its first row
    nps = ["C2,2025-03-10,9", "C1,2025-03-11,7", "C3,2025-04-01,10"]
    folder = write_folder(tmp_path / "data", customers, nps=nps)
    data = load_data(folder, today=TODAY)
    assert set(data.tables["Customers"]["customer_id"]) == {"C1", "C3", "C4", "C5"}
    for name in ("Subscriptions", "NPS"):
        assert "C2" not in set(data.tables[name]["customer_id"])
        assert "C3" in set(data.tables[name]["customer_id"])
    # C2's five months (February to June 2025): rows 8 to 12, after C1's six (rows 2 to 7)
    assert quality_rows(data, "Subscriptions") == [
        ("customer_id dropped from Customers row 3", 5, (8, 9, 10, 11, 12))]
    assert quality_rows(data, "NPS") == [("customer_id dropped from Customers row 3", 1, (2,))]
    assert quality_rows(data, "Customers") == [
        ("churn_date before signup_date", 1, (3,)), ("duplicate customer_id", 1, (7,)),
        ("1 customer dropped here: their rows in other tables dropped too", 0, (3,))]
    assert data.summary() == [
        "Customers (Customers.csv): 6 rows read, 4 kept, 2 dropped: 1 churn_date before "
        "signup_date (row 3); 1 duplicate customer_id (row 7); 1 customer dropped here: their "
        "rows in other tables dropped too (row 3)",
        "Subscriptions (Subscriptions.csv): 24 rows read, 19 kept, 5 dropped: 5 customer_id "
        "dropped from Customers row 3 (rows 8, 9, 10, 11, 12)",
        "NPS (NPS.csv): 3 rows read, 2 kept, 1 dropped: 1 customer_id dropped from Customers "
        "row 3 (row 2)",
    ]
    # no row is left that names a customer missing from Customers
    assert not any("not in Customers" in str(r) for r in data.quality["reason"])

    report = build_report(data, PERIOD)
    assert kpi(report, "customers_end") == 4
    assert kpi(report, "mrr") == 1300
    assert kpi(report, "arpa") == 325  # paying accounts = the 4 customers with MRR
    consistent(report)
    note = render.in_words(report, "kpis").set_index("key")["note"]["arpa"]
    assert "1 customer whose Customers row was dropped is left out of every table" in note
    said = render.in_words(build_report(data, PERIOD, lang="it"), "quality")["reason"].tolist()
    assert "customer_id scartato da Customers alla riga 3" in said


def test_several_customers_dropped_are_named_by_their_rows(tmp_path):
    customers = every_customer()
    customers[3] = ("C4\x01", SIGNUPS["C4"], "")  # a control character in the id
    customers[4] = ("C5", "2099-01-01", "")  # a signup in the future is read, and wrong
    folder = write_folder(tmp_path / "data", customers)
    (folder / "Subscriptions.csv").write_text(
        (folder / "Subscriptions.csv").read_text().replace("C4,", "C4\x01,"))
    data = load_data(folder, today=TODAY)
    assert set(data.tables["Subscriptions"]["customer_id"]) == {"C1", "C2", "C3"}
    reasons = {r: (d, f) for r, d, f in quality_rows(data, "Subscriptions")}
    assert reasons["control character in customer_id"][0] == 4  # its own rows, dropped anyway
    # C5's four months, after the 6 + 5 + 5 + 4 rows of C1 to C4 (rows 2 to 21)
    assert reasons["customer_id dropped from Customers row 6"] == (4, (22, 23, 24, 25))
    consistent(build_report(data, PERIOD))


# --------------------------------------------------------------------------- the exporter


def test_the_written_report_says_it_beside_the_kpis(tmp_path):
    folder = write_folder(tmp_path / "data", every_customer(C2=""))
    report, path = export_report(folder, tmp_path / "report.xlsx", period=PERIOD)
    assert kpi(report, "customers_end") == 5 and kpi(report, "arpa") == 300
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert any("1 customer whose signup date was blank or unreadable" in v for v in cells)
    assert "1 signup date taken from the first subscription or order" in cells


# --------------------------------------------------------------------------- the Data quality sheet


def test_the_data_quality_sheet_says_each_tables_rows_once_and_each_reasons_first_rows(tmp_path):
    customers = every_customer(C4="")
    customers[1] = ("C2", SIGNUPS["C2"], "2024-12-31")
    folder = write_folder(tmp_path / "data", customers,
                          orders=[f"O{i},C1,2025-0{1 + i % 5}-1{i % 9},{-5 if i < 7 else 10},1,0"
                                  for i in range(9)])
    report = build_report(load_data(folder, today=TODAY), PERIOD)
    shown = render.in_words(report, "quality")
    customers_lines = shown[shown["table"] == "Customers"]
    # rows read and kept on the table's first line only; a line of rows kept drops nothing
    assert customers_lines["rows_read"].tolist()[0] == 5 and customers_lines["rows_kept"].tolist()[0] == 4
    assert customers_lines[["rows_read", "rows_kept"]].iloc[1:].isna().all().all()
    assert customers_lines["reason"].tolist() == [
        "churn_date before signup_date",
        "1 signup date taken from the first subscription or order",
        "1 customer dropped here: their rows in other tables dropped too"]
    assert customers_lines["rows_dropped"].tolist()[0] == 1
    assert customers_lines["rows_dropped"].iloc[1:].isna().all()
    assert customers_lines["first_rows"].tolist() == ["3", "5", "3"]
    orders = shown[shown["table"] == "Orders"].set_index("reason")
    assert orders.loc["negative amount", "rows_dropped"] == 7
    assert orders.loc["negative amount", "first_rows"] == "2, 3, 4, 5, 6, …"  # 5 of 7
    assert shown[shown["table"] == "Costs"]["reason"].iloc[0].startswith("not provided")
    # and on the written sheet, under its header
    _, path = export_report(folder, tmp_path / "report.xlsx", period=PERIOD)
    sheet = openpyxl.load_workbook(path, read_only=True)["Data quality"]
    lines = [row[:6] for row in sheet.iter_rows(values_only=True)]
    header = lines.index(("Table", "Rows read", "Rows kept", "Rows dropped", "Reason", "First rows"))
    assert lines[header + 1] == ("Customers", 5, 4, 1, "churn_date before signup_date", "3")
    assert lines[header + 2] == ("Customers", None, None, None,
                                 "1 signup date taken from the first subscription or order", "5")


def test_the_terminal_says_a_signup_was_taken_though_nothing_was_dropped(tmp_path, capsys):
    from addin.cli import main

    folder = write_folder(tmp_path / "data", every_customer(C2=""))
    assert main(["report", str(folder), "-o", str(tmp_path / "r.xlsx"), "--period", PERIOD]) == 0
    err = capsys.readouterr().err.splitlines()
    assert ("retention: Customers (Customers.csv): 5 rows read, 5 kept, 0 dropped: 1 signup "
            "date taken from the first subscription or order (row 3)") in err
    assert not any(line.startswith("retention: Subscriptions") for line in err)  # nothing to say
