"""What ``retention lite`` writes: ``main.py`` and ``requirements.txt`` into a folder, or a
copy of an analyst's workbook that carries xlwings Lite's part (never the workbook itself
unless asked)."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import MetricError
from .bundle import main_py, requirements_txt
from .part import LitePartError, add_lite_part

__all__ = ["LiteOutputError", "copy_with_lite", "lite_copy_path", "write_files"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class LiteOutputError(MetricError):
    """A file ``retention lite`` will not read or write (the message says why)."""


def write_files(folder: str | os.PathLike) -> list[Path]:
    """Write ``main.py`` and ``requirements.txt`` into ``folder`` (made if missing), for
    pasting into Lite's editor by hand; returns the two paths."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise LiteOutputError(f"{folder} is a file: give a folder for main.py and requirements.txt")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("main.py", main_py()), ("requirements.txt", requirements_txt())):
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def lite_copy_path(book: str | os.PathLike, output: str | os.PathLike | None = None) -> Path:
    """Where ``retention lite --into BOOK`` writes: ``output`` (a workbook path, or a folder
    for a file of the same name), by default ``BOOK-lite.xlsx`` beside the workbook."""
    book = Path(book)
    if output is None:
        return book.with_name(f"{book.stem}-lite{book.suffix}")
    output = Path(output)
    return output / book.name if output.is_dir() else output


def copy_with_lite(book: str | os.PathLike, output: str | os.PathLike | None = None, *,
                   force: bool = False) -> Path:
    """Write a copy of ``book`` that carries xlwings Lite's part; returns its path.

    The copy goes to :func:`lite_copy_path`. An existing file there is replaced only with
    ``force``, and so is ``book`` itself when the copy's path is the workbook's own (the
    only way to change it in place). Every part of the workbook but Lite's is kept.
    """
    book = Path(book)
    if book.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise LiteOutputError(f"{book} must be an .xlsx or .xlsm workbook")
    if not book.is_file():
        raise LiteOutputError(f"{book} does not exist")
    target = lite_copy_path(book, output)
    if target.suffix.lower() != book.suffix.lower():
        raise LiteOutputError(f"{target} must end in {book.suffix} like {book.name}")
    if target.exists() and not force:
        what = "is the workbook itself" if target.resolve() == book.resolve() else "exists"
        raise LiteOutputError(f"{target} {what}: choose another output (-o) or add --force "
                              "to replace it")
    try:
        return add_lite_part(book, target)
    except LitePartError as error:
        raise LiteOutputError(str(error)) from None
