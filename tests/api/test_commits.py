"""At most two commits per flow (issue 17): a start commits its limit counts, then the row with
its audit records, what it asks about and the ticket's outbox row; an answer commits its claim,
then the decision. Counted by a SQLAlchemy listener on the engine's commits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from api.storage import AuditRow
from tests.api.conftest import Deskguard


@contextmanager
def commits(dg: Deskguard) -> Iterator[Callable[[], int]]:
    seen: list[object] = []

    def count(connection: Any) -> None:
        seen.append(connection)

    event.listen(dg.runtime.db.engine, "commit", count)
    try:
        yield lambda: len(seen)
    finally:
        event.remove(dg.runtime.db.engine, "commit", count)


def audit_events(dg: Deskguard, verification_id: str) -> list[str]:
    with dg.runtime.db.session() as session:
        query = select(AuditRow.event).where(AuditRow.verification_id == verification_id)
        return list(session.scalars(query.order_by(AuditRow.seq)))


def employees(dg: Deskguard, *, privileged: bool) -> list[str]:
    """Employees whose pseudonymous key exists (made once, on an employee's first record)."""
    everyone = asyncio.run(dg.runtime.directory.list_employees())
    chosen = [e.upn for e in everyone if (e.role == "it_admin") == privileged]
    for upn in chosen:
        dg.runtime.audit.pseudonyms.of(upn)
    return chosen


def test_a_start_and_an_answer_commit_twice_each(dg: Deskguard) -> None:
    upn = employees(dg, privileged=False)[0]
    with commits(dg) as counted:
        started = dg.start(upn, caller={"number": "+1 312 555 0199"})
        assert started["status"] == "pending"
        assert counted() == 2  # limits and velocity; the row with its audit record
    truth = dg.truth(started["id"])
    details = truth["question_details"]
    answers = [{"question_id": q["id"], "response": q["expected"]} for q in details]
    with commits(dg) as counted:
        decided = dg.client.post(
            f"/v1/verifications/{started['id']}/answers",
            json={"answers": answers},
            headers=dg.keys["helpdesk"],
        )
        assert decided.json()["decision"] == "allow"
        assert counted() == 2  # the grading claim; the decision with its audit record
    assert audit_events(dg, started["id"]) == ["verification.started", "verification.decided"]


def test_a_start_decided_before_asking_commits_twice_in_chain_order(dg: Deskguard) -> None:
    first, second = employees(dg, privileged=False)[:2]  # no notice to the employee
    caller = {"number": "+1 312 555 0142"}
    dg.start(first, caller=caller)
    with commits(dg) as counted:
        flagged = dg.start(second, caller=caller)  # one number, two employees: escalate
        assert flagged["decision"] == "escalate"
        assert counted() == 2
    assert audit_events(dg, flagged["id"]) == ["verification.started", "verification.decided"]
    assert dg.client.get("/v1/audit", headers=dg.keys["auditor"]).json()["intact"] is True


def test_a_told_escalation_adds_one_commit_for_the_notice(dg: Deskguard) -> None:
    """An escalated reset of a privileged employee is told to them after the decision is
    saved: the notice's record and its dispute link are the flow's one further commit."""
    admin = employees(dg, privileged=True)[0]
    other = employees(dg, privileged=False)[0]
    caller = {"number": "+1 312 555 0143"}
    dg.start(other, caller=caller)
    with commits(dg) as counted:
        flagged = dg.start(admin, caller=caller)
        assert flagged["decision"] == "escalate"
        assert counted() == 3
    started, decided, told = audit_events(dg, flagged["id"])
    assert (started, decided) == ("verification.started", "verification.decided")
    assert told in ("notification.sent", "notification.failed")  # no channel on the demo
