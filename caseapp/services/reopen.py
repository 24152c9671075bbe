"""Reopening: a manager brings a closed, declined or withdrawn case back to the stage it left.

The only change a read-only case accepts; the reason is kept with the stage history and the
audit entry, and the exit (its reason included) stays in the history as it happened.
"""

from __future__ import annotations

from caseapp.models import OPEN_STAGES
from caseapp.services.cases import move
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.read_only import READ_ONLY_STAGES


def reopen(ctx: ServiceContext, ref: str, reason: str) -> str:
    """Back to the stage the case was in before it was closed or exited; returns that stage."""
    ctx.require("case.reopen")
    if not reason.strip():
        raise ValidationError("Give a reason for reopening the case.", "reason")
    with ctx.unit_of_work() as uow:
        uow.reopening = True
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        if case.stage not in READ_ONLY_STAGES:
            raise ValidationError(f"Case {case.ref} is {case.stage}, not closed: it is open.")
        stays = [h for h in case.history if h.stage in OPEN_STAGES]
        if not stays:
            raise ValidationError(f"Case {case.ref} has no open stage to go back to.")
        back_to = stays[-1].stage
        left = case.stage
        move(uow, case, back_to, f"Reopened: {reason.strip()}", reopened_from=left)
        case.exit_reason = ""
        return back_to
