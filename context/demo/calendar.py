"""Calendar items: team series, 1:1s, specific one-off meetings, and the private, cancelled and
HR-sensitive events the privacy filter must drop."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from context.demo.catalog import PRIVATE_APPOINTMENTS, ROLES, fill
from context.demo.records import Person, Team
from context.demo.scene import Scene, at
from context.demo.seeding import digest, rng
from context.models import (
    MEETING_RESPONSE,
    ContextItem,
    Involvement,
    ItemKind,
    MeetingResponse,
    Participant,
    Sensitivity,
    Source,
)

# Share of the invitations someone else sends that the employee declines (its own seeded stream).
# A declined meeting leaves the calendar (Outlook's default); the reply stays in Sent Items.
DECLINE = 0.4


def _meeting(
    scene: Scene,
    person: Person,
    title: str,
    start: datetime,
    minutes: int,
    people: list[Participant],
    **kw: object,
) -> ContextItem:
    organizer = next((p.email for p in people if p.role == "organizer"), person.upn)
    ref = digest("event", scene.seed, person.upn, title, start.isoformat())[:20]
    return ContextItem.model_validate(
        {
            "id": scene.new_id("calendar", person.upn, title, start.isoformat()),
            "source": Source.CALENDAR,
            "kind": ItemKind.MEETING,
            "when": start,
            "end": start + timedelta(minutes=minutes),
            "title": title,
            "involvement": Involvement.ORGANIZER
            if organizer == person.upn
            else Involvement.ATTENDEE,
            "participants": tuple(people),
            "audience": scene.named_audience(person.upn, people),
            "provenance": scene.provenance(ref),
            **kw,
        }
    )


def _crew(scene: Scene, organizer: str, others: list[str]) -> list[Participant]:
    rest = [scene.participant(u, "attendee") for u in others if u != organizer]
    return [scene.participant(organizer, "organizer"), *rest]


def _series(scene: Scene, person: Person, team: Team, day: date) -> list[ContextItem]:
    settled = [m for m in team.members if scene.people[m].joined_days_ago is None]
    crew = _crew(scene, team.lead, settled)
    out = []
    if team.standup:
        start = at(day, team.standup_at, team.timezone)
        sid = f"demo-series-{digest(scene.seed, team.id, 'standup')[:12]}"
        out.append(_meeting(scene, person, team.standup, start, 15, crew, series_id=sid))
    if day.weekday() == team.weekly_day:
        start = at(day, team.weekly_at, team.timezone)
        sid = f"demo-series-{digest(scene.seed, team.id, 'weekly')[:12]}"
        out.append(_meeting(scene, person, team.weekly, start, 45, crew, series_id=sid))
    return out


def _one_on_ones(scene: Scene, person: Person, day: date) -> list[ContextItem]:
    pairs = [(m, person.upn) for m in [person.employee.manager] if m in scene.people]
    pairs += [(person.upn, r) for r in scene.reports.get(person.upn, [])]
    # New hires get a welcome 1:1 instead of the weekly series (see onboarding.py).
    pairs = [(b, r) for b, r in pairs if scene.people[r].joined_days_ago is None]
    out = []
    for boss, report in pairs:
        rnd = rng(scene.seed, "1:1", boss, report)  # the same slot every week, on any date
        if day.weekday() != rnd.randrange(5):
            continue
        lead = scene.people[boss].employee
        start = at(day, time(13 + rnd.randrange(3), rnd.choice((0, 30))), lead.timezone)
        title = f"{lead.given_name} / {scene.people[report].employee.given_name} 1:1"
        sid = f"demo-series-{digest(scene.seed, '1:1', boss, report)[:12]}"
        crew = _crew(scene, boss, [report])
        out.append(_meeting(scene, person, title, start, 30, crew, series_id=sid))
    return out


def _free_slot(rnd: random.Random, day: date, tz: str, busy: list[ContextItem]) -> datetime:
    """A local half-hour between 10:00 and 16:00 that no other meeting of the day overlaps."""
    start = at(day, time(10), tz)
    for _ in range(8):
        start = at(day, time(rnd.randrange(10, 16), rnd.choice((0, 30))), tz)
        end = start + timedelta(minutes=60)
        if not any(b.when < end and start < (b.end or b.when) for b in busy):
            break
    return start


def _one_off(scene: Scene, person: Person, day: date, busy: list[ContextItem]) -> ContextItem:
    rnd = scene.rng("one-off", person.upn, day)
    title = fill(rnd.choice(ROLES[person.employee.role].meetings), rnd, day=day, store=person.store)
    others = scene.colleagues(person.upn, rnd, rnd.randint(2, 3))
    organizer = person.upn if rnd.random() < 0.6 or not others else others[0]
    start = _free_slot(rnd, day, person.employee.timezone, busy)
    crew = _crew(scene, organizer, [person.upn, *others])
    location = rnd.choice(("Teams meeting", "HQ 4th floor - Bluestem", "HQ 2nd floor - Juniper"))
    meeting = _meeting(
        scene, person, title, start, rnd.choice((30, 60)), crew, extra={"location": location}
    )
    answer = scene.rng("decline", person.upn, day)
    if organizer != person.upn and answer.random() < DECLINE:
        return _declined(scene, person, meeting, crew[0], answer)
    return meeting


def _declined(
    scene: Scene, person: Person, meeting: ContextItem, organizer: Participant, rnd: random.Random
) -> ContextItem:
    """The reply declining `meeting`, sent half an hour to two hours before it (meetings start
    at 10 at the earliest: the reply is sent in working hours). It goes to the
    organiser; the invitation it answers names the other invitees, and an attendee list shows
    every invitee who declined, so all of them can know (its audience is the meeting's)."""
    sent = meeting.when - timedelta(minutes=rnd.randrange(30, 120, 5))
    to = scene.participant(organizer.email or person.upn, "to")  # the reply's one recipient
    rest = (p for p in meeting.participants if p.email not in (person.upn, organizer.email))
    invited = (to, *rest)  # and the invitation's other invitees
    return ContextItem(
        id=scene.new_id("mail", person.upn, "declined", meeting.id),
        source=Source.MAIL,
        kind=ItemKind.MAIL,
        when=sent,
        title=meeting.title,  # connectors give a reply the meeting's subject, prefix removed
        involvement=Involvement.SENDER,
        participants=invited,
        extra={MEETING_RESPONSE: MeetingResponse.DECLINED.value},
        audience=scene.named_audience(person.upn, invited),
        provenance=scene.provenance(f"AAMk{digest('reply', scene.seed, meeting.id)[:24]}"),
    )


def _must_haves(scene: Scene, person: Person) -> list[ContextItem]:
    """Two private appointments, one cancelled meeting, one HR-sensitive title."""
    days = scene.inner_days()
    if not days:
        return []
    rnd = scene.rng("must-haves", person.upn)
    tz, me = person.employee.timezone, person.upn
    private = zip(rnd.sample(PRIVATE_APPOINTMENTS, 2), (time(12), time(16, 30)), strict=True)
    out = [
        _meeting(
            scene,
            person,
            title,
            at(rnd.choice(days), clock, tz),
            60,
            [scene.participant(me, "organizer")],
            sensitivity=Sensitivity.PRIVATE,
        )
        for title, clock in private
    ]
    others = scene.colleagues(me, rnd, 2)
    title = fill("Vendor demo: {vendor} for {region}", rnd, day=scene.anchor)
    out.append(
        _meeting(
            scene,
            person,
            title,
            at(rnd.choice(days), time(15), tz),
            30,
            _crew(scene, me, others),
            cancelled=True,
        )
    )
    subject = scene.reports.get(me, [me])[0]
    hr = scene.hr_partner if scene.hr_partner != me else None
    title = f"Compensation review - {scene.people[subject].employee.name}"
    out.append(
        _meeting(
            scene,
            person,
            title,
            at(rnd.choice(days), time(11), tz),
            30,
            _crew(scene, me, [hr] if hr else []),
        )
    )
    return out


def calendar_items(scene: Scene, person: Person) -> list[ContextItem]:
    role = ROLES[person.employee.role]
    out: list[ContextItem] = []
    for day in scene.workdays():
        todays = [i for t in scene.teams_of[person.upn] for i in _series(scene, person, t, day)]
        todays += _one_on_ones(scene, person, day)
        if scene.rng("busy", person.upn, day).random() < role.meetings_per_day:
            todays.append(_one_off(scene, person, day, todays))
        out += todays
    return out + _must_haves(scene, person)
