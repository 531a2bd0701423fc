"""The report's KPIs as JSON, for a script, a dashboard or a pipeline that wants the numbers
without opening the workbook (``retention report DATA -o report.xlsx --kpis kpis.json``).

::

    {"period": "2026-03", "previous": "2026-02", "segment": null, "currency": "EUR",
     "kpis": {"crr": {"label": "Customer retention rate", "unit": "%",
                      "current": 0.95, "previous": 0.94, "change": 1.0, "note": null}, ...}}

- the keys of ``kpis`` are the report's KPI keys (``crr``, ``churn``, ``mrr``, ``nrr``,
  ``nps``, ...), in the order of the report's first page;
- ``current`` and ``previous`` are the values as the report holds them: a rate (unit ``%``)
  as a fraction (0.95 is 95 %), money in the report's currency, days in days;
- ``change`` is what the report's Change column holds: current − previous, and for a rate
  in percentage points (0.95 after 0.94 is ``1.0``, one point), as
  :class:`addin.report.Report` stores it;
- a blank value (the data cannot give it) is ``null``, and ``note`` says why, in English
  words (the words of the report's English edition, whatever its language); ``null`` when
  there is nothing to say.

docs/kpis.schema.json is the JSON Schema of this document; docs/kpis-json.md describes it.
Nothing here reads or writes a file: the exporter writes the text.
"""

from __future__ import annotations

import dataclasses
import json

from .report import render
from .report.model import Report, python_value

__all__ = ["ENGLISH", "kpis_document", "kpis_json"]

#: The language of the JSON's words (labels, notes): one language for every machine reader.
ENGLISH = "en"


def kpis_document(report: Report) -> dict:
    """The KPIs of ``report`` as plain Python (dicts, text, floats, None), as this module's
    docstring describes; :func:`json.dumps` writes it as it is."""
    english = dataclasses.replace(report, lang=ENGLISH)
    kpis = {}
    for row in report.kpis.itertuples(index=False):
        note = render.text_of(english, row.note)
        kpis[row.key] = {
            "label": render.text_of(english, row.label),
            "unit": row.unit,
            "current": _number(row.current),
            "previous": _number(row.previous),
            "change": _number(row.change),
            "note": note or None,
        }
    return {
        "period": report.period.label,
        "previous": report.previous.label,
        "segment": report.segment,
        "currency": report.currency,
        "kpis": kpis,
    }


def kpis_json(report: Report) -> str:
    """:func:`kpis_document` as JSON text, indented, ending with a newline (UTF-8 letters as
    they are; never ``NaN``, which JSON does not have)."""
    return json.dumps(kpis_document(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _number(value: object) -> float | None:
    """A KPI value as a JSON number; None for a blank (NaN, infinity)."""
    value = python_value(value)
    return None if value is None else float(value)
