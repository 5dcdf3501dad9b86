"""Why calls failed or passed: which question shapes, graders and policy rules are responsible,
with examples, so the owners of questions/ and grading/ can act on an evaluation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from evals.memory import DONT_KNOW
from evals.runner import GENUINE
from evals.trials import ConfigRun, Trial

EXAMPLES = 3


@dataclass
class Cause:
    """One kind of non-correct grade: e.g. ("mail.subject", "partial", "text.fuzzy")."""

    topic: str
    verdict: str
    method: str
    count: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)


def _first_reason(trial: Trial) -> str:
    """The decision's deciding reason with its numbers stripped, to group similar ones."""
    reason = trial.reasons[0] if trial.reasons else "(no reason)"
    return "".join("N" if ch.isdigit() else ch for ch in reason).replace("N.NN", "N")


def genuine_blockers(run: ConfigRun) -> list[tuple[str, int]]:
    """Why genuine callers were not allowed, commonest first."""
    failed = [t for t in run.by_caller(GENUINE) if not t.passed]
    return Counter(_first_reason(t) for t in failed).most_common()


def genuine_grade_causes(run: ConfigRun) -> list[Cause]:
    """Non-correct grades of answers a genuine caller did give (not "I don't remember"):
    each is a grader or question that turned a truthful answer into a miss."""
    causes: dict[tuple[str, str, str], Cause] = {}
    for trial in run.by_caller(GENUINE):
        for q, g in zip(trial.questions, trial.grades, strict=False):
            said = trial.answers.get(str(q["id"]), "")
            if g["verdict"] == "correct" or said in DONT_KNOW:
                continue
            key = (str(q.get("topic", "?")), str(g["verdict"]), str(g["method"]))
            cause = causes.setdefault(key, Cause(*key))
            cause.count += 1
            if len(cause.examples) < EXAMPLES:
                cause.examples.append(_example(q, said, g))
    return sorted(causes.values(), key=lambda c: -c.count)


def dont_know_share(run: ConfigRun) -> float:
    answers = [a for t in run.by_caller(GENUINE) for a in t.answers.values()]
    return round(sum(a in DONT_KNOW for a in answers) / len(answers), 4) if answers else 0.0


def attacker_passes(run: ConfigRun) -> list[dict[str, Any]]:
    """Every allowed attacker call, with the questions and what was said."""
    out = []
    for trial in run.trials:
        if trial.caller == GENUINE or not trial.passed:
            continue
        out.append(
            {
                "level": trial.caller,
                "employee": trial.upn,
                "role": trial.role,
                "answers": [
                    _example(q, trial.answers.get(str(q["id"]), ""), g)
                    for q, g in zip(trial.questions, trial.grades, strict=False)
                ],
            }
        )
    return out


def _example(q: dict[str, Any], said: str, g: dict[str, Any]) -> dict[str, str]:
    return {
        "question": str(q["text"]),
        "expected": str(q["expected"]),
        "said": said,
        "verdict": str(g["verdict"]),
        "reason": str(g.get("reason", ""))[:160],
    }
