"""Who else could answer: facts ranked and planned by audience, one question per fact and per
answer, and no question that names the few people who know its answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from context.demo import build_org
from context.models import Audience, AudienceScope, ContextItem, Involvement, ItemKind
from questions.checks import check_question
from questions.engine import EngineRequest
from questions.exposure import annotate, answer_key, fact_of, guess_probability
from questions.facts import rank_facts
from questions.models import Question
from questions.pipeline import PipelineOptions, build_question_set
from questions.templates import TemplateEngine, candidates
from tests.questions.factories import EMPLOYEE, NOW, PROFILE, item, person, workload

REPO = Audience(scope=AudienceScope.REPOSITORY, group="identity-automation")  # size unknown


def commit(
    title: str, hours_ago: float, sha: str, repo: str = "identity-automation"
) -> ContextItem:
    ids = {"repository": repo, "branch": "main", "sha": sha}
    return item(
        ItemKind.COMMIT, title, hours_ago, involvement=Involvement.AUTHOR, ids=ids, audience=REPO
    )


def meeting(title: str, hours_ago: float, *names: str) -> ContextItem:
    people = (person("Maya Chen", "organizer"), *(person(n) for n in names))
    return item(
        ItemKind.MEETING, title, hours_ago, involvement=Involvement.ORGANIZER, people=people
    )


def test_a_fact_few_others_know_outranks_one_a_whole_repository_sees() -> None:
    # Same age, same specificity: only the audience differs.
    small = meeting("Conditional access rollout review", 5, "Tom Berg")
    wide = commit("Conditional access rollout review", 5, "3f9c2ab")
    ranked = rank_facts([wide, small], now=NOW, profile=PROFILE)
    assert [f.item.id for f in ranked] == [small.id, wide.id]
    assert "audience 1 (participants)" in ranked[0].reasons
    assert "audience 500 (repository)" in ranked[1].reasons  # unknown size: assumed large


@dataclass
class GuessCase:
    audience: int
    prior: float
    low: float
    high: float


@pytest.mark.parametrize(
    "case",
    [
        GuessCase(1, 0.0, 0.0, 0.005),  # a mail to one colleague, an unguessable subject
        GuessCase(2, 0.5, 0.5, 0.51),  # half of the employee's work has this answer
        GuessCase(500, 0.0, 0.5, 0.7),  # a whole project can look it up
        GuessCase(500, 0.9, 0.95, 1.0),  # the team's only repository
    ],
)
def test_guess_probability_grows_with_audience_and_prior(case: GuessCase) -> None:
    assert case.low <= guess_probability(case.audience, case.prior) <= case.high


def test_every_template_question_carries_its_fact_audience_and_estimate() -> None:
    facts = rank_facts(workload(), now=NOW, profile=PROFILE)
    pool = candidates(facts, EMPLOYEE, NOW)
    assert pool and all(q.guess_probability is not None and q.fact for q in pool)
    by_topic = {q.topic: q for q in pool}
    attendees = next(q for q in pool if q.expected == "Priya Natarajan, Tom Berg")
    assert attendees.audience == 2  # the two others in the meeting
    assert attendees.prior == 0  # no other meeting had these attendees
    subject = by_topic["commit.subject"]
    assert subject.audience == 500  # the repository's readers, a number git does not give
    assert attendees.guess_probability is not None and subject.guess_probability is not None
    assert attendees.guess_probability < subject.guess_probability
    ticket = by_topic["ticket.transition"]
    assert ticket.fact == "ticket:OPS-1423"  # any event on the ticket is this one fact


def test_the_only_repository_is_a_guess_a_colleague_makes() -> None:
    commits = [
        commit(f"Change {n} of the alerting rules", 4 + 20 * n, f"abc{n:04d}") for n in (0, 1, 2)
    ]
    facts = rank_facts(commits, now=NOW, profile=PROFILE)
    repo = [q for q in candidates(facts, EMPLOYEE, NOW) if q.topic == "commit.repository"]
    # three commits to one repository: both other commits (of three possible answers) say it
    assert repo and all(q.prior == pytest.approx(2 / 3, abs=1e-5) for q in repo)
    assert all(q.guess_probability is not None and q.guess_probability > 0.8 for q in repo)


def test_one_question_per_ticket_whatever_was_done_to_it() -> None:
    ids = {"ticket_key": "OPS-7", "project": "OPS"}
    created = item(
        ItemKind.TICKET,
        "Rotate the kiosk certificates",
        30,
        involvement=Involvement.REPORTER,
        ids=ids,
    )
    moved = item(
        ItemKind.TICKET,
        "Rotate the kiosk certificates",
        6,
        involvement=Involvement.TRANSITIONER,
        ids=ids | {"status_from": "To Do", "status_to": "Done"},
    )
    facts = rank_facts([created, moved], now=NOW, profile=PROFILE)
    first, *others = candidates(facts, EMPLOYEE, NOW)
    assert {q.fact for q in [first, *others]} == {"ticket:OPS-7"}
    for other in others:
        dropped = check_question(other, [first], {i.id: i for i in (created, moved)}, [])
        assert dropped is not None and dropped.check == "duplicate"


async def test_no_set_asks_two_questions_with_one_expected_answer() -> None:
    # A fortnight of synthetic work for fifty employees of every role: whatever the mix, no set
    # expects the same answer twice (two commits to one repository) or rests twice on one fact.
    org = build_org(size=200, seed=7, now=datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    checked = 0
    for employee in org.employees[::4]:
        items = [
            i for i in org.items(employee.upn) if i.sensitivity == "normal" and not i.cancelled
        ]
        facts = rank_facts(items, now=org.now, profile=org.profile(employee.upn))
        request = EngineRequest(employee=employee, profile=None, facts=facts, count=6, now=org.now)
        qset, _ = await build_question_set(
            request, TemplateEngine(), options=PipelineOptions(min_questions=4)
        )
        answers = [answer_key(q.expected) for q in qset.questions]
        assert len(answers) == len(set(answers)), (employee.upn, answers)
        fact_keys = [q.fact for q in qset.questions]
        assert len(fact_keys) == len(set(fact_keys)), (employee.upn, fact_keys)
        checked += len(qset.questions)
    assert checked > 150  # the sets were real, not empty


def test_a_question_naming_the_one_other_person_who_knows_is_dropped() -> None:
    mail = item(
        ItemKind.MAIL,
        "Badge reader outage at DC-3",
        30,
        involvement=Involvement.SENDER,
        people=(person("Leah Ortiz", "to"),),
    )
    named = Question(
        id="",
        text="You emailed Leah yesterday afternoon. What was it about?",
        kind="text",
        expected=mail.title,
        evidence=[mail.id],
        source=mail.source,
        topic="mail.subject",
    )
    dropped = check_question(named, [], {mail.id: mail}, [])
    assert dropped is not None and dropped.check == "names_audience"
    # the same words about a mail to a whole distribution list name nobody in particular
    wide = mail.model_copy(update={"audience": Audience(scope=AudienceScope.UNKNOWN)})
    assert check_question(named, [], {mail.id: wide}, []) is None


def test_template_mail_questions_never_name_the_recipient() -> None:
    facts = rank_facts(workload(), now=NOW, profile=PROFILE)
    mails = [q for q in candidates(facts, EMPLOYEE, NOW) if q.topic == "mail.subject"]
    assert mails and all("leah" not in q.text.lower() for q in mails)


def test_questions_already_estimated_keep_their_estimate() -> None:
    facts = rank_facts(workload(), now=NOW, profile=PROFILE)
    pool = candidates(facts, EMPLOYEE, NOW)
    again = annotate(pool, [f.item for f in facts])
    assert [q.guess_probability for q in again] == [q.guess_probability for q in pool]


def test_a_commit_on_a_tickets_branch_rests_on_that_ticket() -> None:
    # The ticket's key leads a colleague to its branch's commits: one lookup, one fact.
    on_ticket = commit("OPS-1423: Renew the VPN gateway certificate", 4, "9d8e7f6")
    by_branch = on_ticket.model_copy(
        update={
            "title": "Renew the VPN gateway certificate",
            "identifiers": on_ticket.identifiers | {"branch": "feature/ops-1423-renew-vpn"},
        }
    )
    plain = commit("Add break-glass account alerting rule", 4, "3f9c2ab")
    assert fact_of(on_ticket) == fact_of(by_branch) == "ticket:OPS-1423"
    assert fact_of(plain) == "commit:identity-automation:3f9c2ab"
