"""The retention report: for one period and one segment, every KPI and the tables behind it.

:func:`build_report` is the only place that decides what the report contains, and
:mod:`addin.report.render` the only place that decides how it reads and looks: the words
in the report's language, the number formats, the cells that the openpyxl exporter
(:mod:`addin.excel.report_writer`) and the ribbon refresh write. The computation attaches
keys and :class:`Note` values, never words. Every number comes from a function of :mod:`addin.metrics`: this package
counts (customers, orders, answers, money per period) and hands the counts to the core.

Every table is optional. A KPI whose table is missing gets a blank value and the note
"n/a — needs the Orders table"; a KPI the core finds undefined (a zero denominator) or
invalid gets a blank value and the core's one-line reason. Never a made-up number.

Periods are calendar months, quarters or years: ``"2026-09"``, ``"2026-Q3"``, ``"2026"``.
The rules by which a period is counted are in :data:`addin.i18n.TEXTS` (``rule_*``) and are
written into the report's definitions.

The rooms, in the order the report is built:

- :mod:`.period`: periods and month arithmetic
- :mod:`.model`: the :class:`Report` type, its tables' columns and :class:`Note`
- :mod:`.prepared`: the data of one segment, prepared once
- :mod:`.facts`: one period's counts
- :mod:`.missing`: a value the data cannot give
- :mod:`.kpis`: the KPI catalogue and the KPI table
- :mod:`.tables`: trend, cohorts, MRR movements, NPS, ageing, quality
- :mod:`.definitions`: the definitions table
- :mod:`.whatif`: the retention what-if
- :mod:`.customer_value`: the predictive CLV and the most valuable customers
- :mod:`.build`: :func:`build_report`, which puts them together

and, apart from the computation, :mod:`.render`: a Report and the layout as cells, with
:mod:`.say`, which puts the report's notes and numbers into words.
"""

from .build import DEFAULT_SETTINGS, SAMPLE_SOURCE, build_report
from .customer_value import CLV_HORIZON_WEEKS, TOP_CUSTOMERS
from .definitions import definition_of
from .kpis import KPIS, KpiSpec
from .model import KPI_HISTORY_MONTHS, WHATIF_CUTS, Note, Quantity, Report, python_value
from .period import Period, parse_period
from .tables import TREND_MONTHS
from .whatif import UPLIFT_YEARS

__all__ = ["CLV_HORIZON_WEEKS", "DEFAULT_SETTINGS", "KPIS", "KPI_HISTORY_MONTHS", "KpiSpec",
           "Note", "Period", "Quantity", "Report", "SAMPLE_SOURCE", "TOP_CUSTOMERS",
           "TREND_MONTHS", "UPLIFT_YEARS", "WHATIF_CUTS",
           "build_report", "definition_of", "parse_period", "python_value"]
