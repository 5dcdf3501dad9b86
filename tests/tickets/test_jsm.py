"""The Jira Service Management adapter through the real `jira` client against a local fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.fakes.jsm_server import FakeJSM
from tickets.jsm import JSMAdapter, JSMConfig
from tickets.models import TicketError, VerificationNote

REPORTER = {
    "name": "abel.tuter",
    "emailAddress": "abel.tuter@example.com",
    "displayName": "Abel Tuter",
    "active": True,
}


@pytest.fixture
def jsm() -> Iterator[FakeJSM]:
    fake = FakeJSM(reporters={"ITSD-42": REPORTER}).start()
    yield fake
    fake.stop()


def adapter(jsm: FakeJSM) -> JSMAdapter:
    return JSMAdapter(JSMConfig.model_validate({"url": jsm.url, "email": "bot@x", "token": "t"}))


def note() -> VerificationNote:
    at = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
    return VerificationNote(
        verification_id="ver_9",
        stage="decided",
        status="deny",
        at=at,
        agent="agent 7",
        action="password_reset",
        questions=6,
        reasons=("most answers were wrong or not known",),
        signal_band="unknown",
    )


def test_lookup_reads_the_reporter(jsm: FakeJSM) -> None:
    record = adapter(jsm).lookup("itsd-42")
    assert record is not None and record.number == "ITSD-42"
    assert record.raised_for("abel.tuter@example.com")
    assert jsm.server.requests[0].param("fields") == "reporter"


@pytest.mark.parametrize("key", ["ITSD-404", "not a key"])
def test_unknown_issue_is_not_found(jsm: FakeJSM, key: str) -> None:
    assert adapter(jsm).lookup(key) is None


def test_write_is_an_internal_comment_and_a_property(jsm: FakeJSM) -> None:
    jsm_adapter = adapter(jsm)
    record = jsm_adapter.lookup("ITSD-42")
    assert record is not None
    jsm_adapter.write(record, note())
    [(key, body)] = jsm.comments
    assert key == "ITSD-42"
    assert body["properties"] == [{"key": "sd.public.comment", "value": {"internal": True}}]
    assert "DENY" in body["body"] and "Do not reset" in body["body"]
    assert jsm.properties[("ITSD-42", "deskguard")]["status"] == "deny"


def test_outage_is_a_ticket_error(jsm: FakeJSM) -> None:
    jsm.down = True
    with pytest.raises(TicketError, match="503"):
        adapter(jsm).lookup("ITSD-42")
