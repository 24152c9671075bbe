"""The one stylesheet of every CaseApp document: fonts, colours, page templates, footer, metadata.

Shaped on pretix's invoice renderer: a renderer object owns the page templates and a numbered
canvas ("Page X of Y"); the documents only build their story of flowables.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate

from caseapp.docs.data import DocumentSettings
from caseapp.docs.text import CJK
from caseapp.paths import resource_path

# Fonts: DejaVu Sans for Latin, Cyrillic and the ballot-box glyphs; WenQuanYi Micro Hei for
# Chinese. Both are TrueType and embedded (subset) in every PDF; nothing relies on standard-14.
BODY = "CaseSans"
BOLD = "CaseSans-Bold"
ITALIC = "CaseSans-Oblique"

_FONT_FILES = {
    BODY: ("DejaVuSans.ttf", None),
    BOLD: ("DejaVuSans-Bold.ttf", None),
    ITALIC: ("DejaVuSans-Oblique.ttf", None),
    CJK: ("wqy-microhei.ttc", 0),
}

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
ACCENT = colors.HexColor("#0b4f6c")
ACCENT_LIGHT = colors.HexColor("#e3eef3")
ZEBRA = colors.HexColor("#f4f7f9")
RULE = colors.HexColor("#c5d0d8")
GOOD = colors.HexColor("#1e7a46")
WARN = colors.HexColor("#b45309")
BAD = colors.HexColor("#b42318")

MARGIN_X = 18 * mm
MARGIN_TOP_FIRST = 35 * mm  # below the letterhead band
MARGIN_TOP_LATER = 22 * mm  # below the compact header
MARGIN_BOTTOM = 20 * mm
BAND_HEIGHT = 26 * mm

PAGE_SIZES = {"A4": A4, "Letter": LETTER}


@functools.cache
def register_fonts() -> None:
    """Register the bundled fonts once per process (the CJK font takes ~0.2 s to parse)."""
    for name, (filename, subfont) in _FONT_FILES.items():
        path = str(resource_path("fonts", filename))
        font = TTFont(name, path) if subfont is None else TTFont(name, path, subfontIndex=subfont)
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    # Micro Hei has one weight: <b>/<i> around Chinese text keep the same face.
    pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)


@functools.cache
def stylesheet() -> StyleSheet1:
    """Paragraph styles shared by all documents."""
    register_fonts()
    sheet = StyleSheet1()
    base = ParagraphStyle(
        "body",
        fontName=BODY,
        bulletFontName=BODY,
        fontSize=9.5,
        leading=13.5,
        textColor=INK,
        spaceAfter=5,
    )
    sheet.add(base)
    add = sheet.add
    add(
        ParagraphStyle(
            "title", base, fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT, spaceAfter=2
        )
    )
    add(ParagraphStyle("subtitle", base, fontSize=10, leading=14, textColor=MUTED, spaceAfter=10))
    add(
        ParagraphStyle(
            "h1",
            base,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            textColor=ACCENT,
            spaceBefore=10,
            keepWithNext=1,
            spaceAfter=5,
        )
    )
    add(
        ParagraphStyle(
            "h2",
            base,
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            textColor=INK,
            spaceBefore=8,
            keepWithNext=1,
            spaceAfter=3,
        )
    )
    add(ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=MUTED, spaceAfter=3))
    add(ParagraphStyle("bullet", base, leftIndent=12, bulletIndent=2, spaceAfter=2))
    add(
        ParagraphStyle(
            "check",
            base,
            leftIndent=18,
            bulletIndent=0,
            spaceAfter=3,
            bulletFontName=BODY,
            bulletFontSize=11,
        )
    )
    add(ParagraphStyle("cell", base, fontSize=8.5, leading=11, spaceAfter=0))
    add(ParagraphStyle("cell_bold", sheet["cell"], fontName=BOLD))
    add(ParagraphStyle("cell_right", sheet["cell"], alignment=TA_RIGHT))
    add(ParagraphStyle("cell_bold_right", sheet["cell_right"], fontName=BOLD))
    add(ParagraphStyle("cell_head", sheet["cell"], fontName=BOLD, textColor=colors.white))
    add(ParagraphStyle("cell_head_right", sheet["cell_head"], alignment=TA_RIGHT))
    add(ParagraphStyle("cell_label", sheet["cell"], textColor=MUTED))
    add(
        ParagraphStyle(
            "cover_title",
            base,
            fontName=BOLD,
            fontSize=28,
            leading=34,
            textColor=ACCENT,
            spaceAfter=8,
        )
    )
    add(ParagraphStyle("cover_name", base, fontName=BOLD, fontSize=18, leading=24, spaceAfter=4))
    add(ParagraphStyle("zh_xl", base, fontName=CJK, fontSize=26, leading=36, spaceAfter=6))
    add(ParagraphStyle("zh_large", base, fontName=CJK, fontSize=20, leading=28, spaceAfter=4))
    add(ParagraphStyle("zh_medium", base, fontName=CJK, fontSize=13, leading=19, spaceAfter=2))
    add(
        ParagraphStyle(
            "emergency",
            base,
            fontName=BOLD,
            fontSize=20,
            leading=24,
            alignment=TA_CENTER,
            textColor=BAD,
            spaceAfter=0,
        )
    )
    add(
        ParagraphStyle(
            "emergency_label", base, fontSize=8.5, leading=11, alignment=TA_CENTER, spaceAfter=0
        )
    )
    return sheet


def frame_width(settings: DocumentSettings) -> float:
    """Usable text width for the settings' page size, in points."""
    return float(PAGE_SIZES[settings.page_size][0] - 2 * MARGIN_X)


class _NumberedCanvas(Canvas):
    """Holds pages until the end so each footer can say "Page X of Y" (pretix's approach)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            width = self._pagesize[0]
            self.setFont(BODY, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(
                width - MARGIN_X, MARGIN_BOTTOM - 10 * mm, f"Page {number} of {total}"
            )
            super().showPage()
        super().save()


class PdfDocument:
    """One PDF in the house style: letterhead first page, compact header after, footer, metadata."""

    def __init__(
        self,
        settings: DocumentSettings,
        *,
        title: str,
        subject: str,
        case_ref: str | None,
        letterhead: bool = True,
    ) -> None:
        """case_ref None: an office document (a report) with the subject where a case ref goes."""
        register_fonts()
        self.settings = settings
        self.title = title
        self.case_ref = case_ref
        self.header_note = f"Case {case_ref}" if case_ref else subject
        self.footer_note = (
            f"{case_ref}  ·  {title}  ·  Confidential"
            if case_ref
            else f"{title}  ·  Internal  ·  Confidential"
        )
        self.letterhead = letterhead
        self.pagesize = PAGE_SIZES[settings.page_size]
        self._buffer = io.BytesIO()
        self._doc = BaseDocTemplate(
            self._buffer,
            pagesize=self.pagesize,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP_LATER,
            bottomMargin=MARGIN_BOTTOM,
            title=f"{title} — {case_ref}" if case_ref else title,
            author=settings.letterhead.agency_name,
            subject=subject,
            creator="CaseApp",
            initialFontName=BODY,
        )
        page_h = self.pagesize[1]
        first_top = MARGIN_TOP_FIRST if letterhead else MARGIN_TOP_LATER
        first = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            self.width,
            page_h - first_top - MARGIN_BOTTOM,
            id="first",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        later = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            self.width,
            page_h - MARGIN_TOP_LATER - MARGIN_BOTTOM,
            id="later",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self._doc.addPageTemplates(
            [
                PageTemplate(
                    id="first",
                    frames=[first],
                    onPage=self._draw_first,
                    autoNextPageTemplate="later",
                ),
                PageTemplate(id="later", frames=[later], onPage=self._draw_later),
            ]
        )

    @property
    def width(self) -> float:
        """Usable width of the text frame, in points."""
        return frame_width(self.settings)

    @property
    def height(self) -> float:
        """Usable height of a later page's frame, in points."""
        return float(self.pagesize[1] - MARGIN_TOP_LATER - MARGIN_BOTTOM)

    def build(self, story: Sequence[Flowable]) -> bytes:
        self._doc.build([NextPageTemplate("later"), *story], canvasmaker=_NumberedCanvas)
        return self._buffer.getvalue()

    # --- page decoration ------------------------------------------------------------------

    def _draw_first(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if self.letterhead:
            self._draw_letterhead(canvas)
        else:
            self._draw_compact_header(canvas)
        self._draw_footer(canvas)

    def _draw_later(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        self._draw_compact_header(canvas)
        self._draw_footer(canvas)

    def _draw_letterhead(self, canvas: Canvas) -> None:
        head = self.settings.letterhead
        page_w, page_h = self.pagesize
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, page_h - BAND_HEIGHT, page_w, BAND_HEIGHT, stroke=0, fill=1)
        text_x = MARGIN_X
        if head.logo_path:
            logo = ImageReader(head.logo_path)
            size = BAND_HEIGHT - 8 * mm
            canvas.drawImage(
                logo,
                MARGIN_X,
                page_h - BAND_HEIGHT + 4 * mm,
                width=size,
                height=size,
                preserveAspectRatio=True,
                mask="auto",
            )
            text_x += size + 4 * mm
        canvas.setFillColor(colors.white)
        room = (
            page_w
            - MARGIN_X
            - text_x
            - 4 * mm
            - max(
                canvas.stringWidth(self.title, BOLD, 8.5),
                canvas.stringWidth(self.header_note, BODY, 8),
            )
        )
        size = 15.0
        while size > 9 and canvas.stringWidth(head.agency_name, BOLD, size) > room:
            size -= 0.5  # a long agency name shrinks rather than running under the title
        canvas.setFont(BOLD, size)
        canvas.drawString(text_x, page_h - 12 * mm, head.agency_name)
        canvas.setFont(BODY, 8)
        canvas.drawString(text_x, page_h - 17.5 * mm, head.address)
        canvas.drawString(text_x, page_h - 21.5 * mm, f"{head.phone}   ·   {head.email}")
        canvas.setFont(BOLD, 8.5)
        canvas.drawRightString(page_w - MARGIN_X, page_h - 12 * mm, self.title)
        canvas.setFont(BODY, 8)
        canvas.drawRightString(page_w - MARGIN_X, page_h - 17.5 * mm, self.header_note)
        canvas.restoreState()

    def _draw_compact_header(self, canvas: Canvas) -> None:
        page_w, page_h = self.pagesize
        y = page_h - 12 * mm
        canvas.saveState()
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(ACCENT)
        canvas.drawString(MARGIN_X, y, self.settings.letterhead.agency_name)
        canvas.setFont(BODY, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(page_w - MARGIN_X, y, f"{self.title}  ·  {self.header_note}")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, y - 2.5 * mm, page_w - MARGIN_X, y - 2.5 * mm)
        canvas.restoreState()

    def _draw_footer(self, canvas: Canvas) -> None:
        page_w, _ = self.pagesize
        y = MARGIN_BOTTOM - 10 * mm
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, y + 4 * mm, page_w - MARGIN_X, y + 4 * mm)
        canvas.setFont(BODY, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, y, self.footer_note)
        canvas.restoreState()
