"""Service context and unit of work: one transaction per call, with automatic audit entries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from caseapp.audit_key import AuditSeal, Checkpoint
from caseapp.db_guard import disk_full_error, is_disk_full
from caseapp.models import Attachment, AuditCheckpoint, AuditEntry, CaseDocument
from caseapp.security import ACTION_WORDS, Actor
from caseapp.services.audit_chain import remember_outside, seal_entries
from caseapp.services.errors import PermissionDenied, StaleEdit
from caseapp.services.read_only import check_case_open, guard_read_only
from caseapp.services.validation import check_rows

Clock = Callable[[], datetime]

# Columns whose values never enter the audit log in clear (only that they changed).
SENSITIVE_COLUMNS = frozenset(
    {"passport_number", "date_of_birth", "phone", "email", "address", "password_hash", "notes"}
)
SKIPPED_COLUMNS = frozenset({"version", "content"})


def utcnow() -> datetime:
    return datetime.now(UTC)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


@dataclass
class ServiceContext:
    """What every service call needs: a session factory, who acts, and what time it is."""

    session_factory: sessionmaker[Session]
    actor: Actor
    clock: Clock = utcnow

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone().date()

    def require(self, action: str) -> None:
        if not self.actor.can(action):
            words = ACTION_WORDS.get(action, action)
            raise PermissionDenied(
                f"{self.actor.full_name or self.actor.login} ({self.actor.role}) may not {words}."
            )

    def as_actor(self, actor: Actor) -> ServiceContext:
        return ServiceContext(self.session_factory, actor, self.clock)

    @contextmanager
    def unit_of_work(self, case_id: int | None = None) -> Iterator[UnitOfWork]:
        """Begin, yield, then write the audit entries and commit; roll back on any error."""
        session = self.session_factory()
        uow = UnitOfWork(session, self, case_id)
        event.listen(session, "before_flush", uow.check_open)  # a read-only case first
        event.listen(session, "before_flush", check_rows)
        event.listen(session, "after_flush", uow.collect_changes)
        try:
            yield uow
            session.flush()
            uow.write_audit()
            session.commit()
            if uow.sealed is not None:
                remember_outside(*uow.sealed)
        except StaleDataError as exc:
            session.rollback()
            raise StaleEdit(
                "Someone else saved this record while you were editing it. "
                "Reload to see their changes, then apply yours again."
            ) from exc
        except OperationalError as exc:
            session.rollback()
            if is_disk_full(exc):
                raise disk_full_error(exc) from exc
            raise
        except IntegrityError as exc:
            # Validation runs first, so this is two people creating the same thing at once
            # (the next case ref, a visa application): the second one reloads and retries.
            session.rollback()
            raise StaleEdit(
                "Someone else saved the same record at the same moment; nothing of yours was "
                "saved. Reload, then try again."
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            event.remove(session, "after_flush", uow.collect_changes)
            event.remove(session, "before_flush", uow.check_open)
            event.remove(session, "before_flush", check_rows)
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session for queries that build read models."""
        with self.session_factory() as session:
            yield session


@dataclass
class PendingAudit:
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any]
    case_id: int | None


@dataclass
class UnitOfWork:
    session: Session
    ctx: ServiceContext
    case_id: int | None = None
    pending: list[PendingAudit] = field(default_factory=list)
    sealed: tuple[AuditSeal, Checkpoint | None] | None = None
    reopening: bool = False  # set by the one command that may change a read-only case
    stages_seen: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return self.ctx.now()

    def __setattr__(self, name: str, value: Any) -> None:
        """Naming the case a unit of work changes (every mutating service does, right after
        finding it) refuses a closed, declined or withdrawn one before anything else runs."""
        if name == "case_id" and value is not None and "session" in self.__dict__:
            check_case_open(self, self.session, value)
        object.__setattr__(self, name, value)

    def check_open(self, session: Session, _context: Any, _instances: Any) -> None:
        """Closed, declined and withdrawn cases are read-only (caseapp.services.read_only)."""
        guard_read_only(self, session)

    def note(self, entity: str, entity_id: object, action: str, **changes: Any) -> None:
        """An audit entry for an action that is more than a field change (advance, sign...)."""
        self.pending.append(
            PendingAudit(
                entity,
                str(entity_id),
                action,
                {k: jsonable(v) for k, v in changes.items()},
                self.case_id,
            )
        )

    def collect_changes(self, session: Session, _flush_context: Any) -> None:
        for obj, action in (
            *((o, "create") for o in session.new),
            *((o, "update") for o in session.dirty),
            *((o, "delete") for o in session.deleted),
        ):
            if isinstance(obj, AuditEntry | AuditCheckpoint):
                continue
            changes = _diff(obj, action)
            if action == "update" and not changes:
                continue
            case_id = getattr(obj, "case_id", None) or self.case_id
            if obj.__class__.__name__ == "Case":
                case_id = obj.id
            state = inspect(obj)
            # New rows have their ids by now, but no identity key until the flush ends.
            ident = state.identity or state.mapper.primary_key_from_instance(obj)
            entity_id = ",".join(str(i) for i in ident if i is not None) or "?"
            self.pending.append(
                PendingAudit(obj.__class__.__name__, entity_id, action, changes, case_id)
            )

    def write_audit(self) -> None:
        """The pending entries, HMAC-chained, and the checkpoint moved on (same transaction)."""
        if not self.pending:
            return
        session = self.session
        now = self.now
        actor = self.ctx.actor
        entries = [
            AuditEntry(
                at=now,
                actor_id=actor.id,
                actor_login=actor.login,
                case_id=item.case_id or self.case_id,  # rows made before the case had an id
                entity=item.entity,
                entity_id=item.entity_id,
                action=item.action,
                changes=item.changes,
                prev_hash="",
                hash="",
            )
            for item in self.pending
        ]
        self.sealed = seal_entries(session, entries, now)
        session.add_all(entries)
        self.pending.clear()
        session.flush()


def _diff(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED_COLUMNS:
            continue
        hist = state.attrs[key].history
        if action == "update" and not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = getattr(obj, key, None) if action != "delete" else None
        if action == "delete":
            old = getattr(obj, key, None)
        if action == "create" and new is None:
            continue
        if key in SENSITIVE_COLUMNS or _is_sensitive(attr):
            changes[key] = ["•", "•"] if old != new else None
            continue
        changes[key] = [jsonable(old), jsonable(new)]
    if isinstance(obj, Attachment | CaseDocument):
        changes.pop("content", None)
    return {k: v for k, v in changes.items() if v is not None}


def _is_sensitive(attr: Any) -> bool:
    """Encrypted columns, and those marked info={"sensitive": True}, never enter the log."""
    column = attr.columns[0]
    return bool(getattr(column.type, "encrypted", False) or column.info.get("sensitive"))
