"""The LLM question engine: ONE model call per verification, through prompts/llm.py.

Only the top-K ranked, minimised facts go to the model, each as quoted JSON data with its item id.
The engine turns the model's questions into `Question`s and keeps the evidence ids it cited,
grounded or not: questions/checks.py (run by questions/pipeline.py) decides what is used, and the
pipeline falls back to templates when this engine raises a prompts.errors exception.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from context.models import ContextItem, Employee, Source
from prompts.config import LLMConfig, PromptVersions
from prompts.errors import PromptError
from prompts.llm import ModelClient, complete_structured
from prompts.registry import get_prompt, render
from prompts.schemas import GeneratedQuestion, GeneratedQuestions
from questions.engine import EngineOutput, EngineRequest
from questions.models import Question
from questions.phrasing import local, when_phrase

DEFAULT_TOP_K = 12
EXTRA_CANDIDATES = 2  # ask for a few more than needed: the checks drop some


class LLMQuestionEngine:
    name: ClassVar[str] = "llm"

    def __init__(
        self,
        config: LLMConfig,
        versions: PromptVersions | None = None,
        *,
        client: ModelClient | None = None,
        top_k: int = DEFAULT_TOP_K,
    ) -> None:
        self.config = config
        self.versions = versions or PromptVersions()
        self.client = client
        self.top_k = top_k

    async def generate(self, request: EngineRequest) -> EngineOutput:
        spec = get_prompt(self.versions.ref("question_generation"))
        if spec.output_schema != GeneratedQuestions.__name__:
            raise PromptError(f"{spec.ref} returns {spec.output_schema}, not GeneratedQuestions")
        if not request.facts:  # nothing to ask about: no call; the pipeline escalates
            return EngineOutput(questions=[], prompt=spec.ref, prompt_sha256=spec.sha256)
        rendered = render(spec, generation_variables(request, top_k=self.top_k))
        result = await complete_structured(
            self.config, rendered, GeneratedQuestions, defaults=spec.model, client=self.client
        )
        items = {fact.item.id: fact.item for fact in request.facts[: self.top_k]}
        default_source = request.facts[0].item.source
        questions = [
            to_question(generated, index, items, default_source)
            for index, generated in enumerate(result.parsed.questions, start=1)
        ]
        return EngineOutput(
            questions=questions,
            prompt=result.prompt,
            prompt_sha256=result.rendered_sha256,
            model_calls=result.usage.calls,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            cost_usd=result.usage.cost_usd,
        )


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
        "facts": [fact_data(f.item, employee, now) for f in request.facts[:top_k]],
    }


def _employee(employee: Employee) -> dict[str, str]:
    # No UPN, aliases or manager: the model needs the role and the name, nothing that identifies
    # the employee's accounts.
    return {
        "name": employee.name,
        "title": employee.title,
        "department": employee.department,
        "role": employee.role,
        "timezone": employee.timezone,
    }


def fact_data(item: ContextItem, employee: Employee, now: datetime) -> dict[str, object]:
    """One fact as the model sees it: the fields a question may use, times local to the employee,
    participants by name and role only (no addresses)."""
    tz = employee.timezone
    data: dict[str, object] = {
        "id": item.id,
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
    """Keep what the model said, evidence ids included: the grounded check needs them as cited."""
    evidence = list(dict.fromkeys(e.strip() for e in generated.evidence if e.strip()))
    cited = [items[e] for e in evidence if e in items]
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
