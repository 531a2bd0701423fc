"""The one renderer (addin.report.render) on the demo company, in English and Italian.

Every block's grid size in both shapes (fitted on the exporter's sheets, fixed in the Report
sheet's frames), number formats resolved from each row's unit, change colours, capped rows,
safe text; the words: the report's notes said in its language, numbers in them with the
language's marks, every text of the hand-made company as it was when the computation still
made words; and the writers emit exactly its cells: the exporter's workbook read back cell
by cell, and the Refresh button's planned writes cell by cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from addin import i18n
from addin.report import layout
from addin.data import RetentionData, load_data
from addin.excel.report_writer import write_report
from addin.report import Note, build_report
from addin.report import render
from addin.report.render import BAD, BODY, GOOD, HEADER, LABEL, TITLE, Cell, make_cell
from addin.sample_data import generate_company

from test_report import hand_data, hand_frames

BLOCKS = [block for sheet in layout.LAYOUT for block in sheet.blocks]
#: The exported sheets' blocks (the KPI page and the cohorts' note differ from the frames').
EXPORTED = [block for sheet in layout.LAYOUT for block in sheet.sheet_blocks]
SHEET_OF = {block.name: sheet for sheet in layout.LAYOUT for block in sheet.blocks}
VALUE_TYPES = (type(None), bool, int, float, dt.datetime, str)


@pytest.fixture(scope="module")
def demo_data():
    return load_data(generate_company())


@pytest.fixture(scope="module", params=["en", "it"])
def report(request, demo_data):
    # Italian with a currency, English without: both ways of writing money
    return build_report(demo_data, lang=request.param,
                        settings={"currency": "EUR" if request.param == "it" else None})


@pytest.fixture(scope="module")
def fixed(report):
    return {rendered.block.name: rendered for rendered in render.render_report_sheet(report)}


@pytest.fixture(scope="module")
def fitted(report):
    return {rendered.block.name: rendered
            for sheet in layout.LAYOUT for rendered in render.render_sheet(report, sheet)}


def content_rows(report, block: layout.Block) -> int:
    """Rows of a block: its content's, and on an exported sheet a band per group shown."""
    rows = len(render.in_words(report, block.name))
    if block.groups:
        keys = set(getattr(report, block.name)["key"])
        rows += sum(1 for _, group in block.groups if keys & set(group))
    return rows


def fmt(report, unit, change=False):
    """The format the renderer gives ``unit`` in the report's language and currency."""
    return render.number_format(unit, report.lang, report.currency, change=change)


# ---------------------------------------------------------------------------- the module


def test_renderer_imports_no_excel_library():
    code = ("import sys, addin.report.render; "
            "print(sorted(m for m in ('openpyxl', 'xlwings', 'xlsxwriter') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------- sizes


def test_fixed_frames_have_the_layouts_size(report, fixed):
    assert list(fixed) == [block.name for block in BLOCKS]
    for block in BLOCKS:
        rendered = fixed[block.name]
        assert rendered.address == layout.REPORT_ANCHORS[block.name]
        assert len(rendered.cells) == layout.block_height(block), block.name
        assert all(len(line) == layout.block_width(block) for line in rendered.cells), block.name
        assert all(isinstance(cell, Cell) for line in rendered.cells for cell in line)
        assert rendered.data_rows == min(content_rows(report, block), block.max_rows)


def test_fitted_blocks_are_as_big_as_their_content(report, fitted):
    assert list(fitted) == [block.name for block in EXPORTED]
    for block in EXPORTED:
        rendered = fitted[block.name]
        assert rendered.address == block.anchor
        header = 1 if block.kind == "table" else 0
        rows = content_rows(report, block)
        assert rendered.data_rows == rows and len(rendered.cells) == 1 + header + rows
        frame = getattr(report, block.name, None)
        if block.kind == "table":
            listed = {c.key for c in block.columns}
            shown = [c.key for c in block.columns if c.key in frame.columns or c.sparkline]
            if block.heatmap or block.open_columns:
                shown += [k for k in frame.columns if k not in listed and not isinstance(k, str)]
            assert rendered.keys == shown, block.name
        # the title alone on its row: it runs over the empty cells to its right
        assert rendered.cells[0][0].style == TITLE and rendered.cells[0][0].runs_over
        assert all(cell is None for cell in rendered.cells[0][1:])


def test_demo_blocks_fill_their_frames(report, fixed):
    """The demo company has data for every table but the data notes: full monthly tables."""
    for name in ("trend", "cohorts_logos", "cohorts_revenue", "nps_monthly", "top_customers",
                 "meta", "nps_distribution", "ageing"):
        assert fixed[name].data_rows == fixed[name].block.max_rows, name
    assert fixed["data_notes"].data_rows == 0
    # 24 cohort ages: the frame's room for ages exactly
    assert len(fixed["cohorts_logos"].heatmap_columns) == layout.MAX_AGES


# ---------------------------------------------------------------------------- words


def test_titles_and_headers_in_the_reports_language(report, fitted, fixed):
    lang = report.lang
    for block in BLOCKS:
        assert fixed[block.name].cells[0][0].value == render.words(report, block.title)
    for block in EXPORTED:
        assert fitted[block.name].cells[0][0].value == render.words(report, block.title)
    # the Report sheet's frame: every column, units in words (money: the currency's code)
    kpis = fixed["kpis"].values()
    assert kpis[1][:6] == [
        i18n.text(lang, "kpi"), i18n.text(lang, "unit"),
        i18n.text(lang, "current", period=report.period.label),
        i18n.text(lang, "previous", previous=report.previous.label),
        i18n.text(lang, "change"), i18n.text(lang, "note")]
    units = [row[1] for row in kpis[2:2 + len(report.kpis)]]
    assert units == [report.currency if u == "money" and report.currency
                     else i18n.text(lang, "unit_" + u) for u in report.kpis["unit"]]
    # the first page: the periods as headers, the units in the numbers' formats, sparklines
    page = fitted["kpis"].values()
    assert page[1] == [i18n.text(lang, "kpi"), report.period.label, report.previous.label,
                       i18n.text(lang, "change"), i18n.text(lang, "sparkline"),
                       i18n.text(lang, "note")]
    for shape in (fitted, fixed):
        cohorts = shape["cohorts_logos"].values()[1]
        assert cohorts[2:5] == [i18n.text(lang, "months_since", k=k) for k in range(3)]
    assert fixed["kpis"].cells[1][0].style == HEADER
    if lang == "it":
        assert fitted["kpis"].values()[1][0] == "Indicatore"
        assert fitted["meta"].values()[0][0] == "Report di fidelizzazione"
    assert render.workbook_title(report) == f"{i18n.text(lang, 'title')} {report.period.label}"


def test_notes_become_words(report):
    lang = report.lang
    said = lambda value: render.text_of(report, value)  # noqa: E731
    assert said(Note("default_margin")) == i18n.text(lang, "default_margin")
    # alternatives, a note inside a note, several notes, the core's text as it is
    either = Note("needs_table", tables=("Customers", "Subscriptions"))
    assert said(either) == i18n.text(
        lang, "needs_table", tables=i18n.text(lang, "table_or").join(["Customers", "Subscriptions"]))
    previous = Note("previous_note", note=either)
    assert said(previous) == i18n.text(lang, "previous_note", note=said(either))
    assert said((previous, "undefined: x is 0")) == f"{said(previous)}; undefined: x is 0"
    assert said(()) == ""
    for value in ("text from the data", 3, 0.5, None):
        assert said(value) == value
    # every Note of the report is said: no cell shows one
    for rendered in render.render_report_sheet(report):
        assert not any("Note(" in str(value) for line in rendered.values() for value in line)


def test_numbers_in_notes_have_the_languages_marks(report):
    fit, share = report.clv_notes[:2]
    assert (fit.key, share.key) == ("clv_model_note", "clv_top_share")
    values = dict(share.values)
    percent, top = f"{values['percent']:,.1f} %", f"{values['top'].value:,.0f}"
    assert values["top"].value >= 1000 and values["top"].unit == "money"  # a thousands mark
    if report.lang == "it":
        percent, top = (t.translate(str.maketrans(",.", ".,")) for t in (percent, top))
        top = f"{top} €"  # money in the report's currency, after the amount in Italian
    said = render.in_words(report, "clv_notes")
    assert f" {percent} " in said[1] and f"({top} " in said[1], said[1]


# Every text the renderer gives for the hand-made company, in both languages: a digest of
# the place, text and quoting of each text cell, both shapes. The digests were taken when
# the report became board-ready (units in the formats' words, the KPI page by group, the
# data source and the core's messages in the analyst's words, Italian sheet names and
# definitions), after reading the texts. A change of a word changes a digest: look at the
# texts and take the new digest.
SAID = {
    ("2026-09", None, (), "en"): "fadd64e53d3e1dd0",
    ("2026-09", None, (), "it"): "51d622093fa89ab9",
    ("2026-09", "A", (), "en"): "4b92beaf0431c744",  # data range: the whole data's
    ("2026-09", "A", (), "it"): "bbd2823ca6c2bfbf",
    ("2026-09", None, ("Orders", "NPS", "Invoices"), "en"): "97e9688491767a71",
    ("2026-09", None, ("Orders", "NPS", "Invoices"), "it"): "075f044ddded66fd",
    ("2025-10", None, (), "en"): "0189112a088f5461",
    ("2025-10", None, (), "it"): "8f1526c13e661b3c",
}


def said_texts(report) -> list:
    """(shape, block, row, column in the block, text, quoted) of every text cell the
    renderer gives (places within a block: anchors may move without a word changing)."""
    found = []
    shapes = [("Report", render.render_report_sheet(report))]
    shapes += [(sheet.name, render.render_sheet(report, sheet)) for sheet in layout.LAYOUT]
    for shape, blocks in shapes:
        for rendered in blocks:
            for i, line in enumerate(rendered.cells):
                for j, cell in enumerate(line):
                    if cell is not None and isinstance(cell.value, str):
                        found.append([shape, rendered.block.name, i, j, cell.value,
                                      cell.quoted])
    return found


def digest(texts: list) -> str:
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:16]


@pytest.mark.parametrize("case", list(SAID), ids=lambda case: "-".join(map(str, case)))
def test_the_words_of_the_hand_made_company(case):
    period, segment, tables, lang = case
    report = build_report(hand_data(*tables), period, segment, lang,
                          {"gross_margin": 0.6, "program_cost": 100} if segment else None)
    texts = said_texts(report)
    assert digest(texts) == SAID[case], "\n".join(map(str, texts))


# ---------------------------------------------------------------------------- formats


def test_formats_follow_each_rows_unit(report, fitted, fixed):
    for shape in (fitted, fixed):
        for rendered in shape.values():
            for line in rendered.formats():
                assert layout.BY_UNIT not in line and layout.CHANGE not in line
        kpis = shape["kpis"]
        rows = {key: 2 + i for i, key in enumerate(kpis.row_keys)}
        first, change = (1, 3) if shape is fitted else (2, 4)
        for row in report.kpis.itertuples():
            cells = kpis.cells[rows[row.key]]
            for j, want in ((first, fmt(report, row.unit)), (first + 1, fmt(report, row.unit)),
                            (change, fmt(report, row.unit, change=True))):
                if cells[j].value is not None or shape is fixed:
                    assert cells[j].number_format == want, (row.key, j)
        whatif = shape["retention_whatif"]
        for i, unit in enumerate(report.retention_whatif["unit"]):
            for j in range(1, 5):
                cell = whatif.cells[2 + i][j]
                if cell.value is not None or shape is fixed:
                    assert cell.number_format == fmt(report, unit)
        trend = shape["trend"].cells
        assert all(line[0].number_format == fmt(report, "month") for line in trend[2:])
        assert isinstance(trend[2][0].value, dt.datetime)


def test_one_format_per_unit_in_the_language_and_the_currency():
    assert render.number_format("%") == "0.0%"
    assert render.number_format("%", change=True) == '+0.0" pts";-0.0" pts";0.0" pts"'
    assert render.number_format("%", "it", change=True) == \
        '+0.0" punti";-0.0" punti";0.0" punti"'
    assert render.number_format("money") == "#,##0"
    assert render.number_format("money", "en", "EUR") == '"€ "#,##0'
    assert render.number_format("money", "it", "EUR") == '#,##0" €"'
    assert render.number_format("money", "en", "USD", change=True) == '+"$ "#,##0;-"$ "#,##0;"$ "#,##0'
    assert render.number_format("money", "en", "SEK") == '"SEK "#,##0'
    assert render.number_format("days") == '0.0" days"'
    assert render.number_format("days", "it", change=True) == \
        '+0.0" giorni";-0.0" giorni";0.0" giorni"'
    assert render.number_format("points") == "0.0"
    assert render.number_format("ratio") == "0.00"
    assert render.number_format("month") == "mmm yy"
    assert render.number_format("month", "it") == "[$-410]mmm yy"
    # the same decimals in words: the summary, the notes
    from addin.report import say
    assert say.amount("en", "EUR", 460409.2, "money") == "€ 460,409"
    assert say.amount("it", "EUR", 460409.2, "money") == "460.409 €"
    assert say.amount("en", "EUR", -32978.4, "money", change=True) == "−€ 32,978"
    assert say.amount("en", None, 1.234, "%", change=True) == "+1.2 pts"
    assert say.amount("en", None, 0.993, "%") == "99.3 %"
    assert say.amount("it", None, 27.56, "days") == "27,6 giorni"
    assert say.month("it", pd.Timestamp("2024-11-01")) == "nov 24"


def test_fitted_formats_only_numbers_and_fixed_frames_format_whole_columns(report, fitted, fixed):
    for rendered in fitted.values():
        for line in rendered.cells:
            for cell in line:
                if cell is not None and cell.number_format is not None:
                    assert isinstance(cell.value, (int, float, dt.datetime)), cell
    # a frame's blank rows keep the fixed formats, and no by-unit one (no unit there)
    whatif = fixed["retention_whatif"]
    blank = whatif.cells[2 + len(report.retention_whatif)]
    assert [c.value for c in blank] == [None] * 6
    assert [c.number_format for c in blank] == [None] * 6
    nps = fixed["nps_monthly"].cells
    assert [c.number_format for c in nps[2]] == [fmt(report, c.unit) for c in fixed["nps_monthly"].columns]
    quality = fixed["quality"]  # 7 rows in a frame of 60
    assert quality.cells[-1][1].value is None
    assert quality.cells[-1][1].number_format == layout.COUNT


# ---------------------------------------------------------------------------- change colours


def test_change_colours(report, fitted, fixed):
    for shape in (fitted, fixed):
        kpis = shape["kpis"]
        column = 3 if shape is fitted else 4
        assert kpis.change_columns == [column]
        rows = {key: 2 + i for i, key in enumerate(kpis.row_keys)}
        seen = set()
        for row in report.kpis.itertuples():
            i = rows[row.key] - 2
            cell = kpis.cells[2 + i][column]
            direction = 0 if math.isnan(row.change) or not row.better else row.change * row.better
            want = GOOD if direction > 0 else BAD if direction < 0 else BODY
            assert cell.style == want, row.key
            seen.add(want)
            fill = kpis.fills()[2 + i][column]
            font = kpis.fonts()[2 + i][column]
            if want == GOOD:
                assert (fill, font) == (f"#{layout.GOOD_FILL}", f"#{layout.GOOD_FONT}")
            elif want == BAD:
                assert (fill, font) == (f"#{layout.BAD_FILL}", f"#{layout.BAD_FONT}")
            else:
                assert fill is None and font is None
        assert {GOOD, BAD} <= seen
        # nothing else is coloured
        for rendered in shape.values():
            for i, line in enumerate(rendered.fills()):
                for j, fill in enumerate(line):
                    assert fill is None or (rendered.block.name == "kpis" and j == column), (
                        rendered.block.name, i, j)


# ---------------------------------------------------------------------------- capping


def test_capped_rule():
    rows = [[i, i] for i in range(7)]
    assert render.capped(rows, 7, 2) == rows
    assert render.capped(rows, 5, 2) == [[0, 0], [1, 1], [2, 2], [3, 3], ["… (+3)", None]]


def test_long_blocks_are_cut_in_frames_only(report):
    notes = [f"note {i}" for i in range(15)]
    quality = pd.concat([report.quality] * 10, ignore_index=True)  # 70 rows
    kpis = pd.concat([report.kpis, report.kpis.head(5)], ignore_index=True)  # 33 rows
    long = replace(report, notes=notes, quality=quality, kpis=kpis)
    frames = {r.block.name: r for r in render.render_report_sheet(long)}

    lines = render.notes(long)
    assert lines == notes
    block = frames["notes"].block
    values = frames["notes"].values()
    assert len(values) == layout.block_height(block)
    assert values[block.max_rows] == [f"… (+{len(lines) - block.max_rows + 1})"]
    assert values[block.max_rows - 1] == [lines[block.max_rows - 2]]

    block = frames["quality"].block
    last = frames["quality"].cells[-1]
    assert last[0].value == f"… (+{len(quality) - block.max_rows + 1})"
    assert [c.value for c in last[1:]] == [None] * (len(block.columns) - 1)
    assert frames["quality"].data_rows == block.max_rows

    block = frames["kpis"].block
    last = frames["kpis"].cells[-1]
    assert last[0].value == f"… (+{len(kpis) - block.max_rows + 1})"
    assert last[4].style == BODY and last[4].fill is None  # no colour on the cut row
    # the cut row keeps its row's formats
    assert last[2].number_format == fmt(long, kpis["unit"][block.max_rows - 1])

    # the exporter's sheets are not cut: every row is written
    fitted = {r.block.name: r for r in render.render_sheet(long, layout.sheet("KPIs"))}
    assert fitted["notes"].values()[1:] == [[line] for line in lines]
    assert fitted["kpis"].data_rows == len(kpis) + len(layout.KPI_GROUPS)


# ---------------------------------------------------------------------------- safe values


def test_values_are_plain_python(fitted, fixed):
    for shape in (fitted, fixed):
        for rendered in shape.values():
            for line in rendered.values():
                for value in line:
                    assert type(value) in VALUE_TYPES, (rendered.block.name, value)
                    assert not (isinstance(value, float) and not math.isfinite(value))


@pytest.mark.parametrize("raw, value, quoted", [
    ("=1+2", "=1+2", True),
    ("+3", "+3", True),
    ("-5+6", "-5+6", True),
    ("@SUM(1)", "@SUM(1)", True),
    ("  =HYPERLINK(1)", "  =HYPERLINK(1)", True),
    ("2026-09", "2026-09", True),
    ("1-30", "1-30", True),
    ("(12)", "(12)", True),
    ("$5", "$5", True),
    ("€5", "€5", True),
    ("TRUE", "TRUE", True),
    ("false ", "false ", True),
    ("\tTab", "\tTab", True),
    ("truth", "truth", False),
    ("Retention", "Retention", False),
    ("a\x00b\x07c\x1fd\te\nf", "abcd\te\nf", False),
])
def test_text_is_made_safe(raw, value, quoted):
    cell = make_cell(raw)
    assert (cell.value, cell.quoted) == (value, quoted)
    assert cell.entered == ("'" + value if quoted else value)
    assert render.excel_input(raw) == cell.entered


def test_long_text_fits_a_cell_with_its_apostrophe():
    plain = make_cell("a" * 40_000)
    assert len(plain.value) == 32_767 and not plain.quoted
    quoted = make_cell("=" + "b" * 40_000)
    assert quoted.quoted and len(quoted.entered) == 32_767


@pytest.mark.parametrize("raw, value", [
    (None, None), (float("nan"), None), (np.inf, None), (pd.NaT, None), (pd.NA, None),
    (np.int64(3), 3), (np.float32(0.5), 0.5), (np.bool_(True), True),
    (pd.Timestamp("2026-09-01"), dt.datetime(2026, 9, 1)),
    (np.datetime64("2026-09-01"), dt.datetime(2026, 9, 1)),
    (dt.date(2026, 9, 1), dt.datetime(2026, 9, 1)),
])
def test_report_values_become_cell_values(raw, value):
    cell = make_cell(raw, layout.PERCENT)
    assert cell.value == value and type(cell.value) is type(value)
    assert cell.number_format == (layout.PERCENT if value is not None else None)


def test_formula_like_report_text_is_quoted(report):
    hostile = replace(report, notes=["=1+2", "@SUM(A1)", "plain"],
                      meta=report.meta.assign(value=["=cmd|'/c calc'!A1"] * len(report.meta)))
    frames = {r.block.name: r for r in render.render_report_sheet(hostile)}
    notes = frames["notes"].entered_values()
    assert notes[1:4] == [["'=1+2"], ["'@SUM(A1)"], ["plain"]]
    meta = frames["meta"]
    assert all(line[1].quoted and line[0].style == LABEL for line in meta.cells[1:6])


# ---------------------------------------------------------------------------- the writers


def _same(a: object, b: object) -> bool:
    if a == "":  # a workbook keeps no empty text: it reads back blank
        a = None
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def test_the_exported_workbook_holds_the_renderers_cells(report, tmp_path):
    """Every cell the renderer gives lands in the exporter's workbook as given (value,
    format, quote prefix, change colour), and the workbook has no other cell."""
    book = openpyxl.load_workbook(write_report(report, tmp_path / "r.xlsx"))
    assert book.sheetnames == [render.sheet_name(report, sheet) for sheet in layout.LAYOUT]
    for sheet in layout.LAYOUT:
        ws = book[render.sheet_name(report, sheet)]
        expected: dict[tuple[int, int], Cell] = {}
        for rendered in render.render_sheet(report, sheet):
            for i, line in enumerate(rendered.cells):
                for j, cell in enumerate(line):
                    if cell is not None:
                        expected[(rendered.row + i, rendered.column + j)] = cell
        for (row, column), cell in expected.items():
            written = ws.cell(row, column)
            where = (sheet.name, written.coordinate)
            assert _same(cell.value, written.value), (*where, cell.value, written.value)
            assert written.number_format == (cell.number_format or "General"), where
            assert bool(written.quotePrefix) == cell.quoted, where
            assert written.data_type != "f", where
            if cell.fill is not None:
                assert written.fill.fgColor.rgb.endswith(cell.fill[1:]), where
                assert written.font.color.rgb.endswith(cell.font[1:]), where
            elif cell.style not in (HEADER, render.GROUP):  # the header and group bands
                assert written.fill.fill_type is None, where
        for line in ws.iter_rows():
            for written in line:
                if written.value is not None:
                    assert (written.row, written.column) in expected, (sheet.name, written.coordinate)


def test_the_refresh_plans_the_renderers_cells(report, fixed):
    """The Refresh button's writes (values, number formats, change colours) are the
    renderer's fixed frames, cell by cell (the template's Report sheet draws the same)."""
    refresh = pytest.importorskip("addin.refresh")
    values, formats, colours = {}, {}, {}
    for write in refresh.plan_writes(report):
        for i in range(write.rows):
            for j in range(write.columns):
                cell = (write.row + i, write.column + j)
                if write.kind == "values":
                    values[cell] = write.payload[i][j]
                elif write.kind == "number_format":
                    formats[cell] = write.payload
                else:
                    colours[cell] = write.payload[i][j]
    want_values, want_formats, want_colours = {}, {}, {}
    for rendered in fixed.values():
        entered, number, fill = rendered.entered_values(), rendered.formats(), rendered.fills()
        for i, line in enumerate(entered):
            for j, value in enumerate(line):
                cell = (rendered.row + i, rendered.column + j)
                want_values[cell] = value
                if number[i][j] is not None:
                    want_formats[cell] = number[i][j]
                if i >= 2 and j in rendered.change_columns:
                    want_colours[cell] = fill[i][j]
    assert values.keys() == want_values.keys()
    for cell, value in want_values.items():
        assert type(values[cell]) is type(value) and values[cell] == value, cell
    assert formats == want_formats
    assert colours == want_colours


# ---------------------------------------------------------------------------- one language


def _csv_company(folder) -> "Path":
    """The hand-made company as CSV files the data reader has things to say about: a decimal
    comma, a file that is not UTF-8, a file that is not a table, a row it drops."""
    frames = hand_frames()
    orders = frames["Orders"]
    orders["amount"] = orders["amount"] + 0.25
    orders.loc[len(orders)] = ["O10", "C1", "2026-09-03", -5.0, 1, 0]
    for name, frame in frames.items():
        if name == "Orders":
            frame.to_csv(folder / f"{name}.csv", index=False, sep=";", decimal=",")
        else:
            frame.to_csv(folder / f"{name}.csv", index=False)
    customers = folder / "Customers.csv"
    customers.write_bytes(customers.read_bytes().replace(b"Ann", "Anné".encode("cp1252")))
    (folder / "Notes.csv").write_text("x\n1\n")
    return folder


def _every_text(report) -> list[tuple[str, str]]:
    """Every text of the exported workbook: sheet names, cells, number formats' words, chart
    titles, the footer."""
    found = [("footer", text) for text in render.footer(report)]
    for sheet in layout.LAYOUT:
        found.append(("sheet", render.sheet_name(report, sheet)))
        for rendered in render.render_sheet(report, sheet):
            found += [("chart", render.words(report, chart.title)) for chart in rendered.block.charts]
            for line in rendered.cells:
                for cell in line:
                    if cell is not None and isinstance(cell.value, str):
                        found.append((rendered.block.name, cell.value))
                    if cell is not None and cell.number_format:
                        found += [("format", word) for word in cell.number_format.split('"')[1::2]]
    return found


_TOKEN = re.compile(r"[A-Za-zÀ-ÿ_]{3,}")


def _vocabulary(texts) -> set[str]:
    return {word.lower() for text in texts
            for word in _TOKEN.findall(re.sub(r"\{[^}]*\}", " ", text))}


def _foreign(token: str) -> bool:
    """False for a token that may stand in either language: a table's or a column's name of
    the data, an Excel function's (with "_"), an acronym (MRR, NPS, CRR)."""
    from addin.data.schema import TABLES

    columns = {column for table in TABLES.values() for column in table}
    return not (token in TABLES or token in columns or "_" in token or token.isupper())


def test_no_word_of_the_other_language_is_left(tmp_path):
    """An Italian report is Italian all through (sheet names, headers, notes, the data
    reader's notes and drop reasons, the words in the number formats, the footer), and an
    English one English; proper nouns, acronyms and the data's own names are allowed."""
    from addin.data import load_data
    from addin.report import KPIS, definitions

    english = set(i18n.TEXTS["en"].values()) | {
        definitions.definition_of(fn) for spec in KPIS for fn in spec.functions}
    italian = set(i18n.TEXTS["it"].values())
    only = {"it": _vocabulary(english) - _vocabulary(italian),
            "en": _vocabulary(italian) - _vocabulary(english)}
    words = {lang: set(i18n.TEXTS[lang].values()) for lang in ("en", "it")}
    labels = {"it": words["en"] - words["it"], "en": words["it"] - words["en"]}
    csv = load_data(_csv_company(tmp_path))
    assert len(csv.notes) == 3 and "negative amount" in set(csv.quality["reason"])
    cases = [(load_data(generate_company()), None), (hand_data(), "2026-09"),
             (hand_data("Orders"), "2026-09"), (hand_data("Customers", "Subscriptions"), "2026-07"),
             (csv, "2026-09")]
    for lang in ("it", "en"):
        for data, period in cases:
            report = build_report(data, period, lang=lang, settings={"currency": "EUR"})
            for where, text in _every_text(report):
                assert text not in labels[lang] or not _foreign(text), (lang, where, text)
                named = re.sub(r"\S+\.(?:csv|xlsx|xlsm)\b", " ", text)  # a file's name
                left = [t for t in _TOKEN.findall(named) if t.lower() in only[lang] and _foreign(t)]
                assert not left, (lang, where, text, left)
    # the reader's notes and reasons said in Italian (not only free of English words)
    said = render.in_words(build_report(csv, "2026-09", lang="it"), "data_notes")
    assert len(said) == 3
    assert any(line.startswith("Orders.csv: numeri letti con la virgola decimale")
               and line.endswith("(--decimal .).") for line in said)  # the command line's words
    assert any(line.startswith("Customers.csv non è in UTF-8") for line in said)
    reasons = render.in_words(build_report(csv, "2026-09", lang="it"), "quality")["reason"]
    assert "amount negativo" in list(reasons)


#: The words that are the same in English and Italian: acronyms, names, numbers, symbols.
SAME_IN_BOTH = {
    "bucket_1_30", "bucket_31_60", "bucket_61_90", "chart_mrr", "current_short", "dau_mau",
    "months_since", "mrr", "nps", "previous_short", "quick_ratio", "rule_nps_dso_label",
    "say_mrr", "say_nps", "sheet_nps", "short_arpa", "short_crr", "short_dau_mau", "short_dso",
    "short_grr", "short_mrr", "short_nps", "short_nrr", "short_quick_ratio", "source_file",
    "summary_is", "unit_%",
}


def test_no_word_is_left_untranslated():
    """A word copied and not translated would pass the test above: the words the languages
    share are these, and only these."""
    same = {k for k, v in i18n.TEXTS["en"].items() if i18n.TEXTS["it"][k] == v}
    assert same == SAME_IN_BOTH


def test_every_drop_reason_of_the_data_reader_has_its_words():
    """Every note and drop reason the data reader can write is a keyed message whose words
    are in English and Italian (addin.i18n.report_messages): its English is the message's
    text, its Italian is said from the key, and no regex reads the English back."""
    import string
    from pathlib import Path

    import addin.data
    from addin.data import schema
    from addin.i18n import Message
    from addin.report import say

    keys = set(schema.REASONS.values()) | {schema.UNKNOWN_CUSTOMER}
    keys |= {reason for checks in schema.NUMBER_CHECKS.values() for _, reason in checks}
    keys |= {reason for rules in schema.ORDERED_COLUMNS.values() for *_, reason in rules}
    keys |= {rule.reason for rule in schema.REPEATS.values()}
    # the notes: every word key the reader's code names
    for path in Path(addin.data.__file__).parent.rglob("*.py"):
        keys |= set(re.findall(r'"((?:data|q)_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    keys |= {f"{key}_one" for key in keys if f"{key}_one" in i18n.TEXTS["en"]}
    assert {k for k in i18n.TEXTS["en"] if k.startswith("q_")} <= keys  # no word left over
    for key in sorted(keys):
        assert key in i18n.TEXTS["en"] and key in i18n.TEXTS["it"], key
        fields = {name for _, name, _, _ in string.Formatter().parse(i18n.TEXTS["en"][key]) if name}
        assert fields == {name for _, name, _, _ in string.Formatter().parse(i18n.TEXTS["it"][key])
                          if name}, key
        message = Message(key, **{name: 3 if name in ("n", "row", "line", "year") else "amount"
                                  for name in fields})
        assert say.data_text("en", message) == str(message) == i18n.text("en", key, **message.values)
        assert say.data_text("it", message) != str(message), key
    # a nested message (a count, a place) is said in the language of the message around it
    rows = Message(schema.UNKNOWN_CUSTOMER, rows=Message("q_rows", n=1200))
    assert rows == "customer_id not in Customers: 1,200 rows kept"
    assert say.data_text("it", rows) == "customer_id non presente in Customers: 1.200 righe tenute"


def test_nothing_internal_on_the_page(tmp_path):
    """No module's name, no Python name (``churned_mrr``), no "." for a folder: what was read
    and why a value is blank, in the analyst's words."""
    import os

    from addin.data import load_data
    from addin.data.schema import TABLES

    columns = {column for table in TABLES.values() for column in table}
    (tmp_path / "exports").mkdir()
    folder = _csv_company(tmp_path / "exports")
    here = os.getcwd()
    os.chdir(folder)
    try:  # the command run in the data's folder: the reader names it "."
        relative = load_data(".")
        assert relative.source == "."
        here_reports = [build_report(relative, "2026-09", lang=lang) for lang in ("en", "it")]
    finally:
        os.chdir(here)
    assert render.in_words(here_reports[0], "meta")["value"][3] == \
        "folder exports: 7 tables, 146 rows read"
    frames = hand_frames()
    frames["Subscriptions"] = frames["Subscriptions"][frames["Subscriptions"]["customer_id"] == "C1"]
    cases = [(load_data(generate_company()), None), (hand_data(frames=frames), "2026-08"),
             (hand_data("Orders"), "2026-09")]
    reports = here_reports + [build_report(data, period, lang=lang)
                              for lang in ("en", "it") for data, period in cases]
    for report in reports:
        for where, text in _every_text(report):
            assert "addin." not in text, (where, text)
            python = [t for t in re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text) if t not in columns]
            assert not python, (report.lang, where, text, python)
        source = render.in_words(report, "meta")["value"][3]
        assert source not in (".", "") and not source.startswith(".:"), source
    demo = build_report(RetentionData.from_frames(generate_company(), source="sample data"))
    assert render.in_words(demo, "meta")["value"][3].startswith("the bundled sample company")
