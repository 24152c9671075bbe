"""The audit viewer: filters by user and case, chain check, opening a case; window menu hooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from caseapp.services import audit, auth
from caseapp.services.audit import AuditFilters
from caseapp.services.cases import list_cases
from caseapp.services.context import ServiceContext
from caseapp.services.staff import actor_for, create_staff
from caseapp.ui.audit_viewer import AuditViewer, summarise_changes
from caseapp.ui.main_window import MainWindow
from tests.conftest import Clock


@pytest.fixture
def make_viewer(qtbot: QtBot) -> Iterator[object]:
    viewers: list[AuditViewer] = []

    def build(ctx: ServiceContext) -> AuditViewer:
        viewer = AuditViewer(ctx, None, autoload=False)
        qtbot.addWidget(viewer)
        viewers.append(viewer)
        viewer.show()
        with qtbot.wait_signal(viewer.loaded, timeout=20_000):
            viewer.reload()
        return viewer

    yield build


def show(qtbot: QtBot, viewer: AuditViewer, filters: AuditFilters) -> int:
    viewer.set_filters(filters)
    with qtbot.wait_signal(viewer.loaded, timeout=20_000) as blocker:
        viewer.apply_button.click()
    return int(blocker.args[0])  # type: ignore[index]


def test_rows_newest_first_and_model_is_sound(
    make_viewer, manager_ctx: ServiceContext, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    viewer = make_viewer(manager_ctx)
    ids = [r.id for r in viewer.model.rows]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(audit.audit_entries(manager_ctx).rows)
    assert "newest first" in viewer.summary.text()
    qtmodeltester.check(viewer.model)


def test_filter_by_user_and_by_case(
    qtbot: QtBot, make_viewer, demo_db: ServiceContext, manager_ctx: ServiceContext, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    admin = demo_db.as_actor(actor_for(demo_db, "kevin"))
    clock.now += timedelta(minutes=5)
    create_staff(admin, "amy", "Amy Chen", "coordinator", password="a-long-password")
    auth.disable_staff(admin, "amy")
    viewer = make_viewer(manager_ctx)
    assert viewer.user.findData("kevin") >= 0
    assert show(qtbot, viewer, AuditFilters(actor_login="kevin")) == 2
    assert {r.actor_login for r in viewer.model.rows} == {"kevin"}
    texts = [viewer.model.index(0, c).data() for c in range(viewer.model.columnCount())]
    assert texts[1] == "kevin" and texts[3] == "staff account" and texts[4] == "changed"
    assert "active: true → false" in texts[5]

    ref = list_cases(manager_ctx)[2].ref
    n = show(qtbot, viewer, AuditFilters(case_ref=ref))
    assert n == len(audit.case_history(manager_ctx, ref)) and n > 0
    assert {r.case_ref for r in viewer.model.rows} == {ref}
    with qtbot.wait_signal(viewer.openCase) as opened:
        viewer.view.doubleClicked.emit(viewer.model.index(0, 0))
    assert opened.args == [ref]

    assert show(qtbot, viewer, AuditFilters(actor_login="kevin", case_ref=ref)) == 0
    with qtbot.wait_signal(viewer.loaded, timeout=20_000):
        viewer.clear_filters()
    assert viewer.filters() == AuditFilters()


def test_bad_date_range_is_said_in_the_summary(
    qtbot: QtBot, make_viewer, manager_ctx: ServiceContext, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    viewer = make_viewer(manager_ctx)
    today = clock.now.date()
    assert show(qtbot, viewer, AuditFilters(date_from=today, date_to=today - timedelta(1))) == 0
    assert "'from' date is after" in viewer.summary.text()


def test_verify_chain_shows_the_sentence(
    qtbot: QtBot, make_viewer, manager_ctx: ServiceContext
) -> None:  # type: ignore[no-untyped-def]
    viewer = make_viewer(manager_ctx)
    with qtbot.wait_signal(viewer.verified, timeout=20_000) as done:
        viewer.verify_button.click()
    assert done.args[0].intact  # type: ignore[index]
    assert viewer.verify_result.text().endswith("chain intact.")


def test_setting_changes_read_per_key() -> None:
    changes = {"value": [{"agency_name": "A", "phone": "1"}, {"agency_name": "B", "phone": "1"}]}
    assert summarise_changes(changes) == "agency_name: A → B"


def test_window_menus_follow_the_role(
    make_window, manager_ctx: ServiceContext, facilitator_ctx: ServiceContext, qtbot: QtBot
) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window(facilitator_ctx)
    assert (
        not window.audit_action.isEnabled()
        and "managers and admins" in window.audit_action.toolTip()
    )
    assert not window.staff_action.isEnabled()
    assert window.settings_action.isEnabled()
    assert "Ctrl+," in [k.toString() for k in window.settings_action.shortcuts()]
    tools = [a.text().replace("&", "") for a in window.menus["Tools"].actions()]
    assert tools == ["Staff and interpreters…", "Audit trail…"]

    manager: MainWindow = make_window(manager_ctx)
    assert manager.audit_action.isEnabled() and manager.staff_action.isEnabled()
    viewer = manager.show_audit()
    assert isinstance(viewer, AuditViewer)
    with qtbot.wait_signal(viewer.loaded, timeout=20_000):
        pass
    ref = manager.model.case_at(0).ref
    viewer.openCase.emit(ref)
    assert ref in manager.case_tabs
    dialog = manager.show_settings()
    assert dialog.letterhead.save_button.isEnabled() is False
    staff_dialog = manager.show_staff_admin()
    assert staff_dialog is not None and staff_dialog.interpreter_page is not None
    for w in (viewer, dialog, staff_dialog):
        w.close()
