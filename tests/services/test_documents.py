"""Documents from real case data: the facts in the database appear in the PDF text."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from caseapp.services import cases, documents, toxicities
from caseapp.services.context import ServiceContext
from caseapp.services.settings import AgencySettings, save_agency_settings
from tests.conftest import Clock
from tests.services import pipeline_steps as steps
from tests.services.pipeline_steps import to_stage


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def travelling(facilitator_ctx: ServiceContext) -> str:
    ref = steps.new_case(facilitator_ctx)
    to_stage(facilitator_ctx, ref, "interpreters")
    steps.complete_interpreters(facilitator_ctx, ref)
    return ref


def test_packet_states_the_case_facts(facilitator_ctx: ServiceContext, travelling: str) -> None:
    detail = cases.case_detail(facilitator_ctx, travelling)
    text = text_of(documents.render_document(facilitator_ctx, "packet", travelling))
    assert travelling in text and "Aigerim Nurlanovna" in text
    assert detail.program.hospital_en.split()[0] in text
    assert "上海市徐汇区枫林路210号" in text  # lodging address in Chinese on the taxi card
    appt = detail.interpreter_bookings[0]
    assert appt.interpreter_name in text
    assert "09:00" in text  # consultation time, China time
    assert "Page 1 of" in text


def test_every_kind_renders_or_names_what_is_missing(
    facilitator_ctx: ServiceContext, travelling: str
) -> None:
    made, missing = [], []
    for kind in documents.KINDS:
        try:
            pdf = documents.render_document(facilitator_ctx, kind, travelling)
        except documents.DocumentError as exc:
            missing.append((kind, exc.message))
        else:
            assert pdf.startswith(b"%PDF") and travelling in text_of(pdf)
            made.append(kind)
    assert {"records-checklist", "visa-checklist", "visa-letter", "packet"} <= set(made)
    assert {k for k, _ in missing} == {"discharge-checklist", "handoff-letter", "cost-estimate"}
    assert all(travelling in m for _, m in missing)


def test_generated_handoff_letter_opens_the_treatment_gate(
    facilitator_ctx: ServiceContext, travelling: str, clock: Clock
) -> None:
    from caseapp.services import followup, treatment

    cases.advance(facilitator_ctx, travelling)
    clock.now += timedelta(days=90)
    infusion = steps.ARRIVAL + timedelta(days=15)
    treatment.record_milestone(
        facilitator_ctx, travelling, "infusion", planned_on=infusion, done_on=infusion
    )
    treatment.record_milestone(
        facilitator_ctx, travelling, "discharge", done_on=infusion + timedelta(days=28)
    )
    toxicities.add_toxicity(
        facilitator_ctx,
        travelling,
        "CRS",
        2,
        infusion + timedelta(days=2),
        treatment="Tocilizumab 8 mg/kg x1",
    )
    followup.create_plan(facilitator_ctx, travelling)
    steps.discharge_medicines(facilitator_ctx, travelling)
    pdf = documents.generate_document(facilitator_ctx, "handoff-letter", travelling)
    text = text_of(pdf)
    assert "Tocilizumab" in text and "CD33" in text
    assert f"{infusion.day} {infusion:%B %Y}" in text
    assert cases.advance(facilitator_ctx, travelling) == "followup"
    kinds = [doc.kind for doc in cases.case_detail(facilitator_ctx, travelling).documents]
    assert kinds == ["handoff-letter"]


def test_letterhead_comes_from_the_agency_settings(
    demo_db: ServiceContext, facilitator_ctx: ServiceContext, travelling: str
) -> None:
    save_agency_settings(
        demo_db,
        AgencySettings("Steppe Bridge Medical", "Almaty", "+7 1", "a@b.kz", page_size="Letter"),
    )
    pdf = documents.render_document(facilitator_ctx, "visa-letter", travelling)
    reader = PdfReader(io.BytesIO(pdf))
    assert "Steppe Bridge Medical" in text_of(pdf)
    assert reader.metadata is not None and reader.metadata.author == "Steppe Bridge Medical"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (612, 792)


def test_visa_letter_without_visa_is_a_clear_error(facilitator_ctx: ServiceContext) -> None:
    ref = steps.new_case(facilitator_ctx)
    with pytest.raises(documents.DocumentError, match="needs a visa application"):
        documents.render_document(facilitator_ctx, "visa-letter", ref)


def test_packets_batch_reports_cases_that_lack_lodging(
    facilitator_ctx: ServiceContext, travelling: str, tmp_path
) -> None:
    bare = steps.new_case(facilitator_ctx)
    seen = []
    result = documents.write_packets(
        facilitator_ctx,
        [travelling, bare],
        tmp_path,
        progress=lambda done, total: seen.append(done) or True,
    )
    assert [p.name for p in result.written] == [f"{travelling}-packet.pdf"]
    assert result.failed[0][0] == bare and "lodging" in result.failed[0][1]
    assert seen == [1, 2]


def test_discharge_checklist_prints_the_recorded_medicines_only(
    facilitator_ctx: ServiceContext, travelling: str, clock: Clock
) -> None:
    from caseapp.services import discharge, followup, treatment

    cases.advance(facilitator_ctx, travelling)
    clock.now += timedelta(days=90)
    infusion = steps.ARRIVAL + timedelta(days=15)
    out = infusion + timedelta(days=30)
    treatment.record_milestone(facilitator_ctx, travelling, "infusion", done_on=infusion)
    treatment.record_milestone(facilitator_ctx, travelling, "discharge", done_on=out)
    followup.create_plan(facilitator_ctx, travelling)
    text = " ".join(
        text_of(
            documents.render_document(facilitator_ctx, "discharge-checklist", travelling)
        ).split()
    )
    assert "No discharge medicines are recorded for this patient" in text
    assert "Aciclovir" not in text and "Posaconazole" not in text
    assert "Your blood counts on leaving hospital: not recorded." in text
    discharge.save_medication(facilitator_ctx, travelling, steps.COTRIMOXAZOLE)
    discharge.record_counts(facilitator_ctx, travelling, "discharge", out, "0.9", "61", "97")
    text = " ".join(
        text_of(
            documents.render_document(facilitator_ctx, "discharge-checklist", travelling)
        ).split()
    )
    assert "Co-trimoxazole 960 mg Monday, Wednesday and Friday day +180" in text
    assert "Pneumocystis prophylaxis" in text
    assert "Aciclovir" not in text and "Levetiracetam" not in text
    assert "ANC 0.9 × 10⁹/L, platelets 61 × 10⁹/L, haemoglobin 97 g/L" in text


def test_handoff_letter_states_day_28_response_counts_and_medicines_from_the_case(
    facilitator_ctx: ServiceContext, travelling: str, clock: Clock
) -> None:
    from caseapp.services import discharge, followup, treatment

    ctx = facilitator_ctx
    cases.advance(ctx, travelling)
    clock.now += timedelta(days=120)
    infusion = steps.ARRIVAL + timedelta(days=15)
    out = infusion + timedelta(days=31)
    treatment.record_milestone(ctx, travelling, "infusion", done_on=infusion)
    treatment.record_milestone(ctx, travelling, "discharge", done_on=out)
    toxicities.add_toxicity(ctx, travelling, "CRS", 1, infusion + timedelta(days=2),
                           infusion + timedelta(days=4), "Paracetamol and fluids")  # fmt: skip
    contacts = {c.day_offset: c for c in followup.create_plan(ctx, travelling)}
    followup.record_contact(ctx, travelling, contacts[28].id, done_on=infusion + timedelta(days=28),
                            response="CR", mrd="negative")  # fmt: skip
    followup.record_contact(ctx, travelling, contacts[60].id, done_on=infusion + timedelta(days=60),
                            response="relapse", mrd="positive")  # fmt: skip
    discharge.record_counts(ctx, travelling, "day28", infusion + timedelta(days=28), "0.7", "41",
                            "89")  # fmt: skip
    discharge.record_counts(ctx, travelling, "discharge", out, "1.3", "77", "99")
    discharge.save_medication(ctx, travelling, steps.ACICLOVIR)
    text = " ".join(text_of(documents.render_document(ctx, "handoff-letter", travelling)).split())
    d28 = text[text.index("Response at day +28") : text.index("Discharge medications")]
    assert "Response CR " in d28 and "MRD negative" in d28 and "relapse" not in d28
    assert "ANC 0.7 × 10⁹/L, platelets 41 × 10⁹/L, haemoglobin 89 g/L" in d28
    assert "Counts at discharge ANC 1.3 × 10⁹/L, platelets 77 × 10⁹/L" in text
    assert "CRS maximum grade 1" in text and "ICANS none" in text
    assert "Aciclovir 400 mg twice a day day +365" in text and "Posaconazole" not in text
    assert "Day +28" in text and "before discharge" in text and "29 days Your clinic" in text
    program = cases.case_detail(ctx, travelling).program
    assert program.ward_phone_24h and program.ward_phone_24h in text


def test_visa_checklist_lists_each_document_once_with_one_date_format(
    facilitator_ctx: ServiceContext, travelling: str
) -> None:
    import re

    text = " ".join(
        text_of(documents.render_document(facilitator_ctx, "visa-checklist", travelling)).split()
    )
    assert text.lower().count("invitation letter") == 1
    assert text.count("Proof of lodging") == 1
    assert "Return travel itinerary" in text and "planned return" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)


def test_records_checklist_judges_freshness_when_the_records_were_accepted(
    facilitator_ctx: ServiceContext, clock: Clock
) -> None:
    accepted = steps.new_case(facilitator_ctx)
    steps.complete_records(facilitator_ctx, accepted)
    cases.advance(facilitator_ctx, accepted)
    waiting = steps.new_case(facilitator_ctx)
    steps.complete_records(facilitator_ctx, waiting)
    clock.now += timedelta(days=120)  # the blood counts (14 days at most) are old by now

    def summary(ref: str) -> str:
        text = " ".join(
            text_of(documents.render_document(facilitator_ctx, "records-checklist", ref)).split()
        )
        return text[text.index("ready (received or waived)") :][:160]

    assert "0 too old on" in summary(accepted)
    assert "the day the records were accepted" in summary(accepted)
    assert "0 too old" not in summary(waiting)
    assert "the day the records were accepted" not in summary(waiting)
