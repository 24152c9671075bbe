"""Demo data only in a new, empty database, marked DEMO for good; office databases refuse it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.models import StaffUser
from caseapp.services import first_run
from caseapp.services.context import ServiceContext
from caseapp.services.demo import build_demo
from caseapp.services.demo_mark import is_demo, is_new
from caseapp.services.errors import ValidationError
from caseapp.services.staff import create_staff

ANNA = first_run.FirstAdmin("anna", "Anna Berg", "a long password")


def _logins(ctx: ServiceContext) -> list[str]:
    with ctx.read() as s:
        return list(s.scalars(select(StaffUser.login).order_by(StaffUser.login)))


def test_office_database_with_staff_but_no_cases_refuses_demo_data(
    system_ctx: ServiceContext,
) -> None:
    first_run.create_office(system_ctx, ANNA)
    create_staff(system_ctx, "bo", "Bo Li", "manager", password="another long one")
    for cases in (0, 5):
        with pytest.raises(ValidationError, match="this one is an office database"):
            build_demo(system_ctx, cases=cases, seed=1)
    assert _logins(system_ctx) == ["anna", "bo"]  # no demo account was added
    assert not is_demo(system_ctx)


def test_a_new_database_takes_demo_data_once_and_stays_a_demo_database(
    system_ctx: ServiceContext,
) -> None:
    assert is_new(system_ctx) and not is_demo(system_ctx)
    build_demo(system_ctx, cases=0, seed=1)  # even with no case, the demo accounts mark it
    assert is_demo(system_ctx) and not is_new(system_ctx)
    with pytest.raises(ValidationError, match="this one is a demo database already"):
        build_demo(system_ctx, cases=3, seed=1)
    with pytest.raises(ValidationError, match="already set up"):
        first_run.create_office(system_ctx, ANNA)


def test_wizard_with_demo_loads_it_first_and_refuses_a_demo_login(
    system_ctx: ServiceContext,
) -> None:
    from caseapp.services.settings import AgencySettings

    clash = first_run.FirstRunChoices(
        first_run.FirstAdmin("helen", "Helen", "a long password"),
        AgencySettings("Harbin Bridge Care"), load_demo=True, demo_cases=2,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="belongs to a demo account"):
        first_run.complete_first_run(system_ctx, clash)
    assert is_new(system_ctx)
    ok = first_run.FirstRunChoices(ANNA, AgencySettings("Harbin Bridge Care"), load_demo=True,
                                   demo_cases=2)  # fmt: skip
    admin, cases = first_run.complete_first_run(system_ctx, ok)
    assert (admin.login, cases) == ("anna", 2)
    assert is_demo(system_ctx) and "anna" in _logins(system_ctx)


def test_demo_data_has_no_date_after_now(system_ctx: ServiceContext) -> None:
    """Days in stage are never negative: no exit or stage entry lies in the future."""
    from caseapp.models import Case, StageHistory

    build_demo(system_ctx, cases=60, seed=2026)
    now = system_ctx.now()
    with system_ctx.read() as s:
        exits = s.scalars(select(Case).where(Case.stage.in_(("declined", "withdrawn")))).all()
        assert exits
        assert all(c.stage_entered_at <= now for c in s.scalars(select(Case)))
        for h in s.scalars(select(StageHistory)):
            assert h.entered_at <= now and (h.left_at is None or h.left_at <= now)
