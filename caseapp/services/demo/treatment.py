"""Demo treatment: infusion, toxicities, discharge and the follow-up calls."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from caseapp.services.demo.discharge import add_discharge
from caseapp.services.demo.rows import Rows
from caseapp.services.demo.state import GeneratorState
from caseapp.services.followup import DEFAULT_PLAN_DAYS

TOXICITY_CARE = {
    ("CRS", 1): "Antipyretics and fluids; observation.",
    ("CRS", 2): "Tocilizumab 8 mg/kg x1; IV fluids; low-flow oxygen.",
    ("CRS", 3): "Tocilizumab 8 mg/kg x2; dexamethasone 10 mg q6h; noradrenaline; ICU transfer.",
    ("ICANS", 1): "Neurological checks every 4 h; seizure prophylaxis (levetiracetam).",
    ("ICANS", 2): "Dexamethasone 10 mg q6h; levetiracetam; neurology consult.",
}


class TreatmentMixin(GeneratorState):
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
        icans = 0
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
        if discharge <= self.today and not (k == 5 and not ready):
            add_discharge(rows, case_id, infusion, discharge, self.today, icans)
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
