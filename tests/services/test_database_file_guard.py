"""The database file deleted or replaced under a running app, and a full disk (issue 12, item 3):
no save is reported as done that is not kept; the user gets one sentence that nothing was saved.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from caseapp.db import Database, open_database
from caseapp.security import SYSTEM
from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.services.demo import build_demo
from caseapp.services.errors import DomainError
from caseapp.services.staff import actor_for
from tests.conftest import Clock
from tests.services import pipeline_steps as steps


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[Database, ServiceContext, Path]]:
    path = tmp_path / "office.sqlite3"
    database = open_database(f"sqlite:///{path}")
    system = ServiceContext(database.session_factory, SYSTEM, Clock())
    build_demo(system, cases=0, seed=2)
    yield database, system.as_actor(actor_for(system, "fatima")), path
    database.engine.dispose()


def case_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])


def test_a_deleted_database_file_refuses_every_save(office: Any) -> None:
    _database, ctx, path = office
    steps.new_case(ctx, companions=0)
    for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    for _ in range(3):
        with pytest.raises(DomainError, match="was deleted or moved while CaseApp was running; "
                           "nothing was saved"):  # fmt: skip
            steps.new_case(ctx, companions=0)
    assert not path.exists()


def test_a_replaced_database_file_refuses_saves_and_is_left_as_it_is(
    office: Any, tmp_path: Path
) -> None:
    _database, ctx, path = office
    steps.new_case(ctx, companions=0)
    copy = tmp_path / "restored.sqlite3"
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    os.replace(copy, path)
    before = case_count(path)
    with pytest.raises(DomainError, match="replaced by another file"):
        steps.new_case(ctx, companions=0)
    assert case_count(path) == before == 1


def test_a_moved_database_file_is_noticed(office: Any, tmp_path: Path) -> None:
    _database, ctx, path = office
    shutil.move(path, tmp_path / "elsewhere.sqlite3")
    with pytest.raises(DomainError, match="deleted or moved"):
        steps.new_case(ctx, companions=0)


def test_a_full_disk_is_a_sentence_and_nothing_is_kept(office: Any) -> None:
    database, ctx, path = office
    ref = steps.new_case(ctx, companions=0)

    def no_room(dbapi: Any, _record: Any) -> None:  # SQLite says SQLITE_FULL as on a full disk
        pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
        dbapi.execute(f"PRAGMA max_page_count = {pages}")

    database.engine.dispose()
    event.listen(database.engine, "connect", no_room)
    with pytest.raises(DomainError) as caught:
        for i in range(40):  # each a new case with long notes: the file must grow
            cases.open_case(ctx, steps_case(i))
    assert "disk holding the database is full; nothing of this save was kept" in (
        caught.value.message
    )
    event.remove(database.engine, "connect", no_room)
    database.engine.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert cases.case_detail(ctx, ref).ref == ref


def steps_case(i: int) -> cases.NewCase:
    from dataclasses import replace

    from caseapp.services.patients import PatientInput

    patient = PatientInput(
        full_name=f"Patient {i}", sex="F", date_of_birth=steps.TODAY.replace(year=1980),
        nationality="Kazakhstan", passport_number=f"N{10000000 + i}",
        passport_expiry=steps.TODAY.replace(year=2031), languages=("Russian",),
        notes="x" * 9000,
    )  # fmt: skip
    base = cases.NewCase(patient=patient, program_code="SH-CD33-01", owner_login="fatima")
    return replace(base, notes="y" * 9000)
