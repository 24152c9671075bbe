"""Each fact said once and one way: one date format, no repeated events, city or department."""

from __future__ import annotations

import dataclasses
import re

import pytest

from caseapp.docs import DOCUMENT_KINDS, render
from caseapp.docs.data import CompanionInfo
from tests.docs import sample
from tests.docs.conftest import read_pdf

LONG = r"\b\d{1,2} (?:January|February|March|April|June|July|August|September|October|November|December) \d{4}"  # noqa: E501
SHORT = r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
ISO = r"\b\d{4}-\d{2}-\d{2}\b"

TIANJIN = dataclasses.replace(
    sample.PROGRAM,
    address_en="299 Nanjing Road, Heping District, Tianjin 300050",
    city_en="Tianjin",
    intl_dept_contact="Dr. Sun Hao (International Patient Department)",
)
CASE = dataclasses.replace(sample.CASE, program=TIANJIN)


def text_of(kind: str, data: object) -> str:
    return read_pdf(render(kind, data, sample.SETTINGS)).text


@pytest.mark.parametrize("kind", sorted(DOCUMENT_KINDS))
def test_one_date_format_per_document(kind: str) -> None:
    text = text_of(kind, sample.SAMPLES[kind]())
    formats = {name for name, pattern in (("long", LONG), ("short", SHORT), ("iso", ISO))
               if re.search(pattern, text)}  # fmt: skip
    assert len(formats) == 1, f"{kind} writes dates as {formats}"
    expected = "long" if kind in ("referral-letter", "handoff-letter") else "short"
    assert formats == {expected}


def itinerary(text: str) -> str:
    return text[text.index("Itinerary Date Time What Where") : text.index("Lodging Pudong")]


def test_packet_itinerary_says_each_event_once_and_no_manufacturing() -> None:
    part = itinerary(text_of("packet", sample.packet()))
    assert part.count("Apheresis (") == 1 and "08:30 Apheresis (cell collection)" in part
    assert part.count("Admission") == 1
    assert part.count("Lymphodepletion (day -5)") == 1 and part.count("Infusion (day 0)") == 1
    assert "anufacturing" not in part
    assert "Check in Pudong Riverside Serviced Apartments 浦东" in part


def test_city_once_on_taxi_card_and_letters() -> None:
    packet = dataclasses.replace(sample.packet(), case=CASE)
    texts = [
        text_of("packet", packet),
        text_of("visa-letter", dataclasses.replace(sample.visa_letter(), case=CASE)),
        text_of("referral-letter", dataclasses.replace(sample.referral(), case=CASE)),
    ]
    for text in texts:
        assert "Tianjin 300050, Tianjin" not in text
        assert "Tianjin 300050" in text


def test_department_once_in_contacts_and_letters() -> None:
    texts = {
        "packet": text_of("packet", dataclasses.replace(sample.packet(), case=CASE)),
        "discharge": text_of("discharge-checklist",
                             dataclasses.replace(sample.discharge(), case=CASE)),
        "referral": text_of("referral-letter", dataclasses.replace(sample.referral(), case=CASE)),
    }  # fmt: skip
    for name, text in texts.items():
        assert "(International Patient Department)" not in text, name
        assert "Dr. Sun Hao" in text, name
    assert "Dear Dr. Sun Hao," in texts["referral"]


def test_one_heading_per_companion() -> None:
    son = CompanionInfo("Arman Akhmetov", "son", "M", passport_number="N55554444")
    patient = dataclasses.replace(sample.PATIENT, companions=(*sample.PATIENT.companions, son))
    case = dataclasses.replace(sample.CASE, patient=patient)
    text = text_of("pretravel-checklist", dataclasses.replace(sample.pretravel(), case=case))
    assert "Companion: Serik Akhmetov (husband) ☑ Passport N87654321" in text
    assert "Companion: Arman Akhmetov (son) ☑ Passport N55554444" in text
    assert text.count("Companion") == 2
    alone = dataclasses.replace(sample.PATIENT, companions=())
    text = text_of("pretravel-checklist", dataclasses.replace(
        sample.pretravel(), case=dataclasses.replace(sample.CASE, patient=alone)))  # fmt: skip
    assert "Caregiver" in text and "Companion" not in text


def test_same_apartment_named_once_in_the_visa_letter() -> None:
    first = sample.LODGING[0]
    again = dataclasses.replace(
        first, check_in=first.check_out, check_out=sample.CASE.planned_departure
    )
    text = text_of("visa-letter", dataclasses.replace(sample.visa_letter(), lodging=(first, again)))
    places = text[text.index("Places to stay and visit") : text.index("Number of entries")]
    assert places.count("Pudong Riverside Serviced Apartments") == 1


def test_records_checklist_says_when_freshness_was_judged() -> None:
    data = dataclasses.replace(sample.records(), judged_on=sample.ISSUED.replace(day=1))
    text = text_of("records-checklist", data)
    assert "1 too old on 1 Feb 2026, the day the records were accepted." in text
    assert "the day the records were accepted" not in text_of("records-checklist",
                                                               sample.records())  # fmt: skip
