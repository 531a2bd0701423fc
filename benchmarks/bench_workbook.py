"""Benchmark of reading a workbook: ``load_data(book.xlsx)`` against pandas' calamine reader.

    python benchmarks/bench_workbook.py [--orders 200000] [--customers 10000] [--runs 3]

1. A workbook is generated with openpyxl's write-only mode in a temporary folder: an Orders
   sheet of ``--orders`` rows (order id, customer id, a real date cell, amount, units,
   units returned) and a Customers sheet, seeded, the same bytes every time.
2. ``load_data`` (the whole reader: the safety checks, the workbook's XML, the cells, the
   row checks and typing) is timed ``--runs`` times in this process, then
   ``pd.read_excel(engine="calamine")`` of the same two sheets (cells only, no checks) as the
   reference. The best of the runs is compared: target ``load_data`` <= 1.5 x the reference.

The figures depend on the machine's load: run ``uptime`` beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.5


def generate(path: Path, orders: int, customers: int, seed: int = 17) -> Path:
    """The workbook of the benchmark at ``path`` (written once per size)."""
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Customers")
    sheet.append(["customer_id", "name", "segment", "signup_date", "churn_date"])
    start = dt.date(2024, 1, 1)
    signups = {}
    for i in range(customers):
        signups[i] = start + dt.timedelta(days=rng.randrange(600))
        churn = signups[i] + dt.timedelta(days=rng.randrange(30, 700)) if rng.random() < 0.3 else None
        if churn is not None and churn > dt.date(2026, 1, 31):
            churn = None
        sheet.append([f"C{i:06d}", f"Customer {i}", rng.choice(("SMB", "Mid", "Enterprise")),
                      signups[i], churn])
    sheet = book.create_sheet("Orders")
    sheet.append(["order_id", "customer_id", "order_date", "amount", "units", "units_returned"])
    for i in range(orders):
        who = rng.randrange(customers)
        day = signups[who] + dt.timedelta(days=rng.randrange(max(1, (dt.date(2026, 1, 31) - signups[who]).days)))
        units = rng.randint(1, 5)
        sheet.append([f"O{i:07d}", f"C{who:06d}", day, round(rng.uniform(5, 400), 2), units,
                      units if rng.random() < 0.03 else None])
    book.save(path)
    return path


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times), times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    import pandas as pd

    from addin.data import load_data

    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as folder:
        path = Path(folder) / "book.xlsx"
        started = time.perf_counter()
        generate(path, args.orders, args.customers)
        print(f"workbook: {args.orders:,} orders, {args.customers:,} customers, "
              f"{path.stat().st_size / 1e6:.1f} MB, made in {time.perf_counter() - started:.1f} s")
        rows = {}

        def ours():
            data = load_data(path)
            rows.update({name: len(frame) for name, frame in data.tables.items()})

        def reference():
            pd.read_excel(path, sheet_name=["Customers", "Orders"], engine="calamine")

        best, times = best_of(args.runs, ours)
        print(f"load_data (checks included): best {best:.2f} s of {', '.join(f'{t:.2f}' for t in times)} "
              f"({', '.join(f'{k} {v:,}' for k, v in rows.items())} rows kept)")
        ref, ref_times = best_of(args.runs, reference)
        print(f"pd.read_excel(engine='calamine'): best {ref:.2f} s of "
              f"{', '.join(f'{t:.2f}' for t in ref_times)}")
        ratio = best / ref
        print(f"ratio {ratio:.2f} x the reference [target <= {TARGET_RATIO}]")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
