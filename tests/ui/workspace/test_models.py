"""Every item model of the workspace passes Qt's model tester, with real demo rows in it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel
from pytestqt.modeltest import ModelTester

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace

from .conftest import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE


def _models(ws: CaseWorkspace) -> list[QAbstractItemModel]:
    found = [ws.blockers.model]
    for tab in ws.area_tabs.values():
        found += [m for m in tab.findChildren(QAbstractItemModel) if m not in found]
    return found


def test_every_model_of_a_rich_case(
    manager_ctx: ServiceContext,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
    qtmodeltester: ModelTester,
) -> None:
    rows = cases.list_cases(manager_ctx)
    # a case far along the pipeline fills most tables; one in follow-up fills the rest
    for stage in ("treatment", "followup"):
        ref = next(r.ref for r in rows if r.stage == stage)
        ws = make_workspace(manager_ctx, ref)
        models = _models(ws)
        assert len(models) >= 12
        for model in models:
            qtmodeltester.check(model)
        assert sum(m.rowCount() > 0 for m in models) >= 8
