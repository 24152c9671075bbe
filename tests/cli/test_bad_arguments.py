"""Every bad argument of issue 12 (item 5) exits 2 with one line on stderr, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import KEYRING_FILE, ROOT, caseapp, log_in
from tests.conftest import fresh_database_url


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database_url(tmp_path_factory.mktemp("badargs")) as url:
        result = caseapp(url, "demo", "--cases", "3", "--seed", "5")
        assert result.returncode == 0, result.stderr
        log_in(url)
        yield url


def one_line_exit_2(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("caseapp: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("report", "pipeline", "--to", "0001-01-01"), ("end date", "0001-01-01", "2000-01-01")),
        (("report", "pipeline", "--from", "9999-12-31"), ("start date", "9999-12-31")),
        (("report", "pipeline", "--from", "2026-13-01"), ("not a date",)),
        (("report", "pipeline", "--from", "2026-10-01", "--to", "2026-01-01"), ("on or before",)),
        (("report", "pipeline", "--format", "xml"), ("invalid choice",)),
        (("cases", "--search", "a\x01b"), ("control character",)),
        (("cases", "--search", "x" * 300), ("too long",)),
        (("cases", "--owner", "x" * 300), ("too long",)),
        (("cases", "--stage", "x" * 300), ("Unknown stage", "...")),
        (("show", "CA-" + "9" * 500), ("There is no case",)),
        (("cases", "--no-such-option"), ("unrecognized arguments",)),
        (("decline", "CA-2026-0001", "--reason", "bad\x1bz"), ("control character",)),
    ],
)
def test_bad_argument_is_one_line_exit_2(
    small_demo: str, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    one_line_exit_2(caseapp(small_demo, *args), *words)


def run_bytes(db_url: str, *args: bytes) -> subprocess.CompletedProcess[str]:
    """Arguments as raw bytes, as a terminal passes text that is not UTF-8."""
    env = dict(os.environ, CASEAPP_DB=db_url, PYTHONUTF8="1",
               PYTHON_KEYRING_BACKEND="tests.keyring_file.FileKeyring",
               CASEAPP_TEST_KEYRING_FILE=str(KEYRING_FILE))  # fmt: skip
    return subprocess.run([os.fsencode(sys.executable), b"-m", b"caseapp", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        (b"cases", b"--search", b"\xff"),
        (b"cases", b"--owner", b"fa\xc3tima"),
        (b"report", b"pipeline", b"--program", b"\xed\xa0\x80"),
        (b"show", b"CA-2026-\xfe0001"),
    ],
)
def test_invalid_utf8_argument_is_one_line_exit_2(small_demo: str, args: tuple[bytes, ...]) -> None:
    one_line_exit_2(run_bytes(small_demo, *args), "not valid UTF-8")


@pytest.mark.parametrize(
    "content",
    [
        b"this is a text file, not a database\n" * 10,
        b"\x00" * 4096,
        b"SQLite format 3\x00" + b"\xff" * 200,
    ],
)
def test_db_file_that_is_not_a_database_is_one_line_exit_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(content)
    one_line_exit_2(caseapp(f"sqlite:///{path}", "cases"), "database")
    assert path.read_bytes() == content, "the file the user named is left as it was"


def test_db_that_is_a_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    one_line_exit_2(caseapp(f"sqlite:///{tmp_path}", "cases"), "could not open")
