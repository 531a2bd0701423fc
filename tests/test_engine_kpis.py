"""Every engine gives the report the CSV gives: the same KPIs, whichever engine ran.

The sample company is written as CSV files (read by the file reader: the reference), as
Parquet files, as a folder of Parquet parts, as a DuckDB database file, into a throwaway
PostgreSQL cluster and into a local Spark session. Each is read by :func:`load_data` --
checked and reduced where the rows live -- and the report is built for two periods, for
all customers and for one segment: every KPI of the board, current and previous, equals the
reference's (money to 1e-9 relative: an engine may add the same amounts in another order).
Then the same through the command line, on Parquet.
"""

from __future__ import annotations

import math

import engine_servers as servers
import pandas as pd
import pyarrow as pa
import pytest
from test_engines import (
    TODAY,
    load_postgres,
    sample_company,
    write_duckdb,
    write_parquet_files,
    write_parquet_parts,
)

from addin.cli import main
from addin.data import load_data
from addin.report import build_report
from addin.sample_data import write_csv_folder

CASES = (("2026-09", None), ("2026-Q2", None), ("2026-09", "SMB"))


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """(the tables, a folder holding them as CSV, Parquet files, Parquet parts, DuckDB)."""
    tables = sample_company()
    folder = tmp_path_factory.mktemp("company")
    write_csv_folder(tables, folder / "csv")
    write_parquet_files(tables, folder / "parquet")
    write_parquet_parts(tables, folder / "parts")
    write_duckdb(tables, folder / "company.duckdb")
    return tables, folder


@pytest.fixture(scope="module")
def reference(company):
    tables, folder = company
    return load_data(folder / "csv", today=TODAY)


def board(data, period, segment) -> dict[str, tuple[float, float]]:
    """Every KPI of the board: key -> (current, previous)."""
    report = build_report(data, period, segment, "en", {"gross_margin": 0.7, "program_cost": 500})
    return {key: (float(current), float(previous)) for key, current, previous in
            zip(report.kpis["key"], report.kpis["current"], report.kpis["previous"])}


def assert_same_kpis(data, reference) -> None:
    assert data.tables == {}  # nothing but the facts came back
    for period, segment in CASES:
        got, want = board(data, period, segment), board(reference, period, segment)
        assert list(got) == list(want)
        for key, values in want.items():
            for value, expected in zip(got[key], values):
                if math.isnan(expected):
                    assert math.isnan(value), (period, segment, key)
                else:
                    assert value == pytest.approx(expected, rel=1e-9, abs=1e-9), (period, segment, key)
    assert data.segments == reference.segments
    kept = lambda d: d.quality.groupby("table", sort=False)["rows_kept"].first().to_dict()  # noqa: E731
    assert kept(data) == kept(reference)


def test_the_reference_has_numbers_to_compare(reference):
    values = board(reference, "2026-09", None)
    filled = [key for key, (current, _) in values.items() if not math.isnan(current)]
    assert len(filled) >= 15, filled  # a board of blanks would compare equal to anything


@pytest.mark.parametrize("source", ["parquet", "parts", "company.duckdb"])
def test_embedded_duckdb_gives_the_csv_report(company, reference, source):
    tables, folder = company
    assert_same_kpis(load_data(folder / source, today=TODAY), reference)


def test_postgres_gives_the_csv_report(company, reference):
    tables, folder = company
    server = servers.start_postgres()
    try:
        with server.connect() as con:
            load_postgres(con, tables, schema="kpis")
        data = load_data(server.url(password=servers.ANALYST_PASSWORD), schema="kpis", today=TODAY)
        assert servers.ANALYST_PASSWORD not in data.source
        assert_same_kpis(data, reference)
    finally:
        servers.stop_postgres(server)


def test_spark_gives_the_csv_report(company, reference):
    tables, folder = company
    session = servers.start_spark()
    try:
        for table, frame in tables.items():
            session.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False)) \
                .createOrReplaceTempView(table.lower())
        assert_same_kpis(load_data("spark:", today=TODAY), reference)
    finally:
        session.stop()


def test_the_command_line_reports_from_parquet(company, tmp_path):
    tables, folder = company
    out = tmp_path / "report.xlsx"
    assert main(["report", str(folder / "parquet"), "-o", str(out), "--period", "2026-09",
                 "-q"]) == 0
    kpis = pd.read_excel(out, sheet_name="KPIs", header=None)
    assert kpis.shape[0] > 10


def test_schema_is_refused_for_a_file_source(company):
    tables, folder = company
    from addin.errors import InvalidInputError
    with pytest.raises(InvalidInputError, match="schema and spark_conf"):
        load_data(folder / "csv", schema="public")
