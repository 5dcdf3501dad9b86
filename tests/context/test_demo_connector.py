"""DemoConnector and DemoDirectory honour the connector contracts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from context.connectors.base import Connector, Directory, Window
from context.connectors.demo import DemoConnector, DemoDirectory
from context.demo import Organisation, build_org
from context.manifest import assert_within_manifest
from context.models import SHIFT_EVENT, Employee, Source

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
MEI = "mei.chen@larkspurgoods.example"
ROSA = "rosa.ortiz@larkspurgoods.example"  # a store associate: shifts and IT tickets


@pytest.fixture(scope="module")
def org() -> Organisation:
    return build_org(now=NOW)


def employee(org: Organisation, upn: str) -> Employee:
    found = org.employee(upn)
    assert found is not None
    return found


def test_implements_the_protocols(org: Organisation) -> None:
    assert isinstance(DemoConnector(org), Connector) and DemoConnector.name == "demo"
    assert isinstance(DemoDirectory(org), Directory)


def test_manifest_declares_fideslang_categories(org: Organisation) -> None:
    manifest = DemoConnector(org).manifest()
    # What a fetch reads (the collection's 7 days), not how much the tenant holds (14).
    assert manifest.connector == "demo" and manifest.lookback_days == 7 < org.days
    assert DemoConnector(org, lookback_days=3).manifest().lookback_days == 3
    categories = {f.category for f in manifest.fields}
    assert {"user.name", "user.contact.email", "user.workplace"} <= categories
    assert {f.name: f.category for f in manifest.fields}["title"] == "user.content.private"
    assert all(c.split(".")[0] in {"user", "system"} for c in categories)


@pytest.mark.parametrize(
    ("start_days", "end_days"),
    [
        (14, 0),  # the whole fortnight
        (3, 0),  # the last three days
        (10, 5),  # a slice in the middle: nothing from either edge leaks in
    ],
)
async def test_fetch_respects_the_window(org: Organisation, start_days: int, end_days: int) -> None:
    window = Window(start=NOW - timedelta(days=start_days), end=NOW - timedelta(days=end_days))
    connector = DemoConnector(org, lookback_days=14)
    result = await connector.fetch(employee(org, MEI), window)
    expected = [i for i in org.items(MEI) if window.start <= i.when < window.end]
    assert result.items == expected and expected
    [access] = result.accesses
    assert access.connector == "demo" and access.items == len(expected) and access.status == "ok"
    assert_within_manifest(connector.manifest(), access.endpoint, access.fields)


async def test_shifts_and_it_tickets_are_read_over_the_sparse_look_back(org: Organisation) -> None:
    connector = DemoConnector(org, lookback_days=7, sparse_lookback_days=14)
    assert connector.manifest().lookback_days == 14  # the most it reads
    window = Window(start=NOW - timedelta(days=14), end=NOW)
    week_ago = NOW - timedelta(days=7)
    office = (await connector.fetch(employee(org, MEI), window)).items
    assert office and all(i.when >= week_ago for i in office)  # mail, meetings: one week
    rosa = (await connector.fetch(employee(org, ROSA), window)).items
    older = [i for i in rosa if i.when < week_ago]
    assert older and {i.source for i in rosa} == {Source.SHIFTS, Source.ITSM}
    requests = [i for i in older if i.extra.get(SHIFT_EVENT) in ("swap", "time_off")]
    assert requests or any(i.source is Source.ITSM for i in older)  # last week's requests too


async def test_fetch_for_someone_outside_the_tenant_is_empty(org: Organisation) -> None:
    stranger = Employee(
        upn="eve@attacker.example", name="Eve Mallory", title="", department="", role="engineer"
    )
    result = await DemoConnector(org).fetch(stranger, Window(NOW - timedelta(days=14), NOW))
    assert result.items == [] and result.accesses[0].status == "not_found"


async def test_directory_lookups(org: Organisation) -> None:
    directory = DemoDirectory(org)
    assert (await directory.get_employee(MEI)) == org.employee(MEI)
    assert (await directory.get_employee("MEI.CHEN@larkspurgoods.example")) is not None
    assert await directory.get_employee("nobody@larkspurgoods.example") is None
    assert len(await directory.list_employees()) == len(org.employees)
    profile = await directory.public_profile(MEI)
    assert profile is not None and profile.name == "Mei Chen"
    assert await directory.public_profile("nobody@larkspurgoods.example") is None
