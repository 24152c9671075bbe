"""Roles and what each may do; password hashing. Enforced in services, mirrored in the UI."""

from __future__ import annotations

from dataclasses import dataclass

FACILITATOR, COORDINATOR, MANAGER, ADMIN = "facilitator", "coordinator", "manager", "admin"

# action -> roles allowed. The README carries the same matrix for people.
PERMISSIONS: dict[str, frozenset[str]] = {
    "case.view": frozenset({FACILITATOR, COORDINATOR, MANAGER, ADMIN}),
    "case.create": frozenset({FACILITATOR, MANAGER}),
    "case.edit": frozenset({FACILITATOR, MANAGER}),
    "case.advance": frozenset({FACILITATOR, MANAGER}),
    "case.close": frozenset({FACILITATOR, MANAGER}),  # decline / withdraw
    "case.reassign": frozenset({MANAGER}),
    "records.edit": frozenset({FACILITATOR, MANAGER}),
    "eligibility.edit": frozenset({FACILITATOR, MANAGER}),
    "eligibility.sign": frozenset({FACILITATOR, MANAGER}),
    "visa.edit": frozenset({FACILITATOR, MANAGER}),
    "lodging.edit": frozenset({COORDINATOR, FACILITATOR, MANAGER}),
    "interpreters.edit": frozenset({COORDINATOR, FACILITATOR, MANAGER}),
    "interpreters.manage": frozenset({COORDINATOR, MANAGER, ADMIN}),
    "treatment.edit": frozenset({FACILITATOR, COORDINATOR, MANAGER}),
    "followup.edit": frozenset({FACILITATOR, MANAGER}),
    "costs.view": frozenset({MANAGER, COORDINATOR, FACILITATOR}),
    "costs.edit": frozenset({COORDINATOR, MANAGER}),
    "documents.generate": frozenset({FACILITATOR, COORDINATOR, MANAGER}),
    "reports.view": frozenset({MANAGER, ADMIN}),
    "audit.view": frozenset({MANAGER, ADMIN}),
    "staff.manage": frozenset({ADMIN}),
    "settings.edit": frozenset({ADMIN}),
    "reference.edit": frozenset({ADMIN, MANAGER}),
}

ACTION_WORDS: dict[str, str] = {
    "case.view": "view cases",
    "case.create": "open new cases",
    "case.edit": "edit cases",
    "case.advance": "advance cases",
    "case.close": "decline or withdraw cases",
    "case.reassign": "reassign case owners",
    "records.edit": "edit medical records",
    "eligibility.edit": "edit clinical facts",
    "eligibility.sign": "sign eligibility decisions",
    "visa.edit": "edit visa applications",
    "lodging.edit": "edit lodging bookings",
    "interpreters.edit": "book interpreters",
    "interpreters.manage": "manage the interpreter list",
    "treatment.edit": "edit treatment records",
    "followup.edit": "edit follow-up contacts",
    "costs.view": "see costs",
    "costs.edit": "edit costs",
    "documents.generate": "generate documents",
    "reports.view": "see pipeline reports",
    "audit.view": "see the audit trail",
    "staff.manage": "manage staff accounts",
    "settings.edit": "change settings",
    "reference.edit": "edit programs and reference data",
}


@dataclass(frozen=True)
class Actor:
    """The logged-in staff member every service call acts as."""

    id: int | None
    login: str
    role: str
    full_name: str = ""

    def can(self, action: str) -> bool:
        return self.role == SYSTEM_ROLE or self.role in PERMISSIONS[action]


SYSTEM_ROLE = "system"
# Seeding and migrations act as this actor; no person can log in as it.
SYSTEM = Actor(id=None, login="system", role=SYSTEM_ROLE, full_name="CaseApp (system)")


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
