"""Pictures of the template for the README and the tests, through LibreOffice and pdftoppm:
one sheet of a built template (:func:`render_sheet`), or the Report sheet after a refresh
(:func:`render_report`). Sheets with charts are built on their own for it, because openpyxl,
which the other sheets' pictures go through, drops charts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

from ..libreoffice import pdf_to_png, to_pdf
from . import report_sheet, why_retention
from .book import new_book
from .build import build_template
from .styles import Styles, number_formats
from .why_retention import WHY_SHEET


def _why_picture_book(path: Path, lang: str) -> Path:
    """The Why retention pays sheet alone, its function cells holding their values: what
    LibreOffice renders for the picture (it would show #NAME? there, and openpyxl, which the
    other sheets' pictures go through, drops charts)."""
    book = new_book(path)
    try:
        why_retention.add_sheet(book, Styles(book), number_formats(lang), lang,
                                functions_as_values=True)
    finally:
        book.close()
    return path


def _report_picture_book(path: Path, lang: str, report, area: str | None) -> Path:
    """The Report sheet alone, filled with ``report`` as the refresh fills it, with its
    charts (openpyxl, which the other sheets' pictures go through, drops charts)."""
    book = new_book(path)
    try:
        report_sheet.add_sheet(book, Styles(book), number_formats(lang), lang, report)
        if area:  # one picture: the area on one page, without the sheet's page breaks
            sheet = book.worksheets()[0]
            sheet.print_area(area)
            sheet.fit_to_pages(1, 1)
            sheet.set_h_pagebreaks([])
            sheet.set_v_pagebreaks([])
    finally:
        book.close()
    return path


def render_report(report, outdir: str | Path, *, area: str | None = "A63:AH176",
                  dpi: int = 80, trim: bool = True) -> list[Path]:
    """PNG pages of the template's Report sheet after a refresh of ``report`` (an
    :class:`addin.report.Report`, in its language): the blocks as the refresh writes them and
    the template's charts drawn from them, through LibreOffice and pdftoppm. ``area`` is the
    print area (default: the trend, cohorts and MRR movements blocks with their charts);
    ``trim`` cuts each page to its content.
    Used for ``docs/img/template-report-refreshed.png`` and by the tests."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = to_pdf(_report_picture_book(outdir / "report.xlsx", report.lang, report, area), outdir)
    if not trim:
        return pdf_to_png(pdf, outdir / "report", dpi=dpi)
    pages = []
    for page, box in enumerate(_content_boxes(pdf, dpi, outdir / "trim"), start=1):
        x, y, w, h = box
        prefix = outdir / f"report-{page}"
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), "-singlefile",
                        str(pdf), str(prefix)], check=True, capture_output=True)
        pages.append(prefix.with_suffix(".png"))
    return pages


def _content_boxes(pdf: Path, dpi: int, prefix: Path, margin: int = 12) -> list[tuple]:
    """(x, y, width, height) in pixels at ``dpi`` of each page's non-white content, footer
    left out (the last tenth of the page)."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(prefix)], check=True,
                   capture_output=True)
    boxes = []
    for page in sorted(prefix.parent.glob(f"{prefix.name}-*.pgm")):
        data = page.read_bytes()
        _, width, height, _ = data.split(maxsplit=4)[:4]
        width, height = int(width), int(height)
        pixels = np.frombuffer(data[len(data) - width * height:], dtype=np.uint8)
        pixels = pixels.reshape(height, width)[: height * 9 // 10]
        rows = np.flatnonzero((pixels < 250).any(axis=1))
        cols = np.flatnonzero((pixels < 250).any(axis=0))
        page.unlink()
        if not len(rows):
            boxes.append((0, 0, width, height))
            continue
        x0, y0 = max(cols[0] - margin, 0), max(rows[0] - margin, 0)
        x1, y1 = min(cols[-1] + margin, width), min(rows[-1] + margin, height)
        boxes.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return boxes


def render_sheet(sheet: str, outdir: str | Path, *, lang: str = "en", dpi: int = 80,
                 tables: dict[str, pd.DataFrame] | None = None,
                 template: str | Path | None = None) -> list[Path]:
    """PNG pages of one sheet of a freshly built template, through LibreOffice and pdftoppm.

    The pages show the values the template stores with its formulas, i.e. the workbook as an
    analyst sees it with the add-in on (LibreOffice alone would show #NAME? in the function
    cells). The other sheets are left out of the picture. ``template`` renders a template
    already built (``lang`` and ``tables`` are then not used). Used for the README's pictures
    (``docs/img/template-guide-examples.png``, ``template-why-retention-pays.png``) and by the
    tests. The Why retention pays sheet, which has a chart, is built on its own for it.
    """
    import openpyxl  # noqa: PLC0415

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^0-9A-Za-z]+", "-", sheet).strip("-").lower()
    if sheet == WHY_SHEET:  # it has a chart: built on its own, with values in function cells
        pdf = to_pdf(_why_picture_book(outdir / f"{stem}.xlsx", lang), outdir)
        return pdf_to_png(pdf, outdir / stem, dpi=dpi)
    built = Path(template) if template else build_template(outdir / f"{stem}-full.xlsx", lang,
                                                           tables=tables)
    book = openpyxl.load_workbook(built, data_only=True)
    for ws in list(book.worksheets):
        if ws.title != sheet:
            book.remove(ws)
    for name in list(book.defined_names):
        del book.defined_names[name]
    snapshot = outdir / f"{stem}.xlsx"
    book.save(snapshot)
    if not template:
        built.unlink()
    pdf = to_pdf(snapshot, outdir)
    return pdf_to_png(pdf, outdir / stem, dpi=dpi)
