"""The template workbook: the guides' worked examples live, sample data, a calculator, and the
Report sheet the Refresh button fills.

``build_template(path, lang="en")`` writes ``workbook_templates/retention_template.xlsx`` (and
``_it`` for Italian labels) with XlsxWriter, which, unlike openpyxl, stores each formula
together with its computed value: readers that do not recalculate (python-calamine, pandas,
previews) see numbers, and Excel recalculates everything on open (``fullCalcOnLoad``).
Builds are byte-stable (fixed document dates): the committed files are rebuilt and compared.

One module per sheet, in workbook order:

- :mod:`.start_here` -- what the workbook does, its sheets, the colour legend;
- :mod:`.guide_examples` -- one block per worked example: inputs, our function, the native
  formula, the guide's number, a check, the erratum;
- :mod:`.why_retention` -- the guides' figures, a what-if and its chart, worked examples;
- :mod:`.calculator` and :mod:`.per_customer` -- the metrics of the data Tables for the
  Settings month, our functions beside native formulas, and the native side's helper columns;
- :mod:`.report_sheet` (laid out by :mod:`.report_plan`) and :mod:`.settings_sheet` -- the
  places the Refresh button and the report writer fill and read (``Report_*``, ``Settings_*``);
- :mod:`.data_sheets` -- one Excel Table per sheet of sample data.

Beside them: :mod:`.book` (sheet list, function names, marker), :mod:`.styles`,
:mod:`.sheet` (writing cells), :mod:`.formulas` (each metric as our function and as a native
formula), :mod:`.company` (the values stored with the formulas), :mod:`.xlsx_patches`,
:mod:`.build`, :mod:`.pictures`, :mod:`.paging` (where printed pages break).

The layouts are planned by pure functions (:func:`plan_guide_examples`,
:func:`plan_calculator`, :func:`plan_why_retention`, :func:`plan_report`) that the tests use
to find the cells.
"""

from __future__ import annotations

from .book import (DATA_SHEETS, MARKER_PROPERTY, MARKER_VALUE, SHEETS, TABLE_NAMES,
                   TEMPLATE_FILES, UDF_NAMES)
from .build import build_template, default_path, is_generated_template
from .calculator import CalcPlan, CalcRow, plan_calculator
from .guide_examples import MOE_ANSWER_ROWS, GuideBlock, plan_guide_examples
from .per_customer import PER_CUSTOMER_ROWS
from .pictures import render_report, render_sheet
from .report_plan import REPORT_SHEET_NAME, ReportChart, ReportItem, plan_report
from .settings_sheet import GROSS_MARGIN
from .why_retention import (
                   WHY_INPUTS,
                   WHY_PATH_YEARS,
                   WHY_SHEET,
                   WhyPlan,
                   WhyRow,
                   plan_why_retention,
)

__all__ = [
    "SHEETS", "DATA_SHEETS", "TABLE_NAMES", "UDF_NAMES", "TEMPLATE_FILES", "MARKER_PROPERTY",
    "MARKER_VALUE",
    "PER_CUSTOMER_ROWS", "GROSS_MARGIN", "MOE_ANSWER_ROWS", "WHY_SHEET", "WHY_INPUTS",
    "WHY_PATH_YEARS", "REPORT_SHEET_NAME", "GuideBlock", "CalcPlan", "CalcRow", "WhyPlan",
    "WhyRow", "ReportItem", "ReportChart", "build_template", "default_path",
    "is_generated_template", "plan_guide_examples", "plan_calculator", "plan_report",
    "plan_why_retention", "render_report", "render_sheet",
]
