"""Criterion evaluation, fact parsing and ASTCT grading."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.services.eligibility import (
    MET,
    NOT_MET,
    UNKNOWN,
    CriterionSpec,
    age_on,
    evaluate,
    parse_fact,
)
from caseapp.services.errors import ValidationError
from caseapp.services.treatment import crs_grade, icans_grade

AGE = CriterionSpec("age", "inclusion", "Age 18 to 70", "age", "between", [18, 70])
CD33 = CriterionSpec("cd33", "inclusion", "CD33 >= 50%", "cd33_pct", "ge", 50)
CNS = CriterionSpec("cns", "exclusion", "No active CNS leukaemia", "cns_active", "is_false")
STATUS = CriterionSpec("rr", "inclusion", "R/R AML", "disease_status", "in",
                       ["relapsed", "refractory"])  # fmt: skip
GVHD_WAIT = CriterionSpec(
    "allo", "exclusion", "Transplant > 3 months ago", "months_since_allo_transplant", "ge", 3,
    applies_if="allo_transplant",
)  # fmt: skip


def results(facts: dict) -> dict[str, str]:
    return {r.code: r.result for r in evaluate([AGE, CD33, CNS, STATUS, GVHD_WAIT], facts)}


def test_missing_facts_are_unknown_not_failed() -> None:
    assert set(results({}).values()) == {UNKNOWN}


def test_met_and_not_met() -> None:
    facts = {"age": 45, "cd33_pct": 49.9, "cns_active": False, "disease_status": "relapsed",
             "allo_transplant": False}  # fmt: skip
    assert results(facts) == {"age": MET, "cd33": NOT_MET, "cns": MET, "rr": MET, "allo": MET}
    facts |= {"age": 71, "cns_active": True, "disease_status": "first_remission"}
    assert results(facts)["age"] == NOT_MET
    assert results(facts)["cns"] == NOT_MET
    assert results(facts)["rr"] == NOT_MET


def test_applies_if_only_checks_after_a_transplant() -> None:
    assert results({"allo_transplant": True})["allo"] == UNKNOWN
    assert results({"allo_transplant": True, "months_since_allo_transplant": 2})["allo"] == NOT_MET
    assert results({"allo_transplant": True, "months_since_allo_transplant": 4})["allo"] == MET


@given(st.floats(0, 100, allow_nan=False))
def test_threshold_boundary(value: float) -> None:
    [r] = evaluate([CD33], {"cd33_pct": value})
    assert r.result == (MET if value >= 50 else NOT_MET)


def test_parse_fact_messages_name_the_fact() -> None:
    assert parse_fact("ecog", "2") == 2.0
    assert parse_fact("cns_active", "No") is False
    with pytest.raises(ValidationError, match="ECOG performance status must be between 0 and 4"):
        parse_fact("ecog", "7")
    with pytest.raises(ValidationError, match="must be a number") as exc:
        parse_fact("lvef_pct", "fifty")
    assert exc.value.field == "lvef_pct"
    with pytest.raises(ValidationError, match="yes or no"):
        parse_fact("hiv", "maybe")


def test_age_on_birthday_edges() -> None:
    assert age_on(date(1980, 3, 14), date(2026, 3, 13)) == 45
    assert age_on(date(1980, 3, 14), date(2026, 3, 14)) == 46


@pytest.mark.parametrize(
    ("fever", "hypotension", "hypoxia", "grade"),
    [
        (False, "none", "none", 0),
        (True, "none", "none", 1),
        (True, "fluids", "none", 2),
        (True, "none", "low_flow", 2),
        (True, "fluids", "high_flow", 3),
        (True, "one_vasopressor", "low_flow", 3),
        (True, "none", "positive_pressure", 4),
        (True, "several_vasopressors", "none", 4),
    ],
)
def test_crs_grade_worse_of_hypotension_and_hypoxia(fever, hypotension, hypoxia, grade) -> None:
    assert crs_grade(fever, hypotension, hypoxia) == grade


@pytest.mark.parametrize(
    ("ice", "kwargs", "grade"),
    [
        (10, {}, 0),
        (8, {}, 1),
        (7, {}, 1),
        (6, {}, 2),
        (3, {}, 2),
        (2, {}, 3),
        (0, {}, 3),
        (None, {}, 0),
        (10, {"consciousness": "spontaneously"}, 1),
        (10, {"consciousness": "voice"}, 2),
        (9, {"consciousness": "touch"}, 3),
        (10, {"consciousness": "unarousable"}, 4),  # grade 4 whatever ICE score was typed
        (None, {"consciousness": "unarousable"}, 4),
        (9, {"seizure": "resolving"}, 3),
        (9, {"seizure": "prolonged"}, 4),
        (9, {"icp": "focal"}, 3),
        (8, {"motor": "deep_focal_weakness"}, 4),
        (8, {"icp": "diffuse"}, 4),
        (5, {"consciousness": "spontaneously"}, 2),  # the worst domain sets the grade
    ],
)
def test_icans_grade_worst_domain(ice, kwargs, grade) -> None:
    assert icans_grade(ice, **kwargs) == grade
