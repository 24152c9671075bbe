"""Demo data only in a new, empty database, which stays marked as a demo database for good.

The demo accounts share a password printed in the README, so demo data must never reach an
office database; and a database that holds them must always say DEMO (window title, banner).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.models import AuditEntry, Case, Setting, StaffUser
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError

DEMO_SETTING = "demo"  # written with the demo data; no service removes it


def is_new_database(s: Session) -> bool:
    """No account, no case and no audit entry yet: only what migrations wrote."""
    return all(
        (s.scalar(select(func.count()).select_from(model)) or 0) == 0
        for model in (StaffUser, Case, AuditEntry)
    )


def require_new_database(s: Session) -> None:
    if is_new_database(s):
        return
    what = "a demo database already" if is_demo_session(s) else "an office database"
    raise ValidationError(
        f"Demo data goes only into a new, empty database, and this one is {what}: "
        "choose a new file with --db sqlite:///PATH."
    )


def is_demo_session(s: Session) -> bool:
    return s.get(Setting, DEMO_SETTING) is not None


def is_demo(ctx: ServiceContext) -> bool:
    """True for a database made by `caseapp demo` (or the wizard's demo choice), for good."""
    with ctx.read() as s:
        return is_demo_session(s)


def is_new(ctx: ServiceContext) -> bool:
    with ctx.read() as s:
        return is_new_database(s)
