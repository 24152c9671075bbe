"""Patients, their travelling companions and their doctor at home."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(160))
    sex: Mapped[str] = mapped_column(String(1))  # F | M
    date_of_birth: Mapped[date]
    nationality: Mapped[str] = mapped_column(String(80))
    passport_number: Mapped[str] = mapped_column(String(40))
    passport_expiry: Mapped[date]
    languages: Mapped[list[str]]  # primary first
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    home_city: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    companions: Mapped[list[Companion]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="Companion.id"
    )
    physician: Mapped[LocalPhysician | None] = relationship(
        back_populates="patient", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Companion(Base):
    __tablename__ = "companions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(160))
    relation: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1), default="")
    date_of_birth: Mapped[date | None]
    passport_number: Mapped[str] = mapped_column(String(40), default="")
    passport_expiry: Mapped[date | None]
    phone: Mapped[str] = mapped_column(String(60), default="")

    patient: Mapped[Patient] = relationship(back_populates="companions")


class LocalPhysician(Base):
    """The haematologist at home who takes over after the stay in China."""

    __tablename__ = "local_physicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(160))
    clinic: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")

    patient: Mapped[Patient] = relationship(back_populates="physician")
