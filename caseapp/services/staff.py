"""Staff accounts: create, list, disable; the CLI and window act as one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from caseapp.models import ROLES, StaffUser
from caseapp.security import Actor, hash_password
from caseapp.services.context import ServiceContext
from caseapp.services.errors import NotFound, ValidationError
from caseapp.services.lookup import get_staff

LOGIN_RE = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")


@dataclass(frozen=True)
class StaffRow:
    id: int
    login: str
    full_name: str
    role: str
    email: str
    phone: str
    active: bool
    locked_until: datetime | None = None  # set after five failed log-ins; may be past


def _row(u: StaffUser) -> StaffRow:
    return StaffRow(u.id, u.login, u.full_name, u.role, u.email, u.phone, u.active, u.locked_until)


def list_staff(ctx: ServiceContext, role: str | None = None) -> list[StaffRow]:
    with ctx.read() as s:
        q = select(StaffUser).order_by(StaffUser.role, StaffUser.login)
        if role:
            q = q.where(StaffUser.role == role)
        return [_row(u) for u in s.scalars(q)]


def create_staff(
    ctx: ServiceContext,
    login: str,
    full_name: str,
    role: str,
    *,
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> StaffRow:
    ctx.require("staff.manage")
    login = login.strip().lower()
    if not LOGIN_RE.match(login):
        raise ValidationError(
            "A login is 2 to 40 lowercase letters, digits, dots or dashes, starting with a letter.",
            "login",
        )
    if role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}.", "role")
    if not full_name.strip():
        raise ValidationError("Enter the person's full name.", "full_name")
    if password is not None and len(password) < 10:
        raise ValidationError("A password needs at least 10 characters.", "password")
    with ctx.unit_of_work() as uow:
        if uow.session.scalar(select(StaffUser.id).where(StaffUser.login == login)) is not None:
            raise ValidationError(f"The login {login!r} is taken.", "login")
        user = StaffUser(
            login=login,
            full_name=full_name.strip(),
            role=role,
            email=email.strip(),
            phone=phone.strip(),
            password_hash=hash_password(password) if password else None,
        )
        uow.session.add(user)
        uow.session.flush()
        return _row(user)


def actor_for(ctx: ServiceContext, login: str) -> Actor:
    """The actor of an account without its password: only for a throwaway database the caller
    just made (self-check, screenshots) and tests. No command or window path calls it (a test
    checks); people act through auth.login or a session."""
    with ctx.read() as s:
        user = get_staff(s, login)
        if not user.active:
            raise NotFound(f"The account {login!r} is disabled.")
        return Actor(user.id, user.login, user.role, user.full_name)
