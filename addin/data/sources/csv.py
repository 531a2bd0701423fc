"""CSV files: a folder of ``<Table>.csv`` files, or one such file.

The header is the first line. The separator (``,``, ``;`` or tab) is taken from the header;
files that are not UTF-8 are read as Windows-1252 (with a note); numbers written with a
decimal comma (``1.234,56``, the CSV Excel writes in Italy, Germany, France...) are recognised
from the file, with a note, unless ``decimal=`` says which mark to use.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import DataError
from ..schema import NUMBER_KINDS, TABLES, table_named
from ..values import BLANK_TOKENS, DASHES, show
from .base import RawTable, SourceKind, column_label
from .locate import match_columns

__all__ = ["CSV", "read_csv_source", "read_csv_folder", "read_csv_file"]

# Cells pandas itself may read as missing (an optimisation: the parsers in ..values read the
# same tokens as blank); in number columns a dash is Excel's accounting zero, not a blank.
_CSV_NA_TOKENS = sorted({spelling for token in BLANK_TOKENS
                         for spelling in (token, token.upper(), token.capitalize())} | {"NaN", "NaT"})
_CSV_NA_NUMBERS = [t for t in _CSV_NA_TOKENS if t not in DASHES]


def read_csv_source(path: Path, decimal: str | None, notes: list[str]) -> list[RawTable]:
    """A folder of CSV files, or one CSV file named after its table."""
    if path.is_dir():
        return read_csv_folder(path, decimal, notes)
    table = table_named(path.stem)
    if table is None:
        raise DataError(f"the file name should be a table name ({', '.join(TABLES)})",
                        file=path.name)
    raws = [read_csv_file(path, table, decimal, notes)]
    _note_csv(notes, raws)
    return raws


def read_csv_folder(folder: Path, decimal: str | None, notes: list[str]) -> list[RawTable]:
    """The ``<Table>.csv`` files of ``folder`` (any case); other files are ignored, with a note."""
    files: dict[str, Path] = {}
    ignored = []
    for entry in sorted(folder.iterdir()):
        if not entry.is_file() or entry.suffix.lower() != ".csv":
            continue
        table = table_named(entry.stem)
        if table is None:
            ignored.append(entry.name)
            continue
        if table in files:
            raise DataError(f"two files for table {table}: {files[table].name} and {entry.name}; keep one",
                            file=str(folder))
        files[table] = entry
    if not files:
        raise DataError(f"no table found: expected CSV files named {', '.join(t + '.csv' for t in TABLES)}",
                        file=str(folder))
    raws = [read_csv_file(files[t], t, decimal, notes) for t in TABLES if t in files]
    _note_csv(notes, raws)
    if ignored:
        notes.append(f"Ignored {', '.join(ignored)}: not a table name ({', '.join(TABLES)}).")
    return raws


def _note_csv(notes: list[str], raws: list[RawTable]) -> None:
    comma = [r.file for r in raws if r.comma_detected]
    if comma:
        notes.insert(0,
            f"{', '.join(comma)}: numbers read with a decimal comma (1.234,56 is 1234.56), "
            "as detected from the file; pass decimal='.' if that is wrong.")


def _sniff_separator(header: str) -> str:
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


_COMMA_NUMBER = re.compile(r"^[-+(]?[^\d,.]*\d[\d.\s']*,(\d{1,2}|\d{4,})\D*$")
_DOT_NUMBER = re.compile(r"^[-+(]?[^\d,.]*\d[\d,\s']*\.(\d{1,2}|\d{4,})\D*$")


def _looks_comma_decimal(samples: Iterable[str], sep: str) -> bool:
    """True when text numbers use a decimal comma; ',ddd' and '.ddd' alone tell nothing."""
    comma = dot = 0
    for text in samples:
        text = text.strip()
        if _COMMA_NUMBER.match(text):
            comma += 1
        elif _DOT_NUMBER.match(text):
            dot += 1
    if comma != dot:
        return comma > dot
    return sep == ";"


def read_csv_file(path: Path, table: str, decimal: str | None, notes: list[str]) -> RawTable:
    """One CSV file holding ``table``: every column as text, numbers as numbers where pandas
    can; rows numbered as Excel shows the file (the header is row 1)."""
    name = path.name
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    encoding = "utf-8-sig"
    try:  # the head may end inside a UTF-8 character: decode it as a stream
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < (1 << 16))
    except UnicodeDecodeError:
        encoding = "cp1252"
    text_head = head.decode(encoding, errors="replace")
    lines = text_head.splitlines()
    if not lines or not lines[0].strip():
        raise DataError("the file is empty or its first line (the header) is blank", file=name)
    sep = _sniff_separator(lines[0])
    headers = next(csv.reader([lines[0]], delimiter=sep))
    positions = match_columns(table, headers, file=name, row=1)
    kinds = TABLES[table]
    used = {c: p for c, p in positions.items() if p is not None}
    numeric = [p for c, p in used.items() if kinds[c] in NUMBER_KINDS]

    detected = False
    if decimal is None and numeric:
        try:
            sample = _csv(path, name, encoding, sep, usecols=numeric, dtype=object, nrows=5000)
        except UnicodeDecodeError:
            encoding = "cp1252"
            sample = _csv(path, name, encoding, sep, usecols=numeric, dtype=object, nrows=5000)
        values = [v for col in sample.columns for v in sample[col].dropna().tolist()]
        comma = detected = _looks_comma_decimal(values, sep)
    else:
        comma = decimal == ","

    # every column is read (a row with more values than the header is an error, which
    # pandas only sees without usecols); two spare columns take trailing separators
    width = len(headers)
    numeric_positions = set(numeric)
    dtype = {p: object for p in range(width + 2) if p not in numeric_positions}
    na_values = {p: [""] for p in range(width + 2)}
    na_values.update({p: _CSV_NA_TOKENS for c, p in used.items() if kinds[c] in ("date", "month")})
    na_values.update({p: _CSV_NA_NUMBERS for c, p in used.items() if kinds[c] in NUMBER_KINDS})
    # (no thousands= for pandas: it would read '1.5' as 15; text numbers are checked later)
    options = dict(names=list(range(width + 2)), dtype=dtype, na_values=na_values,
                   decimal="," if comma else ".")
    try:
        frame = _csv(path, name, encoding, sep, **options)
    except UnicodeDecodeError:
        encoding = "cp1252"
        frame = _csv(path, name, encoding, sep, **options)
    spare = frame[width].notna().to_numpy() | frame[width + 1].notna().to_numpy()
    if spare.any():
        first = int(np.flatnonzero(spare)[0])
        value = frame.at[first, width] if pd.notna(frame.at[first, width]) else frame.at[first, width + 1]
        raise DataError(f"the row has more values than the header has columns ({show(value)} "
                        f"after the last column {headers[-1].strip()!r}); check the separators "
                        "and quotes", file=name, row=first + 2)
    if encoding == "cp1252":
        notes.append(f"{name} is not UTF-8: read as Windows-1252 (Western European) text.")
    columns = {c: (frame[p] if p is not None else None) for c, p in positions.items()}
    padding, hashes = _scan_bytes(path, sep)
    return RawTable(
        table=table, columns=columns, n=len(frame),
        rows=np.arange(2, len(frame) + 2, dtype=np.int64),
        file=name, sheet=None,
        shown={c: column_label(p, headers[p]) for c, p in used.items()},
        comma=comma, comma_detected=detected, stripped=not padding, may_have_errors=hashes,
    )


def _scan_bytes(path: Path, sep: str) -> tuple[bool, bool]:
    """(some field may start or end with a space, some field may hold '#'): a fast scan."""
    data = path.read_bytes()
    s = sep.encode()
    hashes = b"#" in data
    if b" " not in data and b"\xa0" not in data and (sep == "\t" or b"\t" not in data):
        return False, hashes
    return any(data.find(p) >= 0 for p in (
        b" " + s, s + b" ", b" \n", b" \r", b'" ', b' "', b"\t" + s, s + b"\t", b"\xa0")), hashes


def _csv(path: Path, name: str, encoding: str, sep: str, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(
            path, sep=sep, header=None, skiprows=1, encoding=encoding, index_col=False,
            keep_default_na=False, skip_blank_lines=False, engine="c", **options,
        )
    except UnicodeDecodeError:
        raise
    except pd.errors.EmptyDataError:
        return pd.DataFrame({p: pd.Series([], dtype=object)
                             for p in options.get("usecols", options.get("names", []))})
    except (pd.errors.ParserError, ValueError) as error:
        text = " ".join(str(error).split())
        match = re.search(r"line (\d+)", text)
        raise DataError(f"cannot be read as CSV: {text}", file=name,
                        row=int(match.group(1)) if match else None) from None


# --------------------------------------------------------------------------- workbooks



#: A folder, or a file ending in ``.csv``.
CSV = SourceKind(
    name="CSV",
    accepts=lambda source: isinstance(source, Path) and (source.is_dir() or source.suffix.lower() == ".csv"),
    read=read_csv_source,
)
