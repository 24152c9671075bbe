"""Criterion findings in plain words, from the rule to the referral letter of a real case."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from caseapp.services import documents, eligibility
from caseapp.services.context import ServiceContext
from tests.services import pipeline_steps as steps
from tests.services.test_pipeline_gates import to_stage


@pytest.mark.parametrize(
    ("fact", "shown", "finding"),
    [
        ("hiv", "no", "HIV: negative"),
        ("hiv", "yes", "HIV: positive"),
        ("pregnant", "no", "Pregnancy: not pregnant or breastfeeding"),
        ("hcv_active", "no", "Hepatitis C: not active"),
        ("cns_active", "yes", "CNS leukaemia: active"),
        ("apl", "no", "APL (FAB M3) subtype: not APL"),
        ("prior_car_t", "no", "Previous CAR-T therapy: none"),
        ("disease_status", "refractory", "Disease status: primary refractory"),
        ("cd33_pct", "82 %", "CD33 on blasts (flow): 82%"),
        ("age", "41 years", "Age: 41 years"),
        ("lvef_pct", "", "LVEF: not recorded"),
        ("months_since_allo_transplant", "not applicable",
         "Months since allogeneic transplant: does not apply"),
    ],
)  # fmt: skip
def test_plain_finding(fact: str, shown: str, finding: str) -> None:
    assert eligibility.plain_finding(fact, shown) == finding


def test_every_fact_has_a_subject_and_yes_no_facts_have_words() -> None:
    for key, fact in eligibility.FACTS.items():
        assert eligibility.fact_subject(key), key
        if fact.kind == "bool":
            assert key in eligibility.BOOL_FINDINGS, key


def test_outcome_words() -> None:
    spec = eligibility.CriterionSpec("hiv", "exclusion", "HIV negative", "hiv", "is_false")
    gvhd = eligibility.CriterionSpec(
        "gvhd", "exclusion", "No GVHD", "active_gvhd", "is_false", applies_if="allo_transplant"
    )
    rows = eligibility.evaluate([spec, gvhd], {"hiv": True, "allo_transplant": False})
    assert [(r.finding, r.outcome) for r in rows] == [
        ("HIV: positive", "does not meet"),
        ("Graft-versus-host disease: does not apply", "does not apply"),
    ]
    assert eligibility.evaluate([spec], {})[0].outcome == "not known"


def test_referral_of_a_signed_case_reads_in_plain_words(facilitator_ctx: ServiceContext) -> None:
    ref = steps.new_case(facilitator_ctx)
    to_stage(facilitator_ctx, ref, "visa")
    pdf = documents.render_document(facilitator_ctx, "referral-letter", ref)
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "HIV negative HIV: negative meets" in text
    assert "Pregnancy: not pregnant or breastfeeding meets" in text
    assert "Bone-marrow blasts 35%" in text and "Prior lines of therapy 2" in text
    assert "Enclosed records" in text
    assert "—" not in text
