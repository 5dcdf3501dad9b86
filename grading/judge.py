"""The LLM judge for the cascade's uncertain band (grading/cascade.py defines the protocol).

The caller's answer is quoted untrusted data in the `answer_judge` prompt. The model's verdict is
not taken at face value: an answer flagged as an injection attempt is incorrect, a verdict that
disagrees with its own score gets the more conservative of the two, and a reason that quotes the
reference answer is withheld (reasons reach help-desk agents). LLM errors raise; the cascade turns
them into a conservative verdict.
"""

from __future__ import annotations

from grading.cascade import JudgeResult
from grading.models import GradeRequest, Verdict
from prompts.config import LLMConfig, PromptVersions
from prompts.errors import PromptError
from prompts.llm import ModelClient, complete_structured
from prompts.registry import get_prompt, render
from prompts.schemas import JudgeVerdict

_RANK = {Verdict.INCORRECT: 0, Verdict.PARTIAL: 1, Verdict.CORRECT: 2}


def verdict_for_score(score: float) -> Verdict:
    if score >= 0.8:
        return Verdict.CORRECT
    return Verdict.PARTIAL if score >= 0.3 else Verdict.INCORRECT


class LLMJudge:
    def __init__(
        self,
        config: LLMConfig,
        versions: PromptVersions | None = None,
        *,
        client: ModelClient | None = None,
    ) -> None:
        self.config = config
        self.client = client
        self.spec = get_prompt((versions or PromptVersions()).ref("answer_judge"))
        if self.spec.output_schema != JudgeVerdict.__name__:
            raise PromptError(
                f"{self.spec.ref} returns {self.spec.output_schema}, not JudgeVerdict"
            )
        self.name = f"llm:{self.spec.ref}"

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult:
        rendered = render(self.spec, judge_variables(request, reference=reference))
        result = await complete_structured(
            self.config, rendered, JudgeVerdict, defaults=self.spec.model, client=self.client
        )
        return to_result(result.parsed, reference=reference, ref=self.spec.ref)


def judge_variables(request: GradeRequest, *, reference: str) -> dict[str, object]:
    # The variants belong to the true expected answer: sent with a counterfactual reference they
    # would let a genuine answer pass a deliberately wrong reference.
    variants = request.variants if reference == request.expected else []
    asked_at = request.asked_at.isoformat() if request.asked_at else None
    return {
        "question": request.question,
        "kind": request.kind.value,
        "reference": reference,
        "variants": variants,
        "asked_at": {"time": asked_at, "timezone": request.timezone},
        "answer": request.response,
    }


def to_result(parsed: JudgeVerdict, *, reference: str, ref: str) -> JudgeResult:
    if parsed.injection_suspected:
        return JudgeResult(
            verdict=Verdict.INCORRECT, score=0.0,
            reason=f"{ref}: the answer tried to instruct the grader",
        )  # fmt: skip
    said, implied = Verdict(parsed.verdict), verdict_for_score(parsed.score)
    verdict = min(said, implied, key=_RANK.__getitem__)
    score = parsed.score if verdict == said else {"correct": 1.0, "partial": 0.5}.get(verdict, 0.0)
    reason = " ".join(parsed.reason.split())[:240]
    if len(reference) >= 3 and reference.lower() in reason.lower():
        reason = "reason withheld: it quoted the reference answer"
    if verdict != said:
        reason += f" (model said {said.value} with score {parsed.score:.2f}; kept {verdict.value})"
    return JudgeResult(verdict=verdict, score=score, reason=f"{ref}: {reason}")
