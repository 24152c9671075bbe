"""Discharge medicines and blood counts: validated, audited, in the case detail and the gate."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from caseapp.services import audit, cases, discharge, treatment
from caseapp.services.context import ServiceContext
from caseapp.services.discharge import MedicationInput
from caseapp.services.errors import Blocked, NotFound, PermissionDenied, ValidationError
from caseapp.services.staff import actor_for
from tests.conftest import Clock
from tests.services import pipeline_steps as steps

INFUSION = steps.ARRIVAL + timedelta(days=15)


@pytest.fixture
def fac(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "fatima"))


@pytest.fixture
def treated(fac: ServiceContext, clock: Clock) -> str:
    """A case in treatment whose infusion and discharge are done, nothing else."""
    ref = steps.new_case(fac)
    steps.to_stage(fac, ref, "treatment")
    clock.now += timedelta(days=90)
    treatment.record_milestone(fac, ref, "infusion", planned_on=INFUSION, done_on=INFUSION)
    out = INFUSION + timedelta(days=31)
    treatment.record_milestone(fac, ref, "discharge", planned_on=out, done_on=out)
    return ref


def test_medicines_are_kept_in_order_changed_and_removed(fac: ServiceContext, treated: str) -> None:
    first = discharge.save_medication(fac, treated, steps.ACICLOVIR)
    second = discharge.save_medication(fac, treated, steps.COTRIMOXAZOLE)
    changed = discharge.save_medication(
        fac, treated, MedicationInput("Aciclovir", "800 mg", " twice  a day ", "day +365",
                                      "Herpes virus prophylaxis"), first.id)  # fmt: skip
    assert changed.dose == "800 mg" and changed.frequency == "twice a day"
    detail = cases.case_detail(fac, treated)
    assert [m.name for m in detail.discharge_medications] == ["Aciclovir", "Co-trimoxazole"]
    assert detail.discharge_medications[1].until == "day +180"
    discharge.remove_medication(fac, treated, second.id)
    assert [m.name for m in cases.case_detail(fac, treated).discharge_medications] == ["Aciclovir"]


def test_every_medicine_field_is_required(fac: ServiceContext, treated: str) -> None:
    good = {"name": "Aciclovir", "dose": "400 mg", "frequency": "twice a day",
            "until": "day +365", "reason": "prophylaxis"}  # fmt: skip
    for field in good:
        with pytest.raises(ValidationError) as exc:
            discharge.save_medication(fac, treated, MedicationInput(**good | {field: "   "}))
        assert exc.value.field == field
    assert cases.case_detail(fac, treated).discharge_medications == ()


def test_medicine_of_another_case_is_not_found(fac: ServiceContext, treated: str) -> None:
    other = steps.new_case(fac)
    row = discharge.save_medication(fac, other, steps.ACICLOVIR)
    with pytest.raises(NotFound):
        discharge.remove_medication(fac, treated, row.id)
    with pytest.raises(NotFound):
        discharge.save_medication(fac, treated, steps.ACICLOVIR, row.id)


def test_medicines_and_counts_are_audited(fac: ServiceContext, treated: str) -> None:
    discharge.save_medication(fac, treated, steps.ACICLOVIR)
    discharge.record_counts(fac, treated, "discharge", INFUSION + timedelta(days=31),
                            "0.8", "45", "92")  # fmt: skip
    rows = audit.case_history(fac, treated)
    med = next(r for r in rows if r.entity == "DischargeMedication")
    assert med.actor_login == "fatima" and med.action == "create"
    assert med.changes["name"] == [None, "Aciclovir"]
    count = next(r for r in rows if r.entity == "BloodCount")
    assert count.changes["platelets"] == [None, 45] and count.changes["anc"] == [None, "0.80"]


def test_counts_are_validated(fac: ServiceContext, treated: str) -> None:
    out = INFUSION + timedelta(days=31)
    bad = [
        (("later", out, "1", "50", "90"), "moment"),
        (("discharge", None, "1", "50", "90"), "taken_on"),
        (("discharge", fac.today() + timedelta(days=1), "1", "50", "90"), "taken_on"),
        (("discharge", INFUSION - timedelta(days=1), "1", "50", "90"), "taken_on"),
        (("discharge", out, "", "50", "90"), "anc"),
        (("discharge", out, "lots", "50", "90"), "anc"),
        (("discharge", out, "1.255", "50", "90"), "anc"),
        (("discharge", out, "1", "-3", "90"), "platelets"),
        (("discharge", out, "1", "50.5", "90"), "platelets"),
        (("discharge", out, "1", "50", "9"), "haemoglobin"),
    ]
    for args, field in bad:
        with pytest.raises(ValidationError) as exc:
            discharge.record_counts(fac, treated, *args)  # type: ignore[arg-type]
        assert exc.value.field == field, args
    assert cases.case_detail(fac, treated).blood_counts == ()


def test_counts_per_moment_are_corrected_not_duplicated(fac: ServiceContext, treated: str) -> None:
    day28 = INFUSION + timedelta(days=28)
    discharge.record_counts(fac, treated, "discharge", day28 + timedelta(days=3), "0,9", "40", "88")
    discharge.record_counts(fac, treated, "day28", day28, "0.6", "31", "85")
    discharge.record_counts(fac, treated, "discharge", day28 + timedelta(days=3), "1.1", "52", "90")
    counts = cases.case_detail(fac, treated).blood_counts
    assert [(c.moment, c.anc, c.platelets, c.haemoglobin) for c in counts] == [
        ("day28", Decimal("0.60"), 31, 85),
        ("discharge", Decimal("1.10"), 52, 90),
    ]


def test_discharge_gate_names_missing_medicines_and_warns_on_counts(
    fac: ServiceContext, treated: str
) -> None:
    def gate() -> list[tuple[str, bool]]:
        return [(b.message, b.blocks) for b in cases.case_detail(fac, treated).blockers]

    assert ("No discharge medications are recorded; enter them from the hospital's discharge "
            "summary (Treatment tab).", True) in gate()  # fmt: skip
    assert ("The blood counts at discharge (ANC, platelets, haemoglobin) are not recorded.",
            False) in gate()  # fmt: skip
    steps.discharge_medicines(fac, treated)
    discharge.record_counts(fac, treated, "discharge", INFUSION + timedelta(days=31),
                            "1.2", "60", "95")  # fmt: skip
    assert not any("discharge medications" in m or "counts" in m for m, _ in gate())
    with pytest.raises(Blocked) as exc:  # the follow-up plan and the letter are still missing
        cases.advance(fac, treated)
    assert not any("medications" in b.message for b in exc.value.blockers)


def test_coordinator_enters_medicines_manager_reads_them(
    coordinator_ctx: ServiceContext, manager_ctx: ServiceContext, treated: str
) -> None:
    discharge.save_medication(coordinator_ctx, treated, steps.ACICLOVIR)
    assert cases.case_detail(manager_ctx, treated).discharge_medications[0].name == "Aciclovir"


def test_admin_may_not_enter_medicines(demo_db: ServiceContext, treated: str) -> None:
    admin = demo_db.as_actor(actor_for(demo_db, "kevin"))
    with pytest.raises(PermissionDenied):
        discharge.save_medication(admin, treated, steps.ACICLOVIR)


def test_demo_cases_after_discharge_have_medicines_and_counts(fac: ServiceContext) -> None:
    seen = 0
    for row in cases.list_cases(fac):
        detail = cases.case_detail(fac, row.ref)
        out = next((m.done_on for m in detail.milestones if m.kind == "discharge"), None)
        if out is None:
            assert detail.discharge_medications == ()
            continue
        seen += 1
        names = [m.name for m in detail.discharge_medications]
        assert "Aciclovir" in names and "Co-trimoxazole" in names
        assert all(m.dose and m.frequency and m.until and m.reason
                   for m in detail.discharge_medications)  # fmt: skip
        if any(t.kind == "ICANS" for t in detail.toxicities):
            assert "Levetiracetam" in names
        at_discharge = discharge.counts_at(detail.blood_counts, "discharge")
        assert at_discharge is not None and at_discharge.taken_on == out
        assert 0 < at_discharge.platelets < 400 and 60 <= at_discharge.haemoglobin <= 140
    assert seen >= 3
