"""The ``retention`` command: every subcommand, one error policy.

::

    retention examples                       the guides' worked examples, ours beside them
    retention report DATA [DATA ...] -o report.xlsx [--map TABLE.COLUMN=HEADER ...]
                                             the retention report of your data
    retention demo [-o demo_report.xlsx]     the report of the bundled sample company
    retention template [-o PATH] [--lang]    the template workbook
    retention addin [-o PATH]                the ribbon add-in (.xlam) and its module
    retention lite [--into BOOK] [-o PATH]   xlwings Lite's main.py and requirements.txt

Each subcommand parses its options here and calls one function of the package's API
(:mod:`addin.export`, :mod:`addin.excel.template`, :mod:`addin.excel.addin_builder`,
:mod:`addin.lite`).
Options that are settings (period, language, margin, cost) are read by :mod:`addin.settings`,
the same reader as the Refresh button's; ``retention report BOOK.xlsx`` on a workbook with the
template's Settings names reads those cells too, and an option given wins over its cell.
``--kpis FILE.json`` (``-``: standard output) writes the KPIs as JSON beside the workbook.

Exit codes, so that a scheduler can tell them apart (one line on stderr saying what and where):

==== =====================================================================================
0    done
1    anything unexpected (one line, no traceback)
2    bad usage: an unknown option, a setting that cannot be used (``--period 2026-13``, a
     period outside the data, a segment not in it, a workbook's Settings cell), an unknown
     ``{field}`` in an output name
3    bad data: a file, sheet, row or column at fault (:class:`addin.errors.DataError`);
     nothing written
4    the source cannot be reached (a database or engine that does not answer or refuses
     the login: :class:`addin.errors.SourceUnreachableError`); try again later
5    output refused: an existing file that will not be replaced, a folder that does not
     exist or cannot be written (:class:`addin.excel.output.OutputRefused`)
6    the embedded engine (DuckDB) needed more memory than it is allowed, 1 GB unless the
     environment variable ``RETENTION_ENGINE_MEMORY`` says otherwise (``4GB``):
     :class:`addin.errors.EngineMemoryError`
128+ stopped by a signal, 128 + its number as shells report it: 130 Ctrl-C (SIGINT), 143
     SIGTERM (``kill``, ``timeout``, CI), 129 SIGHUP (the terminal closed)
==== =====================================================================================

Stopped by a signal: one line on stderr, no traceback, and no partial or temporary file left
(a report being written is not replaced). A signal ignored when the command starts (``nohup``
ignores SIGHUP) stays ignored.

**Output names.** ``-o 'reports/retention-{period}{segment}.xlsx'`` (and ``--kpis``) fills in
the report's period (``2026-03``, ``2026-Q1``, ``2026``) and ``-<segment>`` when one is chosen
(empty otherwise); see :func:`addin.export.fill_output_name`. The output's folder must exist:
a missing one is refused (exit code 5), never created, so a typo cannot scatter reports.

**Progress.** On a terminal, a run longer than a second shows a bar on stderr with its stage
(reading, reducing, computing, writing); never with ``-q``, with ``--kpis -``, or when stderr
is a file or a pipe.

An existing report is replaced without ``--force`` only if this command wrote it and nobody has
changed it since (:mod:`addin.excel.output`); any other file is never replaced.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from . import settings
from .errors import DataError, EngineMemoryError, MetricError, SourceUnreachableError
from .excel.addin_builder import ADDIN_FILE
from .excel.output import OutputRefused, Stopped, stopping_on_signals
from .i18n import DEFAULT_LANGUAGE, LANGUAGES

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2  # argparse's own code for bad usage
EXIT_BAD_DATA = 3
EXIT_UNREACHABLE = 4
EXIT_OUTPUT_REFUSED = 5
EXIT_ENGINE_MEMORY = 6
EXIT_SIGHUP = 128 + 1  # stopped by a signal: 128 + its number, as shells report it
EXIT_SIGINT = 128 + 2
EXIT_SIGTERM = 128 + 15

#: ``retention --help``'s account of the exit codes (the module's docstring has the long one).
EXIT_CODES_HELP = """exit codes:
  0    done
  1    unexpected error
  2    bad usage (an option, a setting given, an unknown {field} in an output name)
  3    bad data (a file, sheet, row or column at fault; nothing written)
  4    source unreachable (a database or engine: try again later)
  5    output refused (an existing file not replaced, a folder missing or not writable)
  6    the embedded engine ran out of memory (set RETENTION_ENGINE_MEMORY, e.g. 4GB)
  128+ stopped by a signal (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)"""

# --------------------------------------------------------------------------- examples


def format_value(value: float, unit: str, decimals: int | None = None) -> str:
    """A metric value as the analyst reads it: 95 %, 273.75 days, 47.059 points.

    With ``decimals`` the value is shown with exactly that many; without, with up to three
    and no trailing zeros.
    """
    shown = value * 100 if unit == "%" else value
    if decimals is None:
        text = f"{shown:,.3f}".rstrip("0").rstrip(".")
    else:
        text = f"{shown:,.{decimals}f}"
    return f"{text} {unit}"


def examples_table(examples: tuple | None = None) -> str:
    """Every worked example (default: all of :data:`addin.guides.EXAMPLES`) as a text table,
    with errata as numbered notes below it."""
    if examples is None:
        from .guides import EXAMPLES as examples  # the metric core: only when asked for
    header = ("example", "guide", "metric", "inputs", "guide says", "ours", "same", "corrected")
    rows, notes = [], []
    for ex in examples:
        corrected = ""
        if ex.correction is not None:
            notes.append(ex.correction.text)
            corrected = f"{format_value(ex.correction.value, ex.unit)} [{len(notes)}]"
        rows.append((
            ex.id, ex.guide, ex.metric, textwrap.shorten(ex.describe_inputs(), 60),
            format_value(ex.guide_value, ex.unit, ex.decimals) + (" *" if ex.illustration else ""),
            format_value(ex.value, ex.unit),
            "yes" if ex.matches else "NO",
            corrected,
        ))
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    if any(ex.illustration for ex in examples):
        lines.append("")
        lines.append("* docs/guides.md's own illustration (the guide's example is a lost image, or the "
                     "figure is not in the guides), not a number a guide prints.")
    if notes:
        lines.append("")
        lines.append("Errata (docs/guides.md): the guide's number is reproduced, the correction shown beside it.")
        for i, text in enumerate(notes, 1):
            lines.append(textwrap.fill(text, 100, initial_indent=f"[{i}] ", subsequent_indent="    "))
    return "\n".join(lines)


def _examples(args: argparse.Namespace) -> int:
    from .guides import EXAMPLES

    print(examples_table())
    mismatched = [ex.id for ex in EXAMPLES if not ex.matches]
    if mismatched:
        print(f"\nNot matching the guide: {', '.join(mismatched)}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- report and demo


class _Progress:
    """The run's stage (:data:`addin.export.STAGES`: reading, reducing, computing, writing)
    as a tqdm bar on ``stream`` (stderr): shown only on a terminal, and only once the run has
    lasted :attr:`DELAY` seconds, so a quick run prints nothing."""

    DELAY = 1.0  # seconds before the bar appears

    def __init__(self, shown: bool, stream=None):
        from .export import STAGES

        self.stages, self.bar, self.timer = STAGES, None, None
        stream = sys.stderr if stream is None else stream
        if shown and stream.isatty():
            import threading

            from tqdm import tqdm

            # every update redraws once the delay is over (four stages: no cost to limit)
            self.bar = tqdm(total=len(STAGES), file=stream, leave=False, delay=self.DELAY,
                            mininterval=0, miniters=0,
                            bar_format="retention report: {desc:<10}{bar:24} {n_fmt}/{total_fmt} "
                                       "[{elapsed}]")
            # tqdm draws a delayed bar only when it is updated: a stage that lasts minutes
            # would show nothing, so a timer updates it once the delay is over
            self.timer = threading.Timer(self.DELAY, self._show)
            self.timer.daemon = True
            self.timer.start()

    def _show(self) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.update(0)

    def step(self, name: str) -> None:
        """Stage ``name`` starts (the ones before it are done)."""
        if self.bar is not None and name in self.stages:
            self.bar.set_description_str(name, refresh=False)  # a refresh ignores the delay
            self.bar.update(self.stages.index(name) - self.bar.n)

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
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


def _currency(text: str) -> str | None:
    """--currency EUR, usd, GBP…: an ISO 4217 code (:func:`addin.settings.currency`)."""
    return _argument(settings.currency, text, "--currency")


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


def _output_name(text: str) -> str:
    """-o and --kpis: a file name that may hold {period} and {segment}
    (:func:`addin.export.output_fields`); another {field} is bad usage (exit code 2)."""
    from .export import output_fields

    try:
        output_fields(text)
    except MetricError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _options(parser: argparse.ArgumentParser, default_output: str | None) -> None:
    parser.add_argument("-o", "--output", metavar="REPORT.xlsx", required=default_output is None,
                        default=default_output, type=_output_name,
                        help="the workbook to write" + (f" (default {default_output})" if default_output else "")
                        + "; {period} and {segment} in the name are filled in, e.g. "
                          "'reports/retention-{period}{segment}.xlsx'; its folder must exist")
    parser.add_argument("--period", type=_period,
                        help="2026-09 (a month), 2026-Q3 (a quarter) or 2026 (a year); "
                        "default: the last complete month in the data")
    parser.add_argument("--segment", help="report on one segment of Customers.segment (default: all)")
    parser.add_argument("--lang", type=_language,
                        metavar="{" + ",".join(LANGUAGES) + "}",
                        help=f"report language (default: a workbook's Settings, else {DEFAULT_LANGUAGE})")
    parser.add_argument("--gross-margin", type=_percent_or_fraction, metavar="MARGIN",
                        help="gross margin for CLV from churn and the what-if, e.g. 0.7 or 70%% "
                             "(default 100 %%, noted)")
    parser.add_argument("--program-cost", type=_money, metavar="COST",
                        help="cost of the retention programme, for the what-if's ROI, e.g. 50000 "
                             "(default none: the ROI shows n/a)")
    parser.add_argument("--currency", type=_currency, metavar="CODE",
                        help="currency of the money amounts, an ISO code such as EUR, USD or GBP: "
                             "every amount is shown with it (default: the data's, else none)")
    parser.add_argument("--kpis", metavar="FILE.json", type=_output_name,
                        help="also write the KPIs as JSON to FILE.json (- for standard output); "
                             "see docs/kpis-json.md")
    parser.add_argument("--force", action="store_true",
                        help="replace a previous report even if it was changed since this command "
                             "wrote it (an unchanged one is replaced without it; never any other file)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary line")


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--decimal", choices=(".", ","),
                        help="decimal mark of numbers written as text (default: detected)")
    parser.add_argument("--date-format", metavar="FORMAT",
                        help="strftime format of text dates, e.g. %%m/%%d/%%Y (default: ISO or day first)")
    parser.add_argument("--encoding", metavar="NAME",
                        help="encoding of CSV files, e.g. cp1250 or shift_jis (default: UTF-8, "
                             "UTF-16 with a byte-order mark, or Windows-1252, as detected)")


def _report_settings(args: argparse.Namespace) -> dict:
    return {"period": args.period, "segment": args.segment, "lang": args.lang,
            "gross_margin": args.gross_margin, "program_cost": args.program_cost,
            "currency": args.currency, "force": args.force,
            "kpis": sys.stdout if args.kpis == "-" else args.kpis}


def _written(args: argparse.Namespace, run: Callable[[Callable[[str], None]], tuple]) -> int:
    progress = _Progress(not args.quiet and args.kpis != "-")
    try:
        report, path = run(progress.step)
    finally:
        progress.close()
    if not args.quiet:
        segment = report.segment or "all segments"
        # with --kpis - standard output is the JSON's alone
        print(f"wrote {path}: retention report {report.period.label}, {segment}",
              file=sys.stderr if args.kpis == "-" else sys.stdout)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from .export import export_report

    return _written(args, lambda step: export_report(
        args.data, args.output, decimal=args.decimal, date_format=args.date_format,
        encoding=args.encoding, progress=step, loaded=None if args.quiet else _dropped,
        mapping=args.map, schema=args.schema, spark_conf=_spark_conf(args.spark_conf),
        **_report_settings(args)))


def _spark_conf(pairs: list[tuple[str, str]] | None) -> dict[str, str] | None:
    """``--spark-conf key=value`` options as a dict (None when none was given)."""
    return dict(pairs) if pairs else None


def _key_value(text: str) -> tuple[str, str]:
    """``key=value`` of ``--spark-conf`` (anything else: bad usage, exit code 2)."""
    key, equals, value = text.partition("=")
    if not equals or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not key=value, e.g. spark.executor.memory=4g")
    return key.strip(), value.strip()


def _dropped(data) -> None:
    """What the reader dropped, one line per table that lost rows or has something to say
    about the rows it kept (a signup date taken from the first subscription), on stderr (the
    report's Data quality sheet has the whole account)."""
    for line in data.summary():
        if not line.endswith(", 0 dropped"):
            print(f"retention: {line}", file=sys.stderr)


def _demo(args: argparse.Namespace) -> int:
    from .export import export_demo

    return _written(args, lambda step: export_demo(args.output, progress=step,
                                                   **_report_settings(args)))


# --------------------------------------------------------------------------- template and add-in


def _template(args: argparse.Namespace) -> int:
    from .excel.template import build_template, default_path, is_generated_template

    path = args.output or default_path(args.lang)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path} must end in .xlsx")
    if path.exists() and not args.force and not is_generated_template(path):
        raise OutputError(f"{path} exists and is not a template built by `retention template`; "
                          "choose another file or add --force to overwrite it")
    build_template(path, args.lang)
    print(path)
    return EXIT_OK


def _addin(args: argparse.Namespace) -> int:
    from .excel.addin_builder import build_addin

    xlam, module = build_addin(args.output, interpreter_win=args.interpreter_win,
                               interpreter_mac=args.interpreter_mac, pythonpath=args.pythonpath)
    print(f"wrote {xlam}\nwrote {module} (keep it beside the add-in)")
    return EXIT_OK


def _lite(args: argparse.Namespace) -> int:
    from .lite.files import copy_with_lite, write_files

    if args.into is not None:
        print(copy_with_lite(args.into, args.output, force=args.force))
    else:
        for path in write_files(args.output or Path(".")):
            print(path)
    return EXIT_OK


class OutputError(OutputRefused):
    """A file the command will not write (its message says why; exit code 5)."""


# --------------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    """The ``retention`` command's parser, every subcommand spelled out here."""
    parser = argparse.ArgumentParser(
        prog="retention",
        description="Customer-retention metrics: worked examples, reports and the Excel template.",
        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    examples = commands.add_parser(
        "examples", help="print every worked example of the guides with our number beside it")
    examples.set_defaults(run=_examples)

    report = commands.add_parser(
        "report", help="build the retention report workbook from your data",
        description="Read the retention tables from DATA and write the monthly retention report "
                    "as an Excel workbook (no Excel needed).")
    report.add_argument("data", metavar="DATA", nargs="+",
                        help="a workbook (.xlsx/.xlsm), a folder of CSV files or a CSV file; "
                             "several are read together (one table each); or one source a "
                             "query engine reads: Parquet files or a folder of them, a DuckDB "
                             "file, postgresql://user@host/db, spark: or spark:PATH "
                             "(docs/scale.md)")
    _options(report, None)
    _report_options(report)
    # the column mapping (addin.data.mapping checks it, for every edge alike)
    report.add_argument("--map", action="append", metavar="TABLE.COLUMN=HEADER",
                        help="the header holding one of our columns, e.g. --map "
                             "Orders.customer_id=Kunde (repeatable; wins over a workbook's "
                             "Columns table); see docs/data-format.md")
    # engine sources (addin.data.engines)
    report.add_argument("--schema", metavar="NAME",
                        help="with postgresql://...: the schema holding the tables (default: "
                             "the search path's first)")
    report.add_argument("--spark-conf", action="append", type=_key_value, metavar="KEY=VALUE",
                        help="with spark:: a setting of the Spark session, e.g. "
                             "spark.executor.memory=4g (repeatable)")
    report.set_defaults(run=_report)

    demo = commands.add_parser(
        "demo", help="build the report from the bundled sample data",
        description="Write the retention report of the bundled sample company "
                    "(addin.sample_data.generate_company() with its defaults).")
    _options(demo, "demo_report.xlsx")
    demo.set_defaults(run=_demo)

    template = commands.add_parser(
        "template",
        help="build the template workbook: guide examples, sample data, calculator, report",
        description="Build the template workbook. Without -o it rebuilds "
                    "workbook_templates/retention_template.xlsx (_it.xlsx with --lang it).")
    template.add_argument("-o", "--output", type=Path, default=None, help="the .xlsx file to write")
    template.add_argument("--lang", type=_language, default=DEFAULT_LANGUAGE,
                          metavar="{" + ",".join(LANGUAGES) + "}", help="language of the labels")
    template.add_argument("--force", action="store_true",
                          help="overwrite the file even if it is not a template built by this command")
    template.set_defaults(run=_template)

    addin = commands.add_parser(
        "addin",
        help="build the Excel ribbon add-in (Retention tab, Refresh report) and its Python module",
        description=(
            "Write the xlwings ribbon add-in and, beside it, the module its button imports "
            "(same name, .py). The committed copy is rebuilt with "
            "`retention addin -o workbook_templates/retention_addin.xlam`. "
            "Files not written by this command are never overwritten."))
    addin.add_argument("-o", "--output", type=Path, default=Path(ADDIN_FILE), metavar="PATH",
                       help="the .xlam to write; its name must be a Python module name "
                            f"(default {ADDIN_FILE})")
    addin.add_argument("--interpreter-win", default="", metavar="PATH",
                       help=r"the config sheet's Interpreter_Win, e.g. C:\venv\Scripts\pythonw.exe")
    addin.add_argument("--interpreter-mac", default="", metavar="PATH",
                       help="the config sheet's Interpreter_Mac, e.g. /Users/you/.venv/bin/python")
    addin.add_argument("--pythonpath", default="", metavar="DIRS",
                       help="the config sheet's PYTHONPATH (folders separated by ;)")
    addin.set_defaults(run=_addin)

    lite = commands.add_parser(
        "lite",
        help="put the functions and the Refresh report script into a workbook for xlwings Lite",
        description=(
            "xlwings Lite (a free add-in from the Office add-in store) runs the main.py and "
            "requirements.txt a workbook carries. With --into, write a copy of BOOK that "
            "carries them (default BOOK-lite.xlsx beside it; -o gives another file or a "
            "folder); the workbook itself is replaced only with --force. Without --into, write "
            "main.py and requirements.txt into the folder -o (default: here) to paste into "
            "Lite's editor. See docs/lite.md."))
    lite.add_argument("--into", type=Path, default=None, metavar="BOOK.xlsx",
                      help="the workbook to copy with Lite's part (.xlsx or .xlsm)")
    lite.add_argument("-o", "--output", type=Path, default=None, metavar="PATH",
                      help="with --into: the copy to write (a file, or a folder); "
                           "without: the folder for main.py and requirements.txt")
    lite.add_argument("--force", action="store_true",
                      help="replace an existing copy, or BOOK itself when the copy's path is BOOK")
    lite.set_defaults(run=_lite)
    return parser


def _run(args: argparse.Namespace) -> int:
    """The subcommand, with the command's error policy: one line on stderr, no traceback, and
    an exit code per kind of failure (the module's docstring)."""
    try:
        return args.run(args)
    except MetricError as error:  # the message says what and where
        print(f"retention: {error}", file=sys.stderr)
        return _exit_code(error)
    except OSError as error:  # an input that cannot be read (writing raises OutputRefused)
        where = f" {error.filename}" if error.filename else ""
        print(f"retention: cannot read{where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_DATA
    except Exception as error:  # noqa: BLE001 - one line for the user, not a traceback
        text = " ".join(str(error).split()) or type(error).__name__
        print(f"retention: unexpected error ({type(error).__name__}): {text}", file=sys.stderr)
        return EXIT_UNEXPECTED


def _exit_code(error: MetricError) -> int:
    """The exit code of one of the package's refusals; the most specific kind first
    (an unreachable source is also a DataError)."""
    for kind, code in ((SourceUnreachableError, EXIT_UNREACHABLE), (OutputRefused, EXIT_OUTPUT_REFUSED),
                       (EngineMemoryError, EXIT_ENGINE_MEMORY), (DataError, EXIT_BAD_DATA)):
        if isinstance(error, kind):
            return code
    return EXIT_USAGE  # a setting, period or segment that cannot be used


def main(argv: list[str] | None = None) -> int:
    """Run the ``retention`` command; returns its exit code (see the module's docstring)."""
    args = build_parser().parse_args(argv)
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        # a file name that is not UTF-8 is printed as the bytes it is, as `ls` shows it,
        # instead of failing after the report was written
        sys.stdout.reconfigure(errors="surrogateescape")
    with stopping_on_signals():
        try:
            return _run(args)
        except (Stopped, KeyboardInterrupt) as stop:  # the temporary files are gone already
            name, code = ((stop.name, stop.exit_code) if isinstance(stop, Stopped)
                          else ("SIGINT", EXIT_SIGINT))
            print(f"retention: stopped by {name}; no partial file is left", file=sys.stderr)
            return code


if __name__ == "__main__":
    sys.exit(main())
