"""Demo patients: person, passport, companions, medical records and the eligibility review."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from caseapp import models as m
from caseapp.services.demo.rows import Rows
from caseapp.services.demo.state import GeneratorState
from caseapp.services.eligibility import (
    FACTS,
    CriterionSpec,
    age_on,
    evaluate,
    fact_text,
    signature_meaning,
    summarise,
)

STREETS = ("Central", "Park", "Lake", "Station", "Garden", "River")


class PatientMixin(GeneratorState):
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
        reviewer: m.StaffUser,
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
                recorded_by=reviewer.id,
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
            reviewer_id=reviewer.id,
            signed_at=signed,
            notes="Criteria checked against the latest records."
            if not declined
            else "Required criterion not met; the hospital confirmed.",
            meaning=signature_meaning(
                reviewer.full_name, reviewer.role, signed, decision, program.code,
                summarise(results),
            ),
        )  # fmt: skip
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
