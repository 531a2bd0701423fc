"""The scheduled run: an exit code per kind of failure, the progress bar of the run's stages on
a terminal (and nothing elsewhere), output names with the period and the segment filled in.

The bar is read from a real pseudo-terminal (``pty``): what a user at a terminal would see.
"""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import os
import pty
import select
import struct
import sys
import termios

import pytest

from addin import cli
from addin.cli import main
from addin.errors import SourceUnreachableError
from addin.export import STAGES, export_report, fill_output_name, output_fields

from test_report import hand_frames


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path):
    """The hand-made company of test_report.py as a folder of CSV files."""
    data = tmp_path / "csv"
    data.mkdir()
    for name, frame in hand_frames().items():
        frame.to_csv(data / f"{name}.csv", index=False)
    return data


# ---------------------------------------------------------------------------- exit codes


def test_exit_0_done(folder, tmp_path, capsys):
    code, out, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "r.xlsx"),
                         "--period", "2026-09")
    assert (code, err) == (0, "") and (tmp_path / "r.xlsx").is_file()


def test_exit_1_unexpected_one_line(capsys):
    def broken(args):
        raise RuntimeError("a bug\nover two lines")

    assert cli._run(argparse.Namespace(run=broken)) == cli.EXIT_UNEXPECTED == 1
    err = capsys.readouterr().err
    assert err == "retention: unexpected error (RuntimeError): a bug over two lines\n"


@pytest.mark.parametrize("argv, message", [
    (["--no-such-option"], "unrecognized arguments"),
    (["-o", "{month}.xlsx"], "unknown field {month}; an output name may hold {period}, {segment}"),
    (["--kpis", "k-{period:>9}.json"], "unknown field {period:>9}"),
    (["-o", "r-{period.xlsx"], "expected '}' before end of string"),
])
def test_exit_2_bad_usage_from_argparse(folder, tmp_path, capsys, argv, message):
    argv = ["report", str(folder), *(argv if "-o" in argv else ["-o", str(tmp_path / "r.xlsx"), *argv])]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == cli.EXIT_USAGE == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.glob("*.xlsx")) == []


def test_exit_2_a_setting_given_that_the_data_refuses(folder, tmp_path, capsys):
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "r.xlsx"),
                       "--segment", "Nope")
    assert code == 2 and "segment 'Nope' is not in the data" in err


def test_exit_3_bad_data_names_the_file_and_row(folder, tmp_path, capsys):
    (folder / "Orders.csv").write_text("order_id,customer_id,order_date,amount\n"
                                       "O1,C1,2026-09-01,10\nO1,C2,2026-09-02,20\n", encoding="utf-8")
    (folder / "Customers.csv").write_bytes(b"\x00\x01 not text")
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "r.xlsx"))
    assert code == cli.EXIT_BAD_DATA == 3, err
    assert err.startswith("retention: Customers.csv") and err.count("\n") == 1
    assert not (tmp_path / "r.xlsx").exists()


def test_exit_4_source_unreachable_before_bad_data(capsys):
    # no source reaches a server yet on this branch: the policy is checked on the error itself
    def unreachable(args):
        raise SourceUnreachableError("could not connect to db.example.com: connection refused")

    assert cli._run(argparse.Namespace(run=unreachable)) == cli.EXIT_UNREACHABLE == 4
    assert "db.example.com: connection refused" in capsys.readouterr().err


def test_exit_5_output_refused(folder, tmp_path, capsys):
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"an analyst's own workbook")
    code, _, err = run(capsys, "report", str(folder), "-o", str(mine))
    assert code == cli.EXIT_OUTPUT_REFUSED == 5 and "not a report written by this tool" in err
    assert mine.read_bytes() == b"an analyst's own workbook"
    # a missing folder is refused, not created, before anything is read
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "no" / "r.xlsx"))
    assert code == 5 and "does not exist" in err and not (tmp_path / "no").exists()
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "r.xlsx"),
                       "--kpis", str(tmp_path / "no" / "k.json"))
    assert code == 5 and "does not exist" in err and not (tmp_path / "r.xlsx").exists()


def test_the_exit_codes_are_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for code, words in ((2, "bad usage"), (3, "bad data"), (4, "source unreachable"),
                        (5, "output refused")):
        assert f"  {code}    {words}" in out
    assert cli.EXIT_CODES_HELP in out


# ---------------------------------------------------------------------------- progress


def _terminal_run(monkeypatch, argv: list[str]) -> tuple[int, str]:
    """``main(argv)`` with stderr on a pseudo-terminal; returns (exit code, what it showed).
    The bar's one-second delay is set to none, so that it shows whatever the machine's speed."""
    monkeypatch.setattr(cli._Progress, "DELAY", 0.0)
    leader, follower = pty.openpty()
    # a terminal window of 24 rows and 80 columns, as a real one has (tqdm reads its size)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    terminal = io.TextIOWrapper(io.FileIO(follower, "w"), encoding="utf-8", line_buffering=True)
    monkeypatch.setattr(sys, "stderr", terminal)
    shown = b""
    try:
        code = main(argv)
        terminal.flush()
        while select.select([leader], [], [], 0.2)[0]:  # read before the terminal closes
            chunk = os.read(leader, 65536)
            if not chunk:
                break
            shown += chunk
    finally:
        monkeypatch.setattr(sys, "stderr", sys.__stderr__)
        terminal.close()
        os.close(leader)
    return code, shown.decode("utf-8", "replace")


def test_the_bar_shows_each_stage_on_a_terminal(folder, tmp_path, monkeypatch, capsys):
    assert STAGES == ("reading", "reducing", "computing", "writing")
    code, shown = _terminal_run(monkeypatch, ["report", str(folder), "-o", str(tmp_path / "r.xlsx"),
                                              "--period", "2026-09"])
    assert code == 0
    at = [shown.find(f"retention report: {stage}") for stage in STAGES]
    assert -1 not in at and at == sorted(at), shown  # each stage, in order
    assert shown.endswith("\r")  # the bar is cleared at the end: the summary line follows


@pytest.mark.parametrize("extra", [["-q"], ["--kpis", "-"]])
def test_no_bar_when_quiet_or_json_to_stdout(folder, tmp_path, monkeypatch, capsys, extra):
    code, shown = _terminal_run(monkeypatch, ["report", str(folder), "-o", str(tmp_path / "r.xlsx"),
                                              "--period", "2026-09", *extra])
    assert code == 0
    assert "retention report:" not in shown
    if "--kpis" in extra:
        assert json.loads(capsys.readouterr().out)["period"] == "2026-09"


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(cli._Progress, "DELAY", 0.0)
    stream = io.StringIO()
    progress = cli._Progress(True, stream)
    for stage in STAGES:
        progress.step(stage)
    progress.close()
    assert progress.bar is None and stream.getvalue() == ""


def test_the_stages_reported_are_the_stages(folder, tmp_path):
    seen = []
    export_report(folder, tmp_path / "r.xlsx", period="2026-09", progress=seen.append)
    assert tuple(seen) == STAGES


# ---------------------------------------------------------------------------- output names


def test_period_and_segment_fill_the_names(folder, tmp_path, capsys):
    (tmp_path / "reports").mkdir()
    pattern = str(tmp_path / "reports" / "retention-{period}{segment}")
    code, out, err = run(capsys, "report", str(folder), "-o", pattern + ".xlsx", "-q",
                         "--kpis", pattern + ".json", "--period", "2026-Q3", "--segment", "a")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "retention-2026-Q3-A.json", "retention-2026-Q3-A.xlsx"]
    # the default period (the data's last complete month, from the data) and all segments
    code, out, err = run(capsys, "report", str(folder), "-o", pattern + ".xlsx")
    assert code == 0, err
    assert out.startswith(f"wrote {tmp_path / 'reports' / 'retention-2026-09.xlsx'}:")
    # run again: the report it wrote is replaced, as for any name
    assert run(capsys, "report", str(folder), "-o", pattern + ".xlsx", "-q")[0] == 0


def test_a_filled_name_is_checked_like_any_other(folder, tmp_path, capsys):
    (tmp_path / "retention-2026-09.xlsx").write_bytes(b"mine")
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "retention-{period}.xlsx"))
    assert code == 5 and "retention-2026-09.xlsx exists and is not a report" in err
    assert (tmp_path / "retention-2026-09.xlsx").read_bytes() == b"mine"
    # a folder named by the period must exist too
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "{period}" / "r.xlsx"))
    assert code == 5 and "2026-09" in err and "does not exist" in err
    code, _, err = run(capsys, "report", str(folder), "-o", str(tmp_path / "r-{period}.csv"))
    assert code == 5 and "ending in .xlsx" in err


class _Report:
    def __init__(self, label, segment):
        self.period = argparse.Namespace(label=label)
        self.segment = segment


@pytest.mark.parametrize("label, segment, name", [
    ("2026-03", None, "r-2026-03.xlsx"),
    ("2026-Q1", "Enterprise", "r-2026-Q1-Enterprise.xlsx"),
    ("2026", "SMB / EU: north", "r-2026-SMB_EU_north.xlsx"),
    ("2026", "../..", "r-2026-segment.xlsx"),
    ("2026", "Café", "r-2026-Café.xlsx"),
])
def test_a_segment_is_made_safe_for_a_file_name(label, segment, name):
    assert fill_output_name("out/r-{period}{segment}.xlsx", _Report(label, segment)).as_posix() \
        == f"out/{name}"


def test_fields_and_braces():
    assert output_fields("plain.xlsx") == set()
    assert output_fields("r-{period}{segment}.xlsx") == {"period", "segment"}
    assert fill_output_name("{{x}}-{period}.xlsx", _Report("2026", None)).name == "{x}-2026.xlsx"
