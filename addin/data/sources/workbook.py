"""Excel workbooks (``.xlsx``, ``.xlsm``): tables as Excel Tables or as sheets.

Which Table or sheet holds a table, and which row is its header, is decided by
:mod:`.locate`; this module fetches the values with openpyxl (read-only, the values Excel last
saved for formulas) after :mod:`.safety` has checked the file. The Excel Tables are found
from the workbook's XML, which openpyxl's read-only mode does not expose.
"""

from __future__ import annotations

import posixpath
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...cells import EXCEL_EPOCH_1904
from ...errors import DataError
from ..schema import TABLES
from ..values import EPOCH
from .base import RawTable, SourceKind, column_label
from .locate import filled_rows, locate_tables, match_columns, pick_header
from .safety import HOSTILE_XML, is_hostile, parse_xml, refuse_unsafe_workbook

__all__ = ["WORKBOOK", "read_workbook"]

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class _TableDef:
    """An Excel Table as the workbook's XML declares it."""

    name: str
    sheet: str
    ref: str
    header_rows: int
    totals_rows: int
    columns: list[str]


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part``."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in archive.namelist():
        return {}
    out = {}
    for rel in parse_xml(archive, rels_part).iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), target)
    return out


def _workbook_tables(archive: zipfile.ZipFile) -> tuple[list[_TableDef], bool]:
    """The Excel Tables (ListObjects) of the workbook, and whether it uses the 1904 date system."""
    main = next((t for kind, t in _rels(archive, "").values() if kind.endswith("/officeDocument")),
                "xl/workbook.xml")
    root = parse_xml(archive, main)
    pr = root.find(f"{_NS_MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0") in ("1", "true")
    rels = _rels(archive, main)
    tables = []
    for sheet in root.iter(f"{_NS_MAIN}sheet"):
        rel = rels.get(sheet.get(f"{_NS_REL}id"))
        if rel is None or not rel[0].endswith("/worksheet"):
            continue
        for kind, target in _rels(archive, rel[1]).values():
            if not kind.endswith("/table") or target not in archive.namelist():
                continue
            node = parse_xml(archive, target)
            tables.append(_TableDef(
                name=node.get("displayName") or node.get("name") or "",
                sheet=sheet.get("name", ""),
                ref=node.get("ref", ""),
                header_rows=int(node.get("headerRowCount", "1")),
                totals_rows=int(node.get("totalsRowCount", "0")),
                columns=[c.get("name", "") for c in node.iter(f"{_NS_MAIN}tableColumn")],
            ))
    return tables, date1904


def read_workbook(path: Path, decimal: str | None = None, notes: list[str] | None = None
                  ) -> list[RawTable]:
    """The tables of an ``.xlsx``/``.xlsm`` workbook, after the safety checks.

    Text numbers in a workbook are read with the ``decimal`` mark ``load_data`` was given
    (a dot by default), by the checks; nothing here needs it, nor adds notes.
    """
    # openpyxl warns about workbook features it does not read (data validation, slicers...):
    # noise for the analyst, since only the cell values matter here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _read_workbook_values(path)



def _read_workbook_values(path: Path) -> list[RawTable]:
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.utils.cell import range_boundaries

    refuse_unsafe_workbook(path)
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            table_defs, date1904 = _workbook_tables(archive)
    except DefusedXmlException:
        raise DataError(HOSTILE_XML, file=name) from None
    except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError) as error:
        text = " ".join(str(error).split())
        raise DataError(f"the workbook is damaged ({type(error).__name__}: {text})", file=name) from None
    epoch = np.datetime64(EXCEL_EPOCH_1904, "D") if date1904 else EPOCH

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        if is_hostile(error):
            raise DataError(HOSTILE_XML, file=name) from None
        cause = error.__cause__ or error
        text = " ".join(f"{type(cause).__name__}: {cause}".split())
        raise DataError(f"the workbook is damaged and cannot be opened ({text})", file=name) from None
    try:
        places = locate_tables(
            [(title, [d.name for d in table_defs if d.sheet == title]) for title in book.sheetnames],
            file=name)
        definitions = {(d.sheet, d.name): d for d in table_defs}
        raws = []
        for table, place in places.items():
            sheet = book[place.sheet]
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            try:
                if place.excel_table is not None:
                    definition = definitions[place.sheet, place.excel_table]
                    bounds = range_boundaries(definition.ref)
                    raw = _read_table_region(sheet, table, definition, bounds, name)
                else:
                    raw = _read_sheet(sheet, table, name)
            except DataError:
                raise
            except Exception as error:
                if is_hostile(error):
                    raise DataError(HOSTILE_XML, file=name, sheet=place.sheet) from None
                text = " ".join(f"{type(error).__name__}: {error}".split())
                raise DataError(f"the sheet cannot be read ({text})", file=name, sheet=place.sheet) from None
            raw.epoch = epoch
            raws.append(raw)
        return raws
    finally:
        book.close()


def _columns_from_rows(rows: list[tuple], positions: dict[str, int | None], width: int) -> dict:
    transposed = list(zip(*rows)) if rows else [()] * width
    return {
        col: (pd.Series(np.array(transposed[pos], dtype=object), dtype=object) if pos is not None else None)
        for col, pos in positions.items()
    }


def _read_table_region(sheet, table: str, definition: _TableDef, bounds, file: str) -> RawTable:
    """An Excel Table: its header row (or the column names it declares) and its data rows."""
    min_col, min_row, max_col, max_row = bounds
    if definition.header_rows < 1:
        raise DataError(f"Table {definition.name} has no header row; turn on its Header Row",
                        file=file, sheet=definition.sheet)
    width = max_col - min_col + 1
    headers = definition.columns if len(definition.columns) == width else None
    first = min_row + definition.header_rows
    last = max_row - definition.totals_rows
    if headers is None:
        header_row = next(sheet.iter_rows(min_row=min_row, max_row=min_row, min_col=min_col,
                                          max_col=max_col, values_only=True), ())
        headers = list(header_row) + [None] * (width - len(header_row))
    positions = match_columns(table, headers, file=file, sheet=definition.sheet, row=min_row)
    rows = []
    if last >= first:
        rows = [tuple(r) + (None,) * (width - len(r)) if len(r) < width else tuple(r[:width])
                for r in sheet.iter_rows(min_row=first, max_row=last, min_col=min_col,
                                         max_col=max_col, values_only=True)]
    columns = _columns_from_rows(rows, positions, width)
    n = len(rows)
    return RawTable(
        table=table, columns=columns, n=n,
        rows=np.arange(first, first + n, dtype=np.int64),
        file=file, sheet=definition.sheet,
        shown={c: column_label(min_col - 1 + p, headers[p]) for c, p in positions.items() if p is not None},
        text_blanks=True,
    )


def _read_sheet(sheet, table: str, file: str) -> RawTable:
    """A sheet without a Table: the header found by :func:`.locate.pick_header`, then every row
    below it, read as a stream."""
    sheet.reset_dimensions()  # trust the cells, not the sheet's stated size
    iterator = iter(sheet.iter_rows(values_only=True))
    head = filled_rows(iterator)  # reads no further than the last filled row it returns
    best = pick_header(head, table)
    if best is None:
        raise DataError(f"the sheet is empty; table {table} needs a header row "
                        f"({', '.join(TABLES[table])})", file=file, sheet=sheet.title)
    header_position, header = head[best]
    positions = match_columns(table, list(header), file=file, sheet=sheet.title, row=header_position + 1)
    used = [p for p in positions.values() if p is not None]
    needed = max(used) + 1
    data_rows: list[tuple] = []
    numbers_: list[int] = []

    def take(row_number: int, row: tuple) -> None:
        if len(row) < needed:
            row = tuple(row) + (None,) * (needed - len(row))
        data_rows.append(row[:needed])
        numbers_.append(row_number)

    # the filled rows already read after the header (the empty ones between are blank
    # anyway), then the rest of the sheet
    for position, row in head[best + 1:]:
        take(position + 1, row)
    number = head[-1][0] + 1
    for row in iterator:
        number += 1
        take(number, row)
    columns = _columns_from_rows(data_rows, positions, needed)
    return RawTable(
        table=table, columns=columns, n=len(data_rows),
        rows=np.array(numbers_, dtype=np.int64),
        file=file, sheet=sheet.title,
        shown={c: column_label(p, header[p]) for c, p in positions.items() if p is not None},
        text_blanks=True,
    )


#: Any other file: read as a workbook (the safety checks refuse what is not one).
WORKBOOK = SourceKind(
    name="workbook",
    accepts=lambda source: isinstance(source, Path),
    read=read_workbook,
)
