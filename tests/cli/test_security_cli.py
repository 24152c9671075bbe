"""`caseapp login/logout/passwd/account/key/audit` as a user runs them: real subprocesses, a
keyring file per workstation; the password is what counts, never the environment."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseapp.services.demo import DEMO_PASSWORD
from tests.conftest import PG_URL, fresh_database_url

ROOT = Path(__file__).resolve().parents[2]


def run(
    db_url: str, keyring_file: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, CASEAPP_DB=db_url, QT_QPA_PLATFORM="offscreen",
                PYTHON_KEYRING_BACKEND="tests.keyring_file.FileKeyring",
                CASEAPP_TEST_KEYRING_FILE=str(keyring_file))  # fmt: skip
    full.update(env)
    return subprocess.run([sys.executable, "-m", "caseapp", *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, input=stdin, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("office")
    with fresh_database_url(folder) as url:
        keyring_file = folder / "workstation-1.json"
        result = run(url, keyring_file, "demo", "--cases", "12", "--seed", "3")
        assert result.returncode == 0, result.stderr
        yield url, keyring_file


def test_commands_need_a_login(office: tuple[str, Path]) -> None:
    url, kr = office
    result = run(url, kr, "cases")
    assert (result.returncode, result.stderr.strip()) == (
        7, "caseapp: Log in first: caseapp login LOGIN.",
    )  # fmt: skip
    result = run(url, kr, "--user", "mei", "cases")
    assert result.returncode == 7
    assert "To act as mei, log in first ('caseapp login mei')" in result.stderr


def test_login_session_logout(office: tuple[str, Path]) -> None:
    url, kr = office
    result = run(url, kr, "login", "mei", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Logged in as mei (coordinator) until ")
    assert DEMO_PASSWORD not in kr.read_text()

    ref = run(url, kr, "cases").stdout.splitlines()[2].split()[0]
    refused = run(url, kr, "advance", ref)  # acts as mei, a coordinator
    assert refused.returncode == 4 and "may not advance cases" in refused.stderr
    other = run(url, kr, "--user", "helen", "cases")
    assert other.returncode == 7 and "You are logged in as mei, not helen" in other.stderr

    assert run(url, kr, "logout").stdout.strip() == "Logged out."
    assert run(url, kr, "cases").returncode == 7
    assert run(url, kr, "logout").stdout.strip() == "You were not logged in."


def test_wrong_password_is_one_sentence(office: tuple[str, Path]) -> None:
    url, kr = office
    result = run(url, kr, "login", "fatima", stdin="nope\n")
    assert result.returncode == 7
    assert result.stderr.strip().startswith("caseapp: Wrong login or password")
    assert "Traceback" not in result.stderr


def test_user_with_password_stdin_for_scripts(office: tuple[str, Path]) -> None:
    url, kr = office
    result = run(url, kr, "--user", "helen", "--password-stdin", "cases", "--json",
                 stdin=DEMO_PASSWORD + "\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith("[")


def test_no_environment_variable_chooses_who_acts(office: tuple[str, Path]) -> None:
    """The old switches (and any like them) are ignored: only a password or a session counts."""
    url, kr = office
    run(url, kr, "logout")
    env = {"CASEAPP_DEV_TRUST_USER": "1", "CASEAPP_USER": "kevin", "USER": "kevin",
           "LOGNAME": "kevin", "CASEAPP_LOGIN": "kevin", "CASEAPP_ACTOR": "kevin"}  # fmt: skip
    for args in (("staff",), ("--user", "kevin", "staff"),
                 ("--user", "kevin", "account", "reset", "helen"),
                 ("key", "export", str(kr.parent / "stolen.key"))):  # fmt: skip
        result = run(url, kr, *args, **env)
        assert result.returncode == 7, (args, result.stdout, result.stderr)
    assert not (kr.parent / "stolen.key").exists()


def test_admin_manages_accounts_and_people_change_passwords(office: tuple[str, Path]) -> None:
    url, kr = office
    admin = ("--user", "kevin", "--password-stdin")
    pw = DEMO_PASSWORD + "\n"
    added = run(url, kr, *admin, "account", "add", "nina", "--name", "Nina Park",
                "--role", "facilitator", stdin=pw)  # fmt: skip
    assert added.returncode == 0, added.stderr
    one_time = added.stdout.strip().rsplit(": ", 1)[1]
    changed = run(url, kr, "--user", "nina", "--password-stdin", "passwd",
                  stdin=f"{one_time}\n{one_time}\nNina's own passphrase\n")  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == "Password changed for nina."
    assert run(url, kr, "login", "nina", stdin="Nina's own passphrase\n").returncode == 0
    assert run(url, kr, *admin, "account", "disable", "nina", stdin=pw).returncode == 0
    ended = run(url, kr, "cases")
    assert ended.returncode == 7 and "session has ended" in ended.stderr
    refused = run(url, kr, "--user", "mei", "--password-stdin", "account", "enable", "nina",
                  stdin=pw)  # fmt: skip
    assert refused.returncode == 4 and "may not manage staff accounts" in refused.stderr
    run(url, kr, "logout")


def test_audit_verify(office: tuple[str, Path], tmp_path: Path) -> None:
    url, kr = office
    manager = ("--user", "helen", "--password-stdin")
    result = run(url, kr, *manager, "audit", "verify", stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("entries, chain intact.")
    if PG_URL:
        return
    path = url.removeprefix("sqlite:///")
    copy = tmp_path / "tampered.sqlite3"
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP TRIGGER audit_entries_no_update")
        conn.execute("UPDATE audit_entries SET changes = '{}' WHERE id = 5")
    bad = run(f"sqlite:///{copy}", kr, *manager, "audit", "verify", stdin=DEMO_PASSWORD + "\n")
    assert bad.returncode == 8
    assert bad.stderr.startswith("Audit entry 5 (") and "was changed after" in bad.stderr
    cut = tmp_path / "cut.sqlite3"
    with sqlite3.connect(path) as src, sqlite3.connect(cut) as dst:
        src.backup(dst)
    with sqlite3.connect(cut) as conn:
        conn.execute("DROP TRIGGER audit_entries_no_delete")
        conn.execute("DELETE FROM audit_entries WHERE id > (SELECT MAX(id) - 5 FROM audit_entries)")
    short = run(f"sqlite:///{cut}", kr, *manager, "audit", "verify", stdin=DEMO_PASSWORD + "\n")
    assert short.returncode == 8 and "Traceback" not in short.stderr
    assert "the newest 5 were deleted" in short.stderr, short.stderr


def test_key_export_then_import_on_another_workstation(
    office: tuple[str, Path], tmp_path: Path
) -> None:
    url, kr = office
    key_file = tmp_path / "office.caseapp-key"
    passphrase = "long office passphrase\n"
    admin = ("--user", "kevin", "--password-stdin")
    result = run(url, kr, *admin, "key", "export", str(key_file),
                 stdin=DEMO_PASSWORD + "\n" + passphrase)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    again = run(url, kr, *admin, "key", "export", str(key_file),
                stdin=DEMO_PASSWORD + "\n" + passphrase)  # fmt: skip
    assert again.returncode == 2 and "exists already" in again.stderr

    second = tmp_path / "workstation-2.json"
    login = ("--user", "fatima", "--password-stdin", "cases")
    blocked = run(url, second, *login, stdin=DEMO_PASSWORD + "\n")
    assert blocked.returncode == 6
    assert blocked.stderr.startswith(
        "caseapp: This database's data key is not on this computer: import it with "
        "'caseapp key import FILE'"
    )
    assert "Traceback" not in blocked.stderr
    wrong = run(url, second, "key", "import", str(key_file), stdin="not it\n")
    assert wrong.returncode == 6 and "passphrase does not open" in wrong.stderr
    imported = run(url, second, "key", "import", str(key_file), stdin=passphrase)
    assert imported.returncode == 0, imported.stderr
    assert run(url, second, *login, stdin=DEMO_PASSWORD + "\n").returncode == 0


def test_no_keyring_backend_is_explained(office: tuple[str, Path], tmp_path: Path) -> None:
    url, kr = office
    result = run(url, kr, "cases", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert result.returncode == 6
    assert "none is available on this computer" in result.stderr
    assert "Credential Manager" in result.stderr and "Traceback" not in result.stderr
