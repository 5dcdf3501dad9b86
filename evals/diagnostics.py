"""Why calls failed or passed: which question shapes, graders and policy rules are responsible,
with examples, so the owners of questions/ and grading/ can act on an evaluation."""

from __future__ import annotations

from typing import Any

from evals.tally import Cause
from evals.trials import GENUINE, ConfigRun

__all__ = ["Cause", "attacker_passes", "dont_know_share", "genuine_blockers"]


def genuine_blockers(run: ConfigRun) -> list[tuple[str, int]]:
    """Why genuine callers were not allowed, commonest first."""
    tally = run.tallies.get(GENUINE)
    return tally.blockers.most_common() if tally else []


def genuine_grade_causes(run: ConfigRun) -> list[Cause]:
    """Non-correct grades of answers a genuine caller did give (not "I don't remember"):
    each is a grader or question that turned a truthful answer into a miss."""
    tally = run.tallies.get(GENUINE)
    return tally.ranked_causes() if tally else []


def dont_know_share(run: ConfigRun) -> float:
    tally = run.tallies.get(GENUINE)
    if tally is None or not tally.answers:
        return 0.0
    return round(tally.dont_know / tally.answers, 4)


def attacker_passes(run: ConfigRun) -> list[dict[str, Any]]:
    """Every allowed attacker call, with the questions and what was said, in the serial order."""
    passes = [p for caller, t in run.tallies.items() if caller != GENUINE for p in t.passes]
    return [call for _, call in sorted(passes, key=lambda p: p[0])]
