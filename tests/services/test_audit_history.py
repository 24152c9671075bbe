"""case_history: a case's audit entries, newest first, for the workspace's History tab."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.services import audit, cases, lodging, patients
from caseapp.services.context import ServiceContext
from caseapp.services.errors import NotFound
from tests.services import pipeline_steps as steps


def test_history_lists_the_case_entries_newest_first(facilitator_ctx: ServiceContext) -> None:
    ref = steps.new_case(facilitator_ctx)
    steps.complete_records(facilitator_ctx, ref)
    cases.advance(facilitator_ctx, ref)

    rows = audit.case_history(facilitator_ctx, ref)

    stage = next(i for i, r in enumerate(rows) if r.action == "stage")
    received = next(i for i, r in enumerate(rows) if r.entity == "RecordItem")
    assert stage < received  # the advance came last, so it is listed first
    assert rows[stage].changes["stage"] == ["records", "eligibility"]
    assert rows[stage].actor_login == "fatima"
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    assert rows[-1].action == "create"


def test_history_is_per_case_and_masks_sensitive_values(facilitator_ctx: ServiceContext) -> None:
    ref = steps.new_case(facilitator_ctx)
    other = steps.new_case(facilitator_ctx)
    arrival = steps.ARRIVAL
    lodging.save_booking(
        facilitator_ctx,
        other,
        steps.booking(facilitator_ctx, other, arrival, arrival + timedelta(3)),
    )

    detail = cases.case_detail(facilitator_ctx, ref)
    p = detail.patient
    patients.update_patient(
        facilitator_ctx,
        ref,
        patients.PatientInput(
            p.full_name,
            p.sex,
            p.date_of_birth,
            p.nationality,
            "K7654321",
            p.passport_expiry,
            p.languages,
        ),
        p.version,
    )

    mine = audit.case_history(facilitator_ctx, ref)

    assert not any(r.entity == "LodgingBooking" for r in mine)
    patient = next(r for r in mine if r.entity == "Patient")
    assert patient.changes["passport_number"] == ["•", "•"]


def test_history_of_unknown_case(facilitator_ctx: ServiceContext) -> None:
    with pytest.raises(NotFound):
        audit.case_history(facilitator_ctx, "CA-1999-0001")
