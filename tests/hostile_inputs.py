"""Hostile inputs built from a clean company, and the one judgement of an outcome.

Used by tests/test_hostile_data.py (one case per item of the issue) and, run as a script, as a
sweep over many generated variants::

    PYTHONPATH=. python tests/hostile_inputs.py [--variants 400] [--seed 1]

Every variant is the clean 40-customer company written some hostile way. Its outcome is one of:

- ``read right``: the tables loaded equal the clean tables (or the clean tables less the rows
  the variant made bad, each dropped with a counted reason), and the report's KPIs equal the
  clean report's;
- ``refused clearly``: a one-line DataError naming the file (and, where the variant put the
  problem in one place, its row or line and column);
- ``refused (readable)``: such a refusal of an input that could have been read right (not
  wrong, but worth counting apart);
- ``silently wrong``: anything else -- different numbers without a counted reason, an
  exception that is not a DataError, a refusal that names nothing. Must never happen.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from addin.data import RetentionData, load_data
from addin.data.values import NOT_TEXT
from addin.errors import DataError
from addin.report import build_report
from addin.sample_data import generate_company, write_csv_folder

#: The run's date of every case: after the company's last month (October 2026).
TODAY = dt.date(2026, 11, 15)
#: The period every report compares.
PERIOD = "2026-10"
#: KPIs compared (current and previous period).
KPI_COLUMNS = ("current", "previous")


def company() -> dict[str, pd.DataFrame]:
    """The clean company: 40 customers over 6 months, names with accents (for encodings)."""
    tables = generate_company(customers=40, months=6, seed=11)
    customers = tables["Customers"].copy()
    names = customers["name"].astype(object).to_numpy().copy()
    names[0], names[1], names[2] = "Café Müller GmbH", "Crème Brûlée SàRL", "Ørsted & Søn"
    customers["name"] = pd.array(names, dtype="str")
    tables["Customers"] = customers
    return tables


def clean_folder(folder: Path, tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """The company as a CSV folder, as ``write_csv_folder`` writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv_folder(tables or company(), folder, overwrite=True)
    return folder


def kpis(data: RetentionData, segment: str | None = None) -> pd.DataFrame:
    """The KPIs (key, current, previous) of the report of :data:`PERIOD`."""
    report = build_report(data, PERIOD, segment=segment)
    return report.kpis[["key", *KPI_COLUMNS]].reset_index(drop=True)


def same_numbers(data: RetentionData, clean: RetentionData, *, segment: str | None = None) -> bool:
    """The report's KPIs of ``data`` equal those of ``clean`` (NaN equal to NaN)."""
    a, b = kpis(data, segment), kpis(clean, segment)
    if list(a["key"]) != list(b["key"]):
        return False
    for column in KPI_COLUMNS:
        x, y = a[column].to_numpy(float), b[column].to_numpy(float)
        if not np.allclose(x, y, rtol=1e-9, atol=1e-9, equal_nan=True):
            return False
    return True


def same_tables(data: RetentionData, clean: RetentionData) -> bool:
    """Every table of ``clean`` is in ``data`` with the same rows, in any order (values to 1e-9)."""
    if list(data.tables) != list(clean.tables):
        return False

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)

    for name, frame in clean.tables.items():
        try:
            pd.testing.assert_frame_equal(ordered(data.tables[name]), ordered(frame),
                                          check_dtype=False, check_exact=False, rtol=1e-9)
        except AssertionError:
            return False
    return True


def dropped(data: RetentionData) -> dict[tuple[str, str], int]:
    """(table, reason) -> rows dropped, for the reasons that dropped rows."""
    q = data.quality
    return {(t, r): int(d) for t, r, d in zip(q["table"], q["reason"], q["rows_dropped"]) if d}


def valid_text(text: str) -> bool:
    """Text any workbook can hold and any UTF-8 terminal can print."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return NOT_TEXT.search(text) is None


# --------------------------------------------------------------------------- the sweep

@dataclass
class Variant:
    """One hostile input: what to write, and what a right reading must give."""

    name: str
    build: object  # (folder: Path, rng) -> (path to load, load kwargs, expected dropped reasons)
    outcomes: Counter = field(default_factory=Counter)


def _write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.write_bytes(text.encode(encoding))


def _csv_text(frame: pd.DataFrame, sep: str = ",", decimal: str = ".", date_format: str = "%Y-%m-%d",
              float_format: str | None = None) -> str:
    return frame.to_csv(index=False, sep=sep, decimal=decimal, date_format=date_format,
                        float_format=float_format, lineterminator="\n")


PADS = [" ", "\t", "\u00a0", "\u200b", "\ufeff", "\u202f", "  \u00a0", "\u3000"]
ENCODINGS_READ = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "latin-1"]
ENCODINGS_REFUSED = ["shift_jis", "gbk", "big5", "euc-kr", "cp1251", "koi8-r", "utf-16-le"]
FUTURE_CELLS = [("Orders", "order_date"), ("NPS", "date"), ("Invoices", "paid_date"),
                ("Invoices", "issue_date"), ("Activity", "date"), ("Subscriptions", "month"),
                ("Costs", "month"), ("Customers", "signup_date")]


def _variants() -> list[Variant]:
    out: list[Variant] = []

    def variant(name):
        def wrap(function):
            out.append(Variant(name, function))
            return function
        return wrap

    @variant("padded ids")
    def _(folder, rng, tables):
        pad = rng.choice(PADS)
        where = rng.choice(["start", "end", "both", "inside-invisible"])
        table = rng.choice(["Subscriptions", "Orders", "NPS", "Invoices", "Customers"])
        frame = tables[table].copy()
        ids = frame["customer_id"].astype(object).to_numpy().copy()
        rows = rng.sample(range(len(ids)), k=max(1, len(ids) // 3))
        for i in rows:
            if where == "start":
                ids[i] = pad + ids[i]
            elif where == "end":
                ids[i] = ids[i] + pad
            elif where == "both":
                ids[i] = pad + ids[i] + pad
            else:
                ids[i] = ids[i][:3] + rng.choice(["\u200b", "\u2060", "\ufeff", "\u00ad"]) + ids[i][3:]
        frame["customer_id"] = ids
        _write(folder / f"{table}.csv", _csv_text(frame, sep=rng.choice([",", ";", "\t"])))
        return folder, {}, {}

    @variant("encoding read")
    def _(folder, rng, tables):
        encoding = rng.choice(ENCODINGS_READ)
        text = _csv_text(tables["Customers"], sep=rng.choice([",", ";", "\t"]))
        if encoding.endswith("-bom"):
            codec = encoding[:-4]
            data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + text.encode(codec)
            (folder / "Customers.csv").write_bytes(data)
        else:
            _write(folder / "Customers.csv", text, encoding)
        return folder, {}, {}

    @variant("encoding refused")
    def _(folder, rng, tables):
        encoding = rng.choice(ENCODINGS_REFUSED)
        frame = tables["Customers"].copy()
        names = frame["name"].astype(object).to_numpy().copy()
        foreign = {"shift_jis": "東京商事株式会社", "gbk": "北京贸易有限公司", "big5": "台北貿易有限公司",
                   "euc-kr": "서울무역 주식회사", "cp1251": "Торговый дом Иванов", "koi8-r": "Торговый дом",
                   "utf-16-le": "Plain name"}[encoding]
        names[:3] = ["Cafe", "Creme", "Orsted"]  # the only text outside ASCII: the foreign name
        names[rng.randrange(3, len(names))] = foreign
        frame["name"] = names
        _write(folder / "Customers.csv", _csv_text(frame), encoding)
        return folder, {}, "refuse"

    @variant("stray byte")
    def _(folder, rng, tables):
        text = _csv_text(tables["Customers"]).encode("utf-8")  # UTF-8, with accents
        at = text.index(b"\n", rng.randrange(len(text) // 2, len(text) - 2))
        bad = text[:at] + bytes([rng.choice([0xE9, 0xFC, 0x80, 0xA0])]) + text[at:]
        (folder / "Customers.csv").write_bytes(bad)
        return folder, {}, "refuse"

    @variant("future or ancient date")
    def _(folder, rng, tables):
        table, column = rng.choice(FUTURE_CELLS)
        frame = tables[table].copy()
        extra = frame.iloc[[rng.randrange(len(frame))]].copy()
        when = rng.choice(["2099-06-15", "2200-01-01", "2030-03-01", "2026-12-01", "1901-01-01", "1969-12-31"])
        if table == "Customers" and when < "1970":  # a customer since 1901 is one: no error
            when = "2099-06-15"
        extra[column] = pd.Timestamp(when)
        if table == "Orders":
            extra["order_id"] = "O-hostile"
        if table == "Invoices":
            extra["invoice_id"] = "INV-hostile"
            if column == "issue_date":
                extra["due_date"] = pd.Timestamp(when) + pd.Timedelta(days=30)
                extra["paid_date"] = pd.NaT
        if table == "Customers":
            extra["customer_id"] = "C-hostile"
            extra["churn_date"] = pd.NaT
        position = rng.randrange(len(frame) + 1)
        frame = pd.concat([frame.iloc[:position], extra, frame.iloc[position:]], ignore_index=True)
        _write(folder / f"{table}.csv", _csv_text(frame))
        floor = when < "1970"
        reason = f"date before 1970 in {column}" if floor else f"date in the future in {column}"
        return folder, {}, {(table, reason): 1}

    @variant("decimal")
    def _(folder, rng, tables):
        frame = tables["Orders"].copy()
        style = rng.choice(["comma", "three-dots", "split", "grouped"])
        sep = rng.choice([";", "\t"])
        if style == "comma":
            _write(folder / "Orders.csv", _csv_text(frame, sep=sep, decimal=","))
            return folder, {}, {}
        if style == "three-dots":
            _write(folder / "Orders.csv", _csv_text(frame, sep=sep, float_format="%.3f"))
            return folder, {}, "refuse"
        if style == "split":
            text = _csv_text(frame, sep=sep, decimal=",")
            lines = text.split("\n")
            i = rng.randrange(1, len(lines) - 1)
            lines[i] = lines[i].replace(",", ".")
            _write(folder / "Orders.csv", "\n".join(lines))
            return folder, {}, "refuse"
        amounts = [f"{a:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") for a in frame["amount"]]
        frame = frame.assign(amount=amounts)
        _write(folder / "Orders.csv", _csv_text(frame, sep=";"))
        return folder, {}, {}

    @variant("huge numbers")
    def _(folder, rng, tables):
        table, column = rng.choice([("Orders", "units"), ("Orders", "amount"), ("Subscriptions", "mrr"),
                                    ("Costs", "retention_spend"), ("Invoices", "amount")])
        frame = tables[table].copy()
        extra = frame.iloc[[rng.randrange(len(frame))]].copy()
        value = rng.choice([1e20, 2 ** 63, 9.3e18, 1e308, 1e16])
        extra[column] = value
        key = {"Orders": "order_id", "Invoices": "invoice_id"}.get(table)
        if key:
            extra[key] = f"{table}-hostile"
        frame = pd.concat([frame, extra], ignore_index=True)
        _write(folder / f"{table}.csv", frame.to_csv(index=False, date_format="%Y-%m-%d",
                                                     lineterminator="\n", float_format="%.17g"))
        reason = f"{column} too large"
        expected = {(table, reason): 1}
        if table in ("Subscriptions", "Costs"):
            return folder, {}, "drop-or-same"
        return folder, {}, expected

    @variant("first line")
    def _(folder, rng, tables):
        table = rng.choice(["Subscriptions", "Orders", "Activity"])
        text = _csv_text(tables[table], sep=rng.choice([",", ";"]))
        sep = ";" if text.split("\n")[0].count(";") else ","
        shape = rng.choice(["sep-line", "bom", "double-bom", "quoted-header", "long-header", "crlf",
                            "padded-header"])
        if shape == "sep-line":
            text = f"sep={sep}\n" + text
        elif shape == "bom":
            text = "\ufeff" + text
        elif shape == "double-bom":
            text = "\ufeff\ufeff" + text
        elif shape == "quoted-header":
            head, rest = text.split("\n", 1)
            text = sep.join(f'"{h}"' for h in head.split(sep)) + "\n" + rest
        elif shape == "long-header":
            head, rest = text.split("\n", 1)
            text = head + sep + "x" * 70_000 + "\n" + rest.replace("\n", sep + "\n")
        elif shape == "crlf":
            text = text.replace("\n", "\r\n")
        else:
            head, rest = text.split("\n", 1)
            text = sep.join(f" {h}\u00a0" for h in head.split(sep)) + "\n" + rest
        _write(folder / f"{table}.csv", text)
        return folder, {}, {}

    @variant("date order")
    def _(folder, rng, tables):
        table, column = rng.choice([("Activity", "date"), ("Orders", "order_date"), ("NPS", "date"),
                                    ("Invoices", "issue_date")])
        frame = tables[table]
        order = rng.choice(["%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%d.%m.%Y"])
        early = rng.random() < 0.3  # only days 1..12: nothing tells the order
        if early:
            frame = frame[frame[column].dt.day <= 12]
            tables = {**tables, table: frame}
            clean_folder(folder, tables)
        _write(folder / f"{table}.csv", _csv_text(frame, date_format=order))
        expected = "refuse" if early and order != "%d.%m.%Y" else {}
        return folder, {}, expected if not early else ("other clean", tables, expected)

    @variant("text that is not text")
    def _(folder, rng, tables):
        table = rng.choice(["Customers", "NPS", "Activity"])
        frame = tables[table]
        extra = frame.iloc[[rng.randrange(len(frame))]].copy()
        column = {"Customers": rng.choice(["customer_id", "segment", "name"]), "NPS": "customer_id",
                  "Activity": "user_id"}[table]
        extra[column] = "X" + rng.choice(["\x01", "\x07", "\x1b", "\x1f"]) + "Y"
        if table == "Customers" and column != "customer_id":
            extra["customer_id"] = "C-hostile"
        frame = pd.concat([frame, extra], ignore_index=True)
        _write(folder / f"{table}.csv", _csv_text(frame))
        (folder / os.fsdecode(b"notes-\xe9t\xe9.csv")).write_bytes(b"a,b\n1,2\n")
        return folder, {}, {(table, f"control character in {column}"): 1}

    @variant("long cell")
    def _(folder, rng, tables):
        table, column, reason = rng.choice([
            ("Orders", "amount", "not a number in amount"), ("Orders", "order_date", "not a date in order_date"),
            ("NPS", "score", "not a number in score"), ("Costs", "month", "not a date in month")])
        frame = tables[table].astype({column: object})
        extra = frame.iloc[[0]].copy()
        extra[column] = rng.choice(["9", "T", " 1", "1.5", "1/", "12:00 ", "(", "0"]) * rng.choice(
            [200, 5_000, 60_000]) + "x"
        if table == "Orders":
            extra["order_id"] = "O-long"
        frame = pd.concat([frame, extra], ignore_index=True)
        _write(folder / f"{table}.csv", _csv_text(frame))
        return folder, {}, {(table, reason): 1}

    @variant("workbook")
    def _(folder, rng, tables):
        frames = {name: frame.copy() for name, frame in tables.items()}
        shape = rng.choice(["merged", "padded", "formulas", "far-right", "no-extension", "tables"])
        expected: object = {}
        if shape == "merged":
            frames["Customers"] = frames["Customers"].sort_values("segment", kind="stable")
        elif shape == "padded":
            pad = rng.choice(PADS)
            frames["Orders"]["customer_id"] = pad + frames["Orders"]["customer_id"] + rng.choice(PADS)
        elif shape == "formulas":
            extra = frames["Orders"].iloc[:rng.randint(1, 4)].copy()
            extra["order_id"] = [f"F{i}" for i in range(len(extra))]
            frames["Orders"] = pd.concat([frames["Orders"], extra], ignore_index=True)
            expected = {("Orders", "formula without a saved value in amount"): len(extra)}
        path = folder / ("data" if shape == "no-extension" else "data.xlsx")
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        if shape in ("merged", "formulas", "tables"):
            import openpyxl
            from openpyxl.worksheet.table import Table

            book = openpyxl.load_workbook(path)
            if shape == "merged":
                sheet, segments = book["Customers"], list(frames["Customers"]["segment"])
                start = 0
                for i in range(1, len(segments) + 1):
                    if i == len(segments) or segments[i] != segments[start]:
                        if i - start > 1:
                            sheet.merge_cells(start_row=start + 2, start_column=3, end_row=i + 1, end_column=3)
                        start = i
            elif shape == "formulas":
                sheet = book["Orders"]
                for row in range(sheet.max_row - len(extra) + 1, sheet.max_row + 1):
                    sheet.cell(row=row, column=4).value = f"=E{row}*2"
            else:
                for name in rng.sample(list(frames), 3):
                    sheet = book[name]
                    sheet.add_table(Table(displayName=name.lower() + "_tbl", ref=sheet.dimensions))
            book.save(path)
        if shape == "far-right":
            count = rng.choice([5_000, 60_000, 150_000])
            far = "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(5000, 5000 + count))
            import zipfile

            with zipfile.ZipFile(path) as archive:
                parts = {n: archive.read(n) for n in archive.namelist()}
            sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet3"))
            parts[sheet] = parts[sheet].replace(b"</sheetData>", far.encode() + b"</sheetData>")
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for n, d in parts.items():
                    archive.writestr(n, d)
            expected = "refuse" if count > 100_000 else {}
        for csv_file in folder.glob("*.csv"):
            csv_file.unlink()
        return path, {}, expected

    return out


def judge(path: Path, kwargs: dict, expected, clean: RetentionData) -> str:
    """``read right``, ``refused clearly`` or ``silently wrong`` (see the module's docstring)."""
    try:
        data = load_data(path, today=TODAY, **kwargs)
    except DataError as error:
        message = str(error)
        if "\n" in message or not valid_text(message) or ":" not in message:
            return "silently wrong"
        if error.file is None:
            return "silently wrong"
        # a refusal is never silent; one of an input that could be read right is counted apart
        return "refused clearly" if expected == "refuse" else "refused (readable)"
    except Exception:  # noqa: BLE001 - anything else is a defect
        return "silently wrong"
    if expected == "refuse":  # unreadable without help: read, it must still be right
        expected = {}
    if not valid_text(data.source) or not all(valid_text(n) for n in data.notes):
        return "silently wrong"
    got = dropped(data)
    if expected == "drop-or-same":
        if not all("too large" in reason for _, reason in got):
            return "silently wrong"
    elif got != expected:
        return "silently wrong"
    if not same_numbers(data, clean):
        return "silently wrong"
    if not got and not same_tables(data, clean):
        return "silently wrong"
    return "read right"


def sweep(variants: int = 400, seed: int = 1, folder: Path | None = None) -> Counter:
    """Run ``variants`` random hostile inputs; the count of each outcome, and per kind."""
    rng = random.Random(seed)
    kinds = _variants()
    tables = company()
    root = Path(folder or tempfile.mkdtemp(prefix="hostile-"))
    clean = load_data(clean_folder(root / "clean", tables), today=TODAY)
    totals: Counter = Counter()
    for i in range(variants):
        kind = kinds[i % len(kinds)]
        case = clean_folder(root / f"case{i}", tables)
        path, kwargs, expected = kind.build(case, rng, tables)
        reference = clean
        if isinstance(expected, tuple):  # the variant changed the clean data itself
            _, other, expected = expected
            reference = load_data(clean_folder(root / f"clean{i}", other), today=TODAY)
        outcome = judge(path, kwargs, expected, reference)
        kind.outcomes[outcome] += 1
        totals[outcome] += 1
        if outcome == "silently wrong":
            print(f"SILENTLY WRONG: {kind.name} #{i} in {case}", file=sys.stderr)
    for kind in kinds:
        print(f"{kind.name:24} " + ", ".join(f"{k}: {v}" for k, v in sorted(kind.outcomes.items())))
    return totals


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    totals = sweep(args.variants, args.seed)
    print(f"{sum(totals.values())} inputs tried in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    sys.exit(1 if totals["silently wrong"] else 0)
