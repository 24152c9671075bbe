"""New case dialog: patient, companions, program, owner and plan; the service validates.

A ValidationError's `field` names the input it belongs to: its sentence appears in red under
that input and the dialog keeps everything typed, so nothing is lost on a refused save.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import cases as case_service
from caseapp.services.cases import NewCase
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError, ValidationError
from caseapp.services.patients import CompanionInput, PatientInput
from caseapp.services.reference import list_programs
from caseapp.services.staff import list_staff
from caseapp.ui import errors
from caseapp.ui.dates import OptionalDateEdit

ERROR_STYLE = "color: #b91c1c;"

# Service field names that belong to the companions block rather than one input.
COMPANION_FIELDS = frozenset(
    {"companion_name", "relation", "companion_passport", "companion_passport_expiry"}
)


class DateField(OptionalDateEdit):
    """A date input that may be left empty; typing and the popup start near `default`."""

    def __init__(self, default: date, parent: QWidget | None = None) -> None:
        super().__init__(default, parent)


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class CompanionRow(QWidget):
    """One travelling companion: name, relation, sex, passport number and expiry."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Full name as in passport")
        self.relation = QLineEdit()
        self.relation.setPlaceholderText("e.g. mother")
        self.sex = QComboBox()
        for text, value in (("—", ""), ("F", "F"), ("M", "M")):
            self.sex.addItem(text, value)
        self.passport = QLineEdit()
        self.passport.setPlaceholderText("Passport no.")
        self.expiry = DateField(date(today.year + 3, today.month, 1))
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this companion")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name, 3)
        layout.addWidget(self.relation, 2)
        layout.addWidget(self.sex, 0)
        layout.addWidget(self.passport, 2)
        layout.addWidget(self.expiry, 2)
        layout.addWidget(self.remove, 0)

    def is_empty(self) -> bool:
        return not (
            self.name.text().strip() or self.relation.text().strip() or self.passport.text().strip()
        )

    def value(self) -> CompanionInput:
        return CompanionInput(
            full_name=self.name.text(),
            relation=self.relation.text(),
            sex=str(self.sex.currentData() or ""),
            passport_number=self.passport.text(),
            passport_expiry=self.expiry.value(),
        )


class NewCaseDialog(QDialog):
    """Open a case for a new patient; on success `created_ref` holds the new case's ref."""

    def __init__(
        self,
        ctx: ServiceContext,
        parent: QWidget | None = None,
        *,
        nationalities: Iterable[str] = (),
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created_ref: str | None = None
        self.setWindowTitle("New case")
        self.setObjectName("newCaseDialog")
        today = ctx.today()
        self._today = today
        self._errors: dict[str, QLabel] = {}
        self._inputs: dict[str, QWidget] = {}

        # ---- patient ----
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText("As in the passport")
        self.sex = QComboBox()
        for text, value in (("— choose —", ""), ("F (female)", "F"), ("M (male)", "M")):
            self.sex.addItem(text, value)
        self.date_of_birth = DateField(date(today.year - 40, 1, 1))
        self.nationality = QLineEdit()
        names = sorted({n for n in nationalities if n})
        if names:
            completer = QCompleter(names, self.nationality)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.nationality.setCompleter(completer)
        self.passport_number = QLineEdit()
        self.passport_number.setPlaceholderText("Letters and digits, no spaces")
        self.passport_expiry = DateField(date(today.year + 2, today.month, 1))
        self.languages = QLineEdit()
        self.languages.setPlaceholderText("e.g. Russian, English")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("+7 …")
        self.email = QLineEdit()
        self.home_city = QLineEdit()

        patient_box = QGroupBox("Patient")
        pf = self._form(patient_box)
        self._add(pf, "Full name", "full_name", self.full_name)
        self._add(pf, "Sex", "sex", self.sex)
        self._add(pf, "Date of birth", "date_of_birth", self.date_of_birth)
        self._add(pf, "Nationality", "nationality", self.nationality)
        self._add(pf, "Passport no.", "passport_number", self.passport_number)
        self._add(pf, "Passport expiry", "passport_expiry", self.passport_expiry)
        self._add(pf, "Languages", "languages", self.languages)
        self._add(pf, "Phone", "phone", self.phone)
        self._add(pf, "E-mail", "email", self.email)
        self._add(pf, "Home city", "home_city", self.home_city)

        # ---- case ----
        self.program = QComboBox()
        for p in list_programs(ctx):
            self.program.addItem(f"{p.code} — {p.name}", p.code)
            self.program.setItemData(
                self.program.count() - 1,
                f"{p.hospital_en}, {p.city_en}; targets {', '.join(p.targets)}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.program.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.program.setMinimumContentsLength(24)
        staff = [s for s in list_staff(ctx) if s.active]
        self.owner = QComboBox()
        for s in staff:
            if s.role in ("facilitator", "manager"):
                self.owner.addItem(f"{s.full_name} ({s.role})", s.login)
        mine = self.owner.findData(ctx.actor.login)
        if mine >= 0:
            self.owner.setCurrentIndex(mine)
        self.coordinator = QComboBox()
        self.coordinator.addItem("— none yet —", "")
        for s in staff:
            if s.role == "coordinator":
                self.coordinator.addItem(s.full_name, s.login)
        self.planned_arrival = DateField(date(today.year, today.month, 1))
        self.planned_departure = DateField(date(today.year, today.month, 1))
        self.home_currency = QLineEdit("USD")
        self.home_currency.setMaxLength(3)
        self.home_currency.setValidator(
            QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self.home_currency)
        )
        self.home_currency.setMaximumWidth(80)
        self.cny_per_home_unit = QLineEdit("7.1")
        self.cny_per_home_unit.setToolTip("How many yuan (CNY) one unit of the home currency buys")
        self.cny_per_home_unit.setMaximumWidth(120)
        self.payer = QLineEdit()
        self.payer.setPlaceholderText("the patient (self-funded)")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Anything the team should know")
        self.notes.setFixedHeight(64)

        case_box = QGroupBox("Case")
        cf = self._form(case_box)
        self._add(cf, "Program", "program", self.program)
        self._add(cf, "Owner", "owner", self.owner)
        self._add(cf, "Coordinator", "coordinator", self.coordinator)
        self._add(cf, "Planned arrival", "planned_arrival", self.planned_arrival)
        self._add(cf, "Planned departure", "planned_departure", self.planned_departure)
        self._add(cf, "Home currency", "home_currency", self.home_currency)
        self._add(cf, "CNY per unit", "cny_per_home_unit", self.cny_per_home_unit)
        self._add(cf, "Payer", "payer", self.payer)
        self._add(cf, "Notes", "notes", self.notes)

        # ---- companions ----
        companion_box = QGroupBox("Companions travelling with the patient")
        self.companion_rows: list[CompanionRow] = []
        self._companion_layout = QVBoxLayout()
        self._companion_layout.setSpacing(4)
        header = QGridLayout()
        self.companions_empty = QLabel("No companions yet. A caregiver usually travels along.")
        self.companions_empty.setStyleSheet("color: palette(mid);")
        self.add_companion_button = QPushButton("Add companion")
        self.add_companion_button.clicked.connect(lambda: self.add_companion())
        header.addWidget(self.companions_empty, 0, 0)
        header.addWidget(self.add_companion_button, 0, 1, Qt.AlignmentFlag.AlignRight)
        cbox = QVBoxLayout(companion_box)
        cbox.addLayout(header)
        cbox.addLayout(self._companion_layout)
        companion_error = _error_label()
        self._errors["companions"] = companion_error
        cbox.addWidget(companion_error)

        self.general_error = _error_label()
        self.general_error.setObjectName("generalError")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Open case")
        ok.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(patient_box, 1)
        columns.addWidget(case_box, 1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(columns)
        body_layout.addWidget(companion_box)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(980, 600)
        self.full_name.setFocus()

    # ---- layout helpers ------------------------------------------------------------------

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return form

    def _add(self, form: QFormLayout, label: str, key: str, widget: QWidget) -> None:
        """The input with its (hidden) error label right under it."""
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        err = _error_label()
        err.setObjectName(f"error_{key}")
        box.addWidget(err)
        holder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        form.addRow(label, holder)
        self._errors[key] = err
        self._inputs[key] = widget

    # ---- companions ----------------------------------------------------------------------

    def add_companion(self) -> CompanionRow:
        row = CompanionRow(self._today)
        row.remove.clicked.connect(lambda: self.remove_companion(row))
        self.companion_rows.append(row)
        self._companion_layout.addWidget(row)
        self.companions_empty.setText("Name, relation, sex, passport no. and expiry:")
        row.name.setFocus()
        return row

    def remove_companion(self, row: CompanionRow) -> None:
        self.companion_rows.remove(row)
        self._companion_layout.removeWidget(row)
        row.deleteLater()
        if not self.companion_rows:
            self.companions_empty.setText("No companions yet. A caregiver usually travels along.")

    # ---- errors ----------------------------------------------------------------------------

    def error_for(self, key: str) -> str:
        """The error shown for a field ('' if none); tests and screen readers read it."""
        label = self._errors.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def visible_errors(self) -> dict[str, str]:
        out = {k: v.text() for k, v in self._errors.items() if not v.isHidden()}
        if not self.general_error.isHidden():
            out[""] = self.general_error.text()
        return out

    def clear_errors(self) -> None:
        for label in (*self._errors.values(), self.general_error):
            label.clear()
            label.hide()

    def show_field_error(self, field: str | None, message: str) -> None:
        key = field or ""
        if key in COMPANION_FIELDS:
            key = "companions"
        label = self._errors.get(key)
        if label is None:
            self.general_error.setText(message)
            self.general_error.show()
            return
        label.setText(message)
        label.show()
        widget = self._inputs.get(key)
        if widget is not None:
            widget.setFocus()

    # ---- submitting --------------------------------------------------------------------------

    def new_case(self) -> NewCase | None:
        """The form as a NewCase, or None (with inline errors) when a required date is missing."""
        missing = False
        for key, field, sentence in (
            ("date_of_birth", self.date_of_birth, "Enter the date of birth."),
            ("passport_expiry", self.passport_expiry, "Enter the passport's expiry date."),
        ):
            if field.is_blank():
                self.show_field_error(key, sentence)
                missing = True
        if missing:
            return None
        dob, expiry = self.date_of_birth.value(), self.passport_expiry.value()
        assert dob is not None and expiry is not None
        patient = PatientInput(
            full_name=self.full_name.text(),
            sex=str(self.sex.currentData() or ""),
            date_of_birth=dob,
            nationality=self.nationality.text(),
            passport_number=self.passport_number.text(),
            passport_expiry=expiry,
            languages=tuple(x.strip() for x in self.languages.text().split(",") if x.strip()),
            phone=self.phone.text(),
            email=self.email.text(),
            home_city=self.home_city.text(),
        )
        return NewCase(
            patient=patient,
            program_code=str(self.program.currentData() or ""),
            owner_login=str(self.owner.currentData() or ""),
            planned_arrival=self.planned_arrival.value(),
            planned_departure=self.planned_departure.value(),
            companions=tuple(r.value() for r in self.companion_rows if not r.is_empty()),
            home_currency=self.home_currency.text(),
            cny_per_home_unit=self.cny_per_home_unit.text(),
            payer=self.payer.text() or "the patient (self-funded)",
            coordinator_login=str(self.coordinator.currentData() or "") or None,
            notes=self.notes.toPlainText(),
        )

    def submit(self) -> bool:
        """Ask the service to open the case; on refusal show why and keep every input."""
        self.clear_errors()
        new = self.new_case()
        if new is None:
            return False
        try:
            self.created_ref = case_service.open_case(self.ctx, new)
        except ValidationError as exc:
            self.show_field_error(exc.field, exc.message)
            return False
        except DomainError as exc:
            self.show_field_error(None, exc.message)
            return False
        except Exception as exc:
            errors.show_error(self, exc)
            return False
        self.accept()
        return True
