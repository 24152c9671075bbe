"""The data key leaves a workstation only sealed with a passphrase, and only by an admin."""

from __future__ import annotations

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
        key = data_key_for(uow.session.get_bind().dialect)
        uow.note("DataKey", database_id, "export")
    return export_key_file(key, database_id, passphrase)
