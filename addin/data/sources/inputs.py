"""Several inputs at once: ``retention report exports/ umsatz.csv book.xlsx``.

Each input is a folder, a CSV file or a workbook, read as it would be alone; the tables they
give are then put together. One table given twice is refused naming both places, unless both
are files of one known export (their rows are joined, as in a folder): the report never adds
up two versions of the same orders by accident.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ...errors import DataError
from .base import Found, RawTable, ReadOptions, regular_file, shown_name
from .csv import CSV, find_csv, gather, read_found
from .workbook import read_workbook

__all__ = ["read_inputs"]


def read_inputs(sources: Sequence[object], options: ReadOptions, notes: list[str]
                ) -> tuple[list[RawTable], str]:
    """The tables of every path in ``sources`` (folders, CSV files, workbooks) and the name of
    the whole for the report (the inputs' names, joined).

    DataError when a path does not exist or cannot be read, when an input gives no table,
    or when two inputs give the same table (not the files of one export): both are named.
    """
    if not sources:
        raise DataError("no input given: give a workbook, a CSV file or a folder")
    paths = []
    for source in sources:
        if not isinstance(source, (str, bytes, os.PathLike)):
            raise DataError(f"cannot read data from a {type(source).__name__} among several inputs: "
                            "give paths of workbooks, CSV files or folders")
        path = Path(os.fsdecode(source))
        if not path.exists():
            raise DataError("no such file or folder", file=shown_name(path))
        if not path.is_dir():
            regular_file(path)
        paths.append(path)
    if len({p.resolve() for p in paths}) < len(paths):
        raise DataError(f"an input is given twice: {', '.join(shown_name(p) for p in paths)}")
    found: list[Found] = []
    for path in paths:
        if CSV.accepts(path):
            found += find_csv(path, options, notes, full_names=True)
            continue
        for raw in read_workbook(path, options, notes):
            found.append(Found(raw.table, f"{shown_name(path)}, sheet {raw.sheet}", raw=raw))
    raws = read_found(gather(found), options, notes)
    return raws, ", ".join(shown_name(p) for p in paths)
