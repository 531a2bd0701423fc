"""The guides' metrics written twice, as our Excel function and as a native Excel formula,
and the formulas that compare them: a worked example against the guide's printed number
(to the guide's rounding), and our function against its native twin.

Native formulas use only functions LibreOffice 7.4 also computes (no XLOOKUP, LET, LAMBDA,
FILTER, UNIQUE), so the tests recalculate the template headlessly and check every number.
"""

from __future__ import annotations

from ...guides import Example

#: function name -> (our Excel function, its arguments, native formula, native formula in words)
METRIC_FORMULAS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "customer_retention_rate": (
        "CRR", ("start_customers", "end_customers", "new_customers"),
        "({end_customers}-{new_customers})/{start_customers}", "(E − N) / S"),
    "customer_churn_rate": (
        "CHURN_RATE", ("start_customers", "lost_customers"),
        "{lost_customers}/{start_customers}", "L / S"),
    "revenue_churn_rate": (
        "REVENUE_CHURN", ("mrr_start", "mrr_end", "expansion_mrr"),
        "(({mrr_start}-{mrr_end})-{expansion_mrr})/{mrr_start}",
        "((MRR start − MRR end) − expansion) / MRR start"),
    "gross_revenue_churn_rate": (
        "GROSS_REVENUE_CHURN", ("mrr_start", "churned_mrr", "contraction_mrr"),
        "({churned_mrr}+{contraction_mrr})/{mrr_start}", "(churned + contraction) / MRR start"),
    "net_revenue_churn_rate": (
        "NET_REVENUE_CHURN", ("mrr_start", "churned_mrr", "contraction_mrr", "expansion_mrr"),
        "({churned_mrr}+{contraction_mrr}-{expansion_mrr})/{mrr_start}",
        "(churned + contraction − expansion) / MRR start"),
    "gross_revenue_retention": (
        "GRR", ("mrr_start", "churned_mrr", "contraction_mrr"),
        "1-({churned_mrr}+{contraction_mrr})/{mrr_start}", "1 − (churned + contraction) / MRR start"),
    "net_revenue_retention": (
        "NRR", ("mrr_start", "churned_mrr", "contraction_mrr", "expansion_mrr"),
        "1-({churned_mrr}+{contraction_mrr}-{expansion_mrr})/{mrr_start}",
        "1 − (churned + contraction − expansion) / MRR start"),
    "existing_customer_revenue_growth": (
        "REVENUE_GROWTH", ("mrr_start", "mrr_end"),
        "({mrr_end}-{mrr_start})/{mrr_start}", "(MRR end − MRR start) / MRR start"),
    "repeat_purchase_ratio": (
        "RPR", ("returning_customers", "total_customers"),
        "{returning_customers}/{total_customers}", "returning / total"),
    "product_return_rate": (
        "RETURN_RATE", ("units_returned", "units_sold"),
        "{units_returned}/{units_sold}", "returned / sold"),
    "loyal_customer_rate": (
        "LOYAL_RATE", ("repeat_customers", "total_customers"),
        "{repeat_customers}/{total_customers}", "repeat / total"),
    "days_sales_outstanding": (
        "DSO", ("receivables", "revenue", "days"),
        "{receivables}/{revenue}*{days}", "receivables / revenue × days"),
    "net_promoter_score": (
        "NPS", ("promoters", "passives", "detractors"),
        "({promoters}-{detractors})/({promoters}+{passives}+{detractors})*100",
        "(promoters − detractors) / answers × 100"),
    "nps_margin_of_error": (
        "NPS_MOE", ("answers", "confidence"),
        "NORMSINV(0.5+{confidence}/2)*SQRT(({promoters}+{detractors})/({n})"
        "-(({promoters}-{detractors})/({n}))^2)/SQRT({n})*100",
        "z × √((p + d − (p − d)²) / n) × 100, z = NORMSINV(0.5 + confidence / 2)"),
    "time_between_purchases": (
        "TBP", ("customer_ids", "purchase_dates"),
        "SUMPRODUCT((COUNTIF({ids},{ids})>=2)*(_xlfn.MAXIFS({dates},{ids},{ids})"
        "-_xlfn.MINIFS({dates},{ids},{ids}))/(COUNTIF({ids},{ids})-1+(COUNTIF({ids},{ids})=1))"
        "/COUNTIF({ids},{ids}))/SUMPRODUCT((COUNTIF({ids},{ids})>=2)/COUNTIF({ids},{ids}))",
        "Σ over repeat customers of (last − first) / (purchases − 1), ÷ repeat customers"),
}

#: Arguments shown as money on the Guide examples sheet.
MONEY_PARAMS = {"mrr_start", "mrr_end", "expansion_mrr", "churned_mrr", "contraction_mrr",
                "receivables", "revenue"}


def native_formula(function_name: str, cells: dict[str, str]) -> str:
    """The metric as a native Excel formula over ``cells`` (argument -> A1 cell)."""
    template = METRIC_FORMULAS[function_name][2]
    if function_name == "nps_margin_of_error":
        cells = {**cells, "n": f"{cells['promoters']}+{cells['passives']}+{cells['detractors']}"}
    return "=" + template.format(**cells)


def function_formula(function_name: str, cells: dict[str, str]) -> str:
    """The metric as a call of our Excel function over ``cells`` (argument -> A1 cell)."""
    name, params = METRIC_FORMULAS[function_name][:2]
    return f"={name}({','.join(cells[p] for p in params)})"


def check_formula(example: Example, native: str, guide: str) -> str:
    """TRUE when the native result, rounded (or truncated) as the guide does, is the guide's
    printed number."""
    scale = "*100" if example.unit == "%" else ""
    ours = "TRUNC" if example.truncates else "ROUND"
    d = example.decimals
    return f"={ours}({native}{scale},{d})=ROUND({guide}{scale},{d})"


def same_formula(function_cell: str, native_cell: str, off: str) -> str:
    """TRUE when our function and the native formula agree (the same error counts as agreeing);
    the text ``off`` while the function shows #NAME? (ERROR.TYPE 5: the add-in is not loaded)."""
    f, n = function_cell, native_cell
    return (f'=IF(ISERROR({f}),IF(ERROR.TYPE({f})=5,"{off}",IF(ISERROR({n}),'
            f'ERROR.TYPE({f})=ERROR.TYPE({n}),FALSE)),'
            f'IF(ISERROR({n}),FALSE,ABS({f}-{n})<=1E-9*MAX(1,ABS({n}))))')
