"""``retention report`` and ``retention demo``: the retention report as an Excel workbook.

::

    retention report DATA -o report.xlsx [--period 2026-09|2026-Q3|2026] [--segment SMB]
                                          [--lang en|it] [--gross-margin 70%]
                                          [--program-cost 50000] [--force] [--quiet]
    retention demo -o demo_report.xlsx    (the bundled sample data)

DATA is a workbook (.xlsx/.xlsm), a folder of CSV files or one CSV file (see addin.data).
Exit code 0 on success; otherwise a one-line reason on stderr and a non-zero code (2 for
bad input or a refused output, 1 for anything unexpected), and no output file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from . import settings
from .errors import MetricError
from .i18n import DEFAULT_LANGUAGE, LANGUAGES

SAMPLE_SOURCE = "sample data (addin.sample_data.generate_company)"


class _Progress:
    """A progress bar of the report's steps on stderr; silent when quiet or not a terminal."""

    STEPS = ("read", "prepare", "KPIs", "trend", "cohorts", "MRR movements", "NPS", "ageing",
             "retention ROI", "predictive CLV", "write")

    def __init__(self, quiet: bool):
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=len(self.STEPS), file=sys.stderr, leave=False,
                            bar_format="{desc:<36}{bar:30} {n_fmt}/{total_fmt} [{elapsed}]")

    def step(self, name: str) -> None:
        """Step ``name`` starts (the one before it is done)."""
        if self.bar is not None:
            if self.bar.desc:
                self.bar.update(1)
            self.bar.set_description_str(f"retention report: {name}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _argument(read: Callable[[object, str], object], text: str, option: str) -> object:
    """``text`` read by :mod:`addin.settings` for ``option``; a refusal is argparse's error
    (``argument --program-cost: '-5' is not an amount of 0 or more``, exit code 2)."""
    try:
        return read(text, option)
    except settings.SettingError as error:
        raise argparse.ArgumentTypeError(error.value_message) from None


def _percent_or_fraction(text: str) -> float | None:
    """--gross-margin 0.7, 0,7, 70 % or 70%: a fraction from 0 to 1
    (:func:`addin.settings.gross_margin`)."""
    return _argument(settings.gross_margin, text, "--gross-margin")


def _money(text: str) -> float | None:
    """--program-cost 50000, 50,000, 50.000 or 50_000: an amount, 0 or more
    (:func:`addin.settings.program_cost`)."""
    return _argument(settings.program_cost, text, "--program-cost")


def _language(text: str) -> str:
    """--lang en or it, case ignored (:func:`addin.settings.language`)."""
    return _argument(settings.language, text, "--lang")


def _period(text: str) -> str | None:
    """--period 2026-09, 2026-Q3 or 2026, as :func:`addin.settings.period` writes them.

    A period it refuses goes on as typed: the report refuses it in the command's one-line
    error (``retention: period is '2026-13': …``, exit code 2), as for a period outside the
    data, instead of argparse's usage text.
    """
    try:
        return settings.period(text, "--period")
    except settings.SettingError:
        return text


def _options(parser: argparse.ArgumentParser, default_output: str | None) -> None:
    parser.add_argument("-o", "--output", metavar="REPORT.xlsx", required=default_output is None,
                        default=default_output,
                        help="the workbook to write" + (f" (default {default_output})" if default_output else ""))
    parser.add_argument("--period", type=_period,
                        help="2026-09 (a month), 2026-Q3 (a quarter) or 2026 (a year); "
                        "default: the last complete month in the data")
    parser.add_argument("--segment", help="report on one segment of Customers.segment (default: all)")
    parser.add_argument("--lang", type=_language, default=DEFAULT_LANGUAGE,
                        metavar="{" + ",".join(LANGUAGES) + "}", help="report language (default en)")
    parser.add_argument("--gross-margin", type=_percent_or_fraction, metavar="MARGIN",
                        help="gross margin for CLV from churn and the what-if, e.g. 0.7 or 70%% "
                             "(default 100 %%, noted)")
    parser.add_argument("--program-cost", type=_money, metavar="COST",
                        help="cost of the retention programme, for the what-if's ROI, e.g. 50000 "
                             "(default none: the ROI shows n/a)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing report written by this command (never any other file)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")


def register(commands) -> None:
    """Add ``report`` and ``demo`` to the ``retention`` command's subparsers."""
    report = commands.add_parser(
        "report", help="build the retention report workbook from your data",
        description="Read the retention tables from DATA and write the monthly retention report "
                    "as an Excel workbook (no Excel needed).")
    report.add_argument("data", metavar="DATA",
                        help="a workbook (.xlsx/.xlsm), a folder of CSV files or one CSV file")
    _options(report, None)
    report.add_argument("--decimal", choices=(".", ","),
                        help="decimal mark of numbers written as text (default: detected)")
    report.add_argument("--date-format", metavar="FORMAT",
                        help="strftime format of text dates, e.g. %%m/%%d/%%Y (default: ISO or day first)")
    report.set_defaults(run=_guarded(_run_report))

    demo = commands.add_parser(
        "demo", help="build the report from the bundled sample data",
        description="Write the retention report of the bundled sample company "
                    "(addin.sample_data.generate_company() with its defaults).")
    _options(demo, "demo_report.xlsx")
    demo.set_defaults(run=_guarded(_run_demo))


def _guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn every failure into one line on stderr and a non-zero exit code."""

    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except MetricError:
            raise  # the retention command prints it and exits 2
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            print(f"retention: cannot read or write{where}: {error.strerror or error}", file=sys.stderr)
            return 1
        except Exception as error:  # noqa: BLE001 - one line for the user, not a traceback
            text = " ".join(str(error).split()) or type(error).__name__
            print(f"retention: unexpected error ({type(error).__name__}): {text}", file=sys.stderr)
            return 1

    guarded.__wrapped__ = run
    return guarded


def export_report(source, output, *, period=None, segment=None, lang="en", gross_margin=None,
                  program_cost=None, force=False, decimal=None, date_format=None,
                  progress: _Progress | None = None):
    """``retention report`` as a Python function: returns (Report, path written).

    ``source`` is what :func:`addin.data.load_data` reads (a workbook, a CSV folder, one CSV
    file, a dict of DataFrames) or a ready :class:`addin.data.RetentionData`. The output is
    checked before anything is read, and never overwrites ``source``.
    """
    from .data import RetentionData, load_data
    from .excel.report_writer import check_output, write_report
    from .report import build_report

    protect = [] if isinstance(source, (RetentionData, dict)) else [source]
    check_output(output, force=force, protect=protect)  # refuse before the slow part
    step = progress.step if progress is not None else (lambda name: None)
    step("read")
    data = source if isinstance(source, RetentionData) else load_data(
        source, decimal=decimal, date_format=date_format)
    report = build_report(data, period, segment, lang,
                          {"gross_margin": gross_margin, "program_cost": program_cost},
                          progress=step)
    step("write")
    return report, write_report(report, output, force=force, protect=protect)


def _finish(args: argparse.Namespace, report, path) -> int:
    if not args.quiet:
        segment = report.segment or "all segments"
        print(f"wrote {path}: retention report {report.period.label}, {segment}")
    return 0


def _run_report(args: argparse.Namespace) -> int:
    progress = _Progress(args.quiet)
    try:
        report, path = export_report(args.data, args.output, period=args.period,
                                     segment=args.segment, lang=args.lang,
                                     gross_margin=args.gross_margin,
                                     program_cost=args.program_cost, force=args.force,
                                     decimal=args.decimal, date_format=args.date_format,
                                     progress=progress)
    finally:
        progress.close()
    return _finish(args, report, path)


def _run_demo(args: argparse.Namespace) -> int:
    from .data import RetentionData
    from .sample_data import generate_company

    progress = _Progress(args.quiet)
    try:
        data = RetentionData.from_frames(generate_company(), source=SAMPLE_SOURCE)
        report, path = export_report(data, args.output, period=args.period, segment=args.segment,
                                     lang=args.lang, gross_margin=args.gross_margin,
                                     program_cost=args.program_cost, force=args.force,
                                     progress=progress)
    finally:
        progress.close()
    return _finish(args, report, path)
