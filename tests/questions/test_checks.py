"""Every question passes grounding, leak and public checks, whichever engine wrote it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from context.models import Source
from questions.checks import check_question, grounded, leaks, public, set_problems
from questions.models import Question
from tests.questions.factories import NOW, PROFILE, workload

ITEMS = {i.id: i for i in workload()}
TICKET = next(i for i in workload() if i.identifiers.get("ticket_key") == "OPS-1423")
MEETING = next(i for i in workload() if i.title.startswith("Conditional"))


def q(text: str, kind: str, expected: str, evidence: list[str], **kw: object) -> Question:
    return Question(
        id="q",
        text=text,
        kind=kind,
        expected=expected,
        evidence=evidence,  # type: ignore[arg-type]
        source=Source.JIRA,
        topic=str(kw.get("topic", "t")),
        fact_time=NOW,
    )


@dataclass
class Case:
    name: str
    question: Question
    problem: bool


GROUNDING = [
    Case(
        "identifier in cited ticket",
        q("Which ticket?", "identifier", "OPS-1423", [TICKET.id]),
        False,
    ),
    # The model invented a neighbouring key: not in the evidence.
    Case("invented identifier", q("Which ticket?", "identifier", "OPS-1432", [TICKET.id]), True),
    Case("evidence id that does not exist", q("Which?", "identifier", "OPS-1423", ["nope"]), True),
    Case(
        "people among participants",
        q("Who?", "person", "Priya Natarajan, Tom Berg", [MEETING.id]),
        False,
    ),
    Case("a person who was not there", q("Who?", "person", "Leah Ortiz", [MEETING.id]), True),
    Case(
        "text from the title",
        q("About?", "text", "Conditional access rollout review", [MEETING.id]),
        False,
    ),
    Case(
        "text the items do not support",
        q("About?", "text", "Quarterly budget forecast", [MEETING.id]),
        True,
    ),
    Case(
        "time of the cited item",
        q("When?", "datetime", MEETING.when.isoformat(), [MEETING.id]),
        False,
    ),
    Case(
        "a time nothing happened",
        q("When?", "datetime", "2026-11-20T10:00:00+00:00", [MEETING.id]),
        True,
    ),
]


@pytest.mark.parametrize("case", GROUNDING, ids=lambda c: c.name)
def test_grounding_is_checked_against_the_cited_items(case: Case) -> None:
    assert (grounded(case.question, ITEMS) is not None) is case.problem


def test_a_question_that_contains_its_own_answer_leaks() -> None:
    question = q("Did you move OPS-1423 to Done?", "identifier", "OPS-1423", [TICKET.id])
    assert leaks(question, []) == "text contains its own answer"


def test_a_question_that_names_another_questions_answer_leaks() -> None:
    who = q("Who else was in your 3 pm meeting?", "person", "Priya Natarajan", [MEETING.id])
    mail = q("You emailed Priya yesterday. About what?", "text", "Badge reader outage", [])
    assert leaks(mail, [who]) == "text contains another question's answer"
    assert leaks(who, [mail]) is None


def test_a_bare_ticket_number_in_text_counts_as_a_leak() -> None:
    question = q(
        "What was ticket 1423 about?", "text", "Renew VPN gateway certificate", [TICKET.id]
    )
    other = q("Which ticket did you move to Done?", "identifier", "OPS-1423", [TICKET.id])
    assert leaks(question, [other]) is not None


def test_public_answers_are_rejected() -> None:
    manager = q("Who ran the standup?", "person", "Omar Haddad", [])
    repo = q("Which repository?", "text", "okta-terraform", [])
    private = q("Which repository?", "text", "identity-automation", [])
    assert public(manager, PROFILE.facts()) is not None
    assert public(repo, PROFILE.facts()) is not None
    assert public(private, PROFILE.facts()) is None


def test_check_question_names_the_failed_check() -> None:
    bad = q("Which ticket?", "identifier", "OPS-9999", [TICKET.id])
    dropped = check_question(bad, [], ITEMS, PROFILE.facts())
    assert dropped is not None and dropped.check == "grounded"


def test_set_rules_follow_nist_knowledge_based_verification() -> None:
    one = q("A?", "text", "Conditional access rollout review", [MEETING.id])
    assert any("minimum 4" in p for p in set_problems([one], available_sources=3, min_questions=4))
    same_source_same_day = [one.model_copy(update={"id": f"q{i}"}) for i in range(4)]
    problems = set_problems(same_source_same_day, available_sources=3, min_questions=4)
    assert "all questions come from one source" in problems
    assert "all questions are about one day" in problems


def test_an_answer_quoted_in_the_text_leaks() -> None:
    quoted = q(
        "What was 'Conditional access rollout review' about?",
        "text",
        "Conditional access rollout review",
        [MEETING.id],
    )
    assert leaks(quoted, []) == "text implies its own answer"
