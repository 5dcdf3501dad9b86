"""Genuine pass rate against attacker pass rate as the policy threshold moves.

The recorded grades are re-decided (never re-graded) under a sweep of mean-score thresholds.
At each point the action's `min_score` is the threshold and the count rules are relaxed
(min_correct 0, any number incorrect, no entropy floor, no "mostly wrong" deny), so the curve
shows what the mean score alone separates; the injection rule and the minimum question count
still apply. The configured policy's own operating point is reported beside the curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.service import asked_question
from evals.runner import GENUINE
from evals.trials import ConfigRun, Trial
from grading.models import DecisionOutcome, Grade
from grading.policy import DecisionInput, Policy, decide
from questions.models import Question

THRESHOLDS = tuple(round(i * 0.05, 2) for i in range(21))


@dataclass(frozen=True)
class SweepPoint:
    threshold: float
    genuine: float
    attackers: dict[str, float]
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # caller -> (allowed, n)


def relaxed(policy: Policy, action: str, threshold: float) -> Policy:
    rules = policy.actions[action].model_copy(
        update={
            "min_correct": 0,
            "max_incorrect": 1000,
            "min_score": threshold,
            "when_signal_unknown": "normal",
        }
    )
    return policy.model_copy(
        update={
            "min_entropy_bits": 0.0,
            "deny_incorrect_share": 1.0,
            "actions": {**policy.actions, action: rules},
        }
    )


def redecide(trial: Trial, policy: Policy) -> bool:
    """Would this trial be allowed under `policy`? Early decisions never are."""
    if trial.early:
        return False
    facts = DecisionInput(
        action=trial.action,
        grades=[Grade.model_validate(g) for g in trial.grades],
        questions_asked=len(trial.questions),
        asked=[asked_question(Question.model_validate(q)) for q in trial.questions],
    )
    decision = decide(policy, facts)
    return decision.decision == DecisionOutcome.ALLOW


def _allowed(trials: list[Trial], policy: Policy) -> tuple[int, int]:
    return sum(redecide(t, policy) for t in trials), len(trials)


def _point(run: ConfigRun, threshold: float, policy: Policy) -> SweepPoint:
    callers = run.callers
    counts = {c: _allowed(run.by_caller(c), policy) for c in callers}

    def share(caller: str) -> float:
        allowed, n = counts[caller]
        return round(allowed / n, 4) if n else 0.0

    return SweepPoint(
        threshold=threshold,
        genuine=share(GENUINE) if GENUINE in counts else 0.0,
        attackers={c: share(c) for c in callers if c != GENUINE},
        counts=counts,
    )


def sweep(run: ConfigRun, thresholds: tuple[float, ...] = THRESHOLDS) -> list[SweepPoint]:
    return [_point(run, t, relaxed(run.policy, run.config.action, t)) for t in thresholds]


@dataclass(frozen=True)
class RulePoint:
    """The configured policy with the action's count rules replaced."""

    min_correct: int
    max_incorrect: int
    point: SweepPoint


def with_counts(policy: Policy, action: str, min_correct: int, max_incorrect: int) -> Policy:
    rules = policy.actions[action].model_copy(
        update={"min_correct": min_correct, "max_incorrect": max_incorrect}
    )
    return policy.model_copy(update={"actions": {**policy.actions, action: rules}})


def count_sweep(run: ConfigRun) -> list[RulePoint]:
    """Every (min_correct, max_incorrect) for the questions asked, the rest of the policy as
    configured: how many answers must be right and how many may be wrong."""
    asked = max((len(t.questions) for t in run.trials), default=0)
    action, rules = run.config.action, run.policy.actions[run.config.action]
    out = []
    for need in range(max(1, asked // 2), asked + 1):
        for wrong in range(0, asked - need + 1):
            policy = with_counts(run.policy, action, need, wrong)
            out.append(RulePoint(need, wrong, _point(run, rules.min_score, policy)))
    return out
