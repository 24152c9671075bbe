"""Medical records: what the program requires, what arrived, what is too old, and waivers."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import Attachment, Case, RecordItem, RecordRequirement
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, NotFound, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.validation import check_filename

MISSING, RECEIVED, TOO_OLD, WAIVED, UNDATED = "missing", "received", "too old", "waived", "undated"
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class RecordState:
    """One required document of a case, as the UI, the gate and the checklist see it."""

    code: str
    name: str
    required: bool
    max_age_days: int | None
    received_on: date | None = None
    document_date: date | None = None
    waived: bool = False
    waived_reason: str = ""
    attachment_id: int | None = None
    attachment_name: str = ""
    status: str = MISSING


def record_status(state: RecordState, today: date) -> str:
    if state.waived:
        return WAIVED
    if state.received_on is None:
        return MISSING
    if state.max_age_days is not None:
        if state.document_date is None:
            return UNDATED
        if state.document_date < today - timedelta(days=state.max_age_days):
            return TOO_OLD
    return RECEIVED


def records_blockers(states: Sequence[RecordState], today: date) -> list[Blocker]:
    """Every required document received and recent enough, or waived with a reason."""
    blockers = []
    for s in states:
        if not s.required:
            continue
        status = record_status(s, today)
        if status == MISSING:
            blockers.append(Blocker("records", f"{s.name} has not been received."))
        elif status == UNDATED:
            blockers.append(
                Blocker(
                    "records", f"{s.name} has no document date; enter the date on the document."
                )
            )
        elif status == TOO_OLD:
            assert s.document_date is not None and s.max_age_days is not None
            age = (today - s.document_date).days
            blockers.append(
                Blocker(
                    "records",
                    f"{s.name} is dated {s.document_date.isoformat()} ({age} days old); "
                    "the program "
                    f"accepts at most {s.max_age_days} days. Request a newer one.",
                )
            )
    return blockers


def load_record_states(session: Session, case: Case, today: date) -> list[RecordState]:
    rows = session.execute(
        select(RecordRequirement, RecordItem, Attachment.filename)
        .outerjoin(
            RecordItem,
            (RecordItem.requirement_id == RecordRequirement.id) & (RecordItem.case_id == case.id),
        )
        .outerjoin(Attachment, Attachment.id == RecordItem.attachment_id)
        .where(RecordRequirement.program_id == case.program_id)
        .order_by(RecordRequirement.position)
    ).all()
    states = []
    for req, item, filename in rows:
        state = RecordState(
            code=req.code,
            name=req.name,
            required=req.required,
            max_age_days=req.max_age_days,
            received_on=item.received_on if item else None,
            document_date=item.document_date if item else None,
            waived=item.waived if item else False,
            waived_reason=item.waived_reason if item else "",
            attachment_id=item.attachment_id if item else None,
            attachment_name=filename or "",
        )
        states.append(_with_status(state, today))
    return states


def _with_status(state: RecordState, today: date) -> RecordState:
    from dataclasses import replace

    return replace(state, status=record_status(state, today))


def record_states(ctx: ServiceContext, ref: str) -> list[RecordState]:
    with ctx.read() as session:
        return load_record_states(session, get_case(session, ref), ctx.today())


def _item(session: Session, case: Case, code: str) -> tuple[RecordRequirement, RecordItem]:
    req = session.scalar(
        select(RecordRequirement).where(
            RecordRequirement.program_id == case.program_id, RecordRequirement.code == code
        )
    )
    if req is None:
        raise NotFound(f"The program {case.program.code} does not ask for a document {code!r}.")
    item = session.scalar(
        select(RecordItem).where(RecordItem.case_id == case.id, RecordItem.requirement_id == req.id)
    )
    if item is None:
        item = RecordItem(case_id=case.id, requirement_id=req.id)
        session.add(item)
    return req, item


def receive_record(
    ctx: ServiceContext,
    ref: str,
    code: str,
    *,
    received_on: date,
    document_date: date | None,
    filename: str | None = None,
    content: bytes | None = None,
) -> RecordState:
    """Mark a required document received, with its date and optionally the file itself."""
    ctx.require("records.edit")
    today = ctx.today()
    if received_on > today:
        raise ValidationError("The received date cannot be in the future.", "received_on")
    if document_date is not None and document_date > received_on:
        raise ValidationError(
            "The document date cannot be after the date it was received.", "document_date"
        )
    if content is not None and len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError("The file is larger than 50 MB; attach a smaller scan.", "file")
    if content is not None and not filename:
        raise ValidationError("An attached file needs a file name.", "file")
    if filename is not None:
        filename = check_filename(filename)
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        req, item = _item(uow.session, case, code)
        if req.max_age_days is not None and document_date is None:
            raise ValidationError(
                f"{req.name} must carry its document date (the program "
                f"accepts it at most {req.max_age_days} days old).",
                "document_date",
            )
        item.received_on, item.document_date = received_on, document_date
        item.waived, item.waived_reason = False, ""
        if content is not None and filename:
            attachment = Attachment(
                case_id=case.id,
                filename=filename,
                size=len(content),
                mime_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                uploaded_at=uow.now,
                uploaded_by=ctx.actor.id,
            )
            uow.session.add(attachment)
            uow.session.flush()
            item.attachment_id = attachment.id
        uow.session.flush()
        return _one_state(uow.session, case, code, today)


def waive_record(ctx: ServiceContext, ref: str, code: str, reason: str) -> RecordState:
    ctx.require("records.edit")
    if not reason.strip():
        raise ValidationError("A waiver needs a reason (who agreed, and why).", "reason")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        _, item = _item(uow.session, case, code)
        item.waived, item.waived_reason = True, reason.strip()
        uow.session.flush()
        return _one_state(uow.session, case, code, ctx.today())


def clear_record(ctx: ServiceContext, ref: str, code: str) -> RecordState:
    """Back to missing: undo a receipt or a waiver (the attachment stays in the history)."""
    ctx.require("records.edit")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        _, item = _item(uow.session, case, code)
        item.received_on = item.document_date = item.attachment_id = None
        item.waived, item.waived_reason = False, ""
        uow.session.flush()
        return _one_state(uow.session, case, code, ctx.today())


def _one_state(session: Session, case: Case, code: str, today: date) -> RecordState:
    return next(s for s in load_record_states(session, case, today) if s.code == code)


@dataclass(frozen=True)
class AttachmentFile:
    filename: str
    mime_type: str
    sha256: str
    content: bytes


def attachment_file(ctx: ServiceContext, ref: str, attachment_id: int) -> AttachmentFile:
    """The stored file, checked against its sha256 so a damaged copy is never shown."""
    with ctx.read() as session:
        case = get_case(session, ref)
        att = session.get(Attachment, attachment_id)
        if att is None or att.case_id != case.id:
            raise NotFound(f"Case {case.ref} has no attachment {attachment_id}.")
        if hashlib.sha256(att.content).hexdigest() != att.sha256:
            raise ValidationError(f"The stored file {att.filename} is damaged (checksum differs).")
        return AttachmentFile(att.filename, att.mime_type, att.sha256, att.content)
