"""Helpers to read rendered documents back."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from caseapp.docs.data import DocumentSettings
from tests.docs import sample


@dataclass
class ReadBack:
    """A rendered PDF as pypdf sees it."""

    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        """All pages, whitespace collapsed to single spaces."""
        return " ".join(" ".join(page.split()) for page in self.pages)

    @property
    def compact(self) -> str:
        """All pages without any whitespace (Chinese lines may wrap anywhere)."""
        return re.sub(r"\s+", "", "".join(self.pages))

    def page_text(self, number: int) -> str:
        return " ".join(self.pages[number - 1].split())


def read_pdf(pdf: bytes) -> ReadBack:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return ReadBack(reader, [page.extract_text() for page in reader.pages])


@pytest.fixture
def settings() -> DocumentSettings:
    return sample.SETTINGS
