"""The ``retention`` command.

Each subcommand is a small function that parses nothing itself: ``main`` builds the parser,
runs the chosen function and turns the package's errors into a one-line message and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap

from .errors import MetricError
from .examples import EXAMPLES, Example


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


def examples_table(examples: tuple[Example, ...] = EXAMPLES) -> str:
    """Every worked example as a text table, with errata as numbered notes below it."""
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
        lines.append("* GUIDES.md's own illustration (the guide's example is a lost image, or the "
                     "figure is not in the guides), not a number a guide prints.")
    if notes:
        lines.append("")
        lines.append("Errata (GUIDES.md): the guide's number is reproduced, the correction shown beside it.")
        for i, text in enumerate(notes, 1):
            lines.append(textwrap.fill(text, 100, initial_indent=f"[{i}] ", subsequent_indent="    "))
    return "\n".join(lines)


def _examples(args: argparse.Namespace) -> int:
    print(examples_table())
    mismatched = [ex.id for ex in EXAMPLES if not ex.matches]
    if mismatched:
        print(f"\nNot matching the guide: {', '.join(mismatched)}", file=sys.stderr)
        return 1
    return 0


# Modules that add a subcommand: each has ``register(commands)``, which adds its parser to
# the subparsers object and sets ``run`` (a function of the parsed args returning the exit code).
COMMAND_MODULES: tuple[str, ...] = ("addin.excel.addin_builder", "addin.report_cli", "addin.excel.template")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retention",
        description="Customer-retention metrics: worked examples, reports and the Excel template.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    examples = commands.add_parser(
        "examples", help="print every worked example of the guides with our number beside it"
    )
    examples.set_defaults(run=_examples)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except MetricError as error:
        print(f"retention: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a path that cannot be written or read: say which, no traceback
        print(f"retention: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
