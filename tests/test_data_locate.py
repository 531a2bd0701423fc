"""addin.data.sources.locate: which Table or sheet holds a table, its header row, its columns.

Pure functions over plain values, shared by the workbook reader and (through the same calls)
the Refresh button; the workbook reader's use of them is covered by tests/test_data.py.
"""

from __future__ import annotations

import pytest

from addin.data import TABLES
from addin.data.sources.locate import (HEADER_SEARCH_ROWS, Place, filled_rows, find_header,
                                       locate_tables, match_columns, pick_header)
from addin.errors import DataError


def test_a_table_named_after_a_table_wins_over_the_sheet_of_that_name():
    places = locate_tables([("Orders", []), ("Data", ["orders", "Table7"])])
    assert places == {"Orders": Place("Data", "orders")}


def test_a_sheet_is_read_through_its_one_table_of_another_name_else_through_its_cells():
    places = locate_tables([
        ("NPS", ["Table1"]),
        ("Costs", ["Table2", "Table3"]),
        ("Activity", ["Customers"]),  # a Table named after another table does not count
    ])
    assert places == {
        "Customers": Place("Activity", "Customers"),
        "NPS": Place("NPS", "Table1"),
        "Activity": Place("Activity", None),
        "Costs": Place("Costs", None),
    }
    assert list(places) == [t for t in TABLES if t in places]  # in the order of TABLES


def test_names_match_in_any_case_and_spacing_and_the_first_table_named_wins():
    places = locate_tables([("A", ["ORDERS"]), ("B", ["Orders_"]), ("customer id", []),
                            ("sub-scriptions", [])])
    assert places == {"Orders": Place("A", "ORDERS"), "Subscriptions": Place("sub-scriptions", None)}


def test_no_table_found_is_refused_naming_the_sheets():
    with pytest.raises(DataError) as error:
        locate_tables([("Sheet1", ["Table1"]), ("Notes", [])], file="book.xlsx")
    assert str(error.value) == (
        "book.xlsx: no table found: expected sheets or Tables named Customers, Subscriptions, "
        "Orders, NPS, Invoices, Activity, Costs (sheets: Sheet1, Notes)")


def test_the_header_is_the_filled_row_naming_most_columns():
    rows = [
        (None, None, None),
        ("Orders export", None, None),
        ("", "  ", None),  # spaces only: not filled
        ("order id", "customer", "amount"),
        ("Order ID", "Customer_ID", "Order Date"),
        ("O1", "C1", "2026-01-05"),
    ]
    assert find_header(rows, "Orders") == 4
    candidates = filled_rows(rows)
    assert [position for position, _ in candidates] == [1, 3, 4, 5]
    assert pick_header(candidates, "Orders") == 2


def test_a_tie_goes_to_the_first_row_and_an_empty_sheet_has_no_header():
    rows = [("user_id", "x"), ("date", "y")]
    assert find_header(rows, "Activity") == 0
    assert find_header([], "Activity") is None
    assert find_header([(None,), ("",)], "Activity") is None


def test_only_the_first_filled_rows_are_searched_and_the_stream_is_not_read_further():
    rows = [("x",)] * HEADER_SEARCH_ROWS + [("user_id", "date")]
    assert find_header(rows, "Activity") == 0  # the real header is the 21st filled row
    stream = iter([(None,), ("a",), ("user_id", "date"), ("U1", "2026-01-01"), ("U2", "2026-01-02")])
    head = filled_rows(stream, limit=2)
    assert head == [(1, ("a",)), (2, ("user_id", "date"))]
    assert next(stream) == ("U1", "2026-01-01")  # the reader goes on from there


def test_columns_are_matched_in_any_case_and_spacing_and_optional_ones_may_be_missing():
    assert match_columns("Customers", ["Signup Date", None, "CUSTOMER-ID", "churn_date", "extra"],
                         file="f") == {
        "customer_id": 2, "name": None, "segment": None, "signup_date": 0, "churn_date": 3}


def test_a_missing_or_doubled_column_refuses_the_table_where_it_is():
    with pytest.raises(DataError) as error:
        match_columns("Activity", ["user_id", " Day "], file="b.xlsx", sheet="Activity", row=3)
    assert str(error.value) == ("b.xlsx, sheet Activity, row 3: table Activity has no column date "
                                "(columns found: user_id, Day)")
    with pytest.raises(DataError, match="two columns are user_id: 'user_id' and 'User ID'; keep one"):
        match_columns("Activity", ["user_id", "date", "User ID"], file="a.csv", row=1)
