"""Realistic read models for document tests: a Kazakh patient with her husband, going to a
fictional Shanghai hospital for a CD33 CAR-T study."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from caseapp.docs.data import (
    Appointment,
    BloodCounts,
    CaseInfo,
    ChecklistItem,
    ClinicalFacts,
    CompanionInfo,
    ContactEntry,
    CostEstimateData,
    CostLine,
    CriterionResult,
    DischargeChecklistData,
    DocumentSettings,
    EligibilityReview,
    FollowUpContact,
    HandoffLetterData,
    InterpreterInfo,
    Letterhead,
    LodgingBooking,
    Medication,
    Milestone,
    PacketData,
    PatientInfo,
    PhysicianInfo,
    PreTravelChecklistData,
    PriorTherapy,
    ProgramInfo,
    RecordItem,
    RecordsChecklistData,
    ReferralLetterData,
    ResponseAssessment,
    StaffContact,
    Toxicity,
    TreatmentInfo,
    VisaChecklistData,
    VisaInfo,
    VisaLetterData,
)

ISSUED = date(2026, 2, 10)

SETTINGS = DocumentSettings(
    Letterhead(
        agency_name="Silk Road Care Partners",
        address="12 Abay Avenue, Office 5, Almaty 050000, Kazakhstan",
        phone="+7 727 355 0142",
        email="cases@silkroadcare.kz",
    )
)

PHYSICIAN = PhysicianInfo(
    name="Dr. Aliya Nurpeisova",
    clinic="Almaty Oncology Center, Haematology Department",
    city="Almaty",
    country="Kazakhstan",
    phone="+7 727 292 0001",
    email="a.nurpeisova@aoc.kz",
)

PATIENT = PatientInfo(
    full_name="Dana Serikovna Akhmetova",
    sex="F",
    date_of_birth=date(1984, 5, 17),
    nationality="Kazakhstan",
    passport_number="N12345678",
    passport_expiry=date(2031, 3, 1),
    languages=("Kazakh", "Russian", "English"),
    phone="+7 701 555 1234",
    email="dana.akhmetova@mail.kz",
    address="45 Dostyk Street, apt 12, Almaty",
    home_city="Almaty",
    companions=(
        CompanionInfo(
            name="Serik Akhmetov",
            relation="husband",
            sex="M",
            date_of_birth=date(1981, 2, 2),
            passport_number="N87654321",
            passport_expiry=date(2030, 8, 15),
        ),
    ),
    physician=PHYSICIAN,
)

PROGRAM = ProgramInfo(
    code="SH-CD33-01",
    name="CD33 CAR-T for relapsed/refractory AML",
    phase="Phase I/II",
    targets=("CD33",),
    hospital_en="Huangpu River International Hospital",
    hospital_zh="黄浦江国际医院",
    city_en="Shanghai",
    city_zh="上海",
    address_en="1288 Pudong Avenue, Pudong New Area",
    address_zh="上海市浦东新区浦东大道1288号",
    intl_dept_phone="+86 21 5555 0100",
    intl_dept_email="ipd@hrih.example.cn",
    intl_dept_contact="Ms. Chen Li",
    ward_phone_24h="+86 21 5555 0199",
)

CASE = CaseInfo(
    ref="CA-2026-0042",
    stage="lodging",
    patient=PATIENT,
    program=PROGRAM,
    owner=StaffContact("Marat Kenzhebekov", "+7 701 777 4242", "marat@silkroadcare.kz"),
    coordinator=StaffContact("Wang Fang", "+86 138 0213 7788", "wang.fang@silkroadcare.kz"),
    planned_arrival=date(2026, 3, 2),
    planned_departure=date(2026, 5, 15),
    home_currency="KZT",
    cny_per_home_unit=Decimal("0.0142"),
    payer="the patient (self-funded)",
)

LI_NA = InterpreterInfo("Li Na", "李娜", "+86 139 1234 5678", ("Russian", "English"))
ZHOU_MIN = InterpreterInfo("Zhou Min", "周敏", "+86 137 8765 4321", ("Kazakh", "Russian"))

LODGING = (
    LodgingBooking(
        property_en="Pudong Riverside Serviced Apartments",
        property_zh="浦东滨江服务式公寓",
        address_en="66 Yanggao Middle Road, Pudong New Area, Shanghai",
        address_zh="上海市浦东新区杨高中路66号",
        check_in=date(2026, 3, 2),
        check_out=date(2026, 4, 1),
        phone="+86 21 6888 1200",
        occupants=("Dana Serikovna Akhmetova", "Serik Akhmetov"),
        nightly_cost=Decimal("450.00"),
    ),
    LodgingBooking(
        property_en="Green Court Residence",
        property_zh="绿苑公寓",
        address_en="Lane 800 No. 5, Zhangyang Road, Pudong New Area, Shanghai",
        address_zh="上海市浦东新区张杨路800弄5号",
        check_in=date(2026, 4, 1),
        check_out=date(2026, 5, 15),
        phone="+86 21 5081 3300",
        occupants=("Dana Serikovna Akhmetova", "Serik Akhmetov"),
        nightly_cost=Decimal("380.00"),
    ),
)

# Stored in UTC like the database; documents show China time (UTC+8).
APPOINTMENTS = (
    Appointment(
        "Admission and consultation",
        "International Patient Department, Building 2",
        datetime(2026, 3, 3, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 3, 3, 0, tzinfo=UTC),
        LI_NA,
    ),
    Appointment(
        "Bone-marrow aspiration",
        "Haematology Day Unit, Building 5, 3rd floor",
        datetime(2026, 3, 5, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
        ZHOU_MIN,
    ),
    Appointment(
        "Apheresis (cell collection)",
        "Apheresis Centre, Building 5",
        datetime(2026, 3, 9, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 9, 6, 0, tzinfo=UTC),
        LI_NA,
    ),
    Appointment(
        "Echocardiogram",
        "Cardiology, Building 1, 2nd floor",
        datetime(2026, 3, 4, 6, 15, tzinfo=UTC),
        None,
        ZHOU_MIN,
    ),
)

VISA = VisaInfo(
    type_code="S2",
    type_name="Private affairs visa (S2)",
    status="approved",
    entries="double",
    invitation_letter_on=date(2026, 1, 20),
    submitted_on=date(2026, 1, 26),
    decided_on=date(2026, 2, 3),
    entry_from=date(2026, 2, 15),
    entry_until=date(2026, 5, 15),
    allowed_stay_days=60,
)

TREATMENT = TreatmentInfo(
    product_target="CD33",
    infusion_on=date(2026, 3, 25),
    milestones=(
        Milestone("admission", date(2026, 3, 3), date(2026, 3, 3), -22),
        Milestone("apheresis", date(2026, 3, 9), date(2026, 3, 9), -16),
        Milestone("manufacturing", date(2026, 3, 10), date(2026, 3, 19), None),
        Milestone("lymphodepletion", date(2026, 3, 20), date(2026, 3, 20), -5),
        Milestone("infusion", date(2026, 3, 25), date(2026, 3, 25), 0),
        Milestone("discharge", date(2026, 4, 22), date(2026, 4, 22), 28),
    ),
    toxicities=(
        Toxicity(
            "CRS",
            2,
            date(2026, 3, 26),
            date(2026, 3, 29),
            "tocilizumab 8 mg/kg x1; dexamethasone 10 mg",
        ),
        Toxicity(
            "ICANS", 1, date(2026, 3, 28), date(2026, 3, 30), "supportive care; ICE score every 8 h"
        ),
    ),
    response="CRi",
    mrd="negative (flow cytometry, <0.01%)",
    response_assessed_on=date(2026, 4, 22),
    discharged_on=date(2026, 4, 22),
)

DISCHARGE_COUNTS = BloodCounts(date(2026, 4, 22), Decimal("1.30"), 74, 96)
DAY28_COUNTS = BloodCounts(date(2026, 4, 22), Decimal("0.90"), 52, 92)

FOLLOWUPS = (
    FollowUpContact(28, date(2026, 4, 22), date(2026, 4, 22), response="CRi", mrd="negative"),
    FollowUpContact(60, date(2026, 5, 24)),
    FollowUpContact(90, date(2026, 6, 23)),
    FollowUpContact(180, date(2026, 9, 21)),
    FollowUpContact(365, date(2027, 3, 25)),
)

RECORDS = (
    RecordItem("Diagnosis and pathology report", "received", date(2026, 1, 5), date(2025, 3, 14)),
    RecordItem("Bone-marrow report", "received", date(2026, 1, 22), date(2026, 1, 18), 30),
    RecordItem(
        "Flow cytometry immunophenotype (CD33, CD123, CLL-1)",
        "received",
        date(2026, 1, 22),
        date(2026, 1, 18),
        30,
    ),
    RecordItem(
        "Cytogenetics and molecular results (FLT3-ITD/TKD, NPM1)",
        "received",
        date(2026, 1, 8),
        date(2025, 12, 20),
    ),
    RecordItem("Treatment history with dates and responses", "received", date(2026, 1, 5)),
    RecordItem("Blood counts and chemistry", "too old", date(2026, 1, 5), date(2025, 12, 29), 14),
    RecordItem("Echocardiogram (LVEF)", "missing", max_age_days=90),
    RecordItem("Infection serology (HIV, HBV, HCV)", "missing", max_age_days=30),
    RecordItem("Chest CT", "waived", waived_reason="Hospital will image on admission"),
    RecordItem("Passport copy", "received", date(2026, 1, 5)),
)

COST_LINES = (
    CostLine(
        "apheresis", "Leukapheresis and cell collection", Decimal("18000.00"), Decimal("18500.00")
    ),
    CostLine(
        "manufacturing", "CAR-T cell manufacturing (study contribution)", Decimal("150000.00")
    ),
    CostLine("infusion", "Infusion day, inpatient", Decimal("12000.00"), Decimal("11800.00")),
    CostLine("hospital stay", "Inpatient ward, about 30 days", Decimal("60000.00")),
    CostLine("monitoring", "Blood tests, marrow assessment, echocardiogram", Decimal("15500.50")),
    CostLine("medicines", "Tocilizumab reserve, antimicrobial prophylaxis", Decimal("22000.00")),
    CostLine(
        "travel",
        "Flights Almaty - Shanghai return, two persons",
        Decimal("450000"),
        Decimal("436000"),
        currency="KZT",
    ),
    CostLine("lodging", "Two bookings, 74 nights", Decimal("30220.00"), Decimal("13500.00")),
    CostLine("interpreters", "Medical interpreters, 12 half days", Decimal("9600.00")),
    CostLine("follow-up", "Day +28 assessment", Decimal("4000.00")),
)

CLINICAL = ClinicalFacts(
    diagnosis="relapsed acute myeloid leukaemia (AML, FLT3-ITD negative, NPM1 mutated)",
    disease_status="second relapse, refractory to salvage",
    antigen_profile={"CD33": 82.0, "CD123": 64.5, "CLL-1": 41.0},
    marrow_blast_pct=23.5,
    prior_lines=3,
    prior_therapies=(
        PriorTherapy("7+3 (cytarabine + daunorubicin)", date(2024, 2, 1), date(2024, 3, 15), "CR"),
        PriorTherapy("FLAG-Ida salvage", date(2025, 4, 2), date(2025, 5, 10), "PR"),
        PriorTherapy("Venetoclax + azacitidine", date(2025, 7, 1), date(2025, 11, 30), "NR"),
    ),
)

REVIEW = EligibilityReview(
    decision="eligible",
    reviewer="Dr. Saule Tulegenova",
    signed_at=datetime(2026, 2, 6, 9, 0, tzinfo=UTC),
    criteria=(
        CriterionResult("Age 18-70 years", "inclusion", "Age: 41 years", "met"),
        CriterionResult(
            "CD33 on blasts >= 50% by flow cytometry", "inclusion", "CD33 on blasts: 82%", "met"
        ),
        CriterionResult("ECOG performance status 0-2", "inclusion", "ECOG: 1", "met"),
        CriterionResult("LVEF >= 50%", "inclusion", "LVEF: not recorded", "unknown"),
        CriterionResult("HIV negative", "exclusion", "HIV: negative", "met"),
        CriterionResult(
            "Not pregnant or breastfeeding", "exclusion", "Pregnancy: not pregnant", "met"
        ),
        CriterionResult("No active hepatitis C", "exclusion", "Hepatitis C: active", "not met"),
        CriterionResult(
            "If transplanted: no active GVHD",
            "exclusion",
            "GVHD: does not apply",
            "not applicable",
        ),
    ),
)


def records() -> RecordsChecklistData:
    return RecordsChecklistData(CASE, RECORDS, ISSUED)


def visa_checklist() -> VisaChecklistData:
    return VisaChecklistData(
        case=CASE,
        visa=VISA,
        passport_valid_6_months=True,
        passport_months_past_return=57,
        items=(
            ChecklistItem("Two passport photos (48 x 33 mm)", True),
            ChecklistItem("Visa application form, signed", True),
            ChecklistItem("Return travel booked", False, "Flights not yet booked"),
            ChecklistItem("Medical summary in English", True, "Referral letter of 6 Feb 2026"),
        ),
        lodging=LODGING,
        issued_on=ISSUED,
    )


def pretravel() -> PreTravelChecklistData:
    return PreTravelChecklistData(CASE, VISA, LODGING, APPOINTMENTS, ISSUED, Decimal("327710.50"))


def discharge() -> DischargeChecklistData:
    return DischargeChecklistData(
        case=CASE,
        treatment=TREATMENT,
        medications=(
            Medication(
                "Aciclovir", "400 mg", "twice a day", "day +365", "Herpes virus prophylaxis"
            ),
            Medication(
                "Posaconazole",
                "300 mg",
                "once a day with food",
                "neutrophils above 0.5",
                "Antifungal prophylaxis",
            ),
            Medication(
                "Co-trimoxazole",
                "960 mg",
                "Monday, Wednesday and Friday",
                "day +180",
                "Pneumocystis prophylaxis",
            ),
        ),
        followups=FOLLOWUPS,
        issued_on=date(2026, 4, 22),
        discharge_counts=DISCHARGE_COUNTS,
    )


def visa_letter() -> VisaLetterData:
    return VisaLetterData(CASE, VISA, LODGING, ISSUED)


def referral() -> ReferralLetterData:
    return ReferralLetterData(CASE, CLINICAL, REVIEW, ISSUED)


MEDICATIONS = (
    Medication("Aciclovir", "400 mg", "twice a day", "day +365", "Herpes virus prophylaxis"),
    Medication("Posaconazole", "300 mg", "once a day with food", "neutrophils above 0.5",
               "Antifungal prophylaxis"),
    Medication("Co-trimoxazole", "960 mg", "Monday, Wednesday and Friday", "day +180",
               "Pneumocystis prophylaxis"),
)  # fmt: skip

# Discharged on day +31, three days after the day +28 assessment at the treating hospital.
HANDOFF_TREATMENT = dataclasses.replace(
    TREATMENT,
    milestones=(*TREATMENT.milestones[:-1], Milestone("discharge", date(2026, 4, 25),
                                                      date(2026, 4, 25), 31)),
    discharged_on=date(2026, 4, 25),
)  # fmt: skip


def handoff() -> HandoffLetterData:
    return HandoffLetterData(
        CASE,
        HANDOFF_TREATMENT,
        FOLLOWUPS,
        date(2026, 4, 25),
        MEDICATIONS,
        ResponseAssessment(28, date(2026, 4, 22), "CRi", "negative (flow cytometry, <0.01%)",
                           DAY28_COUNTS),
        BloodCounts(date(2026, 4, 25), Decimal("1.60"), 88, 101),
    )  # fmt: skip


def costs() -> CostEstimateData:
    return CostEstimateData(CASE, COST_LINES, ISSUED)


def packet() -> PacketData:
    return PacketData(
        case=CASE,
        visa=VISA,
        lodging=LODGING,
        appointments=APPOINTMENTS,
        issued_on=ISSUED,
        treatment=TREATMENT,
        embassy=ContactEntry(
            "Embassy of Kazakhstan in Beijing", "Consular section", "+86 10 6532 6182"
        ),
        estimated_total_cny=Decimal("327710.50"),
    )


SAMPLES = {
    "records-checklist": records,
    "visa-checklist": visa_checklist,
    "pretravel-checklist": pretravel,
    "discharge-checklist": discharge,
    "visa-letter": visa_letter,
    "referral-letter": referral,
    "handoff-letter": handoff,
    "cost-estimate": costs,
    "packet": packet,
}
