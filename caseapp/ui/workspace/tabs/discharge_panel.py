"""The Treatment tab's discharge panel: the medicines a patient takes home and the blood counts.

Its own module so the Treatment tab only places it and passes the case on; saving goes through
caseapp.services.discharge like every other form (errors inline, input kept).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import discharge
from caseapp.services.cases import CaseDetail
from caseapp.services.discharge import MOMENT_WORDS, CountRow, MedicationInput, MedicationRow
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import DateField, add_row, permit
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day

MEDICATION_FIELDS = (
    ("name", "Medicine", "e.g. Aciclovir"),
    ("dose", "Dose", "e.g. 400 mg"),
    ("frequency", "How often", "e.g. twice a day"),
    ("until", "Until", "e.g. day +365, or until CD4 above 200/µL"),
    ("reason", "Why", "e.g. herpes virus prophylaxis"),
)


class MedicationModel(RowTableModel[MedicationRow]):
    columns = (
        Column("Medicine", lambda m: m.name),
        Column("Dose", lambda m: m.dose),
        Column("How often", lambda m: m.frequency),
        Column("Until", lambda m: m.until, tooltip=lambda m: m.until),
        Column("Why", lambda m: m.reason, tooltip=lambda m: m.reason),
    )


class CountModel(RowTableModel[CountRow]):
    columns = (
        Column("Counts at", lambda c: MOMENT_WORDS[c.moment]),
        Column("Taken", lambda c: day(c.taken_on)),
        Column("ANC 10⁹/L", lambda c: f"{c.anc.normalize():f}", align_right=True),
        Column("Platelets 10⁹/L", lambda c: str(c.platelets), align_right=True),
        Column("Hb g/L", lambda c: str(c.haemoglobin), align_right=True),
    )


class MedicationDialog(FormDialog):
    """One discharge medicine, copied from the hospital's discharge summary."""

    def __init__(self, parent: QWidget, row: MedicationRow | None) -> None:
        super().__init__("Change discharge medicine" if row else "Add discharge medicine", parent)
        self.fields: dict[str, QLineEdit] = {}
        for name, title, hint in MEDICATION_FIELDS:
            edit = QLineEdit(getattr(row, name) if row else "")
            edit.setPlaceholderText(hint)
            self.fields[name] = edit
            add_row(self.form, title, edit, self.errors, name)

    def value(self) -> MedicationInput:
        return MedicationInput(**{name: edit.text() for name, edit in self.fields.items()})


class CountDialog(FormDialog):
    """The counts of one moment (day +28 assessment or discharge); saving again corrects them."""

    def __init__(self, parent: QWidget, moment: str, row: CountRow | None, today: object) -> None:
        super().__init__("Blood counts", parent)
        self.moment = QComboBox()
        for key, words in MOMENT_WORDS.items():
            self.moment.addItem(words, key)
        self.moment.setCurrentIndex(list(MOMENT_WORDS).index(moment))
        self.taken = DateField(row.taken_on if row else today)  # type: ignore[arg-type]
        self.anc = QLineEdit(f"{row.anc.normalize():f}" if row else "")
        self.anc.setPlaceholderText("10⁹/L, e.g. 1.2")
        self.platelets = QLineEdit(str(row.platelets) if row else "")
        self.platelets.setPlaceholderText("10⁹/L, e.g. 85")
        self.haemoglobin = QLineEdit(str(row.haemoglobin) if row else "")
        self.haemoglobin.setPlaceholderText("g/L, e.g. 98")
        e = self.errors
        add_row(self.form, "Counts at", self.moment, e, "moment")
        add_row(self.form, "Taken on", self.taken, e, "taken_on")
        add_row(self.form, "ANC", self.anc, e, "anc")
        add_row(self.form, "Platelets", self.platelets, e, "platelets")
        add_row(self.form, "Haemoglobin", self.haemoglobin, e, "haemoglobin")


def _table(model: RowTableModel, rows: int, *stretch: int) -> QTableView:
    """A table tall enough for `rows` rows: the milestones above keep the tab's spare height."""
    view = QTableView()
    view.setModel(model)
    compact(view, *stretch)
    row = view.verticalHeader().defaultSectionSize()
    view.setFixedHeight(row * (rows + 1) + 2 * view.frameWidth() + 4)
    return view


class DischargePanel(QGroupBox):
    """Medicines to take home and blood counts; `load` shows a case, the tab reloads on save."""

    def __init__(self, tab: AreaTab) -> None:
        super().__init__("Discharge medicines and blood counts")
        self.tab = tab
        self.dialog: FormDialog | None = None
        self.medications = MedicationModel(self)
        self.medication_view = _table(self.medications, 4, 4)
        self.medication_view.doubleClicked.connect(lambda _i: self.edit_medication())
        self.medication_view.selectionModel().selectionChanged.connect(lambda *_a: self._buttons())
        self.add_button = QPushButton("Add medicine…")
        self.add_button.clicked.connect(lambda: self._open_medication(None))
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_medication)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_medication)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.counts = CountModel(self)
        self.count_view = _table(self.counts, 2)
        self.count_view.doubleClicked.connect(lambda _i: self.record_counts())
        self.counts_button = QPushButton("Record counts…")
        self.counts_button.clicked.connect(self.record_counts)
        meds_row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button):
            meds_row.addWidget(b)
        meds_row.addStretch(1)
        counts_row = QHBoxLayout()
        counts_row.addWidget(self.counts_button)
        counts_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.medication_view)
        layout.addWidget(self.empty_label)
        layout.addLayout(meds_row)
        layout.addWidget(self.count_view)
        layout.addLayout(counts_row)

    def load(self, detail: CaseDetail) -> None:
        self.medications.set_rows(detail.discharge_medications)
        self.counts.set_rows(detail.blood_counts)
        self.empty_label.setText(
            ""
            if detail.discharge_medications
            else "<span style='color:#c62828'>No discharge medicines recorded: copy them from "
            "the hospital's discharge summary.</span>"
        )
        self.empty_label.setVisible(not detail.discharge_medications)
        self._buttons()

    def _buttons(self) -> None:
        actor = self.tab.actor
        permit(actor, "treatment.edit", self.add_button, self.counts_button)
        permit(
            actor,
            "treatment.edit",
            self.edit_button,
            self.remove_button,
            enabled=self.current_medication() is not None,
            why="Select a medicine first.",
        )

    def current_medication(self) -> MedicationRow | None:
        return self.medications.row_at(self.medication_view.currentIndex())

    # ---- commands -------------------------------------------------------------------------

    def edit_medication(self) -> None:
        row = self.current_medication()
        if row is not None and self.add_button.isEnabled():
            self._open_medication(row)

    def _open_medication(self, row: MedicationRow | None) -> None:
        dialog = MedicationDialog(self, row)
        tab = self.tab

        def submit() -> None:
            discharge.save_medication(tab.ctx, tab.ref, dialog.value(), row.id if row else None)
            tab.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def remove_medication(self) -> None:
        row = self.current_medication()
        tab = self.tab
        if row is not None and tab.prompts.confirm(
            self, "Remove discharge medicine", f"Remove {row.name} {row.dose} from the list?"
        ):
            tab.attempt(lambda: discharge.remove_medication(tab.ctx, tab.ref, row.id))

    def record_counts(self) -> None:
        if not self.counts_button.isEnabled():
            return
        chosen = self.counts.row_at(self.count_view.currentIndex())
        existing = {r.moment: r for r in self.counts.rows}
        missing = [m for m in MOMENT_WORDS if m not in existing]
        moment = chosen.moment if chosen else (missing[0] if missing else "discharge")
        tab = self.tab
        dialog = CountDialog(self, moment, existing.get(moment), tab.ctx.today())

        def submit() -> None:
            discharge.record_counts(
                tab.ctx,
                tab.ref,
                dialog.moment.currentData(),
                dialog.taken.value(),
                dialog.anc.text(),
                dialog.platelets.text(),
                dialog.haemoglobin.text(),
            )
            tab.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()
