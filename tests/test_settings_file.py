"""``retention report BOOK.xlsx`` reads the workbook's Settings cells as the Refresh button
does (addin.data.sources.settings_cells, then addin.settings.read), and a flag wins over its
cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.data.sources.settings_cells import read_settings_cells
from addin.export import export_report, workbook_settings
from addin.settings import SETTING_NAMES, SettingError

from test_exporter import data_workbook

TEMPLATE = Path(__file__).resolve().parents[1] / "workbook_templates" / "retention_template.xlsx"


@pytest.fixture
def template(tmp_path) -> Path:
    """A copy of the committed template (its Settings filled: 80 % margin, cost 147,000)."""
    return Path(shutil.copy(TEMPLATE, tmp_path / "book.xlsx"))


def _with_settings(path: Path, **cells: object) -> Path:
    """The hand-made data workbook with a Settings sheet whose cells carry our names."""
    data_workbook(path)
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Settings")
    for row, (key, value) in enumerate(cells.items(), 1):
        sheet.cell(row, 1, SETTING_NAMES[key])
        sheet.cell(row, 2, value)
        book.defined_names[SETTING_NAMES[key]] = openpyxl.workbook.defined_name.DefinedName(
            SETTING_NAMES[key], attr_text=f"Settings!$B${row}")
    book.save(path)
    return path


def _whatif(report, key: str) -> float:
    rows = report.retention_whatif
    return rows.loc[rows["key"] == key, "today"].iloc[0]


def test_the_templates_settings_cells_are_read(template):
    values = read_settings_cells(template)
    assert set(values) == set(SETTING_NAMES)
    assert values["gross_margin"] == pytest.approx(0.8)
    assert values["program_cost"] == 147000
    assert values["lang"] == "en"


def test_anything_but_a_workbook_with_our_names_gives_no_cells(tmp_path):
    csv = tmp_path / "Customers.csv"
    csv.write_text("customer_id,signup_date\n1,2026-01-01\n", encoding="utf-8")
    assert read_settings_cells(csv) == {}
    assert read_settings_cells(tmp_path) == {}
    assert read_settings_cells({"Customers": None}) == {}
    assert read_settings_cells(data_workbook(tmp_path / "plain.xlsx")) == {}


def test_the_report_of_the_template_uses_its_margin_and_programme_cost(template, tmp_path):
    report, _ = export_report(template, tmp_path / "report.xlsx")
    assert _whatif(report, "margin") == pytest.approx(0.8)
    assert _whatif(report, "cost") == pytest.approx(147000)
    notes = report.retention_whatif.loc[report.retention_whatif["key"] == "cost", "note"].iloc[0]
    assert all(getattr(note, "key", None) != "no_program_cost" for note in notes)


def test_a_flag_overrides_its_cell_and_leaves_the_others(template, tmp_path, capsys):
    out, kpis = tmp_path / "report.xlsx", tmp_path / "kpis.json"
    code = main(["report", str(template), "-o", str(out), "--gross-margin", "50%",
                 "--kpis", str(kpis), "-q"])
    assert code == 0, capsys.readouterr().err
    report, _ = export_report(template, tmp_path / "again.xlsx", gross_margin=0.5)
    assert _whatif(report, "margin") == pytest.approx(0.5)
    assert _whatif(report, "cost") == pytest.approx(147000)  # still the cell's
    assert json.loads(kpis.read_text(encoding="utf-8"))["period"] == report.period.label


def test_settings_of_a_data_workbook_and_the_flags_over_them(tmp_path):
    book = _with_settings(tmp_path / "data.xlsx", period="2026-08", lang="it",
                          gross_margin="70%", program_cost="12.500", currency="eur")
    chosen = workbook_settings(book, {"period": None, "lang": None})
    assert chosen == {"period": "2026-08", "segment": None, "lang": "it", "gross_margin": 0.7,
                      "program_cost": 12500.0, "currency": "EUR"}
    report, _ = export_report(book, tmp_path / "report.xlsx")
    assert (report.period.label, report.lang, report.currency) == ("2026-08", "it", "EUR")
    report, _ = export_report(book, tmp_path / "flags.xlsx", period="2026-09", lang="en")
    assert (report.period.label, report.lang, report.currency) == ("2026-09", "en", "EUR")


def test_a_bad_cell_is_refused_by_its_defined_name_unless_a_flag_replaces_it(tmp_path, capsys):
    book = _with_settings(tmp_path / "data.xlsx", gross_margin="lots")
    with pytest.raises(SettingError, match="Settings_GrossMargin"):
        workbook_settings(book, {})
    out = tmp_path / "report.xlsx"
    assert main(["report", str(book), "-o", str(out), "-q"]) == 2
    assert "Settings_GrossMargin" in capsys.readouterr().err
    assert not out.exists()
    assert main(["report", str(book), "-o", str(out), "-q", "--gross-margin", "0.6"]) == 0
