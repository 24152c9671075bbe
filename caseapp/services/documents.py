"""Documents of a case: build the plain read models caseapp.docs renders, and keep the PDFs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from caseapp import docs
from caseapp.docs import data as d
from caseapp.docs.text import fmt_date, join_and
from caseapp.models import CaseDocument, VisaType
from caseapp.services import cases, treatment
from caseapp.services.context import ServiceContext
from caseapp.services.discharge import counts_at
from caseapp.services.errors import DomainError, NotFound, ValidationError
from caseapp.services.followup import ContactRow
from caseapp.services.lookup import get_case
from caseapp.services.read_only import CaseReadOnly
from caseapp.services.records import record_status
from caseapp.services.settings import agency_settings
from caseapp.services.validation import quoted
from caseapp.services.visa import add_months

KINDS = tuple(docs.DOCUMENT_KINDS)
PACKET_STAGES = ("lodging", "interpreters", "treatment")  # cases that travel or are in China
ANTIGEN_FACTS = {"CD33": "cd33_pct", "CD123": "cd123_pct", "CLL-1": "cll1_pct", "FLT3": "flt3_pct"}
DISEASE_WORDS = {
    "relapsed": "relapsed AML",
    "refractory": "primary refractory AML",
    "first_remission": "AML in first remission",
    "newly_diagnosed": "newly diagnosed AML",
}


class DocumentError(DomainError):
    """A document cannot be made from what the case records; the message names the fact."""


# ---- read-model mapping -------------------------------------------------------------------


def document_settings(ctx: ServiceContext) -> d.DocumentSettings:
    a = agency_settings(ctx)
    head = d.Letterhead(a.agency_name, a.address, a.phone, a.email, a.logo_path or None)
    return d.DocumentSettings(head, "Letter" if a.page_size == "Letter" else "A4")


def _staff(info: cases.StaffInfo | None) -> d.StaffContact | None:
    return d.StaffContact(info.full_name, info.phone, info.email) if info else None


def _sex(value: str) -> Any:
    return value if value in ("F", "M") else "F"


def case_info(c: cases.CaseDetail) -> d.CaseInfo:
    p = c.patient
    doc = p.physician
    patient = d.PatientInfo(
        p.full_name, _sex(p.sex), p.date_of_birth, p.nationality, p.passport_number,
        p.passport_expiry, p.languages, p.phone, p.email, p.address, p.home_city,
        tuple(d.CompanionInfo(x.full_name, x.relation, _sex(x.sex), x.date_of_birth,
                              x.passport_number, x.passport_expiry) for x in p.companions),
        d.PhysicianInfo(doc.name, doc.clinic, doc.city, doc.country, doc.phone, doc.email)
        if doc else None,
    )  # fmt: skip
    g = c.program
    program = d.ProgramInfo(
        g.code, g.name, g.phase, g.targets, g.hospital_en, g.hospital_zh, g.city_en, g.city_zh,
        g.address_en, g.address_zh, g.intl_dept_phone, g.intl_dept_email, g.intl_dept_contact,
        g.ward_phone_24h,
    )  # fmt: skip
    owner = _staff(c.owner)
    assert owner is not None
    return d.CaseInfo(
        c.ref, c.stage, patient, program, owner, _staff(c.coordinator), c.planned_arrival,
        c.planned_departure, c.home_currency, c.cny_per_home_unit, c.payer, c.notes,
    )  # fmt: skip


def _visa(ctx: ServiceContext, c: cases.CaseDetail) -> d.VisaInfo | None:
    v = c.visa
    if v is None:
        return None
    with ctx.read() as s:
        vt = s.get(VisaType, v.visa_type)
    entries: Any = v.entries if v.entries in ("single", "double", "multiple") else "single"
    return d.VisaInfo(
        v.visa_type, vt.name if vt else v.visa_type, v.status, entries, v.invitation_letter_on,
        v.submitted_on, v.decided_on, v.entry_from, v.entry_until, v.allowed_stay_days,
    )  # fmt: skip


def _lodging(c: cases.CaseDetail) -> tuple[d.LodgingBooking, ...]:
    return tuple(
        d.LodgingBooking(b.property_name, b.property_name_zh, b.address_en, b.address_zh,
                         b.check_in, b.check_out, b.phone, b.occupant_names, b.nightly_cost,
                         b.currency)
        for b in c.lodging
    )  # fmt: skip


def _appointments(c: cases.CaseDetail) -> tuple[d.Appointment, ...]:
    return tuple(
        d.Appointment(
            a.title, a.place, a.starts_at, a.ends_at,
            d.InterpreterInfo(a.interpreter_name, a.interpreter_name_zh, a.interpreter_phone,
                              a.interpreter_languages) if a.interpreter_id else None,
        )
        for a in c.interpreter_bookings
    )  # fmt: skip


def day28_contact(c: cases.CaseDetail) -> ContactRow | None:
    """The planned contact nearest day +28 (21 to 42): the response assessment after infusion."""
    near = [f for f in c.followups if 21 <= f.day_offset <= 42]
    return min(near, key=lambda f: abs(f.day_offset - 28)) if near else None


def _treatment(c: cases.CaseDetail) -> d.TreatmentInfo:
    day0 = next((m.done_on or m.planned_on for m in c.milestones if m.kind == "infusion"), None)
    milestones = tuple(
        d.Milestone(m.kind, m.planned_on, m.done_on,
                    ((m.done_on or m.planned_on) - day0).days  # type: ignore[operator]
                    if day0 and (m.done_on or m.planned_on) else None)
        for m in c.milestones if m.planned_on or m.done_on
    )  # fmt: skip
    toxicities = tuple(
        d.Toxicity(t.kind, t.grade, t.onset_on, t.resolved_on, t.treatment) for t in c.toxicities
    )
    first = day28_contact(c)
    assessed = first if first is not None and first.done_on and first.response else None
    discharge = next((m.done_on for m in c.milestones if m.kind == "discharge"), None)
    return d.TreatmentInfo(
        join_and(list(c.program.targets)), day0, milestones, toxicities,
        assessed.response if assessed else None, assessed.mrd or None if assessed else None,
        assessed.done_on if assessed else None, discharge,
    )  # fmt: skip


def _day28(c: cases.CaseDetail) -> d.ResponseAssessment | None:
    f = day28_contact(c)
    if f is None:
        return None
    return d.ResponseAssessment(
        f.day_offset, f.done_on, f.response or None, f.mrd or None, blood_counts(c, "day28")
    )


def _followups(c: cases.CaseDetail) -> tuple[d.FollowUpContact, ...]:
    return tuple(
        d.FollowUpContact(f.day_offset, f.due_on, f.done_on, f.missed, f.note, f.response or None,
                          f.mrd or None)
        for f in c.followups
    )  # fmt: skip


def _estimated_total(c: cases.CaseDetail) -> Decimal | None:
    lines = [x.estimated for x in c.costs if x.currency == "CNY"]
    return sum(lines, Decimal(0)) if lines else None


def discharge_medications(c: cases.CaseDetail) -> tuple[d.Medication, ...]:
    """The medicines recorded for this case (from the hospital's discharge summary), only."""
    return tuple(
        d.Medication(m.name, m.dose, m.frequency, m.until, m.reason)
        for m in c.discharge_medications
    )


def blood_counts(c: cases.CaseDetail, moment: str) -> d.BloodCounts | None:
    found = counts_at(c.blood_counts, moment)
    if found is None:
        return None
    return d.BloodCounts(found.taken_on, found.anc, found.platelets, found.haemoglobin)


def _clinical(c: cases.CaseDetail) -> d.ClinicalFacts:
    """What the case records, and nothing more: a fact not entered is None ("not recorded")."""
    facts = c.facts
    measured = {name: float(facts[key]) for name, key in ANTIGEN_FACTS.items() if facts.get(key)}
    antigens: dict[str, float | None] = {t: measured.get(t) for t in c.program.targets}
    antigens |= measured
    status = facts.get("disease_status", "")
    blasts = facts.get("marrow_blast_pct")
    lines = facts.get("prior_lines")
    return d.ClinicalFacts(
        diagnosis="Acute myeloid leukaemia (AML)" + (", not APL" if facts.get("apl") == "no"
                                                     else ""),
        disease_status=DISEASE_WORDS.get(status, status),
        antigen_profile=antigens,
        marrow_blast_pct=float(blasts) if blasts else None,
        prior_lines=int(float(lines)) if lines else None,
    )  # fmt: skip


def _review(c: cases.CaseDetail) -> d.EligibilityReview | None:
    r = c.review
    if r is None:
        return None
    decision: Any = r.decision
    return d.EligibilityReview(
        decision, r.reviewer, r.signed_at,
        tuple(d.CriterionResult(x.label, "exclusion" if x.kind == "exclusion" else "inclusion",
                                x.finding, "not applicable" if x.outcome == "does not apply"
                                else x.result)  # type: ignore[arg-type]
              for x in r.results),
    )  # fmt: skip


def _enclosed(c: cases.CaseDetail) -> tuple[d.RecordItem, ...]:
    """The records a referral sends: those received, with their dates."""
    return tuple(
        d.RecordItem(r.name, "received", r.received_on, r.document_date, r.max_age_days)
        for r in c.records if r.received_on is not None and r.status != "waived"
    )  # fmt: skip


def _visa_items(c: cases.CaseDetail) -> tuple[d.ChecklistItem, ...]:
    """The items besides passport, invitation and lodging (the checklist states those itself)."""
    v = c.visa
    submitted = v is not None and v.status in ("submitted", "approved", "refused")
    referral = any(x.kind == "referral-letter" for x in c.documents)
    return (
        d.ChecklistItem("Passport photos (48 x 33 mm, white background)", submitted),
        d.ChecklistItem("Visa application form, completed and signed", submitted),
        d.ChecklistItem("Return travel itinerary", submitted and c.planned_departure is not None,
                        f"planned return {fmt_date(c.planned_departure)}"
                        if c.planned_departure else ""),
        d.ChecklistItem("Medical summary / referral letter", referral or c.review is not None),
    )  # fmt: skip


def records_judged_on(c: cases.CaseDetail, today: date) -> date:
    """Freshness counts on the day the records were accepted (the case left the records stage);
    a patient already treated is not asked to send "too old" records again."""
    left = next((h.left_at for h in c.history if h.stage == "records" and h.left_at), None)
    return left.astimezone().date() if left else today


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def document_data(ctx: ServiceContext, kind: str, ref: str) -> object:
    """The read model of one document kind for one case (raises DocumentError if impossible)."""
    if kind not in docs.DOCUMENT_KINDS:
        raise ValidationError(f"Unknown document {quoted(kind)}; choose one of {', '.join(KINDS)}.",
                              "kind")  # fmt: skip
    c = cases.case_detail(ctx, ref)
    info, today = case_info(c), ctx.today()
    if kind == "records-checklist":
        judged = records_judged_on(c, today)
        statuses = [record_status(r, judged) for r in c.records]
        return d.RecordsChecklistData(info, tuple(
            d.RecordItem(r.name, status if status != "undated" else "received",  # type: ignore[arg-type]
                         r.received_on, r.document_date, r.max_age_days, r.waived_reason)
            for r, status in zip(c.records, statuses, strict=True)), today, judged)  # fmt: skip
    if kind == "visa-checklist":
        expiry, ret = c.patient.passport_expiry, c.planned_departure
        ok = ret is not None and expiry >= add_months(ret, 6)
        months = _months_between(ret, expiry) if ret else None
        return d.VisaChecklistData(info, _visa(ctx, c), ok, months, _visa_items(c), _lodging(c),
                                   today)  # fmt: skip
    if kind == "pretravel-checklist":
        return d.PreTravelChecklistData(info, _visa(ctx, c), _lodging(c), _appointments(c), today,
                                        _estimated_total(c))  # fmt: skip
    if kind == "discharge-checklist":
        return d.DischargeChecklistData(
            info, _treatment(c), discharge_medications(c), _followups(c), today,
            blood_counts(c, "discharge"),
        )  # fmt: skip
    if kind == "visa-letter":
        visa = _visa(ctx, c)
        if visa is None:
            raise DocumentError(f"The visa invitation request needs a visa application (its visa "
                                f"type); none is recorded for {c.ref}.")  # fmt: skip
        return d.VisaLetterData(info, visa, _lodging(c), today)
    if kind == "referral-letter":
        return d.ReferralLetterData(info, _clinical(c), _review(c), today, _enclosed(c))
    if kind == "handoff-letter":
        return d.HandoffLetterData(
            info, _treatment(c), _followups(c), today, discharge_medications(c), _day28(c),
            blood_counts(c, "discharge"),
        )  # fmt: skip
    if kind == "cost-estimate":
        return d.CostEstimateData(info, tuple(
            d.CostLine(x.category, x.description, x.estimated, x.actual, x.currency)
            for x in c.costs), today)  # fmt: skip
    return d.PacketData(info, _visa(ctx, c), _lodging(c), _appointments(c), today, _treatment(c),
                        None, (), _estimated_total(c))  # fmt: skip


def render_document(ctx: ServiceContext, kind: str, ref: str) -> bytes:
    """Render without keeping it (preview)."""
    ctx.require("documents.generate")
    data = document_data(ctx, kind, ref)
    try:
        return docs.render(kind, data, document_settings(ctx))
    except docs.MissingFact as exc:
        raise DocumentError(str(exc)) from None


def generate_document(ctx: ServiceContext, kind: str, ref: str) -> bytes:
    """Render and keep the PDF with the case (the handoff letter gate looks for it)."""
    pdf = render_document(ctx, kind, ref)
    keep_document(ctx, kind, ref, pdf)
    return pdf


def keep_document(ctx: ServiceContext, kind: str, ref: str, pdf: bytes) -> int:
    """Keep an already rendered PDF with the case (after it was saved where the user asked)."""
    if kind not in docs.DOCUMENT_KINDS:
        raise ValidationError(f"Unknown document {quoted(kind)}.", "kind")
    return treatment.record_document(ctx, ref, kind, pdf)


@dataclass(frozen=True)
class BatchResult:
    written: tuple[Path, ...]
    failed: tuple[tuple[str, str], ...]  # (ref, sentence)
    cancelled: bool = False


def write_packets(
    ctx: ServiceContext,
    refs: Sequence[str],
    out_dir: Path,
    progress: Callable[[int, int], bool] | None = None,
) -> BatchResult:
    """Write a travel packet per case; a case that lacks a fact is reported, not fatal."""
    ctx.require("documents.generate")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    failed: list[tuple[str, str]] = []
    for i, ref in enumerate(refs):
        try:
            pdf = render_document(ctx, "packet", ref)
            # a closed case's packet is written, not kept: the case does not change
            with contextlib.suppress(CaseReadOnly):
                keep_document(ctx, "packet", ref, pdf)
        except DomainError as exc:
            failed.append((ref, exc.message))
        else:
            path = out_dir / docs.DOCUMENT_KINDS["packet"].filename(ref)
            path.write_bytes(pdf)
            written.append(path)
        if progress is not None and not progress(i + 1, len(refs)):
            return BatchResult(tuple(written), tuple(failed), cancelled=True)
    return BatchResult(tuple(written), tuple(failed))


def stored_document(ctx: ServiceContext, ref: str, document_id: int) -> bytes:
    with ctx.read() as s:
        case = get_case(s, ref)
        doc = s.scalar(select(CaseDocument).where(CaseDocument.id == document_id,
                                                  CaseDocument.case_id == case.id))  # fmt: skip
        if doc is None or doc.content is None:
            raise NotFound(f"Case {case.ref} has no stored document {document_id}.")
        return doc.content
