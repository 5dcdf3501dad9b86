import math
from pathlib import Path

import pytest
import yaml

from grading.models import (
    AnswerKind,
    DecisionOutcome,
    Grade,
    GradeRequest,
    Signal,
    SignalProvenance,
    Verdict,
    grader_failure,
)
from grading.policy import (
    AskedQuestion,
    DecisionInput,
    EstimateRules,
    Policy,
    StartInput,
    UnknownActionError,
    decide,
    decide_start,
    entropy_bits,
    load_policy,
)

V2 = Path(__file__).parents[2] / "grading" / "policies" / "decision_v2.yaml"

ALLOW, DENY, ESCALATE = DecisionOutcome.ALLOW, DecisionOutcome.DENY, DecisionOutcome.ESCALATE
C, P, X = Verdict.CORRECT, Verdict.PARTIAL, Verdict.INCORRECT
VOUCHED = SignalProvenance.PROVIDER_API  # posted by the risk provider itself
LOW, ELEVATED, HIGH = (Signal(score=s, provenance=VOUCHED) for s in (0.1, 0.6, 0.9))
SECRET = "OPS-1423 Loyalty API Priya"  # stands for expected answers inside grade reasons


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(V2)  # the rules, tested with a released version's numbers


def g(kind: str, verdict: Verdict, *flags: str) -> Grade:
    score = {C: 1.0, P: 0.5, X: 0.0}[verdict]
    reason = f"matched {SECRET}"
    return Grade(id=kind, kind=AnswerKind(kind), verdict=verdict, score=score, method="m",
                 reason=reason, flags=list(flags))  # fmt: skip


STRONG = [g("identifier", C), g("person", C), g("text", C), g("datetime", C)]  # ~20.9 bits
THREE_OF_FOUR = [g("identifier", C), g("identifier", C), g("text", C), g("person", X)]


def run(policy: Policy, grades: list[Grade], *, action: str = "password_reset",
        signal: Signal | None = LOW, asked: int | None = None, degraded: list[str] | None = None,
        attempts: int = 1):  # fmt: skip
    return decide(policy, DecisionInput(
        action=action, grades=grades, signal=signal,
        questions_asked=len(grades) if asked is None else asked,
        degraded_sources=degraded or [], attempts=attempts))  # fmt: skip


def test_strong_answers_and_a_clean_signal_allow(policy: Policy) -> None:
    d = run(policy, STRONG)
    assert d.decision is ALLOW
    assert d.policy == "decision@v2"  # the released file the rule tests use
    assert d.entropy_bits >= 20 and d.score == 1.0


def test_unknown_action_is_a_value_error_naming_the_known_ones(policy: Policy) -> None:
    with pytest.raises(UnknownActionError, match="password_reset") as info:
        run(policy, STRONG, action="wire_transfer")
    assert isinstance(info.value, ValueError)


def test_any_injection_denies(policy: Policy) -> None:
    grades = [*STRONG, g("text", X, "injection")]
    assert run(policy, grades).decision is DENY


def test_attempts_beyond_the_limit_deny(policy: Policy) -> None:
    assert run(policy, STRONG, attempts=3).decision is ALLOW
    assert run(policy, STRONG, attempts=4).decision is DENY


def test_fewer_than_four_questions_escalate(policy: Policy) -> None:
    d = run(policy, STRONG[:3])
    assert d.decision is ESCALATE
    assert any("needs 4" in r for r in d.reasons)


def test_mostly_wrong_denies(policy: Policy) -> None:
    grades = [g("identifier", C), g("person", X), g("text", X), g("datetime", X, "dont_know")]
    assert run(policy, grades).decision is DENY


def test_unanswered_questions_count_as_incorrect(policy: Policy) -> None:
    d = run(policy, STRONG[:2], asked=4)  # two answered, two not
    assert d.decision is ESCALATE
    assert any("2 incorrect or not answered" in r for r in d.reasons)


def test_in_between_escalates(policy: Policy) -> None:
    grades = [g("identifier", C), g("text", C), g("person", P), g("datetime", X)]
    d = run(policy, grades)
    assert d.decision is ESCALATE
    assert any("2.5 correct answers" in r for r in d.reasons)


def test_a_partial_answer_counts_half_towards_the_correct_answers(policy: Policy) -> None:
    grades = [g("identifier", C), g("text", C), g("person", P), g("datetime", P)]
    assert not any("correct answers" in r for r in run(policy, grades).reasons)


def test_high_signal_never_allows(policy: Policy) -> None:
    d = run(policy, STRONG, signal=HIGH)
    assert d.decision is ESCALATE
    assert any("risk signal is high" in r for r in d.reasons)
    mediocre = [g("identifier", C), g("text", C), g("person", P), g("datetime", X)]
    assert run(policy, mediocre, signal=HIGH).decision is DENY


def test_elevated_signal_applies_strict_thresholds(policy: Policy) -> None:
    assert run(policy, THREE_OF_FOUR, signal=LOW).decision is ALLOW
    assert run(policy, THREE_OF_FOUR, signal=ELEVATED).decision is ESCALATE


@pytest.mark.parametrize(
    ("action", "grades", "outcome"),
    [
        ("password_reset", THREE_OF_FOUR, ALLOW),  # unknown signal: treated as clean
        ("mfa_reset", THREE_OF_FOUR, ESCALATE),  # unknown signal: strict
        ("mfa_reset", STRONG, ALLOW),
        ("privileged_account", STRONG, ESCALATE),  # unknown signal: never allow
    ],
)
def test_absent_signal_is_stricter_for_sensitive_actions(
    policy: Policy, action: str, grades: list[Grade], outcome: DecisionOutcome
) -> None:
    assert run(policy, grades, action=action, signal=None).decision is outcome


def test_privileged_accounts_need_every_answer_right(policy: Policy) -> None:
    assert run(policy, STRONG, action="privileged_account").decision is ALLOW
    assert run(policy, THREE_OF_FOUR, action="privileged_account").decision is ESCALATE


def test_guessable_answers_do_not_reach_the_entropy_floor(policy: Policy) -> None:
    people = [g("person", C) for _ in range(4)]  # 4 x -log2(0.08) = 14.6 bits
    d = run(policy, people)
    assert d.decision is ESCALATE
    assert d.entropy_bits == pytest.approx(14.58, abs=0.01)
    assert any("entropy" in r for r in d.reasons)


def test_entropy_counts_partial_answers_half(policy: Policy) -> None:
    full = entropy_bits(policy, [g("text", C)])
    assert entropy_bits(policy, [g("text", P)]) == pytest.approx(full / 2, abs=0.01)
    assert entropy_bits(policy, [g("text", X)]) == 0.0


def test_grader_failure_never_allows(policy: Policy) -> None:
    grades = [*STRONG[:3], g("text", P, "judge_unavailable"), g("identifier", C)]
    d = run(policy, grades)
    assert d.decision is ESCALATE
    assert any("unavailable" in r for r in d.reasons)


def test_degraded_sources_are_noted(policy: Policy) -> None:
    d = run(policy, STRONG, degraded=["jira"])
    assert any("jira" in r for r in d.reasons)


@pytest.mark.parametrize("grades", [STRONG, THREE_OF_FOUR, [g("text", X, "injection")] * 4])
def test_reasons_never_carry_expected_answers(policy: Policy, grades: list[Grade]) -> None:
    for signal in (None, LOW, HIGH):
        d = run(policy, grades, signal=signal)
        assert d.reasons and not any(s in r for r in d.reasons for s in SECRET.split())


def test_load_policy_from_a_file_and_reject_unknown_keys(tmp_path: Path) -> None:
    packaged = Path(__file__).parents[2] / "grading" / "policies" / "decision_v1.yaml"
    data = yaml.safe_load(packaged.read_text("utf-8"))
    data["version"] = 2
    path = tmp_path / "decision_v2.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    assert load_policy(path).id == "decision@v2"
    data["min_question"] = 3  # a typo must not load silently
    path.write_text(yaml.safe_dump(data), "utf-8")
    with pytest.raises(ValueError):
        load_policy(path)


def test_a_grader_failure_turns_allow_into_escalate(policy: Policy) -> None:
    failed = grader_failure(GradeRequest(id="q5", question="?", expected="x", kind="text",
                                         response="x"), "TimeoutError")  # fmt: skip
    assert run(policy, [*STRONG, g("text", C)]).decision is ALLOW
    d = run(policy, [*STRONG, g("text", C), failed])
    assert d.decision is ESCALATE
    assert "a grader failure prevents allow" in d.reasons


@pytest.mark.parametrize(
    ("available", "failures", "escalates"),
    [(4, 0, False), (3, 0, True), (4, 2, False), (4, 3, True)],  # min 4 questions, 3 attempts
)
def test_before_asking_too_few_questions_or_used_up_attempts_escalate(
    policy: Policy, available: int, failures: int, escalates: bool
) -> None:
    facts = StartInput(action="password_reset", questions_available=available,
                       recent_failures=failures)  # fmt: skip
    d = decide_start(policy, facts)
    assert (d is not None) is escalates
    if d is not None:
        assert d.decision is ESCALATE and d.policy == policy.id and d.reasons


def test_reasons_do_not_depend_on_which_rule_decided(policy: Policy) -> None:
    # the stricter-thresholds note used to be added after the early rules had returned
    wrong = [g("identifier", C), g("person", X), g("text", X), g("datetime", X)]
    for grades in (wrong, STRONG):
        d = run(policy, grades, signal=ELEVATED)
        assert any("stricter thresholds" in r for r in d.reasons), d.reasons


POLICIES = Path(__file__).parents[2] / "grading" / "policies"


def asked(*estimates: tuple[str, str, float]) -> list[AskedQuestion]:
    """(grade id, fact, guess estimate) per question."""
    return [AskedQuestion(id=i, fact=f, guess_probability=p) for i, f, p in estimates]


def texts(n: int) -> list[Grade]:
    return [g("text", C).model_copy(update={"id": f"q{i}"}) for i in range(n)]


@pytest.mark.parametrize(
    ("estimate", "bits"),
    [
        (0.001, 4 * 8.38),  # few others know: the kind's constant (0.003) is the floor
        (0.1, 4 * 3.32),  # a department of ~50 can look each answer up
        (1.0, 0.0),  # anyone could answer: worth nothing
    ],
)
def test_each_questions_estimate_raises_its_guess_probability(
    policy: Policy, estimate: float, bits: float
) -> None:
    weighed = policy.model_copy(update={"question_estimates": EstimateRules(weight=1.0)})
    questions = asked(*((f"q{i}", f"fact{i}", estimate) for i in range(4)))
    assert entropy_bits(weighed, texts(4), questions) == pytest.approx(bits, abs=0.05)
    # the packaged policy's weight scales the estimate before comparing it with the kind's
    rules = policy.question_estimates
    assert rules is not None and 0 < rules.weight <= 1
    p = max(policy.guess_probability[AnswerKind.TEXT], min(1.0, rules.weight * estimate))
    expected = 4 * -math.log2(p) if p < 1 else 0.0
    assert entropy_bits(policy, texts(4), questions) == pytest.approx(expected, abs=0.05)


def test_answers_resting_on_one_fact_count_once(policy: Policy) -> None:
    # the ticket moved and the ticket created: one lookup answers both
    one_fact = asked(("q0", "ticket:OPS-7", 0.002), ("q1", "ticket:OPS-7", 0.002))
    two_facts = asked(("q0", "ticket:OPS-7", 0.002), ("q1", "ticket:OPS-8", 0.002))
    single = entropy_bits(policy, texts(1), one_fact[:1])
    assert entropy_bits(policy, texts(2), one_fact) == pytest.approx(single)
    assert entropy_bits(policy, texts(2), two_facts) == pytest.approx(2 * single)


def test_colleague_visible_answers_cannot_allow(policy: Policy) -> None:
    # Four right answers a whole repository or project of hundreds sees, two wrong: below the
    # floor.
    grades = [*texts(4), g("text", X).model_copy(update={"id": "q4"}),
              g("text", X).model_copy(update={"id": "q5"})]  # fmt: skip
    questions = asked(*((f"q{i}", f"fact{i}", 0.3) for i in range(6)))
    d = decide(policy, DecisionInput(action="password_reset", grades=grades, questions_asked=6,
                                     signal=LOW, asked=questions))  # fmt: skip
    assert d.decision is ESCALATE and any("entropy" in r for r in d.reasons)
    # the same answers on facts only the employee and one other know allow
    private = asked(*((f"q{i}", f"fact{i}", 0.002) for i in range(6)))
    d = decide(policy, DecisionInput(action="password_reset", grades=grades, questions_asked=6,
                                     signal=LOW, asked=private))  # fmt: skip
    assert d.decision is ALLOW


def test_version_1_weighs_the_kind_alone_and_every_answer() -> None:
    v1 = load_policy(POLICIES / "decision_v1.yaml")
    questions = asked(*((f"q{i}", "one fact", 0.5) for i in range(4)))
    assert entropy_bits(v1, texts(4), questions) == pytest.approx(4 * 8.38, abs=0.05)


def test_a_short_set_says_when_facts_were_withheld_as_asked_recently(policy: Policy) -> None:
    facts = StartInput(action="password_reset", questions_available=2, facts_asked_recently=9)
    d = decide_start(policy, facts)
    assert d is not None and d.decision is ESCALATE
    assert any("9 facts were already asked about in the last 24 h" in r for r in d.reasons)
