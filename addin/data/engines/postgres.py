"""PostgreSQL, where the data lives: ``postgresql://user@host:port/db`` (or ``postgres://``),
read through ibis; the checks and the reduction run as SQL in the server, and only their
results (counts, the per-customer facts) come back over the wire.

The password is the URL's, else libpq finds it as it always does: ``PGPASSWORD``, then the
password file (``~/.pgpass`` or ``PGPASSFILE``: ``host:port:db:user:password`` lines, ``*``
wildcards, ignored with a warning unless only its owner can read it). It is never part of
the source's label, of a message or of an error: a host that does not answer or a refused
login is a :class:`~addin.errors.SourceUnreachableError` naming the host, port and cause.
Tables and views are found by name (any case) in ``schema`` or the connection's current
schema; every table and column name is handed to ibis as an identifier, never pasted into
SQL text.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ...errors import DataError, SourceUnreachableError
from ..schema import table_named
from .base import EngineKind, EngineOptions, EngineTable, Opened

__all__ = ["POSTGRES", "safe_label"]

_SCHEMES = ("postgresql://", "postgres://")


def _accepts(source: object) -> bool:
    return isinstance(source, str) and source.strip().lower().startswith(_SCHEMES)


def _parts(url: str) -> dict:
    """host, port, user, password, database and libpq options of a URL (DataError if bad)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or 5432
    except ValueError as error:
        raise DataError(f"not a database URL ({error}); expected postgresql://user@host:port/db",
                        file=safe_label(url)) from None
    return {
        "host": unquote(parts.hostname) if parts.hostname else None,
        "port": port,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password is not None else None,
        "database": unquote(parts.path.lstrip("/")) or None,
        # libpq's own options (sslmode=require, connect_timeout=5...), passed on as given
        "options": dict(parse_qsl(parts.query)),
    }


def safe_label(url: str) -> str:
    """The URL as the report names it: ``postgresql://user@host:port/db``, no password."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname or "localhost", parts.port or 5432
    except ValueError:
        return "postgresql://(a URL that cannot be read)"
    user = f"{quote(unquote(parts.username), safe='')}@" if parts.username else ""
    return f"postgresql://{user}{host}:{port}{parts.path}"


def _scrubbed(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _open(source: object, options: EngineOptions) -> Opened:
    url = str(source)
    parts = _parts(url)
    label = safe_label(url)
    secrets = [parts["password"] or "", quote(parts["password"] or "", safe=""), url]
    where = f"{parts['host'] or 'localhost'}:{parts['port']}"
    # an unanswered connection fails after this long, not after libpq's default of forever
    libpq = {"connect_timeout": "10", **parts["options"]}
    try:
        import ibis

        con = ibis.postgres.connect(host=parts["host"], port=parts["port"], user=parts["user"],
                                    password=parts["password"], database=parts["database"],
                                    **libpq)
    except ImportError as error:
        raise SourceUnreachableError(
            f"PostgreSQL needs the postgres extra (pip install 'retention-addin[postgres]'): "
            f"{error}", file=label) from None
    except Exception as error:  # psycopg's OperationalError, with libpq's words for the cause
        cause = " ".join(str(error).split()) or type(error).__name__
        raise SourceUnreachableError(f"cannot connect to {where}: {_scrubbed(cause, secrets)}",
                                     file=label) from None
    try:
        tables = _tables(con, options, label)
    except Exception as error:
        con.disconnect()
        if isinstance(error, DataError):
            raise
        cause = " ".join(str(error).split())
        raise SourceUnreachableError(f"cannot list the tables on {where}: "
                                     f"{_scrubbed(cause, secrets)}", file=label) from None
    return Opened(label, tables, con.disconnect)


def _tables(con, options: EngineOptions, label: str) -> dict[str, EngineTable]:
    schema = options.schema
    names = sorted(con.list_tables(database=schema) if schema else con.list_tables())
    found: dict[str, EngineTable] = {}
    named: dict[str, str] = {}
    for name in names:
        table = table_named(name)
        if table is None:
            continue
        if table in found:
            raise DataError(f"two tables or views for the table {table}: "
                            f"{named[table]} and {name}; keep one "
                            f"or name one with the mapping", file=label)
        native = con.table(name, database=schema) if schema else con.table(name)
        place = f"{label}, table {schema + '.' if schema else ''}{name}"
        found[table], named[table] = EngineTable(native, list(native.columns), place), name
    if not found and schema:
        raise DataError(f"no table or view named after ours in schema {schema!r}", file=label)
    return found


POSTGRES = EngineKind("postgres", _accepts, _open)
