"""Streamed metrics: each trial is folded into its population's tally and then dropped.

A tally keeps counts and sums, never the trials, so memory does not grow with the organisation.
Tallies merge in any order to the same result: everything order-dependent in a report (which
examples come first, how ties in a ranking fall) is keyed by the trial's position in the serial
run (caller index, employee index, question index), so a run split across worker processes
reports exactly what one serial run reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.memory import DONT_KNOW
from evals.sweep import SweepPolicies, redecide_all
from evals.trials import Trial

Pos = tuple[int, ...]  # (caller index, employee index[, question index]): the serial order
EXAMPLES = 3  # examples kept per cause of a missed truthful answer


@dataclass
class Ranked:
    """Counts per key that remember where each key first appeared, so that a ranking's ties
    fall as they would over the serial run (Counter.most_common keeps first-seen order)."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, Pos] = field(default_factory=dict)

    def add(self, key: str, pos: Pos, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n
        if key not in self.first or pos < self.first[key]:
            self.first[key] = pos

    def merge(self, other: Ranked) -> None:
        for key, n in other.counts.items():
            self.add(key, other.first[key], n)

    def most_common(self) -> list[tuple[str, int]]:
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], self.first[kv[0]]))


@dataclass
class Cause:
    """One kind of non-correct grade of a truthful answer, e.g. ("mail.subject", "partial",
    "text.fuzzy"), with the first few examples."""

    topic: str
    verdict: str
    method: str
    count: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _CauseTally:
    count: int = 0
    first: Pos = ()
    examples: list[tuple[Pos, dict[str, str]]] = field(default_factory=list)

    def add(self, pos: Pos, example: dict[str, str], n: int = 1) -> None:
        self.first = min(self.first, pos) if self.count else pos
        self.count += n
        self.examples = sorted([*self.examples, (pos, example)])[:EXAMPLES]


@dataclass
class CallerTally:
    """One population (one caller kind of one configuration), folded trial by trial."""

    caller: str
    n: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    early: int = 0
    roles: dict[str, dict[str, int]] = field(default_factory=dict)  # role -> decision -> count
    asked_trials: int = 0
    questions: int = 0
    max_asked: int = 0
    leaked: int = 0
    ungrounded: int = 0
    planted: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    topics: Ranked = field(default_factory=Ranked)
    # "kind" | "topic" -> key -> (credit, answers): correct counts 1, partial half
    guesses: dict[str, dict[str, tuple[float, int]]] = field(default_factory=dict)
    model_calls: int = 0
    tokens: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    thresholds: list[int] = field(default_factory=list)  # allowed per sweep threshold
    counts: dict[tuple[int, int], int] = field(default_factory=dict)  # (need, wrong) -> allowed
    blockers: Ranked = field(default_factory=Ranked)  # first reason of calls not allowed
    causes: dict[tuple[str, str, str], _CauseTally] = field(default_factory=dict)
    answers: int = 0
    dont_know: int = 0
    passes: list[tuple[Pos, dict[str, Any]]] = field(default_factory=list)  # allowed attackers

    def add(self, trial: Trial, pos: Pos, sweep: SweepPolicies, *, attacker: bool) -> None:
        self._outcome(trial)
        self._questions(trial, pos)
        self._cost(trial)
        allowed, by_counts = redecide_all(trial, sweep)
        self.thresholds = _add_lists(self.thresholds, allowed)
        for key, hit in by_counts.items():
            self.counts[key] = self.counts.get(key, 0) + hit
        if not trial.passed:
            self.blockers.add(first_reason(trial), pos)
        self._diagnose(trial, pos)
        if attacker and trial.passed:
            self.passes.append((pos, passed_call(trial)))

    def _outcome(self, trial: Trial) -> None:
        self.n += 1
        self.decisions[trial.decision] = self.decisions.get(trial.decision, 0) + 1
        self.early += trial.early
        role = self.roles.setdefault(trial.role, {})
        role[trial.decision] = role.get(trial.decision, 0) + 1

    def _questions(self, trial: Trial, pos: Pos) -> None:
        self.asked_trials += bool(trial.questions)
        self.questions += len(trial.questions)
        self.max_asked = max(self.max_asked, len(trial.questions))
        self.leaked += len(leaks(trial))
        self.ungrounded += len(trial.ungrounded)
        for d in trial.dropped:
            check = str(d.get("check"))
            self.dropped[check] = self.dropped.get(check, 0) + 1
        for index, q in enumerate(trial.questions):
            self.topics.add(str(q.get("topic")), (*pos, index))
            if any(str(e).startswith("planted-") for e in q.get("evidence", [])):
                self.planted += 1
        keys = {str(q["id"]): q for q in trial.questions}
        for grade in trial.grades:
            credit = {"correct": 1.0, "partial": 0.5}.get(str(grade["verdict"]), 0.0)
            q = keys.get(str(grade["id"]), {})
            for by in ("kind", "topic"):
                _add_guess(self.guesses.setdefault(by, {}), str(q.get(by) or "text"), credit, 1)

    def _cost(self, trial: Trial) -> None:
        self.model_calls += trial.model_calls
        self.tokens += trial.tokens
        self.latencies_ms.append(trial.latency_s * 1000)

    def _diagnose(self, trial: Trial, pos: Pos) -> None:
        said_all = list(trial.answers.values())
        self.answers += len(said_all)
        self.dont_know += sum(a in DONT_KNOW for a in said_all)
        for index, (q, g) in enumerate(zip(trial.questions, trial.grades, strict=False)):
            said = trial.answers.get(str(q["id"]), "")
            if g["verdict"] == "correct" or said in DONT_KNOW:
                continue
            key = (str(q.get("topic", "?")), str(g["verdict"]), str(g["method"]))
            self.causes.setdefault(key, _CauseTally()).add((*pos, index), example(q, said, g))

    def merge(self, other: CallerTally) -> None:
        """Fold another part of the same population in (any order gives the same result)."""
        self.n += other.n
        _add_into(self.decisions, other.decisions)
        self.early += other.early
        for role, counts in other.roles.items():
            _add_into(self.roles.setdefault(role, {}), counts)
        self.asked_trials += other.asked_trials
        self.questions += other.questions
        self.max_asked = max(self.max_asked, other.max_asked)
        self.leaked += other.leaked
        self.ungrounded += other.ungrounded
        self.planted += other.planted
        _add_into(self.dropped, other.dropped)
        self.topics.merge(other.topics)
        for by, entries in other.guesses.items():
            mine = self.guesses.setdefault(by, {})
            for key, (credit, n) in entries.items():
                _add_guess(mine, key, credit, n)
        self.model_calls += other.model_calls
        self.tokens += other.tokens
        self.latencies_ms += other.latencies_ms
        self.thresholds = _add_lists(self.thresholds, other.thresholds)
        _add_into(self.counts, other.counts)
        self.blockers.merge(other.blockers)
        self._merge_causes(other)
        self.answers += other.answers
        self.dont_know += other.dont_know
        self.passes = sorted([*self.passes, *other.passes], key=lambda p: p[0])

    def _merge_causes(self, other: CallerTally) -> None:
        for key, theirs in other.causes.items():
            mine = self.causes.get(key)
            if mine is None:
                self.causes[key] = _CauseTally(theirs.count, theirs.first, list(theirs.examples))
                continue
            mine.first = min(mine.first, theirs.first)
            mine.count += theirs.count
            mine.examples = sorted([*mine.examples, *theirs.examples])[:EXAMPLES]

    def count(self, decision: str) -> int:
        return self.decisions.get(decision, 0)

    def ranked_causes(self) -> list[Cause]:
        """Causes, commonest first; ties in the order they first occurred."""
        ordered = sorted(self.causes.items(), key=lambda kv: (-kv[1].count, kv[1].first))
        return [Cause(*key, c.count, [e for _, e in c.examples]) for key, c in ordered]


def _add_into(mine: dict[Any, int], theirs: dict[Any, int]) -> None:
    for key, n in theirs.items():
        mine[key] = mine.get(key, 0) + n


def _add_guess(into: dict[str, tuple[float, int]], key: str, credit: float, n: int) -> None:
    had, seen = into.get(key, (0.0, 0))
    into[key] = (had + credit, seen + n)


def _add_lists(a: list[int], b: list[int]) -> list[int]:
    if not a:
        return list(b)
    return [x + y for x, y in zip(a, b, strict=True)]


def leaks(trial: Trial) -> list[str]:
    """Ids of asked questions whose text contains their own expected answer (or a variant)."""
    out = []
    for q in trial.questions:
        text = str(q["text"]).lower()
        answers = [str(q["expected"]), *q.get("variants", [])]
        if any(len(a) >= 3 and a.lower() in text for a in answers):
            out.append(str(q["id"]))
    return out


def first_reason(trial: Trial) -> str:
    """The decision's deciding reason with its numbers stripped, to group similar ones."""
    reason = trial.reasons[0] if trial.reasons else "(no reason)"
    return "".join("N" if ch.isdigit() else ch for ch in reason).replace("N.NN", "N")


def example(q: dict[str, Any], said: str, g: dict[str, Any]) -> dict[str, str]:
    return {
        "question": str(q["text"]),
        "expected": str(q["expected"]),
        "said": said,
        "verdict": str(g["verdict"]),
        "reason": str(g.get("reason", ""))[:160],
    }


def passed_call(trial: Trial) -> dict[str, Any]:
    """An allowed attacker call, with the questions and what was said."""
    return {
        "level": trial.caller,
        "employee": trial.upn,
        "role": trial.role,
        "answers": [
            example(q, trial.answers.get(str(q["id"]), ""), g)
            for q, g in zip(trial.questions, trial.grades, strict=False)
        ],
    }
