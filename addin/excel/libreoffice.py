"""LibreOffice headless: recalculate a workbook, render it to PDF and PNG.

Used by the tests and the docs pictures, never by the add-in itself. Every call runs
``soffice`` with a profile of its own (parallel runs sharing a profile collide) whose
settings force a full recalculation on load: LibreOffice ignores Excel's
``fullCalcOnLoad`` and would otherwise keep cached values.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice is missing, failed, or wrote no output."""


def soffice() -> str:
    """Path of the soffice executable, or LibreOfficeError."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise LibreOfficeError("LibreOffice (soffice) is not installed")
    return path


def convert(source: str | os.PathLike, target_format: str, outdir: str | os.PathLike,
            infilter: str | None = None, timeout: float = 180) -> Path:
    """Convert ``source`` with soffice into ``outdir`` and return the written file.

    ``target_format`` is soffice's ``--convert-to`` argument ("xlsx", "pdf", ...). soffice
    exits 0 even when it could not load the file, so a missing output is an error here.
    """
    source, outdir = Path(source), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile, "user")
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")
        command = [
            soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
            "--norestore", "--nolockcheck", "--convert-to", target_format,
            "--outdir", str(outdir), str(source),
        ]
        if infilter:
            command.insert(-1, f"--infilter={infilter}")
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    written = outdir / f"{source.stem}.{target_format.split(':')[0]}"
    if not written.exists():
        raise LibreOfficeError(
            f"soffice wrote no {written.name} (exit {result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[:500]}"
        )
    return written


def recalculate(source: str | os.PathLike, outdir: str | os.PathLike) -> Path:
    """A copy of ``source`` recalculated by LibreOffice and saved as xlsx in ``outdir``.

    Read it back with ``openpyxl.load_workbook(path, data_only=True)`` to see the values.
    """
    source = Path(source)
    outdir = Path(outdir)
    if outdir.resolve() == source.parent.resolve():
        raise ValueError("recalculate into another folder: it would overwrite the source")
    return convert(source, "xlsx", outdir)


def to_pdf(source: str | os.PathLike, outdir: str | os.PathLike) -> Path:
    """``source`` rendered to PDF by LibreOffice (every sheet, with its print setup)."""
    return convert(source, "pdf", outdir)


def pdf_to_png(pdf: str | os.PathLike, prefix: str | os.PathLike, dpi: int = 80,
               first: int | None = None, last: int | None = None) -> list[Path]:
    """PNG pages of a PDF through pdftoppm; returns the files written, in page order."""
    command = ["pdftoppm", "-png", "-r", str(dpi)]
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    prefix = Path(prefix)
    subprocess.run(command + [str(pdf), str(prefix)], check=True, capture_output=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
