"""Open on a record writes the decrypted scan into the private folder that is removed at exit."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from caseapp import private_files
from caseapp.services import records
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace
from tests.ui.workspace.conftest import ScriptedPrompts
from tests.ui.workspace.drive import click


def test_open_writes_into_the_private_folder_and_exit_removes_it(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["records"]
    code = tab.model.rows[0].code
    records.receive_record(
        facilitator_ctx, new_ref, code, received_on=date(2026, 11, 20), document_date=None,
        filename="marrow.pdf", content=b"%PDF marrow report",
    )  # fmt: skip
    ws.reload()
    tab.select(code)

    click(qtbot, tab.open_button)

    assert prompts.errors == [] and len(prompts.opened) == 1
    opened = prompts.opened[0]
    folder = private_files.opened_folder()
    assert opened.name == "marrow.pdf" and opened.read_bytes() == b"%PDF marrow report"
    assert opened.is_relative_to(folder) and folder.name.startswith(private_files.OPEN_PREFIX)
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(opened.stat().st_mode) == 0o600
    private_files.remove_opened()  # what the app does when its window closes
    assert not opened.exists() and not Path(folder).exists()
