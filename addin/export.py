"""The exporter as a Python function: read the data, build the report, write the workbook.

``retention report`` and ``retention demo`` are this module behind a command line; a data
person's script calls it directly::

    from addin.export import export_report
    report, path = export_report("exports/", "reports/retention.xlsx", period="2026-09")

Data flows one way: :func:`addin.data.load_data` (sources → checked tables) →
:func:`addin.report.build_report` (compute) → :func:`addin.excel.report_writer.write_report`
(render and write). The output is checked before anything is read, is written atomically, and
never overwrites the input or a file the exporter did not write (unless ``force``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping


def _no_progress(step: str) -> None:
    """Progress callback that shows nothing."""


def export_report(source, output: str | os.PathLike, *, period: str | None = None,
                  segment: str | None = None, lang: str = "en", gross_margin: float | None = None,
                  program_cost: float | None = None, currency: str | None = None,
                  force: bool = False,
                  decimal: str | None = None, date_format: str | None = None,
                  encoding: str | None = None,
                  progress: Callable[[str], None] | None = None,
                  loaded: Callable[[object], None] | None = None):
    """Write the retention report of ``source`` to ``output``; returns (Report, path written).

    ``source`` is what :func:`addin.data.load_data` reads (a workbook, a folder of CSV files,
    one CSV file, a dict of DataFrames) or a ready :class:`addin.data.RetentionData`.
    ``period`` is ``2026-09``, ``2026-Q3`` or ``2026`` (default: the last complete month of the
    data); ``gross_margin`` a fraction (0.7); ``program_cost`` the retention programme's cost;
    ``currency`` the ISO code of the money amounts (``EUR``; default: the data's, if it
    names one, else none).
    ``decimal``, ``date_format`` and ``encoding`` override what the reader detects.
    ``progress(step)`` is called as each step starts ("read", …, "write"); ``loaded(data)``
    once the data is read and checked (the command line prints what was dropped).
    """
    from .data import RetentionData, load_data
    from .excel.report_writer import check_output, write_report
    from .report import build_report

    step = progress or _no_progress
    protect = [] if isinstance(source, (RetentionData, Mapping)) else [source]
    check_output(output, force=force, protect=protect)  # refuse before the slow part
    step("read")
    data = source if isinstance(source, RetentionData) else load_data(
        source, decimal=decimal, date_format=date_format, encoding=encoding)
    if loaded is not None:
        loaded(data)
    report = build_report(data, period, segment, lang,
                          {"gross_margin": gross_margin, "program_cost": program_cost,
                           "currency": currency},
                          progress=step)
    step("write")
    return report, write_report(report, output, force=force, protect=protect)


def export_demo(output: str | os.PathLike, **options):
    """The report of the bundled sample company (``generate_company()`` with its defaults);
    ``options`` as for :func:`export_report`. Returns (Report, path written)."""
    from .data import RetentionData
    from .report import SAMPLE_SOURCE  # the report says "the bundled sample company"
    from .sample_data import generate_company

    data = RetentionData.from_frames(generate_company(), source=SAMPLE_SOURCE)
    return export_report(data, output, **options)
