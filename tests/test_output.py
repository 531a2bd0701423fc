"""Output safety (addin.excel.output): never a corrupt, partial or lost file.

A previous report is replaced without --force only if we wrote it and nobody changed it
since (its fingerprint says so); an analyst's edit, an added sheet, a read-only mark need
--force; any other file is never replaced. A signal in the middle of a write (a real
subprocess, signalled while it saves) leaves the previous report whole and no temporary
file. Names the file system gives as bytes that are not UTF-8 reach the workbook as text.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from addin.cli import EXIT_SIGHUP, EXIT_SIGINT, EXIT_SIGTERM
from addin.excel import output
from addin.excel.addin_builder import build_addin, is_generated
from addin.excel.output import (FINGERPRINT, MARKER, OutputRefused, check_output, fingerprint,
                                is_previous_report, is_unchanged_report, written_by_us, xml_text)
from addin.excel.report_writer import write_report
from addin.excel.template import MARKER_PROPERTY, MARKER_VALUE, is_generated_template
from addin.report import build_report

from test_exporter import leftovers, run
from test_report import hand_data, hand_frames

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report():
    return build_report(hand_data(), "2026-09")


# ---------------------------------------------------------------------------- where


def test_refuses_non_xlsx_names_and_folders(tmp_path):
    with pytest.raises(OutputRefused, match="ending in .xlsx"):
        check_output(tmp_path / "report.xlsm")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(OutputRefused, match="is a folder"):
        check_output(tmp_path / "dir.xlsx")
    with pytest.raises(OutputRefused, match="does not exist"):
        check_output(tmp_path / "missing" / "report.xlsx")


def test_refuses_the_template_folder(tmp_path, report):
    folder = tmp_path / "workbook_templates"
    folder.mkdir()
    with pytest.raises(OutputRefused, match="template"):
        write_report(report, folder / "retention_template.xlsx")
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------------------- replace or refuse


def test_a_report_we_wrote_and_nobody_changed_is_replaced_without_force(tmp_path, report):
    path = write_report(report, tmp_path / "report.xlsx")
    assert is_previous_report(path) and is_unchanged_report(path)
    properties = {p.name: p.value for p in openpyxl.load_workbook(path).custom_doc_props}
    assert properties[FINGERPRINT] == fingerprint(path) and properties[FINGERPRINT].startswith("sha256:")
    august = build_report(hand_data(), "2026-08")
    write_report(august, path)  # no force needed
    assert openpyxl.load_workbook(path)["KPIs"]["B2"].value.startswith("2026-08")
    assert is_unchanged_report(path)
    write_report(august, path, write_only=True)  # the streamed workbook is stamped too
    assert is_unchanged_report(path)
    assert leftovers(tmp_path) == []


def _edit_a_cell(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    book["KPIs"]["H30"] = "our comment: churn is seasonal"
    book.save(path)


def _add_a_sheet(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    book.create_sheet("Commentary")["A1"] = "Board notes for September"
    book.save(path)


def _edit_a_part(path: Path) -> None:
    """Change one cell's bytes in the sheet XML and nothing else (custom.xml kept as it is)."""
    changed = path.with_suffix(".changed")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml" or info.filename.endswith("sheet1.xml"):
                data = data.replace(b"2026", b"2025", 1)
            target.writestr(info, data)
    os.replace(changed, path)


@pytest.mark.parametrize("edit", [_edit_a_cell, _add_a_sheet, _edit_a_part])
def test_an_analysts_edit_is_never_lost_without_force(tmp_path, report, capsys, edit):
    path = write_report(report, tmp_path / "report.xlsx")
    edit(path)
    edited = path.read_bytes()
    assert is_previous_report(path) and not is_unchanged_report(path)
    with pytest.raises(OutputRefused, match="changed since it was written.*--force"):
        write_report(report, path)
    code, _, err = run(capsys, "demo", "-o", str(path), "-q")
    assert code == 5 and "changed since it was written" in err and err.count("\n") == 1
    assert path.read_bytes() == edited
    assert run(capsys, "demo", "-o", str(path), "-q", "--force")[0] == 0
    assert is_unchanged_report(path)
    assert leftovers(tmp_path) == []


def test_any_other_file_is_refused_even_with_force(tmp_path, report):
    other = tmp_path / "budget.xlsx"
    openpyxl.Workbook().save(other)
    before = other.read_bytes()
    for force in (False, True):
        with pytest.raises(OutputRefused, match="not a report written by this tool"):
            write_report(report, other, force=force)
    assert other.read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_at_the_output_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "report.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(OutputRefused, match="not a report written by this tool"):
        check_output(fifo, force=True)
    assert fingerprint(fifo) is None and not is_unchanged_report(fifo)


def test_a_report_of_an_older_version_without_fingerprint_needs_force(tmp_path, report):
    """Reports written before fingerprints existed carry the marker only: kept unless --force."""
    path = tmp_path / "old.xlsx"
    book = openpyxl.Workbook()
    book.custom_doc_props.append(openpyxl.packaging.custom.StringProperty(
        name=MARKER, value="retention-addin 0.0.9"))
    book.save(path)
    assert is_previous_report(path) and not is_unchanged_report(path)
    with pytest.raises(OutputRefused, match="--force"):
        write_report(report, path)
    write_report(report, path, force=True)
    assert is_unchanged_report(path)


def test_the_readme_first_command_works_twice(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        code, out, err = run(capsys, "demo", "-o", "demo_report.xlsx")
        assert code == 0, err
        assert out.startswith("wrote demo_report.xlsx")
    assert os.listdir(tmp_path) == ["demo_report.xlsx"]


@pytest.mark.libreoffice
def test_a_libreoffice_round_trip_counts_as_a_change(tmp_path, report):
    """LibreOffice rewrites every part when it saves, even with no edit: the report is then
    kept unless --force (we cannot tell a re-save from an edit without reading every cell).
    It keeps our custom properties, so --force does replace it."""
    from addin.excel.libreoffice import convert

    path = write_report(report, tmp_path / "report.xlsx")
    saved = convert(path, "xlsx", tmp_path / "lo")
    os.replace(saved, path)
    assert is_previous_report(path) and not is_unchanged_report(path)
    with pytest.raises(OutputRefused, match="changed since it was written"):
        write_report(report, path)
    write_report(report, path, force=True)
    assert is_unchanged_report(path)


def test_a_read_only_report_needs_force_and_stays_read_only(tmp_path, report):
    path = write_report(report, tmp_path / "report.xlsx")
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(OutputRefused, match="read-only previous report.*--force"):
        write_report(report, path)
    assert path.read_bytes() == before
    write_report(build_report(hand_data(), "2026-08"), path, force=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert openpyxl.load_workbook(path)["KPIs"]["B2"].value.startswith("2026-08")


def test_a_replaced_report_keeps_its_mode(tmp_path, report):
    path = write_report(report, tmp_path / "report.xlsx")
    path.chmod(0o640)
    write_report(report, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_symlink_at_the_output_replaces_its_target_and_stays_a_link(tmp_path, report):
    folder = tmp_path / "reports"
    folder.mkdir()
    target = write_report(report, folder / "2026-09.xlsx")
    link = tmp_path / "latest.xlsx"
    link.symlink_to(target)
    write_report(build_report(hand_data(), "2026-08"), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert openpyxl.load_workbook(target)["KPIs"]["B2"].value.startswith("2026-08")
    assert leftovers(folder) == [] and leftovers(tmp_path) == []
    # the target is judged, not the link: an edited target is kept
    _edit_a_cell(target)
    with pytest.raises(OutputRefused, match="changed since"):
        write_report(report, link)
    # a link to a file that is not ours, or to nothing, is refused
    budget = tmp_path / "budget.xlsx"
    openpyxl.Workbook().save(budget)
    (tmp_path / "to-budget.xlsx").symlink_to(budget)
    with pytest.raises(OutputRefused, match="not a report written by this tool"):
        write_report(report, tmp_path / "to-budget.xlsx", force=True)
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nowhere" / "r.xlsx")
    with pytest.raises(OutputRefused, match="symbolic link .* does not exist"):
        write_report(report, tmp_path / "dangling.xlsx", force=True)
    assert not (tmp_path / "nowhere").exists()


def test_a_symlink_to_the_input_is_refused(tmp_path):
    data = tmp_path / "data.xlsx"
    data.write_bytes(b"the analyst's data")
    link = tmp_path / "out.xlsx"
    link.symlink_to(data)
    with pytest.raises(OutputRefused, match="input data"):
        check_output(link, force=True, protect=[data])


def test_a_file_changed_while_we_write_is_not_replaced(tmp_path, report, monkeypatch):
    path = write_report(report, tmp_path / "report.xlsx")
    original = openpyxl.Workbook.save

    def save_while_the_analyst_saves(self, filename):
        original(self, filename)
        _edit_a_part(path)

    monkeypatch.setattr(openpyxl.Workbook, "save", save_while_the_analyst_saves)
    with pytest.raises(OutputRefused, match="changed while the report was written"):
        write_report(report, path)
    assert is_previous_report(path) and not is_unchanged_report(path)  # the analyst's, kept
    assert leftovers(tmp_path) == []


def test_failed_write_leaves_nothing_and_keeps_the_previous_report(tmp_path, report, monkeypatch):
    path = write_report(report, tmp_path / "report.xlsx")
    before = path.read_bytes()

    def broken_save(self, filename):
        Path(filename).write_bytes(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    # the output's fault, refused as such (the command's exit code 5), saying why
    with pytest.raises(OutputRefused, match="report.xlsx: cannot be written .No space left on device"):
        write_report(report, path, force=True)
    assert path.read_bytes() == before
    with pytest.raises(OutputRefused, match="No space left on device"):
        write_report(report, tmp_path / "new.xlsx")
    assert not (tmp_path / "new.xlsx").exists()
    assert leftovers(tmp_path) == []


def test_a_hostile_file_at_the_output_is_read_within_bounds(tmp_path, monkeypatch, report):
    """A workbook at -o is unpacked to compare its fingerprint; past the bounds it is simply
    not "unchanged" (kept without --force), whatever its directory claims."""
    path = write_report(report, tmp_path / "report.xlsx")
    monkeypatch.setattr(output, "_MAX_UNPACKED", 1000)
    assert fingerprint(path) is None and not is_unchanged_report(path)
    with pytest.raises(OutputRefused, match="changed since"):
        check_output(path)


# ---------------------------------------------------------------------------- one "written by us" rule


def test_one_rule_recognises_the_report_the_template_and_the_addin(tmp_path, report):
    written = write_report(report, tmp_path / "report.xlsx")
    assert written_by_us(written, MARKER) and not written_by_us(written, MARKER_PROPERTY)

    template = tmp_path / "template.xlsx"
    book = xlsxwriter.Workbook(str(template))
    book.add_worksheet()
    book.set_custom_property(MARKER_PROPERTY, MARKER_VALUE)
    book.close()
    assert is_generated_template(template) and not is_previous_report(template)
    assert is_generated_template(ROOT / "workbook_templates" / "retention_template.xlsx")

    xlam, module = build_addin(tmp_path / "retention_addin.xlam")
    assert is_generated(xlam) and is_generated(module)
    assert is_generated(ROOT / "workbook_templates" / "retention_addin.xlam")
    assert not is_generated_template(xlam) and not is_previous_report(xlam)

    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    (tmp_path / "text.xlsx").write_text(f"not a zip, but it names {MARKER}")
    (tmp_path / "mine.py").write_text('"""my own module"""\n')
    for other in (plain, tmp_path / "text.xlsx", tmp_path / "missing.xlsx", tmp_path):
        assert not is_previous_report(other) and not is_generated_template(other)
        assert not is_generated(other)
    assert not is_generated(tmp_path / "mine.py")


# ---------------------------------------------------------------------------- signals

_SLOW_SAVE = textwrap.dedent("""
    import signal, sys, time
    from pathlib import Path

    import openpyxl

    # start as a shell would (a test runner may hand its children ignored signals)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)

    flag = Path(sys.argv[1])
    original = openpyxl.Workbook.save

    def slow_save(self, filename):
        # half a workbook in the temporary file, then a write that takes its time
        original(self, filename)
        with open(filename, "r+b") as half:
            half.truncate(Path(filename).stat().st_size // 2)
        flag.write_text(str(filename))
        while True:
            time.sleep(0.05)

    openpyxl.Workbook.save = slow_save
    from addin.cli import main
    sys.exit(main(sys.argv[2:]))
""")


@pytest.mark.parametrize("signum, code", [
    pytest.param(signal.SIGTERM, EXIT_SIGTERM, id="SIGTERM"),
    pytest.param(signal.SIGHUP, EXIT_SIGHUP, id="SIGHUP"),
    pytest.param(signal.SIGINT, EXIT_SIGINT, id="SIGINT-Ctrl-C"),
])
def test_a_signal_during_the_write_leaves_the_previous_report_and_no_temporary_file(
        tmp_path, report, signum, code):
    path = write_report(report, tmp_path / "report.xlsx")
    before = path.read_bytes()
    script = tmp_path / "slow_save.py"
    script.write_text(_SLOW_SAVE)
    flag = tmp_path / "saving"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    child = subprocess.Popen([sys.executable, str(script), str(flag), "demo", "-o", str(path)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (flag.exists() and flag.read_text()):  # written, not just created
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child never started saving"
            time.sleep(0.05)
        temporary = Path(flag.read_text())
        assert temporary.exists() and temporary.name.startswith(".report.")
        child.send_signal(signum)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == code == 128 + signum
    name = signal.Signals(signum).name
    assert err == f"retention: stopped by {name}; no partial file is left\n"
    assert "Traceback" not in err and out == ""
    assert path.read_bytes() == before and is_unchanged_report(path)
    assert leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "report.xlsx", "saving", "slow_save.py"]


def test_signals_ignored_at_the_start_stay_ignored():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with output.stopping_on_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_signal_raises_stopped_once(tmp_path):
    with output.stopping_on_signals():
        with pytest.raises(output.Stopped) as stopped:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs between two bytecodes
        assert stopped.value.exit_code == 143 and stopped.value.name == "SIGTERM"
        os.kill(os.getpid(), signal.SIGTERM)  # while cleaning up: ignored
        time.sleep(0.01)


# ---------------------------------------------------------------------------- valid XML text


def test_xml_text():
    assert xml_text("café") == "café"
    assert xml_text("caf\udce9.csv") == "café.csv"  # cp1252 é given as a byte
    assert xml_text("a\udc81b") == "a\ufffdb"  # a byte cp1252 does not define
    assert xml_text("a\ud800b\x00c\x1bd\ufffe") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert xml_text("tab\tnew line\n") == "tab\tnew line\n"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the file system wants UTF-8 names")
def test_a_folder_named_in_cp1252_gives_a_readable_report(tmp_path, capsys):
    folder = tmp_path / os.fsdecode(b"caf\xe9 exports")  # a Windows zip unpacked on Linux
    folder.mkdir()
    for name, frame in hand_frames().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    out = tmp_path / "report.xlsx"
    code, stdout, err = run(capsys, "report", str(folder), "-o", str(out), "--period", "2026-09")
    assert code == 0, err
    assert "wrote" in stdout
    book = openpyxl.load_workbook(out)  # before: openpyxl could not open it
    texts = [cell for ws in book for row in ws.iter_rows(values_only=True)
             for cell in row if isinstance(cell, str)]
    assert any("café exports" in text for text in texts)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for text in texts for ch in text)
    with zipfile.ZipFile(out) as archive:
        assert all(b"&#5" not in archive.read(name) for name in archive.namelist()
                   if name.endswith(".xml"))
