"""From ranked facts to a checked question set: engine, checks, refill, attacker check.

Whichever engine writes the questions, every one passes questions/checks.py; dropped questions are
replaced from the template engine; questions a simulated attacker answers correctly are dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import structlog

from context.models import ContextItem, PublicProfile
from questions.checks import check_question, set_problems
from questions.engine import EngineOutput, EngineRequest, QuestionEngine
from questions.exposure import annotate
from questions.models import DroppedQuestion, Question, QuestionSet
from questions.planner import plan
from questions.templates import TemplateEngine, candidates

log = structlog.get_logger(__name__)

AttackCheck = Callable[[Question, str], Awaitable[bool]]  # True when the attacker's answer passes


class AttackerLike(Protocol):
    async def answer(
        self, questions: list[Question], profile: PublicProfile | None, company_facts: list[str]
    ) -> dict[str, str]: ...


@dataclass
class PipelineOptions:
    min_questions: int  # the decision policy's minimum (noted when the set falls short)
    public_facts: list[str] = field(default_factory=list)  # profile + directory + company facts
    company_facts: list[str] = field(default_factory=list)
    attacker: AttackerLike | None = None
    attack_check: AttackCheck | None = None
    fallback_to_templates: bool = True  # False: an LLM failure leaves the set short (escalate)


async def build_question_set(
    request: EngineRequest,
    engine: QuestionEngine,
    *,
    options: PipelineOptions,
) -> tuple[QuestionSet, EngineOutput]:
    items = {fact.item.id: fact.item for fact in request.facts}
    output, fallback = await _run_engine(request, engine, options)
    dropped: list[DroppedQuestion] = []
    proposed = annotate(output.questions, items.values())  # an LLM's questions get theirs here
    checked = _accept(proposed, [], items, options.public_facts, dropped)
    accepted = plan(checked, role=request.employee.role, count=request.count, now=request.now)
    allow = fallback is None or options.fallback_to_templates
    accepted = _number(_refill(request, accepted, items, options.public_facts, dropped, allow))
    if options.attacker and options.attack_check:
        accepted = await _attacker_round(request, accepted, items, options, dropped, allow)
    sources = len({fact.item.source for fact in request.facts})
    dropped += [
        DroppedQuestion(text="(set)", check="set", reason=p)
        for p in set_problems(
            accepted, available_sources=sources, min_questions=options.min_questions
        )
    ]
    qset = QuestionSet(
        employee=request.employee.upn,
        engine=engine.name,
        questions=accepted,
        dropped=dropped,
        prompt=output.prompt,
        prompt_sha256=output.prompt_sha256,
        fallback_reason=fallback,
        generated_at=request.now,
    )
    return qset, output


async def _run_engine(
    request: EngineRequest, engine: QuestionEngine, options: PipelineOptions
) -> tuple[EngineOutput, str | None]:
    try:
        return await engine.generate(request), None
    except Exception as exc:  # an engine failure must never stop a verification
        reason = f"{engine.name} engine failed: {type(exc).__name__}: {exc}"[:300]
        log.warning("question_engine_failed", engine=engine.name, error=type(exc).__name__)
        if not options.fallback_to_templates:
            return EngineOutput(questions=[]), reason
        return await TemplateEngine().generate(request), reason


def _accept(
    proposed: Sequence[Question],
    accepted: list[Question],
    items: dict[str, ContextItem],
    public_facts: Sequence[str],
    dropped: list[DroppedQuestion],
) -> list[Question]:
    out = list(accepted)
    for question in proposed:
        problem = check_question(question, out, items, public_facts)
        if problem is None:
            out.append(question)
            continue
        dropped.append(problem)
        if problem.check == "ambiguous":  # the earlier twin is just as ambiguous
            twin = question.text.strip().lower()
            out = [q for q in out if q.text.strip().lower() != twin]
    return out


def _refill(
    request: EngineRequest,
    accepted: list[Question],
    items: dict[str, ContextItem],
    public_facts: Sequence[str],
    dropped: list[DroppedQuestion],
    allow_templates: bool,
    exclude: set[str] | None = None,
) -> list[Question]:
    """Top the set up to `count` from template candidates, each passing the same checks."""
    if not allow_templates:
        return accepted
    seen = {q.text for q in accepted} | {d.text for d in dropped} | (exclude or set())
    pool = [
        q for q in candidates(request.facts, request.employee, request.now) if q.text not in seen
    ]
    while len(accepted) < request.count and pool:
        picks = plan(
            pool, role=request.employee.role, count=request.count, now=request.now, taken=accepted
        )
        if not picks:
            break
        pick = picks[0]
        pool = [q for q in pool if q is not pick]
        accepted = _accept([pick], accepted, items, public_facts, dropped)
    return accepted


def _number(questions: list[Question]) -> list[Question]:
    for index, question in enumerate(questions, start=1):
        question.id = f"q{index}"
    return questions


async def _attacker_round(
    request: EngineRequest,
    accepted: list[Question],
    items: dict[str, ContextItem],
    options: PipelineOptions,
    dropped: list[DroppedQuestion],
    allow_templates: bool,
) -> list[Question]:
    """Drop what a public-profile attacker answers correctly; refill; test the refills once."""
    assert options.attacker and options.attack_check
    rejected: set[str] = set()
    for _ in range(2):
        answers = await options.attacker.answer(accepted, request.profile, options.company_facts)
        kept = []
        for question in accepted:
            guess = answers.get(question.id, "")
            if guess and await options.attack_check(question, guess):
                dropped.append(
                    DroppedQuestion(
                        text=question.text,
                        check="attacker",
                        reason="a public-profile attacker answered it",
                    )
                )
                rejected.add(question.text)
            else:
                kept.append(question)
        if len(kept) == len(accepted):
            return kept
        accepted = _number(
            _refill(request, kept, items, options.public_facts, dropped, allow_templates, rejected)
        )
    return accepted
