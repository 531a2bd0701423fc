"""The engine sources (addin/data/engines) against the file reader, on real engines.

The same data -- the sample company, and a small data set with bad rows of every kind --
is written as CSV (read by :func:`addin.data.load_data`, the reference), as Parquet (one
file per table, and a folder of parts), as a DuckDB database file, into a throwaway
PostgreSQL cluster and into a local Spark session. Each engine's typed tables, collected to
pandas, must hold the reference's rows and values, and its quality counts must be the
reference's, reason by reason. Then the security rules of a database source: the password
never shown, libpq's password file honoured, mapped names never pasted into SQL.
"""

from __future__ import annotations

import datetime as dt
import os
import tracemalloc
from pathlib import Path

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import engine_servers as servers
from addin.data import load_data
from addin.data.engines import open_engine_source
from addin.data.engines.customer_rule import DROPPED_UNNUMBERED
from addin.data.schema import CUSTOMER_DROPPED, TABLES
from addin.errors import DataError, SourceUnreachableError
from addin.i18n import counted
from addin.sample_data import generate_company, write_csv_folder

TODAY = dt.date(2026, 11, 15)


# ---------------------------------------------------------------------------- the data sets

def bad_company() -> dict[str, pd.DataFrame]:
    """A small company with a bad row of each kind the engines check, stored as a database
    would: ids of Customers as integers, the other columns as text. Where a key repeats, the
    first row is also the first in the order of its columns, so a database (no row order:
    see check_frame) keeps the same one as the file reader."""
    good_orders = [(f"O{i:02d}", f"{100 + i % 5}", f"2026-0{1 + i % 9}-1{i % 9}", f"{10 + i}.50",
                    str(1 + i % 3), "") for i in range(20)]
    orders = good_orders + [
        ("O90", "102", "2026-12-01", "10", "1", ""),        # date in the future
        ("O91", "102", "1969-12-31", "10", "1", ""),        # before 1970
        ("O92", "102", "2026-13-01", "10", "1", ""),        # impossible date
        ("O93", "102", "yesterday", "10", "1", ""),         # not a date
        ("O94", "102", "2026-02-03", "-5", "1", ""),        # negative amount
        ("O95", "102", "2026-02-03", "abc", "1", ""),       # not a number
        ("O96", "102", "2026-02-03", "#N/A", "1", ""),      # an Excel error
        ("O97", "102", "2026-02-03", "1e16", "1", ""),      # too large
        ("O98", "102", "2026-02-03", "10", "1.5", ""),      # units not whole
        ("O99", "102", "2026-02-03", "10", "2", "3"),       # more returned than bought
        ("", "102", "2026-02-03", "10", "1", ""),           # blank id
        ("O05", "104", "2026-03-01", "99", "1", ""),        # duplicate order_id
        ("O80", " C999 ", "2026-03-02", "12", "1", "0"),    # not in Customers: kept, counted
        ("O81", "103", "2026-03-02T10:15:00", "12", "1", ""),  # a time after the date
        ("O82", "108", "2026-02-14", "20", "1", ""),        # 108's signup taken from here
        ("O83", "109", "2026-02-14", "20", "1", ""),        # 109's too, then 109 dropped
        ("O84\t", "100", " 2026-03-03 ", " 12 ", "1", ""),  # spaces and a tab around values
        ("O85", "10\x013", "2026-03-03", "12", "1", ""),    # a control character in an id
        ("O86", " \t ", "2026-03-03", "12", "1", ""),       # an id of whitespace only: blank
        ("\x0bO87", "100", "2026-03-04", "12", "1", ""),    # a vertical tab: stripped at the start
    ]
    customers = pd.DataFrame({
        "customer_id": pd.array([100, 101, 102, 103, 104, 105, 106, 107, 101, None, 108, 109],
                                dtype="Int64"),
        "name": ["Acme", "Beta", "Gamma", "Delta", "Eps", "Zeta", "Eta", "Theta", "Beta 2", "Iota",
                 "Kappa", "Lambda"],
        "segment": ["SMB", "SMB", "Enterprise", "", "SMB", "SMB", "SMB", "SMB", "SMB", "SMB",
                    "SMB", "SMB"],
        # 106: an impossible signup and no rows elsewhere (dropped); 108: blank, its signup
        # from its first order (before its first subscribed month); 109: not a date, its
        # signup from its order, after its churn date (dropped, and its rows with it)
        "signup_date": ["2024-01-15", "2024-02-01", "2024-03-10", "2024-04-01", "2024-05-01",
                        "2027-01-01", "2024-02-30", "2024-06-01", "2024-07-01", "2024-01-01",
                        "", "soon"],
        "churn_date": ["", "2025-06-30", "", "2023-01-01", "9999-12-31", "", "", "2030-01-01",
                       "", "", "", "2026-01-31"],
    })
    nps = pd.DataFrame({
        "customer_id": ["100", "101", "102", "103", "104", "100", "101", "102", "109"],
        "date": ["2026-01-05", "2026-01-06", "2026-02-07", "2026-03-08", "2026-04-09",
                 "2026-05-10", "2026-05-11", "2026-05-12", "2026-03-01"],
        "score": ["7", "11", "7.5", "", "10", "0", "9", "8", "9"],
    })
    subscriptions = pd.DataFrame({
        "customer_id": ["100", "100", "101", "101", "102", "103", "104", "100", "108"],
        "month": ["2026-04", "2026-05-01", "2026-04-01", "2026-04", "2026-05-17", "2026-06",
                  "2026-07", "2027-02", "2026-03"],
        "mrr": ["100", "120", "90", "10", "300", "50", "75", "100", "40"],
    })
    invoices = pd.DataFrame({
        "invoice_id": ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I3"],
        "customer_id": ["100", "101", "102", "103", "104", "100", "101", "102"],
        "issue_date": ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01",
                       "2026-06-01", "2026-07-01", "2026-08-01"],
        "due_date": ["2026-01-31", "2026-01-15", "2026-03-31", "2030-01-01", "2026-05-31",
                     "2026-06-30", "2026-07-31", "2026-08-31"],
        "amount": ["100", "200", "300", "400", "500", "600", "700", "800"],
        "paid_date": ["2026-01-20", "", "2026-04-02", "", "", "2026-06-15", "", ""],
    })
    activity = pd.DataFrame({
        "user_id": ["100", "100", "101", "102", "100", "103"],
        "date": ["2026-01-01", "2026-01-02", "2026-01-01", "2026-01-01", "2026-01-01", "2026-02-01"],
    })
    costs = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-01", "2026-03"],
                          "retention_spend": ["1000", "1100", "50", "900"]})
    return {
        "Customers": customers,
        "Subscriptions": subscriptions,
        "Orders": pd.DataFrame(orders, columns=list(TABLES["Orders"])),
        "NPS": nps,
        "Invoices": invoices,
        "Activity": activity,
        "Costs": costs,
    }


def sample_company() -> dict[str, pd.DataFrame]:
    return generate_company()


DATA_SETS = {"sample": sample_company, "bad": bad_company}


def write_csv(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, date_format="%Y-%m-%d")


def write_parquet_files(tables, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name.lower()}.parquet", index=False)


def write_parquet_parts(tables, folder: Path) -> None:
    """Each table as a folder of three parts, in name order (the rows' order)."""
    for name, frame in tables.items():
        part_folder = folder / name.upper()
        part_folder.mkdir(parents=True, exist_ok=True)
        for i, part in enumerate(np.array_split(np.arange(len(frame)), 3)):
            frame.iloc[part].to_parquet(part_folder / f"part-{i}.parquet", index=False)


def write_duckdb(tables, path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for name, frame in tables.items():
            con.register("incoming", pa.Table.from_pandas(frame, preserve_index=False))
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM incoming')
            con.unregister("incoming")


_PG_TYPES = {"i": "bigint", "f": "double precision", "M": "date", "O": "text", "b": "boolean"}


def load_postgres(con, tables, schema: str) -> None:
    """Each table into ``schema`` with its own column types (text stays text)."""
    from psycopg import sql

    con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    con.execute(sql.SQL("CREATE SCHEMA {} AUTHORIZATION analyst").format(sql.Identifier(schema)))
    for name, frame in tables.items():
        columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_pg_type(frame[c])))
                   for c in frame.columns]
        target = sql.Identifier(schema, name.lower())
        con.execute(sql.SQL("CREATE TABLE {} ({})").format(target, sql.SQL(", ").join(columns)))
        with con.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(target)) as copy:
            for row in frame.astype(object).itertuples(index=False):
                copy.write_row([None if v is None or v is pd.NA or v is pd.NaT
                                or (isinstance(v, float) and np.isnan(v)) else v for v in row])
        con.execute(sql.SQL("GRANT SELECT ON {} TO analyst").format(target))


def _pg_type(series: pd.Series) -> str:
    kind = series.dtype.kind if series.dtype != "str" else "O"
    return _PG_TYPES.get(kind, "text")


# ------------------------------------------------------------------------ servers, sources

@pytest.fixture(scope="module")
def postgres():
    server = servers.start_postgres()
    yield server
    servers.stop_postgres(server)


@pytest.fixture(scope="module")
def spark():
    session = servers.start_spark()
    yield session
    session.stop()


@pytest.fixture(scope="module", params=list(DATA_SETS))
def data_set(request, tmp_path_factory):
    """(name, tables as generated, the reference load_data of their CSV files, a folder)."""
    name = request.param
    tables = DATA_SETS[name]()
    folder = tmp_path_factory.mktemp(name)
    if name == "sample":
        write_csv_folder(tables, folder / "csv")
    else:
        write_csv(tables, folder / "csv")
    reference = load_data(folder / "csv", today=TODAY)
    return name, tables, reference, folder


def _collected(native) -> pd.DataFrame:
    return nw.from_native(native).lazy().collect("pandas").to_native()


def normalised(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Values in one dtype per kind, rows sorted (an engine keeps no row order)."""
    out = {}
    for col, kind in TABLES[table].items():
        values = frame[col]
        if kind in ("id", "text"):
            out[col] = values.astype(object).where(values.notna(), "").astype(str)
        elif kind in ("date", "month"):
            out[col] = pd.to_datetime(values).astype("datetime64[ns]")
        elif kind == "money":
            out[col] = values.astype(np.float64)
        else:
            out[col] = values.astype(np.int64)
    frame = pd.DataFrame(out)
    return frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def assert_kinds(frame: pd.DataFrame, table: str) -> None:
    """The engine's types: text, dates, floats, integers."""
    for col, kind in TABLES[table].items():
        dtype = frame[col].dtype
        if kind in ("id", "text"):
            assert pd.api.types.is_string_dtype(dtype) or dtype == object, (table, col, dtype)
            assert frame[col].map(lambda v: v is None or v is pd.NA or isinstance(v, str)).all()
        elif kind in ("date", "month"):
            dated = pd.to_datetime(frame[col])
            assert (dated.dropna() == dated.dropna().dt.normalize()).all(), (table, col)
            if kind == "month":
                assert (dated.dropna().dt.day == 1).all(), (table, col)
        elif kind == "money":
            assert dtype.kind == "f", (table, col, dtype)
        else:
            assert dtype.kind in "iu", (table, col, dtype)


def unnumbered(reason):
    """The file reader's reason as an engine says it: the rows of a customer dropped from
    Customers are counted without the Customers rows (a database has no row numbers), for
    the same number of customers; every other reason word for word."""
    key = getattr(reason, "key", "")
    if key.removesuffix("_one") != CUSTOMER_DROPPED:
        return reason
    assert set(reason.values) == {"n", "rows"}  # nothing else is left out
    return counted(DROPPED_UNNUMBERED, reason.values["n"])


def reference_quality(reference) -> dict[str, tuple[int, int, dict[str, int]]]:
    out = {}
    for table, rows in reference.quality.groupby("table", sort=False):
        reasons = {str(unnumbered(r)): int(n) for r, n in zip(rows["reason"], rows["rows_dropped"]) if r}
        out[table] = (int(rows["rows_read"].iloc[0]), int(rows["rows_kept"].iloc[0]), reasons)
    return out


def engine_quality(source) -> dict[str, tuple[int, int, dict[str, int]]]:
    return {table: (read, kept, {str(r): n for r, n in dropped.items()})
            for table, read, kept, dropped in source.quality}


def assert_same_as_reference(source, reference) -> None:
    assert set(source.tables) == set(reference.tables)
    assert engine_quality(source) == reference_quality(reference)
    for table, native in source.tables.items():
        got = _collected(native)
        assert_kinds(got, table)
        pd.testing.assert_frame_equal(normalised(got, table),
                                      normalised(reference.tables[table], table), obj=table)


# ------------------------------------------------------------------ the same data, each engine

def test_parquet_files_read_like_the_csv(data_set):
    name, tables, reference, folder = data_set
    write_parquet_files(tables, folder / "pq-files")
    with open_engine_source(folder / "pq-files", today=TODAY) as source:
        assert_same_as_reference(source, reference)
    # one file named after a table is a source of that table alone
    with open_engine_source(folder / "pq-files" / "orders.parquet", today=TODAY) as source:
        assert list(source.tables) == ["Orders"]


def test_parquet_folders_of_parts_read_like_the_csv(data_set):
    name, tables, reference, folder = data_set
    write_parquet_parts(tables, folder / "pq-parts")
    with open_engine_source(folder / "pq-parts", today=TODAY) as source:
        assert_same_as_reference(source, reference)


def test_duckdb_file_reads_like_the_csv(data_set):
    name, tables, reference, folder = data_set
    write_duckdb(tables, folder / "shop.duckdb")
    with open_engine_source(folder / "shop.duckdb", today=TODAY) as source:
        assert source.label.endswith("shop.duckdb")
        assert_same_as_reference(source, reference)


def test_postgres_reads_like_the_csv(data_set, postgres):
    name, tables, reference, folder = data_set
    with postgres.connect() as con:
        load_postgres(con, tables, schema=f"company_{name}")
    url = postgres.url(password=servers.ANALYST_PASSWORD)
    with open_engine_source(url, schema=f"company_{name}", today=TODAY) as source:
        assert servers.ANALYST_PASSWORD not in source.label
        assert source.label == f"postgresql://analyst@127.0.0.1:{postgres.port}/shop"
        assert_same_as_reference(source, reference)


def test_spark_catalogue_reads_like_the_csv(data_set, spark):
    name, tables, reference, folder = data_set
    for table, frame in tables.items():
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        spark.createDataFrame(arrow).createOrReplaceTempView(table.lower())
    with open_engine_source("spark:", today=TODAY) as source:
        assert_same_as_reference(source, reference)
    assert not spark.sparkContext._jsc.sc().isStopped()  # a session it did not start: left running


def test_spark_parquet_reads_like_the_csv(spark, tmp_path):
    # the data set that exercises the typing (the sample company goes through the catalogue
    # above: each Spark pass costs CI half a minute)
    tables = bad_company()
    write_csv(tables, tmp_path / "csv")
    reference = load_data(tmp_path / "csv", today=TODAY)
    write_parquet_parts(tables, tmp_path / "spark-parts")
    with open_engine_source(f"spark:{tmp_path / 'spark-parts'}", today=TODAY,
                            spark_conf={"spark.sql.shuffle.partitions": "3"}) as source:
        assert spark.conf.get("spark.sql.shuffle.partitions") == "3"
        assert_same_as_reference(source, reference)
    spark.conf.set("spark.sql.shuffle.partitions", "2")


def test_the_bad_rows_are_counted_under_the_file_readers_reasons(tmp_path):
    # the counts the comparisons above rest on, written out once: every check is exercised
    tables = bad_company()
    write_parquet_files(tables, tmp_path)
    with open_engine_source(tmp_path, today=TODAY) as source:
        quality = engine_quality(source)
    assert quality["Orders"][2] == {
        "date in the future in order_date": 1, "date before 1970 in order_date": 1,
        "impossible date in order_date": 1, "not a date in order_date": 1,
        "negative amount": 1, "not a number in amount": 1, "Excel error value in amount": 1,
        "amount too large": 1, "units not a whole number": 1,
        "units_returned more than units": 1, "blank order_id": 1, "duplicate order_id": 1,
        "blank customer_id": 1, "control character in customer_id": 1,
        "2 customer_ids dropped from Customers": 6,
        "customer_id not in Customers: 1 row kept": 0,
    }
    # the customer rule: 108's signup taken (kept), 109's taken and then after its churn
    # date (dropped), 103 dropped: those two customers' rows dropped in every table
    assert quality["Customers"] == (12, 5, {
        "blank customer_id": 1, "impossible date in signup_date": 1,
        "date in the future in signup_date": 1, "date too far in the future in churn_date": 1,
        "churn_date before signup_date": 2, "duplicate customer_id": 1,
        "1 signup date taken from the first subscription or order": 0,
        "2 customers dropped here: their rows in other tables dropped too": 0,
    })
    assert quality["Subscriptions"][2] == {"date in the future in month": 1,
                                           "repeated customer_id and month (mrr added up)": 1,
                                           "customer_id dropped from Customers": 1}
    assert quality["NPS"][2]["customer_id dropped from Customers"] == 1


# -------------------------------------------------------------------- what is not an engine's

def test_csv_folders_and_workbooks_are_left_to_the_file_reader(tmp_path):
    write_csv(bad_company(), tmp_path / "csv")
    assert open_engine_source(tmp_path / "csv") is None
    assert open_engine_source(tmp_path / "missing.parquet") is None
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    assert open_engine_source(tmp_path / "book.xlsx") is None


def test_a_column_of_the_wrong_kind_is_refused_naming_it(tmp_path):
    pd.DataFrame({"customer_id": ["1", "2", "3"], "date": ["soon", "later", "2026-01-01"],
                  "score": [7, 8, 9]}).to_parquet(tmp_path / "nps.parquet")
    with pytest.raises(DataError, match=r"nps\.parquet, column date: 2 of 3 values"):
        open_engine_source(tmp_path / "nps.parquet", today=TODAY)


def test_a_missing_column_is_named_with_the_columns_found(tmp_path):
    pd.DataFrame({"customer_id": ["1"], "when": ["2026-01-01"], "score": [7]}).to_parquet(
        tmp_path / "nps.parquet")
    with pytest.raises(DataError, match=r"no column date; the columns found are 'customer_id', "
                                        r"'when', 'score'"):
        open_engine_source(tmp_path / "nps.parquet", today=TODAY)
    # the mapping names it
    with open_engine_source(tmp_path / "nps.parquet", today=TODAY,
                            mapping={"nps": {"date": "when"}}) as source:
        assert engine_quality(source)["NPS"][:2] == (1, 1)


# ----------------------------------------------------------------------------- security

def test_password_file_is_read_by_libpq_and_a_loose_one_ignored(postgres, tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{postgres.port}:*:analyst:"
                      + servers.ANALYST_PASSWORD.replace(":", "\\:") + "\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with postgres.connect() as con:
        load_postgres(con, {"Costs": pd.DataFrame({"month": ["2026-01"],
                                                   "retention_spend": [10.0]})}, "pgpass_test")
    with open_engine_source(postgres.url(), schema="pgpass_test", today=TODAY) as source:
        assert engine_quality(source)["Costs"][:2] == (1, 1)
    # readable by others: libpq ignores it (with a warning), so the login fails
    pgpass.chmod(0o644)
    with pytest.raises(SourceUnreachableError) as refused:
        open_engine_source(postgres.url(), schema="pgpass_test", today=TODAY)
    assert f"127.0.0.1:{postgres.port}" in str(refused.value)
    # PGPASSWORD is the next place libpq looks
    monkeypatch.setenv("PGPASSWORD", servers.ANALYST_PASSWORD)
    with open_engine_source(postgres.url(), schema="pgpass_test", today=TODAY) as source:
        assert source.tables


def test_a_wrong_password_is_named_as_the_cause_and_never_shown(postgres):
    wrong = "Wr0ng-Pa55word!"
    with pytest.raises(SourceUnreachableError) as refused:
        open_engine_source(postgres.url(password=wrong), today=TODAY)
    message = str(refused.value)
    assert f"127.0.0.1:{postgres.port}" in message
    assert "password authentication failed" in message
    assert wrong not in message and "Pa55" not in message
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_closed_port_is_unreachable_naming_host_and_port():
    port = servers.free_port()  # nothing listens there
    url = f"postgresql://analyst:S3cret-x@127.0.0.1:{port}/shop"
    with pytest.raises(SourceUnreachableError) as refused:
        open_engine_source(url, today=TODAY)
    message = str(refused.value)
    assert f"127.0.0.1:{port}" in message and "S3cret" not in message
    assert message.startswith(f"postgresql://analyst@127.0.0.1:{port}/shop: ")


def test_a_mapped_name_is_an_identifier_never_sql(postgres):
    tables = {"Orders": bad_company()["Orders"]}
    with postgres.connect() as con:
        load_postgres(con, tables, "injection")
    hostile = 'x"; DROP TABLE injection.orders; --'
    with pytest.raises(DataError) as refused:
        open_engine_source(postgres.url(password=servers.ANALYST_PASSWORD), schema="injection",
                           mapping={"Orders": {"amount": hostile}}, today=TODAY)
    assert "no column amount (mapped to" in str(refused.value)
    assert "the columns found are 'order_id', 'customer_id'" in str(refused.value)
    with postgres.connect() as con:
        assert con.execute("SELECT count(*) FROM injection.orders").fetchone()[0] == len(tables["Orders"])
    # and a real column so named is read as that column, quoted
    with postgres.connect() as con:
        con.execute(f'ALTER TABLE injection.orders RENAME COLUMN amount TO "{hostile.replace(chr(34), 2 * chr(34))}"')
    with open_engine_source(postgres.url(password=servers.ANALYST_PASSWORD), schema="injection",
                            mapping={"Orders": {"amount": hostile}}, today=TODAY) as source:
        assert engine_quality(source)["Orders"][0] == len(tables["Orders"])
    with postgres.connect() as con:
        assert con.execute("SELECT count(*) FROM injection.orders").fetchone()[0] == len(tables["Orders"])


def test_a_million_rows_stay_in_the_server(postgres):
    # the rows are checked and counted in PostgreSQL: what comes back is counts, not rows
    with postgres.connect() as con:
        con.execute("DROP SCHEMA IF EXISTS big CASCADE")
        con.execute("CREATE SCHEMA big AUTHORIZATION analyst")
        con.execute("CREATE TABLE big.orders AS SELECT 'O' || g AS order_id, "
                    "'C' || (g % 40000) AS customer_id, DATE '2025-01-01' + (g % 600) AS order_date, "
                    "(g % 997) / 10.0 AS amount, 1 + g % 4 AS units, 0 AS units_returned "
                    "FROM generate_series(1, 1000000) AS g")
        con.execute("GRANT SELECT ON big.orders TO analyst")
    tracemalloc.start()
    try:
        with open_engine_source(postgres.url(password=servers.ANALYST_PASSWORD), schema="big",
                                today=TODAY) as source:
            quality = engine_quality(source)
            total = nw.from_native(source.tables["Orders"]).select(nw.col("amount").sum()).collect().item()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert quality["Orders"] == (1_000_000, 1_000_000, {})
    assert total == pytest.approx(sum((g % 997) / 10 for g in range(1, 1_000_001)))
    # a million rows as Python objects would take hundreds of MB; counts take almost nothing
    assert peak < 30 * 2**20, f"{peak / 2**20:.1f} MB allocated in Python"


# -------------------------------------------------------------------- the engine's memory

def test_duckdb_out_of_memory_says_how_to_give_it_more(tmp_path, monkeypatch):
    """DuckDB held to less memory than the data needs: the command says what happened and
    how to give it more (RETENTION_ENGINE_MEMORY), exits 6, and writes nothing."""
    from addin import cli

    write_parquet_files(sample_company(), tmp_path / "data")
    monkeypatch.setenv("RETENTION_ENGINE_MEMORY", "1MB")
    out = tmp_path / "report.xlsx"
    code = cli.main(["report", str(tmp_path / "data"), "-o", str(out), "-q"])
    assert code == cli.EXIT_ENGINE_MEMORY == 6
    assert not out.exists()
    monkeypatch.setenv("RETENTION_ENGINE_MEMORY", "512MB")  # the same data with room: read
    assert cli.main(["report", str(tmp_path / "data"), "-o", str(out), "-q"]) == 0


def test_out_of_memory_while_reducing_is_explained_too(tmp_path, monkeypatch):
    """The reduction runs after the checks, on the engine's tables: an out-of-memory error
    raised there (DuckDB's own exception) is explained as in the checks."""
    from addin.data import facts
    from addin.errors import EngineMemoryError

    write_parquet_files(sample_company(), tmp_path)

    def exhausted(tables):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")

    monkeypatch.setattr(facts, "reduce_tables", exhausted)
    with pytest.raises(EngineMemoryError, match="RETENTION_ENGINE_MEMORY=4GB.*could not allocate"):
        load_data(tmp_path, today=TODAY)
