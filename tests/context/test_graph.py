"""GraphConnector and GraphDirectory: the real msgraph-sdk against a local fake Graph serving
recorded Microsoft 365 responses."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from context.collect import collect, window_for
from context.config import CollectionConfig, GraphConfig
from context.connectors.base import ConnectorError
from context.connectors.graph import EVENT_SELECT, MAIL_SELECT, GraphConnector
from context.connectors.graph_client import check_base_url, credential_for
from context.connectors.graph_directory import GraphDirectory
from context.connectors.graph_parse import parse_graph_time, role_for
from context.connectors.malformed import MalformedItem
from context.models import (
    ASSUMED_LARGE_AUDIENCE,
    MEETING_RESPONSE,
    AudienceScope,
    Employee,
    Involvement,
    MeetingResponse,
    Source,
)
from tests.fakes.graph_server import UPN, FakeGraph, recorded_messages
from tests.fakes.local_http import Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WINDOW = window_for(NOW, 7)
SECRET = "eyJ0eXAi-very-secret-token"
MEGAN = Employee(
    upn=UPN,
    name="Megan Bowen",
    title="Marketing Manager",
    department="Marketing",
    role="staff",
    aliases=("MeganB@M365x320864.OnMicrosoft.com",),
)


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph(NOW)
    fake.server.start()
    yield fake
    fake.server.stop()


def config(fake: FakeGraph, **kw: object) -> GraphConfig:
    values: dict[str, object] = {
        "base_url": fake.base_url,
        "access_token": SecretStr(SECRET),
        "timeout_seconds": 2.0,
        "retry_budget_seconds": 1.0,
    }
    return GraphConfig.model_validate(values | kw)


def calls(fake: FakeGraph, suffix: str) -> list[object]:
    return [r for r in fake.server.requests if r.path.endswith(suffix)]


async def test_calendar_and_mail_items_from_recordings(graph: FakeGraph) -> None:
    result = await GraphConnector(config(graph)).fetch(MEGAN, WINDOW)
    meetings = [i for i in result.items if i.source is Source.CALENDAR]
    mails = [i for i in result.items if i.source is Source.MAIL]
    assert [m.title for m in meetings] == [
        "Project Team Meeting",
        "Test Meeting",
        "Test Meeting",
        "Lunch with Lidia",
        "Budget sync",
    ]
    first = meetings[0]
    assert first.involvement is Involvement.ORGANIZER
    assert first.series_id is not None  # a recorded occurrence of a recurring series
    assert first.extra == {"location": "Conference Room - Stevens"}
    # the organizer (the employee) is not listed among the other participants
    assert "Megan Bowen" not in [p.name for p in first.participants]
    assert "Lidia Holloway" in [p.name for p in first.participants]
    # recorded in "Pacific Standard Time": 15:00 local is 23:00 UTC
    assert meetings[2].involvement is Involvement.ATTENDEE
    assert meetings[2].when == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert meetings[3].sensitivity == "private" and meetings[4].cancelled
    assert len(mails) == 5 and mails[0].title == "Merced Irrigation District"
    assert [p.role for p in mails[0].participants] == ["to"]
    # the recorded event without start/subject and the derived mail without subject
    assert result.skipped == 2


async def test_meetings_and_mails_know_only_the_people_on_them(graph: FakeGraph) -> None:
    result = await GraphConnector(config(graph)).fetch(MEGAN, WINDOW)
    for item in result.items:
        others = tuple(dict.fromkeys(p.name for p in item.participants))
        # attendees and organiser of a meeting, to and cc of a mail: the employee never counts
        assert item.audience.scope is AudienceScope.PARTICIPANTS
        assert item.audience.people == others and item.audience.size == len(others)
        assert "Megan Bowen" not in item.audience.people
    first = next(i for i in result.items if i.title == "Project Team Meeting")
    assert "Lidia Holloway" in first.audience.people and first.audience.reach == len(
        first.participants
    )


async def test_pages_are_followed_and_requests_are_minimal(graph: FakeGraph) -> None:
    await GraphConnector(config(graph)).fetch(MEGAN, WINDOW)
    calendar = calls(graph, "/calendarView")
    mail = calls(graph, "/messages")
    assert len(calendar) == 3 and len(mail) == 3  # 6 events and 6 mails in pages of 2
    first = calendar[0]
    assert first.param("$select") == ",".join(EVENT_SELECT)  # type: ignore[attr-defined]
    assert first.param("startDateTime") == "2026-11-18T12:00:00Z"  # type: ignore[attr-defined]
    assert first.param("endDateTime") == "2026-11-25T12:00:00Z"  # type: ignore[attr-defined]
    assert all(r.headers["prefer"] == 'outlook.timezone="UTC"' for r in calendar)  # type: ignore[attr-defined]
    assert mail[0].param("$select") == ",".join(MAIL_SELECT)  # type: ignore[attr-defined]
    assert mail[0].param("$filter") == (  # type: ignore[attr-defined]
        "sentDateTime ge 2026-11-18T12:00:00Z and sentDateTime lt 2026-11-25T12:00:00Z"
    )
    for request in graph.server.requests:
        assert request.headers["authorization"] == f"Bearer {SECRET}"
        assert "body" not in (request.param("$select") or "").lower()


async def test_429_with_retry_after_is_retried(graph: FakeGraph) -> None:
    graph.server.script(
        "/v1.0/users", Reply(429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": "0"})
    )
    result = await GraphConnector(config(graph)).fetch(MEGAN, WINDOW)
    assert len(result.items) == 10
    assert len(calls(graph, "/calendarView")) == 4  # the throttled call, then three pages


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        # Retry-After longer than the whole budget: give up at once instead of waiting
        (Reply(429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": "30"}), "HTTP 429"),
        (Reply(503, {"error": {"code": "ServiceUnavailable"}}, {"Retry-After": "30"}), "HTTP 503"),
        (Reply(500, {"error": {"code": "InternalServerError", "message": SECRET}}), "HTTP 500"),
        (Reply(200, {"value": []}, delay=1.0), "no answer within 0.3s"),
    ],
    ids=["429-over-budget", "503-over-budget", "500", "timeout"],
)
async def test_source_failure_is_a_connector_error_without_secrets(
    graph: FakeGraph, reply: Reply, message: str
) -> None:
    graph.server.script("/v1.0/users", reply)
    with pytest.raises(ConnectorError) as info:
        await GraphConnector(config(graph, timeout_seconds=0.3)).fetch(MEGAN, WINDOW)
    assert message in str(info.value)
    assert SECRET not in str(info.value) and info.value.__cause__ is None


async def test_collection_filters_private_and_cancelled_graph_items(graph: FakeGraph) -> None:
    got = await collect(
        MEGAN, [GraphConnector(config(graph))], window=WINDOW, config=CollectionConfig()
    )
    titles = [i.title for i in got.items]
    assert "Lunch with Lidia" not in titles and "Budget sync" not in titles
    assert got.filtered == {"sensitivity": 1, "cancelled": 1}
    assert got.sources[0].skipped == 2 and got.degraded_sources == []


async def test_failed_graph_source_degrades_collection_without_secret(graph: FakeGraph) -> None:
    graph.server.script("/v1.0/users", Reply(401, {"error": {"message": SECRET}}))
    got = await collect(
        MEGAN, [GraphConnector(config(graph))], window=WINDOW, config=CollectionConfig()
    )
    assert got.degraded_sources == ["graph"]
    assert got.sources[0].error == "graph: /users/{id}/calendarView: HTTP 401"
    assert SECRET not in got.model_dump_json()


async def test_directory_reads_user_and_manager(graph: FakeGraph) -> None:
    directory = GraphDirectory(config(graph))
    allan = await directory.get_employee("AllanD@M365x035709.OnMicrosoft.com")
    assert allan is not None
    assert (allan.name, allan.title, allan.department, allan.role) == (
        "Allan Deyoung",
        "IT Admin",
        "IT",
        "it_admin",
    )
    assert allan.manager == "NestorW@M365x035709.OnMicrosoft.com"
    assert allan.office == "24/1106" and "Allan Deyoung" in allan.aliases
    nestor = await directory.get_employee("NestorW@M365x035709.OnMicrosoft.com")
    assert nestor is not None and nestor.manager is None  # Graph answered 404 for /manager
    assert await directory.get_employee("nobody@example.com") is None
    assert await directory.public_profile("AllanD@M365x035709.OnMicrosoft.com") is None
    user_calls = [r for r in graph.server.requests if not r.path.endswith("/manager")]
    assert {r.param("$select") for r in user_calls} == {
        "displayName,jobTitle,department,officeLocation,usageLocation,mail,userPrincipalName"
    }


@pytest.mark.parametrize(
    ("title", "department", "role"),
    [
        ("IT Admin", "IT", "it_admin"),
        ("Service Desk Analyst", "IT", "helpdesk"),  # help desk wins over plain IT
        ("Senior Data Engineer", "Analytics", "data_engineer"),  # before "engineer"
        ("Software Developer", "R&D", "engineer"),
        ("Store Manager", "Retail", "store_manager"),
        ("HR Business Partner", "Human Resources", "hr"),
        ("Accountant", "Finance", "finance"),
        ("Director", "Operations", "staff"),
        ("Marketing Manager", "Marketing", "staff"),  # "it" inside words does not count
    ],
)
def test_role_mapping(title: str, department: str, role: str) -> None:
    assert role_for(title, department) == role


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2099-12-31T15:00:00.0000000", "UTC", datetime(2099, 12, 31, 15, tzinfo=UTC)),
        (
            "2026-07-01T09:30:00.0000000",
            "Pacific Standard Time",
            datetime(2026, 7, 1, 16, 30, tzinfo=UTC),
        ),  # Windows name, summer time
        ("2026-07-01T09:30:00", "Europe/Berlin", datetime(2026, 7, 1, 7, 30, tzinfo=UTC)),
    ],
)
def test_graph_times(value: str, zone: str, expected: datetime) -> None:
    assert parse_graph_time(value, zone) == expected


@pytest.mark.parametrize(
    ("value", "zone"), [(None, "UTC"), ("garbage", "UTC"), ("2026-07-01T09:30:00", "Mars/Olympus")]
)
def test_bad_graph_times_are_malformed(value: str | None, zone: str) -> None:
    with pytest.raises(MalformedItem):
        parse_graph_time(value, zone)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://graph.microsoft.com/v1.0", True),
        ("http://127.0.0.1:8080/v1.0", True),
        ("http://localhost/v1.0", True),
        ("http://graph.example.com/v1.0", False),  # plain http off localhost
    ],
)
def test_base_url_must_be_https_unless_local(url: str, ok: bool) -> None:
    if ok:
        assert check_base_url(url) == url
    else:
        with pytest.raises(ConnectorError, match="https"):
            check_base_url(url)


async def test_missing_credentials_say_what_to_set() -> None:
    with pytest.raises(ConnectorError, match="access_token, or tenant_id"):
        await GraphConnector(GraphConfig()).fetch(MEGAN, WINDOW)


async def test_directory_lists_employees_and_skips_users_without_upn(graph: FakeGraph) -> None:
    employees = await GraphDirectory(config(graph)).list_employees()
    assert sorted(e.name for e in employees) == ["Allan Deyoung", "Nestor Wilke"]
    assert graph.server.requests[-1].param("$top") == "999"


def _self_signed_pem(path: Path) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deskguard-test")])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    path.write_bytes(key_pem + cert.public_bytes(serialization.Encoding.PEM))
    return path


async def test_app_only_credentials_come_from_azure_identity(tmp_path: Path) -> None:
    # Getting a token needs Entra ID (not reachable in tests); this proves the settings choose
    # the right azure-identity credential and that a PEM certificate file really loads.
    from azure.identity.aio import CertificateCredential, ClientSecretCredential

    app = {"tenant_id": "t", "client_id": "c"}
    secret = credential_for(GraphConfig(**app, client_secret=SecretStr("s")))
    pem = str(_self_signed_pem(tmp_path / "a.pem"))
    cert = credential_for(GraphConfig(**app, certificate_path=pem))
    assert isinstance(secret, ClientSecretCredential) and isinstance(cert, CertificateCredential)
    await secret.close()
    await cert.close()
    (tmp_path / "bad.pem").write_text("not a certificate")
    with pytest.raises(ValueError):
        credential_for(GraphConfig(**app, certificate_path=str(tmp_path / "bad.pem")))


async def test_a_reply_declining_an_invitation_is_marked_with_the_meetings_subject() -> None:
    # Graph serves a reply in Sent Items as an eventMessageResponse (its responseType says the
    # answer); a plain mail with a colon in its subject is not a reply.
    base = recorded_messages(NOW)[0]
    declined = copy.deepcopy(base) | {
        "id": "derived-declined",
        "@odata.type": "#microsoft.graph.eventMessageResponse",
        "subject": "Declined: Q3 vendor review",
        "meetingMessageType": "meetingDeclined",
        "responseType": "declined",
    }
    plain = copy.deepcopy(base) | {"id": "derived-plain", "subject": "Re: Q3 vendor review"}
    # without responseType (not in $select): the English prefix of Outlook's reply says it
    bare = {k: v for k, v in declined.items() if k != "responseType"} | {"id": "derived-bare"}
    fake = FakeGraph(NOW, messages=[declined, plain, bare])
    fake.server.start()
    try:
        result = await GraphConnector(config(fake)).fetch(MEGAN, WINDOW)
    finally:
        fake.server.stop()
    by_id = {i.provenance.ref: i for i in result.items if i.source is Source.MAIL}
    reply = by_id["derived-declined"]
    assert reply.title == "Q3 vendor review"
    assert reply.extra == {MEETING_RESPONSE: MeetingResponse.DECLINED}
    # the invitees who could see the decline are not in the reply: unknown, assumed large
    assert reply.audience.size is None and reply.audience.reach == ASSUMED_LARGE_AUDIENCE
    assert by_id["derived-bare"].extra == reply.extra
    assert by_id["derived-bare"].title == "Q3 vendor review"
    other = by_id["derived-plain"]
    assert other.title == "Re: Q3 vendor review" and other.extra == {}
