"""Revenue: revenue churn (as guide 004 prints it, and the standard variants), growth,
quick ratio, days sales outstanding, customer lifetime value, ARPA and retention cost.

MRR is monthly recurring revenue; money is in whatever unit the inputs use.
"""

from __future__ import annotations

from . import _inputs as v


def revenue_churn_rate(mrr_start, mrr_end, expansion_mrr) -> float:
    """Revenue churn rate exactly as guide 004 prints it.

    revenue churn = ((MRR_start − MRR_end) − MRR_expansion) / MRR_start, existing customers
    only; negative means expansion outgrew losses ("negative churn").
    Caution (docs/guides.md erratum): right only when MRR_end is measured before upgrades; if
    MRR_end already includes them, expansion counts twice. Prefer GROSS_REVENUE_CHURN and
    NET_REVENUE_CHURN. Example: start 100, end 90, expansion 10 → 0 %.
    """
    start = v.non_negative("mrr_start", mrr_start)
    end = v.non_negative("mrr_end", mrr_end)
    expansion = v.non_negative("expansion_mrr", expansion_mrr)
    return v.divide((start - end) - expansion, start, "mrr_start")


def _losses(mrr_start, churned_mrr, contraction_mrr) -> tuple[float, float]:
    start = v.non_negative("mrr_start", mrr_start)
    churned = v.non_negative("churned_mrr", churned_mrr)
    contraction = v.non_negative("contraction_mrr", contraction_mrr)
    v.at_most("churned_mrr + contraction_mrr", churned + contraction, "mrr_start", start)
    return start, churned + contraction


def gross_revenue_churn_rate(mrr_start, churned_mrr, contraction_mrr) -> float:
    """Gross revenue churn: recurring revenue lost from existing customers.

    gross revenue churn = (churned MRR + contraction MRR) / MRR_start. Example: start 100,
    churned 10, contraction 10 → 20 %. Losses above MRR_start are invalid.
    """
    start, lost = _losses(mrr_start, churned_mrr, contraction_mrr)
    return v.divide(lost, start, "mrr_start")


def net_revenue_churn_rate(mrr_start, churned_mrr, contraction_mrr, expansion_mrr) -> float:
    """Net revenue churn: revenue lost minus expansion, over the starting MRR.

    net revenue churn = (churned + contraction − expansion) / MRR_start; negative is "negative
    churn". Example: start 100, churned 10, contraction 10, expansion 10 → 10 %.
    """
    start, lost = _losses(mrr_start, churned_mrr, contraction_mrr)
    expansion = v.non_negative("expansion_mrr", expansion_mrr)
    return v.divide(lost - expansion, start, "mrr_start")


def gross_revenue_retention(mrr_start, churned_mrr, contraction_mrr) -> float:
    """Gross revenue retention (GRR): the share of starting MRR kept, expansion ignored.

    GRR = 1 − gross revenue churn = (MRR_start − churned − contraction) / MRR_start, at most
    100 %. Example: start 100, churned 10, contraction 10 → 80 %.
    """
    return 1.0 - gross_revenue_churn_rate(mrr_start, churned_mrr, contraction_mrr)


def net_revenue_retention(mrr_start, churned_mrr, contraction_mrr, expansion_mrr) -> float:
    """Net revenue retention (NRR): starting MRR kept, expansion included.

    NRR = 1 − net revenue churn = (MRR_start − churned − contraction + expansion) / MRR_start;
    above 100 % when expansion outgrows losses. Example: 100, 10, 10, 10 → 90 %.
    """
    return 1.0 - net_revenue_churn_rate(mrr_start, churned_mrr, contraction_mrr, expansion_mrr)


def quick_ratio(new_mrr, expansion_mrr, churned_mrr, contraction_mrr) -> float:
    """SaaS quick ratio: MRR gained for each unit of MRR lost.

    quick ratio = (new + expansion) / (churned + contraction); above 4 is commonly read as
    efficient growth. No losses at all is undefined.
    """
    new = v.non_negative("new_mrr", new_mrr)
    expansion = v.non_negative("expansion_mrr", expansion_mrr)
    churned = v.non_negative("churned_mrr", churned_mrr)
    contraction = v.non_negative("contraction_mrr", contraction_mrr)
    return v.divide(new + expansion, churned + contraction, "churned_mrr + contraction_mrr")


def existing_customer_revenue_growth(mrr_start, mrr_end) -> float:
    """Existing-customer revenue growth rate (guide 004).

    growth = (MRR_end − MRR_start) / MRR_start, on existing customers only (leave out new
    customers' MRR). Example: $50,000 → $45,000 → −10 %.
    """
    start = v.non_negative("mrr_start", mrr_start)
    end = v.non_negative("mrr_end", mrr_end)
    return v.divide(end - start, start, "mrr_start")


def days_sales_outstanding(receivables, revenue, days=365) -> float:
    """Days sales outstanding (DSO): how many days of sales are still to be collected.

    DSO = accounts receivable / revenue × days  (guide 004), with revenue (credit sales) and
    days of the same period: 365 for a year, the month's days for a month. Receivables are
    what is not yet collected. Example: receivables $25,000 on $100,000 a year → 91.25 days.
    """
    owed = v.non_negative("receivables", receivables)
    sales = v.non_negative("revenue", revenue)
    period = v.positive("days", days)
    return v.divide(owed, sales, "revenue", times=period)


def average_revenue_per_account(revenue, customers) -> float:
    """Average revenue per account (ARPA, also ARPU): revenue / customers.

    Use the revenue and the customer count of the same period (MRR and active customers of a
    month give monthly ARPA).
    """
    money = v.non_negative("revenue", revenue)
    accounts = v.count("customers", customers)
    return v.divide(money, accounts, "customers")


def customer_retention_cost(retention_spend, customers) -> float:
    """Customer retention cost (guide 002): retention spend / customers in the period."""
    spend = v.non_negative("retention_spend", retention_spend)
    accounts = v.count("customers", customers)
    return v.divide(spend, accounts, "customers")


def customer_lifetime_value(annual_revenue, customers, lifespan_years) -> float:
    """Customer lifetime value (CLV) as guides 002 and 004 define it.

    CLV = (annual revenue / unique customers in the year) × average lifespan in years. A
    falling CLV means lower-value customers or faster losses (guide 004).
    """
    revenue = v.non_negative("annual_revenue", annual_revenue)
    accounts = v.count("customers", customers)
    lifespan = v.non_negative("lifespan_years", lifespan_years)
    return v.divide(revenue, accounts, "customers", times=lifespan)


def customer_lifetime_value_from_churn(arpa, gross_margin, churn_rate) -> float:
    """Customer lifetime value from churn (the standard SaaS variant).

    CLV = ARPA × gross margin / churn rate, with ARPA and churn of the same period (monthly
    ARPA with monthly churn); 1 / churn is the expected lifetime in periods. Churn 0 is
    undefined (an infinite lifetime).
    """
    revenue = v.non_negative("arpa", arpa)
    margin = v.fraction("gross_margin", gross_margin)
    churn = v.fraction("churn_rate", churn_rate)
    return v.divide(revenue * margin, churn, "churn_rate")
