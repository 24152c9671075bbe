"""Build demo data into an empty database, and the login hint a demo database shows."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from caseapp import models as m
from caseapp.paths import resource_path
from caseapp.security import hash_password
from caseapp.services.context import ServiceContext
from caseapp.services.demo.generator import CaseGenerator
from caseapp.services.demo.rows import Rows
from caseapp.services.demo_mark import DEMO_SETTING, require_new_database
from caseapp.services.errors import ValidationError
from caseapp.services.reference import load_reference, load_toml, write_reference

DEMO_PASSWORD = "caseapp-demo-2026"


@dataclass(frozen=True)
class DemoSummary:
    cases: int
    by_stage: dict[str, int]
    staff: int
    programs: int
    interpreters: int


def build_demo(
    ctx: ServiceContext,
    cases: int = 60,
    seed: int = 2026,
    progress: Callable[[int, int], bool] | None = None,
) -> DemoSummary:
    """Fill a new, empty database with demo data and mark it a demo database for good; same
    seed, same data (for the same today)."""
    ctx.require("staff.manage")
    if cases < 0 or cases > 200_000:
        raise ValidationError("The number of demo cases must be between 0 and 200,000.", "cases")
    pools = load_toml(resource_path("reference", "demo.toml"))
    programs, visas = load_reference()
    rng = random.Random(seed)
    # One transaction: a process killed or cancelled meanwhile leaves the database new and empty.
    with ctx.unit_of_work() as uow:
        s = uow.session
        require_new_database(s)
        write_reference(s, programs, visas)
        _reference_people(s, pools)
        if "agency" in pools and s.get(m.Setting, "agency") is None:
            s.add(m.Setting(key="agency", value=dict(pools["agency"])))
        if s.get(m.Setting, DEMO_SETTING) is None:
            s.add(m.Setting(key=DEMO_SETTING, value={"seed": seed, "cases": cases}))
        s.flush()
        uow.write_audit()  # the reference rows' entries first: the cases' entries chain on
        gen = CaseGenerator(s, rng, ctx.today(), ctx.now(), pools)
        counts: dict[str, int] = defaultdict(int)
        rows = Rows(next_id=gen.start_ids())
        for i in range(cases):
            stage = gen.pick_stage(i)
            counts[stage] += 1
            gen.case(rows, i, stage)
            if (i + 1) % 500 == 0 or i + 1 == cases:
                rows.flush(s)
                if progress is not None and not progress(i + 1, cases):
                    raise ValidationError("Demo data generation was cancelled; nothing was saved.")
        gen.write_audit(rows)
        if gen.sealed is not None:
            uow.sealed = gen.sealed  # the newest checkpoint, kept outside after the commit
        rows.flush(s)
        _sync_sequences(s)
        staff = s.scalar(select(func.count()).select_from(m.StaffUser)) or 0
        n_programs = s.scalar(select(func.count()).select_from(m.Program)) or 0
        interpreters = s.scalar(select(func.count()).select_from(m.Interpreter)) or 0
    return DemoSummary(cases, dict(counts), staff, n_programs, interpreters)


def demo_login_hint(ctx: ServiceContext) -> str | None:
    """For the login dialog of a demo database: which accounts to try (None elsewhere)."""
    with ctx.read() as s:
        if s.get(m.Setting, "demo") is None:
            return None
        people = [
            (u.login, u.role)
            for u in s.scalars(select(m.StaffUser).order_by(m.StaffUser.id))
            if u.active and u.password_hash
        ]
    firsts: dict[str, str] = {}
    for login, role in people:
        firsts.setdefault(role, login)
    accounts = ", ".join(f"{login} ({role})" for role, login in firsts.items())
    return f"Demo database: log in as {accounts}; password {DEMO_PASSWORD}."


def _sync_sequences(s: Session) -> None:
    """Ids were assigned here; move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    if s.get_bind().dialect.name != "postgresql":
        return
    for table in m.Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
            s.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ))  # fmt: skip


def _reference_people(s: Session, pools: dict[str, Any]) -> None:
    password = hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow on purpose
    known = set(s.scalars(select(m.StaffUser.login)))
    for p in pools["staff"]:
        if p["login"] not in known:
            s.add(
                m.StaffUser(
                    login=p["login"],
                    full_name=p["full_name"],
                    role=p["role"],
                    email=p.get("email", ""),
                    phone=p.get("phone", ""),
                    password_hash=password,
                )
            )
    if not s.scalar(select(func.count()).select_from(m.Interpreter)):
        for i in pools["interpreter"]:
            s.add(
                m.Interpreter(
                    name=i["name"],
                    name_zh=i.get("name_zh", ""),
                    languages=i["languages"],
                    medical_certified=i.get("medical_certified", False),
                    hourly_rate_cny=Decimal(str(i.get("hourly_rate_cny", 0))),
                    phone=i.get("phone", ""),
                    email=i.get("email", ""),
                    city=i.get("city", ""),
                )
            )
