"""Every label of the template workbook, in English and in Italian (the guides' language).

``TEXT[lang][key]`` is one string; ``TEXT[lang]["param"][name]`` labels a metric argument,
``TEXT[lang]["calc"][key]`` is a Calculator row as (label, how the native formula works).
The English notes and errata of the worked examples come from :mod:`addin.guides` (one
source); their Italian versions are here, keyed by example id (``EXAMPLE_TEXT_IT``).
Sheet names are not translated: the data loader, the report writer and the ribbon refresh
find the sheets by name, and one set of names keeps every formula the same in both builds.
"""

from __future__ import annotations

from .languages import LANGUAGES

TEXT: dict[str, dict] = {
    "en": {
        "language_name": "English",
        "days": "days",
        "points": "points",
        "yes": "yes",
        "true": "TRUE",
        "false": "FALSE",
        # ---------------------------------------------------------------- Start here
        "start_title": "Customer retention metrics — template workbook",
        "start_subtitle": (
            "The worked examples of the guides, live: change an input and every number follows. "
            "Replace the sample data with yours and get your report."
        ),
        "start_what": "What this workbook does",
        "start_what_lines": (
            "Guide examples: every worked example of the five retention guides (docs/guides.md), with "
            "the guide's inputs, our Excel function, the same metric as a native Excel formula, "
            "the guide's printed number, a check, and the erratum where the guide is wrong.",
            "Why retention pays: the guides' figures on what retention is worth, quoted, and a "
            "what-if where you type your churn, ARPA, margin, customers and programme cost and see "
            "the value, the ROI and the profit uplift of keeping customers longer.",
            "Sample data: a fictional company's Customers, Subscriptions, Orders, NPS answers, "
            "Invoices, product Activity and retention Costs, one Excel Table per sheet.",
            "Calculator: the guides' metrics computed from those Tables, with our functions beside "
            "native Excel formulas (the Per customer sheet holds the native formulas' helper columns).",
            "Report and Settings: the report period, segment, language and assumptions; the Report "
            "sheet is filled by the ribbon's Refresh button or by `retention report`.",
        ),
        "start_sheets": "The sheets",
        "sheet_desc": {
            "Start here": "this page",
            "Guide examples": "every worked example of the guides, checked against the guide's number",
            "Why retention pays": "the guides' figures on retention, and a what-if: the value, ROI and profit uplift of lower churn",
            "Calculator": "the metrics of the sample data (or of your data), function and native formula side by side",
            "Per customer": "helper columns for the Calculator's native formulas, one row per customer",
            "Report": "the retention report, filled by Refresh (ribbon) or the command line",
            "Settings": "report period, segment, language, gross margin, programme cost, currency",
            "Customers": "Table Customers: customer_id, name, segment, signup_date, churn_date",
            "Subscriptions": "Table Subscriptions: one row per customer and month with its MRR",
            "Orders": "Table Orders: one row per order, with units sold and returned",
            "NPS": "Table NPS_answers: survey answers from 0 to 10 (not named NPS: that is a function)",
            "Invoices": "Table Invoices: issue, due and paid dates (blank = not paid yet)",
            "Activity": "Table Activity: one row per user and active day",
            "Costs": "Table Costs: retention spend per month",
        },
        "start_functions": "Turn on the Python functions",
        "start_functions_lines": (
            "The cells styled as 'Our function' call the add-in's functions (CRR, NPS, TBP, "
            "COHORT_RETENTION, …). Until the add-in is on, they show #NAME?; everything else works.",
            "Classic xlwings (desktop Excel on Windows or macOS): follow the README, section "
            "\"Classic xlwings\".",
            "xlwings Lite (Excel 365, desktop or web, no local Python): follow the README, section "
            "\"xlwings Lite\". The functions are typed without a prefix: =CRR(B5,B6,B7).",
            "xlwings Server (a shared Python server for a team): follow the README, section "
            "\"xlwings Server\".",
        ),
        "start_legend": "Cell styles",
        "legend": {
            "input": ("Input", "type your own numbers or data here"),
            "function": ("Our function", "calls the add-in (shows #NAME? while it is off)"),
            "native": ("Native formula", "plain Excel: works everywhere, no add-in"),
            "guide": ("Guide's number", "as printed in the guide, typed in"),
            "check": ("Check", "TRUE when the native result agrees (green), FALSE otherwise (red)"),
        },
        "start_noaddin": "What works with no add-in at all",
        "start_noaddin_lines": (
            "Every native formula: the Guide examples' native results, checks and corrected "
            "figures, and the Calculator's native column.",
            "The Tables, the Settings and the checks. Excel recalculates the whole workbook when it "
            "opens it.",
            "Without Excel: `retention report` reads these Tables and writes the report.",
        ),
        "start_own_data": "Use your own data",
        "start_own_data_lines": (
            "Paste your rows into each Table under its headers (keep the column names); the "
            "Tables grow and every formula follows.",
            "Choose the period on the Settings sheet: a month, a quarter or a year (blank = the last complete month of the data); the Calculator counts it as the report does.",
            "The Per customer sheet has rows for {rows} customers: copy its last row down if you "
            "have more (the Calculator shows a check).",
        ),
        "start_generated": "Generated by `retention template` (package addin {version}); rebuild it rather than editing its structure.",
        # ---------------------------------------------------------------- Guide examples
        "guide_title": "Guide examples: every worked example of the guides",
        "guide_subtitle": (
            "Yellow cells are the guide's inputs: change one and every number follows. 'Our "
            "function' needs the add-in; the native formula and the check work in any spreadsheet."
        ),
        "guide_summary": "Checks passing",
        "guide_block": "{id} — {metric} (guide {guide})",
        "inputs": "Inputs",
        "purchase_list": "Purchases (a small input Table: add or change rows)",
        "our_function": "Our function",
        "native_formula": "Native Excel formula",
        "guide_says": "The guide says",
        "check_guide": "Check: native = guide, {how}",
        "rounded_to": "rounded to {n} decimals",
        "truncated_to": "cut (not rounded) to {n} decimals",
        "moe_answers": "Answers from the counts, for NPS_MOE (up to {n})",
        "moe_args": "NPS_MOE(answers, confidence): the counts spelled out as 0–10 answers in column F",
        "same_as_native": "Function = native",
        "addin_off": "add-in off",
        "differs": "DIFFERS",
        "note": "Note",
        "erratum": "Erratum",
        "corrected_input": "Corrected: {label}",
        "corrected_figure": "Corrected figure (native formula)",
        "tbp_native_note": (
            "Native formula per purchase row: purchases of one customer on the same day count "
            "once in TBP, twice here (the lists here have none)."
        ),
        "col_customer_id": "customer_id",
        "col_purchase_date": "purchase_date",
        # ---------------------------------------------------------------- Why retention pays
        "why_title": "Why retention pays: what keeping customers is worth",
        "why_subtitle": (
            "What the guides say, quoted with their figures; then a what-if on your own numbers "
            "(yellow cells): the value of lower churn, the return on the programme that brings it "
            "and the profit it adds over the years. 'Our function' needs the add-in; every native "
            "formula and the chart work in any spreadsheet."
        ),
        "why_claims_band": "What the guides say (seeds 000 and 003)",
        "why_claims_head": ("The guides' words", "Figure", "Guide", "What it means here"),
        "why_claims": (
            (
                "“It is 5–25 times more expensive to acquire a new customer than to retain an "
                "existing one.” (000) — “Getting new customers costs companies five to 25 times "
                "more than taking care of existing ones.” (003)",
                "5–25×", "000, 003",
                "Set your acquisition cost (CAC) against what a customer is worth: LTV : CAC and "
                "the CAC payback below. Your retention cost per customer is on the Calculator (CRC).",
            ),
            (
                "“A 5 % increase in customer retention can increase a company's revenue by 25–95 %.” "
                "(000) — “Increasing customer retention by just 5 % increases profits by 95 %.” (003)",
                "+5 % → +25–95 %", "000, 003",
                "The study behind it (Reichheld, Bain & Company) is about profit and 5 points of "
                "yearly retention. With a flat profit per customer, 80 % → 85 % adds 18.5 % after 5 "
                "years and 33.3 % in the long run (worked examples below); the 25–95 % needs profit "
                "per customer growing with tenure (PROFIT_UPLIFT's profit_growth).",
            ),
            (
                "“Customers who have great experiences spend up to 140 % more than those who "
                "don't.” (003)",
                "up to +140 %", "003",
                "A correlation, as the guide says itself, not a cause. Higher spend raises ARPA, "
                "one of the what-if's inputs.",
            ),
            (
                "“Over 90 % of customers with a high-effort interaction became disloyal, versus "
                "under 10 % for easier interactions.” (003, citing a 2019 Gartner study)",
                "> 90 % vs < 10 %", "003",
                "Effort shows up as churn: the churn rate and the churn reduction of the what-if.",
            ),
            (
                "“Low-effort interactions cost companies 37 % less than high-effort ones.” (003)",
                "−37 %", "003",
                "Cheaper service raises the gross margin of the what-if.",
            ),
        ),
        "why_whatif_band": "What-if: your numbers (type over the yellow cells)",
        "why_inputs_head": ("Input", "Value", "What to type"),
        "why_inputs": {
            "customers": ("Customers today (the base)", "paying customers now; the lower churn applies to them"),
            "arpa": ("ARPA per period", "average revenue per customer per period (a month, with monthly churn)"),
            "gross_margin": ("Gross margin", "share of revenue kept after the cost of serving it"),
            "churn": ("Churn per period, today", "the share of customers lost each period (the period of ARPA)"),
            "reduction": ("Churn reduction the programme brings", "in points of churn: 1 % takes 5 % to 4 %"),
            "program_cost": ("Programme cost", "what the retention programme costs in all"),
            "discount": ("Discount rate per period", "0 for none; 0.8 % a month is about 10 % a year"),
            "cac": ("Acquisition cost per customer (CAC)", "what winning one new customer costs"),
            "periods_per_year": ("Periods in a year", "12 with monthly churn and ARPA, 4 quarterly, 1 yearly"),
            "years": ("Years for the profit uplift", "a whole number from 1 to 40"),
        },
        "why_results_head": ("Result", "Our function", "Native formula", "Function = native", "How the native formula works"),
        "why_results": {
            "churn_after": ("Churn per period after the programme", "churn − reduction"),
            "lifetime": ("Expected lifetime today (periods)", "1 / churn"),
            "lifetime_after": ("Expected lifetime after (periods)", "1 / churn after"),
            "clv": ("Customer lifetime value today (margin)", "ARPA × margin × (1 + i) / (i + churn): margin × lifetime when i = 0"),
            "clv_after": ("Customer lifetime value after", "the same at the lower churn"),
            "value": ("Value of the churn reduction", "customers × (CLV after − CLV today)"),
            "roi": ("Return on the programme (ROI)", "(value − cost) / cost"),
            "ltv_cac": ("LTV : CAC today", "CLV today / CAC (3 or more is the usual rule of thumb)"),
            "ltv_cac_after": ("LTV : CAC after", "CLV after / CAC"),
            "payback": ("CAC payback (periods)", "CAC / (ARPA × margin), churn ignored"),
            "retention": ("Yearly retention today", "(1 − churn) ^ periods in a year"),
            "retention_after": ("Yearly retention after", "(1 − churn after) ^ periods in a year"),
            "gain": ("Retention gain (points a year)", "yearly retention after − today"),
            "uplift": ("Profit uplift after the years chosen", "base after / base today − 1, from the year-by-year columns I:K"),
            "uplift_long_run": ("Profit uplift in the long run", "(1 − retention) / (1 − retention after) − 1: the settled base"),
        },
        "why_path_band": "Customer base by year",
        "why_path_head": ("Year", "Today's retention", "After the programme"),
        "why_path_note": (
            "The same new customers every year, as many as keep today's base steady: "
            "customers × (1 − yearly retention). Each year: base × retention + new customers."
        ),
        "why_chart_title": "Customer base over the years",
        "why_chart_x": "Years from now",
        "why_chart_y": "Customers",
        "why_examples_band": "The worked examples (checks: they stay green whatever you type above)",
        "why_examples_head": ("Worked example", "Our function", "Native formula", "Function = native", "The example says", "Check", "How the native formula works"),
        "why_examples": {
            "value": ("Value: 1,000 customers, churn 5 % → 4 %", "1,000 × (100 × 0.8 / 0.04 − 100 × 0.8 / 0.05)"),
            "clv": ("CLV at churn 5 % (ARPA 100, margin 80 %)", "100 × 0.8 / 0.05 (CLV_CHURN)"),
            "clv_after": ("CLV at churn 4 %", "100 × 0.8 / 0.04"),
            "roi": ("ROI of a 100,000 programme worth 400,000", "(400,000 − 100,000) / 100,000"),
            "lifetime": ("Customer lifetime at churn 5 % a month", "1 / 0.05 = 20 months"),
            "uplift_5": ("Profit uplift, retention 80 % + 5 points, 5 years", "((1 − 0.85⁵) / 0.15 + 0.85⁵ / 0.20) × 0.20 − 1"),
            "uplift_200": ("… after 200 years: the long run", "the same, 200 years (1/0.15 ÷ 1/0.20 − 1)"),
            "ltv_cac": ("LTV : CAC with LTV 1,600 and CAC 400", "1,600 / 400"),
            "payback": ("CAC payback: CAC 400, ARPA 100, margin 80 %", "400 / (100 × 0.8) = 5 months"),
        },
        # ---------------------------------------------------------------- Calculator
        "calc_title": "Calculator: the guides' metrics on the data Tables",
        "calc_subtitle": (
            "Computed from the Tables of this workbook for the period on Settings, counted as "
            "the report counts it (its Definitions sheet): each figure here is the report's for "
            "the same period and data. Whole company: the Report applies the segment. Column B "
            "uses our functions, column C native Excel formulas."
        ),
        "calc_head": ("Metric", "Our function", "Native formula", "Function = native", "How the native formula works"),
        "calc_sections": {
            "period": "Report period (Settings), read as the report reads it",
            "customers": "Customers (Customers Table: signup and churn dates)",
            "revenue": "Recurring revenue (Subscriptions), CLV and retention cost",
            "orders": "Orders of the period",
            "nps": "Net Promoter Score (answers dated within the period)",
            "invoices": "Invoices",
            "engagement": "Engagement (Activity)",
            "movements": "MRR movements, month by month (spilled by MRR_MOVEMENTS)",
            "cohorts": "Cohort retention by month of first subscription (spilled by COHORT_RETENTION)",
        },
        "calc": {
            "months": ("Months in the period", "12 for a year (2026), 3 for a quarter (2026-Q3), 1 for a month (2026-09) or a date"),
            "first": ("First month of the period", "Settings_Period; blank = the last complete month of the data"),
            "month": ("Last month of the period", "EDATE(first month, months − 1)"),
            "prev": ("Month before the period: the start", "EDATE(first month, −1)"),
            "month_end": ("Last day of the period", "EOMONTH(last month, 0)"),
            "window_start": ("First of the 12 months to the period end (for CLV)", "EDATE(last month, −11)"),
            "data_first": ("First month of the data", "the earliest date or month in the Tables"),
            "last_day": ("Last day of the data", "the latest date in Orders, NPS_answers, Invoices and Activity"),
            "complete": ("Last complete month of the data", "the last day's month if that day ends it, else the month before"),
            "margin": ("Gross margin, as the report reads it", "Settings_GrossMargin: 0.8 and 80 % are 80 %, a number over 1 is a percentage (80); blank = 100 %"),
            "currency": ("Currency of the amounts", "Settings_Currency, an ISO code such as EUR; blank = none named"),
            "coverage": ("Check: Per customer rows cover every customer", "ROWS(Customers[customer_id]) ≤ the rows of the Per customer sheet"),
            "S": ("Customers at the start (S): signed up before the period, not churned before it", "COUNTIFS on Customers' signup and churn dates"),
            "N": ("New customers (N): signed up within the period", "COUNTIFS on Customers[signup_date]"),
            "E": ("Customers at the end (E): signed up by the period end, not churned by then", "COUNTIFS on Customers' signup and churn dates"),
            "L": ("Lost customers (L): customers of S who churned within the period", "COUNTIFS on Customers' signup and churn dates"),
            "new_end": ("New customers still active at the end", "N − new customers who churned within the period: the N of the retention rate"),
            "crr": ("Customer retention rate", "(E − new customers still active) / S  (guides 000, 001): E counts no one lost in the period"),
            "churn": ("Customer churn rate of the period", "L / S  (guides 002, 004)"),
            "annual_churn": ("Annualised churn", "1 − (1 − churn)^(periods in a year)"),
            "mrr_start": ("MRR at the start (the month before the period)", "SUMIFS(Subscriptions[mrr], Subscriptions[month], month before)"),
            "mrr_end": ("MRR at the end (the period's last month)", "SUMIFS(Subscriptions[mrr], Subscriptions[month], last month)"),
            "paying": ("Accounts paying in the last month", "COUNTIF over Per customer's MRR of the last month, > 0"),
            "new_mrr": ("New MRR (new and reactivated customers)", "MRR at the end of customers with no MRR at the start"),
            "expansion": ("Expansion MRR", "rises of customers paying at the start and at the end"),
            "contraction": ("Contraction MRR", "falls of customers paying at the start and at the end"),
            "churned_mrr": ("Churned MRR", "MRR at the start of customers with no MRR at the end"),
            "existing_end": ("MRR at the end of the customers paying at the start", "SUMIFS on Per customer: existing customers only"),
            "reconciles": ("Check: Per customer totals equal Subscriptions", "sums of both MRR columns = MRR at the start and at the end"),
            "grc": ("Gross revenue churn", "(churned + contraction) / MRR at the start"),
            "nrc": ("Net revenue churn", "(churned + contraction − expansion) / MRR at the start"),
            "grr": ("Gross revenue retention (GRR)", "1 − gross revenue churn"),
            "nrr": ("Net revenue retention (NRR)", "1 − net revenue churn"),
            "quick": ("Quick ratio", "(new + expansion) / (churned + contraction)"),
            "growth": ("Existing-customer revenue growth", "(existing customers' MRR at the end − MRR at the start) / MRR at the start  (guide 004)"),
            "arpa": ("ARPA: average MRR per paying account", "MRR at the end / accounts paying in the last month"),
            "clv_churn": ("CLV from churn", "ARPA × months in the period × gross margin / churn"),
            "annual_revenue": ("Revenue of the 12 months to the period end", "MRR of Subscriptions + amounts of Orders in those months"),
            "customers_12": ("Customers with revenue in those 12 months", "Per customer: MRR or orders in the 12 months"),
            "lifespan": ("Average customer lifespan in years", "(1 / churn) periods ÷ periods in a year"),
            "clv": ("Customer lifetime value (guides 002, 004)", "revenue of the 12 months / customers × lifespan; #N/A when the 12 months start before the data (the report leaves it blank)"),
            "spend": ("Retention spend in the period", "SUMIFS(Costs[retention_spend]) over the period's months"),
            "costs_months": ("Months of the period with a Costs row", "COUNTIFS(Costs[month]) over the period's months"),
            "crc": ("Customer retention cost per customer served", "retention spend / (S + N)  (guide 002); #N/A when a month has no Costs row"),
            "ordering": ("Customers who ordered in the period", "COUNTIF over Per customer's orders in the period, ≥ 1"),
            "repeat": ("… with two or more orders up to the period end", "COUNTIFS: orders in the period ≥ 1, orders up to its end ≥ 2"),
            "rpr": ("Repeat purchase ratio", "customers with 2+ orders / customers who ordered  (guide 004)"),
            "loyal": ("Loyal customer rate (the same count as the repeat purchase ratio)", "customers who bought more than once / customers  (guide 004)"),
            "units": ("Units sold in the period", "SUMIFS(Orders[units]) of the period's orders"),
            "returned": ("Units returned in the period", "SUMIFS(Orders[units_returned]) of the period's orders"),
            "return_rate": ("Product return rate", "units returned / units sold  (guide 004)"),
            "tbp": ("Time between purchases (days)", "AVERAGE of Per customer's gaps: the period's buyers with 2+ purchase days up to its end  (guide 004)"),
            "answers": ("Answers in the period", "COUNTIFS(NPS_answers[score], …, NPS_answers[date] within the period)"),
            "promoters": ("Promoters (9–10)", "COUNTIFS(NPS_answers[score], \">=9\", …)"),
            "passives": ("Passives (7–8)", "COUNTIFS between 7 and 8"),
            "detractors": ("Detractors (0–6)", "COUNTIFS(NPS_answers[score], \"<=6\", …)"),
            "nps": ("Net Promoter Score", "(promoters − detractors) / answers × 100"),
            "nps_moe": ("NPS margin of error (95 %)", "1.96 × √((p + d − (p − d)²) / n) × 100"),
            "receivables": ("Receivables at the period end", "invoices issued by then and not paid by then"),
            "sales": ("Invoiced in the period", "SUMIFS of the period's invoices"),
            "days": ("Days of the period the data covers", "MIN(last day of the period, last day of the data) − first day + 1"),
            "dso": ("Days sales outstanding", "receivables / invoiced in the period × days  (guide 004)"),
            "dau_mau": ("DAU / MAU of the period's last month", "no native formula: distinct users of a month need UNIQUE, which LibreOffice 7.4 lacks"),
        },
        "calc_spill_note": "The function fills the cells below and to the right (a spilled range); #NAME? while the add-in is off.",
        # ---------------------------------------------------------------- Per customer
        "pc_title": "Per customer: helper columns for the Calculator's native formulas",
        "pc_subtitle": (
            "One row per row of Customers, for the Calculator's period. Copy the last row down if "
            "you have more customers than rows. Printed: the first rows only."
        ),
        "pc_head": (
            "#", "customer_id", "segment", "MRR month before the period", "MRR last month",
            "MRR 12 months", "orders 12 months", "orders in the period",
            "ordered in the period", "orders up to the end", "purchase days up to the end",
            "first order", "last order up to the end", "average gap (days)",
        ),
        # ---------------------------------------------------------------- Report
        "report_title": "Retention report",
        "report_status_label": "Status",
        "report_status": "Not refreshed yet: press Refresh on the ribbon, or run `retention report` on this workbook.",
        "report_block_empty": "(filled by Refresh)",
        "report_layout_note": (
            "Refresh writes the report's blocks below: the same blocks, titles and columns as "
            "the sheets of a report exported with `retention report`, one after the other. Each "
            "block's range has a defined name Report_<block>."
        ),
        "report_rows": "up to {n} rows",
        "report_button": "Refresh report",
        "period_placeholder": "period",
        "previous_placeholder": "previous period",
        # ---------------------------------------------------------------- Settings
        "settings_title": "Settings",
        "settings_subtitle": "The report and the Calculator read these cells (by their defined names).",
        "settings_head": ("Setting", "Value", "Defined name", "What it means"),
        "settings": {
            "Settings_Period": ("Report period", "a year (2026), a quarter (2026-Q3), a month (2026-09) or a date; blank = the last complete month of the data"),
            "Settings_Granularity": ("Trend granularity", "month or quarter"),
            "Settings_Segment": ("Segment", "a value of Customers[segment]; blank = all customers"),
            "Settings_Language": ("Report language", "en (English) or it (Italiano)"),
            "Settings_GrossMargin": ("Gross margin", "share of revenue kept after the cost of serving it (for CLV)"),
            "Settings_ProgramCost": ("Retention programme cost", "cost of the programme whose return you measure (for ROI)"),
            "Settings_Currency": ("Currency", "the currency of the amounts, an ISO 4217 code such as EUR, USD or GBP; blank = none named"),
        },
        "granularities": ("month", "quarter"),
        "settings_language_error": "Choose en or it.",
        "settings_period_help": "A year (2026), a quarter (2026-Q3), a month (2026-09) or a date; blank = the last complete month of the data.",
        "settings_margin_help": "A share of revenue from 0 to 1 (0.8 or 80 %); a number over 1 is a percentage (80 = 80 %). Blank = 100 %, with a note in the report.",
        "settings_cost_help": "An amount of 0 or more, e.g. 50000. Blank = no ROI, with a note in the report.",
        "settings_currency_help": "An ISO 4217 currency code such as EUR, USD or GBP (any case). Blank = no currency named.",
        "settings_currencies": "ISO 4217 codes (the Currency cell's list)",
        "settings_columns_title": "Columns of your own files",
        "settings_columns_help": "When your data does not use our column names, say here which header holds which column: one row each, e.g. Table Orders, Column customer_id, Header Kunde (as --map Orders.customer_id=Kunde on the command line). Leave empty when the headers are ours.",
    },
    "it": {
        "language_name": "Italiano",
        "days": "giorni",
        "points": "punti",
        "yes": "sì",
        "true": "VERO",
        "false": "FALSO",
        "start_title": "Metriche di fidelizzazione dei clienti — cartella di lavoro modello",
        "start_subtitle": (
            "Gli esempi delle guide, vivi: cambia un dato e ogni numero si aggiorna. Sostituisci i "
            "dati di esempio con i tuoi e ottieni il tuo report."
        ),
        "start_what": "Che cosa fa questa cartella",
        "start_what_lines": (
            "Esempi delle guide: ogni esempio svolto delle cinque guide sulla fidelizzazione "
            "(docs/guides.md), con i dati della guida, la nostra funzione Excel, la stessa metrica come "
            "formula nativa di Excel, il numero stampato nella guida, un controllo e l'errata dove "
            "la guida sbaglia.",
            "Why retention pays: i numeri delle guide su quanto vale la fidelizzazione, citati, e un "
            "what-if in cui scrivi abbandono, ARPA, margine, clienti e costo del programma e vedi "
            "valore, ROI e aumento dei profitti del tenere i clienti più a lungo.",
            "Dati di esempio: Clienti, Abbonamenti, Ordini, risposte NPS, Fatture, Attività sul "
            "prodotto e Costi di fidelizzazione di un'azienda immaginaria, una Tabella Excel per foglio.",
            "Calcolatore: le metriche delle guide calcolate da quelle Tabelle, con le nostre "
            "funzioni accanto alle formule native (il foglio Per customer contiene le colonne di "
            "appoggio delle formule native).",
            "Report e Settings: periodo, segmento, lingua e ipotesi del report; il foglio Report "
            "si riempie con il pulsante Aggiorna della barra multifunzione o con `retention report`.",
        ),
        "start_sheets": "I fogli",
        "sheet_desc": {
            "Start here": "questa pagina",
            "Guide examples": "ogni esempio svolto delle guide, confrontato con il numero della guida",
            "Why retention pays": "i numeri delle guide sulla fidelizzazione e un what-if: valore, ROI e aumento dei profitti di un abbandono più basso",
            "Calculator": "le metriche dei dati di esempio (o dei tuoi), funzione e formula nativa affiancate",
            "Per customer": "colonne di appoggio per le formule native del Calcolatore, una riga per cliente",
            "Report": "il report di fidelizzazione, riempito da Aggiorna o dalla riga di comando",
            "Settings": "periodo del report, segmento, lingua, margine lordo, costo del programma, valuta",
            "Customers": "Tabella Customers: customer_id, name, segment, signup_date, churn_date",
            "Subscriptions": "Tabella Subscriptions: una riga per cliente e mese con il suo MRR",
            "Orders": "Tabella Orders: una riga per ordine, con unità vendute e rese",
            "NPS": "Tabella NPS_answers: risposte al sondaggio da 0 a 10 (non si chiama NPS: è una funzione)",
            "Invoices": "Tabella Invoices: date di emissione, scadenza e pagamento (vuota = non pagata)",
            "Activity": "Tabella Activity: una riga per utente e giorno di attività",
            "Costs": "Tabella Costs: spesa di fidelizzazione per mese",
        },
        "start_functions": "Attivare le funzioni Python",
        "start_functions_lines": (
            "Le celle con lo stile 'Nostra funzione' chiamano le funzioni del componente "
            "aggiuntivo (CRR, NPS, TBP, COHORT_RETENTION, …). Finché non è attivo mostrano #NOME?; "
            "tutto il resto funziona.",
            "xlwings classico (Excel desktop su Windows o macOS): segui il README, sezione "
            "\"Classic xlwings\".",
            "xlwings Lite (Excel 365, desktop o web, senza Python locale): segui il README, sezione "
            "\"xlwings Lite\". Le funzioni si scrivono senza prefisso: =CRR(B5;B6;B7).",
            "xlwings Server (un server Python condiviso per un gruppo): segui il README, sezione "
            "\"xlwings Server\".",
        ),
        "start_legend": "Stili delle celle",
        "legend": {
            "input": ("Dato", "scrivi qui i tuoi numeri o i tuoi dati"),
            "function": ("Nostra funzione", "chiama il componente aggiuntivo (#NOME? finché è spento)"),
            "native": ("Formula nativa", "Excel puro: funziona ovunque, senza componente aggiuntivo"),
            "guide": ("Numero della guida", "come stampato nella guida, digitato"),
            "check": ("Controllo", "VERO quando il risultato nativo concorda (verde), FALSO altrimenti (rosso)"),
        },
        "start_noaddin": "Che cosa funziona senza componente aggiuntivo",
        "start_noaddin_lines": (
            "Ogni formula nativa: i risultati nativi degli esempi, i controlli e le cifre "
            "corrette, e la colonna nativa del Calcolatore.",
            "Le Tabelle, le impostazioni e i controlli. Excel ricalcola tutta la cartella "
            "all'apertura.",
            "Senza Excel: `retention report` legge queste Tabelle e scrive il report.",
        ),
        "start_own_data": "Usare i propri dati",
        "start_own_data_lines": (
            "Incolla le tue righe in ogni Tabella sotto le intestazioni (lascia i nomi delle "
            "colonne); le Tabelle si allungano e ogni formula le segue.",
            "Scegli il periodo nel foglio Settings: un mese, un trimestre o un anno (vuoto = l'ultimo mese completo dei dati); il Calcolatore lo conta come il report.",
            "Il foglio Per customer ha righe per {rows} clienti: se ne hai di più copia l'ultima "
            "riga verso il basso (il Calcolatore mostra un controllo).",
        ),
        "start_generated": "Generata da `retention template` (pacchetto addin {version}); ricostruiscila invece di modificarne la struttura.",
        "guide_title": "Esempi delle guide: ogni esempio svolto",
        "guide_subtitle": (
            "Le celle gialle sono i dati della guida: cambiane uno e ogni numero si aggiorna. "
            "'Nostra funzione' richiede il componente aggiuntivo; la formula nativa e il "
            "controllo funzionano in qualunque foglio di calcolo."
        ),
        "guide_summary": "Controlli superati",
        "guide_block": "{id} — {metric} (guida {guide})",
        "inputs": "Dati",
        "purchase_list": "Acquisti (una piccola Tabella di dati: aggiungi o cambia righe)",
        "our_function": "Nostra funzione",
        "native_formula": "Formula nativa di Excel",
        "guide_says": "La guida dice",
        "check_guide": "Controllo: nativa = guida, {how}",
        "rounded_to": "arrotondato a {n} decimali",
        "truncated_to": "troncato (non arrotondato) a {n} decimali",
        "moe_answers": "Risposte dai conteggi, per NPS_MOE (fino a {n})",
        "moe_args": "NPS_MOE(risposte; confidenza): i conteggi scritti come risposte 0–10 nella colonna F",
        "same_as_native": "Funzione = nativa",
        "addin_off": "add-in spento",  # short: it stands in a check cell
        "differs": "DIVERSO",
        "note": "Nota",
        "erratum": "Errata",
        "corrected_input": "Corretto: {label}",
        "corrected_figure": "Cifra corretta (formula nativa)",
        "tbp_native_note": (
            "Formula nativa per riga di acquisto: gli acquisti di un cliente nello stesso giorno "
            "contano una volta in TBP, due volte qui (in questi elenchi non ce ne sono)."
        ),
        "col_customer_id": "customer_id",
        "col_purchase_date": "purchase_date",
        "why_title": "Why retention pays: quanto vale tenere i clienti",
        "why_subtitle": (
            "Che cosa dicono le guide, citate con i loro numeri; poi un what-if sui tuoi numeri "
            "(celle gialle): il valore di un abbandono più basso, il ritorno del programma che lo "
            "porta e i profitti che aggiunge negli anni. 'Nostra funzione' richiede il componente "
            "aggiuntivo; ogni formula nativa e il grafico funzionano in qualunque foglio di calcolo."
        ),
        "why_claims_band": "Che cosa dicono le guide (seed 000 e 003)",
        "why_claims_head": ("Le parole delle guide", "Numero", "Guida", "Che cosa significa qui"),
        "why_claims": (
            (
                "«È 5-25 volte più costoso acquisire un nuovo cliente che fidelizzare un cliente "
                "esistente.» (000) — «Ottenere nuovi clienti costa alle aziende da cinque a 25 volte "
                "di più che prendersi cura di quelli esistenti.» (003)",
                "5–25×", "000, 003",
                "Confronta il tuo costo di acquisizione (CAC) con quanto vale un cliente: LTV : CAC "
                "e il rientro del CAC qui sotto. Il costo di fidelizzazione per cliente è nel "
                "Calcolatore (CRC).",
            ),
            (
                "«Un aumento del 5% nella fidelizzazione dei clienti può aumentare le entrate "
                "dell'azienda del 25-95%.» (000) — «L'aumento della fidelizzazione dei clienti di "
                "appena il 5% aumenta i profitti del 95%.» (003)",
                "+5 % → +25–95 %", "000, 003",
                "Lo studio da cui viene (Reichheld, Bain & Company) parla di profitti e di 5 punti "
                "di fidelizzazione annua. Con un profitto per cliente costante, 80 % → 85 % aggiunge "
                "il 18,5 % dopo 5 anni e il 33,3 % nel lungo periodo (esempi qui sotto); il 25–95 % "
                "richiede un profitto per cliente che cresce con l'anzianità (profit_growth di "
                "PROFIT_UPLIFT).",
            ),
            (
                "«I clienti che hanno grandi esperienze spendono fino al 140% in più rispetto a "
                "quelli che non lo fanno.» (003)",
                "fino a +140 %", "003",
                "Una correlazione, come dice la guida stessa, non una causa. Una spesa più alta "
                "alza l'ARPA, uno dei dati del what-if.",
            ),
            (
                "«Oltre il 90% dei clienti con un'interazione ad alto sforzo è diventato sleale "
                "rispetto a meno del 10% per interazioni più facili.» (003, da uno studio Gartner "
                "del 2019)",
                "> 90 % vs < 10 %", "003",
                "Lo sforzo si vede nell'abbandono: il tasso di abbandono e la sua riduzione nel "
                "what-if.",
            ),
            (
                "«…con interazioni a basso sforzo che costano alle aziende il 37% in meno rispetto "
                "a quelle ad alto sforzo.» (003)",
                "−37 %", "003",
                "Un servizio meno costoso alza il margine lordo del what-if.",
            ),
        ),
        "why_whatif_band": "What-if: i tuoi numeri (scrivi sopra le celle gialle)",
        "why_inputs_head": ("Dato", "Valore", "Che cosa scrivere"),
        "why_inputs": {
            "customers": ("Clienti oggi (la base)", "clienti paganti ora; l'abbandono più basso vale per loro"),
            "arpa": ("ARPA per periodo", "ricavo medio per cliente per periodo (un mese, con abbandono mensile)"),
            "gross_margin": ("Margine lordo", "quota dei ricavi che resta dopo il costo del servizio"),
            "churn": ("Abbandono per periodo, oggi", "la quota di clienti persi ogni periodo (il periodo dell'ARPA)"),
            "reduction": ("Riduzione dell'abbandono portata dal programma", "in punti di abbandono: 1 % porta 5 % a 4 %"),
            "program_cost": ("Costo del programma", "quanto costa in tutto il programma di fidelizzazione"),
            "discount": ("Tasso di sconto per periodo", "0 per nessuno; 0,8 % al mese è circa il 10 % all'anno"),
            "cac": ("Costo di acquisizione per cliente (CAC)", "quanto costa conquistare un nuovo cliente"),
            "periods_per_year": ("Periodi in un anno", "12 con abbandono e ARPA mensili, 4 trimestrali, 1 annuali"),
            "years": ("Anni per l'aumento dei profitti", "un numero intero da 1 a 40"),
        },
        "why_results_head": ("Risultato", "Nostra funzione", "Formula nativa", "Funzione = nativa", "Come funziona la formula nativa"),
        "why_results": {
            "churn_after": ("Abbandono per periodo dopo il programma", "abbandono − riduzione"),
            "lifetime": ("Durata attesa oggi (periodi)", "1 / abbandono"),
            "lifetime_after": ("Durata attesa dopo (periodi)", "1 / abbandono dopo"),
            "clv": ("Valore del cliente nel tempo oggi (margine)", "ARPA × margine × (1 + i) / (i + abbandono); con i = 0 margine × durata"),
            "clv_after": ("Valore del cliente nel tempo dopo", "lo stesso con l'abbandono più basso"),
            "value": ("Valore della riduzione dell'abbandono", "clienti × (CLV dopo − CLV oggi)"),
            "roi": ("Ritorno del programma (ROI)", "(valore − costo) / costo"),
            "ltv_cac": ("LTV : CAC oggi", "CLV oggi / CAC (3 o più è la regola pratica)"),
            "ltv_cac_after": ("LTV : CAC dopo", "CLV dopo / CAC"),
            "payback": ("Rientro del CAC (periodi)", "CAC / (ARPA × margine), abbandono ignorato"),
            "retention": ("Fidelizzazione annua oggi", "(1 − abbandono) ^ periodi in un anno"),
            "retention_after": ("Fidelizzazione annua dopo", "(1 − abbandono dopo) ^ periodi in un anno"),
            "gain": ("Guadagno di fidelizzazione (punti all'anno)", "fidelizzazione annua dopo − oggi"),
            "uplift": ("Aumento dei profitti dopo gli anni scelti", "base dopo / base oggi − 1, dalle colonne anno per anno I:K"),
            "uplift_long_run": ("Aumento dei profitti nel lungo periodo", "(1 − fidelizzazione) / (1 − fidelizzazione dopo) − 1: la base assestata"),
        },
        "why_path_band": "Base clienti anno per anno",
        "why_path_head": ("Anno", "Fidelizzazione di oggi", "Dopo il programma"),
        "why_path_note": (
            "Gli stessi nuovi clienti ogni anno, tanti quanti tengono ferma la base di oggi: "
            "clienti × (1 − fidelizzazione annua). Ogni anno: base × fidelizzazione + nuovi clienti."
        ),
        "why_chart_title": "Base clienti negli anni",
        "why_chart_x": "Anni da oggi",
        "why_chart_y": "Clienti",
        "why_examples_band": "Gli esempi svolti (controlli: restano verdi qualunque cosa scrivi sopra)",
        "why_examples_head": ("Esempio svolto", "Nostra funzione", "Formula nativa", "Funzione = nativa", "L'esempio dice", "Controllo", "Come funziona la formula nativa"),
        "why_examples": {
            "value": ("Valore: 1.000 clienti, abbandono 5 % → 4 %", "1.000 × (100 × 0,8 / 0,04 − 100 × 0,8 / 0,05)"),
            "clv": ("CLV con abbandono 5 % (ARPA 100, margine 80 %)", "100 × 0,8 / 0,05 (CLV_CHURN)"),
            "clv_after": ("CLV con abbandono 4 %", "100 × 0,8 / 0,04"),
            "roi": ("ROI di un programma da 100.000 che vale 400.000", "(400.000 − 100.000) / 100.000"),
            "lifetime": ("Durata del cliente con abbandono 5 % al mese", "1 / 0,05 = 20 mesi"),
            "uplift_5": ("Profitti, fidelizzazione 80 % + 5 punti, 5 anni", "((1 − 0,85⁵) / 0,15 + 0,85⁵ / 0,20) × 0,20 − 1"),
            "uplift_200": ("… dopo 200 anni: il lungo periodo", "lo stesso, 200 anni (1/0,15 ÷ 1/0,20 − 1)"),
            "ltv_cac": ("LTV : CAC con LTV 1.600 e CAC 400", "1.600 / 400"),
            "payback": ("Rientro del CAC: CAC 400, ARPA 100, margine 80 %", "400 / (100 × 0,8) = 5 mesi"),
        },
        "calc_title": "Calcolatore: le metriche delle guide sulle Tabelle dei dati",
        "calc_subtitle": (
            "Calcolate dalle Tabelle di questa cartella per il periodo di Settings, contate come "
            "le conta il report (il suo foglio delle definizioni): ogni cifra qui è quella del "
            "report per lo stesso periodo e gli stessi dati. Tutta l'azienda: il report applica "
            "il segmento. La colonna B usa le nostre funzioni, la colonna C formule native di Excel."
        ),
        "calc_head": ("Metrica", "Nostra funzione", "Formula nativa", "Funzione = nativa", "Come funziona la formula nativa"),
        "calc_sections": {
            "period": "Periodo del report (Settings), letto come lo legge il report",
            "customers": "Clienti (Tabella Customers: date di iscrizione e di abbandono)",
            "revenue": "Ricavi ricorrenti (Subscriptions), CLV e costo di fidelizzazione",
            "orders": "Ordini del periodo",
            "nps": "Net Promoter Score (risposte datate nel periodo)",
            "invoices": "Fatture",
            "engagement": "Coinvolgimento (Activity)",
            "movements": "Movimenti dell'MRR, mese per mese (espansi da MRR_MOVEMENTS)",
            "cohorts": "Fidelizzazione per coorte del mese del primo abbonamento (espansa da COHORT_RETENTION)",
        },
        "calc": {
            "months": ("Mesi del periodo", "12 per un anno (2026), 3 per un trimestre (2026-Q3), 1 per un mese (2026-09) o una data"),
            "first": ("Primo mese del periodo", "Settings_Period; vuoto = l'ultimo mese completo dei dati"),
            "month": ("Ultimo mese del periodo", "DATA.MESE(primo mese; mesi − 1)"),
            "prev": ("Mese prima del periodo: l'inizio", "DATA.MESE(primo mese; −1)"),
            "month_end": ("Ultimo giorno del periodo", "FINE.MESE(ultimo mese; 0)"),
            "window_start": ("Primo dei 12 mesi fino alla fine del periodo (per il CLV)", "DATA.MESE(ultimo mese; −11)"),
            "data_first": ("Primo mese dei dati", "la data o il mese più vecchio delle Tabelle"),
            "last_day": ("Ultimo giorno dei dati", "la data più recente di Orders, NPS_answers, Invoices e Activity"),
            "complete": ("Ultimo mese completo dei dati", "il mese dell'ultimo giorno se quel giorno lo chiude, altrimenti il mese prima"),
            "margin": ("Margine lordo, come lo legge il report", "Settings_GrossMargin: 0,8 e 80 % sono 80 %, un numero oltre 1 è una percentuale (80); vuoto = 100 %"),
            "currency": ("Valuta degli importi", "Settings_Currency, un codice ISO come EUR; vuoto = nessuna"),
            "coverage": ("Controllo: le righe di Per customer coprono ogni cliente", "RIGHE(Customers[customer_id]) ≤ le righe del foglio Per customer"),
            "S": ("Clienti all'inizio (S): iscritti prima del periodo, non persi prima", "CONTA.PIÙ.SE sulle date di iscrizione e di abbandono di Customers"),
            "N": ("Nuovi clienti (N): iscritti nel periodo", "CONTA.PIÙ.SE su Customers[signup_date]"),
            "E": ("Clienti alla fine (E): iscritti entro la fine del periodo, non persi entro allora", "CONTA.PIÙ.SE sulle date di iscrizione e di abbandono di Customers"),
            "L": ("Clienti persi (L): clienti di S persi nel periodo", "CONTA.PIÙ.SE sulle date di iscrizione e di abbandono di Customers"),
            "new_end": ("Nuovi clienti ancora attivi alla fine", "N − nuovi clienti persi nel periodo: la N del tasso di fidelizzazione"),
            "crr": ("Tasso di fidelizzazione dei clienti", "(E − nuovi ancora attivi) / S  (guide 000, 001): E non conta nessun cliente perso nel periodo"),
            "churn": ("Tasso di abbandono dei clienti del periodo", "L / S  (guide 002, 004)"),
            "annual_churn": ("Abbandono annualizzato", "1 − (1 − abbandono)^(periodi in un anno)"),
            "mrr_start": ("MRR all'inizio (il mese prima del periodo)", "SOMMA.PIÙ.SE(Subscriptions[mrr]; Subscriptions[month]; mese prima)"),
            "mrr_end": ("MRR alla fine (l'ultimo mese del periodo)", "SOMMA.PIÙ.SE(Subscriptions[mrr]; Subscriptions[month]; ultimo mese)"),
            "paying": ("Clienti paganti nell'ultimo mese", "CONTA.SE sull'MRR dell'ultimo mese in Per customer, > 0"),
            "new_mrr": ("MRR nuovo (clienti nuovi e riattivati)", "MRR alla fine dei clienti senza MRR all'inizio"),
            "expansion": ("MRR di espansione", "aumenti dei clienti paganti all'inizio e alla fine"),
            "contraction": ("MRR di contrazione", "riduzioni dei clienti paganti all'inizio e alla fine"),
            "churned_mrr": ("MRR perso", "MRR all'inizio dei clienti senza MRR alla fine"),
            "existing_end": ("MRR alla fine dei clienti paganti all'inizio", "SOMMA.PIÙ.SE su Per customer: solo clienti esistenti"),
            "reconciles": ("Controllo: i totali di Per customer coincidono con Subscriptions", "somme delle due colonne di MRR = MRR all'inizio e alla fine"),
            "grc": ("Abbandono lordo dei ricavi", "(perso + contrazione) / MRR all'inizio"),
            "nrc": ("Abbandono netto dei ricavi", "(perso + contrazione − espansione) / MRR all'inizio"),
            "grr": ("Fidelizzazione lorda dei ricavi (GRR)", "1 − abbandono lordo dei ricavi"),
            "nrr": ("Fidelizzazione netta dei ricavi (NRR)", "1 − abbandono netto dei ricavi"),
            "quick": ("Quick ratio", "(nuovo + espansione) / (perso + contrazione)"),
            "growth": ("Crescita dei ricavi dei clienti esistenti", "(MRR finale dei clienti esistenti − MRR all'inizio) / MRR all'inizio  (guida 004)"),
            "arpa": ("ARPA: MRR medio per cliente pagante", "MRR alla fine / clienti paganti nell'ultimo mese"),
            "clv_churn": ("CLV dall'abbandono", "ARPA × mesi del periodo × margine lordo / abbandono"),
            "annual_revenue": ("Ricavi dei 12 mesi fino alla fine del periodo", "MRR di Subscriptions + importi di Orders in quei mesi"),
            "customers_12": ("Clienti con ricavi in quei 12 mesi", "Per customer: MRR od ordini nei 12 mesi"),
            "lifespan": ("Durata media del cliente in anni", "(1 / abbandono) periodi ÷ periodi in un anno"),
            "clv": ("Valore del ciclo di vita del cliente (guide 002, 004)", "ricavi dei 12 mesi / clienti × durata; #N/D se i 12 mesi iniziano prima dei dati (il report lo lascia vuoto)"),
            "spend": ("Spesa di fidelizzazione nel periodo", "SOMMA.PIÙ.SE(Costs[retention_spend]) sui mesi del periodo"),
            "costs_months": ("Mesi del periodo con una riga in Costs", "CONTA.PIÙ.SE(Costs[month]) sui mesi del periodo"),
            "crc": ("Costo di fidelizzazione per cliente servito", "spesa di fidelizzazione / (S + N)  (guida 002); #N/D se un mese non ha una riga in Costs"),
            "ordering": ("Clienti che hanno ordinato nel periodo", "CONTA.SE sugli ordini del periodo in Per customer, ≥ 1"),
            "repeat": ("… con due o più ordini fino alla fine del periodo", "CONTA.PIÙ.SE: ordini nel periodo ≥ 1, ordini fino alla fine ≥ 2"),
            "rpr": ("Tasso di riacquisto", "clienti con 2+ ordini / clienti che hanno ordinato  (guida 004)"),
            "loyal": ("Tasso di clienti fedeli (lo stesso conteggio del tasso di riacquisto)", "clienti che hanno comprato più di una volta / clienti  (guida 004)"),
            "units": ("Unità vendute nel periodo", "SOMMA.PIÙ.SE(Orders[units]) degli ordini del periodo"),
            "returned": ("Unità rese nel periodo", "SOMMA.PIÙ.SE(Orders[units_returned]) degli ordini del periodo"),
            "return_rate": ("Tasso di reso dei prodotti", "unità rese / unità vendute  (guida 004)"),
            "tbp": ("Tempo tra gli acquisti (giorni)", "MEDIA degli intervalli in Per customer: chi ha comprato nel periodo con 2+ giorni di acquisto fino alla fine  (guida 004)"),
            "answers": ("Risposte nel periodo", "CONTA.PIÙ.SE(NPS_answers[score]; …; NPS_answers[date] nel periodo)"),
            "promoters": ("Promotori (9–10)", "CONTA.PIÙ.SE(NPS_answers[score]; \">=9\"; …)"),
            "passives": ("Passivi (7–8)", "CONTA.PIÙ.SE tra 7 e 8"),
            "detractors": ("Detrattori (0–6)", "CONTA.PIÙ.SE(NPS_answers[score]; \"<=6\"; …)"),
            "nps": ("Net Promoter Score", "(promotori − detrattori) / risposte × 100"),
            "nps_moe": ("Margine di errore dell'NPS (95 %)", "1,96 × √((p + d − (p − d)²) / n) × 100"),
            "receivables": ("Crediti alla fine del periodo", "fatture emesse entro allora e non pagate entro allora"),
            "sales": ("Fatturato nel periodo", "SOMMA.PIÙ.SE delle fatture del periodo"),
            "days": ("Giorni del periodo coperti dai dati", "MIN(ultimo giorno del periodo; ultimo giorno dei dati) − primo giorno + 1"),
            "dso": ("Giorni medi di incasso (DSO)", "crediti / fatturato del periodo × giorni  (guida 004)"),
            "dau_mau": ("DAU / MAU dell'ultimo mese del periodo", "nessuna formula nativa: gli utenti distinti di un mese richiedono UNICI, che LibreOffice 7.4 non ha"),
        },
        "calc_spill_note": "La funzione riempie le celle sotto e a destra (un intervallo espanso); #NOME? finché il componente aggiuntivo è spento.",
        "pc_title": "Per customer: colonne di appoggio per le formule native del Calcolatore",
        "pc_subtitle": (
            "Una riga per riga di Customers, per il periodo del Calcolatore. Se hai più clienti "
            "che righe copia l'ultima riga verso il basso. In stampa: solo le prime righe."
        ),
        "pc_head": (
            "#", "customer_id", "segmento", "MRR mese prima del periodo", "MRR ultimo mese",
            "MRR 12 mesi", "ordini 12 mesi", "ordini nel periodo",
            "ha ordinato nel periodo", "ordini fino alla fine", "giorni di acquisto fino alla fine",
            "primo ordine", "ultimo ordine fino alla fine", "intervallo medio (giorni)",
        ),
        "report_title": "Report di fidelizzazione",
        "report_status_label": "Stato",
        "report_status": "Non ancora aggiornato: premi Aggiorna sulla barra multifunzione, o esegui `retention report` su questa cartella.",
        "report_block_empty": "(riempito da Aggiorna)",
        "report_layout_note": (
            "Aggiorna scrive qui sotto i blocchi del report: gli stessi blocchi, titoli e colonne "
            "dei fogli di un report esportato con `retention report`, uno dopo l'altro. "
            "L'intervallo di ogni blocco ha un nome definito Report_<blocco>."
        ),
        "report_rows": "fino a {n} righe",
        "report_button": "Aggiorna report",
        "period_placeholder": "periodo",
        "previous_placeholder": "periodo precedente",
        "settings_title": "Impostazioni",
        "settings_subtitle": "Il report e il Calcolatore leggono queste celle (con i loro nomi definiti).",
        "settings_head": ("Impostazione", "Valore", "Nome definito", "Significato"),
        "settings": {
            "Settings_Period": ("Periodo del report", "un anno (2026), un trimestre (2026-Q3), un mese (2026-09) o una data; vuoto = l'ultimo mese completo dei dati"),
            "Settings_Granularity": ("Granularità degli andamenti", "month (mese) o quarter (trimestre)"),
            "Settings_Segment": ("Segmento", "un valore di Customers[segment]; vuoto = tutti i clienti"),
            "Settings_Language": ("Lingua del report", "en (English) o it (Italiano)"),
            "Settings_GrossMargin": ("Margine lordo", "quota dei ricavi che resta dopo il costo del servizio (per il CLV)"),
            "Settings_ProgramCost": ("Costo del programma di fidelizzazione", "costo del programma di cui misuri il ritorno (per il ROI)"),
            "Settings_Currency": ("Valuta", "la valuta degli importi, un codice ISO 4217 come EUR, USD o GBP; vuoto = nessuna"),
        },
        "granularities": ("month", "quarter"),
        "settings_language_error": "Scegli en o it.",
        "settings_period_help": "Un anno (2026), un trimestre (2026-Q3), un mese (2026-09) o una data; vuoto = l'ultimo mese completo dei dati.",
        "settings_margin_help": "Una quota dei ricavi da 0 a 1 (0,8 o 80 %); un numero oltre 1 è una percentuale (80 = 80 %). Vuoto = 100 %, con una nota nel report.",
        "settings_cost_help": "Un importo di 0 o più, per esempio 50000. Vuoto = niente ROI, con una nota nel report.",
        "settings_currency_help": "Un codice di valuta ISO 4217 come EUR, USD o GBP (maiuscolo o minuscolo). Vuoto = nessuna valuta.",
        "settings_currencies": "Codici ISO 4217 (l'elenco della cella Valuta)",
        "settings_columns_title": "Colonne dei vostri file",
        "settings_columns_help": "Se i vostri dati non usano i nostri nomi di colonna, indicate qui quale intestazione contiene quale colonna: una riga ciascuna, ad es. Table Orders, Column customer_id, Header Cliente (come --map Orders.customer_id=Cliente dalla riga di comando). Lasciare vuota se le intestazioni sono le nostre.",
    },
}

#: Labels of the metric functions' arguments (the Guide examples' input rows).
PARAM: dict[str, dict[str, str]] = {
    "en": {
        "start_customers": "Customers at the start (S)",
        "end_customers": "Customers at the end (E)",
        "new_customers": "New customers in the period (N)",
        "lost_customers": "Customers lost in the period (L)",
        "mrr_start": "MRR at the start",
        "mrr_end": "MRR at the end",
        "expansion_mrr": "Expansion MRR (upgrades)",
        "churned_mrr": "Churned MRR",
        "contraction_mrr": "Contraction MRR",
        "returning_customers": "Returning customers",
        "total_customers": "Total customers",
        "repeat_customers": "Repeat customers",
        "units_returned": "Units returned",
        "units_sold": "Units sold",
        "receivables": "Accounts receivable",
        "revenue": "Revenue (credit sales)",
        "days": "Days in the period",
        "promoters": "Promoters (9–10)",
        "passives": "Passives (7–8)",
        "detractors": "Detractors (0–6)",
        "confidence": "Confidence level",
    },
    "it": {
        "start_customers": "Clienti all'inizio (S)",
        "end_customers": "Clienti alla fine (E)",
        "new_customers": "Nuovi clienti nel periodo (N)",
        "lost_customers": "Clienti persi nel periodo (L)",
        "mrr_start": "MRR all'inizio",
        "mrr_end": "MRR alla fine",
        "expansion_mrr": "MRR di espansione (upgrade)",
        "churned_mrr": "MRR perso",
        "contraction_mrr": "MRR di contrazione",
        "returning_customers": "Clienti che ritornano",
        "total_customers": "Clienti totali",
        "repeat_customers": "Clienti ricorrenti",
        "units_returned": "Unità rese",
        "units_sold": "Unità vendute",
        "receivables": "Crediti verso clienti",
        "revenue": "Ricavi (vendite a credito)",
        "days": "Giorni del periodo",
        "promoters": "Promotori (9–10)",
        "passives": "Passivi (7–8)",
        "detractors": "Detrattori (0–6)",
        "confidence": "Livello di confidenza",
    },
}

#: Italian metric names, notes, input descriptions and errata of addin.guides.EXAMPLES.
EXAMPLE_TEXT_IT: dict[str, dict[str, str]] = {
    "000-a": {"metric": "Tasso di fidelizzazione dei clienti"},
    "000-b": {
        "metric": "Tasso di fidelizzazione dei clienti",
        "note": "31 / 44 = 70,45 %; la guida arrotonda a 70 %.",
    },
    "004-Sep": {"metric": "Tasso di abbandono dei clienti"},
    "004-Oct": {
        "metric": "Tasso di abbandono dei clienti",
        "note": "5,115 %; la guida lo tronca a 5,11 %.",
        "erratum": (
            "La guida scrive (9.775 − 9.225) / 9.755: il conteggio finale è 9.275 e il divisore "
            "9.775; il suo risultato 5,11 % è giusto per 500 / 9.775. (S − E) / S con i nuovi "
            "clienti in E sottostima l'abbandono: 2,25 % per settembre."
        ),
    },
    "004-rev": {
        "metric": "Tasso di abbandono dei ricavi (come stampato)",
        "note": "Illustrazione di docs/guides.md (l'immagine d'esempio della guida è andata persa).",
        "erratum": (
            "La formula della guida 004 conta due volte l'espansione quando MRR_end comprende già "
            "gli upgrade: è giusta solo con MRR_end misurato prima degli upgrade. Usa l'abbandono "
            "lordo o netto dei ricavi."
        ),
    },
    "004-rev-gross": {
        "metric": "Abbandono lordo dei ricavi",
        "note": "Definizione standard, illustrazione di docs/guides.md.",
    },
    "004-rev-net": {
        "metric": "Abbandono netto dei ricavi",
        "note": "Definizione standard, illustrazione di docs/guides.md.",
    },
    "004-rev-grr": {
        "metric": "Fidelizzazione lorda dei ricavi (GRR)",
        "note": "Definizione standard, illustrazione di docs/guides.md.",
    },
    "004-rev-nrr": {
        "metric": "Fidelizzazione netta dei ricavi (NRR)",
        "note": "Definizione standard, illustrazione di docs/guides.md.",
    },
    "004-growth-Sep": {"metric": "Crescita dei ricavi dei clienti esistenti"},
    "004-growth-Oct": {
        "metric": "Crescita dei ricavi dei clienti esistenti",
        "note": (
            "Settembre finisce a 45.000 $, ottobre comincia a 57.500 $: la differenza è l'MRR dei "
            "nuovi clienti, che questa metrica esclude. Ogni mese è giusto da solo."
        ),
    },
    "004-rpr": {"metric": "Tasso di riacquisto"},
    "004-returns": {"metric": "Tasso di reso dei prodotti"},
    "004-dso-annual": {
        "metric": "Giorni medi di incasso (DSO)",
        "erratum": (
            "La guida usa come crediti i 75.000 $ incassati; i crediti sono i 25.000 $ non ancora "
            "incassati: 25.000 / 100.000 × 365 = 91,25 giorni."
        ),
    },
    "004-dso-monthly": {
        "metric": "Giorni medi di incasso (DSO)",
        "erratum": (
            "La guida moltiplica un rapporto annuo per 31 giorni; il DSO mensile è crediti di fine "
            "mese / vendite del mese × giorni: 25.000 / (100.000 / 12) × 31 = 93,0."
        ),
    },
    "004-nps": {"metric": "Net Promoter Score", "note": "58,8 % − 11,8 % = 47,06."},
    "004-nps-moe": {
        "metric": "Margine di errore dell'NPS (95 %)",
        "note": (
            "Non è nelle guide: è ciò che serve all'analista accanto all'NPS (intervallo da 32,3 "
            "a 61,9)."
        ),
    },
    "004-tbp-one": {
        "metric": "Tempo tra gli acquisti (un cliente)",
        "inputs_text": "acquisti al giorno 0, 7 e 21 (intervalli di 7 e 14 giorni)",
    },
    "004-tbp": {
        "metric": "Tempo tra gli acquisti",
        "inputs_text": (
            "5 clienti ricorrenti con intervalli medi di 10,5, 5, 8, 6,5 e 10 giorni (somma 40) e "
            "1 cliente che ha comprato una volta sola"
        ),
        "note": (
            "La tabella per cliente della guida è un'immagine persa; questi clienti riproducono la "
            "sua somma di 40 giorni."
        ),
    },
    "004-loyal": {
        "metric": "Tasso di clienti fedeli",
        "inputs_text": "2.000 clienti esistenti + 3.000 nuovi ricorrenti su 20.000",
        "note": "La guida dice \"media\"; è una somma.",
    },
}


def text(lang: str) -> dict:
    """The labels of one language (KeyError for a language we do not have)."""
    if lang not in TEXT:
        raise KeyError(f"no template labels for language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return TEXT[lang]
