"""The definitions table: what each KPI means and by which rules the report counts.

A KPI computed by metric functions is defined by their docstrings, quoted in one line
(:func:`definition_of`, English); the others, and the counting rules, by the report's own
words (:class:`~addin.report.model.Note` values the renderer says).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import pandas as pd

from .kpis import KPIS
from .model import DEFINITION_COLUMNS, Note

_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
_REPORT = "addin.report"  # the source of the definitions that no metric function gives
#: The counting rules the definitions table states after the KPIs, as word keys
#: (``rule_x`` is the rule, ``rule_x_label`` its label).
RULES = ("rule_customers", "rule_mrr", "rule_orders", "rule_nps_dso", "rule_other",
         "rule_whatif", "rule_clv")


def definition_of(function: Callable) -> str:
    """A metric function's definition in one line: its summary and its formula sentence.

    The formula sentence is the first sentence of the first paragraph after the summary
    that writes a formula (has ``=`` or ``/``); a summary that already holds the formula
    (``ARPA: revenue / customers``) stands alone.
    """
    doc = inspect.getdoc(function) or ""
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    if not paragraphs:
        return ""
    summary = paragraphs[0]
    for paragraph in paragraphs[1:]:
        if "=" in paragraph or " / " in paragraph:
            sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
            return f"{summary} {sentence}"
    return summary


def definitions() -> pd.DataFrame:
    """The definitions table: one row per KPI of :data:`KPIS`, then one per counting rule."""
    rows = []
    for spec in KPIS:
        if spec.functions:
            text = " ".join(definition_of(fn) for fn in spec.functions)
            source = ", ".join(f"{fn.__module__}.{fn.__name__}" for fn in spec.functions)
        else:
            text, source = Note(spec.definition), _REPORT
        rows.append({"label": Note(spec.key), "definition": text, "source_function": source})
    for rule in RULES:
        rows.append({
            "label": Note(f"{rule}_label"),
            "definition": Note(rule),
            "source_function": _REPORT,
        })
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)
