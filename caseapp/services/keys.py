"""The data and audit keys leave a workstation only sealed with a passphrase, by an admin.

Importing needs no role: a key file only installs when it opens this very database.
"""

from __future__ import annotations

from caseapp.audit_key import audit_seal_for
from caseapp.models import Setting
from caseapp.security import data_key_for, export_key_file
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError

MIN_PASSPHRASE_LENGTH = 12


def export_data_key(ctx: ServiceContext, passphrase: str) -> bytes:
    """The key file another workstation of the office imports (`caseapp key import FILE`)."""
    ctx.require("settings.edit")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            f"A passphrase for the key file needs at least {MIN_PASSPHRASE_LENGTH} characters.",
            "passphrase",
        )
    with ctx.unit_of_work() as uow:
        setting = uow.session.get(Setting, "database_id")
        if setting is None:
            raise ValidationError("This database has no identity yet; open it with CaseApp first.")
        database_id = str(setting.value["id"])
        dialect = uow.session.get_bind().dialect
        key, audit_key = data_key_for(dialect), audit_seal_for(dialect).key
        uow.note("DataKey", database_id, "export")
    return export_key_file(key, database_id, passphrase, audit_key)


def import_data_key(ctx: ServiceContext, blob: bytes, passphrase: str) -> str:
    """Keep the key of an exported file in this computer's keyring (Settings > Data key).

    DataKeyMissing says when the passphrase or the database is wrong; KeyringUnavailable when
    there is no keyring to keep it in. Returns the database id the key belongs to.
    """
    from caseapp.db import install_key_file

    if not passphrase:
        raise ValidationError("Enter the passphrase the key file was sealed with.", "passphrase")
    with ctx.read() as s:
        engine = s.get_bind()
    database_id = install_key_file(engine, blob, passphrase)  # type: ignore[arg-type]
    with ctx.unit_of_work() as uow:
        uow.note("DataKey", database_id, "import")
    return database_id
