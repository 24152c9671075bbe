"""Log-in, lockout, passwords and command-line sessions: who every later service call acts as."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, and_, case, delete, literal, or_, select, update
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
    "Wrong login or password, or the account is locked: after 5 failed attempts in a row an "
    "account is locked for 15 minutes (an administrator can unlock it)."
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

    Every refusal (unknown login, wrong password, locked account) gets the same sentence
    after the same work, so the answer tells a guesser nothing. While an account is locked its
    password is not checked at all; each attempt is still counted and extends the lock. Counts
    are single UPDATE statements, so parallel guesses are each counted (no lost update).
    """
    with ctx.read() as s:
        user = _find(s, login)
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        raise LoginFailed(WRONG_CREDENTIALS)
    now = ctx.now()
    acting = ctx.as_actor(_actor(user))
    if user.locked_until is not None and user.locked_until > now:
        verify_password(_dummy_hash(), password)  # the same work, but not this password
        _count_failure(acting, user.id, now, "login refused (locked)")
        raise LoginFailed(WRONG_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        _count_failure(acting, user.id, now, "login failed")
        raise LoginFailed(WRONG_CREDENTIALS)
    if not user.active:
        raise LoginFailed(f"The account {user.login!r} is disabled: ask an administrator.")
    with acting.unit_of_work() as uow:
        # Reset only if no parallel guess locked the account since it was read.
        done = uow.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id, _not_locked(now))
            .values(failed_logins=0, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        if not _rowcount(done):
            uow.pending.clear()
        else:
            uow.note("StaffUser", user.id, "login")
    if not _rowcount(done):
        raise LoginFailed(WRONG_CREDENTIALS)
    if password_needs_rehash(user.password_hash):
        with acting.unit_of_work() as uow:
            u = uow.session.get(StaffUser, user.id)
            if u is not None:
                u.password_hash = hash_password(password)
    return _actor(user)


def _not_locked(now: datetime) -> ColumnElement[bool]:
    return or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _count_failure(ctx: ServiceContext, user_id: int, now: datetime, action: str) -> None:
    """One atomic UPDATE: count the failure and (re)lock from the fifth one on.

    A lock that has run out starts the count again; attempts during a lock extend it.
    """
    expired = and_(StaffUser.locked_until.is_not(None), StaffUser.locked_until <= now)
    count = case((expired, 1), else_=StaffUser.failed_logins + 1)
    with ctx.unit_of_work() as uow:
        uow.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .values(
                failed_logins=count,
                locked_until=case(
                    (
                        count >= MAX_FAILED_LOGINS,
                        literal(now + LOCKOUT, StaffUser.locked_until.type),
                    ),
                    (expired, None),
                    else_=StaffUser.locked_until,
                ),
            )
            .execution_options(synchronize_session=False)
        )
        failures = uow.session.scalar(
            select(StaffUser.failed_logins).where(StaffUser.id == user_id)
        )
        locks = "locked" not in action and (failures or 0) >= MAX_FAILED_LOGINS
        uow.note("StaffUser", user_id, "locked" if locks else action, failed_logins=failures)


def confirm_password(
    ctx: ServiceContext, password: str, field: str = "password", what: str = "Your password"
) -> None:
    """The logged-in person proves again that it is them (a new password, a signature).

    A wrong password counts towards the lockout like a wrong log-in, so an unattended window
    cannot be used to guess; while the account is locked no password is checked.
    """
    if ctx.actor.id is None:
        raise ValidationError("Log in as a staff member first.", field)
    now = ctx.now()
    with ctx.read() as s:
        user = s.get(StaffUser, ctx.actor.id)
    if user is None or not user.active or not user.password_hash:
        raise ValidationError("Your account cannot confirm this: ask an administrator.", field)
    if user.locked_until is not None and user.locked_until > now:
        _count_failure(ctx, user.id, now, "password refused (locked)")
        raise ValidationError(
            "Your account is locked after 5 wrong passwords in a row; wait 15 minutes or ask "
            "an administrator to unlock it.",
            field,
        )
    if not password or not verify_password(user.password_hash, password):
        _count_failure(ctx, user.id, now, "password confirmation failed")
        raise ValidationError(f"{what} is not right.", field)
    if user.failed_logins:
        with ctx.unit_of_work() as uow:  # a right password resets the count, as a log-in does
            uow.session.execute(
                update(StaffUser)
                .where(StaffUser.id == user.id, _not_locked(now))
                .values(failed_logins=0)
                .execution_options(synchronize_session=False)
            )


def change_password(ctx: ServiceContext, old: str, new: str) -> None:
    """The logged-in person changes their own password (the old one proves it is them)."""
    if ctx.actor.id is None:
        raise ValidationError("Log in as a staff member to change a password.")
    validate_password(new, "new")
    if new == old:
        raise ValidationError("Choose a new password different from the old one.", "new")
    confirm_password(ctx, old, "old", "The current password")
    with ctx.unit_of_work() as uow:
        user = uow.session.get(StaffUser, ctx.actor.id)
        if user is None:
            raise ValidationError("Log in as a staff member to change a password.")
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
