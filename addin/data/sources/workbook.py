"""Excel workbooks (``.xlsx``, ``.xlsm``, or any zip workbook whatever its name): tables as
Excel Tables or as sheets.

Which Table or sheet holds a table, and which row is its header, is decided by
:mod:`.locate`; this module fetches the values with python-calamine (the values Excel last
saved for formulas; ten times faster than openpyxl) after :mod:`.safety` has checked the file,
and :mod:`.structure` has read what calamine does not give (the Excel Tables, merged ranges,
formulas without a saved value, error values such as ``#N/A``, how far the cells reach).
Calamine holds a sheet's used range whole, blanks included: a sheet whose range would
exceed :data:`DENSE_CELLS` cells (a stray cell far below or right of the table) is read with
openpyxl's read-only stream instead, whose cost follows the cells stored.

As the analyst sees them: a merged range's value fills every cell of the range, in the rows
that hold something else. The cost of reading is bounded by the cells stored, whatever the
workbook declares: a sheet's header is looked for in its first :data:`HEADER_COLUMNS`
columns, then only the columns up to the last one of the table are read, and a Table's
declared range is read no further than the last row stored.
"""

from __future__ import annotations

import warnings
import zipfile
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd

from ...cells import EXCEL_EPOCH_1904, column_letters
from ...errors import DataError
from ...i18n import Message, counted
from ..schema import TABLES
from ..values import EPOCH
from .base import RawTable, ReadOptions, SourceKind, column_label, shown_name
from .locate import (
    HEADER_SEARCH_ROWS,
    locate_tables,
    match_columns,
    no_header,
    no_tables,
    pick_header,
)
from .safety import HOSTILE_XML, is_hostile, refuse_unsafe_workbook
from .structure import (
    SheetMarks,
    TableDef,
    read_structure,
    refuse_declarations,
    scan_sheet,
)

__all__ = ["WORKBOOK", "HEADER_COLUMNS", "MAX_FAR_CELLS", "read_workbook"]

#: How many columns of a sheet (A to IV) hold its header: what lies further right is not read.
HEADER_COLUMNS = 256
#: The most cells stored right of column ZZ a sheet read may have: openpyxl parses every
#: stored cell, so a sheet of cells far right costs as much as a table without being one
#: (a 218 KB workbook of one cell per row in column XFD would cost minutes).
MAX_FAR_CELLS = 100_000
#: The most cells (blank ones included) of a sheet's used range, from A1, read with
#: python-calamine, which holds them all at once; a larger range is streamed by openpyxl.
DENSE_CELLS = 30_000_000
_PROLOG = 1 << 13  # bytes of an XML part read for a declaration before its first element


def read_workbook(path: Path, options: ReadOptions | None = None, notes: list[str] | None = None
                  ) -> list[RawTable]:
    """The tables of a workbook, after the safety checks.

    Text numbers in a workbook are read with the ``decimal`` mark ``load_data`` was given
    (else the one their text shows), by the checks; a note lists cells holding formulas
    whose value was never saved.
    """
    # openpyxl (a sheet too wide for calamine) warns about workbook features it does not read:
    # noise for the analyst, since only the cell values matter here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _read_workbook_values(path, notes if notes is not None else [],
                                     (options or ReadOptions()).mapping)


def _read_workbook_values(path: Path, notes: list[str], mapping: dict) -> list[RawTable]:
    from defusedxml import DefusedXmlException
    from openpyxl.utils.cell import range_boundaries

    refuse_unsafe_workbook(path)
    name = shown_name(path.name)
    archive = zipfile.ZipFile(path)
    try:
        structure = read_structure(archive, name)
        for part in _cell_parts(archive):  # the parts calamine parses besides the sheets
            with archive.open(part) as handle:
                refuse_declarations(handle.read(_PROLOG), part)
    except BaseException as error:
        archive.close()
        if isinstance(error, DefusedXmlException):
            raise DataError(HOSTILE_XML, file=name) from None
        if isinstance(error, DataError) and error.file is None:
            raise DataError(error.problem, file=name) from None
        if isinstance(error, (KeyError, zipfile.BadZipFile, SyntaxError, ValueError, OSError)) \
                and not isinstance(error, DataError):
            text = " ".join(str(error).split())
            raise DataError(f"the workbook is damaged ({type(error).__name__}: {text})",
                            file=name) from None
        raise
    epoch = np.datetime64(EXCEL_EPOCH_1904, "D") if structure.date1904 else EPOCH
    books = _Books(path, name)
    try:
        sheets = [(title, [d.name for d in structure.tables if d.sheet == title])
                  for title in structure.sheets]
        # none of our tables may be found: a pasted export may be all there is
        places = locate_tables(sheets, file=name, required=False)
        definitions = {(d.sheet, d.name): d for d in structure.tables}
        raws = []
        for table, place in places.items():
            part = structure.sheets.get(place.sheet)
            if part is None:
                raise DataError(f"table {table} is named after a chart sheet, which holds no cells",
                                file=name, sheet=place.sheet)
            try:
                marks = scan_sheet(archive, part)
                if marks.far_cells > MAX_FAR_CELLS:
                    raise DataError(
                        f"refused: the sheet stores {marks.far_cells:,} cells right of column ZZ, "
                        f"where no table is read (more than {MAX_FAR_CELLS:,}); delete those "
                        "columns, or copy the table to a new sheet", file=name, sheet=place.sheet)
                sheet = books.sheet(place.sheet, marks)
                if place.excel_table is not None:
                    definition = definitions[place.sheet, place.excel_table]
                    bounds = range_boundaries(definition.ref)
                    raw = _read_table_region(sheet, table, definition, bounds, name, marks, mapping)
                else:
                    raw = _read_sheet(sheet, table, name, marks, mapping)
            except DataError as error:
                if error.file is None:  # from the sheet's XML, which does not know its name
                    raise DataError(error.problem, file=name, sheet=place.sheet) from None
                raise
            except Exception as error:
                if is_hostile(error):
                    raise DataError(HOSTILE_XML, file=name, sheet=place.sheet) from None
                text = " ".join(f"{type(error).__name__}: {error}".split())
                raise DataError(f"the sheet cannot be read ({text})", file=name, sheet=place.sheet) from None
            raw.epoch = epoch
            _note_formulas(raw, notes)
            raws.append(raw)
        used = {place.sheet for place in places.values()}
        raws += _pasted_exports(archive, structure, books, used, name, raws, notes)
        raws.sort(key=lambda raw: list(TABLES).index(raw.table))
        if not raws:
            raise no_tables(sheets, name)
        return raws
    finally:
        books.close()
        archive.close()


def _pasted_exports(archive, structure, books: _Books, used: set[str], name: str,
                    ours: list[RawTable], notes: list) -> list[RawTable]:
    """The known exports pasted in sheets that hold none of our tables: a sheet whose first
    row is an export's header (:func:`~addin.data.exports.recognise`) is converted by that
    export, as its CSV file would be (the sheets of one export are joined); a table given
    both by our sheet and by an export is refused naming both. Only the first row of the
    other sheets is read."""
    from ..exports import convert_frames, recognise

    groups: dict = {}
    for title, part in structure.sheets.items():
        if title in used or part is None:
            continue
        try:
            marks = scan_sheet(archive, part)
            if marks.far_cells > MAX_FAR_CELLS:
                continue  # not a pasted export: those start at A1 and end well before ZZ
            sheet = books.sheet(title, marks)
            sheet.reset_dimensions()
            header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=HEADER_COLUMNS,
                                          values_only=True), ())
            export = recognise([h for h in header if h is not None])
            if export is None:
                continue
            width = max(i for i, h in enumerate(header) if h is not None) + 1
            rows = [r for r in sheet.iter_rows(min_row=1, max_col=width, values_only=True)
                    if any(v is not None for v in r)]  # blank rows skipped, as in a CSV file
        except DataError as error:
            raise DataError(error.problem, file=name, sheet=title, row=error.row) from None
        frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows[1:]],
                             columns=range(width), dtype=object)
        frame.columns = [h if h is not None else "" for h in header[:width]]
        have = next((raw for raw in ours if raw.table == export.table), None)
        other = next((t for e, sheets in groups.items() if e is not export and e.table == export.table
                      for t, _ in sheets), None)
        if have is not None or other is not None:
            first = f"sheet {have.sheet}" if have is not None else f"sheet {other}"
            raise DataError(f"two sources for table {export.table}: {first} and sheet {title}; "
                            "keep one", file=name)
        groups.setdefault(export, []).append((title, frame))
    if not groups:
        return []
    try:
        converted = convert_frames(groups, ReadOptions(), notes)
    except DataError as error:  # the conversion names the sheet as its file
        raise DataError(error.problem, file=name, sheet=error.file, row=error.row,
                        column=error.column) from None
    for raw in converted:
        raw.file, raw.sheet = name, raw.file
    return converted


def _cell_parts(archive: zipfile.ZipFile) -> list[str]:
    """The XML parts calamine may parse (sheets, shared strings, styles): their prologs are
    checked before any is read."""
    return [n for n in archive.namelist() if n.startswith("xl/") and n.endswith(".xml")]


def _calamine():
    """python-calamine, or None where it cannot be installed (Pyodide: openpyxl reads)."""
    try:
        import python_calamine
    except ImportError:
        return None
    return python_calamine


class _Books:
    """The workbook opened by each reader only when a sheet needs it: python-calamine for a
    sheet whose used range fits :data:`DENSE_CELLS`, openpyxl's read-only stream otherwise."""

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self.calamine = self.openpyxl = self.handle = None

    def sheet(self, title: str, marks: SheetMarks):
        if marks.last_row * marks.last_column <= DENSE_CELLS and _calamine() is not None:
            if self.calamine is None:
                from python_calamine import CalamineError, CalamineWorkbook

                try:
                    with open(self.path, "rb") as handle:
                        self.calamine = CalamineWorkbook.from_filelike(handle)
                except (CalamineError, ValueError, OSError) as error:
                    text = " ".join(f"{type(error).__name__}: {error}".split())
                    raise DataError(f"the workbook is damaged and cannot be opened ({text})",
                                    file=self.name) from None
            return _CalamineSheet(self.calamine.get_sheet_by_name(title), marks.errors)
        return self._openpyxl(title)

    def _openpyxl(self, title: str):
        import openpyxl

        if self.openpyxl is None:
            self.handle = open(self.path, "rb")  # a file: openpyxl refuses names without .xlsx
            try:
                self.openpyxl = openpyxl.load_workbook(self.handle, read_only=True, data_only=True,
                                                       keep_links=False)
            except Exception as error:  # openpyxl raises many kinds for damaged files
                if is_hostile(error):
                    raise DataError(HOSTILE_XML, file=self.name) from None
                cause = error.__cause__ or error
                text = " ".join(f"{type(cause).__name__}: {cause}".split())
                raise DataError(f"the workbook is damaged and cannot be opened ({text})",
                                file=self.name) from None
        if title not in self.openpyxl.sheetnames:
            raise DataError("the sheet cannot be read (openpyxl does not list it)",
                            file=self.name, sheet=title)
        return self.openpyxl[title]

    def close(self) -> None:
        for book in (self.calamine, self.openpyxl, self.handle):
            if book is not None:
                book.close()


class _CalamineSheet:
    """One sheet read by python-calamine, handed out as openpyxl's read-only sheet hands its
    values (``iter_rows(..., values_only=True)``): blank cells (and formulas never
    calculated) as None, error cells as their text (``#N/A``, from the sheet's XML, since
    calamine gives them as blanks)."""

    def __init__(self, sheet, errors: dict[tuple[int, int], str]):
        self.title, self.sheet, self.errors = sheet.name, sheet, errors
        self.first_row, self.first_col = sheet.start if sheet.height else (0, 0)
        self._rows = None  # the used range, from its first stored cell (read once)

    def reset_dimensions(self) -> None:
        """Nothing to reset: calamine's range is the cells stored, not a declared size."""

    def columns(self, min_row: int, width: int) -> tuple[list[np.ndarray], np.ndarray]:
        """Columns A.. (``width`` of them) of the rows from ``min_row`` on, as object arrays,
        leaving out the rows blank in all of them: (one array per column, their row numbers).
        The same values :meth:`iter_rows` gives, a column at a time (no Python loop per row)."""
        if self._rows is None:
            self._rows = self.sheet.to_python(skip_empty_area=True) if self.sheet.height else []
        rows = self._rows[max(min_row - 1 - self.first_row, 0):]
        first, n = max(min_row, self.first_row + 1), len(rows)
        stored = len(rows[0]) if rows else 0
        arrays, blank_everywhere = [], np.ones(n, dtype=bool)
        for position in range(width):
            at = position - self.first_col
            values = np.full(n, None, dtype=object)
            blank = np.ones(n, dtype=bool)
            if 0 <= at < stored:
                values[:] = list(map(itemgetter(at), rows))
                blank = values == ""
                values[blank] = None
            for (row, column), text in self.errors.items():
                if column == position + 1 and 0 <= row - first < n:
                    values[row - first], blank[row - first] = text, False
            arrays.append(values)
            blank_everywhere &= blank
        keep = ~blank_everywhere
        return [values[keep] for values in arrays], np.arange(first, first + n, dtype=np.int64)[keep]

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, min_col: int = 1,
                  max_col: int | None = None, values_only: bool = True):
        """Rows ``min_row``..``max_row`` (1-based, to the last stored by default) of columns
        ``min_col``..``max_col``, as tuples padded with None to ``max_col``."""
        if not self.sheet.height:
            return
        if self._rows is None:
            self._rows = self.sheet.to_python(skip_empty_area=True)  # the used range, once
        width = None if max_col is None else max_col - min_col + 1
        start = max(min_col - 1 - self.first_col, 0)
        lead = max(self.first_col - (min_col - 1), 0)  # columns left of calamine's range
        stop = None if max_col is None else max(max_col - self.first_col, 0)
        for number in range(min_row, self.first_row + 1):  # rows above calamine's range
            if max_row is not None and number > max_row:
                return
            yield (None,) * (width or 0)
        errors = self.errors
        for number, row in enumerate(self._rows, start=self.first_row + 1):
            if number < min_row:
                continue
            if max_row is not None and number > max_row:
                return
            cells = [None if v == "" else v for v in row[start:stop]]
            if lead:
                cells[:0] = [None] * lead
            if width is not None and len(cells) < width:
                cells += [None] * (width - len(cells))
            if errors:
                for c in range(len(cells)):
                    if cells[c] is None and (number, min_col + c) in errors:
                        cells[c] = errors[number, min_col + c]
            yield tuple(cells)


def _note_formulas(raw: RawTable, notes: list[str]) -> None:
    if not raw.formulas:
        return
    count = sum(int(m.sum()) for m in raw.formulas.values())
    col, at = min(((c, int(np.flatnonzero(m)[0])) for c, m in raw.formulas.items()), key=lambda c: c[1])
    notes.append(counted("data_formulas", count,
                         place=Message("data_sheet", file=raw.file, sheet=raw.sheet),
                         row=int(raw.rows[at]), column=raw.shown.get(col, col)))


class _Fill:
    """The merged ranges of a sheet, to fill rows of values as the analyst sees them: every
    cell of a range shows the value of its top-left cell. Rows are given in order; a row
    holding nothing of its own is left empty (it is not data)."""

    def __init__(self, merges: list[tuple[int, int, int, int]], min_col: int, max_col: int):
        self.min_col = min_col
        # (first row, last row, first column, last column, column of the value), by first row
        self.pending = sorted((r1, r2, max(c1, min_col), min(c2, max_col), c1)
                              for c1, r1, c2, r2 in merges if c2 >= min_col and c1 <= max_col)
        self.next = 0
        self.active: list[list] = []  # [last row, first column, last column, value]

    def __bool__(self) -> bool:
        return bool(self.pending)

    def apply(self, number: int, row: list) -> list:
        """``row`` (values from column ``min_col``) of sheet row ``number``, filled."""
        while self.next < len(self.pending) and self.pending[self.next][0] <= number:
            r1, r2, c1, c2, origin = self.pending[self.next]
            self.next += 1
            value = row[origin - self.min_col] if r1 == number and origin >= self.min_col else None
            if value is not None:
                self.active.append([r2, c1, c2, value])
        if self.active:
            self.active = [a for a in self.active if a[0] >= number]
            if any(v is not None for v in row):
                for _, c1, c2, value in self.active:
                    for c in range(c1 - self.min_col, c2 - self.min_col + 1):
                        if row[c] is None:
                            row[c] = value
        return row


def _unsaved(marks: SheetMarks, rows: np.ndarray, positions: dict[str, int | None],
             first_col: int) -> dict[str, np.ndarray] | None:
    """Column -> mask of the rows whose cell holds a formula without a saved value."""
    if not marks.unsaved_formulas or len(rows) == 0:
        return None
    cells = np.array(sorted(marks.unsaved_formulas), dtype=np.int64).reshape(-1, 2)
    out = {}
    for col, pos in positions.items():
        if pos is not None:
            mask = np.isin(rows, cells[cells[:, 1] == first_col + pos, 0])
            if mask.any():
                out[col] = mask
    return out or None


def _columns_from_rows(rows: list, positions: dict[str, int | None], width: int) -> dict:
    transposed = list(zip(*rows)) if rows else [()] * width
    return {
        col: (pd.Series(np.array(transposed[pos], dtype=object), dtype=object) if pos is not None else None)
        for col, pos in positions.items()
    }


def _read_table_region(sheet, table: str, definition: TableDef, bounds, file: str,
                       marks: SheetMarks, mapping: dict) -> RawTable:
    """An Excel Table: its header row (or the column names it declares) and its data rows,
    no further than the last row stored nor right of the last column of the table."""
    min_col, min_row, max_col, max_row = bounds
    if definition.header_rows < 1:
        raise DataError(f"Table {definition.name} has no header row; turn on its Header Row",
                        file=file, sheet=definition.sheet)
    width = max_col - min_col + 1
    headers = definition.columns if len(definition.columns) == width else None
    first = min_row + definition.header_rows
    last = max_row - definition.totals_rows
    sheet.reset_dimensions()  # the declared size may be anything
    if headers is None:
        header_row = next(sheet.iter_rows(min_row=min_row, max_row=min_row, min_col=min_col,
                                          max_col=min(max_col, min_col + HEADER_COLUMNS - 1),
                                          values_only=True), ())
        headers = list(header_row) + [None] * (width - len(header_row))
    positions = match_columns(table, headers, file=file, sheet=definition.sheet, row=min_row,
                              mapping=mapping)
    needed = max(p for p in positions.values() if p is not None) + 1
    fill = _Fill(marks.merges, min_col, min_col + needed - 1)
    rows, numbers = [], []
    if last >= first:
        for number, r in enumerate(sheet.iter_rows(min_row=first, min_col=min_col,
                                                   max_col=min_col + needed - 1, values_only=True),
                                   start=first):
            if number > last:
                break
            row = list(r) + [None] * (needed - len(r))
            rows.append(tuple(fill.apply(number, row)) if fill else tuple(row))
            numbers.append(number)
    columns = _columns_from_rows(rows, positions, needed)
    row_numbers = np.array(numbers, dtype=np.int64)
    return RawTable(
        table=table, columns=columns, n=len(rows), rows=row_numbers,
        file=file, sheet=definition.sheet,
        shown={c: column_label(min_col - 1 + p, headers[p]) for c, p in positions.items() if p is not None},
        text_blanks=True, formulas=_unsaved(marks, row_numbers, positions, min_col),
    )


def _read_sheet(sheet, table: str, file: str, marks: SheetMarks, mapping: dict) -> RawTable:
    """A sheet without a Table: the header found by :func:`.locate.pick_header` among the
    first filled rows (in columns A to IV), then the rows below it, read as a stream in the
    columns of the table only."""
    sheet.reset_dimensions()  # trust the cells, not the sheet's stated size
    head: list[tuple[int, tuple]] = []
    last_empty = None
    for position, row in enumerate(sheet.iter_rows(max_col=HEADER_COLUMNS, values_only=True)):
        if row is last_empty:  # openpyxl hands one tuple for every missing row
            continue
        if any(v is not None and str(v).strip() for v in row):
            head.append((position, row))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        else:
            last_empty = row
    best = pick_header(head, table, mapping)
    if best is None:
        raise no_header(table, file=file, sheet=sheet.title,
                        searched=f"in columns A to {column_letters(HEADER_COLUMNS)}")
    header_position, header = head[best]
    positions = match_columns(table, list(header), file=file, sheet=sheet.title, row=header_position + 1,
                              mapping=mapping)
    needed = max(p for p in positions.values() if p is not None) + 1
    fill = _Fill(marks.merges, 1, needed)
    if fill:  # the header row may start a merged range
        fill.apply(header_position + 1, list(header[:needed]) + [None] * (needed - len(header)))
    elif isinstance(sheet, _CalamineSheet):  # no merged range to fill: a column at a time
        arrays, row_numbers = sheet.columns(header_position + 2, needed)
        return RawTable(
            table=table, n=len(row_numbers), rows=row_numbers, file=file, sheet=sheet.title,
            columns={c: pd.Series(arrays[p], dtype=object) if p is not None else None
                     for c, p in positions.items()},
            shown={c: column_label(p, header[p]) for c, p in positions.items() if p is not None},
            text_blanks=True, formulas=_unsaved(marks, row_numbers, positions, 1),
        )
    data_rows: list[tuple] = []
    numbers: list[int] = []
    empty = (None,) * needed
    for number, row in enumerate(sheet.iter_rows(min_row=header_position + 2, max_col=needed,
                                                 values_only=True), start=header_position + 2):
        if row is empty or not row:
            continue
        if fill:
            row = tuple(fill.apply(number, list(row) + [None] * (needed - len(row))))
        elif len(row) < needed:
            row = tuple(row) + (None,) * (needed - len(row))
        if not any(v is not None for v in row):
            empty = row
            continue
        data_rows.append(row)
        numbers.append(number)
    columns = _columns_from_rows(data_rows, positions, needed)
    row_numbers = np.array(numbers, dtype=np.int64)
    return RawTable(
        table=table, columns=columns, n=len(data_rows), rows=row_numbers,
        file=file, sheet=sheet.title,
        shown={c: column_label(p, header[p]) for c, p in positions.items() if p is not None},
        text_blanks=True, formulas=_unsaved(marks, row_numbers, positions, 1),
    )


#: Any other file: read as a workbook (the safety checks refuse what is not one).
WORKBOOK = SourceKind(
    name="workbook",
    accepts=lambda source: isinstance(source, Path),
    read=read_workbook,
)
