"""More known exports (Stripe invoices and customers, Qualtrics and SurveyMonkey responses)
read as our tables, on sample files made with the exports' real headers
(tests/data/exports/), and the report numbers they give."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from addin.cli import main as cli_main
from addin.data import load_data
from addin.data.exports import EXPORTS, recognise
from addin.data.exports.common import score_text
from addin.errors import DataError
from addin.report import build_report

EXPORTS_DIR = Path(__file__).parent / "data" / "exports"
SUBSCRIPTIONS = EXPORTS_DIR / "stripe" / "subscriptions.csv"
INVOICES = EXPORTS_DIR / "stripe_billing" / "invoices.csv"
CUSTOMERS = EXPORTS_DIR / "stripe_billing" / "customers.csv"
QUALTRICS = EXPORTS_DIR / "qualtrics" / "Customer NPS_March 31, 2026_10.15.csv"
SURVEYMONKEY = EXPORTS_DIR / "surveymonkey" / "Customer NPS.csv"
SHOPIFY = EXPORTS_DIR / "shopify"
TODAY = "2026-06-30"


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if v is pd.NaT else round(v, 2) if isinstance(v, float)
                  else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v) for v in row)
            for row in frame.itertuples(index=False)]


def _folder(tmp_path: Path, *files: Path, name: str = "in") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


def _rewrite(source: Path, target: Path, change) -> Path:
    """``source`` written to ``target`` with its rows (lists of cells) passed through ``change``."""
    with open(source, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    with open(target, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(change(rows))
    return target


def _reasons(data, table: str) -> dict[str, tuple]:
    quality = data.quality[data.quality["table"] == table]
    return {str(r): first for r, first in zip(quality["reason"], quality["first_rows"]) if str(r)}


# ---------------------------------------------------------------- Stripe invoices
# invoices.csv (Date / Due Date / Amount Due / Status / Paid At):
#   in_1 cus_A 01-10, no due date (charged automatically: due 01-10), 20.00, paid 01-10
#   in_2 cus_B 02-20, no due date, 50.00, paid 02-21
#   in_3 cus_C 03-01, due 03-31, 43.33, paid 04-10 (late)
#   in_9 cus_D 03-20, no due date, 30.00, paid 03-20
#   in_7 cus_A 03-05, due 04-04, 120.00, uncollectible: never paid
#   in_4 cus_D 04-05, due 05-05, 30.00, open
#   in_5 draft (row 8) and in_6 void (row 9): dropped under their own reasons
#   in_8 cus_B 04-20, no due date, 50.00, paid 04-20
STRIPE_INVOICES = [
    ("in_1", "cus_A", "2026-01-10", "2026-01-10", 20.0, "2026-01-10"),
    ("in_2", "cus_B", "2026-02-20", "2026-02-20", 50.0, "2026-02-21"),
    ("in_3", "cus_C", "2026-03-01", "2026-03-31", 43.33, "2026-04-10"),
    ("in_9", "cus_D", "2026-03-20", "2026-03-20", 30.0, "2026-03-20"),
    ("in_7", "cus_A", "2026-03-05", "2026-04-04", 120.0, None),
    ("in_4", "cus_D", "2026-04-05", "2026-05-05", 30.0, None),
    ("in_8", "cus_B", "2026-04-20", "2026-04-20", 50.0, "2026-04-20"),
]


def test_stripe_invoices():
    data = load_data(INVOICES, today=TODAY)
    assert list(data.tables) == ["Invoices"]
    assert _rows(data.tables["Invoices"]) == STRIPE_INVOICES
    assert _reasons(data, "Invoices") == {"draft invoice": (8,), "void invoice": (9,)}
    assert data.currency == "USD"
    assert not data.notes


def test_dso_from_stripe_invoices():
    # March 2026: issued in_3 43.33 + in_7 120 + in_9 30 = 193.33; open on 31 March: in_3
    # (paid 10 April) and in_7 (never) = 163.33; DSO = 163.33 / 193.33 x 31 days = 26.19.
    # February: issued in_2 50 (the void in_6 is no sale), nothing open on the 28th: 0 days.
    report = build_report(load_data(INVOICES, today=TODAY), period="2026-03")
    dso = report.kpi("dso")
    assert dso["current"] == pytest.approx(163.33 / 193.33 * 31)
    assert dso["previous"] == pytest.approx(0.0)


def test_stripe_invoices_without_paid_at_are_paid_when_due(tmp_path):
    def drop_paid_at(rows):
        at = rows[0].index("Paid At (UTC)")
        return [row[:at] + row[at + 1:] for row in rows]
    path = _rewrite(INVOICES, tmp_path / "invoices.csv", drop_paid_at)
    data = load_data(path, today=TODAY)
    paid = dict(zip(data.tables["Invoices"]["invoice_id"], data.tables["Invoices"]["paid_date"]))
    assert paid["in_3"] == pd.Timestamp("2026-03-31")  # its due date
    assert paid["in_2"] == pd.Timestamp("2026-02-20")  # no due date: its issue date
    assert pd.isna(paid["in_7"])  # uncollectible: not paid
    assert [str(n) for n in data.notes] == [
        "invoices.csv: 5 paid invoices have no Paid At date: taken as paid on their due date."]


# ---------------------------------------------------------------- Stripe customers
# customers.csv joined with subscriptions.csv (see test_exports.py for its months; the data
# ends in June 2026):
#   cus_A paid from January, still running                    -> signup 01-01, no churn
#   cus_B in trial in January, paid from February             -> signup 02-01 (not Created 01-20)
#   cus_C weekly, paid Feb and Mar, canceled 04-15            -> signup 02-01, churn 04-15
#   cus_D paid from April, active with Cancel At Period End  -> signup 04-01, no churn
#   cus_E only an incomplete subscription (row 6)             -> never paid: dropped
#   cus_F paid Jan and Feb, ended 03-10                       -> signup 01-01, churn 03-10
#   cus_G no subscription at all (row 8)                      -> never paid: dropped
# customer_id, name, signup_date, churn_date (no segment: Stripe's export has none)
STRIPE_CUSTOMERS = [
    ("cus_A", "Ann Lee", "2026-01-01", None),
    ("cus_B", "Bob Marsh", "2026-02-01", None),
    ("cus_C", "Cy Young", "2026-02-01", "2026-04-15"),
    ("cus_D", "Dee Park", "2026-04-01", None),
    ("cus_F", "Fay Wu", "2026-01-01", "2026-03-10"),
]


def test_stripe_customers_take_their_dates_from_the_subscriptions(tmp_path):
    data = load_data(_folder(tmp_path, CUSTOMERS, SUBSCRIPTIONS), today=TODAY)
    assert sorted(data.tables) == ["Customers", "Subscriptions"]
    assert _rows(data.tables["Customers"]) == STRIPE_CUSTOMERS
    assert _reasons(data, "Customers") == {"never paid": (6, 8)}
    # every subscribed customer is a customer: nothing flagged as missing from Customers
    assert not _reasons(data, "Subscriptions")


def test_stripe_customers_churn_counts_in_the_report(tmp_path):
    # March 2026: customers at the start (on 28 Feb) A, B, C, F = 4; F churned on 03-10: churn
    # 1 / 4 = 25 %; April: C churned 04-15 out of A, B, C at the start (D signed up in April).
    report = build_report(load_data(_folder(tmp_path, CUSTOMERS, SUBSCRIPTIONS), today=TODAY),
                          period="2026-04")
    churn = report.kpi("churn")
    assert churn["current"] == pytest.approx(1 / 3)
    assert churn["previous"] == pytest.approx(1 / 4)


def test_stripe_customers_alone_are_refused(tmp_path):
    with pytest.raises(DataError) as error:
        load_data(_folder(tmp_path, CUSTOMERS), today=TODAY)
    message = str(error.value)
    assert message.startswith("customers.csv: this is a Stripe customers export")
    assert "subscriptions export" in message


def test_stripe_customers_with_subscriptions_given_in_any_order(tmp_path):
    # the names sort the customers export first: it is converted after every file is read
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CUSTOMERS, folder / "a_customers.csv")
    shutil.copy(SUBSCRIPTIONS, folder / "z_subscriptions.csv")
    assert _rows(load_data(folder, today=TODAY).tables["Customers"]) == STRIPE_CUSTOMERS


# ---------------------------------------------------------------- Qualtrics
# Three header rows (the question text of Q2 spans two lines), responses from row 4:
#   row 4 cus_A 10, row 5 cus_B 9, row 6 a survey preview (Status 1): dropped,
#   row 7 cus_C 6, row 8 cus_D unfinished, no score: dropped as blank, row 9 cus_E 8,
#   row 10 cus_F 3, row 11 cus_G 10 (recorded 03-31 00:05)
QUALTRICS_NPS = [
    ("cus_A", "2026-03-02", 10), ("cus_B", "2026-03-03", 9), ("cus_C", "2026-03-10", 6),
    ("cus_E", "2026-03-15", 8), ("cus_F", "2026-03-21", 3), ("cus_G", "2026-03-31", 10),
]


def test_qualtrics_responses():
    data = load_data(QUALTRICS, today=TODAY)
    assert _rows(data.tables["NPS"]) == QUALTRICS_NPS
    assert _reasons(data, "NPS") == {"survey preview or test": (6,), "blank score": (8,)}


def test_nps_from_qualtrics():
    # March: promoters 10, 9, 10 = 3; detractors 6, 3 = 2; passive 8; n = 6:
    # NPS = (3 - 2) / 6 x 100 = 16.67 points
    report = build_report(load_data(QUALTRICS, today=TODAY), period="2026-03")
    assert report.kpi("nps")["current"] == pytest.approx(100 / 6)


def test_qualtrics_without_a_customer_id_uses_the_recipient_email(tmp_path):
    path = _rewrite(QUALTRICS, tmp_path / "survey.csv", lambda rows: [r[:-1] for r in rows])
    table = load_data(path, today=TODAY).tables["NPS"]
    assert table["customer_id"].tolist()[:3] == ["ann@example.com", "bob@example.com", "cy@example.com"]


def test_qualtrics_missing_header_row_refused(tmp_path):
    path = _rewrite(QUALTRICS, tmp_path / "survey.csv", lambda rows: rows[:2] + rows[3:])
    with pytest.raises(DataError, match=r"^survey\.csv: this Qualtrics export lacks a header "
                                        r"row: the ImportId row \(row 3\)"):
        load_data(path, today=TODAY)
    path = _rewrite(QUALTRICS, tmp_path / "survey2.csv", lambda rows: rows[:1] + rows[2:])
    with pytest.raises(DataError, match=r"^survey2\.csv: .*the question texts \(row 2\)"):
        load_data(path, today=TODAY)


def test_qualtrics_without_one_nps_question_refused(tmp_path):
    def none(rows):  # no Q1_NPS_GROUP column
        return [r[:18] + r[19:] for r in rows]
    with pytest.raises(DataError, match="no Net Promoter Score question.*--map NPS.score="):
        load_data(_rewrite(QUALTRICS, tmp_path / "a.csv", none), today=TODAY)
    path = _rewrite(QUALTRICS, tmp_path / "b.csv",
                    lambda rows: [rows[0] + ["Q3", "Q3_NPS_GROUP"]]
                    + [r + [r[17], r[18]] for r in rows[1:]])
    with pytest.raises(DataError, match=r"2 Net Promoter Score questions \(Q1, Q3\).*--map NPS.score="):
        load_data(path, today=TODAY)


# ---------------------------------------------------------------- SurveyMonkey
# Two header rows, responses from row 3; End Date month first, 12-hour clock:
#   row 3 ann 10 (03/02), row 4 bob 7, row 5 cy partial, no score: dropped as blank,
#   row 6 Dan@Example.com 0 (03/14 09:05:31 PM), row 7 eve 9, row 8 fay 10 (03/31 11:59:59 PM),
#   row 9 gus 8 on 04/02/2026: 2 April, not 4 February
SURVEYMONKEY_NPS = [
    ("ann@example.com", "2026-03-02", 10), ("bob@example.com", "2026-03-03", 7),
    ("dan@example.com", "2026-03-14", 0), ("eve@example.com", "2026-03-20", 9),
    ("fay@example.com", "2026-03-31", 10), ("gus@example.com", "2026-04-02", 8),
]


def test_surveymonkey_responses():
    data = load_data(SURVEYMONKEY, today=TODAY)
    assert _rows(data.tables["NPS"]) == SURVEYMONKEY_NPS
    assert _reasons(data, "NPS") == {"blank score": (5,)}
    assert not data.notes  # the date order is SurveyMonkey's, not a guess


def test_nps_from_surveymonkey():
    # March: promoters 10, 9, 10 = 3; detractor 0 = 1; passive 7; n = 5: (3 - 1) / 5 = 40 points.
    # April: one passive (8): 0 points.
    report = build_report(load_data(SURVEYMONKEY, today=TODAY), period="2026-04")
    nps = report.kpi("nps")
    assert nps["current"] == pytest.approx(0.0)
    assert nps["previous"] == pytest.approx(40.0)


def test_surveymonkey_needs_one_recommend_question(tmp_path):
    def rename(rows):
        rows[0][9] = "Overall, how satisfied are you with Acme?"
        return rows
    with pytest.raises(DataError) as error:
        load_data(_rewrite(SURVEYMONKEY, tmp_path / "s.csv", rename), today=TODAY)
    message = str(error.value)
    assert message.startswith("s.csv: this SurveyMonkey export has no question asking how likely")
    assert "'Overall, how satisfied are you with Acme?'; 'What is the main reason for your " \
           "score?'; 'Which plan are you on?'" in message
    assert message.endswith("Name the 0-10 column with --map NPS.score=<header>")

    def twice(rows):
        rows[0][10] = "How likely are you to recommend our support team?"
        return rows
    with pytest.raises(DataError, match="has 2 questions asking how likely"):
        load_data(_rewrite(SURVEYMONKEY, tmp_path / "t.csv", twice), today=TODAY)


def test_surveymonkey_missing_header_row_refused(tmp_path):
    path = _rewrite(SURVEYMONKEY, tmp_path / "nps.csv", lambda rows: rows[:1] + rows[2:])
    with pytest.raises(DataError, match=r"^nps\.csv: this SurveyMonkey export lacks its second header row"):
        load_data(path, today=TODAY)


def test_surveymonkey_date_not_as_surveymonkey_writes_it_refused(tmp_path):
    def iso(rows):
        rows[4][3] = "2026-03-05 10:00:35"
        return rows
    with pytest.raises(DataError, match=r"^nps\.csv, row 5: '2026-03-05 10:00:35' in End Date is not a date"):
        load_data(_rewrite(SURVEYMONKEY, tmp_path / "nps.csv", iso), today=TODAY)


def test_a_score_with_its_label():
    values = pd.Series(["10 - Extremely likely", "0 - Not at all likely", "7", "", "ten", "11"])
    assert score_text(values).tolist() == ["10", "0", "7", "", "ten", "11"]


# ---------------------------------------------------------------- together
def test_each_sample_recognised_as_its_export():
    expected = {SUBSCRIPTIONS: "Stripe subscriptions", INVOICES: "Stripe invoices",
                CUSTOMERS: "Stripe customers", QUALTRICS: "Qualtrics responses",
                SURVEYMONKEY: "SurveyMonkey responses",
                SHOPIFY / "orders_export_1.csv": "Shopify orders"}
    for path, name in expected.items():
        with open(path, newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f))
        # exactly one export matches: the order of EXPORTS decides nothing
        assert [e.name for e in EXPORTS if e.matches(header)] == [name], path.name
        assert recognise(header).name == name


def test_mixed_folder_gives_one_report(tmp_path, capsys):
    folder = _folder(tmp_path, SUBSCRIPTIONS, SHOPIFY / "orders_export_1.csv",
                     SHOPIFY / "orders_export_2.csv", SURVEYMONKEY)
    data = load_data(folder, today=TODAY)
    assert sorted(data.tables) == ["NPS", "Orders", "Subscriptions"]
    report = build_report(data, period="2026-03")
    assert report.kpi("nps")["current"] == pytest.approx(40.0)
    assert report.kpi("mrr")["current"] == pytest.approx(30 + 50 + 130 / 3)  # A, B, C
    out = tmp_path / "report.xlsx"
    assert cli_main(["report", str(folder), "-o", str(out), "--period", "2026-03"]) == 0
    assert out.exists()
    shown = capsys.readouterr()
    assert "NPS (Customer NPS.csv): 7 rows read, 6 kept, 1 dropped" in shown.out + shown.err


def test_shopify_unreadable_total_is_named_by_the_checks(tmp_path):
    def bad_total(rows):
        at = rows[0].index("Total")
        rows[3][at] = "twenty"  # order #1002, row 4
        return rows
    folder = tmp_path / "shop"
    folder.mkdir()
    _rewrite(SHOPIFY / "orders_export_1.csv", folder / "orders_export_1.csv", bad_total)
    data = load_data(folder, today=TODAY)
    assert data.tables["Orders"]["order_id"].tolist() == ["#1001"]
    reasons = _reasons(data, "Orders")
    assert reasons.pop("cancelled order") == (5,)
    assert list(reasons.values()) == [(4,)]
    assert "amount" in next(iter(reasons))


def test_stripe_subscriptions_none_counted(tmp_path):
    def incomplete(rows):
        at = rows[0].index("Status")
        return [rows[0]] + [r[:at] + ["incomplete"] + r[at + 1:] for r in rows[1:]]
    folder = tmp_path / "s"
    folder.mkdir()
    _rewrite(SUBSCRIPTIONS, folder / "subscriptions.csv", incomplete)
    shutil.copy(CUSTOMERS, folder / "customers.csv")
    assert len(load_data(folder / "subscriptions.csv", today=TODAY).tables["Subscriptions"]) == 0
    with pytest.raises(DataError, match=r"^customers\.csv: none of its 7 customers ever paid, by "
                                        r"the Stripe subscriptions export \(subscriptions\.csv\)"):
        load_data(folder, today=TODAY)


def test_stripe_billing_folder_gives_customers_invoices_and_subscriptions(tmp_path):
    data = load_data(_folder(tmp_path, CUSTOMERS, INVOICES, SUBSCRIPTIONS), today=TODAY)
    assert sorted(data.tables) == ["Customers", "Invoices", "Subscriptions"]
    # every invoice kept is a customer's: cus_E (never paid) has only in_5, a draft, dropped
    assert _reasons(data, "Invoices") == {"draft invoice": (8,), "void invoice": (9,)}
    assert not any("not in Customers" in r for r in _reasons(data, "Invoices"))
