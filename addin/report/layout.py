"""Where the report goes in a workbook: sheets, anchor cells, columns, number formats, charts.

This is data, not code: the openpyxl exporter reads it now, the template's Report sheet and
the xlwings ribbon refresh read it later, so the three look the same. A block is one table of
a :class:`addin.report.Report` (named by its attribute) written with its title at ``anchor``,
its header row just below and its rows below that. Text (titles, headers) is named by keys of
:data:`addin.i18n.TEXTS`; header texts may use ``{period}`` and ``{previous}``.

Every block has at most ``max_rows`` rows (the report caps monthly tables at 24 months), so
the anchors are fixed and the blocks of a sheet never overlap (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- number formats

PERCENT = "0.0%"
PERCENT_WHOLE = "0%"
MONEY = "#,##0"
MONEY_CENTS = "#,##0.00"
COUNT = "#,##0"
DAYS = "0.0"
POINTS = "0.0"
RATIO = "0.00"
MONTH = "yyyy-mm"
DATE = "yyyy-mm-dd"

#: The format of a KPI value by its unit (``Report.kpis["unit"]``).
UNIT_FORMATS: dict[str, str] = {
    "%": PERCENT,
    "count": COUNT,
    "answers": COUNT,
    "money": MONEY_CENTS,
    "days": DAYS,
    "points": POINTS,
    "ratio": RATIO,
}

#: The format of a KPI's change (current − previous) by its unit: always signed.
CHANGE_FORMATS: dict[str, str] = {
    "%": "+0.0%;-0.0%;0.0%",
    "count": "+#,##0;-#,##0;0",
    "answers": "+#,##0;-#,##0;0",
    "money": "+#,##0.00;-#,##0.00;0.00",
    "days": "+0.0;-0.0;0.0",
    "points": "+0.0;-0.0;0.0",
    "ratio": "+0.00;-0.00;0.00",
}

#: Colours (RGB hex) of a change for the better / the worse: Excel's "Good" and "Bad" styles.
GOOD_FONT, GOOD_FILL = "006100", "C6EFCE"
BAD_FONT, BAD_FILL = "9C0006", "FFC7CE"
HEADER_FILL = "DDEBF7"
#: Cohort heatmap: a three-colour scale from the lowest (red) through the median to the highest.
HEATMAP_COLOURS = ("F8696B", "FFEB84", "63BE7B")

# Formats of the special column kinds below.
BY_UNIT = "by unit"  # the row's unit picks the format from UNIT_FORMATS
CHANGE = "change"  # the row's unit picks the format from CHANGE_FORMATS; coloured by "better"


@dataclass(frozen=True)
class Column:
    """One column of a block: the report's column ``key``, its header and number format.

    ``header`` is an i18n key (default: ``key``); ``translate`` is an i18n key prefix applied
    to the cell values (``"unit_"`` turns ``%`` into ``unit_%``); ``width`` fixes the column
    width (characters), else it fits the content; ``wrap`` wraps long text.
    """

    key: str
    header: str | None = None
    number_format: str | None = None
    width: float | None = None
    wrap: bool = False
    translate: str | None = None


@dataclass(frozen=True)
class Chart:
    """A native chart of a block's columns: ``series`` against ``category``.

    ``kind`` is "line", "bar" or "stacked_bar". Series missing from the report's table (a
    KPI without data) are left out; a chart with no series is not drawn. Size in cm;
    ``colours`` (RGB hex, one per series in order) replace the theme's where given.
    """

    kind: str
    title: str
    series: tuple[str, ...]
    category: str
    anchor: str
    y_format: str = "General"
    width: float = 16.0
    height: float = 7.5
    colours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One table of the report at a fixed place.

    ``kind``: "table" (header row + rows), "pairs" (label/value rows, no header) or "lines"
    (a list of strings, one per row). ``columns`` empty means every column of the table in
    order, each with ``default_format`` (the cohort matrix, whose columns are its ages).
    ``heatmap`` puts a colour scale on the columns that are not listed in ``columns``.
    """

    name: str
    title: str
    anchor: str
    max_rows: int
    columns: tuple[Column, ...] = ()
    kind: str = "table"
    default_format: str | None = None
    heatmap: bool = False
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its name (fixed, English: code finds sheets by it), blocks, frozen cell."""

    name: str
    blocks: tuple[Block, ...]
    freeze: str | None = None


def _kpi_columns() -> tuple[Column, ...]:
    return (
        Column("label", header="kpi", width=40),
        Column("unit", header="unit", translate="unit_"),
        Column("current", header="current", number_format=BY_UNIT),
        Column("previous", header="previous", number_format=BY_UNIT),
        Column("change", header="change", number_format=CHANGE),
        Column("note", header="note", width=70, wrap=True),
    )


#: The trend's columns: month, then the KPIs with a monthly trend, in this order.
TREND_COLUMNS: tuple[Column, ...] = (
    Column("month", number_format=MONTH),
    Column("customers_end", number_format=COUNT),
    Column("crr", number_format=PERCENT),
    Column("churn", number_format=PERCENT),
    Column("mrr", number_format=MONEY),
    Column("arpa", number_format=MONEY_CENTS),
    Column("gross_revenue_churn", number_format=PERCENT),
    Column("net_revenue_churn", number_format=PERCENT),
    Column("grr", number_format=PERCENT),
    Column("nrr", number_format=PERCENT),
    Column("quick_ratio", number_format=RATIO),
    Column("repeat_purchase_ratio", number_format=PERCENT),
    Column("return_rate", number_format=PERCENT),
    Column("dso", number_format=DAYS),
    Column("nps", number_format=POINTS),
    Column("dau_mau", number_format=PERCENT),
)

_MOVEMENT_COLUMNS = tuple(
    Column(key, number_format=MONEY if key != "month" else MONTH)
    for key in ("month", "start_mrr", "new", "expansion", "reactivation", "contraction",
                "churned", "end_mrr")
)

LAYOUT: tuple[Sheet, ...] = (
    Sheet("KPIs", freeze="B10", blocks=(
        Block("meta", "title", "A1", max_rows=5, kind="pairs",
              columns=(Column("label", width=40), Column("value"))),
        Block("kpis", "kpis_title", "A8", max_rows=30, columns=_kpi_columns()),
        Block("notes", "notes_title", "A42", max_rows=10, kind="lines"),
    )),
    Sheet("Trend", freeze="B3", blocks=(
        Block("trend", "trend_title", "A1", max_rows=24, columns=TREND_COLUMNS, charts=(
            Chart("line", "chart_retention", ("crr", "grr", "nrr"), "month", "A29", PERCENT,
                  width=20, height=8.5),
            Chart("line", "chart_churn", ("churn", "gross_revenue_churn", "net_revenue_churn"),
                  "month", "H29", PERCENT, width=20, height=8.5),
            Chart("line", "chart_mrr", ("mrr",), "month", "A48", MONEY, width=20, height=8.5),
            Chart("line", "chart_nps", ("nps",), "month", "H48", POINTS, width=20, height=8.5),
        )),
    )),
    Sheet("Cohorts", freeze="C3", blocks=(
        Block("cohorts_logos", "cohorts_logos_title", "A1", max_rows=24,
              columns=(Column("cohort", number_format=MONTH),
                       Column("size", header="cohort_size_logos", number_format=COUNT)),
              default_format=PERCENT_WHOLE, heatmap=True),
        Block("cohorts_revenue", "cohorts_revenue_title", "A29", max_rows=24,
              columns=(Column("cohort", number_format=MONTH),
                       Column("size", header="cohort_size_revenue", number_format=MONEY)),
              default_format=PERCENT_WHOLE, heatmap=True),
    )),
    Sheet("MRR movements", freeze="B3", blocks=(
        Block("mrr_movements", "mrr_movements_title", "A1", max_rows=24,
              columns=_MOVEMENT_COLUMNS, charts=(
                  Chart("stacked_bar", "chart_mrr_movements",
                        ("new", "expansion", "reactivation", "contraction", "churned"),
                        "month", "J2", MONEY, width=20, height=10,
                        colours=("2E7D32", "81C784", "26A69A", "FFA726", "E53935")),
              )),
    )),
    Sheet("NPS", freeze="A3", blocks=(
        Block("nps_distribution", "nps_distribution_title", "A1", max_rows=11, columns=(
            Column("score"), Column("group"), Column("answers", number_format=COUNT),
            Column("share", number_format=PERCENT),
        ), charts=(
            Chart("bar", "chart_nps_distribution", ("answers",), "score", "G2", COUNT,
                  colours=("4472C4",)),
        )),
        Block("nps_monthly", "nps_monthly_title", "A17", max_rows=24, columns=(
            Column("month", number_format=MONTH), Column("promoters", number_format=COUNT),
            Column("passives", number_format=COUNT), Column("detractors", number_format=COUNT),
            Column("answers", number_format=COUNT), Column("nps", number_format=POINTS),
            Column("nps_moe", header="nps_moe", number_format=POINTS),
        )),
    )),
    Sheet("Ageing", freeze="A3", blocks=(
        Block("ageing", "ageing_title", "A1", max_rows=6, columns=(
            Column("bucket"), Column("invoices", number_format=COUNT),
            Column("amount", number_format=MONEY_CENTS), Column("share", number_format=PERCENT),
        )),
    )),
    # Why retention pays: the template's what-if on the period's churn, ARPA and customers
    # (Report.retention_whatif, one row per item, the value columns by the row's unit)
    Sheet("Retention value", freeze="B3", blocks=(
        Block("retention_whatif", "retention_whatif_title", "A1", max_rows=12, columns=(
            Column("label", header="label", width=46),
            Column("today", header="whatif_today", number_format=BY_UNIT),
            Column("cut_10", header="whatif_cut_10", number_format=BY_UNIT),
            Column("cut_20", header="whatif_cut_20", number_format=BY_UNIT),
            Column("cut_30", header="whatif_cut_30", number_format=BY_UNIT),
            Column("note", header="note", width=70, wrap=True),
        )),
    )),
    # Predictive CLV: how the model was fitted (or why it could not be), then the most
    # valuable customers (Report.clv_notes, Report.top_customers)
    Sheet("Customer value", blocks=(
        Block("clv_notes", "clv_notes_title", "A1", max_rows=6, kind="lines"),
        Block("top_customers", "top_customers_title", "A10", max_rows=20, columns=(
            Column("customer_id", header="customer_id", width=14),
            Column("clv", header="clv_predicted", number_format=MONEY_CENTS),
            Column("share", header="share_of_value", number_format=PERCENT),
            Column("cumulative_share", header="cumulative_share", number_format=PERCENT),
            Column("p_alive", header="p_alive", number_format=PERCENT),
            Column("expected_purchases", header="expected_purchases", number_format=RATIO),
            Column("expected_spend", header="expected_spend", number_format=MONEY_CENTS),
        )),
    )),
    Sheet("Data quality", freeze="A3", blocks=(
        Block("quality", "quality_title", "A1", max_rows=60, columns=(
            Column("table"), Column("rows_read", number_format=COUNT),
            Column("rows_kept", number_format=COUNT), Column("rows_dropped", number_format=COUNT),
            Column("reason", width=60, wrap=True),
        )),
        Block("data_notes", "data_notes_title", "H1", max_rows=60, kind="lines"),
    )),
    Sheet("Definitions", freeze="A3", blocks=(
        Block("definitions", "definitions_title", "A1", max_rows=40, columns=(
            Column("label", width=36, wrap=True), Column("definition", width=100, wrap=True),
            Column("source_function", width=48, wrap=True),
        )),
    )),
)


def block_width(block: Block) -> int:
    """Columns a block takes on the Report sheet (fixed: charts and names point at them)."""
    if block.kind == "lines":
        return 1
    if block.kind == "pairs":
        return 2
    return len(block.columns) + (MAX_AGES if block.heatmap or not block.columns else 0)


def block_height(block: Block) -> int:
    """Rows a block takes on the Report sheet: title, header (tables), max_rows rows."""
    return 1 + (1 if block.kind == "table" else 0) + block.max_rows


def sheet(name: str) -> Sheet:
    """The layout of the sheet called ``name``."""
    for candidate in LAYOUT:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


# --------------------------------------------------------------------------- the Report sheet

#: The template's one report sheet. The template builder (:mod:`addin.excel.template`) lays it
#: out and the ribbon refresh (:mod:`addin.refresh`) rewrites it: the blocks of every sheet of
#: :data:`LAYOUT`, in order, one below the other in column A, each sheet's blocks under a band
#: row with the sheet's name. A block keeps its shape from the exporter's sheets: title at its
#: anchor here, then (tables only) the header row, then ``max_rows`` rows; a table's columns
#: keep their places (a column without data stays blank instead of closing up, so charts
#: and formulas bound to a column keep finding it), and a heatmap block has room for
#: :data:`MAX_AGES` age columns after its listed ones.
REPORT_SHEET = "Report"
#: Defined name of the Report sheet's status cell (the refresh writes "refreshed ..." or the
#: reason it did not), and the cell the template gives that name.
REPORT_STATUS = "Report_Status"
REPORT_STATUS_CELL = "B3"
#: xlwings Lite's sheet button: a shape of this name on the Report sheet, linked to (and
#: hiding) this cell; the refresh script is bound to it with ``@script(button=...)``.
REPORT_BUTTON_SHAPE = "Refresh_Report"
REPORT_BUTTON_CELL = "J2"
#: Cohort ages (columns after a heatmap block's listed ones) at most: report.TREND_MONTHS.
MAX_AGES = 24

#: Band row of each sheet of LAYOUT on the Report sheet.
REPORT_BANDS: dict[str, str] = {
    "KPIs": "A7",
    "Trend": "A63",
    "Cohorts": "A92",
    "MRR movements": "A148",
    "NPS": "A177",
    "Ageing": "A220",
    "Retention value": "A231",
    "Customer value": "A248",
    "Data quality": "A282",
    "Definitions": "A410",
}

#: Title cell of each block of LAYOUT on the Report sheet (its anchor there).
REPORT_ANCHORS: dict[str, str] = {
    "meta": "A9",
    "kpis": "A17",
    "notes": "A50",
    "trend": "A65",
    "cohorts_logos": "A94",
    "cohorts_revenue": "A121",
    "mrr_movements": "A150",
    "nps_distribution": "A179",
    "nps_monthly": "A193",
    "ageing": "A222",
    "retention_whatif": "A233",
    "clv_notes": "A250",
    "top_customers": "A259",
    "quality": "A284",
    "data_notes": "A347",
    "definitions": "A412",
}
