"""Hand-built context items for question tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from context.models import (
    Audience,
    AudienceScope,
    ContextItem,
    Employee,
    Involvement,
    ItemKind,
    Participant,
    Provenance,
    PublicProfile,
    Source,
)

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # a Wednesday, noon in Chicago
EMPLOYEE = Employee(
    upn="maya.chen@example.test",
    name="Maya Chen",
    title="IT Administrator",
    department="IT",
    role="it_admin",
    aliases=("maya@example.test", "mchen"),
    timezone="America/Chicago",
)
PROFILE = PublicProfile(
    upn=EMPLOYEE.upn,
    name="Maya Chen",
    title="IT Administrator",
    department="IT",
    employer="Example Retail",
    manager_name="Omar Haddad",
    public_projects=("okta-terraform",),
)


def person(name: str, role: str = "attendee") -> Participant:
    return Participant(name=name, email=f"{name.split()[0].lower()}@example.test", role=role)


def default_audience(
    kind: ItemKind, people: tuple[Participant, ...], ids: dict[str, str]
) -> Audience:
    """What the real connectors report: a meeting's or mail's people, and nobody else; a
    ticket's project or a commit's repository, of unknown (assumed large) size."""
    if kind is ItemKind.TICKET:
        return Audience(scope=AudienceScope.PROJECT, group=ids.get("project"))
    if kind is ItemKind.COMMIT:
        return Audience(scope=AudienceScope.REPOSITORY, group=ids.get("repository"))
    return Audience.named(p.name for p in people if p.name != EMPLOYEE.name)


def item(
    kind: ItemKind,
    title: str,
    hours_ago: float,
    *,
    involvement: Involvement,
    people: tuple[Participant, ...] = (),
    ids: dict[str, str] | None = None,
    series: str | None = None,
    item_id: str | None = None,
    audience: Audience | None = None,
) -> ContextItem:
    source = {
        ItemKind.MEETING: Source.CALENDAR,
        ItemKind.MAIL: Source.MAIL,
        ItemKind.TICKET: Source.JIRA,
        ItemKind.COMMIT: Source.GIT,
    }[kind]
    when = NOW - timedelta(hours=hours_ago)
    return ContextItem(
        id=item_id or f"t:{kind.value}:{abs(hash((title, hours_ago))) % 10**8}",
        source=source,
        kind=kind,
        when=when,
        end=when + timedelta(minutes=30),
        title=title,
        involvement=involvement,
        participants=people,
        identifiers=ids or {},
        series_id=series,
        audience=audience or default_audience(kind, people, ids or {}),
        provenance=Provenance(connector="test", ref=title, fetched_at=NOW),
    )


def workload() -> list[ContextItem]:
    """A varied week: specific one-offs, a recurring standup, tickets, commits and mail."""
    maya = person("Maya Chen", "organizer")
    return [
        item(
            ItemKind.MEETING,
            "Conditional access rollout review",
            22,
            involvement=Involvement.ORGANIZER,
            people=(maya, person("Priya Natarajan"), person("Tom Berg")),
        ),
        item(
            ItemKind.MEETING,
            "Daily standup",
            2,
            involvement=Involvement.ATTENDEE,
            people=(person("Omar Haddad", "organizer"), maya),
            series="s1",
        ),
        item(
            ItemKind.MEETING,
            "Daily standup",
            26,
            involvement=Involvement.ATTENDEE,
            people=(person("Omar Haddad", "organizer"), maya),
            series="s1",
        ),
        item(
            ItemKind.TICKET,
            "Renew VPN gateway certificate",
            50,
            involvement=Involvement.TRANSITIONER,
            ids={
                "ticket_key": "OPS-1423",
                "project": "OPS",
                "status_from": "In Progress",
                "status_to": "Done",
            },
        ),
        item(
            ItemKind.TICKET,
            "Offboard contractor accounts for store 214",
            75,
            involvement=Involvement.COMMENTER,
            ids={"ticket_key": "OPS-1388", "project": "OPS"},
        ),
        item(
            ItemKind.COMMIT,
            "Add break-glass account alerting rule",
            4,
            involvement=Involvement.AUTHOR,
            ids={"repository": "identity-automation", "branch": "main", "sha": "3f9c2ab"},
        ),
        item(
            ItemKind.MAIL,
            "Badge reader outage at DC-3",
            30,
            involvement=Involvement.SENDER,
            people=(person("Leah Ortiz", "to"),),
        ),
        # Facts outside the shared systems (a set asks at most one Jira or git question).
        item(
            ItemKind.MAIL,
            "Printer fleet refresh quote",
            52,
            involvement=Involvement.SENDER,
            people=(person("Dana Wu", "to"),),
        ),
        item(
            ItemKind.MEETING,
            "Okta tenant migration planning",
            46,
            involvement=Involvement.ORGANIZER,
            people=(maya, person("Sam Lee")),
        ),
    ]
