"""Notification channels. Each declares the kinds of address it reaches.

- `graph_mail`: Microsoft Graph sendMail from a service mailbox (application permission
  Mail.Send, ideally limited to that mailbox with an application access policy);
- `webhook`: a JSON POST to the customer's gateway for personal addresses and phones (SMS);
- `outbox`: kept in memory, for the demo and tests."""

from __future__ import annotations

from typing import ClassVar

import httpx

from recovery.entra import GraphFactory, graph_call
from recovery.models import RecoveryError
from recovery.notify import Message, Recipient, RecipientKind

MAIL_KINDS = frozenset(
    {RecipientKind.WORK_MAIL, RecipientKind.PERSONAL_MAIL, RecipientKind.MANAGER}
)


class GraphMailChannel:
    name: ClassVar[str] = "graph_mail"
    reaches: ClassVar[frozenset[RecipientKind]] = MAIL_KINDS

    def __init__(self, graph: GraphFactory, *, sender: str) -> None:
        self.graph, self.sender = graph, sender

    async def send(self, recipient: Recipient, message: Message) -> None:
        from msgraph.generated.models.body_type import BodyType
        from msgraph.generated.models.email_address import EmailAddress
        from msgraph.generated.models.item_body import ItemBody
        from msgraph.generated.models.message import Message as GraphMessage
        from msgraph.generated.models.recipient import Recipient as GraphRecipient
        from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
            SendMailPostRequestBody,
        )

        body = SendMailPostRequestBody(
            message=GraphMessage(
                subject=message.subject,
                body=ItemBody(content_type=BodyType.Text, content=message.body),
                to_recipients=[
                    GraphRecipient(email_address=EmailAddress(address=recipient.address))
                ],
            ),
            save_to_sent_items=False,  # the link is single-use; keep no copy in a mailbox
        )
        async with self.graph() as client:
            send = client.users.by_user_id(self.sender).send_mail
            await graph_call(lambda config: send.post(body, config), "sendMail", [])


class WebhookChannel:
    """POST {"kind", "to", "subject", "body"} to the customer's gateway (e.g. their SMS API)."""

    name: ClassVar[str] = "webhook"
    reaches: ClassVar[frozenset[RecipientKind]] = frozenset(
        {RecipientKind.PERSONAL_MAIL, RecipientKind.PHONE}
    )

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self.url, self.timeout = url, timeout

    async def send(self, recipient: Recipient, message: Message) -> None:
        payload = {"kind": recipient.kind.value, "to": recipient.address} | message.model_dump()
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            try:
                response = await http.post(self.url, json=payload)
            except httpx.HTTPError as exc:
                raise RecoveryError(
                    "webhook", f"notification gateway: {type(exc).__name__}"
                ) from None
        if response.status_code >= 300:
            raise RecoveryError("webhook", f"notification gateway: HTTP {response.status_code}")


class OutboxChannel:
    name: ClassVar[str] = "outbox"
    reaches: ClassVar[frozenset[RecipientKind]] = frozenset(RecipientKind)

    def __init__(self) -> None:
        self.sent: list[tuple[Recipient, Message]] = []

    async def send(self, recipient: Recipient, message: Message) -> None:
        self.sent.append((recipient, message))
