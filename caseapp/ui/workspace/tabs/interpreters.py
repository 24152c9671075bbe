"""Interpreters: appointments in China time; a chooser offers only free, fitting interpreters."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from caseapp.services import interpreters
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import DomainError
from caseapp.services.interpreters import CHINA_TZ, AppointmentInput, AppointmentRow, Suggestion
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import add_row, permit
from caseapp.ui.workspace.palette import RED, STRONG_RED
from caseapp.ui.workspace.table import Column, RowTableModel, compact, whole_row


def in_china(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%a %Y-%m-%d %H:%M")


def problem(a: AppointmentRow) -> str:
    """What is wrong with an appointment's interpreter, in words; empty when nothing is."""
    if not a.needs_interpreter:
        return ""
    if a.interpreter_id is None:
        return "no interpreter booked"
    if not a.language_ok:
        return "does not speak the patient's language"
    if a.conflict_with:
        return "double-booked at this time"
    return ""


def _check(a: AppointmentRow) -> str:
    if not a.needs_interpreter:
        return "no interpreter needed"
    return problem(a) or "✔ ok"


def _colour(a: AppointmentRow) -> QColor | None:
    return RED if problem(a) else None


def _interpreter(a: AppointmentRow) -> str:
    if a.interpreter_id is None:
        return ""
    zh = f" ({a.interpreter_name_zh})" if a.interpreter_name_zh else ""
    return f"{a.interpreter_name}{zh}"


class AppointmentModel(RowTableModel[AppointmentRow]):
    columns = whole_row(
        _colour,
        [
            Column("Appointment", lambda a: a.title, tooltip=lambda a: a.title),
            Column("Start (China time)", lambda a: in_china(a.starts_at)),
            Column("End (China time)", lambda a: in_china(a.ends_at)),
            Column("Place", lambda a: a.place),
            Column(
                "Interpreter",
                _interpreter,
                tooltip=lambda a: f"{', '.join(a.interpreter_languages)} · {a.interpreter_phone}",
            ),
            Column("Check", _check),
        ],
    )


def _qdt(moment: datetime) -> QDateTime:
    local = moment.astimezone(CHINA_TZ)
    return QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)


def _china(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=CHINA_TZ)


class AppointmentDialog(FormDialog):
    """Times are China wall-clock; the chooser re-asks suggest_interpreters on each change."""

    def __init__(self, tab: InterpretersTab, row: AppointmentRow | None, start: datetime) -> None:
        super().__init__("Change appointment" if row else "Add appointment", tab)
        self.tab, self.row = tab, row
        self.setMinimumWidth(780)
        self.title_edit = QLineEdit(row.title if row else "")
        self.place = QLineEdit(row.place if row else "")
        self.starts = QDateTimeEdit(_qdt(row.starts_at if row else start))
        self.ends = QDateTimeEdit(_qdt(row.ends_at if row else start + timedelta(hours=2)))
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.needs = QCheckBox("Needs an interpreter")
        self.needs.setChecked(row.needs_interpreter if row else True)
        self.chooser = QComboBox()
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(40)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        languages = ", ".join(tab.detail.patient.languages) if tab.detail else ""
        note = QLabel(f"China time (Asia/Shanghai). The patient speaks {languages}.")
        note.setStyleSheet("color: #555;")
        e = self.errors
        add_row(self.form, "What", self.title_edit, e, "title")
        add_row(self.form, "Place", self.place, e, "place")
        add_row(self.form, "Start (China time)", self.starts, e, "starts_at")
        add_row(self.form, "End (China time)", self.ends, e, "ends_at")
        self.form.addRow("", note)
        self.form.addRow("", self.needs)
        add_row(self.form, "Interpreter", self.chooser, e, "interpreter_id")
        self.form.addRow("", self.reason)
        self.suggestions: list[Suggestion] = []
        self.starts.dateTimeChanged.connect(self.refresh)
        self.ends.dateTimeChanged.connect(self.refresh)
        self.needs.toggled.connect(self.refresh)
        self.chooser.currentIndexChanged.connect(self._show_reason)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        """Offer only interpreters who speak the language and are free then, best first."""
        keep = self.chooser.currentData()
        if keep is None and self.row is not None:
            keep = self.row.interpreter_id
        self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.setEnabled(self.needs.isChecked())
        start, end = _china(self.starts.dateTime()), _china(self.ends.dateTime())
        self.suggestions = []
        if self.needs.isChecked() and end > start:
            try:
                self.suggestions = interpreters.suggest_interpreters(
                    self.tab.ctx, self.tab.ref, start, end, self.row.id if self.row else None
                )
            except DomainError as exc:
                self.errors.show(exc)
        for s in self.suggestions:
            i = s.interpreter
            zh = f" ({i.name_zh})" if i.name_zh else ""
            self.chooser.addItem(f"{i.name}{zh} — {s.reason}", i.id)
        row = self.row
        if (
            row is not None
            and row.interpreter_id is not None
            and self.chooser.findData(row.interpreter_id) < 0
            and self.needs.isChecked()
        ):
            label = f"{row.interpreter_name} — busy then or lacks the language"
            self.chooser.addItem(label, row.interpreter_id)
            self.chooser.setItemData(
                self.chooser.count() - 1, STRONG_RED, Qt.ItemDataRole.ForegroundRole
            )
        self.chooser.addItem("— nobody yet —", None)
        index = self.chooser.findData(keep) if keep is not None else -1
        self.chooser.setCurrentIndex(index if index >= 0 else 0)
        self.chooser.blockSignals(False)
        self._show_reason()

    def offered(self) -> list[int]:
        """Interpreter ids in the chooser, in order (the suggestions)."""
        return [s.interpreter.id for s in self.suggestions]

    def choose(self, interpreter_id: int | None) -> None:
        self.chooser.setCurrentIndex(self.chooser.findData(interpreter_id))

    def _show_reason(self, *_args: object) -> None:
        if not self.needs.isChecked():
            self.reason.setText("")
            return
        if not self.suggestions:
            self.reason.setText("Nobody who speaks the patient's language is free then.")
            self.reason.setStyleSheet("color: #c62828;")
            return
        chosen = self.chooser.currentData()
        offered = chosen is None or chosen in self.offered()
        self.reason.setStyleSheet("color: #555;" if offered else "color: #c62828;")
        self.reason.setText(
            f"{len(self.suggestions)} free interpreter(s) speak the patient's language; best first."
            if offered
            else "This interpreter is busy then or does not speak the patient's language."
        )

    def value(self) -> AppointmentInput:
        return AppointmentInput(
            title=self.title_edit.text(),
            starts_at=_china(self.starts.dateTime()),
            ends_at=_china(self.ends.dateTime()),
            place=self.place.text(),
            needs_interpreter=self.needs.isChecked(),
            interpreter_id=self.chooser.currentData() if self.needs.isChecked() else None,
        )


class InterpretersTab(AreaTab):
    area = "interpreters"
    title = "Interpreters"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.dialog: AppointmentDialog | None = None
        self.model = AppointmentModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        compact(self.view, 0)
        self.view.doubleClicked.connect(lambda _i: self.edit_appointment())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._buttons())
        self.summary = QLabel()
        self.add_button = QPushButton("Add appointment…")
        self.add_button.clicked.connect(self.add_appointment)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_appointment)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_appointment)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        self.model.set_rows(detail.interpreter_bookings)
        bad = sum(bool(problem(a)) for a in detail.interpreter_bookings)
        languages = ", ".join(detail.patient.languages)
        self.summary.setText(
            f"Times in China time (Asia/Shanghai). The patient speaks {languages}."
            + (
                f"  <span style='color:#c62828'><b>{bad} appointment(s) need attention.</b></span>"
                if bad
                else ""
            )
        )
        self._buttons()

    def _buttons(self) -> None:
        permit(self.actor, "interpreters.edit", self.add_button)
        permit(
            self.actor,
            "interpreters.edit",
            self.edit_button,
            self.remove_button,
            enabled=self.current() is not None,
            why="Select an appointment first.",
        )

    def current(self) -> AppointmentRow | None:
        return self.model.row_at(self.view.currentIndex())

    def _default_start(self) -> datetime:
        d = self.detail
        rows = d.interpreter_bookings if d else ()
        if rows:
            last = max(a.starts_at for a in rows).astimezone(CHINA_TZ)
            return (last + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        first = (d.planned_arrival if d and d.planned_arrival else self.ctx.today()) + timedelta(
            days=1
        )
        return datetime(first.year, first.month, first.day, 9, tzinfo=CHINA_TZ)

    def add_appointment(self) -> None:
        self._open(AppointmentDialog(self, None, self._default_start()))

    def edit_appointment(self) -> None:
        row = self.current()
        if row is not None and self.add_button.isEnabled():
            self._open(AppointmentDialog(self, row, row.starts_at))

    def _open(self, dialog: AppointmentDialog) -> None:
        def submit() -> None:
            interpreters.save_appointment(
                self.ctx,
                self.ref,
                dialog.value(),
                dialog.row.id if dialog.row else None,
                version=dialog.row.version if dialog.row else None,
            )
            self.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def remove_appointment(self) -> None:
        row = self.current()
        if row is not None and self.prompts.confirm(
            self, "Remove appointment", f"Remove '{row.title}' on {in_china(row.starts_at)}?"
        ):
            self.attempt(lambda: interpreters.remove_appointment(self.ctx, self.ref, row.id))
