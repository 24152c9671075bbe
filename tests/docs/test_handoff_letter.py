"""The handoff letter to the home haematologist: its sections and the facts in each."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from caseapp.docs import render
from caseapp.docs.data import DocumentSettings, FollowUpContact, Toxicity
from tests.docs import sample
from tests.docs.conftest import ReadBack, read_pdf

SECTIONS = (
    "Treatment", "CRS and ICANS (ASTCT consensus grading)", "Response at day +28",
    "Discharge medications", "Labs to watch", "Follow-up schedule",
    "Warning signs: call the treating hospital the same day", "Contacts", "Restrictions",
)  # fmt: skip


def letter(**changes: object) -> ReadBack:
    data = dataclasses.replace(sample.handoff(), **changes)  # type: ignore[arg-type]
    return read_pdf(render("handoff-letter", data, sample.SETTINGS))


def section(text: str, name: str) -> str:
    """The text from a section heading (after the salutation) to the next one."""
    start = text.index(name, text.index("Dear ")) + len(name)
    following = [text.find(s, start) for s in SECTIONS if text.find(s, start) > 0]
    return text[start : min(following, default=len(text))]


def test_sections_in_order_on_two_pages(settings: DocumentSettings) -> None:
    doc = read_pdf(render("handoff-letter", sample.handoff(), settings))
    body = doc.text.index("Dear ")
    positions = [doc.text.index(s, body) for s in SECTIONS]
    assert positions == sorted(positions)
    assert len(doc.pages) == 2
    assert "Restrictions" in doc.page_text(2) and "Yours sincerely" in doc.page_text(2)


def test_product_infusion_and_discharge() -> None:
    text = letter().text
    assert "received CAR-T cells targeting CD33 at Huangpu River International Hospital" in text
    treatment = section(text, "Treatment")
    assert "Product Autologous CAR-T cells targeting CD33" in treatment
    assert "Infusion (day 0) 25 March 2026" in treatment
    assert "Discharge 25 April 2026 (day +31)" in treatment
    assert ("Counts at discharge ANC 1.6 × 10⁹/L, platelets 88 × 10⁹/L, haemoglobin 101 g/L "
            "(taken 25 April 2026)") in treatment  # fmt: skip


def test_crs_and_icans_with_grade_onset_duration_and_treatment() -> None:
    part = section(letter().text, "CRS and ICANS (ASTCT consensus grading)")
    assert (
        "CRS maximum grade 2; onset 26 March 2026 (day +1); lasted 4 days (resolved "
        "29 March 2026); treated with tocilizumab 8 mg/kg x1; dexamethasone 10 mg"
    ) in part
    assert "ICANS maximum grade 1; onset 28 March 2026 (day +3); lasted 3 days" in part


def test_icans_none_only_when_no_icans_is_recorded() -> None:
    crs_only = tuple(t for t in sample.TREATMENT.toxicities if t.kind == "CRS")
    worse = Toxicity("CRS", 3, date(2026, 3, 27), None, "second dose of tocilizumab")
    treatment = dataclasses.replace(sample.HANDOFF_TREATMENT, toxicities=(*crs_only, worse))
    part = section(letter(treatment=treatment).text, "CRS and ICANS (ASTCT consensus grading)")
    assert "ICANS none" in part
    assert "CRS maximum grade 3; onset 26 March 2026 (day +1); ongoing" in part
    assert "tocilizumab 8 mg/kg x1; dexamethasone 10 mg; second dose of tocilizumab" in part
    assert "ICANS none" not in letter().text


def test_response_at_day_28_not_the_latest_contact() -> None:
    later = (*sample.FOLLOWUPS[:1],
             FollowUpContact(60, date(2026, 5, 24), date(2026, 5, 24), response="relapse",
                             mrd="positive"), *sample.FOLLOWUPS[2:])  # fmt: skip
    part = section(letter(followups=later).text, "Response at day +28")
    assert "Assessment Day +28, 22 April 2026" in part
    assert "Response CRi" in part and "MRD negative (flow cytometry, <0.01%)" in part
    assert "ANC 0.9 × 10⁹/L, platelets 52 × 10⁹/L, haemoglobin 92 g/L (taken 22 April" in part
    assert "relapse" not in part and "positive" not in part


def test_not_recorded_facts_say_so() -> None:
    d28 = dataclasses.replace(sample.handoff().day28, response=None, mrd=None, counts=None)
    text = letter(day28=d28, discharge_counts=None, medications=()).text
    part = section(text, "Response at day +28")
    assert "Response not recorded" in part and "MRD not recorded" in part
    assert "Blood counts not recorded" in part
    assert "Counts at discharge not recorded" in text
    meds = section(text, "Discharge medications")
    assert "No discharge medicines are recorded for this patient" in meds
    assert "Aciclovir" not in text


def test_medicines_are_the_recorded_ones() -> None:
    meds = section(letter().text, "Discharge medications")
    assert "Aciclovir 400 mg twice a day day +365 Herpes virus prophylaxis" in meds
    assert "Co-trimoxazole 960 mg Monday, Wednesday and Friday day +180" in meds
    assert "Levetiracetam" not in meds


def test_schedule_counts_from_the_real_discharge_and_says_where() -> None:
    part = section(letter().text, "Follow-up schedule")
    assert "Day +28 22 April 2026 before discharge In China Done 22 April 2026" in part
    assert "Day +60 24 May 2026 29 days Your clinic Examination; FBC with differential" in part
    assert "Day +90 23 June 2026 59 days Your clinic" in part and "marrow: blasts and MRD" in part
    assert "send the results" in part


def test_warning_signs_and_restrictions_are_not_under_labs() -> None:
    text = letter().text
    labs = section(text, "Labs to watch")
    assert "Full blood count with differential weekly" in labs
    assert "driving" not in labs and "fever" not in labs.lower()
    warnings = section(text, "Warning signs: call the treating hospital the same day")
    assert "New fever of 38 °C or more" in warnings and "+86 21 5555 0199" in warnings
    restrictions = section(text, "Restrictions")
    assert "No driving or operating machinery until 20 May 2026 (8 weeks after infusion)" in (
        restrictions
    )
    assert "No live vaccines" in restrictions


def test_24_hour_line_of_the_treating_hospital() -> None:
    contacts = section(letter().text, "Contacts")
    assert (
        "Treating hospital, 24 hours a day Haematology ward (day and night) +86 21 5555 0199"
        in (contacts)
    )
    program = dataclasses.replace(sample.PROGRAM, ward_phone_24h="")
    case = dataclasses.replace(sample.CASE, program=program)
    text = letter(case=case).text
    assert "not recorded: call the international department" in section(text, "Contacts")
    assert "call the treating hospital" in text


def test_one_date_format() -> None:
    text = letter().text
    short = re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", text)
    assert short == [] and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "25 March 2026" in text and "21 September 2026" in text


def test_a_visit_done_after_discharge_is_at_home() -> None:
    late = (FollowUpContact(28, date(2026, 4, 22), date(2026, 4, 27), response="CRi"),
            *sample.FOLLOWUPS[1:])  # fmt: skip
    part = section(letter(followups=late).text, "Follow-up schedule")
    assert "Day +28 22 April 2026 2 days Your clinic Done 27 April 2026: response above" in part
