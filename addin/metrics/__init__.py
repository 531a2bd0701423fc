"""The one definition of every retention metric: pure functions, no Excel, no files.

Rates are fractions (0.95 is 95 %), NPS is points from −100 to +100, DSO and time between
purchases are days, money is in the inputs' unit. Invalid input raises
:class:`~addin.errors.InvalidInputError`; an undefined result (a zero denominator) raises
:class:`~addin.errors.UndefinedResultError`.
"""

from ..errors import InvalidInputError, MetricError, UndefinedResultError
from .cohorts import cohort_retention
from .customers import (
    annualized_churn_rate,
    customer_churn_rate,
    customer_retention_rate,
    dau_mau,
    loyal_customer_rate,
    product_return_rate,
    repeat_purchase_ratio,
)
from .engagement import dau_mau_by_month, dau_mau_from_activity
from .mrr import MOVEMENT_COLUMNS, mrr_movements, mrr_movements_of_grid
from .nps import (
    NpsCounts,
    count_nps_answers,
    count_nps_tally,
    net_promoter_score,
    nps_from_answers,
    nps_margin_of_error,
    nps_margin_of_error_from_answers,
    nps_tally,
)
from .predictive import (
    MIN_REPEAT_BUYERS,
    BgNbdFit,
    ClvModel,
    GammaGammaFit,
    fit_bg_nbd,
    fit_clv_model,
    fit_gamma_gamma,
    forecast_clv,
    fit_clv_model_from_summary,
    rfm_summary,
    rfm_summary_from_customers,
)
from .purchases import (
    RepeatCustomers,
    count_repeat_customers,
    loyal_customer_rate_from_orders,
    purchase_gaps,
    repeat_purchase_ratio_from_orders,
    time_between_purchases,
    time_between_purchases_from_spans,
)
from .revenue import (
    average_revenue_per_account,
    customer_lifetime_value,
    customer_lifetime_value_from_churn,
    customer_retention_cost,
    days_sales_outstanding,
    existing_customer_revenue_growth,
    gross_revenue_churn_rate,
    gross_revenue_retention,
    net_revenue_churn_rate,
    net_revenue_retention,
    quick_ratio,
    revenue_churn_rate,
)
from .roi import (
    cac_payback,
    customer_base_path,
    customer_lifetime,
    customer_value,
    ltv_cac,
    profit_uplift,
    retention_roi,
    retention_value,
)

__all__ = [name for name in dir() if not name.startswith("_")]
