"""Find aggregates by the keys people use (case ref, login, program code); NotFound otherwise."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import Case, Program, StaffUser
from caseapp.services.errors import NotFound
from caseapp.services.validation import quoted


def get_case(session: Session, ref: str) -> Case:
    case = session.scalar(select(Case).where(Case.ref == ref.strip().upper()))
    if case is None:
        raise NotFound(f"There is no case {quoted(ref)}.")
    return case


def get_staff(session: Session, login: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.login == login.strip().lower()))
    if user is None:
        raise NotFound(f"There is no staff member with the login {quoted(login)}.")
    return user


def get_program(session: Session, code: str) -> Program:
    program = session.scalar(select(Program).where(Program.code == code.strip().upper()))
    if program is None:
        raise NotFound(f"There is no program {quoted(code)}.")
    return program
