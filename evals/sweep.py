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
from evals.trials import GENUINE, ConfigRun, Trial
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


def _facts(trial: Trial) -> DecisionInput:
    return DecisionInput(
        action=trial.action,
        grades=[Grade.model_validate(g) for g in trial.grades],
        questions_asked=len(trial.questions),
        asked=[asked_question(Question.model_validate(q)) for q in trial.questions],
    )


def redecide(trial: Trial, policy: Policy) -> bool:
    """Would this trial be allowed under `policy`? Early decisions never are."""
    if trial.early:
        return False
    return decide(policy, _facts(trial)).decision == DecisionOutcome.ALLOW


@dataclass(frozen=True)
class SweepPolicies:
    """Every policy a trial is re-decided under, fixed before the run so each trial is
    re-decided once, where it was recorded, and then dropped: the threshold sweep, and every
    (min_correct, max_incorrect) for up to `max_questions` questions."""

    thresholds: tuple[float, ...]
    by_threshold: tuple[Policy, ...]
    by_counts: dict[tuple[int, int], Policy]
    max_questions: int

    @classmethod
    def build(cls, policy: Policy, action: str, max_questions: int) -> SweepPolicies:
        grid = {
            (need, wrong): with_counts(policy, action, need, wrong)
            for need in range(1, max_questions + 1)
            for wrong in range(0, max_questions - need + 1)
        }
        curve = tuple(relaxed(policy, action, t) for t in THRESHOLDS)
        return cls(THRESHOLDS, curve, grid, max_questions)


def redecide_all(
    trial: Trial, sweep: SweepPolicies
) -> tuple[list[int], dict[tuple[int, int], int]]:
    """1 or 0 per threshold, and per (min_correct, max_incorrect): allowed under each policy."""
    if len(trial.questions) > sweep.max_questions:
        raise ValueError(
            f"{len(trial.questions)} questions asked; the sweep covers {sweep.max_questions}"
        )
    if trial.early:
        return [0] * len(sweep.by_threshold), dict.fromkeys(sweep.by_counts, 0)
    facts = _facts(trial)

    def allowed(policy: Policy) -> int:
        return int(decide(policy, facts).decision == DecisionOutcome.ALLOW)

    by_counts = {key: allowed(p) for key, p in sweep.by_counts.items()}
    return [allowed(p) for p in sweep.by_threshold], by_counts


def _point(run: ConfigRun, threshold: float, counts: dict[str, tuple[int, int]]) -> SweepPoint:
    def share(caller: str) -> float:
        allowed, n = counts[caller]
        return round(allowed / n, 4) if n else 0.0

    return SweepPoint(
        threshold=threshold,
        genuine=share(GENUINE) if GENUINE in counts else 0.0,
        attackers={c: share(c) for c in run.callers if c != GENUINE},
        counts=counts,
    )


def sweep(run: ConfigRun) -> list[SweepPoint]:
    """The mean-score threshold sweep, from the run's tallies."""
    return [
        _point(run, t, {c: (tally.thresholds[i], tally.n) for c, tally in run.tallies.items()})
        for i, t in enumerate(THRESHOLDS)
    ]


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
    asked = max((t.max_asked for t in run.tallies.values()), default=0)
    rules = run.policy.actions[run.config.action]
    out = []
    for need in range(max(1, asked // 2), asked + 1):
        for wrong in range(0, asked - need + 1):
            counts = {c: (t.counts[(need, wrong)], t.n) for c, t in run.tallies.items()}
            out.append(RulePoint(need, wrong, _point(run, rules.min_score, counts)))
    return out
