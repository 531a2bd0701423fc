"""Speed of the metric core on raw data, beside a plain Python loop doing the same work.

    python benchmarks/bench_metrics.py [--repeat 5]

Targets (issue 3, on the 2-core machine): NPS over 1,000,000 answers ≤ 30 ms; time between
purchases and the cohort matrix over 1,000,000 orders of 50,000 customers ≤ 1 s each; MRR
movements over 24 months × 50,000 customers ≤ 1 s. Each figure is the best of --repeat runs;
the loop runs once (it is slow). Inputs: ids as Python strings in an object array, dates as
datetime64, as pandas hands columns over.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import defaultdict

import numpy as np
import pandas as pd

from addin import metrics as m


def best_of(repeat, call):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def once(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


# ------------------------------------------------------------------ plain loops (reference)


def loop_nps(answers):
    p = d = n = 0
    for a in answers:
        n += 1
        if a >= 9:
            p += 1
        elif a <= 6:
            d += 1
    return (p - d) / n * 100


def loop_tbp(ids, dates):
    days = defaultdict(set)
    for cid, day in zip(ids, dates):
        days[cid].add(day)
    means = []
    for purchase_days in days.values():
        if len(purchase_days) > 1:
            ordered = sorted(purchase_days)
            gaps = [(b - a).days for a, b in zip(ordered, ordered[1:])]
            means.append(sum(gaps) / len(gaps))
    return sum(means) / len(means)


def loop_cohorts(ids, dates):
    months = {}
    first = {}
    for cid, day in zip(ids, dates):
        month = day.year * 12 + day.month - 1
        months.setdefault(cid, set()).add(month)
        if cid not in first or month < first[cid]:
            first[cid] = month
    cells = defaultdict(int)
    sizes = defaultdict(int)
    for cid, active in months.items():
        sizes[first[cid]] += 1
        for month in active:
            cells[(first[cid], month - first[cid])] += 1
    return {k: v / sizes[k[0]] for k, v in cells.items()}


def loop_mrr(ids, months, mrr):
    grid = defaultdict(float)
    all_months = sorted(set(months))
    for cid, month, value in zip(ids, months, mrr):
        grid[(cid, month)] += value
    customers = set(ids)
    rows = []
    paid = set()
    for prev, cur in zip(all_months, all_months[1:]):
        new = exp = con = churn = react = start = end = 0.0
        for cid in customers:
            before, after = grid.get((cid, prev), 0.0), grid.get((cid, cur), 0.0)
            if before > 0:
                paid.add(cid)
            start += before
            end += after
            if before == 0 and after > 0:
                if cid in paid:
                    react += after
                else:
                    new += after
            elif before > 0 and after == 0:
                churn += before
            elif after > before:
                exp += after - before
            elif after < before:
                con += before - after
        rows.append((cur, start, new, exp, con, churn, react, end))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(7)

    answers = rng.integers(0, 11, 1_000_000).astype(np.float64)

    n_orders, n_customers = 1_000_000, 50_000
    customer_names = np.array([f"C{i:06d}" for i in range(n_customers)], dtype=object)
    order_ids = customer_names[rng.integers(0, n_customers, n_orders)]
    order_dates = np.datetime64("2024-11-01") + rng.integers(0, 730, n_orders).astype("timedelta64[D]")

    months = np.arange(np.datetime64("2024-11"), np.datetime64("2026-11")).astype("datetime64[D]")
    sub_ids = np.repeat(customer_names, len(months))
    sub_months = np.tile(months, n_customers)
    sub_mrr = rng.choice([0.0, 50.0, 100.0, 150.0, 400.0], size=len(sub_ids), p=[0.2, 0.3, 0.3, 0.15, 0.05])

    py_dates = pd.to_datetime(order_dates).date  # the loop gets Python dates, its natural input
    cases = [
        ("NPS, 1,000,000 answers", 0.030,
         lambda: m.nps_from_answers(answers), lambda: loop_nps(answers.tolist())),
        ("Time between purchases, 1,000,000 orders / 50,000 customers", 1.0,
         lambda: m.time_between_purchases(order_ids, order_dates), lambda: loop_tbp(order_ids, py_dates)),
        ("Cohort matrix, 1,000,000 orders / 50,000 customers", 1.0,
         lambda: m.cohort_retention(order_ids, order_dates), lambda: loop_cohorts(order_ids, py_dates)),
        ("MRR movements, 24 months x 50,000 customers", 1.0,
         lambda: m.mrr_movements(sub_ids, sub_months, sub_mrr),
         lambda: loop_mrr(sub_ids.tolist(), sub_months.tolist(), sub_mrr.tolist())),
    ]
    print(f"{'case':62} {'ours':>9} {'target':>8} {'loop':>9} {'loop/ours':>9}")
    for name, target, ours, loop in cases:
        t_ours, result = best_of(args.repeat, ours)
        t_loop, reference = once(loop)
        if isinstance(result, float):
            assert abs(result - reference) < 1e-6, (name, result, reference)
        verdict = "ok" if t_ours <= target else "SLOW"
        print(f"{name:62} {t_ours * 1000:7.1f}ms {target * 1000:6.0f}ms {t_loop * 1000:7.0f}ms "
              f"{t_loop / t_ours:8.1f}x {verdict}")
    print(f"\nnumpy {np.__version__}, pandas {pd.__version__}, {dt.date.today()}")


if __name__ == "__main__":
    main()
