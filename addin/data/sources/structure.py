"""What a workbook's XML says that the cell reader (python-calamine) does not: its sheets and
where their parts are, its Excel Tables, its date system, and for one sheet its merged ranges,
the cells holding a formula whose value was never saved, its error values (``#N/A``), and how
far its cells reach (to bound what the reader is asked for).

Everything here is refused in one line rather than skipped: a sheet whose part is missing or
points outside the package (openpyxl would leave the sheet out without a word), two Tables
whose names differ only in case (Excel forbids it), a Strict Open XML workbook (another
vocabulary, which openpyxl does not read).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from ...cells import column_number
from ...errors import DataError
from .safety import HOSTILE_XML, parse_xml

__all__ = ["TableDef", "Structure", "SheetMarks", "read_structure", "scan_sheet"]

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NS_STRICT = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"


@dataclass
class TableDef:
    """An Excel Table as the workbook's XML declares it."""

    name: str
    sheet: str
    ref: str
    header_rows: int
    totals_rows: int
    columns: list[str]


@dataclass
class Structure:
    """The sheets (name -> part, in workbook order; None for a chart sheet), the Excel Tables
    and the date system of a workbook."""

    sheets: dict[str, str | None] = field(default_factory=dict)
    tables: list[TableDef] = field(default_factory=list)
    date1904: bool = False


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str, bool]]:
    """Relationship id -> (type, target part, inside the package) of ``part``."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    if rels_part not in archive.namelist():
        return {}
    out = {}
    for rel in parse_xml(archive, rels_part).iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            out[rel.get("Id")] = (rel.get("Type", ""), target, False)
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id")] = (rel.get("Type", ""), target, not target.startswith(".."))
    return out


def read_structure(archive: zipfile.ZipFile, file: str) -> Structure:
    """The :class:`Structure` of the workbook in ``archive`` (``file`` names it in refusals)."""
    names = set(archive.namelist())
    main = next((t for kind, t, _ in _rels(archive, "").values() if kind.endswith("/officeDocument")),
                "xl/workbook.xml")
    if main not in names:
        raise DataError(f"the workbook is damaged: its main part {main} is missing", file=file)
    root = parse_xml(archive, main)
    if root.tag.startswith(_NS_STRICT):
        raise DataError("this workbook is saved as Strict Open XML Spreadsheet, which cannot be "
                        "read; save it as an Excel Workbook (.xlsx)", file=file)
    pr = root.find(f"{_NS_MAIN}workbookPr")
    out = Structure(date1904=pr is not None and pr.get("date1904", "0") in ("1", "true"))
    rels = _rels(archive, main)
    for sheet in root.iter(f"{_NS_MAIN}sheet"):
        title = sheet.get("name", "")
        rel = rels.get(sheet.get(f"{_NS_REL}id"))
        if rel is None or not rel[2] or rel[1] not in names:
            where = "no part" if rel is None else (
                f"a part outside the workbook ({rel[1]})" if not rel[2] else f"a missing part ({rel[1]})")
            raise DataError(f"the sheet cannot be read: the workbook points it to {where}",
                            file=file, sheet=title)
        if not rel[0].endswith("/worksheet"):
            out.sheets[title] = None  # a chart sheet or a dialog sheet: no cells
            continue
        out.sheets[title] = rel[1]
        for kind, target, inside in _rels(archive, rel[1]).values():
            if not kind.endswith("/table"):
                continue
            if not inside or target not in names:
                raise DataError(f"an Excel Table of the sheet cannot be read: the workbook points "
                                f"it to {'a part outside the workbook' if not inside else 'a missing part'} "
                                f"({target})", file=file, sheet=title)
            node = parse_xml(archive, target)
            out.tables.append(TableDef(
                name=node.get("displayName") or node.get("name") or "",
                sheet=title,
                ref=node.get("ref", ""),
                header_rows=int(node.get("headerRowCount", "1")),
                totals_rows=int(node.get("totalsRowCount", "0")),
                columns=[c.get("name", "") for c in node.iter(f"{_NS_MAIN}tableColumn")],
            ))
    seen: dict[str, TableDef] = {}
    for table in out.tables:
        other = seen.setdefault(table.name.casefold(), table)
        if other is not table:
            raise DataError(f"two Excel Tables are named {other.name!r} (sheet {other.sheet}) and "
                            f"{table.name!r} (sheet {table.sheet}), which Excel does not allow "
                            "(Table names ignore case); rename one", file=file)
    return out


@dataclass
class SheetMarks:
    """What one sheet's XML says about its cells: merged ranges as ``(min_col, min_row,
    max_col, max_row)`` (1-based), the ``(row, column)`` of each cell holding a formula
    whose value was never saved (a workbook written by a program, not opened in Excel since),
    how many cells are stored right of column ZZ (``far_cells``), where no table is read, the
    error values by ``(row, column)`` (``#N/A``), and the last row and column holding a cell."""

    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)
    far_cells: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    last_row: int = 0
    last_column: int = 0


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
# a formula's end tag (or an empty formula tag) followed by the cell's end, with no value or
# an empty one (<v/>, as programs write it; Excel's empty text result is <v></v>, a value)
_UNSAVED = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>\s*)?</(?:\w+:)?c>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
# a cell's reference: only cells have an r attribute starting with a letter (a row's is digits)
_CELL_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]')
# a row's number: the r attributes made of digits alone (a cell's starts with letters)
_ROW_NUMBER = re.compile(rb' r="([0-9]{1,7})"')
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*?\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{1,64})</(?:\w+:)?v>")
_ROOT = re.compile(rb"<[A-Za-z_]")
_CHUNK = 1 << 20


def scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetMarks:
    """The :class:`SheetMarks` of the sheet stored in ``part``: one pass over its bytes, a
    chunk at a time (the merged ranges follow the cells, at the end of the part)."""
    marks = SheetMarks()
    tail = b""
    with archive.open(part) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            data = tail + chunk
            if chunk:  # cut after the last complete row: a cell is never split
                cut = data.rfind(b"</row>")
                cut = data.rfind(b":row>") if cut < 0 else cut
                if cut < 0:
                    tail = data
                    continue
                cut = data.find(b">", cut) + 1
                data, tail = data[:cut], data[cut:]
            _scan_block(data, marks)
            if not chunk:
                return marks


def refuse_declarations(head: bytes, part: str) -> None:
    """DataError (an XML bomb) when the XML ``part`` starting with ``head`` declares a document
    type (where entities are declared) before its first element. The cell reader does not
    expand entities, but such a part is refused as the other parts are
    (:func:`.safety.parse_xml`)."""
    root = _ROOT.search(head)
    prolog = head if root is None else head[:root.start()]
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise DataError(HOSTILE_XML)


def _scan_block(data: bytes, marks: SheetMarks) -> None:
    columns = Counter(_CELL_COLUMN.findall(data))  # letters -> cells
    if columns:
        marks.far_cells += sum(n for letters, n in columns.items() if len(letters) == 3)
        marks.last_column = max(marks.last_column, max(_column(c) for c in columns))
    rows = _ROW_NUMBER.findall(data)
    if rows:
        marks.last_row = max(marks.last_row, max(map(int, rows)))
    if b't="e"' in data:
        for found in _ERROR_CELL.finditer(data):
            ref, value = _CELL_REF.search(found.group(1)), _VALUE.search(found.group(2))
            if ref is not None and value is not None and _column(ref.group(1)):
                marks.errors[int(ref.group(2)), _column(ref.group(1))] = value.group(1).decode(
                    "utf-8", "replace")
    if b"f>" in data or b"<f " in data or b":f " in data:  # a formula at all (a quick look)
        for found in _UNSAVED.finditer(data):
            at = found.start()
            f_start = data.rfind(b"<", 0, at) if data[at + 1:at + 2] == b"/" else at
            c_start = data.rfind(b"<", 0, f_start)
            ref = _CELL_REF.search(data, c_start, f_start)
            if ref is not None and _column(ref.group(1)):
                marks.unsaved_formulas.add((int(ref.group(2)), _column(ref.group(1))))
    if b"mergeCell" in data:
        for found in _MERGE.finditer(data):
            c1, r1 = _column(found.group(1)), int(found.group(2))
            c2, r2 = (_column(found.group(3)), int(found.group(4))) if found.group(3) else (c1, r1)
            if c1 and c2:
                marks.merges.append((min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)))


def _column(letters: bytes) -> int:
    """The column number of ``letters``, 0 when they are past XFD."""
    try:
        return column_number(letters.decode())
    except ValueError:
        return 0
