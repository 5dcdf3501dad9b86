"""Metrics from the tallies of a run (evals/tally.py): pass rates with Wilson 95% intervals,
per role and per attacker level, plus question quality (leaks, grounding), cost (model calls,
tokens) and latency."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

from evals.tally import CallerTally
from evals.trials import GENUINE, ConfigRun
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


def rate(tally: CallerTally, decision: str = "allow") -> dict[str, Any]:
    return _rate(tally.count(decision), tally.n)


def _rate(hits: int, n: int) -> dict[str, Any]:
    return {
        "rate": round(hits / n, 4) if n else 0.0,
        "n": n,
        "count": hits,
        "ci95": wilson(hits, n),
    }


def outcome(tally: CallerTally) -> dict[str, Any]:
    """Pass (allow), escalation and deny rates of one population."""
    return {
        "pass": rate(tally),
        "escalate": rate(tally, "escalate"),
        "deny": rate(tally, "deny"),
        "early_escalations": tally.early,
    }


def combined(tallies: Iterable[CallerTally]) -> CallerTally:
    """Every population of a run as one (for run-wide question and cost figures)."""
    out = CallerTally(caller="*")
    for tally in tallies:
        out.merge(tally)
    return out


def question_quality(tally: CallerTally) -> dict[str, Any]:
    asked = tally.asked_trials
    return {
        "questions_per_verification": round(tally.questions / asked, 2) if asked else 0.0,
        "questions_asked": tally.questions,
        "leaked_questions": tally.leaked,
        "grounding_failures": tally.ungrounded,
        "dropped_by_check": dict(sorted(tally.dropped.items())),
        "topics": dict(tally.topics.most_common()),
    }


def cost(tally: CallerTally) -> dict[str, Any]:
    n = tally.n or 1
    latencies = sorted(tally.latencies_ms) or [0.0]
    p95 = latencies[min(len(latencies) - 1, math.ceil(0.95 * len(latencies)) - 1)]
    return {
        "model_calls_per_verification": round(tally.model_calls / n, 2),
        "tokens_per_verification": round(tally.tokens / n, 1),
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(p95, 1)},
    }


def by_role(tally: CallerTally) -> dict[str, dict[str, Any]]:
    """Per role: the pass rate entry plus the escalation rate."""
    out: dict[str, dict[str, Any]] = {}
    for role in sorted(tally.roles):
        counts = tally.roles[role]
        n = sum(counts.values())
        escalated = _rate(counts.get("escalate", 0), n)["rate"]
        out[role] = {**_rate(counts.get("allow", 0), n), "escalation_rate": escalated}
    return out


def by_family(tally: CallerTally) -> dict[str, dict[str, Any]]:
    """Per role family (frontline / office / IT, vocabulary/roles.py): pass and escalation."""
    out: dict[str, dict[str, Any]] = {}
    for family in RoleFamily:
        mine = [c for role, c in tally.roles.items() if family_of(role) is family]
        n = sum(sum(c.values()) for c in mine)
        if n:
            allowed = sum(c.get("allow", 0) for c in mine)
            escalated = _rate(sum(c.get("escalate", 0) for c in mine), n)["rate"]
            out[family.value] = {**_rate(allowed, n), "escalation_rate": escalated}
    return out


def guess_rates(run: ConfigRun, by: str = "kind") -> dict[str, dict[str, Any]]:
    """How often attackers (every level but injection, whose answers are instructions) answer
    each kind (or `by="topic"`: each topic) of question right: correct counts 1, partial half.
    The Wilson upper bound is the conservative value for the policy's `guess_probability` and
    `topic_guess_probability` (grading/policies/)."""
    tally: dict[str, tuple[float, int]] = {}
    for caller, t in run.tallies.items():
        if caller in (GENUINE, "injection"):
            continue
        for key, (credit, n) in t.guesses.get(by, {}).items():
            had, seen = tally.get(key, (0.0, 0))
            tally[key] = (had + credit, seen + n)
    out = {}
    for key, (hits, n) in sorted(tally.items()):
        out[key] = {"n": n, "rate": round(hits / n, 4), "upper95": wilson(round(hits), n)[1]}
    return out


def summarise(run: ConfigRun) -> dict[str, Any]:
    """The metrics of one configuration; the `--json` keys are stable for scripts."""
    genuine = run.tallies.get(GENUINE) or CallerTally(caller=GENUINE)
    levels = [c for c in run.callers if c != GENUINE]
    per_level = {lvl: outcome(run.tallies[lvl]) for lvl in levels}
    everyone = combined(run.tallies.values())
    injection = run.tallies.get("injection")
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
            **{lvl: by_role(run.tallies[lvl]) for lvl in levels},
        },
        "per_family": {
            GENUINE: by_family(genuine),
            **{lvl: by_family(run.tallies[lvl]) for lvl in levels},
        },
        "questions": question_quality(everyone),
        "attacker_guess_rate_by_kind": guess_rates(run),
        "attacker_guess_rate_by_topic": guess_rates(run, by="topic"),
        "cost": cost(everyone),
        "planted_ticket_asked": injection.planted if injection else 0,
        "skipped_levels": dict(run.skipped),
    }
