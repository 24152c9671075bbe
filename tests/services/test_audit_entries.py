"""The office-wide audit query, the interpreter roster edits and the key import service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.secrets import DataKeyMissing
from caseapp.services import audit, auth, keys
from caseapp.services import interpreters as interp
from caseapp.services.audit import AuditFilters
from caseapp.services.cases import list_cases
from caseapp.services.context import ServiceContext
from caseapp.services.errors import PermissionDenied, ValidationError
from caseapp.services.staff import actor_for, create_staff
from tests.conftest import Clock


@pytest.fixture
def admin_ctx(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "kevin"))


def test_entries_are_newest_first_and_limited(manager_ctx: ServiceContext) -> None:
    everything = audit.audit_entries(manager_ctx)
    ids = [r.id for r in everything.rows]
    assert ids == sorted(ids, reverse=True) and len(ids) > 50 and not everything.more
    page = audit.audit_entries(manager_ctx, limit=5)
    assert [r.id for r in page.rows] == ids[:5]
    assert page.more and page.limit == 5


def test_filter_by_user(admin_ctx: ServiceContext, clock: Clock) -> None:
    clock.now += timedelta(hours=1)
    create_staff(admin_ctx, "amy", "Amy Chen", "coordinator", password="a-long-password")
    auth.disable_staff(admin_ctx, "amy")
    page = audit.audit_entries(admin_ctx, AuditFilters(actor_login="Kevin "))
    assert [(r.entity, r.action) for r in page.rows] == [
        ("StaffUser", "update"),
        ("StaffUser", "create"),
    ]
    assert all(r.actor_login == "kevin" and r.case_ref == "" for r in page.rows)
    created = page.rows[1].changes
    assert created["login"] == [None, "amy"] and created["password_hash"] == ["•", "•"]
    assert "kevin" in audit.audit_choices(admin_ctx).actors


def test_filter_by_case_matches_case_history(manager_ctx: ServiceContext) -> None:
    ref = list_cases(manager_ctx)[3].ref
    page = audit.audit_entries(manager_ctx, AuditFilters(case_ref=ref.lower()))
    assert page.rows and {r.case_ref for r in page.rows} == {ref}
    history = audit.case_history(manager_ctx, ref)
    assert [(r.at, r.entity, r.action) for r in page.rows] == [
        (h.at, h.entity, h.action) for h in history
    ]
    assert audit.audit_entries(manager_ctx, AuditFilters(case_ref="CA-1999-0001")).rows == ()


def test_filter_by_entity_action_and_dates(manager_ctx: ServiceContext, clock: Clock) -> None:
    page = audit.audit_entries(manager_ctx, AuditFilters(entity="Case", action="demo"))
    assert page.rows and {(r.entity, r.action) for r in page.rows} == {("Case", "demo")}
    today = clock.now.astimezone().date()
    inside = AuditFilters(date_from=today, date_to=today)
    assert len(audit.audit_entries(manager_ctx, inside).rows) == len(
        audit.audit_entries(manager_ctx).rows
    )
    later = AuditFilters(date_from=today + timedelta(days=1))
    assert audit.audit_entries(manager_ctx, later).rows == ()
    earlier = AuditFilters(date_to=today - timedelta(days=1))
    assert audit.audit_entries(manager_ctx, earlier).rows == ()
    with pytest.raises(ValidationError) as err:
        audit.audit_entries(manager_ctx, AuditFilters(date_from=today, date_to=earlier.date_to))
    assert err.value.field == "date_from"


def test_only_managers_and_admins_read_the_trail(facilitator_ctx: ServiceContext) -> None:
    with pytest.raises(PermissionDenied):
        audit.audit_entries(facilitator_ctx)
    with pytest.raises(PermissionDenied):
        audit.audit_choices(facilitator_ctx)


def test_interpreter_update_and_deactivate(
    coordinator_ctx: ServiceContext, facilitator_ctx: ServiceContext
) -> None:
    first = interp.list_interpreters(coordinator_ctx)[0]
    data = interp.InterpreterInput(
        name="Li Na (senior)",
        languages=("Russian", " Kazakh ", ""),
        medical_certified=True,
        hourly_rate_cny="300",
        city="Shanghai",
    )
    row = interp.update_interpreter(coordinator_ctx, first.id, data)
    assert (row.id, row.name, row.languages, row.hourly_rate_cny) == (
        first.id, "Li Na (senior)", ("Russian", "Kazakh"), 300,
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        interp.update_interpreter(coordinator_ctx, first.id, interp.InterpreterInput("x", ()))
    assert err.value.field == "languages"
    assert not interp.set_interpreter_active(coordinator_ctx, first.id, False).active
    with pytest.raises(PermissionDenied):
        interp.set_interpreter_active(facilitator_ctx, first.id, True)
    entries = audit.audit_entries(
        coordinator_ctx.as_actor(actor_for(coordinator_ctx, "helen")),
        AuditFilters(entity="Interpreter", action="update"),
    ).rows
    assert entries[0].changes["active"] == [True, False]


def test_key_import_service_round_trip(
    admin_ctx: ServiceContext, memory_keyring: object, facilitator_ctx: ServiceContext
) -> None:
    blob = keys.export_data_key(admin_ctx, "a passphrase of some length")
    store = memory_keyring.store  # type: ignore[attr-defined]
    name = next(k for k in store if k[1].startswith("data-key:"))
    saved = store.pop(name)
    with pytest.raises(DataKeyMissing, match="passphrase"):
        keys.import_data_key(facilitator_ctx, blob, "not the passphrase")
    database_id = keys.import_data_key(facilitator_ctx, blob, "a passphrase of some length")
    assert name == ("CaseApp", f"data-key:{database_id}") and store[name] == saved
