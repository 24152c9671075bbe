"""A new database is created whole or not at all, with exactly one data key however often the
creation is retried.

A process killed while creating a database used to leave a file that could never be opened
again and one more data key in the keyring per attempt. Now an SQLite file is built and migrated
under a temporary name next to it and moved into place only when whole; and the identity and
key a creation chose are kept as "pending" in the keyring until it is done, so a retry reuses
them instead of storing another key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from caseapp.security import DataKey

SIDE_FILES = ("-wal", "-shm", "-journal")
TEMP_MARK = ".creating-"


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL names (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def is_unborn(path: Path) -> bool:
    """No database there yet: no file, or an empty one (SQLite's own empty database)."""
    if not path.exists():
        return True
    return path.is_file() and path.stat().st_size == 0


# ---- one identity and one key per database, however often creation is retried ----------------


def pending_name(target: str) -> str:
    return f"pending-data-key:{hashlib.sha256(target.encode()).hexdigest()[:32]}"


def target_of(url: str) -> str:
    """What names the database being created: its absolute file, or the URL without password."""
    path = sqlite_file(url)
    if path is not None:
        return str(path.resolve())
    return make_url(url).render_as_string(hide_password=True)


def identity_for_new(target: str) -> tuple[str, DataKey]:
    """The identity and key for a database about to be created at target: the ones an earlier,
    interrupted attempt chose (still pending), else new ones, kept pending before use."""
    from caseapp.secrets import data_key_name, get_secret, set_secret

    name = pending_name(target)
    stored = get_secret(name)
    found: tuple[str, DataKey] | None = None
    if stored and " " in stored:
        database_id, key_text = stored.split(" ", 1)
        with contextlib.suppress(ValueError):
            found = (database_id, DataKey.from_text(key_text))
    if found is None:
        found = (uuid.uuid4().hex, DataKey.generate())
        set_secret(name, f"{found[0]} {found[1].to_text()}")
    database_id, key = found
    set_secret(data_key_name(database_id), key.to_text())  # the same entry on every retry
    return database_id, key


def creation_done(target: str) -> None:
    from caseapp.secrets import delete_secret

    delete_secret(pending_name(target))


# ---- an SQLite file built aside and moved into place ---------------------------------------


def temp_path(path: Path, pid: int | None = None) -> Path:
    return path.with_name(f"{path.name}{TEMP_MARK}{pid or os.getpid()}")


def sweep_leftovers(path: Path) -> None:
    """Remove what killed creations left next to path (their temporary files and side files)."""
    for leftover in path.parent.glob(f"{path.name}{TEMP_MARK}*"):
        pid_text = leftover.name[len(path.name) + len(TEMP_MARK) :]
        for suffix in SIDE_FILES:
            pid_text = pid_text.removesuffix(suffix)
        if pid_text.isdigit() and int(pid_text) != os.getpid() and _running(int(pid_text)):
            continue  # another process is creating it right now
        with contextlib.suppress(OSError):  # Windows: a file still open elsewhere stays
            leftover.unlink()
    if is_unborn(path):  # side files of an empty database belong to no database
        for suffix in SIDE_FILES:
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()


def _running(pid: int) -> bool:
    if os.name != "posix":
        return False  # cannot ask without side effects; unlink fails on files still open
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_sqlite(
    path: Path, make: Callable[[str], Engine], build: Callable[[Engine], None]
) -> None:
    """Create the database at path whole: build it at a temporary name, then rename it there.

    A process killed at any point leaves either no database at path or a whole one; the
    temporary files it leaves are swept by the next attempt.
    """
    sweep_leftovers(path)
    temp = temp_path(path)
    engine = make(f"sqlite:///{temp}")
    try:
        build(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        engine.dispose()
        _remove(temp)
        raise
    engine.dispose()  # the last connection closes: SQLite folds the WAL into the file
    _fsync(temp)
    if not is_unborn(path):  # someone else created it meanwhile: theirs stays
        _remove(temp)
        return
    for suffix in SIDE_FILES:
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()
    os.replace(temp, path)
    _fsync_folder(path.parent)
    _remove(temp)


def _remove(temp: Path) -> None:
    for candidate in (temp, *(Path(f"{temp}{suffix}") for suffix in SIDE_FILES)):
        with contextlib.suppress(OSError):
            candidate.unlink()


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
