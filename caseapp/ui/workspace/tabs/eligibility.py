"""Eligibility: the clinical facts form, criteria recomputed as facts are typed, the signature."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import eligibility
from caseapp.services.cases import CaseDetail
from caseapp.services.eligibility import (
    ENTERED_FACTS,
    FACTS,
    MET,
    NOT_MET,
    UNKNOWN,
    CriterionResult,
    FactDef,
)
from caseapp.services.errors import DomainError, ValidationError
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.forms import FieldErrors, button_row, permit
from caseapp.ui.workspace.palette import AMBER, GREEN, RED
from caseapp.ui.workspace.sign_dialog import SignDialog
from caseapp.ui.workspace.table import Column, RowTableModel, compact, whole_row

RESULT_COLOURS = {MET: GREEN, NOT_MET: RED, UNKNOWN: AMBER}


def _colour(r: CriterionResult) -> QColor | None:
    return RESULT_COLOURS.get(r.result)


class CriteriaModel(RowTableModel[CriterionResult]):
    columns = whole_row(
        _colour,
        [
            Column("Criterion", lambda r: r.label, tooltip=lambda r: r.label),
            Column("Kind", lambda r: r.kind),
            Column("Required", lambda r: "required" if r.required else "optional"),
            Column("Patient's finding", lambda r: r.finding),
            Column("Result", lambda r: r.outcome),
        ],
    )


class FactInput:
    """One fact's editor: a line edit for numbers, a combo for yes/no and choices."""

    def __init__(self, fact: FactDef) -> None:
        self.fact = fact
        self.widget: QLineEdit | QComboBox
        if fact.kind == "number":
            edit = QLineEdit()
            edit.setPlaceholderText(
                f"{fact.low:g}–{fact.high:g}" if fact.low is not None and fact.high else ""
            )
            self.widget = edit
        else:
            combo = QComboBox()
            combo.addItem("— unknown —", "")
            for choice in ("yes", "no") if fact.kind == "bool" else fact.choices:
                combo.addItem(choice.replace("_", " "), choice)
            self.widget = combo

    def text(self) -> str:
        if isinstance(self.widget, QLineEdit):
            return self.widget.text().strip()
        return str(self.widget.currentData() or "")

    def set_text(self, value: str) -> None:
        if isinstance(self.widget, QLineEdit):
            self.widget.setText(value)
        else:
            index = self.widget.findData(value)
            self.widget.setCurrentIndex(max(index, 0))

    def connect(self, slot: Any) -> None:
        if isinstance(self.widget, QLineEdit):
            self.widget.textChanged.connect(slot)
        else:
            self.widget.currentIndexChanged.connect(slot)


class EligibilityTab(AreaTab):
    area = "eligibility"
    title = "Eligibility"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.errors = FieldErrors()
        self.review_errors = FieldErrors()
        self.inputs: dict[str, FactInput] = {}
        self._saved: dict[str, str] = {}
        self._loading = False

        facts_form = QFormLayout()
        self.age_label = QLabel()
        facts_form.addRow("Age (from date of birth)", self.age_label)
        for key in ENTERED_FACTS:
            fact = FACTS[key]
            entry = FactInput(fact)
            entry.connect(self.recompute)
            self.inputs[key] = entry
            unit = QLabel(fact.unit)
            unit.setMinimumWidth(50)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(entry.widget, 1)
            row.addWidget(unit)
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addLayout(row)
            column.addWidget(self.errors.label(key))
            facts_form.addRow(fact.label, holder)
        facts_widget = QWidget()
        facts_widget.setLayout(facts_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(facts_widget)
        self.save_button = QPushButton("Save facts")
        self.save_button.clicked.connect(self.save_facts)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Back to the saved facts")
        self.revert_button.clicked.connect(self.revert)
        self.dirty_label = QLabel()
        self.dirty_label.setStyleSheet("color: #8a5300;")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.revert_button)
        save_row.addWidget(self.dirty_label, 1)
        facts_box = QGroupBox("Clinical facts")
        facts_layout = QVBoxLayout(facts_box)
        facts_layout.addWidget(scroll, 1)
        facts_layout.addWidget(self.errors.general())
        facts_layout.addLayout(save_row)

        self.model = CriteriaModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        compact(self.view, 0)
        self.summary = QLabel()
        criteria_box = QGroupBox("Criteria of the program (live: unsaved facts count)")
        criteria_layout = QVBoxLayout(criteria_box)
        criteria_layout.addWidget(self.summary)
        criteria_layout.addWidget(self.view, 1)

        review_box = QGroupBox("Decision")
        self.review_label = QLabel()
        self.review_label.setWordWrap(True)
        # room for the decision line and the signature's meaning, so nothing below moves
        self.review_label.setMinimumHeight(self.review_label.fontMetrics().lineSpacing() * 4 + 4)
        self.decision = QComboBox()
        self.decision.addItem("— choose —", "")  # nothing is decided before the signer says so
        for choice in eligibility.DECISIONS:
            self.decision.addItem(choice, choice)
        self.sign_dialog: SignDialog | None = None
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Notes (required for 'not eligible')")
        self.notes.setFixedHeight(self.notes.fontMetrics().height() * 3 + 12)
        self.sign_button = QPushButton("Sign decision…")
        self.sign_button.setProperty(
            "normalTip", "Saves unsaved facts, shows the criteria summary and asks your password."
        )
        self.sign_button.clicked.connect(self.sign)
        review_form = QFormLayout(review_box)
        review_form.addRow("Last signed", self.review_label)
        decision_error = self.review_errors.label("decision")
        review_form.addRow("Decision", self.decision)
        review_form.addRow("", decision_error)
        review_form.addRow("Notes", self.notes)
        review_form.addRow("", self.review_errors.label("notes"))
        review_form.addRow("", self.review_errors.general())
        review_form.addRow("", button_row(self.sign_button))

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(criteria_box, 1)
        right_layout.addWidget(review_box)
        splitter = QSplitter()
        splitter.addWidget(facts_box)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 780])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # ---- showing --------------------------------------------------------------------------

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        age = eligibility.age_on(detail.patient.date_of_birth, self.ctx.today())
        self.age_label.setText(f"{age} years")
        saved = {k: v for k, v in detail.facts.items() if k in self.inputs}
        if saved != self._saved or not self.dirty():
            # refill only when the saved facts changed, so unsaved typing survives other saves
            self._loading = True
            for key, entry in self.inputs.items():
                entry.set_text(saved.get(key, ""))
            self._loading = False
            self._saved = saved
        r = detail.review
        if r is None:
            self.review_label.setText("No review signed yet.")
        else:
            note = f" — {escape(r.notes, quote=False)}" if r.notes else ""
            other = "" if r.program_code == detail.program.code else f" (for {r.program_code})"
            meaning = f"<br><i>{escape(r.meaning, quote=False)}</i>" if r.meaning else ""
            self.review_label.setText(
                f"<b>{r.decision}</b> by {r.reviewer}, {r.signed_at.astimezone():%Y-%m-%d %H:%M}"
                f"{other}{note}{meaning}"
            )
        permit(self.actor, "eligibility.edit", self.save_button, self.revert_button)
        permit(self.actor, "eligibility.sign", self.sign_button)
        self.recompute()

    def form_values(self) -> dict[str, str]:
        return {k: e.text() for k, e in self.inputs.items()}

    def dirty(self) -> bool:
        return any(e.text() != self._saved.get(k, "") for k, e in self.inputs.items())

    def recompute(self, *_args: object) -> None:
        """Criteria against saved facts plus what the form holds now; bad input is flagged."""
        if self._loading or self.detail is None:
            return
        self.errors.clear()
        overrides: dict[str, Any] = {}
        for key, text in self.form_values().items():
            if text == self._saved.get(key, ""):
                continue
            if not text:
                overrides[key] = None
                continue
            try:
                overrides[key] = eligibility.parse_fact(key, text)
            except ValidationError as exc:
                overrides[key] = None
                self.errors.flag(exc)
        try:
            results = eligibility.evaluate_case(self.ctx, self.ref, overrides)
        except DomainError as exc:
            self.prompts.show_error(self, exc)
            return
        self.model.set_rows(results)
        counts = {k: sum(r.result == k for r in results) for k in (MET, NOT_MET, UNKNOWN)}
        self.summary.setText(
            f"{counts[MET]} met · {counts[NOT_MET]} not met · {counts[UNKNOWN]} unknown"
        )
        dirty = self.dirty()
        self.dirty_label.setText("Unsaved changes" if dirty else "")

    def result_of(self, code: str) -> str:
        return next(r.result for r in self.model.rows if r.code == code)

    # ---- commands -------------------------------------------------------------------------

    def save_facts(self) -> bool:
        values = self.form_values()
        changed = {k: v for k, v in values.items() if v != self._saved.get(k, "")}
        if not changed:
            return True
        return self.attempt(lambda: eligibility.set_facts(self.ctx, self.ref, changed), self.errors)

    def revert(self) -> None:
        self._loading = True
        for key, entry in self.inputs.items():
            entry.set_text(self._saved.get(key, ""))
        self._loading = False
        self.recompute()

    def sign(self) -> None:
        """Save typed facts, check the decision, then show the summary and ask the password."""
        if self.dirty() and not self.save_facts():
            return
        decision, notes = str(self.decision.currentData() or ""), self.notes.toPlainText()
        self.review_errors.clear()
        try:
            results = eligibility.evaluate_case(self.ctx, self.ref)
            eligibility.check_decision(decision, notes, results)
        except DomainError as exc:
            if not self.review_errors.show(exc):
                self.prompts.show_error(self, exc)
            return
        program = self.detail.program.code if self.detail else ""
        dialog = SignDialog(
            self,
            signer=self.actor.full_name or self.actor.login,
            decision=decision,
            program=program,
            results=results,
            sign=lambda password: self._signed(decision, notes, password, results),
        )
        self.sign_dialog = dialog
        dialog.open()

    def _signed(
        self, decision: str, notes: str, password: str, seen: list[CriterionResult]
    ) -> None:
        eligibility.sign_review(self.ctx, self.ref, decision, notes, password=password, seen=seen)
        self.notes.clear()
        self.decision.setCurrentIndex(0)
        self.changed.emit()
