"""The interpreter roster (coordinators, managers, admins): add, correct, take off or back on it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import interpreters as interp
from caseapp.services.context import ServiceContext
from caseapp.services.interpreters import InterpreterInput, InterpreterRow
from caseapp.ui.roster_rows import inactive_colour, selected_row
from caseapp.ui.widgets import note, show_inline, status_label
from caseapp.ui.workspace.forms import FieldErrors, add_row, button_row
from caseapp.ui.workspace.table import Column, RowTableModel, compact


class InterpreterTableModel(RowTableModel[InterpreterRow]):
    columns = (
        Column("Name", lambda r: r.name, lambda r: inactive_colour(r.active)),
        Column("中文名", lambda r: r.name_zh, lambda r: inactive_colour(r.active)),
        Column("Languages", lambda r: ", ".join(r.languages), lambda r: inactive_colour(r.active)),
        Column(
            "Certified",
            lambda r: "medical" if r.medical_certified else "",
            lambda r: inactive_colour(r.active),
        ),
        Column(
            "CNY/h",
            lambda r: f"{r.hourly_rate_cny:.0f}",
            lambda r: inactive_colour(r.active),
            align_right=True,
        ),
        Column("Phone", lambda r: r.phone, lambda r: inactive_colour(r.active)),
        Column("E-mail", lambda r: r.email, lambda r: inactive_colour(r.active)),
        Column("City", lambda r: r.city, lambda r: inactive_colour(r.active)),
        Column(
            "Active",
            lambda r: "yes" if r.active else "off roster",
            lambda r: inactive_colour(r.active),
        ),
    )


class InterpreterPage(QWidget):
    """The roster: select a row to correct it, or start a new entry; take people off it."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.field_errors = FieldErrors()
        self.editing: int | None = None
        self.model = InterpreterTableModel(self)
        self.view = compact(QTableView(), 2)
        self.view.setObjectName("interpreterTable")
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.form_box = QGroupBox("New interpreter")
        form = QFormLayout(self.form_box)
        e = self.field_errors
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name_zh = QLineEdit()
        self.languages = QLineEdit()
        self.languages.setObjectName("languages")
        self.languages.setPlaceholderText("comma-separated, e.g. Arabic, English")
        self.certified = QCheckBox("Medically certified")
        self.rate = QLineEdit("0")
        self.rate.setObjectName("hourly_rate_cny")
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rate.setMaximumWidth(self.rate.fontMetrics().horizontalAdvance("0000000.00") + 16)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.city = QLineEdit()
        add_row(form, "Name:", self.name, e, "name")
        add_row(form, "Chinese name:", self.name_zh, e, "name_zh")
        add_row(form, "Languages:", self.languages, e, "languages")
        form.addRow("", self.certified)
        add_row(form, "Rate (CNY/h):", self.rate, e, "hourly_rate_cny")
        add_row(form, "Phone:", self.phone, e, "phone")
        add_row(form, "E-mail:", self.email, e, "email")
        add_row(form, "City:", self.city, e, "city")
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("saveInterpreter")
        self.save_button.clicked.connect(self.save)
        self.new_button = QPushButton("&New")
        self.new_button.setToolTip("Empty the form for a new interpreter")
        self.new_button.clicked.connect(self.start_new)
        form.addRow("", button_row(self.save_button, self.new_button))

        self.active_button = QPushButton("Take off roster")
        self.active_button.setObjectName("toggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        self.status = status_label()
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addLayout(button_row(self.active_button))
        left.addWidget(
            note(
                "Interpreters off the roster are no longer suggested for appointments; their "
                "past bookings stay."
            )
        )
        right = QVBoxLayout()
        right.addWidget(self.form_box)
        right.addWidget(self.field_errors.general())
        right.addWidget(self.status)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(interp.list_interpreters(self.ctx))
        self._selection_changed()

    def selected(self) -> InterpreterRow | None:
        row = selected_row(self.view, self.model)  # type: ignore[arg-type]
        return row if isinstance(row, InterpreterRow) else None

    def select(self, interpreter_id: int) -> None:
        for n, row in enumerate(self.model.rows):
            if row.id == interpreter_id:
                self.view.selectRow(n)
                return

    def _selection_changed(self, *_args: QItemSelection) -> None:
        row = self.selected()
        self.active_button.setEnabled(row is not None)
        self.active_button.setText(
            "Put back on roster" if row is not None and not row.active else "Take off roster"
        )
        if row is not None:
            self.show_row(row)

    def show_row(self, row: InterpreterRow) -> None:
        self.editing = row.id
        self.form_box.setTitle(f"Edit {row.name}")
        self.name.setText(row.name)
        self.name_zh.setText(row.name_zh)
        self.languages.setText(", ".join(row.languages))
        self.certified.setChecked(row.medical_certified)
        self.rate.setText(f"{row.hourly_rate_cny:.2f}")
        self.phone.setText(row.phone)
        self.email.setText(row.email)
        self.city.setText(row.city)
        self.field_errors.clear()

    def start_new(self) -> None:
        self.view.clearSelection()
        self.editing = None
        self.form_box.setTitle("New interpreter")
        for w in (self.name, self.name_zh, self.languages, self.phone, self.email, self.city):
            w.clear()
        self.rate.setText("0")
        self.certified.setChecked(False)
        self.field_errors.clear()
        self.status.clear()
        self.name.setFocus()

    def data(self) -> InterpreterInput:
        return InterpreterInput(
            name=self.name.text(),
            languages=tuple(part.strip() for part in self.languages.text().split(",")),
            name_zh=self.name_zh.text(),
            medical_certified=self.certified.isChecked(),
            hourly_rate_cny=self.rate.text().strip().replace(",", "") or "0",
            phone=self.phone.text(),
            email=self.email.text(),
            city=self.city.text(),
        )

    def save(self) -> InterpreterRow | None:
        self.status.clear()
        try:
            if self.editing is None:
                row = interp.add_interpreter(self.ctx, self.data())
            else:
                row = interp.update_interpreter(self.ctx, self.editing, self.data())
        except Exception as exc:
            show_inline(self, self.field_errors, exc)
            return None
        added = self.editing is None
        self.reload()
        self.select(row.id)
        self.status.setText(f"{row.name} {'added to' if added else 'saved in'} the roster.")
        self.changed.emit()
        return row

    def toggle_active(self) -> InterpreterRow | None:
        current = self.selected()
        if current is None:
            return None
        self.status.clear()
        try:
            row = interp.set_interpreter_active(self.ctx, current.id, not current.active)
        except Exception as exc:
            show_inline(self, self.field_errors, exc)
            return None
        self.reload()
        self.select(row.id)
        self.status.setText(
            f"{row.name} is back on the roster."
            if row.active
            else f"{row.name} is off the roster and no longer suggested."
        )
        self.changed.emit()
        return row
