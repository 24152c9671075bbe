"""Medical records received for a case, with attachments kept in the database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, EncryptedBytes


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(EncryptedBytes())
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class RecordItem(Base):
    """The state of one required document for one case (received, dated, or waived)."""

    __tablename__ = "record_items"
    __table_args__ = (UniqueConstraint("case_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("record_requirements.id", ondelete="CASCADE")
    )
    received_on: Mapped[date | None]
    document_date: Mapped[date | None]
    waived: Mapped[bool] = mapped_column(default=False)
    waived_reason: Mapped[str] = mapped_column(Text, default="")
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    attachment: Mapped[Attachment | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
