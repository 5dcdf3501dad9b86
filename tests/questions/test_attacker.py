"""The simulated impostors: the heuristic one guesses the commonest answers from public data; the
LLM one sees only public data and question texts, and falls back to the heuristic on failure."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from prompts.config import LLMConfig
from prompts.datablocks import block_contents
from prompts.errors import LLMUnavailable
from questions.attacker import HeuristicAttacker, LLMAttacker, guess
from questions.models import Question
from tests.fakes.fake_model import FakeModel
from tests.prompts.samples import PROFILE
from vocabulary.answers import AnswerKind

CONFIG = LLMConfig(model="openai/test-attacker", retry_backoff_seconds=0)
COMPANY = ["Northwind Retail runs 300 stores", "Northwind uses Jira and GitHub"]


def question(
    qid: str, text: str, kind: AnswerKind = AnswerKind.TEXT, expected: str = "x"
) -> Question:
    return Question(id=qid, text=text, kind=kind, expected=expected, evidence=["demo:item:1"],
                    source="jira", topic="t")  # fmt: skip


@dataclass
class Case:
    text: str
    kind: AnswerKind
    answer: str


@pytest.mark.parametrize(
    "case",
    [
        Case("Which repository did you push to this morning?", "text", "loyalty-api"),
        Case("Which branch was that commit on?", "identifier", "main"),
        Case("Which ticket did you move to Done yesterday?", "identifier", "PLAT-1234"),
        Case("Which tool did you log the outage in?", "text", "Jira"),
        Case("Who else was in your 3 pm meeting yesterday?", "person", "Sam Ortiz"),
        Case("When did you last deploy the POS service?", "datetime", "this morning"),
        Case("What was the subject of your mail on Monday?", "text", "weekly status update"),
        Case("What was the meeting you organised on Tuesday about?", "text", "the daily standup"),
    ],
)  # fmt: skip
def test_heuristic_guesses_the_commonest_answers(case: Case) -> None:
    assert guess(question("q", case.text, case.kind), PROFILE) == case.answer


async def test_heuristic_without_a_profile_still_answers_every_question() -> None:
    qs = [
        question("q1", "Who else was there?", "person"),
        question("q2", "Which ticket?", "identifier"),
    ]
    answers = await HeuristicAttacker().answer(qs, None, [])
    assert answers == {"q1": "my manager", "q2": "IT-1234"}


async def test_answers_are_keyed_by_text_when_ids_are_not_unique() -> None:
    qs = [
        question("", "Which ticket did you close?", "identifier"),
        question("", "Who else?", "person"),
    ]
    answers = await HeuristicAttacker().answer(qs, PROFILE, [])
    assert set(answers) == {"Which ticket did you close?", "Who else?"}


async def test_llm_attacker_sees_only_public_data_and_question_texts() -> None:
    secret = question(
        "q1", "Which ticket did you move to Done yesterday?", "identifier", "OPS-1423"
    )
    other = question("q2", "Who else was in your 3 pm meeting?", "person", "Priya Natarajan")
    model = FakeModel([{"answers": [{"question_id": "a1", "answer": "OPS-1000"},
                                    {"question_id": "a2", "answer": "Sam Ortiz"},
                                    {"question_id": "a9", "answer": "ignored"}]}])  # fmt: skip
    answers = await LLMAttacker(CONFIG, client=model).answer([secret, other], PROFILE, COMPANY)
    assert answers == {"q1": "OPS-1000", "q2": "Sam Ortiz"}
    user = model.history[0].messages[1]["content"]
    # expected answers, evidence, and the leaked personal record (home city) never go out
    for hidden in ("OPS-1423", "Priya Natarajan", "demo:item:1", "Evanston"):
        assert hidden not in user
    sent = json.loads(block_contents(user, "questions")[0])
    assert sent == [{"id": "a1", "text": secret.text}, {"id": "a2", "text": other.text}]
    assert json.loads(block_contents(user, "profile")[0])["manager_name"] == "Sam Ortiz"
    assert json.loads(block_contents(user, "company_facts")[0]) == COMPANY


async def test_llm_attacker_falls_back_to_the_heuristic_on_llm_errors() -> None:
    attacker = LLMAttacker(CONFIG, client=FakeModel([LLMUnavailable("down")]))
    qs = [question("q1", "Who else was in your 3 pm meeting?", "person")]
    assert await attacker.answer(qs, PROFILE, COMPANY) == {"q1": "Sam Ortiz"}
    assert attacker.last_error and "LLMUnavailable" in attacker.last_error


async def test_no_questions_no_call() -> None:
    model = FakeModel()
    assert await LLMAttacker(CONFIG, client=model).answer([], PROFILE, COMPANY) == {}
    assert model.history == []
