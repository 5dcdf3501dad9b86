"""The employee's own IT tickets (ServiceNow incidents and requests, JSM requests) as
ContextItems: the one home of their shape and audience, whichever system they came from.

What is kept: the number, the short description, the category, when it was opened and resolved,
and the assignment group; never the description, comments or work notes. Who else knows: the
caller and the IT agents (not the caller's co-workers). Every agent reads every queue's tickets
(ServiceNow's itil role reads all incidents; a JSM agent its service project's requests), and
the agent taking the call can look a ticket up while the question is read out: all of an
employee's tickets have one closed audience, IT_AGENTS, whichever group worked them (evals'
it_agent attacker, evals/it_agent.py, is that account). A ticket is rarely read by more than a
handful of agents: the audience counts as ASSIGNMENT_GROUP_AUDIENCE people."""

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

ASSIGNMENT_GROUP_AUDIENCE = 10  # an assumption: the agents who read one ticket
IT_AGENTS = "IT agents"  # the one closed group that can read every IT ticket of an employee


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
            group=IT_AGENTS,
            size=ASSIGNMENT_GROUP_AUDIENCE,
        ),
        provenance=Provenance(connector=connector, ref=number, fetched_at=fetched_at),
    )
