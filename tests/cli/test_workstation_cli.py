"""`caseapp` on a computer with no keyring: the key file's passphrase first, then as usual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "a long workstation passphrase"


def run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CASEAPP_DB=f"sqlite:///{home / 'office.sqlite3'}",
               QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(home / "data"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # fmt: skip
    return subprocess.run([sys.executable, "-m", "caseapp", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, input=stdin, timeout=120)  # fmt: skip


def test_an_office_on_a_computer_without_a_keyring(tmp_path: Path) -> None:
    made = run(tmp_path, "init", "--admin", "ann", "--name", "Ann Lee",
               stdin=f"{PASSPHRASE}\nAnn's own password\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    key_file = tmp_path / "data" / "CaseApp" / "workstation-keys.json"
    assert key_file.exists() and b"data-key" not in key_file.read_bytes()
    if os.name == "posix":
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"

    staff = run(tmp_path, "--user", "ann", "--password-stdin", "staff",
                stdin=f"{PASSPHRASE}\nAnn's own password\n")  # fmt: skip
    assert staff.returncode == 0, staff.stderr
    assert "ann" in staff.stdout

    wrong = run(tmp_path, "staff", stdin="not the passphrase\n")
    assert wrong.returncode == 6 and "Traceback" not in wrong.stderr
    assert wrong.stderr.strip() == (
        "caseapp: The passphrase does not open this workstation's key file."
    )
    nothing = run(tmp_path, "staff")
    assert nothing.returncode == 6 and "none is available on this computer" in nothing.stderr
