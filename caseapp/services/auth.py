"""Log-in, lockout, passwords and command-line sessions: who every later service call acts as."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from caseapp.models import StaffSession, StaffUser
from caseapp.security import (
    Actor,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError, ValidationError
from caseapp.services.lookup import get_staff

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)  # one working day; then `caseapp login` again
MIN_PASSWORD_LENGTH = 10
WRONG_CREDENTIALS = (
    "Wrong login or password. After 5 failed attempts in a row an account is locked for 15 minutes."
)


class LoginFailed(DomainError):
    """Wrong password, unknown login, locked or disabled account: a sentence, never a trace."""

    exit_code = 7


class NotLoggedIn(DomainError):
    """No session and no password given: the command line asks the user to log in."""

    exit_code = 7


class SessionEnded(NotLoggedIn):
    """The stored command-line session is expired, revoked or belongs to a disabled account."""

    exit_code = 7


@cache
def _dummy_hash() -> str:
    return hash_password("not a real password")


def _actor(user: StaffUser) -> Actor:
    return Actor(user.id, user.login, user.role, user.full_name)


def _find(s: Session, login: str) -> StaffUser | None:
    return s.scalar(select(StaffUser).where(StaffUser.login == login.strip().lower()))


def _local(at: datetime) -> str:
    return at.astimezone().strftime("%H:%M")


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", field)


def login(ctx: ServiceContext, login: str, password: str) -> Actor:
    """Check a password (argon2id); five failures in a row lock the account for 15 minutes.

    Unknown logins and wrong passwords get the same sentence, after the same work, so the
    answer does not tell which logins exist.
    """
    with ctx.read() as s:
        user = _find(s, login)
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        raise LoginFailed(WRONG_CREDENTIALS)
    now = ctx.now()
    if user.locked_until is not None and user.locked_until > now:
        # Only someone who knows the password learns that the account exists and is locked.
        if not verify_password(user.password_hash, password):
            raise LoginFailed(WRONG_CREDENTIALS)
        raise LoginFailed(
            f"The account {user.login!r} is locked after {MAX_FAILED_LOGINS} failed log-ins; "
            f"try again after {_local(user.locked_until)}, or ask an administrator to unlock it."
        )
    ok = verify_password(user.password_hash, password)
    locked = False
    acting = ctx.as_actor(_actor(user))
    with acting.unit_of_work() as uow:
        u = uow.session.get(StaffUser, user.id)
        assert u is not None
        if not ok:
            u.failed_logins = (u.failed_logins or 0) + 1
            locked = u.failed_logins >= MAX_FAILED_LOGINS
            if locked:
                u.locked_until, u.failed_logins = now + LOCKOUT, 0
            uow.note("StaffUser", u.id, "locked" if locked else "login failed")
        elif u.active:
            u.failed_logins, u.locked_until = 0, None
            if password_needs_rehash(u.password_hash or ""):
                u.password_hash = hash_password(password)
            uow.note("StaffUser", u.id, "login")
    if not ok:
        raise LoginFailed(WRONG_CREDENTIALS)  # the same words whether or not it just locked
    if not user.active:
        raise LoginFailed(f"The account {user.login!r} is disabled: ask an administrator.")
    return _actor(user)


def change_password(ctx: ServiceContext, old: str, new: str) -> None:
    """The logged-in person changes their own password (the old one proves it is them)."""
    if ctx.actor.id is None:
        raise ValidationError("Log in as a staff member to change a password.")
    validate_password(new, "new")
    if new == old:
        raise ValidationError("Choose a new password different from the old one.", "new")
    with ctx.unit_of_work() as uow:
        user = uow.session.get(StaffUser, ctx.actor.id)
        if user is None or not user.password_hash or not verify_password(user.password_hash, old):
            raise ValidationError("The current password is not right.", "old")
        user.password_hash = hash_password(new)
        uow.note("StaffUser", user.id, "password changed")


def _set_active(ctx: ServiceContext, login: str, active: bool) -> None:
    ctx.require("staff.manage")
    if not active and login.strip().lower() == ctx.actor.login:
        raise ValidationError("You cannot disable your own account.", "login")
    with ctx.unit_of_work() as uow:
        user = get_staff(uow.session, login.strip().lower())
        user.active = active
        if active:
            user.failed_logins, user.locked_until = 0, None
        else:
            uow.session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))


def disable_staff(ctx: ServiceContext, login: str) -> None:
    """Stop an account from logging in and end its sessions; its history stays."""
    _set_active(ctx, login, False)


def enable_staff(ctx: ServiceContext, login: str) -> None:
    """Let a disabled account log in again (this also lifts a lockout)."""
    _set_active(ctx, login, True)


def reset_password(ctx: ServiceContext, login: str, new: str | None = None) -> str | None:
    """An administrator sets a password; without one, returns a random one-time password to
    hand over (the person changes it with `caseapp passwd`). Lifts a lockout, ends sessions."""
    ctx.require("staff.manage")
    generated = None
    if new is None:
        generated = new = secrets.token_urlsafe(12)
    validate_password(new)
    with ctx.unit_of_work() as uow:
        user = get_staff(uow.session, login.strip().lower())
        user.password_hash = hash_password(new)
        user.failed_logins, user.locked_until = 0, None
        uow.session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))
        uow.note("StaffUser", user.id, "password reset")
    return generated


# ---- command-line sessions ------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(ctx: ServiceContext) -> tuple[str, datetime]:
    """A new random session token for ctx.actor; the database keeps only its sha256."""
    if ctx.actor.id is None:
        raise ValidationError("Only a staff member can hold a log-in session.")
    token = secrets.token_urlsafe(32)
    now = ctx.now()
    expires = now + SESSION_LIFETIME
    with ctx.unit_of_work() as uow:
        s = uow.session
        s.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
        s.add(
            StaffSession(
                staff_id=ctx.actor.id, token_hash=_token_hash(token), created_at=now,
                expires_at=expires,
            )
        )  # fmt: skip
    return token, expires


def resume_session(ctx: ServiceContext, token: str) -> Actor:
    """The actor a stored session token stands for, if it is still valid."""
    with ctx.read() as s:
        row = s.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.staff_id)
            .where(StaffSession.token_hash == _token_hash(token))
        ).first()
    if row is None:
        raise SessionEnded(
            "Your log-in session has ended (logged out or replaced): "
            "log in again with 'caseapp login LOGIN'."
        )
    session, user = row
    if session.expires_at <= ctx.now():
        raise SessionEnded(
            "Your log-in session has expired: log in again with 'caseapp login LOGIN'."
        )
    if not user.active:
        raise SessionEnded(f"The account {user.login!r} is disabled: ask an administrator.")
    return _actor(user)


def end_session(ctx: ServiceContext, token: str) -> None:
    """Forget a session in the database (the caller deletes the token from keyring)."""
    with ctx.unit_of_work() as uow:
        uow.session.execute(
            delete(StaffSession).where(StaffSession.token_hash == _token_hash(token))
        )
