"""The deterministic template engine: one or two question shapes per kind of fact.

Each template turns one ranked fact into a free-text question with its expected answer, accepted
variants and evidence. The planner (questions/planner.py) picks a role-appropriate mix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from context.models import (
    MEETING_RESPONSE,
    SHIFT_EVENT,
    ContextItem,
    Employee,
    Involvement,
    ItemKind,
    MeetingResponse,
    ShiftEvent,
    Source,
)
from questions.engine import EngineOutput, EngineRequest, RankedFact
from questions.exposure import annotate
from questions.models import Question
from questions.phrasing import clock, day_phrase, local, when_phrase
from questions.planner import plan
from vocabulary.answers import AnswerKind

NEAR = timedelta(minutes=45)
Template = Callable[[ContextItem, Employee, datetime, Sequence[ContextItem]], Question | None]


def _question(
    item: ContextItem,
    topic: str,
    text: str,
    kind: AnswerKind,
    expected: str,
    variants: Sequence[str] = (),
    evidence: Sequence[str] = (),
) -> Question:
    unique = [v for v in dict.fromkeys(variants) if v and v != expected]
    return Question(
        id="",
        text=text,
        kind=kind,
        expected=expected,
        variants=unique,
        evidence=list(dict.fromkeys([item.id, *evidence])),
        source=item.source,
        topic=topic,
        fact_time=item.when,
        engine="template",
    )


def _others(item: ContextItem, employee: Employee) -> list[str]:
    mine = {employee.upn.lower(), employee.name.lower(), *(a.lower() for a in employee.aliases)}
    names = []
    for person in item.participants:
        if person.name.lower() in mine or (person.email or "").lower() in mine:
            continue
        names.append(person.name)
    return list(dict.fromkeys(names))


def _same_slot(
    item: ContextItem,
    pool: Sequence[ContextItem],
    tz: str,
    now: datetime,
    key: Callable[[ContextItem], str | None],
) -> list[ContextItem]:
    """Items of the same kind in the same day part whose `key` matches: they answer the same
    question equally well, so their answers are accepted as variants."""
    phrase = when_phrase(item.when, now, tz)
    return [
        other
        for other in pool
        if other.kind == item.kind
        and other.id != item.id
        and key(other) == key(item)
        and when_phrase(other.when, now, tz) == phrase
    ]


def meeting_subject(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    if item.kind != ItemKind.MEETING or item.involvement != Involvement.ORGANIZER:
        return None
    day, at = day_phrase(item.when, now, emp.timezone), clock(item.when, emp.timezone)
    text = f"What was the meeting you organised {day} at {at} about?"
    return _question(item, "meeting.subject", text, AnswerKind.TEXT, item.title)


def meeting_attendees(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    others = _others(item, emp)
    if item.kind != ItemKind.MEETING or not 1 <= len(others) <= 3:
        return None
    day, at = day_phrase(item.when, now, emp.timezone), clock(item.when, emp.timezone)
    text = f"Who else was in your meeting {day} at {at}?"
    return _question(item, "meeting.attendees", text, AnswerKind.PERSON, ", ".join(others))


def _reply(item: ContextItem) -> str | None:
    """The employee's answer to an invitation when `item` is their reply to one."""
    return item.extra.get(MEETING_RESPONSE) if item.kind == ItemKind.MAIL else None


def _sent_near(item: ContextItem, pool: Sequence[ContextItem]) -> list[ContextItem]:
    """Other mails sent within NEAR of this one: "around 3 pm" fits them just as well."""
    return [
        other
        for other in pool
        if other.kind == ItemKind.MAIL
        and other.id != item.id
        and _reply(other) is None
        and abs((other.when - item.when).total_seconds()) <= NEAR.total_seconds()
    ]


def mail_subject(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    # The recipient is not named: they are the one other person who knows the answer.
    if item.kind != ItemKind.MAIL or not item.participants or not item.title.strip():
        return None
    if _reply(item) is not None:
        return None  # a reply to an invitation: see meeting_declined
    day, at = day_phrase(item.when, now, emp.timezone), clock(item.when, emp.timezone)
    text = f"You sent an email {day} around {at}. What was it about?"
    same = _sent_near(item, pool)
    return _question(
        item,
        "mail.subject",
        text,
        AnswerKind.TEXT,
        item.title,
        [o.title for o in same],
        [o.id for o in same],
    )


def meeting_declined(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    # Only the organiser got the reply, and a declined meeting is on nobody else's calendar as
    # declined: a teammate's account sees the invitation at most, not the answer.
    if _reply(item) != MeetingResponse.DECLINED or not item.title.strip():
        return None
    when = when_phrase(item.when, now, emp.timezone)
    text = f"You declined a meeting invitation {when}. Which meeting was it?"
    same = _same_slot(item, pool, emp.timezone, now, _reply)
    return _question(
        item,
        "meeting.declined",
        text,
        AnswerKind.TEXT,
        item.title,
        [o.title for o in same],
        [o.id for o in same],
    )


def ticket_moved(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    key, status = item.identifiers.get("ticket_key"), item.identifiers.get("status_to")
    if item.kind != ItemKind.TICKET or item.involvement != Involvement.TRANSITIONER:
        return None
    if item.source == Source.ITSM:
        return None  # the employee's own IT ticket: see it_request
    if not key or not status:
        return None
    when = when_phrase(item.when, now, emp.timezone)
    text = f"Which ticket did you move to {status} {when}?"
    same = _same_slot(item, pool, emp.timezone, now, lambda o: o.identifiers.get("status_to"))
    variants = [o.identifiers["ticket_key"] for o in same if "ticket_key" in o.identifiers]
    return _question(
        item, "ticket.transition", text, AnswerKind.IDENTIFIER, key, variants, [o.id for o in same]
    )


def ticket_summary(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    verbs = {
        Involvement.COMMENTER: "commented on",
        Involvement.REPORTER: "created",
        Involvement.ASSIGNEE: "were assigned",
    }
    verb = verbs.get(item.involvement)
    if item.kind != ItemKind.TICKET or verb is None or item.source == Source.ITSM:
        return None
    project = item.identifiers.get("project", "Jira")
    when = when_phrase(item.when, now, emp.timezone)
    text = f"{when[0].upper()}{when[1:]}, you {verb} a {project} ticket. What was it about?"
    key = item.identifiers.get("ticket_key")
    return _question(
        item, "ticket.summary", text, AnswerKind.TEXT, item.title, [key] if key else []
    )


def commit_repository(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    repo = item.identifiers.get("repository")
    if item.kind != ItemKind.COMMIT or not repo:
        return None
    when = when_phrase(item.when, now, emp.timezone)
    text = f"Which repository did you commit to {when}?"
    same = _same_slot(item, pool, emp.timezone, now, lambda o: "commit")
    variants = [repo.replace("-", " ")] + [o.identifiers.get("repository", "") for o in same]
    return _question(
        item, "commit.repository", text, AnswerKind.TEXT, repo, variants, [o.id for o in same]
    )


def commit_subject(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    if item.kind != ItemKind.COMMIT or "repository" not in item.identifiers:
        return None
    when = when_phrase(item.when, now, emp.timezone)
    text = f"What did the commit you made {when} change?"
    return _question(item, "commit.subject", text, AnswerKind.TEXT, item.title)


def _event(item: ContextItem) -> str | None:
    return item.extra.get(SHIFT_EVENT) if item.kind == ItemKind.SHIFT else None


def _rostered(pool: Sequence[ContextItem]) -> list[ContextItem]:
    return [o for o in pool if _event(o) == ShiftEvent.SHIFT]


def _day(item: ContextItem, emp: Employee) -> str:
    """The employee's local date of an item, as a date-only expected answer."""
    return local(item.when, emp.timezone).date().isoformat()


def _past_week(item: ContextItem, emp: Employee, now: datetime) -> bool:
    """Within the last six days: a weekday then names one day ("on Wednesday" a week ago would
    mean today, and a caller's "Wednesday" is read as the latest one)."""
    return (local(now, emp.timezone).date() - local(item.when, emp.timezone).date()).days < 7


def shift_start(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    """A rostered shift's start: on the store's rota, so its audience is the store."""
    if _event(item) != ShiftEvent.SHIFT:
        return None
    if not _past_week(item, emp, now):
        return None
    day = day_phrase(item.when, now, emp.timezone)
    same_day = [o for o in _rostered(pool) if day_phrase(o.when, now, emp.timezone) == day]
    if len(same_day) > 1:
        return None  # two shifts that day: "your shift" would be ambiguous
    text = f"What time did your shift start {day}?"
    return _question(item, "shift.start", text, AnswerKind.DATETIME, item.when.isoformat())


def shift_store(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    """Which store (asked only of someone who worked at more than one this week: otherwise the
    answer is their home store) or, within one store, which department."""
    if _event(item) != ShiftEvent.SHIFT:
        return None
    day = day_phrase(item.when, now, emp.timezone)
    rostered = _rostered(pool)
    if len({o.extra.get("store") for o in rostered}) > 1:
        text = f"Which store were you scheduled at {day}?"
        return _question(item, "shift.store", text, AnswerKind.TEXT, item.extra["store"])
    department = item.extra.get("department")
    if department and len({o.extra.get("department") for o in rostered}) > 1:
        text = f"Which department were you scheduled in {day}?"
        return _question(item, "shift.department", text, AnswerKind.TEXT, department)
    return None


def shift_swap(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    """Who the employee swapped a shift with: the two of them and the manager know."""
    others = _others(item, emp)
    if _event(item) != ShiftEvent.SWAP or len(others) != 1:
        return None
    if item.extra.get("state") == "declined":
        return None  # nobody worked it differently: a weak memory
    day = day_phrase(item.when, now, emp.timezone).removeprefix("on ")
    text = f"Who did you swap your {day} shift with?"
    return _question(item, "shift.swap", text, AnswerKind.PERSON, others[0])


def time_off(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    """The day the employee asked to have off (never why)."""
    if _event(item) != ShiftEvent.TIME_OFF or not _past_week(item, emp, now):
        return None  # older: its swaps and tickets are asked, not a day named by its weekday
    text = "You asked for time off recently. Which day was it for?"
    return _question(item, "shift.time_off", text, AnswerKind.DATETIME, _day(item, emp))


def open_shift(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    if _event(item) != ShiftEvent.OPEN_SHIFT or item.extra.get("state") == "declined":
        return None
    if not _past_week(item, emp, now):
        return None
    text = "You asked to pick up an open shift recently. Which day was it?"
    return _question(item, "shift.open_shift", text, AnswerKind.DATETIME, _day(item, emp))


def it_request(
    item: ContextItem, emp: Employee, now: datetime, pool: Sequence[ContextItem]
) -> Question | None:
    """What the employee asked IT for: their own ticket (caller or requester)."""
    if item.kind != ItemKind.TICKET or item.source != Source.ITSM or not item.title.strip():
        return None

    def age(other: ContextItem) -> int:
        return (local(now, emp.timezone).date() - local(other.when, emp.timezone).date()).days

    old = [o for o in pool if o.source == Source.ITSM and o.kind == ItemKind.TICKET and age(o) >= 5]
    if age(item) >= 5 and len(old) == 1:
        when = "last week"  # the only ticket that old: "last week" names it
    else:  # the day and the hour: two tickets of one day part must not read the same
        day, at = day_phrase(item.when, now, emp.timezone), clock(item.when, emp.timezone)
        when = f"{day} around {at}"
    text = f"What did you ask IT for {when}?"
    variants = [item.extra.get("category", ""), item.identifiers.get("ticket_key", "")]
    return _question(item, "itsm.request", text, AnswerKind.TEXT, item.title, variants)


# Per item kind, the shapes in order of preference (typed answers first: they grade exactly).
TEMPLATES: dict[ItemKind, tuple[Template, ...]] = {
    ItemKind.MEETING: (meeting_attendees, meeting_subject),
    ItemKind.MAIL: (mail_subject, meeting_declined),
    ItemKind.TICKET: (it_request, ticket_moved, ticket_summary),
    ItemKind.COMMIT: (commit_subject, commit_repository),
    ItemKind.SHIFT: (shift_swap, time_off, open_shift, shift_start, shift_store),
}


def candidates(facts: Sequence[RankedFact], employee: Employee, now: datetime) -> list[Question]:
    """Every question the templates can write, best fact first, each with its audience and
    guess probability (questions/exposure.py)."""
    pool = [fact.item for fact in facts]
    out: list[Question] = []
    for fact in facts:
        for template in TEMPLATES.get(fact.item.kind, ()):
            question = template(fact.item, employee, now, pool)
            if question is not None:
                out.append(question)
    return annotate(out, pool, employee)


class TemplateEngine:
    name: ClassVar[str] = "template"

    async def generate(self, request: EngineRequest) -> EngineOutput:
        pool = candidates(request.facts, request.employee, request.now)
        chosen = plan(pool, role=request.employee.role, count=request.count, now=request.now)
        return EngineOutput(questions=chosen)
