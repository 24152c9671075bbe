"""Toxicities: added, corrected, resolved and removed; onset dates checked; ASTCT grades kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.services import audit, cases, toxicities, treatment
from caseapp.services.astct import IcansFindings
from caseapp.services.context import ServiceContext
from caseapp.services.errors import NotFound, ValidationError
from caseapp.services.toxicities import CrsFindings, ToxicityInput
from tests.conftest import Clock
from tests.services import pipeline_steps as steps

INFUSION = steps.ARRIVAL + timedelta(days=15)


@pytest.fixture
def treated(facilitator_ctx: ServiceContext, clock: Clock) -> str:
    """A case in treatment, infused on INFUSION; the clock is 30 days after it."""
    ref = steps.new_case(facilitator_ctx)
    steps.to_stage(facilitator_ctx, ref, "treatment")
    clock.now += timedelta(days=85)
    treatment.record_milestone(facilitator_ctx, ref, "infusion", planned_on=INFUSION,
                               done_on=INFUSION)  # fmt: skip
    return ref


def _rows(ctx: ServiceContext, ref: str) -> tuple[treatment.ToxicityRow, ...]:
    return cases.case_detail(ctx, ref).toxicities


def test_crs_before_the_infusion_or_outside_the_stay_is_refused(
    facilitator_ctx: ServiceContext, treated: str
) -> None:
    ctx, ref = facilitator_ctx, treated
    crs = ToxicityInput("CRS", 1, INFUSION - timedelta(days=76), crs=CrsFindings(True))
    with pytest.raises(ValidationError, match=r"CRS cannot begin before the infusion") as exc:
        toxicities.save_toxicity(ctx, ref, crs)
    assert exc.value.field == "onset_on" and "76 days earlier" in exc.value.message
    icans = ToxicityInput("ICANS", 1, INFUSION - timedelta(days=1), icans=IcansFindings(8))
    with pytest.raises(ValidationError, match="ICANS cannot begin before the infusion"):
        toxicities.save_toxicity(ctx, ref, icans)
    # an infection may begin before day 0, but not before the patient arrived
    early = ToxicityInput("infection", 2, steps.ARRIVAL - timedelta(days=3))
    with pytest.raises(ValidationError, match="outside the stay in China"):
        toxicities.save_toxicity(ctx, ref, early)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        toxicities.save_toxicity(
            ctx, ref, ToxicityInput("infection", 2, ctx.today() + timedelta(days=1))
        )
    assert _rows(ctx, ref) == ()
    toxicities.save_toxicity(
        ctx, ref, ToxicityInput("infection", 2, steps.ARRIVAL + timedelta(days=2))
    )
    toxicities.save_toxicity(ctx, ref, ToxicityInput("CRS", 1, INFUSION, crs=CrsFindings(True)))
    assert [r.kind for r in _rows(ctx, ref)] == ["infection", "CRS"]


def test_the_old_entry_point_checks_the_same(facilitator_ctx: ServiceContext, treated: str) -> None:
    with pytest.raises(ValidationError, match="before the infusion"):
        toxicities.add_toxicity(facilitator_ctx, treated, "CRS", 1, INFUSION - timedelta(days=76))


def test_findings_set_the_grade(facilitator_ctx: ServiceContext, treated: str) -> None:
    ctx, ref = facilitator_ctx, treated
    unarousable = IcansFindings(ice_score=8, consciousness="unarousable")
    typed_two = ToxicityInput("ICANS", 2, INFUSION + timedelta(days=5), icans=unarousable)
    with pytest.raises(ValidationError, match=r"grade 4 \(ASTCT\), not grade 2"):
        toxicities.save_toxicity(ctx, ref, typed_two)
    row = toxicities.save_toxicity(ctx, ref, ToxicityInput(
        "ICANS", 4, INFUSION + timedelta(days=5), icans=unarousable))  # fmt: skip
    assert row.grade == 4 and row.onset_day == "D+5"
    with pytest.raises(ValidationError, match="no CRS"):
        toxicities.save_toxicity(
            ctx, ref, ToxicityInput("CRS", 1, INFUSION, crs=CrsFindings(False))
        )


def test_edit_resolve_and_remove_with_a_reason(
    facilitator_ctx: ServiceContext, treated: str
) -> None:
    ctx, ref = facilitator_ctx, treated
    row = toxicities.save_toxicity(ctx, ref, ToxicityInput("CRS", 1, INFUSION + timedelta(days=1)))
    changed = toxicities.save_toxicity(
        ctx, ref, ToxicityInput("CRS", 2, INFUSION + timedelta(days=2), None, "tocilizumab"), row.id
    )
    assert (changed.id, changed.grade, changed.onset_day, changed.treatment) == (
        row.id, 2, "D+2", "tocilizumab",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="before its onset"):
        toxicities.resolve_toxicity(ctx, ref, row.id, INFUSION)
    with pytest.raises(ValidationError, match="future"):
        toxicities.resolve_toxicity(ctx, ref, row.id, ctx.today() + timedelta(days=1))
    resolved = toxicities.resolve_toxicity(ctx, ref, row.id, INFUSION + timedelta(days=6))
    assert resolved.resolved_on == INFUSION + timedelta(days=6)

    with pytest.raises(ValidationError, match="Say why"):
        toxicities.remove_toxicity(ctx, ref, row.id, "  ")
    toxicities.remove_toxicity(ctx, ref, row.id, "Entered on the wrong patient.")
    assert _rows(ctx, ref) == ()
    with pytest.raises(NotFound):
        toxicities.resolve_toxicity(ctx, ref, row.id, None)
    entries = [h for h in audit.case_history(ctx, ref) if h.entity == "ToxicityEvent"]
    removed = next(h for h in entries if h.action == "removed")
    assert removed.changes == {"reason": "Entered on the wrong patient."}
    assert removed.actor_login == "fatima" and removed.entity_id == str(row.id)
    deleted = next(h for h in entries if h.action == "delete")
    assert deleted.changes["kind"] == ["CRS", None] and deleted.changes["grade"] == [2, None]


def test_another_case_s_toxicity_is_not_found(
    facilitator_ctx: ServiceContext, treated: str
) -> None:
    row = toxicities.save_toxicity(facilitator_ctx, treated, ToxicityInput("CRS", 1, INFUSION))
    other = steps.new_case(facilitator_ctx)
    with pytest.raises(NotFound):
        toxicities.remove_toxicity(facilitator_ctx, other, row.id, "mistake")
