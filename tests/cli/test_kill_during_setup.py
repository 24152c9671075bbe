"""kill -9 while a database is created and migrated, and while demo data is seeded (issue 12,
items 1 and 2): afterwards the file opens whole or is not there, one data key exists, and
`demo --if-empty` then seeds it.

Each trial stops `caseapp demo` at a known point (tests/crash_runner.py prints a marker there and
waits for its kill), or polls with a bounded loop until the WAL appears; nothing depends on
timing. `-m slow` runs more trials at random statements.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from caseapp.db import SCHEMA_REVISION
from caseapp.services.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CASES = 12


@dataclass
class Trial:
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / "office.sqlite3"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    @property
    def keyring(self) -> Path:
        return self.folder / "keyring.json"

    def env(self) -> dict[str, str]:
        return dict(os.environ, CASEAPP_DB=self.url, QT_QPA_PLATFORM="offscreen",
                    PYTHON_KEYRING_BACKEND="tests.keyring_file.FileKeyring",
                    CASEAPP_TEST_KEYRING_FILE=str(self.keyring))  # fmt: skip

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "caseapp", *args], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, input=stdin, timeout=300)  # fmt: skip

    def killed_at(self, point: str, n: int = 1) -> bool:
        """Run `caseapp demo` until the point, kill -9 it there; False if it ended first."""
        command = [sys.executable, "-m", "tests.crash_runner", point, str(n), "--",
                   "demo", "--cases", str(CASES), "--seed", "4"]  # fmt: skip
        with subprocess.Popen(command, cwd=ROOT, env=self.env(), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True) as proc:  # fmt: skip
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("KILL-POINT"):
                    proc.kill()
                    proc.wait()
                    return True
            proc.wait()
            return False

    def killed_when_wal_appears(self) -> bool:
        command = [sys.executable, "-m", "caseapp", "demo", "--cases", str(CASES)]
        with subprocess.Popen(command, cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) as proc:  # fmt: skip
            for _ in range(30_000):  # bounded: the process ends long before
                if any(self.folder.glob("*-wal")):
                    proc.kill()
                    proc.wait()
                    return True
                try:
                    proc.wait(timeout=0.002)
                    return False
                except subprocess.TimeoutExpired:
                    continue
            proc.kill()
            proc.wait()
            return False

    def data_keys(self) -> int:
        """Data keys in this workstation's keyring (and as many audit keys, never more)."""
        if not self.keyring.exists():
            return 0
        names = list(json.loads(self.keyring.read_text()))
        data = sum(1 for k in names if "\ndata-key:" in k)
        assert sum(1 for k in names if "\naudit-key:" in k) <= max(data, 1)
        return data

    def state(self) -> str:
        """'absent' (no file, or SQLite's empty one), 'empty' (whole, no data), 'seeded'."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return "absent"
        with sqlite3.connect(self.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
                (SCHEMA_REVISION,)
            ]
            cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
            staff = conn.execute("SELECT count(*) FROM staff_users").fetchone()[0]
            demo = conn.execute("SELECT count(*) FROM settings WHERE key = 'demo'").fetchone()[0]
        assert (cases, staff, demo) in ((0, 0, 0), (CASES, 9, 1)), (cases, staff, demo)
        return "seeded" if cases else "empty"

    def check_after_kill(self) -> str:
        state = self.state()
        assert self.data_keys() <= 1
        retry = self.run("demo", "--if-empty", "--cases", str(CASES), "--seed", "4")
        assert retry.returncode == 0, retry.stderr
        assert self.state() == "seeded"
        assert self.data_keys() == 1, "one data key for one database, however many retries"
        assert not list(self.folder.glob("*.creating-*")), "leftovers of the killed run swept"
        verify = self.run("--user", "helen", "--password-stdin", "audit", "verify",
                          stdin=DEMO_PASSWORD + "\n")  # fmt: skip
        assert verify.returncode == 0, verify.stdout + verify.stderr
        return state


POINTS = [
    ("sql:CREATE TABLE", 1),  # migrating the new file
    ("sql:CREATE TABLE", 14),
    ("sql:INSERT INTO settings", 1),  # migration 0002: the database's identity
    ("rename", 1),  # built whole, not yet in place
    ("finish", 1),  # in place, pending key not yet cleared
    ("sql:INSERT INTO staff_users", 1),  # demo seeding
    ("sql:INSERT INTO cases", 1),
    ("sql:INSERT INTO audit_entries", 2),
]


@pytest.mark.parametrize(("point", "n"), POINTS)
def test_kill_at_a_point_of_creation_or_seeding_loses_nothing_whole(
    tmp_path: Path, point: str, n: int
) -> None:
    trial = Trial(tmp_path)
    assert trial.killed_at(point, n), f"the run never reached {point} #{n}"
    trial.check_after_kill()


def test_kill_right_after_the_wal_appears(tmp_path: Path) -> None:
    trial = Trial(tmp_path)
    assert trial.killed_when_wal_appears()
    assert trial.check_after_kill() in ("absent", "empty")


def test_retries_killed_again_and_again_keep_one_key(tmp_path: Path) -> None:
    trial = Trial(tmp_path)
    for point, n in (("sql:CREATE TABLE", 3), ("rename", 1), ("sql:CREATE TABLE", 20)):
        assert trial.killed_at(point, n)
        assert trial.state() == "absent" and trial.data_keys() == 1
    trial.check_after_kill()


@pytest.mark.slow
def test_kill_at_random_statements(tmp_path_factory: pytest.TempPathFactory) -> None:
    """More trials at random statements; prints trials, killed, and each outcome."""
    rng = random.Random(12)
    outcomes: Counter[str] = Counter()
    for i in range(24):
        trial = Trial(tmp_path_factory.mktemp(f"random{i}"))
        point = rng.choice(["sql:CREATE", "sql:INSERT", "sql:UPDATE", "sql:ALTER"])
        killed = trial.killed_at(point, rng.randint(1, 60))
        outcomes[f"{'killed' if killed else 'finished'} -> {trial.check_after_kill()}"] += 1
    print(dict(outcomes))
