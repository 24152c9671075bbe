"""Follow-up: the contact schedule from day 0; each contact done (response, MRD) or missed."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from caseapp.services import followup
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import ValidationError
from caseapp.services.followup import DEFAULT_PLAN_DAYS, MRD_STATUSES, RESPONSES, ContactRow
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.forms import DateField, FieldErrors, add_row, permit
from caseapp.ui.workspace.palette import AMBER, GREEN, GREY, RED, WARN_STYLE
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day, whole_row

STATUS_COLOURS = {"done": GREEN, "missed": GREY, "overdue": RED, "planned": None}


class ContactModel(RowTableModel[ContactRow]):
    """Rows know today's date so 'overdue' is shown as of the service clock."""

    def __init__(self, today: date, parent: object = None) -> None:
        super().__init__(parent)
        self.today = today
        status = lambda c: c.status(self.today)  # noqa: E731
        self.columns = whole_row(
            lambda c: STATUS_COLOURS.get(status(c)) if status(c) != "missed" or c.note else AMBER,
            [
                Column("Contact", lambda c: f"day +{c.day_offset}"),
                Column("Due", lambda c: day(c.due_on)),
                Column("Status", status),
                Column("Done on", lambda c: day(c.done_on)),
                Column("Response", lambda c: c.response),
                Column("MRD", lambda c: c.mrd),
                Column("Note", lambda c: c.note, tooltip=lambda c: c.note),
            ],
        )


class FollowupTab(AreaTab):
    area = "followup"
    title = "Follow-up"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.plan_errors = FieldErrors()
        self.errors = FieldErrors()
        self._shown: tuple[object, ...] | None = None  # the saved contact the form shows
        self.plan_days = QLineEdit(", ".join(str(d) for d in DEFAULT_PLAN_DAYS))
        self.plan_days.setToolTip("Days after infusion, separated by commas")
        self.create_button = QPushButton("Create plan from infusion date")
        self.create_button.clicked.connect(self.create_plan)
        self.plan_label = QLabel()
        plan_row = QHBoxLayout()
        plan_row.addWidget(QLabel("Contacts on days"))
        plan_row.addWidget(self.plan_days, 1)
        plan_row.addWidget(self.create_button)
        plan_box = QGroupBox("Schedule")
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.addWidget(self.plan_label)
        plan_layout.addLayout(plan_row)
        plan_layout.addWidget(self.plan_errors.label("plan_days", "infusion"))
        plan_layout.addWidget(self.plan_errors.general())

        self.model = ContactModel(self.ctx.today(), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        compact(self.view)
        self.view.selectionModel().currentRowChanged.connect(self._chosen)

        self.contact_label = QLabel("Select a contact.")
        self.done_on = DateField(self.ctx.today())
        self.response = QComboBox()
        self.response.addItem("", "")
        for r in RESPONSES:
            self.response.addItem(r, r)  # the data is what is stored: found again on selection
        self.mrd = QComboBox()
        self.mrd.addItem("", "")
        for m in MRD_STATUSES:
            self.mrd.addItem(m, m)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Required when missed: why, and what was agreed")
        self.done_button = QPushButton("Mark done")
        self.done_button.clicked.connect(self.mark_done)
        self.missed_button = QPushButton("Mark missed")
        self.missed_button.clicked.connect(self.mark_missed)
        form = QFormLayout()
        form.addRow("", self.contact_label)
        add_row(form, "Done on", self.done_on, self.errors, "done_on")
        self.done_warning = QLabel()
        self.done_warning.setWordWrap(True)
        self.done_warning.setStyleSheet(WARN_STYLE)
        # the line is always there (empty when the date is fine), so nothing below it moves
        self.done_warning.setMinimumHeight(self.done_warning.fontMetrics().lineSpacing() * 2)
        self.done_on.changed.connect(self._check_done_on)
        form.addRow("", self.done_warning)
        add_row(form, "Response", self.response, self.errors, "response")
        add_row(form, "MRD", self.mrd, self.errors, "mrd")
        add_row(form, "Note", self.note, self.errors, "note", "missed")
        form.addRow("", self.errors.general())
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.missed_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        contact_box = QGroupBox("Selected contact")
        contact_box.setLayout(form)

        layout = QVBoxLayout(self)
        layout.addWidget(plan_box)
        layout.addWidget(self.view, 1)
        layout.addWidget(contact_box)

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        current = self.current()
        self.model.today = self.ctx.today()
        self.model.set_rows(detail.followups)
        if current is not None:
            self.select(current.day_offset)
        infusion = next((m for m in detail.milestones if m.kind == "infusion"), None)
        day0 = infusion and (infusion.done_on or infusion.planned_on)
        self.plan_label.setText(
            f"Day 0 (infusion): {day0}. "
            + ("Re-creating keeps contacts already done." if detail.followups else "No plan yet.")
            if day0
            else "Record the infusion date (Treatment tab) to plan follow-up."
        )
        permit(
            self.actor,
            "followup.edit",
            self.create_button,
            enabled=bool(day0),
            why="Record the infusion date first (Treatment tab).",
        )
        self._chosen()

    def current(self) -> ContactRow | None:
        return self.model.row_at(self.view.currentIndex())

    def select(self, day_offset: int) -> None:
        offsets = [c.day_offset for c in self.model.rows]
        self.view.selectRow(offsets.index(day_offset))

    def _chosen(self, *_args: object) -> None:
        c = self.current()
        permit(
            self.actor,
            "followup.edit",
            self.done_button,
            self.missed_button,
            enabled=c is not None,
            why="Select a contact first.",
        )
        if c is None:
            self.contact_label.setText("Select a contact.")
            self.done_warning.clear()
            self._shown = None
            return
        self.contact_label.setText(
            f"<b>Day +{c.day_offset}</b>, due {c.due_on}: {c.status(self.ctx.today())}"
        )
        shown = (c.id, c.done_on, c.response, c.mrd, c.note)
        if shown == self._shown:
            return  # the same saved contact: keep what the user is typing
        self._shown = shown
        self.done_on.set_value(c.done_on or self.ctx.today())
        self.response.setCurrentIndex(max(self.response.findData(c.response), 0))
        self.mrd.setCurrentIndex(max(self.mrd.findData(c.mrd), 0))
        self.note.setText(c.note)
        self._check_done_on()

    def _check_done_on(self) -> None:
        """Say at once when the chosen date is far from the contact's due date."""
        c = self.current()
        done = self.done_on.value()
        self.done_warning.setText(
            followup.done_date_warning(c.day_offset, c.due_on, done) if c and done else ""
        )

    def create_plan(self) -> None:
        text = self.plan_days.text()
        try:
            days = [int(x) for x in text.replace(";", ",").split(",") if x.strip()]
        except ValueError:
            self.plan_errors.show(
                ValidationError("List whole days after infusion, e.g. 28, 60, 90.", "plan_days")
            )
            return
        self.attempt(
            lambda: followup.create_plan(self.ctx, self.ref, days or None), self.plan_errors
        )

    def mark_done(self) -> None:
        c = self.current()
        if c is None:
            return
        done = self.done_on.value()
        if done is None:
            self.errors.show(ValidationError("Enter the date of the contact.", "done_on"))
            return
        response, mrd = self.response.currentData() or "", self.mrd.currentData() or ""
        note = self.note.text()
        self.attempt(
            lambda: followup.record_contact(
                self.ctx, self.ref, c.id, done_on=done, response=response, mrd=mrd, note=note
            ),
            self.errors,
        )

    def mark_missed(self) -> None:
        c = self.current()
        if c is None:
            return
        note = self.note.text()
        self.attempt(
            lambda: followup.record_contact(self.ctx, self.ref, c.id, missed=True, note=note),
            self.errors,
        )
