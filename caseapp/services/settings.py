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


IDLE_LOCK_SETTING = "idle_lock"
DEFAULT_IDLE_LOCK_MINUTES = 15
IDLE_LOCK_RANGE = (1, 240)


def idle_lock_minutes(ctx: ServiceContext) -> int:
    """Minutes without input after which every window of the office locks (default 15)."""
    stored = _get(ctx, IDLE_LOCK_SETTING) or {}
    try:
        minutes = int(stored.get("minutes", DEFAULT_IDLE_LOCK_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_LOCK_MINUTES
    low, high = IDLE_LOCK_RANGE
    return minutes if low <= minutes <= high else DEFAULT_IDLE_LOCK_MINUTES


def save_idle_lock_minutes(ctx: ServiceContext, minutes: object) -> int:
    """An administrator sets the idle time; there is no 'never' (an open window must lock)."""
    ctx.require("settings.edit")
    low, high = IDLE_LOCK_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise ValidationError(
            f"The window locks after {low} to {high} minutes without input; "
            f"{str(minutes)[:20]!r} is not in that range.",
            "idle_lock_minutes",
        )
    with ctx.unit_of_work() as uow:
        row = uow.session.get(Setting, IDLE_LOCK_SETTING)
        if row is None:
            uow.session.add(Setting(key=IDLE_LOCK_SETTING, value={"minutes": minutes}))
        else:
            row.value = {"minutes": minutes}
    return idle_lock_minutes(ctx)
