"""The eligibility signature: the criteria summary the signer signs on, and their password again.

A signature is a deliberate act (21 CFR 11): the dialog says what is signed and on which
criteria, and the service checks the password; nothing is signed until it accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from caseapp.services.eligibility import NOT_MET, UNKNOWN, CriterionResult, summarise
from caseapp.ui.workspace.dialogs import FormDialog
from caseapp.ui.workspace.forms import add_row

SHOWN_PER_LIST = 8  # criteria named under "not met" / "unknown"; the table shows them all


def _names(results: Sequence[CriterionResult], kind: str) -> str:
    labels = [escape(r.label) for r in results if r.result == kind]
    if not labels:
        return ""
    more = len(labels) - SHOWN_PER_LIST
    shown = "; ".join(labels[:SHOWN_PER_LIST]) + (f"; and {more} more" if more > 0 else "")
    return f"<br><b>{kind.capitalize()}:</b> {shown}"


def summary_html(results: Sequence[CriterionResult]) -> str:
    """Counts of met / not met / unknown, then the criteria that are not met or unknown."""
    s = summarise(results)
    return (
        f"<b>{s.met}</b> met · <b>{s.not_met}</b> not met · <b>{s.unknown}</b> unknown "
        f"(of {s.total} criteria)" + _names(results, NOT_MET) + _names(results, UNKNOWN)
    )


class SignDialog(FormDialog):
    """Shows what is signed; `submit` signs with the typed password (the service checks it)."""

    def __init__(
        self,
        parent: QWidget,
        *,
        signer: str,
        decision: str,
        program: str,
        results: Sequence[CriterionResult],
        sign: Callable[[str], object],
    ) -> None:
        super().__init__("Sign the eligibility decision", parent)
        self.results = tuple(results)
        self.statement = QLabel(
            f"<b>{escape(signer)}</b> signs the decision <b>{escape(decision)}</b> for program "
            f"{escape(program)}, on these criteria as evaluated now:"
        )
        self.statement.setWordWrap(True)
        self.summary = QLabel(summary_html(results))
        self.summary.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Your password, to confirm it is you signing")
        self.form.addRow(self.statement)
        self.form.addRow(self.summary)
        add_row(self.form, "Password", self.password, self.errors, "password")
        self.sign_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.sign_button.setText("Sign")
        self.submit = lambda: sign(self.password.text())
        self.setMinimumWidth(520)

    def accept(self) -> None:
        super().accept()
        self.password.clear()  # a refused password is not left in the field either
