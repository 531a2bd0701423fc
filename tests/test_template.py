"""The template workbook (addin.excel.template): committed = rebuilt, and every number checked.

- The committed files equal a fresh build (bytes first; on any byte difference, cell values,
  formulas, number formats, Tables, defined names and sheets through openpyxl).
- LibreOffice recalculates the template headlessly: every native formula computes without an
  error and to the value stored with it; every guide example's native result equals the
  guide's printed number (and each erratum's corrected figure); the cells that call our
  functions show #NAME? -- and no other cell of the workbook shows an error.
- The Calculator is the report: for the template's month and for Settings periods in every
  form addin.settings reads, each Calculator figure equals ``build_report``'s.
- It prints: LibreOffice's plain PDF export works, to a sensible number of pages, no chart
  cut by a page break.
- pycel evaluates the function cells with our functions plugged in (tests/pycel_plugin.py):
  each equals its native twin.
- python-calamine reads it; its structure (Tables, names, validation, no external links,
  fullCalcOnLoad) is checked in the XML.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from addin import metrics as m
from addin.cells import serial_of
from addin.cli import main
from addin.guides import EXAMPLES
from addin.excel import template as tpl
from addin.i18n.template_words import EXAMPLE_TEXT_IT, PARAM, TEXT
from addin.sample_data import TABLE_COLUMNS, generate_company

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = {lang: ROOT / "workbook_templates" / name for lang, name in tpl.TEMPLATE_FILES.items()}
PICTURE = ROOT / "docs" / "img" / "template-guide-examples.png"
WHY_PICTURE = ROOT / "docs" / "img" / "template-why-retention-pays.png"
WHY = tpl.WHY_SHEET
FORMULA_SHEETS = ("Start here", "Guide examples", WHY, "Calculator", "Per customer", "Report",
                  "Settings")
UDF_CALL = tpl.book.UDF_CALL  # a formula that calls one of our functions
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "Err:")


def _small_company():
    return generate_company(customers=40, months=6, seed=7)


@pytest.fixture(scope="session")
def small_template(shared_file):
    """A template built on a small company (fast to build, recalculate and render), built once
    per run and shared by the xdist workers. Read it; copy it before changing it."""
    tables = _small_company()
    path = shared_file("small-template-40x6-seed7.xlsx",
                       lambda target: tpl.build_template(target, tables=tables))
    return path, tables


# --------------------------------------------------------------------------- reading helpers


def _formula_text(value):
    return value.text if isinstance(value, ArrayFormula) else value


def _is_formula(value) -> bool:
    text = _formula_text(value)
    return isinstance(text, str) and text.startswith("=")


def _cells(path, sheets=FORMULA_SHEETS, data_only=False) -> Mapping:
    """{(sheet, "B5"): value} of the non-empty cells of some sheets (openpyxl, read-only).
    A committed template is read once per worker (:func:`_committed_cells`)."""
    for lang, committed in COMMITTED.items():
        if Path(path) == committed:
            assert set(sheets) <= set(FORMULA_SHEETS), sheets
            every = _committed_cells(lang, data_only)
            if tuple(sheets) == FORMULA_SHEETS:
                return every
            return {key: value for key, value in every.items() if key[0] in sheets}
    return _read_cells(path, sheets, data_only)


@functools.lru_cache(maxsize=None)
def _committed_cells(lang: str, data_only: bool) -> Mapping:
    """The formula sheets' cells of the committed template in ``lang``, formulas or the values
    stored with them, read-only: many tests read them, and openpyxl takes a while."""
    return MappingProxyType(_read_cells(COMMITTED[lang], FORMULA_SHEETS, data_only))


def _read_cells(path, sheets, data_only) -> dict:
    book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        return {
            (name, cell.coordinate): cell.value
            for name in sheets
            for row in book[name].iter_rows()
            for cell in row
            if getattr(cell, "value", None) is not None
        }
    finally:
        book.close()


def _same(a, b) -> bool:
    """Two cell values agree (numbers to 1e-9 relative; "" and None are both empty)."""
    a = None if a == "" else a
    b = None if b == "" else b
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _logical(value):
    """A check cell's TRUE/FALSE as read back from a file LibreOffice saved: it saves a
    logical under a number format (the check cells' "TRUE";"TRUE";"FALSE") as 1 or 0."""
    return bool(value) if isinstance(value, (bool, int)) and value in (0, 1) else value


def _is_error(value) -> bool:
    return isinstance(value, str) and value.startswith(ERRORS)


def _addresses(ref: str):
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    for row in range(min_row, max_row + 1):
        for col in range(min_col, max_col + 1):
            yield f"{openpyxl.utils.get_column_letter(col)}{row}"


def _same_cells() -> set:
    """The "Function = native" cells: native formulas over function cells."""
    cells = {("Guide examples", b.same_cell) for b in tpl.plan_guide_examples()}
    cells |= {("Calculator", r.same_cell) for r in tpl.plan_calculator().rows if r.kind == "metric"}
    why = tpl.plan_why_retention()
    cells |= {(WHY, r.same_cell) for r in why.results if r.function}
    cells |= {(WHY, r.same_cell) for r in why.examples}
    return cells


def _function_cells(formulas: dict) -> tuple[set, set]:
    """Cells whose formula calls our functions, and every cell of their spilled ranges."""
    calls, spilled = set(), set()
    for (sheet, coordinate), value in formulas.items():
        if _is_formula(value) and UDF_CALL.search(_formula_text(value)):
            calls.add((sheet, coordinate))
            if isinstance(value, ArrayFormula):
                spilled |= {(sheet, a) for a in _addresses(value.ref)}
    return calls, spilled


def _snapshot(path) -> dict:
    """What the committed-vs-fresh comparison looks at, through openpyxl."""
    book = openpyxl.load_workbook(path)
    shot = {"sheets": book.sheetnames,
            "names": {n: d.attr_text for n, d in book.defined_names.items()}}
    for ws in book.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, ArrayFormula):
                    value = ("array", value.ref, value.text)
                if value is not None or cell.number_format != "General":
                    cells[cell.coordinate] = (value, cell.number_format)
        shot[ws.title] = {
            "cells": cells,
            "tables": {t.name: (t.ref, [c.name for c in t.tableColumns]) for t in ws.tables.values()},
            "validations": sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
        }
    return shot


def _xml(path, member: str) -> ElementTree.Element:
    with zipfile.ZipFile(path) as archive:
        return ElementTree.fromstring(archive.read(member))


def _sheet_member(path, sheet: str) -> str:
    workbook = _xml(path, "xl/workbook.xml")
    rels = _xml(path, "xl/_rels/workbook.xml.rels")
    target = {r.get("Id"): r.get("Target") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    for node in workbook.find("m:sheets", NS):
        if node.get("name") == sheet:
            return "xl/" + target[node.get(rid)].lstrip("/").removeprefix("xl/")
    raise KeyError(sheet)


# --------------------------------------------------------------------------- committed = rebuilt


@pytest.mark.parametrize("lang", ["en", "it"])
def test_committed_template_equals_a_fresh_build(lang, tmp_path):
    fresh = tpl.build_template(tmp_path / f"fresh_{lang}.xlsx", lang)
    committed = COMMITTED[lang]
    assert committed.exists(), f"run `retention template --lang {lang}` and commit {committed.name}"
    if fresh.read_bytes() == committed.read_bytes():
        return  # byte for byte the same (the build is byte-stable): nothing can differ
    old, new = _snapshot(committed), _snapshot(fresh)
    assert old["sheets"] == new["sheets"]
    assert old["names"] == new["names"]
    for sheet in new["sheets"]:
        for key in ("tables", "validations", "merged", "freeze"):
            assert old[sheet][key] == new[sheet][key], f"{sheet}: {key} differ"
        differ = [
            (c, old[sheet]["cells"].get(c), new[sheet]["cells"].get(c))
            for c in sorted(set(old[sheet]["cells"]) | set(new[sheet]["cells"]))
            if old[sheet]["cells"].get(c) != new[sheet]["cells"].get(c)
        ]
        assert not differ, (
            f"{committed.name} differs from a fresh build on sheet {sheet} "
            f"({len(differ)} cells, first: {differ[:3]}): run `retention template --lang {lang}`"
        )


def test_builds_are_byte_stable(small_template, tmp_path):
    first, tables = small_template
    second = tpl.build_template(tmp_path / "b.xlsx", tables=tables)
    assert first.read_bytes() == second.read_bytes()


# --------------------------------------------------------------------------- structure


def test_sheets_tables_names_and_settings():
    path = COMMITTED["en"]
    workbook = _xml(path, "xl/workbook.xml")
    assert [s.get("name") for s in workbook.find("m:sheets", NS)] == list(tpl.SHEETS)
    calc = workbook.find("m:calcPr", NS)
    assert calc.get("fullCalcOnLoad") == "1"
    assert workbook.find("m:externalReferences", NS) is None
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        custom = archive.read("docProps/custom.xml").decode()
        core = archive.read("docProps/core.xml").decode()
    assert not [n for n in members if "externalLink" in n]
    assert tpl.MARKER_PROPERTY in custom and tpl.is_generated_template(path)
    assert "2026-01-01T00:00:00Z" in core  # fixed document date: byte-stable builds

    names = {d.get("name"): d.text for d in workbook.find("m:definedNames", NS)}
    for name in ("Settings_Period", "Settings_Segment", "Settings_Language", "Settings_GrossMargin",
                 "Settings_ProgramCost", "Settings_Granularity", "Settings_Currency",
                 "Settings_Currencies", "Report_Status", "Guide_ChecksPassing", "Calc_First",
                 "Calc_Month"):
        assert name in names, name
    for block in tpl.plan_guide_examples():  # every guide input has a name
        for arg, row in block.input_rows.items():
            assert names[f"{block.name_prefix}_{arg}"] == f"'Guide examples'!$B${row}"

    tables = {}
    for member in members:
        if member.startswith("xl/tables/"):
            node = _xml(path, member)
            tables[node.get("name")] = (node.get("ref"),
                                        [c.get("name") for c in node.find("m:tableColumns", NS)])
    company = generate_company()
    for name, columns in TABLE_COLUMNS.items():
        ref, headers = tables[tpl.TABLE_NAMES[name]]
        assert headers == list(columns)
        assert ref == f"A1:{openpyxl.utils.get_column_letter(len(columns))}{len(company[name]) + 1}"
        sheet = _xml(path, _sheet_member(path, name))
        assert len(sheet.find("m:tableParts", NS)) == 1  # the Table lives on its own sheet
    assert {b.table for b in tpl.plan_guide_examples() if b.table} <= set(tables)

    settings = _xml(path, _sheet_member(path, "Settings"))
    validations = {v.get("sqref"): v for v in settings.iter(f"{{{NS['m']}}}dataValidation")}
    language_cell = names["Settings_Language"].split("$")[-2] + names["Settings_Language"].split("$")[-1]
    assert validations[language_cell].get("type") == "list"
    assert validations[language_cell].find("m:formula1", NS).text == '"en,it"'

    values = _cells(path, ("Settings", "Report"))
    by_name = {n: values.get((v.split("!")[0].strip("'"), v.split("!")[1].replace("$", "")))
               for n, v in names.items() if n.startswith(("Settings_", "Report_Status"))}
    assert by_name["Settings_Language"] == "en"
    assert by_name["Settings_GrossMargin"] == 0.8
    assert by_name["Settings_Period"] is None and by_name["Settings_Segment"] is None
    assert by_name["Settings_Currency"] is None
    assert isinstance(by_name["Settings_ProgramCost"], (int, float))
    assert by_name["Report_Status"]


def test_report_sheet_renders_the_report_layout():
    from addin.report import layout

    plan = tpl.plan_report()
    assert plan is not None
    blocks = [item for item in plan if item.kind == "block"]
    assert [b.name for b in blocks] == [b.name for s in layout.LAYOUT for b in s.blocks]
    rows = [(b.row, b.row + 1 + b.max_rows) for b in blocks]
    assert all(end < start for (_, end), (start, _) in zip(rows, rows[1:])), "blocks overlap"
    workbook = _xml(COMMITTED["en"], "xl/workbook.xml")
    names = {d.get("name") for d in workbook.find("m:definedNames", NS)}
    assert {f"Report_{b.name}" for b in blocks} <= names
    values = _cells(COMMITTED["en"], ("Report",))
    for block in blocks:
        assert values.get(("Report", f"A{block.row}")), f"block {block.name} has no title"


def _settings_validations(path) -> dict[str, ElementTree.Element]:
    """The Settings sheet's data validations, by defined name (Settings_Period, …)."""
    workbook = _xml(path, "xl/workbook.xml")
    names = {d.get("name"): d.text for d in workbook.find("m:definedNames", NS)}
    sheet = _xml(path, _sheet_member(path, "Settings"))
    by_cell = {v.get("sqref"): v for v in sheet.iter(f"{{{NS['m']}}}dataValidation")}
    return {name: by_cell[ref.split("!")[1].replace("$", "")]
            for name, ref in names.items() if ref.split("!")[1].replace("$", "") in by_cell
            and ref.startswith("Settings!")}


# The cell values for the period's validation in LibreOffice: every form addin.settings.period
# accepts (a year as text and as a number, a quarter, a month, a date, blank), and near misses.
PERIOD_CASES = [None, "", "  ", "2026", " 2026 ", 2026, "2026-Q3", "2026-q3", "2026-03", "2026-3",
                dt.datetime(2026, 9, 1), 46295, "2026-13", "2026-Q5", "2026/03", "soon", "26-03",
                "2026-03-01", 1899.5, -1]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_settings_validation_accepts_what_the_settings_reader_accepts(lang):
    from addin import i18n, settings
    from addin.settings import SettingError

    def accepted(reader, value) -> bool:
        try:
            reader(value)
        except SettingError:
            return False
        return True

    rules = _settings_validations(COMMITTED[lang])
    t = TEXT[lang]
    period = rules["Settings_Period"]
    assert period.get("type") == "custom"
    assert "=" + period.find("m:formula1", NS).text == settings.period_validation_formula("B5")
    assert period.get("prompt") == period.get("error") == t["settings_period_help"]

    language = rules["Settings_Language"]
    assert language.get("type") == "list"
    assert language.find("m:formula1", NS).text == '"' + ",".join(i18n.LANGUAGES) + '"'
    assert all(accepted(settings.language, code) for code in i18n.LANGUAGES)

    # the number cells: Excel's "decimal" rule takes numbers from formula1 (to formula2)
    margin = rules["Settings_GrossMargin"]
    low, high = (float(margin.find(f"m:formula{k}", NS).text) for k in (1, 2))
    assert margin.get("type") == "decimal" and margin.get("operator") in (None, "between")
    for value in (low - 0.01, low, 0.5, 1, 1.5, 80, high, high + 0.01, -5, 150):
        assert accepted(settings.gross_margin, value) == (low <= value <= high), value
    assert margin.get("prompt") == t["settings_margin_help"]
    cost = rules["Settings_ProgramCost"]
    floor = float(cost.find("m:formula1", NS).text)
    assert cost.get("type") == "decimal" and cost.get("operator") == "greaterThanOrEqual"
    for value in (floor - 0.01, floor, 1, 50_000, 1e9, -50_000):
        assert accepted(settings.program_cost, value) == (value >= floor), value
    assert cost.get("prompt") == t["settings_cost_help"]
    for rule in rules.values():  # a blank setting is a setting left to its default
        assert rule.get("allowBlank") == "1"


@pytest.mark.libreoffice
def test_settings_period_validation_passes_every_form_the_reader_accepts(tmp_path):
    from test_settings import libreoffice_period_verdicts

    rule = _settings_validations(COMMITTED["en"])["Settings_Period"].find("m:formula1", NS).text
    formula, code = libreoffice_period_verdicts(rule, "B5", PERIOD_CASES, tmp_path)
    for value, got, expected in zip(PERIOD_CASES, formula, code):
        assert got == expected, value
    for form in ("2026", 2026, "2026-Q3", "2026-03", dt.datetime(2026, 9, 1)):
        assert formula[PERIOD_CASES.index(form)] == 1, form


CURRENCY_CASES = [None, "", "  ", "EUR", "usd", " gbp ", "Chf", "EURO", "EU", "US?", "U*", "XXX",
                  "XTS", 840, "eur1", "€"]


def test_settings_currency_cell_lists_what_the_reader_takes():
    from addin import settings
    from addin.excel.template.settings_sheet import currency_codes

    for lang in ("en", "it"):
        rules = _settings_validations(COMMITTED[lang])
        rule = rules["Settings_Currency"]
        assert rule.get("type") == "custom" and rule.get("allowBlank") == "1"
        assert rule.get("prompt") == rule.get("error") == TEXT[lang]["settings_currency_help"]
    codes = currency_codes()
    assert {"EUR", "USD", "GBP", "CHF", "JPY"} <= set(codes) and len(codes) > 150
    assert all(settings.currency(code) == code for code in codes)
    names = {d.get("name"): d.text for d in _xml(COMMITTED["en"], "xl/workbook.xml").find("m:definedNames", NS)}
    first, last = names["Settings_Currencies"].split("!")[1].replace("$", "").split(":")
    listed = _cells(COMMITTED["en"], ("Settings",))
    column = first[0]
    assert [listed[("Settings", f"{column}{row}")] for row in range(int(first[1:]), int(last[1:]) + 1)] \
        == list(codes)


@pytest.mark.libreoffice
def test_settings_currency_validation_passes_what_the_reader_accepts(tmp_path):
    from addin import settings
    from addin.excel.libreoffice import recalculate
    from addin.excel.template.settings_sheet import currency_codes, currency_validation_formula

    codes = currency_codes()
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, code in enumerate(codes, start=1):
        ws.cell(i, 26).value = code  # column Z holds the list, as Settings_Currencies does
    for row, value in enumerate(CURRENCY_CASES, start=1):
        if value is not None:
            ws.cell(row, 1).value = value
        rule = currency_validation_formula(f"A{row}", f"$Z$1:$Z${len(codes)}")
        ws.cell(row, 2).value = f"=IF({rule[1:]},1,0)"
    wb.save(tmp_path / "currencies.xlsx")
    sheet = openpyxl.load_workbook(recalculate(tmp_path / "currencies.xlsx", tmp_path / "out"),
                                   data_only=True).active
    for row, value in enumerate(CURRENCY_CASES, start=1):
        try:
            settings.currency(value)
        except settings.SettingError:
            expected = 0
        else:
            expected = 1
        assert sheet.cell(row, 2).value == expected, value


def test_the_loader_reads_the_templates_survey_table():
    """The survey Table is NPS_answers (=NPS( beside a Table NPS is read as the Table): the
    workbook reader and the Refresh button find it as the NPS table by its alias."""
    from addin.data import load_data
    from addin.data.schema import TABLE_ALIASES, table_named

    assert tpl.TABLE_NAMES["NPS"] == "NPS_answers" and TABLE_ALIASES["NPS_answers"] == "NPS"
    assert table_named("NPS_answers") == table_named("NPS") == "NPS"
    assert set(tpl.TABLE_NAMES.values()).isdisjoint(tpl.UDF_NAMES)
    data = load_data(COMMITTED["en"])
    assert len(data.tables["NPS"]) == len(generate_company()["NPS"])


def test_template_builder_imports_no_edge():
    """The template builder writes files: it imports neither the Refresh button
    (addin.refresh), the Excel functions (addin.udfs) nor xlwings."""
    import ast

    folder = Path(tpl.__file__).parent
    forbidden = ("addin.refresh", "addin.udfs", "xlwings")
    for source in sorted(folder.glob("*.py")):
        package = "addin.excel.template"
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.rsplit(".", node.level - 1)[0] if node.level else ""
                module = ".".join(p for p in (base, node.module) if p)
                modules = [module] + [f"{module}.{alias.name}" for alias in node.names]
            else:
                continue
            for module in modules:
                assert not module.startswith(forbidden), f"{source.name} imports {module}"


def test_italian_build_has_the_same_formulas_and_italian_labels():
    en, it = _cells(COMMITTED["en"]), _cells(COMMITTED["it"])
    en_formulas = {k: _formula_text(v) for k, v in en.items() if _is_formula(v)}
    it_formulas = {k: _formula_text(v) for k, v in it.items() if _is_formula(v)}
    # the "Function = native" cells say "add-in off" in each language: the rest is identical
    same = _same_cells()
    assert set(en_formulas) == set(it_formulas)
    assert {k: v for k, v in en_formulas.items() if k not in same} == \
        {k: v for k, v in it_formulas.items() if k not in same}
    assert it[("Start here", "B1")] == TEXT["it"]["start_title"]
    assert it[("Guide examples", "A1")] == TEXT["it"]["guide_title"]
    assert en[("Start here", "B1")] == TEXT["en"]["start_title"]


def test_every_example_has_a_block_and_italian_text():
    blocks = tpl.plan_guide_examples()
    assert [b.example.id for b in blocks] == [e.id for e in EXAMPLES]
    assert all(a.last_row < b.band_row for a, b in zip(blocks, blocks[1:]))
    for block in blocks:
        ex = block.example
        assert (block.corrected_cell is not None) == (ex.correction is not None)
        italian = EXAMPLE_TEXT_IT[ex.id]
        assert italian["metric"]
        for key, english in (("note", ex.note), ("inputs_text", ex.inputs_text),
                             ("erratum", ex.correction.text if ex.correction else "")):
            assert bool(italian.get(key)) == bool(english), (ex.id, key)
        for name in [*ex.inputs, *(ex.correction.inputs if ex.correction else ())]:
            if name not in ("customer_ids", "purchase_dates"):
                assert name in PARAM["en"] and name in PARAM["it"], name
    formulas = _cells(COMMITTED["en"], ("Guide examples",))
    for block in blocks:  # each block's formulas read only its own cells
        for row in range(block.band_row, block.last_row + 1):
            text = _formula_text(formulas.get(("Guide examples", f"B{row}")))
            if isinstance(text, str) and text.startswith("="):
                for col, ref_row in re.findall(r"\$?([A-F])\$?(\d+)", text):
                    last = block.band_row + tpl.MOE_ANSWER_ROWS if col == "F" else block.last_row
                    assert block.band_row <= int(ref_row) <= last, (block.example.id, text)
    for lang in ("en", "it"):
        assert set(TEXT[lang]) == set(TEXT["en"])
        assert set(TEXT[lang]["calc"]) >= {r.key for r in tpl.plan_calculator().rows if r.kind != "section"}
        assert set(TEXT[lang]["sheet_desc"]) == set(tpl.SHEETS)


def test_why_retention_pays_sheet_structure():
    why = tpl.plan_why_retention()
    rows = [why.claim_rows[-1], *(int(c.strip("$B")) for c in why.inputs.values()),
            *(r.row for r in why.results), *(r.row for r in why.examples)]
    assert rows == sorted(rows) and len(set(rows)) == len(rows), "rows overlap"
    assert why.results[-1].row < int(why.chart_anchor[1:]) < why.examples[0].row - 2
    for lang in ("en", "it"):
        t = TEXT[lang]
        assert set(t["why_inputs"]) == set(why.inputs)
        assert set(t["why_results"]) == {r.key for r in why.results}
        assert set(t["why_examples"]) == {r.key for r in why.examples}
        assert len(t["why_claims"]) == len(why.claim_rows) == 5
    # the guides' figures, quoted with their numbers (seeds 000 and 003) in both languages
    figures = ("5–25", "25–95 %", "140 %", "90 %", "10 %", "37 %")
    for lang, marks in (("en", "“”"), ("it", "«»")):
        quotes = " ".join(claim[0] for claim in TEXT[lang]["why_claims"])
        assert all(mark in quotes for mark in marks)
        for number in ("5", "25", "95", "140", "90", "10", "37"):
            assert number in quotes, (lang, number)
    assert [c[1] for c in TEXT["en"]["why_claims"]] == [c[1].replace("fino a", "up to")
                                                        for c in TEXT["it"]["why_claims"]]
    assert all(any(f in c[1] for f in figures) for c in TEXT["en"]["why_claims"])
    seeds = ROOT.parents[0] / "shared" / "seeds"
    if seeds.is_dir():  # the Italian quotes are the guides' own words
        text = " ".join(p.read_text(encoding="utf-8") for p in seeds.glob("00[03]_*.txt"))
        for claim in TEXT["it"]["why_claims"]:
            for quote in re.findall(r"«…?(.*?)»", claim[0]):
                assert quote[1:-1].lower() in text.lower(), quote


def test_why_retention_pays_has_a_native_chart_of_the_customer_base():
    path = COMMITTED["en"]
    member = _sheet_member(path, WHY)
    sheet = _xml(path, member)
    assert sheet.find("m:drawing", NS) is not None
    with zipfile.ZipFile(path) as archive:
        rels = archive.read(member.replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
        drawing = "xl/drawings/" + re.search(r'Target="\.\./drawings/([^"]+)"', rels).group(1)
        drawing_rels = archive.read(drawing.replace("drawings/", "drawings/_rels/") + ".rels").decode()
        chart = "xl/charts/" + re.search(r'Target="\.\./charts/([^"]+)"', drawing_rels).group(1)
        xml = archive.read(chart).decode()
    why = tpl.plan_why_retention()
    first, last = why.path_rows
    assert "<c:lineChart>" in xml
    for column in ("J", "K"):  # today's retention and after the programme, by year
        assert f"'{WHY}'!${column}${first}:${column}${last}" in xml
    assert f"'{WHY}'!$I${first}:$I${last}" in xml
    assert TEXT["en"]["why_chart_title"] in xml


def test_python_calamine_reads_the_template():
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(COMMITTED["en"]))
    assert book.sheet_names == list(tpl.SHEETS)
    company = generate_company()
    for name in TABLE_COLUMNS:
        rows = book.get_sheet_by_name(name).to_python()
        assert rows[0] == list(TABLE_COLUMNS[name])
        assert len(rows) == len(company[name]) + 1
    guide = book.get_sheet_by_name("Guide examples").to_python(skip_empty_area=False)
    for block in tpl.plan_guide_examples():  # the stored results: readable without Excel
        row = int(block.function_cell[1:]) - 1
        assert math.isclose(guide[row][1], block.example.value, rel_tol=1e-12)


# --------------------------------------------------------------------------- LibreOffice


def _recalculated(shared_file, lang: str = "en") -> Path:
    """The committed template in ``lang`` recalculated by LibreOffice, once per run."""
    from addin.excel.libreoffice import recalculate

    digest = hashlib.sha256(COMMITTED[lang].read_bytes()).hexdigest()[:16]

    def make(target: Path) -> None:
        out = recalculate(COMMITTED[lang], target.parent / f"recalc-{target.name}")
        out.replace(target)

    return shared_file(f"recalculated-{lang}-{digest}.xlsx", make)


def _error_cells(path) -> dict:
    """{(sheet, cell): error} of every sheet of a recalculated workbook, data sheets too."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {(ws.title, cell.coordinate): cell.value
                for ws in book.worksheets for row in ws.iter_rows() for cell in row
                if _is_error(getattr(cell, "value", None))}
    finally:
        book.close()


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "it"])
def test_libreoffice_recalculates_every_native_formula(lang, shared_file):
    path = COMMITTED[lang]
    out = _recalculated(shared_file, lang)  # opens, recalculates everything, saves: no repair
    formulas = _cells(path)
    stored = _cells(path, data_only=True)
    lo = _cells(out, data_only=True)
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == list(tpl.SHEETS)
    calls, spilled = _function_cells(formulas)
    same = _same_cells()
    assert len(calls) >= len(EXAMPLES) + 20
    problems = []
    for key, value in formulas.items():
        if not _is_formula(value):
            continue
        got = lo.get(key)
        text = _formula_text(value)
        if key in calls:  # every function cell, =NPS( too: the survey Table is not named NPS
            if got != "#NAME?":
                problems.append(f"{key} {text}: {got!r}, expected #NAME?")
        elif key in same:
            if got != TEXT[lang]["addin_off"]:
                problems.append(f"{key}: {got!r}, expected {TEXT[lang]['addin_off']!r}")
        elif _is_error(got):
            problems.append(f"{key} {text[:80]}: {got}")
        elif not _same(got, stored.get(key)):
            problems.append(f"{key} {text[:80]}: LibreOffice {got!r}, stored {stored.get(key)!r}")
    # no error cell in the whole workbook but the function cells (#NAME? without the add-in)
    for key, got in _error_cells(out).items():
        if got != "#NAME?" or key not in calls | spilled:
            problems.append(f"{key}: {got} in a cell that calls none of our functions")
    for key in spilled:
        if lo.get(key) != "#NAME?":
            problems.append(f"{key}: spilled cell {lo.get(key)!r}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])

    # every guide example: the native result is the guide's number, as the guide rounds it
    sheet = "Guide examples"
    for block in tpl.plan_guide_examples():
        ex = block.example
        native = lo[(sheet, block.native_cell)]
        assert ex.shown(native) == ex.shown(ex.guide_value), ex.id
        assert _logical(lo[(sheet, block.check_cell)]) is True, ex.id
        assert math.isclose(native, ex.value, rel_tol=1e-12), ex.id
        if ex.correction is not None:
            assert math.isclose(lo[(sheet, block.corrected_cell)], ex.correction.value,
                                rel_tol=1e-12), ex.id
    assert lo[(sheet, "B3")] == len(EXAMPLES)

    # the Calculator's native column: the report's month, its MRR movements
    plan = tpl.plan_calculator()
    calc = {r.key: lo.get(("Calculator", r.native_cell)) for r in plan.rows if r.kind in ("value", "metric", "check")}
    assert _logical(calc["coverage"]) is True and _logical(calc["reconciles"]) is True
    subs = generate_company()["Subscriptions"]
    movements = m.mrr_movements(subs["customer_id"], subs["month"], subs["mrr"])
    last = movements.iloc[-1]
    assert calc["month"] == calc["first"] == last["month"].to_pydatetime() == dt.datetime(2026, 10, 1)
    for key, column in (("mrr_start", "start_mrr"), ("mrr_end", "end_mrr"), ("expansion", "expansion"),
                        ("contraction", "contraction"), ("churned_mrr", "churned")):
        assert math.isclose(calc[key], last[column], rel_tol=1e-9), key
    assert math.isclose(calc["new_mrr"], last["new"] + last["reactivation"], rel_tol=1e-9)
    if lang != "en":
        return

    # Why retention pays: the what-if as built is the hand example
    why = tpl.plan_why_retention()
    result = {r.key: lo[(WHY, r.native_cell)] for r in why.results}
    assert result["clv"] == 1_600 and result["clv_after"] == pytest.approx(2_000)
    assert result["value"] == pytest.approx(400_000, rel=1e-12)
    assert result["roi"] == pytest.approx(3.0, rel=1e-12)
    assert result["lifetime"] == pytest.approx(20) and result["lifetime_after"] == pytest.approx(25)
    assert result["ltv_cac"] == pytest.approx(4.0) and result["payback"] == pytest.approx(5.0)
    _assert_why_equals_the_core(lo, why, dict((k, v) for k, v, _ in tpl.WHY_INPUTS))
    for example in why.examples:  # the worked examples: native = the example's number
        assert _logical(lo[(WHY, example.check_cell)]) is True, example.key
        assert lo[(WHY, example.same_cell)] == TEXT["en"]["addin_off"], example.key
        assert math.isclose(lo[(WHY, example.native_cell)], example.value, rel_tol=1e-12)
    shown = {e.key: lo[(WHY, e.native_cell)] for e in why.examples}
    assert round(shown["uplift_5"] * 100, 1) == 18.5 and round(shown["uplift_200"] * 100, 1) == 33.3
    assert shown["value"] == pytest.approx(400_000) and shown["roi"] == pytest.approx(3.0)


def _calculator_against_the_report(calc: dict, period, margin) -> list[str]:
    """Every Calculator figure that is a KPI of the report, against ``build_report`` on the
    sample data for ``period`` (as Settings_Period holds it) and ``margin``: the same number,
    or a blank KPI where the Calculator shows an error."""
    from addin import settings
    from addin.data import RetentionData
    from addin.excel.template.company import CALC_KPIS
    from addin.report import build_report

    report = build_report(RetentionData.from_frames(generate_company()), settings.period(period),
                          None, "en", {"gross_margin": settings.gross_margin(margin)})
    from addin.report.kpis import KPIS

    kpis = report.kpis.set_index("key")["current"]
    # a KPI off the first page that is the same number by definition stands in its row
    shared = {other: spec.key for spec in KPIS for other in spec.also}
    problems = []
    for key, kpi in CALC_KPIS.items():
        kpi = kpi if kpi in kpis.index else shared[kpi]
        row = tpl.plan_calculator().row(key)
        ours = calc[row.native_cell] if row.kind != "function" else None
        theirs = float(kpis[kpi])
        if row.kind == "function":  # DAU/MAU: no native formula, the function's stored value
            continue
        if isinstance(ours, str) and _is_error(ours) and math.isnan(theirs):
            continue
        if not (isinstance(ours, (int, float)) and math.isclose(ours, theirs, rel_tol=1e-9)):
            problems.append(f"{period!r} {key}: Calculator {ours!r}, report {kpi} {theirs!r}")
    return problems


@pytest.mark.libreoffice
def test_the_calculator_is_the_report_for_the_same_month(shared_file):
    """The template's month (Settings_Period blank: the last complete month, 2026-10): every
    Calculator figure recalculated by LibreOffice is the report's, and so is the value the
    template stores with it (for readers that do not recalculate)."""
    plan = tpl.plan_calculator()
    for path in (_recalculated(shared_file), COMMITTED["en"]):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        calc = {r.native_cell: book["Calculator"][r.native_cell].value
                for r in plan.rows if r.kind in ("value", "metric", "check")}
        book.close()
        assert calc[plan.row("first").native_cell] == dt.datetime(2026, 10, 1)
        problems = _calculator_against_the_report(calc, None, 0.8)
        assert not problems, "\n".join(problems)
    stored = _cells(COMMITTED["en"], ("Calculator",), data_only=True)
    dau_mau = stored[("Calculator", plan.row("dau_mau").function_cell)]
    from addin.data import RetentionData
    from addin.report import build_report

    report = build_report(RetentionData.from_frames(generate_company()), "2026-10")
    assert math.isclose(dau_mau, report.kpis.set_index("key")["current"]["dau_mau"])


@pytest.mark.libreoffice
@pytest.mark.parametrize("period, margin", [("2026-Q3", 80), (2026, None), (" 2025 ", 0.55),
                                            (dt.datetime(2026, 3, 15), 0.8), ("2026-9", "")])
def test_the_calculator_is_the_report_for_any_settings_period(period, margin, tmp_path):
    """Settings_Period and Settings_GrossMargin in every form addin.settings reads (a quarter,
    a year as a number and as text, a date, a month without its 0; a margin as a percentage
    number, blank or a share): the Calculator counts the period as the report does."""
    from addin.excel.libreoffice import recalculate

    book = openpyxl.load_workbook(COMMITTED["en"])
    names = {n: d.attr_text.split("!")[1].replace("$", "") for n, d in book.defined_names.items()}
    book["Settings"][names["Settings_Period"]] = period
    if isinstance(period, str):
        book["Settings"][names["Settings_Period"]].data_type = "s"
    book["Settings"][names["Settings_GrossMargin"]] = margin if margin != "" else None
    book.save(tmp_path / "edited.xlsx")
    out = recalculate(tmp_path / "edited.xlsx", tmp_path / "out")
    values = openpyxl.load_workbook(out, read_only=True, data_only=True)
    plan = tpl.plan_calculator()
    calc = {r.native_cell: values["Calculator"][r.native_cell].value
            for r in plan.rows if r.kind in ("value", "metric", "check")}
    problems = _calculator_against_the_report(calc, period, margin)
    assert not problems, "\n".join(problems)


@pytest.mark.libreoffice
def test_the_calculator_reads_settings_as_addin_settings_does(tmp_path):
    """The Calculator's formulas that read Settings_Period (its months and first month) and
    Settings_GrossMargin, evaluated by LibreOffice on every form of PERIOD_CASES and of
    margins: the period and the margin addin.settings reads from the same cell."""
    from addin import settings
    from addin.excel.libreoffice import recalculate
    from addin.report import parse_period

    plan = tpl.plan_calculator()
    complete = dt.datetime(2026, 10, 1)

    def native(key: str, row: int, cell: str) -> str:
        formula = plan.row(key).native.replace("Settings_Period", cell).replace(
            "Settings_GrossMargin", cell)
        return formula.replace("{months}", f"B{row}").replace(
            "{complete}", f"DATE({complete.year},{complete.month},1)")

    margins = [None, "", 0, 0.8, 1, 1.5, 55.5, 80, 100]
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, value in enumerate([*PERIOD_CASES, *margins], start=1):
        if value is not None:
            ws.cell(row, 1).value = value
            if isinstance(value, str):
                ws.cell(row, 1).data_type = "s"
        if row <= len(PERIOD_CASES):
            ws.cell(row, 2).value = native("months", row, f"A{row}")
            ws.cell(row, 3).value = native("first", row, f"A{row}")
        else:
            ws.cell(row, 4).value = native("margin", row, f"A{row}")
    wb.save(tmp_path / "settings.xlsx")
    sheet = openpyxl.load_workbook(recalculate(tmp_path / "settings.xlsx", tmp_path / "out"),
                                   data_only=True).active
    for row, value in enumerate(PERIOD_CASES, start=1):
        try:
            text = settings.period(value)
        except settings.SettingError:
            continue  # the Settings validation refuses it
        period = parse_period(text) if text else None
        months = period.months if period else 1
        first = dt.datetime.combine(period.start, dt.time()) if period else complete
        assert (sheet.cell(row, 2).value, sheet.cell(row, 3).value) == (months, first), value
    for row, value in enumerate(margins, start=len(PERIOD_CASES) + 1):
        expected = settings.gross_margin(value)
        assert math.isclose(sheet.cell(row, 4).value, 1.0 if expected is None else expected), value


def _assert_why_equals_the_core(lo: dict, why, x: dict) -> None:
    """The what-if's native formulas (recalculated by LibreOffice) against the metric core
    called with the same inputs ``x``."""
    result = {r.key: lo[(WHY, r.native_cell)] for r in why.results}
    reduction = x["reduction"]
    after = x["churn"] - reduction
    core = {
        "churn_after": after,
        "lifetime": m.customer_lifetime(x["churn"]),
        "lifetime_after": m.customer_lifetime(after),
        "clv": m.customer_value(x["arpa"], x["gross_margin"], x["churn"], x["discount"]),
        "clv_after": m.customer_value(x["arpa"], x["gross_margin"], after, x["discount"]),
        "value": m.retention_value(x["customers"], x["arpa"], x["gross_margin"], x["churn"],
                                   reduction, x["discount"]),
        "roi": m.retention_roi(x["customers"], x["arpa"], x["gross_margin"], x["churn"],
                               reduction, x["program_cost"], x["discount"]),
        "payback": m.cac_payback(x["cac"], x["arpa"], x["gross_margin"]),
        "retention": 1 - m.annualized_churn_rate(x["churn"], x["periods_per_year"]),
        "retention_after": 1 - m.annualized_churn_rate(after, x["periods_per_year"]),
    }
    core["ltv_cac"] = m.ltv_cac(core["clv"], x["cac"])
    core["ltv_cac_after"] = m.ltv_cac(core["clv_after"], x["cac"])
    core["gain"] = core["retention_after"] - core["retention"]
    core["uplift"] = m.profit_uplift(core["retention"], core["gain"], x["years"])
    core["uplift_long_run"] = m.profit_uplift(core["retention"], core["gain"], 2000)
    assert set(core) == set(result)
    for key, expected in core.items():
        assert math.isclose(result[key], expected, rel_tol=1e-9, abs_tol=1e-12), (key, result[key])
    # the year-by-year base (the chart's data): the core's path, scaled to the base
    path = m.customer_base_path(core["retention"], core["gain"], tpl.WHY_PATH_YEARS)
    new_per_year = x["customers"] * (1 - core["retention"])
    first, last = why.path_rows
    for year in range(tpl.WHY_PATH_YEARS + 1):
        assert lo[(WHY, f"I{first + year}")] == year
        assert math.isclose(lo[(WHY, f"J{first + year}")],
                            path["current_retention"].iloc[year] * new_per_year, rel_tol=1e-9)
        assert math.isclose(lo[(WHY, f"K{first + year}")],
                            path["improved_retention"].iloc[year] * new_per_year, rel_tol=1e-9)
    assert last == first + tpl.WHY_PATH_YEARS


@pytest.mark.libreoffice
def test_changed_inputs_flow_through_in_libreoffice(small_template, tmp_path):
    """An analyst's edits: another report month on Settings, another guide input."""
    from addin.excel.libreoffice import recalculate

    built, small = small_template
    book = openpyxl.load_workbook(built)
    names = {n: d.attr_text for n, d in book.defined_names.items()}
    period = names["Settings_Period"].split("!")[1].replace("$", "")
    book["Settings"][period] = "2026-08"  # typed as text, like the cell's format asks
    first = tpl.plan_guide_examples()[0]  # 000-a: S = 20 becomes 40
    book["Guide examples"][first.inputs["start_customers"]] = 40
    why = tpl.plan_why_retention()
    mine = {"customers": 2_500, "arpa": 42.5, "gross_margin": 0.65, "churn": 0.031,
            "reduction": 0.004, "program_cost": 30_000, "discount": 0.008, "cac": 180,
            "periods_per_year": 12, "years": 7}
    for key, value in mine.items():
        book[WHY][why.inputs[key].replace("$", "")] = value
    book.save(tmp_path / "edited.xlsx")
    out = recalculate(tmp_path / "edited.xlsx", tmp_path / "out")
    values = openpyxl.load_workbook(out, data_only=True)
    calc, plan = values["Calculator"], tpl.plan_calculator()
    subs = small["Subscriptions"]
    movements = m.mrr_movements(subs["customer_id"], subs["month"], subs["mrr"])
    august = movements[movements["month"] == "2026-08-01"].iloc[0]
    assert calc[plan.row("month").native_cell].value == dt.datetime(2026, 8, 1)
    assert math.isclose(calc[plan.row("mrr_start").native_cell].value, august["start_mrr"])
    assert math.isclose(calc[plan.row("mrr_end").native_cell].value, august["end_mrr"])
    assert _logical(calc[plan.row("reconciles").native_cell].value) is True
    guide = values["Guide examples"]
    assert math.isclose(guide[first.native_cell].value, (24 - 5) / 40)
    assert _logical(guide[first.check_cell].value) is False  # no longer the guide's 95 %
    assert guide["B3"].value == len(EXAMPLES) - 1
    # the what-if follows the analyst's numbers; the worked examples' checks stay green
    lo = {(WHY, cell.coordinate): cell.value for row in values[WHY].iter_rows() for cell in row}
    _assert_why_equals_the_core(lo, why, mine)
    assert all(_logical(lo[(WHY, e.check_cell)]) is True for e in why.examples)


@pytest.mark.libreoffice
def test_guide_examples_render_to_pdf_and_png(small_template, tmp_path):
    pages = tpl.render_sheet("Guide examples", tmp_path, dpi=30, template=small_template[0])
    assert len(pages) >= 3 and all(p.stat().st_size > 1000 for p in pages)


@pytest.mark.libreoffice
def test_why_retention_pays_renders_to_one_page(tmp_path):
    pages = tpl.render_sheet(WHY, tmp_path, dpi=30)
    assert len(pages) == 1 and pages[0].stat().st_size > 1000


def _plain_pdf(source: Path, outdir: Path) -> Path:
    """``soffice --convert-to pdf`` as anyone would run it: a fresh profile, LibreOffice's
    default of not recalculating an Excel file (it prints the values stored)."""
    import subprocess
    import tempfile

    from addin.excel.libreoffice import soffice

    with tempfile.TemporaryDirectory(prefix="lo-plain-") as profile:
        subprocess.run([soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(source)],
                       capture_output=True, text=True, timeout=600)
    return outdir / f"{source.stem}.pdf"


def _pages_by_sheet(pdf: Path) -> dict[str, list[str]]:
    """Each page's text by the sheet its footer names (sheet name left, "n / N" right)."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages: dict[str, list[str]] = {}
    for page in text.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        if not lines:
            continue
        footer = re.match(r"\s*(.*?)\s+\d+ / \d+\s*$", lines[-1])
        assert footer, lines[-1]
        pages.setdefault(footer.group(1).strip(), []).append("\n".join(lines[:-1]))
    return pages


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_template_prints_like_a_document(lang, tmp_path):
    """LibreOffice's plain PDF export works (it stopped on the check cells) and prints the
    human sheets, one page of each data sheet, Why retention pays on one page (its chart
    whole) and each of the Report's sheets from the top of a page."""
    pdf = _plain_pdf(COMMITTED[lang], tmp_path)
    assert pdf.exists(), "soffice --convert-to pdf wrote nothing"
    pages = _pages_by_sheet(pdf)
    assert list(pages) == list(tpl.SHEETS)
    counts = {sheet: len(texts) for sheet, texts in pages.items()}
    assert sum(counts.values()) <= 35, counts
    for sheet in (*tpl.DATA_SHEETS, "Start here", WHY, "Per customer", "Settings"):
        assert counts[sheet] == 1, (sheet, counts[sheet])
    assert counts["Calculator"] <= 2 and counts["Guide examples"] <= 6, counts
    bands = [item.title for item in tpl.plan_report() if item.kind == "sheet"]
    tops = [text.splitlines()[0].strip() for text in pages["Report"]]
    for band in bands[1:]:
        assert band in tops, (band, tops)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_one_font_family(lang):
    """Every cell style names Calibri, and no chart or shape names another font (they take
    the theme's, Calibri)."""
    with zipfile.ZipFile(COMMITTED[lang]) as archive:
        styles = archive.read("xl/styles.xml").decode()
        drawn = " ".join(archive.read(n).decode() for n in archive.namelist()
                         if n.startswith(("xl/charts/", "xl/drawings/")) and n.endswith(".xml"))
    assert set(re.findall(r'<name val="([^"]+)"', styles)) == {"Calibri"}
    assert set(re.findall(r'typeface="([^"]+)"', drawn)) <= {"Calibri"}


def test_report_page_breaks_cut_no_chart():
    """The Report sheet's manual page breaks (rows and columns) never fall inside a chart."""
    sheet = _xml(COMMITTED["en"], _sheet_member(COMMITTED["en"], tpl.REPORT_SHEET_NAME))
    rows = [int(b.get("id")) for b in sheet.find("m:rowBreaks", NS)]
    columns = [int(b.get("id")) for b in sheet.find("m:colBreaks", NS)]
    setup = sheet.find("m:pageSetup", NS)
    assert setup.get("scale") and sheet.find("m:sheetPr/m:pageSetUpPr", NS) is None  # no fit-to
    bands = [item.row for item in tpl.plan_report() if item.kind == "sheet"]
    assert set(b - 1 for b in bands[1:]) <= set(rows)  # every report sheet starts a page
    for item in tpl.plan_report():
        for chart in item.charts:
            top, bottom, left, right = chart.box()
            bottom -= 1  # box() counts a row more than the chart's height covers
            # a break at index i starts a page at the 0-based row i, i.e. the 1-based row i + 1
            assert not [r for r in rows if top < r + 1 <= bottom], chart.spec.title
            assert not [c for c in columns if left < c + 1 <= right], chart.spec.title


def test_page_breaks():
    from addin.excel.template.paging import page_breaks

    assert page_breaks([1] * 10, 4) == [4, 8]
    assert page_breaks([1] * 10, 4, keep=[(3, 5)]) == [3, 7]  # the span moves to the next page
    assert page_breaks([1] * 10, 4, forced=[2]) == [2, 6]
    assert page_breaks([1] * 10, 4, keep=[(0, 6)]) == [4, 8]  # too long for a page: cut
    assert page_breaks([5, 1], 4) == [1]  # an item larger than a page has a page of its own
    assert page_breaks([], 4) == []


@pytest.mark.parametrize("picture", [PICTURE, WHY_PICTURE], ids=["guide", "why"])
def test_readme_picture_is_there_and_small(picture):
    assert picture.exists(), "render it with addin.excel.template.render_sheet"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size <= 250 * 1024


# --------------------------------------------------------------------------- the Report sheet

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_XDR = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
REPORT_PICTURE = ROOT / "docs" / "img" / "template-report-refreshed.png"


def _report_blocks():
    from addin.report import layout

    return [block for sheet in layout.LAYOUT for block in sheet.blocks]


def _write_box(block) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) the refresh writes for a block."""
    from addin import refresh
    from addin.report import layout

    min_col, min_row, _, _ = range_boundaries(layout.REPORT_ANCHORS[block.name])
    return (min_col, min_row, min_col + refresh.block_width(block) - 1,
            min_row + refresh.block_height(block) - 1)


def _rels(path, member: str) -> dict[str, str]:
    """Relationship id -> target member (resolved) of a part."""
    folder, name = member.rsplit("/", 1)
    rels = _xml(path, f"{folder}/_rels/{name}.rels")
    out = {}
    for rel in rels:
        target = rel.get("Target")
        if rel.get("TargetMode") == "External" or target.startswith("#"):
            out[rel.get("Id")] = target
            continue
        parts = folder.split("/")
        for piece in target.split("/"):
            if piece == "..":
                parts.pop()
            elif piece != ".":
                parts.append(piece)
        out[rel.get("Id")] = "/".join(parts)
    return out


def _report_drawing(path) -> tuple[str, ElementTree.Element]:
    sheet = _sheet_member(path, "Report")
    root = _xml(path, sheet)
    drawing = root.find("m:drawing", NS)
    assert drawing is not None, "the Report sheet has no drawing"
    member = _rels(path, sheet)[drawing.get(_REL)]
    assert re.fullmatch(r"xl/drawings/drawing\d+\.xml", member)
    return member, _xml(path, member)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_report_names_are_the_ranges_the_refresh_writes(lang):
    workbook = _xml(COMMITTED[lang], "xl/workbook.xml")
    names = {d.get("name"): d.text for d in workbook.find("m:definedNames", NS)}
    for block in _report_blocks():
        min_col, min_row, max_col, max_row = _write_box(block)
        ref = (f"Report!${openpyxl.utils.get_column_letter(min_col)}${min_row}:"
               f"${openpyxl.utils.get_column_letter(max_col)}${max_row}")
        assert names[f"Report_{block.name}"] == ref, block.name
    assert names["Report_kpis"] == "Report!$A$17:$F$48"
    assert names["Report_cohorts_logos"].endswith("$Z$119")  # cohort, size + 24 ages


def test_report_plan_follows_the_layout_and_refuses_overlaps(monkeypatch):
    from addin.report import layout

    plan = {item.name: item for item in tpl.plan_report() if item.kind == "block"}
    for block in _report_blocks():
        min_col, min_row, max_col, max_row = _write_box(block)
        item = plan[block.name]
        assert (item.column, item.row, item.last_column, item.last_row) == \
            (min_col, min_row, max_col, max_row)
    monkeypatch.setitem(layout.REPORT_ANCHORS, "notes", "A40")  # inside the KPIs block
    with pytest.raises(ValueError, match="overlaps"):
        tpl.plan_report()
    monkeypatch.setitem(layout.REPORT_ANCHORS, "notes", "A50")
    monkeypatch.setitem(layout.REPORT_BANDS, "Cohorts", "R80")  # under a trend chart
    with pytest.raises(ValueError, match="overlaps"):
        tpl.plan_report()


def test_report_pairs_and_lines_blocks_have_no_header_row():
    values = _cells(COMMITTED["en"], ("Report",))
    plan = {item.name: item for item in tpl.plan_report() if item.kind == "block"}
    for name in ("meta", "notes", "clv_notes", "data_notes"):
        row = plan[name].row
        assert values.get(("Report", f"A{row}")), name  # the title
        assert ("Report", f"A{row + 1}") not in values, name
        assert ("Report", f"B{row + 1}") not in values, name
    assert values.get(("Report", f"A{plan['kpis'].row + 1}"))  # a table has its header row


@pytest.mark.parametrize("lang", ["en", "it"])
def test_report_sheet_has_the_layouts_charts_bound_to_its_blocks(lang):
    from addin.report import layout

    path = COMMITTED[lang]
    member, drawing = _report_drawing(path)
    rels = _rels(path, member)
    boxes = {block.name: _write_box(block) for block in _report_blocks()}
    specs = [(block, chart) for block in _report_blocks() for chart in block.charts]
    charts = []
    for frame in drawing.iter(f"{{{_XDR['xdr']}}}graphicFrame"):
        chart = frame.find(".//c:chart", _XDR)
        target = rels[chart.get(_REL)]
        assert re.fullmatch(r"xl/charts/chart\d+\.xml", target)
        charts.append((frame, _xml(path, target)))
    assert len(charts) == len(specs)
    anchors = list(drawing)
    for (block, spec), (frame, chart) in zip(specs, charts):
        kind = {"line": "lineChart", "bar": "barChart", "stacked_bar": "barChart"}[spec.kind]
        assert chart.find(f".//c:{kind}", _XDR) is not None, spec.title
        min_col, min_row, max_col, max_row = boxes[block.name]
        formulas = [f.text for f in chart.iter(f"{{{_XDR['c']}}}f")]
        assert len(formulas) == 3 * len(spec.series), spec.title  # name, categories, values
        for formula in formulas:
            sheet, ref = formula.split("!")
            assert sheet == "Report"
            c0, r0, c1, r1 = range_boundaries(ref.replace("$", ""))
            assert min_col <= c0 <= c1 <= max_col and min_row + 1 <= r0 <= r1 <= max_row, formula
        values = [f.text for f in chart.findall(".//c:ser/c:val//c:f", _XDR)]
        columns = {c.key: min_col + j for j, c in enumerate(block.columns)}
        assert [range_boundaries(v.split("!")[1].replace("$", ""))[0] for v in values] == \
            [columns[key] for key in spec.series]
        assert all(v.endswith(f"${max_row}") for v in values)  # every row the block may have
        # right of the data: no chart starts over a column of any block of its rows
        anchor = next(a for a in anchors if frame in list(a))
        col = int(anchor.find("xdr:from/xdr:col", _XDR).text) + 1
        row = int(anchor.find("xdr:from/xdr:row", _XDR).text) + 1
        to_row = int(anchor.find("xdr:to/xdr:row", _XDR).text) + 1
        to_col = int(anchor.find("xdr:to/xdr:col", _XDR).text) + 1
        for c0, r0, c1, r1 in boxes.values():
            assert to_col < c0 or c1 < col or to_row < r0 or r1 < row, (spec.title, (c0, r0, c1, r1))
        assert (to_col - col + 1) >= 5 and (to_row - row + 1) >= 10, spec.title  # readable
    assert layout.REPORT_SHEET == "Report"


def test_report_cohorts_carry_a_colour_scale():
    from addin.report import layout

    root = _xml(COMMITTED["en"], _sheet_member(COMMITTED["en"], "Report"))
    scales = {}
    for node in root.findall("m:conditionalFormatting", NS):
        scale = node.find("m:cfRule/m:colorScale", NS)
        if scale is not None:
            scales[node.get("sqref")] = [c.get("rgb")[-6:] for c in scale.findall("m:color", NS)]
    expected = {}
    for block in _report_blocks():
        if block.heatmap:
            min_col, min_row, max_col, max_row = _write_box(block)
            first = openpyxl.utils.get_column_letter(min_col + len(block.columns))
            expected[f"{first}{min_row + 2}:{openpyxl.utils.get_column_letter(max_col)}{max_row}"] = \
                list(layout.HEATMAP_COLOURS)
    assert len(expected) == 2
    assert scales == expected


@pytest.mark.parametrize("lang", ["en", "it"])
def test_report_sheet_has_the_refresh_button_shape(lang):
    from addin.report import layout

    path = COMMITTED[lang]
    member, drawing = _report_drawing(path)
    shapes = [(anchor, sp) for anchor in drawing for sp in anchor.findall("xdr:sp", _XDR)]
    named = [(a, sp) for a, sp in shapes
             if sp.find("xdr:nvSpPr/xdr:cNvPr", _XDR).get("name") == layout.REPORT_BUTTON_SHAPE]
    assert len(named) == 1
    anchor, shape = named[0]
    row, col = _xml_cell(layout.REPORT_BUTTON_CELL)
    assert int(anchor.find("xdr:from/xdr:col", _XDR).text) == col - 1
    assert int(anchor.find("xdr:from/xdr:row", _XDR).text) == row - 1
    caption = "".join(t.text for t in shape.iter(f"{{{_XDR['a']}}}t"))
    assert caption == {"en": "Refresh report", "it": "Aggiorna report"}[lang]
    link = shape.find("xdr:nvSpPr/xdr:cNvPr/a:hlinkClick", _XDR)
    assert _rels(path, member)[link.get(_REL)] == \
        f"#'{layout.REPORT_SHEET}'!{layout.REPORT_BUTTON_CELL}"
    from addin import refresh

    assert refresh._BUTTON == f"[{layout.REPORT_BUTTON_SHAPE}]Report!{layout.REPORT_BUTTON_CELL}"


def _xml_cell(cell: str) -> tuple[int, int]:
    min_col, min_row, _, _ = range_boundaries(cell)
    return min_row, min_col


def test_the_refresh_fills_the_template_the_charts_read(small_template, tmp_path):
    """End to end: the refresh run through xlwings' Office.js engine on a template (the small
    one: its Report sheet is the committed one's, and test_refresh.py runs the refresh on the
    committed file); its values written into the template's Report sheet (built with the
    report) land in the cells the charts and names read."""
    import xlwings as xw
    from book_json import book_json

    from addin import refresh
    from addin.report import layout

    path = small_template[0]
    # the small template's Report sheet is the committed one: the same sheet, drawing, charts
    report, drawing = _sheet_member(path, "Report"), _report_drawing(path)[0]
    charts = [t for t in _rels(path, drawing).values() if t.startswith("xl/charts/")]
    assert report == _sheet_member(COMMITTED["en"], "Report") and charts
    with zipfile.ZipFile(path) as small, zipfile.ZipFile(COMMITTED["en"]) as committed:
        for part in [report, drawing, *charts]:
            folder, name = part.rsplit("/", 1)
            for member in (part, f"{folder}/_rels/{name}.rels"):
                if member in committed.namelist():
                    assert small.read(member) == committed.read(member), member
    book = openpyxl.load_workbook(path, data_only=True)
    remote = xw.Book(json=book_json(book, path.name))
    result = refresh.refresh_book(remote, alert=False)
    assert result.ok, result.message
    report_index = book.sheetnames.index("Report")
    actions = [a for a in remote.json()["actions"]
               if a["func"] == "setValues" and a["sheet_position"] == report_index]
    filled = tpl.pictures._report_picture_book(tmp_path / "filled.xlsx", "en", result.report, None)
    sheet = openpyxl.load_workbook(filled)["Report"]
    boxes = [_write_box(block) for block in _report_blocks()]
    checked = 0
    status = _xml_cell(layout.REPORT_STATUS_CELL)
    actions = [a for a in actions if (a["start_row"] + 1, a["start_column"] + 1) != status]
    for action in actions:
        top, left = action["start_row"] + 1, action["start_column"] + 1
        rows, cols = len(action["values"]), len(action["values"][0])
        assert (left, top, left + cols - 1, top + rows - 1) in boxes
        for i, line in enumerate(action["values"]):
            for j, value in enumerate(line):
                got = sheet.cell(top + i, left + j).value
                if isinstance(got, dt.datetime):
                    got = got.isoformat()
                expected = value[1:] if isinstance(value, str) and value.startswith("'") else value
                if expected in ("", None):
                    assert got is None, (top + i, left + j)
                elif isinstance(expected, str) and isinstance(got, str):
                    assert got.startswith(expected[:19]), (top + i, left + j)
                else:
                    assert got == pytest.approx(expected), (top + i, left + j)
                checked += 1
    assert len(actions) == len(boxes) and checked > 1000
    # the charts' series are full: the trend's CRR column has a number in every month row
    trend = next(b for b in _report_blocks() if b.name == "trend")
    min_col, min_row, _, max_row = _write_box(trend)
    crr = min_col + [c.key for c in trend.columns].index("crr")
    numbers = [sheet.cell(r, crr).value for r in range(min_row + 2, max_row + 1)]
    assert sum(isinstance(v, (int, float)) for v in numbers) == len(result.report.trend)


@pytest.mark.libreoffice
def test_refreshed_report_renders_with_its_charts(tmp_path):
    from addin.data import RetentionData
    from addin.report import build_report

    tables = _small_company()
    report = build_report(RetentionData.from_frames(tables), None, None, "en", {"gross_margin": 0.8})
    pages = tpl.render_report(report, tmp_path, dpi=30)
    assert len(pages) == 1 and pages[0].stat().st_size > 1000


def test_report_picture_is_there_and_small():
    assert REPORT_PICTURE.exists(), "render it with addin.excel.template.render_report"
    assert REPORT_PICTURE.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert REPORT_PICTURE.stat().st_size <= 250 * 1024


# --------------------------------------------------------------------------- pycel


def test_function_cells_equal_their_native_twins_in_pycel():
    from pycel import ExcelCompiler
    from pycel.excelwrapper import ExcelOpxWrapperNoData

    from addin.cells import spill_rows as spill_table

    class Wrapper(ExcelOpxWrapperNoData):
        """pycel 1.0b30 reads defined names the openpyxl < 3.1 way."""

        @property
        def defined_names(self):
            if self._defined_names is None:
                self._defined_names = {
                    name: [(cells, sheet) for sheet, cells in d.destinations if sheet in self.workbook]
                    for name, d in self.workbook.defined_names.items()
                }
            return self._defined_names

    path = COMMITTED["en"]
    stored = _cells(path, data_only=True)
    book = openpyxl.load_workbook(path)
    same = _same_cells()
    # native formulas take their stored values (LibreOffice checks those): pycel evaluates
    # only our functions and the "Function = native" cells above them
    for name in FORMULA_SHEETS:
        for row in book[name].iter_rows():
            for cell in row:
                value = cell.value
                if _is_formula(value) and not UDF_CALL.search(_formula_text(value)) \
                        and (name, cell.coordinate) not in same:
                    value = stored.get((name, cell.coordinate))
                    if isinstance(value, dt.datetime):  # a date as the serial number formulas
                        value = serial_of(value)  # add to (pycel cannot add 1 to a datetime)
                        cell.number_format = "General"
                    cell.value = value
    for name in tpl.DATA_SHEETS:  # the same for the data's dates, which formulas compare
        for row in book[name].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.value, cell.number_format = serial_of(cell.value), "General"
    compiler = ExcelCompiler(excel=Wrapper(book), plugins=["pycel_plugin"])

    for block in tpl.plan_guide_examples():
        got = compiler.evaluate(f"'Guide examples'!{block.function_cell}")
        assert math.isclose(got, stored[("Guide examples", block.native_cell)], rel_tol=1e-12), block.example.id
        assert compiler.evaluate(f"'Guide examples'!{block.same_cell}") is True, block.example.id

    why = tpl.plan_why_retention()
    for r in [*why.results, *why.examples]:
        if r.function:
            got = compiler.evaluate(f"'{WHY}'!{r.function_cell}")
            assert math.isclose(got, stored[(WHY, r.native_cell)], rel_tol=1e-9), r.key
            assert compiler.evaluate(f"'{WHY}'!{r.same_cell}") is True, r.key

    plan = tpl.plan_calculator()
    for r in plan.rows:
        if r.kind == "metric":
            got = compiler.evaluate(f"Calculator!{r.function_cell}")
            assert math.isclose(got, stored[("Calculator", r.native_cell)], rel_tol=1e-9), r.key
            assert compiler.evaluate(f"Calculator!{r.same_cell}") is True, r.key
    company = generate_company()
    activity, subs = company["Activity"], company["Subscriptions"]
    got = compiler.evaluate(f"Calculator!{plan.row('dau_mau').function_cell}")
    assert math.isclose(got, m.dau_mau_from_activity(activity["user_id"], activity["date"]), rel_tol=1e-12)

    # the spilled tables: the whole range, equal to the core's table
    def plain(v):
        if isinstance(v, dt.datetime):
            return int(serial_of(v))
        return v

    for key, frame, index in (
        ("movements", m.mrr_movements(subs["customer_id"], subs["month"], subs["mrr"]), False),
        ("cohorts", m.cohort_retention(subs["customer_id"], subs["month"]), True),
    ):
        expected = [[plain(v) for v in row] for row in spill_table(frame, index=index)]
        min_col, min_row, _, _ = range_boundaries(plan.spills[key])
        ref = (f"{plan.spills[key]}:{openpyxl.utils.get_column_letter(min_col + len(expected[0]) - 1)}"
               f"{min_row + len(expected) - 1}")
        got = compiler.evaluate(f"Calculator!{ref}")
        assert len(got) == len(expected) and len(got[0]) == len(expected[0]), key
        for got_row, want_row in zip(got, expected):
            for g, w in zip(got_row, want_row):
                assert _same(g, w) or (w is None and g in (None, "")), (key, got_row[0], g, w)
    # the month's row of MRR_MOVEMENTS = the Calculator's native movements
    movements = spill_table(m.mrr_movements(subs["customer_id"], subs["month"], subs["mrr"]), index=False)
    row = dict(zip(movements[0], movements[-1]))
    native = {r.key: stored.get(("Calculator", r.native_cell)) for r in plan.rows if r.kind == "value"}
    assert math.isclose(row["start_mrr"], native["mrr_start"], rel_tol=1e-9)
    assert math.isclose(row["end_mrr"], native["mrr_end"], rel_tol=1e-9)
    assert math.isclose(row["new"] + row["reactivation"], native["new_mrr"], rel_tol=1e-9)


# --------------------------------------------------------------------------- command line


def test_cli_builds_and_refuses_to_overwrite_other_files(tmp_path, monkeypatch, capsys):
    small = _small_company()
    monkeypatch.setattr(tpl.build, "generate_company", lambda: small)
    other = tmp_path / "mine.xlsx"
    other.write_bytes(b"an analyst's own workbook")
    assert main(["template", "-o", str(other)]) == 5  # output refused
    assert "--force" in capsys.readouterr().err
    assert other.read_bytes() == b"an analyst's own workbook"
    assert main(["template", "-o", str(other), "--force"]) == 0
    assert tpl.is_generated_template(other)
    assert main(["template", "-o", str(other), "--lang", "it"]) == 0  # its own: rebuilt
    assert _cells(other, ("Settings",))[("Settings", "B8")] == "it"
    assert main(["template", "-o", str(tmp_path / "x.csv")]) == 5
    assert tpl.default_path("en") == ROOT / "workbook_templates" / "retention_template.xlsx"
    assert tpl.default_path("it") == ROOT / "workbook_templates" / "retention_template_it.xlsx"
    with pytest.raises(KeyError):
        tpl.build_template(tmp_path / "fr.xlsx", "fr")
