"""How many days in a stage make a case stalled: the office's setting, with defaults."""

from __future__ import annotations

from sqlalchemy.orm import Session

from caseapp.models import (
    Setting,
)
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError

DEFAULT_STALL_THRESHOLDS: dict[str, int] = {
    "records": 21,
    "eligibility": 14,
    "visa": 30,
    "lodging": 14,
    "interpreters": 7,
    "treatment": 90,
    "followup": 400,
}
STALL_SETTING = "stall_thresholds"


def read_thresholds(s: Session) -> dict[str, int]:
    setting = s.get(Setting, STALL_SETTING)
    stored = setting.value if setting is not None else {}
    return {
        stage: int(stored.get(stage, default))
        for stage, default in DEFAULT_STALL_THRESHOLDS.items()
    }


def stall_thresholds(ctx: ServiceContext) -> dict[str, int]:
    """Days after which a case counts as stalled in each open stage (defaults filled in)."""
    ctx.require("reports.view")
    with ctx.read() as s:
        return read_thresholds(s)


def set_stall_thresholds(ctx: ServiceContext, thresholds: dict[str, int]) -> dict[str, int]:
    """Store new thresholds (any subset of the open stages); returns the full set now in force."""
    ctx.require("settings.edit")
    clean: dict[str, int] = {}
    for stage, days in thresholds.items():
        if stage not in DEFAULT_STALL_THRESHOLDS:
            raise ValidationError(
                f"{stage!r} is not an open stage; thresholds exist for "
                f"{', '.join(DEFAULT_STALL_THRESHOLDS)}.",
                "stall_thresholds",
            )
        try:
            value = int(days)
        except (TypeError, ValueError):
            raise ValidationError(
                f"The {stage} threshold must be a whole number of days, not {days!r}.",
                "stall_thresholds",
            ) from None
        if not 1 <= value <= 3650:
            raise ValidationError(
                f"The {stage} threshold must be between 1 and 3650 days.", "stall_thresholds"
            )
        clean[stage] = value
    with ctx.unit_of_work() as uow:
        setting = uow.session.get(Setting, STALL_SETTING)
        merged = {**read_thresholds(uow.session), **clean}
        if setting is None:
            uow.session.add(Setting(key=STALL_SETTING, value=merged))
        else:
            setting.value = merged
        return merged
