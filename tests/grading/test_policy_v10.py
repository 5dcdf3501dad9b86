"""decision@v10: a set whose answers, all right, would still all be within one other person's
reach (the rota, and the IT agents' tickets) is thin: the caller goes to manager approval before
anything is asked, where v9 asked seven questions that could never allow. The rest is v9."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from grading.models import AnswerKind, DecisionOutcome, Grade, Verdict
from grading.policy import (
    AskedQuestion,
    DecisionInput,
    StartInput,
    ceiling_beyond_one,
    decide,
    decide_start,
    load_policy,
)

POLICIES = Path(str(resources.files("grading").joinpath("policies")))
V9 = load_policy(POLICIES / "decision_v9.yaml")
V10 = load_policy(POLICIES / "decision_v10.yaml")
IT_AGENTS = "participants:IT agents"
MANAGERS = "participants:Store 208 (New York) managers"


def question(
    i: int, topic: str, kind: AnswerKind, knowers: list[str], team: bool = False
) -> AskedQuestion:
    return AskedQuestion(
        id=f"q{i}",
        fact=f"f{i}",
        guess_probability=0.01,
        prior=0.0,
        knowers=knowers,
        team_reads=team,
        topic=topic,
        kind=kind,
    )


ROTA = [
    question(i, "shift.start", AnswerKind.DATETIME, ["schedule:Store 208"], True) for i in range(3)
]
TICKETS = [question(i, "itsm.request", AnswerKind.TEXT, [IT_AGENTS]) for i in range(3, 7)]
SWAP = question(7, "shift.swap", AnswerKind.PERSON, ["Pedro Chen", MANAGERS])


def start(questions: list[AskedQuestion]) -> StartInput:
    return StartInput(
        action="password_reset", questions_available=len(questions), questions=questions
    )


def test_v10_is_v9_but_for_the_thin_check() -> None:
    assert load_policy().id == "decision@v10"
    assert V10.model_dump(exclude={"version", "thin_context"}) == V9.model_dump(
        exclude={"version", "thin_context"}
    )
    assert V10.thin_context and V10.thin_context.check_beyond_one
    assert V9.thin_context and not V9.thin_context.check_beyond_one


def test_tickets_and_the_rota_alone_go_to_the_manager_before_anything_is_asked() -> None:
    questions = ROTA + TICKETS
    assert ceiling_beyond_one(V10, questions) == 0.0  # the IT agents know every ticket
    decision = decide_start(V10, start(questions))
    assert decision is not None and decision.decision is DecisionOutcome.ESCALATE
    assert decision.route == "manager_approval"
    assert any("beyond one other person, below 3" in r for r in decision.reasons)
    assert decide_start(V9, start(questions)) is None  # v9 asked them ...
    right = [
        Grade(
            id=q.id,
            kind=q.kind or AnswerKind.TEXT,
            verdict=Verdict.CORRECT,
            score=1.0,
            method="m",
            reason="r",
        )
        for q in questions
    ]
    answered = DecisionInput(
        action="password_reset", grades=right, questions_asked=len(right), asked=questions
    )
    assert decide(V9, answered).decision is not DecisionOutcome.ALLOW  # ... and could not allow


def test_a_swap_outside_the_it_agents_reach_is_asked() -> None:
    assert decide_start(V10, start([*ROTA, *TICKETS[:3], SWAP])) is None
