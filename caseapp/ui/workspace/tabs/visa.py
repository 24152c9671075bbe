"""Visa: the application form, its status history, and live warnings against the planned stay."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from caseapp.services import visa
from caseapp.services.cases import CaseDetail
from caseapp.services.visa import ENTRIES, VISA_STATUSES, VisaState
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.forms import DateField, FieldErrors, add_row, button_row, permit
from caseapp.ui.workspace.table import Column, RowTableModel, compact

Event = tuple[str, str, str]


class VisaHistoryModel(RowTableModel[Event]):
    columns = (
        Column("When", lambda e: e[0].replace("T", " ")[:16]),
        Column("Status", lambda e: e[1]),
        Column("By", lambda e: e[2]),
    )


class VisaTab(AreaTab):
    area = "visa"
    title = "Visa"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.errors = FieldErrors()
        self._shown: object = object()
        e = self.errors
        self.visa_type = QComboBox()
        for code, name, description in visa.visa_types(self.ctx):
            self.visa_type.addItem(f"{code} — {name}", code)
            self.visa_type.setItemData(self.visa_type.count() - 1, description, 3)
        self.status = QComboBox()
        self.status.addItems(VISA_STATUSES)
        self.invitation = DateField()
        self.submitted = DateField()
        self.decided = DateField()
        self.entry_from = DateField()
        self.entry_until = DateField()
        self.stay = QSpinBox()
        self.stay.setRange(0, 365)
        self.stay.setSpecialValueText("not set")
        self.stay.setSuffix(" days")
        self.entries = QComboBox()
        self.entries.addItems(ENTRIES)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(self.notes.fontMetrics().height() * 3 + 12)
        form = QFormLayout()
        add_row(form, "Visa type", self.visa_type, e, "visa_type")
        add_row(form, "Status", self.status, e, "status")
        add_row(form, "Invitation letter received", self.invitation, e, "invitation_letter_on")
        add_row(form, "Submitted on", self.submitted, e, "submitted_on")
        add_row(form, "Decided on", self.decided, e, "decided_on")
        add_row(form, "Entry window from", self.entry_from, e, "entry_from")
        add_row(form, "Entry window until", self.entry_until, e, "entry_until")
        add_row(form, "Allowed stay", self.stay, e, "allowed_stay_days")
        add_row(form, "Entries", self.entries, e, "entries")
        add_row(form, "Notes", self.notes, e, "notes")
        form.addRow("", e.general())
        self.save_button = QPushButton("Save visa")
        self.save_button.clicked.connect(self.save)
        form.addRow("", button_row(self.save_button))
        application = QGroupBox("Application")
        outer = QVBoxLayout(application)
        outer.addLayout(form)
        outer.addStretch(1)

        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        checks = QGroupBox("Checks against the plan")
        checks_layout = QVBoxLayout(checks)
        checks_layout.addWidget(self.plan_label)
        checks_layout.addWidget(self.warnings)
        checks_layout.addStretch(1)
        self.history = VisaHistoryModel(self)
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        compact(self.history_view, 2)
        history_box = QGroupBox("Status history")
        QVBoxLayout(history_box).addWidget(self.history_view)
        right = QVBoxLayout()
        right.addWidget(checks, 1)
        right.addWidget(history_box, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(application, 3)
        layout.addLayout(right, 2)
        for field in (
            self.invitation,
            self.submitted,
            self.decided,
            self.entry_from,
            self.entry_until,
        ):
            field.changed.connect(self.check)
        self.stay.valueChanged.connect(self.check)
        self.status.currentIndexChanged.connect(self.check)

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        v = detail.visa or VisaState(visa_type="")
        if self._shown != v:
            self._shown = v
            index = self.visa_type.findData(v.visa_type)
            self.visa_type.setCurrentIndex(index if index >= 0 else 0)
            self.status.setCurrentText(v.status)
            self.invitation.set_value(v.invitation_letter_on)
            self.submitted.set_value(v.submitted_on)
            self.decided.set_value(v.decided_on)
            self.entry_from.set_value(v.entry_from)
            self.entry_until.set_value(v.entry_until)
            self.stay.setValue(v.allowed_stay_days or 0)
            self.entries.setCurrentText(v.entries)
            self.notes.setPlainText(v.notes)
        self.history.set_rows(list(reversed(v.history)))
        a, d = detail.planned_arrival, detail.planned_departure
        self.plan_label.setText(
            f"Planned stay: {a} to {d} ({(d - a).days} days). "
            f"Passport valid until {detail.patient.passport_expiry}."
            if a and d
            else "The planned stay is not set (Overview tab)."
        )
        permit(self.actor, "visa.edit", self.save_button)
        self.check()

    def form_state(self) -> VisaState:
        version = self.detail.visa.version if self.detail and self.detail.visa else 0
        return VisaState(
            visa_type=self.visa_type.currentData() or "",
            status=self.status.currentText(),
            invitation_letter_on=self.invitation.value(),
            submitted_on=self.submitted.value(),
            decided_on=self.decided.value(),
            entry_from=self.entry_from.value(),
            entry_until=self.entry_until.value(),
            allowed_stay_days=self.stay.value() or None,
            entries=self.entries.currentText(),
            notes=self.notes.toPlainText(),
            version=version,
        )

    def check(self, *_args: object) -> None:
        """What the gate will say about the form as it stands (warnings in amber)."""
        d = self.detail
        if d is None:
            return
        found = visa.visa_blockers(
            self.form_state(), d.patient.passport_expiry, d.planned_arrival, d.planned_departure
        )
        if not found:
            self.warnings.setText("<span style='color:#1b5e20'>✔ The visa fits the plan.</span>")
            return
        lines = []
        for b in found:
            colour = "#8a5300" if not b.blocks else "#c62828"
            mark = "⚠" if not b.blocks else "✖"
            lines.append(f"<p style='color:{colour}; margin:0 0 6px 0'>{mark} {b.message}</p>")
        self.warnings.setText("".join(lines))

    def save(self) -> None:
        state = self.form_state()
        self.attempt(lambda: visa.save_visa(self.ctx, self.ref, state), self.errors)
