"""Timing of the predictive-CLV pipeline (a script, not a test).

    /work/venv/bin/python benchmarks/bench_predictive.py [--repeat N]

1. CDNOW (tests/data/CDNOW_sample.txt, 6,919 orders of 2,357 customers): summary + BG/NBD +
   Gamma-Gamma from the raw orders, and the fitted values against the published ones.
   Target: fit ≤ 1 s.
2. Synthetic: 1,000,000 orders of 50,000 customers drawn (seeded) from the BG/NBD and
   Gamma-Gamma processes themselves, over three years; summary, both fits and a 52-week
   forecast (undiscounted and discounted). Targets: summary well under 2 s, whole
   pipeline ≤ 15 s. The fitted parameters are printed next to the true ones.

Prints the best of ``--repeat`` runs (default 3) of each step.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from addin.metrics import predictive  # noqa: E402

CDNOW = ROOT / "tests" / "data" / "CDNOW_sample.txt"
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
TRUE = {"r": 3.0, "alpha": 12.0, "a": 2.0, "b": 60.0, "p": 6.0, "q": 4.0, "gamma": 15.0}


def best_of(repeat: int, function):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def load_cdnow():
    table = pd.read_csv(
        CDNOW, sep=r"\s+", header=None, names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    dates = pd.to_datetime(table["date"], format="%Y%m%d").to_numpy().astype("datetime64[D]")
    return table["customer_id"].to_numpy(), dates, table["amount"].to_numpy()


def synthetic_orders(customers=50_000, orders=1_000_000, seed=20240601):
    """Orders from the BG/NBD purchase process and Gamma-Gamma spend, exactly ``orders`` rows.

    Each customer joins on a uniform day of year one; while alive they buy at a weekly rate
    λ ~ Gamma(r, α) and after each purchase drop out with p ~ Beta(a, b); observation ends
    after three years. Order values are Gamma(p, ν), ν ~ Gamma(q, γ). Repeat orders are then
    thinned (or first orders repeated on the same day, split) to exactly ``orders`` rows.
    """
    rng = np.random.default_rng(seed)
    end_day = 1095
    first_day = rng.integers(0, 365, customers)
    lam = rng.gamma(TRUE["r"], 1.0 / TRUE["alpha"], customers)  # per week
    drop = rng.beta(TRUE["a"], TRUE["b"], customers)
    # repeat purchases made before dropping out: j >= 1 with P = p (1 - p)^(j - 1) (FHL 2005:
    # dropping out happens right after a repeat purchase, never after the first one)
    repeats = rng.geometric(drop)
    horizon_weeks = (end_day - first_day) / 7.0
    cap = np.minimum(repeats, rng.poisson(lam * horizon_weeks * 1.5) + 5)
    owner = np.repeat(np.arange(customers), cap)
    gaps = rng.exponential(1.0, len(owner)) / lam[owner]
    offsets = np.concatenate(([0], np.cumsum(cap)[:-1]))
    cum = np.cumsum(gaps)
    base = np.minimum(offsets, max(len(cum) - 1, 0))
    cum -= np.repeat(cum[base] - gaps[base], cap)  # restart the sum for each customer
    day = first_day[owner] + np.floor(cum * 7.0).astype(np.int64)
    inside = day < end_day
    owner, day = owner[inside], day[inside]
    natural = customers + len(owner)
    extra = orders - customers
    if len(owner) > extra:  # thin the repeat orders at random to the target count
        keep = np.sort(rng.choice(len(owner), extra, replace=False))
        owner, day = owner[keep], day[keep]
    elif len(owner) < extra:  # pad with same-day second orders (merged by the summary)
        pad = rng.integers(0, customers, extra - len(owner))
        owner = np.concatenate((owner, pad))
        day = np.concatenate((day, first_day[pad]))
    ids = np.concatenate((np.arange(customers), owner)) + 100_000
    days = np.concatenate((first_day, day))
    nu = rng.gamma(TRUE["q"], 1.0 / TRUE["gamma"], customers)
    amounts = np.round(rng.gamma(TRUE["p"], 1.0, len(ids)) / nu[ids - 100_000], 2)
    shuffle = rng.permutation(len(ids))
    start = np.datetime64("2023-01-01", "D")
    calibration_end = start + np.timedelta64(end_day - 1, "D")
    synthetic_orders.natural = natural  # orders the process made before thinning/padding
    return ids[shuffle], (start + days[shuffle].astype("timedelta64[D]")), amounts[shuffle], calibration_end


def row(step, seconds, target=None, note=""):
    verdict = "" if target is None else ("ok" if seconds <= target else "SLOW")
    limit = "" if target is None else f"≤ {target:g} s"
    print(f"{step:<44} {seconds:>8.3f} s  {limit:<8} {verdict:<4} {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"{'step':<44} {'time':>10}  {'target':<8} {'':<4} note")
    print("-" * 100)

    ids, dates, amounts = load_cdnow()
    seconds, model = best_of(
        args.repeat,
        lambda: predictive.fit_clv_model(ids, dates, amounts, calibration_end="1997-09-30"),
    )
    row("CDNOW: summary + BG/NBD + Gamma-Gamma", seconds, 1.0, f"{len(ids):,} orders")
    seconds, _ = best_of(args.repeat, lambda: predictive.forecast_clv(model, 52, 0.0015))
    row("CDNOW: forecast 52 weeks, discounted", seconds)

    bg, gg = model.bg_nbd, model.gamma_gamma
    fitted = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b, "p": gg.p, "q": gg.q, "gamma": gg.gamma}
    print()
    print(f"{'CDNOW parameter':<16} {'published':>10} {'fitted':>10} {'difference':>11}")
    for name, published in PUBLISHED.items():
        diff = fitted[name] / published - 1
        print(f"{name:<16} {published:>10.3f} {fitted[name]:>10.4f} {diff:>+10.3%}")
    print(f"BG/NBD log-likelihood {bg.log_likelihood:.2f}; Gamma-Gamma on {gg.customers} repeat buyers")
    print()

    start = time.perf_counter()
    ids, dates, amounts, calibration_end = synthetic_orders()
    generation = time.perf_counter() - start
    row("synthetic: generate orders (not timed below)", generation, None,
        f"{len(ids):,} orders, {len(np.unique(ids)):,} customers")

    seconds_summary, summary = best_of(
        args.repeat, lambda: predictive.rfm_summary(ids, dates, amounts, calibration_end)
    )
    row("synthetic: rfm_summary", seconds_summary, 2.0)
    x = summary["frequency"].to_numpy(dtype=float)
    seconds_bg, bg = best_of(
        args.repeat,
        lambda: predictive.fit_bg_nbd(x, summary["recency"].to_numpy(), summary["T"].to_numpy()),
    )
    row("synthetic: fit_bg_nbd", seconds_bg, None, f"{bg.repeat_buyers:,} repeat buyers")
    seconds_gg, gg = best_of(
        args.repeat,
        lambda: predictive.fit_gamma_gamma(x, summary["monetary_value"].to_numpy()),
    )
    row("synthetic: fit_gamma_gamma", seconds_gg)

    seconds_model, model = best_of(
        args.repeat, lambda: predictive.fit_clv_model(ids, dates, amounts, calibration_end)
    )
    seconds_f0, _ = best_of(args.repeat, lambda: predictive.forecast_clv(model, 52))
    row("synthetic: forecast 52 weeks, undiscounted", seconds_f0)
    seconds_f1, forecast = best_of(args.repeat, lambda: predictive.forecast_clv(model, 52, 0.0015))
    row("synthetic: forecast 52 weeks, discounted", seconds_f1)
    row("synthetic: fit_clv_model + discounted forecast", seconds_model + seconds_f1, 15.0)

    bg, gg = model.bg_nbd, model.gamma_gamma
    fitted = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b, "p": gg.p, "q": gg.q, "gamma": gg.gamma}
    print()
    print(f"{'synthetic param':<16} {'true':>10} {'fitted':>10}")
    for name, true in TRUE.items():
        print(f"{name:<16} {true:>10.3f} {fitted[name]:>10.4f}")
    print(f"total forecast CLV {forecast['clv'].sum():,.0f} over {len(forecast):,} customers")


if __name__ == "__main__":
    main()
