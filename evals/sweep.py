"""Genuine pass rate against attacker pass rate as the policy threshold moves.

The recorded grades are re-decided (never re-graded) under a sweep of mean-score thresholds.
At each point the action's `min_score` is the threshold and the count rules are relaxed
(min_correct 0, any number incorrect, no entropy floor, no "mostly wrong" deny), so the curve
shows what the mean score alone separates; the injection rule and the minimum question count
still apply. The configured policy's own operating point is reported beside the curve.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.runner import GENUINE
from evals.trials import ConfigRun, Trial
from grading.models import DecisionOutcome, Grade
from grading.policy import DecisionInput, Policy, decide

THRESHOLDS = tuple(round(i * 0.05, 2) for i in range(21))


@dataclass(frozen=True)
class SweepPoint:
    threshold: float
    genuine: float
    attackers: dict[str, float]


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
    )
    decision = decide(policy, facts)
    return decision.decision == DecisionOutcome.ALLOW


def _share(trials: list[Trial], policy: Policy) -> float:
    return round(sum(redecide(t, policy) for t in trials) / len(trials), 4) if trials else 0.0


def sweep(run: ConfigRun, thresholds: tuple[float, ...] = THRESHOLDS) -> list[SweepPoint]:
    levels = [c for c in run.callers if c != GENUINE]
    points = []
    for threshold in thresholds:
        policy = relaxed(run.policy, run.config.action, threshold)
        points.append(
            SweepPoint(
                threshold=threshold,
                genuine=_share(run.by_caller(GENUINE), policy),
                attackers={lvl: _share(run.by_caller(lvl), policy) for lvl in levels},
            )
        )
    return points
