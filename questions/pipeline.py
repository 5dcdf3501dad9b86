"""From ranked facts to a checked question set: engine, checks, refill, attacker check.

Whichever engine writes the questions, every one passes questions/checks.py; dropped questions are
replaced from the template engine; questions a simulated attacker answers correctly are dropped.
The attacker's guesses are graded by a function the caller passes in (`AttackCheck`): this
package never imports the grader. One `_SetBuilder` holds the state of a build.
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

# Grades an attacker's guess at a question: True when the guess would pass as the answer.
AttackCheck = Callable[[Question, str], Awaitable[bool]]


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
    output, fallback = await _run_engine(request, engine, options)
    builder = _SetBuilder(
        request, options, allow_templates=fallback is None or options.fallback_to_templates
    )
    builder.dropped += output.dropped  # the engine's own refusals
    proposed = annotate(output.questions, builder.items.values())  # an LLM's get theirs here
    checked = builder.accept(proposed, [])
    planned = plan(checked, role=request.employee.role, count=request.count, now=request.now)
    accepted = _numbered(builder.refill(planned))
    if options.attacker and options.attack_check:
        accepted = await builder.attacker_rounds(accepted, options.attacker, options.attack_check)
    builder.note_set_problems(accepted)
    qset = QuestionSet(
        employee=request.employee.upn,
        engine=engine.name,
        questions=accepted,
        dropped=builder.dropped,
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


def _numbered(questions: Sequence[Question]) -> list[Question]:
    """Copies numbered q1, q2...: ids are the position in the set as asked."""
    return [q.model_copy(update={"id": f"q{i}"}) for i, q in enumerate(questions, start=1)]


@dataclass
class _SetBuilder:
    """The state of one build: what was dropped and why, and what the attacker answered."""

    request: EngineRequest
    options: PipelineOptions
    allow_templates: bool  # False after an LLM failure when the settings say escalate
    dropped: list[DroppedQuestion] = field(default_factory=list)
    attacked: set[str] = field(default_factory=set)  # texts the attacker answered: never again
    items: dict[str, ContextItem] = field(init=False)

    def __post_init__(self) -> None:
        self.items = {fact.item.id: fact.item for fact in self.request.facts}

    def accept(self, proposed: Sequence[Question], accepted: Sequence[Question]) -> list[Question]:
        """`accepted` plus each proposed question that passes the checks against it."""
        out = list(accepted)
        for question in proposed:
            problem = check_question(question, out, self.items, self.options.public_facts)
            if problem is None:
                out.append(question)
                continue
            self.dropped.append(problem)
            if problem.check == "ambiguous":  # the earlier twin is just as ambiguous
                twin = question.text.strip().lower()
                out = [q for q in out if q.text.strip().lower() != twin]
        return out

    def refill(self, accepted: list[Question]) -> list[Question]:
        """Top the set up to `count` from template candidates, each passing the same checks."""
        if not self.allow_templates:
            return accepted
        request = self.request
        seen = {q.text for q in accepted} | {d.text for d in self.dropped} | self.attacked
        pool = [
            q
            for q in candidates(request.facts, request.employee, request.now)
            if q.text not in seen
        ]
        while len(accepted) < request.count and pool:
            picks = plan(
                pool, role=request.employee.role, count=request.count, now=request.now,
                taken=accepted,
            )  # fmt: skip
            if not picks:
                break
            pool = [q for q in pool if q is not picks[0]]
            accepted = self.accept([picks[0]], accepted)
        return accepted

    async def attacker_rounds(
        self, accepted: list[Question], attacker: AttackerLike, passes: AttackCheck
    ) -> list[Question]:
        """Drop what a public-profile attacker answers correctly; refill; test the refills once."""
        for _ in range(2):
            answers = await attacker.answer(
                accepted, self.request.profile, self.options.company_facts
            )
            kept = [q for q in accepted if not await self._answered(q, answers, passes)]
            if len(kept) == len(accepted):
                return kept
            accepted = _numbered(self.refill(kept))
        return accepted

    async def _answered(
        self, question: Question, answers: dict[str, str], passes: AttackCheck
    ) -> bool:
        guess = answers.get(question.id, "")
        if not guess or not await passes(question, guess):
            return False
        reason = "a public-profile attacker answered it"
        self.dropped.append(DroppedQuestion(text=question.text, check="attacker", reason=reason))
        self.attacked.add(question.text)
        return True

    def note_set_problems(self, accepted: Sequence[Question]) -> None:
        sources = len({fact.item.source for fact in self.request.facts})
        problems = set_problems(
            accepted, available_sources=sources, min_questions=self.options.min_questions
        )
        self.dropped += [DroppedQuestion(text="(set)", check="set", reason=p) for p in problems]
