"""The decision policy: every rule that turns a verification into allow | deny | escalate.

The numbers live in the policy YAML (grading/policies/decision_vN.yaml); the rules live here and
nowhere else. The service gathers the facts (a `StartInput` before asking, a `DecisionInput`
after the answers) and applies what this module returns.

Before asking (`decide_start`): fewer questions than the minimum escalate, and so does an
employee whose attempts are used up, a ticket that is not this employee's (or cannot be
checked), a directory that failed, and (unless the action relaxes it with `on_source_failure:
proceed`) a context source that failed or timed out: an attacker who can make one source fail
would otherwise narrow the questions to the sources they know. A database failure escalates for
every action (`database_failure`).
After the answers (`decide`), in order: an injection attempt denies; too many attempts deny;
fewer than the minimum questions escalate; mostly wrong answers deny; otherwise the action's tier
thresholds, the risk signal, the guessing-entropy floor and the judge's availability must all
pass to allow, and anything short of that escalates (deny instead when the risk signal is high);
a grader failure turns an allow into escalate. The entropy counts each correct answer by its
kind's guess probability, raised (from v2) to the question's own estimate from its audience and
prior, one fact once. Any failure of the policy itself escalates
(`fail_closed`). Each rule gives two reasons: one for security and audit (counts, kinds and
thresholds, never an expected answer) and one for the help-desk agent in policy language (no
count, score or verdict a caller could learn from: which answers were right stays hidden).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

from grading.models import (
    AnswerKind,
    Decision,
    DecisionOutcome,
    Grade,
    GradeFlag,
    Signal,
    SignalProvenance,
    Verdict,
)

PARTIAL_CREDIT = 0.5  # a partial answer (some of the attendees, the day without the time)
Reason = tuple[str, str]  # (for security and audit, for the help-desk agent)


def _plain(text: str) -> Reason:
    """A reason that says nothing about the answers reads the same for both audiences."""
    return text, text


class PolicyError(Exception):
    """Root of the policy errors."""


class UnknownActionError(PolicyError, ValueError):
    """The action has no entry in the policy; add one under `actions:` or use a known action."""


# escalate: a failed or timed-out source never allows. proceed: ask and decide from the sources
# that answered (the failure stays in the reasons). Only an action may relax it, by name.
SourceFailure = Literal["escalate", "proceed"]


class ActionRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier: int
    min_correct: int
    max_incorrect: int
    min_score: float
    when_signal_unknown: Literal["normal", "strict", "escalate"] = "normal"
    on_source_failure: SourceFailure | None = None  # None: the policy's `on_source_failure`


class StrictRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    extra_correct: int = 1
    max_incorrect: int = 0
    extra_score: float = 0.1


TicketProblem = Literal["mismatch", "not_found", "unreachable"]


class TicketRules(BaseModel):
    """What a ticket check at start means: each listed outcome escalates before asking.
    mismatch: the ticket was raised for someone else (one ticket, many employees: velocity);
    not_found: no such ticket; unreachable: the ticketing system did not answer."""

    model_config = ConfigDict(extra="forbid")
    escalate_when: list[TicketProblem] = Field(
        default_factory=lambda: list(get_args(TicketProblem))
    )


class SignalThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    high: float = 0.8
    elevated: float = 0.5
    # Whose low scores count as low. Anyone else's (the agent's own request) counts as unknown:
    # an attacker with an agent's key would send 0.0. A high or elevated score counts from
    # anyone, since it can only ask for more caution.
    vouched: list[SignalProvenance] = Field(
        default_factory=lambda: [SignalProvenance.PROVIDER_API, SignalProvenance.PROVIDER_JWS]
    )


class EstimateRules(BaseModel):
    """How each question's own guess estimate (its audience and the answer's prior in the
    organisation, computed where the facts are known) enters the entropy: a correct answer is
    worth -log2(max(p_kind, min(1, weight * estimate))) bits, so a fact a whole repository sees
    counts for little whatever its kind."""

    model_config = ConfigDict(extra="forbid")
    weight: float = Field(default=1.0, ge=0.0)


class VelocityRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    window_hours: int = 24
    max_employees_per_caller: int = 1  # one calling number, this many employees
    max_employees_per_ticket: int = 1  # one ticket, this many employees


class KnowerRules(BaseModel):
    """No one other person may hold the verification: the right answers that the best-informed
    other person could not have given (they were not in the fact's audience, and it is not in a
    history every teammate reads) must carry this many bits on their own."""

    model_config = ConfigDict(extra="forbid")
    min_bits: float = Field(ge=0.0)


class ThinContextRules(BaseModel):
    """Employees the questions cannot verify (too few questions, or questions whose best case
    cannot reach the entropy floor: a store associate whose week is only the published rota)
    escalate before anything is asked, to `route`, never to a weaker question set."""

    model_config = ConfigDict(extra="forbid")
    route: str = "manager_approval"
    # Escalate at start when even all-correct answers would fall short of min_entropy_bits.
    check_ceiling: bool = True
    # ... or, from v10, of beyond_one_knower's min_bits: every answer within one other
    # person's reach (the rota, the IT agents' tickets), so no answers could allow.
    check_beyond_one: bool = False


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    version: int
    min_questions: int
    max_attempts: int
    min_entropy_bits: float
    deny_incorrect_share: float
    # Allow needs fewer incorrect answers than this share of those asked (v9: one half, so a
    # max_incorrect sized for seven questions never allows half of a shorter set wrong).
    # None: v8 and earlier (the per-action max_incorrect alone).
    allow_incorrect_share_below: float | None = Field(default=None, gt=0, le=1)
    on_source_failure: Literal["escalate"] = "escalate"  # the default is never relaxed
    signal: SignalThresholds
    guess_probability: dict[AnswerKind, float]
    actions: dict[str, ActionRules]
    strict: StrictRules
    ticket: TicketRules = Field(default_factory=TicketRules)
    question_estimates: EstimateRules | None = None  # None: the per-kind constants alone
    velocity: VelocityRules = Field(default_factory=VelocityRules)
    beyond_one_knower: KnowerRules | None = None  # None: no rule on any one person's share
    # Measured guess probability per question topic, in place of its kind's constant (a rota
    # answer a same-store co-worker reads; a swap partner among a store's staff). {}: none.
    topic_guess_probability: dict[str, float] = Field(default_factory=dict)
    thin_context: ThinContextRules | None = None  # None: v4 and earlier (no route, no ceiling)

    @property
    def id(self) -> str:
        return f"{self.name}@v{self.version}"


POLICY_FILE = re.compile(r"decision_v(\d+)\.yaml")


def packaged_policy() -> str:
    """The newest packaged policy file's name (decision_vN.yaml with the highest N)."""
    names = [f.name for f in resources.files("grading").joinpath("policies").iterdir()]
    versions = {int(m.group(1)): n for n in names if (m := POLICY_FILE.fullmatch(n))}
    return versions[max(versions)]


def load_policy(path: Path | None = None) -> Policy:
    """The policy in `path`, or the newest packaged one (see `packaged_policy`)."""
    if path is None:
        policies = resources.files("grading").joinpath("policies")
        text = policies.joinpath(packaged_policy()).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return Policy.model_validate(yaml.safe_load(text))


class AskedQuestion(BaseModel):
    """What the policy weighs of an asked question besides its grade: the fact it rests on
    (answers on one fact count once) and its own estimate that someone else answers it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    fact: str = ""
    guess_probability: float | None = Field(default=None, ge=0.0, le=1.0)
    knowers: list[str] = Field(default_factory=list)  # the people who could answer it
    prior: float | None = Field(default=None, ge=0.0, le=1.0)  # how common the answer is
    team_reads: bool = False  # in a history every teammate reads (a repository, a project)
    topic: str = ""  # e.g. shift.start: the policy's topic_guess_probability applies
    kind: AnswerKind | None = None  # known before answering: the start rule's ceiling


class StartInput(BaseModel):
    """What is known before the first question is read out. New inputs to a start rule are new
    fields here, with a default that keeps today's behaviour."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    action: str
    questions_available: int  # questions that passed the checks
    recent_failures: int = 0  # denied verifications of this employee in the last 24 h
    # the ticket named at start, checked in its system (api/ticketing); not_linked: none given
    # or its system is not configured
    ticket: Literal["not_linked", "matched", "mismatch", "not_found", "unreachable"] = "not_linked"
    facts_asked_recently: int = 0  # facts withheld: asked of this employee in the last 24 h
    failed_sources: list[str] = Field(default_factory=list)  # failed or timed out, by connector
    directory_error: str | None = None  # the directory lookup failed: what happened
    employees_per_caller: int = 0  # distinct employees this calling number asked about
    employees_per_ticket: int = 0  # distinct employees started under this ticket
    questions: list[AskedQuestion] = Field(default_factory=list)  # the set to be asked


class DecisionInput(BaseModel):
    """Everything `decide` weighs once the caller has answered. New inputs to a rule are new
    fields here, with a default that keeps today's behaviour."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    action: str
    grades: list[Grade]  # one per answered question, each with its answer kind
    questions_asked: int  # unanswered questions count as incorrect
    signal: Signal | None = None  # the device/network risk signal; None = not provided
    degraded_sources: list[str] = Field(default_factory=list)  # sources that failed to answer
    attempts: int = 1  # this attempt's number: 1 + denied verifications in the last 24 h
    asked: list[AskedQuestion] = Field(default_factory=list)  # by grade id; [] = kinds only


@dataclass(frozen=True)
class _Tally:
    asked: int
    correct: int
    partial: int
    incorrect: int  # incorrect, don't know and unanswered
    score: float  # mean over questions asked, unanswered count 0
    bits: float
    bits_beyond_one: float | None  # None: the policy has no beyond_one_knower rule
    flags: frozenset[str]


def answer_bits(policy: Policy, grade: Grade, asked: AskedQuestion | None = None) -> float:
    """What one answer is worth: -log2(p_guess), full for correct, half for partial; p_guess is
    the topic's measured constant if the policy has one, else the kind's, raised to the
    question's own estimate when the policy weighs it."""
    p = policy.guess_probability.get(grade.kind, 0.5)
    if asked is not None and asked.topic in policy.topic_guess_probability:
        p = policy.topic_guess_probability[asked.topic]  # measured for the topic itself
    rules = policy.question_estimates
    if rules is not None and asked is not None and asked.guess_probability is not None:
        p = max(p, min(1.0, rules.weight * asked.guess_probability))
    weight = {Verdict.CORRECT: 1.0, Verdict.PARTIAL: 0.5}.get(grade.verdict, 0.0)
    return weight * -math.log2(p) if p < 1.0 else 0.0


def entropy_bits(policy: Policy, grades: list[Grade], asked: Sequence[AskedQuestion] = ()) -> float:
    """Guessing entropy of the answers. When the policy weighs the questions' own estimates,
    answers resting on one fact (one lookup gives them all) also count once, by the best."""
    by_id = {q.id: q for q in asked} if policy.question_estimates is not None else {}
    best: dict[str, float] = {}
    for index, grade in enumerate(grades):
        question = by_id.get(grade.id)
        fact = question.fact if question and question.fact else f"answer:{index}"
        best[fact] = max(best.get(fact, 0.0), answer_bits(policy, grade, question))
    return round(sum(best.values()), 2)


# The other person named in no question's audience: reads only what every teammate reads.
ANY_TEAMMATE = "<any teammate>"


def bits_beyond_one_knower(
    policy: Policy, grades: list[Grade], asked: Sequence[AskedQuestion]
) -> float:
    """The entropy left once the best-informed other person's answers are set aside: the least,
    over everyone who could answer some question (and a teammate named in none), of the bits of
    the answers that person could not have known. Those answers are worth what the person can
    still guess (the answer's prior, never below the kind's constant): the chance of being in
    the audience is what was set aside. A grade without its question counts in full."""
    asked = [q.model_copy(update={"guess_probability": q.prior}) for q in asked]
    by_id = {q.id: q for q in asked}
    people = {p for q in asked for p in q.knowers} | {ANY_TEAMMATE}

    def unknown_to(person: str, grade: Grade) -> bool:
        q = by_id.get(grade.id)
        return q is None or not (q.team_reads or person in q.knowers)

    return min(entropy_bits(policy, [g for g in grades if unknown_to(p, g)], asked) for p in people)


def _tally(
    policy: Policy, grades: list[Grade], questions_asked: int, questions: Sequence[AskedQuestion]
) -> _Tally:
    verdicts = [g.verdict for g in grades]
    asked = max(questions_asked, len(grades))
    unanswered = asked - len(grades)
    return _Tally(
        asked=asked,
        correct=verdicts.count(Verdict.CORRECT),
        partial=verdicts.count(Verdict.PARTIAL),
        incorrect=verdicts.count(Verdict.INCORRECT) + unanswered,
        score=round(sum(g.score for g in grades) / asked, 3) if asked else 0.0,
        bits=entropy_bits(policy, grades, questions),
        bits_beyond_one=(
            bits_beyond_one_knower(policy, grades, questions)
            if policy.beyond_one_knower is not None
            else None
        ),
        flags=frozenset(f for g in grades for f in g.flags),
    )


def signal_band(
    policy: Policy, signal: Signal | None
) -> Literal["unknown", "low", "elevated", "high"]:
    """The risk signal's band under this policy's thresholds."""
    if signal is None:
        return "unknown"
    if signal.score >= policy.signal.high:
        return "high"
    if signal.score >= policy.signal.elevated:
        return "elevated"
    return "low" if signal.provenance in policy.signal.vouched else "unknown"


def _thresholds(policy: Policy, rules: ActionRules, strict: bool, asked: int) -> ActionRules:
    if not strict:
        return rules
    return rules.model_copy(
        update={
            "min_correct": min(rules.min_correct + policy.strict.extra_correct, asked),
            "max_incorrect": min(rules.max_incorrect, policy.strict.max_incorrect),
            "min_score": min(1.0, rules.min_score + policy.strict.extra_score),
        }
    )


def _blockers(
    policy: Policy, rules: ActionRules, t: _Tally, state: str, action: str, degraded: list[Reason]
) -> list[Reason]:
    """Why this verification may not allow; empty when it may. `degraded`: the reasons failed
    sources give (source_failure_reasons)."""
    out: list[Reason] = []
    short = f"the answers did not meet the {action} requirements"
    credit = t.correct + PARTIAL_CREDIT * t.partial
    if credit < rules.min_correct:
        detail = f"{credit:g} correct answers (a partial counts half); {action} needs "
        out.append((f"{detail}{rules.min_correct}", short))
    if t.incorrect > rules.max_incorrect:
        detail = f"{t.incorrect} incorrect answers; {action} tolerates {rules.max_incorrect}"
        out.append((detail, short))
    share = policy.allow_incorrect_share_below
    if share is not None and t.incorrect >= share * t.asked:
        detail = f"{t.incorrect} of {t.asked} answers incorrect; {action} needs fewer than"
        out.append((f"{detail} {share:.0%} incorrect", short))
    if t.score < rules.min_score:
        out.append((f"mean answer score {t.score:.2f} is below {rules.min_score:.2f}", short))
    if t.bits < policy.min_entropy_bits:
        bits = f"{t.bits:.1f} bits is below {policy.min_entropy_bits:g}"
        out.append((f"estimated guessing entropy {bits}", short))
    if policy.beyond_one_knower and t.bits_beyond_one is not None:
        need = policy.beyond_one_knower.min_bits
        if t.bits_beyond_one < need:
            detail = f"the answers one other person could not know carry {t.bits_beyond_one:.1f}"
            out.append((f"{detail} bits; {action} needs {need:g}", short))
    if GradeFlag.JUDGE_UNAVAILABLE in t.flags:
        out.append(_plain("the answer grader was unavailable for some answers (fail closed)"))
    if state == "high":
        out.append(_plain("the device/network risk signal is high"))
    out += degraded
    if state == "unknown" and rules.when_signal_unknown == "escalate":
        out.append(_plain(f"no device/network risk signal; {action} requires one"))
    return out


def _context_reasons(
    t: _Tally, state: str, signal: Signal | None, degraded: list[str], strict: bool
) -> list[Reason]:
    tally = (
        f"{t.correct} of {t.asked} answers correct, {t.partial} partial, {t.incorrect} incorrect "
        f"or not answered; estimated guessing entropy {t.bits:.1f} bits"
    )
    reasons: list[Reason] = [(tally, "")]
    if strict:
        reasons.append(("stricter thresholds applied (risk signal elevated or unknown)", ""))
    if signal is None:
        reasons.append(_plain("no device/network risk signal was provided (treated as unknown)"))
    elif state == "unknown":
        unproven = "the risk signal came with the help-desk request, not from its provider"
        reasons.append(_plain(f"{unproven} (treated as unknown)"))
    else:
        reasons.append((f"device/network risk signal {signal.score:.2f} ({state})", ""))
    reasons += [
        _plain(f"context source {s} was unavailable; questions drew on fewer sources")
        for s in degraded
    ]
    return reasons


def _decision(policy: Policy, outcome: DecisionOutcome, reasons: list[Reason]) -> Decision:
    agent = [a for _, a in reasons if a]
    return Decision(
        decision=outcome,
        reasons=[r for r, _ in reasons],
        agent_reasons=list(dict.fromkeys(agent)),  # one "answers did not meet" for many causes
        policy=policy.id,
    )


def _rules_for(policy: Policy, action: str) -> ActionRules:
    rules = policy.actions.get(action)
    if rules is None:
        known = ", ".join(sorted(policy.actions))
        raise UnknownActionError(f"unknown action {action!r}; {policy.id} knows: {known}")
    return rules


def velocity_flags(policy: Policy, facts: StartInput) -> list[str]:
    """One calling number or one ticket across many employees: an attacker working a list."""
    rules, flags = policy.velocity, []
    if facts.employees_per_caller > rules.max_employees_per_caller:
        flags.append("caller_many_employees")
    if facts.employees_per_ticket > rules.max_employees_per_ticket:
        flags.append("ticket_many_employees")
    return flags


VELOCITY_REASONS = {
    "caller_many_employees": "this calling number asked about {n} employees in {h} h",
    "ticket_many_employees": "this ticket was used for {n} employees in {h} h",
}


def _velocity_reasons(policy: Policy, facts: StartInput) -> list[Reason]:
    counts = {
        "caller_many_employees": facts.employees_per_caller,
        "ticket_many_employees": facts.employees_per_ticket,
    }
    return [
        _plain(VELOCITY_REASONS[flag].format(n=counts[flag], h=policy.velocity.window_hours))
        for flag in velocity_flags(policy, facts)
    ]


def source_failure_reasons(policy: Policy, action: str, failed: list[str]) -> list[Reason]:
    """Why failed sources prevent allow for this action; empty when the action proceeds."""
    rules = policy.actions.get(action)
    if ((rules and rules.on_source_failure) or policy.on_source_failure) == "proceed":
        return []
    agent = "a context source did not answer; this call needs another way to verify the caller"
    return [
        (
            f"context source {name} failed or timed out; {action} is not decided on fewer sources",
            agent,
        )
        for name in failed
    ]


def database_failure(policy: Policy, error: str) -> Decision:
    """The database failed: nothing can be recorded, so no action may go ahead."""
    return fail_closed(policy, f"the database failed ({error}); nothing was recorded")


def fail_closed(policy: Policy, *reasons: str) -> Decision:
    """The decision when something failed before or while deciding: escalate, with the reason."""
    return _decision(policy, DecisionOutcome.ESCALATE, [_plain(r) for r in reasons])


_TICKET_REASONS = {
    "mismatch": "the ticket was raised for someone other than this employee",
    "not_found": "the ticket does not exist in the ticketing system",
    "unreachable": "the ticketing system could not confirm the ticket (fail closed)",
}


def _all_right(questions: Sequence[AskedQuestion]) -> list[Grade]:
    """Every question answered right: the best a genuine caller does."""
    return [
        Grade(id=q.id, kind=q.kind, verdict=Verdict.CORRECT, score=1.0, method="ceiling", reason="")
        for q in questions
        if q.kind is not None
    ]


def ceiling_bits(policy: Policy, questions: Sequence[AskedQuestion]) -> float:
    """The entropy every question answered right would give (the best a genuine caller does)."""
    return entropy_bits(policy, _all_right(questions), questions)


def ceiling_beyond_one(policy: Policy, questions: Sequence[AskedQuestion]) -> float:
    """What every question answered right would leave beyond the best-informed other person."""
    return bits_beyond_one_knower(policy, _all_right(questions), questions)


def _thin(policy: Policy, facts: StartInput) -> Reason | None:
    """Why the questions available cannot verify this employee even if all answered right."""
    rules = policy.thin_context
    if rules is None or not rules.check_ceiling or not facts.questions:
        return None
    if facts.questions_available < policy.min_questions:
        return None  # said by the count rule
    agent = "not enough private recent work context to verify this caller by questions"
    asked = f"thin context: all {len(facts.questions)} questions answered right would"
    best = ceiling_bits(policy, facts.questions)
    if best < policy.min_entropy_bits:
        why = "their answers are on the rota or otherwise widely known"
        return f"{asked} give {best:.1f} bits, below {policy.min_entropy_bits:g} ({why})", agent
    one = policy.beyond_one_knower
    if not rules.check_beyond_one or one is None:
        return None
    beyond = ceiling_beyond_one(policy, facts.questions)
    if beyond >= one.min_bits:
        return None
    why = "every answer is on the rota or known to one other person or group"
    detail = f"{asked} leave {beyond:.1f} bits beyond one other person, below {one.min_bits:g}"
    return f"{detail} ({why})", agent


def decide_start(policy: Policy, facts: StartInput) -> Decision | None:
    """Escalate before asking when the set is too thin or the attempts are used up; None: ask.
    A thin set (too few questions, or too little entropy even if all were answered right) goes
    to the policy's `thin_context.route` (a manager-approved path) with the reason."""
    reasons: list[Reason] = []
    if facts.directory_error is not None:
        why = f"the employee directory failed ({facts.directory_error})"
        return fail_closed(policy, f"{why}; the employee could not be looked up")
    reasons += source_failure_reasons(policy, facts.action, facts.failed_sources)
    reasons += _velocity_reasons(policy, facts)
    blocked = bool(reasons)  # a failed source or a velocity flag: never the thin route
    ceiling = _thin(policy, facts)
    if ceiling is not None:
        reasons.append(ceiling)
    if facts.questions_available < policy.min_questions:
        thin = "not enough recent work context to"
        could = f"ask {policy.min_questions} questions (could ask {facts.questions_available})"
        reasons.append((f"{thin} {could}", f"{thin} verify this caller by questions"))
    thin_start = ceiling is not None or facts.questions_available < policy.min_questions
    if thin_start and facts.facts_asked_recently:  # say so when the rotation thinned the set
        again = "already asked about in the last 24 h and are not asked again"
        reasons.append(
            (f"{facts.facts_asked_recently} facts were {again}", f"recent facts were {again}")
        )
    if facts.recent_failures + 1 > policy.max_attempts:
        when = "for this employee in the last 24 h"
        count = f"{facts.recent_failures} failed verifications"
        reasons.append((f"{count} {when}", f"too many failed verifications {when}"))
    if facts.ticket in policy.ticket.escalate_when:
        reason = _TICKET_REASONS[facts.ticket]  # policy language: fit for the agent too
        reasons.append((reason, reason))
    if not reasons:
        return None
    decision = _decision(policy, DecisionOutcome.ESCALATE, reasons)
    other = blocked or facts.recent_failures + 1 > policy.max_attempts
    other = other or facts.ticket in policy.ticket.escalate_when
    # Only thinness routes to the manager: a failed source, velocity, used-up attempts or a
    # ticket problem stay ordinary escalations (the manager's approval must not bypass them).
    if policy.thin_context is not None and thin_start and not other:
        route = policy.thin_context.route
        routed = f"routed to {route.replace('_', ' ')}: questions cannot verify this employee"
        decision = decision.model_copy(
            update={
                "route": route,
                "reasons": [*decision.reasons, routed],
                "agent_reasons": [*decision.agent_reasons, routed],
            }
        )
    return decision


def decide(policy: Policy, facts: DecisionInput) -> Decision:
    """Fuse the grades and the risk signal into a decision with readable reasons."""
    rules = _rules_for(policy, facts.action)
    t = _tally(policy, facts.grades, facts.questions_asked, facts.asked)
    state = signal_band(policy, facts.signal)
    strict = state == "elevated" or (state == "unknown" and rules.when_signal_unknown == "strict")
    context = _context_reasons(t, state, facts.signal, facts.degraded_sources, strict)

    def result(outcome: DecisionOutcome, *why: Reason) -> Decision:
        decision = _decision(policy, outcome, [*why, *context])
        return decision.model_copy(update={"score": t.score, "entropy_bits": t.bits})

    if GradeFlag.INJECTION in t.flags:
        return result(
            DecisionOutcome.DENY, _plain("an answer contained instructions to the system")
        )
    if facts.attempts > policy.max_attempts:
        detail = f"attempt {facts.attempts} exceeds the limit of {policy.max_attempts}"
        return result(DecisionOutcome.DENY, (detail, "too many attempts for this employee"))
    if t.asked < policy.min_questions:
        detail = f"only {t.asked} questions asked; the policy needs {policy.min_questions}"
        return result(DecisionOutcome.ESCALATE, (detail, "too few questions were asked"))
    if t.incorrect / t.asked > policy.deny_incorrect_share:
        wrong = ("most answers were wrong or not known", "the answers did not verify the caller")
        return result(DecisionOutcome.DENY, wrong)
    action = facts.action
    degraded = source_failure_reasons(policy, action, facts.degraded_sources)
    thresholds = _thresholds(policy, rules, strict, t.asked)
    blockers = _blockers(policy, thresholds, t, state, action, degraded)
    if blockers:
        deny = state == "high" and len(blockers) > 1
        return result(DecisionOutcome.DENY if deny else DecisionOutcome.ESCALATE, *blockers)
    if GradeFlag.GRADER_ERROR in t.flags:
        return result(DecisionOutcome.ESCALATE, _plain("a grader failure prevents allow"))
    return result(DecisionOutcome.ALLOW, _plain(f"all {action} requirements met"))
