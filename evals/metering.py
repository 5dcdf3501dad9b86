"""Counting model use per verification by wrapping the runtime's engine, judge and attacker.

Calls are counted here by wrapping the runtime's collaborators; tokens come from the service's
own per-verification meter (prompts.llm.metered), stored on the verification as `llm_usage`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from api.runtime import Runtime
from context.models import PublicProfile
from grading.cascade import Judge, JudgeResult
from grading.models import GradeRequest
from questions.engine import EngineOutput, EngineRequest, QuestionEngine
from questions.models import Question
from questions.pipeline import AttackerLike


@dataclass
class Meter:
    engine_calls: int = 0
    judge_calls: int = 0
    attacker_calls: int = 0
    tokens: int = 0

    @property
    def model_calls(self) -> int:
        return self.engine_calls + self.judge_calls + self.attacker_calls

    def reset(self) -> None:
        self.engine_calls = self.judge_calls = self.attacker_calls = self.tokens = 0


def _metered_engine(inner: QuestionEngine, meter: Meter) -> QuestionEngine:
    class Metered:
        name: ClassVar[str] = inner.name

        async def generate(self, request: EngineRequest) -> EngineOutput:
            output = await inner.generate(request)
            meter.engine_calls += output.model_calls
            meter.tokens += output.prompt_tokens + output.completion_tokens
            return output

    return Metered()


class _MeteredJudge:
    def __init__(self, inner: Judge, meter: Meter) -> None:
        self.inner, self.meter, self.name = inner, meter, inner.name

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult:
        self.meter.judge_calls += 1
        return await self.inner.judge(request, reference=reference)


class _MeteredAttacker:
    def __init__(self, inner: AttackerLike, meter: Meter, *, counts: bool) -> None:
        self.inner, self.meter, self.counts = inner, meter, counts

    async def answer(
        self, questions: list[Question], profile: PublicProfile | None, company_facts: list[str]
    ) -> dict[str, str]:
        self.meter.attacker_calls += 1 if self.counts else 0
        return await self.inner.answer(questions, profile, company_facts)


def metered(runtime: Runtime, meter: Meter) -> Runtime:
    """A copy of `runtime` whose model-backed collaborators report to `meter`."""
    from questions.attacker import LLMAttacker

    attacker = runtime.attacker
    return dataclasses.replace(
        runtime,
        engine=_metered_engine(runtime.engine, meter),
        judge=_MeteredJudge(runtime.judge, meter) if runtime.judge else None,
        attacker=(
            _MeteredAttacker(attacker, meter, counts=isinstance(attacker, LLMAttacker))
            if attacker
            else None
        ),
    )
