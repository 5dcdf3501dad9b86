"""Microsoft Graph SDK models -> ContextItem / Employee. Pure functions: a malformed item raises
`MalformedItem`, which the connector counts as skipped; nothing here does I/O."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from context.connectors.malformed import MalformedItem
from context.identity import is_employee
from context.models import (
    MEETING_RESPONSE,
    Audience,
    ContextItem,
    Employee,
    Involvement,
    ItemKind,
    MeetingResponse,
    Participant,
    Provenance,
    Sensitivity,
    Source,
)

if TYPE_CHECKING:
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.recipient import Recipient
    from msgraph.generated.models.user import User

# Title/department keywords -> deskguard role; first match wins, so specific roles come first.
ROLE_RULES: tuple[tuple[str, str], ...] = (
    (r"help ?desk|service desk|support (technician|analyst)", "helpdesk"),
    (r"data engineer|analytics engineer|data platform", "data_engineer"),
    (r"engineer|developer|devops|sre\b|programmer", "engineer"),
    (r"system administrator|sysadmin|it admin|infrastructure|\bit\b", "it_admin"),
    (r"store manager|retail|branch manager", "store_manager"),
    (r"human resources|\bhr\b|recruit|people (ops|partner)", "hr"),
    (r"financ|account(ant|ing)|controller|payroll|treasury", "finance"),
)


# Exchange sometimes answers in Windows zone names; the common ones, for when Prefer is ignored.
WINDOWS_ZONES: dict[str, str] = {
    "Pacific Standard Time": "America/Los_Angeles",
    "Mountain Standard Time": "America/Denver",
    "Central Standard Time": "America/Chicago",
    "Eastern Standard Time": "America/New_York",
    "GMT Standard Time": "Europe/London",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "India Standard Time": "Asia/Kolkata",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "AUS Eastern Standard Time": "Australia/Sydney",
}


def role_for(title: str, department: str) -> str:
    text = f"{title} {department}"
    for pattern, role in ROLE_RULES:
        if re.search(pattern, text, re.IGNORECASE):
            return role
    return "staff"


def parse_graph_time(date_time: str | None, time_zone: str | None) -> datetime:
    """Graph's dateTimeTimeZone: a naive local time (7 fractional digits) plus a zone name."""
    if not date_time:
        raise MalformedItem("missing dateTime")
    text = re.sub(r"(\.\d{6})\d+", r"\1", date_time.rstrip("Z"))
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MalformedItem(f"bad dateTime {date_time!r}") from exc
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    zone = WINDOWS_ZONES.get(time_zone or "UTC", time_zone or "UTC")
    try:
        tz = UTC if zone.upper() in {"UTC", "Z"} else ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MalformedItem(f"unknown timeZone {zone!r}") from exc
    return value.replace(tzinfo=tz).astimezone(UTC)


def _person(recipient: Recipient | None, role: str) -> Participant | None:
    address = recipient.email_address if recipient else None
    if address is None or not (address.name or address.address):
        return None
    return Participant(name=address.name or address.address or "", email=address.address, role=role)


def _others(people: list[Participant | None], keys: frozenset[str]) -> tuple[Participant, ...]:
    """Everyone except the employee themselves, once each."""
    seen: set[str] = set()
    out: list[Participant] = []
    for p in people:
        if p is None or is_employee(keys, [p.email, p.name]):
            continue
        key = (p.email or p.name).casefold()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return tuple(out)


def _enum_value(value: Any) -> str | None:
    return str(value.value) if value is not None and hasattr(value, "value") else None


def event_item(event: Event, keys: frozenset[str], fetched_at: datetime) -> ContextItem:
    if not event.id or event.start is None:
        raise MalformedItem("event without id or start")
    end = event.end
    people = [_person(event.organizer, "organizer")]
    people += [_person(a, "attendee") for a in event.attendees or []]
    # Missing sensitivity fails closed: treated as private, so the privacy filter drops it.
    sensitivity = _enum_value(event.sensitivity) or Sensitivity.PRIVATE.value
    location = event.location.display_name if event.location else None
    when = parse_graph_time(event.start.date_time, event.start.time_zone)
    others = _others(people, keys)
    return ContextItem(
        # The start is part of the id: recorded tenants repeat one id across occurrences.
        id=f"graph:event:{event.id}:{when:%Y%m%dT%H%M}",
        source=Source.CALENDAR,
        kind=ItemKind.MEETING,
        when=when,
        end=parse_graph_time(end.date_time, end.time_zone) if end and end.date_time else None,
        title=(event.subject or "").strip(),
        involvement=Involvement.ORGANIZER if event.is_organizer else Involvement.ATTENDEE,
        participants=others,
        extra={"location": location} if location else {},
        sensitivity=Sensitivity(sensitivity),
        cancelled=bool(event.is_cancelled),
        series_id=event.series_master_id,
        audience=Audience.named(p.name for p in others),  # the organiser and the attendees
        provenance=Provenance(connector="graph", ref=event.id, fetched_at=fetched_at),
    )


def message_item(message: Message, keys: frozenset[str], fetched_at: datetime) -> ContextItem:
    if not message.id or message.sent_date_time is None:
        raise MalformedItem("message without id or sentDateTime")
    subject = (message.subject or "").strip()
    if not subject:
        # Nothing a question could name; counted as skipped rather than asked about.
        raise MalformedItem("message without subject")
    people = [_person(r, "to") for r in message.to_recipients or []]
    people += [_person(r, "cc") for r in message.cc_recipients or []]
    sent = message.sent_date_time
    recipients = _others(people, keys)
    audience = Audience.named(p.name for p in recipients)  # to and cc; bcc is never read
    extra: dict[str, str] = {}
    response = _response(message)
    if response is not None:
        # A reply to an invitation: the question is about the meeting, so the title is its
        # subject. The reply names only the organiser, but every invitee's attendee list shows
        # who declined: the audience is the invitation's, which Sent Items does not give.
        extra[MEETING_RESPONSE] = response.value
        subject = REPLY_PREFIX.sub("", subject, count=1) or subject
        audience = audience.model_copy(update={"size": None})  # unknown: assumed large
    return ContextItem(
        id=f"graph:mail:{message.id}",
        source=Source.MAIL,
        kind=ItemKind.MAIL,
        when=sent if sent.tzinfo else sent.replace(tzinfo=UTC),
        title=subject,
        involvement=Involvement.SENDER,
        participants=recipients,
        extra=extra,
        audience=audience,
        provenance=Provenance(connector="graph", ref=message.id, fetched_at=fetched_at),
    )


# "Declined: Q3 review" (the client writes the prefix in the sender's language: any one word).
REPLY_PREFIX = re.compile(r"^[^\s:]{2,20}:\s*")
RESPONSES = {
    "accepted": MeetingResponse.ACCEPTED,
    "tentativelyAccepted": MeetingResponse.TENTATIVE,
    "declined": MeetingResponse.DECLINED,
}


def _response(message: Message) -> MeetingResponse | None:
    """The employee's answer when `message` is their reply to an invitation (Graph serves it as
    an eventMessageResponse, whose responseType says which answer)."""
    from msgraph.generated.models.event_message_response import EventMessageResponse

    if not isinstance(message, EventMessageResponse):
        return None
    answer = RESPONSES.get(_enum_value(message.response_type) or "")
    if answer is None and (message.subject or "").startswith("Declined:"):
        # $select names message fields only, so responseType may be absent: Outlook's English
        # prefix then says it (other languages' replies stay unmarked, never misread)
        return MeetingResponse.DECLINED
    return answer


def user_employee(user: User, manager_upn: str | None) -> Employee:
    upn = user.user_principal_name
    if not upn:
        raise MalformedItem("user without userPrincipalName")
    title, department = user.job_title or "", user.department or ""
    aliases = tuple(a for a in {user.mail, user.display_name} if a and a != upn)
    return Employee(
        upn=upn,
        name=user.display_name or upn,
        title=title,
        department=department,
        manager=manager_upn,
        role=role_for(title, department),
        aliases=tuple(sorted(aliases)),
        office=user.office_location,
        country=user.usage_location or None,
    )
