"""Text for ReportLab markup: escaping, the Chinese font switch, and how facts are written."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

CJK = "CaseCJK"  # the bundled Chinese font's name (registered by caseapp.docs.style)

# China has used UTC+8 all year since 1991; a fixed offset needs no tz database (Windows has none).
CHINA_TZ = timezone(timedelta(hours=8), "CST")

BOX_OPEN = "☐"
BOX_DONE = "☑"
DASH = "—"

_CJK_RUN = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+"
)
CENT = Decimal("0.01")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def cjk(markup: str) -> str:
    """Wrap each run of Chinese characters in the CJK font; markup tags are ASCII, so safe."""
    return _CJK_RUN.sub(lambda m: f'<font name="{CJK}">{m.group(0)}</font>', markup)


def has_cjk(text: str) -> bool:
    return _CJK_RUN.search(text) is not None


def markup(text: str | None) -> str:
    """Plain text -> Paragraph markup: escaped, Chinese runs in the CJK font, newlines kept."""
    if not text:
        return ""
    return cjk(escape(text)).replace("\n", "<br/>")


# While a document renders, every date in it takes that document's one format (issue: a reader
# met "2026-08-05", "5 Aug 2026" and "5 August 2026" in one checklist).
_DOCUMENT_LONG_DATES: ContextVar[bool | None] = ContextVar("document_long_dates", default=None)


@contextmanager
def document_dates(long: bool) -> Iterator[None]:
    """Inside: fmt_date writes every date long ("5 March 2026") or short ("5 Mar 2026")."""
    token = _DOCUMENT_LONG_DATES.set(long)
    try:
        yield
    finally:
        _DOCUMENT_LONG_DATES.reset(token)


def fmt_date(value: date | None, *, long: bool = False) -> str:
    """ "5 Mar 2026" (or "5 March 2026" in letters); locale-independent.

    Inside `document_dates` the document's format wins over `long`.
    """
    if value is None:
        return DASH
    chosen = _DOCUMENT_LONG_DATES.get()
    if chosen is not None:
        long = chosen
    month = _MONTHS[value.month - 1]
    return f"{value.day} {month if long else month[:3]} {value.year}"


def fmt_datetime_china(value: datetime) -> str:
    """An appointment start in China time, e.g. "Tue 10 Mar 2026, 09:30"."""
    local = value.astimezone(CHINA_TZ)
    return f"{_WEEKDAYS[local.weekday()]} {fmt_date(local.date())}, {local:%H:%M}"


def fmt_time_china(value: datetime) -> str:
    return f"{value.astimezone(CHINA_TZ):%H:%M}"


def fmt_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return DASH
    return f"{currency} {amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


def fmt_day(day: int | None) -> str:
    """Day relative to infusion: -5, 0, +28."""
    if day is None:
        return DASH
    return f"+{day}" if day > 0 else str(day)


def fmt_sex(sex: str) -> str:
    return {"F": "Female", "M": "Male"}.get(sex, sex)


def fmt_pct(value: float | None) -> str:
    return DASH if value is None else f"{value:g}%"


def or_dash(text: str | None) -> str:
    return text if text else DASH


NOT_RECORDED = "not recorded"


def or_not_recorded(text: str | None) -> str:
    return text if text else NOT_RECORDED


def join_and(items: Sequence[str]) -> str:
    """ "Arabic", "Arabic and English", "Arabic, French and English"."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


_PAREN_TAIL = re.compile(r"\s*\(([^)]*)\)\s*$")


def person_of(contact: str) -> str:
    """ "Dr. Sun Hao (International Patient Department)" -> "Dr. Sun Hao"."""
    return _PAREN_TAIL.sub("", contact).strip()


def place_line(address: str, city: str) -> str:
    """An address with its city, the city written once ("..., Tianjin 300050", not twice)."""
    if not city or city.lower() in address.lower():
        return address
    return f"{address}, {city}" if address else city


def sentence_case(text: str) -> str:
    """ "Acute myeloid leukaemia (AML)" -> "acute myeloid leukaemia (AML)" inside a sentence."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
