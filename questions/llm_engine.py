"""The LLM question engine, through prompts/llm.py; the prompt version picks the contract.

- question_generation@v2 (PhrasedQuestions, the default): the model picks facts by short id and
  what to ask and writes only the text; deskguard derives the answers (questions/llm_grounding.py).
  One call sized to the questions wanted; a reply cut off at max_tokens keeps its complete
  questions, and only when none is complete is the call made once more for half as many.
- question_generation@v1 (GeneratedQuestions): the model writes answers too; they pass through
  with their evidence ids and questions/checks.py decides what is used.
Only the top-K ranked, minimised facts are sent, as quoted JSON data. The pipeline falls back to
templates when this engine raises a prompts.errors exception, the spent `budget_seconds` included.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import ClassVar

from context.models import ContextItem, Employee, Source
from prompts.config import LLMConfig, PromptVersions
from prompts.errors import LLMTimeout, LLMTruncated, PromptError
from prompts.llm import ModelClient, Usage, complete_structured
from prompts.registry import PromptSpec, get_prompt, render
from prompts.schemas import GeneratedQuestion, GeneratedQuestions, PhrasedQuestions
from questions.engine import EngineOutput, EngineRequest
from questions.llm_grounding import Offer, ground, offer_data, offers_for, salvage
from questions.models import DroppedQuestion, Question
from questions.phrasing import local, when_phrase

DEFAULT_TOP_K = 12
EXTRA_CANDIDATES = 2  # v1: ask for a few more than needed: the checks drop some
SPARE_PHRASED = 1  # v2: one spare (its answers are grounded by construction; leaks still drop)
TOKENS_PER_QUESTION = 40  # v2: {"fact", "ask", "text", "variants"} with a short text
TOKENS_OVERHEAD = 20


class LLMQuestionEngine:
    name: ClassVar[str] = "llm"

    def __init__(
        self,
        config: LLMConfig,
        versions: PromptVersions | None = None,
        *,
        client: ModelClient | None = None,
        top_k: int = DEFAULT_TOP_K,
        budget_seconds: float | None = None,
    ) -> None:
        self.config = config
        self.versions = versions or PromptVersions()
        self.client = client
        self.top_k = top_k
        self.budget_seconds = budget_seconds  # the whole generation; then templates, with why

    async def generate(self, request: EngineRequest) -> EngineOutput:
        spec = get_prompt(self.versions.ref("question_generation"))
        if spec.output_schema not in (GeneratedQuestions.__name__, PhrasedQuestions.__name__):
            raise PromptError(f"{spec.ref} returns {spec.output_schema}, not questions")
        if not request.facts:  # nothing to ask about: no call; the pipeline escalates
            return EngineOutput(questions=[], prompt=spec.ref, prompt_sha256=spec.sha256)
        run = self._phrased if spec.output_schema == PhrasedQuestions.__name__ else self._written
        if self.budget_seconds is None:
            return await run(spec, request)
        try:
            async with asyncio.timeout(self.budget_seconds):
                return await run(spec, request)
        except TimeoutError as exc:
            raise LLMTimeout(
                f"question budget of {self.budget_seconds:g} s spent "
                "(DESKGUARD_QUESTIONS__LLM_BUDGET_SECONDS)"
            ) from exc

    async def _written(self, spec: PromptSpec, request: EngineRequest) -> EngineOutput:
        """v1: the model's questions, answers included, for the checks to judge."""
        rendered = render(spec, generation_variables(request, top_k=self.top_k))
        result = await complete_structured(
            self.config, rendered, GeneratedQuestions, defaults=spec.model, client=self.client
        )
        items = v1_fact_ids(request, self.top_k)
        default_source = request.facts[0].item.source
        questions = [
            to_question(generated, index, items, default_source)
            for index, generated in enumerate(result.parsed.questions, start=1)
        ]
        return _output(questions, [], result.prompt, result.rendered_sha256, result.usage)

    async def _phrased(self, spec: PromptSpec, request: EngineRequest) -> EngineOutput:
        """v2: one call for what is wanted; a truncated reply keeps its complete questions."""
        offers = offers_for(request, self.top_k)
        if not offers:
            return EngineOutput(questions=[], prompt=spec.ref, prompt_sha256=spec.sha256)
        usage, notes = Usage(), []
        want = min(request.count + SPARE_PHRASED, len(offers))
        while True:
            rendered = render(spec, phrasing_variables(request, offers, want))
            defaults = spec.model.model_copy(update={"max_tokens": reply_budget(spec, want)})
            try:
                result = await complete_structured(
                    self.config, rendered, PhrasedQuestions, defaults=defaults, client=self.client
                )
            except LLMTruncated as exc:
                _merge(usage, exc.usage)
                parsed = salvage(exc.partial)
                notes.append(f"reply cut off at {defaults.max_tokens} tokens asking for {want}")
                if parsed is None and want > 1:
                    want = max(1, want // 2)  # never a "repair": a smaller request
                    continue
                if parsed is None:
                    raise
            else:
                _merge(usage, result.usage)
                parsed = result.parsed
            questions, dropped = ground(parsed, offers, request)
            dropped += [DroppedQuestion(text="(reply)", check="truncated", reason=n) for n in notes]
            return _output(questions, dropped, spec.ref, rendered.rendered_sha256, usage)


def reply_budget(spec: PromptSpec, questions: int) -> int:
    """max_tokens for a reply of `questions` questions, within the prompt file's budget."""
    return min(spec.model.max_tokens, TOKENS_OVERHEAD + TOKENS_PER_QUESTION * questions)


def _merge(total: Usage, part: Usage | None) -> None:
    if part is not None:
        total.calls += part.calls
        total.prompt_tokens += part.prompt_tokens
        total.completion_tokens += part.completion_tokens
        total.cost_usd += part.cost_usd
        total.seconds += part.seconds


def _output(
    questions: list[Question],
    dropped: list[DroppedQuestion],
    prompt: str,
    rendered_sha256: str,
    usage: Usage,
) -> EngineOutput:
    return EngineOutput(
        questions=questions,
        dropped=dropped,
        prompt=prompt,
        prompt_sha256=rendered_sha256,
        model_calls=usage.calls,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=usage.cost_usd,
        seconds=round(usage.seconds, 3),
    )


def phrasing_variables(
    request: EngineRequest, offers: list[Offer], count: int
) -> dict[str, object]:
    """The question_generation@v2 variables: facts by short id, nothing that is an answer."""
    employee, now = request.employee, request.now
    moment = local(now, employee.timezone)
    return {
        "now": f"{moment:%A %Y-%m-%d %H:%M}",
        "employee": {"role": employee.role, "title": employee.title},
        "count": count,
        "facts": [offer_data(offer, employee, now) for offer in offers],
    }


def generation_variables(
    request: EngineRequest, *, top_k: int = DEFAULT_TOP_K
) -> dict[str, object]:
    """The question_generation prompt's variables: minimised, in the employee's time zone."""
    employee, now = request.employee, request.now
    moment = local(now, employee.timezone)
    return {
        "employee": _employee(employee),
        "now": {"time": moment.isoformat(timespec="minutes"), "weekday": f"{moment:%A}"},
        "count": request.count + EXTRA_CANDIDATES,
        "facts": [
            fact_data(item, employee, now, fact_id=short)
            for short, item in v1_fact_ids(request, top_k).items()
        ],
    }


def v1_fact_ids(request: EngineRequest, top_k: int = DEFAULT_TOP_K) -> dict[str, ContextItem]:
    """The v1 facts under short ids (f1, f2...): the source systems' item ids never reach the
    model; the evidence the model cites is mapped back to them (`to_question`)."""
    return {f"f{i}": fact.item for i, fact in enumerate(request.facts[:top_k], start=1)}


def _employee(employee: Employee) -> dict[str, str]:
    # No name, UPN, aliases or manager: the model needs the role, nothing that identifies the
    # employee or their accounts (prompts/manifest.py declares what is sent).
    return {
        "title": employee.title,
        "department": employee.department,
        "role": employee.role,
        "timezone": employee.timezone,
    }


def fact_data(
    item: ContextItem, employee: Employee, now: datetime, *, fact_id: str
) -> dict[str, object]:
    """One fact as the model sees it, under its short id: the fields a question may use, times
    local to the employee, participants by name and role only (no addresses)."""
    tz = employee.timezone
    data: dict[str, object] = {
        "id": fact_id,
        "source": item.source.value,
        "kind": item.kind.value,
        "when": local(item.when, tz).isoformat(),
        "day": when_phrase(item.when, now, tz),
        "title": item.title,
        "involvement": item.involvement.value,
    }
    if item.end:
        data["end"] = local(item.end, tz).isoformat()
    if item.participants:
        data["participants"] = [{"name": p.name, "role": p.role} for p in item.participants]
    if item.identifiers:
        data["identifiers"] = dict(item.identifiers)
    if item.extra:
        data["extra"] = dict(item.extra)
    if item.series_id:
        data["recurring"] = True
    return data


def to_question(
    generated: GeneratedQuestion,
    index: int,
    items: dict[str, ContextItem],
    default_source: Source,
) -> Question:
    """Keep what the model said, evidence included: the grounded check needs it as cited. The
    short ids the model saw become the items' own ids; an id never offered stays as cited."""
    cited_ids = list(dict.fromkeys(e.strip() for e in generated.evidence if e.strip()))
    evidence = [items[e].id if e in items else e for e in cited_ids]
    cited = [items[e] for e in cited_ids if e in items]
    expected = generated.expected.strip()
    variants = [v.strip() for v in generated.variants if v.strip() and v.strip() != expected]
    return Question(
        id=f"llm{index}",
        text=generated.text.strip()[:400],
        kind=generated.kind,
        expected=expected[:200],
        variants=list(dict.fromkeys(variants)),
        evidence=evidence,
        # An uncited question keeps a placeholder source; the grounded check drops it anyway.
        source=cited[0].source if cited else default_source,
        topic=generated.topic.strip()[:60] or "llm",
        fact_time=cited[0].when if cited else None,
        engine="llm",
    )
