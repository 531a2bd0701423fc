"""The kinds of input the loader reads, one module each, and how one is chosen.

Each kind is a :class:`~.base.SourceKind`: what it accepts, how it reads the tables (as
:class:`~.base.RawTable`, unchecked), how it names the source. :data:`SOURCE_KINDS` lists them
in the order they are asked; a new kind of input (a vendor export, Parquet, a database) is a
module with its own ``SourceKind``, added to that list before the workbook reader (which takes
any file).

- :mod:`.frames`: a dict of pandas DataFrames;
- :mod:`.csv`: a folder of CSV files, or one CSV file, decoded by :mod:`.encoding`;
- :mod:`.workbook`: an ``.xlsx``/``.xlsm`` workbook (any other file is tried as one, and
  refused by :mod:`.safety` when it is not), its Tables, merged ranges and unsaved formulas
  found by :mod:`.structure`;
- :mod:`.inputs`: several paths at once, one table each (an export's files joined);
- :mod:`.locate`: which Table or sheet of a workbook holds a table, and which row is its
  header (also for the Refresh button, which reads the open workbook through Excel);
- :mod:`.base`: what every kind hands over (:class:`~.base.RawTable`), and the names it
  shows (:func:`~.base.shown_name`: always valid text, whatever bytes the file system gave).
"""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import DataError
from .base import RawTable, ReadOptions, SourceKind, regular_file, shown_name
from .csv import CSV
from .frames import FRAMES
from .inputs import read_inputs
from .workbook import WORKBOOK

__all__ = ["SOURCE_KINDS", "RawTable", "ReadOptions", "SourceKind", "read_source", "shown_name"]

#: The kinds of input, in the order they are asked whether they accept a source.
SOURCE_KINDS: tuple[SourceKind, ...] = (FRAMES, CSV, WORKBOOK)


def read_source(source: object, options: ReadOptions, notes: list[str]) -> tuple[list[RawTable], str]:
    """The tables of ``source`` (a path, or an object such as a dict of DataFrames), read by
    the first kind that accepts it, and the name of the source for the report (always valid
    text: see :func:`.base.shown_name`).

    A path must exist and be a folder or a regular file (a named pipe or a device is refused,
    not read); it is given to the kinds as a :class:`~pathlib.Path`. A list of paths is read
    by :func:`.inputs.read_inputs` (each a folder, a CSV file or a workbook).
    """
    if isinstance(source, (list, tuple)):  # several inputs (load_data reads one alone as itself)
        return read_inputs(source, options, notes)
    given = source
    if isinstance(source, (str, bytes, os.PathLike)):
        given = Path(os.fsdecode(source))
        if not given.exists():
            raise DataError("no such file or folder", file=shown_name(given))
        if not given.is_dir():
            regular_file(given)
    for kind in SOURCE_KINDS:
        if kind.accepts(given):
            return kind.read(given, options, notes), shown_name(kind.label(given))
    raise DataError(f"cannot read data from a {type(source).__name__}: give a workbook, "
                    "a folder of CSV files or a dict of DataFrames")
