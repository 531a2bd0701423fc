"""The words compute attaches to values: every translated text the computation makes.

The computation decides what the report contains; a few of its values are words in the
report's language. Every one of them is made here, and only here, from the word list
:data:`addin.i18n.TEXTS`, so that the words can move to the renderer without touching the
counting. The other modules of the report pass keys and numbers; this module turns them
into text.

The fields of a :class:`~addin.report.model.Report` that carry translated text:

- ``meta``: ``label``; ``value`` holds the "all segments" word when no segment is chosen.
- ``kpis``: ``label``; ``note`` (translated notes joined with "; ", mixed with the metric
  core's own reasons, which are English).
- ``nps_distribution``: ``group``.
- ``ageing``: ``bucket``.
- ``quality``: ``reason`` of the tables not provided (other reasons come from the data reader).
- ``definitions``: ``label``; ``definition`` of the counting rules and of the KPIs no metric
  function defines (the others quote the metric functions' English docstrings).
- ``notes``.
- ``retention_whatif``: ``label``; ``note`` (as ``kpis.note``).
- ``clv_notes``.

Every other field holds keys, numbers, dates or text from the data (``segment``,
``source``, ``data_notes``, ``top_customers.customer_id``).
"""

from __future__ import annotations

from .. import i18n
from .missing import Missing

#: The counting rules the definitions table states after the KPIs, as word keys
#: (``rule_x`` is the rule, ``rule_x_label`` its label).
RULES = ("rule_customers", "rule_mrr", "rule_orders", "rule_nps_dso", "rule_other",
         "rule_whatif", "rule_clv")


def number_text(lang: str, value: float, decimals: int = 0) -> str:
    """A number inside a sentence, with the language's thousands and decimal marks."""
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "it" else text


# ----------------------------------------------------------------- why a value is blank
# kpis.note, retention_whatif.note and clv_notes


def missing_note(lang: str, missing: Missing) -> str:
    """"n/a — needs the Orders table" and the other notes of a value the data cannot give."""
    values = dict(missing.values)
    if missing.tables:
        values["tables"] = i18n.text(lang, "table_or").join(missing.tables)
    return i18n.text(lang, missing.key, **values)


def before_data_note(lang: str, start: str) -> str:
    """The note of a period that starts before the data (``start``: its first month)."""
    return i18n.text(lang, "before_data", start=start)


# ----------------------------------------------------------------- kpis and definitions


def kpi_label(lang: str, key: str) -> str:
    """A KPI's name (kpis.label, definitions.label): its key is its word key."""
    return i18n.text(lang, key)


def previous_note(lang: str, note: str) -> str:
    """A note of the previous period's value, marked as such (kpis.note)."""
    return i18n.text(lang, "previous_prefix") + note


def caution_note(lang: str, key: str) -> str:
    """A KPI's caution shown beside its value, e.g. a guide's erratum (kpis.note)."""
    return i18n.text(lang, key)


def default_margin_note(lang: str) -> str:
    """"gross margin 100 %" when no margin is set (kpis.note of clv_churn, the what-if)."""
    return i18n.text(lang, "default_margin")


def kpi_definition(lang: str, key: str) -> str:
    """The definition of a KPI no metric function defines (definitions.definition)."""
    return i18n.text(lang, key)


def rule_definitions(lang: str) -> list[tuple[str, str]]:
    """(label, rule) of each counting rule of :data:`RULES` (definitions)."""
    return [(i18n.text(lang, f"{rule}_label"), i18n.text(lang, rule)) for rule in RULES]


# ----------------------------------------------------------------- the other tables


def nps_group(lang: str, group: str) -> str:
    """"detractor", "passive" or "promoter" (nps_distribution.group)."""
    return i18n.text(lang, group)


def ageing_bucket(lang: str, key: str) -> str:
    """A receivables age bucket, or ``"total"`` (ageing.bucket)."""
    return i18n.text(lang, key)


def not_provided(lang: str) -> str:
    """The reason of a table the data does not have (quality.reason)."""
    return i18n.text(lang, "not_provided")


# ----------------------------------------------------------------- retention_whatif


def whatif_label(lang: str, key: str) -> str:
    """The name of a what-if row (retention_whatif.label)."""
    return i18n.text(lang, f"whatif_{key}")


def whatif_note(lang: str, key: str) -> str:
    """How a what-if row is computed (retention_whatif.note)."""
    return i18n.text(lang, f"whatif_note_{key}")


def no_program_cost_note(lang: str) -> str:
    """The what-if's cost row when no programme cost is set (retention_whatif.note)."""
    return i18n.text(lang, "no_program_cost")


# ----------------------------------------------------------------- clv_notes


def clv_negative(lang: str, n: int) -> str:
    """Orders of a negative amount, left out of the predictive CLV."""
    return i18n.text(lang, "clv_negative", n=n)


def clv_no_orders(lang: str, end: str) -> str:
    """No orders up to ``end`` to fit the predictive CLV to."""
    return i18n.text(lang, "clv_no_orders", end=end)


def clv_too_few(lang: str, needed: int, end: str, have: int, customers: int) -> str:
    """Too few repeat buyers to fit the predictive CLV."""
    return i18n.text(lang, "clv_too_few", needed=needed, end=end, have=have, customers=customers)


def clv_no_model(lang: str, reason: str) -> str:
    """The predictive CLV cannot be fitted, with the core's ``reason``."""
    return i18n.text(lang, "clv_no_model", reason=reason)


def clv_model_note(lang: str, end: str, customers: float, repeat: float) -> str:
    """How the predictive CLV was fitted: up to ``end``, on so many customers and repeat buyers."""
    return i18n.text(lang, "clv_model_note", end=end, customers=number_text(lang, customers),
                     repeat=number_text(lang, repeat))


def clv_top_share(lang: str, n: int, percent: float, top: float, total: float) -> str:
    """The top ``n`` customers' ``percent`` of the total predicted CLV."""
    return i18n.text(lang, "clv_top_share", n=n, share=number_text(lang, percent, 1) + " %",
                     top=number_text(lang, top), total=number_text(lang, total))


def clv_spend_excluded(lang: str, n: int) -> str:
    """Repeat buyers whose repeat orders total 0, left out of the spend model."""
    return i18n.text(lang, "clv_spend_excluded", n=n)


def clv_skipped(lang: str, n: int) -> str:
    """Orders of a blank amount, left out of the predictive CLV."""
    return i18n.text(lang, "clv_skipped", n=n)


# ----------------------------------------------------------------- notes and meta


def language_notes(lang: str) -> list[str]:
    """The report's first notes: none in English, else that the definitions quoted from the
    metric functions stay English."""
    return [] if lang == "en" else [i18n.text(lang, "language_note")]


def default_period_note(lang: str, period: str) -> str:
    """No period was asked for: the report is of ``period``, the last complete month."""
    return i18n.text(lang, "default_period", period=period)


def incomplete_period_note(lang: str, period: str, end: str) -> str:
    """The data ends on ``end``, before ``period`` does."""
    return i18n.text(lang, "incomplete_period", period=period, end=end)


def cohort_source_note(lang: str, table: str) -> str:
    """Which table the cohorts are counted from."""
    return i18n.text(lang, "cohort_source", table=table)


def no_movements_note(lang: str) -> str:
    """Subscriptions too short for MRR movements."""
    return i18n.text(lang, "no_movements")


def meta_labels(lang: str) -> list[str]:
    """The labels of the meta table: period, previous period, segment, source, data range."""
    return [i18n.text(lang, key) for key in
            ("period", "previous_period", "segment", "source", "data_range")]


def all_segments(lang: str) -> str:
    """The meta table's segment when none is chosen."""
    return i18n.text(lang, "all_segments")
