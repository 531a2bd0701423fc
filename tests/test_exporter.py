"""The openpyxl exporter (addin.excel.report_writer) and the ``retention report``/``demo`` CLI.

The hand-made company of test_report.py is written, read back with openpyxl and compared
with the report; LibreOffice opens and converts it; formula-like text stays text; and every
refusal leaves no file behind.
"""

from __future__ import annotations

import math
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from addin.report import layout
from addin.cli import main
from addin.data import RetentionData
from addin.excel.report_writer import (
    MARKER,
    OutputRefused,
    is_previous_report,
    write_report,
)
from addin.report import build_report, render

from test_report import hand_data, hand_frames

# ---------------------------------------------------------------------------- helpers


def anchor(sheet: str, block: str) -> tuple[int, int]:
    """(header row, first column) of a block of an exported sheet, from the layout."""
    for candidate in layout.sheet(sheet).sheet_blocks:
        if candidate.name == block:
            letters, row = coordinate_from_string(candidate.anchor)
            return row + 1, column_index_from_string(letters)
    raise KeyError(block)


def kpi_rows(ws) -> dict[str, int]:
    """The row of each KPI (by its label) on the KPI page; the group bands are skipped."""
    header, left = anchor("KPIs", "kpis")
    rows = {}
    for r in range(header + 1, ws.max_row + 1):
        label = ws.cell(r, left).value
        if label is None:
            break
        if ws.cell(r, left + 1).value is not None or ws.cell(r, left + 5).value is not None:
            rows[label] = r
    return rows


def leftovers(folder: Path) -> list[str]:
    """Temporary files the writer may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def report():
    return build_report(hand_data(), "2026-09")


@pytest.fixture(scope="module")
def written(report, tmp_path_factory) -> Path:
    return write_report(report, tmp_path_factory.mktemp("out") / "report.xlsx")


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written)


def data_workbook(path: Path, frames: dict | None = None) -> Path:
    """The hand-made tables as a workbook, one sheet per table."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in (frames or hand_frames()).items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


# ---------------------------------------------------------------------------- read back


def test_sheets_in_order_kpis_first(book):
    assert book.sheetnames == [s.name for s in layout.LAYOUT]
    assert book.sheetnames[0] == "KPIs"


def test_kpi_values_read_back(book, report):
    ws = book["KPIs"]
    header, left = anchor("KPIs", "kpis")
    assert [ws.cell(header, left + i).value for i in range(6)] == [
        "KPI", "2026-09", "2026-08", "Change", "Last 12 months", "Note"]
    # grouped: a band row names each group before its KPIs
    assert ws.cell(header + 1, left).value == "Customers"
    rows = kpi_rows(ws)
    assert len(rows) == len(report.kpis)
    for row in render.in_words(report, "kpis").itertuples():
        r = rows[row.label]
        for offset, expected in ((1, row.current), (2, row.previous), (3, row.change)):
            cell = ws.cell(r, left + offset).value
            if isinstance(expected, float) and math.isnan(expected):
                assert cell is None, (row.key, offset)
            else:
                assert cell == pytest.approx(expected), (row.key, offset)
        assert (ws.cell(r, left + 5).value or "") == row.note
    # a rate's change is in points: CRR 5/6 -> 4/6 is -16.7 points
    assert ws.cell(rows["Customer retention rate (CRR)"], left + 3).value == pytest.approx(-100 / 6)


def test_kpi_formats_and_coloured_change(book, report):
    ws = book["KPIs"]
    header, left = anchor("KPIs", "kpis")
    labels = kpi_rows(ws)
    rows = {key: labels[render.kpi_label(report, key)] for key in report.kpis["key"]}
    assert ws.cell(rows["crr"], left + 1).number_format == "0.0%"
    assert ws.cell(rows["mrr"], left + 1).number_format == "#,##0"  # no currency given
    assert ws.cell(rows["arpa"], left + 2).number_format == "#,##0"  # one format per unit
    assert ws.cell(rows["dso"], left + 1).number_format == '0.0" days"'
    assert ws.cell(rows["crr"], left + 3).number_format == '+0.0" pts";-0.0" pts";0.0" pts"'
    assert ws.cell(rows["dso"], left + 3).number_format == '+0.0" days";-0.0" days";0.0" days"'
    # churn rose from 1/6 to 2/6: worse, red; MRR fell: worse, red; DSO rose: red;
    # NPS rose from -25 to 40: better, green
    red, green = layout.BAD_FILL, layout.GOOD_FILL
    assert ws.cell(rows["churn"], left + 3).fill.fgColor.rgb.endswith(red)
    assert ws.cell(rows["mrr"], left + 3).fill.fgColor.rgb.endswith(red)
    assert ws.cell(rows["nps"], left + 3).fill.fgColor.rgb.endswith(green)
    # neutral KPI: no colour
    assert ws.cell(rows["customers_start"], left + 3).fill.fill_type is None


def test_currency_in_every_money_format(tmp_path):
    from addin.report import render as r

    report = build_report(hand_data(), "2026-09", settings={"currency": "EUR"})
    book = openpyxl.load_workbook(write_report(report, tmp_path / "eur.xlsx"))
    money = '"€ "#,##0'
    rows = kpi_rows(book["KPIs"])
    _, left = anchor("KPIs", "kpis")
    assert book["KPIs"].cell(rows["MRR"], left + 1).number_format == money
    assert book["KPIs"].cell(rows["MRR"], left + 3).number_format == r.number_format(
        "money", "en", "EUR", change=True)
    trend = book["Trend"]
    columns = {trend.cell(2, c).value: c for c in range(1, trend.max_column + 1)}
    assert trend.cell(3, columns["MRR"]).number_format == money
    assert book["Ageing"]["C3"].number_format == money
    assert book["MRR movements"]["B3"].number_format == money
    assert book["Retention value"].cell(7, 2).number_format == money  # ARPA per period
    # every money cell of the workbook carries the currency, no number format says "money"
    for ws in book.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                assert "money" not in (cell.number_format or "")


def test_meta_lines(book):
    ws = book["KPIs"]
    assert ws["A1"].value == "Retention report"
    meta = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, 7)}
    assert meta["Period"] == "2026-09 (2026-09-01 / 2026-09-30)"
    assert meta["Segment"] == "all segments"
    # what was read, never a module's name or a relative path
    assert meta["Data source"] == "hand-made: 7 tables, 145 rows read"


def test_the_first_page_says_three_things_and_draws_sparklines(book, written, report):
    ws = book["KPIs"]
    header, _ = anchor("KPIs", "summary")
    lines = [ws.cell(header + i, 1).value for i in range(3)]
    assert lines == render.in_words(report, "summary")
    assert lines[0] == ("Customers at the period end fell to 5 (−1); customer churn rose to "
                        "33.3 % (+16.7 pts).")
    assert lines[1].startswith("Net revenue retention fell to 58.1 % (−37.0 pts); MRR fell to 345")
    # a native sparkline per KPI, in the Excel 2010 extension, from the KPI's 12 months
    with zipfile.ZipFile(written) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<x14:sparkline>") == len(report.kpis)
    assert '<x14:sparklineGroup type="column"' in xml
    history, left = anchor("KPIs", "kpi_history")
    rows = kpi_rows(ws)
    crr = rows["Customer retention rate (CRR)"]
    first = openpyxl.utils.get_column_letter(left + 1)
    last = openpyxl.utils.get_column_letter(left + 12)
    at = history + 1 + list(report.kpi_history["key"]).index("crr")
    assert f"<xm:f>'KPIs'!{first}{at}:{last}{at}</xm:f><xm:sqref>E{crr}</xm:sqref>" in xml
    # the sparklines' values are the KPI's, month by month, beside the printed page
    assert ws.cell(at, left + 12).value == pytest.approx(report.kpi("crr")["current"])
    assert ws.cell(at, left + 11).value == pytest.approx(report.kpi("crr")["previous"])
    # the printed page: the KPI table and the notes, not the sparklines' values
    assert ws.print_area == f"'KPIs'!$A$1:$F${_last_printed(ws)}"


def _last_printed(ws) -> int:
    """The last row of the KPI page's notes."""
    header, _ = anchor("KPIs", "notes")
    r = header
    while ws.cell(r + 1, 1).value is not None:
        r += 1
    return r


def test_tables_read_back(book, report):
    ws = book["Trend"]
    header, left = anchor("Trend", "trend")
    assert ws.cell(header, left).value == "Month"
    assert ws.cell(header + 1, left).value.date() == pd.Timestamp("2025-10-01").date()
    assert ws.cell(header + 1, left).number_format == "mmm yy"  # Oct 25
    last = header + len(report.trend)
    columns = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    assert ws.cell(last, columns["MRR"]).value == 345
    assert ws.cell(last, columns["CRR"]).value == pytest.approx(4 / 6)  # short headers

    ws = book["MRR movements"]
    header, left = anchor("MRR movements", "mrr_movements")
    last_row = [ws.cell(header + len(report.mrr_movements), left + i).value for i in range(8)]
    assert last_row[1:] == [430, 70, 50, 25, -20, -210, 345]

    ws = book["Ageing"]
    header, left = anchor("Ageing", "ageing")
    assert [ws.cell(header + i, left + 2).value for i in range(1, 7)] == [100, 200, 0, 30, 0, 330]

    ws = book["Cohorts"]
    header, left = anchor("Cohorts", "cohorts_logos")
    assert ws.cell(header, left + 2).value == "M0"
    june = header + 1  # the first cohort: every customer paying when Subscriptions start
    assert ws.cell(june, left).value == "Jun 26 or earlier"
    assert [ws.cell(june, left + 2 + k).value for k in range(4)] == pytest.approx([1, 1, 0.8, 0.4])
    assert ws.cell(june + 1, left).number_format == "mmm yy"
    notes, _ = anchor("Cohorts", "cohort_notes")
    assert ws.cell(notes, 1).value.startswith('The first cohort, "Jun 26 or earlier", holds every')

    ws = book["Data quality"]
    header, left = anchor("Data quality", "quality")
    assert {ws.cell(header + i, left).value for i in range(1, 8)} >= {"Customers", "Orders"}

    ws = book["Definitions"]
    header, left = anchor("Definitions", "definitions")
    texts = [ws.cell(r, left + 1).value for r in range(header + 1, ws.max_row + 1)]
    assert any(t and "CRR = (E − N) / S" in t for t in texts)


def test_frozen_headers_widths_and_print_setup(book):
    for sheet in layout.LAYOUT:
        ws = book[sheet.name]
        assert ws.freeze_panes == sheet.freeze
        assert ws.page_setup.orientation == ("portrait" if sheet.portrait else "landscape")
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == (1 if sheet.one_page else 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.column_dimensions["A"].width and ws.column_dimensions["B"].width
        # the period and the page on every page; the header rows repeated where a table runs on
        assert ws.oddFooter.left.text == "Retention report 2026-09"
        assert ws.oddFooter.right.text == "Page &P of &N"
        if sheet.print_titles:
            first, last = sheet.print_titles.split(":")
            assert ws.print_title_rows == f"${first}:${last}"
    assert book["KPIs"].page_setup.orientation == "portrait"  # the first page: one A4 page
    assert book["Definitions"].print_title_rows == "$1:$2"
    assert book["Data quality"].print_title_rows == "$1:$2"
    # a page of its own for the revenue cohorts, and for the trend's charts
    assert [b.id for b in book["Cohorts"].row_breaks.brk] == [28]
    assert [b.id for b in book["Trend"].row_breaks.brk] == [27]
    kpis = book["KPIs"]
    # the KPI labels fit: in column A, or wrapped in a taller row
    for label, row in kpi_rows(kpis).items():
        cell = kpis.cell(row, 1)
        if len(label) > kpis.column_dimensions["A"].width:
            assert cell.alignment.wrap_text and kpis.row_dimensions[row].height > 15, label


def test_charts_and_heatmap(written, book):
    with zipfile.ZipFile(written) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(charts) == 6  # 4 trend lines, MRR movements, NPS distribution
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets), "values only, no formulas"
    assert len(book["Trend"]._charts) == 4
    bar = book["MRR movements"]._charts[0]
    assert bar.grouping == "stacked" and len(bar.series) == 5
    assert len(book["NPS"]._charts) == 1
    rules = book["Cohorts"].conditional_formatting
    assert len(list(rules)) == 2
    assert all(rule.rules[0].type == "colorScale" for rule in rules)


def test_marker_is_written_and_recognised(written, tmp_path):
    book = openpyxl.load_workbook(written)
    assert MARKER in [prop.name for prop in book.custom_doc_props]
    assert is_previous_report(written)
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert not is_previous_report(other)
    (tmp_path / "text.xlsx").write_text("not a zip")
    assert not is_previous_report(tmp_path / "text.xlsx")


def test_write_only_mode_writes_the_same_cells(report, written, tmp_path):
    streamed = write_report(report, tmp_path / "streamed.xlsx", write_only=True)
    a, b = openpyxl.load_workbook(written), openpyxl.load_workbook(streamed)
    for name in a.sheetnames:
        values_a = [[c.value for c in row] for row in a[name].iter_rows()]
        values_b = [[c.value for c in row] for row in b[name].iter_rows()]
        assert values_a == values_b, name
        assert len(a[name]._charts) == len(b[name]._charts)


def test_italian_report(tmp_path):
    report = build_report(hand_data(), "2026-09", lang="it", settings={"currency": "EUR"})
    book = openpyxl.load_workbook(write_report(report, tmp_path / "it.xlsx"))
    assert book.sheetnames == ["Indicatori", "Andamento", "Coorti", "Movimenti MRR", "NPS",
                               "Scadenzario", "Valore fidelizzazione", "Valore clienti",
                               "Qualità dei dati", "Definizioni"]
    ws = book["Indicatori"]
    header, left = anchor("KPIs", "kpis")
    assert ws.cell(header, left).value == "Indicatore"
    assert ws["A1"].value == "Report di fidelizzazione"
    rows = kpi_rows(ws)
    assert ws.cell(rows["MRR"], left + 1).number_format == '#,##0" €"'
    assert ws.cell(rows["Tasso di fidelizzazione (CRR)"], left + 3).number_format == \
        '+0.0" punti";-0.0" punti";0.0" punti"'
    assert ws.cell(rows["Giorni medi di incasso (DSO)"], left + 1).number_format == '0.0" giorni"'
    assert book["Andamento"]["A3"].number_format == "[$-410]mmm yy"  # ott 25
    assert ws.oddFooter.right.text == "Pagina &P di &N"


def test_layout_blocks_do_not_overlap():
    def box(block):
        letters, row = coordinate_from_string(block.anchor)
        col = column_index_from_string(letters)
        width = 1 if block.kind == "lines" else 2 if block.kind == "pairs" else (
            len(block.columns) + (24 if block.heatmap else 0))
        return row, row + 1 + block.max_rows, col, col + width - 1

    for sheet in layout.LAYOUT:
        boxes = [box(b) for b in sheet.blocks]
        for i, (r0, r1, c0, c1) in enumerate(boxes):
            for s0, s1, d0, d1 in boxes[i + 1:]:
                assert r1 < s0 or s1 < r0 or c1 < d0 or d1 < c0, sheet.name


# ---------------------------------------------------------------------------- formula injection


INJECTIONS = ["=1+2", "+3+4", "-5+6", "@SUM(1)", '=HYPERLINK("http://example.com","x")']


def test_formula_like_text_is_written_as_text(tmp_path):
    frames = hand_frames()
    frames["Customers"]["segment"] = INJECTIONS + ["A", "B", "C"]
    data = RetentionData.from_frames(frames, source="=cmd|'/c calc'!A1")
    report = build_report(data, "2026-09", segment="=1+2")
    report.notes.extend(INJECTIONS)
    path = write_report(report, tmp_path / "injected.xlsx")
    ws = openpyxl.load_workbook(path)["KPIs"]
    meta = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, 7)}
    assert meta["Segment"].value == "=1+2" and meta["Segment"].data_type == "s"
    assert meta["Data source"].value == "=cmd|'/c calc'!A1: 7 tables, 145 rows read"
    assert meta["Data source"].data_type == "s" and meta["Data source"].quotePrefix
    first, _ = anchor("KPIs", "notes")
    notes = [ws.cell(r, 1) for r in range(first, first + len(report.notes))]
    written_notes = {c.value: c for c in notes}
    for text in INJECTIONS:
        assert written_notes[text].data_type == "s"
        assert written_notes[text].quotePrefix
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    # and the file is still read back with the text intact (no formula, no cached value)
    values = openpyxl.load_workbook(path, data_only=True)["KPIs"]
    assert values.cell(meta["Segment"].row, 2).value == "=1+2"


def test_text_excel_would_read_as_a_date_keeps_its_quote_prefix(book):
    """Text that Excel would turn into a date or number when the cell is edited (a period,
    an ageing bucket) carries the quote prefix, as the Refresh button's apostrophe does."""
    ws = book["KPIs"]
    assert ws["B3"].value == "2026-08" and ws["B3"].data_type == "s" and ws["B3"].quotePrefix
    assert ws["A1"].quotePrefix is False  # plain words have none
    ageing = book["Ageing"]
    header, left = anchor("Ageing", "ageing")
    assert ageing.cell(header + 2, left).value == "1-30"
    assert ageing.cell(header + 2, left).quotePrefix


# ---------------------------------------------------------------------------- refusals and --force
# (where a report may be written and which file it may replace: tests/test_output.py)


def test_refuses_to_overwrite_the_input(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    before = data.read_bytes()
    code, out, err = run(capsys, "report", str(data), "-o", str(data), "--force")
    assert code == 5 and "is the input data" in err  # output refused and err.count("\n") == 1
    assert data.read_bytes() == before
    # a previous report given as the input is protected too
    report = build_report(RetentionData.from_frames(hand_frames(), source=str(data)), "2026-09")
    assert report.source == str(data)
    with pytest.raises(OutputRefused, match="input data"):
        write_report(report, tmp_path / "." / "data.xlsx", force=True)


# ---------------------------------------------------------------------------- the CLI


def test_cli_report_from_a_workbook_and_a_csv_folder(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    out = tmp_path / "report.xlsx"
    code, stdout, err = run(capsys, "report", str(data), "-o", str(out), "--period", "2026-09")
    assert code == 0, err
    assert stdout.strip() == f"wrote {out}: retention report 2026-09, all segments"
    assert err == ""  # no progress bar when stderr is not a terminal
    ws = openpyxl.load_workbook(out)["KPIs"]
    header, left = anchor("KPIs", "kpis")
    assert ws.cell(kpi_rows(ws)["Customer retention rate (CRR)"], left + 1).value == pytest.approx(4 / 6)

    folder = tmp_path / "csv"
    folder.mkdir()
    for name, frame in hand_frames().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    out2 = tmp_path / "report2.xlsx"
    code, stdout, err = run(capsys, "report", str(folder), "-o", str(out2), "--quiet",
                            "--period", "2026-Q3", "--segment", "A", "--lang", "it")
    assert code == 0, err
    assert stdout == "" and err == ""
    assert openpyxl.load_workbook(out2)["Indicatori"]["B2"].value.startswith("2026-Q3")


def test_cli_gross_margin(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    out = tmp_path / "report.xlsx"
    assert run(capsys, "report", str(data), "-o", str(out), "-q", "--period", "2026-09",
               "--gross-margin", "80%")[0] == 0
    ws = openpyxl.load_workbook(out)["KPIs"]
    header, left = anchor("KPIs", "kpis")
    row = kpi_rows(ws)["Customer lifetime value (from churn)"]
    assert ws.cell(row, left + 1).value == pytest.approx(165.6)


def test_cli_currency(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    out = tmp_path / "report.xlsx"
    assert run(capsys, "report", str(data), "-o", str(out), "-q", "--period", "2026-09",
               "--currency", "gbp")[0] == 0
    ws = openpyxl.load_workbook(out)["KPIs"]
    _, left = anchor("KPIs", "kpis")
    assert ws.cell(kpi_rows(ws)["MRR"], left + 1).number_format == '"£ "#,##0'
    with pytest.raises(SystemExit):
        main(["report", str(data), "-o", str(tmp_path / "x.xlsx"), "--currency", "euros"])
    assert "'euros' is not an ISO 4217 currency code" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("argv, message", [
    (["--period", "2026-13"], "period is '2026-13'"),
    (["--period", "2031-01"], "outside the data"),
    (["--segment", "Nope"], "segment 'Nope' is not in the data"),
])
def test_cli_bad_options_one_line_and_no_file(tmp_path, capsys, argv, message):
    data = data_workbook(tmp_path / "data.xlsx")
    out = tmp_path / "report.xlsx"
    code, stdout, err = run(capsys, "report", str(data), "-o", str(out), *argv)
    assert code == 2
    assert err.startswith("retention: ") and message in err and err.count("\n") == 1
    assert not out.exists() and leftovers(tmp_path) == []


def test_cli_demo(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run(capsys, "demo")
    assert code == 0, err
    assert (tmp_path / "demo_report.xlsx").exists()
    assert "retention report 2026-10, all segments" in stdout
    assert run(capsys, "demo", "-q")[0] == 0  # our own report, unchanged: replaced
    assert run(capsys, "demo", "--force", "-q")[0] == 0


# ---------------------------------------------------------------------------- hostile input


def _encrypted(path: Path, tmp_path: Path) -> Path:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = data_workbook(tmp_path / "plain.xlsx")
    with open(plain, "rb") as source, open(path, "wb") as target:
        ooxml.OOXMLFile(source).encrypt("secret", target)
    plain.unlink()
    return path


def _xml_bomb(path: Path, tmp_path: Path) -> Path:
    plain = data_workbook(tmp_path / "plain.xlsx")
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                        for i in range(1, 10))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
              "</sheetData></worksheet>")
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            payload = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                payload = laughs.encode()
            target.writestr(item, payload)
    plain.unlink()
    return path


def _zip_bomb(path: Path, tmp_path: Path) -> Path:
    plain = data_workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open("xl/media/padding.bin", "w") as part:  # 64 MiB of zeros, ~64 KiB packed
            chunk = bytes(1 << 20)
            for _ in range(64):
                part.write(chunk)
    plain.unlink()
    return path


def _written(content: bytes):
    def make(path: Path, tmp_path: Path) -> Path:
        path.write_bytes(content)
        return path
    return make


def _huge_zip_bomb(path: Path, tmp_path: Path) -> Path:
    """A workbook with a part that says it unpacks to 3.75 GiB (patched sizes: no need to
    spend the CPU time deflating gigabytes of zeros; the loader refuses on the sizes)."""
    plain = data_workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/media/huge.bin", bytes(1 << 16))
    plain.unlink()
    blob = bytearray(path.read_bytes())
    central = blob.rindex(b"PK\x01\x02")  # the last entry's central directory header
    assert blob[central + 46:central + 46 + 16] == b"xl/media/huge.bi"
    blob[central + 24:central + 28] = (0xF0000000).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(blob))
    return path


HOSTILE = {
    "corrupt.xlsx": (_written(b"PK\x03\x04" + os.urandom(2000)), "damaged"),
    "notes.xlsx": (_written(b"just some text\n"), "not an Excel workbook"),
    "scan.pdf": (_written(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "not an Excel workbook"),
    "locked.xlsx": (_encrypted, "password-protected"),
    "laughs.xlsx": (_xml_bomb, "XML bomb"),
    "bomb.xlsx": (_zip_bomb, "zip bomb"),
    "huge.xlsx": (_huge_zip_bomb, "zip bomb"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_refused_and_nothing_written(tmp_path, capsys, name):
    make, message = HOSTILE[name]
    source = make(tmp_path / name, tmp_path)
    out = tmp_path / "report.xlsx"
    code, stdout, err = run(capsys, "report", str(source), "-o", str(out))
    assert code == 3, err  # bad data
    assert err.startswith("retention: ") and err.count("\n") == 1 and message in err
    assert not out.exists() and leftovers(tmp_path) == []


def test_missing_input(tmp_path, capsys):
    code, _, err = run(capsys, "report", str(tmp_path / "nothing.xlsx"), "-o", str(tmp_path / "r.xlsx"))
    assert code == 3 and "no such file or folder" in err
    assert not (tmp_path / "r.xlsx").exists()


# ---------------------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_opens_and_converts_the_report(written, tmp_path):
    from addin.excel.libreoffice import recalculate, to_pdf

    pdf = to_pdf(written, tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
    copy = recalculate(written, tmp_path / "lo")
    with zipfile.ZipFile(copy) as archive:
        # LibreOffice read the charts (it writes them back) and every sheet
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 6
    book = openpyxl.load_workbook(copy, data_only=True)
    assert book.sheetnames == [s.name for s in layout.LAYOUT]
    header, left = anchor("KPIs", "kpis")
    rows = kpi_rows(book["KPIs"])
    assert book["KPIs"].cell(rows["Customer retention rate (CRR)"], left + 1).value == pytest.approx(4 / 6)
    assert book["KPIs"].cell(rows["MRR"], left + 1).value == pytest.approx(345)
    # (LibreOffice headless drops every file's view settings, frozen panes included, so they
    # are checked on the exporter's own file in test_frozen_headers_widths_and_print_setup)


@pytest.mark.libreoffice
def test_libreoffice_reads_the_write_only_report(report, tmp_path):
    from addin.excel.libreoffice import recalculate

    streamed = write_report(report, tmp_path / "streamed.xlsx", write_only=True)
    copy = recalculate(streamed, tmp_path / "lo")
    with zipfile.ZipFile(copy) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 6


def test_export_report_is_the_command_as_a_function(tmp_path):
    from addin.export import export_report

    data = data_workbook(tmp_path / "data.xlsx")
    report, path = export_report(data, tmp_path / "report.xlsx", period="2026-Q3", segment="B")
    assert path == tmp_path / "report.xlsx" and is_previous_report(path)
    assert report.period.label == "2026-Q3" and report.segment == "B"
    with pytest.raises(OutputRefused, match="input data"):
        export_report(data, data, force=True)
    # a RetentionData is taken as it is
    report, _ = export_report(hand_data(), tmp_path / "again.xlsx", period="2026-09")
    assert report.kpi("mrr")["current"] == 345


# ---------------------------------------------------------------------------- why retention pays


def _block_rows(ws, sheet: str, block: str, width: int) -> list[list]:
    header, left = anchor(sheet, block)
    rows = []
    for r in range(header, ws.max_row + 1):
        row = [ws.cell(r, left + i) for i in range(width)]
        if all(c.value is None for c in row):
            break
        rows.append(row)
    return rows


def test_retention_value_sheet_reads_back(tmp_path):
    report = build_report(hand_data(), "2026-09", settings={"gross_margin": 0.8, "program_cost": 50})
    ws = openpyxl.load_workbook(write_report(report, tmp_path / "r.xlsx"))["Retention value"]
    assert ws["A1"].value == "What-if: the value of lower churn, from the period's customers, churn and ARPA"
    header, *rows = _block_rows(ws, "Retention value", "retention_whatif", 6)
    assert [c.value for c in header] == ["Item", "Today (2026-09)", "Churn −10 %", "Churn −20 %",
                                         "Churn −30 %", "Note"]
    by_label = {row[0].value: row for row in rows}
    assert len(rows) == len(report.retention_whatif)
    value = by_label["Value of the churn cut"]
    assert value[1].value is None and value[2].value == pytest.approx(92)  # 5 x (184 - 165.6)
    assert value[2].number_format == layout.UNIT_FORMATS["money"]
    roi = by_label["Return on the programme (ROI)"]
    assert roi[2].value == pytest.approx(0.84) and roi[2].number_format == layout.PERCENT
    customers = by_label["Customers at the end of the period (the base)"]
    assert customers[1].value == 5 and customers[1].number_format == layout.COUNT
    assert by_label["Customer lifetime value (margin)"][1].value == pytest.approx(165.6)


def test_customer_value_sheet_reads_back(tmp_path):
    from addin.sample_data import generate_company

    frames = generate_company()
    report = build_report(RetentionData.from_frames(frames), "2026-09")
    ws = openpyxl.load_workbook(write_report(report, tmp_path / "s.xlsx"))["Customer value"]
    assert ws["A1"].value == "Predicted customer value"
    notes = render.in_words(report, "clv_notes")
    assert [ws.cell(2 + i, 1).value for i in range(len(notes))] == notes
    header, *rows = _block_rows(ws, "Customer value", "top_customers", 7)
    assert [c.value for c in header] == ["Customer", "Predicted CLV", "Share of the total",
                                         "Cumulative share", "P(alive)", "Expected purchases",
                                         "Expected spend per purchase"]
    assert len(rows) == 20
    # the customers by name where the data names them, with their id
    names = dict(zip(frames["Customers"]["customer_id"], frames["Customers"]["name"]))
    assert [r[0].value for r in rows] == [f"{names[c]} ({c})" for c in report.top_customers["customer_id"]]
    assert [r[1].value for r in rows] == pytest.approx(list(report.top_customers["clv"]))
    assert rows[0][1].number_format == layout.MONEY
    assert rows[0][2].number_format == layout.PERCENT
    # the hand-made company has too few repeat buyers: the sheet says so, no table
    hand = openpyxl.load_workbook(write_report(build_report(hand_data(), "2026-09"),
                                               tmp_path / "h.xlsx"))["Customer value"]
    assert hand["A2"].value.startswith("n/a — too few repeat buyers to fit the model")
    header_row, left = anchor("Customer value", "top_customers")
    assert hand.cell(header_row + 1, left).value is None


def test_cli_program_cost(tmp_path, capsys):
    data = data_workbook(tmp_path / "data.xlsx")
    out = tmp_path / "report.xlsx"
    assert run(capsys, "report", str(data), "-o", str(out), "-q", "--period", "2026-09",
               "--gross-margin", "80%", "--program-cost", "50")[0] == 0
    ws = openpyxl.load_workbook(out)["Retention value"]
    rows = {row[0].value: row for row in _block_rows(ws, "Retention value", "retention_whatif", 6)}
    assert rows["Retention programme cost"][1].value == 50
    assert rows["Return on the programme (ROI)"][2].value == pytest.approx((92 - 50) / 50)
    with pytest.raises(SystemExit) as exit_:  # argparse refuses it
        main(["report", str(data), "-o", str(tmp_path / "x.xlsx"), "--program-cost", "-5"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "'-5' is not an amount of 0 or more" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_the_terminal_says_what_was_dropped(tmp_path, capsys):
    # rows dropped are summed up on the terminal, not only on the Data quality sheet
    from addin.cli import main
    from addin.sample_data import generate_company, write_csv_folder

    folder = tmp_path / "data"
    write_csv_folder(generate_company(customers=40), folder)
    orders = folder / "Orders.csv"
    lines = orders.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("amount")] = "-5"
    lines[1] = ",".join(row)
    orders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["report", str(folder), "-o", str(tmp_path / "r.xlsx")]) == 0
    err = capsys.readouterr().err
    assert "retention: Orders" in err and "1 negative amount (row 2)" in err
    assert "retention: Customers" not in err  # nothing dropped there: not said
