"""Clinical facts of a case and the signed eligibility reviews built on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, EncryptedText


class ClinicalFact(Base):
    """One value the criteria read (ECOG, blast %, CD33 %, ...), stored as text, typed by key."""

    __tablename__ = "clinical_facts"
    __table_args__ = (UniqueConstraint("case_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(EncryptedText())
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class EligibilityReview(Base):
    __tablename__ = "eligibility_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    decision: Mapped[str] = mapped_column(String(20))  # eligible | not eligible
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    signed_at: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")
    # What the signature means, as the signer confirmed it (21 CFR 11.50): printed name, role,
    # time, decision, program and the criteria summary; the criteria themselves are `results`.
    meaning: Mapped[str] = mapped_column(Text, default="", server_default="")

    results: Mapped[list[ReviewCriterionResult]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewCriterionResult.id"
    )


class ReviewCriterionResult(Base):
    """What one criterion evaluated to when the review was signed (a frozen snapshot)."""

    __tablename__ = "review_criterion_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("eligibility_reviews.id", ondelete="CASCADE"), index=True
    )
    criterion_code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(12))
    required: Mapped[bool] = mapped_column(default=True)
    fact_value: Mapped[str] = mapped_column(EncryptedText(), default="")
    result: Mapped[str] = mapped_column(String(10))  # met | not met | unknown

    review: Mapped[EligibilityReview] = relationship(back_populates="results")
