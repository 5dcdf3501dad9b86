"""Questions a teammate's account cannot read: at most one shared-system fact per set, and facts
whose few knowers are outside the caller's team preferred (questions/exposure.py, planner.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from context.demo import build_org
from context.models import MEETING_RESPONSE, ContextItem, Involvement, ItemKind, MeetingResponse
from questions.engine import EngineRequest
from questions.exposure import annotate, shares_a_system, team_of, team_share
from questions.facts import rank_facts
from questions.models import Question
from questions.pipeline import PipelineOptions, build_question_set
from questions.planner import plan
from questions.templates import TemplateEngine, candidates
from tests.questions.factories import EMPLOYEE, NOW, PROFILE, item, person, workload

MAYA = person("Maya Chen", "organizer")
# Maya's team as her recurring meetings show it: her manager Omar and her peers Priya and Tom.
WEEKLY = item(
    ItemKind.MEETING,
    "IT operations weekly",
    30,
    involvement=Involvement.ATTENDEE,
    people=(
        person("Omar Haddad", "organizer"),
        MAYA,
        person("Priya Natarajan"),
        person("Tom Berg"),
    ),
    series="weekly-1",
)


def one_off(title: str, hours_ago: float, *names: str) -> ContextItem:
    return item(
        ItemKind.MEETING,
        title,
        hours_ago,
        involvement=Involvement.ORGANIZER,
        people=(MAYA, *(person(n) for n in names)),
    )


def ticket(key: str, hours_ago: float) -> ContextItem:
    ids = {"ticket_key": key, "project": "OPS", "status_from": "To Do", "status_to": "Done"}
    return item(
        ItemKind.TICKET,
        f"Rotate kiosk certificates batch {key}",
        hours_ago,
        involvement=Involvement.TRANSITIONER,
        ids=ids,
    )


def commit(title: str, hours_ago: float, sha: str) -> ContextItem:
    ids = {"repository": "identity-automation", "branch": "main", "sha": sha}
    return item(ItemKind.COMMIT, title, hours_ago, involvement=Involvement.AUTHOR, ids=ids)


def test_the_team_is_who_the_recurring_meetings_show_without_the_employee() -> None:
    items = [WEEKLY, one_off("Badge vendor call", 5, "Leah Ortiz")]
    assert team_of(items, EMPLOYEE) == {"Omar Haddad", "Priya Natarajan", "Tom Berg"}
    # a one-off meeting is not the team: Leah is someone Maya worked with once
    assert "Leah Ortiz" not in team_of(items, EMPLOYEE)


@dataclass
class ShareCase:
    what: str
    fact: ContextItem
    topic: str
    share: float


TEAM_ITEMS: list[ContextItem] = [WEEKLY]


@pytest.mark.parametrize(
    "case",
    [
        # every teammate reads the team's Jira project: its history says who moved what
        ShareCase("ticket move", ticket("OPS-7", 20), "ticket.transition", 1.0),
        ShareCase("commit", commit("Add alerting rule", 4, "3f9c2ab"), "commit.subject", 1.0),
        # one of three teammates was in the meeting
        ShareCase(
            "meeting with a peer",
            one_off("Okta migration planning", 6, "Tom Berg"),
            "meeting.attendees",
            1 / 3,
        ),
        # nobody on the team was there: a teammate's calendar does not have it
        ShareCase(
            "meeting outside the team",
            one_off("Badge vendor call", 6, "Leah Ortiz"),
            "meeting.attendees",
            0.0,
        ),
    ],
    ids=lambda c: c.what,
)
def test_team_share_is_the_chance_a_teammates_account_reads_the_answer(case: ShareCase) -> None:
    pool = candidates(rank_facts([*TEAM_ITEMS, case.fact], now=NOW, profile=PROFILE), EMPLOYEE, NOW)
    question = next(q for q in pool if q.evidence[0] == case.fact.id and q.topic == case.topic)
    assert team_share(question, team_of(TEAM_ITEMS, EMPLOYEE)) == pytest.approx(case.share)


def test_a_teammates_meeting_is_estimated_easier_than_one_outside_the_team() -> None:
    inside = one_off("Okta migration planning", 6, "Tom Berg")
    outside = one_off("Badge vendor call", 6, "Leah Ortiz")
    pool = candidates(
        rank_facts([WEEKLY, inside, outside], now=NOW, profile=PROFILE), EMPLOYEE, NOW
    )
    by_fact = {q.evidence[0]: q for q in pool if q.topic == "meeting.attendees"}
    near, far = by_fact[inside.id].guess_probability, by_fact[outside.id].guess_probability
    assert near is not None and far is not None
    assert near == pytest.approx(1 / 3, abs=1e-5)  # a third of the team could answer
    assert far < 0.01  # nobody on the team can


def test_the_planner_prefers_the_fact_outside_the_team() -> None:
    # Same shape, same age: only who else was there differs.
    inside = one_off("Okta migration planning", 6, "Tom Berg")
    outside = one_off("Badge vendor review", 6, "Leah Ortiz")
    pool = candidates(
        rank_facts([WEEKLY, inside, outside], now=NOW, profile=PROFILE), EMPLOYEE, NOW
    )
    attendees = [q for q in pool if q.topic == "meeting.attendees" and q.evidence[0] != WEEKLY.id]
    first = plan(attendees, role="it_admin", count=1, now=NOW)
    assert [q.evidence[0] for q in first] == [outside.id]


def shared_rich_pool() -> list[Question]:
    items = [
        *workload(),
        WEEKLY,
        ticket("OPS-11", 20),
        ticket("OPS-12", 44),
        commit("Add alerting rule for break-glass", 5, "1a2b3c4"),
        commit("Tighten session lifetime policy", 28, "5d6e7f8"),
        one_off("Badge vendor review", 6, "Leah Ortiz"),
    ]
    return candidates(rank_facts(items, now=NOW, profile=PROFILE), EMPLOYEE, NOW)


@pytest.mark.parametrize("role", ["engineer", "data_engineer", "it_admin", "helpdesk", "hr"])
def test_a_set_asks_at_most_one_shared_system_fact(role: str) -> None:
    # Engineers live in git and Jira: even for them, one such question is all a set asks.
    pool = shared_rich_pool()
    assert sum(1 for q in pool if shares_a_system(q)) >= 4
    chosen = plan(pool, role=role, count=6, now=NOW)
    assert len(chosen) >= 4
    assert sum(1 for q in chosen if shares_a_system(q)) <= 1, [q.topic for q in chosen]


def test_a_refill_respects_the_shared_system_already_taken() -> None:
    pool = shared_rich_pool()
    taken = [next(q for q in pool if shares_a_system(q))]
    more = plan([q for q in pool if q is not taken[0]], role="engineer", count=6, now=NOW,
                taken=taken)  # fmt: skip
    assert more and not any(shares_a_system(q) for q in more)


def test_estimates_already_carried_are_kept_whatever_the_team() -> None:
    pool = shared_rich_pool()
    assert [q.guess_probability for q in annotate(pool, [WEEKLY], EMPLOYEE)] == [
        q.guess_probability for q in pool
    ]


async def test_synthetic_sets_hold_one_shared_system_fact_at_most() -> None:
    # Every role of a synthetic organisation, through the whole pipeline (refills included).
    org = build_org(size=200, seed=7, now=datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    sizes = []
    for employee in org.employees[::5]:
        items = [
            i for i in org.items(employee.upn) if i.sensitivity == "normal" and not i.cancelled
        ]
        facts = rank_facts(items, now=org.now, profile=org.profile(employee.upn))
        request = EngineRequest(employee=employee, profile=None, facts=facts, count=6, now=org.now)
        qset, _ = await build_question_set(
            request, TemplateEngine(), options=PipelineOptions(min_questions=4)
        )
        assert sum(1 for q in qset.questions if shares_a_system(q)) <= 1, employee.upn
        sizes.append(len(qset.questions))
    assert sum(sizes) > 150  # real sets, not empty ones


def reply(title: str, hours_ago: float, *invitees: str) -> ContextItem:
    declined = item(
        ItemKind.MAIL,
        title,
        hours_ago,
        involvement=Involvement.SENDER,
        people=(person(invitees[0], "to"), *(person(n) for n in invitees[1:])),
    )
    return declined.model_copy(update={"extra": {MEETING_RESPONSE: MeetingResponse.DECLINED}})


def test_a_declined_invitation_is_asked_as_a_meeting_never_as_a_mail() -> None:
    declined = reply("Vendor demo: Zebra handhelds", 20, "Leah Ortiz", "Dana Wu")
    pool = candidates(rank_facts([declined], now=NOW, profile=PROFILE), EMPLOYEE, NOW)
    assert [q.topic for q in pool] == ["meeting.declined"]
    question = pool[0]
    assert question.text == (
        "You declined a meeting invitation yesterday afternoon. Which meeting was it?"
    )
    assert question.expected == "Vendor demo: Zebra handhelds"
    assert "leah" not in question.text.lower()  # the organiser is not named
    # two replies in one day part answer the question equally well
    other = reply("Loss prevention sync", 21, "Tom Berg")
    both = candidates(rank_facts([declined, other], now=NOW, profile=PROFILE), EMPLOYEE, NOW)
    first = next(q for q in both if q.evidence[0] == declined.id)
    assert first.variants == ["Loss prevention sync"]


async def test_the_demo_tenant_declines_invitations_and_asks_about_them() -> None:
    org = build_org(size=200, seed=7, now=datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    replies = [
        (e, i)
        for e in org.employees
        for i in org.items(e.upn)
        if i.extra.get(MEETING_RESPONSE) == MeetingResponse.DECLINED
    ]
    assert len(replies) > 50
    for employee, declined in replies[:40]:
        meetings = [i for i in org.items(employee.upn) if i.kind is ItemKind.MEETING]
        assert declined.kind is ItemKind.MAIL and declined.participants[0].role == "to"
        # a declined meeting is off the calendar: never asked as a meeting attended
        later = [m for m in meetings if 0 < (m.when - declined.when).total_seconds() <= 7200]
        assert declined.title not in {m.title for m in later}
    asked = []
    for employee, _ in replies[:: max(1, len(replies) // 25)]:
        items = [i for i in org.items(employee.upn) if i.sensitivity == "normal"]
        facts = rank_facts(items, now=org.now, profile=org.profile(employee.upn))
        asked += [q.topic for q in candidates(facts, employee, org.now)]
    assert "meeting.declined" in asked
