"""The referral cover letter a hospital's doctor reads: findings in plain words, only facts
the case records, and the records it encloses."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from caseapp.docs import render
from caseapp.docs.data import ClinicalFacts, DocumentSettings, RecordItem
from tests.docs import sample
from tests.docs.conftest import read_pdf

SHORT_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def test_each_criterion_states_the_finding_and_whether_the_patient_meets_it(
    settings: DocumentSettings,
) -> None:
    text = read_pdf(render("referral-letter", sample.referral(), settings)).text
    assert "Inclusion criteria" in text and "Exclusion criteria" in text
    assert "Criterion Patient's finding Result" in text
    assert "HIV negative HIV: negative meets" in text
    assert "Not pregnant or breastfeeding Pregnancy: not pregnant meets" in text
    assert "No active hepatitis C Hepatitis C: active does not meet" in text
    assert "LVEF >= 50% LVEF: not recorded not known" in text
    assert "GVHD: does not apply does not apply" in text
    # the old table's raw columns are gone: no bare kind, no bare yes/no, no "met"
    assert not re.search(r"\b(exclusion|inclusion) (no|yes)\b", text)
    assert not re.search(r"\bmet\b", text)


def test_inclusions_come_before_exclusions(settings: DocumentSettings) -> None:
    text = read_pdf(render("referral-letter", sample.referral(), settings)).text
    assert text.index("Age 18-70 years") < text.index("Exclusion criteria")
    assert text.index("Exclusion criteria") < text.index("HIV negative")


def test_recorded_facts_and_regimens_are_printed(settings: DocumentSettings) -> None:
    text = read_pdf(render("referral-letter", sample.referral(), settings)).text
    assert "CD33 82%; CD123 64.5%; CLL-1 41%" in text
    assert "Prior lines of therapy 3" in text
    assert "Bone-marrow blasts 23.5%" in text
    assert "FLAG-Ida salvage 2 April 2025 10 May 2025 PR" in text
    assert "found the patient eligible" in text
    assert "Dr. Saule Tulegenova on 6 February 2026" in text


def test_facts_not_recorded_say_so_and_nothing_is_invented(settings: DocumentSettings) -> None:
    clinical = ClinicalFacts(
        diagnosis="Acute myeloid leukaemia (AML)",
        disease_status="relapsed AML",
        antigen_profile={"CD33": None},
    )
    data = dataclasses.replace(sample.referral(), clinical=clinical)
    text = read_pdf(render("referral-letter", data, settings)).text
    assert "Prior lines of therapy not recorded" in text
    assert "Bone-marrow blasts not recorded" in text
    assert "Antigens on blasts (flow) CD33 not recorded" in text
    assert "Prior regimens" not in text and "No prior regimens" not in text
    assert "—" not in text
    assert "with acute myeloid leukaemia (AML)" in text


def test_enclosed_records_are_listed_with_their_dates(settings: DocumentSettings) -> None:
    enclosed = (
        RecordItem("Bone-marrow aspirate report", "received", date(2026, 1, 20), date(2026, 1, 15)),
        RecordItem("Passport copy", "received", date(2026, 1, 2)),
    )
    data = dataclasses.replace(sample.referral(), enclosed=enclosed)
    text = read_pdf(render("referral-letter", data, settings)).text
    assert "The records listed below accompany this letter" in text
    assert "Enclosed records Record Dated Received" in text
    assert "Bone-marrow aspirate report 15 January 2026 20 January 2026" in text
    assert "Passport copy not recorded 2 January 2026" in text


def test_one_date_format_and_the_contact_named_once(settings: DocumentSettings) -> None:
    program = dataclasses.replace(
        sample.PROGRAM,
        intl_dept_contact="Dr. Sun Hao (International Patient Department)",
        address_en="154 Anshan Road, Heping District, Tianjin 300052",
        city_en="Tianjin",
    )
    case = dataclasses.replace(
        sample.CASE, program=program,
        patient=dataclasses.replace(sample.PATIENT, languages=("Kazakh", "Russian")),
    )  # fmt: skip
    data = dataclasses.replace(sample.referral(), case=case)
    text = read_pdf(render("referral-letter", data, settings)).text
    assert "Dr. Sun Hao International Patient Department" in text
    assert "Dear Dr. Sun Hao," in text
    assert text.count("(International Patient Department)") == 0
    assert "Tianjin 300052" in text and "Tianjin 300052, Tianjin" not in text
    assert "speaks Kazakh and Russian" in text
    assert not SHORT_DATE.search(text)


def test_the_criteria_table_starts_on_the_first_page(settings: DocumentSettings) -> None:
    doc = read_pdf(render("referral-letter", sample.referral(), settings))
    assert "Inclusion criteria" in doc.page_text(1)
    assert "Age 18-70 years" in doc.page_text(1)
