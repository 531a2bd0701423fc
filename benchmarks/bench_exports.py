"""Speed of reading the known exports: a 1,000,000-row Shopify orders export and a
200,000-subscription Stripe subscriptions export, each read with ``load_data``.

    python benchmarks/bench_exports.py [--repeat 3] [--rows 1000000] [--subscriptions 200000]

Target (issue 16, on the 2-core machine): each ≤ 5 s. The files are generated, seeded, in a
temporary folder that is removed afterwards (never in the repository): Shopify's full header
(the sample's, 67 columns), about 1.6 rows per order (the first row holds the order's fields,
later rows only a line item), 3 % of orders cancelled, refunds on some; Stripe's
subscriptions header, monthly, yearly and weekly plans started over five years, with trials,
cancellations and ended subscriptions. Each run is a fresh Python process (nothing cached
between runs) timing ``load_data`` alone, in wall-clock time and in CPU time (the process's
own, which other programs on a shared machine do not inflate); its peak resident memory is
that process's ``ru_maxrss`` (the interpreter and pandas included). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "exports"
TODAY = "2026-06-30"


def _header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def _stamps(days: np.ndarray, rng: np.random.Generator, zone: str = "") -> np.ndarray:
    """Timestamps as the exports write them, ``2026-03-04 21:15:09 -0500``."""
    moments = (np.datetime64("2021-07-01") + days.astype("timedelta64[D]")
               + rng.integers(0, 86400, len(days)).astype("timedelta64[s]"))
    text = pd.Series(moments).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(object)
    return text + zone if zone else text


def shopify_orders(path: Path, rows: int, seed: int = 1) -> int:
    """A Shopify orders export of ``rows`` rows (about 1.6 per order); returns the orders."""
    rng = np.random.default_rng(seed)
    header = _header(SAMPLES / "shopify" / "orders_export_1.csv")
    lines = rng.choice([1, 2, 3], size=rows, p=[0.55, 0.30, 0.15])
    lines = lines[np.cumsum(lines) <= rows]
    lines = np.append(lines, rows - lines.sum()) if lines.sum() < rows else lines
    orders = len(lines)
    order_of_row = np.repeat(np.arange(orders), lines)
    first = np.r_[True, order_of_row[1:] != order_of_row[:-1]]
    customers = rng.integers(0, orders // 4 + 1, orders)
    days = np.sort(rng.integers(0, 5 * 365 - 10, orders))
    frame = pd.DataFrame("", index=np.arange(rows), columns=header, dtype=object)
    frame["Name"] = (pd.Series(order_of_row + 1001).astype(str).radd("#")).to_numpy(object)
    quantity = rng.integers(1, 5, rows)
    price = rng.choice([9.5, 14.0, 25.0, 49.99], rows)
    frame["Lineitem quantity"] = quantity.astype(str)
    frame["Lineitem name"] = "Mug"
    frame["Lineitem price"] = pd.Series(price).map("{:.2f}".format).to_numpy(object)
    total = pd.Series(quantity * price).groupby(order_of_row).sum().to_numpy()
    created = _stamps(days, rng, " -0500")
    cancelled = rng.random(orders) < 0.03
    refunded = np.where(rng.random(orders) < 0.05, np.round(total * 0.3, 2), 0.0)
    order_fields = {
        "Email": pd.Series(customers).map("customer{}@example.com".format).to_numpy(object),
        "Financial Status": np.where(refunded > 0, "partially_refunded", "paid"),
        "Paid at": created, "Currency": "USD", "Created at": created,
        "Subtotal": pd.Series(total).map("{:.2f}".format).to_numpy(object),
        "Shipping": "0.00", "Taxes": "0.00",
        "Total": pd.Series(total).map("{:.2f}".format).to_numpy(object),
        "Cancelled at": np.where(cancelled, created, ""),
        "Refunded Amount": pd.Series(refunded).map("{:.2f}".format).to_numpy(object),
        "Id": (np.arange(orders) + 5_000_000_000).astype(str), "Source": "web",
        "Billing Country": "US", "Payment Method": "Shopify Payments",
    }
    at = np.flatnonzero(first)
    for name, values in order_fields.items():
        column = frame[name].to_numpy(object).copy()
        column[at] = values
        frame[name] = column
    frame.to_csv(path, index=False)
    return orders


def stripe_subscriptions(path: Path, subscriptions: int, seed: int = 2) -> None:
    """A Stripe subscriptions export of ``subscriptions`` rows started over five years."""
    rng = np.random.default_rng(seed)
    header = _header(SAMPLES / "stripe" / "subscriptions.csv")
    n = subscriptions
    start = np.sort(rng.integers(0, 5 * 365 - 20, n))
    interval = rng.choice(["month", "year", "week"], n, p=[0.75, 0.2, 0.05])
    amount = np.select([interval == "month", interval == "year"],
                       [rng.choice([19.0, 49.0, 99.0], n), rng.choice([190.0, 490.0], n)], 10.0)
    ended = rng.random(n) < 0.4
    end = start + rng.integers(20, 900, n)
    ended &= end < 5 * 365 - 20
    status = np.where(ended, "canceled", rng.choice(["active", "past_due", "trialing", "incomplete"],
                                                      n, p=[0.9, 0.04, 0.03, 0.03]))
    trial = rng.random(n) < 0.2
    frame = pd.DataFrame("", index=np.arange(n), columns=header, dtype=object)
    frame["id"] = pd.Series(np.arange(n)).map("sub_{:08d}".format).to_numpy(object)
    frame["Customer ID"] = pd.Series(rng.integers(0, int(n * 0.8), n)).map("cus_{:08d}".format).to_numpy(object)
    frame["Customer Email"] = frame["Customer ID"] + "@example.com"
    frame["Plan"] = "price_" + interval
    frame["Product"] = "prod_Pro"
    frame["Quantity"] = rng.choice(["1", "1", "1", "2", "5"], n)
    frame["Currency"] = "usd"
    frame["Interval"] = interval
    frame["Amount"] = pd.Series(amount).map("{:.2f}".format).to_numpy(object)
    frame["Status"] = status
    started = _stamps(start, rng)
    frame["Created (UTC)"] = started
    frame["Start (UTC)"] = started
    frame["Current Period Start (UTC)"] = started
    frame["Trial Start (UTC)"] = np.where(trial, started, "")
    frame["Trial End (UTC)"] = np.where(trial, _stamps(start + 14, rng), "")
    frame["Canceled At (UTC)"] = np.where(ended, _stamps(end - 3, rng), "")
    frame["Ended At (UTC)"] = np.where(ended, _stamps(end, rng), "")
    frame["Cancel At Period End"] = "false"
    frame.to_csv(path, index=False)


def _child(path: str) -> None:
    """One run in this fresh process: time load_data, report seconds and peak memory."""
    import resource

    from addin.data import load_data
    begin, cpu = time.perf_counter(), time.process_time()
    data = load_data(path, today=TODAY)
    seconds, cpu = time.perf_counter() - begin, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak,
                      "tables": {t: len(f) for t, f in data.tables.items()}}))


def _run(*args: str) -> str:
    """This script run in a fresh process. Linux keeps a process's peak memory across the
    exec of a forked child, so the children are started by this small parent, never by the
    process that generated the files."""
    return subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                          text=True, cwd=ROOT).stdout


def _runs(path: Path, repeat: int) -> list[dict]:
    return [json.loads(_run("--child", str(path)).strip().splitlines()[-1]) for _ in range(repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=200_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child)
    if args.generate:
        folder = Path(args.generate)
        orders = shopify_orders(folder / "orders_export_1.csv", args.rows)
        stripe_subscriptions(folder / "subscriptions.csv", args.subscriptions)
        return print(orders)
    with tempfile.TemporaryDirectory() as folder:
        orders = int(_run("--generate", folder, "--rows", str(args.rows),
                          "--subscriptions", str(args.subscriptions)))
        cases = [(f"Shopify orders: {args.rows:,} rows, {orders:,} orders",
                  Path(folder) / "orders_export_1.csv"),
                 (f"Stripe subscriptions: {args.subscriptions:,} subscriptions",
                  Path(folder) / "subscriptions.csv")]
        print("| export | file | best | median | CPU time (best) | peak memory | table kept |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for label, path in cases:
            runs = _runs(path, args.repeat)
            times = [r["seconds"] for r in runs]
            kept = ", ".join(f"{t} {n:,} rows" for t, n in runs[0]["tables"].items())
            print(f"| {label} | {path.stat().st_size / 1e6:,.0f} MB | {min(times):.2f} s | "
                  f"{statistics.median(times):.2f} s | {min(r['cpu'] for r in runs):.2f} s | "
                  f"{max(r['peak'] for r in runs) / 2**20:,.0f} MiB | {kept} |", flush=True)


if __name__ == "__main__":
    main()
