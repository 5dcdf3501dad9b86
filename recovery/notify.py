"""Telling the employee (NIST SP 800-63B-4 4.2): every recovery, and every deny or escalate of an
MFA or privileged verification, is sent to the employee's addresses on file, with what happened,
when, the ticket, and a one-time "this wasn't me" link.

Templates are files (recovery/templates/, or a directory of the customer's own with the same
names), rendered with string.Template (no code runs in a template). Channels are pluggable: each
declares which kinds of address it reaches; a failed send is reported, never raised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from string import Template
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

from recovery.models import mask_address

TEMPLATES = Path(__file__).resolve().parent / "templates"


class NoticeKind(StrEnum):
    RECOVERY = "recovery"  # a reset was carried out
    DENIED = "deny"
    ESCALATED = "escalate"


class RecipientKind(StrEnum):
    WORK_MAIL = "work_mail"
    PERSONAL_MAIL = "personal_mail"
    PHONE = "phone"
    MANAGER = "manager"


class Notice(BaseModel):
    kind: NoticeKind
    employee: str
    name: str
    action: str
    what: str  # e.g. "reset every MFA factor and signed out every session"
    at: datetime
    ticket: str | None
    verification_id: str
    dispute_url: str
    organisation: str = "your organisation"


class Recipient(BaseModel):
    kind: RecipientKind
    address: str


class Message(BaseModel):
    subject: str
    body: str


class Delivery(BaseModel):
    """What the audit records of one send: never the address in full, never the body."""

    kind: RecipientKind
    to: str  # masked
    channel: str | None
    ok: bool
    error: str | None = None


@runtime_checkable
class Channel(Protocol):
    name: ClassVar[str]
    reaches: ClassVar[frozenset[RecipientKind]]

    async def send(self, recipient: Recipient, message: Message) -> None: ...


ACTION_TEXT = {"mfa_reset": "MFA reset", "password_reset": "password reset"}
OUTCOME_TEXT = {
    NoticeKind.RECOVERY: "carried out",
    NoticeKind.DENIED: "refused",
    NoticeKind.ESCALATED: "referred to a stronger check",
}


def render(notice: Notice, recipient: RecipientKind, templates: Path | None = None) -> Message:
    """The template for this notice and recipient; its first line is `Subject: ...`."""
    name = "manager" if recipient == RecipientKind.MANAGER else (
        "recovery" if notice.kind == NoticeKind.RECOVERY else "decision"
    )  # fmt: skip
    folder = templates or TEMPLATES
    path = folder / f"{name}.txt"
    text = (path if path.exists() else TEMPLATES / f"{name}.txt").read_text(encoding="utf-8")
    values = notice.model_dump(mode="json") | {
        "when": notice.at.strftime("%Y-%m-%d %H:%M UTC"),
        "ticket": notice.ticket or "none",
        "action_text": ACTION_TEXT.get(notice.action, notice.action.replace("_", " ")),
        "outcome_text": OUTCOME_TEXT[notice.kind],
    }
    rendered = Template(text).safe_substitute(values)
    first, _, rest = rendered.partition("\n")
    subject = first.removeprefix("Subject:").strip()
    return Message(subject=subject, body=rest.lstrip("\n"))


class Notifier:
    def __init__(self, channels: Sequence[Channel], *, templates: Path | None = None) -> None:
        self.channels = list(channels)
        self.templates = templates

    async def notify(self, notice: Notice, recipients: Sequence[Recipient]) -> list[Delivery]:
        deliveries = []
        for recipient in _unique(recipients):
            channel = next((c for c in self.channels if recipient.kind in c.reaches), None)
            to = mask_address(recipient.address) if "@" in recipient.address else _mask_phone(
                recipient.address
            )  # fmt: skip
            if channel is None:
                deliveries.append(
                    Delivery(kind=recipient.kind, to=to, channel=None, ok=False,
                             error="no channel configured for this kind of address")
                )  # fmt: skip
                continue
            try:
                await channel.send(recipient, render(notice, recipient.kind, self.templates))
            except Exception as exc:  # audited by the caller; a send never breaks a recovery
                error = str(getattr(exc, "message", "") or type(exc).__name__)[:200]
                deliveries.append(
                    Delivery(
                        kind=recipient.kind, to=to, channel=channel.name, ok=False, error=error
                    )
                )
                continue
            deliveries.append(Delivery(kind=recipient.kind, to=to, channel=channel.name, ok=True))
        return deliveries


def _unique(recipients: Sequence[Recipient]) -> list[Recipient]:
    seen: dict[str, Recipient] = {}
    for r in recipients:
        seen.setdefault(r.address.strip().lower(), r)
    return list(seen.values())


def _mask_phone(number: str) -> str:
    digits = [c for c in number if c.isdigit()]
    return f"***{''.join(digits[-2:])}" if digits else "***"
