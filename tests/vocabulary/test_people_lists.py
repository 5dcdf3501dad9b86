"""One way to read a list of people in an expected answer, for the question checks and the grader.

The bug this guards: an LLM-written expected answer "Priya Natarajan and Tom Berg" passed the
question checks (which split on "and") and then graded the genuine caller's "Priya Natarajan,
Tom Berg" incorrect (the grader split on commas only).
"""

from __future__ import annotations

import pytest

from context.models import Source
from grading.cascade import grade_sync
from grading.models import GradeRequest, Verdict
from questions.checks import grounded
from questions.models import Question
from tests.questions.factories import NOW, workload
from vocabulary.answers import AnswerKind
from vocabulary.people import split_people

MEETING = next(i for i in workload() if i.title.startswith("Conditional"))
WRITTEN = [
    "Priya Natarajan and Tom Berg",
    "Priya Natarajan, Tom Berg",
    "Priya Natarajan & Tom Berg",
]


@pytest.mark.parametrize("expected", WRITTEN)
def test_every_way_of_writing_two_people_names_the_same_two(expected: str) -> None:
    assert split_people(expected) == ["Priya Natarajan", "Tom Berg"]


def test_a_name_containing_and_is_not_split() -> None:
    assert split_people("Sandra Anderson, Andy Brand") == ["Sandra Anderson", "Andy Brand"]


@pytest.mark.parametrize("expected", WRITTEN)
@pytest.mark.parametrize("said", ["Priya Natarajan, Tom Berg", "Tom Berg and Priya Natarajan"])
def test_a_set_the_checks_accept_grades_the_genuine_answer_correct(
    expected: str, said: str
) -> None:
    question = Question(id="q1", text="Who else was in the review?", kind=AnswerKind.PERSON,
                        expected=expected, evidence=[MEETING.id], source=Source.CALENDAR,
                        topic="meeting.attendees", fact_time=NOW)  # fmt: skip
    assert grounded(question, {MEETING.id: MEETING}) is None
    request = GradeRequest(id="q1", question=question.text, expected=expected,
                           kind=AnswerKind.PERSON, response=said)  # fmt: skip
    assert grade_sync(request).verdict is Verdict.CORRECT
