"""The employee's own IT tickets (ServiceNow incidents and requests, JSM requests) as
ContextItems: the one home of their shape and audience, whichever system they came from.

What is kept: the number, the short description, the category, when it was opened and resolved,
and the assignment group; never the description, comments or work notes. Who else knows: the
caller, and the agents of the assignment group that worked it (not the caller's co-workers).
ITSM systems can list a group's members, but a ticket is rarely read by more than a handful of
them: the group counts as ASSIGNMENT_GROUP_AUDIENCE people."""

from __future__ import annotations

from datetime import datetime

from context.models import (
    Audience,
    AudienceScope,
    ContextItem,
    Involvement,
    ItemKind,
    Provenance,
    Source,
)

ASSIGNMENT_GROUP_AUDIENCE = 10  # an assumption: the agents of one queue who read a ticket


def it_ticket_item(
    *,
    connector: str,
    number: str,
    short_description: str,
    opened: datetime,
    resolved: datetime | None,
    category: str | None,
    assignment_group: str | None,
    fetched_at: datetime,
) -> ContextItem:
    extra = {k: v for k, v in (("category", category), ("assignment_group", assignment_group)) if v}
    if resolved is not None:
        extra["resolved_at"] = resolved.isoformat()
    return ContextItem(
        id=f"{connector}:itsm:{number}",
        source=Source.ITSM,
        kind=ItemKind.TICKET,
        when=opened,
        end=resolved,
        title=short_description.strip(),
        involvement=Involvement.REQUESTER,
        identifiers={"ticket_key": number},
        extra=extra,
        audience=Audience(
            scope=AudienceScope.PARTICIPANTS,
            group=assignment_group,
            size=ASSIGNMENT_GROUP_AUDIENCE,
        ),
        provenance=Provenance(connector=connector, ref=number, fetched_at=fetched_at),
    )
