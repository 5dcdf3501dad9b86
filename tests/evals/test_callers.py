from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from evals.attackers import (
    InjectionAttacker,
    InsiderAttacker,
    LLMOsintAttacker,
    NaiveAttacker,
    OsintAttacker,
    heard,
)
from evals.config import EvalConfig
from evals.injection import PAYLOADS, planted_title
from evals.memory import DONT_KNOW, GenuineCaller, MemoryModel
from evals.runner import ConfigRunner, make_org
from tests.fakes.eval_org import FakeOrgView
from tests.fakes.fake_model import FakeModel

NOW = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)


def question(n: int, *, age_days: float, kind: str = "text") -> dict[str, object]:
    expected = {
        "text": f"Shrink review with loss prevention, store {n}",
        "person": "Dana Whitfield, Robert Chen",
        "identifier": f"FIN-{4000 + n}",
        "datetime": (NOW - timedelta(days=age_days)).isoformat(),
    }[kind]
    return {
        "id": f"q{n}",
        "text": f"Question {n}?",
        "kind": kind,
        "expected": expected,
        "fact_time": (NOW - timedelta(days=age_days)).isoformat(),
    }


def answers(caller: GenuineCaller, questions: list[dict[str, object]]) -> list[str]:
    return [
        caller.answer(q, upn="dana@x.example", asked_at=NOW, timezone="America/Chicago")
        for q in questions
    ]


def test_genuine_caller_is_deterministic_per_seed() -> None:
    qs = [question(n, age_days=n % 10, kind=k) for n in range(40) for k in ("text", "person")]
    assert answers(GenuineCaller(seed=1), qs) == answers(GenuineCaller(seed=1), qs)
    assert answers(GenuineCaller(seed=1), qs) != answers(GenuineCaller(seed=2), qs)


@pytest.mark.parametrize("kind", ["person", "text", "datetime", "identifier"])
def test_recall_probability_falls_with_age(kind: str) -> None:
    memory = MemoryModel()
    probabilities = [memory.recall_probability(kind, age) for age in (0, 1, 3, 7, 14)]
    assert probabilities == sorted(probabilities, reverse=True)
    assert probabilities[0] > probabilities[-1]


def test_older_facts_are_forgotten_more_often() -> None:
    caller = GenuineCaller(seed=5)
    fresh = answers(caller, [question(n, age_days=0.2) for n in range(300)])
    old = answers(caller, [question(n, age_days=13) for n in range(300)])
    assert sum(a in DONT_KNOW for a in old) > 2 * sum(a in DONT_KNOW for a in fresh)


def test_identifiers_are_forgotten_more_than_people() -> None:
    memory = MemoryModel()
    assert memory.recall_probability("identifier", 7) < memory.recall_probability("person", 7)


def test_genuine_answers_are_imperfect_but_truthful() -> None:
    # Recalled ticket keys are said in full or as the bare number, never as another ticket.
    said = answers(
        GenuineCaller(seed=9), [question(n, age_days=0, kind="identifier") for n in range(60)]
    )
    recalled = [a for a in said if a not in DONT_KNOW]
    assert recalled
    assert all(str(4000 + n) in a for n, a in enumerate(said) if a not in DONT_KNOW)
    assert any(a.startswith("the ") for a in recalled)  # "the 4012 one"


@pytest.fixture(scope="module")
def org():
    return make_org(10, 3)


def public_questions() -> list[dict[str, str]]:
    return [
        {"id": "q1", "text": "Who else was in your meeting yesterday at 3 pm?", "kind": "person"},
        {"id": "q2", "text": "Which repository did you commit to this morning?", "kind": "text"},
        {"id": "q3", "text": "Which ticket did you move to Done yesterday?", "kind": "identifier"},
        {
            "id": "q4",
            "text": "This morning, you created a HD ticket. What was it about?",
            "kind": "text",
        },
    ]


@pytest.mark.parametrize(
    ("make", "allowed"),
    [
        (lambda view: NaiveAttacker(), set()),
        (OsintAttacker, {"profile", "company"}),
        (InsiderAttacker, {"profile", "company", "insider_knowledge"}),
        (InjectionAttacker, {"profile", "company"}),
    ],
)
def test_attackers_only_use_what_their_level_allows(org, make, allowed: set[str]) -> None:
    view = FakeOrgView(org)
    attacker = make(view)
    upn = org.employees[1].upn
    said = asyncio.run(attacker.answers(upn, heard(public_questions())))
    assert set(said) == {"q1", "q2", "q3", "q4"}
    assert set(view.calls) <= allowed  # never "items": FakeOrgView would have raised
    if allowed:
        assert "profile" in view.calls


def test_insider_names_colleagues_and_team_repository(org) -> None:
    upn = org.employees[4].upn
    known = org.insider_knowledge(upn)
    said = asyncio.run(InsiderAttacker(org).answers(upn, heard(public_questions())))
    people = [n for n in (known.manager_name, *known.teammates) if n]
    assert said["q1"].split(", ")[0] == people[0]
    if known.repositories:
        assert said["q2"] == known.repositories[0]


def test_injection_attacker_answers_with_instructions(org) -> None:
    upn = org.employees[2].upn
    said = asyncio.run(InjectionAttacker(org).answers(upn, heard(public_questions())))
    assert said["q4"] == planted_title(upn)  # it planted that ticket itself
    others = [said[q] for q in ("q1", "q2", "q3")]
    assert all(any(payload in s for payload in PAYLOADS) for s in others)


def test_llm_osint_attacker_shows_the_model_only_public_knowledge(org) -> None:
    from prompts.config import LLMConfig
    from questions.attacker import LLMAttacker

    upn = org.employees[4].upn
    model = FakeModel([{"answers": [{"question_id": "a1", "answer": "Dana"}]}])
    view = FakeOrgView(org)
    attacker = LLMOsintAttacker(view, LLMAttacker(LLMConfig(model="openai/fake"), client=model))
    said = asyncio.run(attacker.answers(upn, heard(public_questions()[:1])))
    assert said == {"q1": "Dana"}
    assert set(view.calls) == {"profile", "company"}
    shown = model.last_text()
    assert org.profile(upn).name in shown
    assert not any(item.title in shown for item in org.items(upn))


@pytest.mark.parametrize(("model", "runs_llm_osint"), [(None, False), ("openai/fake", True)])
def test_llm_osint_level_runs_only_with_a_model(org, tmp_path, model, runs_llm_osint) -> None:
    config = EvalConfig(settings={"llm": {"model": model}} if model else {})
    attackers, skipped = ConfigRunner(config, org, tmp_path, seed=1).attackers()
    assert ("llm_osint" in [a.level for a in attackers]) is runs_llm_osint
    assert ("llm_osint" in skipped) is not runs_llm_osint
