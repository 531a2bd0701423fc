"""Real servers for the engine tests: a throwaway PostgreSQL cluster and a local Spark session.

PostgreSQL: ``initdb`` + ``pg_ctl`` in a temporary folder on a free port, with a superuser
and an analyst who logs in with a password (scram-sha-256 on every connection). The
binaries' folder is ``RETENTION_PG_BIN`` (``.ci/run`` sets it), else the folder of
``initdb`` on PATH, else Debian's ``/usr/lib/postgresql/*/bin``. PostgreSQL refuses to run
as root, so under root the server runs as the ``postgres`` user (created if missing).

Under CI (``CI=true``, or ``RETENTION_PG_BIN`` set as ``.ci/run`` does) a server that cannot start FAILS the tests; elsewhere, a machine
without PostgreSQL or Java skips them with the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# .ci/run exports RETENTION_PG_BIN: there the servers must start, even without CI=true
IN_CI = (os.environ.get("CI", "").lower() in ("1", "true", "yes")
         or bool(os.environ.get("RETENTION_PG_BIN")))
ADMIN, ADMIN_PASSWORD = "admin", "admin-secret-7"
ANALYST, ANALYST_PASSWORD = "analyst", "p@ss:w/rd s3cret"


def unavailable(reason: str) -> None:
    """Fail under CI (the server must start there), skip elsewhere."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def pg_bin() -> Path | None:
    given = os.environ.get("RETENTION_PG_BIN")
    if given:
        return Path(given)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Postgres:
    host: str
    port: int
    folder: Path

    def url(self, user: str = ANALYST, password: str | None = None, db: str = "shop") -> str:
        from urllib.parse import quote

        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql://{user}{secret}@{self.host}:{self.port}/{db}"

    def connect(self, db: str = "shop"):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=ADMIN,
                               password=ADMIN_PASSWORD, dbname=db, autocommit=True)


def _server_user() -> tuple[list[str], int | None]:
    """The command prefix that runs a program as an unprivileged user, and its uid."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["runuser", "-u", "postgres", "--"], pwd.getpwnam("postgres").pw_uid


def start_postgres() -> Postgres:
    """A fresh cluster with the analyst's database ``shop``; stop it with :func:`stop_postgres`."""
    binaries = pg_bin()
    if binaries is None or not (binaries / "initdb").exists():
        unavailable("PostgreSQL's initdb was not found (set RETENTION_PG_BIN)")
    prefix, uid = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="retention-pg-"))
    data = folder / "data"
    secret = folder / "pw"
    secret.write_text(ADMIN_PASSWORD + "\n")
    if uid is not None:
        os.chown(folder, uid, -1)
        os.chown(secret, uid, -1)
    port = free_port()
    try:
        subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", ADMIN,
                        f"--pwfile={secret}", "--auth=scram-sha-256", "-E", "UTF8",
                        "--no-sync", "--no-instructions"],
                       check=True, capture_output=True, text=True, timeout=120)
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
                        "-l", str(folder / "log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True, text=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {getattr(error, 'stderr', '')} {log}")
    server = Postgres("127.0.0.1", port, folder)
    from psycopg import sql

    with server.connect("postgres") as con:
        con.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(ANALYST), sql.Literal(ANALYST_PASSWORD)))
        con.execute(sql.SQL("CREATE DATABASE shop OWNER {}").format(sql.Identifier(ANALYST)))
    return server


def stop_postgres(server: Postgres) -> None:
    binaries = pg_bin()
    prefix, _ = _server_user()
    subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(server.folder / "data"),
                    "-m", "immediate", "stop"], capture_output=True, timeout=60)
    shutil.rmtree(server.folder, ignore_errors=True)


def start_spark():
    """A local Spark session shared by the tests (small, no UI)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        unavailable("Java was not found (Spark needs openjdk-17-jre-headless)")
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        unavailable(f"pyspark is not installed: {error}")
    try:
        return (SparkSession.builder.master("local[2]").appName("retention-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate())
    except Exception as error:
        pytest.fail(f"the Spark session did not start: {error}")
