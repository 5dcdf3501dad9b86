"""The employee's own IT tickets as context: ServiceNow through pysnc against the fake Table API
(HTTPS with a test CA), only the declared fields, never descriptions or work notes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from pydantic import SecretStr

from context.collect import window_for
from context.config import ServiceNowSourceConfig
from context.connectors.base import ConnectorError
from context.connectors.servicenow import ServiceNowConnector
from context.manifest import assert_within_manifest
from context.models import Employee, ItemKind, Source
from context.registry import known_connectors
from tests.fakes.local_http import Reply
from tests.fakes.servicenow_server import ABEL, FakeServiceNow

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
ABEL_EMPLOYEE = Employee(
    upn="abel.tuter@example.com",
    name="Abel Tuter",
    title="Store Associate",
    department="Store 7",
    role="store_associate",
)
GROUP = "8a4dde73c6112278017a6a4baf547aa7"


@pytest.fixture
def sn() -> Iterator[FakeServiceNow]:
    fake = FakeServiceNow(groups={GROUP: "Store Support"})
    fake.add(
        "incident",
        "1" * 32,
        number="INC0010023",
        caller_id=ABEL,
        short_description="Handheld scanner will not charge",
        description="My scanner, serial 42, and a note about my health",
        category="hardware",
        opened_at="2026-11-23 15:04:00",
        resolved_at="2026-11-24 09:00:00",
        assignment_group=GROUP,
    )
    fake.add(
        "incident",
        "2" * 32,
        number="INC0010001",
        caller_id=ABEL,
        short_description="Old ticket",
        opened_at="2026-10-01 10:00:00",
    )
    fake.add(
        "sc_req_item",
        "3" * 32,
        number="RITM0010007",
        requested_for=ABEL,
        short_description="Replacement charger for the delivery scanner",
        cat_item="Accessories",
        opened_at="2026-11-21 12:00:00",
        assignment_group=GROUP,
    )
    fake.add(
        "incident",
        "4" * 32,
        number="INC0010099",
        caller_id="5137153cc611227c000bbd1bd8cd2005",  # someone else's
        short_description="Not Abel's",
        opened_at="2026-11-23 10:00:00",
    )
    fake.start()
    yield fake
    fake.stop()


def connector(fake: FakeServiceNow, **kw: object) -> ServiceNowConnector:
    values: dict[str, object] = {
        "instance": fake.url,
        "ca_bundle": fake.ca_file,
        "username": fake.username,
        "password": SecretStr(fake.password),
    }
    return ServiceNowConnector(ServiceNowSourceConfig.model_validate(values | kw))


async def test_the_callers_own_recent_tickets_become_items(sn: FakeServiceNow) -> None:
    result = await connector(sn).fetch(ABEL_EMPLOYEE, WINDOW)
    by_number = {i.identifiers["ticket_key"]: i for i in result.items}
    assert set(by_number) == {"INC0010023", "RITM0010007"}  # not the old one, not another's
    incident = by_number["INC0010023"]
    assert incident.source == Source.ITSM and incident.kind == ItemKind.TICKET
    assert incident.title == "Handheld scanner will not charge"
    assert incident.extra["category"] == "hardware"
    assert incident.extra["assignment_group"] == "Store Support"
    assert incident.when == datetime(2026, 11, 23, 15, 4, tzinfo=UTC) and incident.end
    assert incident.audience.size == 10 and incident.audience.group == "IT agents"
    assert "health" not in incident.model_dump_json()
    assert by_number["RITM0010007"].extra["category"] == "Accessories"


async def test_only_the_declared_fields_are_asked_for(sn: FakeServiceNow) -> None:
    source = connector(sn)
    result = await source.fetch(ABEL_EMPLOYEE, WINDOW)
    manifest = source.manifest()
    tables = [r for r in sn.server.requests if r.path.startswith("/api/now/table/")]
    assert tables
    for request in tables:
        fields = [f for f in (request.param("sysparm_fields") or "").split(",") if f]
        assert fields and "description" not in fields and "work_notes" not in fields
        assert_within_manifest(manifest, unquote(request.path), fields)
    for access in result.accesses:
        assert_within_manifest(manifest, access.endpoint, access.fields)


async def test_no_account_is_no_tickets_and_a_refusal_fails_the_source(
    sn: FakeServiceNow,
) -> None:
    stranger = ABEL_EMPLOYEE.model_copy(update={"upn": "nobody@example.com"})
    assert (await connector(sn).fetch(stranger, WINDOW)).items == []
    with pytest.raises(ConnectorError) as failure:
        await connector(sn, password=SecretStr("wrong-password")).fetch(ABEL_EMPLOYEE, WINDOW)
    assert "wrong-password" not in str(failure.value)
    sn.down = True
    with pytest.raises(ConnectorError):
        await connector(sn).fetch(ABEL_EMPLOYEE, WINDOW)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (401, "the service account was refused (AuthenticationException, HTTP 401)"),
        (403, "the service account was refused (RoleException, HTTP 403)"),
        (404, "request failed (NotFoundException, HTTP 404)"),
        (429, "request failed (RequestException, HTTP 429)"),  # recorded by the session hook
        (503, "request failed (RequestException, HTTP 503)"),
    ],
)
async def test_the_failure_reason_names_the_http_status_pysnc_exposes(
    sn: FakeServiceNow, status: int, reason: str
) -> None:
    body = {"error": {"message": "no", "detail": "https://x?token=s3cr3t"}, "status": "failure"}
    sn.server.route = lambda request: Reply(status, body)
    with pytest.raises(ConnectorError) as failure:
        await connector(sn).fetch(ABEL_EMPLOYEE, WINDOW)
    assert str(failure.value) == f"servicenow: {reason}"


def test_servicenow_is_registered() -> None:
    assert "servicenow" in known_connectors()


JSM_USER = {
    "name": "abel.tuter",
    "key": "JIRAUSER10100",
    "emailAddress": "abel.tuter@example.com",
    "displayName": "Abel Tuter",
}


def jsm_request(key: str, summary: str, created: str, **more: object) -> dict[str, object]:
    return {
        "id": key.split("-")[1],
        "key": key,
        "fields": {
            "summary": summary,
            "issuetype": {"name": "Get IT help"},
            "created": created,
            "resolutiondate": None,
            "description": "a long description with personal details",
            "comment": {"comments": [{"body": "private"}]},
            **more,
        },
    }


async def test_jsm_requests_become_items_without_descriptions() -> None:
    from context.config import JsmSourceConfig
    from context.connectors.jsm import JsmConnector
    from tests.fakes.jsm_server import FakeJSM

    fake = FakeJSM(
        users=[JSM_USER],
        requests=[
            jsm_request(
                "HD-4471", "Till 3 will not print receipts", "2026-11-23T14:05:00.000+0000"
            ),
            jsm_request("HD-4100", "Old request", "2026-10-02T09:00:00.000+0000"),
        ],
    ).start()
    try:
        source = JsmConnector(JsmSourceConfig(url=fake.url, token=SecretStr("pat")))
        result = await source.fetch(ABEL_EMPLOYEE, WINDOW)
    finally:
        fake.stop()
    (item,) = result.items
    assert item.identifiers["ticket_key"] == "HD-4471" and item.source == Source.ITSM
    assert item.title == "Till 3 will not print receipts"
    assert item.extra == {"category": "Get IT help"}
    assert "personal" not in item.model_dump_json()
    searches = [r for r in fake.server.requests if r.path == "/rest/api/2/search"]
    asked = [f for v in searches[0].query.get("fields", []) for f in v.split(",")]
    assert asked == ["summary", "issuetype", "created", "resolutiondate"]
    assert "changelog" not in (searches[0].param("expand") or "")
    assert 'reporter = "abel.tuter"' in (searches[0].param("jql") or "")
    for access in result.accesses:
        assert_within_manifest(source.manifest(), access.endpoint, access.fields)
