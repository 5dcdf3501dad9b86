"""Who else could answer a question: its fact, its audience and the answer's prior.

A question is only as strong as the people who could answer it besides the employee. Two things
make an informed impostor right: being (or borrowing the account of) someone who could know the
answer, and guessing the value colleagues most often see (the team's usual repository). Both are
estimated here, where the facts are known, and carried on the Question; the decision policy
decides how much weight the estimate gets (grading/policies/*.yaml).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from context.models import (
    ASSUMED_LARGE_AUDIENCE,
    AudienceScope,
    ContextItem,
    Employee,
    ItemKind,
    Source,
)
from questions.engine import RankedFact
from questions.models import Question
from vocabulary.words import capitalised_names

# The chance that one given member of a fact's audience is the caller or lends them an account
# (a compromised colleague mailbox, a shared screen). An assumption, not a measurement: it orders
# facts (one other person << a whole project) and is re-measured by the eval's colleague attacker.
COLLEAGUE_RATE = 0.002
# How much of an item's audience sees a topic's answer at a glance. A commit subject or the
# repository is on every listing of the history, a ticket key and summary on every board; which
# files a commit touched or the minute a ticket moved are only in a detail view.
VISIBILITY: dict[str, float] = {
    "commit.subject": 1.0,
    "commit.repository": 1.0,
    "ticket.summary": 1.0,
    "ticket.transition": 1.0,
    "commit.files": 0.5,
    "ticket.moved_at": 0.5,
}
# Unseen alternatives per topic when estimating the prior from the employee's own items: a
# department has a handful of repositories but endless meeting titles and mail subjects.
ALTERNATIVES: dict[str, int] = {
    "commit.repository": 1,  # the team's few repositories: the usual one is a good guess
    "meeting.attendees": 4,  # the same few teammates
    "ticket.transition": 50,  # ticket numbers: the project's open tickets
    "shift.start": 3,  # a store runs a few shift patterns (early, mid, late)
    "shift.store": 2,
    "shift.department": 3,
    "shift.swap": 20,  # anyone on the store's rota
    "shift.time_off": 6,  # the days of a week
    "shift.open_shift": 6,
    "itsm.request": 25,  # what frontline staff ask IT for (handhelds, tills, logins...)
}
DEFAULT_ALTERNATIVES = 12  # titles and subjects: a role's usual vocabulary
# Systems whose history every reader of a project or repository sees: a teammate's account reads
# the ticket moves, summaries and commits of the team's projects and repositories.
SHARED_SYSTEMS = frozenset({Source.JIRA, Source.GIT})


TICKET_KEY = re.compile(r"\b([A-Z][A-Z0-9]+-\d+)\b")


def fact_of(item: ContextItem) -> str:
    """What a question about `item` rests on: one ticket whatever was done to it (a commit on a
    ticket's branch too: the ticket leads to it), one commit whichever connector saw it,
    otherwise the item itself."""
    if item.kind is ItemKind.TICKET and "ticket_key" in item.identifiers:
        return f"ticket:{item.identifiers['ticket_key'].upper()}"
    if item.kind is ItemKind.COMMIT:
        named = TICKET_KEY.search(item.title) or TICKET_KEY.search(
            item.identifiers.get("branch", "").upper()
        )
        if named:
            return f"ticket:{named.group(1)}"
        if "sha" in item.identifiers:
            return f"commit:{item.identifiers.get('repository', '')}:{item.identifiers['sha'][:7]}"
    return item.id


@lru_cache(maxsize=16384)
def answer_key(value: str) -> str:
    """An expected answer as compared across questions: case, spacing and punctuation aside."""
    return " ".join(re.findall(r"[a-z0-9]+", value.casefold()))


def template_key(value: str) -> str:
    """An expected answer with its names and numbers blanked: subjects from one template ("new
    hire laptops for Dallas DC" / "for Joliet DC") share it, and whoever knows the template
    says it without the name, or with the commonest one."""
    names = {n.casefold() for n in capitalised_names(value)}
    words = [w for w in answer_key(value).split() if w not in names]
    return " ".join("#" if any(c.isdigit() for c in w) else w for w in words)


def audience_of(question: Question, items: Mapping[str, ContextItem]) -> int:
    """How many others could know the answer: the widest audience among the cited items,
    scaled by how visible the topic's answer is to it (never below the people named)."""
    cited = [items[i] for i in question.evidence if i in items]
    if not cited:
        return ASSUMED_LARGE_AUDIENCE
    visibility = VISIBILITY.get(question.topic, 1.0)
    return max(
        max(len(item.audience.people), round(item.audience.reach * visibility)) for item in cited
    )


def knowers_of(cited: Sequence[ContextItem]) -> list[str]:
    """Who could answer, by name, and the group whose every reader could ("project:ITOPS"):
    the planner spreads a set over different people, so one colleague's account (or one
    repository's history) answers as few of its questions as possible."""
    out: list[str] = []
    for item in cited:
        out += item.audience.people
        if item.audience.group:
            out.append(f"{item.audience.scope.value}:{item.audience.group}")
    return list(dict.fromkeys(out))


def priors(questions: Sequence[Question]) -> dict[int, float]:
    """Per question (by index), how often the employee's *other* work of the same topic has the
    same answer or the same template (`template_key`): the commonest values among someone's
    work (the team's usual repository, the usual attendees) are what a colleague guesses.
    Smoothed by the topic's unseen values; an answer no other fact shares has prior 0 (the
    policy's per-kind floor still applies)."""
    by_topic: dict[str, Counter[str]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, Counter())[template_key(q.expected)] += 1
    out: dict[int, float] = {}
    for index, q in enumerate(questions):
        seen = by_topic[q.topic]
        accepted = {template_key(v) for v in (q.expected, *q.variants)}
        others = sum(n for value, n in seen.items() if value in accepted) - 1  # not itself
        unseen = ALTERNATIVES.get(q.topic, DEFAULT_ALTERNATIVES)
        out[index] = others / (sum(seen.values()) - 1 + unseen)
    return out


def shares_a_system(question: Question) -> bool:
    """True when the answer is in a Jira project's or a repository's history: anyone on the
    team reads it there, however few people the item names."""
    return question.source in SHARED_SYSTEMS


TEAMMATE = "<any teammate>"  # who reads every shared system, named in no item


def knower_load(questions: Sequence[Question]) -> Counter[str]:
    """How many of `questions` each other person could answer: the people and closed groups each
    names, plus a shared system's question for everyone (TEAMMATE stands for a reader named
    nowhere)."""
    people = {k for q in questions for k in q.knowers if not is_team_group(k)} | {TEAMMATE}
    load: Counter[str] = Counter()
    for q in questions:
        everyone = read_by_every_teammate(q)
        for person in people:
            if everyone or person in q.knowers:
                load[person] += 1
    return load


def is_group(knower: str) -> bool:
    """A knower that is a group of readers ("repository:pos-gateway"), not a person."""
    return ":" in knower


def is_team_group(knower: str) -> bool:
    """A group the employee's teammates read as a matter of course (a project's board, a
    repository's history, a store's rota, a group the source did not describe), unlike a closed
    circle outside the team (`participants:`: the IT agents who can read every ticket, the
    store's managers who approve requests), which a co-worker's account cannot read."""
    return is_group(knower) and not knower.startswith(f"{AudienceScope.PARTICIPANTS.value}:")


def read_by_every_teammate(question: Question) -> bool:
    """A shared system's history, or a group every teammate belongs to, holds the answer."""
    return shares_a_system(question) or any(is_team_group(k) for k in question.knowers)


def named_knowers(question: Question) -> list[str]:
    """Who could answer besides the teammates: each person named, and each closed group (the
    IT agents, a store's managers) as one more person who knows all its items."""
    return [k for k in question.knowers if not is_team_group(k)]


def team_of(items: Iterable[ContextItem], employee: Employee | None = None) -> frozenset[str]:
    """The employee's team as their calendar shows it: everyone in their recurring meetings (the
    standup, the team weekly, 1:1s with the manager and reports). A compromised colleague
    account is likeliest to be one of these, and each sees whatever the team shares."""
    me = {employee.name.casefold()} if employee else set()
    return frozenset(
        p.name
        for item in items
        if item.kind is ItemKind.MEETING and item.series_id
        for p in item.participants
        if p.name.casefold() not in me
    )


def on_the_rota(question: Question) -> bool:
    """True when the answer is on a store's published rota (a rostered shift, an approved time
    off): every co-worker at the store reads it in the back office or their Shifts app."""
    prefix = f"{AudienceScope.SCHEDULE.value}:"
    return any(k.startswith(prefix) for k in question.knowers)


def team_share(question: Question, team: frozenset[str]) -> float:
    """The chance that one teammate's account (drawn at random from `team`) can read the answer:
    every one for a shared system's history or a store's rota (for frontline staff the team is
    the store), otherwise the share of the team the item names."""
    if shares_a_system(question):
        return VISIBILITY.get(question.topic, 1.0)
    if on_the_rota(question):
        return 1.0
    if not team:
        return 0.0
    return len(team.intersection(question.knowers)) / len(team)


def guess_probability(audience: int, prior: float, team: float = 0.0) -> float:
    """Someone other than the employee answers right: an informed member of the audience (a
    teammate's account with probability `team`, anyone else at COLLEAGUE_RATE each), or a guess
    of the commonest value."""
    informed = max(1.0 - (1.0 - COLLEAGUE_RATE) ** max(audience, 0), team)
    return round(1.0 - (1.0 - informed) * (1.0 - prior), 6)


def annotate(
    questions: Sequence[Question],
    items: Iterable[ContextItem],
    employee: Employee | None = None,
) -> list[Question]:
    """The questions with `fact`, `audience`, `prior` and `guess_probability` filled in from the
    items they cite (and the team those items show); questions that already carry them keep
    theirs."""
    by_id = {item.id: item for item in items}
    team = team_of(by_id.values(), employee)
    prior = priors(questions)
    out = []
    for index, q in enumerate(questions):
        if q.guess_probability is not None:
            out.append(q)
            continue
        cited = [by_id[i] for i in q.evidence if i in by_id]
        audience = audience_of(q, by_id)
        knowers = knowers_of(cited)
        share = team_share(q.model_copy(update={"knowers": knowers}), team)
        update = {
            "fact": fact_of(cited[0]) if cited else q.fact,
            "audience": audience,
            "knowers": knowers,
            "prior": round(prior[index], 6),
            "guess_probability": guess_probability(audience, prior[index], share),
        }
        out.append(q.model_copy(update=update))
    return out


def repeats(question: Question, others: Iterable[Question]) -> str | None:
    """Why `question` adds nothing to `others` (None: it does). Two questions on one fact, or
    with one expected answer, are a single lookup for whoever knows it: they count once."""
    key = answer_key(question.expected)
    for other in others:
        if question.evidence[:1] and question.evidence[:1] == other.evidence[:1]:
            return "same fact asked"
        if question.fact and question.fact == other.fact:
            return "same fact asked"
        if key and key == answer_key(other.expected):
            return "same expected answer as another question"
    return None


def unasked(facts: Sequence[RankedFact], asked: Sequence[Question]) -> list[RankedFact]:
    """The facts no question in `asked` rested on (by item and by fact: a ticket asked about
    through its creation is not asked again through its transition)."""
    items = {e for q in asked for e in q.evidence}
    keys = {q.fact for q in asked if q.fact}
    return [f for f in facts if f.item.id not in items and fact_of(f.item) not in keys]
