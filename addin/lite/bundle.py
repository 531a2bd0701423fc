"""The Python a workbook carries for xlwings Lite: ``main.py`` and ``requirements.txt``.

xlwings Lite runs a workbook's ``main.py`` in Pyodide (Python compiled to WebAssembly) and
installs the packages its ``requirements.txt`` lists. This package is not on PyPI, so
``main.py`` carries it: the modules that run inside Excel -- the Excel functions
(:mod:`addin.udfs`), the Refresh report script (:mod:`addin.refresh`), the Activate functions
script (:mod:`addin.lite.activate`) and everything they import -- as a zip archive written in
base64 at the end of the file. At import the archive is written to Pyodide's in-memory disk
and put on ``sys.path``; Python imports ``.py`` files straight from a zip (``zipimport``),
so the modules, their docstrings and the lines of a traceback are the package's own.

Why an archive inside main.py rather than a wheel on PyPI or Lite's other files: main.py is
the one place every Lite version reads from the workbook, so the workbook alone is the
distribution, works offline and cannot drift from its code; and the archive is the
package's source files themselves, byte for byte (a test compares them).

Which modules: those :data:`ROOTS` import, found by reading the import statements of the
source (also those inside functions), so the command line, the file writers and the
template builder (:mod:`addin.excel`), which Lite never runs, stay out.

The same inputs give the same bytes (sorted files, fixed dates), so a rebuilt template is
byte-for-byte the committed one.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import textwrap
import zipfile
from functools import lru_cache
from pathlib import Path

from ..version import __version__

#: The modules Lite imports; the archive holds them and everything they import from addin.
ROOTS: tuple[str, ...] = ("addin.udfs", "addin.refresh", "addin.lite.activate")

#: The scripts main.py offers (Lite shows them in its Run menu and as App Mode buttons).
SCRIPTS: dict[str, str] = {
    "refresh_report": "addin.refresh",
    "activate_functions": "addin.lite.activate",
}

#: requirements.txt: what Lite itself needs (its "# required" lines), then what ours import.
#: numpy, pandas and scipy come with Pyodide (their version is Pyodide's, so unpinned);
#: xlwings, python-dotenv, black and narwhals (the report's one reduction, on pandas here)
#: are pure-Python wheels on PyPI.
REQUIREMENTS: tuple[str, ...] = (
    "xlwings==0.37.8  # required",
    "python-dotenv==1.0.1  # required",
    "pyodide-http  # required",
    "black  # required",
    "numpy",
    "pandas",
    "scipy",
    "narwhals==2.29.0",
)

#: Office keeps document settings up to 2 MB per add-in (Office.Settings); some Excel
#: builds refuse to save settings above about 1 MB, so main.py stays below this.
SIZE_LIMIT = 1_000_000

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_LINE = 100  # characters of base64 per line of main.py


# --------------------------------------------------------------------------- which modules


def _source(module: str) -> Path:
    """The file of a module of this package (``addin.udfs`` -> addin/udfs/__init__.py)."""
    path = _PACKAGE_DIR.parent.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _exists(module: str) -> bool:
    return module.split(".")[0] == "addin" and _source(module).is_file()


def _imported(module: str) -> set[str]:
    """The addin modules ``module`` imports anywhere in its source, with their packages."""
    path = _source(module)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # submodules
    modules = set()
    for name in found:
        parts = name.split(".")
        modules.update(".".join(parts[:i]) for i in range(1, len(parts) + 1)
                       if _exists(".".join(parts[:i])))
    return modules


@lru_cache(maxsize=1)
def bundled_modules() -> tuple[str, ...]:
    """Every module the archive holds: :data:`ROOTS` and what they import, sorted."""
    seen: set[str] = set()
    todo = [m for root in ROOTS for m in _imported_with_packages(root)]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_imported(module) - seen)
    return tuple(sorted(seen))


def _imported_with_packages(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def bundled_files() -> dict[str, bytes]:
    """The archive's files: path inside the zip (addin/udfs/__init__.py) -> source bytes."""
    root = _PACKAGE_DIR.parent
    return {_source(m).relative_to(root).as_posix(): _source(m).read_bytes()
            for m in bundled_modules()}


# --------------------------------------------------------------------------- the archive


def archive() -> bytes:
    """The bundled modules as a zip (deflated, sorted, fixed dates: the same bytes each time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in sorted(bundled_files().items()):
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def archive_files(main_py: str) -> dict[str, bytes]:
    """The files of the archive inside a ``main.py`` text (to compare with the package's)."""
    encoded = main_py.split(_ARCHIVE_START, 1)[1].split(_ARCHIVE_END, 1)[0]
    data = base64.b64decode("".join(line.strip().strip('"') for line in encoded.splitlines()))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# --------------------------------------------------------------------------- main.py


_ARCHIVE_START = "_ARCHIVE = (\n"
_ARCHIVE_END = "\n)\n"

_HEADER = '''\
"""
# Customer-retention metrics

**retention-addin {version}**: the Excel functions =CRR(), =NPS(), =DSO() ... ({count} of
them) and two scripts for this workbook.

- **Activate functions**: run it once when cells with our functions show #NAME?
  (formulas typed before xlwings Lite had started); it re-enters those formulas.
- **Refresh report**: fills the Report sheet from the data Tables and the Settings sheet
  (also the button on the Report sheet).

This file is generated by `retention template` and `retention lite`: do not edit it
here, your changes would be lost at the next update. To update the workbook to a new
version of the package, run `retention lite --into THIS_WORKBOOK.xlsx` (or
`retention template` for the template), or `retention lite -o FOLDER` and paste the
new main.py and requirements.txt over these.

The package's modules ({files} files, sha256 {digest}) are in the archive
at the end of this file; at import they are written to Pyodide's in-memory disk and
put on sys.path.
"""

import base64
import hashlib
import os
import sys
import tempfile


def _put_package_on_path(encoded):
    """Write the archive once per Pyodide session and import the package from it."""
    data = base64.b64decode(encoded)
    folder = os.path.join(tempfile.gettempdir(), "retention-addin")
    path = os.path.join(folder, hashlib.sha256(data).hexdigest()[:16] + ".zip")
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        with open(path + ".part", "wb") as file:
            file.write(data)
        os.replace(path + ".part", path)
    # main.py was updated without a restart: forget the modules of the earlier version
    loaded = sys.modules.get("addin")
    if loaded is not None and not (getattr(loaded, "__file__", None) or "").startswith(path):
        for name in [n for n in sys.modules if n == "addin" or n.startswith("addin.")]:
            del sys.modules[name]
    sys.path[:] = [p for p in sys.path if not p.startswith(folder)]
    sys.path.insert(0, path)


'''

_FOOTER = '''

_put_package_on_path(_ARCHIVE)

from addin.udfs import *  # noqa: E402,F401,F403  the Excel functions
{scripts}
'''


def main_py() -> str:
    """The text of ``main.py``: a readable header, the bootstrap, the archive, the imports."""
    return _main_py(archive())


def function_names() -> list[str]:
    """The Excel functions' names, read from ``addin.udfs.__all__`` without importing it."""
    tree = ast.parse(_source("addin.udfs").read_bytes())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__"
                                                for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise LookupError("addin.udfs has no __all__")


@lru_cache(maxsize=2)
def _main_py(data: bytes) -> str:
    functions = function_names()
    encoded = base64.b64encode(data).decode("ascii")
    lines = "\n".join(f'    "{chunk}"' for chunk in textwrap.wrap(encoded, _LINE))
    header = _HEADER.format(version=__version__, count=len(functions),
                            files=len(zipfile.ZipFile(io.BytesIO(data)).namelist()),
                            digest=hashlib.sha256(data).hexdigest()[:16])
    scripts = "\n".join(f"from {module} import {name}  # noqa: E402,F401  a script"
                        for name, module in SCRIPTS.items())
    return header + _ARCHIVE_START + lines + _ARCHIVE_END + _FOOTER.format(scripts=scripts)


def requirements_txt() -> str:
    """The text of ``requirements.txt``."""
    return "\n".join(REQUIREMENTS) + "\n"


def requirement_names(text: str | None = None) -> list[str]:
    """The package names of a requirements.txt (comments and versions dropped)."""
    names = []
    for line in (requirements_txt() if text is None else text).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            for mark in "=<>!~[; ":
                line = line.split(mark, 1)[0]
            names.append(line)
    return names
