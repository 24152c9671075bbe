"""One demo case at a time: its stage, dates and history, then each area's rows; the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from caseapp import models as m
from caseapp.services.audit_chain import seal_entries
from caseapp.services.demo.patients import PatientMixin
from caseapp.services.demo.rows import Rows
from caseapp.services.demo.travel import TravelMixin
from caseapp.services.demo.treatment import TreatmentMixin
from caseapp.services.followup import DEFAULT_PLAN_DAYS

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


class CaseGenerator(PatientMixin, TravelMixin, TreatmentMixin):
    """Writes one case into Rows with data shaped by the same rules the gates use."""

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
            stage_entered_at=entered[-1] if not exit_from else self._exit_time(entered[-1]),
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
            self._eligibility(rows, case_id, program, dob, owner, k, ready, stage, entered)
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
        history = rows.tables["stage_history"][-(len(entered) + (1 if exit_from else 0)) :]
        self.case_audit.append((case_id, ref, name, stage, [
            [h["id"], h["stage"], h["entered_at"].isoformat(),
             h["left_at"].isoformat() if h["left_at"] else None]
            for h in history
        ]))  # fmt: skip

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

    def _exit_time(self, entered: datetime) -> datetime:
        """A decline or withdrawal some days after the stage was entered, never after now."""
        later = entered + timedelta(days=self.rng.randint(2, 12))
        return min(later, max(entered, self.now - timedelta(hours=1)))

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

    def write_audit(self, rows: Rows) -> None:
        """One keyed entry per case with its stage and stage history (what verify replays)."""
        entries = [
            m.AuditEntry(
                at=self.now,
                actor_id=None,
                actor_login="demo",
                case_id=case_id,
                entity="Case",
                entity_id=str(case_id),
                action="demo",
                changes={
                    "ref": [None, ref],
                    "patient": [None, name],
                    "stage": [None, stage],
                    "stage_history": [None, history],
                },
                prev_hash="",
                hash="",
            )
            for case_id, ref, name, stage, history in self.case_audit
        ]
        self.sealed = seal_entries(self.s, entries, self.now)
        for entry in entries:
            rows.add(
                "audit_entries",
                at=entry.at,
                actor_id=None,
                actor_login="demo",
                case_id=entry.case_id,
                entity="Case",
                entity_id=entry.entity_id,
                action="demo",
                changes=entry.changes,
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
