"""The exporter as a Python function: read the data, build the report, write the workbook.

``retention report`` and ``retention demo`` are this module behind a command line; a data
person's script calls it directly::

    from addin.export import export_report
    report, path = export_report("exports/", "reports/retention.xlsx", period="2026-09")

Data flows one way: :func:`addin.data.load_data` (sources → checked tables) →
:func:`addin.report.build_report` (compute) → :func:`addin.excel.report_writer.write_report`
(render and write). The output is checked before anything is read, is written atomically, and
never overwrites the input or a file the exporter did not write (unless ``force``).

**A workbook's Settings.** When ``source`` is a workbook file that has the template's Settings
names (``Settings_Period``, ``Settings_GrossMargin``, ...), their cells are read as the Refresh
button reads them (:mod:`addin.data.sources.settings_cells`, then :func:`addin.settings.read`);
an argument given here (not None) wins over its cell. So the report of the template says what
its Refresh button says: the margin and the programme cost typed on its Settings sheet.

**Several inputs and a column mapping.** ``source`` may be a list of paths (workbooks, CSV
files, folders), read together by :func:`addin.data.load_data`. ``mapping`` names the headers
that hold our columns (``{"Orders.customer_id": "Kunde"}`` or ``["Orders.customer_id=Kunde"]``,
as ``--map`` gives them); a workbook's *Columns* table on its Settings sheet gives a mapping
too (read as the Refresh button reads it), and ``mapping`` wins for a column in both.

**The KPIs as JSON.** With ``kpis`` (a path ending in ``.json``, or a text stream such as
``sys.stdout``) the KPIs are also written as :mod:`addin.export_json` describes
(docs/kpis-json.md), after the workbook.

**Names filled in.** ``output`` and ``kpis`` may hold ``{period}`` and ``{segment}``
(``reports/retention-{period}{segment}.xlsx``), filled in once the report knows them
(:func:`fill_output_name`); the folder must exist (a missing one is refused, not created).

**Stages.** ``progress`` is told each of :data:`STAGES` as it starts.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

#: The settings a workbook's Settings cells may give, by export_report's argument.
WORKBOOK_SETTINGS = ("period", "segment", "lang", "gross_margin", "program_cost", "currency")
#: The stages of a run, in order, as ``progress`` is told them: the rows read; reduced to
#: per-customer facts (:class:`addin.report.prepared.PreparedData`); the report computed from
#: them; the files written.
STAGES = ("reading", "reducing", "computing", "writing")
#: The fields an output name may hold (:func:`fill_output_name`).
OUTPUT_FIELDS = ("period", "segment")


def _no_progress(step: str) -> None:
    """Progress callback that shows nothing."""


def export_report(source, output: str | os.PathLike, *, period: str | None = None,
                  segment: str | None = None, lang: str | None = None, gross_margin: float | None = None,
                  program_cost: float | None = None, currency: str | None = None,
                  force: bool = False,
                  decimal: str | None = None, date_format: str | None = None,
                  encoding: str | None = None,
                  progress: Callable[[str], None] | None = None,
                  loaded: Callable[[object], None] | None = None,
                  kpis: str | os.PathLike | TextIO | None = None,
                  mapping=None, schema: str | None = None,
                  spark_conf: Mapping[str, str] | None = None):
    """Write the retention report of ``source`` to ``output``; returns (Report, path written).

    ``source`` is what :func:`addin.data.load_data` reads (a workbook, a folder of CSV files,
    one CSV file, a list of such paths, a dict of DataFrames) or a ready
    :class:`addin.data.RetentionData`; ``mapping`` the column mapping (see above).
    ``period`` is ``2026-09``, ``2026-Q3`` or ``2026`` (default: the last complete month of the
    data); ``gross_margin`` a fraction (0.7); ``program_cost`` the retention programme's cost;
    ``currency`` the ISO code of the money amounts (``EUR``; default: the data's, if it
    names one, else none).
    ``decimal``, ``date_format`` and ``encoding`` override what the reader detects;
    ``schema`` and ``spark_conf`` are for a database or Spark source (see load_data).
    ``progress(stage)`` is called as each of :data:`STAGES` starts; ``loaded(data)``
    once the data is read and checked (the command line prints what was dropped).
    ``output`` (and ``kpis``) may hold ``{period}`` and ``{segment}`` (:func:`fill_output_name`):
    such a name is checked in full once the report is built, since the period may come from
    the data.
    The settings left None (``lang`` too) are taken from a workbook's Settings cells, else
    their defaults (the last complete month, all segments, English, 100 % margin noted, no
    programme cost, the data's currency). ``kpis``: where to write the KPIs as JSON too.
    """
    from .data import RetentionData, load_data
    from .excel.report_writer import check_output, write_report
    from .report import build_report

    step = progress or _no_progress
    protect = [] if isinstance(source, (RetentionData, Mapping)) else _paths(source)
    to_fill = bool(output_fields(output))
    kpis_to_fill = kpis is not None and not hasattr(kpis, "write") and bool(output_fields(kpis))
    if to_fill:
        _check_before_filling(output)
    else:
        out = check_output(output, force=force, protect=protect)  # refuse before the slow part
    if kpis is not None and not hasattr(kpis, "write") and not kpis_to_fill:
        _check_kpis_output(kpis, force=force, protect=[*protect, None if to_fill else out])
    step("reading")
    data = source if isinstance(source, RetentionData) else load_data(
        source, decimal=decimal, date_format=date_format, encoding=encoding,
        mapping=workbook_mapping(source, mapping), schema=schema, spark_conf=spark_conf)
    if loaded is not None:
        loaded(data)
    given = {"period": period, "segment": segment, "lang": lang, "gross_margin": gross_margin,
             "program_cost": program_cost, "currency": currency}
    chosen = workbook_settings(source, given)
    report = build_report(data, chosen["period"], chosen["segment"], chosen["lang"],
                          {"gross_margin": chosen["gross_margin"],
                           "program_cost": chosen["program_cost"],
                           "currency": chosen["currency"]},
                          progress=step)
    if to_fill:
        output = check_output(fill_output_name(output, report), force=force, protect=protect)
    if kpis_to_fill:
        kpis = _check_kpis_output(fill_output_name(kpis, report), force=force,
                                  protect=[*protect, output])
    step("writing")
    written = write_report(report, output, force=force, protect=protect)
    if kpis is not None:
        write_kpis(report, kpis)
    return report, written


def output_fields(name: str | os.PathLike) -> set[str]:
    """The fields ``name`` holds (``{period}``, ``{segment}``; ``{{`` is a brace itself).

    InvalidInputError for another field, a field with a format (``{period:>8}``) or a brace
    left open, naming the fields known.
    """
    from .errors import InvalidInputError

    text = os.fspath(name)
    if isinstance(text, bytes) or "{" not in text and "}" not in text:
        return set()
    known = ", ".join("{" + field + "}" for field in OUTPUT_FIELDS)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as error:
        raise InvalidInputError(f"{text!r}: {error} (a name may hold {known}; "
                                "{{ and }} for a brace itself)") from None
    fields = set()
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in OUTPUT_FIELDS or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise InvalidInputError(f"{text!r}: unknown field {shown}; an output name may hold {known}")
        fields.add(field)
    return fields


def fill_output_name(name: str | os.PathLike, report) -> Path:
    """``name`` with ``{period}`` as the report's period (``2026-03``, ``2026-Q1``, ``2026``)
    and ``{segment}`` as ``-`` and its segment when one was chosen, empty otherwise.

    The segment is made safe for a file name on every system: each run of characters other
    than letters, digits, ``.``, ``-`` and ``_`` becomes ``_`` (``SMB / EU`` → ``-SMB_EU``).
    """
    output_fields(name)  # refuses what it cannot fill
    segment = ""
    if report.segment:
        safe = re.sub(r"[^\w.-]+", "_", str(report.segment)).strip("._")[:80]
        segment = f"-{safe or 'segment'}"
    return Path(os.fspath(name).format(period=report.period.label, segment=segment))


def _check_before_filling(output: str | os.PathLike) -> None:
    """What can be refused of an output name before its fields are known: its suffix, and a
    folder that does not exist when the folder's own name holds no field."""
    from .excel.output import OutputRefused

    out = Path(os.fspath(output))
    if out.suffix.lower() != ".xlsx":
        raise OutputRefused(f"{out}: the report is an .xlsx workbook, give an output name ending in .xlsx")
    folder = out.parent
    if not output_fields(str(folder)) and not folder.is_dir():
        raise OutputRefused(f"{out}: the folder {folder.resolve()} does not exist")


def workbook_settings(source, given: Mapping[str, object]) -> dict[str, object]:
    """The report's settings: each of ``given`` that is not None, else the cell of its
    Settings name in the workbook ``source`` (read by :mod:`addin.settings`, a bad value
    refused naming the defined name), else its default. A source that is not a workbook file
    has no cells: ``given`` and the defaults alone."""
    from . import settings
    from .data.sources.settings_cells import read_settings_cells

    cells: dict[str, object] = {}
    for path in reversed(_paths(source)):  # with several workbooks, the first given wins
        cells.update(read_settings_cells(path))
    wanted = {key: value for key, value in cells.items() if given.get(key) is None}
    from_cells = settings.read(wanted, settings.SETTING_NAMES)  # the rest read as blank
    return {key: given[key] if given.get(key) is not None else from_cells[key]
            for key in WORKBOOK_SETTINGS}


def _paths(source) -> list:
    """The paths among ``source`` (one path, or a list of them); [] for anything else."""
    if isinstance(source, (str, bytes, os.PathLike)):
        return [source]
    if isinstance(source, (list, tuple)):
        return [s for s in source if isinstance(s, (str, bytes, os.PathLike))]
    return []


def workbook_mapping(source, given=None) -> dict[str, dict[str, str]]:
    """The column mapping of a run: the *Columns* table of each workbook among ``source``
    (:func:`addin.data.mapping.mapping_from_rows`, as the Refresh button reads it), with
    ``given`` (``--map``, checked by :func:`addin.data.mapping.parse_mapping`) winning for a
    column in both."""
    from .data.mapping import mapping_from_rows, merge_mappings, parse_mapping
    from .data.sources.settings_cells import read_columns_rows

    mapping: dict[str, dict[str, str]] = {}
    for path in reversed(_paths(source)):  # with several workbooks, the first given wins
        rows, file, sheet = read_columns_rows(path)
        mapping = merge_mappings(mapping, mapping_from_rows(rows, file=file, sheet=sheet))
    return merge_mappings(mapping, parse_mapping(given))


def _check_kpis_output(path: str | os.PathLike, *, force: bool, protect: list) -> Path:
    """``path`` if the KPIs' JSON may be written there, else OutputRefused: a name ending in
    .json, not a folder, not the input nor the report; an existing file is replaced only when
    it is a KPIs file written by this exporter (it has its keys), or with ``force``."""
    import json

    from .excel.output import OutputRefused

    out = Path(path)
    if out.suffix.lower() != ".json":
        raise OutputRefused(f"{out}: the KPIs file is JSON, give a name ending in .json (or - "
                            "for standard output)")
    if out.is_dir():
        raise OutputRefused(f"{out} is a folder, give the KPIs file's name")
    if not out.resolve().parent.is_dir():
        raise OutputRefused(f"{out}: the folder {out.resolve().parent} does not exist")
    for item in protect:
        if item is not None and str(item) and out.resolve() == Path(item).resolve():
            raise OutputRefused(f"{out} is the input data or the report: refusing to overwrite it")
    if out.exists() and not force:
        try:
            previous = json.loads(out.read_text(encoding="utf-8"))
            ours = isinstance(previous, dict) and {"period", "kpis"} <= previous.keys()
        except (ValueError, OSError):
            ours = False
        if not ours:
            raise OutputRefused(f"{out} exists and is not a KPIs file written by this tool: "
                                "refusing to overwrite it (add --force to replace it)")
    return out


def write_kpis(report, target: str | os.PathLike | TextIO) -> None:
    """Write the KPIs of ``report`` as JSON (:func:`addin.export_json.kpis_json`) to a
    text stream, or atomically to a file (checked as :func:`export_report` checks it)."""
    from .excel.output import write_atomically
    from .export_json import kpis_json

    text = kpis_json(report)
    if hasattr(target, "write"):
        target.write(text)
        target.flush()
        return
    write_atomically(target, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))


def export_demo(output: str | os.PathLike, **options):
    """The report of the bundled sample company (``generate_company()`` with its defaults);
    ``options`` as for :func:`export_report`. Returns (Report, path written)."""
    from .data import RetentionData
    from .report import SAMPLE_SOURCE  # the report says "the bundled sample company"
    from .sample_data import generate_company

    data = RetentionData.from_frames(generate_company(), source=SAMPLE_SOURCE)
    return export_report(data, output, **options)
