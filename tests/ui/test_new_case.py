"""New case dialog: service errors inline next to their field, input kept; a valid case opens."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from caseapp.services import cases as case_service
from caseapp.services.context import ServiceContext
from caseapp.ui.main_window import MainWindow
from caseapp.ui.new_case import NewCaseDialog


def fill(dialog: NewCaseDialog, qtbot: QtBot, *, passport: str = "N1234567") -> None:
    qtbot.keyClicks(dialog.full_name, "Dina Serikbayeva")
    dialog.sex.setCurrentIndex(dialog.sex.findData("F"))
    dialog.date_of_birth.set_value(date(1984, 3, 9))
    qtbot.keyClicks(dialog.nationality, "Kazakhstan")
    qtbot.keyClicks(dialog.passport_number, passport)
    dialog.passport_expiry.set_value(date(2030, 5, 1))
    qtbot.keyClicks(dialog.languages, "Kazakh, Russian")
    qtbot.keyClicks(dialog.email, "dina@example.kz")
    dialog.program.setCurrentIndex(1)
    dialog.planned_arrival.set_value(date(2027, 2, 1))
    dialog.planned_departure.set_value(date(2027, 4, 15))
    dialog.home_currency.clear()
    qtbot.keyClicks(dialog.home_currency, "kzt")
    dialog.cny_per_home_unit.setText("0.015")
    row = dialog.add_companion()
    qtbot.keyClicks(row.name, "Aruzhan Serikbayeva")
    qtbot.keyClicks(row.relation, "daughter")


def test_validation_error_shows_under_its_field_and_keeps_input(
    qtbot: QtBot, facilitator_ctx: ServiceContext
) -> None:
    before = len(case_service.list_cases(facilitator_ctx))
    dialog = NewCaseDialog(facilitator_ctx)
    qtbot.addWidget(dialog)
    fill(dialog, qtbot, passport="N 12")
    assert dialog.submit() is False
    assert "5 to 20 letters and digits" in dialog.error_for("passport_number")
    assert list(dialog.visible_errors()) == ["passport_number"]
    # Everything typed is still there.
    assert dialog.full_name.text() == "Dina Serikbayeva"
    assert dialog.passport_number.text() == "N 12"
    assert dialog.languages.text() == "Kazakh, Russian"
    assert dialog.companion_rows[0].relation.text() == "daughter"
    assert dialog.planned_departure.value() == date(2027, 4, 15)
    assert dialog.result() == 0 and dialog.created_ref is None
    assert len(case_service.list_cases(facilitator_ctx)) == before
    # Fix it: the error goes away and the case is created.
    dialog.passport_number.setText("N1234567")
    dialog.planned_departure.set_value(date(2027, 1, 1))  # before arrival now
    assert dialog.submit() is False
    assert "after the planned arrival" in dialog.error_for("planned_departure")
    assert dialog.error_for("passport_number") == ""


def test_missing_dates_and_companion_errors_are_inline(
    qtbot: QtBot, facilitator_ctx: ServiceContext
) -> None:
    dialog = NewCaseDialog(facilitator_ctx)
    qtbot.addWidget(dialog)
    fill(dialog, qtbot)
    dialog.date_of_birth.set_value(None)
    assert dialog.submit() is False
    assert dialog.error_for("date_of_birth") == "Enter the date of birth."
    dialog.date_of_birth.set_value(date(1984, 3, 9))
    dialog.companion_rows[0].relation.clear()
    assert dialog.submit() is False
    assert "related to the patient" in dialog.error_for("companions")
    dialog.remove_companion(dialog.companion_rows[0])
    dialog.home_currency.setText("KZ")
    assert dialog.submit() is False
    assert "three-letter code" in dialog.error_for("home_currency")


def test_valid_submit_creates_the_case(qtbot: QtBot, facilitator_ctx: ServiceContext) -> None:
    dialog = NewCaseDialog(facilitator_ctx)
    qtbot.addWidget(dialog)
    fill(dialog, qtbot)
    assert dialog.owner.currentData() == "fatima"  # the user owns what they open
    assert dialog.submit() is True
    ref = dialog.created_ref
    assert ref
    detail = case_service.case_detail(facilitator_ctx, ref)
    assert detail.stage == "records"
    assert detail.patient.full_name == "Dina Serikbayeva"
    assert detail.patient.passport_number == "N1234567"
    assert detail.patient.languages == ("Kazakh", "Russian")
    assert [c.full_name for c in detail.patient.companions] == ["Aruzhan Serikbayeva"]
    assert detail.program.code == dialog.program.itemData(1)
    assert detail.home_currency == "KZT"
    assert (detail.planned_arrival, detail.planned_departure) == (
        date(2027, 2, 1),
        date(2027, 4, 15),
    )
    assert detail.owner.login == "fatima"


def test_ctrl_n_opens_the_dialog_and_the_new_case_opens(
    qtbot: QtBot, window: MainWindow, facilitator_ctx: ServiceContext
) -> None:
    filled: list[str] = []

    def drive() -> None:
        dialog = window.new_case_dialog
        assert dialog is not None and dialog.isVisible()
        fill(dialog, qtbot)
        dialog.buttons.accepted.emit()  # the "Open case" button
        filled.append(dialog.created_ref or "")

    QTimer.singleShot(0, drive)
    with qtbot.wait_signal(window.casesLoaded, timeout=10_000):
        window.new_case_action.trigger()  # Case > New case (Ctrl+N); runs the modal dialog
    ref = filled[0]
    assert ref and ref in window.case_tabs
    assert window.tabs.currentWidget() is window.case_tabs[ref]
    assert ref in {r.ref for r in window.model.all_rows()}
    assert window.model.total_count() == 31


def test_coordinator_cannot_open_cases(make_window, coordinator_ctx: ServiceContext) -> None:
    window = make_window(coordinator_ctx)
    assert not window.new_case_action.isEnabled()
