"""``retention template``: the command that builds the template workbook (a later step folds
it into :mod:`addin.cli`)."""

from __future__ import annotations

import sys
from pathlib import Path

from ...i18n.template_words import LANGUAGES
from .build import build_template, default_path, is_generated_template


def register(commands) -> None:
    """Add ``retention template [-o PATH] [--lang en|it] [--force]`` to the CLI."""
    parser = commands.add_parser(
        "template",
        help="build the template workbook: guide examples, sample data, calculator, report",
        description="Build the template workbook. Without -o it rebuilds "
                    "workbook_templates/retention_template.xlsx (_it.xlsx with --lang it).",
    )
    parser.add_argument("-o", "--output", type=Path, default=None, help="the .xlsx file to write")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the labels")
    parser.add_argument("--force", action="store_true",
                        help="overwrite the file even if it is not a template built by this command")
    parser.set_defaults(run=_run)


def _run(args) -> int:
    """Build the template where ``args`` say; 2 when the path is not an .xlsx or holds a file
    this command did not write (unless --force)."""
    path = args.output or default_path(args.lang)
    if path.suffix.lower() != ".xlsx":
        print(f"retention: {path} must end in .xlsx", file=sys.stderr)
        return 2
    if path.exists() and not args.force and not is_generated_template(path):
        print(f"retention: {path} exists and is not a template built by `retention template`; "
              "choose another file or add --force to overwrite it", file=sys.stderr)
        return 2
    build_template(path, args.lang)
    print(path)
    return 0
