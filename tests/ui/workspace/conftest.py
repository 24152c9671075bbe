"""Workspace fixtures: scripted prompts (modal dialogs would block) and a case to open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.services.patients import CompanionInput, PatientInput, PhysicianInput
from caseapp.ui.workspace import CaseWorkspace
from caseapp.ui.workspace.prompts import Prompts

# The offscreen platform warns that it cannot resize top-level windows to their size hints when
# a widget is shown; that is the test platform talking, not the workspace.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

TODAY = date(2026, 11, 26)  # the clock fixture's day
ARRIVAL = TODAY + timedelta(days=40)
DEPARTURE = ARRIVAL + timedelta(days=70)


class ScriptedPrompts(Prompts):
    """Answers queued by the test; every error box is recorded instead of shown."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.reasons: list[str] = []
        self.files: list[Path] = []
        self.opened: list[Path] = []
        self.confirm_answer = True

    def show_error(self, parent: QWidget | None, exc: BaseException) -> None:
        self.errors.append(exc.message if isinstance(exc, DomainError) else str(exc))

    def ask_reason(self, parent: QWidget | None, title: str, label: str) -> str | None:
        return self.reasons.pop(0) if self.reasons else None

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        return self.confirm_answer

    def choose_file(self, parent: QWidget | None, title: str, filters: str = "") -> Path | None:
        return self.files.pop(0) if self.files else None

    def open_path(self, path: Path) -> bool:
        self.opened.append(path)
        return True


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


def open_new_case(ctx: ServiceContext, companions: int = 1) -> str:
    """A fresh case in the records stage for SH-CD33-01 (Kazakh/Russian-speaking patient)."""
    patient = PatientInput(
        full_name="Aigerim Nurlanovna", sex="F", date_of_birth=date(1980, 3, 14),
        nationality="Kazakhstan", passport_number="N12345678",
        passport_expiry=date(2030, 1, 31), languages=("Kazakh", "Russian"),
        phone="+7 727 555 0101", email="aigerim@mail.example", home_city="Almaty",
    )  # fmt: skip
    comps = tuple(
        CompanionInput(full_name=f"Companion {i + 1}", relation="spouse" if i == 0 else "son")
        for i in range(companions)
    )
    return cases.open_case(
        ctx,
        cases.NewCase(
            patient=patient, program_code="SH-CD33-01", owner_login="fatima",
            planned_arrival=ARRIVAL, planned_departure=DEPARTURE, companions=comps,
            physician=PhysicianInput("Dr. Gulmira Bekova", "Almaty Haematology Centre"),
            home_currency="KZT", cny_per_home_unit="0.0139",
        ),
    )  # fmt: skip


@pytest.fixture
def new_ref(facilitator_ctx: ServiceContext) -> str:
    return open_new_case(facilitator_ctx)


@pytest.fixture
def make_workspace(
    qtbot: QtBot, prompts: ScriptedPrompts
) -> Callable[[ServiceContext, str], CaseWorkspace]:
    def make(ctx: ServiceContext, ref: str) -> CaseWorkspace:
        ws = CaseWorkspace(ctx, ref, prompts=prompts)
        qtbot.addWidget(ws)
        ws.resize(1400, 900)
        ws.show()
        qtbot.waitExposed(ws)
        return ws

    return make
