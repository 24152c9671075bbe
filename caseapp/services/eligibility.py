"""Eligibility: the clinical facts catalogue, criterion evaluation, and signed reviews."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from caseapp.models import Case, ClinicalFact, EligibilityReview, ReviewCriterionResult
from caseapp.services import auth
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, StaleEdit, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.validation import quoted

MET, NOT_MET, UNKNOWN = "met", "not met", "unknown"
DECISIONS = ("eligible", "not eligible")


@dataclass(frozen=True)
class FactDef:
    key: str
    label: str
    kind: str  # number | bool | choice
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


def _n(key: str, label: str, unit: str, low: float, high: float) -> FactDef:
    return FactDef(key, label, "number", unit, low, high)


def _b(key: str, label: str) -> FactDef:
    return FactDef(key, label, "bool")


# The facts criteria read. `age` is derived from the date of birth, never typed.
FACTS: dict[str, FactDef] = {
    f.key: f
    for f in (
        _n("age", "Age", "years", 0, 120),
        FactDef(
            "disease_status",
            "Disease status",
            "choice",
            choices=("relapsed", "refractory", "first_remission", "newly_diagnosed"),
        ),
        _b("apl", "APL (M3) subtype"),
        _n("ecog", "ECOG performance status", "", 0, 4),
        _n("kps", "Karnofsky performance status", "%", 0, 100),
        _n("marrow_blast_pct", "Bone-marrow blasts", "%", 0, 100),
        _n("cd33_pct", "CD33 on blasts (flow)", "%", 0, 100),
        _n("cd123_pct", "CD123 on blasts (flow)", "%", 0, 100),
        _n("cll1_pct", "CLL-1 on blasts (flow)", "%", 0, 100),
        _n("flt3_pct", "FLT3 on blasts (flow)", "%", 0, 100),
        _n("prior_lines", "Prior lines of therapy", "", 0, 20),
        _n("creatinine_mg_dl", "Creatinine", "mg/dL", 0, 20),
        _n("creatinine_clearance_ml_min", "Creatinine clearance", "mL/min", 0, 250),
        _n("bilirubin_uln", "Bilirubin", "x ULN", 0, 50),
        _n("alt_uln", "ALT", "x ULN", 0, 100),
        _n("ast_uln", "AST", "x ULN", 0, 100),
        _n("lvef_pct", "LVEF", "%", 0, 100),
        _n("spo2_pct", "SpO2 on room air", "%", 0, 100),
        _n("hemoglobin_g_l", "Haemoglobin", "g/L", 0, 250),
        _n("weeks_since_last_therapy", "Weeks since last anticancer therapy", "weeks", 0, 1000),
        _b("allo_transplant", "Prior allogeneic transplant"),
        _n("months_since_allo_transplant", "Months since allogeneic transplant", "months", 0, 600),
        _b("active_gvhd", "Active GVHD"),
        _b("cns_active", "Active CNS leukaemia"),
        _b("uncontrolled_infection", "Uncontrolled infection"),
        _b("hiv", "HIV positive"),
        _b("hbv_active", "Active hepatitis B"),
        _b("hcv_active", "Active hepatitis C"),
        _b("pregnant", "Pregnant or breastfeeding"),
        _b("prior_car_t", "Prior CAR-T therapy"),
    )
}
ENTERED_FACTS = tuple(k for k in FACTS if k != "age")
OPS = ("between", "ge", "gt", "le", "lt", "is_true", "is_false", "in")

TRUE_WORDS = {"yes", "y", "true", "1", "positive"}
FALSE_WORDS = {"no", "n", "false", "0", "negative"}


def parse_fact(key: str, raw: str) -> Any:
    """Turn the text a user typed into the fact's value; raises ValidationError naming the fact."""
    fact = FACTS.get(key)
    if fact is None:
        raise ValidationError(f"There is no clinical fact called {key!r}.", field=key)
    text = raw.strip()
    if fact.kind == "bool":
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValidationError(f"{fact.label} must be yes or no, not {quoted(raw)}.", field=key)
    if fact.kind == "choice":
        if text not in fact.choices:
            allowed = ", ".join(fact.choices)
            raise ValidationError(f"{fact.label} must be one of {allowed}.", field=key)
        return text
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise ValidationError(
            f"{fact.label} must be a number, not {quoted(raw)}.", field=key
        ) from None
    if fact.low is not None and fact.high is not None and not fact.low <= number <= fact.high:
        raise ValidationError(
            f"{fact.label} must be between {fact.low:g} and {fact.high:g}"
            + (f" {fact.unit}." if fact.unit else "."),
            field=key,
        )
    return number


def fact_text(key: str, value: Any) -> str:
    """The stored (and editable) text of a fact value: parse_fact reads it back."""
    kind = FACTS[key].kind
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "number":
        return f"{value:g}"
    return str(value)


def format_fact(key: str, value: Any) -> str:
    """A fact value as shown to people, with its unit."""
    if value is None:
        return ""
    unit = FACTS[key].unit if FACTS[key].kind == "number" else ""
    return f"{fact_text(key, value)} {unit}".strip()


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    kind: str
    label: str
    fact: str
    op: str
    value: Any = None
    applies_if: str | None = None
    required: bool = True


@dataclass(frozen=True)
class CriterionResult:
    code: str
    label: str
    kind: str
    required: bool
    fact_value: str
    result: str
    fact: str = ""  # the fact key the criterion reads ("" for snapshots that lost it)

    @property
    def finding(self) -> str:
        """The patient's finding in plain words ("HIV: negative"), never a bare yes/no."""
        return plain_finding(self.fact, self.fact_value)

    @property
    def outcome(self) -> str:
        """The result as a reader says it: meets / does not meet / not known / does not apply."""
        if self.fact_value == NOT_APPLICABLE:
            return "does not apply"
        return RESULT_WORDS.get(self.result, self.result)


RESULT_WORDS = {MET: "meets", NOT_MET: "does not meet", UNKNOWN: "not known"}
NOT_APPLICABLE = "not applicable"

# Yes/no facts in plain words: (what is asked, the finding when true, the finding when false).
BOOL_FINDINGS: dict[str, tuple[str, str, str]] = {
    "apl": ("APL (FAB M3) subtype", "APL", "not APL"),
    "allo_transplant": ("Allogeneic transplant", "had one", "none"),
    "active_gvhd": ("Graft-versus-host disease", "active", "not active"),
    "cns_active": ("CNS leukaemia", "active", "not active"),
    "uncontrolled_infection": ("Uncontrolled infection", "present", "none"),
    "hiv": ("HIV", "positive", "negative"),
    "hbv_active": ("Hepatitis B", "active", "not active"),
    "hcv_active": ("Hepatitis C", "active", "not active"),
    "pregnant": ("Pregnancy", "pregnant or breastfeeding", "not pregnant or breastfeeding"),
    "prior_car_t": ("Previous CAR-T therapy", "yes", "none"),
}
CHOICE_WORDS = {
    "relapsed": "relapsed",
    "refractory": "primary refractory",
    "first_remission": "in first remission",
    "newly_diagnosed": "newly diagnosed",
}
_SUBJECTS = {"age": "Age", "disease_status": "Disease status"}


def fact_subject(key: str) -> str:
    """What a fact is about, as the left half of a finding ("HIV", "Bone-marrow blasts")."""
    if key in BOOL_FINDINGS:
        return BOOL_FINDINGS[key][0]
    if key in FACTS:
        return _SUBJECTS.get(key, FACTS[key].label)
    return ""


def plain_finding(key: str, shown: str) -> str:
    """A stored fact value (as `format_fact` wrote it) in plain words with its subject."""
    subject = fact_subject(key)
    if shown == NOT_APPLICABLE:
        return f"{subject}: does not apply" if subject else "does not apply"
    if not shown:
        return f"{subject}: not recorded" if subject else "not recorded"
    if not subject:
        return shown
    if key in BOOL_FINDINGS:
        words = {"yes": BOOL_FINDINGS[key][1], "no": BOOL_FINDINGS[key][2]}
        return f"{subject}: {words.get(shown, shown)}"
    if key == "disease_status":
        return f"{subject}: {CHOICE_WORDS.get(shown, shown)}"
    return f"{subject}: {shown.replace(' %', '%')}"


def check(op: str, actual: Any, expected: Any) -> bool:
    """Does the fact's value satisfy the criterion's operator?"""
    if op == "is_true":
        return actual is True
    if op == "is_false":
        return actual is False
    if op == "in":
        return actual in expected
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return False
    if op == "between":
        low, high = expected
        return bool(low <= actual <= high)
    comparisons = {"ge": actual >= expected, "gt": actual > expected}
    comparisons |= {"le": actual <= expected, "lt": actual < expected}
    return bool(comparisons[op])


def evaluate(criteria: Sequence[CriterionSpec], facts: Mapping[str, Any]) -> list[CriterionResult]:
    """Each criterion is met, not met, or unknown when the fact it reads is missing."""
    results = []
    for c in criteria:
        actual = facts.get(c.fact)
        if c.applies_if is not None:
            condition = facts.get(c.applies_if)
            if condition is False:
                results.append(_result(c, NOT_APPLICABLE, MET))
                continue
            if condition is None:
                results.append(_result(c, "", UNKNOWN))
                continue
        if actual is None:
            results.append(_result(c, "", UNKNOWN))
            continue
        outcome = MET if check(c.op, actual, c.value) else NOT_MET
        results.append(_result(c, format_fact(c.fact, actual), outcome))
    return results


def _result(c: CriterionSpec, shown: str, outcome: str) -> CriterionResult:
    return CriterionResult(c.code, c.label, c.kind, c.required, shown, outcome, c.fact)


def age_on(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    return years - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


@dataclass(frozen=True)
class ReviewState:
    """The latest signed review of a case, as the gate sees it."""

    program_id: int
    decision: str
    required_unknown: tuple[str, ...]
    reviewer: str = ""
    signed_on: date | None = None


def eligibility_blockers(review: ReviewState | None, program_id: int) -> list[Blocker]:
    if review is None:
        return [Blocker("eligibility", "No eligibility review has been signed yet.")]
    if review.program_id != program_id:
        return [
            Blocker(
                "eligibility",
                "The signed review is for another program; review the case for its current "
                "program and sign again.",
            )
        ]
    blockers = []
    if review.decision != "eligible":
        blockers.append(
            Blocker(
                "eligibility",
                "The signed decision is 'not eligible': decline the case or review it again.",
            )
        )
    for label in review.required_unknown:
        blockers.append(
            Blocker(
                "eligibility",
                f"Required criterion still unknown: {label}. Enter the fact "
                "and sign the review again.",
            )
        )
    return blockers


# ---- use cases -------------------------------------------------------------------------


def criteria_specs(case: Case) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            c.code, c.kind, c.label, c.fact, c.op, c.value.get("v"), c.applies_if, c.required
        )
        for c in case.program.criteria
    ]


def facts_of(session: Any, case: Case, today: date) -> dict[str, Any]:
    rows = session.scalars(select(ClinicalFact).where(ClinicalFact.case_id == case.id))
    facts: dict[str, Any] = {}
    for row in rows:
        try:
            facts[row.key] = parse_fact(row.key, row.value)
        except ValidationError:
            continue  # a fact retired from the catalogue is ignored
    facts["age"] = age_on(case.patient.date_of_birth, today)
    return facts


def set_facts(ctx: ServiceContext, ref: str, values: Mapping[str, str | None]) -> dict[str, Any]:
    """Save clinical facts (text as typed; empty clears); all or nothing."""
    ctx.require("eligibility.edit")
    parsed: dict[str, Any] = {}
    for key, raw in values.items():
        if key == "age":
            raise ValidationError("Age comes from the date of birth; edit the patient.", "age")
        parsed[key] = None if raw is None or not str(raw).strip() else parse_fact(key, str(raw))
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        existing = {
            f.key: f
            for f in uow.session.scalars(
                select(ClinicalFact).where(ClinicalFact.case_id == case.id)
            )
        }
        for key, value in parsed.items():
            row = existing.get(key)
            if value is None:
                if row is not None:
                    uow.session.delete(row)
                continue
            text = fact_text(key, value)
            if row is None:
                uow.session.add(
                    ClinicalFact(
                        case_id=case.id,
                        key=key,
                        value=text,
                        recorded_at=uow.now,
                        recorded_by=ctx.actor.id,
                    )
                )
            elif row.value != text:
                row.value, row.recorded_at, row.recorded_by = text, uow.now, ctx.actor.id
        return facts_of(uow.session, case, ctx.today())


def evaluate_case(
    ctx: ServiceContext, ref: str, overrides: Mapping[str, Any] | None = None
) -> list[CriterionResult]:
    """Criteria of the case's program against its facts (plus unsaved overrides from a form)."""
    with ctx.read() as session:
        case = get_case(session, ref)
        facts = facts_of(session, case, ctx.today())
        facts.update(overrides or {})
        return evaluate(criteria_specs(case), facts)


@dataclass(frozen=True)
class Summary:
    """How many criteria are met, not met and unknown: what a signer sees before signing."""

    met: int
    not_met: int
    unknown: int

    @property
    def total(self) -> int:
        return self.met + self.not_met + self.unknown

    def words(self) -> str:
        return f"{self.met} met, {self.not_met} not met, {self.unknown} unknown"


def summarise(results: Sequence[CriterionResult]) -> Summary:
    def count(kind: str) -> int:
        return sum(r.result == kind for r in results)

    return Summary(count(MET), count(NOT_MET), count(UNKNOWN))


def check_decision(decision: str, notes: str, results: Sequence[CriterionResult]) -> None:
    """The decision can be signed on these results (asked before the password, and again)."""
    if decision not in DECISIONS:
        raise ValidationError("Choose the decision: eligible or not eligible.", "decision")
    failed = [r.label for r in results if r.required and r.result == NOT_MET]
    if decision == "eligible" and failed:
        raise ValidationError(
            "The case cannot be signed eligible while required criteria are not met: "
            + "; ".join(failed)
            + ".",
            "decision",
        )
    if decision == "not eligible" and not notes.strip():
        raise ValidationError("Say why the patient is not eligible.", "notes")


def signature_meaning(
    signer: str, role: str, at: datetime, decision: str, program: str, summary: Summary
) -> str:
    """The statement a signature stands for; no patient name or clinical value is in it."""
    return (
        f"{signer} ({role}) signed at {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC the decision "
        f"'{decision}' for program {program}, on the {summary.total} criteria of the program "
        f"as evaluated then ({summary.words()}), recorded with this review."
    )


def sign_review(
    ctx: ServiceContext,
    ref: str,
    decision: str,
    notes: str = "",
    *,
    password: str,
    seen: Sequence[CriterionResult] | None = None,
) -> list[CriterionResult]:
    """Sign the decision with a frozen copy of each criterion's result (21 CFR 11 signature).

    The signer gives their password again; the review records what the signature means.
    `seen` is the summary the signer was shown: when the facts changed since, nothing is
    signed and they look again.
    """
    ctx.require("eligibility.sign")
    if decision not in DECISIONS:
        check_decision(decision, notes, ())
    auth.confirm_password(ctx, password, "password", "The password")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        results = evaluate(criteria_specs(case), facts_of(uow.session, case, ctx.today()))
        if seen is not None and _shown(seen) != _shown(results):
            raise StaleEdit(
                "The clinical facts changed after the summary was shown; nothing was signed. "
                "Look at the criteria again, then sign."
            )
        check_decision(decision, notes, results)
        summary = summarise(results)
        signer = ctx.actor.full_name or ctx.actor.login
        meaning = signature_meaning(
            signer, ctx.actor.role, uow.now, decision, case.program.code, summary
        )
        review = EligibilityReview(
            case_id=case.id,
            program_id=case.program_id,
            decision=decision,
            reviewer_id=ctx.actor.id or case.owner_id,
            signed_at=uow.now,
            notes=notes.strip(),
            meaning=meaning,
        )
        review.results = [
            ReviewCriterionResult(
                criterion_code=r.code,
                label=r.label,
                kind=r.kind,
                required=r.required,
                fact_value=r.fact_value,
                result=r.result,
            )
            for r in results
        ]
        uow.session.add(review)
        uow.session.flush()
        uow.note(
            "EligibilityReview",
            review.id,
            "signed",
            signer=ctx.actor.login,
            decision=decision,
            program=case.program.code,
            met=summary.met,
            not_met=summary.not_met,
            unknown=summary.unknown,
            meaning=meaning,
        )
        return results


def _shown(results: Sequence[CriterionResult]) -> list[tuple[str, str, str]]:
    return [(r.code, r.fact_value, r.result) for r in results]
