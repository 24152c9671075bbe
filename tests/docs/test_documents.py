"""Every document, rendered from the sample case and read back with pypdf."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

import pytest
from pypdf.generic import DictionaryObject

from caseapp.docs import DOCUMENT_KINDS, MissingFact, render
from caseapp.docs.data import DocumentSettings
from tests.docs import sample
from tests.docs.conftest import read_pdf

KINDS = list(DOCUMENT_KINDS)


def test_registry_lists_the_nine_kinds() -> None:
    assert KINDS == [
        "records-checklist",
        "visa-checklist",
        "pretravel-checklist",
        "discharge-checklist",
        "visa-letter",
        "referral-letter",
        "handoff-letter",
        "cost-estimate",
        "packet",
    ]
    for name, kind in DOCUMENT_KINDS.items():
        assert isinstance(sample.SAMPLES[name](), kind.input_type)
        assert kind.filename("CA-2026-0042") == f"CA-2026-0042-{name}.pdf"


def test_render_checks_the_read_model_type(settings: DocumentSettings) -> None:
    with pytest.raises(TypeError, match="packet takes PacketData"):
        render("packet", sample.costs(), settings)


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_states_case_and_numbers_pages(
    kind: str, settings: DocumentSettings
) -> None:
    doc = read_pdf(render(kind, sample.SAMPLES[kind](), settings))
    total = len(doc.pages)
    assert "CA-2026-0042" in doc.text
    assert "Silk Road Care Partners" in doc.text
    for number in range(1, total + 1):
        assert f"Page {number} of {total}" in doc.page_text(number)
    meta = doc.reader.metadata
    assert meta is not None
    title = meta.title or ""
    assert title.endswith(" — CA-2026-0042")
    assert title.removesuffix(" — CA-2026-0042") in doc.page_text(1)  # the letterhead says it
    assert meta.author == "Silk Road Care Partners"
    assert meta.subject


def _fonts(doc: Any) -> dict[str, DictionaryObject]:
    fonts: dict[str, DictionaryObject] = {}
    for page in doc.reader.pages:
        resources = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


@pytest.mark.parametrize("kind", KINDS)
def test_every_font_is_embedded(kind: str, settings: DocumentSettings) -> None:
    doc = read_pdf(render(kind, sample.SAMPLES[kind](), settings))
    fonts = _fonts(doc)
    assert fonts
    for name, font in fonts.items():
        if font["/Subtype"] == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        assert descriptor is not None, f"{name} has no font descriptor (standard-14?)"
        assert "/FontFile2" in descriptor.get_object(), f"{name} is not embedded"
    assert any("DejaVuSans" in name for name in fonts)
    assert any("WenQuanYi" in name or "MicroHei" in name for name in fonts), list(fonts)


def test_records_checklist(settings: DocumentSettings) -> None:
    doc = read_pdf(render("records-checklist", sample.records(), settings))
    text = doc.text
    assert "Dana Serikovna Akhmetova" in text
    assert "7 of 10 ready (received or waived); 2 missing; 1 too old." in text
    assert "Echocardiogram (LVEF) Missing" in text
    assert "Blood counts and chemistry Too old 29 Dec 2025 5 Jan 2026" in text
    assert "Waived: Hospital will image on admission" in text
    # 18 Jan 2026 + 30 days
    assert "valid until 17 Feb 2026" in text
    assert "黄浦江国际医院" in doc.compact
    assert "Checked by" in text


def test_visa_checklist(settings: DocumentSettings) -> None:
    doc = read_pdf(render("visa-checklist", sample.visa_checklist(), settings))
    text = doc.text
    assert "2 Mar 2026 to 15 May 2026 (74 days)" in text
    assert "Visa type Private affairs visa (S2)" in text
    assert "57 months past the planned return" in text
    assert "The planned stay exceeds the allowed stay" in text  # 74 > 60 days
    assert "Dated 20 Jan 2026" in text
    assert "Pudong Riverside Serviced Apartments, 2 Mar 2026 to 1 Apr 2026" in text
    assert "6 of 7 ready." in text
    assert "Serik Akhmetov (husband), passport N87654321" in text


def test_visa_checklist_warns_only_when_the_stay_is_too_long(
    settings: DocumentSettings,
) -> None:
    data = sample.visa_checklist()
    visa = dataclasses.replace(data.visa, allowed_stay_days=90)  # type: ignore[arg-type]
    doc = read_pdf(render("visa-checklist", dataclasses.replace(data, visa=visa), settings))
    assert "exceeds the allowed stay" not in doc.text


def test_pretravel_checklist(settings: DocumentSettings) -> None:
    doc = read_pdf(render("pretravel-checklist", sample.pretravel(), settings))
    text = doc.text
    assert "Arrival in China 2 Mar 2026" in text
    # 01:30 UTC is 09:30 in China
    assert "Tue 3 Mar 2026, 09:30 (China time) — Admission and consultation" in text
    assert "Planned return 15 May 2026" in text
    assert "Passport N12345678, valid until 1 Mar 2031" in text
    assert "CNY 327,710.50" in text
    assert "Serik Akhmetov (husband)" in text
    assert "Appointments booked with the hospital (4 so far)" in text
    assert "☑" in text and "☐" in text


def test_discharge_checklist(settings: DocumentSettings) -> None:
    doc = read_pdf(render("discharge-checklist", sample.discharge(), settings))
    text = doc.text
    assert "targeting CD33 on 25 Mar 2026" in text
    assert "Posaconazole 300 mg" in text
    for sign in ("Fever", "Confusion", "Bleeding", "Infection"):
        assert sign in text
    assert "Day +60 24 May 2026 planned" in text
    assert "Day +28 22 Apr 2026 done 22 Apr 2026" in text
    assert "+86 21 5555 0100" in text  # hospital international department
    assert "Dr. Aliya Nurpeisova" in text and "+7 727 292 0001" in text


def test_visa_letter(settings: DocumentSettings) -> None:
    doc = read_pdf(render("visa-letter", sample.visa_letter(), settings))
    text = doc.text
    for fact in (
        "Dana Serikovna Akhmetova",
        "Female",
        "17 May 1984",
        "N12345678",
        "Kazakhstan",
        "2 Mar 2026 to 15 May 2026 (74 days)",
        "Number of entries: double",
        "the patient (self-funded)",
        "Serik Akhmetov husband Male 2 Feb 1981 N87654321",
        "apply for a Chinese private affairs visa (S2) for medical treatment",
        "Green Court Residence",
        "10 Feb 2026",
    ):
        assert fact in text, fact
    assert "上海市浦东新区浦东大道1288号" in doc.compact
    assert len(doc.pages) == 1


def _cny(line: Any) -> Decimal:
    return line.estimated * (sample.CASE.cny_per_home_unit if line.currency == "KZT" else 1)


def test_cost_estimate_totals(settings: DocumentSettings) -> None:
    doc = read_pdf(render("cost-estimate", sample.costs(), settings))
    text = doc.text
    rate = sample.CASE.cny_per_home_unit
    estimated = sum((_cny(line) for line in sample.COST_LINES), Decimal(0))
    actual = sum(
        (
            line.actual * (rate if line.currency == "KZT" else 1)
            for line in sample.COST_LINES
            if line.actual is not None
        ),
        Decimal(0),
    )
    assert estimated == Decimal("327710.50")  # the sample's arithmetic, checked by hand
    assert actual == Decimal("49991.20")
    assert f"Total 10 lines; actual recorded for 4 CNY {estimated:,.2f} CNY {actual:,.2f}" in text
    home_est = (estimated / rate).quantize(Decimal("0.01"))
    home_act = (actual / rate).quantize(Decimal("0.01"))
    assert f"Total in KZT at 1 KZT = 0.0142 CNY KZT {home_est:,.2f} KZT {home_act:,.2f}" in text
    assert "KZT 23,078,204.23" in text
    assert "(entered as KZT 450,000.00) CNY 6,390.00 CNY 6,191.20" in text


def test_packet_states_the_journey(settings: DocumentSettings) -> None:
    doc = read_pdf(render("packet", sample.packet(), settings))
    text, compact = doc.text, doc.compact
    assert "Travel packet Dana Serikovna Akhmetova" in doc.page_text(1)
    assert "2 Mar 2026 to 15 May 2026" in doc.page_text(1)
    # lodging, both languages
    for booking in sample.LODGING:
        assert booking.property_en in text
        assert booking.address_en in text
        assert booking.address_zh in compact
    assert "2 Mar 2026 to 1 Apr 2026 (30 nights)" in text
    # appointment times in China time, each with its interpreter's name and phone
    for when, interpreter in (
        ("Tue 3 Mar 2026, 09:30–11:00", "Li Na 李娜 +86 139 1234 5678"),
        ("Wed 4 Mar 2026, 14:15", "Zhou Min 周敏 +86 137 8765 4321"),
        ("Thu 5 Mar 2026, 08:00–10:00", "Zhou Min 周敏 +86 137 8765 4321"),
        ("Mon 9 Mar 2026, 08:30–14:00", "Li Na 李娜 +86 139 1234 5678"),
    ):
        assert re.search(re.escape(when) + r"[^+]*?" + re.escape(interpreter), text), when
    # contacts and emergency numbers
    assert "Ms. Chen Li" in text and "+86 21 5555 0100" in text
    assert "Wang Fang" in text and "+86 138 0213 7788" in text
    assert "Embassy of Kazakhstan in Beijing" in text
    assert "120 Ambulance 急救" in text
    # itinerary merges arrival, appointments and treatment milestones in date order
    assert "Infusion (day 0)" in text
    assert text.index("Arrival in China") < text.index("Admission and consultation")


def test_packet_taxi_card_is_large_chinese(settings: DocumentSettings) -> None:
    doc = read_pdf(render("packet", sample.packet(), settings))
    taxi = next(i for i, page in enumerate(doc.pages) if "Taxi card" in page)
    page = re.sub(r"\s+", "", doc.pages[taxi])
    assert page.count("请带我去：") == 3  # hospital and two lodgings
    assert "黄浦江国际医院上海市浦东新区浦东大道1288号" in page
    assert "绿苑公寓上海市浦东新区张杨路800弄5号" in page
    assert "请带我去" in doc.compact
    # the pre-travel checklist closes the packet
    assert "Pre-travel checklist" in doc.pages[-1]


def test_packet_without_lodging_names_what_is_missing(settings: DocumentSettings) -> None:
    data = dataclasses.replace(sample.packet(), lodging=())
    with pytest.raises(MissingFact) as error:
        render("packet", data, settings)
    assert str(error.value) == (
        "The travel packet needs at least one lodging booking; none is recorded for CA-2026-0042."
    )


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        (
            "handoff-letter",
            lambda d: dataclasses.replace(
                d,
                case=dataclasses.replace(
                    d.case, patient=dataclasses.replace(d.case.patient, physician=None)
                ),
            ),
            "handoff letter needs the patient's local physician",
        ),
        (
            "visa-letter",
            lambda d: dataclasses.replace(
                d,
                case=dataclasses.replace(
                    d.case, patient=dataclasses.replace(d.case.patient, passport_number="")
                ),
            ),
            "needs the patient's passport number; it is not recorded for CA-2026-0042",
        ),
        (
            "referral-letter",
            lambda d: dataclasses.replace(d, review=None),
            "needs a signed eligibility review",
        ),
        (
            "discharge-checklist",
            lambda d: dataclasses.replace(d, followups=()),
            "needs the follow-up plan",
        ),
        ("records-checklist", lambda d: dataclasses.replace(d, records=()), "SH-CD33-01"),
        (
            "pretravel-checklist",
            lambda d: dataclasses.replace(
                d, case=dataclasses.replace(d.case, planned_departure=None)
            ),
            "needs the planned departure date",
        ),
        (
            "cost-estimate",
            lambda d: dataclasses.replace(
                d,
                lines=(
                    *d.lines,
                    sample.COST_LINES[0].__class__("travel", "x", Decimal(1), currency="USD"),
                ),
            ),
            "a line in USD",
        ),
    ],
)
def test_missing_facts_are_named(
    kind: str, change: Any, message: str, settings: DocumentSettings
) -> None:
    with pytest.raises(MissingFact, match=re.escape(message)):
        render(kind, change(sample.SAMPLES[kind]()), settings)


@pytest.mark.parametrize(("size", "expected"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_page_size_setting(size: str, expected: tuple[int, int]) -> None:
    settings = dataclasses.replace(sample.SETTINGS, page_size=size)  # type: ignore[arg-type]
    for kind in ("packet", "visa-letter"):
        doc = read_pdf(render(kind, sample.SAMPLES[kind](), settings))
        for page in doc.reader.pages:
            box = page.mediabox
            assert (round(float(box.width)), round(float(box.height))) == expected


def test_text_is_escaped_not_interpreted(settings: DocumentSettings) -> None:
    case = sample.CASE
    patient = dataclasses.replace(case.patient, full_name="Dana <b>A&B</b> O'Neil")
    data = dataclasses.replace(
        sample.visa_letter(), case=dataclasses.replace(case, patient=patient)
    )
    doc = read_pdf(render("visa-letter", data, settings))
    assert "Dana <b>A&B</b> O'Neil" in doc.text
    packet = dataclasses.replace(sample.packet(), case=dataclasses.replace(case, patient=patient))
    assert "Dana <b>A&B</b> O'Neil" in read_pdf(render("packet", packet, settings)).text


def test_logo_is_drawn_in_the_letterhead(settings: DocumentSettings, tmp_path: Any) -> None:
    from PIL import Image
    from reportlab.graphics import renderPM  # noqa: F401 - only to check Pillow is usable

    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(logo)
    with_logo = dataclasses.replace(
        settings, letterhead=dataclasses.replace(settings.letterhead, logo_path=str(logo))
    )
    doc = read_pdf(render("records-checklist", sample.records(), with_logo))
    images = doc.reader.pages[0]["/Resources"].get("/XObject", {})
    assert len(images) == 1
