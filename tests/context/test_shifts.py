"""ShiftsConnector: the real msgraph-sdk against a fake Teams Shifts in Graph's documented
shapes; and the workforce-management file source (CSV and JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from pydantic import SecretStr

from context.collect import window_for
from context.config import ShiftsConfig, WorkforceFileConfig
from context.connectors.base import ConnectorError
from context.connectors.shifts import ShiftsConnector
from context.connectors.wfm import WorkforceFileConnector
from context.manifest import assert_within_manifest
from context.models import SHIFT_EVENT, AudienceScope, Employee, ItemKind, ShiftEvent, Source
from context.registry import build_connectors, known_connectors
from tests.fakes.local_http import Reply
from tests.fakes.shifts_server import ACTS_AS_USER, STORE, TEAM, UPN, FakeShifts

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # a Wednesday, noon in Chicago
WINDOW = window_for(NOW, 7)
ROSA = Employee(
    upn=UPN, name="Rosa Ortiz", title="Store Associate", department="Stores", role="associate"
)


@pytest.fixture
def shifts() -> Iterator[FakeShifts]:
    fake = FakeShifts(NOW)
    fake.server.start()
    yield fake
    fake.server.stop()


def connector(fake: FakeShifts, **kw: object) -> ShiftsConnector:
    values: dict[str, object] = {
        "base_url": fake.base_url,
        "access_token": SecretStr("app-token"),
        "timeout_seconds": 2.0,
        "retry_budget_seconds": 1.0,
        "teams": [TEAM],
        "acts_as": ACTS_AS_USER,
    }
    return ShiftsConnector(ShiftsConfig.model_validate(values | kw))


def by_event(items: list, event: ShiftEvent) -> list:
    return [i for i in items if i.extra.get(SHIFT_EVENT) == event.value]


async def test_rostered_shifts_carry_store_department_and_the_rotas_audience(
    shifts: FakeShifts,
) -> None:
    result = await connector(shifts).fetch(ROSA, WINDOW)
    rostered = by_event(result.items, ShiftEvent.SHIFT)
    assert sorted(i.title for i in rostered) == ["Early", "Late"]  # not deleted, not bare
    assert {i.extra["department"] for i in rostered} == {"Checkout", "Stockroom"}
    for item in rostered:
        assert item.source == Source.SHIFTS and item.kind == ItemKind.SHIFT
        assert item.extra["store"] == STORE and item.end and item.end > item.when
        assert item.audience.scope == AudienceScope.SCHEDULE and item.audience.group == STORE
        assert item.audience.size == 2  # three people on the rota: two besides Rosa
        assert "notes" not in item.extra and "inventory" not in item.title.lower()
    assert result.skipped == 1  # the swap whose partner is not in the directory


async def test_a_swap_names_the_partner_and_only_they_and_the_manager_know(
    shifts: FakeShifts,
) -> None:
    result = await connector(shifts).fetch(ROSA, WINDOW)
    (swap,) = by_event(result.items, ShiftEvent.SWAP)
    assert [p.name for p in swap.participants] == ["Jamal Brooks"]
    assert swap.when.weekday() == 6  # her own Sunday shift
    assert swap.extra["state"] == "approved"
    assert swap.audience.scope == AudienceScope.PARTICIPANTS and swap.audience.size == 2


async def test_time_off_never_carries_the_reason_and_approved_time_off_is_on_the_rota(
    shifts: FakeShifts,
) -> None:
    result = await connector(shifts).fetch(ROSA, WINDOW)
    time_off = {i.extra["state"]: i for i in by_event(result.items, ShiftEvent.TIME_OFF)}
    assert set(time_off) == {"pending", "approved"}
    assert time_off["pending"].audience.size == 1  # the manager
    assert time_off["approved"].audience.scope == AudienceScope.SCHEDULE
    dumped = json.dumps([i.model_dump(mode="json") for i in time_off.values()])
    assert "TOR_" not in dumped and "sick" not in dumped.lower()
    (picked,) = by_event(result.items, ShiftEvent.OPEN_SHIFT)
    assert picked.title == "Inventory count" and picked.extra["department"] == "Stockroom"


async def test_every_request_is_inside_the_manifest_and_acts_as_the_configured_user(
    shifts: FakeShifts,
) -> None:
    shift_connector = connector(shifts)
    result = await shift_connector.fetch(ROSA, WINDOW)
    manifest = shift_connector.manifest()
    assert shifts.server.requests
    for request in shifts.server.requests:
        path = unquote(request.path).removeprefix("/v1.0")
        fields = [f for f in (request.param("$select") or "").split(",") if f]
        assert_within_manifest(manifest, path, fields)
        assert request.headers.get("ms-app-acts-as") == ACTS_AS_USER
    for access in result.accesses:
        assert_within_manifest(manifest, access.endpoint, access.fields)
    listed = [r for r in shifts.server.requests if r.path.endswith("/schedule/shifts")]
    assert "sharedShift/startDateTime ge" in (listed[0].param("$filter") or "")
    assert len(listed) > 1  # followed @odata.nextLink
    assert not any("not-a-schedule-team" in r.path for r in shifts.server.requests)


async def test_an_unknown_employee_has_no_shifts_and_a_failing_schedule_fails_the_source(
    shifts: FakeShifts,
) -> None:
    stranger = ROSA.model_copy(update={"upn": "nobody@larkspur.example"})
    assert (await connector(shifts).fetch(stranger, WINDOW)).items == []
    shifts.server.script("/v1.0/teams/", Reply(500, {"error": {"code": "x", "message": "y"}}))
    with pytest.raises(ConnectorError, match="HTTP 500"):
        await connector(shifts).fetch(ROSA, WINDOW)


def test_both_shift_sources_are_registered() -> None:
    assert {"shifts", "wfm"} <= set(known_connectors())
    built = build_connectors(["shifts", "wfm"], shifts=ShiftsConfig(), wfm=WorkforceFileConfig())
    assert [c.name for c in built] == ["shifts", "wfm"]
    categories = {f.category for c in built for f in c.manifest().fields}
    assert {c.split(".")[0] for c in categories} == {"user", "system"}
    assert all(c.manifest().data_use == "essential.service.security" for c in built)


def _rows(day: datetime) -> list[dict[str, str]]:
    at = day.replace(hour=13, minute=0, second=0, microsecond=0)
    iso = (at - timedelta(days=1)).isoformat()
    return [
        {"employee": UPN, "store": "Store 7", "start": iso, "end": "", "department": "Bakery"},
        {"employee": "b@x.example", "store": "Store 7", "start": iso},
        {"employee": "c@x.example", "store": "Store 7", "start": iso},
        {"employee": "d@x.example", "store": "Store 9", "start": iso},
        {
            "employee": UPN.upper(),
            "store": "Store 7",
            "start": (at - timedelta(days=3)).isoformat(),
            "event": "swap",
            "with": "Ben Walsh",
            "state": "approved",
        },
        {"employee": UPN, "store": "Store 7", "start": "yesterday"},  # malformed: skipped
        {"employee": UPN, "store": "Store 7", "start": (at - timedelta(days=30)).isoformat()},
        {
            "employee": UPN,
            "store": "Store 7",
            "start": (at - timedelta(days=2)).isoformat(),
            "event": "time_off",
            "state": "declined",
        },
    ]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
async def test_the_workforce_file_gives_the_same_items(tmp_path: Path, suffix: str) -> None:
    rows = _rows(NOW)
    path = tmp_path / f"export{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(rows), encoding="utf-8")
    else:
        header = ["employee", "store", "start", "end", "department", "event", "with", "state"]
        lines = [",".join(header)] + [",".join(r.get(h, "") for h in header) for r in rows]
        path.write_text("\n".join(lines), encoding="utf-8")
    source = WorkforceFileConnector(WorkforceFileConfig(path=str(path)))
    result = await source.fetch(ROSA, WINDOW)
    assert result.skipped == 1
    (shift,) = by_event(result.items, ShiftEvent.SHIFT)
    assert shift.extra == {SHIFT_EVENT: "shift", "store": "Store 7", "department": "Bakery"}
    assert shift.audience.size == 2  # b and c are on Store 7's rota; d is at another store
    (swap,) = by_event(result.items, ShiftEvent.SWAP)
    assert swap.participants[0].name == "Ben Walsh" and swap.audience.size == 2
    (off,) = by_event(result.items, ShiftEvent.TIME_OFF)
    assert off.audience.size == 1 and off.extra["state"] == "declined"
    for access in result.accesses:
        assert_within_manifest(source.manifest(), access.endpoint, access.fields)


async def test_a_missing_workforce_file_fails_the_source(tmp_path: Path) -> None:
    with pytest.raises(ConnectorError, match="cannot read"):
        await WorkforceFileConnector(WorkforceFileConfig(path=str(tmp_path / "none.csv"))).fetch(
            ROSA, WINDOW
        )
    with pytest.raises(ConnectorError, match="DESKGUARD_WFM__PATH"):
        await WorkforceFileConnector(WorkforceFileConfig()).fetch(ROSA, WINDOW)
