"""Read models: the plain, frozen facts each document states.

Services build these from the database and pass them in; documents never see ORM objects.
Collections are tuples (immutable, like the dataclasses); money is `Decimal`; times are aware
`datetime`s (documents show them in China time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

PageSize = Literal["A4", "Letter"]
Sex = Literal["F", "M"]
RecordStatus = Literal["missing", "received", "too old", "waived"]
CriterionOutcome = Literal["met", "not met", "unknown", "not applicable"]
Entries = Literal["single", "double", "multiple"]


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    agency_name: str
    address: str
    phone: str
    email: str
    logo_path: str | None = None


@dataclass(frozen=True)
class DocumentSettings:
    letterhead: Letterhead
    page_size: PageSize = "A4"


# --- people, program, case ------------------------------------------------------------------


@dataclass(frozen=True)
class StaffContact:
    """A facilitator or coordinator of the agency."""

    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class CompanionInfo:
    name: str
    relation: str
    sex: Sex
    date_of_birth: date | None = None
    passport_number: str = ""
    passport_expiry: date | None = None


@dataclass(frozen=True)
class PhysicianInfo:
    """The patient's doctor at home, who receives the handoff letter."""

    name: str
    clinic: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class PatientInfo:
    full_name: str
    sex: Sex
    date_of_birth: date | None
    nationality: str
    passport_number: str = ""
    passport_expiry: date | None = None
    languages: tuple[str, ...] = ()  # primary first
    phone: str = ""
    email: str = ""
    address: str = ""
    home_city: str = ""
    companions: tuple[CompanionInfo, ...] = ()
    physician: PhysicianInfo | None = None


@dataclass(frozen=True)
class ProgramInfo:
    code: str
    name: str
    phase: str
    targets: tuple[str, ...]
    hospital_en: str
    hospital_zh: str
    city_en: str
    city_zh: str
    address_en: str
    address_zh: str
    intl_dept_phone: str = ""
    intl_dept_email: str = ""
    intl_dept_contact: str = ""
    ward_phone_24h: str = ""  # the treating ward's day-and-night line


@dataclass(frozen=True)
class CaseInfo:
    """The case header every document starts from."""

    ref: str
    stage: str
    patient: PatientInfo
    program: ProgramInfo
    owner: StaffContact
    coordinator: StaffContact | None = None
    planned_arrival: date | None = None
    planned_departure: date | None = None
    home_currency: str = "USD"
    cny_per_home_unit: Decimal = Decimal(1)  # CNY for one unit of the home currency
    payer: str = "the patient (self-funded)"
    notes: str = ""


@dataclass(frozen=True)
class ContactEntry:
    """One line of a contact list (embassy, extra helpers)."""

    role: str
    name: str
    phone: str = ""
    email: str = ""
    name_zh: str = ""
    note: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    """A yes/no fact the case records (photos taken, return flight booked...)."""

    label: str
    done: bool
    note: str = ""


# --- records and eligibility ----------------------------------------------------------------


@dataclass(frozen=True)
class RecordItem:
    name: str
    status: RecordStatus
    received_on: date | None = None
    document_date: date | None = None
    max_age_days: int | None = None
    waived_reason: str = ""


@dataclass(frozen=True)
class PriorTherapy:
    regimen: str
    started_on: date | None = None
    ended_on: date | None = None
    response: str = ""


@dataclass(frozen=True)
class ClinicalFacts:
    diagnosis: str
    disease_status: str
    # antigen -> % of blasts; None: the program's target was not measured (printed so)
    antigen_profile: Mapping[str, float | None] = field(default_factory=dict)
    marrow_blast_pct: float | None = None
    prior_lines: int | None = None  # None: not recorded
    prior_therapies: tuple[PriorTherapy, ...] = ()


@dataclass(frozen=True)
class CriterionResult:
    label: str
    kind: Literal["inclusion", "exclusion"]
    finding: str  # the patient's finding in plain words: "HIV: negative"
    result: CriterionOutcome


@dataclass(frozen=True)
class EligibilityReview:
    decision: Literal["eligible", "not eligible"]
    reviewer: str
    signed_at: datetime
    criteria: tuple[CriterionResult, ...] = ()


# --- visa, lodging, interpreters ------------------------------------------------------------


@dataclass(frozen=True)
class VisaInfo:
    type_code: str
    type_name: str
    status: str
    entries: Entries = "single"
    invitation_letter_on: date | None = None
    submitted_on: date | None = None
    decided_on: date | None = None
    entry_from: date | None = None
    entry_until: date | None = None
    allowed_stay_days: int | None = None

    @property
    def consulate_name(self) -> str:
        """The category as a consulate writes it ("Business visa (M)"), never a bare code."""
        name = self.type_name.strip()
        if not name or name == self.type_code:
            if self.type_code == "OTHER":
                return "Visa of the category the consulate issues"
            return f"Visa ({self.type_code})"
        return name


@dataclass(frozen=True)
class LodgingBooking:
    property_en: str
    property_zh: str
    address_en: str
    address_zh: str
    check_in: date
    check_out: date
    phone: str = ""
    occupants: tuple[str, ...] = ()
    nightly_cost: Decimal = Decimal(0)
    currency: str = "CNY"


@dataclass(frozen=True)
class InterpreterInfo:
    name: str
    name_zh: str = ""
    phone: str = ""
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Appointment:
    title: str
    place: str
    starts_at: datetime  # aware
    ends_at: datetime | None = None
    interpreter: InterpreterInfo | None = None


# --- treatment and follow-up ----------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    kind: str  # admission, apheresis, manufacturing, bridging, lymphodepletion, infusion, discharge
    planned_on: date | None = None
    done_on: date | None = None
    day: int | None = None  # relative to infusion (day 0)


@dataclass(frozen=True)
class Toxicity:
    kind: str  # CRS, ICANS, infection, cytopenia
    grade: int  # ASTCT 1-4
    onset: date
    resolved: date | None = None
    management: str = ""


@dataclass(frozen=True)
class TreatmentInfo:
    product_target: str  # the antigens, "CD33 and CLL-1" (documents add "CAR-T cells targeting")
    infusion_on: date | None = None
    milestones: tuple[Milestone, ...] = ()
    toxicities: tuple[Toxicity, ...] = ()
    response: str | None = None  # at the day +28 assessment: CR, CRi, MLFS, PR, NR, relapse
    mrd: str | None = None
    response_assessed_on: date | None = None
    discharged_on: date | None = None


@dataclass(frozen=True)
class Medication:
    """A medicine the patient takes home, as the case records it (all five are entered)."""

    name: str
    dose: str
    frequency: str
    until: str
    reason: str


@dataclass(frozen=True)
class BloodCounts:
    """ANC and platelets in 10^9/L, haemoglobin in g/L, and the day the blood was taken."""

    taken_on: date
    anc: Decimal
    platelets: int
    haemoglobin: int


@dataclass(frozen=True)
class ResponseAssessment:
    """The response at the day +28 assessment (not the latest contact), with that day's counts."""

    day_offset: int
    assessed_on: date | None = None
    response: str | None = None
    mrd: str | None = None
    counts: BloodCounts | None = None


@dataclass(frozen=True)
class FollowUpContact:
    day_offset: int
    due_on: date
    done_on: date | None = None
    missed: bool = False
    note: str = ""
    response: str | None = None
    mrd: str | None = None


# --- costs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    category: str
    description: str
    estimated: Decimal
    actual: Decimal | None = None
    currency: str = "CNY"


# --- one input per document -----------------------------------------------------------------


@dataclass(frozen=True)
class RecordsChecklistData:
    case: CaseInfo
    records: tuple[RecordItem, ...]
    issued_on: date
    judged_on: date | None = None  # the day freshness counts on (records accepted); None: issued_on


@dataclass(frozen=True)
class VisaChecklistData:
    case: CaseInfo
    visa: VisaInfo | None
    passport_valid_6_months: bool
    passport_months_past_return: int | None
    items: tuple[ChecklistItem, ...]  # photos, application form, return travel, medical summary
    lodging: tuple[LodgingBooking, ...]
    issued_on: date


@dataclass(frozen=True)
class PreTravelChecklistData:
    case: CaseInfo
    visa: VisaInfo | None
    lodging: tuple[LodgingBooking, ...]
    appointments: tuple[Appointment, ...]
    issued_on: date
    estimated_total_cny: Decimal | None = None


@dataclass(frozen=True)
class DischargeChecklistData:
    case: CaseInfo
    treatment: TreatmentInfo
    medications: tuple[Medication, ...]  # empty: none recorded (the document says so)
    followups: tuple[FollowUpContact, ...]
    issued_on: date
    discharge_counts: BloodCounts | None = None


@dataclass(frozen=True)
class VisaLetterData:
    case: CaseInfo
    visa: VisaInfo
    lodging: tuple[LodgingBooking, ...]
    issued_on: date


@dataclass(frozen=True)
class ReferralLetterData:
    case: CaseInfo
    clinical: ClinicalFacts
    review: EligibilityReview | None
    issued_on: date
    enclosed: tuple[RecordItem, ...] = ()  # the records sent with the letter


@dataclass(frozen=True)
class HandoffLetterData:
    case: CaseInfo
    treatment: TreatmentInfo
    followups: tuple[FollowUpContact, ...]
    issued_on: date
    medications: tuple[Medication, ...] = ()  # empty: none recorded (the letter says so)
    day28: ResponseAssessment | None = None  # None: no day +28 contact is planned
    discharge_counts: BloodCounts | None = None


@dataclass(frozen=True)
class CostEstimateData:
    case: CaseInfo
    lines: tuple[CostLine, ...]
    issued_on: date


@dataclass(frozen=True)
class PacketData:
    case: CaseInfo
    visa: VisaInfo | None
    lodging: tuple[LodgingBooking, ...]
    appointments: tuple[Appointment, ...]
    issued_on: date
    treatment: TreatmentInfo | None = None
    embassy: ContactEntry | None = None
    extra_contacts: tuple[ContactEntry, ...] = ()
    estimated_total_cny: Decimal | None = None
