"""Lodging: bookings for the patient and companions, and the night-by-night timeline strip.

A booking that double-books or leaves nights uncovered is still saved (bookings are entered one
at a time, so a half-covered stay is normal on the way); after a save the tab says in amber
which traveller has which nights twice or not at all, and the gate goes on blocking.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import lodging
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import ValidationError
from caseapp.services.lodging import PATIENT, BookingInput, BookingRow, Coverage
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import DateField, add_row, permit
from caseapp.ui.workspace.palette import BAND_STYLES
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day
from caseapp.ui.workspace.timeline import LodgingTimeline


def _nights(run: tuple[date, date]) -> str:
    first, last = run
    if first == last:
        return f"the night of {first.isoformat()}"
    return f"the nights {first.isoformat()} to {last.isoformat()}"


def coverage_problems(coverage: Mapping[str, Coverage]) -> list[str]:
    """One sentence per traveller and run of nights booked twice or not at all."""
    lines = []
    for name, cov in coverage.items():
        lines += [f"{name} is booked twice for {_nights(run)}." for run in cov.overlaps]
        lines += [f"{name} has no lodging for {_nights(run)}." for run in cov.gaps]
    return lines


class BookingModel(RowTableModel[BookingRow]):
    columns = (
        Column("Property", lambda b: b.property_name, tooltip=lambda b: b.address_en),
        Column("中文名", lambda b: b.property_name_zh, tooltip=lambda b: b.address_zh),
        Column("Check-in", lambda b: day(b.check_in)),
        Column("Check-out", lambda b: day(b.check_out)),
        Column("Nights", lambda b: str(b.nights), align_right=True),
        Column("Who stays", lambda b: ", ".join(b.occupant_names)),
        Column("Per night", lambda b: f"{b.nightly_cost:,.2f} {b.currency}", align_right=True),
        Column("Total", lambda b: f"{b.total_cost:,.2f} {b.currency}", align_right=True),
    )


class BookingDialog(FormDialog):
    """Add or change a booking; occupants are checkboxes for the patient and each companion."""

    def __init__(self, detail: CaseDetail, row: BookingRow | None, parent: QWidget) -> None:
        super().__init__("Change booking" if row else "Add booking", parent)
        self.property_name = QLineEdit(row.property_name if row else "")
        self.property_name_zh = QLineEdit(row.property_name_zh if row else "")
        self.address_en = QLineEdit(row.address_en if row else "")
        self.address_zh = QLineEdit(row.address_zh if row else "")
        self.phone = QLineEdit(row.phone if row else "")
        start = detail.planned_arrival
        self.check_in = DateField(row.check_in if row else start)
        self.check_out = DateField(row.check_out if row else detail.planned_departure)
        self.nightly_cost = QLineEdit(f"{row.nightly_cost:f}" if row else "0")
        self.currency = QLineEdit(row.currency if row else "CNY")
        self.currency.setMaxLength(3)
        people = QWidget()
        column = QVBoxLayout(people)
        column.setContentsMargins(0, 0, 0, 0)
        self.occupants: dict[int, QCheckBox] = {}
        chosen = (
            set(row.occupants) if row else {PATIENT, *(c.id for c in detail.patient.companions)}
        )
        everyone = [(PATIENT, f"{detail.patient.full_name} (patient)")]
        everyone += [(c.id, f"{c.full_name} ({c.relation})") for c in detail.patient.companions]
        for key, name in everyone:
            box = QCheckBox(name)
            box.setChecked(key in chosen)
            self.occupants[key] = box
            column.addWidget(box)
        e = self.errors
        add_row(self.form, "Property", self.property_name, e, "property_name")
        add_row(self.form, "Property (Chinese)", self.property_name_zh, e, "property_name_zh")
        add_row(self.form, "Address", self.address_en, e, "address_en")
        add_row(self.form, "Address (Chinese)", self.address_zh, e, "address_zh")
        add_row(self.form, "Phone", self.phone, e, "phone")
        add_row(self.form, "Check-in", self.check_in, e, "check_in")
        add_row(self.form, "Check-out", self.check_out, e, "check_out")
        add_row(self.form, "Who stays", people, e, "occupants")
        add_row(self.form, "Cost per night", self.nightly_cost, e, "nightly_cost")
        add_row(self.form, "Currency", self.currency, e, "currency")

    def value(self) -> BookingInput:
        check_in, check_out = self.check_in.value(), self.check_out.value()
        if check_in is None:
            raise ValidationError("Enter the check-in date.", "check_in")
        if check_out is None:
            raise ValidationError("Enter the check-out date.", "check_out")
        return BookingInput(
            property_name=self.property_name.text(),
            address_en=self.address_en.text(),
            check_in=check_in,
            check_out=check_out,
            occupants=tuple(k for k, box in self.occupants.items() if box.isChecked()),
            property_name_zh=self.property_name_zh.text(),
            address_zh=self.address_zh.text(),
            phone=self.phone.text(),
            nightly_cost=self.nightly_cost.text(),
            currency=self.currency.text(),
        )


class LodgingTab(AreaTab):
    area = "lodging"
    title = "Lodging"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.dialog: BookingDialog | None = None
        self.model = BookingModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        compact(self.view, 0, 5)
        self.view.doubleClicked.connect(lambda _i: self.edit_booking())
        self.add_button = QPushButton("Add booking…")
        self.add_button.clicked.connect(self.add_booking)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_booking)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_booking)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._buttons())
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.timeline = LodgingTimeline()
        strip = QGroupBox("The stay, night by night")
        QVBoxLayout(strip).addWidget(self.timeline)
        # Set after a save or removal: from then on every load tells what the stay still lacks.
        self._watch_coverage = False
        self.coverage_lines: list[str] = []  # the warning's sentences, as shown
        self.coverage_warning = QLabel()
        self.coverage_warning.setObjectName("lodgingCoverageWarning")
        self.coverage_warning.setTextFormat(Qt.TextFormat.RichText)
        self.coverage_warning.setWordWrap(True)
        self.coverage_warning.setStyleSheet(f"QLabel {{ {BAND_STYLES['amber']} }}")
        self.coverage_warning.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.coverage_warning)
        layout.addWidget(strip)

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        self.model.set_rows(detail.lodging)
        coverage = lodging.coverage_of(self.ctx, self.ref)
        self.timeline.set_coverage(detail.planned_arrival, detail.planned_departure, coverage)
        if self._watch_coverage:
            self.show_coverage_warning(coverage)
        self._buttons()

    def show_coverage_warning(self, coverage: Mapping[str, Coverage]) -> None:
        """Amber note naming each traveller's nights booked twice or uncovered (hidden if none)."""
        problems = self.coverage_lines = coverage_problems(coverage)
        if not problems:
            self.coverage_warning.clear()
            self.coverage_warning.hide()
            return
        items = "".join(f"<li>{html.escape(line)}</li>" for line in problems)
        self.coverage_warning.setText(
            "<b>⚠ Saved, but the stay is not covered once a night for everyone.</b> "
            "The case stays in Lodging until each traveller has one bed every night:"
            f"<ul style='margin:2px 0 0 -20px'>{items}</ul>"
        )
        self.coverage_warning.show()

    def _buttons(self) -> None:
        chosen = self.current() is not None
        permit(self.actor, "lodging.edit", self.add_button)
        permit(
            self.actor,
            "lodging.edit",
            self.edit_button,
            self.remove_button,
            enabled=chosen,
            why="Select a booking first.",
        )

    def current(self) -> BookingRow | None:
        return self.model.row_at(self.view.currentIndex())

    def add_booking(self) -> None:
        assert self.detail is not None
        self._open(BookingDialog(self.detail, None, self), None)

    def edit_booking(self) -> None:
        row = self.current()
        if row is not None and self.detail is not None and self.add_button.isEnabled():
            self._open(BookingDialog(self.detail, row, self), row)

    def _open(self, dialog: BookingDialog, row: BookingRow | None) -> None:
        def submit() -> None:
            lodging.save_booking(
                self.ctx,
                self.ref,
                dialog.value(),
                row.id if row else None,
                row.version if row else None,
            )
            self._watch_coverage = True
            self.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def remove_booking(self) -> None:
        row = self.current()
        if row is None:
            return
        nights = f"{row.check_in} to {row.check_out}"
        if self.prompts.confirm(self, "Remove booking", f"Remove {row.property_name}, {nights}?"):
            # Armed before the attempt: a successful removal reloads the tab inside it.
            watching, self._watch_coverage = self._watch_coverage, True
            if not self.attempt(lambda: lodging.remove_booking(self.ctx, self.ref, row.id)):
                self._watch_coverage = watching
