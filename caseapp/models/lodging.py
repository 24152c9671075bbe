"""Lodging bookings near the hospital for the patient and companions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base


class LodgingBooking(Base):
    __tablename__ = "lodging_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    property_name: Mapped[str] = mapped_column(String(200))
    property_name_zh: Mapped[str] = mapped_column(String(200), default="")
    address_en: Mapped[str] = mapped_column(String(300))
    address_zh: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    check_in: Mapped[date]
    check_out: Mapped[date]
    nightly_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    version: Mapped[int] = mapped_column(default=1)

    occupants: Mapped[list[LodgingOccupant]] = relationship(
        cascade="all, delete-orphan", order_by="LodgingOccupant.id"
    )

    __mapper_args__ = {"version_id_col": version}


class LodgingOccupant(Base):
    """Who sleeps there: the patient (companion_id empty) or one companion."""

    __tablename__ = "lodging_occupants"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("lodging_bookings.id", ondelete="CASCADE"), index=True
    )
    companion_id: Mapped[int | None] = mapped_column(
        ForeignKey("companions.id", ondelete="CASCADE")
    )
