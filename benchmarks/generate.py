"""The benchmarks' company at any size, written as it is made: a chunk of rows at a time.

    python benchmarks/generate.py OUT [--orders 10000000] [--chunk 1000000] [--seed 17]
                                      [--format csv|parquet|both] [--customers N]

Writes, in the proportions of the warehouse-scale benchmark (10,000,000 orders : 500,000
customers : 24 months : 2,000,000 NPS answers : 3,000,000 invoices), scaled by ``--orders``:

    OUT/csv/Customers.csv, Subscriptions.csv, Orders.csv, NPS.csv, Invoices.csv, Costs.csv
    OUT/parquet/customers/part-0001.parquet, ..., orders/part-0001.parquet, part-0002, ...

Each table is made ``--chunk`` rows at a time (customers and their subscriptions a block of
customers at a time) and written before the next chunk is made, so memory follows one chunk
and the per-customer arrays (signup day, price), never the rows. Seeded: the same arguments
give the same files, whatever the chunk size. Prints the time and the peak RSS at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

#: Rows of each table per order (10 M orders : 500 k customers : 2 M answers : 3 M invoices).
PER_ORDER = {"Customers": 0.05, "NPS": 0.2, "Invoices": 0.3}
MONTHS = 24
FIRST_DAY = np.datetime64("2024-01-01", "D")
#: Rows per generation block (every table is cut in blocks of this many, whatever --chunk
#: is, so that the files are the same whatever the chunk size).
BLOCK = 250_000


class _Sink:
    """One table written as CSV and/or Parquet parts, a chunk at a time."""

    def __init__(self, out: Path, table: str, formats: set[str]):
        self.csv_path = out / "csv" / f"{table}.csv" if "csv" in formats else None
        self.folder = out / "parquet" / table.lower() if "parquet" in formats else None
        self.writer, self.parts, self.rows = None, 0, 0
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        if self.csv_path is not None:
            self.csv_path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, batch: pa.Table) -> None:
        self.rows += batch.num_rows
        if self.csv_path is not None:
            if self.writer is None:
                self.writer = pacsv.CSVWriter(str(self.csv_path), batch.schema)
            self.writer.write_table(batch)
        if self.folder is not None:
            self.parts += 1
            pq.write_table(batch, self.folder / f"part-{self.parts:04d}.parquet")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _days(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32())


def _customers(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer (small: follows the customers): signup day offset, churn day offset
    (-1: still a customer), monthly price."""
    rng = np.random.default_rng([seed, 0])
    signup = rng.integers(0, MONTHS * 30 - 31, n)
    lives = rng.exponential(420, n).astype(np.int64) + 30
    churn = np.where(signup + lives < MONTHS * 30 - 1, signup + lives, -1)
    price = rng.choice(np.array([19.0, 49.0, 99.0, 299.0]), n, p=[0.4, 0.3, 0.2, 0.1])
    return signup, churn, price


def _ids(prefix: str, start: int, stop: int, width: int) -> pa.Array:
    return pa.array(np.char.add(prefix, np.char.zfill(np.arange(start, stop).astype(str), width)))


def generate(out: Path, orders: int, chunk: int, seed: int, formats: set[str],
             customers: int | None = None) -> dict[str, int]:
    """Write the company to ``out``; returns the rows written per table. ``customers``:
    how many (default: in proportion to the orders, 50,000 per million)."""
    customers = customers or max(10, int(orders * PER_ORDER["Customers"]))
    signup, churn, price = _customers(customers, seed)
    end = MONTHS * 30 - 1
    sinks = {t: _Sink(out, t, formats) for t in ("Customers", "Subscriptions", "Orders", "NPS", "Invoices", "Costs")}
    segments = np.array(["SMB", "Mid-market", "Enterprise"])

    def blocks(total: int, rows_per_block: int = BLOCK, per_chunk: int = chunk):
        """(block number, first row, last row + 1), ``rows_per_block`` rows each, grouped
        ``per_chunk`` rows at a time."""
        group, pending = [], 0
        for number, first in enumerate(range(0, total, rows_per_block)):
            group.append((number, first, min(first + rows_per_block, total)))
            pending += group[-1][2] - first
            if pending >= per_chunk:
                yield group
                group, pending = [], 0
        if group:
            yield group

    # a customer has about nine months of subscription rows: a tenth of the chunk's customers
    for group in blocks(customers, BLOCK // 10, max(1, chunk // 10)):
        parts, subs = [], []
        for number, first, stop in group:
            rng = np.random.default_rng([seed, 1, number])
            left = churn[first:stop]
            parts.append(pa.table({
                "customer_id": _ids("C", first, stop, 7),
                "name": _ids("Customer ", first, stop, 1),
                "segment": pa.array(segments[rng.integers(0, 3, stop - first)]),
                "signup_date": _days(FIRST_DAY + signup[first:stop]),
                "churn_date": pa.array(np.where(left >= 0, FIRST_DAY + left, np.datetime64("NaT")).astype(
                    "datetime64[D]"), type=pa.date32(), mask=left < 0),
            }))
            # one subscription row per customer per month from signup to churn (or the end)
            first_month = signup[first:stop] // 30
            last_month = np.where(left >= 0, left, end) // 30
            counts = last_month - first_month + 1
            who = np.repeat(np.arange(first, stop), counts)
            month = np.repeat(first_month, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
            month_day = (np.datetime64("2024-01", "M") + month).astype("datetime64[D]")
            subs.append(pa.table({"customer_id": _ids("C", 0, 0, 7) if len(who) == 0 else pa.array(
                np.char.add("C", np.char.zfill(who.astype(str), 7))),
                "month": _days(month_day), "mrr": pa.array(price[who])}))
        sinks["Customers"].write(pa.concat_tables(parts))
        sinks["Subscriptions"].write(pa.concat_tables(subs))

    def dated_rows(table: str, total: int, stream: int, make) -> None:
        for group in blocks(total):
            tables = []
            for number, first, stop in group:
                rng = np.random.default_rng([seed, stream, number])
                who = rng.integers(0, customers, stop - first)
                last = np.where(churn[who] >= 0, churn[who], end)
                day = signup[who] + (rng.random(stop - first) * (last - signup[who] + 1)).astype(np.int64)
                tables.append(make(rng, first, stop, who, day))
            sinks[table].write(pa.concat_tables(tables))

    def order_rows(rng, first, stop, who, day):
        n = stop - first
        units = rng.integers(1, 6, n)
        return pa.table({
            "order_id": _ids("O", first, stop, 9), "customer_id": pa.array(np.char.add("C", np.char.zfill(who.astype(str), 7))),
            "order_date": _days(FIRST_DAY + day), "amount": pa.array(np.round(rng.gamma(2.0, 40.0, n), 2)),
            "units": pa.array(units), "units_returned": pa.array(np.where(rng.random(n) < 0.03, units, 0))})

    def nps_rows(rng, first, stop, who, day):
        return pa.table({"customer_id": pa.array(np.char.add("C", np.char.zfill(who.astype(str), 7))),
                         "date": _days(FIRST_DAY + day),
                         "score": pa.array(rng.choice(11, stop - first, p=[.02, .02, .03, .03, .05, .08, .1, .15, .2, .17, .15]))})

    def invoice_rows(rng, first, stop, who, day):
        n = stop - first
        late = rng.integers(-5, 60, n)
        paid = np.where(rng.random(n) < 0.95, day + 30 + late, -1)
        paid = np.where(paid > end, -1, paid)
        return pa.table({
            "invoice_id": _ids("I", first, stop, 9), "customer_id": pa.array(np.char.add("C", np.char.zfill(who.astype(str), 7))),
            "issue_date": _days(FIRST_DAY + day), "due_date": _days(FIRST_DAY + day + 30),
            "amount": pa.array(price[who]),
            "paid_date": pa.array((FIRST_DAY + np.maximum(paid, 0)).astype("datetime64[D]"), type=pa.date32(), mask=paid < 0)})

    dated_rows("Orders", orders, 2, order_rows)
    dated_rows("NPS", int(orders * PER_ORDER["NPS"]), 3, nps_rows)
    dated_rows("Invoices", int(orders * PER_ORDER["Invoices"]), 4, invoice_rows)
    months = (np.datetime64("2024-01", "M") + np.arange(MONTHS)).astype("datetime64[D]")
    sinks["Costs"].write(pa.table({"month": _days(months), "retention_spend": pa.array(np.full(MONTHS, 5000.0))}))
    for sink in sinks.values():
        sink.close()
    return {name: sink.rows for name, sink in sinks.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write (must not hold these files yet)")
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=1_000_000, help="rows made and written at a time")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--format", choices=("csv", "parquet", "both"), default="both")
    parser.add_argument("--customers", type=int, default=None,
                        help="customers (default: 50,000 per million orders); the other tables "
                             "keep their proportion to the orders")
    args = parser.parse_args(argv)
    if (args.out / "csv").exists() or (args.out / "parquet").exists():
        parser.error(f"{args.out} already holds generated data: give an empty folder")
    formats = {"csv", "parquet"} if args.format == "both" else {args.format}
    started = time.perf_counter()
    rows = generate(args.out, args.orders, max(BLOCK, args.chunk), args.seed, formats,
                    args.customers)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(", ".join(f"{name} {n:,}" for name, n in rows.items()))
    print(f"written in {seconds:.1f} s, peak RSS {peak:,.0f} MB ({args.format})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
