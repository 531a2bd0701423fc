"""Where the report goes in a workbook: sheets, anchor cells, columns, units, charts, print.

This is data, not code: the openpyxl exporter, the template's Report sheet and the xlwings
ribbon refresh read it, through the renderer (:mod:`addin.report.render`), so the three look
the same. A block is one table of a :class:`addin.report.Report` (named by its attribute)
written with its title at ``anchor``, its header row just below and its rows below that.
Text (titles, headers, sheet names, the words inside number formats) is named by keys of
:data:`addin.i18n.TEXTS`; header texts may use ``{period}`` and ``{previous}``.

**Units.** :data:`UNITS` is the one table of how each unit is shown: its decimals (the same
on every sheet, in the charts' axes and in the summary's sentences), whether it is a
percentage, money in the report's currency, or a number followed by a word ("27.6 days"),
and how its change reads (a change of a rate is in points: "+1.2 pts"). The renderer builds
every number format of the report from it, in the report's language and currency.

Every block has at most ``max_rows`` rows (the report caps monthly tables at 24 months), so
the anchors are fixed and the blocks of a sheet never overlap (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    """How one unit of the report is shown.

    ``decimals`` everywhere the unit appears; ``percent``: a fraction shown as a percentage;
    ``money``: an amount, with the report's currency when it has one; ``suffix``: the word
    key written after the number ("days"); ``change_suffix``: the word key after a change,
    for units whose change is in another unit (a rate's change is in points).
    """

    decimals: int
    percent: bool = False
    money: bool = False
    suffix: str | None = None
    change_suffix: str | None = None


#: Every unit of the report (``Report.kpis["unit"]``, the what-if's, the tables' columns):
#: one number of decimals per unit on every sheet. A change of a rate is stored in points
#: (the computation multiplies it by 100) and shown "+1.2 pts"; NPS is points already. A
#: cohort's share in a heatmap is its own unit, whole percentages: the colour carries the
#: reading, and 24 months of cohorts print large enough (8 pt or more) only that way.
UNITS: dict[str, Unit] = {
    "%": Unit(1, percent=True, change_suffix="fmt_points"),
    "share": Unit(0, percent=True),
    "count": Unit(0),
    "answers": Unit(0),
    "money": Unit(0, money=True),
    "days": Unit(1, suffix="fmt_days"),
    "points": Unit(1, change_suffix="fmt_points"),
    "ratio": Unit(2),
}


def _plain(unit: Unit) -> str:
    digits = "0." + "0" * unit.decimals if unit.decimals else "0"
    if unit.percent:
        return digits + "%"
    return "#,##" + digits if unit.decimals == 0 else digits


#: The format of each unit with no words and no currency: what a template's empty frame
#: carries before a refresh, and the base the renderer adds the words and the currency to.
UNIT_FORMATS: dict[str, str] = {key: _plain(unit) for key, unit in UNITS.items()}
PERCENT = UNIT_FORMATS["%"]
SHARE = UNIT_FORMATS["share"]
COUNT = UNIT_FORMATS["count"]
MONEY = UNIT_FORMATS["money"]
DAYS = UNIT_FORMATS["days"]
POINTS = UNIT_FORMATS["points"]
RATIO = UNIT_FORMATS["ratio"]
#: Months as "Jan 26"; in a language of :data:`MONTH_LOCALES` with that language's names.
MONTH = "mmm yy"
#: Excel's locale tag of a language whose month names a report writes in its own words.
MONTH_LOCALES: dict[str, str] = {"it": "[$-410]"}

#: The symbol of a currency where one is commonly written; any other code is written as it
#: is ("SEK 12,340").
CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥",
                                    "CNY": "¥", "INR": "₹", "KRW": "₩", "BRL": "R$",
                                    "CAD": "C$", "AUD": "A$", "CHF": "CHF"}
#: Languages that write the currency after the amount ("12.340 €"); the others before it.
CURRENCY_AFTER: frozenset[str] = frozenset({"it"})

#: Colours (RGB hex) of a change for the better / the worse: Excel's "Good" and "Bad" styles.
GOOD_FONT, GOOD_FILL = "006100", "C6EFCE"
BAD_FONT, BAD_FILL = "9C0006", "FFC7CE"
HEADER_FILL = "DDEBF7"
GROUP_FILL = "F2F2F2"
#: Cohort heatmap: a three-colour scale from the lowest (red) through the median to the highest.
HEATMAP_COLOURS = ("F8696B", "FFEB84", "63BE7B")
#: The KPI sheet's sparklines (columns of the last 12 months): bars, the last month marked.
SPARK_COLOUR, SPARK_LAST_COLOUR = "5B9BD5", "1F4E79"

# Formats of the special column kinds below.
BY_UNIT = "by unit"  # the row's unit picks the format
CHANGE = "change"  # the row's unit picks the change's format; coloured by "better"


@dataclass(frozen=True)
class Column:
    """One column of a block: the report's column ``key``, its header and unit.

    ``header`` is an i18n key (default: ``key``); ``unit`` a key of :data:`UNITS` (or
    ``"month"``), from which the renderer makes the format in the report's language and
    currency; ``number_format`` is that format without words or currency (set from the unit)
    or BY_UNIT / CHANGE; ``translate`` is an i18n key prefix applied to the cell values
    (``"unit_"`` turns ``%`` into ``unit_%``); ``width`` fixes the column width
    (characters), else it fits the content; ``wrap`` wraps long text; ``sparkline``: a
    column of the exported sheet that holds each row's sparkline (no value).
    """

    key: str
    header: str | None = None
    number_format: str | None = None
    width: float | None = None
    wrap: bool = False
    translate: str | None = None
    unit: str | None = None
    sparkline: bool = False

    def __post_init__(self):
        if self.number_format is None and self.unit is not None:
            neutral = MONTH if self.unit == "month" else UNIT_FORMATS[self.unit]
            object.__setattr__(self, "number_format", neutral)


@dataclass(frozen=True)
class Chart:
    """A native chart of a block's columns: ``series`` against ``category``.

    ``kind`` is "line", "bar" or "stacked_bar". Series missing from the report's table (a
    KPI without data) are left out; a chart with no series is not drawn. ``unit`` is the
    value axis's unit (its format is the unit's, in the report's language and currency).
    Size in cm; ``colours`` (RGB hex, one per series in order) replace the theme's.
    """

    kind: str
    title: str
    series: tuple[str, ...]
    category: str
    anchor: str
    unit: str = "count"
    width: float = 16.0
    height: float = 7.5
    colours: tuple[str, ...] = ()

    @property
    def y_format(self) -> str:
        """The value axis's format without words or currency (the template's)."""
        return UNIT_FORMATS[self.unit]


@dataclass(frozen=True)
class Block:
    """One table of the report at a fixed place.

    ``kind``: "table" (header row + rows), "pairs" (label/value rows, no header) or "lines"
    (a list of strings, one per row). ``columns`` empty means every column of the table in
    order, each with ``default_format`` (the cohort matrix, whose columns are its ages).
    ``heatmap`` puts a colour scale on the columns that are not listed in ``columns``;
    ``open_columns`` shows such columns without one (the KPIs' last 12 months). ``groups``
    ((word key, row keys) pairs) shows the rows by group under a band row each, on the
    exported sheet. ``printed``: inside the sheet's print area; ``new_page``: printing
    starts a page before it. A "lines" block's lines are the page's lead sentences with
    ``lead``, and on the exported sheet each wraps across ``span`` columns.
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
    open_columns: bool = False
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    printed: bool = True
    new_page: bool = False
    lead: bool = False
    span: int = 1


@dataclass(frozen=True)
class Sheet:
    """A worksheet.

    ``name`` is fixed and English: code and the template's Report sheet find the sheet by
    it; ``title`` is the word key of the exported sheet's name in the report's language.
    ``blocks`` are shared by the exported sheet and the Report sheet's frames; ``exported``,
    when given, are the exported sheet's blocks instead (the KPI page, the cohorts' note).
    Print: ``portrait`` or landscape, ``one_page`` (fit on one page, else fit to the width),
    ``print_titles`` (the rows repeated on every page, "1:2").
    """

    name: str
    blocks: tuple[Block, ...]
    freeze: str | None = None
    title: str = ""
    exported: tuple[Block, ...] | None = None
    portrait: bool = False
    one_page: bool = False
    print_titles: str | None = None

    @property
    def sheet_blocks(self) -> tuple[Block, ...]:
        """The blocks of the exported sheet."""
        return self.exported if self.exported is not None else self.blocks


#: The KPIs of the first page, by group, in order. The report's KPI table holds these rows
#: (the guide's revenue churn "as printed" is in the Definitions only, and the loyal
#: customer rate, the repeat purchase ratio by definition, is said on that row).
KPI_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("group_customers", ("customers_start", "customers_new", "customers_end", "customers_lost",
                         "crr", "churn", "churn_annualised")),
    ("group_revenue", ("mrr", "arpa", "gross_revenue_churn", "net_revenue_churn", "grr", "nrr",
                       "existing_revenue_growth", "quick_ratio", "clv", "clv_churn")),
    ("group_orders", ("repeat_purchase_ratio", "time_between_purchases", "return_rate")),
    ("group_satisfaction", ("nps", "nps_moe", "nps_answers", "dau_mau")),
    ("group_cash", ("dso", "retention_cost")),
)


def _kpi_columns() -> tuple[Column, ...]:
    return (
        Column("label", header="kpi", width=40),
        Column("unit", header="unit", translate="unit_"),
        Column("current", header="current", number_format=BY_UNIT),
        Column("previous", header="previous", number_format=BY_UNIT),
        Column("change", header="change", number_format=CHANGE),
        Column("note", header="note", width=70, wrap=True),
    )


#: The trend's columns: month, then the KPIs with a monthly trend, in this order; short
#: headers (the KPI sheet and the Definitions name them in full).
TREND_COLUMNS: tuple[Column, ...] = (
    Column("month", unit="month"),
    Column("customers_end", header="short_customers_end", unit="count"),
    Column("crr", header="short_crr", unit="%"),
    Column("churn", header="short_churn", unit="%"),
    Column("mrr", header="short_mrr", unit="money"),
    Column("arpa", header="short_arpa", unit="money"),
    Column("gross_revenue_churn", header="short_gross_revenue_churn", unit="%"),
    Column("net_revenue_churn", header="short_net_revenue_churn", unit="%"),
    Column("grr", header="short_grr", unit="%"),
    Column("nrr", header="short_nrr", unit="%"),
    Column("quick_ratio", header="short_quick_ratio", unit="ratio"),
    Column("repeat_purchase_ratio", header="short_repeat_purchase_ratio", unit="%"),
    Column("return_rate", header="short_return_rate", unit="%"),
    Column("dso", header="short_dso", unit="days"),
    Column("nps", header="short_nps", unit="points"),
    Column("dau_mau", header="short_dau_mau", unit="%"),
)

_MOVEMENT_COLUMNS = tuple(
    Column(key, unit="money" if key != "month" else "month")
    for key in ("month", "start_mrr", "new", "expansion", "reactivation", "contraction",
                "churned", "end_mrr")
)

_META = Block("meta", "title", "A1", max_rows=5, kind="pairs",
              columns=(Column("label", width=40), Column("value")))
_NOTES = Block("notes", "notes_title", "A42", max_rows=10, kind="lines")
_COHORTS_LOGOS = Block("cohorts_logos", "cohorts_logos_title", "A1", max_rows=24,
                       columns=(Column("cohort", unit="month", width=11, wrap=True),
                                Column("size", header="cohort_size_logos", unit="count")),
                       default_format=SHARE, heatmap=True)
_COHORTS_REVENUE = Block("cohorts_revenue", "cohorts_revenue_title", "A29", max_rows=24,
                         columns=(Column("cohort", unit="month", width=11, wrap=True),
                                  Column("size", header="cohort_size_revenue", unit="money")),
                         default_format=SHARE, heatmap=True, new_page=True)

#: The block whose rows hold the sparklines' values (the KPIs' last 12 months).
SPARKLINE_VALUES = "kpi_history"

#: The exported KPI sheet, one portrait page: the report's title and what it covers, three
#: sentences, the KPIs by group with a sparkline of their last 12 months, the notes; the
#: sparklines' values beside the page, not printed.
_KPI_PAGE: tuple[Block, ...] = (
    Block("meta", "title", "A1", max_rows=5, kind="pairs",
          columns=(Column("label"), Column("value"))),
    Block("summary", "summary_title", "A8", max_rows=3, kind="lines", lead=True, span=6),
    Block("kpis", "kpis_title", "A13", max_rows=32, groups=KPI_GROUPS, columns=(
        Column("label", header="kpi", width=36, wrap=True),
        Column("current", header="current_short", number_format=BY_UNIT),
        Column("previous", header="previous_short", number_format=BY_UNIT),
        Column("change", header="change", number_format=CHANGE),
        Column("sparkline", header="sparkline", width=13, sparkline=True),
        Column("note", header="note", width=26, wrap=True),
    )),
    Block("notes", "notes_title", "A48", max_rows=10, kind="lines", span=6),
    Block("kpi_history", "kpi_history_title", "I13", max_rows=30, printed=False,
          columns=(Column("label", header="kpi"),), open_columns=True, default_format=BY_UNIT),
)

LAYOUT: tuple[Sheet, ...] = (
    Sheet("KPIs", title="sheet_kpis", blocks=(
        _META,
        Block("kpis", "kpis_title", "A8", max_rows=30, columns=_kpi_columns()),
        _NOTES,
    ), exported=_KPI_PAGE, portrait=True, one_page=True),
    # the trend (24 months at most) prints on one page, its charts on the next: the title
    # row heads both
    Sheet("Trend", title="sheet_trend", freeze="B3", print_titles="1:1", blocks=(
        Block("trend", "trend_title", "A1", max_rows=24, columns=TREND_COLUMNS, charts=(
            Chart("line", "chart_retention", ("crr", "grr", "nrr"), "month", "A29", "%",
                  width=20, height=8.5),
            Chart("line", "chart_churn", ("churn", "gross_revenue_churn", "net_revenue_churn"),
                  "month", "H29", "%", width=20, height=8.5),
            Chart("line", "chart_mrr", ("mrr",), "month", "A48", "money", width=20, height=8.5),
            Chart("line", "chart_nps", ("nps",), "month", "H48", "points", width=20, height=8.5),
        )),
    )),
    Sheet("Cohorts", title="sheet_cohorts", freeze="C3", blocks=(
        _COHORTS_LOGOS, _COHORTS_REVENUE,
    ), exported=(
        _COHORTS_LOGOS, _COHORTS_REVENUE,
        Block("cohort_notes", "cohort_notes_title", "A56", max_rows=4, kind="lines", span=16),
    )),
    Sheet("MRR movements", title="sheet_mrr_movements", freeze="B3", print_titles="1:2", blocks=(
        Block("mrr_movements", "mrr_movements_title", "A1", max_rows=24,
              columns=_MOVEMENT_COLUMNS, charts=(
                  Chart("stacked_bar", "chart_mrr_movements",
                        ("new", "expansion", "reactivation", "contraction", "churned"),
                        "month", "J2", "money", width=20, height=10,
                        colours=("2E7D32", "81C784", "26A69A", "FFA726", "E53935")),
              )),
    )),
    Sheet("NPS", title="sheet_nps", freeze="A3", blocks=(
        Block("nps_distribution", "nps_distribution_title", "A1", max_rows=11, columns=(
            Column("score"), Column("group"), Column("answers", unit="answers"),
            Column("share", unit="%"),
        ), charts=(
            Chart("bar", "chart_nps_distribution", ("answers",), "score", "G2", "answers",
                  colours=("4472C4",)),
        )),
        Block("nps_monthly", "nps_monthly_title", "A17", max_rows=24, new_page=True, columns=(
            Column("month", unit="month"), Column("promoters", unit="answers"),
            Column("passives", unit="answers"), Column("detractors", unit="answers"),
            Column("answers", unit="answers"), Column("nps", unit="points"),
            Column("nps_moe", header="nps_moe", unit="points"),
        )),
    )),
    Sheet("Ageing", title="sheet_ageing", freeze="A3", print_titles="1:2", blocks=(
        Block("ageing", "ageing_title", "A1", max_rows=6, columns=(
            Column("bucket"), Column("invoices", unit="count"),
            Column("amount", unit="money"), Column("share", unit="%"),
        )),
    )),
    # Why retention pays: the template's what-if on the period's churn, ARPA and customers
    # (Report.retention_whatif, one row per item, the value columns by the row's unit)
    Sheet("Retention value", title="sheet_retention_value", freeze="B3", print_titles="1:2",
          blocks=(
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
    Sheet("Customer value", title="sheet_customer_value", print_titles="10:11", portrait=True,
          blocks=(
        Block("clv_notes", "clv_notes_title", "A1", max_rows=6, kind="lines", span=7),
        Block("top_customers", "top_customers_title", "A10", max_rows=20, columns=(
            Column("customer", header="customer_id"),
            Column("clv", header="clv_predicted", unit="money"),
            Column("share", header="share_of_value", unit="%"),
            Column("cumulative_share", header="cumulative_share", unit="%"),
            Column("p_alive", header="p_alive", unit="%"),
            Column("expected_purchases", header="expected_purchases", unit="ratio"),
            Column("expected_spend", header="expected_spend", unit="money"),
        )),
    )),
    Sheet("Data quality", title="sheet_data_quality", freeze="A3", print_titles="1:2", blocks=(
        Block("quality", "quality_title", "A1", max_rows=60, columns=(
            Column("table"), Column("rows_read", unit="count"),
            Column("rows_kept", unit="count"), Column("rows_dropped", unit="count"),
            Column("reason", width=60, wrap=True), Column("first_rows", width=24, wrap=True),
        )),
        Block("data_notes", "data_notes_title", "H1", max_rows=60, kind="lines", span=6),
    )),
    Sheet("Definitions", title="sheet_definitions", freeze="A3", print_titles="1:2", blocks=(
        Block("definitions", "definitions_title", "A1", max_rows=40, columns=(
            Column("label", width=36, wrap=True), Column("definition", width=100, wrap=True),
            Column("source_function", width=40, wrap=True),
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
#: :data:`LAYOUT` (``Sheet.blocks``), in order, one below the other in column A, each sheet's
#: blocks under a band row with the sheet's name. A block keeps its shape from the exporter's
#: sheets: title at its anchor here, then (tables only) the header row, then ``max_rows``
#: rows; a table's columns keep their places (a column without data stays blank instead of
#: closing up, so charts and formulas bound to a column keep finding it), and a heatmap
#: block has room for :data:`MAX_AGES` age columns after its listed ones.
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
