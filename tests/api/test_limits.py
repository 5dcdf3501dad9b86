"""Throttling and velocity: starts are limited per employee, ticket, calling number and agent
(429 with Retry-After, JSON); one number or one ticket across employees is flagged on the
verification and escalates by policy. In the database by default; in Redis (the server on
127.0.0.1:6379, a unique key prefix per test) two replicas share the counts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from api.settings import LimitSettings
from tests.api.conftest import Clock, Deskguard, make_deskguard, settings_for

REDIS_URL = "redis://127.0.0.1:6379/0"


def limited_dg(data: Path, db: Path, clock: Clock | None = None, **extra: Any) -> Deskguard:
    settings = settings_for(data).model_copy(update={"database_url": f"sqlite:///{db}", **extra})
    return make_deskguard(settings, clock or Clock())


def start(dg: Deskguard, upn: str, key: str = "helpdesk", **extra: Any) -> Any:
    return dg.client.post(
        "/v1/verifications",
        json={"employee": upn, "action": "password_reset", **extra},
        headers=dg.keys[key],
    )


def employees(dg: Deskguard, n: int) -> list[str]:
    import asyncio

    return [e.upn for e in asyncio.run(dg.runtime.directory.list_employees())][:n]


@dataclass(frozen=True)
class Case:
    limit: str
    settings: dict[str, int]
    vary_employee: bool  # a limit on the ticket, number or agent holds across employees
    extra: dict[str, Any]


CASES = [
    Case("employee", {"starts_per_employee": 2}, False, {}),
    # One ticket / one number across employees also raises velocity flags; the limit still binds.
    Case("ticket", {"starts_per_ticket": 2}, True, {"ticket": {"system": "jsm", "id": "HD-9"}}),
    Case("caller", {"starts_per_caller": 2}, True, {"caller": {"number": "+1 312 555 0100"}}),
    Case("agent", {"starts_per_agent": 2}, True, {}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.limit)
def test_starts_beyond_a_limit_get_429(case: Case, demo_data_dir: Path, tmp_path: Path) -> None:
    dg = limited_dg(
        demo_data_dir, tmp_path / "l.db", limits=LimitSettings(window_seconds=600, **case.settings)
    )
    upns = employees(dg, 3)
    pick = (lambda n: upns[n]) if case.vary_employee else (lambda n: upns[0])
    assert [start(dg, pick(n), **case.extra).status_code for n in range(2)] == [201, 201]
    refused = start(dg, pick(2), **case.extra)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "600"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert case.limit in refused.json()["error"]["message"]
    dg.clock.advance(601)  # the window slides on
    assert start(dg, pick(2), **case.extra).status_code == 201


def test_one_number_across_employees_is_flagged_and_escalates(dg: Deskguard) -> None:
    first, second = employees(dg, 2)
    caller = {"number": "+1 (312) 555-0100", "channel": "phone"}
    assert start(dg, first, caller=caller).json()["status"] == "pending"
    flagged = start(dg, second, caller={"number": "+13125550100"}).json()  # the same number
    assert flagged["decision"] == "escalate"
    truth = dg.truth(flagged["id"])
    assert truth["velocity"] == ["caller_many_employees"]
    assert any("calling number asked about 2 employees in 24 h" in r for r in truth["reasons"])
    assert truth["caller"] == {"number": "+13125550100", "channel": "phone"}
    again = start(dg, first, caller=caller).json()  # the same employee again is not velocity
    assert dg.truth(again["id"])["velocity"] == ["caller_many_employees"]  # 2 employees seen


def test_one_ticket_across_employees_is_flagged(dg: Deskguard) -> None:
    first, second = employees(dg, 2)
    ticket = {"system": "jsm", "id": "HD-77"}
    assert dg.truth(start(dg, first, ticket=ticket).json()["id"])["velocity"] == []
    flagged = start(dg, second, ticket=ticket).json()
    assert flagged["decision"] == "escalate"
    assert dg.truth(flagged["id"])["velocity"] == ["ticket_many_employees"]


def test_a_bad_caller_number_is_422(dg: Deskguard) -> None:
    response = start(dg, employees(dg, 1)[0], caller={"number": "call me; DROP TABLE"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "caller.number"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis on 127.0.0.1:6379: {exc}")
    prefix = f"deskguard-test-{uuid.uuid4().hex[:8]}:"
    yield prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_replicas_share_limits_and_velocity_through_redis(
    redis_prefix: str, demo_data_dir: Path, tmp_path: Path
) -> None:
    shared = {
        "redis_url": SecretStr(REDIS_URL),
        "redis_prefix": redis_prefix,
        "limits": LimitSettings(starts_per_employee=2),
    }
    clock = Clock()  # two replicas with their own databases: only Redis is shared
    one = limited_dg(demo_data_dir, tmp_path / "one.db", clock, **shared)
    two = limited_dg(demo_data_dir, tmp_path / "two.db", clock, **shared)
    assert one.client.get("/readyz").json()["checks"]["limits"] == "ok"
    upn, other = employees(one, 2)
    assert start(one, upn).status_code == 201
    assert start(two, upn).status_code == 201
    assert start(one, upn).status_code == 429  # the third start, counted across replicas
    caller = {"number": "+44 20 7946 0000"}
    assert start(one, other, caller=caller).json()["status"] == "pending"
    flagged = start(two, upn := employees(two, 3)[2], caller=caller).json()
    assert flagged["decision"] == "escalate", upn
    assert two.truth(flagged["id"])["velocity"] == ["caller_many_employees"]
