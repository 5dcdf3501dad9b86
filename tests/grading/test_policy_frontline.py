"""decision@v6: answers on a store's rota count for almost nothing, and an employee whose
questions cannot reach the entropy floor escalates before asking, to the manager-approved
route, never to a weaker question set. v5's numbers are unchanged for everyone else."""

from __future__ import annotations

from pathlib import Path

from grading.models import AnswerKind, DecisionOutcome, Grade, Signal, SignalProvenance, Verdict
from grading.policy import (
    AskedQuestion,
    DecisionInput,
    StartInput,
    ceiling_bits,
    decide,
    decide_start,
    entropy_bits,
    load_policy,
)

POLICIES = Path(__file__).resolve().parents[2] / "grading" / "policies"
PREVIOUS = load_policy(POLICIES / "decision_v5.yaml")
V6 = load_policy(POLICIES / "decision_v6.yaml")
CLEAN = Signal(score=0.0, provenance=SignalProvenance.PROVIDER_API)


def question(i: int, topic: str, kind: AnswerKind, estimate: float) -> AskedQuestion:
    return AskedQuestion(
        id=f"q{i}", fact=f"f{i}", guess_probability=estimate, topic=topic, kind=kind
    )


ROTA = [question(i, "shift.start", AnswerKind.DATETIME, 1.0) for i in range(4)]
PRIVATE = [
    question(4, "shift.swap", AnswerKind.PERSON, 0.004),
    question(5, "itsm.request", AnswerKind.TEXT, 0.012),
]


def correct(questions: list[AskedQuestion], right: set[str]) -> list[Grade]:
    return [
        Grade(
            id=q.id,
            kind=q.kind or AnswerKind.TEXT,
            verdict=Verdict.CORRECT if q.id in right else Verdict.INCORRECT,
            score=1.0 if q.id in right else 0.0,
            method="m",
            reason="r",
        )
        for q in questions
    ]


def test_v6_keeps_v5s_numbers() -> None:
    assert V6.guess_probability == PREVIOUS.guess_probability
    assert V6.min_entropy_bits == PREVIOUS.min_entropy_bits and V6.actions == PREVIOUS.actions
    assert V6.question_estimates == PREVIOUS.question_estimates
    assert V6.beyond_one_knower == PREVIOUS.beyond_one_knower
    office = [question(i, "mail.subject", AnswerKind.TEXT, 0.01) for i in range(6)]
    grades = correct(office, {q.id for q in office})
    assert entropy_bits(V6, grades, office) == entropy_bits(PREVIOUS, grades, office)


def test_rota_answers_are_worth_almost_nothing_under_v6() -> None:
    grades = correct(ROTA, {q.id for q in ROTA})
    assert entropy_bits(V6, grades, ROTA) < 0.5
    assert entropy_bits(PREVIOUS, grades, ROTA) > 2.5  # v5 counted them like team-visible facts


def test_a_same_store_coworker_who_knows_the_rota_and_their_own_swap_is_not_allowed() -> None:
    questions = ROTA + PRIVATE
    coworker = {q.id for q in ROTA} | {"q4"}  # the rota, and the swap was with them
    facts = DecisionInput(
        action="password_reset",
        grades=correct(questions, coworker),
        questions_asked=6,
        signal=CLEAN,
        asked=questions,
    )
    assert decide(V6, facts).decision is not DecisionOutcome.ALLOW
    genuine = DecisionInput(
        action="password_reset",
        grades=correct(questions, {q.id for q in questions}),
        questions_asked=6,
        signal=CLEAN,
        asked=questions,
    )
    assert decide(V6, genuine).decision is DecisionOutcome.ALLOW


def test_a_week_that_is_only_the_rota_escalates_before_asking_to_the_manager() -> None:
    rota_only = [*ROTA, question(9, "shift.open_shift", AnswerKind.DATETIME, 1.0)]
    assert ceiling_bits(V6, rota_only) < V6.min_entropy_bits
    start = StartInput(
        action="password_reset", questions_available=len(rota_only), questions=rota_only
    )
    decision = decide_start(V6, start)
    assert decision is not None and decision.decision is DecisionOutcome.ESCALATE
    assert decision.route == "manager_approval"
    assert any("thin context" in r for r in decision.reasons)
    assert any("manager approval" in r for r in decision.agent_reasons)
    assert decide_start(PREVIOUS, start) is None  # v5 asked them (and a co-worker passed)


def test_too_few_questions_route_to_the_manager_and_enough_private_facts_are_asked() -> None:
    few = decide_start(V6, StartInput(action="password_reset", questions_available=2))
    assert few is not None and few.route == "manager_approval"
    enough = StartInput(action="password_reset", questions_available=6, questions=ROTA + PRIVATE)
    assert decide_start(V6, enough) is None
    legacy = decide_start(PREVIOUS, StartInput(action="password_reset", questions_available=2))
    assert legacy is not None and legacy.route is None
