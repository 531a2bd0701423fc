"""Benchmark of ``retention report`` at company scale: time per stage and peak memory.

    python benchmarks/bench_report.py [--customers 50000] [--orders 1000000] [--nps 200000]
                                      [--invoices 300000] [--with-activity] [--keep DIR]

1. The streaming generator (``benchmarks/generate.py``) writes the company as CSV files to a
   temporary folder, a chunk at a time: per 1,000,000 orders, 50,000 customers over 24
   months of subscriptions, 200,000 NPS answers, 300,000 invoices, and the monthly Costs
   (``--orders`` sets the size, the rest follows). Activity (one row per user per day: ~4
   million rows at this size) is not part of the target; ``--with-activity`` makes the
   company with the sample generator (addin.sample_data) instead, in memory, with it.
2. The whole command ``retention report FOLDER -o report.xlsx -q`` runs in a child process:
   wall time and its peak resident memory (``ru_maxrss`` of that child from ``os.wait4``,
   the kernel's high-water mark of the process's RSS -- not tracemalloc, which sees only
   Python allocations). This script itself stays small (no pandas), because a child's
   ``ru_maxrss`` starts from the size of the process it was forked from.
3. In another child process the stages run one by one -- read (``load_data``), compute
   (``build_report``), write (``write_report``, openpyxl's normal mode) and, for comparison,
   the same write in openpyxl's write-only mode -- each timed, with the peak RSS after each.

Targets (2-core machine): the whole command <= 20 s, peak memory <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 20.0
TARGET_MB = 1536.0


def _stages(folder: str, out_dir: str) -> dict:
    """Run read / compute / write / write-only in this process; seconds and peak RSS (MB)."""
    from addin.data import load_data
    from addin.excel.report_writer import write_report
    from addin.report import build_report

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    result = {"start_mb": peak_mb()}
    t = time.perf_counter()
    data = load_data(folder)
    result["read_s"], result["read_peak_mb"] = time.perf_counter() - t, peak_mb()
    result["rows"] = {name: len(frame) for name, frame in data.tables.items()}
    steps: dict[str, float] = {}
    last = [None, time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        if last[0] is not None:
            steps[last[0]] = now - last[1]
        last[0], last[1] = name, now

    t = time.perf_counter()
    report = build_report(data, progress=step)
    step("end")
    result["compute_s"], result["compute_peak_mb"] = time.perf_counter() - t, peak_mb()
    result["compute_steps_s"] = steps
    result["period"] = report.period.label
    t = time.perf_counter()
    write_report(report, Path(out_dir) / "stages.xlsx")
    result["write_s"], result["write_peak_mb"] = time.perf_counter() - t, peak_mb()
    t = time.perf_counter()
    write_report(report, Path(out_dir) / "stages_write_only.xlsx", write_only=True)
    result["write_only_s"] = time.perf_counter() - t
    result["report_cells"] = int(sum(frame.size for frame in (
        report.kpis, report.trend, report.cohorts_logos, report.cohorts_revenue,
        report.mrr_movements, report.nps_distribution, report.nps_monthly, report.ageing,
        report.quality, report.definitions)))
    return result


def _measured(command: list[str]) -> tuple[int, float, float, str, str]:
    """Run ``command``: (exit code, seconds, its own peak RSS in MB, stdout, stderr).

    ``os.wait4`` gives the rusage of this one child (RUSAGE_CHILDREN would be the largest of
    every child so far, the generator included).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (process.returncode, seconds, usage.ru_maxrss / 1024,
                out.read().decode(), err.read().decode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--nps", type=int, default=200_000)
    parser.add_argument("--invoices", type=int, default=300_000)
    parser.add_argument("--with-activity", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="write the CSV files and reports here")
    parser.add_argument("--generate", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--stages-only", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stages_only:  # the child process of step 3
        print(json.dumps(_stages(args.stages_only, args.out_dir)))
        return 0
    if args.generate and not args.with_activity:  # the child process of step 1, streaming
        from generate import generate

        rows = generate(Path(args.generate).parent, args.orders, 1_000_000, 17, {"csv"})
        print(json.dumps(rows))
        return 0
    if args.generate:  # the child process of step 1, with Activity: in memory
        from addin.sample_data import generate_company, write_csv_folder

        tables = generate_company(customers=args.customers,
                                  orders_per_customer=args.orders / args.customers,
                                  nps_answers=args.nps, invoices=args.invoices)
        if not args.with_activity:
            del tables["Activity"]
        write_csv_folder(tables, args.generate, overwrite=True)
        print(json.dumps({name: len(frame) for name, frame in tables.items()}))
        return 0

    # This process stays small (no pandas): a child's peak RSS as the kernel reports it
    # includes what it had before exec, i.e. a copy of this process.
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "data" / "csv"  # where generate.py writes the CSV files
    options = ["--customers", str(args.customers), "--orders", str(args.orders), "--nps",
               str(args.nps), "--invoices", str(args.invoices)]
    if args.with_activity:
        options.append("--with-activity")
    if folder.parent.exists():  # --keep DIR of an earlier run: made again
        for path in sorted(folder.parent.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
    folder.mkdir(parents=True) if args.with_activity else folder.parent.mkdir(parents=True)
    code, seconds, gen_peak, stdout, stderr = _measured(
        [sys.executable, __file__, "--generate", str(folder), *options])
    if code:
        print(stderr, file=sys.stderr)
        return code
    sizes = json.loads(stdout)
    print(f"data: {', '.join(f'{k} {v:,}' for k, v in sizes.items())} "
          f"({sum(p.stat().st_size for p in folder.iterdir()) / 1e6:,.0f} MB of CSV, made in "
          f"{seconds:.1f} s, generator's peak RSS {gen_peak:,.0f} MB)")

    out = work / "report.xlsx"
    if out.exists():
        out.unlink()
    retention = [sys.executable, "-c", "import sys; from addin.cli import main; sys.exit(main())"]
    code, total, peak, _, stderr = _measured([*retention, "report", str(folder), "-o", str(out), "-q"])
    if code:
        print(stderr, file=sys.stderr)
        return code
    print(f"retention report (whole command, one process): {total:.2f} s, peak RSS {peak:,.0f} MB "
          f"[targets {TARGET_SECONDS:.0f} s, {TARGET_MB:,.0f} MB]")

    for name in ("stages.xlsx", "stages_write_only.xlsx"):
        if (work / name).exists():
            (work / name).unlink()
    code, _, _, stdout, stderr = _measured(
        [sys.executable, __file__, "--stages-only", str(folder), "--out-dir", str(work)])
    if code:
        print(stderr, file=sys.stderr)
        return code
    stages = json.loads(stdout)
    print(f"  read    {stages['read_s']:6.2f} s  (peak RSS so far {stages['read_peak_mb']:,.0f} MB; "
          f"python + imports {stages['start_mb']:,.0f} MB)")
    print(f"  compute {stages['compute_s']:6.2f} s  (peak RSS so far {stages['compute_peak_mb']:,.0f} MB; "
          f"period {stages['period']})")
    for step, seconds in stages["compute_steps_s"].items():
        print(f"            {step:<14}{seconds:6.2f} s")
    print(f"  write   {stages['write_s']:6.2f} s  openpyxl normal mode (peak RSS {stages['write_peak_mb']:,.0f} MB); "
          f"{stages['report_cells']:,} report values")
    print(f"  write   {stages['write_only_s']:6.2f} s  openpyxl write-only mode, same workbook")
    ok = total <= TARGET_SECONDS and peak <= TARGET_MB
    print("within targets" if ok else "OVER TARGET")
    if not args.keep:
        for path in sorted(work.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        work.rmdir()
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # generate.py beside this file
    sys.exit(main())
