"""Workstations saving at the same moment (issue 12, item 4), on SQLite and, with
CASEAPP_TEST_PG_URL, on PostgreSQL: new cases all get their own reference, and one interpreter
is never booked twice for overlapping times (the others get the usual clash sentence).

Threads start together at a barrier; each round is checked, so a lost race fails the test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest

from caseapp.services import cases, interpreters
from caseapp.services.context import ServiceContext
from caseapp.services.demo import build_demo
from caseapp.services.errors import DomainError
from caseapp.services.staff import actor_for
from tests.services import pipeline_steps as steps

T = TypeVar("T")
WORKSTATIONS = 4


def at_once(n: int, work: Callable[[int], T]) -> list[tuple[str, T | DomainError]]:
    """Run work(0..n-1) in n threads released together; ('ok', result) or ('refused', error)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = ("ok", work(i))
        except DomainError as exc:
            results[i] = ("refused", exc)
        except BaseException as exc:
            results[i] = ("crashed", exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(not t.is_alive() for t in threads), "a workstation hung"
    crashed = [r for r in results if r[0] == "crashed"]
    assert not crashed, crashed
    return results


@pytest.fixture
def facilitator(system_ctx: ServiceContext) -> ServiceContext:
    build_demo(system_ctx, cases=0, seed=1)
    return system_ctx.as_actor(actor_for(system_ctx, "fatima"))


def test_simultaneous_new_cases_each_get_their_own_reference(facilitator: ServiceContext) -> None:
    refs: list[str] = []
    for _round in range(3):
        results = at_once(WORKSTATIONS, lambda _i: steps.new_case(facilitator, companions=0))
        assert [kind for kind, _ in results] == ["ok"] * WORKSTATIONS, results
        refs += [str(ref) for _, ref in results]
    assert len(set(refs)) == len(refs) == 3 * WORKSTATIONS
    listed = {row.ref for row in cases.list_cases(facilitator)}
    assert set(refs) <= listed


def test_one_interpreter_is_never_booked_twice_for_the_same_slot(
    facilitator: ServiceContext,
) -> None:
    refs = [steps.new_case(facilitator, companions=0) for _ in range(WORKSTATIONS)]
    first = steps.china(steps.ARRIVAL, 9)
    interpreter = interpreters.suggest_interpreters(
        facilitator, refs[0], first, first + timedelta(hours=2)
    )[0].interpreter
    for round_ in range(4):
        start = first + timedelta(days=round_)

        def book(i: int, start: Any = start) -> object:
            # each workstation a slightly different overlapping slot of its own case
            data = interpreters.AppointmentInput(
                "Consultation",
                start + timedelta(minutes=10 * i),
                start + timedelta(hours=2),
                interpreter_id=interpreter.id,
            )
            return interpreters.save_appointment(facilitator, refs[i], data)

        results = at_once(WORKSTATIONS, book)
        kinds = [kind for kind, _ in results]
        assert kinds.count("ok") == 1, results
        for kind, outcome in results:
            if kind == "refused":
                assert isinstance(outcome, DomainError)
                assert f"{interpreter.name} is already booked at" in outcome.message
    slots = [
        interpreters.Slot(a.id, interpreter.id, a.starts_at, a.ends_at)
        for ref in refs
        for a in interpreters.appointments(facilitator, ref)
        if a.interpreter_id == interpreter.id
    ]
    assert len(slots) == 4
    assert not interpreters.overlapping_pairs(slots)
