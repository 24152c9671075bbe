"""The case workspace: header, stage stepper, blockers, pipeline actions and one tab per area."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import cases
from caseapp.services.cases import OPEN_STAGES, CaseDetail
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.services.read_only import READ_ONLY_STAGES
from caseapp.services.reopen import reopen as reopen_case
from caseapp.ui.workspace import hooks
from caseapp.ui.workspace.base import AreaTab, read_only_note
from caseapp.ui.workspace.blockers import BlockersPanel
from caseapp.ui.workspace.forms import refusal
from caseapp.ui.workspace.palette import BAND_STYLES
from caseapp.ui.workspace.prompts import Prompts
from caseapp.ui.workspace.stepper import StageStepper, stage_label
from caseapp.ui.workspace.tabs import TAB_CLASSES
from caseapp.ui.workspace.unsaved import UnsavedInput

# Where a blocker's area is fixed when its own tab is absent.
FALLBACK_AREAS = {"documents": "treatment"}


class CaseWorkspace(QWidget):
    """One case, every area. Emits `caseChanged(ref)` after each successful save or move."""

    caseChanged = Signal(str)

    def __init__(
        self,
        ctx: ServiceContext,
        ref: str,
        parent: QWidget | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.ref = ctx, ref
        self.prompts = prompts or Prompts()
        self.detail: CaseDetail | None = None
        self._build()
        self.reload()

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_label = QLabel()
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.program_label = QLabel()
        self.program_label.setWordWrap(True)
        self.stepper = StageStepper()
        self.blockers = BlockersPanel()
        self.blockers.areaRequested.connect(self.focus_area)

        self.advance_button = QPushButton("Advance ▶")
        self.advance_button.setToolTip("Move the case to its next stage (Ctrl+Return)")
        self.advance_button.clicked.connect(self.advance)
        self.decline_button = QPushButton("Decline…")
        self.decline_button.clicked.connect(lambda: self._exit("declined"))
        self.withdraw_button = QPushButton("Withdraw…")
        self.withdraw_button.clicked.connect(lambda: self._exit("withdrawn"))
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.clicked.connect(self.reopen)
        self.reopen_button.hide()
        self.read_only_label = QLabel()
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet(BAND_STYLES["amber"])
        self.read_only_label.hide()
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._advance_shortcut)

        header = QVBoxLayout()
        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label)
        title_row.addSpacing(12)
        title_row.addWidget(self.facts_label, 1)
        title_row.addWidget(self.advance_button)
        title_row.addWidget(self.decline_button)
        title_row.addWidget(self.withdraw_button)
        title_row.addWidget(self.reopen_button)
        header.addLayout(title_row)
        header.addWidget(self.read_only_label)
        header.addWidget(self.program_label)
        header.addWidget(self.stepper)
        header.addWidget(self.blockers)

        top = QFrame()
        top.setFrameShape(QFrame.Shape.StyledPanel)
        top.setLayout(header)
        top.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.area_tabs: dict[str, AreaTab] = {}
        self.unsaved: dict[str, UnsavedInput] = {}
        for cls in TAB_CLASSES:
            self._add_tab(cls(self.ctx, self.ref, self.prompts, self))
        factory = hooks.documents_tab_factory()
        if factory is not None:
            self._add_tab(factory(self.ctx, self.ref, self.prompts, self))
        # History last: it reads every other tab's saves
        history = self.area_tabs.pop("history")
        self.tabs.removeTab(self.tabs.indexOf(history))
        self._add_tab(history)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(top)
        layout.addWidget(self.tabs, 1)

    def _add_tab(self, tab: AreaTab) -> None:
        self.area_tabs[tab.area] = tab
        self.tabs.addTab(tab, tab.title)
        tab.changed.connect(self._saved)
        self.unsaved[tab.area] = watcher = UnsavedInput(tab)
        watcher.watch()
        tab.changed.connect(watcher.clean)

    # ---- contract with the main window --------------------------------------------------------

    def unsaved_tabs(self) -> list[str]:
        """Titles of the tabs holding input the user typed and has not saved."""
        return [self.area_tabs[a].title for a, w in self.unsaved.items() if w.dirty]

    def has_unsaved_changes(self) -> bool:
        return bool(self.unsaved_tabs())

    def reload(self) -> None:
        """Re-read the case and show it everywhere (forms keep unsaved input they still match)."""
        try:
            detail = cases.case_detail(self.ctx, self.ref)
        except DomainError as exc:
            self.prompts.show_error(self, exc)
            return
        self.detail = detail
        self._show_header(detail)
        read_only = detail.stage in READ_ONLY_STAGES
        for tab in self.area_tabs.values():
            tab.load(detail)
            tab.set_read_only(read_only)

    def focus_area(self, area: str) -> None:
        """Open the tab where a blocker of `area` is fixed."""
        tab = self.area_tabs.get(area) or self.area_tabs.get(FALLBACK_AREAS.get(area, ""))
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    # ---- header ---------------------------------------------------------------------------

    def _show_header(self, d: CaseDetail) -> None:
        p = d.patient
        self.name_label.setText(p.full_name)
        coordinator = f" · Coordinator: {d.coordinator.full_name}" if d.coordinator else ""
        self.facts_label.setText(
            f"<b>{d.ref}</b> · {p.nationality} · Owner: {d.owner.full_name}{coordinator}"
            f" · {stage_label(d.stage)} for {d.days_in_stage} days"
        )
        stay = (
            f"{d.planned_arrival.isoformat()} to {d.planned_departure.isoformat()}"
            if d.planned_arrival and d.planned_departure
            else "stay not planned yet"
        )
        self.program_label.setText(
            f"{d.program.code} — {d.program.name} · {d.program.hospital_en}, "
            f"{d.program.city_en} · {stay}"
        )
        self.stepper.set_stage(d.stage, {h.stage for h in d.history})
        is_open = d.stage in OPEN_STAGES
        following = cases.next_stage(d.stage) if is_open else None
        exit_note = f" ({d.exit_reason})" if d.exit_reason and not is_open else ""
        self.blockers.load(list(d.blockers), d.stage + exit_note, following)
        self._show_actions(d, following)

    def _show_actions(self, d: CaseDetail, following: str | None) -> None:
        actor = self.ctx.actor
        blocking = d.blocking
        advance_refused = refusal(actor, "case.advance")
        self.advance_button.setText(
            f"Advance to {stage_label(following)} ▶" if following else "Advance ▶"
        )
        self.advance_button.setEnabled(bool(following) and not blocking and not advance_refused)
        if advance_refused:
            tip = advance_refused
        elif following is None:
            tip = f"The case is {d.stage}; it does not move on."
        elif blocking:
            tip = "Blocked:\n" + "\n".join(f"• {b.message}" for b in blocking)
        else:
            tip = f"Move the case to {stage_label(following)} (Ctrl+Return)."
        self.advance_button.setToolTip(tip)
        read_only = d.stage in READ_ONLY_STAGES
        self.read_only_label.setVisible(read_only)
        self.read_only_label.setText(read_only_note(d) if read_only else "")
        self.reopen_button.setVisible(read_only)
        reopen_refused = refusal(actor, "case.reopen")
        self.reopen_button.setEnabled(read_only and not reopen_refused)
        self.reopen_button.setToolTip(
            reopen_refused or "Back to the stage the case left, with a reason (audited)."
        )
        close_refused = refusal(actor, "case.close")
        for button, word in ((self.decline_button, "Decline"), (self.withdraw_button, "Withdraw")):
            button.setEnabled(following is not None and not close_refused)
            button.setToolTip(
                close_refused
                or (f"{word} the case, with a reason." if following else "The case is not open.")
            )

    # ---- actions --------------------------------------------------------------------------

    def _advance_shortcut(self) -> None:
        if self.advance_button.isEnabled():
            self.advance()

    def advance(self) -> None:
        try:
            cases.advance(self.ctx, self.ref)
        except DomainError as exc:
            self.prompts.show_error(self, exc)
            self.reload()  # the gate may have changed under us: show the current blockers
            return
        self._saved()

    def _exit(self, to: str) -> None:
        verb = "Decline" if to == "declined" else "Withdraw"
        reason = self.prompts.ask_reason(
            self, f"{verb} {self.ref}", f"Why is the case {to}? (kept with the case)"
        )
        if reason is None:
            return
        call = cases.decline if to == "declined" else cases.withdraw
        try:
            call(self.ctx, self.ref, reason)
        except DomainError as exc:
            self.prompts.show_error(self, exc)
            return
        self._saved()

    def reopen(self) -> None:
        reason = self.prompts.ask_reason(
            self,
            f"Reopen {self.ref}",
            "Why is the case reopened? It goes back to the stage it left (kept with the case).",
        )
        if reason is None:
            return
        try:
            reopen_case(self.ctx, self.ref, reason)
        except DomainError as exc:
            self.prompts.show_error(self, exc)
            return
        self._saved()

    def _saved(self) -> None:
        self.reload()
        self.caseChanged.emit(self.ref)
