"""xlwings Lite's part of an .xlsx: where Excel keeps an add-in's document settings.

An Office add-in's settings (``Office.context.document.settings``) live in the workbook
file as a *web extension* part ([MS-OWEXML]); xlwings Lite (store id WA200008175) keeps the
workbook's ``main.py`` and ``requirements.txt`` there, each a JSON string::

    xl/webextensions/webextension1.xml     <we:property name="main.py" value="&quot;…&quot;"/>
    xl/webextensions/taskpanes.xml         Lite's task pane: docked right, shown on open
    xl/webextensions/_rels/taskpanes.xml.rels
    _rels/.rels                            + the package relationship to taskpanes.xml
    [Content_Types].xml                    + two overrides (webextension, taskpanes)

This is what Excel writes for a workbook saved with Lite (real Lite workbooks were read to
check it). :func:`add_lite_part` writes or updates that part in an .xlsx and keeps every
other part's content byte for byte: the other parts are copied in order with their names,
dates and compression; only ``[Content_Types].xml`` and ``_rels/.rels`` gain a line each
when the workbook had no task pane before. An existing Lite part keeps its other settings
(Lite's own) and gets the new main.py and requirements.txt; another add-in's task pane is
kept beside ours. :func:`read_lite_part` reads the settings back.

openpyxl drops every ``xl/webextensions`` part when it saves a workbook; nothing of ours
loads and re-saves a workbook with openpyxl (see docs/lite.md, "Nothing strips it").
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from .bundle import main_py, requirements_txt

#: xlwings Lite in Microsoft's add-in store (AppSource / Marketplace).
STORE_ID = "WA200008175"

WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
REL_WEBEXTENSION = "http://schemas.microsoft.com/office/2011/relationships/webextension"
TYPE_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
TYPE_WEBEXTENSION = "application/vnd.ms-office.webextension+xml"

TASKPANES = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
#: This part's instance id: fixed, so that builds are byte-stable.
INSTANCE_ID = "{5E7E6A2C-3F0B-4B8E-9C41-7D2A6B1E0F15}"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


class LitePartError(ValueError):
    """A workbook whose package cannot take the Lite part (the message says why)."""


# --------------------------------------------------------------------------- the XML


def setting_value(value: object) -> str:
    """A document setting as Office stores it: JSON, with ``/`` written ``\\/`` as Office does."""
    return json.dumps(value, ensure_ascii=True).replace("/", "\\/")


def _attribute(text: str) -> str:
    """An XML attribute value in double quotes, as Office writes them."""
    return '"' + escape(text, {'"': "&quot;"}) + '"'


def _property(name: str, value: object) -> str:
    return f"<we:property name={_attribute(name)} value={_attribute(setting_value(value))}/>"


def settings() -> dict[str, object]:
    """The settings this package writes: the code, and "open Lite's pane with the workbook"."""
    return {
        "main.py": main_py(),
        "requirements.txt": requirements_txt(),
        # Office's document tag for "show this add-in's task pane when the file opens"
        "Office.AutoShowTaskpaneWithDocument": True,
    }


def webextension_xml(values: dict[str, object] | None = None) -> str:
    """webextensionN.xml: Lite's reference in the store, the settings, custom functions on."""
    values = settings() if values is None else values
    properties = "".join(_property(name, value) for name, value in values.items())
    return (
        f'{_DECLARATION}<we:webextension xmlns:we="{WE}" id="{INSTANCE_ID}">'
        f'<we:reference id="{STORE_ID.lower()}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
        f'<we:alternateReferences><we:reference id="{STORE_ID}" version="1.0.0.0" '
        f'store="{STORE_ID}" storeType="OMEX"/></we:alternateReferences>'
        f"<we:properties>{properties}</we:properties><we:bindings/>"
        f'<we:snapshot xmlns:r="{R}"/>'
        '<we:extLst><a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'uri="{D87F86FE-615C-45B5-9D79-34F1136793EB}"><we:containsCustomFunctions/></a:ext>'
        '<a:ext xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'uri="{7C84B067-C214-45C3-A712-C9D94CD141B2}"><we:customFunctionIdList/></a:ext>'
        "</we:extLst></we:webextension>"
    )


def _taskpane(rel_id: str, row: int) -> str:
    return (f'<wetp:taskpane dockstate="right" visibility="1" width="350" row="{row}">'
            f'<wetp:webextensionref xmlns:r="{R}" r:id="{rel_id}"/></wetp:taskpane>')


def taskpanes_xml(rel_id: str = "rId1") -> str:
    """taskpanes.xml with Lite's pane: docked right, visible when the workbook opens."""
    return f'{_DECLARATION}<wetp:taskpanes xmlns:wetp="{WETP}">{_taskpane(rel_id, 1)}</wetp:taskpanes>'


def _relationship(rel_id: str, rel_type: str, target: str) -> str:
    return f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target}"/>'


# --------------------------------------------------------------------------- reading


def _lite_part_name(files: dict[str, bytes]) -> str | None:
    """The webextension part that references xlwings Lite, if any."""
    for name in sorted(files):
        if name.startswith("xl/webextensions/webextension") and name.endswith(".xml"):
            root = ElementTree.fromstring(files[name])
            ids = {ref.get("id", "").upper() for ref in root.iter(f"{{{WE}}}reference")}
            if STORE_ID in ids:
                return name
    return None


def read_settings(xml: bytes) -> dict[str, object]:
    """The settings of a webextension part (name -> value, JSON decoded)."""
    root = ElementTree.fromstring(xml)
    return {p.get("name"): json.loads(p.get("value")) for p in root.iter(f"{{{WE}}}property")}


def read_lite_part(path: str | os.PathLike) -> dict[str, object] | None:
    """xlwings Lite's settings stored in a workbook (``main.py``, ``requirements.txt`` …),
    or None when the workbook has no Lite part."""
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if n.startswith("xl/webextensions/")]
        files = {n: zf.read(n) for n in names}
    name = _lite_part_name(files)
    return None if name is None else read_settings(files[name])


# --------------------------------------------------------------------------- writing


def _next_id(xml: str) -> str:
    used = {int(n) for n in re.findall(r'Id="rId(\d+)"', xml)}
    return f"rId{max(used, default=0) + 1}"


def _insert_before(xml: str, closing: str, text: str, part: str) -> str:
    at = xml.rfind(closing)
    if at < 0:
        raise LitePartError(f"{part} has no {closing}")
    return xml[:at] + text + xml[at:]


def _updated_webextension(xml: bytes) -> str:
    """An existing Lite part with our settings replaced or added, Lite's own kept."""
    text = xml.decode("utf-8")
    for name, value in settings().items():
        new = _property(name, value)
        named = r"name=[\"']" + re.escape(name) + r"[\"']"
        value = r"""value=(?:"[^"]*"|'[^']*')"""
        pattern = re.compile(rf"<we:property\s+(?:{named}\s+{value}|{value}\s+{named})\s*/>")
        if pattern.search(text):
            text = pattern.sub(lambda _: new, text, count=1)
        elif "<we:properties/>" in text:
            text = text.replace("<we:properties/>", f"<we:properties>{new}</we:properties>", 1)
        else:
            text = _insert_before(text, "</we:properties>", new, "the Lite part")
    return text


def lite_parts(files: dict[str, bytes]) -> dict[str, bytes]:
    """The parts to write into a workbook whose parts are ``files`` (name -> bytes): the
    Lite part new or updated, and the package files that change with it."""
    existing = _lite_part_name(files)
    if existing is not None:
        return {existing: _updated_webextension(files[existing]).encode("utf-8")}
    changed: dict[str, bytes] = {}
    number = 1
    while f"xl/webextensions/webextension{number}.xml" in files:
        number += 1
    part = f"webextension{number}.xml"
    changed[f"xl/webextensions/{part}"] = webextension_xml().encode("utf-8")
    content_types = files["[Content_Types].xml"].decode("utf-8")
    overrides = [f'<Override PartName="/xl/webextensions/{part}" ContentType="{TYPE_WEBEXTENSION}"/>']
    if TASKPANES in files:  # another add-in's pane: ours goes beside it
        rels = files[TASKPANES_RELS].decode("utf-8")
        rel_id = _next_id(rels)
        changed[TASKPANES_RELS] = _insert_before(
            rels, "</Relationships>", _relationship(rel_id, REL_WEBEXTENSION, part),
            TASKPANES_RELS).encode("utf-8")
        panes = files[TASKPANES].decode("utf-8")
        row = len(re.findall(r"<wetp:taskpane[\s>]", panes)) + 1
        changed[TASKPANES] = _insert_before(panes, "</wetp:taskpanes>", _taskpane(rel_id, row),
                                            TASKPANES).encode("utf-8")
    else:
        changed[TASKPANES] = taskpanes_xml().encode("utf-8")
        changed[TASKPANES_RELS] = (
            f'{_DECLARATION}<Relationships xmlns="{PKG_RELS}">'
            f'{_relationship("rId1", REL_WEBEXTENSION, part)}</Relationships>').encode("utf-8")
        overrides.append(f'<Override PartName="/{TASKPANES}" ContentType="{TYPE_TASKPANES}"/>')
        package_rels = files["_rels/.rels"].decode("utf-8")
        changed["_rels/.rels"] = _insert_before(
            package_rels, "</Relationships>",
            _relationship(_next_id(package_rels), REL_TASKPANES, TASKPANES),
            "_rels/.rels").encode("utf-8")
    changed["[Content_Types].xml"] = _insert_before(
        content_types, "</Types>", "".join(overrides), "[Content_Types].xml").encode("utf-8")
    return changed


def add_lite_part(source: str | os.PathLike, target: str | os.PathLike | None = None) -> Path:
    """Write ``source`` with xlwings Lite's part (new, or updated to this package's code) to
    ``target`` (default: ``source`` itself); every other part's content is kept.

    The file is written beside the target and renamed over it when complete.
    """
    source = Path(source)
    target = source if target is None else Path(target)
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            files = {info.filename: zf.read(info) for info in infos}
    except zipfile.BadZipFile:
        raise LitePartError(f"{source} is not an .xlsx workbook (not a zip package)") from None
    if "[Content_Types].xml" not in files or "_rels/.rels" not in files:
        raise LitePartError(f"{source} is not an .xlsx workbook (no [Content_Types].xml)")
    changed = lite_parts(files)
    date = infos[0].date_time if infos else (1980, 1, 1, 0, 0, 0)
    partial = target.with_name(f".{target.name}.lite-part")
    try:
        with zipfile.ZipFile(partial, "w") as out:
            for info in infos:
                out.writestr(_copy(info), changed.pop(info.filename, files[info.filename]))
            for name, data in changed.items():  # the new parts, after the others
                info = zipfile.ZipInfo(name, date)
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, data)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return target


def _copy(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A part's zip entry as it was: name, date, compression, attributes."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for key in ("compress_type", "comment", "extra", "create_system", "external_attr",
                "internal_attr", "flag_bits"):
        setattr(copy, key, getattr(info, key))
    copy.flag_bits &= ~0x08  # sizes in the local header, not in a trailing descriptor
    return copy
