"""One reader of the report's settings (addin.settings) for every edge.

Every form of every setting, from command-line text and from a cell value; the same result
through the CLI's argument types (``retention report --gross-margin …``) and through the
Refresh button's :func:`addin.refresh.read_settings` on xlwings' remote Book (the workbook as
xlwings Lite and Server send it, ``tests/book_json.py``); and the Settings sheet's period
validation formula, recalculated by LibreOffice, accepting exactly what the code accepts.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from addin import refresh, settings
from addin.cli import build_parser
from addin.errors import InvalidInputError
from addin.settings import SETTING_NAMES, SettingError
from book_json import book_json, data_workbook

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- the number rule

NUMBERS = [
    ("50000", 50000.0),
    ("50,000", 50000.0),  # one separator, three digits after, non-zero integer part: thousands
    ("50.000", 50000.0),
    ("1,000,000", 1_000_000.0),  # one separator used twice: thousands
    ("1.000.000", 1_000_000.0),
    ("1,234.5", 1234.5),  # both: the last is the decimal mark
    ("1.234,5", 1234.5),
    ("12.345.678,90", 12_345_678.9),
    ("0,8", 0.8),  # otherwise a single separator is the decimal mark
    ("1.5", 1.5),
    ("0,125", 0.125),  # integer part 0: decimal, even before three digits
    ("0.800", 0.8),
    ("1,25", 1.25),
    ("12,3456", 12.3456),
    (".5", 0.5),
    (",5", 0.5),
    ("50_000", 50000.0),
    ("1_000.5", 1000.5),
    ("-5", -5.0),
    ("+3", 3.0),
    ("  42  ", 42.0),
    ("80%", 0.8),
    ("80 %", 0.8),
    ("12,5%", 0.125),
]

NOT_NUMBERS = ["abc", "5.", "1,2.5", "1.2,3.4", "1,2,3", "0,000,001", "1..2", "1e3", "inf", "nan",
               "50 000", "__1", "1__0", "_1", "--5", "%", "5%%", "€50"]


@pytest.mark.parametrize("text, expected", NUMBERS)
def test_numbers_written_as_text(text, expected):
    assert settings.number(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_text_that_is_not_a_number(text):
    with pytest.raises(SettingError) as error:
        settings.number(text, "Settings_Something")
    assert str(error.value) == f"Settings_Something is {text!r}, expected a number"
    assert isinstance(error.value, InvalidInputError)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_is_the_default(value):
    assert settings.number(value) is None
    assert settings.period(value) is None
    assert settings.segment(value) is None
    assert settings.gross_margin(value) is None
    assert settings.program_cost(value) is None
    assert settings.currency(value) is None
    assert settings.language(value) == "en"


def test_number_cells_are_taken_as_they_are():
    assert settings.number(0.8) == 0.8 and settings.number(50_000) == 50_000.0
    for value in (True, dt.date(2026, 1, 1), math.inf, math.nan, [1]):
        with pytest.raises(SettingError):
            settings.number(value)


# --------------------------------------------------------------------------- the settings

MARGINS = [
    ("0.8", 0.8), ("0,8", 0.8), ("80%", 0.8), ("80 %", 0.8), ("80", 0.8), ("0.7", 0.7),
    ("1", 1.0), ("100%", 1.0), ("0", 0.0), ("1.5", 0.015),  # over 1 without %: a percentage
    (0.8, 0.8), (80, 0.8), (1, 1.0), (0, 0.0), (62.5, 0.625),
]
BAD_MARGINS = ["lots", "150%", "150", "-10%", "-0.1", "10000", True, False, dt.date(2026, 1, 1)]


@pytest.mark.parametrize("value, expected", MARGINS)
def test_gross_margin(value, expected):
    assert settings.gross_margin(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", BAD_MARGINS)
def test_bad_gross_margin(value):
    expected = r"a share of revenue from 0 to 1 \(0\.8\) or a percentage \(80%\)$"
    with pytest.raises(SettingError, match=r"^Settings_GrossMargin is .+, expected " + expected):
        settings.gross_margin(value, "Settings_GrossMargin")


COSTS = [("50000", 50000.0), ("50,000", 50000.0), ("50.000", 50000.0), ("50_000", 50000.0),
         ("1,5", 1.5), ("0", 0.0), ("1.234.567,89", 1_234_567.89), (12_345, 12_345.0),
         (99.5, 99.5)]
BAD_COSTS = ["-5", -5, "50%", "much", True, dt.datetime(2026, 1, 1), math.inf]


@pytest.mark.parametrize("value, expected", COSTS)
def test_program_cost(value, expected):
    assert settings.program_cost(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", BAD_COSTS)
def test_bad_program_cost(value):
    with pytest.raises(SettingError) as error:
        settings.program_cost(value, "Settings_ProgramCost")
    assert str(error.value) == f"Settings_ProgramCost is {value!r}, expected an amount of 0 or more"
    assert error.value.value_message == f"{value!r} is not an amount of 0 or more"


PERIODS = [
    ("2026", "2026"), (" 2026 ", "2026"), ("2026-Q3", "2026-Q3"), ("2026-q1", "2026-Q1"),
    ("2026-03", "2026-03"), ("2026-3", "2026-03"), ("2026-12", "2026-12"), ("0123", "0123"),
    (2026, "2026"), (2026.0, "2026"), (1900, "1900"), (9999, "9999"),
    (dt.datetime(2026, 9, 1), "2026-09"), (dt.datetime(2026, 9, 30, 18, 0), "2026-09"),
    (dt.date(2026, 2, 14), "2026-02"),
    (46295, "2026-09"), (46295.75, "2026-09"),  # a date's serial: its month
    (1899, "1905-03"), (2026.5, "1905-07"),  # not a whole year of 1900-9999: a serial
    (61, "1900-03"), (2_958_465, "9999-12"),
]
BAD_PERIODS = ["soon", "2026-13", "2026-00", "2026-0", "2026-", "2026-Q5", "2026-Q0", "2026-Q03",
               "2026-003", "202", "20261", "2026/03", "2026-03-01", "2026 -03", "2026Q3",
               "\t2026", "2026-1x", 0, 0.5, -5, 2_958_466, True, False, math.nan]


@pytest.mark.parametrize("value, expected", PERIODS)
def test_period(value, expected):
    assert settings.period(value) == expected


@pytest.mark.parametrize("value", BAD_PERIODS)
def test_bad_period(value):
    with pytest.raises(SettingError) as error:
        settings.period(value, "Settings_Period")
    assert str(error.value) == (f"Settings_Period is {value!r}, expected a year (2026), a quarter "
                                "(2026-Q3), a month (2026-03) or a date")


def test_period_text_pattern_is_the_text_rule():
    for text, expected in PERIODS:
        if isinstance(text, str):
            assert settings.PERIOD_TEXT.fullmatch(text), text
    for text in ("soon", "2026/03", "2026Q3", "\t2026"):
        assert settings.PERIOD_TEXT.fullmatch(text) is None


def test_language_and_segment():
    assert settings.language("it") == "it"
    assert settings.language(" IT ") == "it"
    with pytest.raises(SettingError, match=r"^Settings_Language is 'fr', expected one of en, it$"):
        settings.language("fr", "Settings_Language")
    with pytest.raises(SettingError):
        settings.language(3)
    assert settings.segment(" SMB ") == "SMB"
    assert settings.segment(3.0) == "3" and settings.segment(3) == "3"
    assert settings.segment("=1+2") == "=1+2"


@pytest.mark.parametrize("value, expected", [("EUR", "EUR"), ("usd", "USD"), (" gbp ", "GBP"),
                                             ("chf", "CHF"), ("JPY", "JPY")])
def test_currency(value, expected):
    assert settings.currency(value) == expected


@pytest.mark.parametrize("value", ["EURO", "XXX", "XTS", "ABC", "€", "E U", 978, True])
def test_bad_currency(value):
    with pytest.raises(SettingError, match="expected an ISO 4217 currency code such as EUR or USD"):
        settings.currency(value, "Settings_Currency")


def test_read_names_each_setting():
    values = {"period": "2026-q3", "segment": "SMB", "lang": "IT", "gross_margin": "70%",
              "program_cost": "50.000", "currency": "eur"}
    assert settings.read(values) == {"period": "2026-Q3", "segment": "SMB", "lang": "it",
                                     "gross_margin": 0.7, "program_cost": 50000.0,
                                     "currency": "EUR"}
    assert settings.read({}) == {"period": None, "segment": None, "lang": "en",
                                 "gross_margin": None, "program_cost": None, "currency": None}
    with pytest.raises(SettingError, match="^Settings_GrossMargin is 'lots'"):
        settings.read({"gross_margin": "lots"}, SETTING_NAMES)


def test_no_excel_library_is_imported():
    code = textwrap.dedent("""
        import sys
        import addin.settings, addin.cells
        print(sorted(m for m in ("xlwings", "openpyxl", "pandas") if m in sys.modules))
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- every edge agrees

# Text as typed after an option and into a Settings cell formatted as text.
SAME_TEXT = {
    "gross_margin": ["0.8", "0,8", "80%", "80 %", "80", "1.5", "0,125"],
    "program_cost": ["50000", "50,000", "50.000", "50_000", "1,5", "1.234,5", "0"],
    "period": ["2026", "2026-Q3", "2026-q3", "2026-03", "2026-3", " 2026-09 "],
    "lang": ["en", "it", "IT"],
}
OPTIONS = {"gross_margin": "--gross-margin", "program_cost": "--program-cost",
           "period": "--period", "lang": "--lang"}


def _cli(option: str, text: str):
    return build_parser().parse_args(["report", "data.xlsx", "-o", "out.xlsx", option, text])


def _book(values: dict[str, object]) -> xw.Book:
    """xlwings' remote Book of a template-shaped workbook whose Settings cells hold ``values``
    (keyed by defined name), as xlwings Lite and Server hand it to the Refresh script."""
    return xw.Book(json=book_json(data_workbook({}, {"Settings_GrossMargin": None, **values})))


@pytest.mark.parametrize("key", sorted(SAME_TEXT))
def test_cli_and_refresh_read_the_same_text_alike(key):
    for text in SAME_TEXT[key]:
        read = getattr(settings, "language" if key == "lang" else key)
        expected = read(text)
        assert getattr(_cli(OPTIONS[key], text), key) == expected, (key, text)
        book = _book({SETTING_NAMES[key]: text})
        assert refresh.read_settings(book)[key] == expected, (key, text)


@pytest.mark.parametrize("key, text", [("gross_margin", "lots"), ("gross_margin", "150%"),
                                       ("program_cost", "-5"), ("program_cost", "50%"),
                                       ("lang", "fr")])
def test_cli_and_refresh_refuse_the_same_text(key, text, capsys):
    read = getattr(settings, "language" if key == "lang" else key)
    with pytest.raises(SettingError) as expected:
        read(text)
    with pytest.raises(SystemExit) as exit_:
        _cli(OPTIONS[key], text)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert f"argument {OPTIONS[key]}: {expected.value.value_message}" in err
    with pytest.raises(SettingError) as refused:
        refresh.read_settings(_book({SETTING_NAMES[key]: text}))
    name = SETTING_NAMES[key]
    assert str(refused.value) == f"{name} is {text!r}, expected {expected.value.expected}"


def test_a_period_the_reader_refuses_reaches_the_report_as_typed():
    # the report refuses it in retention's one-line error, as it refuses a period outside the
    # data (tests/test_exporter.py); the Refresh button refuses it when reading the Settings
    assert _cli("--period", "2026-13").period == "2026-13"
    with pytest.raises(SettingError, match="^Settings_Period is '2026-13'"):
        refresh.read_settings(_book({"Settings_Period": "2026-13"}))


@pytest.mark.parametrize("name, cell, expected", [
    ("Settings_Period", dt.datetime(2026, 9, 1), "2026-09"),  # Excel made a date of 2026-09
    ("Settings_Period", 2026, "2026"),
    ("Settings_Period", 46295, "2026-09"),  # a date cell formatted as a number
    ("Settings_GrossMargin", 0.8, 0.8),  # a cell formatted as %
    ("Settings_GrossMargin", 80, 0.8),
    ("Settings_ProgramCost", 12_345, 12_345.0),
    ("Settings_Segment", 3, "3"),
    ("Settings_Language", "IT", "it"),
])
def test_cells_through_the_remote_book(name, cell, expected):
    key = next(k for k, v in SETTING_NAMES.items() if v == name)
    assert refresh.read_settings(_book({name: cell}))[key] == expected
    assert getattr(settings, "language" if key == "lang" else key)(cell) == expected


def test_a_boolean_cell_is_refused_everywhere():
    for name in ("Settings_Period", "Settings_GrossMargin", "Settings_ProgramCost"):
        with pytest.raises(SettingError, match=f"^{name} is True"):
            refresh.read_settings(_book({name: True}))


# --------------------------------------------------------------------------- the Settings sheet

# Cell values for the period's validation formula: every form above, and the near misses.
VALIDATION_CASES = [
    None, "", "   ", "2026", " 2026 ", "2026-Q3", "2026-q3", "2026-Q0", "2026-Q5", "2026-Q",
    "2026-Q03", "2026-03", "2026-3", "2026-12", "2026-13", "2026-00", "2026-0", "2026-", "2026-003",
    "2026-1", "2026-10", "2026-1 ", "2026 -03", "2026- 3", "202", "20261", "0123", "1e10",
    "1E10-03", "+202-03", "-202", "soon", "2026/03", "2026-03-01", "2026-01x", "2026Q3", "2026-0Q",
    "12.5", "46295", "TRUE", "2026\t", "\t2026", "2026-*", "2026-?", "2026-Q?", "2026-1/-2",
    False, 2026, 46295, 46295.5, 0.5, 0, -5, 1, 2_958_465, 2_958_465.9, 2_958_466, 1899, 1900,
    9999, 10_000, dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 15, 12, 30),
]


def test_period_validation_formula_fits_a_rule():
    formula = settings.period_validation_formula("B5")
    assert formula.startswith("=") and len(formula) <= 255  # Excel's limit for a rule
    assert "B5" in formula and "$" not in formula


def libreoffice_period_verdicts(rule: str, cell: str, cases: list, tmp_path) -> tuple[list, list]:
    """The period validation ``rule`` (its text refers to ``cell``) evaluated by LibreOffice on
    every value of ``cases``, beside what :func:`addin.settings.period` says: two lists of 1
    (accepted) or 0, in the order of ``cases``. Skips the test without LibreOffice."""
    from addin.excel.libreoffice import LibreOfficeError, recalculate

    wb = openpyxl.Workbook()
    ws = wb.active
    for row, value in enumerate(cases, start=1):
        if value is not None:
            ws.cell(row, 1).value = value
            if isinstance(value, str):
                ws.cell(row, 1).data_type = "s"  # text as typed, even "2026" or "TRUE"
        ws.cell(row, 2).value = f"=IF({rule.replace(cell, f'A{row}')},1,0)"
    source = tmp_path / "periods.xlsx"
    wb.save(source)
    try:
        recalculated = recalculate(source, tmp_path / "out")
    except LibreOfficeError as error:
        pytest.skip(str(error))
    sheet = openpyxl.load_workbook(recalculated, data_only=True).active
    formula = [sheet.cell(row, 2).value for row in range(1, len(cases) + 1)]
    code = []
    for value in cases:
        try:
            settings.period(value)
        except SettingError:
            code.append(0)
        else:
            code.append(1)
    return formula, code


def test_period_validation_formula_accepts_exactly_what_the_code_accepts(tmp_path):
    rule = settings.period_validation_formula("A1")[1:]
    formula, code = libreoffice_period_verdicts(rule, "A1", VALIDATION_CASES, tmp_path)
    for value, got, accepted in zip(VALIDATION_CASES, formula, code):
        assert got == accepted, value
    # (TRUE is left out: LibreOffice stores it as the number 1, a date serial; Excel compares
    # TRUE as greater than every number, so the formula refuses it, as the code does.)
