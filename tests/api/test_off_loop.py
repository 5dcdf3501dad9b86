"""Storage runs off the event loop (issue 17): while one request's commit is held, another
request of the same process, on the same event loop, completes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from api.main import create_app
from api.offload import size_threads
from tests.api.conftest import Deskguard

HELD_AT_MOST = 30.0  # a safety net only: the assertions are about order, not time


@contextmanager
def first_commit_held(dg: Deskguard) -> Iterator[tuple[threading.Event, threading.Event]]:
    """(held, released): the first commit after entering waits until `released` is set;
    `held` is set once it waits. Later commits pass."""
    held, released = threading.Event(), threading.Event()

    def hold(connection: Any) -> None:
        if not held.is_set():
            held.set()
            if not released.wait(HELD_AT_MOST):
                released.set()  # timed out: the loop was stalled until now

    event.listen(dg.runtime.db.engine, "commit", hold)
    try:
        yield held, released
    finally:
        released.set()
        event.remove(dg.runtime.db.engine, "commit", hold)


def test_a_held_commit_does_not_stall_another_request(dg: Deskguard) -> None:
    everyone = asyncio.run(dg.runtime.directory.list_employees())
    upns = [e.upn for e in everyone if e.role != "it_admin"][:2]  # no notice to the employee
    earlier = dg.start(upns[0])
    responses: dict[str, Any] = {}
    client = TestClient(create_app(dg.runtime))
    with client, first_commit_held(dg) as (held, released):  # one event loop for both requests
        body = {"employee": upns[1], "action": "password_reset"}
        slow = threading.Thread(
            target=lambda: responses.setdefault(
                "start", client.post("/v1/verifications", json=body, headers=dg.keys["helpdesk"])
            )
        )
        slow.start()
        assert held.wait(HELD_AT_MOST)  # the start's first commit (its limit counts) waits
        read = client.get(f"/v1/verifications/{earlier['id']}", headers=dg.keys["security"])
        completed_while_held = not released.is_set()
        released.set()
        slow.join(HELD_AT_MOST)
    assert read.status_code == 200 and read.json()["id"] == earlier["id"]
    assert completed_while_held, "the read waited for the held commit: storage is on the loop"
    assert responses["start"].status_code == 201


def test_worker_threads_are_bounded_by_the_connection_pool(dg: Deskguard) -> None:
    import anyio
    import anyio.to_thread

    async def sized() -> float:
        size_threads(dg.runtime.db)
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(sized) == dg.runtime.db.capacity
    pool = dg.runtime.db.engine.pool
    assert dg.runtime.db.capacity == pool.size() + pool._max_overflow  # type: ignore[attr-defined]


def test_a_decision_committed_between_the_two_reads_is_no_tampering(dg: Deskguard) -> None:
    """A reader that loads the row just before another request commits its decision, then the
    audit record just after, sees them disagree: read again, it is served, not a 500
    integrity_error (what one of two concurrent submissions answered once storage ran in
    threads)."""
    everyone = asyncio.run(dg.runtime.directory.list_employees())
    upn = next(e.upn for e in everyone if e.role != "it_admin")
    vid = dg.start(upn)["id"]
    stale = dg.runtime.db.get_verification(vid)  # as read before the decision
    details = dg.truth(vid)["question_details"]
    answers = [{"question_id": q["id"], "response": q["expected"]} for q in details]
    decided = dg.client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": answers}, headers=dg.keys["helpdesk"]
    )
    assert decided.status_code == 200
    reads = iter([stale])
    real = dg.runtime.db.get_verification
    dg.runtime.db.get_verification = lambda i: next(reads, None) or real(i)  # type: ignore[method-assign]
    again = dg.client.post(
        f"/v1/verifications/{vid}/answers", json={"answers": answers}, headers=dg.keys["helpdesk"]
    )
    assert again.status_code == 409, again.text  # already answered, not integrity_error
