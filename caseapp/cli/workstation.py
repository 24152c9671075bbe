"""On a computer without a keyring: the workstation key file's passphrase, asked on the terminal."""

from __future__ import annotations

from caseapp.cli.terminal import read_secret
from caseapp.secrets import unlock_workstation, workstation_file_needed


def unlock_on_terminal() -> None:
    """Open (or, the first time, make) the sealed key file before anything needs a secret.

    Scripts give the passphrase as the first line of stdin (before any password).
    """
    path = workstation_file_needed()
    if path is None:
        return
    if path.exists():
        passphrase = read_secret(f"Passphrase of this computer's CaseApp key file ({path}): ")
    else:
        passphrase = read_secret(
            "This computer has no keyring. Choose a passphrase (12 or more characters) to "
            f"seal CaseApp's keys in {path}: ",
            confirm=True,
        )
    unlock_workstation(passphrase, path)
