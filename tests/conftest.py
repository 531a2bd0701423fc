"""Shared test setup.

xlwings picks its Office.js code path (the one xlwings Lite and xlwings Server run) when it
is first imported, and only with these variables set, so they are set here, before any test
module imports xlwings. The licence key "noncommercial" is for our noncommercial testing only.

:func:`shared_file` makes an expensive file (a built workbook, a LibreOffice recalculation)
once per test run: with ``pytest -n 2`` each xdist worker is its own process, so a
session-scoped fixture alone would make it once per worker.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: each worker may make its own copy
    fcntl = None

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"


@pytest.fixture(scope="session")
def shared_file(tmp_path_factory) -> Callable[[str, Callable[[Path], object]], Path]:
    """``shared_file(name, make)``: the path of the file ``name``, made by ``make(path)`` the
    first time any worker of this run asks for it; the other workers wait for it, then reuse
    it. ``name`` must say everything the file depends on (a hash of its source, its
    parameters): the folder lives as long as the run's temporary folder."""
    base = tmp_path_factory.getbasetemp()
    # under xdist every worker has its own basetemp inside the run's one
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / "shared-files"
    folder.mkdir(exist_ok=True)

    def get(name: str, make: Callable[[Path], object]) -> Path:
        target = folder / name
        with open(folder / f"{name}.lock", "w") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not target.exists():
                partial = folder / f"partial-{os.getpid()}-{name}"
                make(partial)
                os.replace(partial, target)  # atomic: no worker ever sees half a file
        return target

    return get
