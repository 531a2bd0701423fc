"""The Definitions sheet's words: merged into :data:`addin.i18n.TEXTS`.

``defn_<kpi>`` defines a KPI computed by metric functions: in English it quotes their
docstrings (``{quoted}``, the one source of the definitions), in Italian it says the same
in Italian. ``def_*`` define the KPIs the report counts itself, ``rule_*`` the rules by which
a period is counted, ``source_*`` where each definition comes from.
"""

from __future__ import annotations

DEFINITIONS: dict[str, dict[str, str]] = {
    "en": {
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
        "source_excel": "Excel function {functions}",
        "source_report": "the report's counting (rules below)",
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
        "source_excel": "funzione Excel {functions}",
        "source_report": "il conteggio del report (regole qui sotto)",
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
