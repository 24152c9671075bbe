"""Consulates read the visa category in their own wording, never a raw reference code."""

from __future__ import annotations

import dataclasses

import pytest

from caseapp.docs import render
from caseapp.docs.data import VisaInfo
from caseapp.paths import resource_path
from caseapp.services.reference import load_toml
from tests.docs import sample
from tests.docs.conftest import read_pdf

SHIPPED = {v["code"]: v["name"] for v in load_toml(resource_path("reference", "visa_types.toml"))
           ["visa_type"]}  # fmt: skip


def visa(code: str, name: str | None = None) -> VisaInfo:
    return dataclasses.replace(sample.VISA, type_code=code,
                               type_name=SHIPPED[code] if name is None else name)  # fmt: skip


def texts(v: VisaInfo) -> dict[str, str]:
    return {
        "visa-letter": read_pdf(render("visa-letter", sample.VisaLetterData(
            sample.CASE, v, sample.LODGING, sample.ISSUED), sample.SETTINGS)).text,
        "visa-checklist": read_pdf(render("visa-checklist", dataclasses.replace(
            sample.visa_checklist(), visa=v), sample.SETTINGS)).text,
        "pretravel-checklist": read_pdf(render("pretravel-checklist", dataclasses.replace(
            sample.pretravel(), visa=v), sample.SETTINGS)).text,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("code", "in_letter", "in_checklist"),
    [
        ("M", "apply for a Chinese business visa (M) for medical treatment", "Business visa (M)"),
        ("S2", "a Chinese private affairs visa (S2) for medical", "Private affairs visa (S2)"),
        ("L", "apply for a Chinese tourist visa (L) for medical", "Tourist visa (L)"),
        ("OTHER", "apply for a Chinese visa of the category the consulate issues for medical "
         "treatment", "Visa of the category the consulate issues"),
    ],
)  # fmt: skip
def test_consulate_wording_in_every_visa_document(
    code: str, in_letter: str, in_checklist: str
) -> None:
    found = texts(visa(code))
    assert in_letter in found["visa-letter"]
    assert f"Visa type {in_checklist}" in found["visa-checklist"]
    assert (
        f"Chinese visa ({in_checklist[0].lower()}{in_checklist[1:]}, approved"
        in (found["pretravel-checklist"])
    )
    for text in found.values():
        assert "OTHER" not in text and "(business / trade)" not in text
        assert f"{code} visa (" not in text and f"{code} —" not in text


def test_a_type_without_a_name_is_still_worded() -> None:
    letter = texts(visa("Q2", ""))["visa-letter"]
    assert "apply for a Chinese visa (Q2) for medical treatment" in letter
