"""The Treatment tab's toxicity log: add, edit (button or double-click), resolve and remove.

Its own module so the Treatment tab only places it. The form has one input per ASTCT domain
(CRS: fever, hypotension, hypoxia; ICANS: ICE score, level of consciousness, seizure, motor
findings, raised intracranial pressure) and shows the grade they give.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import toxicities
from caseapp.services.astct import IcansFindings, crs_grade, icans_grade_of
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import ValidationError
from caseapp.services.toxicities import CrsFindings, ToxicityInput
from caseapp.services.treatment import ToxicityRow
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import DateField, add_row, permit
from caseapp.ui.workspace.palette import AMBER, ORANGE, RED
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day

GRADE_COLOURS = {1: AMBER, 2: ORANGE, 3: RED, 4: RED}
HYPOTENSION = (
    ("none", "none"),
    ("responds to fluids", "fluids"),
    ("one vasopressor", "one_vasopressor"),
    ("several vasopressors", "several_vasopressors"),
)
HYPOXIA = (
    ("none", "none"),
    ("low-flow O₂ ≤ 6 L/min", "low_flow"),
    ("high-flow / facemask O₂", "high_flow"),
    ("positive pressure", "positive_pressure"),
)
CONSCIOUSNESS = (
    ("alert (not depressed)", "alert"),
    ("awakens spontaneously (1)", "spontaneously"),
    ("awakens to voice (2)", "voice"),
    ("awakens only to touch (3)", "touch"),
    ("unarousable, stupor or coma (4)", "unarousable"),
)
SEIZURE = (
    ("none", "none"),
    ("any seizure resolving rapidly, or EEG seizure resolving with treatment (3)", "resolving"),
    ("prolonged (> 5 min) or repeated without return to baseline (4)", "prolonged"),
)
MOTOR = (
    ("none", "none"),
    ("deep focal motor weakness: hemi- or paraparesis (4)", "deep_focal_weakness"),
)
ICP = (
    ("none", "none"),
    ("focal oedema on imaging (3)", "focal"),
    ("diffuse oedema, posturing, CN VI palsy, papilloedema or Cushing's triad (4)", "diffuse"),
)
NOT_ASSESSED = -1  # the ICE spin box's "cannot be assessed" value


class ToxicityModel(RowTableModel[ToxicityRow]):
    columns = (
        Column("Toxicity", lambda t: t.kind),
        Column("Grade", lambda t: f"grade {t.grade}", lambda t: GRADE_COLOURS.get(t.grade)),
        Column("Onset", lambda t: day(t.onset_on)),
        Column("Day", lambda t: t.onset_day),
        Column("Resolved", lambda t: day(t.resolved_on) or "ongoing"),
        Column("Treatment", lambda t: t.treatment, tooltip=lambda t: t.treatment),
    )


def _combo(choices: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox()
    for text, key in choices:
        combo.addItem(text, key)
    return combo


class ToxicityDialog(FormDialog):
    """Add or correct a toxicity; CRS and ICANS are graded from one input per ASTCT domain.

    For a new CRS or ICANS the findings are required; when correcting an older entry they are
    sent only once touched (the stored grade stays otherwise).
    """

    def __init__(self, parent: QWidget, today: date, row: ToxicityRow | None = None) -> None:
        super().__init__("Change toxicity" if row else "Add toxicity", parent)
        self.row = row
        self.touched = row is None
        self.kind = QComboBox()
        self.kind.addItems(toxicities.KINDS)
        self.grade = QSpinBox()
        self.grade.setRange(1, 4)
        self.onset = DateField(row.onset_on if row else today)
        self.resolved = DateField(row.resolved_on if row else None)
        self.treatment = QLineEdit(row.treatment if row else "")
        self.treatment.setPlaceholderText("e.g. tocilizumab 8 mg/kg, dexamethasone 10 mg")
        self.graded = QLabel()
        self.graded.setWordWrap(True)
        e = self.errors
        add_row(self.form, "Toxicity", self.kind, e, "kind")
        add_row(self.form, "Onset", self.onset, e, "onset_on")
        add_row(self.form, "Resolved", self.resolved, e, "resolved_on")
        add_row(self.form, "Treatment", self.treatment, e, "treatment")
        findings = QGroupBox("ASTCT findings (they set the grade)")
        QVBoxLayout(findings).addWidget(self._helper())
        self.form.addRow(findings)
        self.form.addRow("", self.graded)
        add_row(self.form, "Grade", self.grade, e, "grade", "ice_score", "consciousness")
        if row is not None:
            self.kind.setCurrentText(row.kind)
            self.grade.setValue(row.grade)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.setMinimumWidth(620)

    def _helper(self) -> QStackedWidget:
        self.helper = QStackedWidget()
        crs = QWidget()
        crs_form = QFormLayout(crs)
        crs_form.setContentsMargins(0, 0, 0, 0)
        self.fever = QCheckBox("Fever ≥ 38 °C")
        self.hypotension = _combo(HYPOTENSION)
        self.hypoxia = _combo(HYPOXIA)
        crs_form.addRow(self.fever)
        crs_form.addRow("Hypotension", self.hypotension)
        crs_form.addRow("Hypoxia", self.hypoxia)
        icans = QWidget()
        icans_form = QFormLayout(icans)
        icans_form.setContentsMargins(0, 0, 0, 0)
        self.ice = QSpinBox()
        self.ice.setRange(NOT_ASSESSED, 10)
        self.ice.setSpecialValueText("cannot be assessed")
        self.ice.setValue(10)
        self.ice.setSuffix(" / 10")
        self.consciousness = _combo(CONSCIOUSNESS)
        self.seizure = _combo(SEIZURE)
        self.motor = _combo(MOTOR)
        self.icp = _combo(ICP)
        icans_form.addRow("ICE score", self.ice)
        icans_form.addRow("Level of consciousness", self.consciousness)
        icans_form.addRow("Seizure", self.seizure)
        icans_form.addRow("Motor findings", self.motor)
        icans_form.addRow("Raised ICP / oedema", self.icp)
        other = QLabel("Grade cytopenias and infections clinically.")
        for page in (crs, icans, other):
            self.helper.addWidget(page)
        self.fever.toggled.connect(self._touched)
        self.ice.valueChanged.connect(self._touched)
        for c in (self.hypotension, self.hypoxia, self.consciousness, self.seizure):
            c.currentIndexChanged.connect(self._touched)
        for c in (self.motor, self.icp):
            c.currentIndexChanged.connect(self._touched)
        return self.helper

    def _kind_changed(self) -> None:
        self.helper.setCurrentIndex({"CRS": 0, "ICANS": 1}.get(self.kind.currentText(), 2))
        self.compute_grade()

    def _touched(self, *_args: object) -> None:
        self.touched = True
        self.compute_grade()

    def findings(self) -> tuple[CrsFindings | None, IcansFindings | None]:
        """The findings of the kind shown, when they count (see the class docstring)."""
        kind = self.kind.currentText()
        if not self.touched or kind not in ("CRS", "ICANS"):
            return None, None
        if kind == "CRS":
            return CrsFindings(
                self.fever.isChecked(), self.hypotension.currentData(), self.hypoxia.currentData()
            ), None
        ice = self.ice.value()
        return None, IcansFindings(
            None if ice == NOT_ASSESSED else ice,
            self.consciousness.currentData(),
            self.seizure.currentData(),
            self.motor.currentData(),
            self.icp.currentData(),
        )

    def compute_grade(self) -> None:
        """Show the ASTCT grade the findings give and put it in the grade field."""
        crs, icans = self.findings()
        if crs is None and icans is None:
            self.graded.setText("")
            return
        grade = (
            crs_grade(crs.fever, crs.hypotension, crs.hypoxia)
            if crs is not None
            else icans_grade_of(icans)  # type: ignore[arg-type]
        )
        kind = self.kind.currentText()
        self.graded.setText(
            f"<b>ASTCT {kind} grade {grade}</b> (the worst domain)"
            if grade
            else f"No {kind} by these findings (grade 0)."
        )
        if grade >= 1:
            self.grade.setValue(grade)

    def value(self) -> ToxicityInput:
        onset = self.onset.value()
        if onset is None:
            raise ValidationError("Enter the onset date.", "onset_on")
        crs, icans = self.findings()
        return ToxicityInput(
            self.kind.currentText(),
            self.grade.value(),
            onset,
            self.resolved.value(),
            self.treatment.text(),
            crs,
            icans,
        )


class ResolveDialog(FormDialog):
    """The day a toxicity resolved (empty: ongoing again)."""

    def __init__(self, parent: QWidget, row: ToxicityRow, today: date) -> None:
        super().__init__(f"Resolve {row.kind} (onset {row.onset_on.isoformat()})", parent)
        self.resolved = DateField(row.resolved_on or today)
        add_row(self.form, "Resolved on", self.resolved, self.errors, "resolved_on")


class ToxicityPanel(QGroupBox):
    """The log and its buttons; `load` shows a case, the tab reloads after each save."""

    def __init__(self, tab: AreaTab) -> None:
        super().__init__("Toxicities (ASTCT grades)")
        self.tab = tab
        self.dialog: FormDialog | None = None
        self.model = ToxicityModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        compact(self.view, 5)
        self.view.doubleClicked.connect(lambda _i: self.edit())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._buttons())
        self.add_button = QPushButton("Add toxicity…")
        self.add_button.clicked.connect(lambda: self._open(None))
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit)
        self.resolve_button = QPushButton("Resolve…")
        self.resolve_button.clicked.connect(self.resolve)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self.remove)
        row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.resolve_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

    def load(self, detail: CaseDetail) -> None:
        current = self.current()
        self.model.set_rows(detail.toxicities)
        if current is not None:
            ids = [t.id for t in self.model.rows]
            if current.id in ids:
                self.view.selectRow(ids.index(current.id))
        self._buttons()

    def current(self) -> ToxicityRow | None:
        return self.model.row_at(self.view.currentIndex())

    def _buttons(self) -> None:
        actor = self.tab.actor
        permit(actor, "treatment.edit", self.add_button)
        permit(
            actor,
            "treatment.edit",
            self.edit_button,
            self.resolve_button,
            self.remove_button,
            enabled=self.current() is not None,
            why="Select a toxicity first.",
        )

    def edit(self) -> None:
        row = self.current()
        if row is not None and self.edit_button.isEnabled():
            self._open(row)

    def _open(self, row: ToxicityRow | None) -> None:
        tab = self.tab
        dialog = ToxicityDialog(self, tab.ctx.today(), row)

        def submit() -> None:
            toxicities.save_toxicity(tab.ctx, tab.ref, dialog.value(), row.id if row else None)
            tab.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def resolve(self) -> None:
        row = self.current()
        if row is None or not self.resolve_button.isEnabled():
            return
        tab = self.tab
        dialog = ResolveDialog(self, row, tab.ctx.today())

        def submit() -> None:
            toxicities.resolve_toxicity(tab.ctx, tab.ref, row.id, dialog.resolved.value())
            tab.changed.emit()

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def remove(self) -> None:
        row = self.current()
        if row is None or not self.remove_button.isEnabled():
            return
        tab = self.tab
        reason = tab.prompts.ask_reason(
            self,
            "Remove toxicity",
            f"Why is the {row.kind} grade {row.grade} of {row.onset_on.isoformat()} removed? "
            "(kept in the audit)",
        )
        if reason is not None:
            tab.attempt(lambda: toxicities.remove_toxicity(tab.ctx, tab.ref, row.id, reason))
