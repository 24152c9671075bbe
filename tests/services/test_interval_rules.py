"""Property-based tests of the interval rules: lodging night coverage and interpreter overlap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseapp.services.interpreters import Slot, overlapping_pairs
from caseapp.services.lodging import night_coverage

BASE = date(2027, 1, 1)
stays = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 30)).map(
        lambda t: (BASE + timedelta(days=t[0]), BASE + timedelta(days=t[0] + t[1]))
    ),
    max_size=6,
)


def nights_of(runs: tuple[tuple[date, date], ...]) -> set[date]:
    out = set()
    for first, last in runs:
        day = first
        while day <= last:
            out.add(day)
            day += timedelta(days=1)
    return out


@given(stays, st.integers(0, 40), st.integers(1, 50))
def test_gaps_are_exactly_the_uncovered_nights(bookings, start, length) -> None:
    arrival = BASE + timedelta(days=start)
    departure = arrival + timedelta(days=length)
    cov = night_coverage(arrival, departure, bookings)
    stay_nights = {arrival + timedelta(days=i) for i in range(length)}
    covered = {n for n in stay_nights if any(ci <= n < co for ci, co in bookings)}
    assert nights_of(cov.gaps) == stay_nights - covered


@given(stays, st.integers(0, 40), st.integers(1, 50))
def test_overlaps_are_exactly_the_double_booked_nights(bookings, start, length) -> None:
    arrival = BASE + timedelta(days=start)
    cov = night_coverage(arrival, arrival + timedelta(days=length), bookings)
    counted: dict[date, int] = {}
    for ci, co in bookings:
        for i in range((co - ci).days):
            counted[ci + timedelta(days=i)] = counted.get(ci + timedelta(days=i), 0) + 1
    assert nights_of(cov.overlaps) == {n for n, c in counted.items() if c > 1}


@given(st.integers(0, 40), st.integers(1, 50), st.integers(1, 49))
def test_back_to_back_bookings_cover_the_stay_completely(start, length, cut) -> None:
    arrival = BASE + timedelta(days=start)
    departure = arrival + timedelta(days=length)
    middle = arrival + timedelta(days=min(cut, length))
    cov = night_coverage(arrival, departure, [(arrival, middle), (middle, departure)]
                         if middle < departure else [(arrival, departure)])  # fmt: skip
    assert cov.complete


T0 = datetime(2027, 3, 1, tzinfo=UTC)
slots = st.lists(
    st.tuples(st.integers(1, 3), st.integers(0, 48), st.integers(1, 6)), max_size=10
).map(
    lambda items: [
        Slot(i, interp, T0 + timedelta(hours=start), T0 + timedelta(hours=start + length))
        for i, (interp, start, length) in enumerate(items)
    ]
)


@given(slots)
def test_overlap_pairs_match_brute_force(items) -> None:
    expected = {
        (a.booking_id, b.booking_id)
        for a in items
        for b in items
        if a.booking_id < b.booking_id
        and a.interpreter_id == b.interpreter_id
        and a.starts_at < b.ends_at
        and b.starts_at < a.ends_at
    }
    assert overlapping_pairs(items) == expected


def test_touching_appointments_do_not_overlap() -> None:
    a = Slot(1, 7, T0, T0 + timedelta(hours=2))
    b = Slot(2, 7, T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    assert overlapping_pairs([a, b]) == set()
