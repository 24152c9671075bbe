"""Building blocks in the house style: headings, wrapped zebra tables, checklists, signatures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from caseapp.docs.style import ACCENT, ACCENT_LIGHT, BODY, INK, RULE, ZEBRA, stylesheet
from caseapp.docs.text import BOX_DONE, BOX_OPEN, markup

Cell: TypeAlias = "str | Flowable"


def table_style(commands: Sequence[tuple[object, ...]]) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded body font, not Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), BODY), *commands])


def para(text: str | None, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped here)."""
    return Paragraph(markup(text), stylesheet()[style])


def rich(markup_text: str, style: str = "body", *, bullet: str | None = None) -> Paragraph:
    """A paragraph of text that is already ReportLab markup."""
    return Paragraph(markup_text, stylesheet()[style], bulletText=bullet)


def heading(text: str, level: int = 1) -> Paragraph:
    return para(text, f"h{level}")


def title_block(title: str, subtitle: str) -> list[Flowable]:
    return [para(title, "title"), para(subtitle, "subtitle")]


def _cell(value: Cell, style: str) -> Flowable:
    return value if isinstance(value, Flowable) else para(value, style)


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    fractions: Sequence[float],
    *,
    width: float,
    right: Iterable[int] = (),
    footer_rows: int = 0,
) -> Table:
    """A table whose cells wrap (Paragraphs) inside fixed column widths: it cannot overflow.

    `fractions` share out `width`; `right` lists right-aligned columns (money); the last
    `footer_rows` rows are set bold on a tinted band (totals).
    """
    right_cols = set(right)
    widths = [width * f / sum(fractions) for f in fractions]
    head = [
        _cell(h, "cell_head_right" if i in right_cols else "cell_head")
        for i, h in enumerate(header)
    ]
    body: list[list[Flowable]] = []
    first_footer = len(rows) - footer_rows
    for r, row in enumerate(rows):
        bold = r >= first_footer
        body.append(
            [
                _cell(
                    value,
                    ("cell_bold" if bold else "cell") + ("_right" if i in right_cols else ""),
                )
                for i, value in enumerate(row)
            ]
        )
    table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
    ]
    for r in range(1, first_footer + 1):
        if r % 2 == 0:
            commands.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    if footer_rows:
        commands += [
            ("BACKGROUND", (0, first_footer + 1), (-1, -1), ACCENT_LIGHT),
            ("LINEABOVE", (0, first_footer + 1), (-1, first_footer + 1), 0.9, ACCENT),
        ]
    table.setStyle(table_style(commands))
    table.spaceBefore, table.spaceAfter = 2, 8
    return table


def facts_table(
    pairs: Sequence[tuple[str, Cell]],
    *,
    width: float,
    label_fraction: float = 0.3,
    columns: int = 1,
) -> Table:
    """Label/value rows (a form-like block), zebra-striped, wrapping values; `columns` pairs
    side by side make a compact block."""
    label_w = width * label_fraction / columns
    value_w = width * (1 - label_fraction) / columns
    widths = [label_w, value_w] * columns
    cells = [(para(label, "cell_label"), _cell(value, "cell")) for label, value in pairs]
    rows: list[list[Flowable | str]] = []
    for start in range(0, len(cells), columns):
        chunk = cells[start : start + columns]
        row: list[Flowable | str] = [c for pair in chunk for c in pair]
        rows.append(row + [""] * (2 * columns - len(row)))
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(0, len(rows), 2)]
    table.setStyle(table_style(commands))
    table.spaceBefore, table.spaceAfter = 2, 8
    return table


def check_item(done: bool, text_markup: str) -> Paragraph:
    """One checklist line with a ballot box (☑ ticked from the case data, ☐ open)."""
    box, colour = (BOX_DONE, "#1e7a46") if done else (BOX_OPEN, "#1f2933")
    return Paragraph(f'<bullet color="{colour}">{box}</bullet>{text_markup}', stylesheet()["check"])


def signature_block(width: float, labels: Sequence[str]) -> Table:
    """Lines to sign on, side by side, each with its label under it (one row: never split)."""
    count = len(labels)
    gap = 10 * mm
    col = (width - gap * (count - 1)) / count
    cells: list[Flowable | str] = []
    widths: list[float] = []
    for i, label in enumerate(labels):
        if i:
            cells.append("")
            widths.append(gap)
        cells.append(para(label, "small"))
        widths.append(col)
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("LINEABOVE", (c, 0), (c, 0), 0.7, INK) for c in range(0, len(cells), 2)
    ]
    commands += [("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 2)]
    table.setStyle(table_style(commands))
    table.spaceBefore = 12 * mm
    return table


def boxed(flowables: list[Flowable], *, width: float, border: colors.Color = ACCENT) -> Table:
    """A framed card around some flowables (the taxi card)."""
    table = Table([[flowables]], colWidths=[width])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, border),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return table
