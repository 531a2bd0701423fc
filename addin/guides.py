"""Every worked example of the guides (docs/guides.md), as data.

One catalogue feeds the ``retention examples`` command, the tests and the template's Guide
examples sheet. Each example holds the guide's inputs and its printed number; our number is
computed by the metric function, never typed in. Where docs/guides.md marks an erratum, the
example carries it with the corrected inputs, and the corrected figure is computed too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from . import metrics as m

UNITS = {"%": "percent", "days": "days", "points": "NPS points"}


@dataclass(frozen=True)
class Correction:
    """What docs/guides.md says is right instead, as inputs to a metric function."""

    text: str
    function: Callable[..., float]
    inputs: dict

    @property
    def value(self) -> float:
        return self.function(**self.inputs)


@dataclass(frozen=True)
class Example:
    """One worked example: the guide's inputs, the guide's printed number and rounding."""

    id: str
    guide: str
    metric: str
    function: Callable[..., float]
    inputs: dict
    guide_value: float  # in the function's unit: a rate as a fraction (95 % is 0.95)
    decimals: int  # the guide's rounding, in displayed units (percent, days, points)
    unit: str  # "%", "days" or "points"
    note: str = ""
    truncates: bool = False  # the guide cut the digits instead of rounding them
    # True where the number is docs/guides.md's own illustration, not printed by a guide
    illustration: bool = False
    correction: Correction | None = None
    inputs_text: str = field(default="")

    @property
    def value(self) -> float:
        """Our number: the metric function on the guide's inputs."""
        return self.function(**self.inputs)

    def shown(self, value: float) -> float:
        """A value in displayed units (percent for rates), rounded to the guide's decimals."""
        scale = 100.0 if self.unit == "%" else 1.0
        if self.truncates:
            return math.trunc(value * scale * 10**self.decimals) / 10**self.decimals
        return round(value * scale, self.decimals)

    @property
    def matches(self) -> bool:
        """Our number, rounded as the guide rounds, equals the guide's printed number."""
        return self.shown(self.value) == self.shown(self.guide_value)

    def describe_inputs(self) -> str:
        if self.inputs_text:
            return self.inputs_text
        return ", ".join(f"{k}={_plain(v)}" for k, v in self.inputs.items())


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


# Time between purchases (guide 004): the guide's per-customer table is a lost image, so the
# overall example uses five repeat customers whose average gaps are 10.5, 5, 8, 6.5 and 10
# days (sum 40) and one one-time buyer, who is excluded.
_TBP_ONE = {
    "customer_ids": ["A", "A", "A"],
    "purchase_dates": ["2026-03-02", "2026-03-09", "2026-03-23"],
}
_TBP_FIVE = {
    "customer_ids": ["A"] * 3 + ["B"] * 2 + ["C"] * 3 + ["D"] * 3 + ["E"] * 3 + ["F"],
    "purchase_dates": [
        "2026-03-02", "2026-03-09", "2026-03-23",  # A: gaps 7, 14 → 10.5
        "2026-03-01", "2026-03-06",  # B: 5
        "2026-03-01", "2026-03-05", "2026-03-17",  # C: 4, 12 → 8
        "2026-03-10", "2026-03-16", "2026-03-23",  # D: 6, 7 → 6.5
        "2026-03-01", "2026-03-11", "2026-03-21",  # E: 10, 10 → 10
        "2026-03-15",  # F: one purchase only, excluded
    ],
}

_REVENUE_ILLUSTRATION = {"mrr_start": 100, "churned_mrr": 10, "contraction_mrr": 10}
_REVENUE_ERRATUM = (
    "Guide 004's formula counts expansion twice when MRR_end already includes upgrades: it is "
    "right only with MRR_end measured before upgrades. Use gross or net revenue churn."
)

EXAMPLES: tuple[Example, ...] = (
    Example("000-a", "000", "Customer retention rate", m.customer_retention_rate,
            {"start_customers": 20, "end_customers": 24, "new_customers": 5}, 0.95, 0, "%"),
    Example("000-b", "000", "Customer retention rate", m.customer_retention_rate,
            {"start_customers": 44, "end_customers": 43, "new_customers": 12}, 0.70, 0, "%",
            note="31 / 44 = 70.45 %; the guide rounds to 70 %."),
    Example("004-Sep", "004", "Customer churn rate", m.customer_churn_rate,
            {"start_customers": 10_000, "lost_customers": 500}, 0.05, 0, "%"),
    Example("004-Oct", "004", "Customer churn rate", m.customer_churn_rate,
            {"start_customers": 9_775, "lost_customers": 500}, 0.0511, 2, "%",
            truncates=True, note="5.115 %; the guide cuts it to 5.11 %.",
            correction=Correction(
                "The guide writes (9,775 − 9,225) / 9,755: the end count is 9,275 and the "
                "divisor 9,775; its result 5.11 % is right for 500 / 9,775. (S − E) / S with "
                "new customers in E understates churn: 2.25 % for September.",
                m.customer_churn_rate, {"start_customers": 9_775, "lost_customers": 500})),
    Example("004-rev", "004", "Revenue churn rate (as printed)", m.revenue_churn_rate,
            {"mrr_start": 100, "mrr_end": 90, "expansion_mrr": 10}, 0.0, 0, "%",
            note="docs/guides.md illustration (the guide's own example image is lost).",
            correction=Correction(_REVENUE_ERRATUM, m.net_revenue_churn_rate,
                                  {**_REVENUE_ILLUSTRATION, "expansion_mrr": 10}), illustration=True),
    Example("004-rev-gross", "004", "Gross revenue churn", m.gross_revenue_churn_rate,
            _REVENUE_ILLUSTRATION, 0.20, 0, "%", note="Standard definition, docs/guides.md illustration.", illustration=True),
    Example("004-rev-net", "004", "Net revenue churn", m.net_revenue_churn_rate,
            {**_REVENUE_ILLUSTRATION, "expansion_mrr": 10}, 0.10, 0, "%",
            note="Standard definition, docs/guides.md illustration.", illustration=True),
    Example("004-rev-grr", "004", "Gross revenue retention (GRR)", m.gross_revenue_retention,
            _REVENUE_ILLUSTRATION, 0.80, 0, "%", note="Standard definition, docs/guides.md illustration.", illustration=True),
    Example("004-rev-nrr", "004", "Net revenue retention (NRR)", m.net_revenue_retention,
            {**_REVENUE_ILLUSTRATION, "expansion_mrr": 10}, 0.90, 0, "%",
            note="Standard definition, docs/guides.md illustration.", illustration=True),
    Example("004-growth-Sep", "004", "Existing-customer revenue growth",
            m.existing_customer_revenue_growth, {"mrr_start": 50_000, "mrr_end": 45_000},
            -0.10, 0, "%"),
    Example("004-growth-Oct", "004", "Existing-customer revenue growth",
            m.existing_customer_revenue_growth, {"mrr_start": 57_500, "mrr_end": 50_500},
            -0.122, 1, "%",
            note="September ends at $45,000, October starts at $57,500: the difference is new "
                 "customers' MRR, which this metric excludes. Each month is right on its own."),
    Example("004-rpr", "004", "Repeat purchase ratio", m.repeat_purchase_ratio,
            {"returning_customers": 4_000, "total_customers": 5_000}, 0.80, 0, "%"),
    Example("004-returns", "004", "Product return rate", m.product_return_rate,
            {"units_returned": 7_000, "units_sold": 10_000}, 0.70, 0, "%"),
    Example("004-dso-annual", "004", "Days sales outstanding", m.days_sales_outstanding,
            {"receivables": 75_000, "revenue": 100_000, "days": 365}, 274, 0, "days",
            correction=Correction(
                "The guide uses the $75,000 collected as receivables; receivables are the "
                "$25,000 not yet collected: 25,000 / 100,000 × 365 = 91.25 days.",
                m.days_sales_outstanding,
                {"receivables": 25_000, "revenue": 100_000, "days": 365})),
    Example("004-dso-monthly", "004", "Days sales outstanding", m.days_sales_outstanding,
            {"receivables": 75_000, "revenue": 100_000, "days": 31}, 23, 0, "days",
            correction=Correction(
                "The guide multiplies an annual ratio by 31 days; a monthly DSO is month-end "
                "receivables / the month's sales × days: 25,000 / (100,000 / 12) × 31 = 93.0.",
                m.days_sales_outstanding,
                {"receivables": 25_000, "revenue": 100_000 / 12, "days": 31})),
    Example("004-nps", "004", "Net Promoter Score", m.net_promoter_score,
            {"promoters": 50, "passives": 25, "detractors": 10}, 47, 0, "points",
            note="58.8 % − 11.8 % = 47.06."),
    Example("004-nps-moe", "004", "NPS margin of error (95 %)", m.nps_margin_of_error,
            {"promoters": 50, "passives": 25, "detractors": 10, "confidence": 0.95}, 14.8, 1,
            "points", note="Not in the guides: what an analyst needs beside the NPS "
                           "(interval 32.3 to 61.9).", illustration=True),
    Example("004-tbp-one", "004", "Time between purchases (one customer)",
            m.time_between_purchases, _TBP_ONE, 10.5, 1, "days",
            inputs_text="purchases on day 0, 7 and 21 (gaps 7 and 14)"),
    Example("004-tbp", "004", "Time between purchases", m.time_between_purchases, _TBP_FIVE,
            8, 0, "days",
            inputs_text="5 repeat customers with average gaps 10.5, 5, 8, 6.5, 10 days "
                        "(sum 40) and 1 one-time buyer",
            note="The guide's per-customer table is a lost image; these customers reproduce "
                 "its sum of 40 days."),
    Example("004-loyal", "004", "Loyal customer rate", m.loyal_customer_rate,
            {"repeat_customers": 2_000 + 3_000, "total_customers": 20_000}, 0.25, 0, "%",
            inputs_text="2,000 existing + 3,000 new repeat customers of 20,000",
            note='The guide says "averaging"; it is a sum.'),
)


def by_id(example_id: str) -> Example:
    """The example with this id (``KeyError`` when there is none)."""
    for example in EXAMPLES:
        if example.id == example_id:
            return example
    raise KeyError(example_id)
