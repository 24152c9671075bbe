"""Patient data encrypted at rest: the file's bytes, passport search, the data key in keyring,
export/import to another workstation, and migration 0002 encrypting an existing database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest
from alembic import command
from keyring.backends.fail import Keyring as NoKeyring
from sqlalchemy import text

from caseapp.db import Database, alembic_config, install_key_file, make_engine, open_database
from caseapp.secrets import DataKeyMissing, KeyringUnavailable
from caseapp.services import audit, auth, cases, eligibility, keys, patients, records, staff
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from tests.conftest import PG_URL, MemoryKeyring
from tests.services import pipeline_steps as steps

PASSPORT = "QX7315824"
PASSWORD = "Plum-Orchard-4417"
SCAN = b"%PDF-1.4 bone marrow report: blasts 35% CD33 82%" * 20


def _make_sensitive_case(facilitator_ctx: ServiceContext) -> str:
    ref = steps.new_case(facilitator_ctx)
    p = cases.case_detail(facilitator_ctx, ref).patient
    data = patients.PatientInput(
        p.full_name, p.sex, p.date_of_birth, p.nationality, PASSPORT, p.passport_expiry,
        p.languages, "+7 727 555 0123", "private.person@mail.example",
        "17 Quiet Lane, Almaty", p.home_city, "Prefers calls after 18:00",
    )  # fmt: skip
    patients.update_patient(facilitator_ctx, ref, data, p.version)
    eligibility.set_facts(facilitator_ctx, ref, {"cd33_pct": "82.5"})
    code = records.record_states(facilitator_ctx, ref)[0].code
    records.receive_record(facilitator_ctx, ref, code, received_on=steps.TODAY,
                           document_date=None, content=SCAN, filename="marrow.pdf")  # fmt: skip
    admin = facilitator_ctx.as_actor(staff.actor_for(facilitator_ctx, "kevin"))
    staff.create_staff(admin, "newbie", "New Person", "coordinator", password=PASSWORD)
    return ref


@pytest.mark.skipif(bool(PG_URL), reason="reads the SQLite file's bytes")
def test_the_database_file_holds_no_passport_number_or_password(
    facilitator_ctx: ServiceContext, db: Database, db_url: str
) -> None:
    ref = _make_sensitive_case(facilitator_ctx)
    path = Path(db_url.removeprefix("sqlite:///"))
    files = [path, path.with_name(path.name + "-wal")]
    needles = [PASSPORT, PASSWORD, "private.person@mail.example", "17 Quiet Lane",
               "Prefers calls", "+7 727 555 0123", "1980-03-14", "bone marrow report"]  # fmt: skip

    def leaks() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for f in files:
            data = f.read_bytes() if f.exists() else b""
            for n in needles:
                for enc in ("utf-8", "utf-16-le"):
                    if n.encode(enc) in data:
                        found.setdefault(f.name, []).append(n)
        return found

    assert files[1].stat().st_size > 0, "the writes are still in the WAL: check it too"
    assert leaks() == {}
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert leaks() == {}
    # ...and the service still reads everything back in clear.
    p = cases.case_detail(facilitator_ctx, ref).patient
    assert (p.passport_number, p.email, p.date_of_birth) == (
        PASSPORT, "private.person@mail.example", date(1980, 3, 14),
    )  # fmt: skip
    assert auth.login(facilitator_ctx, "newbie", PASSWORD).login == "newbie"


def test_stored_values_are_ciphertext_on_every_database(
    facilitator_ctx: ServiceContext, db: Database
) -> None:
    ref = _make_sensitive_case(facilitator_ctx)
    with db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT passport_number, date_of_birth, email, notes, passport_index FROM patients "
            "WHERE passport_index <> '' ORDER BY id DESC LIMIT 1"
        )).one()  # fmt: skip
        fact = conn.execute(
            text("SELECT value FROM clinical_facts WHERE key = 'cd33_pct'")
        ).scalar()
        blob = conn.execute(
            text("SELECT content FROM attachments WHERE filename = 'marrow.pdf'")
        ).scalar()
    b64 = re.compile(r"^[A-Za-z0-9+/]{40,}={0,2}$")
    assert all(b64.match(v) for v in (row[0], row[1], row[2], row[3], fact))
    assert re.fullmatch(r"[0-9a-f]{64}", row[4])
    assert SCAN[:20] not in bytes(blob) and len(bytes(blob)) == len(SCAN) + 28
    att = records.record_states(facilitator_ctx, ref)[0].attachment_id
    assert records.attachment_file(facilitator_ctx, ref, att).content == SCAN


def test_search_finds_an_exact_passport_number_however_typed(
    facilitator_ctx: ServiceContext,
) -> None:
    ref = _make_sensitive_case(facilitator_ctx)
    for typed in (PASSPORT, PASSPORT.lower(), "qx 731-5824"):
        rows = cases.list_cases(facilitator_ctx, search=typed)
        assert [r.ref for r in rows] == [ref]
        assert rows[0].passport_number == PASSPORT  # decrypted for the list's own filter
    assert ref not in {r.ref for r in cases.list_cases(facilitator_ctx, search="7315")}
    assert ref in {r.ref for r in cases.list_cases(facilitator_ctx, search="nurlanovna")}


def test_demo_rows_are_encrypted_and_indexed(demo_db: ServiceContext, db: Database) -> None:
    rows = cases.list_cases(demo_db)
    assert all(re.fullmatch(r"[A-Z]\d{8}", r.passport_number) for r in rows)
    some = rows[3]
    assert [r.ref for r in cases.list_cases(demo_db, search=some.passport_number)] == [some.ref]
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT passport_number FROM patients")).scalars().all()
    assert not any(re.fullmatch(r"[A-Z]\d{8}", s) for s in stored)


def test_audit_masks_encrypted_values(facilitator_ctx: ServiceContext) -> None:
    ref = _make_sensitive_case(facilitator_ctx)
    rows = audit.case_history(facilitator_ctx, ref)
    facts = [r for r in rows if r.entity == "ClinicalFact"]
    assert facts and all(r.changes["value"] == ["•", "•"] for r in facts)
    assert "82.5" not in repr(rows) and PASSPORT not in repr(rows)


# ---- the data key --------------------------------------------------------------------------


@pytest.fixture
def other_workstation() -> Iterator[MemoryKeyring]:
    """A keyring that has never seen this database."""
    previous = keyring.get_keyring()
    fresh = MemoryKeyring()
    keyring.set_keyring(fresh)
    yield fresh
    keyring.set_keyring(previous)


def test_key_export_import_round_trip(
    facilitator_ctx: ServiceContext, db: Database, db_url: str, tmp_path: Path
) -> None:
    ref = _make_sensitive_case(facilitator_ctx)
    admin = facilitator_ctx.as_actor(staff.actor_for(facilitator_ctx, "kevin"))
    blob = keys.export_data_key(admin, "correct horse battery")
    assert b"data-key" in blob and db.identity.encode() in blob
    assert PASSPORT.encode() not in blob

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())  # the second workstation
    try:
        with pytest.raises(DataKeyMissing) as missing:
            open_database(db_url)
        assert missing.value.message.startswith(
            "This database's data key is not on this computer: import it with "
            "'caseapp key import FILE'"
        )
        locked = open_database(db_url, unlock_key=False)
        with pytest.raises(DataKeyMissing, match="passphrase does not open this key file"):
            install_key_file(locked.engine, blob, "wrong passphrase!")
        with pytest.raises(DataKeyMissing, match="not a CaseApp key export"):
            install_key_file(locked.engine, b"{}", "correct horse battery")
        assert install_key_file(locked.engine, blob, "correct horse battery") == db.identity
        locked.engine.dispose()
        second = open_database(db_url)
        ctx = ServiceContext(second.session_factory, facilitator_ctx.actor, facilitator_ctx.clock)
        assert cases.case_detail(ctx, ref).patient.passport_number == PASSPORT
        second.engine.dispose()
    finally:
        keyring.set_keyring(previous)


def test_a_key_file_of_another_database_is_refused(db: Database, tmp_path: Path) -> None:
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    from caseapp.security import data_key_for, export_key_file

    blob = export_key_file(data_key_for(other.engine.dialect), other.identity, "passphrase 123")
    with pytest.raises(DataKeyMissing, match="belongs to another database"):
        install_key_file(db.engine, blob, "passphrase 123")
    other.engine.dispose()


def test_export_needs_a_long_passphrase(demo_db: ServiceContext) -> None:
    from caseapp.services.errors import ValidationError

    admin = demo_db.as_actor(staff.actor_for(demo_db, "kevin"))
    with pytest.raises(ValidationError, match="at least 12 characters"):
        keys.export_data_key(admin, "short")


def test_without_a_keyring_the_user_is_told_how_to_fix_it(db_url: str) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        with pytest.raises(KeyringUnavailable) as err:
            open_database(db_url)
    finally:
        keyring.set_keyring(previous)
    message = err.value.message
    assert "keyring" in message and "Credential Manager" in message and "Keychain" in message
    assert "Secret Service" in message


def test_a_wrong_key_in_keyring_is_named_not_used(db: Database, db_url: str) -> None:
    from caseapp.secrets import data_key_name
    from caseapp.security import DataKey

    keyring.set_password("CaseApp", data_key_name(db.identity), DataKey.generate().to_text())
    with pytest.raises(DataKeyMissing, match="does not open this database"):
        open_database(db_url)


# ---- migration 0002 on a database that already had data -----------------------------------


@pytest.mark.skipif(bool(PG_URL), reason="builds its own SQLite file at revision 0001")
def test_migration_encrypts_rows_written_before_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO patients (id, full_name, sex, date_of_birth, nationality, "
            "passport_number, passport_expiry, languages, phone, email, address, home_city, "
            "notes, version) VALUES (1, 'Old Patient', 'M', '1971-05-02', 'Georgia', "
            "'G 1234-5678', '2031-01-01', '[\"Georgian\"]', '+995 555 1', 'old@mail.example', "
            "'1 Old Street', 'Tbilisi', 'old notes', 1)"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO companions (id, patient_id, full_name, relation, sex, date_of_birth, "
            "passport_number, passport_expiry, phone) VALUES "
            "(1, 1, 'Old Companion', 'wife', 'F', NULL, 'G7654321', NULL, '+995 555 2')"
        ))  # fmt: skip
    engine.dispose()

    db = open_database(url)
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT passport_number, date_of_birth FROM patients")).one()
        assert "1234" not in raw[0] and "1971" not in raw[1]
    from caseapp.models import Companion, Patient

    with db.session_factory() as s:
        p = s.get(Patient, 1)
        assert p is not None
        assert (p.passport_number, p.date_of_birth, p.notes) == (
            "G 1234-5678", date(1971, 5, 2), "old notes",
        )  # fmt: skip
        c = s.get(Companion, 1)
        assert c is not None and (c.passport_number, c.date_of_birth) == ("G7654321", None)
        found = s.scalars(
            text("SELECT id FROM patients WHERE passport_index = :i").bindparams(
                i=__import__("caseapp.security", fromlist=["data_key_for"])
                .data_key_for(db.engine.dialect)
                .passport_index("g12345678")
            )
        ).all()
        assert found == [1]
    db.engine.dispose()


def test_demo_password_is_stored_as_argon2_only(demo_db: ServiceContext, db: Database) -> None:
    with db.engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM staff_users")).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") and DEMO_PASSWORD not in h for h in hashes)
