"""CSV files: a folder of ``<Table>.csv`` files, or one such file.

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
from ..exports import EXPORTS, read_export, read_exports, recognise
from ..schema import NUMBER_KINDS, TABLES, table_named
from ..values import BLANK_TOKENS, DASHES, holds, show
from .base import RawTable, ReadOptions, SourceKind, column_label, regular_file, shown_name
from .encoding import decode
from .locate import match_columns

__all__ = ["CSV", "read_csv_source", "read_csv_folder", "read_csv_file"]

# Cells pandas itself may read as missing (an optimisation: the parsers in ..values read the
# same tokens as blank); in number columns a dash is Excel's accounting zero, not a blank.
_CSV_NA_TOKENS = sorted({spelling for token in BLANK_TOKENS
                         for spelling in (token, token.upper(), token.capitalize())} | {"NaN", "NaT"})
_CSV_NA_NUMBERS = [t for t in _CSV_NA_TOKENS if t not in DASHES]

#: Excel's hint on the first line of a CSV file: ``sep=;`` (the separator of the file).
_SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*', re.IGNORECASE)


def read_csv_source(path: Path, options: ReadOptions, notes: list[str]) -> list[RawTable]:
    """A folder of CSV files, or one CSV file named after its table or a known export."""
    if path.is_dir():
        return read_csv_folder(path, options, notes)
    export = _known_export(path, options)
    if export is not None:
        return [read_export(export, [path], options, notes)]
    table = table_named(path.stem)
    if table is None:
        raise DataError(f"the file name should be a table name ({', '.join(TABLES)}), or the file "
                        f"a known export ({', '.join(e.name for e in EXPORTS)})",
                        file=shown_name(path.name))
    return [read_csv_file(path, table, options, notes)]


def _known_export(path: Path, options: ReadOptions):
    """The known export (:mod:`addin.data.exports`) whose columns the header of ``path`` holds,
    or None (a file that cannot be read is no export: it is left to the caller)."""
    try:
        regular_file(path)
        with path.open("rb") as file:  # the header is in the first bytes
            text = decode(file.read(1 << 16), shown_name(path.name), options.encoding, [])
    except (DataError, OSError):
        return None
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        return None
    return recognise(next(csv.reader([first], delimiter=_sniff_separator(first))))


def read_csv_folder(folder: Path, options: ReadOptions, notes: list[str]) -> list[RawTable]:
    """The ``<Table>.csv`` files of ``folder`` (any case); other files are ignored, with a note.

    A file named after a table that is not a regular file (a named pipe, a device, a folder
    named ``Orders.csv``, a broken link) refuses the folder: it cannot be read, and skipping
    it would leave the table out without a word.
    """
    files: dict[str, Path] = {}
    exports: dict = {}  # a known export -> its files, joined in name order
    ignored = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() != ".csv":
            continue
        # a file whose header is a known export is one, whatever its name (subscriptions.csv)
        export = _known_export(entry, options) if entry.is_file() else None
        if export is not None:
            exports.setdefault(export, []).append(entry)
            continue
        table = table_named(entry.stem)
        if table is None:
            if entry.is_file():
                ignored.append(shown_name(entry.name))
            continue
        regular_file(entry, shown_name(entry.name))
        if table in files:
            raise DataError(f"two files for table {table}: {shown_name(files[table].name)} and "
                            f"{shown_name(entry.name)}; keep one", file=shown_name(folder))
        files[table] = entry
    given: dict[str, str] = {t: shown_name(p.name) for t, p in files.items()}
    for export, paths in exports.items():
        if export.table in given:
            raise DataError(f"two sources for table {export.table}: {given[export.table]} and "
                            f"{shown_name(paths[0].name)}; keep one", file=shown_name(folder))
        given[export.table] = shown_name(paths[0].name)
    if not files and not exports:
        raise DataError(f"no table found: expected CSV files named {', '.join(t + '.csv' for t in TABLES)}",
                        file=shown_name(folder))
    raws = [read_csv_file(files[t], t, options, notes) for t in TABLES if t in files]
    raws += read_exports(exports, options, notes)  # together: one may read another's rows
    if ignored:
        notes.append(Message("data_ignored", names=", ".join(ignored), tables=", ".join(TABLES)))
    return raws


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
    positions = match_columns(table, headers, file=name, row=1)
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
