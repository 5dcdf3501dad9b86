"""A new hire's first days: almost nothing to ask about, so deskguard must escalate."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from context.demo.records import Person
from context.demo.scene import Scene, at
from context.demo.seeding import digest
from context.models import ContextItem, Involvement, ItemKind, Source


def _meeting(
    scene: Scene, person: Person, title: str, start: datetime, minutes: int, host: str
) -> ContextItem:
    crew = (scene.participant(host, "organizer"), scene.participant(person.upn, "attendee"))
    return ContextItem(
        id=scene.new_id("calendar", person.upn, title, start.isoformat()),
        source=Source.CALENDAR,
        kind=ItemKind.MEETING,
        when=start,
        end=start + timedelta(minutes=minutes),
        title=title,
        involvement=Involvement.ATTENDEE,
        participants=crew,
        audience=scene.named_audience(person.upn, crew),
        provenance=scene.provenance(digest("event", person.upn, title)[:20]),
    )


def _mail(scene: Scene, person: Person, sent: datetime, to: str) -> ContextItem:
    return ContextItem(
        id=scene.new_id("mail", person.upn, "laptop", sent.isoformat()),
        source=Source.MAIL,
        kind=ItemKind.MAIL,
        when=sent,
        title="Laptop and badge pickup",
        involvement=Involvement.SENDER,
        participants=(scene.participant(to, "to"),),
        audience=scene.named_audience(person.upn, [scene.participant(to, "to")]),
        provenance=scene.provenance(digest("mail", person.upn, sent)[:24]),
    )


def new_hire_items(scene: Scene, person: Person) -> list[ContextItem]:
    """Orientation and a welcome 1:1 on the first working day, one mail the day after."""
    joined = scene.anchor - timedelta(days=person.joined_days_ago or 0)
    days = [d for d in scene.workdays() if d >= joined]
    boss, tz = person.employee.manager, person.employee.timezone
    hr = scene.hr_partner or boss
    if not days or not boss or not hr:
        return []
    name = scene.people[boss].employee.name
    out = [
        _meeting(scene, person, "New hire orientation", at(days[0], time(9), tz), 60, hr),
        _meeting(scene, person, f"Welcome 1:1 with {name}", at(days[0], time(11), tz), 30, boss),
    ]
    if len(days) > 1:
        out.append(_mail(scene, person, at(days[1], time(10, 5), tz), boss))
    return out
