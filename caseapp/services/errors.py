"""Errors a service raises; every message is a sentence written for the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error a user may see; the transaction that raised it changed nothing."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Bad input; `field` names the form field the message belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(DomainError):
    exit_code = 4


class NotFound(DomainError):
    pass


class StaleEdit(DomainError):
    """Someone else saved the same record since it was loaded."""

    exit_code = 5


@dataclass(frozen=True)
class Blocker:
    """Something that keeps a case in its stage, phrased so a facilitator can act on it.

    `area` names the workspace tab where it is fixed; warnings inform but do not block.
    """

    area: str
    message: str
    severity: str = "block"  # block | warn

    @property
    def blocks(self) -> bool:
        return self.severity == "block"


class Blocked(DomainError):
    exit_code = 3

    def __init__(self, stage: str, blockers: Sequence[Blocker]) -> None:
        lines = "; ".join(b.message for b in blockers)
        super().__init__(f"The case cannot leave the {stage} stage: {lines}")
        self.stage = stage
        self.blockers = list(blockers)
