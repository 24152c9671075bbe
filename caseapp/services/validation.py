"""One set of rules for every value a user can store, checked before any row is written.

SQLite stores almost anything (10 MB in a phone field, NaN, year 9999) and PostgreSQL refuses
some of it with a driver error; both are wrong. The unit of work runs `check_rows` before each
flush, so every service command gets the same sentence on both databases, and the parse
helpers here turn typed text into values with the same limits.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, Numeric, String, Text, inspect
from sqlalchemy.orm import Session

from caseapp.services.errors import ValidationError

# Text without a column length (notes, reasons, encrypted contact fields) gets one here.
TEXT_LIMITS: dict[str, int] = {
    "phone": 60,
    "email": 200,
    "address": 500,
    "passport_number": 40,
    "value": 200,  # a clinical fact's value
    "fact_value": 200,
}
DEFAULT_TEXT_LIMIT = 10_000

# Dates a case can plausibly hold; a field not named here is an event of a case's life.
EARLIEST_EVENT, LATEST_EVENT = date(2000, 1, 1), date(2100, 12, 31)
DATE_RANGES: dict[str, tuple[date, date]] = {
    "date_of_birth": (date(1900, 1, 1), LATEST_EVENT),
    "passport_expiry": (date(1990, 1, 1), LATEST_EVENT),
    "document_date": (date(1950, 1, 1), LATEST_EVENT),
}
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2100, 12, 31, 23, 59, tzinfo=UTC)
# PostgreSQL's INTEGER; SQLite would take more and the two databases must agree.
INT_LIMIT = 2**31 - 1

# Friendlier names than the column's, where the column's would puzzle a user.
LABELS: dict[str, str] = {
    "onset_on": "Onset date",
    "resolved_on": "Resolved date",
    "incurred_on": "Date incurred",
    "check_in": "Check-in date",
    "check_out": "Check-out date",
    "starts_at": "Start time",
    "ends_at": "End time",
    "hourly_rate_cny": "Hourly rate",
    "cny_per_home_unit": "Exchange rate",
    "value": "Fact value",
    "treatment": "Treatment",
    "report_from": "The report's start date",
    "report_to": "The report's end date",
}

BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\n\r\t")
FILENAME_FIELDS = frozenset({"filename"})
RESERVED_NAMES = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def label_of(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def quoted(value: object, limit: int = 30) -> str:
    """A user's value inside a message: short, on one line, never the whole 10 MB."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


# ---- single values ---------------------------------------------------------------------------


def check_text(value: str, key: str, limit: int | None = None, *, label: str = "") -> str:
    """Refuse text too long for its field, with control characters or unencodable pieces."""
    name = label or label_of(key)
    limit = limit or TEXT_LIMITS.get(key, DEFAULT_TEXT_LIMIT)
    if len(value) > limit:
        raise ValidationError(f"{name} is too long: at most {limit} characters.", key)
    for ch in value:
        if ch in ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if category == "Cc":
            raise ValidationError(
                f"{name} contains a control character (U+{ord(ch):04X}); remove it.", key
            )
        if category == "Cs":
            raise ValidationError(
                f"{name} contains text that is not valid Unicode; type it again.", key
            )
    return value


def check_filename(value: str, key: str = "filename") -> str:
    """A file name that is only a name: no folders, no hidden direction changes, no NUL."""
    check_text(value, key, 255, label="The file name")
    name = value.strip()
    if not name:
        raise ValidationError("The file needs a name.", key)
    if any(ch in BIDI_CONTROLS for ch in name):
        raise ValidationError(
            "The file name contains a hidden text-direction character; rename the file.", key
        )
    if any(ch in "/\\\n\r\t" for ch in name) or name in (".", "..") or name.startswith("."):
        raise ValidationError(
            f"The file name {quoted(name)} is not a plain file name (no folders or '..').", key
        )
    if RESERVED_NAMES.match(name) or name.endswith((".", " ")):
        raise ValidationError(f"The file name {quoted(name)} cannot be used on Windows.", key)
    return name


def check_date(value: date, key: str) -> date:
    low, high = DATE_RANGES.get(key, (EARLIEST_EVENT, LATEST_EVENT))
    if not low <= value <= high:
        raise ValidationError(
            f"{label_of(key)} {value.isoformat()} is not a plausible date: use one between "
            f"{low.isoformat()} and {high.isoformat()}.",
            key,
        )
    return value


def check_moment(value: datetime, key: str) -> datetime:
    if value.tzinfo is None:
        raise ValidationError(f"{label_of(key)} needs a time zone.", key)
    if not EARLIEST_MOMENT <= value <= LATEST_MOMENT:
        raise ValidationError(
            f"{label_of(key)} {value.date().isoformat()} is not a plausible date: use one "
            f"between {EARLIEST_MOMENT.date().isoformat()} and {LATEST_MOMENT.date().isoformat()}.",
            key,
        )
    return value


APPOINTMENT_YEARS = 5  # an appointment is booked at most this far from today, either way
LONGEST_APPOINTMENT = timedelta(hours=24)


def check_appointment(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """An appointment within a few years of today that lasts at most a day."""
    check_moment(starts_at, "starts_at")
    check_moment(ends_at, "ends_at")
    window = timedelta(days=365 * APPOINTMENT_YEARS)
    if not now - window <= starts_at <= now + window:
        raise ValidationError(
            f"The appointment on {starts_at.date().isoformat()} is more than "
            f"{APPOINTMENT_YEARS} years from today; check the date.",
            "starts_at",
        )
    if ends_at - starts_at > LONGEST_APPOINTMENT:
        raise ValidationError(
            "An appointment lasts at most 24 hours; check the end time.", "ends_at"
        )


@dataclass(frozen=True)
class AmountRule:
    """An amount's range: low inclusive, high exclusive; places it is rounded to on input."""

    low: Decimal = Decimal(0)
    high: Decimal = Decimal("1e9")
    places: int = 2


def parse_amount(text: object, key: str, rule: AmountRule = AmountRule()) -> Decimal:
    """Typed text (or a number) to a finite Decimal within its range; a sentence otherwise."""
    name = label_of(key)
    raw = str(text).replace(",", "").strip() if text is not None else ""
    if len(raw) > 40:
        raise ValidationError(f"{name} must be an amount, not {quoted(text)}.", key)
    try:
        value = Decimal(raw or "0")
    except InvalidOperation:
        raise ValidationError(f"{name} must be an amount, not {quoted(text)}.", key) from None
    return check_amount(value, key, rule)


def check_amount(value: Decimal | float | int, key: str, rule: AmountRule = AmountRule()) -> Any:
    name = label_of(key)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"{name} must be a finite amount.", key)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValidationError(f"{name} must be a finite amount.", key)
    if not rule.low <= Decimal(value) < rule.high:
        raise ValidationError(
            f"{name} must be at least {rule.low:,} and below {rule.high:,.0f}.", key
        )
    return value


def check_integer(value: int, key: str) -> int:
    if not -INT_LIMIT <= value <= INT_LIMIT:
        raise ValidationError(f"{label_of(key)} is out of range.", key)
    return value


def check_json(value: Any, key: str) -> None:
    """Strings and numbers inside JSON columns (languages, settings) follow the same rules."""
    if isinstance(value, str):
        check_text(value, key)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"{label_of(key)} must be a finite number.", key)
    elif isinstance(value, int) and not isinstance(value, bool):
        check_integer(value, key)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_json(str(k), key)
            check_json(v, key)
    elif isinstance(value, list | tuple):
        for v in value:
            check_json(v, key)
    if isinstance(value, dict | list) and len(json.dumps(value, default=str)) > 100_000:
        raise ValidationError(f"{label_of(key)} is too large.", key)


# ---- rows before they are written ------------------------------------------------------------

UNCHECKED_TABLES = frozenset({"audit_entries"})  # copies of values checked on their own rows


def check_row(obj: Any) -> None:
    """Every column of one new or changed row against the rule for its type and name."""
    mapper = inspect(obj).mapper
    if mapper.local_table.name in UNCHECKED_TABLES:
        return
    for column in mapper.columns:
        value = getattr(obj, column.key, None)
        if value is None:
            continue
        kind = column.type
        impl = getattr(kind, "impl", kind)
        if column.key in FILENAME_FIELDS and isinstance(value, str):
            check_filename(value, column.key)
        elif isinstance(value, str) and isinstance(impl, String | Text):
            check_text(value, column.key, getattr(impl, "length", None))
        elif isinstance(value, datetime):
            check_moment(value, column.key)
        elif isinstance(value, date):
            check_date(value, column.key)
        elif isinstance(impl, Numeric) and isinstance(value, Decimal | float | int):
            check_amount(value, column.key, _numeric_rule(impl))
        elif isinstance(impl, Integer) and isinstance(value, int) and not isinstance(value, bool):
            check_integer(value, column.key)
        elif isinstance(impl, JSON):
            check_json(value, column.key)
        elif isinstance(impl, Date | DateTime):
            raise ValidationError(f"{label_of(column.key)} must be a date.", column.key)


def _numeric_rule(kind: Numeric[Any]) -> AmountRule:
    """A Numeric(p, s) column holds amounts below 10^(p-s); amounts are never negative."""
    precision, scale = kind.precision or 14, kind.scale or 0
    return AmountRule(Decimal(0), Decimal(10) ** (precision - scale), scale)


def check_rows(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush hook of every unit of work: nothing unchecked reaches either database."""
    for obj in (*session.new, *session.dirty):
        check_row(obj)
