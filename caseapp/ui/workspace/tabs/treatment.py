"""Treatment: milestones on the day-0 scale, the toxicity log (ASTCT), costs, the handoff letter."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

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
    QWidget,
)

from caseapp.services import treatment
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import ValidationError
from caseapp.services.treatment import (
    COST_CATEGORIES,
    HANDOFF_LETTER,
    CostRow,
    MilestoneRow,
)
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import DateField, FieldErrors, add_row, button_row, permit
from caseapp.ui.workspace.palette import BLUE, GREEN
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day
from caseapp.ui.workspace.tabs.discharge_panel import DischargePanel
from caseapp.ui.workspace.tabs.toxicity_panel import ToxicityPanel


def _milestone_colour(m: MilestoneRow):
    if m.kind == "infusion" and (m.done_on or m.planned_on):
        return BLUE
    return GREEN if m.done_on else None


class MilestoneModel(RowTableModel[MilestoneRow]):
    columns = (
        Column("Milestone", lambda m: m.kind, _milestone_colour),
        Column("Planned", lambda m: day(m.planned_on)),
        Column("Done", lambda m: day(m.done_on), _milestone_colour),
        Column("Day", lambda m: m.day, _milestone_colour),
        Column("Notes", lambda m: m.notes, tooltip=lambda m: m.notes),
    )


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


class CostModel(RowTableModel[CostRow]):
    columns = (
        Column("Category", lambda c: c.category),
        Column("Description", lambda c: c.description, tooltip=lambda c: c.description),
        Column("Estimated", lambda c: _money(c.estimated), align_right=True),
        Column("Actual", lambda c: _money(c.actual), align_right=True),
        Column("Currency", lambda c: c.currency),
        Column("Date", lambda c: day(c.incurred_on)),
    )


def cost_totals(
    rows: Sequence[CostRow], home: str, cny_per_home: Decimal
) -> tuple[Decimal, Decimal, Decimal, Decimal, list[str]]:
    """(estimated CNY, actual CNY, estimated home, actual home, currencies left out)."""
    est = act = Decimal(0)
    others: set[str] = set()
    for r in rows:
        if r.currency == "CNY":
            factor = Decimal(1)
        elif r.currency == home:
            factor = cny_per_home
        else:
            others.add(r.currency)
            continue
        est += r.estimated * factor
        act += (r.actual or Decimal(0)) * factor
    return est, act, est / cny_per_home, act / cny_per_home, sorted(others)


class CostDialog(FormDialog):
    def __init__(self, parent: QWidget, row: CostRow | None) -> None:
        super().__init__("Change cost line" if row else "Add cost line", parent)
        self.row = row
        self.category = QComboBox()
        self.category.addItems(COST_CATEGORIES)
        if row:
            self.category.setCurrentText(row.category)
        self.description = QLineEdit(row.description if row else "")
        self.estimated = QLineEdit(f"{row.estimated:f}" if row else "")
        self.actual = QLineEdit(f"{row.actual:f}" if row and row.actual is not None else "")
        self.currency = QLineEdit(row.currency if row else "CNY")
        self.currency.setMaxLength(3)
        self.incurred = DateField(row.incurred_on if row else None)
        e = self.errors
        add_row(self.form, "Category", self.category, e, "category")
        add_row(self.form, "Description", self.description, e, "description")
        add_row(self.form, "Estimated", self.estimated, e, "estimated")
        add_row(self.form, "Actual", self.actual, e, "actual")
        add_row(self.form, "Currency", self.currency, e, "currency")
        add_row(self.form, "Date", self.incurred, e, "incurred_on")


def _table(model: RowTableModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    return compact(view, stretch)


class TreatmentTab(AreaTab):
    area = "treatment"
    title = "Treatment"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.dialog: FormDialog | None = None
        self.milestone_errors = FieldErrors()
        left = QVBoxLayout()
        left.addWidget(self._milestones_box(), 1)
        left.addWidget(self._handoff_box())
        right = QVBoxLayout()
        self.toxicity = ToxicityPanel(self)  # its own module: toxicity_panel.py
        right.addWidget(self.toxicity, 2)
        self.discharge = DischargePanel(self)
        right.addWidget(self.discharge)
        right.addWidget(self._costs_box(), 3)
        columns = QHBoxLayout(self)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

    # ---- building -------------------------------------------------------------------------

    def _milestones_box(self) -> QGroupBox:
        box = QGroupBox("Milestones (day 0 = CAR-T infusion)")
        self.milestones = MilestoneModel(self)
        self.milestone_view = _table(self.milestones, 4)
        self.milestone_view.selectionModel().currentRowChanged.connect(self._milestone_chosen)
        self.planned = DateField()
        self.done = DateField()
        self.milestone_notes = QLineEdit()
        self.save_milestone_button = QPushButton("Save milestone")
        self.save_milestone_button.clicked.connect(self.save_milestone)
        e = self.milestone_errors
        form = QFormLayout()
        self.milestone_label = QLabel("Select a milestone.")
        form.addRow("", self.milestone_label)
        row = QHBoxLayout()
        row.addWidget(QLabel("Planned"))
        row.addWidget(self.planned)
        row.addWidget(QLabel("Done"))
        row.addWidget(self.done)
        form.addRow(row)
        form.addRow("", e.label("planned_on", "done_on", *treatment.MILESTONE_KINDS, "kind"))
        form.addRow("Notes", self.milestone_notes)
        form.addRow("", e.general())
        form.addRow("", button_row(self.save_milestone_button))
        layout = QVBoxLayout(box)
        layout.addWidget(self.milestone_view, 1)
        layout.addLayout(form)
        return box

    def _costs_box(self) -> QGroupBox:
        box = QGroupBox("Costs")
        self.costs = CostModel(self)
        self.cost_view = _table(self.costs, 1)
        self.cost_view.doubleClicked.connect(lambda _i: self.edit_cost())
        self.cost_view.selectionModel().selectionChanged.connect(lambda *_a: self._cost_buttons())
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.add_cost_button = QPushButton("Add cost…")
        self.add_cost_button.clicked.connect(lambda: self._open_cost(None))
        self.edit_cost_button = QPushButton("Edit…")
        self.edit_cost_button.clicked.connect(self.edit_cost)
        self.remove_cost_button = QPushButton("Remove")
        self.remove_cost_button.clicked.connect(self.remove_cost)
        row = QHBoxLayout()
        for b in (self.add_cost_button, self.edit_cost_button, self.remove_cost_button):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.cost_view, 1)
        layout.addWidget(self.totals)
        layout.addLayout(row)
        return box

    def _handoff_box(self) -> QGroupBox:
        box = QGroupBox("Discharge and handoff")
        self.handoff_label = QLabel()
        self.handoff_label.setWordWrap(True)
        self.handoff_button = QPushButton("Record handoff letter (PDF)…")
        self.handoff_button.setProperty(
            "normalTip", "Keep a signed handoff letter for the local physician with the case."
        )
        self.handoff_button.clicked.connect(self.record_handoff)
        layout = QVBoxLayout(box)
        layout.addWidget(self.handoff_label)
        row = QHBoxLayout()
        row.addWidget(self.handoff_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # ---- showing --------------------------------------------------------------------------

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        current = self.current_milestone()
        self.milestones.set_rows(detail.milestones)
        if current is not None:
            self.select_milestone(current.kind)
        self._milestone_chosen()
        self.discharge.load(detail)
        self.toxicity.load(detail)
        self.costs.set_rows(detail.costs)
        est, act, est_home, act_home, others = cost_totals(
            detail.costs, detail.home_currency, detail.cny_per_home_unit
        )
        home = detail.home_currency
        left_out = f" Lines in {', '.join(others)} are not converted." if others else ""
        self.totals.setText(
            f"<b>Estimated</b> {est:,.2f} CNY ≈ {est_home:,.2f} {home} · "
            f"<b>Actual</b> {act:,.2f} CNY ≈ {act_home:,.2f} {home} "
            f"(1 {home} = {detail.cny_per_home_unit.normalize():f} CNY).{left_out}"
        )
        letters = [d for d in detail.documents if d.kind == HANDOFF_LETTER]
        discharge = next((m for m in detail.milestones if m.kind == "discharge"), None)
        discharged = (
            f"Discharged on {discharge.done_on} ({discharge.day})."
            if discharge and discharge.done_on
            else "Discharge not recorded yet (select 'discharge' in the milestones)."
        )
        letter = (
            f"Handoff letter recorded {letters[-1].created_at.astimezone():%Y-%m-%d} "
            f"by {letters[-1].created_by} ({letters[-1].size // 1024 + 1} KB)."
            if letters
            else "<span style='color:#c62828'>No handoff letter for the local physician yet.</span>"
        )
        doc = detail.patient.physician
        to = (
            f" Local physician: {doc.name}, {doc.clinic}."
            if doc
            else " No local physician set (Overview)."
        )
        self.handoff_label.setText(f"{discharged}<br>{letter}<br>{to.strip()}")
        permit(self.actor, "documents.generate", self.handoff_button)
        self._cost_buttons()

    def _cost_buttons(self) -> None:
        permit(self.actor, "costs.edit", self.add_cost_button)
        permit(
            self.actor,
            "costs.edit",
            self.edit_cost_button,
            self.remove_cost_button,
            enabled=self.costs.row_at(self.cost_view.currentIndex()) is not None,
            why="Select a cost line first.",
        )

    def current_milestone(self) -> MilestoneRow | None:
        return self.milestones.row_at(self.milestone_view.currentIndex())

    def select_milestone(self, kind: str) -> None:
        kinds = [m.kind for m in self.milestones.rows]
        self.milestone_view.selectRow(kinds.index(kind))

    def _milestone_chosen(self, *_args: object) -> None:
        m = self.current_milestone()
        permit(
            self.actor,
            "treatment.edit",
            self.save_milestone_button,
            enabled=m is not None,
            why="Select a milestone first.",
        )
        if m is None:
            self.milestone_label.setText("Select a milestone to enter its dates.")
            return
        self.milestone_label.setText(f"<b>{m.kind}</b> {m.day}")
        self.planned.set_value(m.planned_on)
        self.done.set_value(m.done_on)
        self.milestone_notes.setText(m.notes)

    # ---- commands -------------------------------------------------------------------------

    def save_milestone(self) -> None:
        m = self.current_milestone()
        if m is None:
            return
        planned, done, notes = self.planned.value(), self.done.value(), self.milestone_notes.text()
        self.attempt(
            lambda: treatment.record_milestone(
                self.ctx, self.ref, m.kind, planned_on=planned or done, done_on=done, notes=notes
            ),
            self.milestone_errors,
        )

    def edit_cost(self) -> None:
        row = self.costs.row_at(self.cost_view.currentIndex())
        if row is not None and self.add_cost_button.isEnabled():
            self._open_cost(row)

    def _open_cost(self, row: CostRow | None) -> None:
        dialog = CostDialog(self, row)

        def submit() -> None:
            treatment.save_cost(
                self.ctx,
                self.ref,
                dialog.category.currentText(),
                dialog.estimated.text(),
                dialog.actual.text() or None,
                dialog.description.text(),
                dialog.currency.text(),
                dialog.incurred.value(),
                row.id if row else None,
            )
            self.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def remove_cost(self) -> None:
        row = self.costs.row_at(self.cost_view.currentIndex())
        if row is not None and self.prompts.confirm(
            self, "Remove cost line", f"Remove the {row.category} line ({_money(row.estimated)})?"
        ):
            self.attempt(lambda: treatment.remove_cost(self.ctx, self.ref, row.id))

    def record_handoff(self) -> None:
        path = self.prompts.choose_file(self, "The signed handoff letter", "PDF (*.pdf)")
        if path is None:
            return
        try:
            content = path.read_bytes()
        except OSError as exc:
            self.prompts.show_error(self, exc)
            return
        if not content.startswith(b"%PDF"):
            self.prompts.show_error(self, ValidationError(f"{path.name} is not a PDF file."))
            return
        self.attempt(lambda: treatment.record_document(self.ctx, self.ref, HANDOFF_LETTER, content))
