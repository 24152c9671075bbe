"""Files that hold patient data outside the database stay readable by this user only.

Opened attachments go to a private folder (mode 0700) of this process, removed at exit; a
folder left by a process that crashed is swept at the next start (its lock is no longer held).
SQLite database files, their WAL/SHM and backups are created mode 0600 on POSIX.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

OPEN_PREFIX = "caseapp-open-"
LOCK_NAME = ".in-use"
POSIX = os.name == "posix"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

_folder: Path | None = None
_lock: IO[bytes] | None = None


def _try_lock(handle: IO[bytes]) -> bool:
    """An exclusive, non-blocking lock that the OS drops when the process dies."""
    handle.seek(0)
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _ours(path: Path) -> bool:
    """A real folder (no symlink) owned by this user: the only kind the sweep may remove."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return not POSIX or info.st_uid == os.getuid()


def sweep_opened(base: Path | None = None) -> list[Path]:
    """Remove opened-attachment folders of processes that are gone; returns those removed."""
    root = Path(base or tempfile.gettempdir())
    removed: list[Path] = []
    for folder in sorted(root.glob(f"{OPEN_PREFIX}*")):
        if folder == _folder or not _ours(folder):
            continue
        lock_path = folder / LOCK_NAME
        try:
            with open(lock_path, "a+b") as handle:
                if not _try_lock(handle):
                    continue  # another CaseApp still runs and may show these files
        except OSError:
            pass  # no lock file (a crash before it was made): nobody can be using it
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def opened_folder(base: Path | None = None) -> Path:
    """This process's private folder for opened attachments (made on first use, 0700)."""
    global _folder, _lock
    if _folder is not None and _folder.is_dir():
        return _folder
    folder = Path(tempfile.mkdtemp(prefix=OPEN_PREFIX, dir=base))  # mkdtemp makes it 0700
    handle = open(folder / LOCK_NAME, "a+b")  # noqa: SIM115 - held until exit
    _try_lock(handle)
    _folder, _lock = folder, handle
    return folder


def write_opened(filename: str, content: bytes, base: Path | None = None) -> Path:
    """Write a decrypted attachment into the private folder (mode 0600) for a viewer."""
    name = Path(filename).name or "attachment"
    if name in (LOCK_NAME, ".", ".."):
        name = f"attachment-{name.strip('.')}"
    folder = Path(tempfile.mkdtemp(dir=opened_folder(base)))  # same name twice never clashes
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return path


def remove_opened() -> None:
    """Delete this process's folder (at exit): decrypted copies do not outlive the app."""
    global _folder, _lock
    folder, handle = _folder, _lock
    _folder = _lock = None
    if handle is not None:
        handle.close()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(remove_opened)


# ---- SQLite files ----------------------------------------------------------------------------


def restrict(path: Path) -> None:
    """Mode 0600 on an existing file (POSIX; Windows keeps the folder's access list)."""
    if POSIX and path.exists() and stat.S_IMODE(path.stat().st_mode) != 0o600:
        path.chmod(0o600)


def prepare_sqlite_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its WAL and SHM take the same mode),
    and narrow an older database and its side files made with wider modes."""
    if not POSIX:
        return
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SIDE_FILES)):
        restrict(candidate)


def create_private(path: Path) -> IO[bytes]:
    """Open a new file for writing, mode 0600 from its first byte (backups, key files)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    restrict(path)  # an existing file keeps its old mode through O_CREAT
    return os.fdopen(fd, "wb")
