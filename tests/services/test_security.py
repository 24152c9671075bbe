"""Accounts and roles: the permission matrix, log-in and lockout, sessions, the append-only audit
chain, and two real sessions saving the same case (SQLite, and PostgreSQL in PG mode)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from caseapp.db import Database, open_database
from caseapp.models import ROLES, AuditEntry
from caseapp.security import ACTION_WORDS, PERMISSIONS, SYSTEM, Actor, hash_password
from caseapp.services import audit, auth, cases, keys, patients, staff
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.services.errors import NotFound, PermissionDenied, StaleEdit, ValidationError
from tests.conftest import Clock
from tests.services import pipeline_steps as steps

README = Path(__file__).resolve().parents[2] / "README.md"


# ---- the permission matrix ----------------------------------------------------------------


def _ctx_as(role: str, system_ctx: ServiceContext) -> ServiceContext:
    return system_ctx.as_actor(Actor(1000 + ROLES.index(role), f"a-{role}", role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_every_role_against_every_action(
    system_ctx: ServiceContext, role: str, action: str
) -> None:
    ctx = _ctx_as(role, system_ctx)
    if role in PERMISSIONS[action]:
        ctx.require(action)
    else:
        with pytest.raises(PermissionDenied) as err:
            ctx.require(action)
        assert err.value.message == f"a-{role} ({role}) may not {ACTION_WORDS[action]}."


def test_every_action_has_words_and_only_known_roles() -> None:
    assert set(ACTION_WORDS) == set(PERMISSIONS)
    assert all(roles <= set(ROLES) for roles in PERMISSIONS.values())


def _readme_matrix() -> dict[str, frozenset[str]]:
    """The table under "### Permission matrix" in the README: action | role columns (✓)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("### Permission matrix")
    first = next(i for i in range(start, len(lines)) if lines[i].startswith("|"))
    end = next((i for i in range(first, len(lines)) if not lines[i].startswith("|")), len(lines))
    table = lines[first:end]  # the matrix only, not a table further down
    header = [c.strip() for c in table[0].strip("|").split("|")]
    roles = header[2:]
    matrix = {}
    for line in table[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        action = cells[0].strip("`")
        matrix[action] = frozenset(r for r, c in zip(roles, cells[2:], strict=True) if c == "✓")
    return matrix


def test_readme_matrix_is_the_enforced_matrix() -> None:
    assert _readme_matrix() == PERMISSIONS


def test_the_issue_promises_hold() -> None:
    can = {a: r for a, r in PERMISSIONS.items()}
    assert {"facilitator"} <= can["case.create"] and {"facilitator"} <= can["records.edit"]
    assert can["eligibility.sign"] == {"facilitator", "manager"}
    assert "coordinator" in can["lodging.edit"] & can["interpreters.edit"]
    assert "coordinator" in can["documents.generate"]
    assert can["case.reassign"] == {"manager"} and "manager" in can["costs.view"]
    assert can["staff.manage"] == {"admin"} and can["settings.edit"] == {"admin"}
    assert not any(a.startswith("audit.") and a != "audit.view" for a in can)  # no edit/delete


def test_real_service_calls_are_refused_by_role(
    facilitator_ctx: ServiceContext, coordinator_ctx: ServiceContext, manager_ctx: ServiceContext
) -> None:
    ref = steps.new_case(facilitator_ctx)
    admin_ctx = facilitator_ctx.as_actor(staff.actor_for(facilitator_ctx, "kevin"))
    with pytest.raises(PermissionDenied, match="may not advance cases"):
        cases.advance(coordinator_ctx, ref)
    with pytest.raises(PermissionDenied, match="may not open new cases"):
        steps.new_case(coordinator_ctx)
    with pytest.raises(PermissionDenied, match="may not open new cases"):
        steps.new_case(admin_ctx)
    with pytest.raises(PermissionDenied, match="may not see the audit trail"):
        audit.verify_chain(facilitator_ctx)
    with pytest.raises(PermissionDenied, match="may not manage staff accounts"):
        auth.disable_staff(manager_ctx, "mei")
    with pytest.raises(PermissionDenied, match="may not change settings"):
        keys.export_data_key(manager_ctx, "a long enough passphrase")
    assert audit.verify_chain(manager_ctx).intact
    auth.disable_staff(admin_ctx, "mei")  # the admin may


# ---- log-in, lockout, passwords -----------------------------------------------------------


def test_login_with_the_demo_password(demo_db: ServiceContext) -> None:
    actor = auth.login(demo_db, "Fatima ", DEMO_PASSWORD)
    assert (actor.login, actor.role) == ("fatima", "facilitator")


def test_wrong_password_and_unknown_login_get_the_same_sentence(demo_db: ServiceContext) -> None:
    with pytest.raises(auth.LoginFailed) as wrong:
        auth.login(demo_db, "fatima", "not the password")
    with pytest.raises(auth.LoginFailed) as unknown:
        auth.login(demo_db, "nobody", "not the password")
    assert wrong.value.message == unknown.value.message == auth.WRONG_CREDENTIALS


def _failed_logins(ctx: ServiceContext, login: str) -> tuple[int, datetime | None]:
    from caseapp.models import StaffUser

    with ctx.read() as s:
        user = s.scalars(select(StaffUser).where(StaffUser.login == login)).one()
        return user.failed_logins, user.locked_until


def test_five_failures_lock_for_fifteen_minutes(demo_db: ServiceContext, clock: Clock) -> None:
    for _ in range(5):
        with pytest.raises(auth.LoginFailed) as failed:
            auth.login(demo_db, "omar", "guess")
        assert failed.value.message == auth.WRONG_CREDENTIALS  # a locked login is not revealed
    assert _failed_logins(demo_db, "omar") == (5, clock.now + auth.LOCKOUT)
    clock.now += timedelta(minutes=14, seconds=59)
    with pytest.raises(auth.LoginFailed) as right:
        auth.login(demo_db, "omar", DEMO_PASSWORD)  # even the right password
    assert right.value.message == auth.WRONG_CREDENTIALS
    clock.now += timedelta(minutes=15)
    assert auth.login(demo_db, "omar", DEMO_PASSWORD).login == "omar"
    assert _failed_logins(demo_db, "omar") == (0, None)


def test_while_locked_every_attempt_gets_one_answer_is_counted_and_extends_the_lock(
    demo_db: ServiceContext, clock: Clock
) -> None:
    for _ in range(5):
        with pytest.raises(auth.LoginFailed):
            auth.login(demo_db, "omar", "guess")
    answers = set()
    for i in range(20):
        clock.now += timedelta(minutes=1)
        with pytest.raises(auth.LoginFailed) as refused:
            auth.login(demo_db, "omar", DEMO_PASSWORD if i % 2 else f"guess {i}")
        answers.add(refused.value.message)
    assert answers == {auth.WRONG_CREDENTIALS}
    assert _failed_logins(demo_db, "omar") == (25, clock.now + auth.LOCKOUT)
    with demo_db.read() as s:
        actions = list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity == "StaffUser")
                .order_by(AuditEntry.id.desc())
                .limit(20)
            )
        )
    assert actions == ["login refused (locked)"] * 20
    clock.now += auth.LOCKOUT
    assert auth.login(demo_db, "omar", DEMO_PASSWORD).login == "omar"


def test_locked_account_password_is_never_verified(
    demo_db: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseapp.models import StaffUser

    for _ in range(5):
        with pytest.raises(auth.LoginFailed):
            auth.login(demo_db, "omar", "guess")
    with demo_db.read() as s:
        omar_hash = s.scalars(
            select(StaffUser.password_hash).where(StaffUser.login == "omar")
        ).one()
    seen: list[str] = []
    monkeypatch.setattr(auth, "verify_password", lambda stored, pw: seen.append(stored) or False)
    with pytest.raises(auth.LoginFailed):
        auth.login(demo_db, "omar", DEMO_PASSWORD)
    assert seen and omar_hash not in seen


def test_parallel_guesses_are_each_counted(demo_db: ServiceContext, db_url: str) -> None:
    """Twelve guesses at once from four workstations (own engines): twelve counted, same answer."""
    import threading

    others = [open_database(db_url) for _ in range(4)]
    answers: list[str] = []
    errors: list[BaseException] = []

    def guess(db: Database, i: int) -> None:
        ctx = ServiceContext(db.session_factory, SYSTEM, demo_db.clock)
        try:
            auth.login(ctx, "olga", f"guess {i}")
        except auth.LoginFailed as exc:
            answers.append(exc.message)
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=guess, args=(others[i % 4], i)) for i in range(12)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        for o in others:
            o.engine.dispose()
    assert errors == []
    assert answers == [auth.WRONG_CREDENTIALS] * 12
    count, until = _failed_logins(demo_db, "olga")
    assert count == 12 and until is not None
    assert audit.verify_chain(demo_db).intact


def test_success_resets_the_failure_count(demo_db: ServiceContext) -> None:
    for _ in range(4):
        with pytest.raises(auth.LoginFailed):
            auth.login(demo_db, "olga", "guess")
    auth.login(demo_db, "olga", DEMO_PASSWORD)
    for _ in range(4):  # four more do not lock: the count started again
        with pytest.raises(auth.LoginFailed, match=r"^Wrong"):
            auth.login(demo_db, "olga", "guess")
    assert auth.login(demo_db, "olga", DEMO_PASSWORD).login == "olga"


def test_disabled_account_cannot_log_in_until_enabled(demo_db: ServiceContext) -> None:
    admin = demo_db.as_actor(staff.actor_for(demo_db, "kevin"))
    auth.disable_staff(admin, "yan")
    with pytest.raises(auth.LoginFailed, match="'yan' is disabled: ask an administrator"):
        auth.login(demo_db, "yan", DEMO_PASSWORD)
    auth.enable_staff(admin, "yan")
    assert auth.login(demo_db, "yan", DEMO_PASSWORD).login == "yan"
    with pytest.raises(ValidationError, match="your own account"):
        auth.disable_staff(admin, "kevin")


def test_change_and_reset_password(demo_db: ServiceContext) -> None:
    me = demo_db.as_actor(auth.login(demo_db, "jun", DEMO_PASSWORD))
    with pytest.raises(ValidationError, match="current password is not right"):
        auth.change_password(me, "wrong one!", "a brand new secret")
    with pytest.raises(ValidationError, match="at least 10 characters"):
        auth.change_password(me, DEMO_PASSWORD, "short")
    auth.change_password(me, DEMO_PASSWORD, "a brand new secret")
    with pytest.raises(auth.LoginFailed):
        auth.login(demo_db, "jun", DEMO_PASSWORD)
    assert auth.login(demo_db, "jun", "a brand new secret").login == "jun"

    admin = demo_db.as_actor(staff.actor_for(demo_db, "kevin"))
    one_time = auth.reset_password(admin, "jun")
    assert one_time and len(one_time) >= 12
    assert auth.login(demo_db, "jun", one_time).login == "jun"
    assert auth.reset_password(admin, "jun", "chosen by the admin") is None
    assert auth.login(demo_db, "jun", "chosen by the admin").login == "jun"
    with pytest.raises(NotFound):
        auth.reset_password(admin, "nobody")


def test_old_hash_parameters_are_upgraded_at_login(demo_db: ServiceContext) -> None:
    from argon2 import PasswordHasher

    from caseapp.models import StaffUser

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(DEMO_PASSWORD)
    with demo_db.session_factory.begin() as s:
        user = s.query(StaffUser).filter_by(login="aigerim").one()
        user.password_hash = weak
    auth.login(demo_db, "aigerim", DEMO_PASSWORD)
    with demo_db.read() as s:
        stored = s.query(StaffUser).filter_by(login="aigerim").one().password_hash
    assert stored != weak and stored.startswith("$argon2id$")
    assert auth.login(demo_db, "aigerim", DEMO_PASSWORD).login == "aigerim"


def test_sessions_expire_end_and_die_with_the_account(
    demo_db: ServiceContext, clock: Clock
) -> None:
    actor = auth.login(demo_db, "fatima", DEMO_PASSWORD)
    token, expires = auth.start_session(demo_db.as_actor(actor))
    assert expires == clock.now + auth.SESSION_LIFETIME
    assert auth.resume_session(demo_db, token) == actor
    with pytest.raises(auth.SessionEnded, match="has ended"):
        auth.resume_session(demo_db, token + "x")
    clock.now += auth.SESSION_LIFETIME
    with pytest.raises(auth.SessionEnded, match="expired"):
        auth.resume_session(demo_db, token)

    token, _ = auth.start_session(demo_db.as_actor(actor))
    auth.end_session(demo_db, token)
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(demo_db, token)

    token, _ = auth.start_session(demo_db.as_actor(actor))
    auth.disable_staff(demo_db.as_actor(staff.actor_for(demo_db, "kevin")), "fatima")
    with pytest.raises(auth.SessionEnded):
        auth.resume_session(demo_db, token)


def test_the_audit_log_never_holds_password_hashes_or_tokens(demo_db: ServiceContext) -> None:
    actor = auth.login(demo_db, "fatima", DEMO_PASSWORD)
    me = demo_db.as_actor(actor)
    auth.change_password(me, DEMO_PASSWORD, "another secret here")
    token, _ = auth.start_session(me)
    with demo_db.read() as s:
        logged = " ".join(str(r) for r in s.execute(text("SELECT changes FROM audit_entries")))
    assert "$argon2" not in logged
    assert token not in logged and auth._token_hash(token) not in logged


# ---- the audit chain ----------------------------------------------------------------------


def test_verify_chain_intact_on_demo_data_and_after_service_calls(
    facilitator_ctx: ServiceContext, manager_ctx: ServiceContext
) -> None:
    steps.complete_records(facilitator_ctx, steps.new_case(facilitator_ctx))
    result = audit.verify_chain(manager_ctx)
    assert result.intact and result.first_bad_id is None
    assert result.entries > 30
    assert result.message == f"{result.entries} entries, chain intact."


def _drop_append_only_triggers(db: Database) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP TRIGGER audit_entries_append_only ON audit_entries")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_entries_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_entries_no_delete")


def test_the_database_refuses_to_edit_or_delete_audit_entries(
    demo_db: ServiceContext, db: Database
) -> None:
    for sql in ("UPDATE audit_entries SET actor_login = 'someone' WHERE id = 3",
                "DELETE FROM audit_entries WHERE id = 3"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    assert audit.verify_chain(demo_db).intact


def test_verify_names_the_first_edited_entry(demo_db: ServiceContext, db: Database) -> None:
    _drop_append_only_triggers(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor_login = 'mallory' WHERE id = 7"))
        conn.execute(text("UPDATE audit_entries SET actor_login = 'mallory' WHERE id = 9"))
    result = audit.verify_chain(demo_db)
    assert (result.intact, result.first_bad_id) == (False, 7)
    assert result.message.startswith("Audit entry 7 (")
    assert "was changed after it was written" in result.message


def test_verify_notices_a_deleted_entry(demo_db: ServiceContext, db: Database) -> None:
    _drop_append_only_triggers(db)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id = 12"))
    result = audit.verify_chain(demo_db)
    assert (result.intact, result.first_bad_id) == (False, 13)
    assert "does not follow on from the entry before it" in result.message


# ---- two staff, one case ------------------------------------------------------------------


@pytest.fixture
def second_db(db_url: str, db: Database) -> Database:
    """A second connection pool on the same database: another workstation's session."""
    other = open_database(db_url)
    yield other  # type: ignore[misc]
    other.engine.dispose()


def _input(info: patients.PatientInfo, **changes: object) -> patients.PatientInput:
    base = patients.PatientInput(
        info.full_name, info.sex, info.date_of_birth, info.nationality, info.passport_number,
        info.passport_expiry, info.languages, info.phone, info.email, info.address,
        info.home_city, info.notes,
    )  # fmt: skip
    return replace(base, **changes)


def test_second_save_of_a_patient_is_refused_naming_who_and_when(
    facilitator_ctx: ServiceContext, second_db: Database, clock: Clock
) -> None:
    ref = steps.new_case(facilitator_ctx)
    a = facilitator_ctx  # fatima, first workstation
    b = ServiceContext(second_db.session_factory, SYSTEM, clock).as_actor(
        staff.actor_for(a, "helen")
    )
    seen_by_a = cases.case_detail(a, ref).patient
    seen_by_b = cases.case_detail(b, ref).patient
    assert seen_by_a.version == seen_by_b.version

    clock.now += timedelta(minutes=3)
    patients.update_patient(a, ref, _input(seen_by_a, phone="+7 727 555 0199"), seen_by_a.version)
    b_wants = _input(seen_by_b, email="new.mail@mail.example")
    with pytest.raises(StaleEdit) as err:
        patients.update_patient(b, ref, b_wants, seen_by_b.version)
    when = clock.now.astimezone().strftime("%Y-%m-%d %H:%M")
    assert err.value.message.startswith(f"fatima saved this case at {when}, after you opened it.")
    assert cases.case_detail(b, ref).patient.phone == "+7 727 555 0199"  # nothing lost

    reloaded = cases.case_detail(b, ref).patient
    saved = patients.update_patient(b, ref, replace(b_wants, phone=reloaded.phone),
                                    reloaded.version)  # fmt: skip
    assert (saved.phone, saved.email) == ("+7 727 555 0199", "new.mail@mail.example")


def test_second_save_of_a_plan_is_refused_too(
    facilitator_ctx: ServiceContext, second_db: Database, clock: Clock
) -> None:
    ref = steps.new_case(facilitator_ctx)
    b = ServiceContext(second_db.session_factory, SYSTEM, clock).as_actor(
        staff.actor_for(facilitator_ctx, "helen")
    )
    d = cases.case_detail(b, ref)
    plan = cases.PlanInput(
        d.planned_arrival, d.planned_departure, d.program.code, d.home_currency,
        str(d.cny_per_home_unit), d.payer, "A's note",
    )  # fmt: skip
    version = cases.update_plan(facilitator_ctx, ref, plan, d.version)
    with pytest.raises(StaleEdit, match=r"^fatima saved this case at \d{4}-\d\d-\d\d \d\d:\d\d"):
        cases.update_plan(b, ref, replace(plan, notes="B's note"), d.version)
    assert cases.update_plan(b, ref, replace(plan, notes="B's note"), version) > version


def test_hash_password_is_argon2id() -> None:
    assert re.match(r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$", hash_password("x" * 12))


def test_concurrent_writers_keep_one_audit_chain(manager_ctx: ServiceContext) -> None:
    """Two threads (two workstations) writing at once never fork the hash chain."""
    import threading

    from caseapp.services import audit

    errors: list[BaseException] = []

    def write_notes() -> None:
        try:
            for _ in range(15):
                with manager_ctx.unit_of_work() as uow:
                    uow.note("StaffUser", manager_ctx.actor.id, "login")
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write_notes) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert audit.verify_chain(manager_ctx).intact
