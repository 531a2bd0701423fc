"""The Refresh report script (addin.refresh) run through xlwings' own Office.js engine.

Each test turns a workbook (the committed template, or a small one shaped like it) into the
JSON the Office.js runtimes send (tests/book_json.py), runs the ``@script`` with
``xlwings.server.custom_scripts_call`` -- the code path of xlwings Lite and xlwings Server --
and checks the actions xlwings would apply in Excel. What is expected comes from the other
path: ``load_data`` on the saved workbook (what ``retention report`` reads), ``build_report``
and the openpyxl exporter's cells.
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import math
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
import xlwings as xw

import addin
from addin import i18n, refresh
from addin.report import layout
from addin.cells import column_letters, parse_address
from addin.data import TABLES, RetentionData, load_data
from addin.errors import DataError
from addin.excel.report_writer import build_workbook
from addin.report import build_report, render
from addin.sample_data import generate_company
from book_json import book_json, data_workbook, run_script

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbook_templates" / "retention_template.xlsx"
BLOCKS = [block for sheet in layout.LAYOUT for block in sheet.blocks]
SHEET_OF = {block.name: sheet.name for sheet in layout.LAYOUT for block in sheet.blocks}
MAX_CALLS = 80  # every call a refresh of the sample data makes: values, formats, colours


# ---------------------------------------------------------------------------- fixtures


def _case(wb: openpyxl.Workbook, path: Path) -> SimpleNamespace:
    return SimpleNamespace(wb=wb, path=path, name=path.name, payload=book_json(wb, path.name))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> SimpleNamespace:
    """The committed template when it has the data Tables, else a workbook built like it."""
    wb = openpyxl.load_workbook(TEMPLATE, data_only=True) if TEMPLATE.exists() else None
    if wb is not None and set(TABLES) <= {t for ws in wb.worksheets for t in ws.tables}:
        case = _case(wb, TEMPLATE)
        case.kind = "template"
    else:
        wb = data_workbook(generate_company(customers=60))
        path = tmp_path_factory.mktemp("built") / "retention_template.xlsx"
        wb.save(path)
        case = _case(wb, path)
        case.kind = "built"
    case.actions = run_script(refresh, "refresh_report", case.payload)
    case.data = load_data(case.path)  # what `retention report` reads
    return case


@pytest.fixture(scope="module")
def company() -> dict[str, pd.DataFrame]:
    return generate_company(customers=60)


def _small(tmp_path: Path, frames: dict[str, pd.DataFrame], settings: dict | None = None,
           name: str = "small.xlsx", edit=None) -> SimpleNamespace:
    """A small template-shaped workbook, saved (for load_data) and as book JSON."""
    wb = data_workbook({k: v.copy() for k, v in frames.items()}, settings)
    if edit is not None:
        edit(wb)
    path = tmp_path / name
    wb.save(path)
    case = _case(wb, path)
    case.actions = run_script(refresh, "refresh_report", case.payload)
    return case


# ---------------------------------------------------------------------------- reading actions


def _report_position(payload: dict) -> int:
    return [s["name"] for s in payload["sheets"]].index(layout.REPORT_SHEET)


def _cell(address: str) -> tuple[int, int]:
    return parse_address(address)


def _values_at(actions: list[dict], sheet: int, address: str) -> list[list] | None:
    row, column = _cell(address)
    for action in actions:
        if (action["func"] == "setValues" and action["sheet_position"] == sheet
                and action["start_row"] == row - 1 and action["start_column"] == column - 1):
            return action["values"]
    return None


def _covering(actions: list[dict], func: str, sheet: int, row: int, column: int) -> list[dict]:
    """The actions of kind ``func`` whose rectangle holds the 1-based cell (row, column)."""
    return [a for a in actions if a["func"] == func and a["sheet_position"] == sheet
            and a["start_row"] < row <= a["start_row"] + a["row_count"]
            and a["start_column"] < column <= a["start_column"] + a["column_count"]]


def _status_cell(payload: dict) -> tuple[int, int, int]:
    """(sheet position, row, column) of Report_Status in the book JSON."""
    for name in payload["names"]:
        if name["name"] == layout.REPORT_STATUS:
            row, column = _cell(name["address"])
            return name["sheet_index"], row, column
    raise AssertionError("no Report_Status name")


def _block_writes(actions: list[dict], payload: dict) -> list[dict]:
    """Every action touching the Report sheet other than the status cell."""
    sheet, row, column = _status_cell(payload)
    report = _report_position(payload)
    out = []
    for action in actions:
        if action["sheet_position"] != report:
            continue
        if (action["func"] == "setValues" and action["start_row"] == row - 1
                and action["start_column"] == column - 1 and action["row_count"] == 1
                and action["column_count"] == 1):
            continue
        out.append(action)
    return out


def _alerts(actions: list[dict]) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def _plain(value: object) -> object:
    """A cell value as compared: blanks None, dates as ISO day text, text without the
    apostrophe that keeps it text, numbers as floats."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value[1:] if value.startswith("'") else value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _same(a: object, b: object) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _program_cost(path: Path) -> float | None:
    """The workbook's Settings_ProgramCost, read with openpyxl (None when blank or absent)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    if "Settings_ProgramCost" not in wb.defined_names:
        return None
    sheet, cell = next(wb.defined_names["Settings_ProgramCost"].destinations)
    return wb[sheet][cell.replace("$", "")].value


def _expected(case: SimpleNamespace, **kwargs):
    settings = {"gross_margin": 0.8}
    if hasattr(case, "path"):
        settings["program_cost"] = _program_cost(case.path)
    settings.update(kwargs.pop("settings", {}))
    return build_report(case.data if hasattr(case, "data") else load_data(case.path),
                        kwargs.pop("period", None), kwargs.pop("segment", None),
                        kwargs.pop("lang", "en"), settings)


# ---------------------------------------------------------------------------- the refresh


def test_refresh_writes_the_kpis_the_exporter_computes(template):
    expected = _expected(template)
    sheet = _report_position(template.payload)
    values = _values_at(template.actions, sheet, layout.REPORT_ANCHORS["kpis"])
    assert values is not None, "no write at the kpis block's anchor"
    assert values[0][0] == i18n.text("en", "kpis_title")
    assert values[1][:3] == ["KPI", "Unit", f"Current ({expected.period.label})"]
    kpis = expected.kpis
    assert len(kpis) > 20
    for i, row in enumerate(kpis.itertuples()):
        written = values[2 + i]
        assert written[0] == render.kpi_label(expected, row.key)
        for j, key in ((2, "current"), (3, "previous"), (4, "change")):
            want = getattr(row, key)
            if isinstance(want, float) and math.isnan(want):
                assert written[j] == "", (row.key, key)
            else:
                assert written[j] == pytest.approx(want, rel=1e-12, abs=1e-12), (row.key, key)
    # a few headline figures spelled out
    crr = expected.kpi("crr")
    assert 0 < crr["current"] <= 1
    print(f"\n[{template.kind}] {expected.period.label}: CRR {crr['current']:.4f}, "
          f"MRR {expected.kpi('mrr')['current']:,.2f}")


def test_every_block_holds_the_exporters_cells(template):
    """Block by block, the refresh writes what the exporter's sheets show, at the layout's
    anchor on the Report sheet (the data source line differs: a path there, the book here)."""
    expected = _expected(template)
    exported = build_workbook(expected)
    sheet = _report_position(template.payload)
    source_label = i18n.text("en", "source")
    compared = 0
    for block in BLOCKS:
        values = _values_at(template.actions, sheet, layout.REPORT_ANCHORS[block.name])
        assert values is not None, block.name
        assert len(values) == refresh.block_height(block), block.name
        assert all(len(row) == refresh.block_width(block) for row in values), block.name
        if block not in layout.sheet(SHEET_OF[block.name]).sheet_blocks:
            continue  # the exported KPI page has its own shape: groups, sparklines, no units
        ws = exported[SHEET_OF[block.name]]
        top, left = _cell(block.anchor)
        for i, row in enumerate(values):
            if block.kind == "pairs" and row[0] == source_label:
                continue
            for j, value in enumerate(row):
                cell = ws.cell(top + i, left + j).value
                assert _same(value, cell), (block.name, i, j, value, cell)
                compared += value not in ("", None)
    assert compared > 1500


def test_number_formats_and_change_colours(template):
    expected = _expected(template)
    sheet = _report_position(template.payload)
    top, left = _cell(layout.REPORT_ANCHORS["kpis"])
    for i, row in enumerate(expected.kpis.itertuples()):
        r = top + 2 + i
        for column, change in ((left + 2, False), (left + 3, False), (left + 4, True)):
            covering = _covering(template.actions, "setNumberFormat", sheet, r, column)
            assert [a["args"][0] for a in covering] == [
                render.number_format(row.unit, change=change)], (row.key, column)
        colours = _covering(template.actions, "setRangeColors", sheet, r, left + 4)
        assert len(colours) == 1
        colour = colours[0]["args"][0][r - 1 - colours[0]["start_row"]][0]
        direction = 0 if math.isnan(row.change) or not row.better else row.change * row.better
        want = (f"#{layout.GOOD_FILL}" if direction > 0 else f"#{layout.BAD_FILL}" if direction < 0
                else None)
        assert (colour or "").lower() == (want or "").lower(), row.key
    # the trend's month column and a percentage column
    trend_top, _ = _cell(layout.REPORT_ANCHORS["trend"])
    month = _covering(template.actions, "setNumberFormat", sheet, trend_top + 2, 1)
    assert [a["args"][0] for a in month] == [layout.MONTH]
    crr_col = 1 + [c.key for c in layout.TREND_COLUMNS].index("crr")
    crr = _covering(template.actions, "setNumberFormat", sheet, trend_top + 2 + 23, crr_col)
    assert [a["args"][0] for a in crr] == [layout.PERCENT]


def test_a_refresh_is_a_handful_of_calls(template):
    counts: dict[str, int] = {}
    for action in template.actions:
        counts[action["func"]] = counts.get(action["func"], 0) + 1
    print(f"\n[{template.kind}] refresh actions: {len(template.actions)} {counts}")
    assert counts["setValues"] == len(BLOCKS) + 1  # one per block, and the status cell
    assert counts.get("setRangeColors", 0) == 1  # the KPIs' change column
    assert len(template.actions) <= MAX_CALLS
    assert _alerts(template.actions) == []


def test_status_line_and_report_sheet_activated(template):
    expected = _expected(template)
    sheet, row, column = _status_cell(template.payload)
    status = [a for a in template.actions if a["func"] == "setValues" and a["sheet_position"] == sheet
              and a["start_row"] == row - 1 and a["start_column"] == column - 1]
    assert len(status) == 1
    text = status[0]["values"][0][0]
    assert text.startswith("Refreshed ") and f": {expected.period.label}, all segments." in text
    assert template.actions[-1]["func"] == "activateSheet"
    assert template.actions[-1]["args"] == [_report_position(template.payload)]


def test_template_names_agree_with_the_layout():
    """The template's Report_<block> names start where layout.REPORT_ANCHORS puts the blocks."""
    if not TEMPLATE.exists():
        pytest.skip("no committed template")
    book = openpyxl.load_workbook(TEMPLATE, read_only=True)
    names = {name: defined.attr_text for name, defined in book.defined_names.items()}
    book.close()
    checked = 0
    for block in BLOCKS:
        text = names.get(f"Report_{block.name}")
        if text is None:
            continue
        sheet, ref = text.split("!")
        assert sheet.strip("'") == layout.REPORT_SHEET
        assert ref.replace("$", "").split(":")[0] == layout.REPORT_ANCHORS[block.name], block.name
        checked += 1
    if names.get(layout.REPORT_STATUS):
        assert names[layout.REPORT_STATUS].replace("$", "") == \
            f"{layout.REPORT_SHEET}!{layout.REPORT_STATUS_CELL}"
    if not checked:
        pytest.skip("the template has no Report_<block> names yet")


def test_report_sheet_layout_is_complete_and_does_not_overlap():
    assert set(layout.REPORT_ANCHORS) == {b.name for b in BLOCKS}
    assert list(layout.REPORT_BANDS) == [s.name for s in layout.LAYOUT]
    boxes = []
    for block in BLOCKS:
        row, column = _cell(layout.REPORT_ANCHORS[block.name])
        boxes.append((row, row + refresh.block_height(block) - 1, column,
                      column + refresh.block_width(block) - 1, block.name))
    for sheet in layout.LAYOUT:
        band, _ = _cell(layout.REPORT_BANDS[sheet.name])
        boxes.append((band, band, 1, 1, sheet.name))
    status_row, status_col = _cell(layout.REPORT_STATUS_CELL)
    button_row, button_col = _cell(layout.REPORT_BUTTON_CELL)
    boxes += [(status_row, status_row, status_col, status_col, "status"),
              (button_row, button_row, button_col, button_col, "button")]
    for i, (r0, r1, c0, c1, a) in enumerate(boxes):
        for s0, s1, d0, d1, b in boxes[i + 1:]:
            assert r1 < s0 or s1 < r0 or c1 < d0 or d1 < c0, (a, b)
    # each sheet's band comes right before its blocks
    for sheet in layout.LAYOUT:
        band, _ = _cell(layout.REPORT_BANDS[sheet.name])
        first, _ = _cell(layout.REPORT_ANCHORS[sheet.blocks[0].name])
        assert band < first
    from addin.report import TREND_MONTHS
    assert layout.MAX_AGES == TREND_MONTHS


# ---------------------------------------------------------------------------- bad data


def _scores_abc(wb: openpyxl.Workbook) -> None:
    ws = wb["NPS"]
    column = [c.value for c in ws[1]].index("score") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, column).value = "abc"


def test_bad_scores_give_the_exporters_message_and_no_report_writes(tmp_path, company):
    case = _small(tmp_path, company, edit=_scores_abc)
    with pytest.raises(DataError) as exported:
        load_data(case.path)  # what `retention report` says about the same workbook
    assert "is not a number" in str(exported.value)
    assert _alerts(case.actions) == [str(exported.value)]
    assert _block_writes(case.actions, case.payload) == []
    sheet, row, column = _status_cell(case.payload)
    status = [a for a in case.actions if a["func"] == "setValues"]
    assert len(status) == 1 and status[0]["start_row"] == row - 1
    assert status[0]["values"][0][0].startswith("Not refreshed (")
    assert str(exported.value) in status[0]["values"][0][0]
    alert = [a for a in case.actions if a["func"] == "alert"][0]
    assert alert["args"][1:4] == [i18n.text("en", "title"), "ok", "critical"]
    assert len(case.actions) == 2


def test_missing_required_column_gives_the_exporters_message(tmp_path, company):
    def rename_amount(wb):
        ws = wb["Orders"]
        column = [c.value for c in ws[1]].index("amount")
        ws.cell(1, column + 1).value = "amt"
        table = ws.tables["Orders"]
        if table.tableColumns:  # Excel renames both (openpyxl fills them from the cells)
            table.tableColumns[column].name = "amt"

    case = _small(tmp_path, company, edit=rename_amount)
    with pytest.raises(DataError) as exported:
        load_data(case.path)
    assert "has no column amount" in str(exported.value)
    assert _alerts(case.actions) == [str(exported.value)]
    assert _block_writes(case.actions, case.payload) == []


def test_bad_scores_in_the_template_leave_the_report_alone(template):
    payload = copy.deepcopy(template.payload)
    nps = next(s for s in payload["sheets"] if s["name"] == "NPS")
    table = next(t for t in nps["tables"] if t["name"] == "NPS")
    header_row, first_col = _cell(table["range_address"].split(":")[0])
    headers = nps["values"][header_row - 1]
    column = headers.index("score")
    for row in nps["values"][header_row:]:
        row[column] = "abc"
    actions = run_script(refresh, "refresh_report", payload)
    # the data model's message for these frames, placed in the workbook
    frames = {"NPS": pd.DataFrame([r[:3] for r in nps["values"][header_row:]], columns=headers[:3])}
    with pytest.raises(DataError) as model:
        RetentionData.from_frames(frames)
    letter = column_letters(first_col + column)
    assert _alerts(actions) == [
        f"{template.name}, sheet NPS, row {header_row + 1}, column {letter} (score): {model.value.problem}"]
    assert _block_writes(actions, payload) == []


def test_no_tables_at_all(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    payload = book_json(wb, "empty.xlsx")
    actions = run_script(refresh, "refresh_report", payload)
    assert _alerts(actions) == ["empty.xlsx: no table found: expected sheets or Tables named "
                                f"{', '.join(TABLES)} (sheets: Notes)"]
    assert [a["func"] for a in actions] == ["alert"]  # no Report sheet, no status cell: a box


def test_a_sheet_named_after_a_table_is_read_like_the_exporter_reads_it(tmp_path, company):
    """Data on plain sheets (no Excel Table): the same rows, so the same report."""
    def untable(wb):
        for name in TABLES:
            if name in wb.sheetnames:
                del wb[name].tables[name]
    case = _small(tmp_path, company, edit=untable)
    assert _alerts(case.actions) == []
    expected = build_report(load_data(case.path), None, None, "en", {"gross_margin": 0.8})
    values = _values_at(case.actions, _report_position(case.payload), layout.REPORT_ANCHORS["kpis"])
    assert [r[2] for r in values[2:2 + len(expected.kpis)]] == [
        "" if math.isnan(v) else pytest.approx(v) for v in expected.kpis["current"]]


def test_an_empty_sheet_named_after_a_table_is_refused_as_the_exporter_refuses_it(tmp_path, company):
    """A sheet named after a table with nothing on it: the workbook file reader's message
    (the refresh used to skip such a sheet), and no writes but the status cell."""
    def empty_nps(wb):
        del wb["NPS"]
        wb.create_sheet("NPS")
    case = _small(tmp_path, company, edit=empty_nps)
    with pytest.raises(DataError) as exported:
        load_data(case.path)
    # one rule (data.sources.locate.no_header); the file reader adds where it looked
    assert "sheet NPS: the sheet is empty (in columns A to IV); table NPS needs a header row" \
        in str(exported.value)
    assert _alerts(case.actions) == [str(exported.value).replace(" (in columns A to IV)", "")]
    assert _block_writes(case.actions, case.payload) == []


def test_the_header_of_a_plain_sheet_is_found_below_notes(tmp_path, company):
    """On a plain sheet the header is the row naming most columns, as the file reader finds
    it, so notes above the data change nothing and a message's row is the sheet's."""
    def notes_above(wb):
        ws = wb["NPS"]
        del ws.tables["NPS"]
        ws.insert_rows(1, 2)
        ws["A1"] = "NPS answers, exported on Monday"
        column = [c.value for c in ws[3]].index("score") + 1
        for row in range(4, ws.max_row + 1):
            ws.cell(row, column).value = "abc"
    case = _small(tmp_path, company, edit=notes_above)
    with pytest.raises(DataError) as exported:
        load_data(case.path)
    assert ", sheet NPS, row 4, " in str(exported.value)
    assert _alerts(case.actions) == [str(exported.value)]


# ---------------------------------------------------------------------------- settings


def test_settings_period_language_and_segment_are_honoured(tmp_path, company):
    settings = {"Settings_Period": "2026-Q2", "Settings_Language": "it",
                "Settings_Segment": company["Customers"]["segment"].dropna().iloc[0],
                "Settings_GrossMargin": 0.7}
    case = _small(tmp_path, company, settings)
    assert _alerts(case.actions) == []
    expected = build_report(load_data(case.path), "2026-Q2", settings["Settings_Segment"], "it",
                            {"gross_margin": 0.7})
    assert expected.period.label == "2026-Q2"
    values = _values_at(case.actions, _report_position(case.payload), layout.REPORT_ANCHORS["kpis"])
    assert values[0][0] == "Indicatori chiave"
    assert values[1][:4] == ["Indicatore", i18n.text("it", "unit"), "Periodo (2026-Q2)",
                             "Precedente (2026-Q1)"]
    for i, row in enumerate(expected.kpis.itertuples()):
        assert values[2 + i][0] == render.kpi_label(expected, row.key)
        want = row.current
        assert values[2 + i][2] == ("" if math.isnan(want) else pytest.approx(want)), row.key
    meta = _values_at(case.actions, _report_position(case.payload), layout.REPORT_ANCHORS["meta"])
    assert meta[0][0] == i18n.text("it", "title")
    assert any(r[1] == settings["Settings_Segment"] for r in meta)
    status = [a for a in case.actions if a["func"] == "setValues" and a["row_count"] == 1]
    assert status[-1]["values"][0][0].startswith("Aggiornato ")


def test_a_period_excel_turned_into_a_date_is_its_month(tmp_path, company):
    case = _small(tmp_path, company, {"Settings_Period": dt.datetime(2026, 9, 1)})
    assert _alerts(case.actions) == []
    values = _values_at(case.actions, _report_position(case.payload), layout.REPORT_ANCHORS["kpis"])
    assert values[1][2] == "Current (2026-09)"


@pytest.mark.parametrize("name, value, message", [
    ("Settings_Language", "fr", "Settings_Language is 'fr', expected one of en, it"),
    ("Settings_Period", "soon", "Settings_Period is 'soon', expected a year (2026), a quarter"),
    ("Settings_GrossMargin", "lots", "Settings_GrossMargin is 'lots', expected a share"),
    ("Settings_ProgramCost", -5, "Settings_ProgramCost is -5, expected an amount of 0 or more"),
    ("Settings_Segment", "Martians", "segment 'Martians' is not in the data"),
    ("Settings_Period", "2031-01", "period 2031-01 is outside the data"),
])
def test_a_bad_setting_is_a_message_and_no_writes(tmp_path, company, name, value, message):
    case = _small(tmp_path, company, {name: value})
    alerts = _alerts(case.actions)
    assert len(alerts) == 1 and alerts[0].startswith(message), alerts
    assert _block_writes(case.actions, case.payload) == []


def test_messages_follow_the_language_setting(tmp_path, company):
    case = _small(tmp_path, company, {"Settings_Language": "it", "Settings_Period": "soon"})
    alert = [a for a in case.actions if a["func"] == "alert"]
    assert len(alert) == 1 and alert[0]["args"][1] == i18n.text("it", "title")
    status = [a for a in case.actions if a["func"] == "setValues"]
    assert len(status) == 1 and status[0]["values"][0][0].startswith("Non aggiornato (")


def test_status_words_in_every_language():
    from addin.i18n.refresh_words import STATUS, status_words

    assert set(STATUS) == set(i18n.LANGUAGES)
    assert all(set(words) == set(STATUS["en"]) for words in STATUS.values())
    assert status_words("fr") == STATUS["en"]


def test_formula_like_text_is_written_as_text(tmp_path, company):
    frames = {k: v.copy() for k, v in company.items()}
    frames["Customers"]["segment"] = "=1+2"
    case = _small(tmp_path, frames, {"Settings_Segment": "=1+2"})
    assert _alerts(case.actions) == []
    meta = _values_at(case.actions, _report_position(case.payload), layout.REPORT_ANCHORS["meta"])
    assert ["Segment", "'=1+2"] in meta
    for action in case.actions:
        for row in action["values"] or []:
            for value in row:
                assert not (isinstance(value, str) and value[:1] in ("=", "+", "@")), value


def test_a_missing_report_sheet_is_added(tmp_path, company):
    def drop_report(wb):
        del wb.defined_names[layout.REPORT_STATUS]
        del wb[layout.REPORT_SHEET]
    case = _small(tmp_path, company, edit=drop_report)
    assert case.actions[0]["func"] == "addSheet"
    position = case.actions[0]["args"][0]
    assert case.actions[0]["args"][1] == layout.REPORT_SHEET
    assert position == len(case.payload["sheets"])  # after the last sheet (0-based)
    writes = [a for a in case.actions if a["func"] == "setValues"]
    assert len(writes) == len(BLOCKS) + 1 and all(a["sheet_position"] == position for a in writes)
    status = writes[-1]
    assert (status["start_row"] + 1, status["start_column"] + 1) == _cell(layout.REPORT_STATUS_CELL)


def test_long_blocks_are_cut_with_a_count(template):
    report = _expected(template)
    long = replace(report, notes=[f"note {i}" for i in range(15)])
    block = next(b for b in BLOCKS if b.name == "notes")
    writes = [w for w in refresh.plan_writes(long) if w.row == _cell(layout.REPORT_ANCHORS["notes"])[0]]
    values = writes[0].payload
    assert len(values) == refresh.block_height(block)
    assert values[block.max_rows][0] == f"… (+{15 - block.max_rows + 1})"
    assert values[block.max_rows - 1][0] == f"note {block.max_rows - 2}"


# ---------------------------------------------------------------------------- classic path


class _FakeApp:
    """An Excel application that only records message boxes."""

    def __init__(self):
        self.alerts: list[tuple] = []
        self.books = SimpleNamespace(active=None)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, buttons, mode))
        return "ok"


class _ClassicBook:
    """A workbook as classic xlwings gives it, without COM: the cells of an xw.Book built
    from JSON (which records the writes), its own application for the message boxes."""

    def __init__(self, payload: dict, app: _FakeApp):
        self._book = xw.Book(json=copy.deepcopy(payload))
        self.app = app

    def __getattr__(self, name):
        return getattr(self._book, name)

    def actions(self) -> list[dict]:
        return self._book.json()["actions"]


def test_main_refreshes_the_active_workbook_not_the_add_in(tmp_path, company, monkeypatch):
    case = _small(tmp_path, company)
    app = _FakeApp()
    book = _ClassicBook(case.payload, app)
    app.books.active = book
    add_in = SimpleNamespace(name="retention_addin.xlam", app=app)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: add_in))
    result = addin.main()  # what retention_addin.main() calls
    assert result.ok and app.alerts == []
    assert [a["func"] for a in book.actions()] == [a["func"] for a in case.actions]
    assert result.calls == len(book.actions())


def test_main_shows_bad_data_in_a_message_box(tmp_path, company, monkeypatch):
    case = _small(tmp_path, company, edit=_scores_abc)
    app = _FakeApp()
    book = _ClassicBook(case.payload, app)
    app.books.active = book
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: SimpleNamespace(app=app)))
    result = refresh.main()
    assert not result.ok
    with pytest.raises(DataError) as exported:
        load_data(case.path)
    assert app.alerts == [(str(exported.value), i18n.text("en", "title"), "ok", "critical")]
    assert _block_writes(book.actions(), case.payload) == []
    assert [a["func"] for a in book.actions()] == ["setValues"]  # the status cell only


def test_main_outside_an_add_in_uses_the_active_book(tmp_path, company, monkeypatch):
    case = _small(tmp_path, company)
    app = _FakeApp()
    book = _ClassicBook(case.payload, app)

    def no_caller():
        raise AttributeError("not called from Excel")

    monkeypatch.setattr(xw.Book, "caller", staticmethod(no_caller))
    monkeypatch.setattr(xw, "books", SimpleNamespace(active=book))
    assert refresh.main().ok


# ---------------------------------------------------------------------------- the three xlwings modes


def test_script_metadata_for_lite_and_server():
    from xlwings import server

    meta = {m["function_name"]: m for m in server.custom_scripts_meta(refresh)}
    assert set(meta) == {"refresh_report"}
    assert meta["refresh_report"]["name"] == "Refresh report"
    assert meta["refresh_report"]["button"] == "[Refresh_Report]Report!J2"
    assert inspect.iscoroutinefunction(refresh.refresh_report)


def _python(code: str, env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    clean.update(env)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=clean,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_imports_in_every_xlwings_mode():
    # plain Linux/Mac without a server: xw.script is a no-op; `import addin` stays light
    out = _python("""
        import sys, inspect, addin
        assert "xlwings" not in sys.modules and "pandas" not in sys.modules
        import addin.refresh as r
        assert not inspect.iscoroutinefunction(r.refresh_report)
        # the refresh writes the renderer's cells itself: no openpyxl / XlsxWriter writer
        assert not [m for m in sys.modules if m.startswith(("addin.excel", "openpyxl", "xlsxwriter"))]
        assert callable(addin.main)
        print("plain ok")
    """, {})
    assert "plain ok" in out
    # xlwings Server / Lite mode
    out = _python("""
        import inspect, addin.refresh as r
        assert inspect.iscoroutinefunction(r.refresh_report)
        print("server ok", r.refresh_report.__xlscript__["button"])
    """, {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"})
    assert "server ok [Refresh_Report]Report!J2" in out
    # classic Windows: xw.script is xlwings.udfs.xlsub (pywin32 stubbed: no COM here)
    out = _python("""
        import sys
        from unittest import mock
        for name in ["pythoncom", "pywintypes", "win32api", "win32con", "win32com",
                     "win32com.client", "win32com.server", "win32com.server.util"]:
            sys.modules[name] = mock.MagicMock()
        import xlwings, xlwings.udfs
        xlwings.script = xlwings.udfs.xlsub
        import addin.refresh as r
        info = r.refresh_report.__xlfunc__
        assert info["sub"] and info["args"][0]["name"] == "book"
        print("classic ok")
    """, {})
    assert "classic ok" in out


def test_settings_program_cost_reaches_the_what_if(tmp_path, company):
    case = _small(tmp_path, company, {"Settings_ProgramCost": 12_345, "Settings_GrossMargin": 0.8})
    assert _alerts(case.actions) == []
    expected = build_report(load_data(case.path), None, None, "en",
                            {"gross_margin": 0.8, "program_cost": 12_345})
    without = build_report(load_data(case.path), None, None, "en", {"gross_margin": 0.8})
    assert not expected.retention_whatif.equals(without.retention_whatif)
    written = _values_at(case.actions, _report_position(case.payload),
                         layout.REPORT_ANCHORS["retention_whatif"])
    flat = [cell for row in written for cell in row]
    roi = [v for v in expected.retention_whatif.select_dtypes("number").to_numpy().ravel()
           if not math.isnan(v)]
    assert all(any(_same(v, cell) for cell in flat) for v in roi)

