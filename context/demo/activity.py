"""Sent-mail metadata and Jira ticket events (created, assigned, transitions, comments)."""

from __future__ import annotations

import random
from datetime import date, datetime, time

from context.demo.catalog import ROLES, fill
from context.demo.records import Person
from context.demo.scene import Scene, at
from context.demo.seeding import digest
from context.models import (
    AudienceScope,
    ContextItem,
    Involvement,
    ItemKind,
    Participant,
    Source,
)

# Share of sent mails that go only to people outside the sender's teams (a buyer to a supplier
# manager in another department, an engineer to the store they fixed): drawn from its own seeded
# stream, so every other draw of a mail stays as it was.
OUTSIDE_ONLY = 0.3

FLOWS = {  # status transitions a ticket goes through, per project kind
    "HELP": (
        ("Open", "In Progress"),
        ("In Progress", "Waiting for customer"),
        ("Waiting for customer", "Resolved"),
    ),
    "default": (("To Do", "In Progress"), ("In Progress", "In Review"), ("In Review", "Done")),
}


def _clock(rnd: random.Random, first: int = 9, last: int = 17) -> time:
    return time(rnd.randrange(first, last), rnd.randrange(0, 60, 5))


def _mail(scene: Scene, person: Person, day: date, slot: int) -> ContextItem:
    """One sent mail; `slot` counts five-minute steps from midnight (distinct within a day)."""
    rnd = scene.rng("mail", person.upn, day, slot)
    subject = fill(rnd.choice(ROLES[person.employee.role].mails), rnd, day=day, store=person.store)
    sent = at(day, time(slot // 12, slot % 12 * 5), person.employee.timezone)
    people = scene.colleagues(person.upn, rnd, rnd.randint(1, 2))
    elsewhere = scene.rng("mail-outside", person.upn, day, slot)
    if elsewhere.random() < OUTSIDE_ONLY:
        people = scene.outsiders(person.upn, elsewhere, elsewhere.randint(1, 2)) or people
    roles = ["to"] * max(1, len(people) - 1) + ["cc"]
    recipients = tuple(scene.participant(u, r) for u, r in zip(people, roles, strict=False))
    return ContextItem(
        id=scene.new_id("mail", person.upn, subject, sent.isoformat()),
        source=Source.MAIL,
        kind=ItemKind.MAIL,
        when=sent,
        title=subject,
        involvement=Involvement.SENDER,
        participants=recipients,
        audience=scene.named_audience(person.upn, recipients),
        provenance=scene.provenance(f"AAMk{digest('mail', scene.seed, person.upn, sent)[:24]}"),
    )


def mail_items(scene: Scene, person: Person) -> list[ContextItem]:
    low, high = ROLES[person.employee.role].mails_per_day
    out = []
    for day in scene.workdays():
        rnd = scene.rng("mail-count", person.upn, day)
        slots = rnd.sample(range(8 * 12, 18 * 12), rnd.randint(low, high))  # 08:00-18:00
        out += [_mail(scene, person, day, slot) for slot in sorted(slots)]
    return out


def _event(
    scene: Scene,
    person: Person,
    ticket: dict[str, str],
    when: datetime,
    involvement: Involvement,
    moves: tuple[str, str] | None = None,
    people: tuple[Participant, ...] = (),
) -> ContextItem:
    ids = {"ticket_key": ticket["key"], "project": ticket["project"]}
    if moves:
        ids |= {"status_from": moves[0], "status_to": moves[1]}
    return ContextItem(
        id=scene.new_id("jira", person.upn, ticket["key"], involvement, when.isoformat()),
        source=Source.JIRA,
        kind=ItemKind.TICKET,
        when=when,
        title=ticket["summary"],
        involvement=involvement,
        participants=people,
        identifiers=ids,
        extra={"issue_type": ticket["issue_type"]},
        audience=scene.group_audience(person.upn, AudienceScope.PROJECT, ticket["project"], people),
        provenance=scene.provenance(ticket["key"]),
    )


def tickets(scene: Scene, person: Person) -> list[dict[str, str]]:
    """The tickets an employee works on this fortnight (keys also name git branches)."""
    role = ROLES[person.employee.role]
    if not person.projects or not role.tickets:
        return []
    rnd = scene.rng("tickets", person.upn)
    out = []
    for n in range(role.ticket_count):
        project = rnd.choice(person.projects)
        number = 1000 + int(digest(scene.seed, person.upn, project, n)[:8], 16) % 8000
        kinds = ("Incident", "Service Request") if project == "HELP" else ("Task", "Bug", "Story")
        out.append(
            {
                "key": f"{project}-{number}",
                "project": project,
                "summary": fill(
                    rnd.choice(role.tickets), rnd, day=scene.anchor, store=person.store
                ),
                "issue_type": rnd.choice(kinds),
            }
        )
    return out


def _lifecycle(scene: Scene, person: Person, ticket: dict[str, str]) -> list[ContextItem]:
    rnd = scene.rng("lifecycle", person.upn, ticket["key"])
    days, tz = scene.workdays(), person.employee.timezone
    index = rnd.randrange(len(days) - 1)
    when = at(days[index], _clock(rnd, 9, 11), tz)
    boss = person.employee.manager
    if boss and rnd.random() < 0.5:
        out = [
            _event(
                scene,
                person,
                ticket,
                when,
                Involvement.ASSIGNEE,
                people=(scene.participant(boss, "reporter"),),
            )
        ]
    else:
        out = [_event(scene, person, ticket, when, Involvement.REPORTER)]
    flow = FLOWS.get(ticket["project"], FLOWS["default"])
    for moves in flow[: rnd.randint(1, len(flow))]:
        index += rnd.randint(1, 2)  # each move on a later working day: events stay in order
        if index >= len(days):
            break
        if rnd.random() < 0.4:  # a comment before the move
            note = at(days[index], _clock(rnd, 11, 13), tz)
            out.append(_event(scene, person, ticket, note, Involvement.COMMENTER))
        when = at(days[index], _clock(rnd, 13, 17), tz)
        out.append(_event(scene, person, ticket, when, Involvement.TRANSITIONER, moves))
    return out


def jira_items(scene: Scene, person: Person) -> list[ContextItem]:
    return [e for t in tickets(scene, person) for e in _lifecycle(scene, person, t)]
