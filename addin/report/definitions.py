"""The definitions table: what each KPI means and by which rules the report counts.

A KPI computed by metric functions is defined by their docstrings, quoted in one line
(:func:`definition_of`; in English, and in the other languages' own words: ``defn_<key>``);
the others, and the counting rules, by the report's own
words; the source of each is the add-in's Excel function that computes it, or the report's
counting (:class:`~addin.report.model.Note` values the renderer says).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import pandas as pd

from .kpis import KPIS
from .model import DEFINITION_COLUMNS, Note

_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
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
    """The definitions table: one row per KPI of :data:`KPIS` (on the first page or not),
    then one per counting rule. The source is the add-in's Excel functions that compute the
    KPI, or the report's own counting rules."""
    rows = []
    for spec in KPIS:
        if spec.functions:  # quoted in English, said in the other languages' own words
            text = Note(f"defn_{spec.key}",
                        quoted=" ".join(definition_of(fn) for fn in spec.functions))
        else:
            text = Note(spec.definition)
        source = Note("source_excel", functions=", ".join(spec.excel)) if spec.excel \
            else Note("source_report")
        rows.append({"label": Note(spec.key), "definition": text, "source_function": source})
    for rule in RULES:
        rows.append({
            "label": Note(f"{rule}_label"),
            "definition": Note(rule),
            "source_function": Note("source_report"),
        })
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)
