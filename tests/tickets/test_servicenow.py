"""The ServiceNow adapter through the real pysnc client against a fake Table API over HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.fakes.servicenow_server import ABEL, FakeServiceNow
from tickets.models import TicketError, TicketRecord, VerificationNote
from tickets.servicenow import ServiceNowAdapter, ServiceNowConfig

INCIDENT = "9d385017c611228701d22104cc95c371"
RITM = "aeed229047801200e0ef563dbb9a71c2"
IMS = "b3c9f0e1db5d7010b0f0d2f1f39619aa"
AT = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


@pytest.fixture
def sn() -> Iterator[FakeServiceNow]:
    fake = FakeServiceNow()
    fake.add("incident", INCIDENT, number="INC0010023", caller_id=ABEL, short_description="MFA")
    fake.add("sc_req_item", RITM, number="RITM0010001", requested_for=ABEL)
    fake.add("interaction", IMS, number="IMS0000042", opened_for=ABEL)
    fake.start()
    yield fake
    fake.stop()


def adapter(sn: FakeServiceNow, **auth: str) -> ServiceNowAdapter:
    auth = auth or {"username": sn.username, "password": sn.password}
    config = ServiceNowConfig.model_validate({"instance": sn.url, "ca_bundle": sn.ca_file, **auth})
    return ServiceNowAdapter(config)


def note(status: str = "allow", stage: str = "decided") -> VerificationNote:
    return VerificationNote.model_validate(
        {
            "verification_id": "ver_1",
            "stage": stage,
            "status": status,
            "at": AT,
            "agent": "agent 4411",
            "action": "mfa_reset",
            "questions": 6,
            "reasons": ["all mfa_reset requirements met"],
            "signal_band": "low",
            "grant_id": "g_123",
            "grant_expires_at": AT,
        }
    )


@pytest.mark.parametrize(
    ("ticket", "table", "number"),
    [
        ("INC0010023", "incident", "INC0010023"),
        ("inc0010023", "incident", "INC0010023"),  # agents type lower case
        ("RITM0010001", "sc_req_item", "RITM0010001"),
        ("IMS0000042", "interaction", "IMS0000042"),
        (INCIDENT, "incident", "INC0010023"),  # a sys_id
        (IMS, "interaction", "IMS0000042"),  # a sys_id found in the third table
    ],
)
def test_lookup_finds_the_ticket_and_its_caller(
    sn: FakeServiceNow, ticket: str, table: str, number: str
) -> None:
    record = adapter(sn).lookup(ticket)
    assert record is not None
    assert (record.table, record.number) == (table, number)
    assert record.caller_email == "abel.tuter@example.com"
    assert record.raised_for("Abel.Tuter@example.com")
    assert not record.raised_for("fred.luddy@example.com")


def test_lookup_asks_only_for_the_fields_it_uses(sn: FakeServiceNow) -> None:
    adapter(sn).lookup("INC0010023")
    fields = [r.param("sysparm_fields") for r in sn.server.requests]
    assert fields == ["sys_id,number,caller_id", "sys_id,user_name,email"]


@pytest.mark.parametrize("ticket", ["INC9999999", "0" * 32, "CHG0000001", "hello"])
def test_unknown_or_foreign_tickets_are_not_found(sn: FakeServiceNow, ticket: str) -> None:
    assert adapter(sn).lookup(ticket) is None


def test_write_adds_a_work_note_and_sets_the_status_fields(sn: FakeServiceNow) -> None:
    sn_adapter = adapter(sn)
    record = sn_adapter.lookup("INC0010023")
    assert record is not None
    sn_adapter.write(record, note())
    [text] = sn.notes_for(INCIDENT)
    assert text.startswith("[deskguard] Verification ver_1 for mfa_reset: ALLOW")
    assert "Grant g_123" in text and "Risk signal: low" in text
    row = sn.tables["incident"][INCIDENT]
    assert row["u_deskguard_status"] == "allow"
    assert row["u_deskguard_checked_at"] == "2026-12-01 15:30:00"
    patch = [r for r in sn.server.requests if r.method == "PATCH"]
    assert [r.path for r in patch] == [f"/api/now/table/incident/{INCIDENT}"]


def test_oauth_client_credentials(sn: FakeServiceNow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", sn.ca_file)  # pysnc's token request uses requests.post
    oauth = adapter(sn, client_id=sn.client_id, client_secret=sn.client_secret)
    assert oauth.lookup("INC0010023") is not None
    table_calls = [r for r in sn.server.requests if r.path.startswith("/api/now/table/")]
    assert all(r.headers["authorization"].startswith("Bearer ") for r in table_calls)


def test_wrong_password_and_outage_are_ticket_errors_without_secrets(sn: FakeServiceNow) -> None:
    with pytest.raises(TicketError) as refused:
        adapter(sn, username=sn.username, password="wrong").lookup("INC0010023")
    assert "wrong" not in str(refused.value)
    assert str(refused.value).endswith("(AuthenticationException, HTTP 401)")
    sn.down = True
    with pytest.raises(TicketError) as down:
        adapter(sn).lookup("INC0010023")
    assert str(down.value) == "ServiceNow request failed (RequestException, HTTP 503)"
    record = TicketRecord(system="servicenow", table="incident", key=INCIDENT, number="INC0010023")
    with pytest.raises(TicketError):
        adapter(sn).write(record, note())


def test_plain_http_instance_is_refused_at_configuration() -> None:
    with pytest.raises(ValueError, match="must be https"):
        ServiceNowConfig(instance="http://127.0.0.1:9")
    assert ServiceNowConfig(instance="dev12345").instance == "dev12345"


def test_missing_update_set_fields_are_an_error_not_a_silent_skip(sn: FakeServiceNow) -> None:
    sn.add("incident", "f" * 32, number="INC0010099", caller_id=ABEL, update_set="no")
    sn_adapter = adapter(sn)
    record = sn_adapter.lookup("INC0010099")
    assert record is not None
    with pytest.raises(TicketError, match="install the deskguard update set"):
        sn_adapter.write(record, note())
