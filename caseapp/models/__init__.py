"""SQLAlchemy 2 typed ORM entities, one module per area; importing this registers them all."""

from caseapp.models.audit import AuditCheckpoint, AuditEntry
from caseapp.models.base import Base
from caseapp.models.cases import EXITS, OPEN_STAGES, STAGES, Case, CaseDocument, StageHistory
from caseapp.models.discharge import COUNT_MOMENTS, BloodCount, DischargeMedication
from caseapp.models.eligibility import ClinicalFact, EligibilityReview, ReviewCriterionResult
from caseapp.models.followup import MRD_STATUSES, RESPONSES, FollowupContact
from caseapp.models.gate_summary import GateSummary
from caseapp.models.interpreters import Interpreter, InterpreterBooking
from caseapp.models.lodging import LodgingBooking, LodgingOccupant
from caseapp.models.patients import Companion, LocalPhysician, Patient
from caseapp.models.programs import Criterion, Program, RecordRequirement, Setting, VisaType
from caseapp.models.records import Attachment, RecordItem
from caseapp.models.staff import ROLES, StaffSession, StaffUser
from caseapp.models.treatment import (
    COST_CATEGORIES,
    MILESTONE_KINDS,
    TOXICITY_KINDS,
    CostLine,
    Milestone,
    ToxicityEvent,
)
from caseapp.models.visa import VISA_STATUSES, VisaApplication, VisaEvent

__all__ = [
    "COST_CATEGORIES",
    "COUNT_MOMENTS",
    "EXITS",
    "MILESTONE_KINDS",
    "MRD_STATUSES",
    "OPEN_STAGES",
    "RESPONSES",
    "ROLES",
    "STAGES",
    "TOXICITY_KINDS",
    "VISA_STATUSES",
    "Attachment",
    "AuditCheckpoint",
    "AuditEntry",
    "Base",
    "BloodCount",
    "Case",
    "CaseDocument",
    "ClinicalFact",
    "Companion",
    "CostLine",
    "Criterion",
    "DischargeMedication",
    "EligibilityReview",
    "FollowupContact",
    "GateSummary",
    "Interpreter",
    "InterpreterBooking",
    "LocalPhysician",
    "LodgingBooking",
    "LodgingOccupant",
    "Milestone",
    "Patient",
    "Program",
    "RecordItem",
    "RecordRequirement",
    "ReviewCriterionResult",
    "Setting",
    "StaffSession",
    "StaffUser",
    "StageHistory",
    "ToxicityEvent",
    "VisaApplication",
    "VisaEvent",
    "VisaType",
]
