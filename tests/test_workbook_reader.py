"""The workbook reader's two ways to the cells: python-calamine, and openpyxl's read-only
stream for a sheet whose used range is too large to hold. Both give the same tables, the
same refusals and the same notes; a stray cell far from the table does not blow the range up.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from addin.data import load_data
from addin.data.sources import workbook
from addin.errors import DataError

from test_data import write_sheets


def _book(path, *, merged: bool = False, stray: str | None = None):
    orders = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5"],
        "customer_id": ["C1", "C1", "C2", "C3", "C3"],
        "order_date": ["2026-01-05", "2026-02-03", "#N/A", "2026-02-10", "2026-03-01"],
        "amount": [10, 20.5, 30, 40, 50], "units": [1, 2, 1, 3, 1], "units_returned": [0, 0, 1, 0, 0],
    })
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "segment": ["A", "B", "B"],
                              "signup_date": ["2025-12-01", "2026-01-10", "2026-02-01"],
                              "churn_date": [None, None, None]})
    write_sheets(path, {"Customers": customers, "Orders": orders})
    book = openpyxl.load_workbook(path)
    sheet = book["Orders"]
    sheet["B9"] = "=C1&\"\""  # a formula never calculated, in a data row
    sheet["A9"], sheet["C9"], sheet["D9"], sheet["E9"] = "O9", "2026-03-02", 5, 1
    if merged:
        book["Customers"].merge_cells("B3:B4")
    if stray:
        sheet[stray] = "a note"
    book.save(path)
    return path


def _read(path):
    notes = []
    data = load_data(path)
    notes = list(data.notes) if hasattr(data, "notes") else notes
    return ({name: frame.reset_index(drop=True) for name, frame in data.tables.items()},
            data.quality.reset_index(drop=True), notes)


@pytest.mark.parametrize("merged", [False, True])
def test_calamine_and_the_stream_read_the_same(tmp_path, monkeypatch, merged):
    path = _book(tmp_path / "book.xlsx", merged=merged)
    fast = _read(path)
    monkeypatch.setattr(workbook, "DENSE_CELLS", 0)  # every sheet through openpyxl's stream
    slow = _read(path)
    for name in fast[0]:
        pd.testing.assert_frame_equal(fast[0][name], slow[0][name])
    pd.testing.assert_frame_equal(fast[1], slow[1])
    assert fast[2] == slow[2]
    reasons = set(fast[1]["reason"])
    assert any("date" in str(r) for r in reasons), reasons  # the #N/A date is dropped


def test_a_stray_cell_far_away_is_streamed_not_held(tmp_path, monkeypatch):
    # XFD1048576: calamine would hold 16,384 x 1,048,576 blank cells for this sheet
    path = _book(tmp_path / "far.xlsx", stray="XFD1048576")
    asked = []
    original = workbook._Books._openpyxl
    monkeypatch.setattr(workbook._Books, "_openpyxl",
                        lambda self, title: asked.append(title) or original(self, title))
    tables, quality, _ = _read(path)
    assert asked == ["Orders"]
    assert len(tables["Orders"]) == len(_read(_book(tmp_path / "near.xlsx"))[0]["Orders"])


def test_a_declaration_in_the_shared_strings_is_refused(tmp_path):
    import zipfile

    plain = _book(tmp_path / "plain.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            payload = source.read(item)
            if item.filename == "xl/styles.xml":
                payload = b'<!DOCTYPE s [<!ENTITY a "aaaa">]>' + payload.split(b"?>", 1)[-1]
            target.writestr(item, payload)
    with pytest.raises(DataError, match="bomb.xlsx: refused: the workbook's XML declares entities"):
        load_data(bomb)
