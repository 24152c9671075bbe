"""The discharge checklist states this patient's medicines and counts, or says they are missing."""

from __future__ import annotations

import dataclasses

from caseapp.docs import render
from caseapp.docs.data import DocumentSettings
from tests.docs import sample
from tests.docs.conftest import read_pdf


def test_recorded_medicines_with_dose_frequency_until_and_why(settings: DocumentSettings) -> None:
    text = read_pdf(render("discharge-checklist", sample.discharge(), settings)).text
    assert "Medicine Dose How often Until Why" in text
    assert "Aciclovir 400 mg twice a day day +365 Herpes virus prophylaxis" in text
    assert "Posaconazole 300 mg once a day with food neutrophils above 0.5" in text
    assert "Co-trimoxazole 960 mg Monday, Wednesday and Friday day +180" in text
    assert "Levetiracetam" not in text  # never added from a usual list
    assert "All medicines below" in text
    assert (
        "Your blood counts on leaving hospital: ANC 1.3 × 10⁹/L, platelets 74 × 10⁹/L, "
        "haemoglobin 96 g/L (22 Apr 2026)." in text
    )


def test_without_recorded_medicines_it_says_so(settings: DocumentSettings) -> None:
    data = dataclasses.replace(sample.discharge(), medications=(), discharge_counts=None)
    text = read_pdf(render("discharge-checklist", data, settings)).text
    assert "No discharge medicines are recorded for this patient" in text
    assert "Ask the ward team for the list on the discharge summary" in text
    assert "none is recorded in this checklist yet" in text
    assert "All medicines below" not in text
    for usual in ("Aciclovir", "Co-trimoxazole", "Posaconazole", "Fluconazole"):
        assert usual not in text
    assert "Your blood counts on leaving hospital: not recorded." in text
