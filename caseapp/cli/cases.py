"""Case commands: `cases` (the pipeline list), `show`, `advance`, `decline`, `withdraw`."""

from __future__ import annotations

from typing import Any, TextIO

from caseapp.cli.invocation import EXIT_OK, Command, Invocation
from caseapp.cli.terminal import print_json, print_table, to_jsonable
from caseapp.services import cases as case_service
from caseapp.services.interpreters import china_time


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("cases", help="the pipeline list")
    p.add_argument("--stage", help="only cases in this stage")
    p.add_argument("--owner", metavar="LOGIN", help="only cases owned by this login")
    p.add_argument("--search", metavar="TEXT", help="name, ref, passport or nationality contains")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("show", help="everything about one case")
    p.add_argument("ref")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("advance", help="move a case to its next stage if its gate holds")
    p.add_argument("ref")
    for name, verb in (("decline", "declined"), ("withdraw", "withdrawn")):
        p = sub.add_parser(name, help=f"mark a case {verb}, with a reason")
        p.add_argument("ref")
        p.add_argument("--reason", required=True)
    p = sub.add_parser(
        "reopen", help="managers: reopen a closed, declined or withdrawn case, with a reason"
    )
    p.add_argument("ref")
    p.add_argument("--reason", required=True)


def cases(inv: Invocation) -> int:
    args = inv.args
    rows = case_service.list_cases(
        inv.context(), stage=args.stage, owner=args.owner, search=args.search
    )
    if args.json:
        print_json(
            [
                {
                    "ref": r.ref,
                    "patient": r.patient,
                    "nationality": r.nationality,
                    "program": r.program,
                    "stage": r.stage,
                    "owner": r.owner,
                    "days_in_stage": r.days_in_stage,
                    "blockers": r.blockers,
                    "warnings": r.warnings,
                    "next_deadline": r.next_deadline.isoformat() if r.next_deadline else None,
                    "next_deadline_what": r.next_deadline_what,
                    "overdue": r.overdue,
                }
                for r in rows
            ],
            inv.out,
        )
        return EXIT_OK
    print_table(
        inv.out,
        [
            "Ref",
            "Patient",
            "Nationality",
            "Program",
            "Stage",
            "Owner",
            "Days",
            "Blockers",
            "Next deadline",
        ],
        [
            [
                r.ref,
                r.patient,
                r.nationality,
                r.program,
                r.stage,
                r.owner,
                str(r.days_in_stage),
                str(r.blockers) if r.blockers else "",
                (f"{r.next_deadline} {r.next_deadline_what}" + (" OVERDUE" if r.overdue else ""))
                if r.next_deadline
                else "",
            ]
            for r in rows
        ],
    )
    print(f"{len(rows)} cases", file=inv.out)
    return EXIT_OK


def show(inv: Invocation) -> int:
    detail = case_service.case_detail(inv.context(), inv.args.ref)
    if inv.args.json:
        data = to_jsonable(detail)
        data["blockers"] = [b.message for b in detail.blockers if b.blocks]
        data["warnings"] = [b.message for b in detail.blockers if not b.blocks]
        print_json(data, inv.out)
        return EXIT_OK
    print_case(inv.out, detail)
    return EXIT_OK


def advance(inv: Invocation) -> int:
    stage = case_service.advance(inv.context(), inv.args.ref)
    print(stage, file=inv.out)
    return EXIT_OK


def decline(inv: Invocation) -> int:
    print(case_service.decline(inv.context(), inv.args.ref, inv.args.reason), file=inv.out)
    return EXIT_OK


def withdraw(inv: Invocation) -> int:
    print(case_service.withdraw(inv.context(), inv.args.ref, inv.args.reason), file=inv.out)
    return EXIT_OK


def reopen(inv: Invocation) -> int:
    from caseapp.services.reopen import reopen as reopen_case

    print(reopen_case(inv.context(), inv.args.ref, inv.args.reason), file=inv.out)
    return EXIT_OK


def print_case(out: TextIO, d: case_service.CaseDetail) -> None:
    p = d.patient
    w = out.write
    w(f"{d.ref}  {p.full_name}  ({p.nationality}, {p.sex}, born {p.date_of_birth})\n")
    w(f"Stage: {d.stage} for {d.days_in_stage} days   Owner: {d.owner.full_name}\n")
    if d.exit_reason:
        w(f"Reason: {d.exit_reason}\n")
    w(
        f"Program: {d.program.code} {d.program.name}\n         {d.program.hospital_en} "
        f"({d.program.hospital_zh}), {d.program.city_en}\n"
    )
    w(f"Planned stay: {d.planned_arrival or '?'} to {d.planned_departure or '?'}\n")
    w(
        f"Passport: {p.passport_number}, expires {p.passport_expiry}   Languages: "
        f"{', '.join(p.languages)}\n"
    )
    for c in p.companions:
        w(f"Companion: {c.full_name} ({c.relation})\n")
    blocking = [b for b in d.blockers if b.blocks]
    warnings = [b for b in d.blockers if not b.blocks]
    if blocking:
        w(f"\nBlockers ({len(blocking)}):\n" + "".join(f"  - {b.message}\n" for b in blocking))
    elif d.stage in case_service.OPEN_STAGES:
        w("\nNo blockers: the case can advance.\n")
    for b in warnings:
        w(f"  ! {b.message}\n")
    w("\nRecords:\n")
    for r in d.records:
        dated = f" dated {r.document_date}" if r.document_date else ""
        w(f"  [{r.status:>8}] {r.name}{dated}{' - ' + r.waived_reason if r.waived else ''}\n")
    if d.review:
        w(
            f"\nEligibility: {d.review.decision} (signed by {d.review.reviewer}, "
            f"{d.review.signed_at:%Y-%m-%d})\n"
        )
        if d.review.meaning:
            w(f"  Signature: {d.review.meaning}\n")
    if d.visa:
        v = d.visa
        w(
            f"Visa: {v.visa_type} {v.status}; "
            f"entry {v.entry_from or '?'} to {v.entry_until or '?'}, "
            f"stay {v.allowed_stay_days or '?'} days\n"
        )
    for stay in d.lodging:
        w(
            f"Lodging: {stay.property_name} {stay.check_in} to {stay.check_out} "
            f"({', '.join(stay.occupant_names)})\n"
        )
    for a in d.interpreter_bookings:
        who = a.interpreter_name or "NO INTERPRETER"
        w(f"Appointment: {china_time(a.starts_at)} (China) {a.title} - {who}\n")
    for m in d.milestones:
        if m.planned_on or m.done_on:
            w(
                f"Milestone: {m.kind} {m.done_on or m.planned_on} {m.day}"
                f"{'' if m.done_on else ' (planned)'}\n"
            )
    for f in d.followups:
        w(
            f"Follow-up day +{f.day_offset}: due {f.due_on}, "
            f"{'done ' + str(f.done_on) if f.done_on else 'missed' if f.missed else 'open'}"
            f"{' ' + f.response if f.response else ''}\n"
        )


COMMANDS: dict[str, Command] = {
    "cases": cases,
    "show": show,
    "advance": advance,
    "decline": decline,
    "withdraw": withdraw,
    "reopen": reopen,
}
