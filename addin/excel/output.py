"""Output safety: never a corrupt, partial or lost file.

Every file the package writes without Excel goes through the rules here:

- **Where a report may be written** (:func:`check_output`): a name ending in ``.xlsx``, in a
  folder that exists; never the input data, never a file in ``workbook_templates/``, never a
  file someone else wrote (even with ``--force``).
- **Which existing report may be replaced**: one we wrote *and that nobody has changed since*
  is replaced without asking; a report changed since (an added sheet, an edited cell, or
  simply saved again by Excel or LibreOffice, which rewrites every part) or marked read-only
  needs ``--force``. "Unchanged" is checked with a fingerprint of what we wrote (a SHA-256
  over every part of the workbook but the one that holds the fingerprint), kept in the
  workbook's custom document property :data:`FINGERPRINT`.
- **Written by us** (:func:`written_by_us`): one rule for the report, the template and the
  add-in: a workbook or add-in carries our mark as a custom document property or as its zip
  comment, a Python module in its first lines.
- **Atomic** (:func:`write_atomically`): the file is written to a hidden temporary file beside
  the target (``.NAME.XXXXXXXX.tmp``), flushed to disk, given the replaced file's permissions
  and renamed over the target only when complete. A symbolic link at the output is followed:
  its target is replaced (the link stays a link), after the same checks on the target.
- **Signals** (:func:`stopping_on_signals`): SIGINT (Ctrl-C), SIGTERM and SIGHUP (what cron,
  ``timeout`` and CI send) stop the run through :class:`Stopped`, so the temporary file is
  removed on the way out; the command exits with 128 + the signal's number, as shells do.
- **Valid XML text** (:func:`xml_text`): names that the file system gave as bytes which are
  not UTF-8 (a Windows zip unpacked on Linux) reach the workbook as readable text, never as
  characters that make the file unreadable.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import stat
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from defusedxml import ElementTree

from ..cells import readable_text
from ..errors import MetricError

__all__ = ["MARKER", "FINGERPRINT", "UNSTAMPED", "OutputRefused", "Stopped", "written_by_us",
           "is_previous_report", "fingerprint", "is_unchanged_report", "check_output",
           "write_atomically", "stopping_on_signals", "xml_text"]

#: Name of the custom document property every report carries: how a previous report is
#: told apart from any other workbook (which is never overwritten).
MARKER = "RetentionReport"
#: Custom document property holding the fingerprint of what was written (``sha256:…``).
FINGERPRINT = "RetentionReportFingerprint"
#: The value a writer gives :data:`FINGERPRINT` before saving; :func:`write_atomically`
#: replaces it with the fingerprint of the saved file.
UNSTAMPED = "sha256:to-be-stamped"
TEMPLATE_FOLDER = "workbook_templates"

_CUSTOM = "docProps/custom.xml"
_MAX_CUSTOM_XML = 1_000_000  # bytes of docProps/custom.xml read to look for a mark
_MAX_TEXT_HEAD = 2_000  # characters of a text file read to look for a mark
# A workbook at the output path is read whole to compare its fingerprint: bounded, so a
# hostile file named as the output cannot burn minutes (over the bounds: not "unchanged").
_MAX_PARTS = 10_000
_MAX_UNPACKED = 2 * 1024**3
_CHUNK = 1 << 20


class OutputRefused(MetricError):
    """The output path may not be written: the message says why, in one line."""


class Stopped(BaseException):
    """The run was stopped by a signal (SIGINT, SIGTERM or SIGHUP).

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it and
    every ``finally`` on the way out (the temporary file's removal) runs.
    """

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        #: 128 + the signal's number, as a shell reports a command a signal ended.
        self.exit_code = 128 + signum
        super().__init__(f"stopped by {self.name}")


# --------------------------------------------------------------------------- written by us


def _custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """The workbook's custom document properties, name → text (empty if none or unsafe)."""
    try:
        info = archive.getinfo(_CUSTOM)
        if info.file_size > _MAX_CUSTOM_XML:
            return {}
        root = ElementTree.fromstring(archive.read(info))
    except Exception:  # no custom properties, unsafe or broken XML: no marks
        return {}
    return {element.get("name"): "".join(element.itertext()) for element in root}


def written_by_us(path: str | os.PathLike, mark: str) -> bool:
    """True when ``path`` is a file one of our builders wrote, recognised by ``mark``.

    The one rule for every file we overwrite: a Python module (``.py``, the add-in's) carries
    ``mark`` in its first 2,000 characters; any other file must be a zip package (a workbook,
    an add-in) with a custom document property named ``mark`` or a zip comment starting with
    it. Anything unreadable is not ours.
    """
    path = Path(path)
    try:
        if not path.is_file():  # a folder, a device, a FIFO (opening it would wait forever)
            return False
        if path.suffix == ".py":
            with open(path, encoding="utf-8", errors="replace") as module:
                return mark in module.read(_MAX_TEXT_HEAD)
        with zipfile.ZipFile(path) as archive:
            return archive.comment.startswith(mark.encode()) or mark in _custom_properties(archive)
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def is_previous_report(path: str | os.PathLike) -> bool:
    """True when ``path`` is an xlsx file carrying the report marker (a custom property)."""
    return written_by_us(path, MARKER)


# --------------------------------------------------------------------------- fingerprint


def _fingerprint_of(archive: zipfile.ZipFile) -> str | None:
    parts = [info for info in archive.infolist() if info.filename != _CUSTOM]
    names = [info.filename for info in parts]
    if (len(parts) > _MAX_PARTS or len(set(names)) != len(names)
            or sum(info.file_size for info in parts) > _MAX_UNPACKED):
        return None
    total = hashlib.sha256()
    unpacked = 0
    for info in sorted(parts, key=lambda item: item.filename):
        digest = hashlib.sha256()
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                unpacked += len(chunk)
                if unpacked > _MAX_UNPACKED:  # sizes in the directory can lie
                    return None
                digest.update(chunk)
        total.update(info.filename.encode("utf-8", "surrogatepass") + b"\0" + digest.digest())
    return "sha256:" + total.hexdigest()


def fingerprint(path: str | os.PathLike) -> str | None:
    """The fingerprint of a workbook as it is now: ``sha256:`` and the hash of every part's
    name and content except ``docProps/custom.xml`` (where the fingerprint itself is kept).

    Any change made in Excel or LibreOffice changes it (they rewrite the parts when saving);
    None when ``path`` is not a readable zip package within the size bounds.
    """
    if not Path(path).is_file():
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            return _fingerprint_of(archive)
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return None


def is_unchanged_report(path: str | os.PathLike) -> bool:
    """True when ``path`` is a report we wrote and nobody has changed since: its recorded
    fingerprint is the fingerprint of its content now."""
    if not Path(path).is_file():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            properties = _custom_properties(archive)
            recorded = properties.get(FINGERPRINT)
            if MARKER not in properties or not recorded or recorded == UNSTAMPED:
                return False
            return recorded == _fingerprint_of(archive)
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return False


# --------------------------------------------------------------------------- where to write


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _read_only(path: Path) -> bool:
    """No write permission for us, or no write bit at all (``chmod a-w``, Windows' read-only
    attribute): the mark of a file someone wants kept, even when we run as root."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_output(path: str | os.PathLike, *, force: bool = False,
                 protect: Iterable[str | os.PathLike] = ()) -> Path:
    """``path`` as a Path if the report may be written there, else OutputRefused.

    Refused: a name not ending in .xlsx, a folder, any of ``protect`` (the input data), a
    file in a ``workbook_templates`` folder, a symbolic link to nothing, and an existing file
    that is not a previous report (even with ``force``). A previous report is replaced only
    if it is unchanged since we wrote it and not read-only, or with ``force``. A symbolic link
    is judged by the file it points to, which is the file replaced.
    """
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise OutputRefused(f"{out}: the report is an .xlsx workbook, give an output name ending in .xlsx")
    if out.is_symlink() and not out.exists():
        raise OutputRefused(f"{out} is a symbolic link to {os.readlink(out)}, which does not "
                            "exist: refusing to create a file where it points")
    resolved = out.resolve()
    if out.is_dir():
        raise OutputRefused(f"{out} is a folder, give the report's file name")
    for item in protect:
        if item is None or str(item) == "":
            continue
        source = Path(item)
        if resolved == source.resolve() or _same(out, source):
            raise OutputRefused(f"{out} is the input data: refusing to overwrite it")
    if TEMPLATE_FOLDER in resolved.parent.parts:
        raise OutputRefused(f"{out} is in {TEMPLATE_FOLDER}/: refusing to overwrite the template")
    if out.exists():
        if not is_previous_report(out):
            raise OutputRefused(
                f"{out} exists and is not a report written by this tool: refusing to overwrite "
                "it (--force replaces only a previous report)")
        if not force and _read_only(out):
            raise OutputRefused(f"{out} is a read-only previous report: pass --force to "
                                "replace it, or choose another name")
        if not force and not is_unchanged_report(out):
            raise OutputRefused(
                f"{out} is a previous report changed since it was written (edited, or saved "
                "again by Excel or LibreOffice): pass --force to replace it, or choose another name")
    if not resolved.parent.is_dir():
        raise OutputRefused(f"{out}: the folder {resolved.parent} does not exist")
    if not os.access(resolved.parent, os.W_OK | os.X_OK):
        raise OutputRefused(f"{out}: the folder {resolved.parent} cannot be written")
    return out


# --------------------------------------------------------------------------- signals


@contextmanager
def _signals_held() -> Iterator[None]:
    """Within: SIGINT, SIGTERM and SIGHUP wait (delivered on leaving), so a temporary file is
    never created, renamed or removed half-way through our bookkeeping."""
    held = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask"):  # Windows: nothing to hold
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within: SIGINT, SIGTERM and SIGHUP raise :class:`Stopped` (once; later ones are ignored
    while the run cleans up), so temporary files are removed on the way out.

    A signal that was ignored when the run started stays ignored (``nohup`` ignores SIGHUP, a
    background job SIGINT). Outside the main thread nothing changes (Python allows handlers
    only there). The previous handlers are put back on leaving.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = []

    def stop(signum, frame):
        if not stopping:
            stopping.append(signum)
            raise Stopped(signum)

    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --------------------------------------------------------------------------- writing


def _temporary_beside(out: Path) -> Path:
    """A new empty file in ``out``'s folder (created exclusively, normal permissions)."""
    for _ in range(100):
        candidate = out.with_name(f".{out.stem}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return candidate
        except FileExistsError:
            continue
    raise OutputRefused(f"{out}: cannot create a temporary file beside it")


def _stamp(saved: Path, stamped: Path) -> None:
    """Copy the workbook ``saved`` to ``stamped`` with :data:`UNSTAMPED` replaced by the
    fingerprint of what is written (which leaves docProps/custom.xml out)."""
    with zipfile.ZipFile(saved) as source:
        value = _fingerprint_of(source)
        custom = source.read(_CUSTOM)
        placeholder = f">{UNSTAMPED}<".encode()
        if value is None or custom.count(placeholder) != 1:
            raise RuntimeError(f"the workbook written has no {FINGERPRINT} property to stamp")
        with zipfile.ZipFile(stamped, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == _CUSTOM:
                    data = data.replace(placeholder, f">{value}<".encode())
                target.writestr(info, data)


def _flush(path: Path) -> None:
    """Make the file's bytes durable before it is renamed over the previous one."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _state(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def write_atomically(path: str | os.PathLike, save: Callable[[Path], object], *,
                     stamp: bool = False) -> Path:
    """Write a file with ``save(temporary)`` and put it at ``path`` only when complete.

    The temporary file is created beside the target (a symbolic link's target, which is the
    file replaced) and removed whatever happens, signals included. With ``stamp`` the saved
    workbook's :data:`UNSTAMPED` fingerprint is replaced by the real one. A replaced file keeps
    its permissions; a file that appears, or changes, while we write is not replaced, and a
    file that cannot be written (a full disk, a folder we may not write) is refused
    (OutputRefused). The caller checks the path first (:func:`check_output`). Returns ``path``.
    """
    out = Path(path)
    target = Path(os.path.realpath(out)) if out.is_symlink() else out
    before = _state(target)
    try:
        temporaries: list[Path] = []
        try:
            with _signals_held():
                temporaries.append(_temporary_beside(target))
            save(temporaries[-1])
            if stamp:
                with _signals_held():
                    temporaries.append(_temporary_beside(target))
                _stamp(temporaries[0], temporaries[-1])
            final = temporaries[-1]
            _flush(final)
            if before is not None:  # after the flush: the mode may be read-only
                os.chmod(final, stat.S_IMODE(os.stat(target).st_mode))
            with _signals_held():
                if before is None:
                    try:
                        os.link(final, target)  # fails if the name was taken in the meantime
                    except FileExistsError:
                        raise OutputRefused(f"{out} appeared while the report was written: not replaced")
                    except OSError:  # a file system without hard links
                        os.replace(final, target)
                elif _state(target) != before:
                    raise OutputRefused(f"{out} changed while the report was written: not replaced")
                else:
                    os.replace(final, target)
        finally:
            with _signals_held():
                for temporary in temporaries:
                    temporary.unlink(missing_ok=True)
    except OSError as error:  # a full disk, a folder we may not write: the output's fault
        raise OutputRefused(f"{out}: cannot be written ({error.strerror or error})") from None
    return out


# --------------------------------------------------------------------------- text


def xml_text(text: str) -> str:
    """``text`` as valid XML text (:func:`addin.cells.readable_text`)."""
    return readable_text(text)
