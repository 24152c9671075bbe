"""Overview: the patient, passport (with validity band), companions, local physician and plan."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import cases, patients, reference
from caseapp.services.cases import CaseDetail, PlanInput
from caseapp.services.patients import CompanionInfo, CompanionInput, PatientInput, PhysicianInput
from caseapp.ui.workspace.bands import passport_band
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import DateField, FieldErrors, add_row, button_row, permit
from caseapp.ui.workspace.palette import BAND_STYLES
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day


class CompanionModel(RowTableModel[CompanionInfo]):
    columns = (
        Column("Name", lambda c: c.full_name),
        Column("Relation", lambda c: c.relation),
        Column("Born", lambda c: day(c.date_of_birth)),
        Column("Passport", lambda c: c.passport_number),
        Column("Passport expiry", lambda c: day(c.passport_expiry)),
        Column("Phone", lambda c: c.phone),
    )


def _lines(value: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setFixedHeight(edit.fontMetrics().height() * 3 + 12)
    return edit


class CompanionDialog(FormDialog):
    """Add one companion; the dialog stays open with the error if the service refuses."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("Add companion", parent)
        self.full_name = QLineEdit()
        self.relation = QLineEdit()
        self.relation.setPlaceholderText("e.g. mother, spouse")
        self.sex = QComboBox()
        self.sex.addItems(["", "F", "M"])
        self.date_of_birth = DateField()
        self.passport_number = QLineEdit()
        self.passport_expiry = DateField()
        self.phone = QLineEdit()
        e = self.errors
        add_row(self.form, "Full name", self.full_name, e, "companion_name")
        add_row(self.form, "Relation", self.relation, e, "relation")
        add_row(self.form, "Sex", self.sex, e, "sex")
        add_row(self.form, "Date of birth", self.date_of_birth, e, "date_of_birth")
        add_row(self.form, "Passport", self.passport_number, e, "companion_passport")
        add_row(self.form, "Passport expiry", self.passport_expiry, e, "companion_passport_expiry")
        add_row(self.form, "Phone", self.phone, e, "phone")

    def value(self) -> CompanionInput:
        return CompanionInput(
            full_name=self.full_name.text(),
            relation=self.relation.text(),
            sex=self.sex.currentText(),
            date_of_birth=self.date_of_birth.value(),
            passport_number=self.passport_number.text(),
            passport_expiry=self.passport_expiry.value(),
            phone=self.phone.text(),
        )


class OverviewTab(AreaTab):
    area = "overview"
    title = "Overview"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.dialog: CompanionDialog | None = None
        self._shown: dict[str, object] = {}
        self.patient_errors = FieldErrors()
        self.plan_errors = FieldErrors()
        self.physician_errors = FieldErrors()

        content = QWidget()
        grid = QGridLayout(content)
        grid.addWidget(self._patient_box(), 0, 0, 2, 1)
        grid.addWidget(self._plan_box(), 0, 1)
        grid.addWidget(self._physician_box(), 1, 1)
        grid.addWidget(self._companions_box(), 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # ---- building -------------------------------------------------------------------------

    def _patient_box(self) -> QGroupBox:
        box = QGroupBox("Patient")
        form = QFormLayout(box)
        e = self.patient_errors
        self.full_name = QLineEdit()
        self.sex = QComboBox()
        self.sex.addItems(["F", "M"])
        self.date_of_birth = DateField()
        self.nationality = QLineEdit()
        self.passport_number = QLineEdit()
        self.passport_expiry = DateField()
        self.passport_band = QLabel()
        self.passport_band.setWordWrap(True)
        self.languages = QLineEdit()
        self.languages.setPlaceholderText("Most fluent first, separated by commas")
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.address = QLineEdit()
        self.home_city = QLineEdit()
        self.patient_notes = _lines("")
        add_row(form, "Full name", self.full_name, e, "full_name")
        add_row(form, "Sex", self.sex, e, "sex")
        add_row(form, "Date of birth", self.date_of_birth, e, "date_of_birth")
        add_row(form, "Nationality", self.nationality, e, "nationality")
        add_row(form, "Passport number", self.passport_number, e, "passport_number")
        add_row(form, "Passport expiry", self.passport_expiry, e, "passport_expiry")
        form.addRow("", self.passport_band)
        add_row(form, "Languages", self.languages, e, "languages")
        add_row(form, "Phone", self.phone, e, "phone")
        add_row(form, "E-mail", self.email, e, "email")
        add_row(form, "Address", self.address, e, "address")
        add_row(form, "Home city", self.home_city, e, "home_city")
        add_row(form, "Notes", self.patient_notes, e, "notes")
        form.addRow("", e.general())
        self.save_patient_button = QPushButton("Save patient")
        self.save_patient_button.clicked.connect(self.save_patient)
        form.addRow("", button_row(self.save_patient_button))
        self.passport_expiry.changed.connect(self._show_band)
        return box

    def _plan_box(self) -> QGroupBox:
        box = QGroupBox("Plan")
        form = QFormLayout(box)
        e = self.plan_errors
        self.arrival = DateField()
        self.departure = DateField()
        self.program = QComboBox()
        self.home_currency = QLineEdit()
        self.home_currency.setMaxLength(3)
        self.rate = QLineEdit()
        self.payer = QLineEdit()
        self.plan_notes = _lines("")
        add_row(form, "Planned arrival", self.arrival, e, "planned_arrival")
        add_row(form, "Planned departure", self.departure, e, "planned_departure")
        add_row(form, "Program", self.program, e, "program", "program_code")
        add_row(form, "Home currency", self.home_currency, e, "home_currency")
        add_row(form, "CNY per home unit", self.rate, e, "cny_per_home_unit")
        add_row(form, "Who pays", self.payer, e, "payer")
        add_row(form, "Case notes", self.plan_notes, e, "notes")
        form.addRow("", e.general())
        self.save_plan_button = QPushButton("Save plan")
        self.save_plan_button.clicked.connect(self.save_plan)
        form.addRow("", button_row(self.save_plan_button))
        self.departure.changed.connect(self._show_band)
        return box

    def _physician_box(self) -> QGroupBox:
        box = QGroupBox("Local physician (receives the handoff letter)")
        form = QFormLayout(box)
        e = self.physician_errors
        self.doc_name = QLineEdit()
        self.doc_clinic = QLineEdit()
        self.doc_city = QLineEdit()
        self.doc_country = QLineEdit()
        self.doc_phone = QLineEdit()
        self.doc_email = QLineEdit()
        add_row(form, "Name", self.doc_name, e, "physician_name")
        add_row(form, "Clinic", self.doc_clinic, e, "clinic")
        row = QHBoxLayout()
        row.addWidget(self.doc_city)
        row.addWidget(self.doc_country)
        self.doc_city.setPlaceholderText("City")
        self.doc_country.setPlaceholderText("Country")
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow("City, country", holder)
        add_row(form, "Phone", self.doc_phone, e, "physician_phone")
        add_row(form, "E-mail", self.doc_email, e, "physician_email")
        form.addRow("", e.general())
        self.save_physician_button = QPushButton("Save physician")
        self.save_physician_button.clicked.connect(self.save_physician)
        form.addRow("", button_row(self.save_physician_button))
        return box

    def _companions_box(self) -> QGroupBox:
        box = QGroupBox("Companions (travel with the patient; lodging must cover each)")
        self.companion_model = CompanionModel(self)
        self.companion_view = QTableView()
        self.companion_view.setModel(self.companion_model)
        compact(self.companion_view, 0)
        self.companion_view.setMinimumHeight(110)
        self.add_companion_button = QPushButton("Add companion…")
        self.add_companion_button.clicked.connect(self.add_companion)
        self.remove_companion_button = QPushButton("Remove companion")
        self.remove_companion_button.clicked.connect(self.remove_companion)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_companion_button)
        buttons.addWidget(self.remove_companion_button)
        buttons.addStretch(1)
        row = QHBoxLayout(box)
        row.addWidget(self.companion_view, 1)
        row.addLayout(buttons)
        return box

    # ---- showing --------------------------------------------------------------------------

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        p = detail.patient
        # each form is refilled only when its saved data changed: unsaved typing survives reloads
        patient_key = (p.id, p.version)
        if self._shown.get("patient") != patient_key:
            self._shown["patient"] = patient_key
            self.full_name.setText(p.full_name)
            self.sex.setCurrentText(p.sex)
            self.date_of_birth.set_value(p.date_of_birth)
            self.nationality.setText(p.nationality)
            self.passport_number.setText(p.passport_number)
            self.passport_expiry.set_value(p.passport_expiry)
            self.languages.setText(", ".join(p.languages))
            self.phone.setText(p.phone)
            self.email.setText(p.email)
            self.address.setText(p.address)
            self.home_city.setText(p.home_city)
            self.patient_notes.setPlainText(p.notes)
        if self._shown.get("plan") != detail.version:
            self._shown["plan"] = detail.version
            self._fill_programs(detail.program.code)
            self.arrival.set_value(detail.planned_arrival)
            self.departure.set_value(detail.planned_departure)
            self.home_currency.setText(detail.home_currency)
            self.rate.setText(f"{detail.cny_per_home_unit.normalize():f}")
            self.payer.setText(detail.payer)
            self.plan_notes.setPlainText(detail.notes)
        if self._shown.get("physician") != p.physician:
            self._shown["physician"] = p.physician
            doc = p.physician or PhysicianInput("")
            self.doc_name.setText(doc.name)
            self.doc_clinic.setText(doc.clinic)
            self.doc_city.setText(doc.city)
            self.doc_country.setText(doc.country)
            self.doc_phone.setText(doc.phone)
            self.doc_email.setText(doc.email)
        self.companion_model.set_rows(p.companions)
        self._show_band()
        actor = self.actor
        permit(
            actor,
            "case.edit",
            self.save_patient_button,
            self.save_plan_button,
            self.save_physician_button,
            self.add_companion_button,
        )
        permit(actor, "case.edit", self.remove_companion_button, enabled=bool(p.companions))

    def _fill_programs(self, current: str) -> None:
        if self.program.count() == 0:
            for row in reference.list_programs(self.ctx):
                self.program.addItem(f"{row.code} — {row.hospital_en}", row.code)
        index = self.program.findData(current)
        if index < 0:
            self.program.addItem(current, current)
            index = self.program.count() - 1
        self.program.setCurrentIndex(index)

    def _show_band(self) -> None:
        expiry = self.passport_expiry.value()
        if expiry is None:
            self.passport_band.setText("")
            return
        level, text = passport_band(expiry, self.departure.value(), self.ctx.today())
        self.passport_band.setText(text)
        self.passport_band.setStyleSheet(BAND_STYLES[level])
        self.passport_band.setProperty("band", level)

    # ---- saving ---------------------------------------------------------------------------

    def patient_input(self) -> PatientInput:
        languages = tuple(x.strip() for x in self.languages.text().split(",") if x.strip())
        return PatientInput(
            full_name=self.full_name.text(),
            sex=self.sex.currentText(),
            date_of_birth=self.date_of_birth.value() or date.min,
            nationality=self.nationality.text(),
            passport_number=self.passport_number.text(),
            passport_expiry=self.passport_expiry.value() or date.min,
            languages=languages,
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.text(),
            home_city=self.home_city.text(),
            notes=self.patient_notes.toPlainText(),
        )

    def save_patient(self) -> None:
        assert self.detail is not None
        data, version = self.patient_input(), self.detail.patient.version
        self.attempt(
            lambda: patients.update_patient(self.ctx, self.ref, data, version),
            self.patient_errors,
        )

    def save_plan(self) -> None:
        assert self.detail is not None
        d = self.detail
        plan = PlanInput(
            planned_arrival=self.arrival.value(),
            planned_departure=self.departure.value(),
            program_code=self.program.currentData() or d.program.code,
            home_currency=self.home_currency.text(),
            cny_per_home_unit=self.rate.text(),
            payer=self.payer.text(),
            notes=self.plan_notes.toPlainText(),
            coordinator_login=d.coordinator.login if d.coordinator else None,
        )
        self.attempt(
            lambda: cases.update_plan(self.ctx, self.ref, plan, d.version), self.plan_errors
        )

    def save_physician(self) -> None:
        data = PhysicianInput(
            self.doc_name.text(),
            self.doc_clinic.text(),
            self.doc_city.text(),
            self.doc_country.text(),
            self.doc_phone.text(),
            self.doc_email.text(),
        )
        self.attempt(
            lambda: patients.set_physician(self.ctx, self.ref, data), self.physician_errors
        )

    def add_companion(self) -> None:
        dialog = CompanionDialog(self)
        dialog.submit = lambda: self._save_companion(dialog)
        self.dialog = dialog
        dialog.open()

    def _save_companion(self, dialog: CompanionDialog) -> None:
        patients.add_companion(self.ctx, self.ref, dialog.value())
        self.changed.emit()

    def remove_companion(self) -> None:
        row = self.companion_model.row_at(self.companion_view.currentIndex())
        if row is None:
            return
        question = f"Remove {row.full_name} from the travellers? Their lodging places go too."
        if not self.prompts.confirm(self, "Remove companion", question):
            return
        self.attempt(lambda: patients.remove_companion(self.ctx, self.ref, row.id))
