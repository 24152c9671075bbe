"""Reference data (programs, visa types) from the editable TOML files in resources/reference."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import Criterion, Program, RecordRequirement, VisaType
from caseapp.paths import resource_path
from caseapp.services.context import ServiceContext
from caseapp.services.eligibility import FACTS, OPS
from caseapp.services.errors import ValidationError

REQUIREMENT_CODES = (
    "diagnosis_pathology", "bone_marrow", "flow_cytometry", "cytogenetics_molecular",
    "treatment_history", "blood_counts", "chemistry", "echocardiogram", "infection_serology",
    "imaging", "passport_copy",
)  # fmt: skip


def load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ValidationError(f"The reference file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"The reference file {path.name} is not valid TOML: {exc}.") from None


def _check_program(p: dict[str, Any]) -> None:
    code = p.get("code", "?")
    for c in p.get("criterion", []):
        if c["fact"] not in FACTS or (c.get("applies_if") and c["applies_if"] not in FACTS):
            raise ValidationError(f"Program {code}: criterion {c['code']} reads an unknown fact.")
        if c["op"] not in OPS:
            raise ValidationError(
                f"Program {code}: criterion {c['code']} has unknown op {c['op']}."
            )
    for r in p.get("requirement", []):
        if r["code"] not in REQUIREMENT_CODES:
            raise ValidationError(f"Program {code}: unknown document {r['code']!r}.")


@dataclass(frozen=True)
class ImportResult:
    programs_added: int
    programs_updated: int
    visa_types: int


def import_reference(
    ctx: ServiceContext, programs_file: Path | None = None, visa_file: Path | None = None
) -> ImportResult:
    """Insert or update programs and visa types; criteria and documents are replaced whole."""
    ctx.require("reference.edit")
    programs, visas = load_reference(programs_file, visa_file)
    with ctx.unit_of_work() as uow:
        return write_reference(uow.session, programs, visas)


def load_reference(
    programs_file: Path | None = None, visa_file: Path | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The programs and visa types of the reference files, each program checked."""
    programs = load_toml(programs_file or resource_path("reference", "programs.toml"))["program"]
    visas = load_toml(visa_file or resource_path("reference", "visa_types.toml"))["visa_type"]
    for p in programs:
        _check_program(p)
    return programs, visas


def write_reference(
    s: Session, programs: list[dict[str, Any]], visas: list[dict[str, Any]]
) -> ImportResult:
    """Programs and visa types into the caller's transaction (the demo writes them with its
    cases, in one transaction)."""
    added = updated = 0
    for p in programs:
        program = s.scalar(select(Program).where(Program.code == p["code"]))
        if program is None:
            program = Program(code=p["code"])
            s.add(program)
            added += 1
        else:
            updated += 1
        for key in (
            "name",
            "phase",
            "targets",
            "hospital_en",
            "hospital_zh",
            "city_en",
            "city_zh",
            "address_en",
            "address_zh",
            "intl_dept_phone",
            "intl_dept_email",
            "intl_dept_contact",
            "ward_phone_24h",
            "description",
        ):
            setattr(program, key, p.get(key, "" if key != "targets" else []))
        program.estimated_cost_cny = Decimal(str(p.get("estimated_cost_cny", 0)))
        program.criteria = []
        s.flush()  # old rows go before new rows reuse their (program, code)
        program.criteria = [
            Criterion(
                position=i,
                code=c["code"],
                kind=c["kind"],
                label=c["label"],
                fact=c["fact"],
                op=c["op"],
                value={"v": c.get("value")},
                applies_if=c.get("applies_if"),
                required=c.get("required", True),
            )
            for i, c in enumerate(p.get("criterion", []))
        ]
        existing = {r.code: r for r in program.requirements}
        wanted = []
        for i, r in enumerate(p.get("requirement", [])):
            req = existing.get(r["code"]) or RecordRequirement(code=r["code"])
            req.position, req.name = i, r["name"]
            req.max_age_days, req.required = r.get("max_age_days"), r.get("required", True)
            wanted.append(req)
        program.requirements = wanted
    for v in visas:
        vt = s.get(VisaType, v["code"]) or VisaType(code=v["code"])
        vt.name, vt.description = v["name"], v.get("description", "")
        s.add(vt)
    return ImportResult(added, updated, len(visas))


@dataclass(frozen=True)
class ProgramRow:
    code: str
    name: str
    hospital_en: str
    city_en: str
    targets: tuple[str, ...]


def list_programs(ctx: ServiceContext) -> list[ProgramRow]:
    with ctx.read() as s:
        return [
            ProgramRow(p.code, p.name, p.hospital_en, p.city_en, tuple(p.targets))
            for p in s.scalars(
                select(Program).where(Program.active.is_(True)).order_by(Program.code)
            )
        ]
