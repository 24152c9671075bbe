"""Trial programs at hospitals: criteria and required documents (reference data)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(40), default="")
    targets: Mapped[list[str]]
    hospital_en: Mapped[str] = mapped_column(String(200))
    hospital_zh: Mapped[str] = mapped_column(String(200))
    city_en: Mapped[str] = mapped_column(String(80))
    city_zh: Mapped[str] = mapped_column(String(80))
    address_en: Mapped[str] = mapped_column(String(300))
    address_zh: Mapped[str] = mapped_column(String(300))
    intl_dept_phone: Mapped[str] = mapped_column(String(60), default="")
    intl_dept_email: Mapped[str] = mapped_column(String(200), default="")
    intl_dept_contact: Mapped[str] = mapped_column(String(200), default="")
    # The haematology ward's line that answers day and night: the home doctor's first call.
    ward_phone_24h: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    estimated_cost_cny: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    active: Mapped[bool] = mapped_column(default=True)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    requirements: Mapped[list[RecordRequirement]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        order_by="RecordRequirement.position",
    )


class Criterion(Base):
    """One inclusion/exclusion rule, phrased as the condition that must hold."""

    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("program_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12))  # inclusion | exclusion
    label: Mapped[str] = mapped_column(String(300))
    fact: Mapped[str] = mapped_column(String(60))
    op: Mapped[str] = mapped_column(String(12))
    value: Mapped[dict[str, Any]]  # {"v": ...} so any JSON value fits
    applies_if: Mapped[str | None] = mapped_column(String(60))
    required: Mapped[bool] = mapped_column(default=True)

    program: Mapped[Program] = relationship(back_populates="criteria")


class RecordRequirement(Base):
    """A document the program's hospital asks for, with how recent it must be."""

    __tablename__ = "record_requirements"
    __table_args__ = (UniqueConstraint("program_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    max_age_days: Mapped[int | None]
    required: Mapped[bool] = mapped_column(default=True)

    program: Mapped[Program] = relationship(back_populates="requirements")


class VisaType(Base):
    """Editable reference data: consulates differ on the visa type for medical stays."""

    __tablename__ = "visa_types"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Agency-wide settings (letterhead, stall thresholds, page size) as JSON values."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict[str, Any]]
