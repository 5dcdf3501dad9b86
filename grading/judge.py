"""The LLM judge for the cascade's uncertain band (grading/cascade.py defines the protocol).

The caller's answer is quoted untrusted data in the `answer_judge` prompt. The model's verdict is
not taken at face value: an answer flagged as an injection attempt is incorrect, a verdict that
disagrees with its own score gets the more conservative of the two, and a reason that quotes the
reference answer is withheld (reasons reach help-desk agents). LLM errors raise; the cascade turns
them into a conservative verdict.

answer_judge@v2 (JudgePair) grades the answer against the true reference and the cascade's decoy
in ONE call, so a one-slot local server answers once per answer; which of A and B is the true
one is chosen by a stable hash, so a model's preference for A or B cannot pass answers. What the
cascade does with the result depends on the judge's `trust` (grading/calibration.py).
"""

from __future__ import annotations

import hashlib

from grading.cascade import JudgeResult
from grading.models import GradeRequest, Verdict
from grading.trust import JudgeTrust
from prompts.config import LLMConfig, PromptVersions
from prompts.errors import PromptError
from prompts.llm import ModelClient, complete_structured
from prompts.registry import get_prompt, render
from prompts.schemas import Closeness, JudgePair, JudgeVerdict

_RANK = {Verdict.INCORRECT: 0, Verdict.PARTIAL: 1, Verdict.CORRECT: 2}
_CLOSENESS: dict[str, tuple[Verdict, float]] = {
    "same": (Verdict.CORRECT, 1.0),
    "partly": (Verdict.PARTIAL, 0.5),
    "different": (Verdict.INCORRECT, 0.0),
}


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
        trust: JudgeTrust | None = None,
    ) -> None:
        self.config = config
        self.client = client
        self.spec = get_prompt((versions or PromptVersions()).ref("answer_judge"))
        schemas = (JudgeVerdict.__name__, JudgePair.__name__)
        if self.spec.output_schema not in schemas:
            raise PromptError(f"{self.spec.ref} returns {self.spec.output_schema}, not a verdict")
        self.name = f"llm:{self.spec.ref}"
        self.judges_pairs = self.spec.output_schema == JudgePair.__name__
        self.trust = trust or JudgeTrust.full("no calibration applied")

    @property
    def calibration_key(self) -> str:
        """What a calibration is valid for: this model and this exact prompt file."""
        return f"{self.config.model}|{self.spec.ref}|{self.spec.sha256}"

    async def judge(self, request: GradeRequest, *, reference: str) -> JudgeResult:
        if self.judges_pairs:  # one reference only: the pair prompt with a neutral decoy
            real, _ = await self.judge_pair(request, reference=reference, decoy="(nothing)")
            return real
        rendered = render(self.spec, judge_variables(request, reference=reference))
        result = await complete_structured(
            self.config, rendered, JudgeVerdict, defaults=self.spec.model, client=self.client
        )
        return to_result(result.parsed, reference=reference, ref=self.spec.ref)

    async def judge_pair(
        self, request: GradeRequest, *, reference: str, decoy: str
    ) -> tuple[JudgeResult, JudgeResult]:
        """(against `reference`, against `decoy`) from one call."""
        if not self.judges_pairs:
            raise PromptError(f"{self.spec.ref} grades one reference a call")
        swap = true_is_b(request)
        a, b = (decoy, reference) if swap else (reference, decoy)
        rendered = render(self.spec, pair_variables(request, a, b))
        result = await complete_structured(
            self.config, rendered, JudgePair, defaults=self.spec.model, client=self.client
        )
        parsed = result.parsed
        real, fake = (parsed.reference_b, parsed.reference_a) if swap else (
            parsed.reference_a, parsed.reference_b,
        )  # fmt: skip
        if parsed.instructions_in_answer:
            flagged = JudgeResult(
                verdict=Verdict.INCORRECT, score=0.0,
                reason=f"{self.spec.ref}: the answer tried to instruct the grader",
            )  # fmt: skip
            return flagged, flagged
        return self._closeness(real, "the reference"), self._closeness(fake, "a wrong reference")

    def _closeness(self, closeness: Closeness, against: str) -> JudgeResult:
        verdict, score = _CLOSENESS[closeness]
        reason = f"{self.spec.ref}: {closeness} as {against}"
        return JudgeResult(verdict=verdict, score=score, reason=reason)


def true_is_b(request: GradeRequest) -> bool:
    """Where the true reference goes, from a stable hash of the question and the answer."""
    digest = hashlib.sha256(f"{request.id}\0{request.response}".encode()).digest()
    return digest[0] % 2 == 1


def pair_variables(request: GradeRequest, a: str, b: str) -> dict[str, object]:
    return {
        "question": request.question,
        "kind": request.kind.value,
        "reference_a": a,
        "reference_b": b,
        "answer": request.response,
    }


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
