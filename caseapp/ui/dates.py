"""A date input that may be empty ("not set") and still takes a typed date or a calendar pick."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

BLANK = QDate(1900, 1, 1)  # the minimum date stands for "not set" (shown as special text)
SEPARATORS = ("-", "/", ".")


class OptionalDateEdit(QDateEdit):
    """QDateEdit whose minimum means "not set".

    Qt's special-value text cannot be typed over: a digit typed into "not set" was appended to it
    and the value stayed empty. Here the first digit starts from `default` (today unless given)
    with the year selected, so "2026-11-23" types as expected; the popup opens near `default`
    instead of January 1900.
    """

    def __init__(self, default: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default = default
        self._advanced = False
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(BLANK)
        self.setMaximumDate(QDate(2200, 12, 31))
        self.setSpecialValueText("not set")
        self.setDate(BLANK)
        self.calendarWidget().installEventFilter(self)
        self.setToolTip("Type the date as YYYY-MM-DD or pick it from the calendar.")

    def default_qdate(self) -> QDate:
        d = self._default or date.today()
        return QDate(d.year, d.month, d.day)

    def is_blank(self) -> bool:
        return self.date() == BLANK

    def value(self) -> date | None:
        if self.is_blank():
            return None
        d = self.date()
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(BLANK if value is None else QDate(value.year, value.month, value.day))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if self.is_blank() and text.isdigit():
            self.setDate(self.default_qdate())
            self.setCurrentSection(QDateTimeEdit.Section.YearSection)
            self.lineEdit().setSelection(0, 4)  # the typed year replaces the default's
        if text in SEPARATORS and self._advanced:
            # Qt already moved on when the section filled up; the typed "-" would skip one more.
            self._advanced = False
            event.accept()
            return
        before = self.currentSection()
        super().keyPressEvent(event)
        self._advanced = text.isdigit() and self.currentSection() != before

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.is_blank():
            # Qt points the popup at the current date (1900) while showing it: turn the page after.
            QTimer.singleShot(0, self._turn_to_default)
        return super().eventFilter(watched, event)

    def _turn_to_default(self) -> None:
        if self.is_blank():
            d = self.default_qdate()
            self.calendarWidget().setCurrentPage(d.year(), d.month())
