"""`key export|import` (move the data key between workstations) and `audit verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caseapp.cli.invocation import EXIT_OK, EXIT_TAMPERED, Command, Invocation
from caseapp.cli.terminal import read_secret
from caseapp.db import install_key_file, open_database
from caseapp.services import audit as audit_service
from caseapp.services import keys as keys_service
from caseapp.services.errors import DomainError

SHOWN_PROBLEMS = 50  # a wholesale rewrite would name every case: the first 50 say enough


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("key", help="move the data and audit keys to another workstation")
    keys = p.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    p = keys.add_parser("export", help="write the data key to FILE, sealed with a passphrase")
    p.add_argument("file", metavar="FILE")
    p = keys.add_parser("import", help="take the data key from an exported FILE")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser("audit", help="check the audit trail")
    audit = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit.add_parser(
        "verify",
        help="check the keyed audit chain, its checkpoints and every case's stage against it; "
        "exit 8 naming what was tampered with",
    )


def key(inv: Invocation) -> int:
    path = Path(inv.args.file)
    if inv.args.key_command == "export":
        ctx = inv.context()
        passphrase = read_secret("Passphrase for the key file: ", confirm=True)
        blob = keys_service.export_data_key(ctx, passphrase)
        try:
            with path.open("xb") as f:
                path.chmod(0o600)
                f.write(blob)
        except FileExistsError:
            raise DomainError(f"{path} exists already: choose a new file name.") from None
        print(f"Data key written to {path}; keep the file and passphrase apart.", file=inv.out)
        return EXIT_OK
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise DomainError(f"Cannot read {path}: {exc.strerror}.") from None
    passphrase = read_secret("Passphrase of the key file: ")
    database = open_database(inv.args.db, unlock_key=False)
    try:
        install_key_file(database.engine, blob, passphrase)
    finally:
        database.engine.dispose()
    print("Data key imported: this computer can now read the database.", file=inv.out)
    return EXIT_OK


def audit(inv: Invocation) -> int:
    result = audit_service.verify_chain(inv.context())
    print(result.message, file=inv.out if result.intact else inv.err)
    shown = result.problems[1:SHOWN_PROBLEMS]  # the first is the message
    for problem in shown:
        print(f"  {problem}", file=inv.err)
    if len(result.problems) > SHOWN_PROBLEMS:
        print(f"  ... and {len(result.problems) - SHOWN_PROBLEMS} more.", file=inv.err)
    return EXIT_OK if result.intact else EXIT_TAMPERED


COMMANDS: dict[str, Command] = {"key": key, "audit": audit}
