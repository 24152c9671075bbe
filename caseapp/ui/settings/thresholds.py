"""Settings page: the pipeline thresholds (stalled after N days, records too old after N days)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QPushButton,
    QSpinBox,
)

from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.ui import theme
from caseapp.ui.settings.page import SettingsPage
from caseapp.ui.widgets import (
    banner,
    note,
    show_inline,
)
from caseapp.ui.workspace.forms import button_row, refusal


class PipelinePage(SettingsPage):
    """Days in a stage after which the dashboard calls a case stalled (admins edit)."""

    title = "Pipeline"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__("Stall thresholds")
        self.ctx = ctx
        self.body.addWidget(
            note(
                "A case that stays longer than this in a stage counts as stalled on the "
                "dashboard and in the reports."
            )
        )
        self.spins: dict[str, QSpinBox] = {}
        self.why_readonly = refusal(ctx.actor, "settings.edit")
        why_hidden = refusal(ctx.actor, "reports.view")
        if why_hidden:
            self.body.addWidget(banner(f"{why_hidden} The thresholds belong to the reports."))
        elif self.why_readonly:
            self.body.addWidget(
                banner(f"{self.why_readonly} Only an administrator changes the thresholds.")
            )
        form = QFormLayout()
        for stage in reports.DEFAULT_STALL_THRESHOLDS:
            spin = QSpinBox()
            spin.setObjectName(f"stall_{stage}")
            spin.setRange(1, 3650)
            spin.setSuffix(" days")
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setFixedWidth(spin.fontMetrics().horizontalAdvance("3650 days") + 48)
            self.spins[stage] = spin
            form.addRow(f"{theme.stage_label(stage)}:", spin)
        self.body.addLayout(form)
        self.body.addWidget(self.field_errors.label("stall_thresholds"))
        self.defaults_button = QPushButton("Restore &defaults")
        self.defaults_button.setToolTip(
            "Put the shipped values back in the boxes (Save keeps them)"
        )
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.save_button = QPushButton("&Save thresholds")
        self.save_button.setObjectName("saveThresholds")
        self.save_button.clicked.connect(self.save)
        self.body.addLayout(button_row(self.save_button, self.defaults_button))
        self.finish()
        if why_hidden:
            for spin in self.spins.values():
                spin.setEnabled(False)
                spin.setSpecialValueText("—")
                spin.setValue(spin.minimum())
                spin.setToolTip(why_hidden)
        else:
            self.load()
        if why_hidden or self.why_readonly:
            for w in (*self.spins.values(), self.defaults_button, self.save_button):
                w.setEnabled(False)
                w.setToolTip(why_hidden or self.why_readonly)

    def load(self) -> None:
        self.set_values(reports.stall_thresholds(self.ctx))

    def set_values(self, values: dict[str, int]) -> None:
        for stage, days in values.items():
            if stage in self.spins:
                self.spins[stage].setValue(days)

    def values(self) -> dict[str, int]:
        return {stage: spin.value() for stage, spin in self.spins.items()}

    def restore_defaults(self) -> None:
        self.set_values(reports.DEFAULT_STALL_THRESHOLDS)
        self.say("Default values restored in the boxes: Save to keep them.")

    def save(self) -> bool:
        try:
            saved = reports.set_stall_thresholds(self.ctx, self.values())
        except Exception as exc:
            self.status.clear()
            show_inline(self, self.field_errors, exc)
            return False
        self.set_values(saved)
        self.say("Saved. The dashboard uses these thresholds from its next refresh.")
        return True
