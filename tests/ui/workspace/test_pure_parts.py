"""Widget-free parts: passport bands, timeline lanes, cost totals, audit wording."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from caseapp.services.lodging import night_coverage
from caseapp.services.treatment import CostRow
from caseapp.ui.workspace.bands import passport_band
from caseapp.ui.workspace.tabs.history import describe_changes
from caseapp.ui.workspace.tabs.treatment import cost_totals
from caseapp.ui.workspace.timeline import COVERED, GAP, OVERLAP, lanes

TODAY = date(2026, 11, 26)


def test_passport_bands() -> None:
    back = date(2027, 3, 1)
    assert passport_band(TODAY + timedelta(days=20), None, TODAY)[0] == "red"
    assert passport_band(date(2027, 8, 1), back, TODAY)[0] == "red"  # < 6 months after return
    assert passport_band(date(2027, 5, 1), None, TODAY)[0] == "amber"
    assert passport_band(date(2030, 1, 1), back, TODAY) == ("ok", "Valid until 2030-01-01.")


def test_timeline_lanes_mark_gaps_and_overlaps() -> None:
    a = date(2027, 1, 1)
    stays = [(a, a + timedelta(days=5)), (a + timedelta(days=4), a + timedelta(days=8))]
    cov = night_coverage(a, a + timedelta(days=10), stays)
    (lane,) = lanes(a, a + timedelta(days=10), {"Patient": cov})
    assert lane.nights == (COVERED,) * 4 + (OVERLAP,) + (COVERED,) * 3 + (GAP,) * 2


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 20)), max_size=6))
def test_lanes_agree_with_the_coverage_rule(spans: list[tuple[int, int]]) -> None:
    a = date(2027, 1, 1)
    stays = [(a + timedelta(days=s), a + timedelta(days=s + n)) for s, n in spans]
    end = a + timedelta(days=30)
    (lane,) = lanes(a, end, {"P": night_coverage(a, end, stays)})
    assert len(lane.nights) == 30
    for i, state in enumerate(lane.nights):
        night = a + timedelta(days=i)
        beds = sum(ci <= night < co for ci, co in stays)
        assert state == (GAP if beds == 0 else OVERLAP if beds > 1 else COVERED)


def test_cost_totals_convert_home_currency() -> None:
    rows = [
        CostRow(1, "apheresis", "", Decimal("1000"), Decimal("900"), "CNY", None),
        CostRow(2, "travel", "", Decimal("100"), None, "KZT", None),
        CostRow(3, "lodging", "", Decimal("50"), None, "EUR", None),
    ]
    est, act, est_home, act_home, others = cost_totals(rows, "KZT", Decimal("0.5"))
    assert (est, act) == (Decimal("1050"), Decimal("900"))
    assert (est_home, act_home) == (Decimal("2100"), Decimal("1800"))
    assert others == ["EUR"]


def test_audit_changes_in_words() -> None:
    text = describe_changes(
        {"check_out": ["2027-01-01", "2027-01-05"], "phone": ["•", "•"], "title": [None, "X"]}
    )
    assert text == "check_out: 2027-01-01 → 2027-01-05; phone: changed (hidden); title: X"
