"""Cost totals: CNY sums and the home-currency conversion."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.docs import MissingFact
from caseapp.docs.costs import cost_totals
from caseapp.docs.data import CostLine
from tests.docs import sample

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
rates = st.decimals(min_value=Decimal("0.001"), max_value=100, places=4, allow_nan=False)


def test_sample_totals() -> None:
    totals = cost_totals(sample.CASE, sample.COST_LINES)
    assert totals.estimated_cny == Decimal("327710.50")
    assert totals.actual_cny == Decimal("49991.20")
    assert totals.actual_lines == 4
    assert totals.estimated_home == Decimal("23078204.23")  # 327710.50 / 0.0142
    assert dict((c, e) for c, e, _ in totals.by_category)["travel"] == Decimal("6390.00")
    assert [c for c, _, _ in totals.by_category][:3] == ["apheresis", "manufacturing", "infusion"]


@given(st.lists(st.tuples(amounts, st.one_of(st.none(), amounts)), max_size=12), rates)
def test_totals_add_up_and_convert(
    pairs: list[tuple[Decimal, Decimal | None]], rate: Decimal
) -> None:
    case = dataclasses.replace(sample.CASE, cny_per_home_unit=rate)
    lines = [CostLine("monitoring", "x", est, act) for est, act in pairs]
    totals = cost_totals(case, lines)
    assert totals.estimated_cny == sum((e for e, _ in pairs), Decimal(0))
    assert totals.actual_cny == sum((a for _, a in pairs if a is not None), Decimal(0))
    # converting back is exact to within half a cent of the home total times the rate
    assert abs(totals.estimated_home * rate - totals.estimated_cny) <= rate / 2 + Decimal("0.005")


def test_zero_rate_is_a_missing_fact() -> None:
    case = dataclasses.replace(sample.CASE, cny_per_home_unit=Decimal(0))
    with pytest.raises(MissingFact, match="exchange rate CNY per KZT"):
        cost_totals(case, sample.COST_LINES)
