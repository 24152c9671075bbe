"""Decrypted attachments live in a private folder that goes away; database files are 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseapp import private_files
from caseapp.db import open_database

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def base(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "tmp"
    folder.mkdir()
    yield folder
    private_files.remove_opened()


def run_child(base: Path, code: str) -> subprocess.Popen[str]:
    """A second CaseApp process that opens an attachment, prints its path, then waits."""
    script = (
        "import sys\nfrom pathlib import Path\nfrom caseapp import private_files as p\n"
        f"base = Path({str(base)!r})\n{code}"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


@posix_only
def test_an_opened_attachment_is_private_and_named_as_uploaded(base: Path) -> None:
    path = private_files.write_opened("../../scan report.pdf", b"%PDF secret", base)
    assert path.name == "scan report.pdf" and path.read_bytes() == b"%PDF secret"
    folder = private_files.opened_folder(base)
    assert folder.parent == base and folder.name.startswith(private_files.OPEN_PREFIX)
    assert path.is_relative_to(folder)
    assert mode(folder) == 0o700 and mode(path.parent) == 0o700 and mode(path) == 0o600
    again = private_files.write_opened("scan report.pdf", b"second", base)
    assert again != path and path.read_bytes() == b"%PDF secret"


def test_the_folder_is_removed_at_exit(base: Path) -> None:
    child = run_child(base, "print(p.write_opened('a.pdf', b'x', base), flush=True)\ninput()")
    assert child.stdout is not None
    opened = Path(child.stdout.readline().strip())
    assert opened.read_bytes() == b"x"
    child.communicate("\n")  # the child exits normally
    assert child.returncode == 0
    assert not opened.exists() and list(base.iterdir()) == []


def test_the_next_start_sweeps_what_a_crash_left_but_not_a_running_app(base: Path) -> None:
    crashed = run_child(
        base, "print(p.write_opened('a.pdf', b'x', base), flush=True)\nimport os\nos._exit(9)"
    )
    assert crashed.stdout is not None
    left = Path(crashed.stdout.readline().strip())
    crashed.wait()
    assert left.exists()  # os._exit skips the exit handlers, like a crash
    running = run_child(base, "print(p.write_opened('b.pdf', b'y', base), flush=True)\ninput()")
    assert running.stdout is not None
    in_use = Path(running.stdout.readline().strip())
    try:
        removed = private_files.sweep_opened(base)
        assert not left.exists() and removed == [left.parent.parent]
        assert in_use.read_bytes() == b"y"  # another CaseApp still shows it
    finally:
        running.communicate("\n")


@posix_only
def test_the_sweep_leaves_links_and_files_that_only_look_like_ours(
    base: Path, tmp_path: Path
) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    (base / f"{private_files.OPEN_PREFIX}link").symlink_to(target)
    (base / f"{private_files.OPEN_PREFIX}file").write_text("not a folder")
    assert private_files.sweep_opened(base) == []
    assert (target / "keep.txt").read_text() == "mine"
    assert (base / f"{private_files.OPEN_PREFIX}file").exists()


@posix_only
def test_a_new_sqlite_database_and_its_wal_are_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask: files would be world-readable
    try:
        path = tmp_path / "office.sqlite3"
        database = open_database(f"sqlite:///{path}")
        with database.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            conn.commit()
            wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
            assert wal.exists() and shm.exists()
            assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        database.engine.dispose()
    finally:
        os.umask(previous)


@posix_only
def test_an_older_database_made_world_readable_is_narrowed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    open_database(f"sqlite:///{path}").engine.dispose()
    path.chmod(0o644)
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")
    wal.chmod(0o664)
    open_database(f"sqlite:///{path}").engine.dispose()
    assert mode(path) == 0o600
    assert not wal.exists() or mode(wal) == 0o600


@posix_only
def test_a_backup_file_is_0600_from_its_first_byte(tmp_path: Path) -> None:
    previous = os.umask(0o000)
    try:
        target = tmp_path / "backup.sqlite3"
        with private_files.create_private(target) as out:
            assert mode(target) == 0o600
            out.write(b"data")
        loose = tmp_path / "loose.bin"
        loose.write_bytes(b"")
        loose.chmod(0o666)
        private_files.create_private(loose).close()
        assert mode(loose) == 0o600
    finally:
        os.umask(previous)
