"""xlwings Lite's part: main.py, requirements.txt, the part in an .xlsx, ``retention lite``.

What runs in real Pyodide is tests/test_lite_pyodide.py; here, in CPython:

- main.py: readable header (what, version, how to update), under Office's size limit for
  document settings, its archive the package's own files (no drift: both committed
  templates carry exactly the ``main.py`` of this commit), only what Lite runs;
- main.py executed as Lite executes it (a module ``main`` made from the string, in a fresh
  interpreter) registers every function and both scripts;
- the part in an .xlsx is what Excel writes for Lite (checked against real Lite workbooks'
  structure); a workbook's other parts keep their content byte for byte; an existing Lite
  part keeps Lite's own settings; another add-in's task pane is kept;
- nothing strips it: openpyxl drops it (measured here), and none of our writers re-saves a
  workbook with openpyxl; exported reports deliberately carry no Lite part;
- the Activate functions script finds and re-enters exactly the function cells;
- ``retention lite`` writes a copy, never the original without --force.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from book_json import book_json, run_script
from defusedxml import ElementTree

from addin import __version__
from addin.cli import main as cli
from addin.excel.template import TEMPLATE_FILES, UDF_NAMES
from addin.lite import activate, bundle, part
from addin.lite.files import copy_with_lite, lite_copy_path, write_files
from addin.udfs import __all__ as FUNCTION_NAMES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = {lang: ROOT / "workbook_templates" / name for lang, name in TEMPLATE_FILES.items()}
WEBEXT = "xl/webextensions/"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def main_py() -> str:
    return bundle.main_py()


@pytest.fixture
def analyst_book(tmp_path) -> Path:
    """An analyst's own workbook: a Table, a formula with our function, a number format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["customer", "score"])
    for i in range(5):
        ws.append([f"C{i}", i * 2])
    ws["D1"] = "=NPS(B2:B6)"
    ws["D2"] = 0.25
    ws["D2"].number_format = "0.0%"
    table = openpyxl.worksheet.table.Table(displayName="Answers", ref="A1:B6")
    ws.add_table(table)
    path = tmp_path / "my book.xlsx"
    wb.save(path)
    return path


# --------------------------------------------------------------------------- main.py


def test_main_py_header_says_what_version_and_how_to_update(main_py):
    head = main_py[:2000]
    assert main_py.startswith('"""\n# Customer-retention metrics')
    assert f"retention-addin {__version__}" in head
    assert f"({len(FUNCTION_NAMES)} of\nthem)" in head
    assert "retention lite --into" in head and "retention template" in head
    assert "Activate functions" in head and "Refresh report" in head
    assert main_py.isascii()


def test_main_py_is_well_under_offices_limit_for_document_settings(main_py):
    stored = len(part.setting_value(main_py).encode("utf-8"))  # as it sits in the XML
    assert stored < bundle.SIZE_LIMIT  # 1 MB, half of Office's 2 MB per add-in
    print(f"main.py: {len(main_py):,} characters, {stored:,} bytes stored")


def test_archive_is_the_packages_own_files(main_py):
    files = bundle.archive_files(main_py)
    assert files == bundle.bundled_files()
    for name, data in files.items():
        assert (ROOT / name).read_bytes() == data, name


def test_archive_holds_what_lite_runs_and_not_the_builders():
    modules = set(bundle.bundled_modules())
    assert {"addin.udfs", "addin.refresh", "addin.lite.activate", "addin.metrics",
            "addin.report", "addin.settings"} <= modules
    for builder in ("addin.cli", "addin.export", "addin.excel", "addin.excel.template",
                    "addin.excel.report_writer", "addin.lite.bundle", "addin.lite.part",
                    "addin.lite.files", "addin.sample_data"):
        assert builder not in modules


def test_archive_imports_only_what_requirements_txt_installs():
    """Every module-level import of the archive is the standard library, the package, or a
    line of requirements.txt (imports inside functions or try blocks are optional paths)."""
    allowed = set(sys.stdlib_module_names) | {"addin"} | set(bundle.requirement_names())
    for name, data in bundle.bundled_files().items():
        for node in ast.parse(data).body:  # module level only, try/except excluded
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                tops = [node.module.split(".")[0]]
            else:
                continue
            assert set(tops) <= allowed, (name, tops)


def test_requirements_txt():
    text = bundle.requirements_txt()
    assert bundle.requirement_names(text) == ["xlwings", "python-dotenv", "pyodide-http", "black",
                                              "numpy", "pandas", "scipy", "narwhals"]
    # the report's one reduction (narwhals, on pandas in Lite), the version pyproject allows
    assert "narwhals==2.29.0" in text.splitlines()
    assert "xlwings==0.37.8  # required" in text.splitlines()  # the version pyproject pins
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"xlwings==0.37.8"' in pyproject


@pytest.mark.parametrize("lang", ["en", "it"])
def test_committed_templates_carry_this_commits_main_py(lang, main_py):
    settings = part.read_lite_part(TEMPLATES[lang])
    assert settings is not None, f"run `retention template --lang {lang}`"
    # compared as a bool: pytest's diff of two long texts takes minutes
    same = settings["main.py"] == main_py
    assert same, f"the template's main.py is not this commit's: run `retention template --lang {lang}`"
    assert settings["requirements.txt"] == bundle.requirements_txt()


def test_main_py_run_as_lite_runs_it(tmp_path, main_py):
    """A fresh interpreter, as Lite's runtime: main.py becomes module ``main``."""
    script = tmp_path / "run.py"
    script.write_text(
        "import importlib.util, json, os, sys\n"
        "os.environ['XLWINGS_ON_SERVER'] = 'true'\n"
        "os.environ['XLWINGS_LICENSE_KEY'] = 'noncommercial'  # our noncommercial testing\n"
        "import xlwings.server\n"
        "spec = importlib.util.spec_from_loader('main', loader=None)\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "for _ in range(2):  # Lite reads main.py again for each step\n"
        "    exec(text, module.__dict__)\n"
        "meta = xlwings.server.custom_functions_meta(module)\n"
        "print(json.dumps({'functions': [f['name'] for f in meta['functions']],\n"
        "    'scripts': xlwings.server.custom_scripts_meta(module),\n"
        "    'file': sys.modules['addin'].__file__}))\n")
    (tmp_path / "main.py").write_text(main_py, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TMPDIR"] = str(tmp_path)
    run = subprocess.run([sys.executable, str(script), str(tmp_path / "main.py")],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert sorted(result["functions"]) == sorted(FUNCTION_NAMES)
    assert {s["function_name"] for s in result["scripts"]} == {"refresh_report",
                                                               "activate_functions"}
    assert result["file"].startswith(str(tmp_path / "retention-addin"))


# --------------------------------------------------------------------------- the part


def test_the_part_is_what_excel_writes_for_lite(tmp_path):
    path = TEMPLATES["en"]
    files = parts(path)
    content_types = files["[Content_Types].xml"].decode()
    assert (f'<Override PartName="/{WEBEXT}webextension1.xml" '
            f'ContentType="{part.TYPE_WEBEXTENSION}"/>') in content_types
    assert f'<Override PartName="/{part.TASKPANES}" ContentType="{part.TYPE_TASKPANES}"/>' \
        in content_types
    rels = ElementTree.fromstring(files["_rels/.rels"])
    assert any(r.get("Type") == part.REL_TASKPANES and r.get("Target") == part.TASKPANES
               for r in rels)
    panes = ElementTree.fromstring(files[part.TASKPANES])
    pane = next(panes.iter(f"{{{part.WETP}}}taskpane"))
    assert (pane.get("dockstate"), pane.get("visibility")) == ("right", "1")
    pane_rels = ElementTree.fromstring(files[part.TASKPANES_RELS])
    assert [(r.get("Type"), r.get("Target")) for r in pane_rels] == [
        (part.REL_WEBEXTENSION, "webextension1.xml")]
    ext = ElementTree.fromstring(files[f"{WEBEXT}webextension1.xml"])
    refs = [(r.get("id"), r.get("store"), r.get("storeType"))
            for r in ext.iter(f"{{{part.WE}}}reference")]
    assert refs == [("wa200008175", "en-US", "OMEX"), ("WA200008175", "WA200008175", "OMEX")]
    assert next(ext.iter(f"{{{part.WE}}}containsCustomFunctions"), None) is not None
    # each setting a JSON value, "/" written "\/" as Office writes it
    raw = {p.get("name"): p.get("value") for p in ext.iter(f"{{{part.WE}}}property")}
    assert raw["main.py"].startswith('"\\"\\"\\"\\n# Customer-retention metrics')
    assert "/" not in raw["main.py"].replace("\\/", "")
    assert json.loads(raw["Office.AutoShowTaskpaneWithDocument"]) is True
    # and the workbook still opens
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "Guide examples" in wb.sheetnames
    wb.close()


def test_a_copy_keeps_every_other_part_byte_for_byte(analyst_book):
    before = analyst_book.read_bytes()
    copy = copy_with_lite(analyst_book)
    assert copy == analyst_book.with_name("my book-lite.xlsx")
    assert analyst_book.read_bytes() == before  # the original is untouched
    old, new = parts(analyst_book), parts(copy)
    added = set(new) - set(old)
    assert added == {f"{WEBEXT}webextension1.xml", part.TASKPANES, part.TASKPANES_RELS}
    for name in old:
        if name in ("[Content_Types].xml", "_rels/.rels"):
            # only two overrides / one relationship inserted, nothing else changed
            ours = re.sub(r"<(?:Override|Relationship) [^>]*webextension[^>]*/>", "",
                          new[name].decode())
            assert ours == old[name].decode(), name
        else:
            assert new[name] == old[name], name
    with zipfile.ZipFile(analyst_book) as a, zipfile.ZipFile(copy) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()][:len(old)]
        assert [(i.date_time, i.compress_type) for i in a.infolist()] == \
               [(i.date_time, i.compress_type) for i in b.infolist()][:len(old)]
    assert part.read_lite_part(copy)["main.py"] == bundle.main_py()
    wb = openpyxl.load_workbook(copy)
    assert wb["Data"]["D1"].value == "=NPS(B2:B6)" and "Answers" in wb["Data"].tables


def test_updating_keeps_lites_own_settings(analyst_book, tmp_path):
    """A workbook Lite already saved: its other settings stay, main.py is replaced."""
    copy = copy_with_lite(analyst_book)
    files = parts(copy)
    name = f"{WEBEXT}webextension1.xml"
    xml = files[name].decode().replace(
        "<we:properties>", '<we:properties><we:property name="addinVersion" '
        'value="&quot;1.0.0.0-28&quot;"/>', 1)
    xml = xml.replace(part.setting_value(bundle.main_py()).replace('"', "&quot;"),
                      "&quot;print(1)&quot;")
    old = tmp_path / "saved by lite.xlsx"
    with zipfile.ZipFile(copy) as src, zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, xml if info.filename == name else src.read(info))
    assert part.read_lite_part(old)["main.py"] == "print(1)"
    updated = copy_with_lite(old)
    settings = part.read_lite_part(updated)
    assert settings["main.py"] == bundle.main_py()
    assert settings["addinVersion"] == "1.0.0.0-28"
    assert set(parts(updated)) == set(parts(old))  # no second Lite part


def test_another_add_ins_task_pane_is_kept(analyst_book, tmp_path):
    first = copy_with_lite(analyst_book)  # stands in for another add-in's pane
    files = parts(first)
    other = files[f"{WEBEXT}webextension1.xml"].decode()
    other = other.replace('id="wa200008175"', 'id="wa104380862"').replace(
        'id="WA200008175" version="1.0.0.0" store="WA200008175"',
        'id="WA104380862" version="1.0.0.0" store="WA104380862"')
    book = tmp_path / "other add-in.xlsx"
    with zipfile.ZipFile(first) as src, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = other if info.filename == f"{WEBEXT}webextension1.xml" else src.read(info)
            out.writestr(info, data)
    assert part.read_lite_part(book) is None
    result = parts(copy_with_lite(book))
    assert result[f"{WEBEXT}webextension1.xml"].decode() == other
    assert part.read_lite_part(tmp_path / "other add-in-lite.xlsx")["main.py"] == bundle.main_py()
    panes = ElementTree.fromstring(result[part.TASKPANES])
    assert len(list(panes.iter(f"{{{part.WETP}}}taskpane"))) == 2
    targets = [r.get("Target") for r in ElementTree.fromstring(result[part.TASKPANES_RELS])]
    assert targets == ["webextension1.xml", "webextension2.xml"]


def test_templates_parts_are_byte_stable(tmp_path):
    again = part.add_lite_part(TEMPLATES["en"], tmp_path / "again.xlsx")
    assert again.read_bytes() == TEMPLATES["en"].read_bytes()


# --------------------------------------------------------------------------- nothing strips it


def test_openpyxl_drops_the_part_when_it_saves(tmp_path):
    """Measured: why none of our writers loads and re-saves a workbook with openpyxl."""
    wb = openpyxl.load_workbook(TEMPLATES["en"])
    wb.save(tmp_path / "resaved.xlsx")
    assert not [n for n in parts(tmp_path / "resaved.xlsx") if n.startswith(WEBEXT)]
    assert part.read_lite_part(tmp_path / "resaved.xlsx") is None


def test_exported_reports_carry_no_lite_part(tmp_path):
    """Deliberate (docs/lite.md): a report is values, with no data Tables to refresh from and
    no function cells; Python in it would only make Excel offer an add-in to its readers."""
    from addin.export import export_demo

    _, path = export_demo(tmp_path / "report.xlsx")
    assert part.read_lite_part(path) is None


def test_no_writer_of_ours_resaves_a_workbook_with_openpyxl():
    """The one load-and-save is the template pictures' private copy (rendered, deleted)."""
    resaves = []
    for path in (ROOT / "addin").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "load_workbook(" in text and ".save(" in text:
            resaves.append(path.relative_to(ROOT).as_posix())
    assert resaves == ["addin/excel/template/pictures.py"]


# --------------------------------------------------------------------------- activate


@pytest.mark.parametrize("formula, expected", [
    ("=CRR(B3,B4,B5)", "=CRR(B3,B4,B5)"),
    ("=_xldudf_CRR(B3,B4,B5)", "=CRR(B3,B4,B5)"),
    ("=IFERROR(nps(A1:A9), \"\")", "=IFERROR(nps(A1:A9), \"\")"),
    ("=_xldudf_COHORT_RETENTION(Orders[customer_id],Orders[order_date])",
     "=COHORT_RETENTION(Orders[customer_id],Orders[order_date])"),
    ("=SUM(NPS[score])", None),  # the Table named NPS, not the function
    ("=MYCRR(1)", None),
    ("=SUM(A1:A3)", None),
    ("CRR(1,2,3)", None),  # text, not a formula
    (None, None),
])
def test_reentered(formula, expected):
    assert activate.reentered(formula) == expected


def test_activate_knows_every_function_the_template_calls():
    assert set(UDF_NAMES) <= set(activate.FUNCTION_NAMES) == set(FUNCTION_NAMES)


def test_unresolved_cells():
    assert activate.unresolved_cells([[1, "#NAME?"], ["#N/A", None], ["", "#NAME?"]]) == [
        (1, 2), (3, 2)]


def test_activate_outside_lite_changes_nothing_and_says_how(capsys):
    wb = openpyxl.Workbook()
    wb.active["B2"] = "=CRR(1,2,3)"
    payload = book_json(wb)
    payload["sheets"][0]["values"][1][1] = "#NAME?"
    assert run_script(activate, "activate_functions", payload) == []
    out = capsys.readouterr().out
    assert "needs xlwings Lite" in out and "replace with =" in out


# --------------------------------------------------------------------------- the command


def test_cli_writes_main_py_and_requirements_to_a_folder(tmp_path, capsys):
    assert cli(["lite", "-o", str(tmp_path / "lite")]) == 0
    assert (tmp_path / "lite" / "main.py").read_text(encoding="utf-8") == bundle.main_py()
    assert (tmp_path / "lite" / "requirements.txt").read_text() == bundle.requirements_txt()
    assert write_files(tmp_path / "lite")[0].name == "main.py"  # again: same files


def test_cli_into_writes_a_copy_and_refuses_the_original(analyst_book, capsys):
    before = analyst_book.read_bytes()
    assert cli(["lite", "--into", str(analyst_book)]) == 0
    assert capsys.readouterr().out.strip().endswith("my book-lite.xlsx")
    assert cli(["lite", "--into", str(analyst_book)]) == 2  # the copy exists
    assert "--force" in capsys.readouterr().err
    assert cli(["lite", "--into", str(analyst_book), "-o", str(analyst_book)]) == 2
    assert "is the workbook itself" in capsys.readouterr().err
    assert analyst_book.read_bytes() == before
    assert cli(["lite", "--into", str(analyst_book), "-o", str(analyst_book), "--force"]) == 0
    assert part.read_lite_part(analyst_book)["main.py"] == bundle.main_py()


def test_cli_into_refuses_what_is_not_a_workbook(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert cli(["lite", "--into", str(text)]) == 2
    fake = tmp_path / "fake.xlsx"
    fake.write_text("hello")
    assert cli(["lite", "--into", str(fake)]) == 2
    assert "not an .xlsx workbook" in capsys.readouterr().err
    assert not (tmp_path / "fake-lite.xlsx").exists()


def test_copy_path_choices(tmp_path):
    book = tmp_path / "a.xlsx"
    assert lite_copy_path(book) == tmp_path / "a-lite.xlsx"
    assert lite_copy_path(book, tmp_path / "b.xlsx") == tmp_path / "b.xlsx"
    assert lite_copy_path(book, tmp_path) == tmp_path / "a.xlsx"
