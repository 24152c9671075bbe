"""Hostile values into every service command that takes user input (issue 12, item 5).

Each example corrupts one field (control characters, NUL, invalid Unicode, 10 kB text, year 1
or 9999, NaN / Infinity / 1e400, unsafe file names) and expects a ValidationError with one
sentence, and a database that is byte for byte what it was. Runs on PostgreSQL too when
CASEAPP_TEST_PG_URL is set (the `db` fixture), so both databases keep the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from caseapp.models import Base, Interpreter
from caseapp.services import (
    cases,
    eligibility,
    followup,
    interpreters,
    lodging,
    patients,
    records,
    reports,
    staff,
    toxicities,
    treatment,
    visa,
)
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD, build_demo
from caseapp.services.errors import ValidationError
from caseapp.services.staff import actor_for
from tests.services import pipeline_steps as steps

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

plain = st.text(st.characters(categories=["L", "N"]), max_size=4)
bad_char = st.sampled_from(["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\udcff", "\ud800"])
hostile_text = st.one_of(
    st.builds(lambda a, c, b: f"Ok{a}{c}{b}z", plain, bad_char, plain),
    st.builds(lambda n: "x" * n, st.integers(10_001, 10_050)),
)
hostile_amount = st.one_of(
    st.sampled_from(["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "1e400", "-1"]),
    st.sampled_from(["1e12", "12\x0034", "0x10", "five", "1" * 60]),
)
hostile_date = st.one_of(
    st.dates(max_value=date(1899, 12, 31)),
    st.dates(min_value=date(2101, 1, 1), max_value=date(9999, 12, 30)),
    st.sampled_from([date(1, 1, 1), date(9999, 12, 30)]),
)
hostile_moment = st.one_of(
    st.just(datetime(9999, 12, 31, 22, 0, tzinfo=UTC)),
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(1999, 12, 31), timezones=st.just(UTC)
    ),
    st.datetimes(
        min_value=datetime(2101, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
    ),
)
hostile_filename = st.one_of(
    st.sampled_from(
        [
            "scan\x00.pdf",
            "invoice\u202efdp.exe",
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "/etc/shadow",
            "C:\\Windows\\x.pdf",
            "..",
            ".",
            "",
            "   ",
            "CON",
            "x" * 256,
            "bad\udcff.pdf",
        ]
    ),
    st.builds(lambda a, c: f"{a}{c}.pdf", plain, st.sampled_from(["\u202e", "\u2066", "/", "\n"])),
)


def snapshot(ctx: ServiceContext) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of every table, in primary-key order: what 'unchanged' means."""
    with ctx.read() as s:
        out = []
        for table in Base.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = s.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}")).all()
            out.append((table.name, [tuple(r) for r in rows]))
        return out


@pytest.fixture
def world(system_ctx: ServiceContext) -> Iterator[tuple[ServiceContext, str]]:
    build_demo(system_ctx, cases=2, seed=3)
    ref = steps.new_case(system_ctx)
    yield system_ctx, ref


def refused(ctx: ServiceContext, call: Callable[[], object]) -> None:
    """The call raises one sentence and leaves every row as it was."""
    before = snapshot(ctx)
    with pytest.raises(ValidationError) as caught:
        call()
    message = caught.value.message
    assert "\n" not in message and len(message) < 300, message
    assert message[0].isupper() and message.rstrip().endswith("."), message
    assert snapshot(ctx) == before


PATIENT = steps.cases.NewCase  # for mypy: the dataclass whose fields we corrupt below
TEXT_OF_PATIENT = ["full_name", "nationality", "phone", "address", "home_city", "notes"]


def a_patient() -> patients.PatientInput:
    return patients.PatientInput(
        full_name="Aida Serikova", sex="F", date_of_birth=date(1979, 5, 2),
        nationality="Kazakhstan", passport_number="N55511122", passport_expiry=date(2031, 1, 1),
        languages=("Russian",), phone="+7 701 555 0199", address="Abai 10, Almaty",
    )  # fmt: skip


def a_new_case(**changes: Any) -> cases.NewCase:
    base = cases.NewCase(
        patient=a_patient(), program_code="SH-CD33-01", owner_login="fatima",
        planned_arrival=steps.ARRIVAL, planned_departure=steps.DEPARTURE,
    )  # fmt: skip
    return replace(base, **changes)


@EXAMPLES
@given(field=st.sampled_from(TEXT_OF_PATIENT), value=hostile_text)
def test_open_case_refuses_hostile_patient_text(world: Any, field: str, value: str) -> None:
    ctx, _ = world
    patient = replace(a_patient(), **{field: value})
    refused(ctx, lambda: cases.open_case(ctx, a_new_case(patient=patient)))


@EXAMPLES
@given(field=st.sampled_from(["date_of_birth", "passport_expiry"]), value=hostile_date)
def test_open_case_refuses_implausible_patient_dates(world: Any, field: str, value: date) -> None:
    ctx, _ = world
    patient = replace(a_patient(), **{field: value})
    refused(ctx, lambda: cases.open_case(ctx, a_new_case(patient=patient)))


@EXAMPLES
@given(rate=hostile_amount, notes=st.one_of(st.just("ok"), hostile_text))
def test_open_case_refuses_hostile_rate_or_notes(world: Any, rate: str, notes: str) -> None:
    ctx, _ = world
    refused(ctx, lambda: cases.open_case(ctx, a_new_case(cny_per_home_unit=rate, payer=notes)))
    refused(ctx, lambda: cases.open_case(ctx, a_new_case(notes=notes, planned_arrival=None,
                                                         cny_per_home_unit=rate)))  # fmt: skip


@EXAMPLES
@given(arrival=hostile_date)
def test_open_case_refuses_implausible_plan(world: Any, arrival: date) -> None:
    ctx, _ = world
    refused(ctx, lambda: cases.open_case(ctx, a_new_case(planned_arrival=arrival,
                                                         planned_departure=None)))  # fmt: skip


@EXAMPLES
@given(field=st.sampled_from(["phone", "address", "notes", "home_city"]), value=hostile_text)
def test_update_patient_refuses_hostile_text(world: Any, field: str, value: str) -> None:
    ctx, ref = world
    detail = cases.case_detail(ctx, ref)
    p = detail.patient
    data = patients.PatientInput(
        full_name=p.full_name, sex=p.sex, date_of_birth=p.date_of_birth,
        nationality=p.nationality, passport_number=p.passport_number,
        passport_expiry=p.passport_expiry, languages=tuple(p.languages),
        **{field: value},
    )  # fmt: skip
    refused(ctx, lambda: patients.update_patient(ctx, ref, data, p.version))


@EXAMPLES
@given(rate=hostile_amount, name=st.one_of(st.just("Li Wei"), hostile_text))
def test_interpreter_refuses_hostile_rate_and_text(world: Any, rate: str, name: str) -> None:
    ctx, _ = world
    data = interpreters.InterpreterInput(name=name, languages=("Russian",), hourly_rate_cny=rate)
    refused(ctx, lambda: interpreters.add_interpreter(ctx, data))
    with ctx.read() as s:
        first = s.scalars(select(Interpreter.id).order_by(Interpreter.id)).first()
    assert first is not None
    refused(ctx, lambda: interpreters.update_interpreter(ctx, first, data))


@EXAMPLES
@given(start=hostile_moment)
def test_appointment_refuses_implausible_times(world: Any, start: datetime) -> None:
    ctx, ref = world
    end = min(start + timedelta(hours=1), datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    data = interpreters.AppointmentInput("Consultation", start, end, needs_interpreter=False)
    refused(ctx, lambda: interpreters.save_appointment(ctx, ref, data))


@EXAMPLES
@given(field=st.sampled_from(["title", "place", "notes"]), value=hostile_text)
def test_appointment_refuses_hostile_text(world: Any, field: str, value: str) -> None:
    ctx, ref = world
    start = steps.china(steps.ARRIVAL, 9)
    data = interpreters.AppointmentInput("Consultation", start, start + timedelta(hours=1))
    data = replace(data, needs_interpreter=False, **{field: value})
    refused(ctx, lambda: interpreters.save_appointment(ctx, ref, data))


def test_appointment_far_from_today_or_longer_than_a_day_is_refused(world: Any) -> None:
    ctx, ref = world
    far = steps.china(steps.TODAY + timedelta(days=6 * 365), 9)
    near = steps.china(steps.ARRIVAL, 9)
    for start, end in ((far, far + timedelta(hours=1)), (near, near + timedelta(days=2))):
        data = interpreters.AppointmentInput("Scan", start, end, needs_interpreter=False)
        refused(ctx, lambda d=data: interpreters.save_appointment(ctx, ref, d))  # type: ignore[misc]


@EXAMPLES
@given(
    field=st.sampled_from(["property_name", "address_en", "address_zh", "phone", "nightly_cost"]),
    value=hostile_text,
    cost=hostile_amount,
)
def test_lodging_refuses_hostile_values(world: Any, field: str, value: str, cost: str) -> None:
    ctx, ref = world
    value = cost if field == "nightly_cost" else value
    data = replace(steps.booking(ctx, ref, steps.ARRIVAL, steps.DEPARTURE), **{field: value})
    refused(ctx, lambda: lodging.save_booking(ctx, ref, data))


@EXAMPLES
@given(check_in=hostile_date)
def test_lodging_refuses_implausible_dates(world: Any, check_in: date) -> None:
    ctx, ref = world
    data = steps.booking(ctx, ref, check_in, check_in + timedelta(days=1))
    refused(ctx, lambda: lodging.save_booking(ctx, ref, data))


@EXAMPLES
@given(amount=hostile_amount, day=st.one_of(st.none(), hostile_date))
def test_costs_refuse_hostile_amounts_and_dates(world: Any, amount: str, day: date | None) -> None:
    ctx, ref = world
    refused(ctx, lambda: treatment.save_cost(ctx, ref, "medicines", amount, incurred_on=day))
    refused(ctx, lambda: treatment.save_cost(ctx, ref, "medicines", "10", actual=amount))
    if day is not None:
        refused(ctx, lambda: treatment.save_cost(ctx, ref, "medicines", "10", incurred_on=day))


@EXAMPLES
@given(description=hostile_text)
def test_costs_refuse_hostile_description(world: Any, description: str) -> None:
    ctx, ref = world
    call = lambda: treatment.save_cost(ctx, ref, "medicines", "10", description=description)  # noqa: E731
    refused(ctx, call)


@EXAMPLES
@given(onset=hostile_date, notes=hostile_text)
def test_toxicity_and_milestones_refuse_hostile_values(world: Any, onset: date, notes: str) -> None:
    ctx, ref = world
    refused(ctx, lambda: toxicities.add_toxicity(ctx, ref, "CRS", 1, onset))
    refused(ctx, lambda: toxicities.add_toxicity(ctx, ref, "CRS", 1, steps.TODAY, treatment=notes))
    refused(ctx, lambda: treatment.record_milestone(ctx, ref, "infusion", planned_on=onset))
    refused(ctx, lambda: treatment.record_milestone(ctx, ref, "infusion", notes=notes))


@EXAMPLES
@given(name=hostile_filename)
def test_attachments_refuse_unsafe_file_names(world: Any, name: str) -> None:
    ctx, ref = world
    code = records.record_states(ctx, ref)[0].code
    call = lambda: records.receive_record(  # noqa: E731
        ctx, ref, code, received_on=steps.TODAY, document_date=steps.TODAY,
        filename=name, content=b"%PDF-1.4 scan",
    )  # fmt: skip
    refused(ctx, call)


@EXAMPLES
@given(day=hostile_date, reason=hostile_text)
def test_records_refuse_hostile_dates_and_reasons(world: Any, day: date, reason: str) -> None:
    ctx, ref = world
    code = records.record_states(ctx, ref)[0].code
    if day < steps.TODAY:
        refused(ctx, lambda: records.receive_record(ctx, ref, code, received_on=day,
                                                    document_date=None))  # fmt: skip
    refused(ctx, lambda: records.receive_record(ctx, ref, code, received_on=steps.TODAY,
                                                document_date=day))  # fmt: skip
    refused(ctx, lambda: records.waive_record(ctx, ref, code, reason))
    refused(ctx, lambda: cases.decline(ctx, ref, reason))


@EXAMPLES
@given(
    key=st.sampled_from(["cd33_pct", "marrow_blast_pct", "creatinine_mg_dl", "disease_status"]),
    value=st.one_of(hostile_amount, hostile_text),
)
def test_facts_and_reviews_refuse_hostile_values(world: Any, key: str, value: str) -> None:
    ctx, ref = world
    refused(ctx, lambda: eligibility.set_facts(ctx, ref, {key: value}))


@EXAMPLES
@given(notes=hostile_text)
def test_review_notes_refuse_hostile_text(world: Any, notes: str) -> None:
    ctx, ref = world
    steps.complete_records(ctx, ref)
    eligibility.set_facts(ctx, ref, steps.GOOD_FACTS)
    fatima = ctx.as_actor(actor_for(ctx, "fatima"))
    call = lambda: eligibility.sign_review(fatima, ref, "eligible", notes, password=DEMO_PASSWORD)  # noqa: E731
    refused(ctx, call)


@EXAMPLES
@given(day=hostile_date, notes=st.one_of(st.just(""), hostile_text))
def test_visa_and_followup_refuse_hostile_values(world: Any, day: date, notes: str) -> None:
    ctx, ref = world
    state = steps.approved_visa(invitation_letter_on=day, notes=notes)
    refused(ctx, lambda: steps.save_visa(ctx, ref, state))
    if notes:
        refused(ctx, lambda: steps.save_visa(ctx, ref, steps.approved_visa(notes=notes)))


@EXAMPLES
@given(field=st.sampled_from(["full_name", "email", "phone"]), value=hostile_text)
def test_staff_accounts_refuse_hostile_text(world: Any, field: str, value: str) -> None:
    ctx, _ = world
    values = {"full_name": "New Person", "email": "", "phone": "", field: value}
    refused(ctx, lambda: staff.create_staff(ctx, "newperson", values.pop("full_name"),
                                            "facilitator", **values))  # fmt: skip


@EXAMPLES
@given(day=hostile_date)
def test_reports_refuse_implausible_periods(world: Any, day: date) -> None:
    ctx, _ = world
    refused(ctx, lambda: reports.pipeline_report(ctx, reports.ReportFilters(date_from=day)))
    refused(ctx, lambda: reports.pipeline_report(ctx, reports.ReportFilters(date_to=day)))


@EXAMPLES
@given(search=st.builds(lambda a, c: f"{a}{c}z", plain, bad_char))
def test_case_search_refuses_hostile_text(world: Any, search: str) -> None:
    ctx, _ = world
    refused(ctx, lambda: cases.list_cases(ctx, search=search))


@EXAMPLES
@given(note=hostile_text, day=hostile_date)
def test_followup_refuses_hostile_notes_and_dates(world: Any, note: str, day: date) -> None:
    ctx, ref = world
    infusion = steps.TODAY - timedelta(days=40)
    if not followup.contacts(ctx, ref):
        treatment.record_milestone(ctx, ref, "infusion", planned_on=infusion, done_on=infusion)
        followup.create_plan(ctx, ref)
    contact = followup.contacts(ctx, ref)[0].id
    refused(ctx, lambda: followup.record_contact(ctx, ref, contact, done_on=steps.TODAY,
                                                 note=note))  # fmt: skip
    refused(ctx, lambda: followup.record_contact(ctx, ref, contact, done_on=day))


def test_the_values_the_rules_refuse_still_fit_next_to_good_ones(world: Any) -> None:
    """The rules refuse only what is implausible: tabs, new lines and Chinese text pass."""
    ctx, ref = world
    line = treatment.save_cost(
        ctx, ref, "medicines", "1,234.50", description="药费\tpharmacy", incurred_on=steps.TODAY
    )
    assert line.estimated == treatment.Decimal("1234.50")
    records.receive_record(
        ctx, ref, records.record_states(ctx, ref)[0].code, received_on=steps.TODAY,
        document_date=steps.TODAY, filename="病历 scan (1).pdf", content=b"%PDF-1.4",
    )  # fmt: skip
    assert visa  # imported for the visa test above
