"""CSV files: a folder of CSV files, or one CSV file, each one of our tables or a known export.

A file is a known export when its header holds the export's key columns
(:mod:`addin.data.exports`); else it is the table it is named after (``Orders.csv``), else the
table whose required columns (or the headers a column mapping gives them) its header holds.

The header is the first line (after an Excel ``sep=;`` line, which sets the separator). The
separator (``,``, ``;`` or tab) is otherwise taken from the header. The file is decoded once,
whole, by :mod:`.encoding` (UTF-8, UTF-16 or Western European text, or the ``encoding=``
given); the decimal mark of its numbers is decided by :mod:`addin.data.rules` from all of them
(a ``,``-separated file cannot use a decimal comma, which is its only say).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError
from ...i18n import Message
from ..exports import EXPORTS, read_exports, recognise
from ..schema import NUMBER_KINDS, TABLES, table_named
from ..values import BLANK_TOKENS, DASHES, holds, show
from .base import Found, RawTable, ReadOptions, SourceKind, column_label, regular_file, shown_name
from .encoding import decode
from .locate import match_columns, no_table_fits, tables_in_header

__all__ = ["CSV", "read_csv_source", "find_csv", "gather", "read_found", "read_csv_file"]

# Cells pandas itself may read as missing (an optimisation: the parsers in ..values read the
# same tokens as blank); in number columns a dash is Excel's accounting zero, not a blank.
_CSV_NA_TOKENS = sorted({spelling for token in BLANK_TOKENS
                         for spelling in (token, token.upper(), token.capitalize())} | {"NaN", "NaT"})
_CSV_NA_NUMBERS = [t for t in _CSV_NA_TOKENS if t not in DASHES]

#: Excel's hint on the first line of a CSV file: ``sep=;`` (the separator of the file).
_SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*', re.IGNORECASE)


def read_csv_source(path: Path, options: ReadOptions, notes: list[str]) -> list[RawTable]:
    """A folder of CSV files, or one CSV file: each one of our tables (by its name, else by
    its header) or a known export (by its header)."""
    found = gather(find_csv(path, options, notes), where=shown_name(path) if path.is_dir() else None)
    return read_found(found, options, notes)


def find_csv(path: Path, options: ReadOptions, notes: list[str], *, full_names: bool = False
             ) -> list[Found]:
    """The tables a folder or a CSV file gives, not yet read (:class:`Found`). A file given
    alone that is no table and no export is refused; in a folder it is ignored, with a note.
    ``full_names``: refusals name the files by their paths (several inputs), not their names."""
    if not path.is_dir():
        found = _classify(path, options, shown_name(path if full_names else path.name))
        if isinstance(found, Found):
            return [found]
        raise DataError(no_table_fits(found, [e.name for e in EXPORTS], options.mapping),
                        file=shown_name(path.name))
    out, ignored = [], []
    for entry in sorted(path.iterdir()):
        if entry.suffix.lower() != ".csv":
            continue
        if not entry.is_file():
            if table_named(entry.stem) is not None:  # refused: skipping it would lose the table
                regular_file(entry, shown_name(entry.name))
            continue
        found = _classify(entry, options, shown_name(entry if full_names else entry.name))
        if isinstance(found, Found):
            out.append(found)
        else:
            ignored.append(shown_name(entry.name))
    if not out:
        raise DataError(f"no table found: expected CSV files named {', '.join(t + '.csv' for t in TABLES)}, "
                        "or with the columns of one of them", file=shown_name(path))
    if ignored:
        notes.append(Message("data_ignored", names=", ".join(ignored), tables=", ".join(TABLES)))
    return out


def _classify(path: Path, options: ReadOptions, name: str) -> Found | list[str]:
    """What the CSV file ``path`` is: a known export (by its header), one of our tables (by
    its name, else by its header and the mapping), as a :class:`Found`; else its headers."""
    headers = _header(path, options)
    export = recognise(headers) if headers else None
    if export is not None:
        return Found(export.table, name, (path,), export=export)
    table = table_named(path.stem)
    if table is None and headers:
        fits = tables_in_header(headers, options.mapping)
        if len(fits) > 1:
            raise DataError(f"the header holds the columns of tables {' and '.join(fits)}: name the "
                            "file after its table", file=shown_name(path.name))
        table = fits[0] if fits else None
    return Found(table, name, (path,)) if table is not None else headers


def gather(found: list[Found], where: str | None = None) -> list[Found]:
    """The tables ``found``, one each, in the order of :data:`TABLES`: the files of one known
    export are joined (Shopify splits a big export in ``orders_export_1.csv``,
    ``orders_export_2.csv``); any other two for one table are refused naming both (``where``:
    the folder they are in)."""
    tables: dict[str, Found] = {}
    for item in found:
        have = tables.get(item.table)
        if have is None:
            tables[item.table] = item
        elif item.export is not None and item.export is have.export:
            have.paths += item.paths
        else:
            raise DataError(f"two sources for table {item.table}: {have.name} and {item.name}; "
                            "keep one", file=where)
    return [tables[t] for t in TABLES if t in tables]


def read_found(found: list[Found], options: ReadOptions, notes: list[str]) -> list[RawTable]:
    """The tables ``found`` read, in order: a CSV file of ours, the table a workbook already
    gave, or a known export's files joined and converted -- the exports all together, so that
    one may read another's rows (Stripe's customers need its subscriptions)."""
    groups = {item.export: list(item.paths) for item in found
              if item.export is not None and item.raw is None}
    converted = dict(zip(groups, read_exports(groups, options, notes))) if groups else {}
    tables = []
    for item in found:
        if item.raw is not None:
            tables.append(item.raw)
        elif item.export is not None:
            tables.append(converted[item.export])
        else:
            tables.append(read_csv_file(item.paths[0], item.table, options, notes))
    return tables


def _header(path: Path, options: ReadOptions) -> list[str]:
    """The headers of the CSV file ``path`` (after an Excel ``sep=`` line); [] when it cannot
    be read (the reader of the file then says why)."""
    try:
        regular_file(path)
        with path.open("rb") as file:  # the header is in the first bytes
            text = decode(file.read(1 << 16), shown_name(path.name), options.encoding, [])
    except (DataError, OSError):
        return []
    lines = text.split("\n", 2)
    first = lines[0].rstrip("\r")
    hint = _SEP_LINE.fullmatch(first)
    if hint is not None:
        first = lines[1].rstrip("\r") if len(lines) > 1 else ""
    if not first.strip():
        return []
    return next(csv.reader([first], delimiter=hint.group(1) if hint else _sniff_separator(first)))


def _sniff_separator(header: str) -> str:
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_csv_file(path: Path, table: str, options: ReadOptions, notes: list[str]) -> RawTable:
    """One CSV file holding ``table``: every column as text, numbers as numbers where pandas
    can; rows numbered as Excel shows the file (the header is row 1)."""
    name = shown_name(path.name)
    regular_file(path, name)
    text = decode(path.read_bytes(), name, options.encoding, notes)
    sep = None
    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    hint = _SEP_LINE.fullmatch(first_line.rstrip("\r"))
    skip = 1
    if hint is not None:  # Excel's "sep=;": the separator, then the header on the next line
        sep, skip = hint.group(1), 2
        rest = "" if first_end < 0 else text[first_end + 1:]
        first_end = rest.find("\n")
        first_line = rest if first_end < 0 else rest[:first_end]
    first_line = first_line.rstrip("\r")
    if not first_line.strip():
        raise DataError("the file is empty or its first line (the header) is blank", file=name)
    sep = sep or _sniff_separator(first_line)
    headers = next(csv.reader([first_line], delimiter=sep))
    positions = match_columns(table, headers, file=name, row=1, mapping=options.mapping)
    kinds = TABLES[table]
    used = {c: p for c, p in positions.items() if p is not None}
    numeric = {p for c, p in used.items() if kinds[c] in NUMBER_KINDS}
    # a ','-separated file cannot use a decimal comma (but for quoted cells, which stay text
    # and speak for themselves): pandas reads its numbers; others are read as text, so that
    # every number can tell its decimal mark
    typed = sep == "," and options.decimal != ","

    # every column is read (a row with more values than the header is an error, which
    # pandas only sees without usecols); two spare columns take trailing separators
    width = len(headers)
    dtype = {p: object for p in range(width + 2) if not (typed and p in numeric)}
    na_values = {p: [""] for p in range(width + 2)}
    na_values.update({p: _CSV_NA_TOKENS for c, p in used.items() if kinds[c] in ("date", "month")})
    na_values.update({p: _CSV_NA_NUMBERS for c, p in used.items() if kinds[c] in NUMBER_KINDS})
    # (no thousands= for pandas: it would read '1.5' as 15; text numbers are checked later)
    frame = _csv(text, name, sep, skip, names=list(range(width + 2)), dtype=dtype,
                 na_values=na_values, decimal=".")
    spare = frame[width].notna().to_numpy() | frame[width + 1].notna().to_numpy()
    if spare.any():
        first = int(np.flatnonzero(spare)[0])
        value = frame.at[first, width] if pd.notna(frame.at[first, width]) else frame.at[first, width + 1]
        raise DataError(f"the row has more values than the header has columns ({show(value)} "
                        f"after the last column {show(headers[-1].strip())}); check the separators "
                        "and quotes", file=name, row=first + 2)
    columns = {c: (frame[p] if p is not None else None) for c, p in positions.items()}
    return RawTable(
        table=table, columns=columns, n=len(frame),
        rows=np.arange(2, len(frame) + 2, dtype=np.int64),
        file=name, sheet=None,
        shown={c: column_label(p, headers[p]) for c, p in used.items()},
        decimal_hint="." if sep == "," else None,
        stripped=not _may_be_padded(text, sep), may_have_errors="#" in text,
        may_have_controls=holds(text, "not text"),
    )


#: What may pad a cell: every character ``str.strip`` removes, but line breaks.
_PADDING = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\n\r")


def _may_be_padded(text: str, sep: str) -> bool:
    """Whether some cell of ``text`` may start or end with a space, or hold an invisible
    character: a scan of the whole text, at every place a cell starts or ends (after a
    separator, a line break or a quote; before them; at the very start and end)."""
    if holds(text, "invisible"):
        return True
    ends = (sep, "\n", "\r", '"')
    for pad in _PADDING:
        if pad not in text:
            continue
        if pad == sep:  # the separator pads a cell only inside quotes
            if '"' + pad in text or pad + '"' in text:
                return True
            continue
        if text.startswith(pad) or text.endswith(pad):
            return True
        if any(end + pad in text or pad + end in text for end in ends):
            return True
    return False


def _csv(text: str, name: str, sep: str, skip: int, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, header=None, skiprows=skip, index_col=False,
            keep_default_na=False, skip_blank_lines=False, engine="c", **options,
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame({p: pd.Series([], dtype=object)
                             for p in options.get("usecols", options.get("names", []))})
    except (pd.errors.ParserError, ValueError) as error:
        text = " ".join(str(error).split())
        match = re.search(r"line (\d+)", text)
        raise DataError(f"cannot be read as CSV: {text}", file=name,
                        row=int(match.group(1)) if match else None) from None


#: A folder, or a file ending in ``.csv``.
CSV = SourceKind(
    name="CSV",
    accepts=lambda source: isinstance(source, Path) and (source.is_dir() or source.suffix.lower() == ".csv"),
    read=read_csv_source,
)
