"""Notifications: file templates, pluggable channels (Graph sendMail through msgraph-sdk, a
webhook gateway), and failures reported rather than raised."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from context.config import GraphConfig
from context.connectors.graph_client import graph_client
from recovery.channels import GraphMailChannel, OutboxChannel, WebhookChannel
from recovery.contacts import GraphContacts
from recovery.notify import Notice, NoticeKind, Notifier, Recipient, RecipientKind, render
from tests.fakes.entra_server import TOKEN, FakeEntra, graph_error
from tests.fakes.local_http import FakeHTTPServer, Reply

NOTICE = Notice(
    kind=NoticeKind.RECOVERY,
    employee="jane.doe@corp.example",
    name="Jane Doe",
    action="mfa_reset",
    what="removed every enrolled MFA factor",
    at=datetime(2026, 11, 25, 17, 45, tzinfo=UTC),
    ticket="jsm:HD-7",
    verification_id="ver_1",
    dispute_url="https://deskguard.corp.example/v1/disputes/tok",
    organisation="Corp",
)
WORK = Recipient(kind=RecipientKind.WORK_MAIL, address="jane.doe@corp.example")


@pytest.fixture
def entra() -> Iterator[FakeEntra]:
    fake = FakeEntra()
    fake.server.start()
    yield fake
    fake.server.stop()


def graph(fake: FakeEntra):
    config = GraphConfig(base_url=fake.base_url, access_token=TOKEN, timeout_seconds=5)
    return lambda: graph_client(config)


def test_templates_say_what_when_ticket_and_link() -> None:
    message = render(NOTICE, RecipientKind.WORK_MAIL)
    assert message.subject == "Your MFA reset was carried out by the Corp help desk"
    for part in ("2026-11-25 17:45 UTC", "jsm:HD-7", "removed every enrolled MFA factor",
                 "https://deskguard.corp.example/v1/disputes/tok"):  # fmt: skip
        assert part in message.body
    denied = render(NOTICE.model_copy(update={"kind": NoticeKind.DENIED}), RecipientKind.WORK_MAIL)
    assert "refused; nothing was changed" in " ".join(denied.body.split())


def test_a_customer_template_directory_overrides_by_name(tmp_path: Path) -> None:
    (tmp_path / "recovery.txt").write_text("Subject: Hi ${name}\n\n${dispute_url} ${__class__}\n")
    message = render(NOTICE, RecipientKind.WORK_MAIL, tmp_path)
    assert message.subject == "Hi Jane Doe"
    # string.Template: unknown placeholders stay literal, nothing is evaluated.
    assert message.body.strip() == "https://deskguard.corp.example/v1/disputes/tok ${__class__}"
    # A template the directory lacks falls back to the packaged one.
    manager = render(NOTICE, RecipientKind.MANAGER, tmp_path)
    assert "privileged account that reports to you" in " ".join(manager.body.split())


async def test_graph_send_mail_through_the_sdk(entra: FakeEntra) -> None:
    entra.add_user("deskguard@corp.example", "deskguard")
    channel = GraphMailChannel(graph(entra), sender="deskguard@corp.example")
    deliveries = await Notifier([channel]).notify(NOTICE, [WORK])
    assert [d.ok for d in deliveries] == [True]
    # msgraph-sdk names the action's parameters as Graph's metadata does: Message, SaveToSentItems.
    sent = {k.lower(): v for k, v in entra.mail[0].items()}
    assert sent["from"] == "deskguard@corp.example" and sent["savetosentitems"] is False
    assert sent["message"]["toRecipients"] == [{"emailAddress": {"address": WORK.address}}]
    assert "disputes/tok" in sent["message"]["body"]["content"]
    assert deliveries[0].to == "j***@corp.example"  # the audit never holds the full address


async def test_a_failed_send_is_reported_not_raised(entra: FakeEntra) -> None:
    entra.add_user("deskguard@corp.example", "deskguard")
    entra.server.script("/v1.0/users/deskguard", graph_error(503, "serviceNotAvailable", "busy"))
    outbox = OutboxChannel()
    phone = Recipient(kind=RecipientKind.PHONE, address="+1 312 555 0147")
    notifier = Notifier([GraphMailChannel(graph(entra), sender="deskguard@corp.example"), outbox])
    deliveries = await notifier.notify(NOTICE, [WORK, phone, WORK])  # duplicates sent once
    assert [(d.kind, d.ok, d.channel) for d in deliveries] == [
        (RecipientKind.WORK_MAIL, False, "graph_mail"),
        (RecipientKind.PHONE, True, "outbox"),
    ]
    assert "HTTP 503" in (deliveries[0].error or "")
    assert deliveries[1].to == "***47"


async def test_no_channel_for_a_kind_is_reported() -> None:
    deliveries = await Notifier([]).notify(NOTICE, [WORK])
    assert deliveries[0].ok is False and "no channel" in (deliveries[0].error or "")


async def test_webhook_gateway_for_personal_addresses() -> None:
    gateway = FakeHTTPServer(lambda request: Reply(202, {})).start()
    try:
        channel = WebhookChannel(f"{gateway.url}/sms")
        personal = Recipient(kind=RecipientKind.PERSONAL_MAIL, address="jane@home.example")
        deliveries = await Notifier([channel]).notify(NOTICE, [personal, WORK])
        assert [d.ok for d in deliveries] == [True, False]  # the webhook reaches no work mail
        body = gateway.requests[0].json()
        assert body["to"] == "jane@home.example" and body["kind"] == "personal_mail"
        gateway.script("/sms", Reply(500, {}))
        failed = await Notifier([channel]).notify(NOTICE, [personal])
        assert failed[0].ok is False and "HTTP 500" in (failed[0].error or "")
    finally:
        gateway.stop()


async def test_personal_contacts_from_the_directory(entra: FakeEntra) -> None:
    entra.add_user(WORK.address, otherMails=["jane@home.example"], mobilePhone="+1 312 555 0147")
    found = await GraphContacts(graph(entra)).personal(WORK.address)
    assert [(r.kind, r.address) for r in found] == [
        (RecipientKind.PERSONAL_MAIL, "jane@home.example"),
        (RecipientKind.PHONE, "+1 312 555 0147"),
    ]
    assert entra.server.requests[-1].query["$select"] == ["otherMails,mobilePhone"]
