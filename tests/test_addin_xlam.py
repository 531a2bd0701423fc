"""The ribbon add-in workbook_templates/retention_addin.xlam and its module, without Excel.

Checked here: the zip and its XML (well-formed, content types, relationships, the customUI
part and its relationship type), the VBA read with oletools' olevba (every ribbon callback
exists; the Python command RunMain builds; the config keys xlwings asks for), the module
the command imports, the byte-identical VBA part, the committed files against a fresh build,
and LibreOffice opening the add-in. Not checked (needs Excel): the ribbon showing, the
button running, Import Functions -- docs/ribbon-addin.md says so.
"""

from __future__ import annotations

import ast
import importlib.util
import posixpath
import re
import sys
import warnings
import zipfile
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from addin.cli import main as cli_main
from addin.excel import addin_builder
from addin.excel.addin_builder import (
    ADDIN_FILE,
    AddinBuildError,
    CONFIG_SHEET,
    CUSTOMUI_NS,
    CUSTOMUI_PART,
    CUSTOMUI_REL_2006,
    build_addin,
    template_path,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
XLAM = TEMPLATES / ADDIN_FILE
MODULE = XLAM.with_suffix(".py")

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
SML_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CUI = f"{{{CUSTOMUI_NS}}}"


# --- helpers ------------------------------------------------------------------------------

def _members(path: Path = XLAM) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(members: dict[str, bytes], part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, target part name) of ``part``'s relationships ("" is the package)."""
    rels = _rels_of(part) if part else "_rels/.rels"
    if rels not in members:
        return []
    base = posixpath.dirname(part)
    out = []
    for rel in ET.fromstring(members[rels]).iter(f"{REL_NS}Relationship"):
        assert rel.get("TargetMode") != "External", rel.attrib
        target = rel.get("Target")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(base, target))
        out.append((rel.get("Id"), rel.get("Type"), name))
    return out


def _sheet_rows(members: dict[str, bytes], sheet_name: str) -> dict[str, object]:
    """Cell reference -> value of a sheet, read from the zip (openpyxl refuses .xlam)."""
    workbook = ET.fromstring(members["xl/workbook.xml"])
    rid = next(s.get(R_ID) for s in workbook.iter(f"{SML_NS}sheet") if s.get("name") == sheet_name)
    target = next(t for i, _, t in _relationships(members, "xl/workbook.xml") if i == rid)
    strings = ["".join(t.text or "" for t in si.iter(f"{SML_NS}t"))
               for si in ET.fromstring(members["xl/sharedStrings.xml"]).iter(f"{SML_NS}si")]
    cells: dict[str, object] = {}
    for c in ET.fromstring(members[target]).iter(f"{SML_NS}c"):
        v = c.find(f"{SML_NS}v")
        if v is None:
            continue
        kind = c.get("t", "n")
        cells[c.get("r")] = (strings[int(v.text)] if kind == "s" else bool(int(v.text))
                             if kind == "b" else float(v.text))
    return cells


def _config_table(members: dict[str, bytes]) -> dict[str, tuple[object, object]]:
    """Key -> (value, note) the way xlwings' GetConfigFromSheet reads the sheet: column A from
    A1 down to the first blank, value beside it in B; the note in C."""
    cells = _sheet_rows(members, CONFIG_SHEET)
    table, row = {}, 1
    while cells.get(f"A{row}") not in (None, ""):
        table[cells[f"A{row}"]] = (cells.get(f"B{row}"), cells.get(f"C{row}"))
        row += 1
    return table


@pytest.fixture(scope="module")
def members() -> dict[str, bytes]:
    return _members()


@pytest.fixture(scope="module")
def vba() -> dict[str, str]:
    """VBA module name -> source, as olevba reads it from the add-in."""
    with warnings.catch_warnings():  # olevba uses pyparsing's deprecated names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(XLAM))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _procedure(code: str, name: str) -> tuple[str, str]:
    """(parameter list, body) of ``Sub``/``Function`` ``name`` in a VBA module's source."""
    match = re.search(rf"^(?:Public |Private )?(Sub|Function) {name}\((.*?)\)(.*?)^End \1",
                      code, flags=re.M | re.S)
    assert match, f"no Sub/Function {name}"
    return match.group(2), match.group(3)


def _vba_string_expression(expression: str, variables: dict[str, str]) -> str:
    """Evaluate a VBA concatenation of string literals and variables ("a" & x & "b")."""
    value = ""
    for token in (t.strip() for t in expression.split("&")):
        if token.startswith('"') and token.endswith('"'):
            value += token[1:-1].replace('""', '"')
        else:
            value += variables[token]
    return value


def _runpython_command(vba: dict[str, str], workbook_name: str) -> str:
    """The Python command RibbonMyAddin.RunMain gives RunPython for an add-in file name."""
    _, body = _procedure(vba["RibbonMyAddin"], "RunMain")
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    assert lines[0] == ('mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", '
                        '-1, vbTextCompare) - 1))'), lines
    assert lines[1].startswith("RunPython ") and len(lines) == 2, lines
    mymodule = workbook_name[:workbook_name.rfind(".")]
    return _vba_string_expression(lines[1][len("RunPython "):], {"mymodule": mymodule})


# --- the package ----------------------------------------------------------------------------

def test_every_xml_part_is_well_formed(members):
    xml_parts = [n for n in members if n.endswith((".xml", ".rels"))]
    assert len(xml_parts) == 11
    for name in xml_parts:
        ET.fromstring(members[name])


def test_zip_has_unique_names_the_mark_and_no_folders():
    with zipfile.ZipFile(XLAM) as archive:
        names = archive.namelist()
        assert archive.comment.startswith(addin_builder.MARK.encode())
    assert len(names) == len(set(names))
    assert not [n for n in names if n.endswith("/")]
    assert names[0] == "[Content_Types].xml"


def test_content_types_cover_every_part_and_name_no_missing_one(members):
    types = ET.fromstring(members["[Content_Types].xml"])
    defaults = {d.get("Extension").lower(): d.get("ContentType")
                for d in types.iter(f"{CT_NS}Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT_NS}Override")}
    for name in members:
        if name == "[Content_Types].xml":
            continue
        extension = name.rsplit(".", 1)[-1].lower()
        assert f"/{name}" in overrides or extension in defaults, name
    assert {p.lstrip("/") for p in overrides} <= set(members)
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"


def test_every_relationship_target_exists_and_every_part_is_linked(members):
    linked = set()
    sources = [""] + [n for n in members if not n.endswith(".rels") and n != "[Content_Types].xml"]
    for source in sources:
        relationships = _relationships(members, source)
        assert len({i for i, _, _ in relationships}) == len(relationships), source
        for _, _, target in relationships:
            assert target in members, f"{source or 'package'} -> {target}"
            linked.add(target)
    parts = {n for n in members if not n.endswith(".rels") and n != "[Content_Types].xml"}
    assert parts == linked


# --- the ribbon -------------------------------------------------------------------------------

def test_ribbon_has_the_retention_tab_and_refresh_report_button(members):
    root = ET.fromstring(members[CUSTOMUI_PART])
    assert root.tag == f"{CUI}customUI"
    tabs = list(root.iter(f"{CUI}tab"))
    assert [t.get("label") for t in tabs] == ["Retention"]
    buttons = list(root.iter(f"{CUI}button"))
    assert [b.get("label") for b in buttons] == ["Refresh report"]
    assert buttons[0].get("imageMso") == "RefreshAll"
    # the callback of xlwings' template, unchanged
    template = ET.fromstring(_members(template_path())[CUSTOMUI_PART])
    template_actions = [b.get("onAction") for b in template.iter(f"{CUI}button")]
    assert template_actions == [buttons[0].get("onAction")] == ["RibbonMyAddin.RunMain"]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_customui_relationship_type_matches_its_namespace(members):
    relationships = [r for r in _relationships(members, "") if r[2] == CUSTOMUI_PART]
    assert [t for _, t, _ in relationships] == [CUSTOMUI_REL_2006]
    assert ET.fromstring(members[CUSTOMUI_PART]).tag == f"{CUI}customUI"
    assert CUSTOMUI_NS == "http://schemas.microsoft.com/office/2006/01/customui"
    # xlwings' template has the mix the Open XML SDK refuses: the reason for the change
    assert b"office/2007/relationships/ui/extensibility" in _members(template_path())["_rels/.rels"]


def test_every_onaction_names_a_ribbon_callback_in_the_vba(members, vba):
    actions = [e.get("onAction") for e in ET.fromstring(members[CUSTOMUI_PART]).iter()
               if e.get("onAction")]
    assert actions
    for action in actions:
        module, _, procedure = action.rpartition(".")
        assert module in vba, f"{action}: no VBA module {module}"
        parameters, _ = _procedure(vba[module], procedure)
        assert re.fullmatch(r"\w+ As IRibbonControl", parameters.strip()), parameters


# --- the Python side of the button --------------------------------------------------------------

def test_runmain_imports_the_module_named_after_the_addin_file(vba):
    assert _runpython_command(vba, XLAM.name) == "import retention_addin;retention_addin.main()"
    assert _runpython_command(vba, "other_name.xlam") == "import other_name;other_name.main()"
    assert MODULE.is_file()


def test_runpython_puts_the_addin_folder_on_sys_path(vba):
    """RunPython hands prepare_sys_path "true;<active workbook>;<add-in>;…;PYTHONPATH" unless
    ADD_WORKBOOK_TO_PYTHONPATH says otherwise, and the sheet does not say it."""
    _, body = _procedure(vba["xlwings"], "RunPython")
    assert 'AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")' in body
    assert re.search(r'PYTHONPATH = AddExcelDir & ";" & ActiveFullName & ";" & ThisFullName', body)
    assert "ThisFullName = ThisWorkbook.FullName" in body


def test_the_button_command_runs_addin_main(vba, tmp_path, monkeypatch):
    """What Excel's python -c does, with addin.main replaced by a recorder."""
    import addin
    from xlwings.utils import prepare_sys_path

    calls = []
    monkeypatch.setattr(addin, "main", lambda: calls.append("main"), raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "retention_addin", raising=False)
    active = tmp_path / "Book1.xlsx"
    prepare_sys_path(f"true;{active};{XLAM};;;;")
    try:
        exec(_runpython_command(vba, XLAM.name), {"__name__": "__main__"})
        assert calls == ["main"]
        assert Path(sys.modules["retention_addin"].__file__) == MODULE
    finally:
        sys.modules.pop("retention_addin", None)


def test_module_main_imports_addin_lazily_and_calls_addin_main():
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    top_imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not top_imports
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert list(functions) == ["main"] and not functions["main"].args.args
    main = functions["main"]
    imports = [a.name for n in ast.walk(main) if isinstance(n, ast.Import) for a in n.names]
    assert imports == ["addin"]
    calls = [n for n in ast.walk(main) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "main"
             and isinstance(n.func.value, ast.Name) and n.func.value.id == "addin"]
    assert len(calls) == 1 and not calls[0].args and not calls[0].keywords


def _load_module():
    spec = importlib.util.spec_from_file_location("_retention_addin_under_test", MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_module_says_what_to_set_when_the_package_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "addin", None)
    with pytest.raises(ModuleNotFoundError, match=re.escape(CONFIG_SHEET)) as info:
        _load_module().main()
    assert info.value.name == "addin"


# --- the configuration sheet ------------------------------------------------------------------

def test_config_sheet_is_the_one_xlwings_reads(members, vba):
    project = re.search(r'^Public Const PROJECT_NAME As String = "(\w+)"', vba["xlwings"], re.M)
    assert f"{project.group(1)}.conf" == CONFIG_SHEET
    assert 'Set sht = wb.Sheets(PROJECT_NAME & ".conf")' in vba["xlwings"]
    workbook = ET.fromstring(members["xl/workbook.xml"])
    sheets = [s.get("name") for s in workbook.iter(f"{SML_NS}sheet")]
    assert sheets == [CONFIG_SHEET]


def test_config_sheet_holds_xlwings_keys_with_our_values(members, vba):
    table = _config_table(members)
    asked = set(re.findall(r'GetConfig\("([^"]+)"', "\n".join(vba.values())))
    assert {key.upper() for key in table} <= asked
    assert list(table) == ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path",
                           "Conda Env", "UDF Modules", "Debug UDFs", "Use UDF Server",
                           "Show Console"]
    assert table["UDF Modules"][0] == "addin.udfs"
    for key in ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env"):
        assert table[key][0] is None, key  # left for the user
    for key in ("Debug UDFs", "Use UDF Server", "Show Console"):
        assert table[key][0] is False, key
    assert "python.exe" in table["Interpreter_Win"][1]
    assert "pythonw.exe" in table["Interpreter_Win"][1]
    assert "/bin/python" in table["Interpreter_Mac"][1]
    assert "retention_addin.py" in table["PYTHONPATH"][1]
    assert all(note for _, note in table.values())
    assert "ADD_WORKBOOK_TO_PYTHONPATH" not in {k.upper() for k in table}


def test_udf_modules_names_an_existing_module(members):
    module = _config_table(members)["UDF Modules"][0]
    assert importlib.util.find_spec(module) is not None, module
    functions = [f for f in vars(importlib.import_module(module)).values() if hasattr(f, "__xlfunc__")]
    assert len(functions) >= 20, "the UDF module registers no xlwings functions"


def test_settings_fill_the_sheet_escaped(tmp_path, members):
    path, _ = build_addin(tmp_path / "my_addin.xlam",
                          interpreter_win=r"C:\R&D <team>\.venv\Scripts\pythonw.exe",
                          interpreter_mac="/Users/a/.venv/bin/python", pythonpath=r"C:\src;D:\lib")
    built = _members(path)
    table = _config_table(built)
    assert table["Interpreter_Win"][0] == r"C:\R&D <team>\.venv\Scripts\pythonw.exe"
    assert table["Interpreter_Mac"][0] == "/Users/a/.venv/bin/python"
    assert table["PYTHONPATH"][0] == r"C:\src;D:\lib"
    assert "my_addin.py" in table["PYTHONPATH"][1]
    assert built["xl/vbaProject.bin"] == members["xl/vbaProject.bin"]
    with pytest.raises(AddinBuildError, match="control characters"):
        build_addin(tmp_path / "other.xlam", interpreter_win="C:\\x\n")


# --- VBA, rebuild, CLI --------------------------------------------------------------------------

def test_vba_part_is_byte_identical_to_xlwings_template(members):
    assert members["xl/vbaProject.bin"] == _members(template_path())["xl/vbaProject.bin"]


def test_committed_files_are_a_fresh_build(tmp_path):
    xlam, module = build_addin(tmp_path / ADDIN_FILE)
    rebuild = "rebuild: retention addin -o workbook_templates/retention_addin.xlam"
    assert xlam.read_bytes() == XLAM.read_bytes(), rebuild
    assert module.read_bytes() == MODULE.read_bytes()


def test_cli_writes_both_files_and_rewrites_its_own(tmp_path, capsys):
    target = tmp_path / "sub" / ADDIN_FILE
    assert cli_main(["addin", "-o", str(target)]) == 0
    first = target.read_bytes()
    assert cli_main(["addin", "-o", str(target)]) == 0
    assert target.read_bytes() == first == XLAM.read_bytes()
    assert (tmp_path / "sub" / "retention_addin.py").read_bytes() == MODULE.read_bytes()
    assert "retention_addin.py" in capsys.readouterr().out


@pytest.mark.parametrize("existing", [ADDIN_FILE, "retention_addin.py"])
def test_cli_refuses_to_overwrite_a_file_it_did_not_write(tmp_path, capsys, existing):
    (tmp_path / existing).write_bytes(b"mine")
    assert cli_main(["addin", "-o", str(tmp_path / ADDIN_FILE)]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (tmp_path / existing).read_bytes() == b"mine"
    assert [p.name for p in tmp_path.iterdir()] == [existing]


@pytest.mark.parametrize("name", ["retention-addin.xlam", "1addin.xlam", "class.xlam",
                                  "addin.xlam", "xlwings.xlam", "os.xlam", "retention_addin.xlsm"])
def test_refuses_a_name_the_vba_could_not_import(tmp_path, name):
    with pytest.raises(AddinBuildError):
        build_addin(tmp_path / name)
    assert not list(tmp_path.iterdir())


# --- LibreOffice ----------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin(tmp_path):
    """LibreOffice loads an .xlam only with this import filter; the sheet survives the trip."""
    import openpyxl

    from addin.excel.libreoffice import convert

    out = convert(XLAM, "xlsx", tmp_path, infilter="Calc MS Excel 2007 VBA XML")
    assert out.is_file()
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [CONFIG_SHEET]
    values = {row[0]: row[1] for row in book[CONFIG_SHEET].iter_rows(values_only=True)}
    assert values["UDF Modules"] == "addin.udfs"
    assert values["Interpreter_Win"] is None
