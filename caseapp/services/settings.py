"""Agency settings kept in the database: letterhead and page size for every document."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from caseapp.models import Setting
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError

PAGE_SIZES = ("A4", "Letter")


@dataclass(frozen=True)
class AgencySettings:
    agency_name: str = "CaseApp"
    address: str = ""
    phone: str = ""
    email: str = ""
    logo_path: str = ""
    page_size: str = "A4"


def _get(ctx: ServiceContext, key: str) -> dict[str, Any] | None:
    with ctx.read() as s:
        row = s.get(Setting, key)
        return dict(row.value) if row else None


def agency_settings(ctx: ServiceContext) -> AgencySettings:
    stored = _get(ctx, "agency") or {}
    known = {k: str(v) for k, v in stored.items() if k in AgencySettings.__dataclass_fields__}
    return AgencySettings(**known)


def save_agency_settings(ctx: ServiceContext, settings: AgencySettings) -> AgencySettings:
    ctx.require("settings.edit")
    if not settings.agency_name.strip():
        raise ValidationError("Enter the agency's name; every letter carries it.", "agency_name")
    if settings.page_size not in PAGE_SIZES:
        raise ValidationError("Page size must be A4 or Letter.", "page_size")
    with ctx.unit_of_work() as uow:
        row = uow.session.get(Setting, "agency")
        value = {k: v.strip() for k, v in asdict(settings).items()}
        if row is None:
            uow.session.add(Setting(key="agency", value=value))
        else:
            row.value = value
    return agency_settings(ctx)
