"""The colleague, prior and stuffer attackers: what each reads, and that it answers from it."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from context.models import ContextItem, ItemKind, Source
from evals.colleague import ColleagueAttacker
from evals.hearing import Field, Heard, hear
from evals.lookup import Reader
from evals.prior import OrgPrior
from evals.runner import make_org
from evals.stuffer import PHRASINGS, StufferAttacker, neighbour, offered

ASKED = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # Wednesday 11:30 in Chicago
CHICAGO = "America/Chicago"


@dataclass
class HearCase:
    text: str
    wants: Field
    kinds: set[ItemKind]
    day: date | None = None
    part: str | None = None
    clock: time | None = None
    status: str | None = None
    project: str | None = None


HEARD = [
    HearCase(
        "Who else was in your meeting yesterday at 3 pm?",
        Field.PEOPLE,
        {ItemKind.MEETING},
        date(2026, 11, 24),
        clock=time(15),
    ),
    # "on Monday" is the last Monday before today, never today
    HearCase(
        "Which ticket did you move to In Review on Monday afternoon?",
        Field.TICKET,
        {ItemKind.TICKET},
        date(2026, 11, 23),
        "afternoon",
        status="In Review",
    ),
    # a multi-word status ends where the time phrase starts
    HearCase(
        "Which ticket did you move to Waiting for customer yesterday morning?",
        Field.TICKET,
        {ItemKind.TICKET},
        date(2026, 11, 24),
        "morning",
        status="Waiting for customer",
    ),
    HearCase(
        "This morning, you created a HELP ticket. What was it about?",
        Field.TITLE,
        {ItemKind.TICKET},
        date(2026, 11, 25),
        "morning",
        project="HELP",
    ),
    # a date beyond the last week
    HearCase(
        "Which repository did you commit to on Tuesday 17 November afternoon?",
        Field.REPOSITORY,
        {ItemKind.COMMIT},
        date(2026, 11, 17),
        "afternoon",
    ),
    HearCase(
        "You sent an email to Dana Whitfield on Friday afternoon. What was it about?",
        Field.TITLE,
        {ItemKind.MAIL},
        date(2026, 11, 20),
        "afternoon",
    ),
    HearCase(
        "What time did you move POS-1234 to Done?",
        Field.TIME,
        {ItemKind.TICKET},
        status="Done",
    ),
    HearCase(
        "Which meeting did you decline this afternoon?",
        Field.MEETING,
        {ItemKind.MEETING},
        date(2026, 11, 25),
        "afternoon",
    ),
    HearCase(
        "Which file did your commit at 9:45 am touch?",
        Field.FILES,
        {ItemKind.COMMIT},
        clock=time(9, 45),
    ),
]


@pytest.mark.parametrize("case", HEARD, ids=lambda c: c.text[:40])
def test_hearing_a_question(case: HearCase) -> None:
    clues = hear(case.text, asked_at=ASKED, timezone=CHICAGO)
    assert clues.wants == case.wants
    assert set(clues.kinds) == case.kinds
    assert (clues.day, clues.part, clues.clock) == (case.day, case.part, case.clock)
    assert (clues.status, clues.project) == (case.status, case.project)


@pytest.fixture(scope="module")
def org():
    return make_org(60, 5)


@pytest.fixture(scope="module")
def colleague(org) -> ColleagueAttacker:
    return ColleagueAttacker(org, seed=5)


def targets(org) -> list[str]:
    return [e.upn for e in org.employees[1:30]]


def test_colleague_reads_only_what_its_account_could(org, colleague) -> None:
    for target in targets(org):
        account = colleague.account(target)
        assert account.upn != target
        for item in colleague.visible(target, account):
            if item.source in (Source.CALENDAR, Source.MAIL):  # its own calendar and inbox
                assert account.upn in {p.email for p in item.participants}
            else:  # the department's Jira projects and repositories
                assert item.source in (Source.JIRA, Source.GIT)


def test_colleague_is_a_teammate_when_there_is_one(org, colleague) -> None:
    prior = OrgPrior(org)  # team(): manager, peers under the same manager, direct reports
    for target in targets(org):
        assert colleague.account(target).upn in prior.team(target)


def meeting_question(item: ContextItem, org) -> str:
    local = item.when.astimezone(ZoneInfo(CHICAGO))
    days = (ASKED.astimezone(local.tzinfo).date() - local.date()).days
    day = {0: "today", 1: "yesterday"}.get(days) or f"on {local:%A}"
    hour = local.hour % 12 or 12
    clock = f"{hour}" if not local.minute else f"{hour}:{local.minute:02d}"
    return f"Who else was in your meeting {day} at {clock} {'am' if local.hour < 12 else 'pm'}?"


def chicago_targets(org) -> list[str]:
    return [e.upn for e in org.employees[1:] if e.timezone == CHICAGO]


def shared_meetings(org, colleague, *, shared: bool) -> list[tuple[str, ContextItem]]:
    """(target, one-off meeting in the last week) with or without the colleague on it."""
    out = []
    for target in chicago_targets(org):
        account = colleague.account(target)
        for item in org.items(target):
            if item.kind != ItemKind.MEETING or item.series_id or item.cancelled:
                continue
            if (ASKED - item.when).days >= 6 or item.sensitivity != "normal":
                continue
            on_it = account.upn in {p.email for p in item.participants}
            same_slot = [
                i for i in org.items(target) if i.kind == ItemKind.MEETING and i.when == item.when
            ]
            if on_it == shared and len(same_slot) == 1:
                out.append((target, item))
    return out


def test_colleague_names_who_was_in_a_meeting_it_attended(org, colleague) -> None:
    cases = shared_meetings(org, colleague, shared=True)
    assert cases, "the organisation should hold meetings shared with the colleague"
    for target, item in cases:
        q = Heard("q", meeting_question(item, org))
        said = asyncio.run(colleague.answers(target, [q]))["q"]
        me = next(e for e in org.employees if e.upn == target)
        others = {p.name for p in item.participants if p.email != target} - {me.name}
        assert set(said.split(", ")) == others, (q.text, said)


def test_colleague_does_not_know_a_meeting_it_was_not_in(org, colleague) -> None:
    cases = shared_meetings(org, colleague, shared=False)
    assert cases
    right = 0
    for target, item in cases:
        said = asyncio.run(colleague.answers(target, [Heard("q", meeting_question(item, org))]))
        others = {p.name for p in item.participants if p.email != target}
        right += set(said["q"].split(", ")) == others
    assert right < len(cases) / 4  # only the prior's lucky guesses


def test_colleague_reads_ticket_moves_from_the_project_history(org, colleague) -> None:
    asked = 0
    for target in chicago_targets(org):
        moves = [
            i
            for i in org.items(target)
            if "status_to" in i.identifiers and (ASKED - i.when).days < 6
        ]
        for item in moves:
            local = item.when.astimezone(ZoneInfo(CHICAGO))
            status = item.identifiers["status_to"]
            text = f"Which ticket did you move to {status} at {local:%-I:%M %p}?"
            said = asyncio.run(colleague.answers(target, [Heard("q", text)]))["q"]
            assert said == item.identifiers["ticket_key"]
            asked += 1
    assert asked


class FloodedOrg:
    """The organisation, except that the target's own records are flooded with commits to one
    repository nobody else uses: a prior that counted them would answer with it."""

    def __init__(self, org, target: str) -> None:
        self._org, self.target = org, target
        self.employees, self.now = org.employees, org.now

    def items(self, upn: str) -> list[ContextItem]:
        items = self._org.items(upn)
        if upn != self.target:
            return items
        commit = next(i for i in self._org.items(upn) if i.kind == ItemKind.COMMIT)
        flood = [
            commit.model_copy(
                update={
                    "id": f"flood-{n}",
                    "identifiers": commit.identifiers | {"repository": "secret-repo"},
                    "when": ASKED - timedelta(hours=n + 1),
                }
            )
            for n in range(500)
        ]
        return items + flood


def test_prior_never_counts_the_targets_own_records(org) -> None:
    engineer = next(e for e in org.employees if e.role == "engineer")
    prior = OrgPrior(FloodedOrg(org, engineer.upn))  # type: ignore[arg-type]
    clues = hear(
        "Which repository did you commit to this morning?", asked_at=ASKED, timezone=CHICAGO
    )
    candidates = prior.common(engineer.upn, clues, 5)
    assert candidates  # the team and department commit elsewhere
    assert "secret-repo" not in candidates
    counts: Counter[str] = Counter()
    for upn in prior.team(engineer.upn):
        counts.update(
            i.identifiers["repository"] for i in org.items(upn) if i.kind == ItemKind.COMMIT
        )
    if counts:  # the team's commonest repository comes first
        assert candidates[0] == counts.most_common(1)[0][0]


def test_prior_usual_attendees_are_two_names_never_the_target(org) -> None:
    prior = OrgPrior(org)
    for target in targets(org):
        me = next(e for e in org.employees if e.upn == target)
        clues = hear(
            "Who else was in your meeting yesterday at 2 pm?", asked_at=ASKED, timezone=CHICAGO
        )
        said = prior.best(target, clues)
        names = [n for n in said.split(", ") if n]
        assert len(names) <= 2
        assert me.name not in names


OFFERS = [
    (
        ["ITOPS-4173", "4174"],
        Field.TICKET,
        {p.format(a="ITOPS-4173", b="4174") for p in PHRASINGS},
    ),
    # people: one list, more names than were there
    (
        ["Dana Whitfield, Tom Ueda", "Priya Raman"],
        Field.PEOPLE,
        {"Dana Whitfield, Tom Ueda or Priya Raman"},
    ),
    (["only one"], Field.TITLE, {"only one"}),
]


@pytest.mark.parametrize(("candidates", "wants", "allowed"), OFFERS)
def test_stuffer_offers_candidates(candidates, wants, allowed) -> None:
    clues = hear("Which ticket?", asked_at=ASKED, timezone=CHICAGO)
    clues = type(clues)(**{**clues.__dict__, "wants": wants})
    assert offered(candidates, clues, ("x",)) in allowed


def test_neighbour_key() -> None:
    assert neighbour("ITOPS-4173") == "4174"
    assert neighbour("not a key") is None


def test_stuffer_includes_the_colleagues_answer(org, colleague) -> None:
    stuffer = StufferAttacker(colleague)
    checked = 0
    for target, item in shared_meetings(org, colleague, shared=True)[:10]:
        q = Heard("q", meeting_question(item, org))
        _, candidates = stuffer.candidates(target, q)
        known = asyncio.run(colleague.answers(target, [q]))["q"]
        assert candidates[0] == known
        said = asyncio.run(stuffer.answers(target, [q]))["q"]
        assert all(name in said for name in known.split(", ")[:3])
        assert " or " in said or len(candidates) == 1
        checked += 1
    assert checked


def test_colleague_finds_a_mail_it_received_from_an_approximate_time(org, colleague) -> None:
    found = 0
    for target in chicago_targets(org):
        account = colleague.account(target)
        for item in org.items(target):
            if item.kind != ItemKind.MAIL or (ASKED - item.when).days >= 6:
                continue
            if item.extra.get("meeting_response"):
                continue  # a reply to an invitation is asked about as a declined meeting
            if account.upn not in {p.email for p in item.participants}:
                continue
            local = item.when.astimezone(ZoneInfo(CHICAGO))
            near = [
                i
                for i in org.items(target)
                if i.kind == ItemKind.MAIL and abs((i.when - item.when).total_seconds()) < 5400
            ]
            if len(near) > 1:
                continue  # another mail the same hour: the question does not single it out
            days = (ASKED.astimezone(local.tzinfo).date() - local.date()).days
            day = {0: "today", 1: "yesterday"}.get(days) or f"on {local:%A}"
            rounded = (local + timedelta(minutes=30)).replace(minute=0)  # "around 1 pm" for 12:50
            text = f"You sent an email {day} around {rounded:%-I %p}. What was it about?"
            said = asyncio.run(colleague.answers(target, [Heard("q", text)]))["q"]
            assert said == item.title, text
            found += 1
    assert found


def test_reader_says_times_as_a_caller_would() -> None:
    reader = Reader(target_names=frozenset(), timezone=CHICAGO, asked_at=ASKED)
    assert reader.spoken_time(datetime(2026, 11, 24, 21, 0, tzinfo=UTC)) == "yesterday at 3 pm"
    assert reader.spoken_time(datetime(2026, 11, 23, 15, 30, tzinfo=UTC)) == "Monday at 9:30 am"


def declines(org, colleague, *, invited: bool) -> list[tuple[str, ContextItem]]:
    """(target, a reply declining an invitation in the last week, the only one of its day part)
    with or without the colleague among the invitees."""
    out = []
    for target in chicago_targets(org):
        account = colleague.account(target)
        replies = [i for i in org.items(target) if i.extra.get("meeting_response") == "declined"]
        for item in replies:
            if (ASKED - item.when).days >= 6:
                continue
            local = item.when.astimezone(ZoneInfo(CHICAGO))
            same_part = [
                r
                for r in replies
                if r.when.astimezone(ZoneInfo(CHICAGO)).date() == local.date()
                and (r.when.astimezone(ZoneInfo(CHICAGO)).hour < 12) == (local.hour < 12)
            ]
            on_it = account.upn in {p.email for p in item.participants}
            if on_it == invited and len(same_part) == 1:
                out.append((target, item))
    return out


def decline_question(item: ContextItem) -> str:
    local = item.when.astimezone(ZoneInfo(CHICAGO))
    days = (ASKED.astimezone(local.tzinfo).date() - local.date()).days
    day = {0: "this", 1: "yesterday"}.get(days) or f"on {local:%A}"
    part = "morning" if local.hour < 12 else "afternoon"
    return f"You declined a meeting invitation {day} {part}. Which meeting was it?"


def test_colleague_knows_a_decline_of_an_invitation_it_also_got(org, colleague) -> None:
    # Invited too (or the organiser): the attendee list shows who declined.
    cases = declines(org, colleague, invited=True)
    assert cases, "the organisation should hold declined invitations shared with the colleague"
    for target, item in cases:
        said = asyncio.run(colleague.answers(target, [Heard("q", decline_question(item))]))
        assert said["q"] == item.title, decline_question(item)


def test_colleague_cannot_read_a_decline_of_an_invitation_it_did_not_get(org, colleague) -> None:
    cases = declines(org, colleague, invited=False)
    assert cases
    right = 0
    for target, item in cases:
        said = asyncio.run(colleague.answers(target, [Heard("q", decline_question(item))]))
        right += said["q"] == item.title
    assert right < len(cases) / 4  # only the prior's lucky guesses


def test_a_decline_question_is_not_heard_as_a_meeting_attended() -> None:
    clues = hear(
        "You declined a meeting invitation yesterday afternoon. Which meeting was it?",
        asked_at=ASKED,
        timezone=CHICAGO,
    )
    assert clues.declined and clues.wants == Field.MEETING and clues.part == "afternoon"
    assert not hear("Who else was in your meeting today at 3 pm?", asked_at=ASKED,
                    timezone=CHICAGO).declined  # fmt: skip


def test_stuffer_also_lists_candidates_as_if_both_were_so() -> None:
    clues = hear("What was the mail about?", asked_at=ASKED, timezone=CHICAGO)
    clues = type(clues)(**{**clues.__dict__, "wants": Field.TITLE})
    said = {offered(["store closure review", "daily huddle"], clues, (n,)) for n in range(60)}
    assert "store closure review and daily huddle" in said
    assert "store closure review or daily huddle" in said
