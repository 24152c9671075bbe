"""Declarative base, naming convention and the column types every area shares."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, LargeBinary, MetaData, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from caseapp.security import data_key_for

# Named constraints let Alembic batch migrations drop and alter them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite has no time zones, so we normalise on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest (AES-256-GCM with the database's data key; base64 of nonce+ct).

    Each write uses a fresh nonce, so SQL can neither compare nor sort these columns: filter
    in Python after loading, or search through a keyed index (Patient.passport_index).
    """

    impl = Text
    cache_ok = True
    encrypted = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else data_key_for(dialect).encrypt_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else data_key_for(dialect).decrypt_text(value)


class EncryptedDate(TypeDecorator[date]):
    """A date encrypted at rest (its ISO text, as EncryptedText)."""

    impl = Text
    cache_ok = True
    encrypted = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else data_key_for(dialect).encrypt_text(value.isoformat())

    def process_result_value(self, value: str | None, dialect: Dialect) -> date | None:
        if value is None:
            return None
        return date.fromisoformat(data_key_for(dialect).decrypt_text(value))


class EncryptedBytes(TypeDecorator[bytes]):
    """File contents encrypted at rest: nonce + ciphertext + tag as raw bytes."""

    impl = LargeBinary
    cache_ok = True
    encrypted = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else data_key_for(dialect).encrypt(bytes(value))

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else data_key_for(dialect).decrypt(bytes(value))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
    }
