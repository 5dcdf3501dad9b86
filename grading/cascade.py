"""The per-answer cascade: intent -> how it is said (denials, alternatives, corrections; see
grading/reading.py) -> normalise -> typed/exact -> rapidfuzz -> uncertain band.

Only the uncertain band (text and person kinds) ever reaches a judge, and a judge can only lift
an answer to `correct` if it also rejects the same answer against a deliberately wrong reference
(the counterfactual check): an answer that "matches" both is over-general or an injection.
Judge errors and time-outs never produce `correct`. A judge that can grade both references in
one call (`judges_pairs`, answer_judge@v2) is asked once, so a one-slot server is not kept
busy twice as long; otherwise the two calls share one time-out. How far a judge's verdict is
followed is its `trust` (grading/trust.py), set from its calibration.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace
from typing import Protocol, cast

from pydantic import BaseModel, Field

from grading.datetimes import match_datetime
from grading.identifiers import match_identifier
from grading.intent import Intent, classify
from grading.match import Match, clamp
from grading.models import AnswerKind, Grade, GradeRequest, Verdict
from grading.people import match_people
from grading.reading import read_answer
from grading.text import listed_other, match_text, mentions_expected
from grading.trust import JudgeTrust
from vocabulary.people import split_people

GRADER_VERSION = "deterministic@8"
# 8: fillers do not lower similarity, a listed answer is a hedge; 7: a misspelt ordinary word
# is no swapped name; 6: one answer given to two questions counts for neither
JUDGE_TIMEOUT_S = 15.0
BAND_CAP = 0.6  # highest score an undecided band answer keeps without a judge's say-so

_DECOY_TEXT = [
    "Quarterly budget review for the marketing team",
    "Upgrade the CI runners to Ubuntu 24.04",
    "Onboarding checklist for new contractors",
    "Rotate the Salesforce integration credentials",
    "Data retention policy for support call recordings",
]
_DECOY_PEOPLE = ["Priya Raman", "Tomasz Lindqvist", "Grace Okafor", "Hiroshi Tanaka", "Ines Duarte"]


class JudgeResult(BaseModel):
    verdict: Verdict
    score: float = Field(ge=0.0, le=1.0)
    reason: str


class Judge(Protocol):
    """Grades `request.response` against `reference`, which is NOT always `request.expected`:
    the cascade also sends a deliberately wrong reference (the counterfactual check), and the
    request's variants belong to the true expected answer only."""

    name: str  # e.g. "llm:answer_judge@v1"

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult: ...


class PairJudge(Judge, Protocol):
    """A judge that grades the true and the decoy reference in one call."""

    judges_pairs: bool

    async def judge_pair(
        self, request: GradeRequest, *, reference: str, decoy: str
    ) -> tuple[JudgeResult, JudgeResult]: ...


_NO_CALIBRATION = JudgeTrust.full("no calibration applied")


def trust_of(judge: Judge) -> JudgeTrust:
    trust = getattr(judge, "trust", None)
    return trust if isinstance(trust, JudgeTrust) else _NO_CALIBRATION


def _pick(options: list[str], key: str, avoid: str, response: str) -> str:
    """A decoy chosen by a stable hash, skipping any the answer or expected could match."""
    start = int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(options)
    rotated = options[start:] + options[:start]
    for option in rotated:
        sample = GradeRequest(
            id="decoy", question="", expected=option, kind=AnswerKind.TEXT, response=response[:1024]
        )
        if _match(sample).verdict is Verdict.INCORRECT and option not in avoid:
            return option
    return rotated[0]


def counterfactual_reference(request: GradeRequest) -> str:
    """A plausible answer of the same kind that is deliberately not the expected one."""
    if request.kind is AnswerKind.PERSON:
        count = max(1, len(split_people(request.expected)))
        expected = request.expected.casefold()
        names = [n for n in _DECOY_PEOPLE if n.split()[0].casefold() not in expected]
        start = int(hashlib.sha256(request.id.encode()).hexdigest(), 16) % len(names)
        return ", ".join((names[start:] + names[:start])[:count])
    return _pick(_DECOY_TEXT, request.id, request.expected, request.response)


def _match(request: GradeRequest) -> Match:
    match request.kind:
        case AnswerKind.IDENTIFIER:
            return match_identifier(request.expected, request.variants, request.response)
        case AnswerKind.DATETIME:
            return match_datetime(
                request.expected,
                request.response,
                asked_at=request.asked_at,
                timezone=request.timezone,
            )
        case AnswerKind.PERSON:
            return match_people(
                request.expected, request.variants, request.response, request.people
            )
        case AnswerKind.TEXT:
            return match_text(request.expected, request.variants, request.response)


def _with_response(request: GradeRequest, response: str) -> GradeRequest:
    return request.model_copy(update={"response": response})


def _denies(request: GradeRequest, span: str, affirmed: str) -> bool:
    """Does the denied `span` name the expected answer ("not ITOPS-4173" for ITOPS-4173)?"""
    if request.kind is AnswerKind.TEXT and mentions_expected(request.expected, span, affirmed):
        return True
    m = _match(_with_response(request, span))
    if request.kind is AnswerKind.IDENTIFIER:
        return m.verdict is Verdict.CORRECT
    if request.kind is AnswerKind.PERSON:
        return m.score > 0.0  # names an expected person
    # A time: "yesterday at 3, not 4" denies 4, which is within tolerance of 3 pm but further
    # than what was affirmed; "not at 3, at 4" denies the better of the two.
    kept = _match(_with_response(request, affirmed))
    return m.verdict is not Verdict.INCORRECT and m.score >= kept.score


def _hedged(request: GradeRequest, candidates: list[str]) -> Match:
    """Every alternative graded on its own: correct only when all are right."""
    results = [_match(_with_response(request, c)) for c in candidates]
    quoted = ", ".join(f"'{c}'" for c in candidates)
    wrong = [
        c for c, m in zip(candidates, results, strict=True) if m.verdict is not Verdict.CORRECT
    ]
    if not wrong:
        reason = f"{len(candidates)} alternatives ({quoted}), each of them right"
        return Match(Verdict.CORRECT, min(m.score for m in results), "hedged", reason)
    reason = (
        f"offers {len(candidates)} alternatives ({quoted}) and '{wrong[0]}' is not the answer: "
        "a hedge is never correct"
    )
    return Match(Verdict.INCORRECT, 0.0, "hedged", reason, flags=("hedged",))


def _match_said(request: GradeRequest) -> Match:
    """The matchers on what the caller settled on: denials cut out, alternatives each graded."""
    reading = read_answer(request.response, [request.expected, *request.variants])
    for span in reading.denied:
        if _denies(request, span, reading.affirmed):
            reason = f"the caller said it was not '{span}', which is the answer"
            return Match(Verdict.INCORRECT, 0.0, "negation", reason, flags=("negation",))
    if reading.candidates and request.kind is not AnswerKind.PERSON:
        return _hedged(request, reading.candidates)
    if request.kind is AnswerKind.TEXT:
        other = listed_other([request.expected, *request.variants], reading.affirmed)
        if other is not None:
            reason = f"names '{other}' beside the answer: two things said for one is a hedge"
            return Match(Verdict.INCORRECT, 0.0, "hedged", reason, flags=("hedged",))
    m = _match(_with_response(request, reading.affirmed))
    if reading.denied:
        denied = ", ".join(f"'{s}'" for s in reading.denied)
        return replace(m, reason=f"{m.reason} (set aside what it was not: {denied})")
    return m


def _grade(request: GradeRequest, m: Match, judge: Judge | None = None) -> Grade:
    return Grade(
        id=request.id,
        kind=request.kind,
        verdict=m.verdict,
        score=clamp(m.score),
        method=m.method,
        reason=m.reason,
        flags=list(m.flags),
        grader=GRADER_VERSION if judge is None else f"{GRADER_VERSION}+{judge.name}",
    )


def match_deterministic(request: GradeRequest) -> Match:
    """Every stage but the judge. Uncertain band answers come back partial and `uncertain`."""
    intent = classify(request.response)
    if intent is Intent.INJECTION:
        reason = "the answer contains instructions to the grader; rejected whatever it matches"
        return Match(Verdict.INCORRECT, 0.0, "injection", reason, flags=("injection",))
    if intent is Intent.DONT_KNOW:
        return Match(
            Verdict.INCORRECT,
            0.0,
            "dont_know",
            "the caller did not know or said nothing",
            flags=("dont_know",),
        )
    try:
        m = _match_said(request)
    except (ValueError, KeyError) as exc:  # bad ISO value or unknown time zone in the request
        return Match(Verdict.INCORRECT, 0.0, "error", f"could not grade: {exc}", flags=("error",))
    if m.uncertain:  # the band: never correct on the deterministic path
        return Match(Verdict.PARTIAL, min(m.score, BAND_CAP), m.method, m.reason, True, m.flags)
    return m


def _no_judge(m: Match) -> Match:
    return Match(
        m.verdict, m.score, m.method, m.reason + "; no judge: partial at most", True, m.flags
    )


def _judge_failed(m: Match, why: str) -> Match:
    reason = f"{m.reason}; judge unavailable ({why}): partial at most"
    return Match(
        Verdict.PARTIAL,
        min(m.score, BAND_CAP),
        m.method,
        reason,
        True,
        (*m.flags, "judge_unavailable"),
    )


def _combine(m: Match, judge: Judge, real: JudgeResult, decoy: JudgeResult) -> Match:
    method = f"judge:{judge.name}"
    if real.verdict is Verdict.CORRECT and decoy.verdict is not Verdict.INCORRECT:
        reason = (
            "the judge also accepted the answer against a deliberately wrong reference: "
            "over-general or manipulative"
        )
        return Match(Verdict.INCORRECT, 0.0, method, reason, False, (*m.flags, "counterfactual"))
    if real.verdict is Verdict.PARTIAL and decoy.verdict is not Verdict.INCORRECT:
        reason = "the judge gave partial credit against a wrong reference too: not distinctive"
        return Match(Verdict.INCORRECT, 0.0, method, reason, False, (*m.flags, "counterfactual"))
    score = real.score if real.verdict is not Verdict.INCORRECT else min(real.score, 0.3)
    reason = f"{m.reason}; judge: {real.reason}"
    return Match(real.verdict, clamp(score), method, reason, False, m.flags)


def _trusted(m: Match, judged: Match, trust: JudgeTrust) -> Match:
    """The judge's say where its calibration supports it; the deterministic band otherwise."""
    lifted = judged.verdict is Verdict.CORRECT and not trust.accept
    lowered = judged.verdict is Verdict.INCORRECT and not trust.reject
    if not (lifted or lowered):
        return judged
    said = judged.verdict.value
    reason = f"{m.reason}; judge said {said}, not followed ({trust.why}): partial at most"
    return Match(
        Verdict.PARTIAL, min(m.score, BAND_CAP), judged.method, reason, True,
        (*m.flags, "judge_not_followed"),
    )  # fmt: skip


async def _both(request: GradeRequest, judge: Judge, decoy: str) -> tuple[JudgeResult, JudgeResult]:
    if getattr(judge, "judges_pairs", False):
        pair = cast(PairJudge, judge)
        return await pair.judge_pair(request, reference=request.expected, decoy=decoy)
    real, wrong = await asyncio.gather(
        judge.judge(request, reference=request.expected),
        judge.judge(request, reference=decoy),
    )
    return real, wrong


async def _ask_judge(request: GradeRequest, m: Match, judge: Judge, timeout: float) -> Match:
    trust = trust_of(judge)
    if not trust.used:
        reason = f"{m.reason}; judge not used ({trust.why}): partial at most"
        return Match(m.verdict, m.score, m.method, reason, True, (*m.flags, "judge_not_used"))
    try:
        async with asyncio.timeout(timeout):  # one budget for both references
            real, wrong = await _both(request, judge, counterfactual_reference(request))
    except TimeoutError:
        return _judge_failed(m, f"no answer within {timeout:g} s")
    except Exception as exc:  # any judge failure fails closed, never correct
        return _judge_failed(m, type(exc).__name__)
    return _trusted(m, _combine(m, judge, real, wrong), trust)


async def grade(
    request: GradeRequest, *, judge: Judge | None = None, timeout: float = JUDGE_TIMEOUT_S
) -> Grade:
    """Grade one answer; the judge (if any) only sees the uncertain band."""
    m = match_deterministic(request)
    if m.uncertain:
        if judge is None:
            m = _no_judge(m)
        else:
            return _grade(request, await _ask_judge(request, m, judge, timeout), judge)
    return _grade(request, m)


def grade_sync(
    request: GradeRequest, *, judge: Judge | None = None, timeout: float = JUDGE_TIMEOUT_S
) -> Grade:
    """`grade` for synchronous callers (CLI, batch); no event loop needed without a judge."""
    if judge is None:
        m = match_deterministic(request)
        return _grade(request, _no_judge(m) if m.uncertain else m)
    return asyncio.run(grade(request, judge=judge, timeout=timeout))
