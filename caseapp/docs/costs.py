"""Cost estimate: itemised estimated and actual costs, totals in CNY and the home currency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportlab.platypus import Flowable

from caseapp.docs import blocks
from caseapp.docs.data import CaseInfo, CostEstimateData, CostLine, DocumentSettings
from caseapp.docs.errors import MissingFact
from caseapp.docs.flowables import data_table, heading, para, title_block
from caseapp.docs.style import PdfDocument
from caseapp.docs.text import CENT, DASH, fmt_date, fmt_money

CATEGORY_ORDER = (
    "apheresis",
    "manufacturing",
    "infusion",
    "hospital stay",
    "monitoring",
    "medicines",
    "travel",
    "lodging",
    "interpreters",
    "follow-up",
)


@dataclass(frozen=True)
class CostTotals:
    """Sums in CNY (every line converted) and in the home currency at the case's rate."""

    estimated_cny: Decimal
    actual_cny: Decimal
    actual_lines: int
    estimated_home: Decimal
    actual_home: Decimal
    by_category: tuple[tuple[str, Decimal, Decimal], ...]  # category, estimated, actual (CNY)


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cny(amount: Decimal, currency: str, case: CaseInfo) -> Decimal:
    """A line's amount in CNY: CNY as is, the home currency at the case's rate."""
    if currency == "CNY":
        return amount
    if currency == case.home_currency:
        return amount * case.cny_per_home_unit
    raise MissingFact(
        f"The cost estimate has a line in {currency}, but {case.ref} only records a rate for "
        f"{case.home_currency}; enter the line in CNY or {case.home_currency}."
    )


def cost_totals(case: CaseInfo, lines: Sequence[CostLine]) -> CostTotals:
    if case.cny_per_home_unit <= 0:
        raise MissingFact(
            f"The cost estimate needs the exchange rate CNY per {case.home_currency}; "
            f"none is recorded for {case.ref}."
        )
    estimated = Decimal(0)
    actual = Decimal(0)
    categories: dict[str, list[Decimal]] = {}
    for line in lines:
        est = to_cny(line.estimated, line.currency, case)
        act = to_cny(line.actual, line.currency, case) if line.actual is not None else Decimal(0)
        estimated += est
        actual += act
        sums = categories.setdefault(line.category, [Decimal(0), Decimal(0)])
        sums[0] += est
        sums[1] += act
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    by_category = tuple(
        (name, _round(s[0]), _round(s[1]))
        for name, s in sorted(categories.items(), key=lambda kv: order.get(kv[0], len(order)))
    )
    rate = case.cny_per_home_unit
    return CostTotals(
        estimated_cny=_round(estimated),
        actual_cny=_round(actual),
        actual_lines=sum(line.actual is not None for line in lines),
        estimated_home=_round(estimated / rate),
        actual_home=_round(actual / rate),
        by_category=by_category,
    )


def render_cost_estimate(data: CostEstimateData, settings: DocumentSettings) -> bytes:
    case = data.case
    if not data.lines:
        raise MissingFact(
            f"The cost estimate needs at least one cost line; none is recorded for {case.ref}."
        )
    totals = cost_totals(case, data.lines)
    home = case.home_currency
    doc = PdfDocument(
        settings,
        title="Cost estimate",
        subject=f"Estimated and actual costs for {case.patient.full_name}",
        case_ref=case.ref,
    )
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    lines = sorted(data.lines, key=lambda ln: order.get(ln.category, len(order)))
    rows: list[list[str | Flowable]] = []
    for line in lines:
        description = line.description
        if line.currency != "CNY":
            description += f"\n(entered as {fmt_money(line.estimated, line.currency)})"
        actual = (
            fmt_money(to_cny(line.actual, line.currency, case), "CNY")
            if line.actual is not None
            else DASH
        )
        rows.append(
            [
                line.category.capitalize(),
                description,
                fmt_money(to_cny(line.estimated, line.currency, case), "CNY"),
                actual,
            ]
        )
    rows.append(
        [
            "Total",
            f"{len(lines)} lines; actual recorded for {totals.actual_lines}",
            fmt_money(totals.estimated_cny, "CNY"),
            fmt_money(totals.actual_cny, "CNY"),
        ]
    )
    rows.append(
        [
            f"Total in {home}",
            f"at 1 {home} = {case.cny_per_home_unit} CNY",
            fmt_money(totals.estimated_home, home),
            fmt_money(totals.actual_home, home),
        ]
    )
    summary_rows: list[list[str | Flowable]] = [
        [
            name.capitalize(),
            fmt_money(est, "CNY"),
            fmt_money(act, "CNY") if act else DASH,
            fmt_money(est / case.cny_per_home_unit, home),
        ]
        for name, est, act in totals.by_category
    ]
    story: list[Flowable] = [
        *title_block("Cost estimate", f"Issued {fmt_date(data.issued_on, long=True)}"),
        blocks.case_header(case, width=doc.width),
        heading("Itemised costs"),
        para(
            f"Amounts in Chinese yuan (CNY); totals also in {home} at the rate used for this "
            f"case: 1 {home} = {case.cny_per_home_unit} CNY. Costs are paid by {case.payer}."
        ),
        data_table(
            ["Category", "Description", "Estimated", "Actual"],
            rows,
            [1.7, 4.0, 2.0, 2.0],
            width=doc.width,
            right=(2, 3),
            footer_rows=2,
        ),
    ]
    if len(totals.by_category) < len(lines):  # a summary only adds something when lines share
        story += [
            heading("By category"),
            data_table(
                ["Category", "Estimated (CNY)", "Actual (CNY)", f"Estimated ({home})"],
                summary_rows,
                [2.4, 2.4, 2.4, 2.4],
                width=doc.width,
                right=(1, 2, 3),
            ),
        ]
    story.append(
        para(
            "Estimates follow the hospital's quotation and may change with the course of "
            "treatment; actual amounts are taken from receipts.",
            "small",
        )
    )
    return doc.build(story)
