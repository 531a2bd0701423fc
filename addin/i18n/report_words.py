"""The report's words in English and Italian: one plain dict, no logic beyond a lookup.

``TEXTS[lang][key]`` is the text; a few texts have ``{placeholders}`` filled as
``str.format`` fills them, except that a number given a format (``{customers:,.0f}``) is
written with the language's thousands and decimal marks (1,234.5 in English, 1.234,5 in
Italian). The report, the exporter and (later) the template builder all read this dict,
so a label is translated once. Metric definitions are not here: they are the metric
functions' own docstrings (English only).
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
        "language_note": "Definitions are quoted from the metric functions (English).",
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
        "language_note": "Le definizioni sono citate dalle funzioni di calcolo (in inglese).",
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
        "before_data": "n/d — i dati iniziano nel {start}",
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
