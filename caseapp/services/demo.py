"""Deterministic, realistic demo data: staff, programs, interpreters and cases in every stage.

Cases are written with bulk inserts (ids assigned here) so 5,000 of them take seconds; the data
is shaped by the same rules the gates use, so a case's stage matches what its data allows.
The inserts go through the tables' column types, so encrypted columns are encrypted here too;
only the passport search index, which the ORM sets on its own, is computed explicitly.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from caseapp import models as m
from caseapp.paths import resource_path
from caseapp.security import data_key_for, hash_password
from caseapp.services.context import GENESIS_HASH, ServiceContext, audit_hash
from caseapp.services.eligibility import FACTS, CriterionSpec, age_on, evaluate, fact_text
from caseapp.services.errors import ValidationError
from caseapp.services.followup import DEFAULT_PLAN_DAYS
from caseapp.services.interpreters import CHINA_TZ
from caseapp.services.reference import import_reference, load_toml

DEMO_PASSWORD = "caseapp-demo-2026"
STREETS = ("Central", "Park", "Lake", "Station", "Garden", "River")
STAGE_WEIGHTS = {
    "records": 12, "eligibility": 12, "visa": 12, "lodging": 9, "interpreters": 9,
    "treatment": 14, "followup": 14, "closed": 8, "declined": 6, "withdrawn": 4,
}  # fmt: skip
DAYS_IN_STAGE = {  # typical (low, high) days spent in each pre-travel stage
    "records": (3, 30), "eligibility": (2, 20), "visa": (5, 40), "lodging": (2, 18),
    "interpreters": (1, 10),
}  # fmt: skip
DECLINE_REASONS = (
    "Not eligible: CD33 expression on blasts below the program's threshold.",
    "Not eligible: active CNS leukaemia on lumbar puncture.",
    "Not eligible: LVEF below the program's minimum on echocardiogram.",
    "Hospital declined: uncontrolled fungal infection at screening.",
)
WITHDRAW_REASONS = (
    "Patient chose to continue treatment at home.",
    "Disease progressed rapidly; the patient is too unwell to travel.",
    "The family could not fund the stay.",
    "Patient enrolled in a trial in their home country.",
)
TOXICITY_CARE = {
    ("CRS", 1): "Antipyretics and fluids; observation.",
    ("CRS", 2): "Tocilizumab 8 mg/kg x1; IV fluids; low-flow oxygen.",
    ("CRS", 3): "Tocilizumab 8 mg/kg x2; dexamethasone 10 mg q6h; noradrenaline; ICU transfer.",
    ("ICANS", 1): "Neurological checks every 4 h; seizure prophylaxis (levetiracetam).",
    ("ICANS", 2): "Dexamethasone 10 mg q6h; levetiracetam; neurology consult.",
}
COST_SHARES = {
    "apheresis": Decimal("0.06"), "manufacturing": Decimal("0.55"), "infusion": Decimal("0.04"),
    "hospital stay": Decimal("0.18"), "monitoring": Decimal("0.07"), "medicines": Decimal("0.07"),
    "follow-up": Decimal("0.03"),
}  # fmt: skip


@dataclass
class Rows:
    """Rows per table with ids assigned here, inserted in foreign-key order."""

    next_id: dict[str, int] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, **values: Any) -> int:
        ident = self.next_id.get(table, 1)
        self.next_id[table] = ident + 1
        self.tables[table].append({"id": ident, **values})
        return ident

    def flush(self, session: Session) -> None:
        for table in m.Base.metadata.sorted_tables:
            batch = self.tables.pop(table.name, None)
            if batch:
                session.execute(insert(table), batch)


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
    """Fill an empty database with demo data; same seed, same data (for the same today)."""
    ctx.require("staff.manage")
    if cases < 0 or cases > 200_000:
        raise ValidationError("The number of demo cases must be between 0 and 200,000.", "cases")
    with ctx.read() as s:
        existing = s.scalar(select(func.count()).select_from(m.Case)) or 0
    if existing:
        raise ValidationError(
            f"The database already holds {existing} cases; demo data goes only "
            "into an empty database (choose another with --db)."
        )
    pools = load_toml(resource_path("reference", "demo.toml"))
    import_reference(ctx)
    rng = random.Random(seed)
    with ctx.unit_of_work() as uow:
        s = uow.session
        _reference_people(s, pools)
        if "agency" in pools and s.get(m.Setting, "agency") is None:
            s.add(m.Setting(key="agency", value=dict(pools["agency"])))
        if s.get(m.Setting, "demo") is None:
            s.add(m.Setting(key="demo", value={"seed": seed, "cases": cases}))
    with ctx.session_factory() as s:
        gen = _Generator(s, rng, ctx.today(), ctx.now(), pools)
        counts: dict[str, int] = defaultdict(int)
        rows = Rows(next_id=gen.start_ids())
        for i in range(cases):
            stage = gen.pick_stage(i)
            counts[stage] += 1
            gen.case(rows, i, stage)
            if (i + 1) % 500 == 0 or i + 1 == cases:
                rows.flush(s)
                if progress is not None and not progress(i + 1, cases):
                    s.rollback()
                    raise ValidationError("Demo data generation was cancelled; nothing was saved.")
        gen.write_audit(rows)
        rows.flush(s)
        _sync_sequences(s)
        s.commit()
        staff = s.scalar(select(func.count()).select_from(m.StaffUser)) or 0
        programs = s.scalar(select(func.count()).select_from(m.Program)) or 0
        interpreters = s.scalar(select(func.count()).select_from(m.Interpreter)) or 0
    return DemoSummary(cases, dict(counts), staff, programs, interpreters)


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


def china(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC)


class _Generator:
    def __init__(
        self, s: Session, rng: random.Random, today: date, now: datetime, pools: dict[str, Any]
    ) -> None:
        self.s, self.rng, self.today, self.now, self.pools = s, rng, today, now, pools
        self.key = data_key_for(s.get_bind().dialect)
        self.programs = list(s.scalars(select(m.Program).order_by(m.Program.code)))
        self.specs = {
            p.id: [
                CriterionSpec(
                    c.code,
                    c.kind,
                    c.label,
                    c.fact,
                    c.op,
                    c.value.get("v"),
                    c.applies_if,
                    c.required,
                )
                for c in p.criteria
            ]
            for p in self.programs
        }
        self.staff = list(s.scalars(select(m.StaffUser).order_by(m.StaffUser.id)))
        self.owners = [u for u in self.staff if u.role == "facilitator"]
        self.coordinators = [u for u in self.staff if u.role == "coordinator"]
        self.interpreters = list(s.scalars(select(m.Interpreter).order_by(m.Interpreter.id)))
        self.visa_types = list(s.scalars(select(m.VisaType.code).order_by(m.VisaType.code)))
        self.busy: set[tuple[int, date, int]] = set()
        self.lodgings = defaultdict(list)
        for lodge in pools["lodging"]:
            self.lodgings[lodge["city"]].append(lodge)
        self.physicians = defaultdict(list)
        for doc in pools["local_physician"]:
            self.physicians[doc["country"]].append(doc)
        self.case_audit: list[tuple[int, str, str]] = []
        self.stages = list(STAGE_WEIGHTS)
        self.weights = list(STAGE_WEIGHTS.values())
        self.year = now.year

    def start_ids(self) -> dict[str, int]:
        return {
            t.name: (self.s.scalar(select(func.max(t.c.id))) or 0) + 1
            for t in m.Base.metadata.sorted_tables
            if "id" in t.c
        }

    def pick_stage(self, i: int) -> str:
        return (
            self.stages[i]
            if i < len(self.stages)
            else self.rng.choices(self.stages, self.weights)[0]
        )

    # ---- one case ---------------------------------------------------------------------

    def case(self, rows: Rows, i: int, stage: str) -> None:
        rng = self.rng
        program = self.programs[i % len(self.programs)] if i < 20 else rng.choice(self.programs)
        exit_from = None
        if stage == "declined":
            exit_from = rng.choice(("eligibility", "eligibility", "records"))
        elif stage == "withdrawn":
            exit_from = rng.choice(("records", "visa", "lodging", "eligibility"))
        reached = exit_from or stage
        k = m.STAGES.index(reached)
        ready = rng.random() < 0.5 if stage in m.OPEN_STAGES else True
        arrival, departure, infusion = self._dates(reached, ready)
        nat = rng.choice(self.pools["nationality"])
        patient_id, name, dob, languages, companions = self._patient(
            rows, nat, program, departure, reached, ready
        )
        owner = rng.choice(self.owners)
        entered = self._history_dates(reached, arrival, departure)
        ref = f"CA-{self.year}-{i + 1:04d}"
        case_id = rows.next_id.get("cases", 1)
        rows.add(
            "cases",
            ref=ref,
            patient_id=patient_id,
            program_id=program.id,
            owner_id=owner.id,
            coordinator_id=rng.choice(self.coordinators).id if self.coordinators else None,
            stage=stage,
            stage_entered_at=entered[-1]
            if not exit_from
            else entered[-1] + timedelta(days=rng.randint(2, 12)),
            exit_reason=rng.choice(DECLINE_REASONS if stage == "declined" else WITHDRAW_REASONS)
            if exit_from
            else "",
            planned_arrival=arrival,
            planned_departure=departure,
            home_currency=nat["currency"],
            cny_per_home_unit=Decimal(str(nat["cny_per_unit"])),
            payer=rng.choice(
                (
                    "the patient (self-funded)",
                    "the patient's family",
                    "the patient's employer's health plan",
                )
            ),
            followup_plan_days=list(DEFAULT_PLAN_DAYS),
            notes="",
            created_at=entered[0],
            version=1,
        )
        for j, at in enumerate(entered):
            left = entered[j + 1] if j + 1 < len(entered) else None
            rows.add(
                "stage_history",
                case_id=case_id,
                stage=m.STAGES[j],
                entered_at=at,
                left_at=left,
                actor_id=owner.id,
                note="",
            )
        if exit_from:
            rows.tables["stage_history"][-1]["left_at"] = rows.tables["cases"][-1][
                "stage_entered_at"
            ]
            rows.add(
                "stage_history",
                case_id=case_id,
                stage=stage,
                entered_at=rows.tables["cases"][-1]["stage_entered_at"],
                left_at=None,
                actor_id=owner.id,
                note=rows.tables["cases"][-1]["exit_reason"],
            )
        self._records(rows, case_id, program, k, reached == "records" and not ready, entered, i)
        if k >= 1:
            self._eligibility(rows, case_id, program, dob, owner.id, k, ready, stage, entered)
        if k >= 2:
            self._visa(rows, case_id, arrival, departure, k, ready, entered, owner.id)
        if k >= 3:
            self._lodging(
                rows,
                case_id,
                program,
                arrival,
                departure,
                companions,
                reached == "lodging" and not ready,
            )
        if k >= 4:
            self._appointments(
                rows,
                case_id,
                program,
                arrival,
                infusion,
                languages,
                reached == "interpreters" and not ready,
            )
        if k >= 1:
            self._costs(rows, case_id, program, arrival, departure, k)
        if k >= 5:
            self._treatment(rows, case_id, arrival, infusion, departure, k, ready)
        self.case_audit.append((case_id, ref, name))

    def _dates(self, reached: str, ready: bool) -> tuple[date, date, date]:
        rng, today = self.rng, self.today
        stay = rng.choice((63, 70, 77, 84, 91))
        if m.STAGES.index(reached) <= 4:
            arrival = today + timedelta(days=rng.randint(21, 110))
        elif reached == "treatment" and ready:  # infused and discharged: arrived 8+ weeks ago
            arrival = today - timedelta(days=rng.randint(56, 75))
        elif reached == "treatment":
            arrival = today - timedelta(days=rng.randint(3, 45))
        elif reached == "followup":
            arrival = today - timedelta(days=stay + rng.randint(5, 330))
        else:
            arrival = today - timedelta(days=stay + rng.randint(380, 600))
        infusion = arrival + timedelta(days=rng.randint(14, 21))
        return arrival, arrival + timedelta(days=stay), infusion

    def _history_dates(self, reached: str, arrival: date, departure: date) -> list[datetime]:
        """Entry time of each stage reached, oldest first, ending with the current one."""
        rng = self.rng
        k = m.STAGES.index(reached)
        anchor = {5: arrival, 6: departure, 7: departure + timedelta(days=370)}
        if k in anchor:
            current = datetime.combine(anchor[k], time(10), UTC)
        else:
            low, high = DAYS_IN_STAGE[reached]
            stalled = rng.random() < 0.15
            days = rng.randint(high, high * 2) if stalled else rng.randint(0, high)
            current = self.now - timedelta(days=days, hours=rng.randint(0, 8))
        out = [current]
        for j in range(k - 1, -1, -1):
            stage = m.STAGES[j]
            if j == 5:
                at = datetime.combine(arrival, time(10), UTC)
            elif j == 6:  # follow-up starts when the patient flies home
                at = datetime.combine(departure, time(10), UTC)
            else:
                low, high = DAYS_IN_STAGE.get(stage, (5, 20))
                at = out[0] - timedelta(
                    days=rng.randint(max(1, low), high), hours=rng.randint(1, 6)
                )
            out.insert(0, min(at, out[0] - timedelta(hours=1)))
        return out

    def _patient(
        self,
        rows: Rows,
        nat: dict[str, Any],
        program: m.Program,
        departure: date,
        reached: str,
        ready: bool,
    ) -> tuple[int, str, date, list[str], list[tuple[int, str]]]:
        rng = self.rng
        sex = rng.choice("FM")
        first = rng.choice(nat["female_first"] if sex == "F" else nat["male_first"])
        idx = rng.randrange(len(nat["last"]))
        last = (nat.get("last_female") or nat["last"])[idx] if sex == "F" else nat["last"][idx]
        low, high = _age_range(self.specs[program.id])
        age = rng.randint(low, high)
        dob = self.today - timedelta(days=age * 365 + rng.randint(30, 330))
        short_passport = reached == "visa" and not ready and rng.random() < 0.3
        expiry = (
            departure + timedelta(days=rng.randint(30, 150))
            if short_passport
            else departure + timedelta(days=rng.randint(400, 3000))
        )
        name = f"{first} {last}"
        phone = f"{nat['phone_prefix']} 555 {rng.randint(1000, 9999)}"
        passport = _passport(rng)
        pid = rows.add(
            "patients",
            full_name=name,
            sex=sex,
            date_of_birth=dob,
            nationality=nat["country"],
            passport_number=passport,
            passport_index=self.key.passport_index(passport),
            passport_expiry=expiry,
            languages=list(nat["languages"]),
            phone=phone,
            email=f"{first.lower().split()[0]}.{last.lower()}@mail.example",
            address=f"{rng.randint(1, 200)} {rng.choice(STREETS)} Street, {nat['city']}",
            home_city=nat["city"],
            notes="",
            version=1,
        )
        companions = []
        n_comp = 1 if age < 18 else rng.choice((0, 1, 1, 1, 2))
        relations = ["mother", "father"] if age < 18 else self.pools["companion_relations"]
        if 18 <= age < 40:  # young adults travel with parents, partners and siblings
            relations = [r for r in relations if r not in ("son", "daughter")]
        elif age >= 55:
            relations = [r for r in relations if r not in ("mother", "father")]
        years_apart = {"mother": (20, 35), "father": (22, 38), "son": (-38, -20),
                       "daughter": (-38, -20), "spouse": (-6, 6), "brother": (-9, 9),
                       "sister": (-9, 9)}  # fmt: skip
        for _ in range(n_comp):
            rel = rng.choice(relations)
            csex = (
                "F"
                if rel in ("mother", "daughter", "sister")
                else ("M" if rel in ("father", "son", "brother") else ("M" if sex == "F" else "F"))
            )
            cfirst = rng.choice(nat["female_first"] if csex == "F" else nat["male_first"])
            surname = (
                nat["last"][idx] if csex == "M" else (nat.get("last_female") or nat["last"])[idx]
            )
            cname = f"{cfirst} {surname}"
            low, high = years_apart.get(rel, (-10, 10))
            cage = max(18, age + rng.randint(low, high))
            cid = rows.add(
                "companions",
                patient_id=pid,
                full_name=cname,
                relation=rel,
                sex=csex,
                date_of_birth=self.today - timedelta(days=cage * 365 + rng.randint(0, 300)),
                passport_number=_passport(rng),
                passport_expiry=departure + timedelta(days=rng.randint(400, 3000)),
                phone=f"{nat['phone_prefix']} 555 {rng.randint(1000, 9999)}",
            )
            companions.append((cid, cname))
        docs = self.physicians.get(nat["country"])
        if docs:
            d = rng.choice(docs)
            rows.add(
                "local_physicians",
                patient_id=pid,
                name=d["name"],
                clinic=d.get("clinic", ""),
                city=d.get("city", ""),
                country=d["country"],
                phone=d.get("phone", ""),
                email=d.get("email", ""),
            )
        return pid, name, dob, list(nat["languages"]), companions

    def _records(
        self,
        rows: Rows,
        case_id: int,
        program: m.Program,
        k: int,
        blocked: bool,
        entered: list[datetime],
        i: int,
    ) -> None:
        rng = self.rng
        left_records = entered[1].date() if k >= 1 else self.today
        problems = set()
        if blocked:
            reqs = [r for r in program.requirements if r.required]
            problems = {r.code for r in rng.sample(reqs, k=min(len(reqs), rng.randint(1, 3)))}
        for req in program.requirements:
            if req.code in problems:
                if req.max_age_days and rng.random() < 0.4:
                    doc = self.today - timedelta(days=req.max_age_days + rng.randint(3, 40))
                    rows.add(
                        "record_items",
                        case_id=case_id,
                        requirement_id=req.id,
                        received_on=doc + timedelta(days=2),
                        document_date=doc,
                        waived=False,
                        waived_reason="",
                        attachment_id=None,
                        note="",
                        version=1,
                    )
                continue  # missing
            if not req.required and rng.random() < 0.5:
                rows.add(
                    "record_items",
                    case_id=case_id,
                    requirement_id=req.id,
                    received_on=None,
                    document_date=None,
                    waived=True,
                    waived_reason="Hospital agreed the last admission's imaging suffices.",
                    attachment_id=None,
                    note="",
                    version=1,
                )
                continue
            limit = req.max_age_days or 120
            doc = left_records - timedelta(days=rng.randint(0, max(0, limit // 2)))
            received = min(doc + timedelta(days=rng.randint(0, 3)), left_records)
            attachment = None
            if i < 40:
                text = (
                    f"{req.name}\nCase {case_id}\nDocument date {doc.isoformat()}\n"
                    "Scanned copy received by the agency.\n"
                ).encode()
                attachment = rows.add(
                    "attachments",
                    case_id=case_id,
                    filename=f"{req.code}-{doc.isoformat()}.txt",
                    mime_type="text/plain",
                    size=len(text),
                    sha256=hashlib.sha256(text).hexdigest(),
                    content=text,
                    uploaded_at=datetime.combine(received, time(9), UTC),
                    uploaded_by=None,
                )
            rows.add(
                "record_items",
                case_id=case_id,
                requirement_id=req.id,
                received_on=received,
                document_date=doc if req.max_age_days else None,
                waived=False,
                waived_reason="",
                attachment_id=attachment,
                note="",
                version=1,
            )

    def _eligibility(
        self,
        rows: Rows,
        case_id: int,
        program: m.Program,
        dob: date,
        reviewer: int,
        k: int,
        ready: bool,
        stage: str,
        entered: list[datetime],
    ) -> None:
        rng = self.rng
        specs = self.specs[program.id]
        facts = _satisfying_facts(specs, rng)
        at_review = k == 1 and not ready
        declined = stage == "declined"
        if declined:
            violated = rng.choice([c for c in specs if c.fact != "age" and c.required])
            facts[violated.fact] = _violating(violated, rng)
            facts.pop("months_since_allo_transplant", None) if violated.applies_if else None
        if at_review:
            for key in rng.sample(sorted(facts), k=min(len(facts), rng.randint(1, 4))):
                facts.pop(key)
        recorded = entered[1] if len(entered) > 1 else self.now
        for key, value in facts.items():
            rows.add(
                "clinical_facts",
                case_id=case_id,
                key=key,
                value=fact_text(key, value),
                recorded_at=recorded,
                recorded_by=reviewer,
            )
        if at_review and rng.random() < 0.5:
            return  # no review yet
        all_facts = dict(facts, age=age_on(dob, recorded.date()))
        results = evaluate(specs, all_facts)
        decision = "not eligible" if declined else "eligible"
        if not declined and any(r.required and r.result == "not met" for r in results):
            return
        signed = (entered[2] if len(entered) > 2 else self.now) - timedelta(hours=2)
        review_id = rows.add(
            "eligibility_reviews",
            case_id=case_id,
            program_id=program.id,
            decision=decision,
            reviewer_id=reviewer,
            signed_at=signed,
            notes="Criteria checked against the latest records."
            if not declined
            else "Required criterion not met; the hospital confirmed.",
        )
        for r in results:
            rows.add(
                "review_criterion_results",
                review_id=review_id,
                criterion_code=r.code,
                label=r.label,
                kind=r.kind,
                required=r.required,
                fact_value=r.fact_value,
                result=r.result,
            )

    def _visa(
        self,
        rows: Rows,
        case_id: int,
        arrival: date,
        departure: date,
        k: int,
        ready: bool,
        entered: list[datetime],
        actor: int,
    ) -> None:
        rng = self.rng
        start = entered[2].date()
        letter = start + timedelta(days=rng.randint(1, 5))
        submitted = letter + timedelta(days=rng.randint(2, 7))
        decided = submitted + timedelta(days=rng.randint(4, 12))
        status = "approved"
        blocked = k == 2 and not ready
        problem = rng.choice(("draft", "submitted", "window")) if blocked else ""
        if problem == "draft":
            status, letter, submitted, decided = "draft", None, None, None  # type: ignore[assignment]
        elif problem == "submitted":
            status, decided = "submitted", None  # type: ignore[assignment]
        for d in (letter, submitted, decided):
            if d and d > self.today:
                status = "draft"
        if status == "draft":
            submitted = decided = None  # type: ignore[assignment]
        elif status == "submitted":
            decided = None  # type: ignore[assignment]
        entry_from = arrival - timedelta(days=30)
        entry_until = (
            arrival - timedelta(days=3) if problem == "window" else arrival + timedelta(days=60)
        )
        allowed = rng.choice((30, 60, 90, 90, 180))
        app_id = rows.add(
            "visa_applications",
            case_id=case_id,
            visa_type=rng.choice(self.visa_types[:3] or self.visa_types),
            status=status,
            invitation_letter_on=letter,
            submitted_on=submitted,
            decided_on=decided,
            entry_from=entry_from if status == "approved" else None,
            entry_until=entry_until if status == "approved" else None,
            allowed_stay_days=allowed if status == "approved" else None,
            entries=rng.choice(("single", "double", "multiple")),
            notes="",
            version=1,
        )
        for st, day in (("draft", start), ("submitted", submitted), ("approved", decided)):
            if day is None:
                break
            rows.add(
                "visa_events",
                application_id=app_id,
                status=st,
                at=datetime.combine(day, time(11), UTC),
                actor_id=actor,
                note="",
            )
            if st == status:
                break

    def _lodging(
        self,
        rows: Rows,
        case_id: int,
        program: m.Program,
        arrival: date,
        departure: date,
        companions: list[tuple[int, str]],
        blocked: bool,
    ) -> None:
        rng = self.rng
        options = self.lodgings.get(program.city_en) or [
            x for v in self.lodgings.values() for x in v
        ]
        near = rng.choice(options)
        split = arrival + timedelta(days=rng.randint(20, 40))
        gap = rng.randint(2, 5) if blocked else 0
        drop_companion = blocked and companions and rng.random() < 0.4
        people = [None] + [cid for cid, _ in companions]
        stays = [
            (arrival, split, near),
            (
                split + timedelta(days=gap if not drop_companion else 0),
                departure,
                rng.choice(options),
            ),
        ]
        for j, (check_in, check_out, place) in enumerate(stays):
            bid = rows.add(
                "lodging_bookings",
                case_id=case_id,
                property_name=place["name"],
                property_name_zh=place.get("name_zh", ""),
                address_en=place["address_en"],
                address_zh=place.get("address_zh", ""),
                phone=place.get("phone", ""),
                check_in=check_in,
                check_out=check_out,
                nightly_cost=Decimal(str(place["nightly_cost_cny"])),
                currency="CNY",
                version=1,
            )
            for person in people:
                if drop_companion and j == 1 and person is not None:
                    continue
                rows.add("lodging_occupants", booking_id=bid, companion_id=person)

    def _appointments(
        self,
        rows: Rows,
        case_id: int,
        program: m.Program,
        arrival: date,
        infusion: date,
        languages: list[str],
        blocked: bool,
    ) -> None:
        rng = self.rng
        place = program.hospital_en
        plan = [
            ("Consultation with the CAR-T team", arrival + timedelta(days=1), 9, 2),
            ("Screening tests and bone-marrow aspiration", arrival + timedelta(days=3), 8, 3),
            ("Apheresis", arrival + timedelta(days=5), 8, 4),
            ("Lymphodepletion start (day -5)", infusion - timedelta(days=5), 14, 1),
            ("CAR-T infusion (day 0)", infusion, 10, 2),
            ("Response assessment (day +28)", infusion + timedelta(days=28), 9, 2),
        ]
        unassigned = set(rng.sample(range(len(plan)), k=rng.randint(1, 2))) if blocked else set()
        wanted = {lang.casefold() for lang in languages}
        speakers = [
            x for x in self.interpreters if wanted & {lang.casefold() for lang in x.languages}
        ]
        speakers.sort(key=lambda x: (x.city != program.city_en, not x.medical_certified))
        for j, (title, day, hour, hours) in enumerate(plan):
            interp = None
            if j not in unassigned:
                for candidate in speakers:
                    slots = [(candidate.id, day, h) for h in range(hour, hour + hours)]
                    if not any(slot in self.busy for slot in slots):
                        self.busy.update(slots)
                        interp = candidate.id
                        break
            rows.add(
                "interpreter_bookings",
                case_id=case_id,
                title=title,
                place=place,
                starts_at=china(day, hour),
                ends_at=china(day, hour + hours),
                needs_interpreter=True,
                interpreter_id=interp,
                notes="",
                version=1,
            )

    def _costs(
        self, rows: Rows, case_id: int, program: m.Program, arrival: date, departure: date, k: int
    ) -> None:
        rng = self.rng
        total = program.estimated_cost_cny or Decimal(400000)
        nights = (departure - arrival).days
        lines = [
            (cat, (total * share).quantize(Decimal("1"))) for cat, share in COST_SHARES.items()
        ]
        lines += [
            ("lodging", Decimal(nights * 400)),
            ("interpreters", Decimal(14 * 250)),
            ("travel", Decimal(rng.choice((9000, 12000, 16000)))),
        ]
        for cat, est in lines:
            actual = None
            if k >= 6 or (k == 5 and cat in ("apheresis", "manufacturing", "travel")):
                actual = (est * Decimal(str(rng.uniform(0.85, 1.25)))).quantize(Decimal("1"))
            rows.add(
                "cost_lines",
                case_id=case_id,
                category=cat,
                description="",
                estimated=est,
                actual=actual,
                currency="CNY",
                incurred_on=None,
            )

    def _treatment(
        self,
        rows: Rows,
        case_id: int,
        arrival: date,
        infusion: date,
        departure: date,
        k: int,
        ready: bool,
    ) -> None:
        rng = self.rng
        discharge = infusion + timedelta(days=rng.randint(24, 32))
        if k == 5 and ready:  # arrival was set 8+ weeks back, so the discharge has happened
            discharge = max(
                infusion + timedelta(days=1), min(discharge, self.today - timedelta(days=1))
            )
        plan = {
            "admission": arrival + timedelta(days=2),
            "apheresis": arrival + timedelta(days=5),
            "manufacturing": arrival + timedelta(days=6),
            "lymphodepletion": infusion - timedelta(days=5),
            "infusion": infusion,
            "discharge": discharge,
        }
        for kind, day in plan.items():
            done = day if day <= self.today else None
            if k == 5 and not ready and kind == "discharge":
                done = None
            rows.add(
                "milestones", case_id=case_id, kind=kind, planned_on=day, done_on=done, notes=""
            )
        if infusion <= self.today:
            crs = rng.choices((0, 1, 2, 3), (15, 45, 30, 10))[0]
            if crs:
                onset = infusion + timedelta(days=rng.randint(1, 5))
                rows.add(
                    "toxicity_events",
                    case_id=case_id,
                    kind="CRS",
                    grade=crs,
                    onset_on=onset,
                    resolved_on=onset + timedelta(days=rng.randint(2, 7)),
                    treatment=TOXICITY_CARE[("CRS", crs)],
                )
            icans = rng.choices((0, 1, 2), (70, 20, 10))[0]
            if icans:
                onset = infusion + timedelta(days=rng.randint(4, 9))
                rows.add(
                    "toxicity_events",
                    case_id=case_id,
                    kind="ICANS",
                    grade=icans,
                    onset_on=onset,
                    resolved_on=onset + timedelta(days=rng.randint(1, 5)),
                    treatment=TOXICITY_CARE[("ICANS", icans)],
                )
        if k >= 6 or (k == 5 and ready):
            self._followups(rows, case_id, infusion, k, ready)
            rows.add(
                "case_documents",
                case_id=case_id,
                kind="handoff-letter",
                created_at=datetime.combine(discharge, time(15), UTC),
                created_by=None,
                sha256="",
                size=0,
                content=None,
            )

    def _followups(self, rows: Rows, case_id: int, infusion: date, k: int, ready: bool) -> None:
        rng = self.rng
        for offset in DEFAULT_PLAN_DAYS:
            due = infusion + timedelta(days=offset)
            done, missed, note, response, mrd = None, False, "", "", ""
            seen = k == 5 or (k == 6 and (ready or rng.random() < 0.6))
            if k >= 7 or (due <= self.today and seen):
                if rng.random() < 0.1:
                    missed, note = True, "No answer by phone or e-mail; local physician informed."
                else:
                    done = due + timedelta(days=rng.randint(0, 4))
                    response = rng.choices(
                        ("CR", "CRi", "MLFS", "PR", "NR", "relapse"), (40, 15, 10, 15, 10, 10)
                    )[0]
                    mrd = (
                        "negative"
                        if response in ("CR", "CRi") and rng.random() < 0.6
                        else ("positive" if response != "NR" else "not assessed")
                    )
            elif k == 6 and ready and due > self.today:
                # a ready follow-up case has had all its contacts: pull the plan into the past
                continue
            if done and done > self.today:
                done = self.today
            rows.add(
                "followup_contacts",
                case_id=case_id,
                day_offset=offset,
                due_on=due,
                done_on=done,
                missed=missed,
                note=note,
                response=response,
                mrd=mrd,
            )

    def write_audit(self, rows: Rows) -> None:
        prev = self.s.scalar(select(m.AuditEntry.hash).order_by(m.AuditEntry.id.desc()).limit(1))
        prev = prev or GENESIS_HASH
        for case_id, ref, name in self.case_audit:
            entry = m.AuditEntry(
                at=self.now,
                actor_id=None,
                actor_login="demo",
                case_id=case_id,
                entity="Case",
                entity_id=str(case_id),
                action="demo",
                changes={"ref": [None, ref], "patient": [None, name]},
                prev_hash=prev,
                hash="",
            )
            entry.hash = audit_hash(entry)
            prev = entry.hash
            rows.add(
                "audit_entries",
                at=entry.at,
                actor_id=None,
                actor_login="demo",
                case_id=case_id,
                entity="Case",
                entity_id=str(case_id),
                action="demo",
                changes=entry.changes,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )


def _passport(rng: random.Random) -> str:
    return rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + f"{rng.randint(0, 99_999_999):08d}"


def _age_range(specs: list[CriterionSpec]) -> tuple[int, int]:
    for c in specs:
        if c.fact == "age" and c.op == "between":
            return int(c.value[0]) + 1, int(c.value[1]) - 1
    return 25, 65


# Plausible values for a patient who is a candidate at all; criteria narrow them further.
DEMO_RANGES: dict[str, tuple[float, float]] = {
    "ecog": (0, 2), "kps": (60, 100), "marrow_blast_pct": (6, 85), "cd33_pct": (55, 99),
    "cd123_pct": (55, 99), "cll1_pct": (55, 99), "flt3_pct": (55, 99), "prior_lines": (1, 4),
    "creatinine_mg_dl": (0.5, 1.4), "creatinine_clearance_ml_min": (62, 125),
    "bilirubin_uln": (0.3, 1.4), "alt_uln": (0.3, 2.0), "ast_uln": (0.3, 2.0),
    "lvef_pct": (52, 70), "spo2_pct": (94, 99), "hemoglobin_g_l": (82, 130),
    "weeks_since_last_therapy": (4, 12), "months_since_allo_transplant": (7, 36),
}  # fmt: skip
WHOLE_NUMBERS = {
    "ecog",
    "kps",
    "prior_lines",
    "weeks_since_last_therapy",
    "lvef_pct",
    "spo2_pct",
    "hemoglobin_g_l",
    "months_since_allo_transplant",
    "creatinine_clearance_ml_min",
}


def _satisfying_facts(specs: list[CriterionSpec], rng: random.Random) -> dict[str, Any]:
    """Values that meet every criterion: numbers drawn inside the allowed interval."""
    bounds: dict[str, tuple[float, float]] = {}
    facts: dict[str, Any] = {}
    for c in specs:
        if c.fact == "age":
            continue
        fd = FACTS[c.fact]
        if c.op in ("is_true", "is_false"):
            facts[c.fact] = c.op == "is_true"
            continue
        if c.op == "in":
            facts[c.fact] = rng.choice(list(c.value))
            continue
        default = DEMO_RANGES.get(c.fact, (fd.low or 0.0, fd.high or 100.0))
        lo, hi = bounds.get(c.fact, default)
        if c.op == "between":
            lo, hi = max(lo, c.value[0]), min(hi, c.value[1])
        elif c.op in ("ge", "gt"):
            lo = max(lo, c.value + (1 if c.op == "gt" else 0))
        else:
            hi = min(hi, c.value - (0.1 if c.op == "lt" else 0))
        bounds[c.fact] = (lo, max(lo, hi))
        if c.applies_if:
            facts[c.applies_if] = rng.random() < 0.25
    for key, (lo, hi) in bounds.items():
        if key in WHOLE_NUMBERS:
            facts[key] = float(rng.randint(int(-(-lo // 1)), max(int(-(-lo // 1)), int(hi))))
        else:
            facts[key] = round(rng.uniform(lo, hi), 1)
    if not facts.get("allo_transplant"):
        facts.pop("months_since_allo_transplant", None)
    return facts


def _violating(c: CriterionSpec, rng: random.Random) -> Any:
    if c.op == "is_false":
        return True
    if c.op == "is_true":
        return False
    if c.op == "in":
        return "first_remission"
    if c.op in ("ge", "gt"):
        return round(max(0.0, c.value - rng.uniform(5, 20)), 1)
    if c.op in ("le", "lt"):
        return round(c.value * rng.uniform(1.3, 2.0) + 0.5, 1)
    return c.value[1] + 5
