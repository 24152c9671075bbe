"""The dashboard's filter bar: reporting period, program, owner, nationality (remembered)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QDate,
    QSettings,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from caseapp.services import reports

NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as "any"


class DashboardFilterBar(QWidget):
    """The filters of the pipeline report; `filters()` reads them, `set_filters()` shows them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.from_edit = self._date_edit()
        self.to_edit = self._date_edit()
        self.program_box = QComboBox()
        self.owner_box = QComboBox()
        self.nationality_box = QComboBox()
        for box, everything in (
            (self.program_box, "All programs"),
            (self.owner_box, "All owners"),
            (self.nationality_box, "All nationalities"),
        ):
            box.addItem(everything, None)
            box.setMinimumContentsLength(14)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        for label, widget in (
            ("&From", self.from_edit),
            ("&To", self.to_edit),
            ("&Program", self.program_box),
            ("O&wner", self.owner_box),
            ("&Nationality", self.nationality_box),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            self.layout_.addWidget(caption)
            self.layout_.addWidget(widget)

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("any")
        edit.setDate(NO_DATE)
        edit.setToolTip("Reporting period; 'any' leaves this end open")
        return edit

    @staticmethod
    def _date_of(edit: QDateEdit) -> date | None:
        value = edit.date()
        return None if value == NO_DATE else date(value.year(), value.month(), value.day())

    def filters(self) -> reports.ReportFilters:
        return reports.ReportFilters(
            date_from=self._date_of(self.from_edit),
            date_to=self._date_of(self.to_edit),
            program=self.program_box.currentData(),
            owner=self.owner_box.currentData(),
            nationality=self.nationality_box.currentData(),
        )

    def set_filters(self, filters: reports.ReportFilters) -> None:
        """Show these filters in the bar (choices not loaded yet are added so they stick)."""
        for edit, day in ((self.from_edit, filters.date_from), (self.to_edit, filters.date_to)):
            edit.setDate(QDate(day.year, day.month, day.day) if day else NO_DATE)
        for box, value in (
            (self.program_box, filters.program),
            (self.owner_box, filters.owner),
            (self.nationality_box, filters.nationality),
        ):
            at = box.findData(value)
            if at < 0 and value:
                box.addItem(value, value)
                at = box.count() - 1
            box.setCurrentIndex(max(at, 0))

    def fill_choices(self, choices: reports.FilterChoices) -> None:
        keep = self.filters()
        for box, items in (
            (self.program_box, [(f"{code} · {name}", code) for code, name in choices.programs]),
            (self.owner_box, [(name, login) for login, name in choices.owners]),
            (self.nationality_box, [(n, n) for n in choices.nationalities]),
        ):
            box.blockSignals(True)
            first = box.itemText(0)
            box.clear()
            box.addItem(first, None)
            for text, value in items:
                box.addItem(text, value)
            box.blockSignals(False)
        self.set_filters(keep)

    def restore(self, s: QSettings) -> None:
        """The filters saved by the last refresh."""

        def day(key: str) -> date | None:
            text = s.value(f"dashboard/{key}", "")
            try:
                return date.fromisoformat(str(text)) if text else None
            except ValueError:
                return None

        def text(key: str) -> str | None:
            value = s.value(f"dashboard/{key}", "")
            return str(value) if value else None

        self.set_filters(
            reports.ReportFilters(
                day("from"), day("to"), text("program"), text("owner"), text("nationality")
            )
        )

    def save(self, s: QSettings, f: reports.ReportFilters) -> None:
        for key, value in (
            ("from", f.date_from.isoformat() if f.date_from else ""),
            ("to", f.date_to.isoformat() if f.date_to else ""),
            ("program", f.program or ""),
            ("owner", f.owner or ""),
            ("nationality", f.nationality or ""),
        ):
            s.setValue(f"dashboard/{key}", value)
