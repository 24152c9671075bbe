"""Patients, their travelling companions and their doctor at home."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from caseapp.models.base import Base, EncryptedDate, EncryptedText
from caseapp.security import data_key_for


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(160))
    sex: Mapped[str] = mapped_column(String(1))  # F | M
    date_of_birth: Mapped[date] = mapped_column(EncryptedDate())
    nationality: Mapped[str] = mapped_column(String(80))
    passport_number: Mapped[str] = mapped_column(EncryptedText())
    # Keyed hash of the normalised number (set on every write): exact search by passport.
    passport_index: Mapped[str] = mapped_column(
        String(64), index=True, default="", server_default="", info={"sensitive": True}
    )
    passport_expiry: Mapped[date]
    languages: Mapped[list[str]]  # primary first
    phone: Mapped[str] = mapped_column(EncryptedText(), default="")
    email: Mapped[str] = mapped_column(EncryptedText(), default="")
    address: Mapped[str] = mapped_column(EncryptedText(), default="")
    home_city: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(EncryptedText(), default="")
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
    date_of_birth: Mapped[date | None] = mapped_column(EncryptedDate())
    passport_number: Mapped[str] = mapped_column(EncryptedText(), default="")
    passport_expiry: Mapped[date | None]
    phone: Mapped[str] = mapped_column(EncryptedText(), default="")

    patient: Mapped[Patient] = relationship(back_populates="companions")


class LocalPhysician(Base):
    """The haematologist at home who takes over after the stay in China.

    Not encrypted: a clinic's work phone and e-mail are professional contacts, printed on the
    handoff letter; what is private (that this patient is theirs) is the row's patient link.
    """

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


@event.listens_for(Patient, "before_insert")
@event.listens_for(Patient, "before_update")
def _index_passport(_mapper: Mapper[Any], connection: Any, target: Patient) -> None:
    """Keep the search index in step with the number on every ORM write."""
    target.passport_index = data_key_for(connection.dialect).passport_index(target.passport_number)
