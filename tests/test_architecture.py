"""The layer rules and the size of the rooms, as the folder listing promises them.

The rules are import-linter contracts in pyproject.toml (``lint-imports``); docs/architecture.md
says why each exists. A module over ~600 lines holds more than one concept unless it is listed
below with the one concept that needs the room.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "addin"

#: Modules allowed past MAX_LINES, each one concept that needs it.
LONG_MODULES = {
    # every label of the template, in two languages: words, not code
    "i18n/template_words.py": "the template's labels, English and Italian",
    # the BG/NBD and Gamma-Gamma models with their likelihoods and closed forms
    "metrics/predictive.py": "the predictive CLV models (fit, forecast, their formulas)",
}
MAX_LINES = 620


def _lint_imports() -> Path | None:
    found = shutil.which("lint-imports") or Path(sys.executable).with_name("lint-imports")
    return Path(found) if found and Path(found).exists() else None


@pytest.mark.skipif(_lint_imports() is None, reason="import-linter is not installed")
def test_layer_contracts_hold():
    result = subprocess.run([str(_lint_imports()), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_no_module_does_many_jobs():
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and name not in LONG_MODULES:
            long[name] = lines
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_every_report_module_is_under_a_contract():
    # A new compute module must join the contract that keeps words and formats out of compute.
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    named = {module for contract in contracts for module in contract["source_modules"]}
    rendering = {"render", "layout", "__init__"}
    for path in (PACKAGE / "report").glob("*.py"):
        if path.stem not in rendering:
            assert f"addin.report.{path.stem}" in named, f"addin/report/{path.name} is under no contract"


def test_the_command_starts_without_the_heavy_libraries():
    # `retention --help` must answer at once: numpy, pandas, scipy and the writers are
    # imported by the subcommand that needs them, not by the command line itself.
    code = ("import sys, addin.cli; heavy = sorted(m for m in ('numpy', 'pandas', 'scipy', "
            "'openpyxl', 'xlsxwriter', 'xlwings') if m in sys.modules); print(','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
