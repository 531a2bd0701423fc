"""The Excel functions: =CRR(), =NPS(), =DSO() … for classic xlwings, xlwings Lite and xlwings Server.

One decorated function per metric, named in upper case (classic xlwings registers the Python
name as written, Lite and Server upper-case it, so upper case gives the same name everywhere).
The docstring is the help text of Excel's Insert Function dialog (kept under the 255 characters
classic Excel accepts) and ``@xw.arg(doc=…)`` describes each argument.

The functions live by concept -- :mod:`.customers`, :mod:`.revenue`, :mod:`.orders`,
:mod:`.nps`, :mod:`.economics`, :mod:`.predictive` -- and are all imported here: every runtime
looks for them as attributes of this one module, ``addin.udfs``. Each body converts the Excel
values (:mod:`.values`) and calls the metric core (:mod:`addin.metrics`): no formula lives
here. Errors, the same in every runtime:

- an undefined result (a zero denominator) shows ``#DIV/0!``;
- invalid input shows an error whose text is the core's one-line message.

Registration: classic xlwings — "UDF Modules" ``addin.udfs`` and Import Functions;
xlwings Lite — ``from addin.udfs import *`` in main.py; xlwings Server — the same line in
``app/custom_functions/__init__.py``. See docs/excel-functions.md.
"""

from __future__ import annotations

from .customers import ANNUALIZED_CHURN, CHURN_RATE, COHORT_RETENTION, CRR, DAU_MAU
from .economics import (
    ARPA,
    CAC_PAYBACK,
    CLV,
    CLV_CHURN,
    CRC,
    CUSTOMER_LIFETIME,
    LTV_CAC,
    PROFIT_UPLIFT,
    RETENTION_ROI,
    RETENTION_VALUE,
)
from .nps import NPS, NPS_MOE
from .orders import DSO, LOYAL_RATE, RETURN_RATE, RPR, TBP
from .predictive import CLV_FORECAST, CLV_MODEL
from .revenue import (
    GROSS_REVENUE_CHURN,
    GRR,
    MRR_MOVEMENTS,
    NET_REVENUE_CHURN,
    NRR,
    QUICK_RATIO,
    REVENUE_CHURN,
    REVENUE_GROWTH,
)

#: The functions, in the order of docs/excel-functions.md; ``from addin.udfs import *`` (Lite,
#: Server) brings exactly these.
__all__ = [
    "CRR", "CHURN_RATE", "ANNUALIZED_CHURN",
    "REVENUE_CHURN", "GROSS_REVENUE_CHURN", "GRR", "NET_REVENUE_CHURN", "NRR",
    "QUICK_RATIO", "REVENUE_GROWTH",
    "RPR", "RETURN_RATE", "LOYAL_RATE", "DSO",
    "NPS", "NPS_MOE", "TBP",
    "CLV", "CLV_CHURN", "ARPA", "CRC", "DAU_MAU",
    "COHORT_RETENTION", "MRR_MOVEMENTS",
    "CUSTOMER_LIFETIME", "RETENTION_VALUE", "RETENTION_ROI", "PROFIT_UPLIFT",
    "LTV_CAC", "CAC_PAYBACK",
    "CLV_MODEL", "CLV_FORECAST",
]
