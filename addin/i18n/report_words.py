"""The report's words in English and Italian: one plain dict, no logic beyond a lookup.

``TEXTS[lang][key]`` is the text; a few texts have ``{placeholders}`` filled as
``str.format`` fills them, except that a number given a format (``{customers:,.0f}``) is
written with the language's thousands and decimal marks (1,234.5 in English, 1.234,5 in
Italian; :func:`number_text` writes a number the same way). The report, the exporter and
the template builder all read this dict, so a label is translated once: the sheet names,
the words inside number formats ("days", "pts"), the month names, the data reader's notes
and drop reasons (``data_*``, ``q_*``: the reader's English messages, matched and said in
the report's language by :mod:`addin.report.say`). A KPI's definition in English is its metric functions'
own docstrings, quoted (``defn_*`` is ``{quoted}``); the other languages say it in their words.
"""

from __future__ import annotations

import numbers
import string


TEXTS: dict[str, dict[str, str]] = {
    "en": {
        # --- KPI labels
        "customers_start": "Customers at the start (S)",
        "customers_new": "New customers (N)",
        "customers_end": "Customers at the end (E)",
        "customers_lost": "Customers lost (L)",
        "crr": "Customer retention rate (CRR)",
        "churn": "Customer churn rate",
        "churn_annualised": "Customer churn, annualised",
        "mrr": "MRR",
        "arpa": "ARPA (MRR per paying account)",
        "revenue_churn_guide": "Revenue churn (guide 004, as printed)",
        "gross_revenue_churn": "Gross revenue churn",
        "net_revenue_churn": "Net revenue churn",
        "grr": "Gross revenue retention (GRR)",
        "nrr": "Net revenue retention (NRR)",
        "existing_revenue_growth": "Existing-customer revenue growth",
        "quick_ratio": "Quick ratio",
        "repeat_purchase_ratio": "Repeat purchase ratio",
        "loyal_customer_rate": "Loyal customer rate",
        "time_between_purchases": "Time between purchases",
        "return_rate": "Product return rate",
        "dso": "Days sales outstanding (DSO)",
        "nps": "Net Promoter Score (NPS)",
        "nps_moe": "NPS margin of error (95 %)",
        "nps_answers": "NPS answers",
        "clv": "Customer lifetime value (guides)",
        "clv_churn": "Customer lifetime value (from churn)",
        "retention_cost": "Retention cost per customer",
        "dau_mau": "DAU / MAU",
        # --- units
        "unit_%": "%",
        "unit_count": "customers",
        "unit_answers": "answers",
        "unit_money": "money",
        "unit_days": "days",
        "unit_points": "points",
        "unit_ratio": "ratio",
        # --- sheet and block titles
        "title": "Retention report",
        "kpis_title": "Key figures",
        "trend_title": "Monthly trend",
        "cohorts_logos_title": "Cohort retention: customers still active (share of the cohort)",
        "cohorts_revenue_title": "Cohort retention: revenue (share of the cohort's first-month revenue)",
        "mrr_movements_title": "MRR movements per month",
        "nps_distribution_title": "NPS answers in the period (0-10)",
        "nps_monthly_title": "NPS by month",
        "ageing_title": "Receivables ageing at the period end",
        "quality_title": "Data quality: rows read, kept and dropped",
        "data_notes_title": "Notes from reading the data",
        "definitions_title": "Definitions",
        "notes_title": "Notes",
        # --- chart titles
        "chart_retention": "Retention (CRR, GRR, NRR)",
        "chart_churn": "Churn (customers and revenue)",
        "chart_mrr": "MRR",
        "chart_nps": "NPS (points)",
        "chart_mrr_movements": "MRR movements",
        "chart_nps_distribution": "NPS answers by score",
        # --- column headers
        "kpi": "KPI",
        "unit": "Unit",
        "current": "Current ({period})",
        "previous": "Previous ({previous})",
        "change": "Change",
        "note": "Note",
        "month": "Month",
        "cohort": "Cohort",
        "size": "Size",
        "cohort_size_logos": "Customers",
        "cohort_size_revenue": "Month-0 revenue",
        "months_since": "M{k}",
        "start_mrr": "MRR at start",
        "new": "New",
        "expansion": "Expansion",
        "reactivation": "Reactivation",
        "contraction": "Contraction",
        "churned": "Churned",
        "end_mrr": "MRR at end",
        "score": "Score",
        "group": "Group",
        "answers": "Answers",
        "share": "Share",
        "promoters": "Promoters",
        "passives": "Passives",
        "detractors": "Detractors",
        "bucket": "Days past due",
        "invoices": "Invoices",
        "amount": "Amount",
        "table": "Table",
        "rows_read": "Rows read",
        "rows_kept": "Rows kept",
        "rows_dropped": "Rows dropped",
        "reason": "Reason",
        "definition": "Definition",
        "source_function": "Source",
        "label": "Item",
        "value": "Value",
        # --- meta
        "period": "Period",
        "previous_period": "Previous period",
        "segment": "Segment",
        "all_segments": "all segments",
        "source": "Data source",
        "data_range": "Data from / to",
        # --- retention value (what-if) and customer value (predictive CLV)
        "retention_whatif_title": "What-if: the value of lower churn, from the period's customers, churn and ARPA",
        "whatif_today": "Today ({period})",
        "whatif_cut_10": "Churn −10 %",
        "whatif_cut_20": "Churn −20 %",
        "whatif_cut_30": "Churn −30 %",
        "whatif_customers": "Customers at the end of the period (the base)",
        "whatif_churn": "Customer churn per period",
        "whatif_retention": "Yearly retention",
        "whatif_margin": "Gross margin",
        "whatif_arpa": "ARPA per period",
        "whatif_clv": "Customer lifetime value (margin)",
        "whatif_value": "Value of the churn cut",
        "whatif_cost": "Retention programme cost",
        "whatif_roi": "Return on the programme (ROI)",
        "whatif_uplift_5": "Profit uplift after 5 years",
        "whatif_uplift_10": "Profit uplift after 10 years",
        "whatif_note_churn": "the scenarios cut the period's churn by 10, 20 and 30 %",
        "whatif_note_retention": "(1 − churn) ^ periods in a year",
        "whatif_note_margin": "from the settings",
        "whatif_note_arpa": "MRR × months in the period / paying customers",
        "whatif_note_clv": "ARPA × gross margin / churn, not discounted",
        "whatif_note_value": "customers × (CLV at the lower churn − CLV today)",
        "whatif_note_cost": "from the settings",
        "whatif_note_roi": "(value − cost) / cost",
        "whatif_note_uplift": "yearly retention today → after the cut, the same new customers each year, profit per customer flat (Reichheld)",
        "no_program_cost": "n/a — no programme cost given (Settings_ProgramCost, or --program-cost)",
        "clv_notes_title": "Predicted customer value",
        "top_customers_title": "Most valuable customers: the top 20 by predicted CLV (next 52 weeks)",
        "customer_id": "Customer",
        "clv_predicted": "Predicted CLV",
        "share_of_value": "Share of the total",
        "cumulative_share": "Cumulative share",
        "p_alive": "P(alive)",
        "expected_purchases": "Expected purchases",
        "expected_spend": "Expected spend per purchase",
        "clv_model_note": (
            "Predicted customer lifetime value over the next 52 weeks: BG/NBD (purchases) and "
            "Gamma-Gamma (spend per purchase) fitted to the Orders up to {end} ({customers:,.0f} "
            "customers, {repeat:,.0f} repeat buyers); revenue (no margin applied), not discounted."
        ),
        "clv_top_share": "The top {n} customers hold {percent:,.1f} % of the total predicted value ({top:,.0f} of {total:,.0f}).",
        "clv_spend_excluded": "{n} repeat buyer(s) whose repeat orders total 0 are left out of the spend model (they still get a forecast).",
        "clv_negative": "{n} order(s) with a negative amount (refunds) are left out.",
        "clv_skipped": "{n} order(s) with a blank amount are left out.",
        "clv_too_few": (
            "n/a — too few repeat buyers to fit the model: it needs at least {needed} customers who "
            "bought on 2 or more days; the Orders up to {end} have {have} (of {customers} customers)."
        ),
        "clv_no_model": "n/a — the model could not be fitted: {reason}",
        "clv_no_orders": "n/a — no orders up to {end}",
        "rule_whatif_label": "What-if: the value of lower churn",
        "rule_whatif": (
            "From the period's customers at the end, churn and ARPA (MRR × months in the period / "
            "paying customers), with the gross margin and programme cost of the settings. CLV = ARPA "
            "× margin / churn; the value of a churn cut = customers × (CLV at the lower churn − CLV "
            "today); ROI = (value − cost) / cost; profit uplift: yearly retention (1 − churn)^periods "
            "in a year today and after the cut, the same new customers every year, profit per "
            "customer flat (Reichheld). The scenarios cut the period's churn by 10, 20 and 30 %."
        ),
        "rule_clv_label": "Most valuable customers (predictive CLV)",
        "rule_clv": (
            "BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader & Hardie 2013) fitted to the "
            "Orders up to the period end (at least 10 repeat buyers needed), in weeks; predicted "
            "CLV = expected purchases in the next 52 weeks × expected spend per purchase, revenue, "
            "not discounted. Orders with a negative amount are left out."
        ),
        # --- notes and n/a
        "needs_table": "n/a — needs the {tables} table",
        "before_data": "n/a — the data starts in {start}",
        "table_or": " or ",
        "previous_note": "previous period: {note}",
        "no_segment_costs": "n/a — retention spend (Costs) is not split by segment",
        "no_segment_activity": "n/a — Activity is not linked to customers, so it has no segment",
        "needs_columns": "n/a — needs the {columns} column(s) of {table}",
        "erratum_revenue_churn": "guide 004 as printed: expansion counts twice when MRR at the end includes upgrades; see net revenue churn",
        "default_margin": "gross margin 100 % (no gross margin given)",
        "not_provided": "not provided: the KPIs that need it show n/a",
        "default_period": "Period {period}: the last complete month in the data.",
        "incomplete_period": "Period {period} is not complete: the data ends on {end}.",
        "cohort_source": "Cohorts are built from the {table} table (first month with activity).",
        "no_movements": "MRR movements need Subscriptions with at least two months of data.",
        # --- groups and buckets
        "detractor": "detractor",
        "passive": "passive",
        "promoter": "promoter",
        "bucket_current": "not yet due",
        "bucket_1_30": "1-30",
        "bucket_31_60": "31-60",
        "bucket_61_90": "61-90",
        "bucket_90": "over 90",
        "total": "Total",
        # --- how a period is counted (written into the Definitions sheet)
        "def_customers": "Counted as in the rule \"Customers S, N, E, L\" below.",
        "def_mrr": "MRR = the sum of Subscriptions' MRR in the period's last month.",
        "def_nps_answers": "The number of NPS answers (0-10) dated within the period.",
        "rule_customers_label": "Customers S, N, E, L",
        "rule_customers": (
            "S = customers active at the period start (signed up before it, not churned before it); "
            "N = signed up within the period; E = active at the period end; L = customers of S whose "
            "churn date falls within the period. CRR uses for N the new customers still active at "
            "the end (E counts no one lost in the period). Without a Customers table a customer is active in a "
            "month when its MRR in Subscriptions is above 0: S = paying in the month before the period, "
            "N = paying in the period but not in the month before (new or back), E = paying in the "
            "period's last month, L = customers of S not paying in the period's last month."
        ),
        "rule_mrr_label": "MRR and its movements",
        "rule_mrr": (
            "MRR is the sum of Subscriptions' MRR in the period's last month; MRR at the start is the "
            "month before the period. Movements compare each customer's MRR in the period's last month "
            "with the month before the period. Existing customers are those paying at the start. ARPA = "
            "MRR / accounts paying in the last month. Quick ratio counts reactivated MRR as new MRR."
        ),
        "rule_orders_label": "Repeat purchases, returns",
        "rule_orders": (
            "Repeat purchase ratio and loyal customer rate: of the customers who ordered in the period, "
            "the share with two or more orders counting all their orders up to the period end. Time "
            "between purchases: the guide's method over those repeat customers, on their orders up to "
            "the period end (orders of one day count once). Return rate: units returned / units sold, "
            "orders of the period."
        ),
        "rule_nps_dso_label": "NPS, DSO",
        "rule_nps_dso": (
            "NPS: answers dated within the period. DSO: receivables open at the period end (invoices "
            "issued up to then, unpaid at the end) / invoices issued in the period × days in the period "
            "(up to the data's last day when the period runs past it). "
            "Ageing: the open invoices at the period end by days past their due date."
        ),
        "rule_other_label": "CLV, retention cost, DAU/MAU",
        "rule_other": (
            "Churn, lifespan and CLV use the period's customer churn; lifespan in years = (1 / churn) "
            "periods ÷ periods in a year. CLV (guides): revenue of the 12 months ending with the period "
            "(MRR plus orders) / customers with revenue in them × lifespan in years. CLV (from churn): "
            "ARPA × months in the period × gross margin / churn. Annualised churn compounds the period's "
            "churn. Retention cost: Costs' retention spend in the period / (S + N). DAU/MAU: the period's "
            "last month."
        ),
        # --- sheet names of the exported workbook
        "sheet_kpis": "KPIs",
        "sheet_trend": "Trend",
        "sheet_cohorts": "Cohorts",
        "sheet_mrr_movements": "MRR movements",
        "sheet_nps": "NPS",
        "sheet_ageing": "Ageing",
        "sheet_retention_value": "Retention value",
        "sheet_customer_value": "Customer value",
        "sheet_data_quality": "Data quality",
        "sheet_definitions": "Definitions",
        # --- words inside number formats and dates, the page footer
        "fmt_days": "days",
        "fmt_points": "pts",
        "month_names": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "page_footer": "Page &P of &N",
        # --- the first page
        "summary_title": "In short",
        "summary_rose": "{what} rose to {value} ({change})",
        "summary_fell": "{what} fell to {value} ({change})",
        "summary_held": "{what} unchanged at {value}",
        "summary_is": "{what} {value}",
        "say_customers_end": "customers at the period end",
        "say_churn": "customer churn",
        "say_crr": "customer retention",
        "say_nrr": "net revenue retention",
        "say_mrr": "MRR",
        "say_grr": "gross revenue retention",
        "say_nps": "NPS",
        "say_repeat_purchase_ratio": "repeat purchases",
        "say_dso": "days sales outstanding",
        "say_return_rate": "returns",
        "group_customers": "Customers",
        "group_revenue": "Revenue and customer value",
        "group_orders": "Orders",
        "group_satisfaction": "Satisfaction and engagement",
        "group_cash": "Cash and costs",
        "current_short": "{period}",
        "previous_short": "{previous}",
        "sparkline": "Last 12 months",
        "kpi_history_title": "The sparklines' values: each KPI in the last 12 months (not printed)",
        "repeat_and_loyal": "Repeat purchase ratio = loyal customer rate",
        "same_by_definition": "one row for both: the same buyers, the same number",
        # --- the trend's short headers
        "short_customers_end": "Customers (end)",
        "short_crr": "CRR",
        "short_churn": "Churn",
        "short_mrr": "MRR",
        "short_arpa": "ARPA",
        "short_gross_revenue_churn": "Gross revenue churn",
        "short_net_revenue_churn": "Net revenue churn",
        "short_grr": "GRR",
        "short_nrr": "NRR",
        "short_quick_ratio": "Quick ratio",
        "short_repeat_purchase_ratio": "Repeat purchase",
        "short_return_rate": "Returns",
        "short_dso": "DSO",
        "short_nps": "NPS",
        "short_dau_mau": "DAU/MAU",
        # --- cohorts
        "cohort_open": "{month} or earlier",
        "cohort_notes_title": "About the cohorts",
        "cohort_open_note": (
            "The first cohort, \"{month} or earlier\", holds every customer already active when "
            "the {table} data starts ({size:,.0f} customers), not one month's sign-ups: it is "
            "labelled so and kept apart by its label (the tables average no cohorts)."
        ),
        "cohort_open_before": "Of its {size:,.0f} customers, {before:,.0f} signed up before {month}.",
        # --- the data source
        "source_sample": "the bundled sample company (generated data): {tables} tables, {rows:,.0f} rows",
        "source_read": "{place}: {tables} tables, {rows:,.0f} rows read",
        "source_folder": "folder {name}",
        "source_file": "file {name}",
        "source_given": "tables given directly: {tables} tables, {rows:,.0f} rows",
        "source_excel": "Excel function {functions}",
        "source_report": "the report's counting (rules below)",
        # --- undefined values, in the analyst's words
        "undefined_no_orders": "undefined: no orders in the period",
        "undefined_12_months": "undefined: needs 12 months of revenue up to {end}; the data starts in {start}",
        "undefined_no_costs": "undefined: Costs has no row for {month}",
        "undefined_no_activity": "undefined: no activity",
        "undefined_no_activity_in": "undefined: no Activity in {month}",
        "core_zero": "undefined: {what} is 0",
        "core_no_churn": "undefined: churn is 0, so customers never leave (infinite lifetime)",
        "core_two_months": "undefined: MRR movements need at least two months of data",
        "core_infinite_value": "undefined: churn is 0, so the customer value is infinite (customers never leave; future margin is not discounted)",
        "core_no_steady_state": "undefined: retention is 100 %, so today's customer base has no steady state (nobody ever leaves)",
        "what_start_customers": "customers at the start",
        "what_total_customers": "customers who ordered",
        "what_units_sold": "units sold",
        "what_mau": "monthly active users",
        "what_answers": "the number of answers",
        "what_repeat_customers": "the number of repeat customers",
        "what_mrr_start": "MRR at the start",
        "what_lost_mrr": "lost MRR (churned + contraction)",
        "what_revenue": "revenue of the period",
        "what_customers": "the number of customers",
        "what_churn": "churn",
        "what_program_cost": "the programme cost",
        "what_cac": "the acquisition cost",
        "what_margin_arpa": "ARPA × gross margin",
        # --- the data reader's notes
        "data_decimal_comma": "{files}: numbers read with a decimal comma (1.234,56 is 1234.56), as detected from the file; if that is wrong, give the decimal mark (--decimal .).",
        "data_ignored": "Ignored {names}: not a table name ({tables}).",
        "data_cp1252": "{name} is not UTF-8: read as Windows-1252 (Western European) text.",
        "data_month_first": "{place}: dates read month first (MM/DD/YYYY), as some only make sense that way; if that is wrong, give the date format (--date-format %d/%m/%Y).",
        "data_day_first": "{place}: dates such as 03/04/2026 read day first (DD/MM/YYYY), as nothing in the column tells the order; if they are month first, give the date format (--date-format %m/%d/%Y).",
        "data_place": "{file}, column {column}",
        "data_place_sheet": "{file} (sheet {sheet}), column {column}",
        # --- why the data reader dropped rows (its reasons, {col} a column of the data)
        "q_blank": "blank {col}",
        "q_number": "not a number in {col}",
        "q_date": "not a date in {col}",
        "q_impossible": "impossible date in {col}",
        "q_ambiguous": "ambiguous date in {col}",
        "q_range": "date out of range in {col}",
        "q_excel": "Excel error value in {col}",
        "q_negative": "negative {col}",
        "q_fraction": "{col} not a whole number",
        "q_outside": "{col} outside 0-10",
        "q_units_returned": "units_returned more than units",
        "q_churn_before": "churn_date before signup_date",
        "q_due_before": "due_date before issue_date",
        "q_duplicate_customer": "duplicate customer_id",
        "q_repeated_subscription": "repeated customer_id and month (mrr added up)",
        "q_duplicate_order": "duplicate order_id",
        "q_duplicate_invoice": "duplicate invoice_id",
        "q_repeated_activity": "repeated user_id and date",
        "q_repeated_costs": "repeated month (retention_spend added up)",
        "q_unknown_customer": "customer_id not in Customers: {rows} kept",
        "q_rows": "{n} rows",
        "q_row": "1 row",
        # --- a KPI's definition: English quotes the metric functions' docstrings
        "defn_crr": "{quoted}",
        "defn_churn": "{quoted}",
        "defn_churn_annualised": "{quoted}",
        "defn_arpa": "{quoted}",
        "defn_revenue_churn_guide": "{quoted}",
        "defn_gross_revenue_churn": "{quoted}",
        "defn_net_revenue_churn": "{quoted}",
        "defn_grr": "{quoted}",
        "defn_nrr": "{quoted}",
        "defn_existing_revenue_growth": "{quoted}",
        "defn_quick_ratio": "{quoted}",
        "defn_clv": "{quoted}",
        "defn_clv_churn": "{quoted}",
        "defn_repeat_purchase_ratio": "{quoted}",
        "defn_loyal_customer_rate": "{quoted}",
        "defn_time_between_purchases": "{quoted}",
        "defn_return_rate": "{quoted}",
        "defn_nps": "{quoted}",
        "defn_nps_moe": "{quoted}",
        "defn_dau_mau": "{quoted}",
        "defn_dso": "{quoted}",
        "defn_retention_cost": "{quoted}",
    },
    "it": {
        "customers_start": "Clienti a inizio periodo (S)",
        "customers_new": "Nuovi clienti (N)",
        "customers_end": "Clienti a fine periodo (E)",
        "customers_lost": "Clienti persi (L)",
        "crr": "Tasso di fidelizzazione (CRR)",
        "churn": "Tasso di abbandono clienti",
        "churn_annualised": "Abbandono clienti, annualizzato",
        "mrr": "MRR",
        "arpa": "ARPA (MRR per cliente pagante)",
        "revenue_churn_guide": "Churn dei ricavi (guida 004, come stampata)",
        "gross_revenue_churn": "Churn lordo dei ricavi",
        "net_revenue_churn": "Churn netto dei ricavi",
        "grr": "Ritenzione lorda dei ricavi (GRR)",
        "nrr": "Ritenzione netta dei ricavi (NRR)",
        "existing_revenue_growth": "Crescita ricavi da clienti esistenti",
        "quick_ratio": "Quick ratio",
        "repeat_purchase_ratio": "Tasso di riacquisto",
        "loyal_customer_rate": "Tasso di clienti fedeli",
        "time_between_purchases": "Tempo tra gli acquisti",
        "return_rate": "Tasso di reso",
        "dso": "Giorni medi di incasso (DSO)",
        "nps": "Net Promoter Score (NPS)",
        "nps_moe": "Margine di errore NPS (95 %)",
        "nps_answers": "Risposte NPS",
        "clv": "Valore del cliente nel tempo (guide)",
        "clv_churn": "Valore del cliente nel tempo (dal churn)",
        "retention_cost": "Costo di fidelizzazione per cliente",
        "dau_mau": "DAU / MAU",
        "unit_%": "%",
        "unit_count": "clienti",
        "unit_answers": "risposte",
        "unit_money": "valuta",
        "unit_days": "giorni",
        "unit_points": "punti",
        "unit_ratio": "rapporto",
        "title": "Report di fidelizzazione",
        "kpis_title": "Indicatori chiave",
        "trend_title": "Andamento mensile",
        "cohorts_logos_title": "Coorti: clienti ancora attivi (quota della coorte)",
        "cohorts_revenue_title": "Coorti: ricavi (quota dei ricavi del primo mese della coorte)",
        "mrr_movements_title": "Movimenti dell'MRR per mese",
        "nps_distribution_title": "Risposte NPS nel periodo (0-10)",
        "nps_monthly_title": "NPS per mese",
        "ageing_title": "Scadenzario crediti a fine periodo",
        "quality_title": "Qualità dei dati: righe lette, tenute e scartate",
        "data_notes_title": "Note dalla lettura dei dati",
        "definitions_title": "Definizioni",
        "notes_title": "Note",
        "chart_retention": "Fidelizzazione (CRR, GRR, NRR)",
        "chart_churn": "Abbandono (clienti e ricavi)",
        "chart_mrr": "MRR",
        "chart_nps": "NPS (punti)",
        "chart_mrr_movements": "Movimenti dell'MRR",
        "chart_nps_distribution": "Risposte NPS per voto",
        "kpi": "Indicatore",
        "unit": "Unità",
        "current": "Periodo ({period})",
        "previous": "Precedente ({previous})",
        "change": "Variazione",
        "note": "Nota",
        "month": "Mese",
        "cohort": "Coorte",
        "size": "Dimensione",
        "cohort_size_logos": "Clienti",
        "cohort_size_revenue": "Ricavi mese 0",
        "months_since": "M{k}",
        "start_mrr": "MRR iniziale",
        "new": "Nuovo",
        "expansion": "Espansione",
        "reactivation": "Riattivazione",
        "contraction": "Contrazione",
        "churned": "Perso",
        "end_mrr": "MRR finale",
        "score": "Voto",
        "group": "Gruppo",
        "answers": "Risposte",
        "share": "Quota",
        "promoters": "Promotori",
        "passives": "Passivi",
        "detractors": "Detrattori",
        "bucket": "Giorni di ritardo",
        "invoices": "Fatture",
        "amount": "Importo",
        "table": "Tabella",
        "rows_read": "Righe lette",
        "rows_kept": "Righe tenute",
        "rows_dropped": "Righe scartate",
        "reason": "Motivo",
        "definition": "Definizione",
        "source_function": "Fonte",
        "label": "Voce",
        "value": "Valore",
        "period": "Periodo",
        "previous_period": "Periodo precedente",
        "segment": "Segmento",
        "all_segments": "tutti i segmenti",
        "source": "Origine dei dati",
        "data_range": "Dati dal / al",
        "retention_whatif_title": "What-if: il valore di un abbandono più basso, dai clienti, dall'abbandono e dall'ARPA del periodo",
        "whatif_today": "Oggi ({period})",
        "whatif_cut_10": "Abbandono −10 %",
        "whatif_cut_20": "Abbandono −20 %",
        "whatif_cut_30": "Abbandono −30 %",
        "whatif_customers": "Clienti a fine periodo (la base)",
        "whatif_churn": "Abbandono clienti per periodo",
        "whatif_retention": "Fidelizzazione annua",
        "whatif_margin": "Margine lordo",
        "whatif_arpa": "ARPA per periodo",
        "whatif_clv": "Valore del cliente nel tempo (margine)",
        "whatif_value": "Valore della riduzione dell'abbandono",
        "whatif_cost": "Costo del programma di fidelizzazione",
        "whatif_roi": "Ritorno del programma (ROI)",
        "whatif_uplift_5": "Aumento dei profitti dopo 5 anni",
        "whatif_uplift_10": "Aumento dei profitti dopo 10 anni",
        "whatif_note_churn": "gli scenari riducono l'abbandono del periodo del 10, 20 e 30 %",
        "whatif_note_retention": "(1 − abbandono) ^ periodi in un anno",
        "whatif_note_margin": "dalle impostazioni",
        "whatif_note_arpa": "MRR × mesi del periodo / clienti paganti",
        "whatif_note_clv": "ARPA × margine lordo / abbandono, senza sconto",
        "whatif_note_value": "clienti × (CLV con l'abbandono più basso − CLV oggi)",
        "whatif_note_cost": "dalle impostazioni",
        "whatif_note_roi": "(valore − costo) / costo",
        "whatif_note_uplift": "fidelizzazione annua oggi → dopo la riduzione, gli stessi nuovi clienti ogni anno, profitto per cliente costante (Reichheld)",
        "no_program_cost": "n/d — nessun costo del programma indicato (Settings_ProgramCost, o --program-cost)",
        "clv_notes_title": "Valore previsto dei clienti",
        "top_customers_title": "I clienti di maggior valore: i primi 20 per CLV previsto (prossime 52 settimane)",
        "customer_id": "Cliente",
        "clv_predicted": "CLV previsto",
        "share_of_value": "Quota del totale",
        "cumulative_share": "Quota cumulata",
        "p_alive": "P(attivo)",
        "expected_purchases": "Acquisti attesi",
        "expected_spend": "Spesa attesa per acquisto",
        "clv_model_note": (
            "Valore del cliente nel tempo previsto per le prossime 52 settimane: BG/NBD (acquisti) e "
            "Gamma-Gamma (spesa per acquisto) stimati sugli Orders fino al {end} ({customers:,.0f} "
            "clienti, {repeat:,.0f} con acquisti ripetuti); ricavi (senza margine), senza sconto."
        ),
        "clv_top_share": "I primi {n} clienti valgono il {percent:,.1f} % del valore previsto totale ({top:,.0f} su {total:,.0f}).",
        "clv_spend_excluded": "{n} clienti con acquisti ripetuti di importo totale 0 sono esclusi dal modello della spesa (hanno comunque una previsione).",
        "clv_negative": "{n} ordini con importo negativo (rimborsi) sono esclusi.",
        "clv_skipped": "{n} ordini senza importo sono esclusi.",
        "clv_too_few": (
            "n/d — troppo pochi clienti con acquisti ripetuti per stimare il modello: ne servono "
            "almeno {needed} che abbiano comprato in 2 o più giorni; gli Orders fino al {end} ne "
            "hanno {have} (su {customers} clienti)."
        ),
        "clv_no_model": "n/d — il modello non si può stimare: {reason}",
        "clv_no_orders": "n/d — nessun ordine fino al {end}",
        "rule_whatif_label": "What-if: il valore di un abbandono più basso",
        "rule_whatif": (
            "Dai clienti a fine periodo, dall'abbandono e dall'ARPA del periodo (MRR × mesi del "
            "periodo / clienti paganti), con margine lordo e costo del programma delle impostazioni. "
            "CLV = ARPA × margine / abbandono; valore di una riduzione dell'abbandono = clienti × "
            "(CLV con l'abbandono più basso − CLV oggi); ROI = (valore − costo) / costo; aumento dei "
            "profitti: fidelizzazione annua (1 − abbandono)^periodi in un anno oggi e dopo la "
            "riduzione, gli stessi nuovi clienti ogni anno, profitto per cliente costante "
            "(Reichheld). Gli scenari riducono l'abbandono del periodo del 10, 20 e 30 %."
        ),
        "rule_clv_label": "I clienti di maggior valore (CLV predittivo)",
        "rule_clv": (
            "BG/NBD (Fader, Hardie & Lee 2005) e Gamma-Gamma (Fader & Hardie 2013) stimati sugli "
            "Orders fino alla fine del periodo (servono almeno 10 clienti con acquisti ripetuti), in "
            "settimane; CLV previsto = acquisti attesi nelle prossime 52 settimane × spesa attesa per "
            "acquisto, ricavi, senza sconto. Gli ordini con importo negativo sono esclusi."
        ),
        "needs_table": "n/d — serve la tabella {tables}",
        "before_data": "n/d — i dati iniziano a {start}",
        "table_or": " o ",
        "previous_note": "periodo precedente: {note}",
        "no_segment_costs": "n/d — la spesa di fidelizzazione (Costs) non è divisa per segmento",
        "no_segment_activity": "n/d — Activity non è collegata ai clienti, quindi non ha segmento",
        "needs_columns": "n/d — servono le colonne {columns} di {table}",
        "erratum_revenue_churn": "guida 004 come stampata: l'espansione conta due volte se l'MRR finale include gli upgrade; vedi churn netto",
        "default_margin": "margine lordo 100 % (nessun margine indicato)",
        "not_provided": "non fornita: gli indicatori che la richiedono mostrano n/d",
        "default_period": "Periodo {period}: l'ultimo mese completo nei dati.",
        "incomplete_period": "Il periodo {period} non è completo: i dati finiscono il {end}.",
        "cohort_source": "Le coorti sono costruite dalla tabella {table} (primo mese di attività).",
        "no_movements": "I movimenti dell'MRR richiedono Subscriptions con almeno due mesi di dati.",
        "detractor": "detrattore",
        "passive": "passivo",
        "promoter": "promotore",
        "bucket_current": "non scaduto",
        "bucket_1_30": "1-30",
        "bucket_31_60": "31-60",
        "bucket_61_90": "61-90",
        "bucket_90": "oltre 90",
        "total": "Totale",
        "def_customers": "Contati come nella regola \"Clienti S, N, E, L\" qui sotto.",
        "def_mrr": "MRR = somma dell'MRR di Subscriptions nell'ultimo mese del periodo.",
        "def_nps_answers": "Il numero di risposte NPS (0-10) con data nel periodo.",
        "rule_customers_label": "Clienti S, N, E, L",
        "rule_customers": (
            "S = clienti attivi a inizio periodo (iscritti prima, non persi prima); N = iscritti nel "
            "periodo; E = attivi a fine periodo; L = clienti di S con data di abbandono nel periodo. "
            "Il CRR usa come N i nuovi clienti ancora attivi a fine periodo (E non conta chi è perso "
            "nel periodo). "
            "Senza la tabella Customers un cliente è attivo in un mese se il suo MRR in Subscriptions è "
            "sopra 0: S = paganti nel mese prima del periodo, N = paganti nel periodo ma non nel mese "
            "prima (nuovi o tornati), E = paganti nell'ultimo mese del periodo, L = clienti di S che non "
            "pagano nell'ultimo mese del periodo."
        ),
        "rule_mrr_label": "MRR e movimenti",
        "rule_mrr": (
            "L'MRR è la somma dell'MRR di Subscriptions nell'ultimo mese del periodo; l'MRR iniziale è "
            "quello del mese prima del periodo. I movimenti confrontano l'MRR di ogni cliente nell'ultimo "
            "mese del periodo con il mese prima del periodo. Clienti esistenti: quelli paganti all'inizio. "
            "ARPA = MRR / clienti paganti nell'ultimo mese. Il quick ratio conta l'MRR riattivato come nuovo."
        ),
        "rule_orders_label": "Riacquisti, resi",
        "rule_orders": (
            "Tasso di riacquisto e tasso di clienti fedeli: dei clienti che hanno ordinato nel periodo, "
            "la quota con due o più ordini contando tutti i loro ordini fino a fine periodo. Tempo tra gli "
            "acquisti: il metodo della guida su quei clienti, con i loro ordini fino a fine periodo (gli "
            "ordini dello stesso giorno contano una volta). Tasso di reso: unità rese / unità vendute, "
            "ordini del periodo."
        ),
        "rule_nps_dso_label": "NPS, DSO",
        "rule_nps_dso": (
            "NPS: risposte con data nel periodo. DSO: crediti aperti a fine periodo (fatture emesse fino "
            "ad allora, non pagate alla fine) / fatture emesse nel periodo × giorni del periodo. "
            "Scadenzario: le fatture aperte a fine periodo per giorni di ritardo sulla scadenza."
        ),
        "rule_other_label": "CLV, costo di fidelizzazione, DAU/MAU",
        "rule_other": (
            "Abbandono, durata e CLV usano l'abbandono clienti del periodo; durata in anni = "
            "(1 / abbandono) periodi ÷ periodi in un anno. CLV (guide): ricavi dei 12 mesi che finiscono con il "
            "periodo (MRR più ordini) / clienti con ricavi in quei mesi × durata in anni. CLV (dal churn): "
            "ARPA × mesi del periodo × margine lordo / abbandono. L'abbandono annualizzato compone quello "
            "del periodo. Costo di fidelizzazione: spesa di Costs nel periodo / (S + N). DAU/MAU: l'ultimo "
            "mese del periodo."
        ),
        "sheet_kpis": "Indicatori",
        "sheet_trend": "Andamento",
        "sheet_cohorts": "Coorti",
        "sheet_mrr_movements": "Movimenti MRR",
        "sheet_nps": "NPS",
        "sheet_ageing": "Scadenzario",
        "sheet_retention_value": "Valore fidelizzazione",
        "sheet_customer_value": "Valore clienti",
        "sheet_data_quality": "Qualità dei dati",
        "sheet_definitions": "Definizioni",
        "fmt_days": "giorni",
        "fmt_points": "punti",
        "month_names": "gen feb mar apr mag giu lug ago set ott nov dic",
        "page_footer": "Pagina &P di &N",
        "summary_title": "In sintesi",
        "summary_rose": "{what} in aumento a {value} ({change})",
        "summary_fell": "{what} in calo a {value} ({change})",
        "summary_held": "{what} stabile a {value}",
        "summary_is": "{what} {value}",
        "say_customers_end": "clienti a fine periodo",
        "say_churn": "abbandono clienti",
        "say_crr": "fidelizzazione clienti",
        "say_nrr": "ritenzione netta dei ricavi",
        "say_mrr": "MRR",
        "say_grr": "ritenzione lorda dei ricavi",
        "say_nps": "NPS",
        "say_repeat_purchase_ratio": "riacquisto",
        "say_dso": "giorni medi di incasso",
        "say_return_rate": "resi",
        "group_customers": "Clienti",
        "group_revenue": "Ricavi e valore dei clienti",
        "group_orders": "Ordini",
        "group_satisfaction": "Soddisfazione e utilizzo",
        "group_cash": "Incassi e costi",
        "current_short": "{period}",
        "previous_short": "{previous}",
        "sparkline": "Ultimi 12 mesi",
        "kpi_history_title": "I valori dei grafici: ogni indicatore negli ultimi 12 mesi (non stampati)",
        "repeat_and_loyal": "Tasso di riacquisto = tasso di clienti fedeli",
        "same_by_definition": "una riga per entrambi: stessi clienti, stesso numero",
        "short_customers_end": "Clienti (fine)",
        "short_crr": "CRR",
        "short_churn": "Abbandono",
        "short_mrr": "MRR",
        "short_arpa": "ARPA",
        "short_gross_revenue_churn": "Churn lordo dei ricavi",
        "short_net_revenue_churn": "Churn netto dei ricavi",
        "short_grr": "GRR",
        "short_nrr": "NRR",
        "short_quick_ratio": "Quick ratio",
        "short_repeat_purchase_ratio": "Riacquisto",
        "short_return_rate": "Resi",
        "short_dso": "DSO",
        "short_nps": "NPS",
        "short_dau_mau": "DAU/MAU",
        "cohort_open": "{month} o prima",
        "cohort_notes_title": "Sulle coorti",
        "cohort_open_note": (
            "La prima coorte, \"{month} o prima\", contiene tutti i clienti già attivi quando "
            "iniziano i dati di {table} ({size:,.0f} clienti), non le iscrizioni di un mese: è "
            "indicata così e tenuta distinta dalla sua etichetta (le tabelle non fanno medie "
            "delle coorti)."
        ),
        "cohort_open_before": "Dei suoi {size:,.0f} clienti, {before:,.0f} si sono iscritti prima di {month}.",
        "source_sample": "l'azienda d'esempio inclusa (dati generati): {tables} tabelle, {rows:,.0f} righe",
        "source_read": "{place}: {tables} tabelle, {rows:,.0f} righe lette",
        "source_folder": "cartella {name}",
        "source_file": "file {name}",
        "source_given": "tabelle passate direttamente: {tables} tabelle, {rows:,.0f} righe",
        "source_excel": "funzione Excel {functions}",
        "source_report": "il conteggio del report (regole qui sotto)",
        "undefined_no_orders": "non definito: nessun ordine nel periodo",
        "undefined_12_months": "non definito: servono 12 mesi di ricavi fino a {end}; i dati iniziano a {start}",
        "undefined_no_costs": "non definito: Costs non ha una riga per {month}",
        "undefined_no_activity": "non definito: nessuna attività",
        "undefined_no_activity_in": "non definito: nessuna attività in {month}",
        "core_zero": "non definito: {what} è 0",
        "core_no_churn": "non definito: l'abbandono è 0, quindi i clienti non se ne vanno mai (durata infinita)",
        "core_two_months": "non definito: i movimenti dell'MRR richiedono almeno due mesi di dati",
        "core_infinite_value": "non definito: l'abbandono è 0, quindi il valore del cliente è infinito (i clienti non se ne vanno mai; il margine futuro non è scontato)",
        "core_no_steady_state": "non definito: la fidelizzazione è del 100 %, quindi la base clienti di oggi non ha uno stato stazionario (nessuno se ne va mai)",
        "what_start_customers": "il numero di clienti a inizio periodo",
        "what_total_customers": "il numero di clienti che hanno ordinato",
        "what_units_sold": "il numero di unità vendute",
        "what_mau": "il numero di utenti attivi nel mese",
        "what_answers": "il numero di risposte",
        "what_repeat_customers": "il numero di clienti con acquisti ripetuti",
        "what_mrr_start": "l'MRR iniziale",
        "what_lost_mrr": "l'MRR perso (abbandoni + contrazioni)",
        "what_revenue": "il fatturato del periodo",
        "what_customers": "il numero di clienti",
        "what_churn": "l'abbandono",
        "what_program_cost": "il costo del programma",
        "what_cac": "il costo di acquisizione",
        "what_margin_arpa": "ARPA × margine lordo",
        "data_decimal_comma": "{files}: numeri letti con la virgola decimale (1.234,56 è 1234,56), come rilevato dal file; se è sbagliato, indicare il separatore decimale (--decimal .).",
        "data_ignored": "Ignorati {names}: non sono nomi di tabella ({tables}).",
        "data_cp1252": "{name} non è in UTF-8: letto come testo Windows-1252 (Europa occidentale).",
        "data_month_first": "{place}: date lette con il mese prima (MM/GG/AAAA), perché alcune hanno senso solo così; se è sbagliato, indicare il formato delle date (--date-format %d/%m/%Y).",
        "data_day_first": "{place}: date come 03/04/2026 lette con il giorno prima (GG/MM/AAAA), perché nulla nella colonna indica l'ordine; se il mese viene prima, indicare il formato delle date (--date-format %m/%d/%Y).",
        "data_place": "{file}, colonna {column}",
        "data_place_sheet": "{file} (foglio {sheet}), colonna {column}",
        "q_blank": "{col} vuoto",
        "q_number": "non è un numero in {col}",
        "q_date": "non è una data in {col}",
        "q_impossible": "data impossibile in {col}",
        "q_ambiguous": "data ambigua in {col}",
        "q_range": "data fuori intervallo in {col}",
        "q_excel": "valore di errore di Excel in {col}",
        "q_negative": "{col} negativo",
        "q_fraction": "{col} non è un numero intero",
        "q_outside": "{col} fuori da 0-10",
        "q_units_returned": "units_returned maggiore di units",
        "q_churn_before": "churn_date prima di signup_date",
        "q_due_before": "due_date prima di issue_date",
        "q_duplicate_customer": "customer_id duplicato",
        "q_repeated_subscription": "customer_id e month ripetuti (mrr sommato)",
        "q_duplicate_order": "order_id duplicato",
        "q_duplicate_invoice": "invoice_id duplicato",
        "q_repeated_activity": "user_id e date ripetuti",
        "q_repeated_costs": "month ripetuto (retention_spend sommato)",
        "q_unknown_customer": "customer_id non presente in Customers: {rows} tenute",
        "q_rows": "{n} righe",
        "q_row": "1 riga",
        "defn_crr": "Tasso di fidelizzazione: la quota dei clienti di inizio periodo ancora presenti alla fine. CRR = (E − N) / S (guide 000 e 001), con S i clienti a inizio periodo, E quelli a fine periodo e N i nuovi acquisiti nel periodo.",
        "defn_churn": "Tasso di abbandono clienti: la quota dei clienti di inizio periodo persi nel periodo. abbandono = L / S (guida 002; (S − E) / S della guida 004, con E contato sui soli clienti di inizio periodo).",
        "defn_churn_annualised": "Abbandono annualizzato da un tasso di abbandono per periodo (un mese per default). abbandono annuo = 1 − (1 − m)^k, con m l'abbandono per periodo e k i periodi in un anno (12 per i mesi, 4 per i trimestri).",
        "defn_arpa": "Ricavo medio per cliente (ARPA, detto anche ARPU): ricavi / clienti.",
        "defn_revenue_churn_guide": "Churn dei ricavi esattamente come lo stampa la guida 004. churn dei ricavi = ((MRR_inizio − MRR_fine) − MRR_espansione) / MRR_inizio, solo clienti esistenti; negativo se l'espansione supera le perdite (\"churn negativo\").",
        "defn_gross_revenue_churn": "Churn lordo dei ricavi: i ricavi ricorrenti persi dai clienti esistenti. churn lordo = (MRR perso + MRR di contrazione) / MRR_inizio.",
        "defn_net_revenue_churn": "Churn netto dei ricavi: ricavi persi meno l'espansione, sull'MRR iniziale. churn netto = (perso + contrazione − espansione) / MRR_inizio; negativo è il \"churn negativo\".",
        "defn_grr": "Ritenzione lorda dei ricavi (GRR): la quota dell'MRR iniziale mantenuta, senza l'espansione. GRR = 1 − churn lordo = (MRR_inizio − perso − contrazione) / MRR_inizio, al massimo 100 %.",
        "defn_nrr": "Ritenzione netta dei ricavi (NRR): l'MRR iniziale mantenuto, espansione compresa. NRR = 1 − churn netto = (MRR_inizio − perso − contrazione + espansione) / MRR_inizio; sopra 100 % quando l'espansione supera le perdite.",
        "defn_existing_revenue_growth": "Crescita dei ricavi dai clienti esistenti (guida 004). crescita = (MRR_fine − MRR_inizio) / MRR_inizio, solo sui clienti esistenti (senza l'MRR dei nuovi clienti).",
        "defn_quick_ratio": "Quick ratio SaaS: l'MRR guadagnato per ogni unità di MRR perso. quick ratio = (nuovo + espansione) / (perso + contrazione); sopra 4 si legge di solito come crescita efficiente.",
        "defn_clv": "Valore del cliente nel tempo (CLV) come lo definiscono le guide 002 e 004. CLV = (ricavi annui / clienti distinti nell'anno) × durata media in anni. Durata attesa del cliente in periodi: 1 / abbandono. Con un abbandono costante c per periodo, le durate sono geometriche con media 1 / c (contando il periodo in cui il cliente entra).",
        "defn_clv_churn": "Valore del cliente nel tempo dal churn (la variante SaaS standard). CLV = ARPA × margine lordo / tasso di abbandono, con ARPA e abbandono dello stesso periodo (ARPA mensile con abbandono mensile); 1 / abbandono è la durata attesa in periodi.",
        "defn_repeat_purchase_ratio": "Tasso di riacquisto: la quota dei clienti che hanno comprato di nuovo. RPR = clienti che ritornano / clienti totali (guida 004).",
        "defn_loyal_customer_rate": "Tasso di clienti fedeli: i clienti (esistenti e nuovi) che hanno comprato più di una volta, sul totale. tasso di fedeltà = clienti con acquisti ripetuti / clienti totali del periodo (guida 004).",
        "defn_time_between_purchases": "Tempo tra gli acquisti, in giorni, come lo calcola la guida 004. Per cliente, l'intervallo medio tra acquisti consecutivi (7 poi 14 giorni → 10,5); in totale, la somma degli intervalli medi dei clienti con acquisti ripetuti / il loro numero.",
        "defn_return_rate": "Tasso di reso: unità rese su unità vendute. tasso di reso = unità rese / unità vendute (guida 004).",
        "defn_nps": "Net Promoter Score dal numero di promotori, passivi e detrattori. NPS = (promotori − detrattori) / (promotori + passivi + detrattori) × 100, in punti da −100 a +100 (guide 002, 004).",
        "defn_nps_moe": "Margine di errore dell'NPS, in punti, a un livello di confidenza (0,95 per default). MOE = z × √((p + d − (p − d)²) / n) × 100, con p e d le quote di promotori e detrattori e z il quantile normale (1,96 al 95 %): l'errore standard della differenza di due quote di un campione multinomiale.",
        "defn_dau_mau": "Coinvolgimento (stickiness): utenti attivi al giorno su utenti attivi nel mese. DAU / MAU (guida 002): la quota degli utenti del mese che usano il prodotto in un dato giorno.",
        "defn_dso": "Giorni medi di incasso (DSO): quanti giorni di vendite restano da incassare. DSO = crediti / ricavi × giorni (guida 004), con ricavi (vendite a credito) e giorni dello stesso periodo: 365 per un anno, i giorni del mese per un mese.",
        "defn_retention_cost": "Costo di fidelizzazione per cliente (guida 002): spesa di fidelizzazione / clienti del periodo.",
    },
}


#: Thousands and decimal marks of a language whose marks are not English's ",", ".".
_MARKS: dict[str, dict[int, int]] = {"it": str.maketrans(",.", ".,")}


class _Formatter(string.Formatter):
    """``str.format`` with a language's marks in the numbers it is given a format for."""

    def __init__(self, marks: dict[int, int]):
        super().__init__()
        self.marks = marks

    def format_field(self, value: object, format_spec: str) -> str:
        formatted = super().format_field(value, format_spec)
        if format_spec and isinstance(value, numbers.Real) and not isinstance(value, bool):
            # a number in a sentence, as the reader writes it
            return formatted.translate(self.marks)
        return formatted


def text(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (English when missing), with placeholders filled (see
    the module's docstring for numbers)."""
    template = TEXTS[lang].get(key, TEXTS["en"].get(key, key))
    if not values:
        return template
    marks = _MARKS.get(lang)
    return _Formatter(marks).format(template, **values) if marks else template.format(**values)


def number_text(lang: str, value: float, decimals: int, *, sign: bool = False) -> str:
    """``value`` with ``decimals`` decimals, thousands grouped, in the language's marks
    (1,234.5 in English, 1.234,5 in Italian); ``sign`` writes "+" before a positive number.
    A negative number has a minus sign (−), as in print."""
    text = f"{value:{'+' if sign else ''},.{decimals}f}".replace("-", "−")
    marks = _MARKS.get(lang)
    return text.translate(marks) if marks else text
