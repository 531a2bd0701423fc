"""Refusals of workbooks that are not safe or not possible to read.

Checked before a workbook is opened, from its first bytes and its zip directory only: an old
``.xls`` or an encrypted workbook (both OLE files), a file that is not a zip, a zip bomb (too
big unpacked, too many parts, a part packed too well), a binary ``.xlsb`` workbook, a zip that
is not a workbook. XML declaring entities (an XML bomb) is refused while reading:
:func:`parse_xml` and :func:`is_hostile`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ...errors import DataError
from ..schema import table_named
from .base import shown_name

__all__ = [
    "MAX_UNCOMPRESSED",
    "MAX_RATIO",
    "RATIO_MIN_SIZE",
    "MAX_PARTS",
    "HOSTILE_XML",
    "refuse_unsafe_workbook",
    "parse_xml",
    "is_hostile",
]

# --- refusal limits for workbooks (zip bombs) ---
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB in all
MAX_RATIO = 100  # uncompressed / compressed, for a part larger than RATIO_MIN_SIZE
RATIO_MIN_SIZE = 10 << 20
MAX_PARTS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


#: The refusal of XML that declares entities.
HOSTILE_XML = "refused: the workbook's XML declares entities (a possible XML bomb)"


def refuse_unsafe_workbook(path: Path) -> None:
    """DataError unless ``path`` is a zip that is safe to open as a workbook."""
    name = shown_name(path.name)
    with open(path, "rb") as handle:
        magic = handle.read(8)
        if magic == _OLE_MAGIC:
            handle.seek(0)
            blob = handle.read(64 << 20)
            if _ENCRYPTION_INFO in blob:
                raise DataError(
                    "the workbook is password-protected (encrypted) and cannot be read; save a "
                    "copy without a password (File > Info > Protect Workbook > Encrypt with "
                    "Password, clear it)", file=name)
            raise DataError("this is an Excel 97-2003 (.xls) file or another non-.xlsx format; "
                            "save it as an Excel Workbook (.xlsx)", file=name)
    if not magic.startswith(b"PK"):
        with open(path, "rb") as handle:
            head = handle.read(4096)
        if head and b"\x00" not in head and (b"," in head or b";" in head or b"\t" in head):
            table = table_named(path.stem)
            rename = f"{table}.csv" if table else "after its table, e.g. Orders.csv"
            raise DataError("this looks like a text (CSV) file, but its name does not end in "
                            f".csv: name it {rename}", file=name)
        raise DataError("this is not an Excel workbook (.xlsx/.xlsm) nor a CSV file", file=name)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise DataError(f"the workbook is damaged (not a valid zip file: {error})", file=name) from None
    if len(infos) > MAX_PARTS:
        raise DataError(f"refused: the workbook has {len(infos):,} parts (more than {MAX_PARTS:,}), "
                        "which looks like a zip bomb", file=name)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise DataError(f"refused: the workbook would unpack to {total / (1 << 30):.1f} GiB "
                        f"(more than {MAX_UNCOMPRESSED >> 30} GiB), which looks like a zip bomb", file=name)
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DataError(
                f"refused: the part {info.filename} unpacks to {info.file_size / (1 << 20):,.0f} MiB, "
                f"{info.file_size / max(info.compress_size, 1):,.0f} times its packed size "
                f"(more than {MAX_RATIO}), which looks like a zip bomb", file=name)
    if "xl/workbook.bin" in names:
        raise DataError("binary workbooks (.xlsb) are not supported; save it as an Excel "
                        "Workbook (.xlsx)", file=name)
    if "[Content_Types].xml" not in names:
        raise DataError("this is a zip file but not an Excel workbook", file=name)



def parse_xml(archive: zipfile.ZipFile, part: str):
    """The element tree of one part of the workbook; refuses entity declarations (XML bombs)."""
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(part))


def is_hostile(error: BaseException) -> bool:
    """True when ``error`` comes (maybe through others) from XML refused as a possible bomb."""
    from defusedxml import DefusedXmlException

    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
