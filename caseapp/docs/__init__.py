"""PDF documents of a case: read models in, PDF bytes out (ReportLab platypus).

`DOCUMENT_KINDS` lists every document so the CLI and UI can offer and call them uniformly:
`DOCUMENT_KINDS["packet"].render(data, settings) -> bytes`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from caseapp.docs.data import (
    CostEstimateData,
    DischargeChecklistData,
    DocumentSettings,
    HandoffLetterData,
    Letterhead,
    PacketData,
    PreTravelChecklistData,
    RecordsChecklistData,
    ReferralLetterData,
    VisaChecklistData,
    VisaLetterData,
)
from caseapp.docs.errors import MissingFact
from caseapp.docs.text import document_dates


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its title, its renderer and the read model it takes.

    The renderer is named ("module:function") and imported on first use: ReportLab takes a
    third of a second to import, and most starts of the app or a command print nothing.
    """

    name: str
    title: str
    renderer: str
    input_type: type
    long_dates: bool = False  # "5 March 2026" (referral, handoff) or "5 Mar 2026", throughout

    def render(self, data: Any, settings: DocumentSettings) -> bytes:
        module, function = self.renderer.split(":")
        fn: Callable[[Any, DocumentSettings], bytes] = getattr(
            importlib.import_module(f"caseapp.docs.{module}"), function
        )
        return fn(data, settings)

    def filename(self, case_ref: str) -> str:
        return f"{case_ref}-{self.name}.pdf"


_KINDS = (
    DocumentKind(
        "records-checklist",
        "Records checklist",
        "checklists:render_records_checklist",
        RecordsChecklistData,
    ),
    DocumentKind(
        "visa-checklist",
        "Visa document checklist",
        "checklists:render_visa_checklist",
        VisaChecklistData,
    ),
    DocumentKind(
        "pretravel-checklist",
        "Pre-travel checklist",
        "checklists:render_pretravel_checklist",
        PreTravelChecklistData,
    ),
    DocumentKind(
        "discharge-checklist",
        "Discharge and home checklist",
        "checklists:render_discharge_checklist",
        DischargeChecklistData,
    ),
    DocumentKind(
        "visa-letter",
        "Visa invitation request letter",
        "letters:render_visa_letter",
        VisaLetterData,
    ),
    DocumentKind(
        "referral-letter",
        "Referral cover letter",
        "letters:render_referral_letter",
        ReferralLetterData,
        True,
    ),
    DocumentKind(
        "handoff-letter",
        "Local-physician handoff letter",
        "handoff:render_handoff_letter",
        HandoffLetterData,
        True,
    ),
    DocumentKind("cost-estimate", "Cost estimate", "costs:render_cost_estimate", CostEstimateData),
    DocumentKind("packet", "Travel packet", "packet:render_packet", PacketData),
)

DOCUMENT_KINDS: dict[str, DocumentKind] = {kind.name: kind for kind in _KINDS}


def render(kind: str, data: object, settings: DocumentSettings) -> bytes:
    """Render a document by kind name, checking that the read model is the right type."""
    entry = DOCUMENT_KINDS[kind]
    if not isinstance(data, entry.input_type):
        raise TypeError(f"{kind} takes {entry.input_type.__name__}, not {type(data).__name__}")
    with document_dates(entry.long_dates):
        return entry.render(data, settings)


__all__ = [
    "DOCUMENT_KINDS",
    "DocumentKind",
    "DocumentSettings",
    "Letterhead",
    "MissingFact",
    "render",
]
