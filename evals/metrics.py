"""Metrics from recorded trials: pass rates with Wilson 95% intervals, per role and per attacker
level, plus question quality (leaks, grounding), cost (model calls, tokens) and latency."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from evals.runner import GENUINE
from evals.trials import ConfigRun, Trial
from vocabulary.roles import RoleFamily, family_of

Z95 = 1.959964


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 1) when n is 0."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4))


def rate(trials: Sequence[Trial], decision: str = "allow") -> dict[str, Any]:
    hits = sum(1 for t in trials if t.decision == decision)
    n = len(trials)
    return {
        "rate": round(hits / n, 4) if n else 0.0,
        "n": n,
        "count": hits,
        "ci95": wilson(hits, n),
    }


def outcome(trials: Sequence[Trial]) -> dict[str, Any]:
    """Pass (allow), escalation and deny rates of one population."""
    return {
        "pass": rate(trials),
        "escalate": rate(trials, "escalate"),
        "deny": rate(trials, "deny"),
        "early_escalations": sum(1 for t in trials if t.early),
    }


def leaks(trial: Trial) -> list[str]:
    """Ids of asked questions whose text contains their own expected answer (or a variant)."""
    out = []
    for q in trial.questions:
        text = str(q["text"]).lower()
        answers = [str(q["expected"]), *q.get("variants", [])]
        if any(len(a) >= 3 and a.lower() in text for a in answers):
            out.append(str(q["id"]))
    return out


def question_quality(trials: Sequence[Trial]) -> dict[str, Any]:
    asked = [t for t in trials if t.questions]
    questions = sum(len(t.questions) for t in asked)
    dropped = Counter(str(d.get("check")) for t in trials for d in t.dropped)
    topics = Counter(str(q.get("topic")) for t in trials for q in t.questions)
    return {
        "questions_per_verification": round(questions / len(asked), 2) if asked else 0.0,
        "questions_asked": questions,
        "leaked_questions": sum(len(leaks(t)) for t in trials),
        "grounding_failures": sum(len(t.ungrounded) for t in trials),
        "dropped_by_check": dict(sorted(dropped.items())),
        "topics": dict(topics.most_common()),
    }


def cost(trials: Sequence[Trial]) -> dict[str, Any]:
    n = len(trials) or 1
    latencies = sorted(t.latency_s * 1000 for t in trials) or [0.0]
    p95 = latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)]
    return {
        "model_calls_per_verification": round(sum(t.model_calls for t in trials) / n, 2),
        "tokens_per_verification": round(sum(t.tokens for t in trials) / n, 1),
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(p95, 1)},
    }


def by_role(trials: Sequence[Trial]) -> dict[str, dict[str, Any]]:
    """Per role: the pass rate entry plus the escalation rate."""
    out: dict[str, dict[str, Any]] = {}
    for role in sorted({t.role for t in trials}):
        mine = [t for t in trials if t.role == role]
        out[role] = {**rate(mine), "escalation_rate": rate(mine, "escalate")["rate"]}
    return out


def by_family(trials: Sequence[Trial]) -> dict[str, dict[str, Any]]:
    """Per role family (frontline / office / IT, vocabulary/roles.py): pass and escalation."""
    out: dict[str, dict[str, Any]] = {}
    for family in RoleFamily:
        mine = [t for t in trials if family_of(t.role) is family]
        if mine:
            out[family.value] = {**rate(mine), "escalation_rate": rate(mine, "escalate")["rate"]}
    return out


def guess_rates(run: ConfigRun, by: str = "kind") -> dict[str, dict[str, Any]]:
    """How often attackers (every level but injection, whose answers are instructions) answer
    each kind (or `by="topic"`: each topic) of question right: correct counts 1, partial half.
    The Wilson upper bound is the conservative value for the policy's `guess_probability` and
    `topic_guess_probability` (grading/policies/)."""
    tally: dict[str, list[float]] = {}
    for trial in run.trials:
        if trial.caller in (GENUINE, "injection"):
            continue
        keys = {str(q["id"]): str(q.get(by) or "text") for q in trial.questions}
        for grade in trial.grades:
            credit = {"correct": 1.0, "partial": 0.5}.get(str(grade["verdict"]), 0.0)
            tally.setdefault(keys.get(str(grade["id"]), "text"), []).append(credit)
    out = {}
    for key, credits in sorted(tally.items()):
        hits, n = sum(credits), len(credits)
        out[key] = {"n": n, "rate": round(hits / n, 4), "upper95": wilson(round(hits), n)[1]}
    return out


def summarise(run: ConfigRun) -> dict[str, Any]:
    """The metrics of one configuration; the `--json` keys are stable for scripts."""
    genuine = run.by_caller(GENUINE)
    levels = [c for c in run.callers if c != GENUINE]
    per_level = {lvl: outcome(run.by_caller(lvl)) for lvl in levels}
    return {
        "engine": run.engine,
        "policy": run.policy.id,
        "action": run.config.action,
        "genuine_pass_rate": outcome(genuine)["pass"]["rate"],
        "attacker_pass_rate": {lvl: o["pass"]["rate"] for lvl, o in per_level.items()},
        "genuine": outcome(genuine),
        "attackers": per_level,
        "per_role": {
            GENUINE: by_role(genuine),
            **{lvl: by_role(run.by_caller(lvl)) for lvl in levels},
        },
        "per_family": {
            GENUINE: by_family(genuine),
            **{lvl: by_family(run.by_caller(lvl)) for lvl in levels},
        },
        "questions": question_quality(run.trials),
        "attacker_guess_rate_by_kind": guess_rates(run),
        "attacker_guess_rate_by_topic": guess_rates(run, by="topic"),
        "cost": cost(run.trials),
        "planted_ticket_asked": sum(
            1
            for t in run.by_caller("injection")
            for q in t.questions
            if any(str(e).startswith("planted-") for e in q.get("evidence", []))
        ),
        "skipped_levels": dict(run.skipped),
    }
